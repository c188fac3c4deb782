//! Spreadsheets: reading the registers alliances keep, and writing exports.
//!
//! Alliance staff keep their member registers in Excel sheets made by hand: title rows above
//! the header, two-row headers, merged cells, formulas, dates typed as text, a "Tổng cộng" row
//! and a signature block at the bottom, sometimes saved as CSV in an old encoding.
//! [`read_table`] finds the register in such a file and returns every cell as read, with the
//! rows it skipped and why; interpreting values (dates, amounts, codes) is left to the caller
//! and [`lienket_domain::lenient`]. [`write_xlsx`] and [`write_csv`] write lists back out.
//!
//! ```
//! use lienket_office::{read_table, write_xlsx, ColumnKind, ColumnSpec, ExportCell, ExportColumn, Limits};
//!
//! let columns = [
//!     ExportColumn { header: "Tên hợp tác xã".into(), kind: ColumnKind::Text, width: 40.0 },
//!     ExportColumn { header: "Số thành viên".into(), kind: ColumnKind::Integer, width: 12.0 },
//! ];
//! let rows = vec![vec![ExportCell::Text("HTX Nông nghiệp Tiên Phong".into()), ExportCell::Integer(27)]];
//! let bytes = write_xlsx("DANH SÁCH HỢP TÁC XÃ", "Xuất ngày 20/11/2026", "Danh sách", &columns, &rows).unwrap();
//!
//! let spec = [
//!     ColumnSpec { field: "name", aliases: &["tên hợp tác xã", "tên htx"], required: true },
//!     ColumnSpec { field: "members", aliases: &["số thành viên"], required: false },
//! ];
//! let table = read_table(&bytes, "danh-sach.xlsx", &spec, &Limits::default()).unwrap();
//! assert_eq!(table.header_row, 3);
//! assert_eq!(table.rows[0].get("members").unwrap().as_text(), "27");
//! ```
//!
//! # Layout
//!
//! - [`read_table`] (`read.rs`): the pipeline — refuse early, pick the sheet, find the header,
//!   build the table. Format by content in `detect.rs`, which also refuses zip bombs before
//!   any parser inflates a byte.
//! - Loaders into one sparse `Grid` per sheet (`grid.rs`): `xlsx.rs` streams cells with
//!   calamine's cell reader (so a sheet over the row limit stops early), `xls_ods.rs` goes
//!   through calamine's ranges after `ods_scan.rs` has checked an ODS sheet's size and
//!   collected its merged cells, `csv.rs` decodes (UTF-8, UTF-16, Windows-1258), guesses the
//!   delimiter and parses RFC 4180; `legacy.rs` recognises TCVN3/VNI text.
//! - `header.rs`: alias matching and header detection, two-row headers included.
//! - `table.rs`: the public [`Table`], and data rows — footers, repeated headers, blank rows,
//!   merged cells filled down.
//! - `export.rs`: [`write_xlsx`], [`write_xlsx_book`] (a sheet per list) and [`write_csv`].
//! - [`Cell`] (`cell.rs`), [`ReadError`] and [`WriteError`] (`error.rs`), each error with the
//!   message key users see.

mod cell;
pub mod chart;
mod csv;
mod detect;
pub mod docx;
mod error;
mod export;
mod grid;
mod header;
pub mod image;
mod legacy;
mod ods_scan;
pub mod qr;
mod read;
mod table;
mod xls_ods;
mod xlsx;

use serde::Serialize;

pub use cell::Cell;
pub use error::{ReadError, WriteError};
pub use export::{ColumnKind, ExportCell, ExportColumn, Sheet, write_csv, write_xlsx, write_xlsx_book};
pub use read::read_table;
pub use table::{MappedColumn, Row, SkipReason, Table};

/// A column the caller expects in a register.
#[derive(Debug, Clone, Copy)]
pub struct ColumnSpec {
    /// The field the column fills, e.g. `"registration_code"`.
    pub field: &'static str,
    /// Header texts that name the column, e.g. `&["mã số htx", "mã số thuế"]`. Matching ignores
    /// accents, case, punctuation, line breaks and numbering such as "(1)"; a multi-word alias
    /// also matches a header that contains it.
    pub aliases: &'static [&'static str],
    /// Whether the register is unusable without it.
    pub required: bool,
}

/// Limits on what an upload may cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest file accepted, in bytes (default 20 MiB).
    pub max_bytes: usize,
    /// Largest spreadsheet row number accepted in the sheet read (default 200,000). Sheets
    /// may also hold at most 64 cells per allowed row.
    pub max_rows: usize,
    /// Largest total a zip (XLSX, ODS) may expand to, in bytes (default 300 MiB).
    pub max_uncompressed: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: 20 * 1024 * 1024,
            max_rows: 200_000,
            max_uncompressed: 300 * 1024 * 1024,
        }
    }
}

impl Limits {
    /// Cells a sheet may hold (or expand to): 64 per allowed row.
    pub fn max_cells(&self) -> usize {
        self.max_rows.saturating_mul(64)
    }
}

/// The format of a file, found from its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Format {
    /// Office Open XML workbook (Excel 2007 and later).
    Xlsx,
    /// BIFF8 workbook (Excel 97–2003).
    Xls,
    /// OpenDocument spreadsheet (LibreOffice).
    Ods,
    /// Comma-, semicolon- or tab-separated text.
    Csv,
}

impl Format {
    /// The usual file extension, also used in messages.
    pub fn name(self) -> &'static str {
        match self {
            Format::Xlsx => "xlsx",
            Format::Xls => "xls",
            Format::Ods => "ods",
            Format::Csv => "csv",
        }
    }
}

/// Something the reader did that the user should know about, as a message key and arguments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Note {
    /// The message key in the catalogue, e.g. `note-import-hidden-sheet`.
    pub key: &'static str,
    /// Arguments of the message, e.g. `("sheet", "Cũ")`.
    pub args: Vec<(&'static str, String)>,
}

impl Note {
    pub(crate) fn new(key: &'static str, args: Vec<(&'static str, String)>) -> Note {
        Note { key, args }
    }
}
