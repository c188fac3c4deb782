//! The scoring engine: each posting list of a query is read once, in one pass, into two dense
//! arrays over the documents (the score and the bits of the words found); one pass over the
//! arrays then gives the total, the facets and the page.
//!
//! This is the work a query tree of unions and disjunctions would do, without the tree: a
//! product word's coordination score is the tier of the first of its lists (best tier first)
//! that has the product, its BM25 scores are added from the same lists, two adjacent words are
//! one posting list of word pairs scored as a phrase, and the other clauses (heads, the place,
//! synonyms, the whole query in a row) are scored by tantivy and added. At a million products,
//! where the words of a query are in a third of them, each posting list read once instead of
//! three times through nested unions is most of the difference; the arrays are read once, with
//! few branches, for the answer.

use std::cmp::{Ordering, Reverse};
use std::collections::{BinaryHeap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use tantivy::columnar::Column;
use tantivy::index::SegmentId;
use tantivy::postings::BlockSegmentPostings;
use tantivy::query::{Bm25Weight, DfaWrapper, EnableScoring, FuzzyTermQuery, Weight};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{BitSet, DocAddress, DocId, Searcher, SegmentReader, Term};

use crate::facets::{FacetCounts, SegmentFacets};
use crate::query::{Source, TextPlan};
use crate::schema::F_PUBLISHED;
use crate::{SearchError, Sort};

/// Set on every document any clause of the text has (bits 0 to 11 are the product words).
const MATCHED: u16 = 1 << 15;
/// Products with every word of a query that are enough to answer it without the products that
/// have only some (a page of the API).
pub(crate) const ALL_WORDS_ENOUGH: usize = 10;
/// Documents looked at together when collecting the answer.
const CHUNK: usize = 4096;
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

/// Score and word bits of every document of the searcher, all zero between searches.
#[derive(Default)]
struct Buffers {
    score: Vec<f32>,
    mask: Vec<u16>,
}

/// The state the engine keeps between searches: facet values by segment and score arrays.
#[derive(Default)]
pub(crate) struct Engine {
    facets: Mutex<HashMap<SegmentId, Arc<SegmentFacets>>>,
    buffers: Mutex<Vec<Buffers>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Where the documents of a list come from, against a searcher.
enum Postings {
    Term(Term),
    Automaton(Field, DfaWrapper),
}

/// A word list ready to read: its word bit, tier and BM25 weight.
struct List {
    postings: Postings,
    bit: u16,
    tier: f32,
    bm25: Option<Bm25Weight>,
}

/// Two adjacent words as a phrase: the pair's postings, the phrase's BM25 weight and the field
/// of the lengths it is scored by.
struct Pair {
    term: Term,
    weight: Bm25Weight,
    norms: Field,
}

/// A clause scored by tantivy, and the synonym bits it sets.
struct Part {
    weight: Box<dyn Weight>,
    covers: u16,
}

/// A text plan bound to a searcher.
struct Compiled {
    lists: Vec<List>,
    pairs: Vec<Pair>,
    parts: Vec<Part>,
    required: u16,
}

fn compile(searcher: &Searcher, plan: &TextPlan) -> Result<Compiled, SearchError> {
    let mut lists = Vec::new();
    for (i, word) in plan.words.iter().enumerate() {
        let bit = 1 << i;
        for list in word {
            let postings = match &list.source {
                Source::Term(term) => Postings::Term(term.clone()),
                Source::Prefix(term) => Postings::Automaton(
                    term.field(),
                    FuzzyTermQuery::new_prefix(term.clone(), 0, false).automaton()?,
                ),
                Source::Fuzzy(term) => Postings::Automaton(
                    term.field(),
                    FuzzyTermQuery::new(term.clone(), 1, true).automaton()?,
                ),
            };
            let bm25 = match (&postings, list.bm25) {
                (Postings::Term(term), Some(boost)) => {
                    Some(Bm25Weight::for_terms(searcher, std::slice::from_ref(term))?.boost_by(boost))
                }
                _ => None,
            };
            lists.push(List {
                postings,
                bit,
                tier: list.tier,
                bm25,
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
                weight: Bm25Weight::for_terms(searcher, &p.words)?.boost_by(p.boost),
                norms: p.words[0].field(),
            })
        })
        .collect::<Result<_, SearchError>>()?;
    let scoring = EnableScoring::enabled_from_searcher(searcher);
    let parts = plan
        .parts
        .iter()
        .map(|p| {
            Ok(Part {
                weight: p.query.weight(scoring)?,
                covers: p.covers,
            })
        })
        .collect::<Result<_, SearchError>>()?;
    Ok(Compiled {
        lists,
        pairs,
        parts,
        required: plan.required,
    })
}

/// Reads one word list of one segment into its score and bits.
fn read_list(
    reader: &SegmentReader,
    list: &List,
    score: &mut [f32],
    mask: &mut [u16],
) -> Result<(), SearchError> {
    let field = match &list.postings {
        Postings::Term(term) => term.field(),
        Postings::Automaton(field, _) => *field,
    };
    let inverted = reader.inverted_index(field)?;
    match &list.postings {
        Postings::Term(term) => {
            let Some(info) = inverted.get_term_info(term)? else {
                return Ok(());
            };
            let option = if list.bm25.is_some() {
                IndexRecordOption::WithFreqs
            } else {
                IndexRecordOption::Basic
            };
            let block = inverted.read_block_postings_from_terminfo(&info, option)?;
            match &list.bm25 {
                Some(weight) => {
                    let norms = reader.get_fieldnorms_reader(field)?;
                    add_scored(
                        block,
                        weight,
                        |d| norms.fieldnorm_id(d),
                        score,
                        |d, score| set_word(list, d, score, mask),
                    );
                }
                None => add_matched(block, list, score, mask),
            }
        }
        Postings::Automaton(_, automaton) => {
            let mut terms = inverted.terms().search(automaton).into_stream()?;
            while terms.advance() {
                let block =
                    inverted.read_block_postings_from_terminfo(terms.value(), IndexRecordOption::Basic)?;
                add_matched(block, list, score, mask);
            }
        }
    }
    Ok(())
}

/// Reads the postings of a pair of one segment into the score.
fn read_pair(
    reader: &SegmentReader,
    pair: &Pair,
    score: &mut [f32],
    mask: &mut [u16],
) -> Result<(), SearchError> {
    let inverted = reader.inverted_index(pair.term.field())?;
    if let Some(info) = inverted.get_term_info(&pair.term)? {
        let block = inverted.read_block_postings_from_terminfo(&info, IndexRecordOption::WithFreqs)?;
        let norms = reader.get_fieldnorms_reader(pair.norms)?;
        add_scored(
            block,
            &pair.weight,
            |d| norms.fieldnorm_id(d),
            score,
            |d, _| mask[d] |= MATCHED,
        );
    }
    Ok(())
}

/// The tier of a list for a document whose word it is the first to find. Without a branch:
/// whether a document already has the word is as good as random.
#[inline]
fn set_word(list: &List, d: usize, score: &mut [f32], mask: &mut [u16]) {
    let m = mask[d];
    let first = f32::from(u8::from(m & list.bit == 0));
    mask[d] = m | list.bit | MATCHED;
    score[d] += list.tier * first;
}

fn add_matched(mut block: BlockSegmentPostings, list: &List, score: &mut [f32], mask: &mut [u16]) {
    loop {
        let docs = block.docs();
        if docs.is_empty() {
            return;
        }
        for &d in docs {
            set_word(list, d as usize, score, mask);
        }
        block.advance();
    }
}

/// Adds the BM25 score of each document of a term's postings, then calls `matched`.
fn add_scored(
    mut block: BlockSegmentPostings,
    weight: &Bm25Weight,
    norm: impl Fn(DocId) -> u8,
    score: &mut [f32],
    mut matched: impl FnMut(usize, &mut [f32]),
) {
    loop {
        let docs = block.docs();
        if docs.is_empty() {
            return;
        }
        let freqs = block.freqs();
        for (i, &d) in docs.iter().enumerate() {
            let tf = freqs.get(i).copied().unwrap_or(1);
            let at = d as usize;
            score[at] += weight.score(norm(d), tf);
            matched(at, score);
        }
        block.advance();
    }
}

/// The filters of one segment.
struct SegmentFilter {
    /// No document of the segment passes.
    none: bool,
    province: Option<u16>,
    group: Option<u16>,
    alliance: Option<u16>,
    stars: Option<u8>,
    producer: Option<BitSet>,
}

impl SegmentFilter {
    fn new(filters: &Filters, reader: &SegmentReader, facets: &SegmentFacets) -> Result<Self, SearchError> {
        let province = filters.province.map(|v| facets.province.code_of(v));
        let group = filters.group.map(|v| facets.group.code_of(v));
        let alliance = filters.alliance.map(|v| facets.alliance.code_of(v));
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
        let none =
            [province, group, alliance].contains(&Some(0)) || producer.as_ref().is_some_and(|p| p.len() == 0);
        Ok(SegmentFilter {
            none,
            province,
            group,
            alliance,
            stars: filters.stars,
            producer,
        })
    }

    #[inline]
    fn passes(&self, facets: &SegmentFacets, d: DocId) -> bool {
        self.province.is_none_or(|p| facets.province.of(d) == p)
            && self.group.is_none_or(|g| facets.group.of(d) == g)
            && self.alliance.is_none_or(|a| facets.alliance.of(d) == a)
            && self.stars.is_none_or(|s| facets.stars_of(d) == s)
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
    }

    /// Best first.
    fn into_sorted(self) -> Vec<Ranked> {
        let mut v: Vec<Ranked> = self.heap.into_iter().map(|r| r.0).collect();
        v.sort_by(|a, b| b.cmp(a));
        v
    }
}

fn published(reader: &SegmentReader) -> Option<Column<i64>> {
    reader.fast_fields().i64(F_PUBLISHED).ok()
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
        Ok(out)
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
        let mut top = Top {
            size: if limit == 0 { 0 } else { offset + limit },
            heap: BinaryHeap::new(),
        };
        let mut counts = FacetCounts::default();
        let mut total = 0;
        let Some(plan) = plan else {
            for (ord, reader) in readers.iter().enumerate() {
                let (facets, filter) = (&facets[ord], &segment_filters[ord]);
                if filter.none {
                    continue;
                }
                let mut counter = facets.counter();
                let published = published(reader);
                for d in 0..reader.max_doc() {
                    if reader.is_deleted(d) || !filter.passes(facets, d) {
                        continue;
                    }
                    total += 1;
                    counter.count(facets, d);
                    if top.size > 0 {
                        top.offer(ranked(sort, 0.0, ord as u32, d, facets, published.as_ref()));
                    }
                }
                counter.harvest(facets, &mut counts);
            }
            return Ok((total, counts, page(top, offset)));
        };
        let compiled = compile(searcher, plan)?;
        let mut buffers = lock(&self.buffers).pop().unwrap_or_default();
        let docs: usize = readers.iter().map(|r| r.max_doc() as usize).sum();
        buffers.score.resize(docs, 0.0);
        buffers.mask.resize(docs, 0);
        let mut base = 0;
        for reader in readers {
            let end = base + reader.max_doc() as usize;
            let score = &mut buffers.score[base..end];
            let mask = &mut buffers.mask[base..end];
            for list in &compiled.lists {
                read_list(reader, list, score, mask)?;
            }
            for pair in &compiled.pairs {
                read_pair(reader, pair, score, mask)?;
            }
            for part in &compiled.parts {
                part.weight.for_each(reader, &mut |d, s| {
                    score[d as usize] += s;
                    mask[d as usize] |= MATCHED | part.covers;
                })?;
            }
            base = end;
        }
        let required = compiled.required;
        let has_required = |m: u16| m & required == required;
        let mut strict = false;
        if required != 0 {
            let mut enough = 0;
            let mut base = 0;
            'count: for (ord, reader) in readers.iter().enumerate() {
                let (f, filter) = (&facets[ord], &segment_filters[ord]);
                let mask = &buffers.mask[base..base + reader.max_doc() as usize];
                base += mask.len();
                if filter.none {
                    continue;
                }
                for (d, &m) in mask.iter().enumerate() {
                    let d = d as DocId;
                    if m != 0 && has_required(m) && !reader.is_deleted(d) && filter.passes(f, d) {
                        enough += 1;
                        if enough >= ALL_WORDS_ENOUGH {
                            strict = true;
                            break 'count;
                        }
                    }
                }
            }
        }
        let mut base = 0;
        let mut chunk = Vec::with_capacity(CHUNK);
        for (ord, reader) in readers.iter().enumerate() {
            let (f, filter) = (&facets[ord], &segment_filters[ord]);
            let end = base + reader.max_doc() as usize;
            let score = &mut buffers.score[base..end];
            let mask = &mut buffers.mask[base..end];
            base = end;
            let mut counter = f.counter();
            let published = if sort == Sort::Relevance {
                None
            } else {
                published(reader)
            };
            if !filter.none {
                for (c, bits) in mask.chunks(CHUNK).enumerate() {
                    // The documents of the answer in this chunk, picked without a branch: a
                    // third of them match, at random.
                    chunk.clear();
                    chunk.resize(bits.len(), 0);
                    let mut n = 0;
                    for (i, &m) in bits.iter().enumerate() {
                        chunk[n] = i as DocId;
                        n += usize::from((m != 0) & (!strict | has_required(m)));
                    }
                    let first = (c * CHUNK) as DocId;
                    for &i in &chunk[..n] {
                        let d = first + i;
                        if reader.is_deleted(d) || !filter.passes(f, d) {
                            continue;
                        }
                        total += 1;
                        counter.count(f, d);
                        if top.size > 0 {
                            let value = score[d as usize];
                            top.offer(ranked(sort, value, ord as u32, d, f, published.as_ref()));
                        }
                    }
                }
            }
            score.fill(0.0);
            mask.fill(0);
            counter.harvest(f, &mut counts);
        }
        let mut kept = lock(&self.buffers);
        if kept.len() < KEPT_BUFFERS {
            kept.push(buffers);
        }
        Ok((total, counts, page(top, offset)))
    }
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
