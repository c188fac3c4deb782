//! Validation findings: every problem with an input at once, not just the first.
//!
//! A finding names the field and a message key of the catalogue; the web layer translates the
//! key into the user's language, so the domain stays free of any language.

use serde::Serialize;

/// One problem with one field of an input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The input field the problem is about (form field and JSON property name).
    pub field: &'static str,
    /// The message key in the catalogue, e.g. `err-email-invalid`.
    pub key: &'static str,
    /// Arguments of the message, e.g. `("max", "200")`.
    pub args: Vec<(&'static str, String)>,
}

/// All the findings about one input.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Findings(pub Vec<Finding>);

impl Findings {
    /// Records a problem.
    pub fn add(&mut self, field: &'static str, key: &'static str) {
        self.0.push(Finding {
            field,
            key,
            args: Vec::new(),
        });
    }

    /// Records a problem with message arguments.
    pub fn add_with(&mut self, field: &'static str, key: &'static str, args: Vec<(&'static str, String)>) {
        self.0.push(Finding { field, key, args });
    }

    /// True when nothing was found.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The findings about one field.
    pub fn for_field<'a>(&'a self, field: &'a str) -> impl Iterator<Item = &'a Finding> + 'a {
        self.0.iter().filter(move |f| f.field == field)
    }

    /// `Ok(value)` when there are no findings, else the findings.
    pub fn into_result<T>(self, value: T) -> Result<T, Findings> {
        if self.is_empty() { Ok(value) } else { Err(self) }
    }

    /// Trims a required text field, recording a finding when it is empty or too long.
    pub fn required(&mut self, field: &'static str, raw: &str, max_chars: usize) -> String {
        let value = clean_text(raw);
        if value.is_empty() {
            self.add(field, "err-required");
        } else {
            self.check_len(field, &value, max_chars);
        }
        value
    }

    /// Trims an optional text field; `None` when empty. Records a finding when too long.
    pub fn optional(&mut self, field: &'static str, raw: &str, max_chars: usize) -> Option<String> {
        let value = clean_text(raw);
        if value.is_empty() {
            return None;
        }
        self.check_len(field, &value, max_chars);
        Some(value)
    }

    fn check_len(&mut self, field: &'static str, value: &str, max_chars: usize) {
        if value.chars().count() > max_chars {
            self.add_with(field, "err-too-long", vec![("max", max_chars.to_string())]);
        }
    }
}

/// NFC-normalises, trims and collapses inner runs of whitespace (names typed or pasted by people).
pub fn clean_text(raw: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let nfc: String = raw.nfc().collect();
    nfc.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A syntactically plausible e-mail address, trimmed and lower-cased.
pub fn parse_email(raw: &str) -> Option<String> {
    let s = raw.trim().to_lowercase();
    let (local, domain) = s.split_once('@')?;
    let ok = !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s.chars().any(|c| c.is_whitespace() || c == ',' || c == ';')
        && s.len() <= 254;
    ok.then_some(s)
}

/// A Vietnamese phone number in E.164 form (`+84…`), from the ways people write them:
/// `0912 345 678`, `0912.345.678`, `(024) 3825 1234`, `+84 912345678`, `84912345678`.
pub fn parse_phone_vn(raw: &str) -> Option<String> {
    let digits: String = raw.chars().filter(|c| c.is_ascii_digit()).collect();
    let plus = raw.trim_start().starts_with('+');
    let national = if let Some(rest) = digits.strip_prefix("84").filter(|_| plus || digits.len() >= 11) {
        rest.to_string()
    } else if let Some(rest) = digits.strip_prefix('0') {
        rest.to_string()
    } else {
        return None;
    };
    // Mobile numbers have 9 national digits, landlines 9 or 10 (area code included).
    ((9..=10).contains(&national.len()) && !national.starts_with('0')).then(|| format!("+84{national}"))
}

/// A stored E.164 Vietnamese number written the way people read it: `0912 345 678` for a
/// mobile, `024 3825 1234` for a landline; anything else as stored.
pub fn phone_display(e164: &str) -> String {
    let Some(national) = e164.strip_prefix("+84") else {
        return e164.to_string();
    };
    let d: Vec<char> = national.chars().collect();
    let group = |parts: &[std::ops::Range<usize>]| {
        let mut out = String::from("0");
        for (i, r) in parts.iter().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            out.extend(&d[r.clone()]);
        }
        out
    };
    match d.len() {
        9 => group(&[0..3, 3..6, 6..9]),
        10 => group(&[0..2, 2..6, 6..10]),
        _ => format!("0{national}"),
    }
}

/// A web address: `http(s)://` added when missing; no spaces.
pub fn parse_website(raw: &str) -> Option<String> {
    let s = raw.trim();
    if s.is_empty() || s.chars().any(char::is_whitespace) || !s.contains('.') {
        return None;
    }
    let lower = s.to_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        Some(s.to_string())
    } else if lower.contains("://") {
        None
    } else {
        Some(format!("https://{s}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers_written_the_usual_ways_become_e164() {
        for raw in [
            "0912 345 678",
            "0912.345.678",
            "+84 912 345 678",
            "84912345678",
            "(+84) 912-345-678",
        ] {
            assert_eq!(parse_phone_vn(raw).as_deref(), Some("+84912345678"), "{raw}");
        }
        assert_eq!(
            parse_phone_vn("(024) 3825 1234").as_deref(),
            Some("+842438251234")
        );
        for bad in ["12345", "abc", "", "0000000000", "091234567890123"] {
            assert_eq!(parse_phone_vn(bad), None, "{bad}");
        }
    }

    #[test]
    fn stored_numbers_are_shown_the_vietnamese_way() {
        assert_eq!(phone_display("+84912345678"), "0912 345 678");
        assert_eq!(phone_display("+842438251234"), "024 3825 1234");
        assert_eq!(phone_display("12345"), "12345");
    }

    #[test]
    fn emails_are_lowercased_and_checked() {
        assert_eq!(
            parse_email(" LienMinh@HaNoi.vn ").as_deref(),
            Some("lienminh@hanoi.vn")
        );
        assert_eq!(parse_email("no-at-sign"), None);
        assert_eq!(parse_email("a@b"), None);
        assert_eq!(parse_email("a b@c.vn"), None);
    }

    #[test]
    fn websites_get_a_scheme() {
        assert_eq!(
            parse_website("lmhtx.hanoi.gov.vn").as_deref(),
            Some("https://lmhtx.hanoi.gov.vn")
        );
        assert_eq!(parse_website("http://x.vn").as_deref(), Some("http://x.vn"));
        assert_eq!(parse_website("ftp://x.vn"), None);
        assert_eq!(parse_website("not a site"), None);
    }

    #[test]
    fn every_finding_is_reported_not_just_the_first() {
        let mut f = Findings::default();
        let name = f.required("name", "   ", 10);
        let short = f.optional("short_name", "abcdefghijkl", 10);
        assert_eq!(name, "");
        assert_eq!(short.as_deref(), Some("abcdefghijkl"));
        assert_eq!(f.0.len(), 2);
        assert_eq!(f.for_field("name").next().map(|x| x.key), Some("err-required"));
    }
}
