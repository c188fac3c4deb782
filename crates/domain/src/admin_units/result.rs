//! What address parsing returns, and how the best reading is chosen among all readings.

use serde::Serialize;

use super::index::ProvinceHit;
use super::parse::{Reading, WardRef};
use super::{AdminUnits, LegacyDistrict, LegacyProvince, LegacyWard, Province2025, Scheme, Ward2025};

/// What [`AdminUnits::parse_address`] found in an address.
#[derive(Debug, Clone, Serialize)]
pub struct AddressMatch {
    /// Which structure the text used: legacy when it names a legacy district or a ward that
    /// exists only in legacy data, 2025 when it names a 2025 ward and no district; `None` when
    /// nothing was found or the text cannot tell (a province name alone, like "Hà Nội").
    pub scheme: Option<Scheme>,
    /// The 2025 province, converted from legacy units when needed.
    pub province_2025: Option<&'static Province2025>,
    /// The 2025 ward, converted from the legacy ward when needed (the default target of a
    /// divided legacy ward).
    pub ward_2025: Option<&'static Ward2025>,
    /// The legacy units named, when the text was legacy-style.
    pub legacy: Option<LegacyMatch>,
    /// How sure the match is, from 0 (nothing found) to 1.
    pub confidence: f32,
    /// Other possible results: the other 2025 wards of a divided legacy ward, or the other
    /// readings when the text is ambiguous.
    pub alternatives: Vec<Candidate>,
    /// True when a person should check: divided legacy ward, ambiguous text, or units that do
    /// not quite fit together (an old province name with a 2025 ward, say).
    pub needs_review: bool,
}

/// Legacy units named by a legacy-style address.
#[derive(Debug, Clone, Serialize)]
pub struct LegacyMatch {
    /// The legacy province (given or implied by the district or ward).
    pub province: &'static LegacyProvince,
    /// The legacy district (given or implied by the ward), if any.
    pub district: Option<&'static LegacyDistrict>,
    /// The legacy ward, if any.
    pub ward: Option<&'static LegacyWard>,
}

/// Another possible result of an address.
#[derive(Debug, Clone, Serialize)]
pub struct Candidate {
    /// Its 2025 province.
    pub province_2025: &'static Province2025,
    /// Its 2025 ward, if the reading reached ward level.
    pub ward_2025: Option<&'static Ward2025>,
    /// The legacy ward it comes from, for legacy readings.
    pub legacy_ward: Option<&'static LegacyWard>,
    /// Plausibility from 0 to 1, on the same scale as [`AddressMatch::confidence`].
    pub score: f32,
}

impl AddressMatch {
    /// The match of an address in which nothing was found.
    pub fn empty() -> AddressMatch {
        AddressMatch {
            scheme: None,
            province_2025: None,
            ward_2025: None,
            legacy: None,
            confidence: 0.0,
            alternatives: Vec::new(),
            needs_review: false,
        }
    }

    /// Whether nothing was found.
    pub fn is_empty(&self) -> bool {
        self.province_2025.is_none() && self.ward_2025.is_none() && self.alternatives.is_empty()
    }
}

/// Readings closer than this to the best are ties.
const TIE: f32 = 0.05;
/// Readings within this of the best are listed as alternatives.
const NEAR: f32 = 1.0;
const MAX_ALTERNATIVES: usize = 12;

/// The result of a reading, in units.
#[derive(Debug, Clone, PartialEq)]
struct Outcome {
    scheme: Option<Scheme>,
    province_2025: Option<u32>,
    ward_2025: Option<u32>,
    /// Other targets of a divided legacy ward.
    divided: Vec<u32>,
    legacy_province: Option<u32>,
    legacy_district: Option<u32>,
    legacy_ward: Option<u32>,
}

impl AdminUnits {
    fn outcome(&self, reading: &Reading) -> Outcome {
        let mut o = Outcome {
            scheme: None,
            province_2025: None,
            ward_2025: None,
            divided: Vec::new(),
            legacy_province: None,
            legacy_district: None,
            legacy_ward: None,
        };
        match (reading.ward, reading.district, reading.province) {
            (Some(WardRef::Legacy(w)), _, _) => {
                let (d, p) = self.legacy_ward_parents[w as usize];
                o.scheme = Some(Scheme::Legacy);
                o.legacy_ward = Some(w);
                o.legacy_district = Some(d);
                o.legacy_province = Some(p);
                if let Some((&first, rest)) = self.targets[w as usize].split_first() {
                    o.ward_2025 = Some(first);
                    o.province_2025 = Some(self.ward_2025_parent[first as usize]);
                    o.divided = rest.to_vec();
                } else {
                    o.province_2025 = Some(self.successor[p as usize]);
                }
            }
            (Some(WardRef::New(w)), _, _) => {
                o.scheme = Some(Scheme::Y2025);
                o.ward_2025 = Some(w);
                o.province_2025 = Some(self.ward_2025_parent[w as usize]);
            }
            (None, Some(d), _) => {
                let p = self.legacy_district_parent[d as usize];
                o.scheme = Some(Scheme::Legacy);
                o.legacy_district = Some(d);
                o.legacy_province = Some(p);
                o.province_2025 = Some(self.successor[p as usize]);
            }
            (None, None, Some(hits)) => {
                let new = hits.iter().find_map(|h| match *h {
                    ProvinceHit::New(p) => Some(p),
                    ProvinceHit::Legacy(_) => None,
                });
                let legacy = hits.iter().find_map(|h| match *h {
                    ProvinceHit::Legacy(p) => Some(p),
                    ProvinceHit::New(_) => None,
                });
                match (new, legacy) {
                    (Some(n), Some(_)) => o.province_2025 = Some(n),
                    (Some(n), None) => {
                        o.scheme = Some(Scheme::Y2025);
                        o.province_2025 = Some(n);
                    }
                    (None, Some(l)) => {
                        o.scheme = Some(Scheme::Legacy);
                        o.legacy_province = Some(l);
                        o.province_2025 = Some(self.successor[l as usize]);
                    }
                    (None, None) => {}
                }
            }
            (None, None, None) => {}
        }
        o
    }

