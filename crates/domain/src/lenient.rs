//! Lenient parsing of values people type into spreadsheets and forms: dates, amounts, counts.
//!
//! Every parser returns [`Parsed`]: `Ok((value, None))` when the input was clean, `Ok((value,
//! Some(fix)))` when it was read with a correction the user should see ("only the year was
//! given: read as 01/01/2019"), and `Err(problem)` when it cannot be read. A [`Fix`] and a
//! [`Problem`] carry a message key of the catalogue and its arguments, never a sentence: the web
//! layer translates them.
//!
//! Vietnamese order is day/month/year, always: `03/04/2019` is the 3rd of April, and
//! `04/15/2019` is an error, never a month-first date.
//!
//! Layout:
//! - [`Date`]: a calendar date with Excel serial conversions (1900 date system).
//! - [`parse_date`], [`parse_date_serial`]: dates typed as text or stored as Excel serials.
//! - [`parse_amount_vnd`], [`parse_amount_vnd_number`]: amounts of money in đồng.
//! - [`parse_count`], [`parse_count_number`]: counts of members or workers.

use std::fmt;

use serde::Serialize;

use crate::text::fold;

/// A correction made while reading a value: the value is usable, but the user should see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fix {
    /// The message key in the catalogue, e.g. `fix-date-year-only`.
    pub key: &'static str,
    /// Arguments of the message, e.g. `("date", "01/01/2019")`.
    pub args: Vec<(&'static str, String)>,
}

/// Why a value could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// The message key in the catalogue, e.g. `err-date-impossible`.
    pub key: &'static str,
    /// Arguments of the message, e.g. `("value", "31/02/2020")`.
    pub args: Vec<(&'static str, String)>,
}

impl fmt::Display for Problem {
    /// The key and its arguments, for logs; users see the translated message.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key)?;
        for (name, value) in &self.args {
            write!(f, " {name}={value:?}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Problem {}

/// The result of a lenient parser: the value and an optional correction, or the problem.
pub type Parsed<T> = Result<(T, Option<Fix>), Problem>;

fn fix(key: &'static str, args: Vec<(&'static str, String)>) -> Option<Fix> {
    Some(Fix { key, args })
}

fn problem(key: &'static str, args: Vec<(&'static str, String)>) -> Problem {
    Problem { key, args }
}

// ---------------------------------------------------------------------------------------------
// Dates
// ---------------------------------------------------------------------------------------------

/// A calendar date (proleptic Gregorian, no time zone). Displays as `dd/mm/yyyy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Date {
    year: i32,
    month: u8,
    day: u8,
}

/// Largest serial Excel accepts: 31/12/9999.
const EXCEL_MAX_SERIAL: f64 = 2_958_465.0;

