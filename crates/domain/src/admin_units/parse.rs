//! Free-text address parsing.
//!
//! The address is split into folded words ([`super::tokens`]); then every reading consistent with
//! the hierarchy is tried from the end of the text, where the units are: an optional province,
//! then either a legacy district (and optionally one of its wards) or a ward directly (2025 ward
//! or legacy ward of that province). Each unit covers a run of words that is a key of the name
//! index, optionally preceded by a type word ("phường", "P.", "Q.", "TP", …). Readings are scored
//! (words covered, type words that agree, tones that agree when the text has them) and the best
//! wins; readings that tie with another outcome make the match ambiguous.

use serde::Serialize;

use super::index::{NameInfo, ProvinceHit, join};
use super::tokens::{Kind, Level, Token, tokenize, types_before};
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

/// Only the last words are read: the units are at the end of an address.
const MAX_WORDS: usize = 48;
/// Trailing words (postal code, notes) that may be skipped, at a cost each.
const MAX_SKIPPED: usize = 3;
/// Trailing words dropped before parsing.
const COUNTRY: [&[&str]; 3] = [&["viet", "nam"], &["vietnam"], &["vn"]];

const LEVEL_BONUS: f32 = 0.5;
const TYPE_MATCH: f32 = 1.0;
const TYPE_SAME_LEVEL: f32 = 0.4;
const WARD_BONUS: f32 = 0.3;
const NEW_WARD_BONUS: f32 = 0.2;
const VIA_PENALTY: f32 = 0.3;
const DANGLING_TYPE_PENALTY: f32 = 1.0;
const SKIP_PENALTY: f32 = 0.6;
const ACCENT_WEIGHT: f32 = 0.6;
/// Cost of a bare leading name that ends a comma segment starting with other words.
const STREET_PENALTY: f32 = 3.5;
/// Readings closer than this to the best are ties.
const TIE: f32 = 0.05;
/// Readings within this of the best are listed as alternatives.
const NEAR: f32 = 1.0;
const MAX_ALTERNATIVES: usize = 12;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum WardRef {
    Legacy(u32),
    New(u32),
}

/// One reading of the address.
#[derive(Debug, Clone)]
struct Reading {
    score: f32,
    province: Option<&'static [ProvinceHit]>,
    district: Option<u32>,
    district_typed: bool,
    ward: Option<WardRef>,
    ward_typed: bool,
    /// A unit was accepted through the legacy → 2025 succession, not by its own province.
    via: bool,
    skipped: usize,
    /// Whether the leftmost unit is a district or ward without type word.
    bare_lead: bool,
}

/// Which provinces a reading may take its lower units from.
#[derive(Clone, Copy)]
struct Allowed<'u> {
    units: &'u AdminUnits,
    /// `None`: no province given, anything goes.
    hits: Option<&'static [ProvinceHit]>,
}

impl Allowed<'_> {
    /// `Some(via)` if a unit of this legacy province fits, `via` when only by succession.
    fn legacy(&self, legacy_province: u32) -> Option<bool> {
        let hits = match self.hits {
            None => return Some(false),
            Some(hits) => hits,
        };
        if hits.contains(&ProvinceHit::Legacy(legacy_province)) {
            return Some(false);
        }
        let successor = self.units.successor[legacy_province as usize];
        hits.contains(&ProvinceHit::New(successor)).then_some(true)
    }

    /// `Some(via)` if a unit of this 2025 province fits, `via` when only by succession.
    fn new(&self, province: u32) -> Option<bool> {
        let hits = match self.hits {
            None => return Some(false),
            Some(hits) => hits,
        };
        if hits.contains(&ProvinceHit::New(province)) {
            return Some(false);
        }
        hits.iter()
            .any(|h| match *h {
                ProvinceHit::Legacy(l) => self.units.successor[l as usize] == province,
                ProvinceHit::New(_) => false,
            })
            .then_some(true)
    }
}

/// Reading state over one address.
struct Parser<'t> {
    units: &'static AdminUnits,
    tokens: &'t [Token],
    /// Whether the text carries diacritics at all (else tones cannot break ties).
    marked: bool,
    /// Whether the text separates its parts with commas.
    commas: bool,
    readings: Vec<Reading>,
}

