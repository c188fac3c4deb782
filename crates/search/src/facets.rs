//! Facet values of every document of a segment, read once from the fast fields into dense
//! arrays, and the counts of the matching documents.

use std::collections::HashMap;

use tantivy::columnar::StrColumn;
use tantivy::{DocId, SegmentReader};

use crate::Facet;
use crate::schema::{F_ALLIANCE, F_GROUP, F_PROVINCE, F_STARS};

/// Counts by value, for each facet.
#[derive(Debug, Default)]
pub(crate) struct FacetCounts {
    pub provinces: HashMap<String, u64>,
    pub groups: HashMap<String, u64>,
    pub alliances: HashMap<String, u64>,
    pub stars: HashMap<u64, u64>,
}

/// One text facet of a segment: the values, and each document's value as its index plus one
/// (0: none).
#[derive(Debug, Default)]
pub(crate) struct TextFacet {
    values: Vec<String>,
    of_doc: Vec<u16>,
}

impl TextFacet {
    fn read(reader: &SegmentReader, field: &str) -> tantivy::Result<Self> {
        let Some(column) = reader.fast_fields().str(field)? else {
            return Ok(TextFacet::default());
        };
        Ok(TextFacet {
            values: values(&column)?,
            of_doc: (0..reader.max_doc())
                .map(|doc| {
                    column
                        .term_ords(doc)
                        .next()
                        // Facet values are codes of a closed list (provinces, groups,
                        // alliances): far fewer than 65,535 in a segment.
                        .and_then(|ord| u16::try_from(ord + 1).ok())
                        .unwrap_or(0)
                })
                .collect(),
        })
    }

    /// The value index plus one of a value in this segment, 0 when no document has it.
    pub(crate) fn code_of(&self, value: &str) -> u16 {
        self.values
            .iter()
            .position(|v| v == value)
            .and_then(|i| u16::try_from(i + 1).ok())
            .unwrap_or(0)
    }

    #[inline]
    pub(crate) fn of(&self, doc: DocId) -> u16 {
        self.of_doc.get(doc as usize).copied().unwrap_or(0)
    }

    fn counter(&self) -> Vec<u64> {
        vec![0; self.values.len() + 1]
    }

    fn harvest(&self, counts: &[u64], into: &mut HashMap<String, u64>) {
        for (value, &count) in self.values.iter().zip(&counts[1..]) {
            if count > 0 {
                *into.entry(value.clone()).or_default() += count;
            }
        }
    }
}

fn values(column: &StrColumn) -> tantivy::Result<Vec<String>> {
    let mut out = Vec::with_capacity(column.num_terms());
    for ord in 0..column.num_terms() as u64 {
        let mut value = String::new();
        column.ord_to_str(ord, &mut value)?;
        out.push(value);
    }
    Ok(out)
}

/// The facet values of every document of one segment.
#[derive(Debug)]
pub(crate) struct SegmentFacets {
    pub province: TextFacet,
    pub group: TextFacet,
    pub alliance: TextFacet,
    /// Stars of each document, 0 when not rated.
    pub stars: Vec<u8>,
}

impl SegmentFacets {
    pub(crate) fn read(reader: &SegmentReader) -> tantivy::Result<Self> {
        let stars = reader.fast_fields().u64(F_STARS)?;
        Ok(SegmentFacets {
            province: TextFacet::read(reader, F_PROVINCE)?,
            group: TextFacet::read(reader, F_GROUP)?,
            alliance: TextFacet::read(reader, F_ALLIANCE)?,
            stars: (0..reader.max_doc())
                .map(|doc| stars.first(doc).map_or(0, |s| s.min(255) as u8))
                .collect(),
        })
    }

    #[inline]
    pub(crate) fn stars_of(&self, doc: DocId) -> u8 {
        self.stars.get(doc as usize).copied().unwrap_or(0)
    }

    /// A counter of this segment's values.
    pub(crate) fn counter(&self) -> SegmentCounter {
        SegmentCounter {
            province: self.province.counter(),
            group: self.group.counter(),
            alliance: self.alliance.counter(),
            stars: [0; 256],
        }
    }
}

/// Counts of one segment's facet values, by value index.
pub(crate) struct SegmentCounter {
    province: Vec<u64>,
    group: Vec<u64>,
    alliance: Vec<u64>,
    stars: [u64; 256],
}

impl SegmentCounter {
    #[inline]
    pub(crate) fn count(&mut self, facets: &SegmentFacets, doc: DocId) {
        self.province[facets.province.of(doc) as usize] += 1;
        self.group[facets.group.of(doc) as usize] += 1;
        self.alliance[facets.alliance.of(doc) as usize] += 1;
        self.stars[facets.stars_of(doc) as usize] += 1;
    }

    /// Adds these counts, by value, to `into`.
    pub(crate) fn harvest(&self, facets: &SegmentFacets, into: &mut FacetCounts) {
        facets.province.harvest(&self.province, &mut into.provinces);
        facets.group.harvest(&self.group, &mut into.groups);
        facets.alliance.harvest(&self.alliance, &mut into.alliances);
        for (stars, &count) in self.stars.iter().enumerate().skip(1) {
            if count > 0 {
                *into.stars.entry(stars as u64).or_default() += count;
            }
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
