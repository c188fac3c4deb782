//! Vietnamese text folding and collation.
//!
//! - [`fold`] turns any text into a lowercase, accent-free, whitespace-normalised form. It is the
//!   single key used for search, matching and uniqueness ("Đà Nẵng", "da  nang", "ĐÀ NẴNG" all
//!   fold to `"da nang"`).
//! - [`sort_key`] and [`collate`] order text the way Vietnamese dictionaries do: letters first
//!   (a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y, with f j w z in their Latin
//!   places) across the whole string, then tones (none, huyền, hỏi, ngã, sắc, nặng), then case.

use std::cmp::Ordering;

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Folds text for search, matching and uniqueness checks.
///
/// NFC-normalises, lowercases, strips every diacritic (combining marks U+0300–U+036F after
/// NFD decomposition), maps `đ`/`Đ` to `d`, collapses runs of whitespace to one space and trims.
///
/// ```
/// use lienket_domain::text::fold;
/// assert_eq!(fold("  Thành phố  ĐÀ NẴNG "), "thanh pho da nang");
/// ```
pub fn fold(s: &str) -> String {
    let lowered: String = s.nfc().collect::<String>().to_lowercase();
    let mut out = String::with_capacity(lowered.len());
    let mut pending_space = false;
    for c in lowered.nfd() {
        if ('\u{0300}'..='\u{036F}').contains(&c) {
            continue;
        }
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(if c == 'đ' { 'd' } else { c });
    }
    out
}

/// The Vietnamese alphabet (with f, j, w, z in their Latin places), in collation order.
#[cfg(test)]
const ALPHABET: [&str; 33] = [
    "a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "ô", "ơ",
    "p", "q", "r", "s", "t", "u", "ư", "v", "w", "x", "y", "z",
];

/// Separates the levels of a sort key; lower than every weight.
const LEVEL_SEPARATOR: u32 = 0;
/// Primary weight of a run of whitespace: before everything else.
const WEIGHT_SPACE: u32 = 1;
/// Primary weights of punctuation, symbols and non-Vietnamese letters: `BASE_OTHER + code point`.
const BASE_OTHER: u32 = 0x0000_1000;
/// Primary weight of a number (a run of ASCII digits): `BASE_NUMBER + count of significant
/// digits`, followed by one `BASE_DIGIT + value` per significant digit, so that numbers sort by
/// value ("Phường 2" < "Phường 10") and after the other characters.
const BASE_NUMBER: u32 = 0x0020_0000;
/// See [`BASE_NUMBER`].
const BASE_DIGIT: u32 = 0x0030_0000;
/// Primary weights of the letters: `BASE_LETTER` + position in the alphabet, after the digits.
const BASE_LETTER: u32 = 0x0100_0000;

/// Vowel quality marks that make a distinct Vietnamese letter (ă â ê ô ơ ư).
const BREVE: char = '\u{0306}';
const CIRCUMFLEX: char = '\u{0302}';
const HORN: char = '\u{031B}';

/// Tone of a syllable, in Vietnamese dictionary order.
fn tone_weight(mark: char) -> Option<u32> {
    match mark {
        '\u{0300}' => Some(2), // huyền
        '\u{0309}' => Some(3), // hỏi
        '\u{0303}' => Some(4), // ngã
        '\u{0301}' => Some(5), // sắc
        '\u{0323}' => Some(6), // nặng
        _ => None,
    }
}

/// Primary weight of a lowercase base letter with its quality mark, if it is a letter of the
/// Vietnamese alphabet.
fn letter_weight(base: char, quality: Option<char>) -> Option<u32> {
    let position = match (base, quality) {
        ('a', Some(BREVE)) => 1,
        ('a', Some(CIRCUMFLEX)) => 2,
        ('đ', _) => 6,
        ('e', Some(CIRCUMFLEX)) => 8,
        ('o', Some(CIRCUMFLEX)) => 19,
        ('o', Some(HORN)) => 20,
        ('u', Some(HORN)) => 27,
        (c, _) if c.is_ascii_lowercase() => ASCII_POSITION[usize::from(c as u8 - b'a')],
        _ => return None,
    };
    Some(BASE_LETTER + position)
}

/// Position in the alphabet (a ă â b c d đ e ê f … z) of each ASCII letter a..z.
const ASCII_POSITION: [u32; 26] = [
    0, 3, 4, 5, 7, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 21, 22, 23, 24, 25, 26, 28, 29, 30, 31, 32,
];

