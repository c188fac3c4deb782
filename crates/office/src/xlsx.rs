//! XLSX: cells streamed with calamine's cell reader, so that a sheet over the limits stops
//! early instead of being expanded into a dense range first.

use std::io::Cursor;

use calamine::{DataRef, Reader, SheetType, SheetVisible, Xlsx, XlsxError};

use crate::grid::{Grid, GridBuilder, Merge};
use crate::xls_ods::{SheetInfo, date_serial, iso_date_serial};
use crate::{Cell, Format, Limits, ReadError};

pub(crate) struct XlsxBook<'a> {
    workbook: Xlsx<Cursor<&'a [u8]>>,
}

impl<'a> XlsxBook<'a> {
    pub fn open(bytes: &'a [u8]) -> Result<Self, ReadError> {
        let workbook = Xlsx::new(Cursor::new(bytes)).map_err(error)?;
        Ok(XlsxBook { workbook })
    }

    pub fn sheets(&self) -> Vec<SheetInfo> {
        self.workbook
            .sheets_metadata()
            .iter()
            .map(|s| SheetInfo {
                name: s.name.clone(),
                worksheet: s.typ == SheetType::WorkSheet,
                hidden: s.visible != SheetVisible::Visible,
            })
            .collect()
    }

    pub fn load(&mut self, name: &str, limits: &Limits) -> Result<Grid, ReadError> {
        let mut builder = GridBuilder::new(name, limits);
        {
            let mut reader = self.workbook.worksheet_cells_reader(name).map_err(error)?;
            while let Some(cell) = reader.next_cell().map_err(error)? {
                let (row, column) = cell.get_position();
                builder.push(row, column, convert(cell.get_value()))?;
            }
        }
        let merges = self
            .workbook
            .merge_cells_by_sheet_name(name)
            .map_err(error)?
            .into_iter()
            .map(|d| Merge {
                first_row: d.start.0,
                first_col: d.start.1,
                last_row: d.end.0,
                last_col: d.end.1,
            })
            .collect();
        Ok(builder.finish(merges))
    }
}

fn error(e: XlsxError) -> ReadError {
    match e {
        XlsxError::Password => ReadError::Encrypted,
        e => ReadError::Corrupt {
            format: Format::Xlsx,
            detail: e.to_string(),
        },
    }
}

/// One streamed value as a [`Cell`]; formulas arrive as their cached value.
fn convert(value: &DataRef<'_>) -> Cell {
    match value {
        DataRef::Empty => Cell::Empty,
        DataRef::String(s) | DataRef::DurationIso(s) => Cell::Text(s.clone()),
        DataRef::SharedString(s) => Cell::Text((*s).to_string()),
        DataRef::Int(i) => Cell::Number(*i as f64),
        DataRef::Float(f) => Cell::Number(*f),
        DataRef::Bool(b) => Cell::Bool(*b),
        DataRef::DateTime(dt) => date_serial(dt),
        DataRef::DateTimeIso(s) => iso_date_serial(s).map_or_else(|| Cell::Text(s.clone()), Cell::DateSerial),
        DataRef::Error(e) => Cell::Error(e.to_string()),
    }
}
