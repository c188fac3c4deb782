//! The reading pipeline: refuse early, pick the sheet, find the header, build the table.

use crate::detect::{check_zip, detect};
use crate::grid::Grid;
use crate::legacy::{Verdict, classify};
use crate::xls_ods::{RangeBook, SheetInfo};
use crate::xlsx::XlsxBook;
use crate::{Cell, ColumnSpec, Format, Limits, Note, ReadError, Table, csv, header, ods_scan, table};

/// Reads the register in an uploaded file.
///
/// The format is found from the content (`file_name` only adds a note when its extension
/// disagrees). Files over the limits are refused before parsing: too many bytes, a zip that
/// expands too much, a sheet with too many rows or cells. The register is the first visible
/// worksheet with a header row naming the expected columns (see [`ColumnSpec`]); hidden
/// sheets are skipped with a note.
///
/// # Errors
///
/// Every [`ReadError`] variant; each has a message key for users.
pub fn read_table(
    bytes: &[u8],
    file_name: &str,
    spec: &[ColumnSpec],
    limits: &Limits,
) -> Result<Table, ReadError> {
    if bytes.len() > limits.max_bytes {
        return Err(ReadError::TooLarge {
            size: bytes.len(),
            max: limits.max_bytes,
        });
    }
    let format = detect(bytes)?;
    let mut notes = Vec::new();
    if let Some(named) = extension_format(file_name)
        && named != format
    {
        notes.push(Note::new(
            "note-import-extension-mismatch",
            vec![
                ("named", named.name().to_string()),
                ("found", format.name().to_string()),
            ],
        ));
    }
    if bytes.is_empty() {
        return Err(ReadError::Empty);
    }
    let mut book = match format {
        Format::Csv => Book::Csv,
        Format::Xlsx => {
            check_zip(bytes, format, limits)?;
            Book::Xlsx(Box::new(XlsxBook::open(bytes)?))
        }
        Format::Ods => {
            check_zip(bytes, format, limits)?;
            let merges = ods_scan::scan(bytes, limits)?;
            Book::Range(RangeBook::open_ods(bytes, merges)?)
        }
        Format::Xls => Book::Range(RangeBook::open_xls(bytes)?),
    };

    let sheets = book.sheets(file_name);
    for sheet in sheets.iter().filter(|s| s.worksheet && s.hidden) {
        notes.push(Note::new(
            "note-import-hidden-sheet",
            vec![("sheet", sheet.name.clone())],
        ));
    }
    let mut any_data = false;
    let mut legacy = None;
    for sheet in sheets.iter().filter(|s| s.worksheet && !s.hidden) {
        let grid = book.load(bytes, &sheet.name, limits, &mut notes)?;
        if grid.rows.iter().all(|r| r.is_blank()) {
            continue;
        }
        any_data = true;
        match header::find(&grid, spec) {
            Some(found) => {
                if let Verdict::Legacy(guess) = classify(&grid_text(&grid)) {
                    notes.push(Note::new(
                        "note-import-legacy-text",
                        vec![("guess", guess.to_string())],
                    ));
                }
                return Ok(table::build(format, sheet.name.clone(), &grid, found, notes));
            }
            None => {
                if let Verdict::Legacy(guess) = classify(&grid_text(&grid)) {
                    legacy.get_or_insert(guess);
                }
                notes.push(Note::new(
                    "note-import-sheet-without-header",
                    vec![("sheet", sheet.name.clone())],
                ));
            }
        }
    }
    match (any_data, legacy) {
        (false, _) => Err(ReadError::Empty),
        // Headers typed with a .Vn font cannot match: say why rather than "no header".
        (true, Some(guess)) => Err(ReadError::LegacyEncoding { guess }),
        (true, None) => Err(ReadError::NoHeader {
            expected: header::expected(spec),
        }),
    }
}

/// The format a file name claims, for the mismatch note.
fn extension_format(file_name: &str) -> Option<Format> {
    let (_, extension) = file_name.rsplit_once('.')?;
    match extension.to_ascii_lowercase().as_str() {
        "xlsx" | "xlsm" => Some(Format::Xlsx),
        "xls" => Some(Format::Xls),
        "ods" => Some(Format::Ods),
        "csv" | "tsv" | "txt" => Some(Format::Csv),
        _ => None,
    }
}

/// The text of the first rows of a sheet, to recognise legacy encodings.
fn grid_text(grid: &Grid) -> String {
    grid.rows
        .iter()
        .take(200)
        .flat_map(|r| r.cells.iter())
        .filter_map(|(_, c)| match c {
            Cell::Text(t) => Some(t.as_str()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join(" ")
}

enum Book<'a> {
    Csv,
    Xlsx(Box<XlsxBook<'a>>),
    Range(RangeBook<'a>),
}

impl Book<'_> {
    fn sheets(&self, file_name: &str) -> Vec<SheetInfo> {
        match self {
            Book::Csv => vec![SheetInfo {
                name: file_name.to_string(),
                worksheet: true,
                hidden: false,
            }],
            Book::Xlsx(book) => book.sheets(),
            Book::Range(book) => book.sheets(),
        }
    }

    fn load(
        &mut self,
        bytes: &[u8],
        name: &str,
        limits: &Limits,
        notes: &mut Vec<Note>,
    ) -> Result<Grid, ReadError> {
        match self {
            Book::Csv => csv::load(bytes, name, limits, notes),
            Book::Xlsx(book) => book.load(name, limits),
            Book::Range(book) => book.load(name, limits),
        }
    }
}
