//! From what the user typed to a plan of posting lists and clauses, without a query parser.
//!
//! A query is read as *product words* and, at its end, an optional *place*: a province name,
//! legacy or 2025 ("mật ong | hưng yên", "gạo | thái bình"), recognised by
//! [`crate::provinces`]. The place is matched as a phrase on the province field (or the name);
//! a phrase is the pairs of its adjacent words (see [`crate::analyzer::PAIRS`]), no positions;
//! the product words are matched like this, each scoring the sum of:
//! - a coordination score, the best of: [`Boosts::coordination`] when the word is in the name as
//!   typed, a share of it when it is in the name folded, as the prefix of a name word (last word
//!   only), with one typo (words of five letters or more), or only in the producer, province or
//!   description. Each matched word adds one such score, so a product matching every word ranks
//!   above one matching fewer (the "all words" tier, without a hard `AND` that would return
//!   nothing for one unknown word), names count more than descriptions, and exact-accent matches
//!   more than folded ones;
//! - the BM25 scores of the word in each field, with per-field boosts, to order products within a
//!   tier by term statistics.
//!
//! Bonuses: a name that starts with the product words (its head: "Dầu dừa" for "dầu", not
//! "Tinh dầu"), adjacent query words adjacent in the name, and the whole query as a phrase whose
//! last word is a prefix ("bánh đa n" → "Bánh đa nem").
//!
//! The place counts less than one product word: "mật ong hưng yên" ranks honey from elsewhere
//! (right type, wrong region) above other products of Hưng Yên.

use tantivy::Term;
use tantivy::schema::Field;

use crate::analyzer::{HEAD_WORDS, fold_word, head_term, words};
use crate::provinces::{MAX_PLACE_WORDS, is_place_name};
use crate::schema::Fields;
use crate::telex::telex_to_vietnamese;

/// Longest query text considered, in characters; the rest is ignored.
pub const MAX_QUERY_CHARS: usize = 200;
/// Most words of a query considered; the rest are ignored.
pub const MAX_QUERY_WORDS: usize = 12;
/// Shortest prefix (folded characters) expanded as a prefix.
pub const MIN_PREFIX_CHARS: usize = 2;
/// Shortest word (folded characters) that tolerates one typo.
pub const MIN_FUZZY_CHARS: usize = 5;

/// One word of a query, in the forms it is searched by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryWord {
    /// As typed: NFC, lowercase, accents kept.
    pub exact: String,
    /// Folded.
    pub fold: String,
    /// Other readings, (exact, folded): the Telex decoding ("maatj" → "mật"), `dd` read as `đ`,
    /// or the closest known words when the word is unknown (a typo: "tuongg" → "tuong").
    pub alternatives: Vec<(String, String)>,
}

impl QueryWord {
    /// The folded form most likely meant: the Telex reading when there is one.
    pub(crate) fn meant_fold(&self) -> &str {
        self.alternatives.first().map_or(&self.fold, |(_, f)| f)
    }

    /// The form most likely meant, as typed (accents kept): the first alternative if any.
    pub(crate) fn meant_exact(&self) -> &str {
        self.alternatives.first().map_or(&self.exact, |(e, _)| e)
    }

    /// Whether the meant form carries accents (or đ).
    fn accented(&self) -> bool {
        self.meant_exact() != self.meant_fold()
    }

    /// Every (exact, folded, factor) form: as typed first, then the alternatives.
    fn forms(&self, alternative: f32) -> impl Iterator<Item = (&str, &str, f32)> {
        std::iter::once((self.exact.as_str(), self.fold.as_str(), 1.0)).chain(
            self.alternatives
                .iter()
                .map(move |(e, f)| (e.as_str(), f.as_str(), alternative)),
        )
    }
}

/// Splits query text into at most [`MAX_QUERY_WORDS`] words of its first [`MAX_QUERY_CHARS`]
/// characters, with their folded forms and Telex readings.
pub fn query_words(text: &str) -> Vec<QueryWord> {
    let truncated: String = text.chars().take(MAX_QUERY_CHARS).collect();
    words(&truncated)
        .into_iter()
        .take(MAX_QUERY_WORDS)
        .map(|w| {
            let fold = fold_word(&w.text);
            let mut alternatives = Vec::new();
            if let Some(decoded) = telex_to_vietnamese(&w.text) {
                let f = fold_word(&decoded);
                alternatives.push((decoded, f));
            } else if let Some(rest) = w.text.strip_prefix("dd")
                && !rest.is_empty()
            {
                // "dd" for đ without the other Telex keys: "dduong" is "đuong", folded "duong".
                alternatives.push((format!("đ{rest}"), format!("d{rest}")));
            }
            alternatives.retain(|(e, f)| *e != w.text && *f != fold);
            QueryWord {
                exact: w.text,
                fold,
                alternatives,
            }
        })
        .collect()
}

