//! The Vietnamese analyser: words as typed (`vi_exact`) and folded (`vi_fold`).
//!
//! Text is NFC-normalised first: in NFD text a tone mark is a separate character, and a splitter
//! on letters would cut "mắm" into "ma" and "m". Words are runs of letters, digits and combining
//! marks; everything else separates them.

use lienket_domain::text::fold;
use tantivy::tokenizer::{TextAnalyzer, Token, TokenStream, Tokenizer, TokenizerManager};
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

/// Name of the tokenizer that keeps accents (lowercased NFC words).
pub const EXACT: &str = "vi_exact";
/// Name of the tokenizer that folds each word with [`lienket_domain::text::fold`].
pub const FOLD: &str = "vi_fold";
/// Name of the tokenizer of name heads as typed: the first one, two and three words of a text,
/// each as one term ("nước", "nước mắm", "nước mắm phú").
pub const HEAD_EXACT: &str = "vi_head_exact";
/// Name of the tokenizer of folded name heads ("nuoc", "nuoc mam", "nuoc mam phu").
pub const HEAD_FOLD: &str = "vi_head_fold";
/// Name of the tokenizer of adjacent folded word pairs ("nuoc mam", "mam phu", "phu quoc"): a
/// phrase of the text is a pair term, or pair terms that are all there.
pub const PAIRS: &str = "vi_pairs";
/// How many leading words make the longest head term.
pub const HEAD_WORDS: usize = 3;

/// Words longer than this (in characters) are dropped: no product word is that long, and
/// tantivy refuses terms over 64 KiB.
const MAX_WORD_CHARS: usize = 48;

/// One word of a text: its byte range in the NFC text and its lowercased form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// Byte offset of the first character in the NFC-normalised text.
    pub from: usize,
    /// Byte offset after the last character in the NFC-normalised text.
    pub to: usize,
    /// The word, NFC and lowercase, accents kept.
    pub text: String,
}

/// Splits text into lowercased NFC words (letters, digits and combining marks).
///
/// ```
/// use lienket_search::analyzer::words;
/// let w: Vec<String> = words("Nước-mắm  PHÚ QUỐC!").into_iter().map(|w| w.text).collect();
/// assert_eq!(w, ["nước", "mắm", "phú", "quốc"]);
/// ```
pub fn words(text: &str) -> Vec<Word> {
    // Most text arrives in NFC already: check before copying it.
    let nfc: std::borrow::Cow<'_, str> = match is_nfc_quick(text.chars()) {
        IsNormalized::Yes => text.into(),
        _ => text.nfc().collect::<String>().into(),
    };
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut push = |from: usize, to: usize| {
        let w = &nfc[from..to];
        if w.chars().count() <= MAX_WORD_CHARS {
            out.push(Word {
                from,
                to,
                text: w.to_lowercase(),
            });
        }
    };
    for (i, c) in nfc.char_indices() {
        let in_word = c.is_alphanumeric() || (start.is_some() && is_combining_mark(c));
        match (in_word, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                push(s, i);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        push(s, nfc.len());
    }
    out
}

/// Folds one word (see [`lienket_domain::text::fold`]).
pub fn fold_word(word: &str) -> String {
    fold(word)
}

/// What a [`ViTokenizer`] makes of the words of a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Terms {
    /// Each word.
    Words,
    /// The first one, two, three words.
    Head,
    /// Each two adjacent words.
    Pairs,
}

/// The tokenizer behind [`EXACT`], [`FOLD`], [`HEAD_EXACT`], [`HEAD_FOLD`] and [`PAIRS`].
#[derive(Debug, Clone)]
pub struct ViTokenizer {
    fold: bool,
    terms: Terms,
    tokens: Vec<Token>,
}

impl ViTokenizer {
    /// A tokenizer that keeps accents (`fold = false`) or folds each word (`fold = true`).
    pub fn new(fold: bool) -> Self {
        ViTokenizer {
            fold,
            terms: Terms::Words,
            tokens: Vec::new(),
        }
    }

    /// A tokenizer of the leading words of a text, as typed or folded (see [`HEAD_EXACT`]).
    pub fn head(fold: bool) -> Self {
        ViTokenizer {
            fold,
            terms: Terms::Head,
            tokens: Vec::new(),
        }
    }

    /// A tokenizer of adjacent folded word pairs (see [`PAIRS`]).
    pub fn pairs() -> Self {
        ViTokenizer {
            fold: true,
            terms: Terms::Pairs,
            tokens: Vec::new(),
        }
    }
}

