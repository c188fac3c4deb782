//! Property tests of Vietnamese folding and collation.

use std::cmp::Ordering;

use lienket_domain::text::{collate, fold, sort_key};
use proptest::prelude::*;
use unicode_normalization::UnicodeNormalization;

/// Vietnamese letters in every tone, the Latin extras, digits, spaces and some punctuation.
const LOWER: &str = "aàảãáạăằẳẵắặâầẩẫấậbcdđeèẻẽéẹêềểễếệfghiìỉĩíịjklmnoòỏõóọôồổỗốộơờởỡớợ\
pqrstuùủũúụưừửữứựvwxyỳỷỹýỵz";
const OTHER: &str = "0123456789 \t\n\u{a0}.,-'/";

fn alphabet() -> Vec<char> {
    let mut chars: Vec<char> = LOWER.chars().collect();
    chars.extend(LOWER.to_uppercase().chars());
    chars.extend(OTHER.chars());
    chars
}

/// Strings of Vietnamese text (letters of both cases, tones, digits, spaces, punctuation).
fn vietnamese(max_len: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(alphabet()), 0..max_len)
        .prop_map(|chars| chars.into_iter().collect())
}

/// Vietnamese letters and spaces only (no digits or punctuation).
fn vietnamese_words() -> impl Strategy<Value = String> {
    let mut chars: Vec<char> = LOWER.chars().collect();
    chars.extend(LOWER.to_uppercase().chars());
    chars.push(' ');
    prop::collection::vec(prop::sample::select(chars), 0..24).prop_map(|chars| chars.into_iter().collect())
}

/// A combining diacritical mark (U+0300–U+036F).
fn is_mark(c: char) -> bool {
    ('\u{300}'..='\u{36f}').contains(&c)
}

fn nfd(s: &str) -> String {
    s.nfd().collect()
}

fn nfc(s: &str) -> String {
    s.nfc().collect()
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 512,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn fold_is_idempotent(s in vietnamese(40)) {
        let once = fold(&s);
        prop_assert_eq!(fold(&once), once);
    }

    #[test]
    fn fold_is_idempotent_on_any_text(s in any::<String>()) {
        let once = fold(&s);
        prop_assert_eq!(fold(&once), once);
    }

    #[test]
    fn fold_ignores_normalisation_form(s in vietnamese(40)) {
        prop_assert_eq!(fold(&nfd(&s)), fold(&nfc(&s)));
    }

    #[test]
    fn fold_ignores_normalisation_form_of_any_text(s in any::<String>()) {
        prop_assert_eq!(fold(&nfd(&s)), fold(&nfc(&s)));
    }

    #[test]
    fn fold_output_has_no_marks_no_dong_and_no_uppercase(s in vietnamese(40)) {
        let folded = fold(&s);
        for c in folded.chars() {
            prop_assert!(!is_mark(c), "mark {:?} in {:?}", c, folded);
            prop_assert!(c != 'đ' && c != 'Đ');
            prop_assert!(!c.is_uppercase());
        }
        prop_assert!(folded.is_ascii());
    }

    #[test]
    fn fold_output_of_any_text_has_no_marks_and_no_dong(s in any::<String>()) {
        let folded = fold(&s);
        prop_assert!(!folded.chars().any(is_mark));
        prop_assert!(!folded.contains(['đ', 'Đ']));
        prop_assert!(!folded.contains("  ") && folded.trim() == folded);
    }

    #[test]
    fn fold_ignores_case(s in vietnamese_words()) {
        prop_assert_eq!(fold(&s.to_uppercase()), fold(&s));
        prop_assert_eq!(fold(&s.to_lowercase()), fold(&s));
    }

    #[test]
    fn collate_agrees_with_sort_key(a in vietnamese(12), b in vietnamese(12)) {
        prop_assert_eq!(collate(&a, &b), sort_key(&a).cmp(&sort_key(&b)));
    }

    #[test]
    fn collate_is_antisymmetric(a in vietnamese(8), b in vietnamese(8)) {
        prop_assert_eq!(collate(&a, &b), collate(&b, &a).reverse());
        prop_assert_eq!(collate(&a, &a), Ordering::Equal);
    }

    #[test]
    fn collate_is_equal_only_for_the_same_text(a in vietnamese(6), b in vietnamese(6)) {
        prop_assert_eq!(collate(&a, &b) == Ordering::Equal, nfc(&a) == nfc(&b));
    }

    #[test]
    fn collate_is_transitive(a in vietnamese(5), b in vietnamese(5), c in vietnamese(5)) {
        let mut v = [a, b, c];
        v.sort_by(|x, y| collate(x, y));
        prop_assert_ne!(collate(&v[0], &v[1]), Ordering::Greater);
        prop_assert_ne!(collate(&v[1], &v[2]), Ordering::Greater);
        prop_assert_ne!(collate(&v[0], &v[2]), Ordering::Greater);
    }

    #[test]
    fn collate_orders_by_letters_before_tones(a in vietnamese_words(), b in vietnamese_words()) {
        // If the toneless, lowercase forms differ, the order follows them.
        // (Runs of spaces count as one space at the letter level.)
        let bare = |s: &str| -> String {
            let toneless: String = s
                .to_lowercase()
                .nfd()
                .filter(|c| !matches!(c, '\u{300}' | '\u{301}' | '\u{303}' | '\u{309}' | '\u{323}'))
                .nfc()
                .collect();
            let mut out = String::new();
            for c in toneless.chars() {
                if !(c == ' ' && out.ends_with(' ')) {
                    out.push(c);
                }
            }
            out
        };
        let (ba, bb) = (bare(&a), bare(&b));
        if ba != bb {
            prop_assert_eq!(collate(&a, &b), collate(&ba, &bb));
        }
    }

    #[test]
    fn nfc_and_nfd_collate_equal(s in vietnamese(20)) {
        prop_assert_eq!(collate(&nfc(&s), &nfd(&s)), Ordering::Equal);
        prop_assert_eq!(sort_key(&nfc(&s)), sort_key(&nfd(&s)));
    }

    #[test]
    fn collate_never_panics_on_any_text(a in any::<String>(), b in any::<String>()) {
        let _ = collate(&a, &b);
        prop_assert_eq!(collate(&a, &b), collate(&b, &a).reverse());
    }
}

#[test]
fn transitivity_holds_on_a_fixed_sample() {
    let words = [
        "",
        " ",
        "a",
        "A",
        "à",
        "ả",
        "ã",
        "á",
        "ạ",
        "ă",
        "â",
        "b",
        "đ",
        "d",
        "Đà",
        "da",
        "ma",
        "mà",
        "mả",
        "mã",
        "má",
        "mạ",
        "mb",
        "1",
        "10",
        "2",
        "-",
        "ư",
        "u",
        "ơ",
        "ô",
        "o",
        "An Giang",
        "Ăn",
        "Ấp Bắc",
    ];
    for a in words {
        for b in words {
            for c in words {
                if collate(a, b) != Ordering::Greater && collate(b, c) != Ordering::Greater {
                    assert_ne!(collate(a, c), Ordering::Greater, "{a:?} {b:?} {c:?}");
                }
            }
        }
    }
}
