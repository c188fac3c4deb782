//! [`SearchIndex::suggest`]: product names as the user types.

use tantivy::collector::TopDocs;
use tantivy::query::{
    BooleanQuery, ConstScoreQuery, DisjunctionMaxQuery, FuzzyTermQuery, Occur, Query as TantivyQuery,
    TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{TantivyDocument, Term};

use crate::SearchError;
use crate::analyzer::{self, HEAD_WORDS, fold_word, head_term};
use crate::index::SearchIndex;
use crate::query::{QueryWord, query_words};
use crate::schema::F_STARS;
use crate::search::{column_u64, stored_text};

impl SearchIndex {
    /// As-you-type suggestions: distinct product names (as displayed) whose words start with the
    /// typed words (or their Telex readings), in order of the typed words; best first (exact-accent and whole-word matches,
    /// then stars). Empty when the text has no word, or a single word of one letter.
    pub fn suggest(&self, prefix: &str, limit: usize) -> Result<Vec<String>, SearchError> {
        let limit = limit.min(50);
        let words = query_words(prefix);
        if limit == 0 || words.is_empty() || (words.len() == 1 && words[0].fold.chars().count() < 2) {
            return Ok(Vec::new());
        }
        let f = &self.fields;
        let mut clauses: Vec<(Occur, Box<dyn TantivyQuery>)> = Vec::new();
        let prefix = |field: Field, text: &str, score: f32| -> Box<dyn TantivyQuery> {
            let q = FuzzyTermQuery::new_prefix(Term::from_field_text(field, text), 0, false);
            Box::new(ConstScoreQuery::new(Box::new(q), score))
        };
        for w in &words {
            // Every typed word, as typed or as its Telex reading ("nuowcs" is "nước"), starts a
            // word of the name (folded), …
            let starts = std::iter::once(&w.fold)
                .chain(w.alternatives.iter().map(|(_, fold)| fold))
                .map(|fold| prefix(f.name_fold, fold, 1.0))
                .collect();
            clauses.push((Occur::Must, Box::new(DisjunctionMaxQuery::new(starts))));
            // … better with the accents typed, better still as a whole word.
            let exact = w.meant_exact();
            clauses.push((Occur::Should, prefix(f.name_exact, exact, 1.0)));
            let whole_exact = TermQuery::new(
                Term::from_field_text(f.name_exact, exact),
                IndexRecordOption::Basic,
            );
            clauses.push((
                Occur::Should,
                Box::new(ConstScoreQuery::new(Box::new(whole_exact), 0.5)),
            ));
        }
        // Names that start with the typed text come first.
        if words.len() <= HEAD_WORDS {
            let exact: Vec<&str> = words.iter().map(QueryWord::meant_exact).collect();
            let fold: Vec<&str> = words.iter().map(QueryWord::meant_fold).collect();
            clauses.push((Occur::Should, prefix(f.head_exact, &head_term(&exact), 3.0)));
            clauses.push((Occur::Should, prefix(f.head_fold, &head_term(&fold), 2.0)));
        }
        let query = BooleanQuery::new(clauses);
        let searcher = self.reader.searcher();
        let collector = TopDocs::with_limit(limit * 8).tweak_score(|segment: &tantivy::SegmentReader| {
            let stars = column_u64(segment, F_STARS);
            move |doc, score| (score, stars.as_ref().and_then(|c| c.first(doc)).unwrap_or(0))
        });
        let top = searcher.search(&query, &collector)?;
        let mut seen = std::collections::HashSet::new();
        let mut out = Vec::new();
        for (_, addr) in top {
            let doc: TantivyDocument = searcher.doc(addr)?;
            let name = stored_text(&doc, f.name_exact);
            let key: Vec<String> = analyzer::words(&name)
                .into_iter()
                .map(|w| fold_word(&w.text))
                .collect();
            if seen.insert(key) {
                out.push(name);
                if out.len() == limit {
                    break;
                }
            }
        }
        Ok(out)
    }
}
