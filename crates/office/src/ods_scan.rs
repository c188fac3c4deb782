//! A pass over an ODS `content.xml` before calamine parses it.
//!
//! ODS compresses runs of identical rows and cells (`number-rows-repeated`,
//! `number-columns-repeated`) and calamine expands them into dense ranges while parsing:
//! a few kilobytes can ask for billions of cells. This pass counts what each sheet would
//! expand to, with the same rules, and refuses too much before calamine starts. It also
//! collects merged cells (`number-rows-spanned`, `number-columns-spanned`), which calamine
//! does not expose for ODS.

use std::collections::HashMap;
use std::io::{BufReader, Cursor};

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};
use zip::ZipArchive;

use crate::grid::Merge;
use crate::{Format, Limits, ReadError};

/// calamine's caps on an ODS sheet.
const MAX_ROWS: u64 = 1_048_576;
const MAX_COLUMNS: u64 = 16_384;

/// Checks every sheet of an ODS and returns its merged regions by sheet name.
pub(crate) fn scan(bytes: &[u8], limits: &Limits) -> Result<HashMap<String, Vec<Merge>>, ReadError> {
    let corrupt = |detail: String| ReadError::Corrupt {
        format: Format::Ods,
        detail,
    };
    let mut archive = ZipArchive::new(Cursor::new(bytes)).map_err(|e| corrupt(e.to_string()))?;
    let content = archive
        .by_name("content.xml")
        .map_err(|e| corrupt(e.to_string()))?;
    let mut reader = Reader::from_reader(BufReader::new(content));
    reader.config_mut().check_end_names = false;

    let mut merges = HashMap::new();
    let mut sheet: Option<SheetScan> = None;
    let mut buf = Vec::new();
    loop {
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| corrupt(e.to_string()))?;
        match event {
            Event::Start(e) if e.name().as_ref() == "table:table" => {
                let name = attribute(&e, "table:name").unwrap_or_default();
                sheet = Some(SheetScan::new(name));
            }
            Event::End(e) if e.name().as_ref() == "table:table" => {
                if let Some(done) = sheet.take() {
                    merges.insert(done.name, done.merges);
                }
            }
            Event::Start(e) if e.name().as_ref() == "table:table-row" => {
                if let Some(s) = sheet.as_mut() {
                    s.start_row(number(&e, "table:number-rows-repeated"));
                }
            }
            Event::Empty(e) if e.name().as_ref() == "table:table-row" => {
                if let Some(s) = sheet.as_mut() {
                    s.start_row(number(&e, "table:number-rows-repeated"));
                    s.end_row(limits)?;
                }
            }
            Event::End(e) if e.name().as_ref() == "table:table-row" => {
                if let Some(s) = sheet.as_mut() {
                    s.end_row(limits)?;
                }
            }
            Event::Start(e) | Event::Empty(e)
                if matches!(e.name().as_ref(), "table:table-cell" | "table:covered-table-cell") =>
            {
                if let Some(s) = sheet.as_mut() {
                    s.cell(&e);
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(merges)
}

struct SheetScan {
    name: String,
    merges: Vec<Merge>,
    /// Index of the current row element's first row.
    row: u64,
    row_repeat: u64,
    column: u64,
    /// End (exclusive) of the last cell with a value in the current row element.
    content_end: u64,
    content_start: Option<u64>,
    first_content_row: Option<u64>,
    last_content_row: u64,
    min_column: u64,
    max_column_end: u64,
    /// Cells calamine stores before expanding rows: each row element once, up to its content.
    stored_cells: u64,
    row_open: bool,
}

impl SheetScan {
    fn new(name: String) -> Self {
        SheetScan {
            name,
            merges: Vec::new(),
            row: 0,
            row_repeat: 1,
            column: 0,
            content_end: 0,
            content_start: None,
            first_content_row: None,
            last_content_row: 0,
            min_column: u64::MAX,
            max_column_end: 0,
            stored_cells: 0,
            row_open: false,
        }
    }

    fn start_row(&mut self, repeat: u64) {
        self.row_repeat = repeat.max(1);
        self.column = 0;
        self.content_end = 0;
        self.content_start = None;
        self.row_open = true;
    }

    fn cell(&mut self, e: &BytesStart<'_>) {
        let repeat = number(e, "table:number-columns-repeated").max(1);
        let has_value = e.try_get_attribute("office:value-type").ok().flatten().is_some()
            || e.try_get_attribute("table:formula").ok().flatten().is_some();
        let rows_spanned = number(e, "table:number-rows-spanned");
        let columns_spanned = number(e, "table:number-columns-spanned");
        if (rows_spanned > 1 || columns_spanned > 1) && self.row < MAX_ROWS && self.column < MAX_COLUMNS {
            let last_row = (self.row + rows_spanned.max(1) - 1).min(MAX_ROWS - 1);
            let last_col = (self.column + columns_spanned.max(1) - 1).min(MAX_COLUMNS - 1);
            self.merges.push(Merge {
                first_row: self.row as u32,
                first_col: self.column as u32,
                last_row: last_row as u32,
                last_col: last_col as u32,
            });
        }
        let end = (self.column.saturating_add(repeat)).min(MAX_COLUMNS);
        if has_value {
            self.content_start.get_or_insert(self.column);
            self.content_end = end;
        }
        self.column = end;
    }

    fn end_row(&mut self, limits: &Limits) -> Result<(), ReadError> {
        if !self.row_open {
            return Ok(());
        }
        self.row_open = false;
        if let Some(start) = self.content_start {
            let last = self.row.saturating_add(self.row_repeat - 1).min(MAX_ROWS - 1);
            self.first_content_row.get_or_insert(self.row);
            self.last_content_row = last;
            self.min_column = self.min_column.min(start);
            self.max_column_end = self.max_column_end.max(self.content_end);
            self.stored_cells = self.stored_cells.saturating_add(self.content_end);
            if last >= limits.max_rows as u64 {
                return Err(ReadError::TooManyRows {
                    sheet: self.name.clone(),
                    max: limits.max_rows,
                });
            }
            let height = last + 1 - self.first_content_row.unwrap_or(0);
            let width = self.max_column_end.saturating_sub(self.min_column);
            let max_cells = limits.max_cells() as u64;
            if height.saturating_mul(width) > max_cells || self.stored_cells > max_cells {
                return Err(ReadError::TooManyCells {
                    sheet: self.name.clone(),
                    max: limits.max_cells(),
                });
            }
        }
        self.row = self.row.saturating_add(self.row_repeat).min(MAX_ROWS);
        Ok(())
    }
}

/// A numeric attribute (1 when absent or unreadable).
fn number(e: &BytesStart<'_>, name: &str) -> u64 {
    e.try_get_attribute(name)
        .ok()
        .flatten()
        .and_then(|a| a.value.trim().parse().ok())
        .unwrap_or(1)
}

/// A text attribute, unescaped as calamine does.
fn attribute(e: &BytesStart<'_>, name: &str) -> Option<String> {
    let a = e.try_get_attribute(name).ok()??;
    Some(quick_xml::escape::unescape(&a.value).ok()?.into_owned())
}
