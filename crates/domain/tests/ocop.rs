//! OCOP rules: versions by date, weights, stars, certificates, groups and sets, and the product
//! and certificate forms.

use std::collections::HashSet;

use lienket_domain::lenient::Date;
use lienket_domain::ocop::{
    self, CertLevel, CertState, Certification, ProductGroup, ProductSet, Score, cert_state, expires_on,
    parse_decision_number, rule_version, rule_versions, rules_for, stars_from_score,
};
use lienket_domain::product::{self, CertificationForm, ProductForm, ProductStatus, parse_gtin};
use lienket_domain::validate::Findings;

fn date(y: i32, m: u8, d: u8) -> Date {
    Date::new(y, m, d).expect("a real date")
}

const TODAY: (i32, u8, u8) = (2026, 11, 26);

fn today() -> Date {
    date(TODAY.0, TODAY.1, TODAY.2)
}

fn keys(f: &Findings) -> Vec<(&'static str, &'static str)> {
    f.0.iter().map(|x| (x.field, x.key)).collect()
}

// --- Rule versions -----------------------------------------------------------------------------

#[test]
fn the_version_in_force_is_chosen_by_the_decision_date() {
    let code = |y, m, d| rules_for(date(y, m, d)).code;
    assert_eq!(code(2018, 1, 1), "qd1048", "before the first version: the first");
    assert_eq!(code(2019, 8, 21), "qd1048");
    assert_eq!(code(2023, 2, 23), "qd1048");
    assert_eq!(code(2023, 2, 24), "qd148");
    assert_eq!(
        code(2025, 7, 6),
        "qd148",
        "1489/QĐ-TTg changed the levels, not the scoring"
    );
    assert_eq!(code(2026, 7, 20), "qd148");
    assert_eq!(code(2026, 7, 21), "qd26_2026");
    assert_eq!(code(2030, 1, 1), "qd26_2026");
}

#[test]
fn each_version_carries_its_decision_and_weights() {
    let v: Vec<_> = rule_versions()
        .iter()
        .map(|v| (v.code, v.decision, v.weight_a, v.weight_b, v.weight_c))
        .collect();
    assert_eq!(
        v,
        [
            ("qd1048", "1048/QĐ-TTg", 35, 25, 40),
            ("qd148", "148/QĐ-TTg", 40, 25, 35),
            ("qd26_2026", "26/2026/QĐ-TTg", 40, 25, 35),
        ]
    );
    for v in rule_versions() {
        assert_eq!(v.star_thresholds, [30, 50, 70, 90], "{}", v.code);
        assert_eq!(v.validity_months, 36, "{}", v.code);
    }
    assert!(!rule_version("qd26_2026").expect("2026").confirmed);
    assert_eq!(
        rule_version("qd26_2026").and_then(|v| v.renewal_window_days),
        Some((180, 120))
    );
}

#[test]
fn star_boundaries_hold_under_every_version() {
    let cases = [
        (0, 1),
        (299, 1),
        (300, 2),
        (499, 2),
        (500, 3),
        (699, 3),
        (700, 4),
        (899, 4),
        (900, 5),
        (1000, 5),
    ];
    for v in rule_versions() {
        for (tenths, stars) in cases {
            assert_eq!(
                stars_from_score(tenths, v).get(),
                stars,
                "{} points under {}",
                ocop::format_points(tenths),
                v.code
            );
        }
    }
}

#[test]
fn only_three_to_five_stars_are_certifiable() {
    let v = rule_version("qd148").expect("148");
    let certifiable: Vec<bool> = [100, 400, 500, 800, 950]
        .into_iter()
        .map(|t| stars_from_score(t, v).is_certifiable())
        .collect();
    assert_eq!(certifiable, [false, false, true, true, true]);
}