/// Splits the words into product words and a trailing place (folded words of a province name).
///
/// The place is looked for from the end, longest name first: "thanh long an giang" is "thanh
/// long" in "An Giang", not "thanh" in "Long An".
pub fn split_place(words: &[QueryWord]) -> (&[QueryWord], Vec<String>) {
    let folds: Vec<&str> = words.iter().map(QueryWord::meant_fold).collect();
    let n = folds.len();
    for len in (1..=MAX_PLACE_WORDS.min(n)).rev() {
        let candidate = folds[n - len..].join(" ");
        if is_place_name(&candidate) {
            let place = folds[n - len..].iter().map(|s| s.to_string()).collect();
            return (&words[..n - len], place);
        }
    }
    (words, Vec::new())
}

/// The weights of the ranking.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Boosts {
    /// Coordination score of a product word found in the name as typed.
    pub coordination: f32,
    /// Shares of `coordination` for the other ways of matching a word.
    pub name_fold_share: f32,
    pub name_prefix_share: f32,
    pub name_fuzzy_share: f32,
    pub other_exact_share: f32,
    pub other_fold_share: f32,
    pub description_exact_share: f32,
    pub description_fold_share: f32,
    /// Coordination score of the place, when the product is of that province.
    pub place: f32,
    /// Added when the place is in the name too.
    pub place_in_name: f32,
    /// How much less each later product word counts (up to the sixth).
    pub position_decay: f32,
    /// Factor of a generic word ("đặc sản").
    pub generic: f32,
    /// Share of the words it stands for that a synonym scores ("trà" for "chè").
    pub synonym: f32,
    /// BM25 boosts per field.
    pub name_exact: f32,
    pub name_fold: f32,
    pub province_fold: f32,
    pub producer_fold: f32,
    pub description_fold: f32,
    /// Factor of the BM25 boosts for an alternative reading (Telex, dd).
    pub alternative: f32,
    /// Constant per leading product word the name starts with.
    pub head: f32,
    /// BM25 boost of two adjacent query words found adjacent in the folded name.
    pub phrase: f32,
    /// Constant for all product words in a row in the name, the last one as a prefix.
    pub phrase_prefix: f32,
}

impl Default for Boosts {
    fn default() -> Self {
        Boosts {
            coordination: 20.0,
            name_fold_share: 0.8,
            name_prefix_share: 0.75,
            name_fuzzy_share: 0.55,
            other_exact_share: 0.5,
            other_fold_share: 0.45,
            description_exact_share: 0.3,
            description_fold_share: 0.25,
            place: 10.0,
            place_in_name: 2.0,
            position_decay: 0.1,
            generic: 0.2,
            synonym: 0.6,
            name_exact: 1.5,
            name_fold: 1.0,
            province_fold: 0.5,
            producer_fold: 0.3,
            description_fold: 0.2,
            alternative: 0.9,
            head: 8.0,
            phrase: 1.0,
            phrase_prefix: 10.0,
        }
    }
}

/// Words that say nothing about the product ("đặc sản", "sản phẩm", "OCOP"), folded: they
/// count for little.
const GENERIC: [&[&str]; 3] = [&["dac", "san"], &["san", "pham"], &["ocop"]];

/// Words that only say "goods of": generic when they lead a longer query ("đồ gốm", "hàng
/// mây tre"), as typed or unaccented.
const CLASSIFIERS: [(&str, &str); 2] = [("đồ", "do"), ("hàng", "hang")];

/// Which product words are generic (see [`GENERIC`] and [`CLASSIFIERS`]).
fn generic_words(words: &[QueryWord]) -> Vec<bool> {
    let folds: Vec<&str> = words.iter().map(QueryWord::meant_fold).collect();
    let mut generic = vec![false; words.len()];
    if words.len() >= 2
        && CLASSIFIERS
            .iter()
            .any(|(exact, fold)| words[0].exact == *exact || words[0].exact == *fold)
    {
        generic[0] = true;
    }
    for phrase in GENERIC {
        for (i, window) in folds.windows(phrase.len()).enumerate() {
            if window == phrase {
                generic[i..i + phrase.len()].iter_mut().for_each(|g| *g = true);
            }
        }
    }
    generic
}

