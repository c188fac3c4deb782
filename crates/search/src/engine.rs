//! The scoring engine: each posting list of a query is read once, window by window of documents,
//! into two dense arrays over the window (the score and the bits of the words found), which
//! then give the window's share of the total, the facets and the page.
//!
//! This is the work a query tree of unions and disjunctions would do, without the tree: a
//! product word's coordination score is the tier of the first of its lists (best tier first)
//! that has the product, its BM25 scores are added from the same lists, two adjacent words are
//! one posting list of word pairs scored as a phrase, and the other clauses (heads, the place,
//! synonyms, the whole query in a row) add a constant to the products with a term of each of
//! their groups (a third array counts the groups found). At a million products,
//! where the words of a query are in a third of them, each posting list read once instead of
//! three times through nested unions is most of the difference; the arrays are read once, with
//! few branches, for the answer.

use std::cmp::{Ordering, Reverse};
use std::collections::{BinaryHeap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use tantivy::InvertedIndexReader;
use tantivy::columnar::Column;
use tantivy::directory::OwnedBytes;
use tantivy::fieldnorm::FieldNormReader;
use tantivy::index::SegmentId;
use tantivy::postings::{BlockSegmentPostings, TermInfo};
use tantivy::query::{Bm25StatisticsProvider, Bm25Weight, DfaWrapper, FuzzyTermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{BitSet, DocAddress, DocId, Searcher, SegmentReader, Term};

use crate::facets::{FacetCounts, SegmentCounter, SegmentFacets};
use crate::query::{Group, Source, TextPlan};
use crate::schema::F_PUBLISHED;
use crate::{SearchError, Sort};

/// Set on every document a clause of the text makes an answer (bits 0 to 11 are the product
/// words, 12 and 13 [`crate::query::ONCE_PLACE`] and [`crate::query::ONCE_PHRASE`]).
const MATCHED: u16 = 1 << 15;
/// Products with every word of a query that are enough to answer it without the products that
/// have only some (a page of the API).
const ALL_WORDS_ENOUGH: usize = 10;
/// Documents scored together: the window's arrays (48 KB) stay in the processor's first-level
/// cache. Windows of 32,768 documents (192 KB, second level) took 12 % longer per query.
const WINDOW: usize = 1 << 13;
/// Score arrays kept for the next searches (one per search running at once).
const KEPT_BUFFERS: usize = 4;

/// The exact filters of a search.
#[derive(Debug, Default)]
pub(crate) struct Filters<'a> {
    pub province: Option<&'a str>,
    pub group: Option<&'a str>,
    pub alliance: Option<&'a str>,
    pub stars: Option<u8>,
    pub producer: Option<Term>,
}

/// The total, the facets and one page of (score, document) of the matches of a query.
pub(crate) type Collected = (usize, FacetCounts, Vec<(f32, DocAddress)>);

/// Score and word bits of the documents of one window, all zero between windows.
struct Buffers {
    score: Box<[f32; WINDOW]>,
    mask: Box<[u16; WINDOW]>,
    /// The groups of a clause each document has so far (see [`SegmentPlan::read`]).
    hits: Box<[u8; WINDOW]>,
}

impl Default for Buffers {
    fn default() -> Self {
        Buffers {
            score: Box::new([0.0; WINDOW]),
            mask: Box::new([0; WINDOW]),
            hits: Box::new([0; WINDOW]),
        }
    }
}

/// A document's place in the window's arrays. A window is at most [`WINDOW`] documents from
/// `start`, so the mask changes nothing but lets the compiler drop the bounds checks.
#[inline]
fn slot(d: DocId, start: DocId) -> usize {
    (d - start) as usize & (WINDOW - 1)
}

/// The deleted documents of a segment, in order, with how many there were when they were read.
type Deleted = (u32, Arc<[DocId]>);

/// The state the engine keeps between searches: facet values by segment and score arrays.
pub(crate) struct Engine {
    facets: Mutex<HashMap<SegmentId, Arc<SegmentFacets>>>,
    deleted: Mutex<HashMap<SegmentId, Deleted>>,
    buffers: Mutex<Vec<Buffers>>,
    /// Documents per window ([`WINDOW`]; tests use small ones).
    window: usize,
}

impl Default for Engine {
    fn default() -> Self {
        Engine {
            facets: Mutex::default(),
            deleted: Mutex::default(),
            buffers: Mutex::default(),
            window: WINDOW,
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Where the documents of a list come from, against a searcher.
enum Postings {
    Term(Term),
    /// The terms of a field an automaton accepts, but `except` (a word's own term: a list of
    /// a higher tier reads it).
    Automaton {
        field: Field,
        automaton: DfaWrapper,
        except: Option<Vec<u8>>,
    },
}

impl Postings {
    fn field(&self) -> Field {
        match self {
            Postings::Term(term) => term.field(),
            Postings::Automaton { field, .. } => *field,
        }
    }

    /// The terms of a field that start with `term`.
    fn prefix(term: &Term, except: Option<Vec<u8>>) -> Result<Self, SearchError> {
        Ok(Postings::Automaton {
            field: term.field(),
            automaton: FuzzyTermQuery::new_prefix(term.clone(), 0, false).automaton()?,
            except,
        })
    }

    /// A cursor on each term's posting list in a segment (none when no term is there).
    fn open(&self, reader: &SegmentReader, option: IndexRecordOption) -> Result<Vec<Cursor>, SearchError> {
        let inverted = reader.inverted_index(self.field())?;
        let mut cursors = Vec::new();
        match self {
            Postings::Term(term) => {
                if let Some(info) = inverted.get_term_info(term)? {
                    cursors.push(Cursor::open(&inverted, &info, option)?);
                }
            }
            Postings::Automaton {
                automaton, except, ..
            } => {
                let mut terms = inverted.terms().search(automaton).into_stream()?;
                while terms.advance() {
                    if except.as_deref() != Some(terms.key()) {
                        cursors.push(Cursor::open(&inverted, terms.value(), option)?);
                    }
                }
            }
        }
        Ok(cursors)
    }
}

/// A term's bytes within its field (what a term dictionary's keys are).
fn own(term: &Term) -> Vec<u8> {
    term.serialized_value_bytes().to_vec()
}

/// A word list ready to read: its word bit, tier and BM25 weight.
struct List {
    postings: Postings,
    bit: u16,
    /// [`MATCHED`] when the list makes a product an answer, else 0.
    matched: u16,
    /// The list's tier for a document new to the word, and 0 for one that has it already:
    /// read by index (the product of the tier and a test compiles to a branch that is as
    /// good as random).
    tiers: [f32; 2],
    bm25: Option<Bm25>,
    /// The field whose lengths BM25 reads; `None`: the average length (see
    /// [`crate::query::WordList::lengths`]).
    lengths: Option<Field>,
}

/// A BM25 weight with its scores for a term found once, by length (most terms are found once
/// in a name: a table read instead of a division).
struct Bm25 {
    weight: Bm25Weight,
    once: [f32; 256],
    /// The length code of the field's average length, for lists that read no lengths.
    average: u8,
}

impl Bm25 {
    fn new(weight: Bm25Weight) -> Self {
        let once = std::array::from_fn(|id| weight.score(id as u8, 1));
        Bm25 {
            weight,
            once,
            average: 0,
        }
    }

    /// With the length code of `field`'s average length.
    fn averaged(mut self, searcher: &Searcher, field: Field) -> Result<Self, SearchError> {
        let docs = searcher.total_num_docs()?.max(1);
        let average = searcher.total_num_tokens(field)? as f64 / docs as f64;
        self.average = FieldNormReader::fieldnorm_to_id(average.round() as u32);
        Ok(self)
    }

    #[inline]
    fn score(&self, norm: u8, tf: u32) -> f32 {
        if tf == 1 {
            self.once[usize::from(norm)]
        } else {
            self.weight.score(norm, tf)
        }
    }
}

/// Two adjacent words as a phrase: the pair's postings, the phrase's BM25 weight and the field
/// of the lengths it is scored by.
struct Pair {
    term: Term,
    weight: Bm25,
    norms: Field,
}

/// A clause (see [`crate::query::Part`]) bound to a searcher: its groups, the score it adds (0
/// for a product that has its `once` bit already) and the bits it sets.
struct Bonus {
    groups: Vec<Postings>,
    scores: [f32; 2],
    once: u16,
    sets: u16,
}

/// A text plan bound to a searcher.
struct Compiled {
    lists: Vec<List>,
    pairs: Vec<Pair>,
    bonuses: Vec<Bonus>,
    required: u16,
}

fn compile(searcher: &Searcher, plan: &TextPlan) -> Result<Compiled, SearchError> {
    let mut lists = Vec::new();
    for (i, word) in plan.words.iter().enumerate() {
        let bit = 1 << i;
        let matching = plan.matching & bit != 0;
        for list in word.iter().filter(|l| matching || !l.incidental) {
            let postings = match &list.source {
                Source::Term(term) => Postings::Term(term.clone()),
                Source::Prefix(term) => Postings::prefix(term, Some(own(term)))?,
                Source::Fuzzy(term) => Postings::Automaton {
                    field: term.field(),
                    automaton: FuzzyTermQuery::new(term.clone(), 1, true).automaton()?,
                    except: Some(own(term)),
                },
            };
            let bm25 = match (&postings, list.bm25) {
                (Postings::Term(term), Some(boost)) => {
                    let weight = Bm25::new(
                        Bm25Weight::for_terms(searcher, std::slice::from_ref(term))?.boost_by(boost),
                    );
                    Some(match list.lengths {
                        Some(_) => weight,
                        None => weight.averaged(searcher, term.field())?,
                    })
                }
                _ => None,
            };
            lists.push(List {
                postings,
                bit,
                matched: if matching { MATCHED } else { 0 },
                tiers: [list.tier, 0.0],
                bm25,
                lengths: list.lengths,
            });
        }
    }
    let pairs = plan
        .pairs
        .iter()
        .filter(|p| !p.words.is_empty())
        .map(|p| {
            Ok(Pair {
                term: p.term.clone(),
                weight: Bm25::new(Bm25Weight::for_terms(searcher, &p.words)?.boost_by(p.boost)),
                norms: p.words[0].field(),
            })
        })
        .collect::<Result<_, SearchError>>()?;
    let bonuses = plan
        .parts
        .iter()
        .map(|p| {
            let groups = p
                .groups
                .iter()
                .map(|g| match g {
                    Group::Term(term) => Ok(Postings::Term(term.clone())),
                    Group::Prefix(term) => Postings::prefix(term, None),
                })
                .collect::<Result<_, SearchError>>()?;
            Ok(Bonus {
                groups,
                scores: [p.score, 0.0],
                once: p.once,
                sets: MATCHED | p.covers | p.once,
            })
        })
        .collect::<Result<_, SearchError>>()?;
    Ok(Compiled {
        lists,
        pairs,
        bonuses,
        required: plan.required,
    })
}

/// The length codes of a field in a segment (one byte per document), as BM25 reads them.
fn norms(reader: &SegmentReader, field: Field) -> Result<OwnedBytes, SearchError> {
    let file = reader.fieldnorms_readers().get_inner_file().open_read(field);
    match file {
        Some(file) => Ok(file.read_bytes()?),
        // Every field scored records its lengths: this is an index of another schema.
        None => Err(
            tantivy::TantivyError::SchemaError(format!("no lengths for field {}", field.field_id())).into(),
        ),
    }
}

/// A posting list read window by window: the block and the position in it.
struct Cursor {
    block: BlockSegmentPostings,
    at: usize,
}

impl Cursor {
    fn open(
        inverted: &InvertedIndexReader,
        info: &TermInfo,
        option: IndexRecordOption,
    ) -> Result<Self, SearchError> {
        let block = inverted.read_block_postings_from_terminfo(info, option)?;
        Ok(Cursor { block, at: 0 })
    }

    /// Calls `f(doc, term frequency)` for each document before `end` (frequency 1 when the list
    /// was opened without them). Whole blocks before `end` go without a test per document.
    #[inline]
    fn until(&mut self, end: DocId, mut f: impl FnMut(DocId, u32)) {
        loop {
            let docs = &self.block.docs()[self.at..];
            let Some(&last) = docs.last() else {
                return;
            };
            let freqs = self.block.freqs();
            let freqs = freqs.get(self.at..).unwrap_or(&[]);
            let whole = last < end;
            let n = if whole {
                docs.len()
            } else {
                docs.partition_point(|&d| d < end)
            };
            if freqs.is_empty() {
                docs[..n].iter().for_each(|&d| f(d, 1));
            } else {
                docs[..n].iter().zip(freqs).for_each(|(&d, &tf)| f(d, tf));
            }
            if !whole {
                self.at += n;
                return;
            }
            self.block.advance();
            self.at = 0;
        }
    }
}

/// A word list of one segment: its cursors (one per term), and the lengths BM25 reads.
struct SegmentList<'a> {
    list: &'a List,
    cursors: Vec<Cursor>,
    norms: Option<OwnedBytes>,
}

/// A pair of one segment.
struct SegmentPair<'a> {
    pair: &'a Pair,
    cursor: Cursor,
    norms: OwnedBytes,
}

/// A compiled plan opened on one segment.
struct SegmentPlan<'a> {
    lists: Vec<SegmentList<'a>>,
    pairs: Vec<SegmentPair<'a>>,
    /// Each clause with the cursors of each of its groups.
    bonuses: Vec<(&'a Bonus, Vec<Vec<Cursor>>)>,
}

impl<'a> SegmentPlan<'a> {
    fn open(reader: &SegmentReader, compiled: &'a Compiled) -> Result<Self, SearchError> {
        let mut lists = Vec::with_capacity(compiled.lists.len());
        for list in &compiled.lists {
            let option = if list.bm25.is_some() {
                IndexRecordOption::WithFreqs
            } else {
                IndexRecordOption::Basic
            };
            let cursors = list.postings.open(reader, option)?;
            if cursors.is_empty() {
                continue;
            }
            let norms = match (&list.bm25, list.lengths) {
                (Some(_), Some(lengths)) => Some(norms(reader, lengths)?),
                _ => None,
            };
            lists.push(SegmentList { list, cursors, norms });
        }
        let mut pairs = Vec::new();
        for pair in &compiled.pairs {
            let inverted = reader.inverted_index(pair.term.field())?;
            if let Some(info) = inverted.get_term_info(&pair.term)? {
                pairs.push(SegmentPair {
                    pair,
                    cursor: Cursor::open(&inverted, &info, IndexRecordOption::WithFreqs)?,
                    norms: norms(reader, pair.norms)?,
                });
            }
        }
        let mut bonuses = Vec::new();
        'bonus: for bonus in &compiled.bonuses {
            let mut groups = Vec::with_capacity(bonus.groups.len());
            for group in &bonus.groups {
                let cursors = group.open(reader, IndexRecordOption::Basic)?;
                if cursors.is_empty() {
                    // No product of the segment has every group.
                    continue 'bonus;
                }
                groups.push(cursors);
            }
            bonuses.push((bonus, groups));
        }
        Ok(SegmentPlan {
            lists,
            pairs,
            bonuses,
        })
    }

    /// Whether any product of the segment can be an answer: only a list of a word that makes
    /// products answers, a pair or a clause marks them (the words every product of the "all
    /// words" answer has are among the former).
    fn can_match(&self) -> bool {
        self.lists.iter().any(|l| l.list.matched != 0) || !self.pairs.is_empty() || !self.bonuses.is_empty()
    }

    /// Scores the documents from `start` to `end` into the window's arrays (index 0 is
    /// `start`).
    fn read(
        &mut self,
        start: DocId,
        end: DocId,
        score: &mut [f32; WINDOW],
        mask: &mut [u16; WINDOW],
        hits: &mut [u8; WINDOW],
    ) {
        for sl in &mut self.lists {
            let list = sl.list;
            match (&list.bm25, &sl.norms) {
                (Some(weight), Some(norms)) => {
                    let norms = norms.as_slice();
                    for cursor in &mut sl.cursors {
                        cursor.until(end, |d, tf| {
                            let bm25 = weight.score(norms[d as usize], tf);
                            set_word(list, slot(d, start), bm25, score, mask);
                        });
                    }
                }
                (Some(weight), None) => {
                    for cursor in &mut sl.cursors {
                        cursor.until(end, |d, tf| {
                            let bm25 = weight.score(weight.average, tf);
                            set_word(list, slot(d, start), bm25, score, mask);
                        });
                    }
                }
                (None, _) => {
                    for cursor in &mut sl.cursors {
                        cursor.until(end, |d, _| set_word(list, slot(d, start), 0.0, score, mask));
                    }
                }
            }
        }
        for sp in &mut self.pairs {
            let (weight, norms) = (&sp.pair.weight, sp.norms.as_slice());
            sp.cursor.until(end, |d, tf| {
                let i = slot(d, start);
                score[i] += weight.score(norms[d as usize], tf);
                mask[i] |= MATCHED;
            });
        }
        for (bonus, groups) in &mut self.bonuses {
            let (scores, once, sets) = (&bonus.scores, bonus.once, bonus.sets);
            let mut add = |i: usize| {
                let m = mask[i];
                score[i] += scores[usize::from(m & once != 0)];
                mask[i] = m | sets;
            };
            let Some((last, before)) = groups.split_last_mut() else {
                continue;
            };
            if before.is_empty() {
                for cursor in last {
                    cursor.until(end, |d, _| add(slot(d, start)));
                }
                continue;
            }
            // A product has the clause when it has every group: `hits` counts the groups it
            // has so far (a group once, however many of its terms the product has).
            for (g, cursors) in before.iter_mut().enumerate() {
                let g = g as u8;
                for cursor in cursors {
                    cursor.until(end, |d, _| {
                        let i = slot(d, start);
                        if hits[i] == g {
                            hits[i] = g + 1;
                        }
                    });
                }
            }
            let all = before.len() as u8;
            for cursor in last {
                cursor.until(end, |d, _| {
                    let i = slot(d, start);
                    if hits[i] == all {
                        add(i);
                    }
                });
            }
            hits.fill(0);
        }
    }
}

/// The tier of a list for a document whose word it is the first to find, and the list's
/// `bm25`. Without a branch: whether a document already has the word is as good as random.
#[inline]
fn set_word(list: &List, i: usize, bm25: f32, score: &mut [f32; WINDOW], mask: &mut [u16; WINDOW]) {
    let m = mask[i];
    let seen = usize::from(m & list.bit != 0);
    mask[i] = m | list.bit | list.matched;
    score[i] += bm25 + list.tiers[seen];
}

/// The filters of one segment.
struct SegmentFilter {
    /// No document of the segment passes.
    none: bool,
    /// Every document passes.
    all: bool,
    /// Whether documents of each combination of facet values pass (`None`: no filter of
    /// values).
    combinations: Option<Vec<bool>>,
    producer: Option<BitSet>,
}

impl SegmentFilter {
    fn new(filters: &Filters, reader: &SegmentReader, facets: &SegmentFacets) -> Result<Self, SearchError> {
        let wanted = [
            filters.province.map(|v| facets.province.code_of(v)),
            filters.group.map(|v| facets.group.code_of(v)),
            filters.alliance.map(|v| facets.alliance.code_of(v)),
            filters.stars.map(u16::from),
        ];
        // Without a filter of values every combination passes: none is looked at.
        let combinations: Option<Vec<bool>> = wanted.iter().any(Option::is_some).then(|| {
            facets
                .combinations()
                .iter()
                .map(|c| wanted.iter().zip(c).all(|(w, v)| w.is_none_or(|w| w == *v)))
                .collect()
        });
        let producer = match &filters.producer {
            Some(term) => {
                let mut docs = BitSet::with_max_value(reader.max_doc().max(1));
                let inverted = reader.inverted_index(term.field())?;
                if let Some(info) = inverted.get_term_info(term)? {
                    let mut block =
                        inverted.read_block_postings_from_terminfo(&info, IndexRecordOption::Basic)?;
                    while !block.docs().is_empty() {
                        block.docs().iter().for_each(|&d| {
                            docs.insert(d);
                        });
                        block.advance();
                    }
                }
                Some(docs)
            }
            None => None,
        };
        // A value no document of the segment has (code 0) lets none through.
        let none = wanted[..3].contains(&Some(0))
            || combinations.as_ref().is_some_and(|c| !c.contains(&true))
            || producer.as_ref().is_some_and(|p| p.len() == 0);
        Ok(SegmentFilter {
            none,
            all: wanted.iter().all(Option::is_none) && producer.is_none(),
            combinations,
            producer,
        })
    }

    #[inline]
    fn passes(&self, facets: &SegmentFacets, d: DocId) -> bool {
        self.all || self.passes_each(facets, d)
    }

    fn passes_each(&self, facets: &SegmentFacets, d: DocId) -> bool {
        self.combinations
            .as_ref()
            .is_none_or(|c| c.get(facets.combination_of(d)).copied().unwrap_or(false))
            && self.producer.as_ref().is_none_or(|p| p.contains(d))
    }
}

/// The order of a hit: a key compared first to last, then the earlier document first.
#[derive(Debug, Clone, Copy)]
struct Ranked {
    key: (i64, f32, i64),
    score: f32,
    segment: u32,
    doc: DocId,
}

impl PartialEq for Ranked {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Ranked {}

impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Ranked {
    /// Greater is better.
    fn cmp(&self, other: &Self) -> Ordering {
        self.key
            .0
            .cmp(&other.key.0)
            .then_with(|| self.key.1.total_cmp(&other.key.1))
            .then_with(|| self.key.2.cmp(&other.key.2))
            .then_with(|| (other.segment, other.doc).cmp(&(self.segment, self.doc)))
    }
}

/// The best `size` hits.
struct Top {
    size: usize,
    heap: BinaryHeap<Reverse<Ranked>>,
    /// The lowest score on a full page (`-inf` until it is full).
    floor: f32,
}

impl Top {
    #[inline]
    fn offer(&mut self, hit: Ranked) {
        if self.heap.len() < self.size {
            self.heap.push(Reverse(hit));
        } else if let Some(mut worst) = self.heap.peek_mut()
            && hit > worst.0
        {
            *worst = Reverse(hit);
        }
        if self.heap.len() == self.size
            && let Some(worst) = self.heap.peek()
        {
            self.floor = worst.0.score;
        }
    }

    /// Best first.
    fn into_sorted(self) -> Vec<Ranked> {
        let mut v: Vec<Ranked> = self.heap.into_iter().map(|r| r.0).collect();
        v.sort_by(|a, b| b.cmp(a));
        v
    }
}

impl Engine {
    /// The facet values of each segment of the searcher, read once per segment.
    fn segment_facets(&self, searcher: &Searcher) -> Result<Vec<Arc<SegmentFacets>>, SearchError> {
        let mut cache = lock(&self.facets);
        let mut out = Vec::new();
        for reader in searcher.segment_readers() {
            let id = reader.segment_id();
            let facets = match cache.get(&id) {
                Some(f) => f.clone(),
                None => {
                    let f = Arc::new(SegmentFacets::read(reader)?);
                    cache.insert(id, f.clone());
                    f
                }
            };
            out.push(facets);
        }
        let live: Vec<SegmentId> = searcher
            .segment_readers()
            .iter()
            .map(|r| r.segment_id())
            .collect();
        cache.retain(|id, _| live.contains(id));
        lock(&self.deleted).retain(|id, _| live.contains(id));
        Ok(out)
    }

    /// The deleted documents of a segment, in order: read once per count of deletions (a
    /// segment's deletions only grow). Few, and cleared from each window's bits, they spare
    /// every match a look at the segment's bit set of live documents.
    fn deleted_of(&self, reader: &SegmentReader) -> Arc<[DocId]> {
        let Some(alive) = reader.alive_bitset() else {
            return Arc::from([]);
        };
        let (id, count) = (reader.segment_id(), reader.num_deleted_docs());
        let mut cache = lock(&self.deleted);
        if let Some((n, docs)) = cache.get(&id)
            && *n == count
        {
            return Arc::clone(docs);
        }
        let docs: Arc<[DocId]> = (0..reader.max_doc()).filter(|&d| alive.is_deleted(d)).collect();
        cache.insert(id, (count, Arc::clone(&docs)));
        docs
    }

    /// Reads what searches need of the searcher's segments, before the first search needs it.
    pub(crate) fn warm(&self, searcher: &Searcher) -> Result<(), SearchError> {
        self.segment_facets(searcher).map(drop)
    }

    /// The total, the facets and a page of the products matching a text plan (all products
    /// when there is none) and the filters. With a plan that requires words: the products with
    /// every required word when there are [`ALL_WORDS_ENOUGH`] of them, else every product
    /// with any clause.
    pub(crate) fn search(
        &self,
        searcher: &Searcher,
        plan: Option<&TextPlan>,
        filters: &Filters,
        sort: Sort,
        offset: usize,
        limit: usize,
    ) -> Result<Collected, SearchError> {
        let readers = searcher.segment_readers();
        let facets = self.segment_facets(searcher)?;
        let segment_filters = readers
            .iter()
            .zip(&facets)
            .map(|(r, f)| SegmentFilter::new(filters, r, f))
            .collect::<Result<Vec<_>, _>>()?;
        let size = if limit == 0 { 0 } else { offset + limit };
        let Some(plan) = plan else {
            let mut all = Answer::new(size, sort);
            for (ord, reader) in readers.iter().enumerate() {
                let (f, filter) = (&facets[ord], &segment_filters[ord]);
                if filter.none {
                    continue;
                }
                let at = Place::new(reader, ord, f, filter, sort);
                let mut counter = f.counter();
                let alive = reader.alive_bitset();
                for d in 0..reader.max_doc() {
                    if alive.is_none_or(|a| a.is_alive(d)) {
                        all.take_one(&at, d, 0.0, &mut counter);
                    }
                }
                counter.harvest(f, &mut all.counts);
            }
            return Ok((all.total, all.counts, page(all.top, offset)));
        };
        let compiled = compile(searcher, plan)?;
        let required = compiled.required;
        let mut buffers = lock(&self.buffers).pop().unwrap_or_default();
        let window = self.window.min(WINDOW);
        // The answer with every required word and, until that one has enough, the answer with
        // any clause.
        let mut strict = Answer::new(size, sort);
        let mut loose = Some(Answer::new(size, sort));
        for (ord, reader) in readers.iter().enumerate() {
            let (f, filter) = (&facets[ord], &segment_filters[ord]);
            if filter.none {
                continue;
            }
            let mut segment = SegmentPlan::open(reader, &compiled)?;
            if !segment.can_match() {
                // "đặc sản Đồng Tháp" where nothing is of Đồng Tháp: read nothing for nothing.
                continue;
            }
            let (deleted, mut gone) = (self.deleted_of(reader), 0);
            let at = Place::new(reader, ord, f, filter, sort);
            let mut strict_counter = f.counter();
            let mut loose_counter = f.counter();
            let max = reader.max_doc();
            let mut start = 0;
            while start < max {
                let end = max.min(start.saturating_add(window as DocId));
                let len = (end - start) as usize;
                segment.read(
                    start,
                    end,
                    &mut buffers.score,
                    &mut buffers.mask,
                    &mut buffers.hits,
                );
                let (score, mask) = (&mut buffers.score[..len], &mut buffers.mask[..len]);
                // Deleted documents are no answer.
                let ahead = &deleted[gone..];
                let n = ahead.partition_point(|&d| d < end);
                for &d in &ahead[..n] {
                    mask[(d - start) as usize] = 0;
                }
                gone += n;
                let into = |answer, counter| Collect {
                    answer,
                    counter,
                    at: &at,
                    score: &*score,
                    start,
                };
                match (required, &mut loose) {
                    (0, Some(loose)) => {
                        each_match::<false>(mask, MATCHED, &mut into(loose, &mut loose_counter), &mut Ignore)
                    }
                    (_, Some(loose)) => each_match::<true>(
                        mask,
                        required,
                        &mut into(&mut strict, &mut strict_counter),
                        &mut into(loose, &mut loose_counter),
                    ),
                    (_, None) => each_match::<false>(
                        mask,
                        required,
                        &mut into(&mut strict, &mut strict_counter),
                        &mut Ignore,
                    ),
                }
                if required != 0 && strict.total >= ALL_WORDS_ENOUGH {
                    loose = None;
                }
                score.fill(0.0);
                mask.fill(0);
                start = end;
            }
            strict_counter.harvest(f, &mut strict.counts);
            if let Some(loose) = &mut loose {
                loose_counter.harvest(f, &mut loose.counts);
            }
        }
        let mut kept = lock(&self.buffers);
        if kept.len() < KEPT_BUFFERS {
            kept.push(buffers);
        }
        let answer = match loose {
            Some(loose) => loose,
            None => strict,
        };
        Ok((answer.total, answer.counts, page(answer.top, offset)))
    }
}

/// Where the documents of a window are: their segment and what ranks and filters them.
struct Place<'a> {
    ord: u32,
    facets: &'a SegmentFacets,
    filter: &'a SegmentFilter,
    /// Publication times, read when the order needs them.
    published: Option<Column<i64>>,
}

impl<'a> Place<'a> {
    fn new(
        reader: &'a SegmentReader,
        ord: usize,
        facets: &'a SegmentFacets,
        filter: &'a SegmentFilter,
        sort: Sort,
    ) -> Self {
        Place {
            ord: ord as u32,
            facets,
            filter,
            published: match sort {
                Sort::Relevance => None,
                Sort::Stars | Sort::Newest => reader.fast_fields().i64(F_PUBLISHED).ok(),
            },
        }
    }
}

/// One answer being collected: the total, the facets of the segments done, the best hits.
struct Answer {
    total: usize,
    counts: FacetCounts,
    top: Top,
    /// The score a document needs to be offered to the page: the page's lowest by relevance
    /// once it is full, anything in another order, nothing without a page.
    bar: f32,
    /// The order of the page.
    sort: Sort,
}

impl Answer {
    fn new(size: usize, sort: Sort) -> Self {
        let mut answer = Answer {
            total: 0,
            counts: FacetCounts::default(),
            top: Top {
                size,
                heap: BinaryHeap::new(),
                floor: f32::NEG_INFINITY,
            },
            bar: 0.0,
            sort,
        };
        answer.raise_bar();
        answer
    }

    /// Sets [`Self::bar`] from the page as it is now (it rises as the page fills).
    fn raise_bar(&mut self) {
        self.bar = match (self.top.size, self.sort) {
            (0, _) => f32::INFINITY,
            (_, Sort::Relevance) => self.top.floor,
            _ => f32::NEG_INFINITY,
        };
    }

    /// Counts and ranks one live document, unless it is filtered out.
    #[inline(always)]
    fn take_one(&mut self, at: &Place, d: DocId, score: f32, counter: &mut SegmentCounter) {
        if !at.filter.passes(at.facets, d) {
            return;
        }
        self.total += 1;
        counter.count(at.facets, d);
        // Most documents score below the page found so far (ties are decided by `offer`).
        if score < self.bar {
            return;
        }
        self.offer(at, d, score);
    }

    /// Offers a document to the page: the rare step of [`Self::take_one`], kept out of its
    /// loop.
    #[inline(never)]
    fn offer(&mut self, at: &Place, d: DocId, score: f32) {
        let hit = ranked(self.sort, score, at.ord, d, at.facets, at.published.as_ref());
        self.top.offer(hit);
        self.raise_bar();
    }
}

/// Documents of a window tested together.
const LANES: usize = 32;

/// The bits of the documents of `chunk` with every bit of `required` (never 0) and, with
/// `ANY`, of those any clause makes an answer. Of an array, not a slice: with each lane's place
/// known, the shifts compile to constants (of a slice, to multiplications).
#[inline(always)]
fn lane_bits<const ANY: bool>(chunk: &[u16; LANES], required: u16) -> (u32, u32) {
    let (mut all, mut any) = (0u32, 0u32);
    for (j, &m) in chunk.iter().enumerate() {
        all |= u32::from(m & required == required) << j;
        if ANY {
            any |= u32::from(m & MATCHED != 0) << j;
        }
    }
    (all, any)
}

/// Where [`each_match`] hands a window's matches: a trait rather than a closure, so that the
/// call is inlined into the loop over the bits (a closure called from it was not).
trait Take {
    fn take(&mut self, i: usize);
}

/// Matches no answer wants.
struct Ignore;

impl Take for Ignore {
    #[inline(always)]
    fn take(&mut self, _: usize) {}
}

/// Matches counted and ranked into an answer: `i` is document `start + i`, scoring `score[i]`.
struct Collect<'x, 'p> {
    answer: &'x mut Answer,
    counter: &'x mut SegmentCounter,
    at: &'x Place<'p>,
    score: &'x [f32],
    start: DocId,
}

impl Take for Collect<'_, '_> {
    #[inline(always)]
    fn take(&mut self, i: usize) {
        let score = self.score.get(i).copied().unwrap_or(0.0);
        self.answer
            .take_one(self.at, self.start + i as DocId, score, self.counter);
    }
}

/// Hands `all` the index of each of the window's documents with every bit of `required` and,
/// with `ANY`, `any` that of each one any clause makes an answer, in order: 32 documents tested
/// at once (the tests compile to vector instructions), then the indexes taken from the
/// result's bits. A function of its own: inlined into the search, its loop ran 8 % slower.
#[inline(never)]
fn each_match<const ANY: bool>(mask: &[u16], required: u16, all: &mut impl Take, any: &mut impl Take) {
    #[inline(always)]
    fn each(first: usize, mut bits: u32, to: &mut impl Take) {
        while bits != 0 {
            to.take(first + bits.trailing_zeros() as usize);
            bits &= bits - 1;
        }
    }
    let (chunks, rest) = mask.as_chunks::<LANES>();
    for (c, chunk) in chunks.iter().enumerate() {
        let (a, b) = lane_bits::<ANY>(chunk, required);
        each(c * LANES, a, all);
        each(c * LANES, b, any);
    }
    // The rest of the window, after as many documents without bits.
    let mut last = [0; LANES];
    last[..rest.len()].copy_from_slice(rest);
    let (a, b) = lane_bits::<ANY>(&last, required);
    each(mask.len() - rest.len(), a, all);
    each(mask.len() - rest.len(), b, any);
}

/// A hit's place in the order.
#[inline]
fn ranked(
    sort: Sort,
    score: f32,
    segment: u32,
    doc: DocId,
    facets: &SegmentFacets,
    published: Option<&Column<i64>>,
) -> Ranked {
    let published = || published.and_then(|c| c.first(doc)).unwrap_or(0);
    let key = match sort {
        Sort::Relevance => (0, score, 0),
        Sort::Stars => (i64::from(facets.stars_of(doc)), score, published()),
        Sort::Newest => (published(), score, 0),
    };
    Ranked {
        key,
        score,
        segment,
        doc,
    }
}

/// The hits after `offset`, best first.
fn page(top: Top, offset: usize) -> Vec<(f32, DocAddress)> {
    top.into_sorted()
        .into_iter()
        .skip(offset)
        .map(|r| (r.score, DocAddress::new(r.segment, r.doc)))
        .collect()
}

#[cfg(test)]
mod tests {
    use tantivy::{TantivyDocument, Term};

    use super::Filters;
    use crate::analyzer::head_term;
    use crate::query::{Group, ONCE_PHRASE, ONCE_PLACE, Part, TextPlan};
    use crate::{ProductDoc, Query, SearchIndex, Sort};

    fn product(i: usize) -> ProductDoc {
        let names = [
            "Mật ong hoa nhãn",
            "Mật ong rừng",
            "Nước mắm Phú Quốc",
            "Mâm đồng Đại Bái",
            "Chè Shan tuyết",
            "Trà hoa vàng",
            "Bánh đa nem Làng Chều",
            "Gạo ST25",
        ];
        ProductDoc {
            id: format!("id-{i}"),
            code: format!("P{i}"),
            name: format!("{} {}", names[i % names.len()], i % 7),
            producer_id: format!("producer-{}", i % 5),
            producer_name: format!("HTX số {}", i % 5),
            alliance_code: Some(format!("LM-{}", i % 3)),
            province_code: Some(["01", "33", "92"][i % 3].to_string()),
            province_name: None,
            legacy_provinces: Vec::new(),
            group: Some(["thuc_pham", "do_uong"][i % 2].to_string()),
            set_no: Some(1),
            stars: Some(3 + (i % 3) as u8),
            description: "Đặc sản OCOP của hợp tác xã.".into(),
            published_at: 1_750_000_000 + (i as i64 * 7919) % 1000,
            card: String::new(),
        }
    }

    /// The score of each product a plan of clauses alone finds, by code.
    fn scores_of(index: &SearchIndex, parts: Vec<Part>) -> Vec<(String, f32)> {
        let plan = TextPlan {
            words: Vec::new(),
            pairs: Vec::new(),
            parts,
            required: 0,
            matching: 0,
        };
        let searcher = index.reader.searcher();
        let (total, _, page) = index
            .engine
            .search(
                &searcher,
                Some(&plan),
                &Filters::default(),
                Sort::Relevance,
                0,
                20,
            )
            .expect("a search");
        assert_eq!(total, page.len());
        let mut found: Vec<(String, f32)> = page
            .into_iter()
            .map(|(score, addr)| {
                let doc: TantivyDocument = searcher.doc(addr).expect("a document");
                (crate::search::stored_text(&doc, index.fields.code), score)
            })
            .collect();
        found.sort_by(|a, b| a.0.cmp(&b.0));
        found
    }

    /// An index of products with these names (codes P0, P1, …).
    fn index_of(names: &[&str]) -> SearchIndex {
        let index = SearchIndex::in_memory().expect("an index");
        let docs = names.iter().enumerate().map(|(i, name)| ProductDoc {
            name: name.to_string(),
            ..product(i)
        });
        index.replace_all(docs, 1).expect("indexing");
        index
    }

    #[test]
    fn a_clause_needs_every_group_and_scores_once() {
        let mut index = index_of(&[
            "Mật ong hoa nhãn",
            // Two pairs that start "mat o": the prefix clause scores it once.
            "Mật ong và mật ốc",
            "Hoa nhãn mật",
            "Trà hoa vàng",
        ]);
        index.engine.window = 3;
        let f = index.fields;
        let pair = |a: &str, b: &str| Term::from_field_text(f.name_pairs, &head_term(&[a, b]));
        let word = |w: &str| Group::Term(Term::from_field_text(f.name_fold, w));
        let part = |groups, score, once| Part {
            groups,
            score,
            covers: 0,
            once,
        };
        let prefix = part(vec![Group::Prefix(pair("mat", "o"))], 1.0, ONCE_PHRASE);
        assert_eq!(
            scores_of(&index, vec![prefix]),
            [("P0".into(), 1.0), ("P1".into(), 1.0)]
        );
        // Both words: not "Trà hoa vàng".
        let both = part(vec![word("mat"), word("hoa")], 2.0, 0);
        assert_eq!(
            scores_of(&index, vec![both]),
            [("P0".into(), 2.0), ("P2".into(), 2.0)]
        );
        // "nhan hoa" is in no name (the pairs are in order).
        let none = part(vec![Group::Term(pair("nhan", "hoa")), word("mat")], 2.0, 0);
        assert!(scores_of(&index, vec![none]).is_empty());
        // Clauses sharing a bit: a product scores the first that has it.
        let first = part(vec![Group::Term(pair("hoa", "nhan"))], 3.0, ONCE_PLACE);
        let second = part(vec![word("hoa")], 2.0, ONCE_PLACE);
        assert_eq!(
            scores_of(&index, vec![first, second]),
            [("P0".into(), 3.0), ("P2".into(), 3.0), ("P3".into(), 2.0)]
        );
    }

    #[test]
    fn the_name_as_typed_and_folded_has_the_same_lengths() {
        // The name's lists as typed read the folded name's lengths (one array for both).
        let index = index_of(&[
            "Nước mắm Phú Quốc 40 độ đạm",
            "Đường phèn – Quảng Ngãi (loại 1)",
            "Chè Shan tuyết cổ thụ, 500g",
            "TRÀ HOA VÀNG 100% hữu cơ!!",
            "Bánh đa nem Làng Chều/Hưng Yên",
        ]);
        for reader in index.reader.searcher().segment_readers() {
            let exact = super::norms(reader, index.fields.name_exact).expect("lengths");
            let fold = super::norms(reader, index.fields.name_fold).expect("lengths");
            assert_eq!(exact.as_slice(), fold.as_slice());
        }
    }

    #[test]
    fn windows_of_any_size_give_the_same_answers() {
        let mut index = SearchIndex::in_memory().expect("an index");
        index.replace_all((0..300).map(product), 1).expect("indexing");
        // A second segment, and products deleted in the first.
        let changed = (0..40).map(|i| ProductDoc {
            name: "Mật ong bạc hà".into(),
            ..product(i * 3)
        });
        index
            .apply(changed.collect(), vec!["id-1".into(), "id-2".into()], 2)
            .expect("applied");
        assert!(index.reader.searcher().segment_readers().len() >= 2);
        for (text, province, sort) in [
            ("mật ong", None, Sort::Relevance),
            ("mat ong bac ha", None, Sort::Relevance),
            ("mắm", Some("92"), Sort::Stars),
            ("tra hoa", None, Sort::Newest),
            ("gao st25 hung yen", None, Sort::Relevance),
            ("banh da n", Some("33"), Sort::Relevance),
            ("zzzz", None, Sort::Relevance),
        ] {
            let q = Query {
                text: text.into(),
                province: province.map(str::to_string),
                sort,
                offset: 3,
                limit: 12,
                ..Query::default()
            };
            index.engine.window = super::WINDOW;
            let whole = index.search(&q).expect("a search");
            index.engine.window = 7;
            assert_eq!(index.search(&q).expect("a search"), whole, "{text}");
        }
        let all = index.search(&Query::default()).expect("a search");
        assert_eq!(all.total, 298);
        let honey = index.search(&Query {
            text: "mật ong".into(),
            ..Query::default()
        });
        assert!(honey.expect("a search").total > 10);
    }
}
