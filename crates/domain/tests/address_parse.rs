//! Named cases of free-text address parsing.

use lienket_domain::admin_units::{AddressMatch, Scheme, convert_legacy_ward, parse_address};
use proptest::prelude::*;
use unicode_normalization::UnicodeNormalization;

fn ward(m: &AddressMatch) -> Option<&'static str> {
    m.ward_2025.map(|w| w.code)
}

fn province(m: &AddressMatch) -> Option<&'static str> {
    m.province_2025.map(|p| p.code)
}

fn legacy_ward(m: &AddressMatch) -> Option<&'static str> {
    m.legacy.as_ref().and_then(|l| l.ward).map(|w| w.code)
}

fn assert_empty(text: &str) {
    let m = parse_address(text);
    assert!(m.is_empty(), "{text:?} gave {m:?}");
    assert_eq!(m.confidence, 0.0);
    assert_eq!(m.scheme, None);
    assert!(m.legacy.is_none());
    assert!(!m.needs_review);
}

#[test]
fn van_quan_in_three_levels_is_legacy_and_divided() {
    let m = parse_address("phường Văn Quán, quận Hà Đông, Hà Nội");
    assert_eq!(m.scheme, Some(Scheme::Legacy));
    assert_eq!(province(&m), Some("01"));
    assert_eq!(ward(&m), Some("09556"));
    let legacy = m.legacy.as_ref().expect("legacy units");
    assert_eq!(legacy.province.code, "01");
    assert_eq!(legacy.district.map(|d| d.code), Some("268"));
    assert_eq!(legacy.ward.map(|w| w.code), Some("09542"));
    let alternatives: Vec<_> = m.alternatives.iter().filter_map(|c| c.ward_2025).collect();
    assert_eq!(alternatives.iter().map(|w| w.code).collect::<Vec<_>>(), ["00643"]);
    assert!(m.needs_review);
    assert!(m.confidence > 0.5 && m.confidence < 1.0, "{}", m.confidence);
}

#[test]
fn van_quan_with_a_street_prefix_and_abbreviations_is_found() {
    for text in [
        "Số 12 ngõ 34 Văn Quán, P. Văn Quán, Q. Hà Đông, TP. Hà Nội",
        "so 12 ngo 34 van quan p.van quan q.ha dong tp ha noi",
        "Văn Quán, Hà Đông, Hà Nội",
        "SỐ 12 NGÕ 34 VĂN QUÁN PHƯỜNG VĂN QUÁN QUẬN HÀ ĐÔNG HN",
        "P.Văn Quán - Q.Hà Đông - T.P Hà Nội - Việt Nam",
    ] {
        let m = parse_address(text);
        assert_eq!(legacy_ward(&m), Some("09542"), "{text}");
        assert_eq!(ward(&m), Some("09556"), "{text}");
        assert!(m.needs_review, "{text}");
    }
}

#[test]
fn ba_dinh_in_two_levels_is_the_2025_ward() {
    let m = parse_address("Phường Ba Đình, Thành phố Hà Nội");
    assert_eq!(m.scheme, Some(Scheme::Y2025));
    assert_eq!(ward(&m), Some("00004"));
    assert_eq!(province(&m), Some("01"));
    assert!(m.legacy.is_none());
    assert!(!m.needs_review);
    assert!(m.confidence >= 0.9);
}

#[test]
fn truc_bach_unaccented_and_abbreviated_is_legacy_00004() {
    let m = parse_address("P. Truc Bach, Q. Ba Dinh, TP. Ha Noi");
    assert_eq!(m.scheme, Some(Scheme::Legacy));
    assert_eq!(legacy_ward(&m), Some("00004"));
    let target = convert_legacy_ward("00004").expect("mapped").target.code;
    assert_eq!(ward(&m), Some(target));
    assert_eq!(province(&m), Some("01"));
}