impl Date {
    /// The date, when it exists (`Date::new(2020, 2, 30)` is `None`).
    pub fn new(year: i32, month: u8, day: u8) -> Option<Date> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Date { year, month, day })
    }

    /// The year.
    pub fn year(self) -> i32 {
        self.year
    }

    /// The month, 1 to 12.
    pub fn month(self) -> u8 {
        self.month
    }

    /// The day of the month, from 1.
    pub fn day(self) -> u8 {
        self.day
    }

    /// The date of an Excel serial number in the 1900 date system (the time of day is dropped).
    ///
    /// Excel counts 1 as 01/01/1900 and believes 1900 was a leap year: serial 60 is the
    /// non-existent 29/02/1900 (`None`), and serials from 61 on are one day ahead of a plain
    /// count. Serials below 1, above 31/12/9999, and non-finite values are `None`.
    pub fn from_excel_serial(serial: f64) -> Option<Date> {
        if !(1.0..EXCEL_MAX_SERIAL + 1.0).contains(&serial) {
            return None;
        }
        // Truncation is the intent: the fraction is the time of day.
        let whole = serial.floor() as i64;
        let offset = match whole {
            60 => return None,
            1..=59 => whole + 1,
            _ => whole,
        };
        let (year, month, day) = civil_from_days(days_from_civil(1899, 12, 30) + offset);
        Some(Date { year, month, day })
    }

    /// The Excel serial number of this date in the 1900 date system; `None` before 1900.
    pub fn to_excel_serial(self) -> Option<i64> {
        let days = days_from_civil(self.year, self.month, self.day) - days_from_civil(1899, 12, 30);
        match days {
            ..=1 => None,
            2..=60 => Some(days - 1),
            _ => Some(days),
        }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}/{:02}/{:04}", self.day, self.month, self.year)
    }
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Days since 1970-01-01 (Howard Hinnant's `days_from_civil`).
fn days_from_civil(year: i32, month: u8, day: u8) -> i64 {
    let y = i64::from(year) - i64::from(month <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The inverse of [`days_from_civil`].
fn civil_from_days(days: i64) -> (i32, u8, u8) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let month = (if mp < 10 { mp + 3 } else { mp - 9 }) as u8;
    let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
    (year, month, day)
}

/// Reads a date typed by a person, in Vietnamese day/month/year order.
///
/// Accepted: `15/03/2019`, `15-3-2019`, `15.03.2019`, `2019-03-15` (year first, ISO),
/// `15/3/19` (two-digit year, fixed), `ngày 15 tháng 3 năm 2019`, `15-Mar-2019`, a time after
/// the date (dropped), `2019` or `năm 2019` (fixed to 1 January), `03/2019` or `tháng 3/2019`
/// (fixed to the first of the month), a bare Excel serial such as `43539` (fixed) and eight
/// digits `15032019` (fixed). Dates that do not exist, dates before 1900 and dates after
/// `today` are problems.
pub fn parse_date(input: &str, today: Date) -> Parsed<Date> {
    let value = input.trim();
    if value.is_empty() {
        return Err(problem("err-date-empty", vec![]));
    }
    let unreadable = || problem("err-date-unreadable", vec![("value", value.to_string())]);
    let tokens = date_tokens(&fold(value)).ok_or_else(unreadable)?;
    let mut parts = DateParts::default();
    let mut fixed = None;
    if tokens.time_dropped {
        fixed = fix("fix-date-time-dropped", vec![("value", value.to_string())]);
    }

    let mut unlabeled = Vec::new();
    let mut label = None;
    for token in tokens.items {
        match token {
            DateToken::Label(slot) => {
                if label.is_some() {
                    return Err(unreadable());
                }
                label = Some(slot);
            }
            DateToken::MonthName(month) => {
                if parts.month.is_some() || label.is_some() {
                    return Err(unreadable());
                }
                parts.month = Some(month.to_string());
            }
            DateToken::Number(digits) => match label.take() {
                Some(slot) => {
                    let target = parts.slot(slot);
                    if target.is_some() {
                        return Err(unreadable());
                    }
                    *target = Some(digits);
                }
                None => unlabeled.push(digits),
            },
        }
    }
    if label.is_some() {
        return Err(unreadable());
    }

    let nothing_labeled = parts.day.is_none() && parts.month.is_none() && parts.year.is_none();
    if nothing_labeled {
        match unlabeled.as_slice() {
            [single] if single.len() == 5 => {
                let serial: f64 = single.parse().map_err(|_| unreadable())?;
                let (date, _) = parse_date_serial(serial, true, today)?;
                return Ok((
                    date,
                    fix(
                        "fix-date-excel-serial",
                        vec![("value", value.to_string()), ("date", date.to_string())],
                    ),
                ));
            }
            [single] if single.len() == 8 => {
                // Eight digits: yyyymmdd when that is a real date, else ddmmyyyy.
                let (a, b) = single.split_at(4);
                let year_first = matches!(
                    (a.parse::<i32>(), b[..2].parse::<u8>(), b[2..].parse::<u8>()),
                    (Ok(y), Ok(m), Ok(dd)) if y >= 1900 && Date::new(y, m, dd).is_some()
                );
                let (day, month, year) = if year_first {
                    (&b[2..], &b[..2], a)
                } else {
                    (&single[..2], &single[2..4], &single[4..])
                };
                parts = DateParts {
                    day: Some(day.to_string()),
                    month: Some(month.to_string()),
                    year: Some(year.to_string()),
                };
                unlabeled.clear();
                fixed = fixed.or(fix("fix-date-no-separators", vec![("value", value.to_string())]));
            }
            [a, b, c] if a.len() == 4 => {
                parts = DateParts {
                    day: Some(c.clone()),
                    month: Some(b.clone()),
                    year: Some(a.clone()),
                };
                unlabeled.clear();
            }
            [a, b] if a.len() == 4 && b.len() <= 2 => {
                parts.year = Some(a.clone());
                parts.month = Some(b.clone());
                unlabeled.clear();
            }
            _ => {}
        }
    }
    // Remaining numbers fill the empty places in day, month, year order; a four-digit number
    // can only be the year.
    for digits in unlabeled {
        let target = if digits.len() == 4 {
            &mut parts.year
        } else if parts.day.is_none() {
            &mut parts.day
        } else if parts.month.is_none() {
            &mut parts.month
        } else {
            &mut parts.year
        };
        if target.is_some() {
            return Err(unreadable());
        }
        *target = Some(digits);
    }
    // "03/2019": the first number went to the day; with no month it was the month.
    if parts.month.is_none() && parts.day.is_some() && parts.year.is_some() {
        parts.month = parts.day.take();
    }

    let year_text = parts.year.ok_or_else(unreadable)?;
    let year = match year_text.len() {
        4 => year_text.parse::<i32>().map_err(|_| unreadable())?,
        1 | 2 => {
            let yy: i32 = year_text.parse().map_err(|_| unreadable())?;
            let year = if 2000 + yy <= today.year() {
                2000 + yy
            } else {
                1900 + yy
            };
            fixed = fix(
                "fix-date-two-digit-year",
                vec![("value", value.to_string()), ("year", year.to_string())],
            );
            year
        }
        _ => return Err(unreadable()),
    };
    if year < 1900 {
        return Err(problem(
            "err-date-before-1900",
            vec![("value", value.to_string())],
        ));
    }
    let number = |text: Option<String>| -> Result<Option<u8>, Problem> {
        match text {
            None => Ok(None),
            Some(t) if t.len() <= 2 => Ok(Some(t.parse().map_err(|_| unreadable())?)),
            Some(_) => Err(unreadable()),
        }
    };
    let month = number(parts.month)?;
    let day = number(parts.day)?;
    let (month, day) = match (month, day) {
        (None, None) => {
            let date = Date {
                year,
                month: 1,
                day: 1,
            };
            let f = fix(
                "fix-date-year-only",
                vec![("value", value.to_string()), ("date", date.to_string())],
            );
            return check_range(date, value, today).map(|d| (d, f));
        }
        (Some(month), None) => {
            check_month(month, value)?;
            let date = Date { year, month, day: 1 };
            let f = fix(
                "fix-date-month-only",
                vec![("value", value.to_string()), ("date", date.to_string())],
            );
            return check_range(date, value, today).map(|d| (d, f));
        }
        (None, Some(_)) => return Err(unreadable()),
        (Some(month), Some(day)) => (month, day),
    };
    check_month(month, value)?;
    let date = Date::new(year, month, day).ok_or_else(|| {
        problem(
            "err-date-impossible",
            vec![
                ("value", value.to_string()),
                ("day", day.to_string()),
                ("month", month.to_string()),
                ("year", year.to_string()),
            ],
        )
    })?;
    check_range(date, value, today).map(|d| (d, fixed))
}

/// Reads a date stored as an Excel serial number (1900 date system; the time of day is dropped).
///
/// `date_formatted` says whether the cell was formatted as a date: if so the serial is simply
/// how Excel stores dates and no fix is reported; if not, a plain number was taken for a date
/// and the fix `fix-date-excel-serial` says so.
pub fn parse_date_serial(serial: f64, date_formatted: bool, today: Date) -> Parsed<Date> {
    let value = if serial.is_finite() && serial.fract() == 0.0 {
        format!("{serial:.0}")
    } else {
        serial.to_string()
    };
    let date = Date::from_excel_serial(serial)
        .ok_or_else(|| problem("err-date-excel-serial-invalid", vec![("value", value.clone())]))?;
    let date = check_range(date, &value, today)?;
    let f = if date_formatted {
        None
    } else {
        fix(
            "fix-date-excel-serial",
            vec![("value", value), ("date", date.to_string())],
        )
    };
    Ok((date, f))
}

fn check_month(month: u8, value: &str) -> Result<(), Problem> {
    if (1..=12).contains(&month) {
        Ok(())
    } else {
        Err(problem(
            "err-date-month-invalid",
            vec![("value", value.to_string()), ("month", month.to_string())],
        ))
    }
}

fn check_range(date: Date, value: &str, today: Date) -> Result<Date, Problem> {
    if date.year < 1900 {
        return Err(problem(
            "err-date-before-1900",
            vec![("value", value.to_string())],
        ));
    }
    if date > today {
        return Err(problem(
            "err-date-in-future",
            vec![
                ("value", value.to_string()),
                ("date", date.to_string()),
                ("today", today.to_string()),
            ],
        ));
    }
    Ok(date)
}

#[derive(Default)]
struct DateParts {
    day: Option<String>,
    month: Option<String>,
    year: Option<String>,
}

#[derive(Clone, Copy)]
enum Slot {
    Day,
    Month,
    Year,
}

impl DateParts {
    fn slot(&mut self, slot: Slot) -> &mut Option<String> {
        match slot {
            Slot::Day => &mut self.day,
            Slot::Month => &mut self.month,
            Slot::Year => &mut self.year,
        }
    }
}

enum DateToken {
    Number(String),
    /// "ngày", "tháng", "năm": the next number is that part.
    Label(Slot),
    MonthName(u8),
}

struct DateTokens {
    items: Vec<DateToken>,
    /// A time of day other than midnight followed the date.
    time_dropped: bool,
}

/// Splits folded date text into numbers, labels and month names, dropping a time of day.
/// `None` when it contains anything else.
fn date_tokens(folded: &str) -> Option<DateTokens> {
    #[derive(PartialEq)]
    enum Raw {
        Digits(String),
        Word(String),
        Colon,
        Dot,
    }
    let mut raw = Vec::new();
    let mut chars = folded.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() {
            let mut s = String::from(c);
            while let Some(&d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                s.push(d);
                chars.next();
            }
            raw.push(Raw::Digits(s));
        } else if c.is_alphabetic() {
            let mut s = String::from(c);
            while let Some(&d) = chars.peek().filter(|d| d.is_alphabetic()) {
                s.push(d);
                chars.next();
            }
            raw.push(Raw::Word(s));
        } else if c == ':' {
            raw.push(Raw::Colon);
        } else if c == '.' {
            // Kept apart only to recognise fractions of a second; otherwise a separator.
            raw.push(Raw::Dot);
        } else if !matches!(c, '/' | '-' | ',' | ' ' | '\u{2013}' | '\u{2212}') {
            // Separators between date parts carry no meaning in day/month/year order;
            // anything else is not a date.
            return None;
        }
    }

    // Drop a time of day: digits ':' digits (':' digits ('.' digits)?) and an optional am/pm,
    // and the ISO 'T' before it.
    let mut items = Vec::new();
    let mut time_dropped = false;
    let mut i = 0;
    while i < raw.len() {
        let is_time_start = matches!(raw.get(i), Some(Raw::Digits(_))) && raw.get(i + 1) == Some(&Raw::Colon);
        if is_time_start {
            let mut j = i;
            while let Some(Raw::Digits(d)) = raw.get(j) {
                time_dropped |= d.chars().any(|c| c != '0');
                if raw.get(j + 1) == Some(&Raw::Colon) {
                    j += 2;
                } else {
                    j += 1;
                    break;
                }
            }
            if raw.get(j) == Some(&Raw::Dot)
                && let Some(Raw::Digits(d)) = raw.get(j + 1)
            {
                time_dropped |= d.chars().any(|c| c != '0');
                j += 2;
            }
            if let Some(Raw::Word(w)) = raw.get(j)
                && matches!(w.as_str(), "am" | "pm" | "sa" | "ch" | "z")
            {
                j += 1;
            }
            i = j;
            continue;
        }
        match &raw[i] {
            Raw::Digits(d) => items.push(DateToken::Number(d.clone())),
            Raw::Dot => {}
            Raw::Word(w) => match w.as_str() {
                "ngay" => items.push(DateToken::Label(Slot::Day)),
                "thang" => items.push(DateToken::Label(Slot::Month)),
                "nam" => items.push(DateToken::Label(Slot::Year)),
                // The ISO separator between date and time ("2019-03-15T08:00").
                "t" if matches!(raw.get(i + 1), Some(Raw::Digits(_)))
                    && raw.get(i + 2) == Some(&Raw::Colon) => {}
                word => items.push(DateToken::MonthName(month_from_name(word)?)),
            },
            Raw::Colon => return None,
        }
        i += 1;
    }
    Some(DateTokens { items, time_dropped })
}

/// The month of an English month name or its abbreviation ("mar", "march", "sept").
fn month_from_name(word: &str) -> Option<u8> {
    const FULL: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let position = FULL
        .iter()
        .position(|full| *full == word || (word.len() >= 3 && full.starts_with(word) && word.len() <= 4))?;
    Some(position as u8 + 1)
}

// ---------------------------------------------------------------------------------------------
// Amounts
// ---------------------------------------------------------------------------------------------

/// Reads an amount of money in đồng, as people type it.
///
/// Accepted: `1.500.000.000`, `1,500,000,000`, `1 500 000 000`, `1500000000 đ`, `VNĐ`/`đồng`/`₫`
/// anywhere, and unit words `1,5 tỷ`, `1.5 tỷ`, `500 triệu`, `2 tỷ 300 triệu`, `800 nghìn`,
/// `500k`, `3tr` (fixed: the reading is shown). With a unit word, a comma followed by three
/// digits is the Vietnamese decimal comma (`1,250 tỷ` is 1.25 tỷ) while a dot groups
/// thousands (`1.250 tỷ` is 1,250 tỷ). Fractions of a đồng are rounded (fixed). Negative
/// amounts and text that is not an amount are problems.
pub fn parse_amount_vnd(input: &str) -> Parsed<i64> {
    let value = input.trim();
    if value.is_empty() {
        return Err(problem("err-amount-empty", vec![]));
    }
    let unreadable = || problem("err-amount-unreadable", vec![("value", value.to_string())]);
    let folded = fold(value);
    if folded.starts_with(['-', '\u{2212}']) || (folded.starts_with('(') && folded.ends_with(')')) {
        return Err(problem("err-amount-negative", vec![("value", value.to_string())]));
    }
    // Accountants' "1.000.000,-": the dash says "no fraction".
    let folded = folded
        .strip_suffix(",-")
        .or_else(|| folded.strip_suffix(".-"))
        .unwrap_or(&folded);

    // Numbers, each with an optional unit; currency words are dropped.
    let mut terms: Vec<(String, Option<i128>)> = Vec::new();
    let mut chars = folded.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_ascii_digit() {
            if matches!(terms.last(), Some((_, None))) {
                return Err(unreadable());
            }
            terms.push((number_token(&mut chars), None));
        } else if c.is_alphabetic() {
            let mut word = String::new();
            while let Some(&d) = chars.peek().filter(|d| d.is_alphabetic()) {
                word.push(d);
                chars.next();
            }
            match word.as_str() {
                "d" | "dong" | "vnd" | "vnđ" => {}
                unit => {
                    let multiplier = match unit {
                        "ty" | "ti" => 1_000_000_000,
                        "trieu" | "tr" => 1_000_000,
                        "nghin" | "ngan" | "k" => 1_000,
                        _ => return Err(unreadable()),
                    };
                    match terms.last_mut() {
                        Some((_, slot @ None)) => *slot = Some(multiplier),
                        _ => return Err(unreadable()),
                    }
                }
            }
        } else if c == ' ' || c == '\u{20ab}' {
            chars.next();
        } else {
            return Err(unreadable());
        }
    }
    if terms.is_empty() {
        return Err(unreadable());
    }

    let with_units = terms.iter().any(|(_, unit)| unit.is_some());
    if with_units {
        // "2 tỷ 300 triệu": every number has a unit and units decrease.
        let units: Vec<i128> = terms.iter().map(|(_, u)| u.unwrap_or(0)).collect();
        if units.contains(&0) || units.windows(2).any(|w| w[0] <= w[1]) {
            return Err(unreadable());
        }
    } else if terms.len() > 1 {
        return Err(unreadable());
    }

    // Exact arithmetic in thousandths of a đồng would overflow nothing: i128 with a scale.
    let mut total_scaled: i128 = 0; // in đồng × 10^SCALE
    const SCALE: u32 = 9;
    for (token, unit) in &terms {
        let (int, frac) = split_number(token, unit.is_some()).ok_or_else(unreadable)?;
        let int: i128 = if int.is_empty() {
            0
        } else {
            int.parse().map_err(|_| unreadable())?
        };
        let frac_digits = frac.len() as u32;
        if frac_digits > 18 {
            return Err(unreadable());
        }
        let frac_value: i128 = if frac.is_empty() {
            0
        } else {
            frac.parse().map_err(|_| unreadable())?
        };
        let multiplier = unit.unwrap_or(1);
        // value × 10^SCALE = (int + frac / 10^d) × multiplier × 10^SCALE
        let scaled_int = int
            .checked_mul(multiplier)
            .and_then(|v| v.checked_mul(10i128.pow(SCALE)))
            .ok_or_else(|| too_large(value))?;
        let scaled_frac = frac_value
            .checked_mul(multiplier)
            .and_then(|v| v.checked_mul(10i128.pow(SCALE)))
            .map(|v| v / 10i128.pow(frac_digits))
            .ok_or_else(|| too_large(value))?;
        total_scaled = total_scaled
            .checked_add(scaled_int + scaled_frac)
            .ok_or_else(|| too_large(value))?;
    }
    let unit = 10i128.pow(SCALE);
    let whole = total_scaled / unit;
    let remainder = total_scaled % unit;
    let rounded = if remainder * 2 >= unit { whole + 1 } else { whole };
    let amount = i64::try_from(rounded).map_err(|_| too_large(value))?;
    let fixed = if remainder != 0 {
        fix(
            "fix-amount-rounded",
            vec![("value", value.to_string()), ("amount", amount.to_string())],
        )
    } else if with_units {
        fix(
            "fix-amount-unit-words",
            vec![("value", value.to_string()), ("amount", amount.to_string())],
        )
    } else {
        None
    };
    Ok((amount, fixed))
}

