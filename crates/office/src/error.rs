//! Errors of reading and writing, each with the message key users see.

use crate::Format;

/// Why an uploaded file could not be read as a register.
///
/// [`ReadError::key`] and [`ReadError::args`] give the catalogue message for users; `Display`
/// is for logs.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The file is bigger than [`Limits::max_bytes`](crate::Limits::max_bytes).
    #[error("file of {size} bytes is over the {max}-byte limit")]
    TooLarge {
        /// Size of the file in bytes.
        size: usize,
        /// The limit in bytes.
        max: usize,
    },
    /// The content is not XLSX, XLS, ODS or CSV (whatever the file name says).
    #[error("not a spreadsheet: the content looks like {found}")]
    NotASpreadsheet {
        /// What the content looks like: `pdf`, `image`, `docx`, `doc`, `xlsb`, `html`, …
        found: &'static str,
    },
    /// A zip archive (XLSX, ODS) that would expand to more than the limit, or expands far more
    /// than spreadsheets do.
    #[error("zip archive refused ({reason}): it expands beyond what a spreadsheet needs")]
    ZipBomb {
        /// `declared-size` or `ratio`.
        reason: &'static str,
    },
    /// A sheet goes on beyond [`Limits::max_rows`](crate::Limits::max_rows) rows.
    #[error("sheet {sheet:?} has more than {max} rows")]
    TooManyRows {
        /// The sheet.
        sheet: String,
        /// The limit.
        max: usize,
    },
    /// A sheet holds (or would expand to) more cells or text than any register needs
    /// (64 cells per allowed row).
    #[error("sheet {sheet:?} holds more than {max} cells")]
    TooManyCells {
        /// The sheet.
        sheet: String,
        /// The limit on cells.
        max: usize,
    },
    /// No visible sheet holds any value.
    #[error("the file holds no data")]
    Empty,
    /// Sheets hold data, but none has a header row naming the expected columns.
    #[error("no header row with the expected columns ({})", expected.join(", "))]
    NoHeader {
        /// The expected column names (the first alias of each column, required ones first).
        expected: Vec<String>,
    },
    /// Text in a pre-Unicode Vietnamese encoding (TCVN3/ABC, VNI): it must be converted first.
    #[error("text in a legacy Vietnamese encoding ({guess})")]
    LegacyEncoding {
        /// `tcvn3` or `vni`: the likelier of the two.
        guess: &'static str,
    },
    /// The workbook is password-protected (encrypted).
    #[error("the workbook is password-protected")]
    Encrypted,
    /// The file has the signature of a spreadsheet but cannot be parsed.
    #[error("damaged {format:?} file: {detail}")]
    Corrupt {
        /// The format the content claims.
        format: Format,
        /// The parser's message, for logs.
        detail: String,
    },
}

impl ReadError {
    /// The message key in the catalogue.
    pub fn key(&self) -> &'static str {
        match self {
            ReadError::TooLarge { .. } => "err-import-too-large",
            ReadError::NotASpreadsheet { .. } => "err-import-not-spreadsheet",
            ReadError::ZipBomb { .. } => "err-import-zip-bomb",
            ReadError::TooManyRows { .. } => "err-import-too-many-rows",
            ReadError::TooManyCells { .. } => "err-import-too-many-cells",
            ReadError::Empty => "err-import-empty",
            ReadError::NoHeader { .. } => "err-import-no-header",
            ReadError::LegacyEncoding { .. } => "err-import-legacy-encoding",
            ReadError::Encrypted => "err-import-encrypted",
            ReadError::Corrupt { .. } => "err-import-corrupt",
        }
    }

    /// The arguments of the message.
    pub fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            ReadError::TooLarge { size, max } => {
                vec![("size_mb", megabytes(*size)), ("max_mb", megabytes(*max))]
            }
            ReadError::NotASpreadsheet { found } => vec![("found", (*found).to_string())],
            ReadError::ZipBomb { reason } => vec![("reason", (*reason).to_string())],
            ReadError::TooManyRows { sheet, max } | ReadError::TooManyCells { sheet, max } => {
                vec![("sheet", sheet.clone()), ("max", max.to_string())]
            }
            ReadError::Empty | ReadError::Encrypted => vec![],
            ReadError::NoHeader { expected } => vec![("expected", expected.join(", "))],
            ReadError::LegacyEncoding { guess } => vec![("guess", (*guess).to_string())],
            ReadError::Corrupt { format, .. } => vec![("format", format.name().to_string())],
        }
    }
}

/// Bytes as megabytes with one decimal, for messages.
fn megabytes(bytes: usize) -> String {
    format!("{:.1}", bytes as f64 / (1024.0 * 1024.0))
}

/// Why an export could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// An [`ExportCell::Date`](crate::ExportCell::Date) that does not exist or that Excel
    /// cannot show (before 1900).
    #[error("invalid date {day}/{month}/{year} in data row {row}, column {column}")]
    InvalidDate {
        /// 0-based index of the row in the rows given.
        row: usize,
        /// 0-based index of the column.
        column: usize,
        /// The year given.
        year: i32,
        /// The month given.
        month: u8,
        /// The day given.
        day: u8,
    },
    /// The XLSX writer failed (text over 32,767 characters, …); the message is for logs.
    #[error("xlsx writer: {0}")]
    Xlsx(String),
}

impl WriteError {
    /// The message key in the catalogue.
    pub fn key(&self) -> &'static str {
        match self {
            WriteError::InvalidDate { .. } => "err-export-invalid-date",
            WriteError::Xlsx(_) => "err-export-failed",
        }
    }

    /// The arguments of the message (rows and columns 1-based, as users count).
    pub fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            WriteError::InvalidDate {
                row,
                column,
                year,
                month,
                day,
            } => vec![
                ("row", (row + 1).to_string()),
                ("column", (column + 1).to_string()),
                ("value", format!("{day:02}/{month:02}/{year}")),
            ],
            WriteError::Xlsx(_) => vec![],
        }
    }
}

impl From<rust_xlsxwriter::XlsxError> for WriteError {
    fn from(error: rust_xlsxwriter::XlsxError) -> Self {
        WriteError::Xlsx(error.to_string())
    }
}
