//! Languages and the message catalogue (`locales/*/main.ftl`, and one file per module such as
//! `events.ftl`, `programme.ftl`, `review.ftl`, `support.ftl`, `models.ftl`). Vietnamese is the default.
//!
//! Every user-facing string goes through [`Lang::t`]; the domain's validation findings carry
//! catalogue keys, translated here.

use std::borrow::Cow;
use std::collections::HashMap;

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader, langid};

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "vi",
        // Without this, Fluent wraps arguments in invisible bidi marks that end up in HTML and files.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// The message identifiers of a catalogue file.
fn keys(files: &[&'static str]) -> std::collections::HashSet<&'static str> {
    files
        .iter()
        .flat_map(|f| f.lines())
        .filter(|l| !l.starts_with(['#', ' ', '\t', '.']))
        .filter_map(|l| l.split_once(" =").map(|(k, _)| k.trim()))
        .filter(|k| !k.is_empty())
        .collect()
}

static VI_KEYS: std::sync::LazyLock<std::collections::HashSet<&'static str>> =
    std::sync::LazyLock::new(|| {
        keys(&[
            include_str!("../locales/vi/main.ftl"),
            include_str!("../locales/vi/events.ftl"),
            include_str!("../locales/vi/programme.ftl"),
            include_str!("../locales/vi/review.ftl"),
            include_str!("../locales/vi/support.ftl"),
            include_str!("../locales/vi/models.ftl"),
        ])
    });
static EN_KEYS: std::sync::LazyLock<std::collections::HashSet<&'static str>> =
    std::sync::LazyLock::new(|| {
        keys(&[
            include_str!("../locales/en/main.ftl"),
            include_str!("../locales/en/events.ftl"),
            include_str!("../locales/en/programme.ftl"),
            include_str!("../locales/en/review.ftl"),
            include_str!("../locales/en/support.ftl"),
            include_str!("../locales/en/models.ftl"),
        ])
    });

/// An argument for Fluent: counts go as numbers, so plural selectors (`[one]`) can match;
/// everything else as text (a phone number must keep its leading zero).
fn value(name: &str, v: &str) -> FluentValue<'static> {
    let counted = matches!(name, "count" | "provinces");
    let plain = !v.is_empty()
        && v.len() <= 15
        && v.bytes().all(|b| b.is_ascii_digit())
        && (v == "0" || !v.starts_with('0'));
    match v.parse::<i64>() {
        Ok(n) if counted && plain => FluentValue::from(n),
        _ => FluentValue::from(v.to_string()),
    }
}

static VI: LanguageIdentifier = langid!("vi");
static EN: LanguageIdentifier = langid!("en");

/// A language the interface speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// Tiếng Việt (default).
    #[default]
    Vi,
    /// English.
    En,
}

impl Lang {
    /// The BCP 47 code.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }

    /// Parses a code such as `vi`, `en`, `en-GB`.
    pub fn parse(s: &str) -> Option<Lang> {
        let s = s.trim().to_ascii_lowercase();
        if s.starts_with("vi") {
            Some(Lang::Vi)
        } else if s.starts_with("en") {
            Some(Lang::En)
        } else {
            None
        }
    }