/// Reads an amount of money in đồng stored as a number (an Excel cell).
///
/// Fractions of a đồng are rounded (fixed); negative, non-finite and out-of-range numbers are
/// problems.
pub fn parse_amount_vnd_number(value: f64) -> Parsed<i64> {
    let shown = value.to_string();
    if !value.is_finite() {
        return Err(problem("err-amount-unreadable", vec![("value", shown)]));
    }
    if value < 0.0 {
        return Err(problem("err-amount-negative", vec![("value", shown)]));
    }
    // 2^63 is exactly representable; anything at or above it does not fit an i64.
    if value >= 9_223_372_036_854_775_808.0 {
        return Err(too_large(&shown));
    }
    let rounded = value.round();
    let amount = rounded as i64;
    let fixed = (rounded != value).then(|| Fix {
        key: "fix-amount-rounded",
        args: vec![("value", shown), ("amount", amount.to_string())],
    });
    Ok((amount, fixed))
}

fn too_large(value: &str) -> Problem {
    problem("err-amount-too-large", vec![("value", value.to_string())])
}

/// Consumes a number as typed: digits with `.` and `,` inside, and single spaces that group
/// thousands ("1 500 000": a space followed by exactly three digits).
fn number_token(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) -> String {
    let mut token = String::new();
    loop {
        match chars.peek() {
            Some(&c) if c.is_ascii_digit() => {
                token.push(c);
                chars.next();
            }
            Some(&c @ ('.' | ',')) => {
                let mut ahead = chars.clone();
                ahead.next();
                if ahead.peek().is_some_and(char::is_ascii_digit) {
                    token.push(c);
                    chars.next();
                } else {
                    // A trailing "." or "," ("1.500.000,-" or "500."): not part of the number.
                    chars.next();
                    return token;
                }
            }
            Some(' ') => {
                let mut ahead = chars.clone();
                ahead.next();
                let group: String = ahead.clone().take(4).collect();
                let three_digits = group.chars().take(3).filter(char::is_ascii_digit).count() == 3
                    && !group.chars().nth(3).is_some_and(|c| c.is_ascii_digit());
                if three_digits {
                    token.push(' ');
                    chars.next();
                } else {
                    return token;
                }
            }
            _ => return token,
        }
    }
}

