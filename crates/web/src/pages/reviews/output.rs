//! Renderings of a [`Review`]: the DOCX (Nghị định 30/2020 layout, through
//! `lienket_office::docx`), the XLSX annex, and the rows the web page shows.

use lienket_office::docx::{AdminDocument, Annex, Block, Table};
use lienket_office::{ColumnKind, ExportCell, ExportColumn, Sheet};

use super::document::{Cell, Part, Review, Tbl};
use crate::error::{AppError, AppResult};

/// The parent body printed above the issuing body.
const PARENT_BODY: &str = "LIÊN MINH HỢP TÁC XÃ VIỆT NAM";

fn table(t: &Tbl, with_caption: bool) -> Table {
    Table {
        caption: with_caption.then(|| t.caption.clone()),
        header: t.header.clone(),
        rows: t
            .rows
            .iter()
            .map(|r| r.iter().map(Cell::show).collect())
            .collect(),
        numeric: t.numeric(),
        total_row: t.total_row,
    }
}

/// The review as a DOCX file.
pub(crate) fn docx(r: &Review) -> Vec<u8> {
    let body = r
        .parts
        .iter()
        .filter_map(|p| match p {
            Part::H1(s) => Some(Block::Heading1(s.clone())),
            Part::H2(s) => Some(Block::Heading2(s.clone())),
            Part::P(s) => Some(Block::Paragraph(s.clone())),
            Part::Table(t) => Some(Block::Table(table(t, true))),
            Part::Chart(_) => None,
        })
        .collect();
    let doc = AdminDocument {
        parent_body: PARENT_BODY.into(),
        issuing_body: r.issuing_body.to_uppercase(),
        number: r.number_line.clone(),
        place_date: r.place_date.clone(),
        title: r.title.clone(),
        summary: r.summary.clone(),
        body,
        recipients: r.recipients.clone(),
        signer_role: r.signer_role.clone(),
        signer_name: r.signer_name.clone(),
        annexes: r
            .annexes
            .iter()
            .map(|a| Annex {
                label: a.label.clone(),
                title: a.title.to_uppercase(),
                subtitle: a.subtitle.clone(),
                blocks: a
                    .tables
                    .iter()
                    .map(|t| Block::Table(table(t, a.tables.len() > 1)))
                    .collect(),
            })
            .collect(),
    };
    lienket_office::docx::write_admin_document(&doc)
}

/// A value as the spreadsheet keeps it: numbers as numbers.
pub(crate) fn export_cell(c: &Cell) -> ExportCell {
    match c {
        Cell::Text(s) if s.is_empty() => ExportCell::Empty,
        Cell::Text(s) => ExportCell::Text(s.clone()),
        Cell::Int(n) => ExportCell::Integer(*n),
        Cell::Missing => ExportCell::Empty,
        Cell::Pct(p) => ExportCell::Decimal(*p),
    }
}

/// The columns of a table as exported: kinds from the values, widths from the headings.
pub(crate) fn export_columns(t: &Tbl) -> Vec<ExportColumn> {
    let numeric = t.numeric();
    t.header
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let pct = t.rows.iter().any(|r| matches!(r.get(i), Some(Cell::Pct(_))));
            let kind = match (numeric.get(i).copied().unwrap_or(false), pct) {
                (true, true) => ColumnKind::Decimal,
                (true, false) => ColumnKind::Integer,
                _ => ColumnKind::Text,
            };
            let longest = t
                .rows
                .iter()
                .filter_map(|r| r.get(i))
                .map(|c| c.show().chars().count())
                .max()
                .unwrap_or(0);
            let width = if i == 0 && kind == ColumnKind::Integer {
                6.0
            } else {
                (longest.max(h.chars().count().min(24)) as f64 + 2.0).clamp(8.0, 60.0)
            };
            ExportColumn {
                header: h.clone(),
                kind,
                width,
            }
        })
        .collect()
}

