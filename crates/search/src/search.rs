//! [`SearchIndex::search`]: the query, filters, order, page and facets.

use tantivy::schema::{Field, Value};
use tantivy::{DocAddress, Searcher, TantivyDocument, Term};

use crate::engine::Filters;
use crate::facets::{sorted, sorted_stars};
use crate::index::SearchIndex;
use crate::query::{query_words, text_plan};
use crate::{Hit, Query, Results, SearchError, Sort};

/// Most hits one search returns.
const MAX_LIMIT: usize = 200;
/// Deepest page offset.
const MAX_OFFSET: usize = 10_000;

impl SearchIndex {
    /// Searches the catalogue. Never fails on user text: any text gives results, possibly none.
    ///
    /// Products with every word first: when enough of them match, they are the answer (and
    /// only they are ranked); otherwise every product with any word.
    pub fn search(&self, q: &Query) -> Result<Results, SearchError> {
        let searcher = self.reader.searcher();
        let mut words = query_words(&q.text);
        self.correct_typos(&searcher, &mut words)?;
        let filters = Filters {
            province: q.province.as_deref(),
            group: q.group.as_deref(),
            alliance: q.alliance.as_deref(),
            stars: q.stars,
            producer: q
                .producer_id
                .as_deref()
                .map(|id| Term::from_field_text(self.fields.producer_id, id)),
        };
        let mut plan = text_plan(&self.fields, &self.boosts, &words);
        let sort = match (&plan, q.sort) {
            (None, Sort::Relevance) => Sort::Newest,
            (_, sort) => sort,
        };
        let (offset, limit) = (q.offset.min(MAX_OFFSET), q.limit.min(MAX_LIMIT));
        let mut found = self
            .engine
            .search(&searcher, plan.as_ref(), &filters, sort, offset, limit)?;
        // "đặc sản Đồng Tháp" and nothing of Đồng Tháp: the products that say "đặc sản", the
        // place first when some come, rather than nothing.
        if found.0 == 0
            && let Some(plan) = plan.as_mut()
            && plan.widen()
        {
            found = self
                .engine
                .search(&searcher, Some(plan), &filters, sort, offset, limit)?;
        }
        let (total, facets, page) = found;
        let hits = self.hits(&searcher, page)?;
        let did_you_mean = if total == 0 && plan.is_some() {
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

    /// Each hit's id, code, name and card, from the document store.
    fn hits(&self, searcher: &Searcher, page: Vec<(f32, DocAddress)>) -> Result<Vec<Hit>, SearchError> {
        page.into_iter()
            .map(|(score, addr)| {
                let doc: TantivyDocument = searcher.doc(addr)?;
                Ok(Hit {
                    id: stored_text(&doc, self.fields.id),
                    code: stored_text(&doc, self.fields.code),
                    score,
                    name: stored_text(&doc, self.fields.name_exact),
                    card: stored_text(&doc, self.fields.card),
                })
            })
            .collect()
    }
}

pub(crate) fn column_u64(
    segment: &tantivy::SegmentReader,
    name: &str,
) -> Option<tantivy::columnar::Column<u64>> {
    segment.fast_fields().u64(name).ok()
}

pub(crate) fn stored_text(doc: &TantivyDocument, field: Field) -> String {
    doc.get_first(field)
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_string()
}