/// Returns the Vietnamese collation key of a string; comparing keys is the same as [`collate`].
///
/// The key has four levels, compared in order:
/// 1. letters, by base letter in alphabet order; a run of whitespace sorts before everything,
///    then punctuation and other characters, then numbers (by value), then letters;
/// 2. tones: none, huyền, hỏi, ngã, sắc, nặng;
/// 3. case: lowercase first;
/// 4. the NFC code points, so that only canonically equivalent strings compare equal.
///
/// NFC and NFD input give the same key.
pub fn sort_key(s: &str) -> Vec<u32> {
    let nfc: String = s.nfc().collect();
    let mut primary = Vec::with_capacity(nfc.len());
    let mut secondary = Vec::with_capacity(nfc.len());
    let mut tertiary = Vec::with_capacity(nfc.len());

    let mut chars = nfc.nfd().peekable();
    let mut in_space = false;
    let mut digits = String::new();
    while let Some(c) = chars.next() {
        // Marks attached to this character (a stray leading mark is a character of its own).
        let mut quality = None;
        let mut tone = 1;
        while let Some(&m) = chars.peek() {
            if !is_combining_mark(m) {
                break;
            }
            chars.next();
            if let Some(t) = tone_weight(m) {
                tone = t;
            } else if quality.is_none() && matches!(m, BREVE | CIRCUMFLEX | HORN) {
                quality = Some(m);
            }
        }
        if c.is_whitespace() {
            if !in_space {
                primary.push(WEIGHT_SPACE);
                secondary.push(1);
                tertiary.push(1);
            }
            in_space = true;
            continue;
        }
        in_space = false;
        if c.is_ascii_digit() {
            digits.push(c);
            if chars.peek().is_some_and(char::is_ascii_digit) {
                continue;
            }
            let significant = digits.trim_start_matches('0');
            let significant = if significant.is_empty() { "0" } else { significant };
            let len = u32::try_from(significant.len()).unwrap_or(u32::MAX).min(0xF_FFFF);
            primary.push(BASE_NUMBER + len);
            primary.extend(significant.bytes().map(|b| BASE_DIGIT + u32::from(b - b'0')));
            for _ in 0..=significant.len() {
                secondary.push(1);
                tertiary.push(1);
            }
            digits.clear();
            continue;
        }
        let mut lower = c.to_lowercase();
        let base = match (lower.next(), lower.next()) {
            (Some(l), None) => l,
            _ => c,
        };
        let weight = letter_weight(base, quality).unwrap_or(BASE_OTHER + c as u32);
        primary.push(weight);
        secondary.push(tone);
        tertiary.push(if c.is_uppercase() { 2 } else { 1 });
    }

    let mut key = primary;
    key.push(LEVEL_SEPARATOR);
    key.extend(secondary);
    key.push(LEVEL_SEPARATOR);
    key.extend(tertiary);
    key.push(LEVEL_SEPARATOR);
    key.extend(nfc.chars().map(|c| c as u32 + 1));
    key
}