/// Where a posting list of a product word comes from.
pub(crate) enum Source {
    /// One term.
    Term(Term),
    /// Every term of the field that starts with this one, but this one: the word's list of
    /// that term, of a higher tier, reads it.
    Prefix(Term),
    /// Every term of the field within one typo of this one, but this one (as for `Prefix`).
    Fuzzy(Term),
}

/// One posting list of a product word: the coordination score it gives the word (the best list
/// that has a product sets it) and the BM25 boost of its term, if it adds one.
pub(crate) struct WordList {
    pub source: Source,
    pub tier: f32,
    pub bm25: Option<f32>,
    /// The field whose lengths BM25 reads, or `None` to take every product as of the field's
    /// average length (BM25 without length normalisation). The name's lengths order products
    /// within a tier (a short name that is the word ranks first); the province's, producer's
    /// and description's add a small share to a small share, and reading a length for each of
    /// their postings, from an array per field, cost a tenth of a query's time.
    pub lengths: Option<Field>,
    /// A list of the description: read for a generic word only when that word makes a product
    /// an answer (see [`TextPlan::matching`]). Most descriptions say "đặc sản": beside a word
    /// that says what the product is, it would add the same few points to nearly every
    /// product, reading the whole catalogue twice to do so.
    pub incidental: bool,
}

/// Two adjacent product words: the posting list of their pair in the name, scored by BM25 with
/// the statistics of the words as a phrase.
pub(crate) struct PairList {
    pub term: Term,
    pub words: Vec<Term>,
    pub boost: f32,
}

// Product word `i` is bit `i` of a document's bits in the engine: below these.
const _: () = assert!(MAX_QUERY_WORDS <= 12);

/// Set by the clauses of the place: a product scores the first of them that has it.
pub(crate) const ONCE_PLACE: u16 = 1 << 12;
/// Set by the clause of the product words in a row: a product whose name has several pairs
/// its last word starts scores it once.
pub(crate) const ONCE_PHRASE: u16 = 1 << 13;

/// A clause scored as a whole (phrases, heads, the place, synonyms): the products with a term
/// of each of its groups score `score`; `covers` are the bits of the product words it stands
/// for (a synonym), see [`TextPlan`]. With `once` ([`ONCE_PLACE`], [`ONCE_PHRASE`]), a product
/// scores the first clause with that bit that has it, and that clause once.
pub(crate) struct Part {
    pub groups: Vec<Group>,
    pub score: f32,
    pub covers: u16,
    pub once: u16,
}

/// The terms one group of a [`Part`] accepts.
pub(crate) enum Group {
    Term(Term),
    /// Every term of the field that starts with this one.
    Prefix(Term),
}

impl Part {
    /// The products with a term in a field, each scoring `score`.
    fn term(field: Field, text: &str, score: f32) -> Part {
        Part::all(vec![Group::Term(Term::from_field_text(field, text))], score)
    }

    /// The products with a term of every group, each scoring `score`.
    fn all(groups: Vec<Group>, score: f32) -> Part {
        Part {
            groups,
            score,
            covers: 0,
            once: 0,
        }
    }
}

/// How products are scored for a text: the posting lists of each product word, best tier
/// first; the other clauses; and the words every product of the "all words" answer has.
///
/// Bits: product word `i` is bit `i`, set when one of its lists has the product or a synonym
/// standing for it does (synonyms are read after every list: they do not change the tier).
pub(crate) struct TextPlan {
    pub words: Vec<Vec<WordList>>,
    pub pairs: Vec<PairList>,
    pub parts: Vec<Part>,
    pub required: u16,
    /// The words whose lists make a product an answer when too few have every required word:
    /// all but generic ones, unless the text has nothing else ("đặc sản" alone).
    pub matching: u16,
}

