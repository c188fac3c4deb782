//! Lookups, conversion and succession of the embedded administrative units.

use serde::Deserialize;
use serde::de::IntoDeserializer;
use serde::de::value::{Error as ValueError, StrDeserializer};

use lienket_domain::admin_units::{Scheme, convert_legacy_ward, units};

#[test]
fn the_data_has_the_documented_sizes() {
    let u = units();
    assert_eq!(u.provinces_2025().len(), 34);
    let wards: usize = u
        .provinces_2025()
        .iter()
        .map(|p| u.wards_2025(p.code).len())
        .sum();
    assert_eq!(wards, 3321);
    assert_eq!(u.legacy_provinces().len(), 63);
    let districts: usize = u
        .legacy_provinces()
        .iter()
        .map(|p| u.legacy_districts(p.code).len())
        .sum();
    assert_eq!(districts, 696);
    let legacy_wards: usize = u
        .legacy_provinces()
        .iter()
        .flat_map(|p| u.legacy_districts(p.code))
        .map(|d| u.legacy_wards(d.code).len())
        .sum();
    assert_eq!(legacy_wards, 10_035);
}

#[test]
fn provinces_2025_come_in_code_order_with_the_six_cities() {
    let codes: Vec<&str> = units().provinces_2025().iter().map(|p| p.code).collect();
    let mut sorted = codes.clone();
    sorted.sort();
    assert_eq!(codes, sorted);
    for (code, name) in [
        ("01", "Thành phố Hà Nội"),
        ("31", "Thành phố Hải Phòng"),
        ("46", "Thành phố Huế"),
        ("48", "Thành phố Đà Nẵng"),
        ("79", "Thành phố Hồ Chí Minh"),
        ("92", "Thành phố Cần Thơ"),
    ] {
        assert_eq!(units().province_2025(code).map(|p| p.name), Some(name));
    }
    assert_eq!(units().province_2025("01").map(|p| p.short_name), Some("Hà Nội"));
}

#[test]
fn the_same_ward_code_means_different_wards_in_each_scheme() {
    let u = units();
    assert_eq!(u.legacy_ward("00004").map(|w| w.name), Some("Phường Trúc Bạch"));
    assert_eq!(u.ward_2025("00004").map(|w| w.name), Some("Phường Ba Đình"));
    let legacy = u.legacy_ward("00004").expect("legacy 00004");
    assert_eq!(legacy.district_code, "001");
    assert_eq!(u.legacy_district("001").map(|d| d.name), Some("Quận Ba Đình"));
}

#[test]
fn the_same_province_code_means_different_provinces_in_each_scheme() {
    let u = units();
    assert_eq!(u.legacy_province("24").map(|p| p.name), Some("Tỉnh Bắc Giang"));
    assert_eq!(u.province_2025("24").map(|p| p.name), Some("Tỉnh Bắc Ninh"));
    assert_eq!(u.legacy_province("30").map(|p| p.name), Some("Tỉnh Hải Dương"));
    assert!(u.province_2025("30").is_none());
}

#[test]
fn codes_without_leading_zeros_are_accepted() {
    let u = units();
    assert_eq!(u.ward_2025("4").map(|w| w.code), Some("00004"));
    assert_eq!(u.province_2025("1").map(|p| p.code), Some("01"));
    assert_eq!(u.legacy_district(" 1 ").map(|d| d.code), Some("001"));
    assert!(u.ward_2025("").is_none());
    assert!(u.ward_2025("abc").is_none());
    assert!(u.ward_2025("000004").is_none());
}

#[test]
fn unknown_codes_give_empty_lists() {
    assert!(units().wards_2025("99").is_empty());
    assert!(units().legacy_districts("xx").is_empty());
    assert!(units().legacy_wards("").is_empty());
}

#[test]
fn wards_2025_belong_to_their_province_in_code_order() {
    let u = units();
    for p in u.provinces_2025() {
        let wards = u.wards_2025(p.code);
        assert!(!wards.is_empty(), "{}", p.name);
        assert!(wards.iter().all(|w| w.province_code == p.code));
        assert!(wards.windows(2).all(|w| w[0].code < w[1].code));
    }
}

#[test]
fn legacy_ward_van_quan_was_divided_between_ha_dong_and_thanh_liet() {
    let c = convert_legacy_ward("09542").expect("legacy 09542 is mapped");
    assert_eq!(c.legacy.name, "Phường Văn Quán");
    assert_eq!(c.target.code, "09556");
    assert_eq!(c.target.name, "Phường Hà Đông");
    assert_eq!(c.province.code, "01");
    let alternatives: Vec<&str> = c.alternatives.iter().map(|w| w.code).collect();
    assert_eq!(alternatives, ["00643"]);
    assert!(c.needs_review);
}

#[test]
fn an_undivided_legacy_ward_converts_without_review() {
    let c = convert_legacy_ward("00004").expect("legacy 00004 is mapped");
    assert_eq!(c.target.code, "00004");
    assert!(c.alternatives.is_empty());
    assert!(!c.needs_review);
}

#[test]
fn every_legacy_ward_converts_to_a_ward_of_its_province_successor() {
    let u = units();
    for p in u.legacy_provinces() {
        let successor = u.legacy_province_successor(p.code).expect("successor");
        for d in u.legacy_districts(p.code) {
            for w in u.legacy_wards(d.code) {
                let c = u.convert_legacy_ward(w.code).expect("mapped");
                assert_eq!(c.province.code, successor.code, "{} {}", w.code, w.name);
                assert_eq!(c.target.province_code, c.province.code);
            }
        }
    }
}

#[test]
fn unknown_legacy_ward_does_not_convert() {
    assert!(convert_legacy_ward("99999").is_none());
    assert!(convert_legacy_ward("").is_none());
}

#[test]
fn absorbed_provinces_have_the_documented_successors() {
    let u = units();
    let successor = |legacy_name: &str| {
        let p = u
            .legacy_provinces()
            .iter()
            .find(|p| p.short_name == legacy_name)
            .unwrap_or_else(|| panic!("legacy province {legacy_name}"));
        u.legacy_province_successor(p.code).map(|s| s.code)
    };
    assert_eq!(successor("Hải Dương"), Some("31"));
    assert_eq!(successor("Quảng Nam"), Some("48"));
    assert_eq!(successor("Sóc Trăng"), Some("92"));
    assert_eq!(successor("Hậu Giang"), Some("92"));
    assert_eq!(successor("Bình Dương"), Some("79"));
    assert_eq!(successor("Bà Rịa - Vũng Tàu"), Some("79"));
    assert_eq!(successor("Hà Nội"), Some("01"));
    assert!(u.legacy_province_successor("00").is_none());
}

#[test]
fn scheme_has_stable_names() {
    assert_eq!(Scheme::Legacy.as_str(), "legacy");
    assert_eq!(Scheme::Y2025.as_str(), "2025");
    let parse = |s: &'static str| {
        let d: StrDeserializer<'_, ValueError> = s.into_deserializer();
        Scheme::deserialize(d).ok()
    };
    assert_eq!(parse("legacy"), Some(Scheme::Legacy));
    assert_eq!(parse("2025"), Some(Scheme::Y2025));
    assert_eq!(parse("Y2025"), None);
}