#[test]
fn part_maxima_follow_the_version_weights() {
    let v1048 = rule_version("qd1048").expect("1048");
    let v148 = rule_version("qd148").expect("148");
    // 38 points in A: too many under 1048 (35), fine under 148 (40).
    let a38 = Score {
        a: 380,
        b: 200,
        c: 300,
    };
    assert_eq!(
        keys(&a38.validate(v1048)),
        [("score_a", "ocop-error-score-part-max")]
    );
    assert!(a38.validate(v148).is_empty());
    // 38 points in C: fine under 1048 (40), too many under 148 (35).
    let c38 = Score {
        a: 300,
        b: 200,
        c: 380,
    };
    assert!(c38.validate(v1048).is_empty());
    assert_eq!(
        keys(&c38.validate(v148)),
        [("score_c", "ocop-error-score-part-max")]
    );
    let finding = &c38.validate(v148).0[0];
    assert!(finding.args.contains(&("max", "35".to_string())));
    // The maxima themselves are allowed; one tenth more is not.
    assert!(
        Score {
            a: 400,
            b: 250,
            c: 350
        }
        .validate(v148)
        .is_empty()
    );
    assert!(
        !Score {
            a: 400,
            b: 251,
            c: 350
        }
        .validate(v148)
        .is_empty()
    );
}

// --- Certificates ------------------------------------------------------------------------------

#[test]
fn certificates_expire_36_months_later_clamped_at_month_end() {
    assert_eq!(expires_on(date(2023, 2, 28)), date(2026, 2, 28));
    assert_eq!(expires_on(date(2024, 2, 29)), date(2027, 2, 28));
    assert_eq!(expires_on(date(2023, 3, 15)), date(2026, 3, 15));
    assert_eq!(expires_on(date(2021, 8, 31)), date(2024, 8, 31));
    assert_eq!(expires_on(date(2022, 12, 31)), date(2025, 12, 31));
}

#[test]
fn certificate_state_depends_on_the_day() {
    let decided = date(2023, 3, 15); // expires 15/03/2026
    assert_eq!(cert_state(decided, None, date(2024, 1, 1)), CertState::Valid);
    assert_eq!(
        cert_state(decided, None, date(2025, 12, 14)),
        CertState::Valid,
        "91 days left"
    );
    assert_eq!(
        cert_state(decided, None, date(2025, 12, 15)),
        CertState::ExpiringSoon,
        "90 days left"
    );
    assert_eq!(
        cert_state(decided, None, date(2026, 3, 15)),
        CertState::ExpiringSoon,
        "last day"
    );
    assert_eq!(cert_state(decided, None, date(2026, 3, 16)), CertState::Expired);
    let revoked = Some(date(2024, 6, 1));
    assert_eq!(cert_state(decided, revoked, date(2024, 5, 31)), CertState::Valid);
    assert_eq!(cert_state(decided, revoked, date(2024, 6, 1)), CertState::Revoked);
    assert_eq!(cert_state(decided, revoked, date(2027, 1, 1)), CertState::Revoked);
}

#[test]
fn a_province_scoring_ninety_shows_four_stars_with_potential_five() {
    let decision_date = date(2024, 5, 10);
    let province = Certification {
        rules: rules_for(decision_date),
        total: 915,
        level: CertLevel::Province,
        decision_date,
        revoked_on: None,
    };
    assert_eq!(province.score_stars().get(), 5);
    assert_eq!(province.stars_shown().get(), 4);
    assert!(province.potential_five());
    let central = Certification {
        level: CertLevel::Central,
        ..province.clone()
    };
    assert_eq!(central.stars_shown().get(), 5);
    assert!(!central.potential_five());
    let four = Certification {
        total: 750,
        ..province
    };
    assert_eq!(four.stars_shown().get(), 4);
    assert!(!four.potential_five());
    assert_eq!(four.expires_on(), date(2027, 5, 10));
}

#[test]
fn decision_numbers_are_normalised() {
    for raw in [
        "858/QĐ-UBND",
        "858/QD-UBND",
        "số 858/qđ-ubnd",
        "Số: 858 / QĐ - UBND",
        "858/qd-ubnd",
    ] {
        assert_eq!(parse_decision_number(raw).as_deref(), Ok("858/QĐ-UBND"), "{raw}");
    }
    assert_eq!(
        parse_decision_number("26/2026/qd-ttg").as_deref(),
        Ok("26/2026/QĐ-TTg")
    );
    assert_eq!(parse_decision_number("1048/QĐ-TTg").as_deref(), Ok("1048/QĐ-TTg"));
    for bad in [
        "",
        "QĐ-UBND",
        "858",
        "858/",
        "abc/QĐ-UBND",
        "858/QĐ-",
        "858/QĐ UBND ngày 5/3/2024",
    ] {
        let err = parse_decision_number(bad).expect_err(bad);
        assert_eq!(
            keys(&err),
            [("decision_no", "ocop-error-decision-number")],
            "{bad}"
        );
    }
}

