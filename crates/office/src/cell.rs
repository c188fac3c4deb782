//! One cell as read from a sheet.

use lienket_domain::lenient::Date;
use serde::Serialize;

/// The value of one cell as read, before any interpretation.
///
/// Spreadsheets store every number as a 64-bit float, so codes and phone numbers typed as
/// numbers have already lost their leading zeros: the caller validates them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Cell {
    /// Nothing in the cell.
    Empty,
    /// Text as typed (NFC-normalised, otherwise untouched: spaces and line breaks are kept).
    Text(String),
    /// A number (or the cached result of a formula).
    Number(f64),
    /// TRUE or FALSE.
    Bool(bool),
    /// A number in a date-formatted cell: an Excel serial in the 1900 date system (workbooks in
    /// the 1904 system are converted).
    DateSerial(f64),
    /// A formula error such as `#REF!`, `#VALUE!`, `#DIV/0!`, `#N/A`.
    Error(String),
}

impl Cell {
    /// True for an empty cell and for text made only of whitespace.
    pub fn is_blank(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(text) => text.trim().is_empty(),
            _ => false,
        }
    }

    /// The cell as text: integral numbers without `.0` (`12345678.0` → `"12345678"`), dates as
    /// `dd/mm/yyyy`, booleans as `TRUE`/`FALSE`, errors as written, empty as `""`.
    pub fn as_text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(text) => text.clone(),
            Cell::Number(n) => format_number(*n),
            Cell::Bool(true) => "TRUE".to_string(),
            Cell::Bool(false) => "FALSE".to_string(),
            Cell::DateSerial(serial) => match Date::from_excel_serial(*serial) {
                Some(date) => date.to_string(),
                None => format_number(*serial),
            },
            Cell::Error(error) => error.clone(),
        }
    }

    /// The number in a number or date cell.
    pub fn as_number(&self) -> Option<f64> {
        match self {
            Cell::Number(n) | Cell::DateSerial(n) => Some(*n),
            _ => None,
        }
    }

    /// The date of a date-formatted cell.
    pub fn as_date(&self) -> Option<Date> {
        match self {
            Cell::DateSerial(serial) => Date::from_excel_serial(*serial),
            _ => None,
        }
    }
}

/// Renders a float the way a person wrote it: integral values without a fraction.
pub(crate) fn format_number(n: f64) -> String {
    // 2^53: beyond it floats are not exact integers anyway, and `{}` prints them in full.
    if n.is_finite() && n.fract() == 0.0 && n.abs() < 9_007_199_254_740_992.0 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integral_numbers_render_without_a_fraction() {
        let cases: &[(f64, &str)] = &[
            (12345678.0, "12345678"),
            (0.0, "0"),
            (-0.0, "0"),
            (-42.0, "-42"),
            (1500000000.0, "1500000000"),
            (0.1, "0.1"),
            (12.5, "12.5"),
            (1e20, "100000000000000000000"),
        ];
        for (n, want) in cases {
            assert_eq!(Cell::Number(*n).as_text(), *want, "{n}");
        }
    }

    #[test]
    fn date_cells_render_day_first() {
        assert_eq!(Cell::DateSerial(43539.0).as_text(), "15/03/2019");
        assert_eq!(Cell::DateSerial(43539.0).as_date(), Date::new(2019, 3, 15));
        assert_eq!(Cell::DateSerial(0.25).as_text(), "0.25");
    }

    #[test]
    fn whitespace_only_text_is_blank() {
        assert!(Cell::Text(" \n".into()).is_blank());
        assert!(Cell::Empty.is_blank());
        assert!(!Cell::Number(0.0).is_blank());
    }
}