/// Compares two strings in Vietnamese dictionary order (see [`sort_key`]).
///
/// ```
/// use lienket_domain::text::collate;
/// let mut v = vec!["Đà Nẵng", "Dương", "Ăn", "An Giang"];
/// v.sort_by(|a, b| collate(a, b));
/// assert_eq!(v, ["An Giang", "Ăn", "Dương", "Đà Nẵng"]);
/// ```
pub fn collate(a: &str, b: &str) -> Ordering {
    sort_key(a).cmp(&sort_key(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(items: &[&str]) -> Vec<String> {
        let mut v: Vec<String> = items.iter().map(|s| s.to_string()).collect();
        v.sort_by(|a, b| collate(a, b));
        v
    }

    fn assert_ascending(items: &[&str]) {
        for pair in items.windows(2) {
            assert_eq!(
                collate(pair[0], pair[1]),
                Ordering::Less,
                "{:?} should sort before {:?}",
                pair[0],
                pair[1]
            );
        }
    }

    #[test]
    fn dong_folds_to_d() {
        assert_eq!(fold("đ"), "d");
        assert_eq!(fold("Đ"), "d");
        assert_eq!(fold("Đồng Đăng"), "dong dang");
    }

    #[test]
    fn fold_strips_every_tone_and_vowel_mark() {
        assert_eq!(
            fold("ÀẢÃÁẠ ăằẳẵắặ âầẩẫấậ êềểễếệ ôồổỗốộ ơờởỡớợ ưừửữứự ìỉĩíị ỳỷỹýỵ"),
            "aaaaa aaaaaa aaaaaa eeeeee oooooo oooooo uuuuuu iiiii yyyyy"
        );
    }

    #[test]
    fn fold_collapses_and_trims_whitespace() {
        assert_eq!(fold(" \t Hà \n\u{a0} Nội  "), "ha noi");
        assert_eq!(fold("   "), "");
    }

    #[test]
    fn fold_treats_nfd_and_old_style_tone_placement_alike() {
        let nfd: String = "Thanh Hóa".nfd().collect();
        assert_eq!(fold(&nfd), "thanh hoa");
        assert_eq!(fold("Thanh Hoá"), "thanh hoa");
    }

    #[test]
    fn fold_keeps_digits_and_punctuation() {
        assert_eq!(fold("Số 12/3, Ngõ 4"), "so 12/3, ngo 4");
    }

    #[test]
    fn province_names_sort_in_dictionary_order() {
        let got = sorted(&[
            "Đà Nẵng",
            "Cần Thơ",
            "Hà Nội",
            "An Giang",
            "Ấp Bắc",
            "Ăn",
            "Dương",
            "Bắc Ninh",
        ]);
        assert_eq!(
            got,
            [
                "An Giang",
                "Ăn",
                "Ấp Bắc",
                "Bắc Ninh",
                "Cần Thơ",
                "Dương",
                "Đà Nẵng",
                "Hà Nội"
            ]
        );
    }

    #[test]
    fn d_sorts_before_dong() {
        assert_ascending(&["d", "đ", "e"]);
        assert_ascending(&["dz", "đa"]);
    }

    #[test]
    fn vowel_letters_follow_their_base() {
        assert_ascending(&["a", "ă", "â", "b"]);
        assert_ascending(&["e", "ê", "f"]);
        assert_ascending(&["o", "ô", "ơ", "p"]);
        assert_ascending(&["u", "ư", "v"]);
    }

    #[test]
    fn tones_sort_none_grave_hook_tilde_acute_dot() {
        assert_ascending(&["ma", "mà", "mả", "mã", "má", "mạ"]);
    }

    #[test]
    fn letters_across_the_string_win_over_tones() {
        assert_ascending(&["mạ", "mb"]);
        assert_ascending(&["má", "mac"]);
        assert_ascending(&["ạb", "ac"]);
    }

    #[test]
    fn latin_letters_take_their_latin_places() {
        assert_ascending(&["ê", "f", "g"]);
        assert_ascending(&["i", "j", "k"]);
        assert_ascending(&["v", "w", "x", "y", "z"]);
    }

    #[test]
    fn case_breaks_ties_last() {
        assert_ascending(&["ha", "Ha", "hà", "Hà"]);
        assert_ascending(&["Ha", "hb"]);
    }

    #[test]
    fn digits_and_symbols_sort_before_letters() {
        assert_ascending(&["-", "0", "9", "a"]);
        assert_ascending(&["Phường 2", "Phường 10", "Phường A"]);
    }

    #[test]
    fn numbers_sort_by_value() {
        assert_ascending(&["Phường 1", "Phường 2", "Phường 9", "Phường 10", "Phường 15"]);
        assert_ascending(&["Quận 3", "Quận 03a", "Quận 12"]);
        assert_ascending(&["05", "5", "6"]);
        assert_ascending(&["An Giang", "Anh"]);
    }

    #[test]
    fn nfd_input_sorts_like_nfc() {
        let nfd: String = "Đà Nẵng".nfd().collect();
        assert_eq!(collate(&nfd, "Đà Nẵng"), Ordering::Equal);
        assert_eq!(sort_key(&nfd), sort_key("Đà Nẵng"));
    }

    #[test]
    fn different_strings_never_collate_equal() {
        assert_ne!(collate("a", "a "), Ordering::Equal);
        assert_ne!(collate("ü", "u"), Ordering::Equal);
    }

    #[test]
    fn letter_weights_follow_the_alphabet_table() {
        for (position, letter) in ALPHABET.iter().enumerate() {
            let mut chars = letter.nfd();
            let base = chars.next().expect("a letter");
            assert_eq!(
                letter_weight(base, chars.next()),
                Some(BASE_LETTER + position as u32),
                "{letter}"
            );
        }
    }

    #[test]
    fn empty_string_sorts_first() {
        assert_ascending(&["", " ", "a"]);
    }
}

/// The collation key as text whose byte order is Vietnamese order, for an indexed `ORDER BY`
/// on both database engines. It keeps the first three levels (letters, tones, case) of the
/// first 48 characters: letters as seven hex digits each, tones and case as one; longer names
/// that tie there are ordered by the caller's tie-breaker (the id). About 9 bytes a character,
/// against 32 for the full key.
pub fn sort_key_text(s: &str) -> String {
    use std::fmt::Write;
    const CHARS: usize = 48;
    let key = sort_key(s);
    let mut levels = key.split(|w| *w == LEVEL_SEPARATOR);
    let primary = levels.next().unwrap_or_default();
    let secondary = levels.next().unwrap_or_default();
    let tertiary = levels.next().unwrap_or_default();
    let mut out = String::with_capacity(CHARS * 9 + 16);
    for w in primary.iter().take(CHARS) {
        // Every primary weight is below 0x1000_0000: seven hex digits keep byte order.
        let _ = write!(out, "{:07x}", w.min(&0x0fff_ffff));
    }
    out.push_str("0000000");
    for level in [secondary, tertiary] {
        for w in level.iter().take(CHARS) {
            let _ = write!(out, "{:x}", w.min(&15));
        }
        out.push('0');
    }
    out
}

#[cfg(test)]
mod sort_key_text_tests {
    use super::*;

    #[test]
    fn text_keys_sort_like_the_collation() {
        let mut names = vec![
            "Đà Nẵng",
            "Dương",
            "Ăn",
            "An Giang",
            "Ấp Bắc",
            "Bắc Ninh",
            "an giang",
            "Phường 10",
            "Phường 2",
        ];
        let mut by_key = names.clone();
        names.sort_by(|a, b| collate(a, b));
        by_key.sort_by_key(|s| sort_key_text(s));
        assert_eq!(names, by_key);
    }
}
