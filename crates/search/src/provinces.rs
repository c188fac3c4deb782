//! The names a 2025 province is searched by.
//!
//! Since 1 July 2025, 63 provinces became 34: people still say "mật ong Thái Bình" for honey from
//! what is now Hưng Yên. Each product's province text field therefore holds its province's name
//! and the names of the legacy provinces merged into it.

use std::collections::HashSet;
use std::sync::LazyLock;

use lienket_domain::admin_units::units;
use lienket_domain::text::fold;

/// Other names in everyday use: (2025 short name, other name).
const OTHER_NAMES: [(&str, &str); 1] = [("Hồ Chí Minh", "Sài Gòn")];

/// The other names of the 2025 province `code` (`"33"`; `"1"` for `"01"` is accepted): the short
/// names of the legacy provinces merged into it, other than its own, and common other names.
/// Empty for an unknown code.
///
/// ```
/// use lienket_search::province_search_names;
/// let names = province_search_names("33"); // Hưng Yên
/// assert!(names.iter().any(|n| n == "Thái Bình"));
/// assert!(!names.iter().any(|n| n == "Hưng Yên"));
/// ```
pub fn province_search_names(code: &str) -> Vec<String> {
    let units = units();
    let Some(province) = units.province_2025(code) else {
        return Vec::new();
    };
    let mut names: Vec<String> = units
        .legacy_provinces()
        .iter()
        .filter(|legacy| legacy.short_name != province.short_name)
        .filter(|legacy| {
            units
                .legacy_province_successor(legacy.code)
                .is_some_and(|successor| successor.code == province.code)
        })
        .map(|legacy| legacy.short_name.to_string())
        .collect();
    names.extend(
        OTHER_NAMES
            .iter()
            .filter(|(short, _)| *short == province.short_name)
            .map(|(_, other)| other.to_string()),
    );
    names
}

/// Abbreviations people type for provinces (folded).
const ABBREVIATIONS: [&str; 7] = ["hcm", "tphcm", "tp hcm", "hn", "tphn", "brvt", "tt hue"];

/// Every province name of both schemes and their other names, folded ("hung yen", "thai binh",
/// "sai gon", "dac lac"…), to recognise a place in a query.
static PLACE_NAMES: LazyLock<HashSet<String>> = LazyLock::new(|| {
    let u = units();
    let mut names: HashSet<String> = u
        .provinces_2025()
        .iter()
        .map(|p| p.short_name)
        .chain(u.legacy_provinces().iter().map(|p| p.short_name))
        .chain(OTHER_NAMES.iter().map(|(_, other)| *other))
        .chain(["Đắc Lắc", "Đắc Nông", "Thừa Thiên Huế", "Sài Gòn"])
        .map(|name| {
            let words: Vec<String> = crate::analyzer::words(name)
                .into_iter()
                .map(|w| fold(&w.text))
                .collect();
            words.join(" ")
        })
        .collect();
    names.extend(ABBREVIATIONS.iter().map(|a| a.to_string()));
    names
});

/// Whether folded words (joined by single spaces) name a province, legacy or 2025.
pub(crate) fn is_place_name(folded: &str) -> bool {
    PLACE_NAMES.contains(folded)
}

/// The most words a place name has.
pub(crate) const MAX_PLACE_WORDS: usize = 4;

/// The short name of the 2025 province `code`, if known.
pub(crate) fn province_short_name(code: &str) -> Option<&'static str> {
    units().province_2025(code).map(|p| p.short_name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merged_provinces_are_searched_by_their_old_names() {
        assert_eq!(province_search_names("31"), ["Hải Dương"]);
        let hcm = province_search_names("79");
        assert!(hcm.contains(&"Bình Dương".to_string()), "{hcm:?}");
        assert!(hcm.contains(&"Sài Gòn".to_string()), "{hcm:?}");
    }

    #[test]
    fn place_names_are_recognised_folded() {
        for name in [
            "hung yen",
            "thai binh",
            "hue",
            "thua thien hue",
            "ba ria vung tau",
            "hcm",
            "dak lak",
        ] {
            assert!(is_place_name(name), "{name}");
        }
        assert!(!is_place_name("phu quoc"));
        assert!(
            PLACE_NAMES
                .iter()
                .all(|n| n.split(' ').count() <= MAX_PLACE_WORDS)
        );
    }

    #[test]
    fn unmerged_and_unknown_provinces_have_no_other_names() {
        assert!(province_search_names("04").is_empty()); // Cao Bằng
        assert!(province_search_names("zz").is_empty());
    }
}
