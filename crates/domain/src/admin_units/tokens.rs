//! Words of addresses and unit names, in the form used for matching.
//!
//! Both the embedded names and the addresses go through [`tokenize`], so the two always agree:
//! text is lowercased, folded like [`crate::text::fold`] (no diacritics, đ → d), apostrophes are
//! dropped (`H'Leo` → `hleo`), every other non-alphanumeric character separates words, commas
//! (and `;`, `|`, line breaks) also separate segments, and numbers lose their leading zeros.

use unicode_normalization::char::{decompose_canonical, is_combining_mark};
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

/// One word, folded for matching, with its tone signature for breaking ties.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Token {
    /// Folded form, e.g. `"hoa"` for "Hòa".
    pub fold: String,
    /// Letters without tone mark (decomposed: "â" is "a" + U+0302), then the tone digit:
    /// `"hoa2"` for both "hòa" and "hoà".
    pub sig: String,
    /// Whether the original word carried any diacritic (or đ).
    pub marked: bool,
    /// Whether a comma (or the start of the text) comes right before this word.
    pub seg_start: bool,
}

/// Tone digit of a combining tone mark (1 = none).
fn tone_of(mark: char) -> Option<char> {
    match mark {
        '\u{0300}' => Some('2'),
        '\u{0309}' => Some('3'),
        '\u{0303}' => Some('4'),
        '\u{0301}' => Some('5'),
        '\u{0323}' => Some('6'),
        _ => None,
    }
}

/// Accumulates one word.
#[derive(Default)]
struct WordBuf {
    fold: String,
    sig: String,
    tone: Option<char>,
    marked: bool,
}

impl WordBuf {
    fn push(&mut self, c: char) {
        if c.is_ascii() {
            self.fold.push(c);
            self.sig.push(c);
            return;
        }
        decompose_canonical(c, |d| {
            if let Some(t) = tone_of(d) {
                self.tone = Some(t);
                self.marked = true;
            } else if is_combining_mark(d) {
                self.sig.push(d);
                self.marked = true;
            } else if d == 'đ' {
                self.fold.push('d');
                self.sig.push('đ');
                self.marked = true;
            } else {
                self.fold.push(d);
                self.sig.push(d);
            }
        });
    }

    fn take(&mut self, seg_start: bool) -> Option<Token> {
        if self.fold.is_empty() {
            *self = WordBuf::default();
            return None;
        }
        let mut fold = std::mem::take(&mut self.fold);
        if fold.bytes().all(|b| b.is_ascii_digit()) {
            let trimmed = fold.trim_start_matches('0');
            fold = if trimmed.is_empty() { "0" } else { trimmed }.to_string();
        }
        let mut sig = std::mem::take(&mut self.sig);
        sig.push(self.tone.unwrap_or('1'));
        let marked = self.marked;
        *self = WordBuf::default();
        Some(Token {
            fold,
            sig,
            marked,
            seg_start,
        })
    }
}

/// Letter prefixes that may be glued to a number: `Q1`, `P5`, `F12`, `phuong5`.
const GLUED_PREFIXES: [&str; 7] = ["p", "q", "f", "x", "ph", "phuong", "quan"];

/// Splits a text into matching words.
pub(super) fn tokenize(text: &str) -> Vec<Token> {
    let lower = match is_nfc_quick(text.chars()) {
        IsNormalized::Yes => text.to_lowercase(),
        _ => text.nfc().collect::<String>().to_lowercase(),
    };
    let mut out = Vec::new();
    let mut buf = WordBuf::default();
    let mut seg_start = true;
    let push = |buf: &mut WordBuf, seg_start: &mut bool, out: &mut Vec<Token>| {
        if let Some(t) = buf.take(*seg_start) {
            *seg_start = false;
            split_glued(t, out);
        }
    };
    for c in lower.chars() {
        if c.is_alphanumeric() || is_combining_mark(c) {
            buf.push(c);
        } else if matches!(c, '\'' | '’' | '‘' | 'ʼ' | '`' | '´') {
            // Dropped: H'Leo → hleo.
        } else {
            push(&mut buf, &mut seg_start, &mut out);
            if matches!(c, ',' | ';' | '|' | '\n' | '\r' | '\t') {
                seg_start = true;
            }
        }
    }
    push(&mut buf, &mut seg_start, &mut out);
    out
}

/// Splits `q1` into `q`, `1` (only for the type abbreviations that are written that way).
fn split_glued(t: Token, out: &mut Vec<Token>) {
    let digits_at = t.fold.find(|c: char| c.is_ascii_digit());
    if let Some(at) = digits_at
        && at > 0
        && !t.marked
        && t.fold[at..].bytes().all(|b| b.is_ascii_digit())
        && GLUED_PREFIXES.contains(&&t.fold[..at])
    {
        let (letters, digits) = t.fold.split_at(at);
        let number = digits.trim_start_matches('0');
        let number = if number.is_empty() { "0" } else { number };
        out.push(Token {
            fold: letters.to_string(),
            sig: format!("{letters}1"),
            marked: false,
            seg_start: t.seg_start,
        });
        out.push(Token {
            fold: number.to_string(),
            sig: format!("{number}1"),
            marked: false,
            seg_start: false,
        });
        return;
    }
    out.push(t);
}

