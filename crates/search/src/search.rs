//! [`SearchIndex::search`]: the query, filters, order, page and facets.

use tantivy::collector::{Count, TopDocs};
use tantivy::query::{AllQuery, BooleanQuery, ConstScoreQuery, Occur, Query as TantivyQuery, TermQuery};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::{DocAddress, Searcher, TantivyDocument, Term};

use crate::facets::{FacetCollector, sorted, sorted_stars};
use crate::index::SearchIndex;
use crate::query::{query_words, text_query};
use crate::schema::{F_PUBLISHED, F_STARS};
use crate::{Hit, Query, Results, SearchError, Sort};

/// Most hits one search returns.
const MAX_LIMIT: usize = 200;
/// Deepest page offset.
const MAX_OFFSET: usize = 10_000;

impl SearchIndex {
    /// Searches the catalogue. Never fails on user text: any text gives results, possibly none.
    pub fn search(&self, q: &Query) -> Result<Results, SearchError> {
        let searcher = self.reader.searcher();
        let mut words = query_words(&q.text);
        self.correct_typos(&searcher, &mut words)?;
        let text = text_query(&self.fields, &self.boosts, &words);
        let has_text = text.is_some();
        let mut must: Vec<(Occur, Box<dyn TantivyQuery>)> = Vec::new();
        must.push((Occur::Must, text.unwrap_or_else(|| Box::new(AllQuery))));
        let f = &self.fields;
        let filters = [
            (f.province_code, q.province.as_deref()),
            (f.group, q.group.as_deref()),
            (f.producer_id, q.producer_id.as_deref()),
            (f.alliance, q.alliance.as_deref()),
        ];
        for (field, value) in filters {
            if let Some(v) = value {
                must.push((Occur::Must, filter(Term::from_field_text(field, v))));
            }
        }
        if let Some(stars) = q.stars {
            must.push((
                Occur::Must,
                filter(Term::from_field_u64(f.stars, u64::from(stars))),
            ));
        }
        let query = BooleanQuery::new(must);

        let limit = q.limit.min(MAX_LIMIT);
        let offset = q.offset.min(MAX_OFFSET);
        let sort = if has_text {
            q.sort
        } else if q.sort == Sort::Relevance {
            Sort::Newest
        } else {
            q.sort
        };
        let (total, facets, page) = if limit == 0 {
            let (total, facets) = searcher.search(&query, &(Count, FacetCollector))?;
            (total, facets, Vec::new())
        } else {
            let top = TopDocs::with_limit(limit).and_offset(offset);
            let (total, facets, page) = match sort {
                Sort::Relevance => {
                    let (t, fc, p) =
                        searcher.search(&query, &(Count, FacetCollector, top.order_by_score()))?;
                    (t, fc, p)
                }
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
                    let (t, fc, p) = searcher.search(&query, &(Count, FacetCollector, collector))?;
                    (
                        t,
                        fc,
                        p.into_iter().map(|((_, score, _), addr)| (score, addr)).collect(),
                    )
                }
                Sort::Newest => {
                    let collector = top.tweak_score(|segment: &tantivy::SegmentReader| {
                        let published = column_i64(segment, F_PUBLISHED);
                        move |doc, score| {
                            let p = published.as_ref().and_then(|c| c.first(doc)).unwrap_or(0);
                            (p, score)
                        }
                    });
                    let (t, fc, p) = searcher.search(&query, &(Count, FacetCollector, collector))?;
                    (
                        t,
                        fc,
                        p.into_iter().map(|((_, score), addr)| (score, addr)).collect(),
                    )
                }
            };
            (total, facets, page)
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
