//! Telex leftovers: words typed with the Vietnamese input method switched off.
//!
//! In Telex, letters after a vowel carry the marks: `aa` â, `aw` ă, `ee` ê, `oo` ô, `ow` ơ,
//! `uw` (or a lone `w`) ư, `dd` đ, and one tone key `s` sắc, `f` huyền, `r` hỏi, `x` ngã,
//! `j` nặng. "nuowcs" is "nước", "maatj" is "mật". The decoder accepts a word only when the
//! result is a well-formed Vietnamese syllable (initial + vowel cluster + final, and a stop final
//! only with sắc or nặng), so English words and ordinary unaccented words give `None`.

use unicode_normalization::UnicodeNormalization;

/// Initial consonants, longest first.
const INITIALS: [&str; 27] = [
    "ngh", "ch", "gh", "gi", "kh", "ng", "nh", "ph", "qu", "th", "tr", "b", "c", "d", "đ", "g", "h", "k",
    "l", "m", "n", "p", "r", "s", "t", "v", "x",
];

/// Final consonants.
const FINALS: [&str; 9] = ["", "c", "ch", "m", "n", "ng", "nh", "p", "t"];

/// Vowel clusters of Vietnamese syllables (without tone).
const NUCLEI: [&str; 55] = [
    "a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y", "ai", "ao", "au", "ay", "âu", "ây", "eo",
    "êu", "ia", "iê", "iu", "oa", "oă", "oe", "oi", "ôi", "ơi", "oo", "ua", "uâ", "uê", "ui", "uô", "uơ",
    "uy", "ưa", "ưi", "ươ", "ưu", "yê", "iêu", "oai", "oay", "oao", "oeo", "uây", "uôi", "uya", "uyê", "uyu",
    "ươi", "ươu", "yêu",
];

fn is_vowel(c: char) -> bool {
    matches!(
        c,
        'a' | 'ă' | 'â' | 'e' | 'ê' | 'i' | 'o' | 'ô' | 'ơ' | 'u' | 'ư' | 'y'
    )
}

fn has_quality_mark(c: char) -> bool {
    matches!(c, 'ă' | 'â' | 'ê' | 'ô' | 'ơ' | 'ư')
}

/// The combining mark of a Telex tone key.
fn tone_mark(key: char) -> Option<char> {
    match key {
        's' => Some('\u{0301}'),
        'f' => Some('\u{0300}'),
        'r' => Some('\u{0309}'),
        'x' => Some('\u{0303}'),
        'j' => Some('\u{0323}'),
        _ => None,
    }
}

/// Applies a `w` typed after `out`: to the vowel just before, or to the vowels before a final
/// consonant ("duongw"), or as a vowel ư of its own ("tw").
fn apply_w(out: &mut Vec<char>) -> bool {
    let Some(end) = out.iter().rposition(|&c| is_vowel(c)) else {
        out.push('ư');
        return true;
    };
    let start = out[..end]
        .iter()
        .rposition(|&c| !is_vowel(c))
        .map_or(0, |i| i + 1);
    // "uo" anywhere in the cluster becomes "ươ"; otherwise the last a, o or u takes the mark.
    if let Some(i) = (start..end).find(|&i| out[i] == 'u' && out[i + 1] == 'o') {
        out[i] = 'ư';
        out[i + 1] = 'ơ';
        return true;
    }
    for i in (start..=end).rev() {
        let marked = match out[i] {
            'a' => 'ă',
            'o' => 'ơ',
            'u' => 'ư',
            _ => continue,
        };
        out[i] = marked;
        return true;
    }
    // The vowels cannot take the mark ("ew"): not Telex.
    false
}

