//! Legacy → 2025 conversion of wards.

use serde::Serialize;

use super::{AdminUnits, LegacyWard, Province2025, Ward2025, find};

/// Where a legacy ward went on 1 July 2025.
#[derive(Debug, Clone, Serialize)]
pub struct Conversion {
    /// The legacy ward converted.
    pub legacy: &'static LegacyWard,
    /// The 2025 ward that holds it (or, when divided, most of it: `is_default=1`).
    pub target: &'static Ward2025,
    /// The 2025 province of `target`.
    pub province: &'static Province2025,
    /// The other 2025 wards that received part of a divided legacy ward.
    pub alternatives: Vec<&'static Ward2025>,
    /// True when the legacy ward was divided: the right target depends on the exact place.
    pub needs_review: bool,
}

impl AdminUnits {
    /// Converts a legacy ward (by legacy code) to the 2025 ward(s) it became part of.
    ///
    /// Legacy `09542` (Phường Văn Quán, Quận Hà Đông, Hà Nội) was divided: the target is
    /// `09556` (Phường Hà Đông), with `00643` as alternative, and `needs_review` is true.
    pub fn convert_legacy_ward(&'static self, legacy_ward_code: &str) -> Option<Conversion> {
        let w = find(&self.legacy_ward_by_code, legacy_ward_code, 5)?;
        self.conversion(w)
    }

    /// Conversion of the legacy ward at this index.
    pub(super) fn conversion(&'static self, legacy_ward: usize) -> Option<Conversion> {
        let targets = self.targets.get(legacy_ward)?;
        let (&first, rest) = targets.split_first()?;
        let target = &self.wards_2025[first as usize];
        Some(Conversion {
            legacy: &self.legacy_wards[legacy_ward],
            target,
            province: &self.provinces_2025[self.ward_2025_parent[first as usize] as usize],
            alternatives: rest.iter().map(|&t| &self.wards_2025[t as usize]).collect(),
            needs_review: self.divided[legacy_ward] || !rest.is_empty(),
        })
    }
}