/// Splits a number token into its integer digits and fraction digits, telling grouping
/// separators from the decimal separator. `None` when the grouping is malformed.
fn split_number(token: &str, has_unit: bool) -> Option<(String, String)> {
    let seps: Vec<(usize, char)> = token
        .char_indices()
        .filter(|(_, c)| !c.is_ascii_digit())
        .collect();
    let Some(&(last_pos, last_sep)) = seps.last() else {
        return Some((token.to_string(), String::new()));
    };
    let kinds: Vec<char> = {
        let mut k: Vec<char> = seps.iter().map(|(_, c)| *c).collect();
        k.sort_unstable();
        k.dedup();
        k
    };
    let decimal = if kinds.len() > 1 {
        // Both kinds: the last one is the decimal separator, and it appears once.
        if seps.iter().filter(|(_, c)| *c == last_sep).count() > 1 || last_sep == ' ' {
            return None;
        }
        Some(last_pos)
    } else if last_sep == ' ' || seps.len() > 1 {
        None
    } else {
        let after = token.len() - last_pos - 1;
        match (after, last_sep, has_unit) {
            (3, ',', true) => Some(last_pos),
            (3, _, _) => None,
            _ => Some(last_pos),
        }
    };
    let (int_part, frac_part) = match decimal {
        Some(p) => (&token[..p], &token[p + 1..]),
        None => (token, ""),
    };
    // Grouped integer part: first group of 1–3 digits, then groups of exactly 3.
    let groups: Vec<&str> = int_part.split(['.', ',', ' ']).collect();
    if groups.len() > 1
        && (groups[0].is_empty() || groups[0].len() > 3 || groups[1..].iter().any(|g| g.len() != 3))
    {
        return None;
    }
    Some((groups.concat(), frac_part.to_string()))
}

