//! XLS and ODS through calamine's ranges, and value conversions shared with XLSX.
//!
//! calamine parses an XLS whole when it opens it (every sheet, as dense ranges); ODS sheets
//! are parsed whole too, which is why `ods_scan` checks an ODS sheet's extent before. XLS is
//! bounded by its format (65,536 rows × 256 columns) and by the file size limit.

use std::collections::HashMap;
use std::io::Cursor;

use calamine::{Data, ExcelDateTime, Ods, OdsError, Range, Reader, SheetType, SheetVisible, Xls, XlsError};
use lienket_domain::lenient::Date;

use crate::grid::{Grid, GridBuilder, Merge};
use crate::{Cell, Format, Limits, ReadError};

/// A sheet of a workbook, before loading.
#[derive(Debug, Clone)]
pub(crate) struct SheetInfo {
    pub name: String,
    /// False for chart sheets, dialog and macro sheets.
    pub worksheet: bool,
    /// Hidden or very hidden.
    pub hidden: bool,
}

pub(crate) enum RangeBook<'a> {
    Xls(Box<Xls<Cursor<&'a [u8]>>>),
    Ods {
        workbook: Box<Ods<Cursor<&'a [u8]>>>,
        merges: HashMap<String, Vec<Merge>>,
    },
}

impl<'a> RangeBook<'a> {
    pub fn open_xls(bytes: &'a [u8]) -> Result<Self, ReadError> {
        let workbook = Xls::new(Cursor::new(bytes)).map_err(xls_error)?;
        Ok(RangeBook::Xls(Box::new(workbook)))
    }

    /// Opens an ODS whose sheets `ods_scan` has checked; `merges` are the ones it found.
    pub fn open_ods(bytes: &'a [u8], merges: HashMap<String, Vec<Merge>>) -> Result<Self, ReadError> {
        let workbook = Ods::new(Cursor::new(bytes)).map_err(ods_error)?;
        Ok(RangeBook::Ods {
            workbook: Box::new(workbook),
            merges,
        })
    }

    pub fn sheets(&self) -> Vec<SheetInfo> {
        let metadata = match self {
            RangeBook::Xls(w) => w.sheets_metadata(),
            RangeBook::Ods { workbook, .. } => workbook.sheets_metadata(),
        };
        metadata
            .iter()
            .map(|s| SheetInfo {
                name: s.name.clone(),
                worksheet: s.typ == SheetType::WorkSheet,
                hidden: s.visible != SheetVisible::Visible,
            })
            .collect()
    }

    pub fn load(&mut self, name: &str, limits: &Limits) -> Result<Grid, ReadError> {
        let (range, merges) = match self {
            RangeBook::Xls(w) => {
                let range = w.worksheet_range(name).map_err(xls_error)?;
                let merges = w
                    .merge_cells_by_sheet_name(name)
                    .map_err(xls_error)?
                    .into_iter()
                    .map(|d| Merge {
                        first_row: d.start.0,
                        first_col: d.start.1,
                        last_row: d.end.0,
                        last_col: d.end.1,
                    })
                    .collect();
                (range, merges)
            }
            RangeBook::Ods { workbook, merges } => {
                let range = workbook.worksheet_range(name).map_err(ods_error)?;
                (range, merges.remove(name).unwrap_or_default())
            }
        };
        let mut builder = GridBuilder::new(name, limits);
        push_range(&range, &mut builder)?;
        Ok(builder.finish(merges))
    }
}

fn push_range(range: &Range<Data>, builder: &mut GridBuilder<'_>) -> Result<(), ReadError> {
    let Some((row0, col0)) = range.start() else {
        return Ok(());
    };
    for (r, c, value) in range.used_cells() {
        // Ranges stay within 1,048,576 × 16,384, so the offsets fit a u32.
        builder.push(row0 + r as u32, col0 + c as u32, convert(value))?;
    }
    Ok(())
}

fn xls_error(e: XlsError) -> ReadError {
    match e {
        XlsError::Password => ReadError::Encrypted,
        e => ReadError::Corrupt {
            format: Format::Xls,
            detail: e.to_string(),
        },
    }
}

fn ods_error(e: OdsError) -> ReadError {
    match e {
        OdsError::Password => ReadError::Encrypted,
        e => ReadError::Corrupt {
            format: Format::Ods,
            detail: e.to_string(),
        },
    }
}

fn convert(value: &Data) -> Cell {
    match value {
        Data::Empty => Cell::Empty,
        Data::String(s) | Data::DurationIso(s) => Cell::Text(s.clone()),
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Float(f) => Cell::Number(*f),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(dt) => date_serial(dt),
        Data::DateTimeIso(s) => iso_date_serial(s).map_or_else(|| Cell::Text(s.clone()), Cell::DateSerial),
        Data::Error(e) => Cell::Error(e.to_string()),
    }
}

/// A date-formatted number as a serial of the 1900 date system, whatever the workbook's
/// epoch (calamine knows it; its calendar conversion accounts for 1904 workbooks). Durations
/// and times of day alone stay numbers.
pub(crate) fn date_serial(dt: &ExcelDateTime) -> Cell {
    if dt.is_duration() {
        return Cell::Number(dt.as_f64());
    }
    let (year, month, day, ..) = dt.to_ymd_hms_milli();
    let fraction = dt.as_f64().fract().abs();
    if (year, month, day) == (1900, 2, 29) {
        return Cell::DateSerial(60.0 + fraction);
    }
    match Date::new(i32::from(year), month, day).and_then(Date::to_excel_serial) {
        Some(serial) if dt.as_f64() >= 1.0 => Cell::DateSerial(serial as f64 + fraction),
        _ => Cell::Number(dt.as_f64()),
    }
}

/// An ISO 8601 date (`2019-03-15`, optionally with a time) as a 1900-system serial.
pub(crate) fn iso_date_serial(text: &str) -> Option<f64> {
    let date = text.get(..10)?;
    let mut parts = date.split('-');
    let year = parts.next()?.parse().ok()?;
    let month = parts.next()?.parse().ok()?;
    let day = parts.next()?.parse().ok()?;
    let serial = Date::new(year, month, day)?.to_excel_serial()?;
    Some(serial as f64)
}
