//! [`SearchIndex::search`]: the query, filters, order, page and facets.

use tantivy::collector::{Count, TopDocs};
use tantivy::query::{AllQuery, BooleanQuery, ConstScoreQuery, Occur, Query as TantivyQuery, TermQuery};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::{DocAddress, Searcher, TantivyDocument, Term};

use crate::facets::{FacetCollector, FacetCounts, sorted, sorted_stars};
use crate::index::SearchIndex;
use crate::query::{query_words, required_words, text_query};
use crate::schema::{F_PUBLISHED, F_STARS};
use crate::{Hit, Query, Results, SearchError, Sort};

/// Most hits one search returns.
const MAX_LIMIT: usize = 200;
/// Deepest page offset.
const MAX_OFFSET: usize = 10_000;
/// Products with every word of a query that are enough to answer it without the products that
/// have only some (a page of the API).
const ALL_WORDS_ENOUGH: usize = 10;

impl SearchIndex {
    /// Searches the catalogue. Never fails on user text: any text gives results, possibly none.
    pub fn search(&self, q: &Query) -> Result<Results, SearchError> {
        let searcher = self.reader.searcher();
        let mut words = query_words(&q.text);
        self.correct_typos(&searcher, &mut words)?;
        let f = &self.fields;
        let mut filters: Vec<(Occur, Box<dyn TantivyQuery>)> = Vec::new();
        let by_text = [
            (f.province_code, q.province.as_deref()),
            (f.group, q.group.as_deref()),
            (f.producer_id, q.producer_id.as_deref()),
            (f.alliance, q.alliance.as_deref()),
        ];
        for (field, value) in by_text {
            if let Some(v) = value {
                filters.push((Occur::Must, filter(Term::from_field_text(field, v))));
            }
        }
        if let Some(stars) = q.stars {
            filters.push((
                Occur::Must,
                filter(Term::from_field_u64(f.stars, u64::from(stars))),
            ));
        }
        let has_text = !words.is_empty();
        let sort = if has_text {
            q.sort
        } else if q.sort == Sort::Relevance {
            Sort::Newest
        } else {
            q.sort
        };
        let limit = q.limit.min(MAX_LIMIT);
        let offset = q.offset.min(MAX_OFFSET);
        // Products with every word first: when enough of them match, they are the answer (and
        // only they are ranked); otherwise every product with any word.
        let required = required_words(f, &words);
        let text = text_query(f, &self.boosts, &words);
        let mut found = None;
        if !required.is_empty() {
            let mut clauses: Vec<(Occur, Box<dyn TantivyQuery>)> =
                required.into_iter().map(|r| (Occur::Must, r)).collect();
            clauses.extend(filters.iter().map(|(o, c)| (*o, c.box_clone())));
            if let Some(text) = &text {
                clauses.push((Occur::Should, text.box_clone()));
            }
            let strict = collect(&searcher, &BooleanQuery::new(clauses), sort, offset, limit)?;
            if strict.0 >= ALL_WORDS_ENOUGH {
                found = Some(strict);
            }
        }
        let (total, facets, page) = match found {
            Some(found) => found,
            None => {
                let mut clauses = filters;
                clauses.push((Occur::Must, text.unwrap_or_else(|| Box::new(AllQuery))));
                collect(&searcher, &BooleanQuery::new(clauses), sort, offset, limit)?
            }
        };
        let hits = self.hits(&searcher, page)?;
        let did_you_mean = if total == 0 && has_text {
            self.did_you_mean(&searcher, &words)?
        } else {
            None
        };
        Ok(Results {
            total,
            hits,
            provinces: sorted(facets.provinces),
            groups: sorted(facets.groups),
            stars: sorted_stars(facets.stars),
            alliances: sorted(facets.alliances),
            did_you_mean,
        })
    }

    /// Id and code of each hit, from the document store.
    fn hits(&self, searcher: &Searcher, page: Vec<(f32, DocAddress)>) -> Result<Vec<Hit>, SearchError> {
        page.into_iter()
            .map(|(score, addr)| {
                let doc: TantivyDocument = searcher.doc(addr)?;
                Ok(Hit {
                    id: stored_text(&doc, self.fields.id),
                    code: stored_text(&doc, self.fields.code),
                    score,
                })
            })
            .collect()
    }
}

/// The total, the facets and one page of (score, document) of the matches of a query.
type Collected = (usize, FacetCounts, Vec<(f32, DocAddress)>);

/// The total, the facets and one page of the matches of a query, in an order.
fn collect(
    searcher: &Searcher,
    query: &dyn TantivyQuery,
    sort: Sort,
    offset: usize,
    limit: usize,
) -> Result<Collected, SearchError> {
    if limit == 0 {
        let (total, facets) = searcher.search(query, &(Count, FacetCollector))?;
        return Ok((total, facets, Vec::new()));
    }
    let top = TopDocs::with_limit(limit).and_offset(offset);
    Ok(match sort {
        Sort::Relevance => searcher.search(query, &(Count, FacetCollector, top.order_by_score()))?,
        Sort::Stars => {
            let collector = top.tweak_score(|segment: &tantivy::SegmentReader| {
                let stars = column_u64(segment, F_STARS);
                let published = column_i64(segment, F_PUBLISHED);
                move |doc, score| {
                    let s = stars.as_ref().and_then(|c| c.first(doc)).unwrap_or(0);
                    let p = published.as_ref().and_then(|c| c.first(doc)).unwrap_or(0);
                    (s, score, p)
                }
            });
            let (t, fc, p) = searcher.search(query, &(Count, FacetCollector, collector))?;
            let page = p.into_iter().map(|((_, score, _), addr)| (score, addr)).collect();
            (t, fc, page)
        }
        Sort::Newest => {
            let collector = top.tweak_score(|segment: &tantivy::SegmentReader| {
                let published = column_i64(segment, F_PUBLISHED);
                move |doc, score| {
                    let p = published.as_ref().and_then(|c| c.first(doc)).unwrap_or(0);
                    (p, score)
                }
            });
            let (t, fc, p) = searcher.search(query, &(Count, FacetCollector, collector))?;
            let page = p.into_iter().map(|((_, score), addr)| (score, addr)).collect();
            (t, fc, page)
        }
    })
}

/// A filter clause: matches like the term, scores nothing.
fn filter(term: Term) -> Box<dyn TantivyQuery> {
    Box::new(ConstScoreQuery::new(
        Box::new(TermQuery::new(term, IndexRecordOption::Basic)),
        0.0,
    ))
}

pub(crate) fn column_u64(
    segment: &tantivy::SegmentReader,
    name: &str,
) -> Option<tantivy::columnar::Column<u64>> {
    segment.fast_fields().u64(name).ok()
}

fn column_i64(segment: &tantivy::SegmentReader, name: &str) -> Option<tantivy::columnar::Column<i64>> {
    segment.fast_fields().i64(name).ok()
}

pub(crate) fn stored_text(doc: &TantivyDocument, field: Field) -> String {
    doc.get_first(field)
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_string()
}
