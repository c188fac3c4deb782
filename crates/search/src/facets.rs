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

/// The values of one text facet in a segment; a document's value is kept as its index plus one
/// (0: none).
#[derive(Debug, Default)]
pub(crate) struct TextFacet {
    values: Vec<String>,
}

impl TextFacet {
    /// The values, and each document's value index plus one.
    fn read(reader: &SegmentReader, field: &str) -> tantivy::Result<(Self, Vec<u16>)> {
        let Some(column) = reader.fast_fields().str(field)? else {
            return Ok((TextFacet::default(), vec![0; reader.max_doc() as usize]));
        };
        let of_doc = (0..reader.max_doc())
            .map(|doc| {
                column
                    .term_ords(doc)
                    .next()
                    // Facet values are codes of a closed list (provinces, groups, alliances):
                    // far fewer than 65,535 in a segment.
                    .and_then(|ord| u16::try_from(ord + 1).ok())
                    .unwrap_or(0)
            })
            .collect();
        Ok((
            TextFacet {
                values: values(&column)?,
            },
            of_doc,
        ))
    }

    /// The value index plus one of a value in this segment, 0 when no document has it.
    pub(crate) fn code_of(&self, value: &str) -> u16 {
        self.values
            .iter()
            .position(|v| v == value)
            .and_then(|i| u16::try_from(i + 1).ok())
            .unwrap_or(0)
    }

    fn harvest(&self, counts: &[u64], into: &mut HashMap<String, u64>) {
        for (value, &count) in self.values.iter().zip(counts.iter().skip(1)) {
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

/// A document's facet values: province, group and alliance (value index plus one, 0: none) and
/// stars (0: not rated).
pub(crate) type Combination = [u16; 4];

/// The facet values of every document of one segment. Few products differ in all four
/// (provinces, groups, alliances and stars are short closed lists), so each document keeps the
/// index of its combination of values: counting a match is one increment, and a filter one
/// look-up of the combinations it lets through.
#[derive(Debug)]
pub(crate) struct SegmentFacets {
    pub province: TextFacet,
    pub group: TextFacet,
    pub alliance: TextFacet,
    /// The combinations present; the first is "no value at all".
    combinations: Vec<Combination>,
    /// Each document's combination.
    of_doc: OfDoc,
}

/// Each document's combination of values, in two bytes when the segment has at most 65,536
/// combinations (every catalogue so far: a few thousand): counting reads this array at each
/// match, and half the bytes is half the memory it brings into the processor's caches.
#[derive(Debug)]
enum OfDoc {
    Narrow(Vec<u16>),
    Wide(Vec<u32>),
}

impl OfDoc {
    fn new(of_doc: Vec<u32>, combinations: usize) -> Self {
        if combinations <= usize::from(u16::MAX) + 1 {
            OfDoc::Narrow(of_doc.into_iter().map(|c| c as u16).collect())
        } else {
            OfDoc::Wide(of_doc)
        }
    }

    #[inline]
    fn get(&self, doc: DocId) -> usize {
        match self {
            OfDoc::Narrow(v) => v.get(doc as usize).map_or(0, |&c| usize::from(c)),
            OfDoc::Wide(v) => v.get(doc as usize).map_or(0, |&c| c as usize),
        }
    }
}

impl SegmentFacets {
    pub(crate) fn read(reader: &SegmentReader) -> tantivy::Result<Self> {
        let (province, provinces) = TextFacet::read(reader, F_PROVINCE)?;
        let (group, groups) = TextFacet::read(reader, F_GROUP)?;
        let (alliance, alliances) = TextFacet::read(reader, F_ALLIANCE)?;
        let stars = reader.fast_fields().u64(F_STARS)?;
        let mut combinations = vec![[0; 4]];
        let mut index: HashMap<Combination, u32> = HashMap::from([([0; 4], 0)]);
        let of_doc: Vec<u32> = (0..reader.max_doc())
            .map(|doc| {
                let d = doc as usize;
                let stars = stars.first(doc).map_or(0, |s| s.min(255) as u16);
                let c = [provinces[d], groups[d], alliances[d], stars];
                *index.entry(c).or_insert_with(|| {
                    combinations.push(c);
                    (combinations.len() - 1) as u32
                })
            })
            .collect();
        Ok(SegmentFacets {
            province,
            group,
            alliance,
            of_doc: OfDoc::new(of_doc, combinations.len()),
            combinations,
        })
    }

    /// The combinations of values present in the segment, by index.
    pub(crate) fn combinations(&self) -> &[Combination] {
        &self.combinations
    }

    /// A document's combination of values (see [`Self::combinations`]).
    #[inline]
    pub(crate) fn combination_of(&self, doc: DocId) -> usize {
        self.of_doc.get(doc)
    }

    #[inline]
    pub(crate) fn stars_of(&self, doc: DocId) -> u8 {
        self.combinations
            .get(self.combination_of(doc))
            .map_or(0, |c| c[3] as u8)
    }

    /// A counter of this segment's values.
    pub(crate) fn counter(&self) -> SegmentCounter {
        SegmentCounter {
            counts: vec![0; self.combinations.len()],
        }
    }
}

/// Matches of one segment by combination of facet values.
pub(crate) struct SegmentCounter {
    counts: Vec<u32>,
}

impl SegmentCounter {
    #[inline]
    pub(crate) fn count(&mut self, facets: &SegmentFacets, doc: DocId) {
        if let Some(c) = self.counts.get_mut(facets.combination_of(doc)) {
            *c += 1;
        }
    }

    /// Adds these counts, by value, to `into`.
    pub(crate) fn harvest(&self, facets: &SegmentFacets, into: &mut FacetCounts) {
        let mut province = vec![0; facets.province.values.len() + 1];
        let mut group = vec![0; facets.group.values.len() + 1];
        let mut alliance = vec![0; facets.alliance.values.len() + 1];
        let mut stars = [0u64; 256];
        for (c, &count) in facets.combinations.iter().zip(&self.counts) {
            let count = u64::from(count);
            for (counts, value) in [(&mut province, c[0]), (&mut group, c[1]), (&mut alliance, c[2])] {
                if let Some(n) = counts.get_mut(usize::from(value)) {
                    *n += count;
                }
            }
            stars[usize::from(c[3].min(255))] += count;
        }
        facets.province.harvest(&province, &mut into.provinces);
        facets.group.harvest(&group, &mut into.groups);
        facets.alliance.harvest(&alliance, &mut into.alliances);
        for (stars, &count) in stars.iter().enumerate().skip(1) {
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

#[cfg(test)]
mod tests {
    use super::OfDoc;

    #[test]
    fn combinations_are_kept_in_two_bytes_only_while_they_fit() {
        let of_doc = vec![0, 65_535, 7];
        let narrow = OfDoc::new(of_doc.clone(), 65_536);
        assert!(matches!(narrow, OfDoc::Narrow(_)));
        let wide = OfDoc::new(vec![0, 65_536, 7], 65_537);
        assert!(matches!(wide, OfDoc::Wide(_)));
        assert_eq!((0..3).map(|d| narrow.get(d)).collect::<Vec<_>>(), [0, 65_535, 7]);
        assert_eq!((0..3).map(|d| wide.get(d)).collect::<Vec<_>>(), [0, 65_536, 7]);
        // A document past the end (none is asked for) has no values.
        assert_eq!(narrow.get(3), 0);
    }
}