    /// Base confidence of an outcome reached by a reading.
    fn confidence(&self, reading: &Reading, o: &Outcome) -> f32 {
        let mut c: f32 = if o.ward_2025.is_some() {
            if reading.province.is_some() {
                0.95
            } else if reading.district.is_some() {
                0.85
            } else {
                0.6
            }
        } else if o.legacy_district.is_some() {
            0.6
        } else if o.province_2025.is_some() {
            0.5
        } else {
            0.0
        };
        if !o.divided.is_empty() {
            c *= 0.8;
        }
        if reading.via {
            c -= 0.1;
        }
        c -= 0.1 * reading.skipped as f32;
        c.clamp(0.0, 1.0)
    }

    fn candidate(&'static self, o: &Outcome, ward: Option<u32>, score: f32) -> Option<Candidate> {
        let province = match ward {
            Some(w) => self.ward_2025_parent[w as usize],
            None => o.province_2025?,
        };
        Some(Candidate {
            province_2025: &self.provinces_2025[province as usize],
            ward_2025: ward.map(|w| &self.wards_2025[w as usize]),
            legacy_ward: o.legacy_ward.map(|w| &self.legacy_wards[w as usize]),
            score: score.clamp(0.0, 1.0),
        })
    }

    /// Picks the best reading and lists the alternatives.
    pub(super) fn decide(&'static self, mut readings: Vec<Reading>) -> AddressMatch {
        readings.sort_by(|a, b| b.score.total_cmp(&a.score));
        let Some(best) = readings.first().map(|r| r.score) else {
            return AddressMatch::empty();
        };
        // Distinct outcomes, best reading of each first.
        let mut outcomes: Vec<(Outcome, &Reading)> = Vec::new();
        for r in &readings {
            if best - r.score > NEAR {
                break;
            }
            let o = self.outcome(r);
            if !outcomes.iter().any(|(seen, _)| *seen == o) {
                outcomes.push((o, r));
            }
        }
        let tied = outcomes
            .iter()
            .take_while(|(_, r)| best - r.score <= TIE)
            .count()
            .max(1);
        let (chosen, reading) = &outcomes[0];
        let ambiguous = outcomes[..tied]
            .iter()
            .any(|(o, _)| o.ward_2025 != chosen.ward_2025 || o.province_2025 != chosen.province_2025);
        // Without a province, a name found in several provinces is a guess.
        let elsewhere = reading.province.is_none()
            && outcomes
                .iter()
                .any(|(o, _)| o.province_2025 != chosen.province_2025);
        let mut confidence = self.confidence(reading, chosen);
        if ambiguous {
            confidence *= 0.5;
        } else if elsewhere {
            confidence *= 0.7;
        }

        let damp = if ambiguous { 0.5 } else { 1.0 };
        let relative =
            |r: &Reading, o: &Outcome| damp * self.confidence(r, o) * (1.0 - (best - r.score) / (2.0 * NEAR));
        let mut alternatives: Vec<Candidate> = Vec::new();
        let mut add = |c: Option<Candidate>| {
            if let Some(c) = c
                && !alternatives.iter().any(|a| {
                    a.province_2025.code == c.province_2025.code
                        && a.ward_2025.map(|w| w.code) == c.ward_2025.map(|w| w.code)
                })
            {
                alternatives.push(c);
            }
        };
        if ambiguous {
            add(self.candidate(chosen, chosen.ward_2025, relative(reading, chosen)));
        }
        for &w in &chosen.divided {
            add(self.candidate(chosen, Some(w), confidence * 0.5));
        }
        for (o, r) in outcomes.iter().skip(1) {
            if o.ward_2025.is_some() && o.ward_2025 == chosen.ward_2025 {
                continue;
            }
            if o.ward_2025.is_none() && !ambiguous && o.province_2025 == chosen.province_2025 {
                continue;
            }
            add(self.candidate(o, o.ward_2025, relative(r, o)));
        }
        alternatives.truncate(MAX_ALTERNATIVES);

        let mut m = AddressMatch {
            scheme: chosen.scheme,
            province_2025: chosen.province_2025.map(|p| &self.provinces_2025[p as usize]),
            ward_2025: chosen.ward_2025.map(|w| &self.wards_2025[w as usize]),
            legacy: chosen.legacy_province.map(|p| LegacyMatch {
                province: &self.legacy_provinces[p as usize],
                district: chosen.legacy_district.map(|d| &self.legacy_districts[d as usize]),
                ward: chosen.legacy_ward.map(|w| &self.legacy_wards[w as usize]),
            }),
            confidence,
            alternatives,
            needs_review: ambiguous || elsewhere || !chosen.divided.is_empty() || reading.via,
        };
        if ambiguous {
            // Keep only what every tied reading agrees on; the rest is in the alternatives.
            let all = &outcomes[..tied];
            if all.iter().any(|(o, _)| o.ward_2025 != chosen.ward_2025) {
                m.ward_2025 = None;
            }
            if all.iter().any(|(o, _)| o.province_2025 != chosen.province_2025) {
                m.province_2025 = None;
            }
            if all.iter().any(|(o, _)| o.scheme != chosen.scheme) {
                m.scheme = None;
            }
            if all.iter().any(|(o, _)| {
                o.legacy_ward != chosen.legacy_ward || o.legacy_district != chosen.legacy_district
            }) {
                m.legacy = None;
            }
        }
        m
    }
}
