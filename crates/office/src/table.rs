//! The register read from a sheet: its columns, its data rows, and what was skipped.

use std::sync::Arc;

use lienket_domain::text::fold;
use serde::Serialize;
use unicode_normalization::UnicodeNormalization;

use crate::grid::{Grid, GridRow};
use crate::header::{Header, normalize};
use crate::{Cell, Format, Note};

/// A register read from a sheet.
#[derive(Debug, Clone, Serialize)]
pub struct Table {
    /// The format found from the content.
    pub format: Format,
    /// The sheet used (for CSV, the file name).
    pub sheet: String,
    /// 1-based spreadsheet row number of the header (of its first row, for a two-row header).
    pub header_row: usize,
    /// 1-based row number of the sub-header row of a two-row header.
    pub sub_header_row: Option<usize>,
    /// Every non-empty header cell, in column order.
    pub columns: Vec<MappedColumn>,
    /// Headers that name no expected column, as written.
    pub unknown_columns: Vec<String>,
    /// Required fields no column maps to.
    pub missing_required: Vec<&'static str>,
    /// The data rows.
    pub rows: Vec<Row>,
    /// Rows below the header that are not data, with their 1-based row number and the reason.
    pub skipped: Vec<(usize, SkipReason)>,
    /// What the reader did that the user should know.
    pub notes: Vec<Note>,
}

impl Table {
    /// The position in [`Table::columns`] (and in [`Row::cells`]) of the column of a field.
    pub fn column_of(&self, field: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.field == Some(field))
    }
}

/// A header cell and the field it maps to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MappedColumn {
    /// The header as written (a two-row header as "Group / Sub").
    pub header: String,
    /// 0-based column index in the sheet (0 is column A).
    pub index: usize,
    /// The field of the [`ColumnSpec`](crate::ColumnSpec) it matches, if any.
    pub field: Option<&'static str>,
}

impl MappedColumn {
    /// The column's letters as Excel shows them: "A", "Z", "AA".
    pub fn letter(&self) -> String {
        column_letter(self.index)
    }
}

/// Excel's letters for a 0-based column index.
pub(crate) fn column_letter(index: usize) -> String {
    let mut n = index + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

/// One data row, keeping every cell as read.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    /// 1-based spreadsheet row number.
    pub number: usize,
    /// One cell per entry of [`Table::columns`], in the same order.
    pub cells: Vec<Cell>,
    /// Non-empty cells in columns without a header: (0-based column index, cell).
    pub extra: Vec<(usize, Cell)>,
    /// Positions in `cells` filled from a cell merged down over this row.
    pub filled: Vec<usize>,
    #[serde(skip)]
    fields: Arc<[Option<&'static str>]>,
}

impl Row {
    /// The cell of a field (`None` when no column maps to it).
    pub fn get(&self, field: &str) -> Option<&Cell> {
        let position = self.fields.iter().position(|f| *f == Some(field))?;
        self.cells.get(position)
    }

    /// The cells of mapped columns, with their fields.
    pub fn fields(&self) -> impl Iterator<Item = (&'static str, &Cell)> {
        self.fields
            .iter()
            .zip(&self.cells)
            .filter_map(|(f, cell)| f.map(|f| (f, cell)))
    }
}

/// Why a row below the header is not a data row. Texts are the row's cells joined, so that
/// nothing skipped is lost from sight.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum SkipReason {
    /// Nothing in the row.
    Blank,
    /// A totals row ("Tổng cộng", "Cộng", "Tổng số") or a note ("Ghi chú: …").
    Footer {
        /// The row's text.
        text: String,
    },
    /// Part of the signature block ("Người lập biểu", "Giám đốc", the place and date line) or
    /// below it.
    Signature {
        /// The row's text.
        text: String,
    },
    /// After three or more blank rows that follow the data.
    AfterGap {
        /// The row's text.
        text: String,
    },
    /// The header again (printed on every page).
    RepeatedHeader,
    /// A row numbering the columns: "1 2 3 …" or "(1) (2) (3) …".
    ColumnNumbers,
}

impl SkipReason {
    /// The message key in the catalogue.
    pub fn key(&self) -> &'static str {
        match self {
            SkipReason::Blank => "skip-blank",
            SkipReason::Footer { .. } => "skip-footer",
            SkipReason::Signature { .. } => "skip-signature",
            SkipReason::AfterGap { .. } => "skip-after-gap",
            SkipReason::RepeatedHeader => "skip-repeated-header",
            SkipReason::ColumnNumbers => "skip-column-numbers",
        }
    }
}

