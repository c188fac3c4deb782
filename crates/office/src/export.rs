//! Writing lists: XLSX for people, CSV for other programs.

use lienket_domain::lenient::Date;
use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format as CellFormat, FormatAlign, FormatBorder, Workbook, Worksheet,
};

use crate::WriteError;
use crate::cell::format_number;

/// How a column's values are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    /// Text as given.
    Text,
    /// Whole numbers, with thousands separators in XLSX (`#,##0`).
    Integer,
    /// Amounts in đồng, with thousands separators in XLSX (`#,##0`); the header names the unit.
    Money,
    /// Numbers with two decimals in XLSX (`#,##0.00`).
    Decimal,
    /// Dates, shown `dd/mm/yyyy`.
    Date,
}

/// A column of an export.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportColumn {
    /// The header, in the user's language.
    pub header: String,
    /// How the column's values are formatted.
    pub kind: ColumnKind,
    /// Width in Excel's character units (about 8–60 for registers).
    pub width: f64,
}

/// One value of an export.
#[derive(Debug, Clone, PartialEq)]
pub enum ExportCell {
    /// No value.
    Empty,
    /// Text.
    Text(String),
    /// A whole number.
    Integer(i64),
    /// An amount in đồng.
    Money(i64),
    /// A number with a fraction.
    Decimal(f64),
    /// A date: year, month, day.
    Date(i32, u8, u8),
}

/// The font of exports: administrative documents use Times New Roman (Nghị định 30/2020).
const FONT: &str = "Times New Roman";
const HEADER_FILL: u32 = 0x00DD_EBF7;
/// Rows above the data: title, subtitle, header.
const TITLE_ROW: u32 = 0;
const SUBTITLE_ROW: u32 = 1;
const HEADER_ROW: u32 = 2;

/// The styles of an export, made once.
struct Styles {
    title: CellFormat,
    subtitle: CellFormat,
    header: CellFormat,
    text: CellFormat,
    integer: CellFormat,
    decimal: CellFormat,
    date: CellFormat,
}

impl Styles {
    fn new() -> Self {
        let base = CellFormat::new().set_font_name(FONT).set_font_size(12);
        let cell = base
            .clone()
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::VerticalCenter);
        Styles {
            title: base
                .clone()
                .set_bold()
                .set_font_size(14)
                .set_align(FormatAlign::Center),
            subtitle: base.clone().set_italic().set_align(FormatAlign::Center),
            header: cell
                .clone()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Center)
                .set_background_color(Color::RGB(HEADER_FILL)),
            text: cell.clone().set_text_wrap(),
            integer: cell.clone().set_num_format("#,##0"),
            decimal: cell.clone().set_num_format("#,##0.00"),
            date: cell.set_num_format("dd/mm/yyyy").set_align(FormatAlign::Center),
        }
    }

    fn for_kind(&self, kind: ColumnKind) -> &CellFormat {
        match kind {
            ColumnKind::Text => &self.text,
            ColumnKind::Integer | ColumnKind::Money => &self.integer,
            ColumnKind::Decimal => &self.decimal,
            ColumnKind::Date => &self.date,
        }
    }
}

