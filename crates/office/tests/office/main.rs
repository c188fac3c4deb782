//! Reading real-looking registers and writing exports, end to end.
//!
//! Fixtures are built here: XLSX with rust_xlsxwriter, ODS and zip oddities with the zip
//! crate, CSV as bytes. The one XLS fixture is a committed file (see `fixtures/`).

mod csv;
mod docx_libreoffice;
mod export;
mod helpers;
mod ods;
mod refusals;
mod xls;
mod xlsx;