impl Parser<'_> {
    fn key(&self, start: usize, end: usize) -> String {
        join(&self.tokens[start..end])
    }

    /// Ways to start a unit whose name begins at `start`: without type word, or after a type
    /// word of the right level, with the bonus it earns.
    fn type_options(&self, start: usize, level: Level, kinds: &[Option<Kind>]) -> Vec<(usize, f32)> {
        let mut options = vec![(start, 0.0)];
        for (kind, len) in types_before(self.tokens, start) {
            if kind.fits(level) {
                let bonus = if kinds.contains(&Some(kind)) {
                    TYPE_MATCH
                } else {
                    TYPE_SAME_LEVEL
                };
                options.push((start - len, bonus));
            }
        }
        options
    }

    /// Whether `start..end` is exactly one comma-separated segment of a text that has commas.
    fn whole_segment(&self, start: usize, end: usize) -> bool {
        self.commas && self.tokens[start].seg_start && self.tokens.get(end).is_none_or(|t| t.seg_start)
    }

    /// Bonus for the words of `start..end` whose tones agree with the unit's name.
    fn accent(&self, start: usize, end: usize, info: &NameInfo) -> f32 {
        if !self.marked || info.sigs.is_empty() {
            return 0.0;
        }
        let same = self.tokens[start..end]
            .iter()
            .zip(info.sigs.iter())
            .filter(|(t, s)| *t.sig == ***s)
            .count();
        ACCENT_WEIGHT * same as f32 / info.sigs.len() as f32
    }

    fn run(&mut self) {
        let n = self.tokens.len();
        let index = &self.units.index;
        for skipped in 0..=MAX_SKIPPED.min(n) {
            let end = n - skipped;
            let base = -(skipped as f32) * SKIP_PENALTY;
            self.below_province(end, None, base, skipped);
            for len in 1..=index.max_words.min(end) {
                let start = end - len;
                let Some(hits) = index.provinces.get(self.key(start, end).as_str()) else {
                    continue;
                };
                let infos: Vec<&NameInfo> = hits
                    .iter()
                    .map(|h| match *h {
                        ProvinceHit::Legacy(p) => &index.legacy_province_info[p as usize],
                        ProvinceHit::New(p) => &index.province_2025_info[p as usize],
                    })
                    .collect();
                let kinds: Vec<Option<Kind>> = infos.iter().map(|i| i.kind).collect();
                let accent = infos
                    .iter()
                    .map(|i| self.accent(start, end, i))
                    .fold(0.0, f32::max);
                for (from, bonus) in self.type_options(start, Level::Province, &kinds) {
                    let score = base + len as f32 + bonus + LEVEL_BONUS + accent;
                    self.below_province(from, Some(hits.as_slice()), score, skipped);
                }
            }
        }
    }

    /// Readings whose province (if any) starts at `end`.
    fn below_province(
        &mut self,
        end: usize,
        province: Option<&'static [ProvinceHit]>,
        score: f32,
        skipped: usize,
    ) {
        let units = self.units;
        let index = &units.index;
        let allowed = Allowed {
            units,
            hits: province,
        };
        let reading = Reading {
            score,
            province,
            district: None,
            district_typed: false,
            ward: None,
            ward_typed: false,
            via: false,
            skipped,
            bare_lead: false,
        };
        if province.is_some() {
            self.push(reading.clone(), end);
        }
        for len in 1..=index.max_words.min(end) {
            let start = end - len;
            let key = self.key(start, end);
            if let Some(districts) = index.districts.get(key.as_str()) {
                for &d in districts {
                    let Some(via) = allowed.legacy(units.legacy_district_parent[d as usize]) else {
                        continue;
                    };
                    let info = &index.district_info[d as usize];
                    for (from, bonus) in self.type_options(start, Level::District, &[info.kind]) {
                        if info.numeric && from == start && !self.whole_segment(start, end) {
                            continue;
                        }
                        let with_district = Reading {
                            score: score + len as f32 + bonus + LEVEL_BONUS + self.accent(start, end, info)
                                - if via { VIA_PENALTY } else { 0.0 },
                            district: Some(d),
                            district_typed: from < start,
                            via,
                            bare_lead: from == start,
                            ..reading.clone()
                        };
                        self.push(with_district.clone(), from);
                        self.wards(from, &with_district, None);
                    }
                }
            }
        }
        self.wards(end, &reading, Some(allowed));
    }

    /// Readings that add a ward ending at `end` to `reading`: a legacy ward of its district,
    /// or (without district) a 2025 or legacy ward of an allowed province.
    fn wards(&mut self, end: usize, reading: &Reading, allowed: Option<Allowed<'_>>) {
        let units = self.units;
        let index = &units.index;
        for len in 1..=index.max_words.min(end) {
            let start = end - len;
            let key = self.key(start, end);
            let mut found: Vec<(WardRef, bool)> = Vec::new();
            if let Some(wards) = index.legacy_wards.get(key.as_str()) {
                for &w in wards {
                    let (d, p) = units.legacy_ward_parents[w as usize];
                    match (reading.district, allowed) {
                        (Some(district), _) if district == d => found.push((WardRef::Legacy(w), false)),
                        (None, Some(allowed)) => {
                            if let Some(via) = allowed.legacy(p) {
                                found.push((WardRef::Legacy(w), via));
                            }
                        }
                        _ => {}
                    }
                }
            }
            if let (None, Some(allowed)) = (reading.district, allowed)
                && let Some(wards) = index.wards_2025.get(key.as_str())
            {
                for &w in wards {
                    if let Some(via) = allowed.new(units.ward_2025_parent[w as usize]) {
                        found.push((WardRef::New(w), via));
                    }
                }
            }
            for (ward, via) in found {
                let (info, extra) = match ward {
                    WardRef::Legacy(w) => (&index.legacy_ward_info[w as usize], 0.0),
                    WardRef::New(w) => (&index.ward_2025_info[w as usize], NEW_WARD_BONUS),
                };
                for (from, bonus) in self.type_options(start, Level::Ward, &[info.kind]) {
                    if info.numeric && from == start && !self.whole_segment(start, end) {
                        continue;
                    }
                    let score = reading.score
                        + len as f32
                        + bonus
                        + LEVEL_BONUS
                        + WARD_BONUS
                        + extra
                        + self.accent(start, end, info)
                        - if via { VIA_PENALTY } else { 0.0 };
                    let with_ward = Reading {
                        score,
                        ward: Some(ward),
                        ward_typed: from < start,
                        via: reading.via || via,
                        bare_lead: from == start,
                        ..reading.clone()
                    };
                    self.push(with_ward, from);
                }
            }
        }
    }

    /// Keeps a reading whose leftmost word is `start`, if it says enough.
    fn push(&mut self, mut reading: Reading, start: usize) {
        if reading.province.is_none() {
            let district_ok =
                reading.district.is_some() && (reading.district_typed || reading.ward.is_some());
            let ward_ok = reading.ward.is_some() && reading.ward_typed;
            if !district_ok && !ward_ok {
                return;
            }
        }
        if types_before(self.tokens, start).next().is_some() {
            reading.score -= DANGLING_TYPE_PENALTY;
        }
        // A bare name at the end of a comma segment that starts with other words is more likely
        // a street ("Số 12 đường Lê Lợi, …") than a unit.
        if reading.bare_lead && self.commas && !self.tokens[start].seg_start {
            reading.score -= STREET_PENALTY;
        }
        self.readings.push(reading);
    }
}

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
    /// Parses a free-text Vietnamese address into administrative units.
    ///
    /// Accepts accented or unaccented text in any case, with or without commas, with a street
    /// prefix, in the legacy three-level form ("P. Văn Quán, Q. Hà Đông, TP. Hà Nội") or the 2025
    /// two-level form ("Phường Hà Đông, Thành phố Hà Nội"), with the usual abbreviations (TP., T.,
    /// Q., H., TX., P., X., TT.), without type words ("Văn Quán, Hà Đông, Hà Nội"), numbered
    /// units ("P.5", "Q.1") and the common city nicknames (HN, TPHCM, Sài Gòn). Legacy units are
    /// converted to 2025 ones. Never panics; text without any unit gives [`AddressMatch::empty`].
    pub fn parse_address(&'static self, text: &str) -> AddressMatch {
        let mut tokens = tokenize(text);
        while let Some(words) = COUNTRY.iter().find(|w| {
            tokens.len() >= w.len()
                && tokens[tokens.len() - w.len()..]
                    .iter()
                    .zip(w.iter())
                    .all(|(t, w)| t.fold == *w)
        }) {
            tokens.truncate(tokens.len() - words.len());
        }
        if tokens.len() > MAX_WORDS {
            tokens.drain(..tokens.len() - MAX_WORDS);
        }
        let mut parser = Parser {
            units: self,
            marked: tokens.iter().any(|t| t.marked),
            commas: tokens.iter().skip(1).any(|t| t.seg_start),
            tokens: &tokens,
            readings: Vec::new(),
        };
        parser.run();
        self.decide(parser.readings)
    }

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
    fn decide(&'static self, mut readings: Vec<Reading>) -> AddressMatch {
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
