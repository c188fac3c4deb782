//! Accuracy of `parse_address` on addresses generated from the embedded data.
//!
//! Addresses are drawn deterministically (an LCG with a fixed seed): half from 2025 wards in the
//! two-level form, half from legacy wards in the three-level form. Each is written in several
//! variants (full, abbreviated, unaccented, lowercase, uppercase, without type words), sometimes
//! with a street prefix, with or without commas. The expected result of a legacy address is the
//! default (`is_default=1`) 2025 target of its ward.
//!
//! Run with `cargo test -p lienket-domain --test address_accuracy -- --nocapture` to see the figures.

use std::collections::BTreeMap;
use std::time::Instant;

use lienket_domain::admin_units::{AdminUnits, units};
use lienket_domain::text::fold;

/// Addresses drawn per scheme.
const PER_SCHEME: usize = 400;

/// A 64-bit linear congruential generator (Knuth's MMIX constants).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u32 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) as u32
    }

    fn below(&mut self, n: usize) -> usize {
        self.next() as usize % n.max(1)
    }

    fn chance(&mut self, percent: u32) -> bool {
        self.next() % 100 < percent
    }
}

/// The units of one generated address, from province (last) to ward (first).
struct Parts {
    /// (type word, name without type word) for ward, [district], province.
    units: Vec<(String, String)>,
    expected_province: &'static str,
    expected_ward: &'static str,
}

/// Splits "Phường Văn Quán" into ("Phường", "Văn Quán") knowing the type word.
fn split_type(name: &str, type_word: &str) -> (String, String) {
    let n = type_word.chars().count();
    let head: String = name.chars().take(n).collect();
    if fold(&head) == fold(type_word) {
        let rest: String = name.chars().skip(n).collect();
        (head, rest.trim().to_string())
    } else {
        (String::new(), name.to_string())
    }
}

fn province_type(name: &str) -> &'static str {
    if fold(name).starts_with("thanh pho") {
        "Thành phố"
    } else {
        "Tỉnh"
    }
}

fn draw_2025(u: &'static AdminUnits, rng: &mut Lcg) -> Parts {
    let provinces = u.provinces_2025();
    let p = &provinces[rng.below(provinces.len())];
    let wards = u.wards_2025(p.code);
    let w = &wards[rng.below(wards.len())];
    let ward_type = if fold(w.name).starts_with(&fold(w.ward_type)) {
        w.ward_type
    } else {
        // A few rows of the source have a type column that disagrees with the name.
        w.name.split(' ').next().unwrap_or(w.ward_type)
    };
    Parts {
        units: vec![
            split_type(w.name, ward_type),
            split_type(p.name, province_type(p.name)),
        ],
        expected_province: p.code,
        expected_ward: w.code,
    }
}

fn draw_legacy(u: &'static AdminUnits, rng: &mut Lcg) -> Parts {
    let provinces = u.legacy_provinces();
    loop {
        let p = &provinces[rng.below(provinces.len())];
        let districts = u.legacy_districts(p.code);
        let d = &districts[rng.below(districts.len())];
        let wards = u.legacy_wards(d.code);
        if wards.is_empty() {
            continue;
        }
        let w = &wards[rng.below(wards.len())];
        let conversion = u
            .convert_legacy_ward(w.code)
            .expect("every legacy ward is mapped");
        return Parts {
            units: vec![
                split_type(w.name, w.ward_type),
                split_type(d.name, d.district_type),
                split_type(p.name, province_type(p.name)),
            ],
            expected_province: conversion.province.code,
            expected_ward: conversion.target.code,
        };
    }
}

/// The usual abbreviation of a type word (Đặc khu has none).
fn abbreviation(type_word: &str) -> String {
    let short = match fold(type_word).as_str() {
        "thanh pho" => "TP.",
        "tinh" => "T.",
        "quan" => "Q.",
        "huyen" => "H.",
        "thi xa" => "TX.",
        "phuong" => "P.",
        "xa" => "X.",
        "thi tran" => "TT.",
        _ => return type_word.to_string(),
    };
    short.to_string()
}

const PREFIXES: [&str; 4] = [
    "Số 12 đường Lê Lợi",
    "thôn Đông",
    "Số 5 ngõ 34 phố Huế",
    "Tổ 7, khu phố 3",
];

const VARIANTS: [&str; 6] = [
    "full",
    "abbreviated",
    "unaccented",
    "lowercase",
    "uppercase",
    "no type words",
];