/// The head term of leading words: the words joined by one space.
pub fn head_term<S: AsRef<str>>(words: &[S]) -> String {
    let mut out = String::new();
    for (i, w) in words.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(w.as_ref());
    }
    out
}

/// The tokens of one text, produced in advance.
pub struct ViTokenStream<'a> {
    tokens: &'a mut Vec<Token>,
    next: usize,
}

impl Tokenizer for ViTokenizer {
    type TokenStream<'a> = ViTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> ViTokenStream<'a> {
        self.tokens.clear();
        let all = words(text);
        let head = self.terms == Terms::Head;
        let take = if head { HEAD_WORDS } else { usize::MAX };
        let forms: Vec<String> = all
            .iter()
            .take(take)
            .map(|w| {
                if self.fold {
                    fold_word(&w.text)
                } else {
                    w.text.clone()
                }
            })
            .collect();
        for (position, (w, form)) in all.iter().zip(&forms).enumerate() {
            let text = match self.terms {
                Terms::Words => form.clone(),
                Terms::Head => head_term(&forms[..=position]),
                Terms::Pairs if position == 0 => continue,
                Terms::Pairs => head_term(&forms[position - 1..=position]),
            };
            self.tokens.push(Token {
                offset_from: if head { 0 } else { w.from },
                offset_to: w.to,
                position,
                text,
                position_length: 1,
            });
        }
        ViTokenStream {
            tokens: &mut self.tokens,
            next: 0,
        }
    }
}

impl TokenStream for ViTokenStream<'_> {
    fn advance(&mut self) -> bool {
        self.next += 1;
        self.next <= self.tokens.len()
    }

    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

/// Registers [`EXACT`] and [`FOLD`] with an index's tokenizer manager.
pub fn register(manager: &TokenizerManager) {
    manager.register(EXACT, TextAnalyzer::from(ViTokenizer::new(false)));
    manager.register(FOLD, TextAnalyzer::from(ViTokenizer::new(true)));
    manager.register(HEAD_EXACT, TextAnalyzer::from(ViTokenizer::head(false)));
    manager.register(HEAD_FOLD, TextAnalyzer::from(ViTokenizer::head(true)));
    manager.register(PAIRS, TextAnalyzer::from(ViTokenizer::pairs()));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str, fold: bool) -> Vec<String> {
        run(ViTokenizer::new(fold), s)
    }

    fn run(mut t: ViTokenizer, s: &str) -> Vec<String> {
        let mut stream = t.token_stream(s);
        let mut out = Vec::new();
        while stream.advance() {
            out.push(stream.token().text.clone());
        }
        out
    }

    #[test]
    fn nfd_input_is_not_split_at_combining_marks() {
        let nfd: String = "Nước mắm".nfd().collect();
        assert_eq!(texts(&nfd, false), ["nước", "mắm"]);
        assert_eq!(texts(&nfd, true), ["nuoc", "mam"]);
    }

    #[test]
    fn fold_maps_dong_to_d_and_drops_accents() {
        assert_eq!(texts("ĐẶC SẢN Đồng Tháp", true), ["dac", "san", "dong", "thap"]);
        assert_eq!(texts("ĐẶC SẢN Đồng Tháp", false), ["đặc", "sản", "đồng", "tháp"]);
    }

    #[test]
    fn punctuation_and_symbols_separate_words() {
        assert_eq!(
            texts("trà/ô-long (500g); 'x'", false),
            ["trà", "ô", "long", "500g", "x"]
        );
        assert!(texts("!!! ??? 🙂", false).is_empty());
    }

    #[test]
    fn heads_are_the_first_three_words() {
        assert_eq!(
            run(ViTokenizer::head(false), "Nước mắm Phú Quốc 40 độ đạm"),
            ["nước", "nước mắm", "nước mắm phú"]
        );
        assert_eq!(
            run(ViTokenizer::head(true), "Đường phèn"),
            ["duong", "duong phen"]
        );
    }

    #[test]
    fn pairs_are_adjacent_folded_words() {
        assert_eq!(
            run(ViTokenizer::pairs(), "Nước mắm Phú Quốc"),
            ["nuoc mam", "mam phu", "phu quoc"]
        );
        assert!(run(ViTokenizer::pairs(), "Gạo").is_empty());
    }

    #[test]
    fn overlong_words_are_dropped() {
        let long = "a".repeat(200);
        assert_eq!(texts(&format!("{long} mật"), false), ["mật"]);
    }
}
