//! Alliances (Liên minh Hợp tác xã): validated input for creating and editing one.

use serde::{Deserialize, Serialize};

use crate::admin_units;
use crate::validate::{Findings, parse_email, parse_phone_vn, parse_website};

/// What a user typed into the alliance form or sent to the API.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct AllianceForm {
    /// Short code, e.g. `HN`, unique.
    pub code: String,
    /// Full name, e.g. "Liên minh Hợp tác xã thành phố Hà Nội".
    pub name: String,
    /// Short name, e.g. "LMHTX Hà Nội".
    pub short_name: String,
    /// 2025 province code (two digits).
    pub province_code: String,
    /// Street address of the seat.
    pub address: String,
    /// Phone number as typed.
    pub phone: String,
    /// E-mail address.
    pub email: String,
    /// Web site.
    pub website: String,
}

/// A valid alliance record, ready to store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AllianceInput {
    /// Upper-case short code, 2–16 letters, digits or dashes.
    pub code: String,
    /// Full name.
    pub name: String,
    /// Short name.
    pub short_name: String,
    /// 2025 province code, known to the administrative-unit data.
    pub province_code: String,
    /// Street address, if given.
    pub address: Option<String>,
    /// Phone in E.164, if given.
    pub phone: Option<String>,
    /// Lower-case e-mail, if given.
    pub email: Option<String>,
    /// Web site with its scheme, if given.
    pub website: Option<String>,
}

impl AllianceForm {
    /// Validates every field and returns all findings at once.
    pub fn parse(&self) -> Result<AllianceInput, Findings> {
        let mut f = Findings::default();
        let code = self.code.trim().to_uppercase();
        if code.is_empty() {
            f.add("code", "err-required");
        } else if !(2..=16).contains(&code.len())
            || !code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            f.add("code", "err-alliance-code");
        }
        let name = f.required("name", &self.name, 200);
        let short_name = f.required("short_name", &self.short_name, 80);
        let province_code = self.province_code.trim().to_string();
        if province_code.is_empty() {
            f.add("province_code", "err-required");
        } else if admin_units::units().province_2025(&province_code).is_none() {
            f.add("province_code", "err-province-unknown");
        }
        let address = f.optional("address", &self.address, 300);
        let phone = optional_parsed(&mut f, "phone", &self.phone, parse_phone_vn, "err-phone");
        let email = optional_parsed(&mut f, "email", &self.email, parse_email, "err-email");
        let website = optional_parsed(&mut f, "website", &self.website, parse_website, "err-website");
        f.into_result(AllianceInput {
            code,
            name,
            short_name,
            province_code,
            address,
            phone,
            email,
            website,
        })
    }
}

fn optional_parsed(
    f: &mut Findings,
    field: &'static str,
    raw: &str,
    parse: fn(&str) -> Option<String>,
    key: &'static str,
) -> Option<String> {
    if raw.trim().is_empty() {
        return None;
    }
    let parsed = parse(raw);
    if parsed.is_none() {
        f.add(field, key);
    }
    parsed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> AllianceForm {
        AllianceForm {
            code: "hn".into(),
            name: " Liên minh Hợp tác xã  thành phố Hà Nội ".into(),
            short_name: "LMHTX Hà Nội".into(),
            province_code: "01".into(),
            address: "".into(),
            phone: "024 3825 1234".into(),
            email: "".into(),
            website: "".into(),
        }
    }

    #[test]
    fn a_complete_form_is_cleaned_up() {
        let a = form().parse().expect("valid");
        assert_eq!(a.code, "HN");
        assert_eq!(a.name, "Liên minh Hợp tác xã thành phố Hà Nội");
        assert_eq!(a.phone.as_deref(), Some("+842438251234"));
        assert_eq!(a.address, None);
    }

    #[test]
    fn every_bad_field_is_reported() {
        let bad = AllianceForm {
            code: "x y".into(),
            name: "".into(),
            province_code: "99".into(),
            email: "nope".into(),
            ..form()
        };
        let findings = bad.parse().expect_err("invalid");
        let fields: Vec<_> = findings.0.iter().map(|f| f.field).collect();
        assert_eq!(fields, ["code", "name", "province_code", "email"]);
    }
}
