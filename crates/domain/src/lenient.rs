//! Lenient parsing of values people type into spreadsheets and forms: dates, amounts, counts.
