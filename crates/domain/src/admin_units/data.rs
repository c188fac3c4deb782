//! Loading of the embedded CSV files (see `data/admin-units/README.md`).

use std::collections::HashMap;
use std::ops::Range;

use super::index::NameIndex;
use super::{AdminUnits, LegacyDistrict, LegacyProvince, LegacyWard, Province2025, Ward2025};

const UNITS_2025: &str = include_str!("../../../../data/admin-units/units-2025.csv");
const UNITS_LEGACY: &str = include_str!("../../../../data/admin-units/units-legacy.csv");
const LEGACY_TO_2025: &str = include_str!("../../../../data/admin-units/legacy-to-2025.csv");

const HEADER_2025: &str = "province_code,province_name,province_short,ward_code,ward_name,\
ward_type,ward_short,lat,lon,area_km2";
const HEADER_LEGACY: &str = "province_code,province_name,province_short,district_code,\
district_name,district_type,ward_code,ward_name,ward_type,lat,lon";
const HEADER_MAPPING: &str = "legacy_ward_code,legacy_district_code,legacy_province_code,\
ward_code_2025,province_code_2025,is_default,note";

/// The rows of an embedded CSV file (no field contains a comma or a quote).
fn records(text: &'static str, header: &str) -> impl Iterator<Item = Vec<&'static str>> {
    let mut lines = text.lines();
    let head = lines.next().map(|l| l.trim_end_matches('\r'));
    assert_eq!(head, Some(header), "unexpected header in an admin-units CSV file");
    let width = header.split(',').count();
    lines.filter(|l| !l.trim().is_empty()).map(move |line| {
        let fields: Vec<&'static str> = line.trim_end_matches('\r').split(',').collect();
        assert_eq!(fields.len(), width, "malformed admin-units row: {line}");
        fields
    })
}

fn number(field: &str) -> f64 {
    field
        .parse()
        .expect("admin-units CSV: a number field is not a number")
}

fn optional_number(field: &str) -> Option<f64> {
    (!field.is_empty()).then(|| number(field))
}

/// Maps each code to its index.
fn by_code<T>(items: &[T], code: impl Fn(&T) -> &'static str) -> HashMap<&'static str, u32> {
    items
        .iter()
        .enumerate()
        .map(|(i, item)| (code(item), i as u32))
        .collect()
}

/// For each parent (in order), the range of its children in `children` (sorted by parent code).
fn ranges<P, C>(
    parents: &[P],
    parent_code: impl Fn(&P) -> &'static str,
    children: &[C],
    child_parent: impl Fn(&C) -> &'static str,
) -> Vec<Range<usize>> {
    parents
        .iter()
        .map(|p| {
            let code = parent_code(p);
            let start = children.partition_point(|c| child_parent(c) < code);
            let end = children.partition_point(|c| child_parent(c) <= code);
            start..end
        })
        .collect()
}

fn lookup(map: &HashMap<&'static str, u32>, code: &str, what: &str) -> u32 {
    match map.get(code) {
        Some(&i) => i,
        None => panic!("admin-units CSV: unknown {what} code {code}"),
    }
}

/// Parses the embedded files and builds every index.
pub(super) fn load() -> AdminUnits {
    // 2025 scheme.
    let mut provinces_2025: Vec<Province2025> = Vec::with_capacity(34);
    let mut wards_2025: Vec<Ward2025> = Vec::with_capacity(3400);
    for f in records(UNITS_2025, HEADER_2025) {
        if !provinces_2025.iter().any(|p| p.code == f[0]) {
            provinces_2025.push(Province2025 {
                code: f[0],
                name: f[1],
                short_name: f[2],
            });
        }
        wards_2025.push(Ward2025 {
            code: f[3],
            name: f[4],
            ward_type: f[5],
            short_name: f[6],
            province_code: f[0],
            lat: number(f[7]),
            lon: number(f[8]),
            area_km2: optional_number(f[9]),
        });
    }
    provinces_2025.sort_by_key(|p| p.code);
    wards_2025.sort_by_key(|w| (w.province_code, w.code));

    // Legacy scheme.
    let mut legacy_provinces: Vec<LegacyProvince> = Vec::with_capacity(63);
    let mut legacy_districts: Vec<LegacyDistrict> = Vec::with_capacity(700);
    let mut legacy_wards: Vec<LegacyWard> = Vec::with_capacity(10_100);
    for f in records(UNITS_LEGACY, HEADER_LEGACY) {
        if legacy_provinces.last().is_none_or(|p| p.code != f[0])
            && !legacy_provinces.iter().any(|p| p.code == f[0])
        {
            legacy_provinces.push(LegacyProvince {
                code: f[0],
                name: f[1],
                short_name: f[2],
            });
        }
        if legacy_districts.last().is_none_or(|d| d.code != f[3])
            && !legacy_districts.iter().any(|d| d.code == f[3])
        {
            legacy_districts.push(LegacyDistrict {
                code: f[3],
                name: f[4],
                district_type: f[5],
                province_code: f[0],
            });
        }
        if !f[6].is_empty() {
            legacy_wards.push(LegacyWard {
                code: f[6],
                name: f[7],
                ward_type: f[8],
                district_code: f[3],
                province_code: f[0],
                lat: optional_number(f[9]),
                lon: optional_number(f[10]),
            });
        }
    }
    legacy_provinces.sort_by_key(|p| p.code);
    legacy_districts.sort_by_key(|d| (d.province_code, d.code));
    legacy_wards.sort_by_key(|w| (w.province_code, w.district_code, w.code));

    let province_2025_by_code = by_code(&provinces_2025, |p| p.code);
    let ward_2025_by_code = by_code(&wards_2025, |w| w.code);
    let legacy_province_by_code = by_code(&legacy_provinces, |p| p.code);
    let legacy_district_by_code = by_code(&legacy_districts, |d| d.code);
    let legacy_ward_by_code = by_code(&legacy_wards, |w| w.code);

    let wards_2025_of = ranges(&provinces_2025, |p| p.code, &wards_2025, |w| w.province_code);
    let legacy_districts_of = ranges(
        &legacy_provinces,
        |p| p.code,
        &legacy_districts,
        |d| d.province_code,
    );
    // Wards are sorted by (province, district); districts codes are unique across provinces,
    // so search within each province's slice of wards.
    let legacy_wards_of: Vec<Range<usize>> = legacy_districts
        .iter()
        .map(|d| {
            let start = legacy_wards
                .partition_point(|w| (w.province_code, w.district_code) < (d.province_code, d.code));
            let end = legacy_wards
                .partition_point(|w| (w.province_code, w.district_code) <= (d.province_code, d.code));
            start..end
        })
        .collect();

    let ward_2025_parent: Vec<u32> = wards_2025
        .iter()
        .map(|w| lookup(&province_2025_by_code, w.province_code, "2025 province"))
        .collect();
    let legacy_district_parent: Vec<u32> = legacy_districts
        .iter()
        .map(|d| lookup(&legacy_province_by_code, d.province_code, "legacy province"))
        .collect();
    let legacy_ward_parents: Vec<(u32, u32)> = legacy_wards
        .iter()
        .map(|w| {
            (
                lookup(&legacy_district_by_code, w.district_code, "legacy district"),
                lookup(&legacy_province_by_code, w.province_code, "legacy province"),
            )
        })
        .collect();

    // Legacy → 2025 mapping.
    let mut targets: Vec<Vec<u32>> = vec![Vec::new(); legacy_wards.len()];
    let mut divided = vec![false; legacy_wards.len()];
    for f in records(LEGACY_TO_2025, HEADER_MAPPING) {
        let from = lookup(&legacy_ward_by_code, f[0], "legacy ward") as usize;
        let to = lookup(&ward_2025_by_code, f[3], "2025 ward");
        if f[5] == "1" {
            targets[from].insert(0, to);
        } else {
            targets[from].push(to);
        }
        divided[from] |= f[6] == "divided";
    }

    // Successor of each legacy province: the 2025 province of most of its default targets.
    let mut counts: Vec<HashMap<u32, usize>> = vec![HashMap::new(); legacy_provinces.len()];
    for (w, &(_, p)) in legacy_ward_parents.iter().enumerate() {
        if let Some(&t) = targets[w].first() {
            *counts[p as usize]
                .entry(ward_2025_parent[t as usize])
                .or_default() += 1;
        }
    }
    let successor: Vec<u32> = counts
        .into_iter()
        .zip(&legacy_provinces)
        .map(|(counts, province)| {
            counts
                .into_iter()
                .max_by_key(|&(province_2025, n)| (n, std::cmp::Reverse(province_2025)))
                .map(|(province_2025, _)| province_2025)
                .unwrap_or_else(|| {
                    panic!(
                        "admin-units: legacy province {} has no mapped ward",
                        province.code
                    )
                })
        })
        .collect();
    let index = NameIndex::build(
        &provinces_2025,
        &legacy_provinces,
        &legacy_districts,
        &wards_2025,
        &legacy_wards,
    );

    AdminUnits {
        provinces_2025,
        wards_2025,
        wards_2025_of,
        province_2025_by_code,
        ward_2025_by_code,
        legacy_provinces,
        legacy_districts,
        legacy_wards,
        legacy_districts_of,
        legacy_wards_of,
        legacy_province_by_code,
        legacy_district_by_code,
        legacy_ward_by_code,
        legacy_ward_parents,
        legacy_district_parent,
        ward_2025_parent,
        targets,
        divided,
        successor,
        index,
    }
}
