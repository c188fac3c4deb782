//! User accounts: usernames and passwords as typed, checked before anything is stored.

use crate::validate::{Findings, clean_text, parse_email};

/// Minimum password length; long passphrases beat composition rules.
pub const MIN_PASSWORD_CHARS: usize = 10;

/// A username: 3–40 characters of lower-case ASCII letters, digits, `.`, `_` or `-`.
pub fn parse_username(raw: &str) -> Option<String> {
    let s = raw.trim().to_lowercase();
    let ok = (3..=40).contains(&s.len())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'));
    ok.then_some(s)
}

/// Checks a new password; records findings on `field`.
pub fn check_password(f: &mut Findings, field: &'static str, password: &str, username: &str) {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        f.add_with(
            field,
            "err-password-short",
            vec![("min", MIN_PASSWORD_CHARS.to_string())],
        );
    } else if chars > 200 {
        f.add_with(field, "err-too-long", vec![("max", "200".into())]);
    } else if !username.is_empty() && password.to_lowercase().contains(&username.to_lowercase()) {
        f.add(field, "err-password-contains-username");
    }
}

/// A new account as typed into the admin form or the API.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct NewAccountForm {
    /// Login name.
    pub username: String,
    /// Name shown in the interface.
    pub display_name: String,
    /// E-mail address (optional).
    pub email: String,
    /// Initial password.
    pub password: String,
    /// Role kind, as stored (`admin`, `coordinator`, `alliance_staff`, `organisation_rep`).
    pub role: String,
    /// Alliance id for alliance staff.
    pub alliance_id: Option<i64>,
    /// Organisation id for organisation representatives.
    pub organisation_id: Option<i64>,
}

/// Checked fields of a new account (the role's scope is checked against the store by the caller).
#[derive(Debug, Clone)]
pub struct NewAccount {
    /// Lower-case username.
    pub username: String,
    /// Display name.
    pub display_name: String,
    /// E-mail, if given.
    pub email: Option<String>,
    /// The password in clear, to be hashed by the caller.
    pub password: String,
    /// Role kind.
    pub role: crate::role::RoleKind,
}

impl NewAccountForm {
    /// Validates every field, returning all findings at once.
    pub fn parse(&self) -> Result<NewAccount, Findings> {
        let mut f = Findings::default();
        let username = parse_username(&self.username);
        if username.is_none() {
            f.add(
                "username",
                if self.username.trim().is_empty() {
                    "err-required"
                } else {
                    "err-username"
                },
            );
        }
        let display_name = f.required("display_name", &self.display_name, 120);
        let email = if self.email.trim().is_empty() {
            None
        } else {
            let e = parse_email(&self.email);
            if e.is_none() {
                f.add("email", "err-email");
            }
            e
        };
        check_password(
            &mut f,
            "password",
            &self.password,
            username.as_deref().unwrap_or(""),
        );
        let role = crate::role::RoleKind::parse(&self.role);
        match role {
            None => f.add("role", "err-role"),
            Some(crate::role::RoleKind::AllianceStaff) if self.alliance_id.is_none() => {
                f.add("alliance_id", "err-role-needs-alliance")
            }
            Some(crate::role::RoleKind::OrganisationRep) if self.organisation_id.is_none() => {
                f.add("organisation_id", "err-role-needs-organisation")
            }
            _ => {}
        }
        let (Some(username), Some(role)) = (username, role) else {
            return Err(f);
        };
        f.into_result(NewAccount {
            username,
            display_name: clean_text(&display_name),
            email,
            password: self.password.clone(),
            role,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_lowercase_ascii() {
        assert_eq!(parse_username(" Admin.HN ").as_deref(), Some("admin.hn"));
        assert_eq!(parse_username("ab"), None);
        assert_eq!(parse_username("nguyễn"), None);
    }

    #[test]
    fn a_short_password_and_a_missing_alliance_are_both_reported() {
        let form = NewAccountForm {
            username: "canbo.hn".into(),
            display_name: "Cán bộ".into(),
            password: "short".into(),
            role: "alliance_staff".into(),
            ..Default::default()
        };
        let f = form.parse().expect_err("invalid");
        let keys: Vec<_> = f.0.iter().map(|x| x.key).collect();
        assert_eq!(keys, ["err-password-short", "err-role-needs-alliance"]);
    }
}