#[test]
fn hai_duong_alone_gives_hai_phong() {
    let m = parse_address("Hải Dương");
    assert_eq!(province(&m), Some("31"));
    assert_eq!(ward(&m), None);
    assert_eq!(m.scheme, Some(Scheme::Legacy));
    assert_eq!(m.legacy.as_ref().map(|l| l.province.code), Some("30"));
    assert!(m.confidence > 0.0);
    let m = parse_address("tỉnh hai duong");
    assert_eq!(province(&m), Some("31"));
}

#[test]
fn absorbed_province_names_give_their_2025_city() {
    for (text, code) in [
        ("Quảng Nam", "48"),
        ("Tỉnh Sóc Trăng", "92"),
        ("hau giang", "92"),
        ("Bình Dương", "79"),
        ("Bà Rịa - Vũng Tàu", "79"),
        ("Ba Ria Vung Tau", "79"),
    ] {
        assert_eq!(province(&parse_address(text)), Some(code), "{text}");
    }
}

#[test]
fn a_province_name_alone_does_not_tell_the_scheme() {
    let m = parse_address("Hà Nội");
    assert_eq!(province(&m), Some("01"));
    assert_eq!(m.scheme, None);
    assert!(m.legacy.is_none());
}

#[test]
fn city_nicknames_are_understood() {
    for text in [
        "HN",
        "TP.HCM",
        "TPHCM",
        "Tp Hồ Chí Minh",
        "HCM",
        "Sài Gòn",
        "saigon",
    ] {
        let expected = if text == "HN" { "01" } else { "79" };
        assert_eq!(province(&parse_address(text)), Some(expected), "{text}");
    }
}

#[test]
fn numbered_wards_and_districts_are_read() {
    for text in [
        "P.5, Q.3, TPHCM",
        "Phường 05, Quận 3, TP. Hồ Chí Minh",
        "phuong 5 quan 3 hcm",
        "123 Võ Văn Tần, P5, Q3, Sài Gòn",
    ] {
        let m = parse_address(text);
        let legacy = m.legacy.as_ref().expect(text);
        assert_eq!(legacy.district.map(|d| d.name), Some("Quận 3"), "{text}");
        assert_eq!(legacy.ward.map(|w| w.name), Some("Phường 5"), "{text}");
        assert_eq!(province(&m), Some("79"), "{text}");
        assert!(ward(&m).is_some(), "{text}");
    }
    let m = parse_address("Q.1, TP.HCM");
    assert_eq!(
        m.legacy.as_ref().and_then(|l| l.district).map(|d| d.name),
        Some("Quận 1")
    );
    assert_eq!(province(&m), Some("79"));
}

#[test]
fn a_house_number_is_not_a_numbered_ward() {
    let m = parse_address("12 Lê Lợi, Hồ Chí Minh");
    assert_eq!(province(&m), Some("79"));
    assert_eq!(ward(&m), None);
}

#[test]
fn van_quan_of_vinh_phuc_is_told_apart_by_its_province() {
    let m = parse_address("Xã Văn Quán, Huyện Lập Thạch, Tỉnh Vĩnh Phúc");
    assert_eq!(legacy_ward(&m), Some("08845"));
    let c = convert_legacy_ward("08845").expect("mapped");
    assert_eq!(ward(&m), Some(c.target.code));
    assert_eq!(province(&m), Some(c.province.code));
    let m = parse_address("xa van quan, vinh phuc");
    assert_eq!(legacy_ward(&m), Some("08845"));
}

#[test]
fn a_ward_name_without_province_lists_the_places_it_exists() {
    let m = parse_address("Phường Tân An");
    assert_eq!(ward(&m), None);
    assert!(m.alternatives.len() >= 2, "{m:?}");
    assert!(m.needs_review);
    assert!(m.confidence < 0.5);
}

#[test]
fn a_legacy_ward_with_the_new_province_name_is_converted_with_review() {
    // Huyện Cẩm Giàng was in Hải Dương, now part of Hải Phòng.
    let m = parse_address("Thị trấn Lai Cách, Huyện Cẩm Giàng, Hải Phòng");
    assert_eq!(m.scheme, Some(Scheme::Legacy));
    assert_eq!(province(&m), Some("31"));
    assert!(ward(&m).is_some());
    assert!(m.needs_review);
}