// --- Groups and sets ---------------------------------------------------------------------------

#[test]
fn groups_are_found_by_code_or_name_accents_optional() {
    let code = |raw: &str| ProductGroup::find(raw).map(|g| g.code);
    assert_eq!(code("thuc_pham"), Some("thuc_pham"));
    assert_eq!(code("Thực phẩm"), Some("thuc_pham"));
    assert_eq!(code("DO UONG"), Some("do_uong"));
    assert_eq!(code("duoc lieu va san pham tu duoc lieu"), Some("duoc_lieu"));
    assert_eq!(code("Hàng thủ công mỹ nghệ"), Some("thu_cong_my_nghe"));
    assert_eq!(code("sinh vat canh"), Some("sinh_vat_canh"));
    assert_eq!(
        code("Dịch vụ du lịch cộng đồng, du lịch sinh thái và điểm du lịch"),
        Some("du_lich")
    );
    assert_eq!(code("Beverages"), Some("do_uong"));
    assert_eq!(code("xe máy"), None);
    assert_eq!(code(""), None);
}

#[test]
fn legacy_1048_groups_map_to_current_groups_for_statistics() {
    let mapped = |raw: &str| ProductGroup::find(raw).map(|g| g.code);
    assert_eq!(mapped("Thảo dược"), Some("duoc_lieu"));
    assert_eq!(mapped("Vải và may mặc"), Some("thu_cong_my_nghe"));
    assert_eq!(
        mapped("luu niem - noi that - trang tri"),
        Some("thu_cong_my_nghe")
    );
    assert_eq!(mapped("Dịch vụ du lịch nông thôn và bán hàng"), Some("du_lich"));

    let old = ProductGroup::find_legacy_1048("thao duoc").expect("1048 group");
    assert!(old.is_legacy());
    assert_eq!(old.code, "thao_duoc_1048");
    assert_eq!(old.statistics_group().code, "duoc_lieu");
    let food = ProductGroup::find_legacy_1048("Thực phẩm").expect("1048 food");
    assert_eq!(
        (food.code, food.statistics_group().code),
        ("thuc_pham_1048", "thuc_pham")
    );
    for g in ProductGroup::legacy_1048() {
        assert!(!g.statistics_group().is_legacy(), "{}", g.code);
    }
}

#[test]
fn sets_are_found_by_number_or_name() {
    let number = |raw: &str| ProductSet::find(raw).map(|s| s.number);
    assert_eq!(number("11"), Some(11));
    assert_eq!(number("Bộ 9"), Some(9));
    assert_eq!(number("bộ sản phẩm số 26"), Some(26));
    assert_eq!(number("13 - Cà phê, ca cao"), Some(13));
    assert_eq!(number("Chè"), Some(11));
    assert_eq!(number("che"), Some(11));
    assert_eq!(number("tuong nuoc mam gia vi"), Some(9));
    assert_eq!(number("Rượu trắng"), Some(14));
    assert_eq!(number("Honey and honey products"), Some(4));
    assert_eq!(number("27"), None);
    assert_eq!(number("0"), None);
    assert_eq!(number("máy cày"), None);
    let groups: Vec<(u8, &str)> = [1, 4, 11, 14, 18, 21, 22, 23, 25, 26]
        .into_iter()
        .map(|n| (n, ProductSet::by_number(n).expect("set").group().code))
        .collect();
    assert_eq!(
        groups,
        [
            (1, "thuc_pham"),
            (4, "thuc_pham"),
            (11, "do_uong"),
            (14, "do_uong"),
            (18, "duoc_lieu"),
            (21, "thu_cong_my_nghe"),
            (22, "thu_cong_my_nghe"),
            (23, "sinh_vat_canh"),
            (25, "sinh_vat_canh"),
            (26, "du_lich"),
        ]
    );
}

// --- Barcodes ----------------------------------------------------------------------------------

#[test]
fn barcodes_with_a_right_check_digit_are_accepted() {
    // Check digits computed by hand: weights 3, 1, 3, … from the right of the payload.
    for (raw, digits) in [
        ("8934588012112", "8934588012112"),   // GTIN-13, Vietnamese prefix 893
        ("893 6036 020373", "8936036020373"), // spaces removed
        ("96385074", "96385074"),             // GTIN-8
        ("0-36000-29145-2", "036000291452"),  // GTIN-12 (UPC-A), dashes removed
        ("10614141000415", "10614141000415"), // GTIN-14
    ] {
        assert_eq!(parse_gtin(raw).as_deref(), Ok(digits), "{raw}");
    }
}

