//! Indexes of unit names for address parsing.

use std::collections::HashMap;

use super::tokens::{Kind, Token, leading_type, tokenize};
use super::{LegacyDistrict, LegacyProvince, LegacyWard, Province2025, Ward2025};

/// A province that a name designates: legacy, 2025, or (usually) both with the same name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ProvinceHit {
    /// Index into the legacy provinces.
    Legacy(u32),
    /// Index into the 2025 provinces.
    New(u32),
}

/// What the parser needs to know about one unit's name.
#[derive(Debug)]
pub(super) struct NameInfo {
    /// The type its name starts with ("Phường …" → Phuong).
    pub kind: Option<Kind>,
    /// Tone signatures of the words of its name, type word excluded.
    pub sigs: Box<[Box<str>]>,
    /// Whether the name is only a number ("Phường 5", "Quận 1"): matched only after a type word.
    pub numeric: bool,
}

/// Names of all units, folded, without their type words.
#[derive(Debug, Default)]
pub(super) struct NameIndex {
    pub provinces: HashMap<Box<str>, Vec<ProvinceHit>>,
    pub districts: HashMap<Box<str>, Vec<u32>>,
    pub wards_2025: HashMap<Box<str>, Vec<u32>>,
    pub legacy_wards: HashMap<Box<str>, Vec<u32>>,
    pub province_2025_info: Vec<NameInfo>,
    pub legacy_province_info: Vec<NameInfo>,
    pub district_info: Vec<NameInfo>,
    pub ward_2025_info: Vec<NameInfo>,
    pub legacy_ward_info: Vec<NameInfo>,
    /// The longest key, in words: no longer span needs looking up.
    pub max_words: usize,
}

/// Other names in use for provinces: (alias, folded short name of the province).
const PROVINCE_ALIASES: [(&str, &str); 14] = [
    ("hn", "ha noi"),
    ("tphn", "ha noi"),
    ("hcm", "ho chi minh"),
    ("tphcm", "ho chi minh"),
    ("hcmc", "ho chi minh"),
    ("sai gon", "ho chi minh"),
    ("saigon", "ho chi minh"),
    ("sg", "ho chi minh"),
    ("hp", "hai phong"),
    ("thua thien hue", "hue"),
    ("tt hue", "hue"),
    ("brvt", "ba ria vung tau"),
    ("dac lac", "dak lak"),
    ("dac nong", "dak nong"),
];

/// Splits a unit name into its type and its matching key (folded words without the type).
fn name_key(name: &str) -> (String, NameInfo) {
    let tokens = tokenize(name);
    let (kind, skip) = match leading_type(&tokens) {
        Some((kind, len)) => (Some(kind), len),
        None => (None, 0),
    };
    let words: &[Token] = &tokens[skip..];
    let key = join(words);
    let numeric = !key.is_empty() && key.bytes().all(|b| b.is_ascii_digit());
    let sigs = words.iter().map(|t| t.sig.clone().into_boxed_str()).collect();
    (key, NameInfo { kind, sigs, numeric })
}

/// Joins the folded words with single spaces.
pub(super) fn join(words: &[Token]) -> String {
    let mut key = String::with_capacity(words.iter().map(|t| t.fold.len() + 1).sum());
    for (i, t) in words.iter().enumerate() {
        if i > 0 {
            key.push(' ');
        }
        key.push_str(&t.fold);
    }
    key
}

fn add<T: PartialEq>(map: &mut HashMap<Box<str>, Vec<T>>, key: &str, value: T) {
    if key.is_empty() {
        return;
    }
    let entry = map.entry(key.into()).or_default();
    if !entry.contains(&value) {
        entry.push(value);
    }
}

impl NameIndex {
    /// Indexes every unit by its folded name without type word.
    pub fn build(
        provinces_2025: &[Province2025],
        legacy_provinces: &[LegacyProvince],
        districts: &[LegacyDistrict],
        wards_2025: &[Ward2025],
        legacy_wards: &[LegacyWard],
    ) -> NameIndex {
        let mut index = NameIndex::default();

        let add_province = |index: &mut NameIndex, short: &str, hit: ProvinceHit| {
            let key = join(&tokenize(short));
            add(&mut index.provinces, &key, hit);
            add(&mut index.provinces, &key.replace(' ', ""), hit);
        };
        for (i, p) in provinces_2025.iter().enumerate() {
            add_province(&mut index, p.short_name, ProvinceHit::New(i as u32));
            index.province_2025_info.push(name_key(p.name).1);
        }
        for (i, p) in legacy_provinces.iter().enumerate() {
            add_province(&mut index, p.short_name, ProvinceHit::Legacy(i as u32));
            index.legacy_province_info.push(name_key(p.name).1);
        }
        for (alias, name) in PROVINCE_ALIASES {
            let hits = index.provinces.get(name).cloned().unwrap_or_default();
            for hit in hits {
                add(&mut index.provinces, alias, hit);
            }
        }

        for (i, d) in districts.iter().enumerate() {
            let (key, info) = name_key(d.name);
            add(&mut index.districts, &key, i as u32);
            index.district_info.push(info);
        }
        for (i, w) in wards_2025.iter().enumerate() {
            let (key, info) = name_key(w.name);
            add(&mut index.wards_2025, &key, i as u32);
            index.ward_2025_info.push(info);
        }
        for (i, w) in legacy_wards.iter().enumerate() {
            let (key, info) = name_key(w.name);
            add(&mut index.legacy_wards, &key, i as u32);
            index.legacy_ward_info.push(info);
        }

        index.max_words = index
            .provinces
            .keys()
            .chain(index.districts.keys())
            .chain(index.wards_2025.keys())
            .chain(index.legacy_wards.keys())
            .map(|k| k.split(' ').count())
            .max()
            .unwrap_or(1);
        index
    }
}
