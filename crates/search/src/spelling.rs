//! Typos: correcting unknown query words, and "did you mean" when nothing matched.

use std::collections::HashMap;

use tantivy::query::FuzzyTermQuery;
use tantivy::schema::Field;
use tantivy::{Searcher, Term};

use crate::SearchError;
use crate::index::SearchIndex;
use crate::query::{MIN_FUZZY_CHARS, QueryWord};

/// Most typos for "did you mean".
const SUGGESTION_DISTANCE: u8 = 2;

impl SearchIndex {
    /// Gives each unknown word of five letters or more (in no name, province, producer or
    /// description) the one or two most frequent name words one typo away as alternatives; and
    /// an unknown accented word starting with d ("dường") its reading with đ ("đường"): people
    /// who type accents without a đ key.
    pub(crate) fn correct_typos(
        &self,
        searcher: &Searcher,
        words: &mut [QueryWord],
    ) -> Result<(), SearchError> {
        let f = &self.fields;
        for w in words.iter_mut() {
            if let Some(rest) = w.exact.strip_prefix('d')
                && w.exact != w.fold
                && w.alternatives.is_empty()
                && searcher.doc_freq(&Term::from_field_text(f.name_exact, &w.exact))? == 0
                && searcher.doc_freq(&Term::from_field_text(f.description_exact, &w.exact))? == 0
            {
                let with_dong = format!("đ{rest}");
                if searcher.doc_freq(&Term::from_field_text(f.name_exact, &with_dong))? > 0 {
                    w.alternatives.push((with_dong, w.fold.clone()));
                    continue;
                }
            }
            if w.fold.chars().count() < MIN_FUZZY_CHARS || !w.alternatives.is_empty() {
                continue;
            }
            let mut known = false;
            for field in [f.name_fold, f.description_fold, f.province_fold, f.producer_fold] {
                if searcher.doc_freq(&Term::from_field_text(field, &w.fold))? > 0 {
                    known = true;
                    break;
                }
            }
            if known {
                continue;
            }
            let mut found = self.name_words_near(searcher, f.name_fold, &w.fold, 1)?;
            found.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            w.alternatives
                .extend(found.into_iter().take(2).map(|(t, _)| (t.clone(), t)));
        }
        Ok(())
    }

    /// The words of `field` within `distance` typos of `word`, with their document counts.
    fn name_words_near(
        &self,
        searcher: &Searcher,
        field: Field,
        word: &str,
        distance: u8,
    ) -> Result<Vec<(String, u64)>, SearchError> {
        let automaton =
            FuzzyTermQuery::new(Term::from_field_text(field, word), distance, true).automaton()?;
        let mut found: HashMap<String, u64> = HashMap::new();
        for segment in searcher.segment_readers() {
            let inverted = segment.inverted_index(field)?;
            let mut stream = inverted.terms().search(&automaton).into_stream()?;
            while stream.advance() {
                if let Ok(text) = std::str::from_utf8(stream.key()) {
                    *found.entry(text.to_string()).or_default() += u64::from(stream.value().doc_freq);
                }
            }
        }
        Ok(found.into_iter().collect())
    }

    /// Each query word unknown to the names, replaced by the most frequent name word within
    /// [`SUGGESTION_DISTANCE`] typos; `None` when no word changes.
    pub(crate) fn did_you_mean(
        &self,
        searcher: &Searcher,
        words: &[QueryWord],
    ) -> Result<Option<String>, SearchError> {
        let field = self.fields.name_fold;
        let mut changed = false;
        let mut out = Vec::with_capacity(words.len());
        for w in words {
            let term = Term::from_field_text(field, &w.fold);
            if w.fold.chars().count() < 3 || searcher.doc_freq(&term)? > 0 {
                out.push(w.fold.clone());
                continue;
            }
            match self.closest_name_word(searcher, field, &w.fold)? {
                Some(better) => {
                    changed = true;
                    out.push(better);
                }
                None => out.push(w.fold.clone()),
            }
        }
        Ok(changed.then(|| out.join(" ")))
    }

    /// The name word closest to `word` (fewest typos, then most products, then alphabetical).
    fn closest_name_word(
        &self,
        searcher: &Searcher,
        field: Field,
        word: &str,
    ) -> Result<Option<String>, SearchError> {
        let found = self.name_words_near(searcher, field, word, SUGGESTION_DISTANCE)?;
        Ok(found
            .into_iter()
            .map(|(t, df)| (osa_distance(word, &t), std::cmp::Reverse(df), t))
            .min()
            .map(|(_, _, t)| t))
    }
}

/// Optimal string alignment distance (Levenshtein with adjacent transpositions), on characters.
fn osa_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1).min(d[i][j - 1] + 1).min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn osa_counts_a_transposition_as_one() {
        assert_eq!(osa_distance("huong", "huogn"), 1);
        assert_eq!(osa_distance("mat", "mật"), 1);
        assert_eq!(osa_distance("", "ab"), 2);
    }
}
