//! Behaviour of the catalogue search on a small hand-written catalogue: every way people type,
//! ranking, filters, facets, sorting, suggestions, bad input, and the index's life on disk.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use lienket_search::{
    OpenState, ProductDoc, Query, Results, SearchError, SearchIndex, Sort, province_search_names,
    telex_to_vietnamese,
};

/// (code, name, producer, province code, province name, legacy province, group, stars,
/// description)
type Row = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    u8,
    &'static str,
);

const CATALOGUE: &[Row] = &[
    (
        "NM1",
        "Nước mắm Phú Quốc",
        "Công ty Hưng Thịnh",
        "91",
        "An Giang",
        "Kiên Giang",
        "thuc_pham",
        5,
        "Nước mắm cá cơm 40 độ đạm.",
    ),
    (
        "NM2",
        "Nước mắm Nam Ô",
        "HTX Nam Ô",
        "48",
        "Đà Nẵng",
        "",
        "thuc_pham",
        3,
        "Cá cơm ủ chượp trong thùng gỗ.",
    ),
    (
        "MD1",
        "Mâm đồng Đại Bái",
        "HTX Đúc đồng Đại Bái",
        "24",
        "Bắc Ninh",
        "",
        "thu_cong_my_nghe",
        4,
        "Mâm đồng gò thủ công.",
    ),
    (
        "MT1",
        "Mắm tôm Hậu Lộc",
        "HTX Mắm tôm Hậu Lộc",
        "38",
        "Thanh Hóa",
        "",
        "thuc_pham",
        3,
        "Mắm tôm đặc sản xứ Thanh.",
    ),
    (
        "MO1",
        "Mật ong hoa nhãn Hưng Yên",
        "HTX Ong mật Khoái Châu",
        "33",
        "Hưng Yên",
        "Hưng Yên",
        "thuc_pham",
        4,
        "Mật ong nguyên chất từ hoa nhãn.",
    ),
    (
        "MO2",
        "Mật ong bạc hà Hà Giang",
        "HTX Ong Mèo Vạc",
        "08",
        "Tuyên Quang",
        "Hà Giang",
        "thuc_pham",
        5,
        "Mật ong bạc hà cao nguyên đá.",
    ),
    (
        "MO3",
        "Mật ong rừng Thái Thụy",
        "HTX Ong Thái Thụy",
        "33",
        "Hưng Yên",
        "Thái Bình",
        "thuc_pham",
        3,
        "Mật ong rừng ngập mặn.",
    ),
    (
        "NH1",
        "Nhãn lồng Hưng Yên",
        "HTX Nhãn lồng Phố Hiến",
        "33",
        "Hưng Yên",
        "",
        "thuc_pham",
        4,
        "Nhãn lồng cùi dày, ngọt sắc.",
    ),
    (
        "DP1",
        "Đường phèn Quảng Ngãi",
        "Công ty Đường Quảng Ngãi",
        "51",
        "Quảng Ngãi",
        "",
        "thuc_pham",
        4,
        "Đường phèn kết tinh từ mía.",
    ),
    (
        "DU1",
        "Dưa hấu Long An",
        "HTX Dưa hấu Long An",
        "80",
        "Tây Ninh",
        "Long An",
        "thuc_pham",
        3,
        "Dưa hấu ruột đỏ.",
    ),
    (
        "CH1",
        "Chè Tân Cương",
        "HTX Chè Tân Cương",
        "19",
        "Thái Nguyên",
        "",
        "do_uong",
        5,
        "Chè búp xanh sao tay.",
    ),
    (
        "CH2",
        "Chè Shan tuyết Suối Giàng",
        "HTX Chè Suối Giàng",
        "15",
        "Lào Cai",
        "Yên Bái",
        "do_uong",
        4,
        "Trà cổ thụ trên núi cao.",
    ),
    (
        "MN1",
        "Mành tre che nắng",
        "HTX Mây tre Xuân Lai",
        "24",
        "Bắc Ninh",
        "",
        "thu_cong_my_nghe",
        3,
        "Mành trúc dùng che nắng ban công.",
    ),
    (
        "GA1",
        "Gạo ST25 Sóc Trăng",
        "HTX Gạo Hồ Quang Cua",
        "92",
        "Cần Thơ",
        "Sóc Trăng",
        "thuc_pham",
        5,
        "Gạo thơm hạt dài.",
    ),
    (
        "GA2",
        "Gạo nếp cái hoa vàng",
        "HTX Nông nghiệp Kinh Môn",
        "31",
        "Hải Phòng",
        "Hải Dương",
        "thuc_pham",
        4,
        "Gạo nếp dẻo thơm.",
    ),
    (
        "TL1",
        "Thanh long ruột đỏ",
        "HTX Thanh long Hàm Thuận",
        "68",
        "Lâm Đồng",
        "Bình Thuận",
        "thuc_pham",
        4,
        "Thanh long ruột đỏ ngọt.",
    ),
    (
        "TB1",
        "Tương Bần",
        "HTX Tương Bần",
        "33",
        "Hưng Yên",
        "",
        "thuc_pham",
        3,
        "Tương đậu tương nếp ủ chum.",
    ),
    (
        "VT1",
        "Vải thiều Thanh Hà",
        "HTX Vải Thanh Hà",
        "31",
        "Hải Phòng",
        "Hải Dương",
        "thuc_pham",
        4,
        "Vải thiều cùi dày.",
    ),
    (
        "KD1",
        "Kẹo dừa Mỏ Cày",
        "HTX Kẹo dừa Mỏ Cày",
        "86",
        "Vĩnh Long",
        "Bến Tre",
        "thuc_pham",
        4,
        "Kẹo dừa sầu riêng.",
    ),
    (
        "GM1",
        "Gốm Bát Tràng men lam",
        "HTX Gốm Bát Tràng",
        "01",
        "Hà Nội",
        "",
        "thu_cong_my_nghe",
        5,
        "Bình gốm vẽ tay.",
    ),
];