/// Writes a list as an XLSX workbook: a title row (bold, larger) naming the list, a subtitle
/// row (the filter and the export date, as given), then a styled header row, frozen and with
/// an autofilter; columns sized and formatted by kind; Times New Roman; printed landscape on
/// A4, one page wide, the header repeated on every page.
///
/// Each row is written with exactly `columns.len()` cells: missing cells are left empty and
/// extra cells are ignored.
///
/// # Errors
///
/// [`WriteError::InvalidDate`] for a date that does not exist or is before 1900;
/// [`WriteError::Xlsx`] when the writer fails (a text over 32,767 characters).
pub fn write_xlsx(
    title: &str,
    subtitle: &str,
    sheet_name: &str,
    columns: &[ExportColumn],
    rows: &[Vec<ExportCell>],
) -> Result<Vec<u8>, WriteError> {
    let styles = Styles::new();
    let mut workbook = Workbook::new();
    workbook.set_properties(&DocProperties::new().set_title(title));
    let sheet = workbook.add_worksheet();
    sheet.set_name(sheet_title(sheet_name))?;
    let last_col = columns.len().saturating_sub(1).min(usize::from(u16::MAX)) as u16;

    banner(sheet, TITLE_ROW, last_col, title, &styles.title)?;
    banner(sheet, SUBTITLE_ROW, last_col, subtitle, &styles.subtitle)?;
    sheet.set_row_height(TITLE_ROW, 24)?;
    for (col, column) in columns.iter().enumerate() {
        let col = col as u16;
        sheet.set_column_width(col, column.width)?;
        sheet.write_string_with_format(HEADER_ROW, col, &column.header, &styles.header)?;
    }

    for (i, row) in rows.iter().enumerate() {
        let r = HEADER_ROW + 1 + i as u32;
        for (col, column) in columns.iter().enumerate() {
            let format = styles.for_kind(column.kind);
            let c = col as u16;
            match row.get(col).unwrap_or(&ExportCell::Empty) {
                ExportCell::Empty => sheet.write_blank(r, c, format)?,
                ExportCell::Text(text) => sheet.write_string_with_format(r, c, text, format)?,
                // Above 2^53 floats lose units; exports of đồng amounts stay far below.
                ExportCell::Integer(n) | ExportCell::Money(n) => {
                    sheet.write_number_with_format(r, c, *n as f64, format)?
                }
                ExportCell::Decimal(n) => sheet.write_number_with_format(r, c, *n, format)?,
                ExportCell::Date(year, month, day) => {
                    let invalid = || WriteError::InvalidDate {
                        row: i,
                        column: col,
                        year: *year,
                        month: *month,
                        day: *day,
                    };
                    let date = Date::new(*year, *month, *day)
                        .filter(|d| d.year() >= 1900)
                        .ok_or_else(invalid)?;
                    let year = u16::try_from(date.year()).map_err(|_| invalid())?;
                    let datetime =
                        ExcelDateTime::from_ymd(year, date.month(), date.day()).map_err(|_| invalid())?;
                    sheet.write_datetime_with_format(r, c, &datetime, format)?
                }
            };
        }
    }

    if !columns.is_empty() {
        let last_row = HEADER_ROW + rows.len() as u32;
        sheet.set_freeze_panes(HEADER_ROW + 1, 0)?;
        sheet.autofilter(HEADER_ROW, 0, last_row, last_col)?;
        sheet.set_repeat_rows(HEADER_ROW, HEADER_ROW)?;
    }
    sheet
        .set_landscape()
        .set_paper_size(9)
        .set_print_fit_to_pages(1, 0);
    Ok(workbook.save_to_buffer()?)
}

/// A title or subtitle across all columns.
fn banner(
    sheet: &mut Worksheet,
    row: u32,
    last_col: u16,
    text: &str,
    format: &CellFormat,
) -> Result<(), WriteError> {
    if last_col == 0 {
        sheet.write_string_with_format(row, 0, text, format)?;
    } else {
        sheet.merge_range(row, 0, row, last_col, text, format)?;
    }
    Ok(())
}

/// A valid worksheet name: at most 31 characters, none of `[]:*?/\`, not empty, not
/// starting or ending with an apostrophe.
fn sheet_title(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\') {
                '-'
            } else {
                c
            }
        })
        .filter(|c| !c.is_control())
        .take(31)
        .collect();
    let cleaned = cleaned.trim().trim_matches('\'').to_string();
    if cleaned.is_empty() || cleaned.eq_ignore_ascii_case("history") {
        "Sheet1".to_string()
    } else {
        cleaned
    }
}

/// Writes a list as CSV for Excel: UTF-8 with a BOM (so Excel shows Vietnamese right), CRLF
/// line ends, RFC 4180 quoting, dates `dd/mm/yyyy`, numbers without thousands separators.
///
/// Text that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is prefixed with a
/// single quote, so that a spreadsheet never runs it as a formula (CSV injection). Each row
/// has exactly `columns.len()` fields.
pub fn write_csv(columns: &[ExportColumn], rows: &[Vec<ExportCell>]) -> Vec<u8> {
    let mut out = String::from("\u{feff}");
    let header: Vec<String> = columns.iter().map(|c| csv_field(&c.header)).collect();
    out.push_str(&header.join(","));
    out.push_str("\r\n");
    for row in rows {
        let fields: Vec<String> = (0..columns.len())
            .map(|i| match row.get(i).unwrap_or(&ExportCell::Empty) {
                ExportCell::Empty => String::new(),
                ExportCell::Text(text) => csv_field(text),
                ExportCell::Integer(n) | ExportCell::Money(n) => n.to_string(),
                ExportCell::Decimal(n) => format_number(*n),
                ExportCell::Date(year, month, day) => format!("{day:02}/{month:02}/{year:04}"),
            })
            .collect();
        out.push_str(&fields.join(","));
        out.push_str("\r\n");
    }
    out.into_bytes()
}

/// One text field: neutralised against formula injection, quoted when needed.
fn csv_field(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    };
    if text.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_made_valid() {
        assert_eq!(sheet_title("Danh sách HTX 2024/2025"), "Danh sách HTX 2024-2025");
        assert_eq!(sheet_title(""), "Sheet1");
        assert_eq!(sheet_title(&"x".repeat(40)).chars().count(), 31);
    }
}