/// The posting lists of one product word, best tier first. A product's coordination score for
/// the word is the tier of the first list that has it: the best of
/// - [`Boosts::coordination`] (times `weight`) for the word in the name as typed,
/// - a share of it for the word in the name folded, as the prefix of a name word (`last` word
///   only), with one typo (words of five letters or more), or only in the producer, province or
///   description.
///
/// The name, province, producer and folded description lists add the BM25 score of the term.
fn word_lists(f: &Fields, b: &Boosts, w: &QueryWord, last: bool, weight: f32) -> Vec<WordList> {
    let c = b.coordination * weight;
    let mut out = Vec::new();
    let mut automata = Vec::new();
    for (exact, fold, factor) in w.forms(b.alternative) {
        let factor = factor * weight;
        let lists = [
            (f.name_exact, exact, 1.0, Some(b.name_exact)),
            (f.name_fold, fold, b.name_fold_share, Some(b.name_fold)),
            (f.province_exact, exact, b.other_exact_share, None),
            (f.producer_exact, exact, b.other_exact_share, None),
            (f.province_fold, fold, b.other_fold_share, Some(b.province_fold)),
            (f.producer_fold, fold, b.other_fold_share, Some(b.producer_fold)),
            (f.description_exact, exact, b.description_exact_share, None),
            (
                f.description_fold,
                fold,
                b.description_fold_share,
                Some(b.description_fold),
            ),
        ];
        for (field, text, share, bm25) in lists {
            // The name as typed and folded has the same words, so the same lengths: one array
            // of lengths for both lists.
            let lengths = (field == f.name_exact || field == f.name_fold).then_some(f.name_fold);
            out.push(WordList {
                source: Source::Term(Term::from_field_text(field, text)),
                tier: c * share,
                bm25: bm25.map(|boost| boost * factor),
                lengths,
                incidental: field == f.description_exact || field == f.description_fold,
            });
        }
        let chars = fold.chars().count();
        let name_term = || Term::from_field_text(f.name_fold, fold);
        if last && chars >= MIN_PREFIX_CHARS {
            // A two-letter prefix says less than a longer one.
            let letters = w.fold.chars().count().min(4) as f32;
            let share = b.name_prefix_share * (0.5 + 0.125 * letters);
            automata.push(WordList {
                source: Source::Prefix(name_term()),
                tier: c * share,
                bm25: None,
                lengths: None,
                incidental: false,
            });
        }
        if chars >= MIN_FUZZY_CHARS {
            automata.push(WordList {
                source: Source::Fuzzy(name_term()),
                tier: c * b.name_fuzzy_share,
                bm25: None,
                lengths: None,
                incidental: false,
            });
        }
    }
    out.extend(automata);
    out.sort_by(|a, b| b.tier.total_cmp(&a.tier));
    out
}

/// Regional and everyday names of the same product, both ways, as typed. A phrase of two words
/// or more is also recognised unaccented; a single word only with its accents ("che" is also
/// "che nắng").
const SYNONYMS: [(&str, &str); 9] = [
    ("chè", "trà"),
    ("bánh đa nem", "bánh tráng"),
    ("lạc", "đậu phộng"),
    ("lợn", "heo"),
    ("ngô", "bắp"),
    ("vừng", "mè"),
    ("dứa", "thơm"),
    ("mì", "mỳ"),
    ("bắp cải", "cải bắp"),
];

/// A synonym found in the product words: `len` words from `start` stand for the folded words
/// `to` ("chè" at 0 stands for ["tra"]).
struct SynonymMatch {
    start: usize,
    len: usize,
    to: Vec<String>,
}

/// Every synonym of the product words.
fn synonym_matches(product: &[QueryWord]) -> Vec<SynonymMatch> {
    let mut out = Vec::new();
    for (one, other) in SYNONYMS {
        for (from, to) in [(one, other), (other, one)] {
            let from_words: Vec<String> = words(from).into_iter().map(|w| w.text).collect();
            let n = from_words.len();
            if n > product.len() {
                continue;
            }
            for start in 0..=product.len() - n {
                let span = &product[start..start + n];
                let matches = span
                    .iter()
                    .zip(&from_words)
                    .all(|(w, s)| w.meant_exact() == s || (n >= 2 && w.meant_fold() == fold_word(s)));
                if matches {
                    let to = words(to).into_iter().map(|w| fold_word(&w.text)).collect();
                    out.push(SynonymMatch { start, len: n, to });
                }
            }
        }
    }
    out
}

/// A field's word term and the field of its adjacent pairs (see [`crate::analyzer::PAIRS`]).
#[derive(Clone, Copy)]
struct Phrased {
    words: Field,
    pairs: Field,
}

/// The term of two adjacent folded words in a pairs field.
fn pair_term(field: Field, first: &str, second: &str) -> Term {
    Term::from_field_text(field, &head_term(&[first, second]))
}