#[test]
fn barcodes_with_a_wrong_check_digit_length_or_letters_are_rejected() {
    assert_eq!(
        parse_gtin("8934588012113"),
        Err("product-error-barcode-check-digit")
    );
    assert_eq!(parse_gtin("96385075"), Err("product-error-barcode-check-digit"));
    assert_eq!(
        parse_gtin("036000291453"),
        Err("product-error-barcode-check-digit")
    );
    assert_eq!(
        parse_gtin("893458801211"),
        Err("product-error-barcode-check-digit")
    );
    assert_eq!(parse_gtin("89345880121"), Err("product-error-barcode-length"));
    assert_eq!(parse_gtin("893458801211X"), Err("product-error-barcode-chars"));
    assert_eq!(parse_gtin(""), Err("product-error-barcode-length"));
}

// --- Product form ------------------------------------------------------------------------------

fn product() -> ProductForm {
    ProductForm {
        name: "Nước mắm cốt cá cơm Cửa Lò".into(),
        group: "Thực phẩm".into(),
        set: "9".into(),
        net_quantity: "500 ml".into(),
        shelf_life: "24 tháng".into(),
        origin_province: "01".into(),
        price_min: "120.000".into(),
        price_max: "150.000 đ".into(),
        barcode: "8934588012112".into(),
        status: "Đã công bố".into(),
        ..Default::default()
    }
}

#[test]
fn a_complete_product_is_accepted() {
    let p = product().parse().expect("valid");
    assert_eq!(p.group.code, "thuc_pham");
    assert_eq!(p.set.map(|s| s.number), Some(9));
    assert_eq!(
        p.net_quantity.as_ref().map(|q| q.display.as_str()),
        Some("500 ml")
    );
    assert_eq!(p.shelf_life.as_ref().map(|s| s.days), Some(720));
    assert_eq!((p.price_min, p.price_max), (Some(120_000), Some(150_000)));
    assert_eq!(p.origin_province_code, Some("01"));
    assert_eq!(p.status, ProductStatus::Published);
}

#[test]
fn the_group_is_inferred_from_the_set_and_a_legacy_name_is_mapped() {
    let p = ProductForm {
        group: "".into(),
        set: "Chè".into(),
        ..product()
    }
    .parse()
    .expect("valid");
    assert_eq!(p.group.code, "do_uong");
    let p = ProductForm {
        group: "Thảo dược".into(),
        set: "18".into(),
        ..product()
    }
    .parse()
    .expect("valid");
    assert_eq!(p.group.code, "duoc_lieu");
}

#[test]
fn a_set_outside_its_group_is_a_finding() {
    let f = ProductForm {
        group: "Đồ uống".into(),
        set: "9".into(),
        ..product()
    }
    .parse()
    .expect_err("set 9 is food");
    assert_eq!(keys(&f), [("set", "product-error-set-not-in-group")]);
    assert!(f.0[0].args.contains(&("group_vi", "Đồ uống".to_string())));
}

#[test]
fn a_ward_outside_the_province_of_origin_is_a_finding() {
    let f = ProductForm {
        origin_province: "79".into(),
        origin_ward: "00004".into(), // Phường Ba Đình, Hà Nội
        ..product()
    }
    .parse()
    .expect_err("ward of Hà Nội");
    assert_eq!(
        keys(&f),
        [("origin_ward", "product-error-origin-ward-not-in-province")]
    );
    let p = ProductForm {
        origin_province: "".into(),
        origin_ward: "4".into(),
        ..product()
    }
    .parse()
    .expect("valid");
    assert_eq!(
        (p.origin_province_code, p.origin_ward_code),
        (Some("01"), Some("00004"))
    );
}