// ---------------------------------------------------------------------------------------------
// Counts
// ---------------------------------------------------------------------------------------------

/// Words that may follow a count of members or workers ("12 người", "8 thành viên").
const COUNT_UNITS: [&str; 12] = [
    "nguoi",
    "thanh vien",
    "tv",
    "lao dong",
    "ld",
    "ho",
    "xa vien",
    "hop tac xa",
    "htx",
    "to hop tac",
    "tht",
    "thanh vien chinh thuc",
];

/// Reads a count of members or workers typed as text: `12`, `12 người`, `1.200`.
///
/// Decimals (`12.5`), negative numbers and other text are problems. Counts have no corrections
/// today; the `Option<Fix>` keeps the three parsers interchangeable for import code.
pub fn parse_count(input: &str) -> Parsed<u32> {
    let value = input.trim();
    if value.is_empty() {
        return Err(problem("err-count-empty", vec![]));
    }
    let unreadable = || problem("err-count-unreadable", vec![("value", value.to_string())]);
    let folded = fold(value);
    if folded.starts_with(['-', '\u{2212}']) {
        return Err(problem("err-count-negative", vec![("value", value.to_string())]));
    }
    let digits_end = folded
        .find(|c: char| !(c.is_ascii_digit() || matches!(c, '.' | ',')))
        .unwrap_or(folded.len());
    let (number, rest) = folded.split_at(digits_end);
    let rest = rest.trim();
    if number.is_empty() || !(rest.is_empty() || COUNT_UNITS.contains(&rest)) {
        return Err(unreadable());
    }
    let groups: Vec<&str> = number.split(['.', ',']).collect();
    let whole = match groups.as_slice() {
        [single] => single.to_string(),
        // "12.0" or "12,00": a whole number written with a zero fraction.
        [int, frac] if frac.len() != 3 => {
            if frac.chars().all(|c| c == '0') && !int.is_empty() {
                int.to_string()
            } else {
                return Err(problem("err-count-not-whole", vec![("value", value.to_string())]));
            }
        }
        [first, rest @ ..] if !first.is_empty() && first.len() <= 3 && rest.iter().all(|g| g.len() == 3) => {
            groups.concat()
        }
        _ => return Err(unreadable()),
    };
    let count: u32 = whole
        .parse()
        .map_err(|_| problem("err-count-too-large", vec![("value", value.to_string())]))?;
    Ok((count, None))
}

