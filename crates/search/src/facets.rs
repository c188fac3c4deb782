//! Facet counts over the matching documents, read from fast fields (no stored document is
//! loaded).

use std::collections::HashMap;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

use crate::Facet;
use crate::schema::{F_ALLIANCE, F_GROUP, F_PROVINCE, F_STARS};

/// Counts provinces, groups, alliances and stars of the matching documents.
pub(crate) struct FacetCollector;

/// Counts by value, for each facet.
#[derive(Debug, Default)]
pub(crate) struct FacetCounts {
    pub provinces: HashMap<String, u64>,
    pub groups: HashMap<String, u64>,
    pub alliances: HashMap<String, u64>,
    pub stars: HashMap<u64, u64>,
}

/// One string facet of one segment: counts by term ordinal.
struct StrCounts {
    column: Option<StrColumn>,
    counts: Vec<u64>,
}

impl StrCounts {
    fn open(reader: &SegmentReader, field: &str) -> tantivy::Result<Self> {
        let column = reader.fast_fields().str(field)?;
        let len = column.as_ref().map_or(0, |c| c.num_terms());
        Ok(StrCounts {
            column,
            counts: vec![0; len],
        })
    }

    fn collect(&mut self, doc: DocId) {
        if let Some(column) = &self.column {
            for ord in column.term_ords(doc) {
                if let Some(c) = self.counts.get_mut(ord as usize) {
                    *c += 1;
                }
            }
        }
    }

    fn harvest(self) -> HashMap<String, u64> {
        let mut out = HashMap::new();
        let Some(column) = self.column else {
            return out;
        };
        let mut value = String::new();
        for (ord, &count) in self.counts.iter().enumerate() {
            if count == 0 {
                continue;
            }
            value.clear();
            if column.ord_to_str(ord as u64, &mut value).unwrap_or(false) {
                *out.entry(value.clone()).or_default() += count;
            }
        }
        out
    }
}

pub(crate) struct FacetSegmentCollector {
    provinces: StrCounts,
    groups: StrCounts,
    alliances: StrCounts,
    stars_column: Column<u64>,
    stars: HashMap<u64, u64>,
}

impl Collector for FacetCollector {
    type Fruit = FacetCounts;
    type Child = FacetSegmentCollector;

    fn for_segment(
        &self,
        _segment_local_id: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<FacetSegmentCollector> {
        Ok(FacetSegmentCollector {
            provinces: StrCounts::open(reader, F_PROVINCE)?,
            groups: StrCounts::open(reader, F_GROUP)?,
            alliances: StrCounts::open(reader, F_ALLIANCE)?,
            stars_column: reader.fast_fields().u64(F_STARS)?,
            stars: HashMap::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<FacetCounts>) -> tantivy::Result<FacetCounts> {
        fn add<K: std::hash::Hash + Eq>(into: &mut HashMap<K, u64>, from: HashMap<K, u64>) {
            for (k, v) in from {
                *into.entry(k).or_default() += v;
            }
        }
        let mut all = FacetCounts::default();
        for f in fruits {
            add(&mut all.provinces, f.provinces);
            add(&mut all.groups, f.groups);
            add(&mut all.alliances, f.alliances);
            add(&mut all.stars, f.stars);
        }
        Ok(all)
    }
}

impl SegmentCollector for FacetSegmentCollector {
    type Fruit = FacetCounts;

    fn collect(&mut self, doc: DocId, _score: Score) {
        self.provinces.collect(doc);
        self.groups.collect(doc);
        self.alliances.collect(doc);
        if let Some(s) = self.stars_column.first(doc) {
            *self.stars.entry(s).or_default() += 1;
        }
    }

    fn harvest(self) -> FacetCounts {
        FacetCounts {
            provinces: self.provinces.harvest(),
            groups: self.groups.harvest(),
            alliances: self.alliances.harvest(),
            stars: self.stars,
        }
    }
}

/// Facets sorted by count (most first), then value.
pub(crate) fn sorted(counts: HashMap<String, u64>) -> Vec<Facet> {
    let mut v: Vec<Facet> = counts
        .into_iter()
        .map(|(value, count)| Facet { value, count })
        .collect();
    v.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
    v
}

/// Star facets, most stars first.
pub(crate) fn sorted_stars(counts: HashMap<u64, u64>) -> Vec<Facet> {
    let mut v: Vec<(u64, u64)> = counts.into_iter().collect();
    v.sort_by_key(|f| std::cmp::Reverse(f.0));
    v.into_iter()
        .map(|(stars, count)| Facet {
            value: stars.to_string(),
            count,
        })
        .collect()
}