/// A workbook of tables, a sheet each in the order given, named by the table's `sheet`: the
/// title row is `title` on every sheet, the subtitle row the table's caption then
/// `subtitle`; numbers are kept as numbers. Readers that take the first sheet
/// (`lienket_office::read_table`) get the first table.
pub(crate) fn workbook(title: &str, subtitle: &str, tables: &[&Tbl]) -> AppResult<Vec<u8>> {
    if tables.is_empty() {
        return Err(AppError::NotFound);
    }
    let parts: Vec<(String, Vec<ExportColumn>, Vec<Vec<ExportCell>>)> = tables
        .iter()
        .map(|t| {
            let line = if subtitle.is_empty() {
                t.caption.clone()
            } else {
                format!("{} — {subtitle}", t.caption)
            };
            let rows = t
                .rows
                .iter()
                .map(|r| r.iter().map(export_cell).collect())
                .collect();
            (line, export_columns(t), rows)
        })
        .collect();
    let sheets: Vec<Sheet<'_>> = tables
        .iter()
        .zip(&parts)
        .map(|(t, (subtitle, columns, rows))| Sheet {
            name: &t.sheet,
            title,
            subtitle,
            columns,
            rows,
        })
        .collect();
    lienket_office::write_xlsx_book(&sheets).map_err(|e| AppError::Internal(anyhow::anyhow!("export: {e:?}")))
}

/// One table as CSV.
pub(crate) fn csv(t: &Tbl) -> Vec<u8> {
    let rows: Vec<Vec<ExportCell>> = t
        .rows
        .iter()
        .map(|r| r.iter().map(export_cell).collect())
        .collect();
    lienket_office::write_csv(&export_columns(t), &rows)
}

/// A table as the web page shows it.
pub(crate) struct WebTable {
    /// Caption.
    pub caption: String,
    /// Headings with whether the column is numeric.
    pub header: Vec<(String, bool)>,
    /// Rows: whether it is the total, and the cells with whether numeric.
    pub rows: Vec<(bool, Vec<(String, bool)>)>,
}

impl WebTable {
    /// The web form of a table.
    pub(crate) fn of(t: &Tbl) -> WebTable {
        let numeric = t.numeric();
        let last = t.rows.len().saturating_sub(1);
        WebTable {
            caption: t.caption.clone(),
            header: t
                .header
                .iter()
                .enumerate()
                .map(|(i, h)| (h.clone(), numeric.get(i).copied().unwrap_or(false)))
                .collect(),
            rows: t
                .rows
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    (
                        t.total_row && i == last,
                        r.iter()
                            .enumerate()
                            .map(|(c, cell)| (cell.show(), numeric.get(c).copied().unwrap_or(false)))
                            .collect(),
                    )
                })
                .collect(),
        }
    }
}

/// A part of the review as the web page shows it.
pub(crate) struct WebPart {
    /// `h1`, `h2`, `p`, `table` or `chart`.
    pub kind: &'static str,
    /// Lines of text (headings: one).
    pub lines: Vec<String>,
    /// The table.
    pub table: Option<WebTable>,
    /// The chart's SVG.
    pub svg: String,
}

/// The parts of a review for the web page.
pub(crate) fn web_parts(r: &Review) -> Vec<WebPart> {
    let lines = |s: &str| -> Vec<String> {
        s.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect()
    };
    r.parts
        .iter()
        .map(|p| {
            let (kind, text, table, svg) = match p {
                Part::H1(s) => ("h1", lines(s), None, String::new()),
                Part::H2(s) => ("h2", lines(s), None, String::new()),
                Part::P(s) => ("p", lines(s), None, String::new()),
                Part::Table(t) => ("table", Vec::new(), Some(WebTable::of(t)), String::new()),
                Part::Chart(svg) => ("chart", Vec::new(), None, svg.clone()),
            };
            WebPart {
                kind,
                lines: text,
                table,
                svg,
            }
        })
        .collect()
}