#[test]
fn a_product_form_reports_every_finding_at_once() {
    let f = ProductForm {
        name: "   ".into(),
        group: "Đồ uống".into(),
        set: "Mật ong, sản phẩm từ mật ong".into(),
        description: "x".repeat(5001),
        net_quantity: "nửa cân".into(),
        shelf_life: "lâu".into(),
        origin_province: "99".into(),
        price_min: "200.000".into(),
        price_max: "150.000".into(),
        barcode: "8934588012113".into(),
        status: "bí mật".into(),
        ..product()
    }
    .parse()
    .expect_err("invalid");
    assert_eq!(
        keys(&f),
        [
            ("name", "product-error-required"),
            ("set", "product-error-set-not-in-group"),
            ("description", "product-error-too-long"),
            ("net_quantity", "product-error-net-quantity"),
            ("shelf_life", "product-error-shelf-life"),
            ("origin_province", "product-error-origin-province"),
            ("price_max", "product-error-price-range"),
            ("barcode", "product-error-barcode-check-digit"),
            ("status", "product-error-status"),
        ]
    );
}

// --- Certification form ------------------------------------------------------------------------

fn certificate() -> CertificationForm {
    CertificationForm {
        score_a: "32,5".into(),
        score_b: "20".into(),
        score_c: "28.5".into(),
        decision_no: "số 858/qđ-ubnd".into(),
        decision_date: "15/03/2024".into(),
        issuer: "UBND tỉnh Nghệ An".into(),
        stars: "4 sao".into(),
        ..Default::default()
    }
}

#[test]
fn a_provincial_certificate_is_read_under_the_version_of_its_date() {
    let c = certificate().parse(today()).expect("valid");
    assert_eq!(c.total, 810);
    assert_eq!(c.stars.get(), 4);
    assert_eq!(c.level, CertLevel::Province);
    assert_eq!(c.decision_no, "858/QĐ-UBND");
    assert_eq!(c.rules_code, "qd148");
    assert_eq!(c.expires_on, date(2027, 3, 15));
    assert!(!c.potential_five);
    assert_eq!(
        c.certification().state_at(date(2027, 1, 1)),
        CertState::ExpiringSoon
    );
}

#[test]
fn weights_are_enforced_by_the_decision_date() {
    // 38 in C is within 1048's 40 points but above 148's 35.
    let form = |day: &str| CertificationForm {
        score_a: "30".into(),
        score_b: "20".into(),
        score_c: "38".into(),
        decision_date: day.into(),
        stars: "".into(),
        ..certificate()
    };
    let old = form("20/02/2023").parse(today()).expect("1048");
    assert_eq!((old.rules_code, old.stars.get()), ("qd1048", 4));
    let new = form("24/02/2023").parse(today()).expect_err("148");
    assert_eq!(keys(&new), [("score_c", "ocop-error-score-part-max")]);
}

#[test]
fn a_province_scoring_ninety_is_potential_five_and_cannot_claim_five() {
    let high = CertificationForm {
        score_a: "38".into(),
        score_b: "23".into(),
        score_c: "31".into(),
        stars: "".into(),
        ..certificate()
    };
    let c = high.parse(today()).expect("valid");
    assert_eq!((c.stars.get(), c.potential_five), (4, true));
    let typed_four = CertificationForm {
        stars: "4".into(),
        ..high.clone()
    };
    assert!(typed_four.parse(today()).is_ok(), "4★ is what a province shows");
    let typed_five = CertificationForm {
        stars: "5 sao".into(),
        ..high.clone()
    };
    assert_eq!(
        keys(&typed_five.parse(today()).expect_err("province 5★")),
        [("stars", "product-error-cert-five-stars-province")]
    );
    let central = CertificationForm {
        level: "".into(),
        issuer: "Bộ Nông nghiệp và Môi trường".into(),
        decision_no: "1234/QĐ-BNNMT".into(),
        stars: "5".into(),
        ..high.clone()
    };
    let c = central.parse(today()).expect("valid");
    assert_eq!(
        (c.stars.get(), c.level, c.potential_five),
        (5, CertLevel::Central, false)
    );
    let unknown_level = CertificationForm {
        issuer: "".into(),
        ..high
    };
    assert_eq!(
        keys(&unknown_level.parse(today()).expect_err("level needed")),
        [("level", "product-error-cert-level-required")]
    );
}