#[test]
fn a_legacy_district_alone_gives_the_2025_province() {
    let m = parse_address("Quận Hà Đông, Hà Nội");
    assert_eq!(m.scheme, Some(Scheme::Legacy));
    assert_eq!(province(&m), Some("01"));
    assert_eq!(
        m.legacy.as_ref().and_then(|l| l.district).map(|d| d.code),
        Some("268")
    );
    let m = parse_address("Huyện Cẩm Giàng, Tỉnh Hải Dương");
    assert_eq!(province(&m), Some("31"));
}

#[test]
fn nfd_input_parses_like_nfc() {
    let text = "Phường Văn Quán, Quận Hà Đông, Thành phố Hà Nội";
    let nfd: String = text.nfd().collect();
    let a = parse_address(text);
    let b = parse_address(&nfd);
    assert_eq!(ward(&a), ward(&b));
    assert_eq!(legacy_ward(&a), legacy_ward(&b));
    assert_eq!(a.confidence, b.confidence);
}

#[test]
fn old_style_tone_placement_matches() {
    let m = parse_address("Phường Điện Biên, Thanh Hoá");
    assert_eq!(province(&m), Some("38"));
    assert!(ward(&m).is_some());
}

#[test]
fn garbage_gives_an_empty_match() {
    assert_empty("");
    assert_empty("   ");
    assert_empty("xyz");
    assert_empty("😀🏠🇻🇳");
    assert_empty(",,,;;;...");
    assert_empty("Phường, Quận, Tỉnh");
    assert_empty(&"lorem ipsum dolor sit amet ".repeat(400));
    assert_empty(&"x".repeat(10_000));
    assert_empty(&"😀".repeat(10_000));
}

#[test]
fn long_or_odd_input_never_panics() {
    let long = format!("{} Phường Ba Đình, Hà Nội", "Số 1 ".repeat(5_000));
    assert_eq!(ward(&parse_address(&long)), Some("00004"));
    for text in [
        "\u{301}\u{301}",
        "P.",
        "Q.1",
        "0000000000000000000000000000001",
        "Hà Nội Hà Nội Hà Nội",
        "\0\u{feff}Hà\u{200b}Nội",
        "TP.",
        "T.P",
    ] {
        let m = parse_address(text);
        assert!((0.0..=1.0).contains(&m.confidence), "{text:?}");
    }
}

/// Words and pieces that addresses are made of, for word-salad inputs.
const PIECES: [&str; 28] = [
    "P.",
    "Q.",
    "TP.",
    "T.P",
    "TX.",
    "TT.",
    "H.",
    "X.",
    "Phường",
    "phuong",
    "xã",
    "thị",
    "trấn",
    "Hà",
    "Nội",
    "ha",
    "noi",
    "Văn",
    "Quán",
    "Đông",
    "5",
    "05",
    "Q1",
    "HCM",
    ",",
    "-",
    "😀",
    "Việt Nam",
];

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 256,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn parsing_any_text_never_panics(text in any::<String>()) {
        let m = parse_address(&text);
        prop_assert!((0.0..=1.0).contains(&m.confidence));
        prop_assert!(!m.is_empty() || m.confidence == 0.0);
    }

    #[test]
    fn parsing_word_salad_never_panics(
        pieces in prop::collection::vec(prop::sample::select(PIECES.to_vec()), 0..16),
        glue in prop::sample::select(vec![" ", ", ", "", "."]),
    ) {
        let text = pieces.join(glue);
        let m = parse_address(&text);
        prop_assert!((0.0..=1.0).contains(&m.confidence));
        prop_assert!(m.alternatives.iter().all(|c| (0.0..=1.0).contains(&c.score)));
        if let Some(w) = m.ward_2025 {
            prop_assert_eq!(Some(w.province_code), m.province_2025.map(|p| p.code));
        }
    }
}