fn product(i: usize) -> ProductDoc {
    let (code, name, producer, province, province_name, legacy, group, stars, description) = CATALOGUE[i];
    ProductDoc {
        id: format!("id-{code}"),
        code: code.to_string(),
        name: name.to_string(),
        producer_id: format!("producer-{}", i % 4),
        producer_name: producer.to_string(),
        alliance_code: i.is_multiple_of(3).then(|| "LM-A".to_string()),
        province_code: Some(province.to_string()),
        province_name: Some(province_name.to_string()),
        legacy_provinces: if legacy.is_empty() {
            vec![]
        } else {
            vec![legacy.to_string()]
        },
        group: Some(group.to_string()),
        set_no: Some(1),
        stars: Some(stars),
        description: description.to_string(),
        published_at: 1_750_000_000 + i as i64 * 86_400,
        card: String::new(),
    }
}

fn catalogue() -> Vec<ProductDoc> {
    (0..CATALOGUE.len()).map(product).collect()
}

fn index() -> SearchIndex {
    let index = SearchIndex::in_memory().expect("an index");
    index.replace_all(catalogue().into_iter(), 7).expect("indexing");
    index
}

fn query(text: &str) -> Query {
    Query {
        text: text.to_string(),
        limit: 10,
        ..Query::default()
    }
}

fn search(index: &SearchIndex, text: &str) -> Results {
    index.search(&query(text)).expect("a search")
}

/// The codes found, best first.
fn codes(index: &SearchIndex, text: &str) -> Vec<String> {
    search(index, text).hits.into_iter().map(|h| h.code).collect()
}

fn rank(codes: &[String], code: &str) -> usize {
    codes
        .iter()
        .position(|c| c == code)
        .unwrap_or_else(|| panic!("{code} not found in {codes:?}"))
}