#[test]
fn low_scores_central_four_stars_and_mismatched_stars_are_findings() {
    let low = CertificationForm {
        score_a: "20".into(),
        score_b: "10".into(),
        score_c: "15".into(),
        stars: "".into(),
        ..certificate()
    };
    assert_eq!(
        keys(&low.parse(today()).expect_err("2★")),
        [("score", "product-error-cert-not-certifiable")]
    );
    let central_four = CertificationForm {
        level: "Trung ương".into(),
        ..certificate()
    };
    assert_eq!(
        keys(&central_four.parse(today()).expect_err("central 4★")),
        [("level", "product-error-cert-central-needs-five")]
    );
    let differ = CertificationForm {
        stars: "3".into(),
        ..certificate()
    };
    let f = differ.parse(today()).expect_err("typed 3★, scored 4★");
    assert_eq!(keys(&f), [("stars", "product-error-cert-stars-differ")]);
    assert!(f.0[0].args.contains(&("typed", "3".to_string())));
}

#[test]
fn a_certification_form_reports_every_finding_at_once() {
    let f = CertificationForm {
        score_a: "".into(),
        score_b: "30".into(),
        score_c: "3x".into(),
        decision_no: "QĐ-UBND".into(),
        decision_date: "15/03/2027".into(),
        level: "huyện".into(),
        stars: "sáu".into(),
        ..certificate()
    }
    .parse(today())
    .expect_err("invalid");
    assert_eq!(
        keys(&f),
        [
            ("score_a", "product-error-required"),
            ("score_c", "product-error-cert-score"),
            ("decision_no", "ocop-error-decision-number"),
            ("decision_date", "product-error-cert-date-future"),
            ("level", "product-error-cert-level"),
            ("stars", "product-error-cert-stars-typed"),
        ]
    );
    let incomplete = CertificationForm {
        decision_date: "2024".into(),
        ..certificate()
    };
    assert_eq!(
        keys(&incomplete.parse(today()).expect_err("year only")),
        [("decision_date", "product-error-cert-date-incomplete")]
    );
}

// --- Message keys ------------------------------------------------------------------------------

/// The message keys of the web catalogue of one language that the domain's keys live in.
fn catalogue_keys(lang: &str) -> HashSet<&'static str> {
    let text: &'static str = match lang {
        "vi" => include_str!("../../web/locales/vi/main.ftl"),
        _ => include_str!("../../web/locales/en/main.ftl"),
    };
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with(' ') && !l.trim().is_empty())
        .filter_map(|l| l.split_once(" = ").map(|(k, _)| k.trim()))
        .collect()
}

#[test]
fn every_message_key_has_a_vietnamese_and_an_english_message() {
    let all: HashSet<&str> = ocop::MESSAGE_KEYS
        .iter()
        .chain(product::MESSAGE_KEYS)
        .copied()
        .collect();
    assert_eq!(
        all.len(),
        ocop::MESSAGE_KEYS.len() + product::MESSAGE_KEYS.len(),
        "a key is listed twice"
    );
    for lang in ["vi", "en"] {
        let catalogue = catalogue_keys(lang);
        let missing: Vec<&&str> = all.iter().filter(|k| !catalogue.contains(**k)).collect();
        assert!(missing.is_empty(), "{lang} catalogue lacks {missing:?}");
    }
    let labels = CertLevel::ALL
        .iter()
        .map(|l| l.label_key())
        .chain(ProductStatus::ALL.iter().map(|s| s.label_key()))
        .chain(ocop::Part::ALL.iter().map(|p| p.label_key()))
        .chain(
            [
                CertState::Valid,
                CertState::ExpiringSoon,
                CertState::Expired,
                CertState::Revoked,
            ]
            .iter()
            .map(|s| s.label_key()),
        );
    for key in labels {
        assert!(all.contains(key), "{key}");
    }
}

#[test]
fn every_key_the_forms_produce_is_listed() {
    let listed: HashSet<&str> = ocop::MESSAGE_KEYS
        .iter()
        .chain(product::MESSAGE_KEYS)
        .copied()
        .collect();
    let mut produced = Vec::new();
    let bad_product = ProductForm {
        name: "x".repeat(201),
        group: "?".into(),
        set: "99".into(),
        origin_ward: "xyz".into(),
        price_min: "abc".into(),
        barcode: "12".into(),
        ..product()
    };
    produced.extend(bad_product.parse().expect_err("invalid").0);
    let bad_cert = CertificationForm {
        score_a: "45".into(),
        decision_date: "31/02/2024".into(),
        ..certificate()
    };
    produced.extend(bad_cert.parse(today()).expect_err("invalid").0);
    assert!(produced.len() >= 8);
    for finding in produced {
        assert!(listed.contains(finding.key), "{} is not listed", finding.key);
    }
}
