//! Free-text address parsing.
//!
//! The address is split into folded words ([`super::tokens`]); then every reading consistent with
//! the hierarchy is tried from the end of the text, where the units are: an optional province,
//! then either a legacy district (and optionally one of its wards) or a ward directly (2025 ward
//! or legacy ward of that province). Each unit covers a run of words that is a key of the name
//! index, optionally preceded by a type word ("phường", "P.", "Q.", "TP", …). Readings are scored
//! (words covered, type words that agree, tones that agree when the text has them) and the best
//! wins ([`super::result`]); readings that tie with another outcome make the match ambiguous.

use super::AdminUnits;
use super::index::{NameInfo, ProvinceHit, join};
use super::result::AddressMatch;
use super::tokens::{Kind, Level, Token, tokenize, types_before};

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
const SKIP_PENALTY: f32 = 1.0;
const ACCENT_WEIGHT: f32 = 0.6;
/// Cost of a bare leading name that ends a comma segment starting with other words.
const STREET_PENALTY: f32 = 3.5;

/// A ward of either scheme, by index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum WardRef {
    /// Index into the legacy wards.
    Legacy(u32),
    /// Index into the 2025 wards.
    New(u32),
}

/// One reading of the address.
#[derive(Debug, Clone)]
pub(super) struct Reading {
    /// Higher is better.
    pub score: f32,
    /// The province name matched, if any (it may designate a legacy and a 2025 province).
    pub province: Option<&'static [ProvinceHit]>,
    /// The legacy district matched, if any.
    pub district: Option<u32>,
    /// Whether the district came with its type word.
    pub district_typed: bool,
    /// The ward matched, if any.
    pub ward: Option<WardRef>,
    /// Whether the ward came with its type word.
    pub ward_typed: bool,
    /// A unit was accepted through the legacy → 2025 succession, not by its own province.
    pub via: bool,
    /// Trailing words left out.
    pub skipped: usize,
    /// Whether the leftmost unit is a district or ward without type word.
    pub bare_lead: bool,
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
    fn y2025(&self, province: u32) -> Option<bool> {
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
                    if let Some(via) = allowed.y2025(units.ward_2025_parent[w as usize]) {
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
}