/// The type of an administrative unit, as its name or a type word says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// Tỉnh (province).
    Tinh,
    /// Thành phố: a centrally-run city (province level) or a provincial city (district level).
    ThanhPho,
    /// Quận (urban district).
    Quan,
    /// Huyện (rural district).
    Huyen,
    /// Thị xã (town, district level).
    ThiXa,
    /// Phường (urban ward).
    Phuong,
    /// Xã (commune).
    Xa,
    /// Thị trấn (township, legacy ward level).
    ThiTran,
    /// Đặc khu (special zone, 2025 ward level).
    DacKhu,
}

/// The level a type word applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Level {
    Province,
    District,
    Ward,
}

impl Kind {
    /// Whether a type word of this kind may stand before a unit of this level.
    pub fn fits(self, level: Level) -> bool {
        match level {
            Level::Province => matches!(self, Kind::Tinh | Kind::ThanhPho),
            Level::District => {
                matches!(self, Kind::Quan | Kind::Huyen | Kind::ThiXa | Kind::ThanhPho)
            }
            Level::Ward => matches!(self, Kind::Phuong | Kind::Xa | Kind::ThiTran | Kind::DacKhu),
        }
    }
}

/// Full type words, as they start unit names (folded).
const FULL_TYPE_WORDS: [(&[&str], Kind); 9] = [
    (&["thanh", "pho"], Kind::ThanhPho),
    (&["thi", "xa"], Kind::ThiXa),
    (&["thi", "tran"], Kind::ThiTran),
    (&["dac", "khu"], Kind::DacKhu),
    (&["tinh"], Kind::Tinh),
    (&["quan"], Kind::Quan),
    (&["huyen"], Kind::Huyen),
    (&["phuong"], Kind::Phuong),
    (&["xa"], Kind::Xa),
];

/// Abbreviated type words seen in addresses (folded, dots already removed).
const SHORT_TYPE_WORDS: [(&[&str], Kind); 16] = [
    (&["t", "p"], Kind::ThanhPho),
    (&["t", "x"], Kind::ThiXa),
    (&["t", "t"], Kind::ThiTran),
    (&["tp"], Kind::ThanhPho),
    (&["tph"], Kind::ThanhPho),
    (&["tx"], Kind::ThiXa),
    (&["tt"], Kind::ThiTran),
    (&["ttr"], Kind::ThiTran),
    (&["dk"], Kind::DacKhu),
    (&["t"], Kind::Tinh),
    (&["q"], Kind::Quan),
    (&["h"], Kind::Huyen),
    (&["p"], Kind::Phuong),
    (&["ph"], Kind::Phuong),
    (&["f"], Kind::Phuong),
    (&["x"], Kind::Xa),
];

fn words_match(tokens: &[Token], words: &[&str]) -> bool {
    tokens.len() == words.len() && tokens.iter().zip(words).all(|(t, w)| t.fold == *w)
}

/// The type word at the start of a unit name, with its length in words.
pub(super) fn leading_type(tokens: &[Token]) -> Option<(Kind, usize)> {
    FULL_TYPE_WORDS.iter().find_map(|(words, kind)| {
        (tokens.len() > words.len() && words_match(&tokens[..words.len()], words))
            .then_some((*kind, words.len()))
    })
}

/// The type words (full or abbreviated) that end right before word `end`, longest first.
pub(super) fn types_before(tokens: &[Token], end: usize) -> impl Iterator<Item = (Kind, usize)> {
    FULL_TYPE_WORDS
        .iter()
        .chain(SHORT_TYPE_WORDS.iter())
        .filter(move |(words, _)| words.len() <= end && words_match(&tokens[end - words.len()..end], words))
        .map(|(words, kind)| (*kind, words.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folds(text: &str) -> Vec<String> {
        tokenize(text).into_iter().map(|t| t.fold).collect()
    }

    #[test]
    fn abbreviations_and_punctuation_split_into_words() {
        assert_eq!(
            folds("Số 12/3 P.Văn Quán,Q.Hà Đông - TP.HN"),
            ["so", "12", "3", "p", "van", "quan", "q", "ha", "dong", "tp", "hn"]
        );
    }

    #[test]
    fn glued_type_letters_come_off_numbers() {
        assert_eq!(
            folds("Q1, P05, F.12, x3"),
            ["q", "1", "p", "5", "f", "12", "x", "3"]
        );
        assert_eq!(folds("A1 B12"), ["a1", "b12"]);
    }

    #[test]
    fn apostrophes_join_words() {
        assert_eq!(folds("Ea H'Leo, Cư M’gar"), ["ea", "hleo", "cu", "mgar"]);
    }

    #[test]
    fn commas_start_segments() {
        let starts: Vec<bool> = tokenize("a b, c;d").iter().map(|t| t.seg_start).collect();
        assert_eq!(starts, [true, false, true, true]);
    }

    #[test]
    fn tone_signature_ignores_tone_placement() {
        let a = tokenize("Hòa Hoà hoa Hóa");
        assert_eq!(a[0].sig, a[1].sig);
        assert_ne!(a[0].sig, a[2].sig);
        assert_ne!(a[0].sig, a[3].sig);
        assert!(a[0].marked && !a[2].marked);
    }

    #[test]
    fn type_words_are_found_before_a_position() {
        let t = tokenize("thi xa tx p");
        let kinds: Vec<_> = types_before(&t, 2).collect();
        assert_eq!(kinds, [(Kind::ThiXa, 2), (Kind::Xa, 1)]);
        assert_eq!(types_before(&t, 4).collect::<Vec<_>>(), [(Kind::Phuong, 1)]);
        assert_eq!(types_before(&t, 0).count(), 0);
    }
}