    /// Picks the first supported language of an `Accept-Language` header (order of preference).
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        let mut langs: Vec<(f32, Lang)> = header
            .split(',')
            .filter_map(|part| {
                let mut it = part.split(';');
                let lang = Lang::parse(it.next()?)?;
                let q = it
                    .find_map(|p| p.trim().strip_prefix("q=").and_then(|q| q.parse::<f32>().ok()))
                    .unwrap_or(1.0);
                Some((q, lang))
            })
            .collect();
        langs.sort_by(|a, b| b.0.total_cmp(&a.0));
        langs.first().map(|(_, l)| *l)
    }

    fn id(self) -> &'static LanguageIdentifier {
        match self {
            Lang::Vi => &VI,
            Lang::En => &EN,
        }
    }

    /// The message for `key`; the key itself when the catalogue lacks it (caught by a test).
    pub fn t(self, key: &str) -> String {
        LOCALES
            .try_lookup(self.id(), key)
            .unwrap_or_else(|| key.to_string())
    }

    /// The message for `key` with named arguments.
    pub fn t_args(self, key: &str, args: &[(&str, String)]) -> String {
        let map: HashMap<Cow<'static, str>, FluentValue> = args
            .iter()
            .map(|(k, v)| (Cow::Owned(k.to_string()), value(k, v)))
            .collect();
        LOCALES
            .try_lookup_with_args(self.id(), key, &map)
            .unwrap_or_else(|| key.to_string())
    }

    /// Whether the catalogue has `key` in this language (messages with arguments included).
    pub fn has(self, key: &str) -> bool {
        match self {
            Lang::Vi => VI_KEYS.contains(key),
            Lang::En => EN_KEYS.contains(key),
        }
    }

    /// Translates a validation finding.
    pub fn finding(self, f: &lienket_domain::validate::Finding) -> String {
        let args: Vec<(&str, String)> = f.args.iter().map(|(k, v)| (*k, v.clone())).collect();
        self.t_args(f.key, &args)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vietnamese_is_preferred_unless_the_browser_asks_otherwise() {
        assert_eq!(
            Lang::from_accept_language("en-US,en;q=0.9,vi;q=0.8"),
            Some(Lang::En)
        );
        assert_eq!(
            Lang::from_accept_language("fr-FR,vi;q=0.5,en;q=0.3"),
            Some(Lang::Vi)
        );
        assert_eq!(Lang::from_accept_language("de"), None);
    }

    #[test]
    fn both_catalogues_have_the_same_keys() {
        let vi: std::collections::BTreeSet<_> = VI_KEYS.iter().collect();
        let en: std::collections::BTreeSet<_> = EN_KEYS.iter().collect();
        let missing_en: Vec<_> = vi.difference(&en).collect();
        let missing_vi: Vec<_> = en.difference(&vi).collect();
        assert!(
            missing_en.is_empty() && missing_vi.is_empty(),
            "en lacks {missing_en:?}; vi lacks {missing_vi:?}"
        );
    }

    #[test]
    fn counts_choose_their_plural_and_print_as_written() {
        let one = Lang::En.t_args("participation-kind-cooperative", &[("count", "1".into())]);
        let many = Lang::En.t_args("participation-kind-cooperative", &[("count", "97".into())]);
        assert_eq!((one.as_str(), many.as_str()), ("cooperative", "cooperatives"));
        let big = Lang::Vi.t_args("list-count", &[("count", "100000".into())]);
        assert_eq!(big, "Tổng số: 100000");
    }

    #[test]
    fn arguments_are_filled_in_without_invisible_marks() {
        let s = Lang::Vi.t_args("err-too-long", &[("max", "200".into())]);
        assert!(s.contains("200"));
        assert!(!s.contains('\u{2068}'));
    }

    #[test]
    fn every_key_used_in_code_and_templates_exists() {
        // Scan sources and templates for t("…") / ctx.t("…") and finding keys.
        let root = env!("CARGO_MANIFEST_DIR");
        let mut missing = Vec::new();
        let mut files = Vec::new();
        for dir in [
            "src",
            "src/pages",
            "src/pages/programmes",
            "src/pages/reviews",
            "src/api",
            "templates",
            "templates/admin",
            "../domain/src",
            "../store/src",
        ] {
            if let Ok(rd) = std::fs::read_dir(format!("{root}/{dir}")) {
                files.extend(rd.flatten().map(|e| e.path()).filter(|p| p.is_file()));
            }
        }
        for path in files {
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            for cap in text.split('"').skip(1).step_by(2) {
                let looks_like_key = (cap.starts_with("err-")
                    || cap.starts_with("nav-")
                    || cap.starts_with("page-")
                    || cap.starts_with("role-")
                    || cap.starts_with("flash-"))
                    && cap
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
                if looks_like_key && !Lang::Vi.has(cap) {
                    missing.push(format!("{}: {cap}", path.display()));
                }
            }
        }
        assert!(
            missing.is_empty(),
            "keys missing from the catalogue: {missing:#?}"
        );
    }
}