/// The folded words in a row in a field: a term, or every pair of adjacent words.
fn words_in(field: Phrased, folds: &[String]) -> Vec<Group> {
    if folds.len() == 1 {
        return vec![Group::Term(Term::from_field_text(field.words, &folds[0]))];
    }
    folds
        .windows(2)
        .map(|p| Group::Term(pair_term(field.pairs, &p[0], &p[1])))
        .collect()
}

fn name(f: &Fields) -> Phrased {
    Phrased {
        words: f.name_fold,
        pairs: f.name_pairs,
    }
}

/// Bonus clauses for product words that have a synonym: the synonym as a phrase in the name,
/// scoring `share` of the words it stands for (and standing for them in the "all words"
/// answer), and as the head of the name.
fn synonym_parts(f: &Fields, b: &Boosts, product: &[QueryWord], weights: &[f32]) -> Vec<Part> {
    let mut out = Vec::new();
    for m in synonym_matches(product) {
        let covered: f32 = weights[m.start..m.start + m.len].iter().sum();
        let covers = (m.start..m.start + m.len).fold(0, |bits, i| bits | 1 << i);
        let score = b.coordination * covered * b.synonym;
        out.push(Part {
            covers,
            ..Part::all(words_in(name(f), &m.to), score)
        });
        if m.start == 0 {
            let score = b.head * m.len.min(HEAD_WORDS) as f32 * b.synonym;
            out.push(Part::term(f.head_fold, &head_term(&m.to), score));
        }
    }
    out
}

impl TextPlan {
    /// Lets every product word make a product an answer, generic ones too; false when they
    /// already did.
    pub(crate) fn widen(&mut self) -> bool {
        let all = (1u16 << self.words.len()) - 1;
        let widened = self.matching != all;
        self.matching = all;
        widened
    }
}

/// The bits of the product words whose lists make a product an answer: "đặc sản" is in most
/// descriptions, a product with only that word of "đặc sản Đà Lạt" or "đặc sản Đồng Tháp" is
/// not one. Generic words count when the text has no other word and no place.
fn matching_bits(generic: &[bool], place: bool) -> u16 {
    let specific = generic.iter().any(|g| !g) || place;
    generic
        .iter()
        .enumerate()
        .filter(|(_, g)| !**g || !specific)
        .fold(0, |bits, (i, _)| bits | 1 << i)
}

/// The bits of the product words every product of the "all words" answer has: all but generic
/// ones and a last word of one letter (the place neither: it ranks, it does not filter); 0 when
/// the text has no such word.
///
/// Searching these first keeps the ranking to the products that can be the answer: a product
/// with every word outranks one without (see the coordination score), so when enough have every
/// word the page is found among them.
fn required_bits(product: &[QueryWord], generic: &[bool]) -> u16 {
    if generic.iter().all(|g| *g) {
        // "đặc sản Đồng Tháp": what matters is the place, which ranks; nothing is required.
        return 0;
    }
    let mut bits = 0;
    for (i, w) in product.iter().enumerate() {
        let last = i + 1 == product.len();
        // A last word still being typed ("mật ong hoa n") is not required yet.
        let typing = last && w.fold.chars().count() < MIN_PREFIX_CHARS && product.len() > 1;
        if !generic[i] && !typing {
            bits |= 1 << i;
        }
    }
    bits
}

/// The clauses of a place: the province (legacy or 2025) as a phrase on the province field, or
/// in the name; a product scores the first that has it.
fn place_parts(f: &Fields, b: &Boosts, place: &[String]) -> [Part; 2] {
    let province = Phrased {
        words: f.province_fold,
        pairs: f.province_pairs,
    };
    // A name that carries the place ("Nhãn lồng Hưng Yên") is a little more of that place.
    [
        Part {
            once: ONCE_PLACE,
            ..Part::all(words_in(name(f), place), b.place + b.place_in_name)
        },
        Part {
            once: ONCE_PLACE,
            ..Part::all(words_in(province, place), b.place)
        },
    ]
}