/// Writes one variant of an address.
fn write(parts: &Parts, variant: &str, rng: &mut Lcg) -> String {
    let commas = rng.chance(67);
    let mut pieces: Vec<String> = Vec::new();
    if rng.chance(40) {
        pieces.push(PREFIXES[rng.below(PREFIXES.len())].to_string());
    }
    for (type_word, name) in &parts.units {
        let piece = match variant {
            "no type words" => name.clone(),
            "abbreviated" => {
                let short = abbreviation(type_word);
                let glue = if short.ends_with('.') && rng.chance(30) {
                    ""
                } else {
                    " "
                };
                format!("{short}{glue}{name}")
            }
            _ if type_word.is_empty() => name.clone(),
            _ => format!("{type_word} {name}"),
        };
        pieces.push(piece);
    }
    let text = pieces.join(if commas { ", " } else { " " });
    match variant {
        "unaccented" => fold(&text),
        "lowercase" => text.to_lowercase(),
        "uppercase" => text.to_uppercase(),
        _ => text,
    }
}

#[derive(Default)]
struct Tally {
    total: usize,
    province: usize,
    ward: usize,
}

impl Tally {
    fn add(&mut self, province_ok: bool, ward_ok: bool) {
        self.total += 1;
        self.province += usize::from(province_ok);
        self.ward += usize::from(ward_ok);
    }

    fn pct(n: usize, total: usize) -> f64 {
        100.0 * n as f64 / total.max(1) as f64
    }

    fn line(&self, label: &str) -> String {
        format!(
            "{label:<32} {:>5}  province {:>6.2} %  ward {:>6.2} %",
            self.total,
            Self::pct(self.province, self.total),
            Self::pct(self.ward, self.total)
        )
    }
}

#[test]
fn parsed_addresses_reach_the_expected_2025_units() {
    let u = units();
    let mut rng = Lcg(0x5EED_1E4B_E720_2025);
    let mut samples: Vec<(&str, Parts)> = Vec::new();
    for _ in 0..PER_SCHEME {
        samples.push(("2025 two-level", draw_2025(u, &mut rng)));
    }
    for _ in 0..PER_SCHEME {
        samples.push(("legacy three-level", draw_legacy(u, &mut rng)));
    }

    let mut by_style: BTreeMap<String, Tally> = BTreeMap::new();
    let mut overall = Tally::default();
    let mut failures: Vec<String> = Vec::new();
    let mut with_commas = 0;
    let started = Instant::now();
    for (style, parts) in &samples {
        for variant in VARIANTS {
            let text = write(parts, variant, &mut rng);
            with_commas += usize::from(text.contains(','));
            let m = u.parse_address(&text);
            let province_ok = m.province_2025.map(|p| p.code) == Some(parts.expected_province);
            let ward_ok = m.ward_2025.map(|w| w.code) == Some(parts.expected_ward);
            overall.add(province_ok, ward_ok);
            by_style
                .entry(format!("{style} / {variant}"))
                .or_default()
                .add(province_ok, ward_ok);
            by_style
                .entry(format!("{style} (all)"))
                .or_default()
                .add(province_ok, ward_ok);
            if !ward_ok {
                failures.push(format!(
                    "{text:?}: expected {} {}, got {:?} {:?} (alternatives {})",
                    parts.expected_province,
                    parts.expected_ward,
                    m.province_2025.map(|p| p.code),
                    m.ward_2025.map(|w| w.name),
                    m.alternatives.len()
                ));
            }
        }
    }
    let elapsed = started.elapsed();

    println!(
        "address accuracy ({} addresses, {with_commas} with commas)",
        overall.total
    );
    for (label, tally) in &by_style {
        println!("{}", tally.line(label));
    }
    println!("{}", overall.line("overall"));
    println!(
        "parse time: {:.1} µs per address (this build profile)",
        elapsed.as_secs_f64() * 1e6 / overall.total as f64
    );
    println!("first failures:");
    for f in failures.iter().take(25) {
        println!("  {f}");
    }

    assert!(overall.total >= 600);
    assert!(2 * with_commas >= overall.total, "at least half with commas");
    let province_pct = Tally::pct(overall.province, overall.total);
    let ward_pct = Tally::pct(overall.ward, overall.total);
    assert!(
        province_pct >= 98.0,
        "province accuracy {province_pct:.2} % < 98 %"
    );
    assert!(ward_pct >= 95.0, "ward accuracy {ward_pct:.2} % < 95 %");
}