/// Reads a count stored as a number (an Excel cell): `12.0` is 12, `12.5` is a problem.
pub fn parse_count_number(value: f64) -> Parsed<u32> {
    let shown = value.to_string();
    if !value.is_finite() {
        return Err(problem("err-count-unreadable", vec![("value", shown)]));
    }
    if value < 0.0 {
        return Err(problem("err-count-negative", vec![("value", shown)]));
    }
    if value.fract() != 0.0 {
        return Err(problem("err-count-not-whole", vec![("value", shown)]));
    }
    if value > f64::from(u32::MAX) {
        return Err(problem("err-count-too-large", vec![("value", shown)]));
    }
    Ok((value as u32, None))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(year: i32, month: u8, day: u8) -> Date {
        Date::new(year, month, day).unwrap()
    }

    fn today() -> Date {
        d(2026, 11, 20)
    }

    fn fix_key<T>(parsed: &Parsed<T>) -> Option<&'static str> {
        parsed.as_ref().ok().and_then(|(_, f)| f.as_ref().map(|f| f.key))
    }

    fn err_key<T>(parsed: &Parsed<T>) -> Option<&'static str> {
        parsed.as_ref().err().map(|p| p.key)
    }

    #[test]
    fn dates_written_the_usual_vietnamese_ways_are_read_day_first() {
        let cases: &[(&str, Date, Option<&str>)] = &[
            ("15/03/2019", d(2019, 3, 15), None),
            ("15-3-2019", d(2019, 3, 15), None),
            ("15.03.2019", d(2019, 3, 15), None),
            ("2019-03-15", d(2019, 3, 15), None),
            ("2019/03/15", d(2019, 3, 15), None),
            ("03/04/2019", d(2019, 4, 3), None),
            (" 1/1/2000 ", d(2000, 1, 1), None),
            ("ngày 15 tháng 3 năm 2019", d(2019, 3, 15), None),
            ("Ngày 05 tháng 03 năm 2025", d(2025, 3, 5), None),
            ("15-Mar-2019", d(2019, 3, 15), None),
            ("15 March 2019", d(2019, 3, 15), None),
            ("15/03/2019 00:00:00", d(2019, 3, 15), None),
            ("2019-03-15T00:00:00", d(2019, 3, 15), None),
            ("2019-03-15T00:00:00.000", d(2019, 3, 15), None),
            ("15/03/2019 08:30", d(2019, 3, 15), Some("fix-date-time-dropped")),
            ("15/3/19", d(2019, 3, 15), Some("fix-date-two-digit-year")),
            ("15/3/98", d(1998, 3, 15), Some("fix-date-two-digit-year")),
            ("năm 2019", d(2019, 1, 1), Some("fix-date-year-only")),
            ("2019", d(2019, 1, 1), Some("fix-date-year-only")),
            ("Năm 2019", d(2019, 1, 1), Some("fix-date-year-only")),
            ("tháng 3/2019", d(2019, 3, 1), Some("fix-date-month-only")),
            ("tháng 3 năm 2019", d(2019, 3, 1), Some("fix-date-month-only")),
            ("03/2019", d(2019, 3, 1), Some("fix-date-month-only")),
            ("3-2019", d(2019, 3, 1), Some("fix-date-month-only")),
            ("2019-03", d(2019, 3, 1), Some("fix-date-month-only")),
            ("43539", d(2019, 3, 15), Some("fix-date-excel-serial")),
            ("15032019", d(2019, 3, 15), Some("fix-date-no-separators")),
            ("20190315", d(2019, 3, 15), Some("fix-date-no-separators")),
            ("20032019", d(2019, 3, 20), Some("fix-date-no-separators")),
            ("08:30 15/03/2019", d(2019, 3, 15), Some("fix-date-time-dropped")),
            (
                "15/03/2019 8:30 SA",
                d(2019, 3, 15),
                Some("fix-date-time-dropped"),
            ),
            ("29/02/2020", d(2020, 2, 29), None),
            ("20/11/2026", d(2026, 11, 20), None),
        ];
        for (input, want, want_fix) in cases {
            let got = parse_date(input, today());
            assert_eq!(
                got.as_ref().map(|(date, _)| *date).ok(),
                Some(*want),
                "{input}: {got:?}"
            );
            assert_eq!(fix_key(&got), *want_fix, "{input}");
        }
    }

    #[test]
    fn impossible_early_future_and_unreadable_dates_are_problems() {
        let cases: &[(&str, &str)] = &[
            ("31/02/2020", "err-date-impossible"),
            ("29/02/2019", "err-date-impossible"),
            ("0/3/2019", "err-date-impossible"),
            ("15/13/2019", "err-date-month-invalid"),
            ("03/15/2019", "err-date-month-invalid"),
            ("tháng 13/2019", "err-date-month-invalid"),
            ("31/12/1899", "err-date-before-1900"),
            ("1850", "err-date-before-1900"),
            ("21/11/2026", "err-date-in-future"),
            ("2027", "err-date-in-future"),
            ("", "err-date-empty"),
            ("   ", "err-date-empty"),
            ("không rõ", "err-date-unreadable"),
            ("15/3", "err-date-unreadable"),
            ("15/3/2019/4", "err-date-unreadable"),
            ("15/03/019", "err-date-unreadable"),
            ("ngày ngày 15", "err-date-unreadable"),
            ("15 @ 03 @ 2019", "err-date-unreadable"),
        ];
        for (input, want) in cases {
            let got = parse_date(input, today());
            assert_eq!(err_key(&got), Some(*want), "{input}: {got:?}");
        }
    }

    #[test]
    fn a_problem_quotes_the_value_as_typed() {
        let problem = parse_date("31/02/2020", today()).unwrap_err();
        assert!(problem.args.contains(&("value", "31/02/2020".to_string())));
        assert!(problem.args.contains(&("day", "31".to_string())));
        assert_eq!(
            problem.to_string(),
            "err-date-impossible value=\"31/02/2020\" day=\"31\" month=\"2\" year=\"2020\""
        );
    }

    #[test]
    fn excel_serials_follow_the_1900_date_system_with_its_leap_year_bug() {
        let cases: &[(f64, Option<Date>)] = &[
            (1.0, Some(d(1900, 1, 1))),
            (59.0, Some(d(1900, 2, 28))),
            (60.0, None), // 29/02/1900 never existed
            (61.0, Some(d(1900, 3, 1))),
            (43539.0, Some(d(2019, 3, 15))),
            (43539.75, Some(d(2019, 3, 15))),
            (45658.0, Some(d(2025, 1, 1))),
            (2_958_465.0, Some(d(9999, 12, 31))),
            (0.0, None),
            (0.5, None),
            (-1.0, None),
            (f64::NAN, None),
            (2_958_466.0, None),
        ];
        for (serial, want) in cases {
            assert_eq!(Date::from_excel_serial(*serial), *want, "{serial}");
            if let Some(date) = want {
                assert_eq!(date.to_excel_serial(), Some(serial.floor() as i64), "{date}");
            }
        }
        assert_eq!(d(1899, 12, 31).to_excel_serial(), None);
    }

    #[test]
    fn serials_from_date_cells_need_no_fix_but_plain_numbers_do() {
        let plain = parse_date_serial(43539.0, false, today());
        assert_eq!(plain.as_ref().unwrap().0, d(2019, 3, 15));
        assert_eq!(fix_key(&plain), Some("fix-date-excel-serial"));
        assert_eq!(
            parse_date_serial(43539.0, true, today()).unwrap(),
            (d(2019, 3, 15), None)
        );
        for (serial, want) in [
            (0.0, "err-date-excel-serial-invalid"),
            (-5.0, "err-date-excel-serial-invalid"),
            (60.0, "err-date-excel-serial-invalid"),
            (99999.0, "err-date-in-future"),
        ] {
            assert_eq!(
                err_key(&parse_date_serial(serial, true, today())),
                Some(want),
                "{serial}"
            );
        }
    }

    #[test]
    fn dates_display_day_first_with_leading_zeros() {
        assert_eq!(d(2019, 3, 5).to_string(), "05/03/2019");
        assert_eq!(Date::new(2021, 2, 29), None);
        assert!(d(2019, 12, 31) < d(2020, 1, 1));
    }

    #[test]
    fn amounts_written_the_usual_ways_are_read_in_dong() {
        let cases: &[(&str, i64, Option<&str>)] = &[
            ("1.500.000.000", 1_500_000_000, None),
            ("1,500,000,000", 1_500_000_000, None),
            ("1 500 000 000", 1_500_000_000, None),
            ("1\u{a0}500\u{a0}000\u{a0}000", 1_500_000_000, None),
            ("1500000000", 1_500_000_000, None),
            ("1500000000 đ", 1_500_000_000, None),
            ("1.500.000.000đ", 1_500_000_000, None),
            ("1.500.000.000 VNĐ", 1_500_000_000, None),
            ("1.500.000.000 đồng", 1_500_000_000, None),
            ("1.500.000.000 ₫", 1_500_000_000, None),
            ("VNĐ 2.000.000", 2_000_000, None),
            ("1.500", 1_500, None),
            ("1,500", 1_500, None),
            ("0", 0, None),
            ("1.500.000,00", 1_500_000, None),
            ("1,500,000.00", 1_500_000, None),
            ("1.5 tỷ", 1_500_000_000, Some("fix-amount-unit-words")),
            ("1,5 tỷ", 1_500_000_000, Some("fix-amount-unit-words")),
            ("1,5 tỉ đồng", 1_500_000_000, Some("fix-amount-unit-words")),
            ("1,250 tỷ", 1_250_000_000, Some("fix-amount-unit-words")),
            ("1.250 tỷ", 1_250_000_000_000, Some("fix-amount-unit-words")),
            ("500 triệu", 500_000_000, Some("fix-amount-unit-words")),
            ("500 trieu", 500_000_000, Some("fix-amount-unit-words")),
            ("3tr", 3_000_000, Some("fix-amount-unit-words")),
            ("2 tỷ 300 triệu", 2_300_000_000, Some("fix-amount-unit-words")),
            (
                "2 tỷ 300 triệu 500 nghìn đồng",
                2_300_500_000,
                Some("fix-amount-unit-words"),
            ),
            ("500k", 500_000, Some("fix-amount-unit-words")),
            ("1.234567891 tỷ", 1_234_567_891, Some("fix-amount-unit-words")),
            ("1500,5", 1_501, Some("fix-amount-rounded")),
            ("1500.4", 1_500, Some("fix-amount-rounded")),
            ("1.000.000,-", 1_000_000, None),
        ];
        for (input, want, want_fix) in cases {
            let got = parse_amount_vnd(input);
            assert_eq!(
                got.as_ref().map(|(a, _)| *a).ok(),
                Some(*want),
                "{input}: {got:?}"
            );
            assert_eq!(fix_key(&got), *want_fix, "{input}");
        }
    }

    #[test]
    fn negative_and_unreadable_amounts_are_problems() {
        let cases: &[(&str, &str)] = &[
            ("-1.500.000", "err-amount-negative"),
            ("(1.500.000)", "err-amount-negative"),
            ("", "err-amount-empty"),
            ("không có", "err-amount-unreadable"),
            ("đ", "err-amount-unreadable"),
            ("1.50.000", "err-amount-unreadable"),
            ("1.500.000.00", "err-amount-unreadable"),
            ("2 tỷ 300", "err-amount-unreadable"),
            ("300 triệu 2 tỷ", "err-amount-unreadable"),
            ("khoảng 1 tỷ", "err-amount-unreadable"),
            ("1 2", "err-amount-unreadable"),
            ("15/03/2019", "err-amount-unreadable"),
            ("99999999999 tỷ", "err-amount-too-large"),
        ];
        for (input, want) in cases {
            let got = parse_amount_vnd(input);
            assert_eq!(err_key(&got), Some(*want), "{input}: {got:?}");
        }
    }

    #[test]
    fn amounts_from_excel_numbers_are_rounded_to_the_dong() {
        assert_eq!(
            parse_amount_vnd_number(1_500_000_000.0).unwrap(),
            (1_500_000_000, None)
        );
        let rounded = parse_amount_vnd_number(1500.6);
        assert_eq!(rounded.as_ref().unwrap().0, 1501);
        assert_eq!(fix_key(&rounded), Some("fix-amount-rounded"));
        assert_eq!(
            err_key(&parse_amount_vnd_number(-1.0)),
            Some("err-amount-negative")
        );
        assert_eq!(
            err_key(&parse_amount_vnd_number(f64::NAN)),
            Some("err-amount-unreadable")
        );
        assert_eq!(
            err_key(&parse_amount_vnd_number(1e19)),
            Some("err-amount-too-large")
        );
    }

    #[test]
    fn counts_are_whole_and_not_negative() {
        let good: &[(&str, u32)] = &[
            ("12", 12),
            ("12 người", 12),
            ("12 thành viên", 12),
            (" 7 hộ ", 7),
            ("1.200", 1200),
            ("1,200", 1200),
            ("12.0", 12),
            ("0", 0),
        ];
        for (input, want) in good {
            assert_eq!(parse_count(input).ok(), Some((*want, None)), "{input}");
        }
        let bad: &[(&str, &str)] = &[
            ("12.5", "err-count-not-whole"),
            ("12,5", "err-count-not-whole"),
            ("-3", "err-count-negative"),
            ("", "err-count-empty"),
            ("mười hai", "err-count-unreadable"),
            ("12 con gà", "err-count-unreadable"),
            ("1.20.000", "err-count-unreadable"),
            ("99999999999", "err-count-too-large"),
        ];
        for (input, want) in bad {
            assert_eq!(err_key(&parse_count(input)), Some(*want), "{input}");
        }
    }

    #[test]
    fn counts_from_excel_numbers_must_be_whole() {
        assert_eq!(parse_count_number(12.0).unwrap(), (12, None));
        assert_eq!(err_key(&parse_count_number(12.5)), Some("err-count-not-whole"));
        assert_eq!(err_key(&parse_count_number(-1.0)), Some("err-count-negative"));
        assert_eq!(
            err_key(&parse_count_number(f64::INFINITY)),
            Some("err-count-unreadable")
        );
        assert_eq!(err_key(&parse_count_number(5e9)), Some("err-count-too-large"));
    }
}