/// Decodes one word typed in Telex with the input method off.
///
/// Returns the Vietnamese syllable (NFC, lowercase) when the word uses at least one Telex key
/// and decodes into a well-formed syllable; `None` otherwise.
///
/// ```
/// use lienket_search::telex_to_vietnamese;
/// assert_eq!(telex_to_vietnamese("nuowcs").as_deref(), Some("nước"));
/// assert_eq!(telex_to_vietnamese("maatj").as_deref(), Some("mật"));
/// assert_eq!(telex_to_vietnamese("gaoj").as_deref(), Some("gạo"));
/// assert_eq!(telex_to_vietnamese("ddaauf").as_deref(), Some("đầu"));
/// assert_eq!(telex_to_vietnamese("nuoc"), None); // plain unaccented, nothing to decode
/// assert_eq!(telex_to_vietnamese("chocolate"), None);
/// ```
pub fn telex_to_vietnamese(word: &str) -> Option<String> {
    let lower = word.to_ascii_lowercase();
    if lower.len() < 2 || lower.len() > 12 || !lower.bytes().all(|b| b.is_ascii_lowercase()) {
        return None;
    }
    let mut tone = None;
    let mut letters: Vec<char> = Vec::with_capacity(lower.len());
    let mut seen_vowel = false;
    let mut used_key = false;
    for (i, c) in lower.chars().enumerate() {
        if seen_vowel && let Some(mark) = tone_mark(c) {
            if tone.is_some() {
                return None;
            }
            tone = Some(mark);
            used_key = true;
            continue;
        }
        if seen_vowel && c == 'z' {
            used_key = true;
            continue;
        }
        match (c, letters.last().copied()) {
            ('d', Some('d')) if i == 1 => {
                letters[0] = 'đ';
                used_key = true;
            }
            ('a', Some('a')) | ('e', Some('e')) | ('o', Some('o')) => {
                *letters.last_mut()? = match c {
                    'a' => 'â',
                    'e' => 'ê',
                    _ => 'ô',
                };
                used_key = true;
            }
            ('w', _) => {
                if !apply_w(&mut letters) {
                    return None;
                }
                used_key = true;
            }
            _ => letters.push(c),
        }
        if is_vowel(c) || c == 'w' {
            seen_vowel = true;
        }
    }
    if !used_key {
        return None;
    }
    let syllable: String = letters.iter().collect();
    let (initial, nucleus, final_) = split_syllable(&syllable)?;
    if matches!(final_, "c" | "ch" | "p" | "t") && !matches!(tone, None | Some('\u{0301}' | '\u{0323}')) {
        return None;
    }
    let nucleus_chars: Vec<char> = nucleus.chars().collect();
    let mut out = String::with_capacity(syllable.len() + 2);
    out.push_str(initial);
    let at = tone.map(|_| tone_position(&nucleus_chars, !final_.is_empty()));
    for (i, &c) in nucleus_chars.iter().enumerate() {
        out.push(c);
        if Some(i) == at {
            out.extend(tone);
        }
    }
    out.push_str(final_);
    Some(out.nfc().collect())
}

/// Splits a syllable into a valid initial, vowel cluster and final.
fn split_syllable(s: &str) -> Option<(&str, &str, &str)> {
    let mut candidates: Vec<&str> = INITIALS.iter().copied().filter(|i| s.starts_with(i)).collect();
    candidates.push("");
    for initial in candidates {
        let rest = &s[initial.len()..];
        let nucleus_len = rest
            .char_indices()
            .find(|&(_, c)| !is_vowel(c))
            .map_or(rest.len(), |(i, _)| i);
        let (nucleus, final_) = rest.split_at(nucleus_len);
        if !nucleus.is_empty() && NUCLEI.contains(&nucleus) && FINALS.contains(&final_) {
            return Some((initial, nucleus, final_));
        }
    }
    None
}

/// Which vowel of the cluster takes the tone mark (the traditional placement: "hòa", "thủy").
fn tone_position(nucleus: &[char], has_final: bool) -> usize {
    if let Some(i) = nucleus.iter().rposition(|&c| has_quality_mark(c)) {
        return i;
    }
    match (nucleus.len(), has_final) {
        (1, _) => 0,
        (_, true) => nucleus.len() - 1,
        (3, false) => 1,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_the_examples_of_the_issue() {
        for (typed, want) in [
            ("nuowcs", "nước"),
            ("mawms", "mắm"),
            ("cheef", "chề"),
            ("gaoj", "gạo"),
            ("maatj", "mật"),
            ("ong", "ong"),
            ("ddaauf", "đầu"),
            ("dduwowngf", "đường"),
            ("duongw", "dương"),
            ("hoaf", "hòa"),
            ("thuyr", "thủy"),
            ("nhw", "như"),
            ("quoocs", "quốc"),
            ("gias", "giá"),
            ("khoais", "khoái"),
            ("tieeu", "tiêu"),
            ("chef", "chè"),
            ("banhs", "bánh"),
        ] {
            if typed == want {
                assert_eq!(telex_to_vietnamese(typed), None, "{typed}");
            } else {
                assert_eq!(telex_to_vietnamese(typed).as_deref(), Some(want), "{typed}");
            }
        }
    }

    #[test]
    fn rejects_words_that_are_not_telex() {
        for word in [
            "nuoc",
            "mam",
            "chocolate",
            "web",
            "show",
            "mắm",
            "12",
            "x",
            "nuowcss",
            "hocf",
        ] {
            assert_eq!(telex_to_vietnamese(word), None, "{word}");
        }
    }
}
