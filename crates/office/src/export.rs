//! Writing lists: XLSX for people, CSV for other programs.

use lienket_domain::lenient::Date;
use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format as CellFormat, FormatAlign, FormatBorder, Workbook, Worksheet,
};

use unicode_normalization::UnicodeNormalization;

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

/// One sheet of a workbook written by [`write_xlsx_book`].
#[derive(Debug, Clone, Copy)]
pub struct Sheet<'a> {
    /// The tab's name; made valid for Excel (see [`write_xlsx_book`]).
    pub name: &'a str,
    /// The title row above the list.
    pub title: &'a str,
    /// The subtitle row (the filter, the export date), as given.
    pub subtitle: &'a str,
    /// The columns.
    pub columns: &'a [ExportColumn],
    /// The rows, each written with exactly `columns.len()` cells.
    pub rows: &'a [Vec<ExportCell>],
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
    write_xlsx_book(&[Sheet {
        name: sheet_name,
        title,
        subtitle,
        columns,
        rows,
    }])
}

/// Writes several lists as one XLSX workbook, a sheet each in the order given, every sheet
/// laid out as [`write_xlsx`] lays out its one. The workbook's title property is the first
/// sheet's title; no sheets gives a workbook with one empty sheet.
///
/// Sheet names are made valid for Excel: `[]:*?/\` become `-`, control characters are
/// dropped, the name is cut to 31 characters (UTF-16 units, after NFC) and may not start or
/// end with an apostrophe; an empty name becomes `Sheet1`, `Sheet2`, … by position; a name
/// already used (Excel ignores case) gets ` (2)`, ` (3)`, ….
///
/// # Errors
///
/// As [`write_xlsx`]; [`WriteError::InvalidDate`] gives the row and column within the first
/// sheet that holds an invalid date.
pub fn write_xlsx_book(sheets: &[Sheet<'_>]) -> Result<Vec<u8>, WriteError> {
    let styles = Styles::new();
    let mut workbook = Workbook::new();
    if let Some(first) = sheets.first() {
        workbook.set_properties(&DocProperties::new().set_title(first.title));
    }
    let names = sheet_titles(sheets.iter().map(|s| s.name));
    for (sheet, name) in sheets.iter().zip(names) {
        let worksheet = workbook.add_worksheet();
        worksheet.set_name(name)?;
        write_sheet(worksheet, sheet, &styles)?;
    }
    Ok(workbook.save_to_buffer()?)
}

/// One list on its worksheet: banner rows, header, data, print setup.
fn write_sheet(sheet: &mut Worksheet, list: &Sheet<'_>, styles: &Styles) -> Result<(), WriteError> {
    let Sheet {
        title,
        subtitle,
        columns,
        rows,
        ..
    } = *list;
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
    Ok(())
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

/// Excel's limit on a sheet name, in UTF-16 units.
const SHEET_NAME_MAX: usize = 31;

/// Valid and unique worksheet names for the names given, in order (see [`write_xlsx_book`]).
fn sheet_titles<'a>(names: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut taken: Vec<String> = Vec::new();
    let mut out = Vec::new();
    for (i, name) in names.into_iter().enumerate() {
        let base = sheet_title(name, SHEET_NAME_MAX).unwrap_or_else(|| format!("Sheet{}", i + 1));
        let mut title = base.clone();
        let mut n = 2;
        // Excel compares names without case, like `rust_xlsxwriter`'s own check at save.
        while taken.contains(&title.to_lowercase()) {
            let suffix = format!(" ({n})");
            let room = SHEET_NAME_MAX - suffix.len();
            let stem = sheet_title(&base, room).unwrap_or_default();
            title = format!("{stem}{suffix}");
            n += 1;
        }
        taken.push(title.to_lowercase());
        out.push(title);
    }
    out
}

/// A valid worksheet name of at most `max` UTF-16 units: none of `[]:*?/\`, no control
/// characters, not starting or ending with an apostrophe or a space; `None` when nothing is
/// left or the name is Excel's reserved `History`.
fn sheet_title(name: &str, max: usize) -> Option<String> {
    let mut units = 0;
    let cleaned: String = name
        .nfc()
        .filter(|c| !c.is_control())
        .map(|c| {
            if matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\') {
                '-'
            } else {
                c
            }
        })
        .take_while(|c| {
            units += c.len_utf16();
            units <= max
        })
        .collect();
    let cleaned = cleaned.trim_matches(|c: char| c == '\'' || c.is_whitespace());
    if cleaned.is_empty() || cleaned.eq_ignore_ascii_case("history") {
        None
    } else {
        Some(cleaned.to_string())
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
    use std::io::Cursor;

    use calamine::{Data, Reader, Xlsx};

    use super::*;

    fn titles(names: &[&str]) -> Vec<String> {
        sheet_titles(names.iter().copied())
    }

    #[test]
    fn sheet_names_are_made_valid() {
        assert_eq!(titles(&["Danh sách HTX 2024/2025"]), ["Danh sách HTX 2024-2025"]);
        assert_eq!(titles(&["[Tổng hợp]: a*b?c\\d"]), ["-Tổng hợp-- a-b-c-d"]);
        assert_eq!(titles(&["'Hoạt động'"]), ["Hoạt động"]);
        assert_eq!(titles(&["", "  ", "History"]), ["Sheet1", "Sheet2", "Sheet3"]);
        assert_eq!(titles(&[&"x".repeat(40)])[0].chars().count(), 31);
        // Decomposed Vietnamese is composed first, so 31 letters fit.
        let decomposed: String = "Ư".repeat(40).nfd().collect();
        assert_eq!(titles(&[&decomposed])[0], "Ư".repeat(31));
        // Excel counts UTF-16 units: an emoji takes two.
        assert_eq!(titles(&[&"🌾".repeat(20)])[0], "🌾".repeat(15));
    }

    #[test]
    fn repeated_sheet_names_are_numbered_within_31_characters() {
        let long = "Danh sách hợp tác xã nông nghiệp tỉnh";
        assert_eq!(
            titles(&["Chỉ tiêu", "chỉ tiêu", "Chỉ tiêu", long, long, "Chỉ tiêu (2)"]),
            [
                "Chỉ tiêu",
                "chỉ tiêu (2)",
                "Chỉ tiêu (3)",
                "Danh sách hợp tác xã nông nghiệ",
                "Danh sách hợp tác xã nông n (2)",
                "Chỉ tiêu (2) (2)",
            ]
        );
    }

    #[test]
    fn a_book_of_three_sheets_reads_back_sheet_by_sheet() {
        let column = |header: &str, kind| ExportColumn {
            header: header.into(),
            kind,
            width: 12.0,
        };
        let activities = [
            column("Hoạt động", ColumnKind::Text),
            column("Số người", ColumnKind::Integer),
        ];
        let activity_rows = vec![
            vec![
                ExportCell::Text("Hội chợ nông sản".into()),
                ExportCell::Integer(1200),
            ],
            vec![ExportCell::Text("Tập huấn".into()), ExportCell::Integer(45)],
        ];
        let dates = [column("Ngày", ColumnKind::Date)];
        let date_rows = vec![vec![ExportCell::Date(2024, 3, 12)]];
        let money = [
            column("Tổ chức", ColumnKind::Text),
            column("Vốn (đồng)", ColumnKind::Money),
        ];
        let money_rows = vec![vec![
            ExportCell::Text("HTX Tiên Phong".into()),
            ExportCell::Money(1_500_000),
        ]];
        let sheet = |name, columns, rows| Sheet {
            name,
            title: "BÁO CÁO",
            subtitle: "Năm 2024",
            columns,
            rows,
        };
        let bytes = write_xlsx_book(&[
            sheet("Hoạt động", &activities, &activity_rows),
            sheet("Sự kiện: 2024/2025", &dates, &date_rows),
            sheet("hoạt động", &money, &money_rows),
        ])
        .unwrap();

        let mut book = Xlsx::new(Cursor::new(bytes)).unwrap();
        assert_eq!(
            book.sheet_names(),
            ["Hoạt động", "Sự kiện- 2024-2025", "hoạt động (2)"]
        );
        let cells = |book: &mut Xlsx<_>, name: &str| -> Vec<Vec<Data>> {
            let range = book.worksheet_range(name).unwrap();
            range.rows().map(<[Data]>::to_vec).collect()
        };
        let first = cells(&mut book, "Hoạt động");
        assert_eq!(first[0][0], Data::String("BÁO CÁO".into()));
        assert_eq!(
            first[2],
            [Data::String("Hoạt động".into()), Data::String("Số người".into())]
        );
        assert_eq!(
            first[3],
            [Data::String("Hội chợ nông sản".into()), Data::Float(1200.0)]
        );
        assert_eq!(first[4], [Data::String("Tập huấn".into()), Data::Float(45.0)]);
        assert_eq!(first.len(), 5);
        let second = cells(&mut book, "Sự kiện- 2024-2025");
        assert!(
            matches!(&second[3][0], Data::DateTime(d) if d.as_f64() == 45363.0),
            "{:?}",
            second[3]
        );
        let third = cells(&mut book, "hoạt động (2)");
        assert_eq!(
            third[3],
            [Data::String("HTX Tiên Phong".into()), Data::Float(1_500_000.0)]
        );
    }

    #[test]
    fn a_book_without_sheets_still_opens() {
        let bytes = write_xlsx_book(&[]).unwrap();
        let book = Xlsx::new(Cursor::new(bytes)).unwrap();
        assert_eq!(book.sheet_names(), ["Sheet1"]);
    }
}