fn temp_dir(name: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "lienket-search-{name}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[test]
fn accented_and_unaccented_queries_find_the_same_product_first() {
    let index = index();
    for text in [
        "nước mắm phú quốc",
        "nuoc mam phu quoc",
        "NƯỚC MẮM Phú Quốc",
        "Nuoc-Mam, Phu Quoc!",
    ] {
        assert_eq!(codes(&index, text)[0], "NM1", "{text}");
    }
}

#[test]
fn nfd_queries_match_nfc_products() {
    use unicode_normalization::UnicodeNormalization;
    let index = index();
    let nfd: String = "mật ong hoa nhãn".nfd().collect();
    assert_eq!(codes(&index, &nfd)[0], "MO1");
}

#[test]
fn d_finds_dong_and_dong_finds_d() {
    let index = index();
    assert_eq!(codes(&index, "duong phen")[0], "DP1");
    assert_eq!(codes(&index, "đường phèn")[0], "DP1");
    // Accents typed, but d for đ.
    assert_eq!(codes(&index, "dường phèn")[0], "DP1");
    // đ typed for a d.
    assert_eq!(codes(&index, "đưa hấu")[0], "DU1");
}

#[test]
fn the_last_word_matches_as_a_prefix_of_two_letters_or_more() {
    let index = index();
    assert_eq!(codes(&index, "mật ong hoa nh")[0], "MO1");
    assert_eq!(codes(&index, "keo du")[0], "KD1");
    assert_eq!(codes(&index, "thanh lo")[0], "TL1");
    assert_eq!(codes(&index, "vải thi")[0], "VT1");
    // One word alone, and a prefix not adjacent to the other word in the name.
    assert_eq!(codes(&index, "thiề")[0], "VT1");
    assert_eq!(codes(&index, "tuyế")[0], "CH2");
    assert_eq!(codes(&index, "mật nhã")[0], "MO1");
    // A single letter alone is not expanded.
    assert!(!codes(&index, "v").contains(&"VT1".to_string()));
}

#[test]
fn one_typo_is_tolerated_in_words_of_five_letters_or_more() {
    let index = index();
    assert_eq!(codes(&index, "thannh long")[0], "TL1");
    assert_eq!(codes(&index, "tuongg ban")[0], "TB1");
    // A transposition counts as one typo.
    assert_eq!(codes(&index, "tuogn ban")[0], "TB1");
    assert_eq!(codes(&index, "vai thieuu")[0], "VT1");
    // Shorter words must be right: "gaoo" (four letters) finds no rice.
    let found = codes(&index, "gaoo");
    assert!(!found.contains(&"GA1".to_string()), "{found:?}");
}

#[test]
fn exact_accents_rank_above_folded_matches() {
    let index = index();
    let mam = codes(&index, "mắm");
    assert!(rank(&mam, "NM1") < rank(&mam, "MD1"), "{mam:?}");
    assert!(rank(&mam, "MT1") < rank(&mam, "MD1"), "{mam:?}");
    let mam = codes(&index, "mâm");
    assert_eq!(mam[0], "MD1", "{mam:?}");
    assert!(rank(&mam, "MD1") < rank(&mam, "NM1"), "{mam:?}");
    let che = codes(&index, "chè");
    assert!(rank(&che, "CH1") < rank(&che, "MN1"), "{che:?}");
    let che = codes(&index, "che nắng");
    assert_eq!(che[0], "MN1", "{che:?}");
}

#[test]
fn telex_typed_with_the_input_method_off_is_decoded() {
    let index = index();
    assert_eq!(codes(&index, "nuowcs mawms phu quoocs")[0], "NM1");
    // Every word below is found only through its Telex reading.
    let first_two = |text: &str| -> String { codes(&index, text).first().cloned().unwrap_or_default() };
    assert!(first_two("nuowcs mawms").starts_with("NM"), "nuowcs mawms");
    assert!(
        ["NM1", "NM2", "MT1"].contains(&first_two("mawms").as_str()),
        "mawms"
    );
    assert!(first_two("cheef").starts_with("CH"), "cheef");
    assert!(first_two("gaoj").starts_with("GA"), "gaoj");
    assert!(first_two("maatj").starts_with("MO"), "maatj");
    assert_eq!(first_two("dduowngf"), "DP1");
    assert_eq!(first_two("ddaij bais"), "MD1");
    assert_eq!(telex_to_vietnamese("nuowcs").as_deref(), Some("nước"));
    assert_eq!(telex_to_vietnamese("maatj").as_deref(), Some("mật"));
    assert_eq!(telex_to_vietnamese("nuoc"), None);
}

#[test]
fn a_product_type_and_a_province_rank_that_type_from_that_province_first() {
    let index = index();
    let found = codes(&index, "mật ong hưng yên");
    // Both honeys of Hưng Yên (one from the former Thái Bình), the one named after it first.
    assert_eq!(found[..2], ["MO1", "MO3"], "{found:?}");
    // Honey from elsewhere (right type) before other products of Hưng Yên.
    assert!(rank(&found, "MO2") < rank(&found, "NH1"), "{found:?}");
    let found = codes(&index, "nhãn hưng yên");
    assert_eq!(found[0], "NH1", "{found:?}");
}

#[test]
fn old_province_names_find_products_of_the_successor_province() {
    let index = index();
    let found = codes(&index, "mật ong thái bình");
    assert_eq!(found[0], "MO3", "{found:?}");
    assert_eq!(codes(&index, "vải thiều hải dương")[0], "VT1");
    assert_eq!(codes(&index, "gao soc trang")[0], "GA1");
    // Without the product's own legacy province, every province merged into its province counts:
    // Nam Ô is in Đà Nẵng, which took in Quảng Nam.
    assert_eq!(codes(&index, "nước mắm quảng nam")[0], "NM2");
    // The helper gives the names of every legacy province merged into a 2025 one.
    let names = province_search_names("33");
    assert!(names.contains(&"Thái Bình".to_string()), "{names:?}");
}

#[test]
fn every_word_matching_ranks_above_some_words_matching() {
    let index = index();
    let found = codes(&index, "gạo nếp hoa vàng");
    assert_eq!(found[0], "GA2", "{found:?}");
    assert!(rank(&found, "GA2") < rank(&found, "GA1"), "{found:?}");
}

#[test]
fn enough_products_with_every_word_are_the_answer_and_too_few_add_those_with_some() {
    let index = index();
    let base = product(0);
    let honey = |i: usize, name: &str| ProductDoc {
        id: format!("id-honey-{i}"),
        code: format!("HO{i}"),
        name: name.to_string(),
        description: "Mật ong nuôi tự nhiên.".into(),
        ..base.clone()
    };
    let mut docs = catalogue();
    docs.extend((0..12).map(|i| honey(i, &format!("Mật ong hoa nhãn loại {i}"))));
    docs.extend((12..15).map(|i| honey(i, "Mật ong hoa cà phê")));
    index.replace_all(docs.into_iter(), 8).expect("indexing");
    // Thirteen products have "mật", "ong" and "nhãn" (the twelve and "Mật ong hoa nhãn Hưng
    // Yên"): they are the answer, counted alone, without the other honey.
    let r = search(&index, "mật ong nhãn");
    assert_eq!(r.total, 13, "{:?}", r.hits);
    assert!(
        r.hits.iter().all(|h| h.code.starts_with("HO") || h.code == "MO1"),
        "{:?}",
        r.hits
    );
    // A generic word ("đặc sản") is not required.
    assert_eq!(search(&index, "mật ong nhãn đặc sản").total, 13);
    // Nor does it make an answer when the query names a place: the products of Hưng Yên, not
    // the shrimp paste of Thanh Hóa that says "đặc sản".
    let r = search(&index, "đặc sản hưng yên");
    assert!(r.total > 0);
    assert_eq!(
        r.provinces,
        [lienket_search::Facet {
            value: "33".into(),
            count: r.total as u64
        }]
    );
    // Unless nothing of the place is there: then the products that say it.
    let r = search(&index, "đặc sản cà mau");
    assert!(r.hits.iter().any(|h| h.code == "MT1"), "{:?}", r.hits);
    assert_eq!(r.did_you_mean, None);
    // Three have "cà phê" with the honey: too few, so products with some of the words come too,
    // those with every word first.
    let r = search(&index, "mật ong cà phê");
    assert!(r.total > 3, "{}", r.total);
    let first: Vec<&str> = r.hits.iter().take(3).map(|h| h.code.as_str()).collect();
    assert!(
        first.iter().all(|c| ["HO12", "HO13", "HO14"].contains(c)),
        "{:?}",
        r.hits
    );
}

#[test]
fn did_you_mean_offers_the_closest_name_word_when_nothing_matches() {
    let index = index();
    let r = search(&index, "thaanhh");
    assert_eq!(r.total, 0);
    assert_eq!(r.did_you_mean.as_deref(), Some("thanh"));
    let r = search(&index, "qqqqqqqq");
    assert_eq!(r.total, 0);
    assert_eq!(r.did_you_mean, None);
    // Something matched: no suggestion.
    assert_eq!(search(&index, "mật ong").did_you_mean, None);
}

#[test]
fn filters_are_exact_and_facets_count_the_filtered_set() {
    let index = index();
    let r = index
        .search(&Query {
            province: Some("33".into()),
            ..query("")
        })
        .expect("a search");
    assert_eq!(r.total, 4);
    assert_eq!(r.provinces.len(), 1);
    assert_eq!(r.provinces[0].value, "33");
    assert_eq!(r.provinces[0].count, 4);

    let r = search(&index, "mật ong");
    let hy = r
        .provinces
        .iter()
        .find(|f| f.value == "33")
        .expect("Hưng Yên facet");
    assert_eq!(hy.count, 2);
    let stars: u64 = r.stars.iter().map(|f| f.count).sum();
    assert_eq!(stars as usize, r.total);
    assert!(r.groups.iter().any(|g| g.value == "thuc_pham"));

    let r = index
        .search(&Query {
            stars: Some(5),
            group: Some("do_uong".into()),
            ..query("")
        })
        .expect("a search");
    assert_eq!(
        r.hits.iter().map(|h| h.code.as_str()).collect::<Vec<_>>(),
        ["CH1"]
    );

    let r = index
        .search(&Query {
            alliance: Some("LM-A".into()),
            producer_id: Some("producer-0".into()),
            ..query("")
        })
        .expect("a search");
    assert!(r.total > 0);
    assert_eq!(
        r.alliances,
        [lienket_search::Facet {
            value: "LM-A".into(),
            count: r.total as u64
        }]
    );
    // A filter value is not analysed: case and accents must match.
    let r = index
        .search(&Query {
            group: Some("THUC_PHAM".into()),
            ..query("")
        })
        .expect("a search");
    assert_eq!(r.total, 0);
}

#[test]
fn results_sort_by_stars_or_date_from_fast_fields() {
    let index = index();
    let by_stars = index
        .search(&Query {
            sort: Sort::Stars,
            limit: 50,
            ..query("")
        })
        .expect("a search");
    let stars: Vec<u8> = by_stars
        .hits
        .iter()
        .map(|h| CATALOGUE.iter().find(|p| p.0 == h.code).expect("known").7)
        .collect();
    assert!(stars.windows(2).all(|w| w[0] >= w[1]), "{stars:?}");

    let newest = index
        .search(&Query {
            sort: Sort::Newest,
            limit: 3,
            ..query("")
        })
        .expect("a search");
    let last = CATALOGUE.len() - 1;
    assert_eq!(newest.hits[0].code, CATALOGUE[last].0);
    assert_eq!(newest.hits[1].code, CATALOGUE[last - 1].0);

    let honey = index
        .search(&Query {
            sort: Sort::Stars,
            ..query("mật ong")
        })
        .expect("a search");
    assert_eq!(honey.hits[0].code, "MO2");
}

#[test]
fn pages_follow_each_other() {
    let index = index();
    let all = index
        .search(&Query {
            limit: 50,
            ..query("")
        })
        .expect("a search");
    assert_eq!(all.total, CATALOGUE.len());
    let page2 = index
        .search(&Query {
            offset: 5,
            limit: 5,
            ..query("")
        })
        .expect("a search");
    assert_eq!(page2.hits, all.hits[5..10]);
    let count_only = index
        .search(&Query {
            limit: 0,
            ..query("mật ong")
        })
        .expect("a search");
    assert!(count_only.hits.is_empty());
    assert_eq!(count_only.total, search(&index, "mật ong").total);
    let beyond = index
        .search(&Query {
            offset: usize::MAX,
            limit: usize::MAX,
            ..query("")
        })
        .expect("a search");
    assert!(beyond.hits.is_empty());
}

#[test]
fn suggestions_complete_the_typed_words_with_distinct_names() {
    let index = index();
    let s = index.suggest("mật o", 5).expect("suggestions");
    assert!(s.len() >= 3, "{s:?}");
    assert!(s.iter().all(|n| n.starts_with("Mật ong")), "{s:?}");
    let s = index.suggest("nuoc m", 5).expect("suggestions");
    assert_eq!(s.len(), 2, "{s:?}");
    let s = index.suggest("mắ", 5).expect("suggestions");
    assert_eq!(s[0], "Mắm tôm Hậu Lộc", "{s:?}");
    assert!(index.suggest("m", 5).expect("suggestions").is_empty());
    assert!(index.suggest("", 5).expect("suggestions").is_empty());
    assert!(index.suggest("mật", 0).expect("suggestions").is_empty());
    assert_eq!(index.suggest("mật ong", 1).expect("suggestions").len(), 1);
}

#[test]
fn suggestions_read_words_typed_in_telex_with_the_input_method_off() {
    let index = index();
    // "mawms" is "mắm" (ranked above "Mâm đồng", which only folds the same), "nuowcs" "nước".
    let s = index.suggest("mawms", 5).expect("suggestions");
    assert_eq!(s.first().map(String::as_str), Some("Mắm tôm Hậu Lộc"), "{s:?}");
    let s = index.suggest("nuowcs m", 5).expect("suggestions");
    assert_eq!(s.len(), 2, "{s:?}");
    assert!(s.iter().all(|n| n.starts_with("Nước mắm")), "{s:?}");
    // A word that is not Telex is read as typed.
    assert_eq!(index.suggest("nuoc m", 5).expect("suggestions"), s);
}

#[test]
fn bad_input_never_fails_nor_panics() {
    let index = index();
    let long = "mật ong ".repeat(1_300);
    let nasty = [
        long.as_str(),
        "",
        "   ",
        "!!!???...,,,;;;",
        "'; DROP TABLE products; --",
        "\" OR 1=1 --",
        "<script>alert('x')</script>",
        "\"mật ong",
        "mật ong\"\"\"",
        "(((mật AND ong",
        "title:mật ong~2^3 +nước -mắm *",
        "🍯🐝🍯",
        "蜂蜜 河内",
        "мёд Ханой",
        "mật\u{0}ong\u{200b}\u{feff}",
        "\u{0301}\u{0301}mật",
        &"a".repeat(10_000),
        &"ắ".repeat(5_000),
        "x y z w v u t s r q p o n m l k",
    ];
    for text in nasty {
        let r = index.search(&query(text)).expect("never an error");
        assert!(r.hits.len() <= 10);
        index.suggest(text, 5).expect("never an error");
    }
    assert_eq!(codes(&index, &long)[0].get(..2), Some("MO"));
    assert_eq!(search(&index, "蜂蜜").total, 0);
}

#[test]
fn changes_are_visible_to_the_next_search_with_their_watermark() {
    let index = index();
    assert_eq!(index.watermark(), Some(7));
    assert_eq!(index.len(), CATALOGUE.len() as u64);

    let mut renamed = product(0);
    renamed.name = "Nước mắm nhĩ Hàm Ninh".into();
    let mut new = product(1);
    new.id = "id-new".into();
    new.code = "NEW".into();
    new.name = "Bánh pía Sóc Trăng".into();
    index
        .apply(vec![renamed, new], vec!["id-MD1".into()], 8)
        .expect("applied");
    assert_eq!(index.watermark(), Some(8));
    assert_eq!(index.len(), CATALOGUE.len() as u64);
    assert_eq!(codes(&index, "hàm ninh")[0], "NM1");
    assert!(!codes(&index, "phú quốc nước mắm").contains(&"MD1".to_string()));
    assert_eq!(codes(&index, "bánh pía")[0], "NEW");
    assert!(!codes(&index, "mâm đồng").contains(&"MD1".to_string()));

    // An upsert and a delete of the same id in one batch: the delete wins.
    index
        .apply(vec![product(2)], vec!["id-MD1".into()], 9)
        .expect("applied");
    assert!(!codes(&index, "mâm đồng").contains(&"MD1".to_string()));
    // Deleting an unknown id is fine.
    index.apply(vec![], vec!["nope".into()], 10).expect("applied");
    assert_eq!(index.watermark(), Some(10));
}

#[test]
fn a_changed_product_counts_once_and_filters_apply_in_every_segment() {
    let index = index();
    let before = search(&index, "mật ong");
    // MO1 changed: its old document is deleted in the first segment, the new one is in another.
    let i = CATALOGUE.iter().position(|r| r.0 == "MO1").expect("MO1");
    let mut changed = product(i);
    changed.description = "Mật ong nguyên chất từ hoa nhãn lồng.".into();
    index.apply(vec![changed], vec![], 8).expect("applied");
    let after = search(&index, "mật ong");
    assert_eq!(after.total, before.total);
    assert_eq!(after.hits.iter().filter(|h| h.code == "MO1").count(), 1);
    let by_province: u64 = after.provinces.iter().map(|f| f.count).sum();
    assert_eq!(by_province as usize, after.total);
    let hung_yen = after
        .provinces
        .iter()
        .find(|f| f.value == "33")
        .expect("Hưng Yên facet")
        .count;

    let r = index
        .search(&Query {
            province: Some("33".into()),
            ..query("mật ong")
        })
        .expect("a search");
    assert_eq!(r.total as u64, hung_yen);
    assert!(r.hits.iter().any(|h| h.code == "MO1"));
    assert_eq!(
        r.provinces,
        [lienket_search::Facet {
            value: "33".into(),
            count: hung_yen
        }]
    );
    // Deleted, it is nowhere.
    index.apply(vec![], vec!["id-MO1".into()], 9).expect("applied");
    let gone = search(&index, "mật ong");
    assert_eq!(gone.total + 1, before.total);
    assert!(gone.hits.iter().all(|h| h.code != "MO1"));
}

#[test]
fn an_index_on_disk_is_fresh_then_existing_then_rebuilt_when_corrupt() {
    let dir = temp_dir("life");
    {
        let (index, state) = SearchIndex::open(&dir).expect("opened");
        assert_eq!(state, OpenState::Fresh);
        assert_eq!(index.watermark(), None);
        index.replace_all(catalogue().into_iter(), 41).expect("filled");
        index.apply(vec![product(3)], vec![], 42).expect("applied");
    }
    {
        let (index, state) = SearchIndex::open(&dir).expect("reopened");
        assert_eq!(state, OpenState::Existing { watermark: 42 });
        assert_eq!(index.watermark(), Some(42));
        assert_eq!(index.len(), CATALOGUE.len() as u64);
        assert_eq!(codes(&index, "mật ong hưng yên")[0], "MO1");
        // One writer per directory.
        match SearchIndex::open(&dir) {
            Err(SearchError::Locked(_)) => {}
            other => panic!("expected Locked, got {:?}", other.map(|(_, s)| s)),
        }
    }
    // Garbage in every index file.
    for entry in std::fs::read_dir(&dir).expect("listing") {
        let path = entry.expect("entry").path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        if !name.starts_with('.') && name != "meta.json" {
            std::fs::write(&path, b"not an index").expect("corrupting");
        }
    }
    {
        let (index, state) = SearchIndex::open(&dir).expect("rebuilt");
        assert!(matches!(state, OpenState::Rebuilt { .. }), "{state:?}");
        assert_eq!(index.len(), 0);
        assert_eq!(index.watermark(), None);
        index.replace_all(catalogue().into_iter(), 50).expect("refilled");
    }
    std::fs::write(dir.join("meta.json"), b"{ not json").expect("corrupting");
    {
        let (_, state) = SearchIndex::open(&dir).expect("rebuilt");
        assert!(matches!(state, OpenState::Rebuilt { .. }), "{state:?}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_index_of_another_schema_version_is_rebuilt() {
    let dir = temp_dir("version");
    {
        let (index, _) = SearchIndex::open(&dir).expect("opened");
        index.replace_all(catalogue().into_iter(), 3).expect("filled");
    }
    // Rewrite the commit payload as an older program would have left it.
    let meta_path = dir.join("meta.json");
    let meta = std::fs::read_to_string(&meta_path).expect("meta.json");
    let version: String = meta
        .split("schema=")
        .nth(1)
        .expect("a schema version in the payload")
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    assert!(version.parse::<u32>().expect("a number") >= 1, "{meta}");
    let older = meta.replace(&format!("schema={version}"), "schema=0");
    std::fs::write(&meta_path, older).expect("rewritten");
    let (index, state) = SearchIndex::open(&dir).expect("rebuilt");
    match state {
        OpenState::Rebuilt { reason } => assert!(reason.contains("schema version"), "{reason}"),
        other => panic!("expected Rebuilt, got {other:?}"),
    }
    assert_eq!(index.len(), 0);
    drop(index);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn searches_run_while_changes_are_applied() {
    let index = Arc::new(index());
    let writer = {
        let index = Arc::clone(&index);
        std::thread::spawn(move || {
            for w in 0..20 {
                index
                    .apply(vec![product(w % CATALOGUE.len())], vec![], 100 + w as i64)
                    .expect("applied");
            }
        })
    };
    for _ in 0..50 {
        assert_eq!(codes(&index, "mật ong hưng yên")[0], "MO1");
    }
    writer.join().expect("writer thread");
    assert_eq!(index.watermark(), Some(119));
    assert_eq!(index.len(), CATALOGUE.len() as u64);
}

#[test]
fn a_thousand_products_index_quickly() {
    let words = [
        "Mật ong",
        "Nước mắm",
        "Chè",
        "Gạo",
        "Cà phê",
        "Bánh",
        "Kẹo",
        "Rượu",
        "Gốm",
        "Lụa",
    ];
    let places = [
        ("33", "Hưng Yên"),
        ("01", "Hà Nội"),
        ("79", "Hồ Chí Minh"),
        ("46", "Huế"),
    ];
    let docs: Vec<ProductDoc> = (0..1_000)
        .map(|i| {
            let (code, place) = places[i % places.len()];
            ProductDoc {
                id: format!("syn-{i}"),
                code: format!("S{i:04}"),
                name: format!("{} số {i} {place}", words[i % words.len()]),
                producer_id: format!("p{}", i % 50),
                producer_name: format!("HTX số {}", i % 50),
                alliance_code: None,
                province_code: Some(code.into()),
                province_name: Some(place.into()),
                legacy_provinces: province_search_names(code),
                group: Some("thuc_pham".into()),
                set_no: Some(1),
                stars: Some(3 + (i % 3) as u8),
                description: "Sản phẩm OCOP đạt chuẩn, đóng gói cẩn thận, bảo quản nơi khô ráo.".repeat(3),
                published_at: i as i64,
                card: String::new(),
            }
        })
        .collect();
    let index = SearchIndex::in_memory().expect("an index");
    let started = Instant::now();
    index.replace_all(docs.into_iter(), 1).expect("indexed");
    let elapsed = started.elapsed();
    println!("indexed 1,000 products in {elapsed:?}");
    assert_eq!(index.len(), 1_000);
    assert!(elapsed.as_secs() < 30, "indexing 1,000 products took {elapsed:?}");
    let started = Instant::now();
    let r = search(&index, "mật ong thái bình");
    println!("searched in {:?}", started.elapsed());
    // Honey of Hưng Yên (which took in Thái Bình) is every 20th product.
    let first: usize = r.hits[0].code[1..].parse().expect("a number");
    assert_eq!(first % 20, 0, "{:?}", r.hits[0]);
    assert_eq!(r.provinces[0].value, "33");
    let default = index.search(&Query::default()).expect("a search");
    assert_eq!(default.hits.len(), lienket_search::DEFAULT_LIMIT);
    assert_eq!(default.hits[0].code, "S0999");
}

/// Scale check, not run by default (`cargo test --release -p lienket-search --test search --
/// --ignored --nocapture`): indexes 200,000 synthetic products and times a few searches.
#[test]
#[ignore]
fn two_hundred_thousand_products_scale() {
    let types = [
        "Mật ong",
        "Nước mắm",
        "Chè",
        "Gạo",
        "Cà phê",
        "Bánh",
        "Kẹo",
        "Rượu",
        "Gốm",
        "Lụa",
        "Mắm",
        "Dầu",
    ];
    let extras = [
        "hoa nhãn",
        "rừng",
        "nếp",
        "tươi",
        "sấy",
        "thủ công",
        "đặc biệt",
        "truyền thống",
        "hữu cơ",
        "xanh",
    ];
    let places: Vec<(&str, &str)> = lienket_domain::admin_units::units()
        .provinces_2025()
        .iter()
        .map(|p| (p.code, p.short_name))
        .collect();
    let n = 200_000;
    let docs = (0..n).map(|i| {
        let (code, place) = places[i % places.len()];
        ProductDoc {
            id: format!("big-{i}"),
            code: format!("B{i:06}"),
            name: format!(
                "{} {} {} {}",
                types[i % types.len()],
                extras[(i / 7) % extras.len()],
                place,
                i % 997
            ),
            producer_id: format!("p{}", i % 5_000),
            producer_name: format!("HTX {} số {}", extras[i % extras.len()], i % 5_000),
            alliance_code: Some(format!("LM{}", i % 40)),
            province_code: Some(code.into()),
            province_name: Some(place.into()),
            legacy_provinces: province_search_names(code),
            group: Some(["thuc_pham", "do_uong", "thu_cong_my_nghe"][i % 3].into()),
            set_no: Some((i % 26) as u8 + 1),
            stars: Some(3 + (i % 3) as u8),
            description: format!(
                "Sản phẩm {} của {place}, {} đóng gói cẩn thận, bảo quản nơi khô ráo, số lô {i}.",
                types[(i / 3) % types.len()],
                extras[(i / 11) % extras.len()]
            ),
            published_at: i as i64,
            card: String::new(),
        }
    });
    let dir = temp_dir("scale");
    let (index, _) = SearchIndex::open(&dir).expect("opened");
    let started = Instant::now();
    index.replace_all(docs, 1).expect("indexed");
    println!("indexed {n} products in {:?}", started.elapsed());
    for text in [
        "mật ong hưng yên",
        "nuoc mam",
        "cà phê đắk lắk",
        "mat o",
        "nuowcs mawms",
        "thannh hoa",
        "gạo thái bình",
        "ng",
    ] {
        let started = Instant::now();
        let r = search(&index, text);
        println!("{text:<20} {:>7} hits in {:?}", r.total, started.elapsed());
    }
    let started = Instant::now();
    let s = index.suggest("mật o", 8).expect("suggestions");
    println!("suggest in {:?}: {s:?}", started.elapsed());
    drop(index);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_hit_gives_back_the_name_and_card_the_product_was_indexed_with() {
    let index = SearchIndex::in_memory().expect("an index");
    let docs = (0..3).map(|i| ProductDoc {
        card: format!("{{\"producer\":\"HTX số {i}\"}}"),
        ..product(i)
    });
    index.replace_all(docs, 1).expect("indexing");
    let first = product(0);
    let r = search(&index, &first.name);
    let hit = r
        .hits
        .iter()
        .find(|h| h.code == first.code)
        .expect("the product found");
    assert_eq!(hit.name, first.name);
    assert_eq!(hit.card, "{\"producer\":\"HTX số 0\"}");
}