/// This many blank rows after data end the table.
const LONG_GAP: u32 = 3;

/// Totals and notes, with accents: skipped one by one (a register may have subtotals).
/// Accents matter: "tổng cộng" is a total, "tổng công ty" a name.
const FOOTER_STARTS: [&str; 4] = ["tổng cộng", "tổng số", "ghi chú", "lưu ý"];
/// Totals typed alone or before a number, compared without accents: "Cộng", "TONG CONG: 25".
const FOOTER_WORDS: [&str; 4] = ["tong cong", "tong so", "cong", "tong"];
/// The signature block: it and everything below are skipped.
const SIGNATURE_STARTS: [&str; 14] = [
    "nguoi lap",
    "nguoi ky",
    "ky ten",
    "ky ghi ro ho ten",
    "ke toan",
    "thu truong",
    "giam doc",
    "pho giam doc",
    "chu tich",
    "tm ",
    "kt ",
    "xac nhan",
    "noi nhan",
    "truong phong",
];

/// Builds the table from the grid and the header found in it.
pub(crate) fn build(
    format: Format,
    sheet: String,
    grid: &Grid,
    header: Header,
    mut notes: Vec<Note>,
) -> Table {
    let header_row = &grid.rows[header.row_pos];
    let last_header_pos = header.sub_row_pos.unwrap_or(header.row_pos);
    let last_header_index = grid.rows[last_header_pos].index;
    let fields: Arc<[Option<&'static str>]> = header.columns.iter().map(|c| c.field).collect();
    let column_indexes: Vec<u32> = header.columns.iter().map(|c| c.index as u32).collect();
    let header_texts: Vec<(u32, String)> = header_row
        .cells
        .iter()
        .filter(|(_, c)| !c.is_blank())
        .map(|(c, cell)| (*c, normalize(&cell.as_text())))
        .collect();

    let mut rows: Vec<Row> = Vec::new();
    let mut data_positions: Vec<usize> = Vec::new();
    let mut skipped = Vec::new();
    let mut previous_index = last_header_index;
    let mut ended: Option<fn(String) -> SkipReason> = None;
    let mut after_header = true;
    for (pos, row) in grid.rows.iter().enumerate().skip(last_header_pos + 1) {
        let gap = row.index - previous_index - 1;
        if ended.is_none() {
            for blank in previous_index + 1..row.index {
                skipped.push((blank as usize + 1, SkipReason::Blank));
            }
            if gap >= LONG_GAP && !rows.is_empty() {
                ended = Some(|text| SkipReason::AfterGap { text });
            }
        }
        previous_index = row.index;
        let number = row.index as usize + 1;
        if row.is_blank() {
            if ended.is_none() {
                skipped.push((number, SkipReason::Blank));
            }
            continue;
        }
        if let Some(reason) = ended {
            skipped.push((number, reason(row_text(row))));
            continue;
        }
        // Footers, signatures and repeated headers start with a word: rows starting with a
        // number (the usual "STT") skip the text checks, which fold every cell they look at.
        if let Some(first) = first_words(row) {
            if SIGNATURE_STARTS.iter().any(|s| starts_with_words(&first, s)) || is_place_and_date(&first) {
                skipped.push((number, SkipReason::Signature { text: row_text(row) }));
                ended = Some(|text| SkipReason::Signature { text });
                continue;
            }
            if is_footer(row, &first) {
                skipped.push((number, SkipReason::Footer { text: row_text(row) }));
                continue;
            }
            if is_repeated_header(row, &header_texts) {
                skipped.push((number, SkipReason::RepeatedHeader));
                after_header = true;
                continue;
            }
        }
        if after_header && is_column_numbers(row, column_indexes.len()) {
            skipped.push((number, SkipReason::ColumnNumbers));
            after_header = false;
            continue;
        }
        after_header = false;
        data_positions.push(pos);
        rows.push(data_row(row, &column_indexes, &fields));
    }

    let filled = fill_down(
        grid,
        &data_positions,
        &column_indexes,
        &mut rows,
        last_header_index,
    );
    if filled > 0 {
        notes.push(Note::new(
            "note-import-merged-filled",
            vec![("count", filled.to_string())],
        ));
    }
    let errors = rows
        .iter()
        .flat_map(|r| r.cells.iter().chain(r.extra.iter().map(|(_, c)| c)))
        .filter(|c| matches!(c, Cell::Error(_)))
        .count();
    if errors > 0 {
        notes.push(Note::new(
            "note-import-formula-errors",
            vec![("count", errors.to_string())],
        ));
    }
    if header.sub_row_pos.is_some() {
        notes.push(Note::new(
            "note-import-two-row-header",
            vec![
                ("row", (header_row.index + 1).to_string()),
                ("sub_row", (last_header_index + 1).to_string()),
            ],
        ));
    }
    notes.extend(header.notes);

    Table {
        format,
        sheet,
        header_row: header_row.index as usize + 1,
        sub_header_row: header.sub_row_pos.map(|p| grid.rows[p].index as usize + 1),
        unknown_columns: header
            .columns
            .iter()
            .filter(|c| c.field.is_none())
            .map(|c| c.header.clone())
            .collect(),
        columns: header.columns,
        missing_required: header.missing_required,
        rows,
        skipped,
        notes,
    }
}

fn data_row(row: &GridRow, column_indexes: &[u32], fields: &Arc<[Option<&'static str>]>) -> Row {
    let mut cells = vec![Cell::Empty; column_indexes.len()];
    let mut extra = Vec::new();
    for (col, cell) in &row.cells {
        match column_indexes.binary_search(col) {
            Ok(position) => cells[position] = cell.clone(),
            Err(_) => extra.push((*col as usize, cell.clone())),
        }
    }
    Row {
        number: row.index as usize + 1,
        cells,
        extra,
        filled: Vec::new(),
        fields: Arc::clone(fields),
    }
}

/// Fills cells merged down over data rows with the value of the merge's top cell (its first
/// column only: a value merged across columns belongs to the first). Returns how many cells
/// were filled. The work is bounded by the number of data rows per merge, and in total.
fn fill_down(
    grid: &Grid,
    data_positions: &[usize],
    column_indexes: &[u32],
    rows: &mut [Row],
    last_header_index: u32,
) -> usize {
    let data_indexes: Vec<u32> = data_positions.iter().map(|p| grid.rows[*p].index).collect();
    let mut budget = data_indexes.len().saturating_mul(column_indexes.len()).max(1);
    let mut filled = 0;
    for merge in &grid.merges {
        if merge.last_row <= merge.first_row || merge.first_row <= last_header_index {
            continue;
        }
        let Ok(position) = column_indexes.binary_search(&merge.first_col) else {
            continue;
        };
        let Some(value) = grid
            .rows
            .binary_search_by_key(&merge.first_row, |r| r.index)
            .ok()
            .and_then(|p| grid.rows[p].get(merge.first_col))
        else {
            continue;
        };
        let start = data_indexes.partition_point(|i| *i <= merge.first_row);
        let end = data_indexes.partition_point(|i| *i <= merge.last_row);
        for row in &mut rows[start..end] {
            if budget == 0 {
                return filled;
            }
            budget -= 1;
            if row.cells[position].is_blank() {
                row.cells[position] = value.clone();
                row.filled.push(position);
                filled += 1;
            }
        }
    }
    filled
}

/// The normalised text of the row's first non-empty cell, when it is text starting with a
/// letter.
fn first_words(row: &GridRow) -> Option<String> {
    match row.cells.iter().find(|(_, c)| !c.is_blank()) {
        Some((_, Cell::Text(text))) if text.trim_start().starts_with(char::is_alphabetic) => {
            Some(normalize(text))
        }
        _ => None,
    }
}

/// The row's non-empty cells as text, joined with " | ".
fn row_text(row: &GridRow) -> String {
    row.cells
        .iter()
        .filter(|(_, c)| !c.is_blank())
        .map(|(_, c)| c.as_text().trim().to_string())
        .collect::<Vec<_>>()
        .join(" | ")
}

/// True when normalised `text` begins with the words of `start` (a start ending with a space
/// is a prefix: "tm " for "TM. Ban quản trị").
fn starts_with_words(text: &str, start: &str) -> bool {
    if start.ends_with(' ') {
        return text.starts_with(start);
    }
    text == start || text.strip_prefix(start).is_some_and(|rest| rest.starts_with(' '))
}

/// A totals or notes row: its first non-empty cell (`first`, normalised) starts with "Tổng
/// cộng", "Tổng số", "Ghi chú", "Lưu ý", or is "Cộng"/"Tổng" (accents optional) alone or
/// before a number.
fn is_footer(row: &GridRow, first: &str) -> bool {
    let written_words = ["tong cong", "tong so", "ghi chu", "luu y"];
    if !written_words.iter().any(|w| first.starts_with(w))
        && !first.starts_with("cong")
        && !first.starts_with("tong")
    {
        return false;
    }
    let Some((_, cell)) = row.cells.iter().find(|(_, c)| !c.is_blank()) else {
        return false;
    };
    let written: String = cell.as_text().trim().nfc().collect::<String>().to_lowercase();
    if FOOTER_STARTS.iter().any(|s| written.starts_with(s)) {
        return true;
    }
    starts_with_words(first, "ghi chu")
        || starts_with_words(first, "luu y")
        || FOOTER_WORDS.iter().any(|w| {
            first == *w
                || first
                    .strip_prefix(w)
                    .and_then(|rest| rest.strip_prefix(' '))
                    .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit()))
        })
}