/// The plan of the words of a text, or `None` when it has no words.
pub(crate) fn text_plan(f: &Fields, b: &Boosts, words: &[QueryWord]) -> Option<TextPlan> {
    if words.is_empty() {
        return None;
    }
    let (product, place) = split_place(words);
    let mut word_plans = Vec::with_capacity(product.len());
    let mut parts: Vec<Part> = Vec::new();
    let generic = generic_words(product);
    let mut weights = Vec::with_capacity(product.len());
    for (i, w) in product.iter().enumerate() {
        // Vietnamese puts the head noun first ("gốm" in "đồ gốm Chu Đậu", "nước mắm" before the
        // place): later words count a little less, generic ones much less.
        let mut weight = 1.0 - b.position_decay * i.min(5) as f32;
        if generic[i] {
            weight *= b.generic;
        }
        weights.push(weight);
        word_plans.push(word_lists(f, b, w, i + 1 == product.len(), weight));
    }
    let synonyms = synonym_parts(f, b, product, &weights);
    if !place.is_empty() {
        parts.extend(place_parts(f, b, &place));
    }
    // The name starts with the first one, two, three product words (after generic ones): as
    // typed when the user typed accents ("mắm" is not "Mâm đồng"), folded otherwise.
    let first = generic.iter().take_while(|g| **g).count();
    let head = &product[first..];
    for n in 1..=head.len().min(HEAD_WORDS) {
        let words = &head[..n];
        let accented = words.iter().any(QueryWord::accented);
        parts.push(if accented {
            let exact: Vec<&str> = words.iter().map(QueryWord::meant_exact).collect();
            Part::term(f.head_exact, &head_term(&exact), b.head)
        } else {
            let fold: Vec<&str> = words.iter().map(QueryWord::meant_fold).collect();
            Part::term(f.head_fold, &head_term(&fold), b.head)
        });
    }
    // Adjacent query words adjacent in the name: the BM25 score of the phrase (the statistics
    // of its words, the frequency of the pair).
    let pairs = product
        .windows(2)
        .map(|p| PairList {
            term: pair_term(f.name_pairs, p[0].meant_fold(), p[1].meant_fold()),
            words: p
                .iter()
                .map(|w| Term::from_field_text(f.name_fold, w.meant_fold()))
                .collect(),
            boost: b.phrase,
        })
        .collect();
    if product.len() >= 2 {
        // Every product word in a row in the name, the last one as the start of a word.
        let n = product.len();
        let mut row: Vec<Group> = product[..n - 1]
            .windows(2)
            .map(|p| Group::Term(pair_term(f.name_pairs, p[0].meant_fold(), p[1].meant_fold())))
            .collect();
        let last = pair_term(
            f.name_pairs,
            product[n - 2].meant_fold(),
            product[n - 1].meant_fold(),
        );
        row.push(Group::Prefix(last));
        parts.push(Part {
            once: ONCE_PHRASE,
            ..Part::all(row, b.phrase_prefix)
        });
    }
    parts.extend(synonyms);
    Some(TextPlan {
        words: word_plans,
        pairs,
        parts,
        required: required_bits(product, &generic),
        matching: matching_bits(&generic, !place.is_empty()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place_of(text: &str) -> (Vec<String>, Vec<String>) {
        let words = query_words(text);
        let (product, place) = split_place(&words);
        (product.iter().map(|w| w.exact.clone()).collect(), place)
    }

    #[test]
    fn query_text_is_truncated_to_twelve_words() {
        let text = "mật ".repeat(5_000);
        assert_eq!(query_words(&text).len(), MAX_QUERY_WORDS);
    }

    #[test]
    fn telex_and_dd_readings_are_added() {
        let w = query_words("nuowcs mawms dduong mắm");
        assert_eq!(w[0].alternatives, [("nước".to_string(), "nuoc".to_string())]);
        assert_eq!(w[1].alternatives, [("mắm".to_string(), "mam".to_string())]);
        assert_eq!(w[2].alternatives, [("đuong".to_string(), "duong".to_string())]);
        assert!(w[3].alternatives.is_empty());
        assert_eq!(w[3].fold, "mam");
    }

    #[test]
    fn a_trailing_province_is_read_as_the_place() {
        assert_eq!(
            place_of("mật ong hưng yên"),
            (
                vec!["mật".into(), "ong".into()],
                vec!["hung".into(), "yen".into()]
            )
        );
        assert_eq!(place_of("thanh long an giang").1, ["an", "giang"]);
        assert_eq!(place_of("gao thai binh").1, ["thai", "binh"]);
        assert_eq!(place_of("mắm huế").1, ["hue"]);
        assert!(place_of("nước mắm phú quốc").1.is_empty());
        assert!(place_of("").1.is_empty());
    }
}