/// "Hà Nội, ngày 05 tháng 3 năm 2025": the place and date line of a signature block.
fn is_place_and_date(normalized: &str) -> bool {
    let words: Vec<&str> = normalized.split(' ').collect();
    let has = |w: &str| words.contains(&w);
    has("ngay") && has("thang") && has("nam") && words.len() <= 14
}

/// True when at least half of the header's cells (and two or more) appear again, in the same
/// columns. The first two header cells decide quickly for data rows.
fn is_repeated_header(row: &GridRow, header_texts: &[(u32, String)]) -> bool {
    let same_at =
        |(col, text): &(u32, String)| row.get(*col).is_some_and(|c| normalize(&c.as_text()) == *text);
    if !header_texts.iter().take(2).any(same_at) {
        return false;
    }
    let same = header_texts.iter().filter(|h| same_at(h)).count();
    same >= 2 && same * 2 >= header_texts.len()
}

/// "1 2 3 4 …", "(1) (2) (3) …" or "A B C …" across the row: consecutive, at least three,
/// covering at least half of the header's columns.
fn is_column_numbers(row: &GridRow, header_columns: usize) -> bool {
    let values: Option<Vec<u32>> = row
        .cells
        .iter()
        .filter(|(_, c)| !c.is_blank())
        .map(|(_, c)| {
            let text = fold(&c.as_text());
            let text = text.trim_matches(|ch| matches!(ch, '(' | ')' | '[' | ']' | ' '));
            if let Ok(n) = text.parse::<u32>() {
                Some(n)
            } else if text.len() == 1 && text.chars().all(|ch| ch.is_ascii_lowercase()) {
                Some(u32::from(text.as_bytes()[0] - b'a') + 1)
            } else {
                None
            }
        })
        .collect();
    let Some(values) = values else { return false };
    values.len() >= 3 && values.len() * 2 >= header_columns && values.windows(2).all(|w| w[1] == w[0] + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_have_excel_letters() {
        let letters: Vec<String> = [0, 25, 26, 701, 702].iter().map(|i| column_letter(*i)).collect();
        assert_eq!(letters, ["A", "Z", "AA", "ZZ", "AAA"]);
    }

    #[test]
    fn totals_are_told_from_names_that_start_alike() {
        let footer = |t: &str| {
            let row = GridRow {
                index: 0,
                cells: vec![(0, Cell::Text(t.to_string()))],
            };
            first_words(&row).is_some_and(|first| is_footer(&row, &first))
        };
        assert!(footer("Tổng cộng"));
        assert!(footer("TỔNG CỘNG:"));
        assert!(footer("Cộng"));
        assert!(footer("Tổng số"));
        assert!(footer("Tổng"));
        assert!(footer("TONG CONG: 25"));
        assert!(footer("Tổng cộng (25 HTX)"));
        assert!(footer("Ghi chú: số liệu đến 30/6"));
        assert!(!footer("Cộng đồng xanh"));
        assert!(!footer("Tổng công ty may"));
        assert!(!footer("HTX Tổng hợp Đông Anh"));
    }

    #[test]
    fn the_place_and_date_line_ends_the_table() {
        assert!(is_place_and_date(&normalize("Hà Nội, ngày 05 tháng 3 năm 2025")));
        assert!(!is_place_and_date(&normalize("HTX Ngày Mới")));
    }
}
