//! The OCOP product list import, shared by the web pages and `lienket import products`.
//!
//! Provinces and alliances publish their OCOP products as spreadsheets: one row per product
//! with its producer (chủ thể), address, group and set, stars and/or score, and the recognition
//! decision. The import runs on the registry import's engine ([`crate::import`]): the same
//! reader, the same ok / fixed / error outcome per row, a preview kept with the original file,
//! and a commit that writes everything in ONE transaction or nothing.
//!
//! Layout:
//! - [`PRODUCT_COLUMNS`]: the headers lists use, accents and case optional.
//! - [`analyse_row`]: one row read leniently into a product, a certification and the producer
//!   it names, with every correction and problem.
//! - [`plan`]: the file checked as a whole against the database — producers matched by
//!   registration code, else by name and 2025 province among the alliance's organisations, else
//!   planned as new organisations (once per producer); products matched by producer and name so
//!   that a re-import updates instead of duplicating; certifications added only for a decision
//!   the product does not hold yet.
//! - [`commit`]: everything in one transaction, through
//!   [`lienket_store::Store::commit_product_import`].
//!
//! Scores: a list often gives only the total, or only the stars. The parts A/B/C are then
//! estimated — the total split by the part weights of the rules in force on the decision date
//! (rounded down to a tenth, the rest to part C) — or, with stars alone, the lowest total of
//! that star band is used. Either way the stars derived by the rules are the ones listed; the
//! parts are an approximation, said so in the preview.

use std::collections::HashMap;

use lienket_domain::admin_units::parse_address;
use lienket_domain::ids::{AllianceId, OrganisationId};
use lienket_domain::lenient::{Date, parse_date, parse_date_serial};
use lienket_domain::ocop::{
    CertLevel, Part, RuleVersion, Score, format_points, parse_decision_number, parse_points, rules_for,
};
use lienket_domain::organisation::{Members, OrgKind, OrganisationInput, RegistrationCode, Sector};
use lienket_domain::product::{CertificationForm, ProductForm};
use lienket_domain::text::fold;
use lienket_domain::validate::{Findings, clean_text};
use lienket_office::{Cell, ColumnSpec, Row};
use lienket_store::{
    Actor, CertificationInput, DecisionCheck, ExistingProduct, ProducerCandidate, ProducerRef,
    ProductImportOutcome, ProductImportRow, ProductInput, Store, StoreError, check_decision,
    product_name_key,
};
use serde::{Deserialize, Serialize};

use crate::import::{
    FileProblem, RowAction, RowMessage, RowOutcome, SheetSummary, address_fix, count_statuses, push_fix,
    read_rows, recase, text_of,
};

/// The import kind recorded with product list imports.
pub const KIND: &str = "products";

/// The columns of an OCOP product list and the header texts provinces and alliances use.
pub const PRODUCT_COLUMNS: &[ColumnSpec] = &[
    // The row number column every list has: recognised so it is not reported as unknown.
    ColumnSpec {
        field: "row_number",
        aliases: &["stt", "số thứ tự", "tt", "số tt"],
        required: false,
    },
    ColumnSpec {
        field: "product_name",
        aliases: &[
            "tên sản phẩm",
            "sản phẩm",
            "tên sản phẩm ocop",
            "sản phẩm ocop",
            "tên sản phẩm dịch vụ",
        ],
        // Not `required`: a required column lets one matching cell make a header, and titles
        // such as "DANH SÁCH SẢN PHẨM OCOP NĂM 2024" name it. Two matching cells make the
        // header; a list without this column is refused after reading (see [`plan`]).
        required: false,
    },
    ColumnSpec {
        field: "producer",
        aliases: &[
            "chủ thể",
            "tên chủ thể",
            "chủ thể ocop",
            "chủ thể sản xuất",
            "tên chủ thể sản xuất",
            "đơn vị",
            "tên đơn vị",
            "đơn vị sản xuất",
            "cơ sở sản xuất",
            "tên cơ sở",
            "cơ sở",
            "tổ chức",
            "tên tổ chức",
            "tên htx",
        ],
        required: false,
    },
    ColumnSpec {
        field: "registration_code",
        aliases: &[
            "mã số htx",
            "mã số hợp tác xã",
            "mã số thuế",
            "mst",
            "mã số doanh nghiệp",
            "mã số đăng ký",
            "mã số chủ thể",
            "mã số",
        ],
        required: false,
    },
    ColumnSpec {
        field: "address",
        aliases: &[
            "địa chỉ",
            "địa chỉ chủ thể",
            "địa chỉ trụ sở",
            "địa chỉ sản xuất",
            "địa chỉ cơ sở",
            "trụ sở",
        ],
        required: false,
    },
    ColumnSpec {
        field: "group",
        aliases: &[
            "nhóm",
            "nhóm sản phẩm",
            "nhóm sản phẩm ocop",
            "nhóm ngành",
            "ngành hàng",
        ],
        required: false,
    },
    ColumnSpec {
        field: "set",
        aliases: &[
            "bộ sản phẩm",
            "bộ",
            "phân nhóm",
            "phân nhóm sản phẩm",
            "bộ sản phẩm ocop",
        ],
        required: false,
    },
    ColumnSpec {
        field: "unit",
        aliases: &["đơn vị tính", "đvt"],
        required: false,
    },
    ColumnSpec {
        field: "stars",
        aliases: &[
            "số sao",
            "hạng sao",
            "xếp hạng",
            "xếp hạng sao",
            "phân hạng",
            "kết quả phân hạng",
            "hạng",
            "sao",
        ],
        required: false,
    },
    ColumnSpec {
        field: "score",
        aliases: &[
            "điểm",
            "tổng điểm",
            "điểm đánh giá",
            "điểm số",
            "tổng điểm đánh giá",
            "tổng",
        ],
        required: false,
    },
    ColumnSpec {
        field: "score_a",
        aliases: &["điểm a", "phần a", "điểm phần a"],
        required: false,
    },
    ColumnSpec {
        field: "score_b",
        aliases: &["điểm b", "phần b", "điểm phần b"],
        required: false,
    },
    ColumnSpec {
        field: "score_c",
        aliases: &["điểm c", "phần c", "điểm phần c"],
        required: false,
    },
    ColumnSpec {
        field: "decision_no",
        aliases: &[
            "số quyết định",
            "quyết định công nhận",
            "quyết định",
            "số qđ",
            "quyết định số",
            "số quyết định công nhận",
            "số ngày quyết định",
        ],
        required: false,
    },
    ColumnSpec {
        field: "decision_date",
        aliases: &[
            "ngày cấp",
            "ngày quyết định",
            "ngày công nhận",
            "ngày quyết định công nhận",
            "ngày ban hành",
            "ngày ký",
            "ngày cấp giấy chứng nhận",
        ],
        required: false,
    },
    ColumnSpec {
        field: "level",
        aliases: &["cấp công nhận", "cấp", "cấp đánh giá"],
        required: false,
    },
    ColumnSpec {
        field: "issuer",
        aliases: &[
            "cơ quan công nhận",
            "cơ quan ban hành",
            "đơn vị công nhận",
            "cơ quan cấp",
        ],
        required: false,
    },
];

// ---------------------------------------------------------------------------------------------
// The preview
// ---------------------------------------------------------------------------------------------

/// How a producer was found in the registry.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum MatchedBy {
    /// By registration code.
    Code,
    /// By name and 2025 province.
    Name,
}

/// Who a row's product will belong to.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(tag = "plan", rename_all = "snake_case")]
pub enum ProducerPlan {
    /// An organisation of the alliance already in the registry.
    Matched {
        /// Its id.
        id: i64,
        /// Its name in the registry.
        name: String,
        /// How it was found.
        by: MatchedBy,
    },
    /// A new organisation the commit creates, first named on row `first_row`.
    New {
        /// The row that first names it.
        first_row: usize,
    },
    /// None: the row is in error.
    None,
}

/// What the commit does with a row's certification.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum CertificationPlan {
    /// Recorded as the product's new current certification.
    Add,
    /// Already the product's current decision: nothing is added.
    Recorded,
    /// Older than the product's current decision: not added.
    Older,
    /// The row names no decision, or is in error.
    None,
}

/// The outcome of one data row of a product list.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ProductRow {
    /// Row number, product name (`name`), registration code as read (`code`), findings, and
    /// what happens to the product (`action`).
    #[serde(flatten)]
    pub outcome: RowOutcome,
    /// The producer's name as read.
    pub producer: String,
    /// Who the product will belong to.
    pub producer_plan: ProducerPlan,
    /// What happens to the certification.
    pub certification: CertificationPlan,
}

impl ProductRow {
    /// `ok`, `fixed` or `error`.
    pub fn status(&self) -> &'static str {
        self.outcome.status()
    }
}

/// The preview of a product list, kept with the import. Every data row is kept (lists are
/// small), so the page can show each product's planned producer.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ProductPreview {
    /// What the reader found in the file.
    #[serde(flatten)]
    pub file: SheetSummary,
    /// Products the commit creates.
    pub products_created: usize,
    /// Rows matched to an existing product.
    pub products_updated: usize,
    /// Certifications the commit records.
    pub certifications_added: usize,
    /// Distinct registry organisations the rows were matched to.
    pub producers_matched: usize,
    /// Organisations the commit creates for producers missing from the registry.
    pub producers_new: usize,
    /// Every data row.
    pub rows: Vec<ProductRow>,
}

impl ProductPreview {
    /// Counts of the preview.
    pub fn counts(&self) -> lienket_store::ImportCounts {
        count_statuses(self.rows.iter().map(ProductRow::status), 0)
    }
}

// ---------------------------------------------------------------------------------------------
// One row
// ---------------------------------------------------------------------------------------------

/// The producer a row names, before it is matched against the registry.
#[derive(Debug, Clone)]
pub struct ProducerDraft {
    /// Name as it will be recorded (ALL CAPS re-cased).
    pub name: String,
    /// Matching key of the name ([`producer_key`]).
    pub key: String,
    /// Registration code, when given and readable.
    pub code: Option<RegistrationCode>,
    /// The organisation to create when the registry has no such producer.
    pub input: OrganisationInput,
    /// Whether its name says what kind it is (else it is recorded as a household business,
    /// the commonest other OCOP producer, to review).
    pub kind_named: bool,
}

/// A row read: what is shown, and what the commit needs when the row has no error.
#[derive(Debug, Clone)]
pub struct AnalysedRow {
    /// Findings and display fields.
    pub row: ProductRow,
    /// The product's fields.
    pub product: Option<ProductInput>,
    /// The certification the row records, if it names a decision.
    pub certification: Option<CertificationInput>,
    /// The producer it names.
    pub producer: Option<ProducerDraft>,
    /// Whether the score parts were estimated from a total.
    pub score_split: bool,
}

/// The key producers are matched by: folded, punctuation read as spaces, and the usual
/// abbreviations of legal forms spelt out ("HTX" = "Hợp tác xã"), so that "HTX Gốm Bát Tràng"
/// in a list finds "Hợp tác xã Gốm Bát Tràng" in the registry.
pub fn producer_key(name: &str) -> String {
    let words: Vec<String> = fold(name)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect();
    let lien_hiep = words.len() > 2 && words[0] == "lien" && words[1] == "hiep";
    let mut out: Vec<&str> = Vec::with_capacity(words.len() + 4);
    for (i, w) in words.iter().enumerate() {
        let spelt: &[&str] = match w.as_str() {
            "lhhtx" if i == 0 => &["lien", "hiep", "hop", "tac", "xa"],
            "htx" if i == 0 || (i == 2 && lien_hiep) => &["hop", "tac", "xa"],
            "tht" if i == 0 => &["to", "hop", "tac"],
            "cty" if i == 0 => &["cong", "ty"],
            "hkd" if i == 0 => &["ho", "kinh", "doanh"],
            _ => &[],
        };
        if spelt.is_empty() {
            out.push(w);
        } else {
            out.extend_from_slice(spelt);
        }
    }
    out.join(" ")
}

/// The legal kind a producer's name announces: an organisation of the collective economy, a
/// company ("Công ty …", "Doanh nghiệp tư nhân …") or a household business ("Hộ kinh doanh …",
/// "Hộ ông …", "Cơ sở sản xuất …": a facility is a household's in OCOP lists).
pub(crate) fn kind_from_name(key: &str) -> Option<OrgKind> {
    let starts = |p: &str| key == p || key.starts_with(&format!("{p} "));
    if starts("lien hiep hop tac xa") || starts("lien hiep") {
        Some(OrgKind::CooperativeUnion)
    } else if starts("hop tac xa") {
        Some(OrgKind::Cooperative)
    } else if starts("to hop tac") {
        Some(OrgKind::CooperativeGroup)
    } else if [
        "cong ty",
        "doanh nghiep",
        "dntn",
        "tong cong ty",
        "chi nhanh cong ty",
    ]
    .iter()
    .any(|p| starts(p))
    {
        Some(OrgKind::Enterprise)
    } else if [
        "ho kinh doanh",
        "ho san xuat",
        "ho gia dinh",
        "ho ong",
        "ho ba",
        "co so",
        "hkd",
    ]
    .iter()
    .any(|p| starts(p))
    {
        Some(OrgKind::Household)
    } else {
        None
    }
}

/// The sector of a new producer, guessed from its product's group: food, drinks, herbs and
/// ornamentals are agriculture; handicrafts, industry and handicrafts; tourism, other.
fn sector_from_group(group: Option<&str>) -> Sector {
    match group {
        Some("thuc_pham" | "do_uong" | "duoc_lieu" | "sinh_vat_canh") => Sector::Agriculture,
        Some("thu_cong_my_nghe") => Sector::Industry,
        _ => Sector::Other,
    }
}

/// Reads stars typed in a list: `4`, `4 sao`, `4*`, `★★★★` (the rule of
/// `CertificationForm`, which keeps its reader private).
fn read_stars(raw: &str) -> Option<u8> {
    let digits: Vec<u32> = raw.chars().filter_map(|c| c.to_digit(10)).collect();
    let n = match digits.as_slice() {
        [n] => u8::try_from(*n).ok()?,
        [] => u8::try_from(raw.chars().filter(|c| matches!(c, '★' | '⭐' | '*')).count()).ok()?,
        _ => return None,
    };
    (1..=5).contains(&n).then_some(n)
}

/// The lowest total (tenths of a point) that earns `stars` under `rules`.
fn lowest_total(stars: u8, rules: &RuleVersion) -> u16 {
    match stars {
        2..=5 => u16::from(rules.star_thresholds[usize::from(stars - 2)]) * 10,
        _ => 0,
    }
}

/// Splits a total (tenths of a point, at most 100 points) into parts A, B, C by the part
/// weights of `rules`: A and B rounded down to a tenth, the rest to C; a rest beyond C's
/// maximum goes back to A, then B.
pub fn split_total(total: u16, rules: &RuleVersion) -> Score {
    let max = |p: Part| u16::from(rules.weight(p)) * 10;
    let share = |p: Part| {
        let s = u32::from(total) * u32::from(rules.weight(p)) / 100;
        u16::try_from(s).unwrap_or(u16::MAX).min(max(p))
    };
    let (mut a, mut b) = (share(Part::A), share(Part::B));
    let mut c = total.saturating_sub(a + b);
    if c > max(Part::C) {
        let excess = c - max(Part::C);
        c = max(Part::C);
        let to_a = excess.min(max(Part::A) - a);
        a += to_a;
        b += excess - to_a;
    }
    Score { a, b, c }
}

/// The decision date as text for the certification form, and the date when it could be read.
/// Excel serials (date cells, or plain numbers: fixed) and typed dates are read here; text the
/// lenient reader cannot read, or reads only as a year or a month, is passed on for the form to
/// report in its own words.
fn decision_date(
    cell: Option<&Cell>,
    today: Date,
    fixes: &mut Vec<RowMessage>,
    errors: &mut Vec<RowMessage>,
) -> (String, Option<Date>) {
    const FIELD: &str = "decision_date";
    let Some(cell) = cell.filter(|c| !c.is_blank()) else {
        return (String::new(), None);
    };
    let parsed = match cell {
        Cell::DateSerial(n) => parse_date_serial(*n, true, today),
        Cell::Number(n) => parse_date_serial(*n, false, today),
        Cell::Error(e) => {
            errors.push(RowMessage::new(
                FIELD,
                "err-import-formula",
                vec![("value", e.clone())],
            ));
            return (String::new(), None);
        }
        other => parse_date(&clean_text(&other.as_text()), today),
    };
    match parsed {
        Ok((_, Some(fix))) if matches!(fix.key, "fix-date-year-only" | "fix-date-month-only") => {
            (clean_text(&cell.as_text()), None)
        }
        Ok((date, fix)) => {
            push_fix(fixes, FIELD, fix);
            (date.to_string(), Some(date))
        }
        Err(_) => (clean_text(&cell.as_text()), None),
    }
}

/// "858/QĐ-UBND ngày 15/3/2024" in one cell: the number and the date.
fn split_number_and_date(raw: &str) -> Option<(String, String)> {
    let words: Vec<&str> = raw.split_whitespace().collect();
    let at = words
        .iter()
        .position(|w| fold(w.trim_end_matches([':', ','])) == "ngay")?;
    let number = words[..at].join(" ");
    let date = words[at + 1..].join(" ");
    (!number.is_empty() && !date.is_empty()).then_some((number.trim_end_matches(',').to_string(), date))
}

/// A finding of the domain forms as a message of the row; fields are renamed to the import's
/// (`name` is the product's name, `level` the certification's).
fn message_of(f: &lienket_domain::validate::Finding) -> RowMessage {
    let field = match f.field {
        "name" => "product_name",
        "level" => "cert_level",
        other => other,
    };
    RowMessage::new(field, f.key, f.args.clone())
}

/// Keys of findings about typed stars that do not stop a row: the score decides the stars.
const STARS_NOTES: [(&str, &str); 3] = [
    (
        "product-error-cert-stars-differ",
        "fix-product-import-stars-differ",
    ),
    (
        "product-error-cert-five-stars-province",
        "fix-product-import-five-stars-province",
    ),
    (
        "product-error-cert-stars-typed",
        "fix-product-import-stars-unreadable",
    ),
];

/// Reads the certification part of a row: `None` when the row names no decision at all.
fn analyse_certification(
    row: &Row,
    today: Date,
    fixes: &mut Vec<RowMessage>,
    errors: &mut Vec<RowMessage>,
    score_split: &mut bool,
) -> Option<CertificationInput> {
    let stars = text_of(row, "stars");
    let total = text_of(row, "score");
    let parts = [
        text_of(row, "score_a"),
        text_of(row, "score_b"),
        text_of(row, "score_c"),
    ];
    let mut decision_no = text_of(row, "decision_no");
    let mut level = text_of(row, "level");
    let issuer = text_of(row, "issuer");
    let date_cell = row.get("decision_date");
    let no_date = date_cell.is_none_or(Cell::is_blank);
    if stars.is_empty()
        && total.is_empty()
        && parts.iter().all(String::is_empty)
        && decision_no.is_empty()
        && no_date
    {
        fixes.push(RowMessage::new("", "fix-product-import-no-certification", vec![]));
        return None;
    }
    let (mut date_text, mut date) = decision_date(date_cell, today, fixes, errors);
    if no_date && let Some((number, typed)) = split_number_and_date(&decision_no) {
        let (text, read) = decision_date(Some(&Cell::Text(typed)), today, fixes, errors);
        fixes.push(RowMessage::new(
            "decision_no",
            "fix-product-import-decision-split",
            vec![("number", number.clone()), ("date", text.clone())],
        ));
        decision_no = number;
        (date_text, date) = (text, read);
    }
    if let Ok(normalised) = parse_decision_number(&decision_no)
        && normalised != decision_no.split_whitespace().collect::<String>()
    {
        fixes.push(RowMessage::new(
            "decision_no",
            "fix-product-import-decision-normalised",
            vec![("value", normalised)],
        ));
    }
    // The rules in force on the decision date weigh the parts and set the star bands; without
    // a readable date, today's (the form reports the date).
    let rules = rules_for(date.unwrap_or(today));
    let score: [String; 3] = if parts.iter().any(|p| !p.is_empty()) {
        if let (Some(t), [Some(a), Some(b), Some(c)]) =
            (parse_points(&total), parts.clone().map(|p| parse_points(&p)))
            && a + b + c != t
        {
            fixes.push(RowMessage::new(
                "score",
                "fix-product-import-total-differs",
                vec![("total", format_points(t)), ("sum", format_points(a + b + c))],
            ));
        }
        parts
    } else if !total.is_empty() {
        match parse_points(&total) {
            Some(t) if t > 1000 => {
                errors.push(RowMessage::new(
                    "score",
                    "ocop-error-score-total-max",
                    vec![("max", "100".into())],
                ));
                return None;
            }
            Some(t) => {
                *score_split = true;
                let s = split_total(t, rules);
                [s.a, s.b, s.c].map(format_points)
            }
            None => {
                errors.push(RowMessage::new(
                    "score",
                    "product-error-cert-score",
                    vec![("value", total)],
                ));
                return None;
            }
        }
    } else if !stars.is_empty() {
        let Some(n) = read_stars(&stars) else {
            errors.push(RowMessage::new(
                "stars",
                "product-error-cert-stars-typed",
                vec![("value", stars)],
            ));
            return None;
        };
        let t = lowest_total(n, rules);
        fixes.push(RowMessage::new(
            "score",
            "fix-product-import-score-from-stars",
            vec![("stars", n.to_string()), ("total", format_points(t))],
        ));
        let s = split_total(t, rules);
        [s.a, s.b, s.c].map(format_points)
    } else {
        errors.push(RowMessage::new("score", "err-product-import-no-score", vec![]));
        return None;
    };
    // A level typed as "5 sao – Trung ương" or a blank level with a central issuer are read by
    // the form; a level the form cannot read is left to it too.
    if level.is_empty() && CertLevel::parse(&issuer).is_none() && read_stars(&stars) == Some(5) {
        // Five stars are recognised by the ministry only: a list saying 5★ without a level or
        // an issuer means the central decision.
        level = CertLevel::Central.as_str().into();
        fixes.push(RowMessage::new(
            "cert_level",
            "fix-product-import-level-central",
            vec![],
        ));
    }
    let mut form = CertificationForm {
        score_a: score[0].clone(),
        score_b: score[1].clone(),
        score_c: score[2].clone(),
        decision_no,
        decision_date: date_text,
        level,
        issuer,
        stars,
    };
    let findings = match form.parse(today) {
        Ok(draft) => return Some(crate::pages::products::to_certification(&draft)),
        Err(f) => f,
    };
    // Findings about the typed stars are notes: the score decides.
    let (notes, problems): (Vec<_>, Vec<_>) = findings
        .0
        .into_iter()
        .partition(|f| STARS_NOTES.iter().any(|(k, _)| *k == f.key));
    for n in &notes {
        let key = STARS_NOTES
            .iter()
            .find(|(k, _)| *k == n.key)
            .map_or(n.key, |(_, fix)| *fix);
        fixes.push(RowMessage::new("stars", key, n.args.clone()));
    }
    if problems.is_empty() && !notes.is_empty() {
        form.stars.clear();
        match form.parse(today) {
            Ok(draft) => return Some(crate::pages::products::to_certification(&draft)),
            Err(f) => push_findings(errors, &f),
        }
    } else {
        push_findings(errors, &Findings(problems));
    }
    None
}

/// Adds the findings of a form, except on fields a lenient reader already reported.
fn push_findings(errors: &mut Vec<RowMessage>, findings: &Findings) {
    let fresh: Vec<RowMessage> = findings
        .0
        .iter()
        .map(message_of)
        .filter(|m| !errors.iter().any(|e| e.field == m.field))
        .collect();
    errors.extend(fresh);
}

/// Reads one row of a product list, with every correction and problem.
pub fn analyse_row(row: &Row, today: Date) -> AnalysedRow {
    let mut fixes = Vec::new();
    let mut errors = Vec::new();

    // The product: name (ALL CAPS re-cased), group and set, unit; origin from the address.
    let mut name = text_of(row, "product_name");
    let letters: Vec<char> = name.chars().filter(|c| c.is_alphabetic()).collect();
    if letters.len() > 3 && letters.iter().all(|c| !c.is_lowercase()) {
        name = recase(&name);
        fixes.push(RowMessage::new(
            "product_name",
            "fix-import-recased",
            vec![("value", name.clone())],
        ));
    }
    let address = text_of(row, "address");
    let located = (!address.is_empty()).then(|| parse_address(&address));
    if let Some(fix) = located.as_ref().and_then(address_fix) {
        fixes.push(fix);
    }
    let mut form = ProductForm {
        name: name.clone(),
        group: text_of(row, "group"),
        set: text_of(row, "set"),
        unit: text_of(row, "unit"),
        origin_province: located
            .as_ref()
            .and_then(|m| m.province_2025)
            .map(|p| p.code.to_string())
            .unwrap_or_default(),
        origin_ward: located
            .as_ref()
            .and_then(|m| m.ward_2025)
            .map(|w| w.code.to_string())
            .unwrap_or_default(),
        ..Default::default()
    };
    let mut parsed = form.parse();
    // A set the list names in its own words is optional when the group is known: left empty.
    if let Err(f) = &parsed
        && !form.group.is_empty()
        && f.0.iter().any(|x| x.key == "product-error-set")
        && f.0
            .iter()
            .all(|x| x.key == "product-error-set" || x.field != "group")
    {
        fixes.push(RowMessage::new(
            "set",
            "fix-product-import-set-unknown",
            vec![("value", form.set.clone())],
        ));
        form.set.clear();
        parsed = form.parse();
    }
    let product = match parsed {
        Ok(draft) => Some(crate::pages::products::to_input(&draft)),
        Err(f) => {
            push_findings(&mut errors, &f);
            None
        }
    };

    // The certification.
    let mut score_split = false;
    let certification = analyse_certification(row, today, &mut fixes, &mut errors, &mut score_split);

    // The producer: name, registration code (a lost leading zero restored), address.
    let mut producer_name = text_of(row, "producer");
    let letters: Vec<char> = producer_name.chars().filter(|c| c.is_alphabetic()).collect();
    if letters.len() > 3 && letters.iter().all(|c| !c.is_lowercase()) {
        producer_name = recase(&producer_name);
        fixes.push(RowMessage::new(
            "producer",
            "fix-import-recased",
            vec![("value", producer_name.clone())],
        ));
    }
    let raw_code = row
        .get("registration_code")
        .map(Cell::as_text)
        .unwrap_or_default()
        .trim()
        .to_string();
    let code = if raw_code.is_empty() {
        None
    } else {
        match RegistrationCode::parse(&raw_code) {
            Some((code, repaired)) => {
                if repaired {
                    fixes.push(RowMessage::new(
                        "registration_code",
                        "fix-import-code-zero",
                        vec![("value", code.as_str().to_string())],
                    ));
                }
                Some(code)
            }
            None => {
                errors.push(RowMessage::new(
                    "registration_code",
                    "err-registration-code",
                    vec![],
                ));
                None
            }
        }
    };
    if producer_name.is_empty() && raw_code.is_empty() {
        errors.push(RowMessage::new(
            "producer",
            "err-product-import-producer-required",
            vec![],
        ));
    }
    let key = producer_key(&producer_name);
    let kind = kind_from_name(&key);
    let producer = (!producer_name.is_empty() || code.is_some()).then(|| ProducerDraft {
        input: OrganisationInput {
            // A name that says nothing of the kind: a household business, the commonest OCOP
            // producer besides cooperatives and companies, and the kind that asks for nothing
            // the list cannot give (no code, no members); flagged for review.
            kind: kind.unwrap_or(OrgKind::Household),
            registration_code: code.clone(),
            name: producer_name.clone(),
            short_name: None,
            sector: sector_from_group(product.as_ref().and_then(|p| p.group_code.as_deref())),
            founded_on: None,
            members: Members::default(),
            charter_capital: None,
            representative: None,
            representative_title: None,
            phone: None,
            email: None,
            website: None,
            address: (!address.is_empty()).then(|| address.clone()),
            province_code: located
                .as_ref()
                .and_then(|m| m.province_2025)
                .map(|p| p.code.to_string()),
            ward_code: located
                .as_ref()
                .and_then(|m| m.ward_2025)
                .map(|w| w.code.to_string()),
            legacy_ward_code: located
                .as_ref()
                .and_then(|m| m.legacy.as_ref())
                .and_then(|l| l.ward)
                .map(|w| w.code.to_string()),
        },
        name: producer_name.clone(),
        key,
        code,
        kind_named: kind.is_some(),
    });

    let failed = !errors.is_empty();
    AnalysedRow {
        row: ProductRow {
            outcome: RowOutcome {
                row: row.number,
                name,
                code: raw_code,
                fixes,
                errors,
                action: RowAction::None,
            },
            producer: producer_name,
            producer_plan: ProducerPlan::None,
            certification: CertificationPlan::None,
        },
        product: if failed { None } else { product },
        certification: if failed { None } else { certification },
        producer: if failed { None } else { producer },
        score_split,
    }
}

// ---------------------------------------------------------------------------------------------
// The plan
// ---------------------------------------------------------------------------------------------

/// A file read and checked, ready to commit.
pub struct ProductPlan {
    /// What the user sees.
    pub preview: ProductPreview,
    /// Organisations to create, referred to by [`ProducerRef::New`].
    pub new_producers: Vec<OrganisationInput>,
    /// The rows to apply.
    pub rows: Vec<ProductImportRow>,
}

/// A producer planned as new, and the rows that name it.
struct PlannedProducer {
    draft: ProducerDraft,
    province: Option<String>,
    first_row: usize,
}

/// The registry as the plan matches producers against it.
struct Registry {
    by_key: HashMap<String, Vec<ProducerCandidate>>,
    names: HashMap<OrganisationId, String>,
}

impl Registry {
    fn new(candidates: Vec<ProducerCandidate>) -> Registry {
        let mut by_key: HashMap<String, Vec<ProducerCandidate>> = HashMap::new();
        let names = candidates.iter().map(|c| (c.id, c.name.clone())).collect();
        for c in candidates {
            by_key.entry(producer_key(&c.name)).or_default().push(c);
        }
        Registry { by_key, names }
    }

    /// The alliance's organisations with this name key in this province (any province when the
    /// row's is unknown).
    fn by_name(&self, key: &str, province: Option<&str>) -> Vec<&ProducerCandidate> {
        self.by_key
            .get(key)
            .map(|all| {
                all.iter()
                    .filter(|c| province.is_none() || c.province_code.as_deref() == province)
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// Reads a product list and checks it against the registry and the products of `alliance`.
/// `progress` is called with (rows done, rows total) while rows are analysed.
pub async fn plan(
    store: &Store,
    alliance: AllianceId,
    bytes: &[u8],
    file_name: &str,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Result<ProductPlan, FileProblem>, StoreError> {
    let today = crate::pages::products::today_date();
    let (table, analysed) =
        match read_rows(bytes, file_name, PRODUCT_COLUMNS, analyse_row, today, progress).await? {
            Ok(x) => x,
            Err(problem) => return Ok(Err(problem)),
        };
    if table.column_of("product_name").is_none() {
        return Ok(Err(FileProblem {
            key: "err-import-no-header",
            args: vec![("expected", "tên sản phẩm".to_string())],
        }));
    }
    let mut file = SheetSummary::of(&table);
    let split = analysed
        .iter()
        .filter(|a| a.score_split && a.row.outcome.errors.is_empty())
        .count();
    if split > 0 {
        file.notes.push(RowMessage::new(
            "",
            "note-product-import-score-split",
            vec![("count", split.to_string())],
        ));
    }

    let codes: Vec<String> = analysed
        .iter()
        .filter_map(|a| a.producer.as_ref()?.code.as_ref().map(|c| c.as_str().to_string()))
        .collect();
    let by_code = store.organisations_by_codes(&codes).await?;
    let registry = Registry::new(store.producer_candidates(alliance).await?);

    // Producers first: every row's, so products can be looked up by producer in one query.
    let mut planned: Vec<PlannedProducer> = Vec::new();
    let mut resolved: Vec<Option<ProducerRef>> = Vec::with_capacity(analysed.len());
    let mut rows: Vec<AnalysedRow> = analysed;
    for a in &mut rows {
        let Some(p) = a.producer.clone() else {
            resolved.push(None);
            continue;
        };
        let province = p.input.province_code.clone();
        let existing = match &p.code {
            Some(code) => match by_code.get(code.as_str()) {
                Some(e) if e.alliance == Some(alliance) => Some(Ok((e.id, MatchedBy::Code))),
                Some(e) => Some(Err(RowMessage::new(
                    "registration_code",
                    if e.alliance.is_some() {
                        "err-import-other-alliance"
                    } else {
                        "err-product-import-producer-unaffiliated"
                    },
                    vec![],
                ))),
                None => None,
            },
            None => match registry.by_name(&p.key, province.as_deref()).as_slice() {
                [] => None,
                [one] => Some(Ok((one.id, MatchedBy::Name))),
                many => Some(Err(RowMessage::new(
                    "producer",
                    "err-product-import-producer-ambiguous",
                    vec![("count", many.len().to_string())],
                ))),
            },
        };
        let reference = match existing {
            Some(Ok((id, by))) => {
                a.row.producer_plan = ProducerPlan::Matched {
                    id: id.0,
                    name: registry.names.get(&id).cloned().unwrap_or_else(|| p.name.clone()),
                    by,
                };
                Some(ProducerRef::Existing(id))
            }
            Some(Err(message)) => {
                a.row.outcome.errors.push(message);
                None
            }
            None if p.name.is_empty() => {
                a.row.outcome.errors.push(RowMessage::new(
                    "producer",
                    "err-product-import-new-producer-needs-name",
                    vec![("value", a.row.outcome.code.clone())],
                ));
                None
            }
            None => {
                // The same new producer on several rows is created once: by code, or by name
                // and province — a row without an address takes the one of that name (a later
                // row may also add the code an earlier one left out).
                let same = planned.iter().position(|q| match (&p.code, &q.draft.code) {
                    (Some(a), Some(b)) => a == b,
                    _ => {
                        q.draft.key == p.key
                            && (q.province == province || q.province.is_none() || province.is_none())
                    }
                });
                let n = match same {
                    Some(n) => {
                        if planned[n].draft.code.is_none() && p.code.is_some() {
                            planned[n].draft.code = p.code.clone();
                            planned[n].draft.input.registration_code = p.code.clone();
                        }
                        n
                    }
                    None => {
                        let kind = p.input.kind.label_key().to_string();
                        a.row.outcome.fixes.push(RowMessage::new(
                            "producer",
                            match (p.kind_named, p.input.kind.is_collective()) {
                                (false, _) => "fix-product-import-producer-kind-unknown",
                                (true, true) => "fix-product-import-producer-new",
                                (true, false) => "fix-product-import-producer-not-cooperative",
                            },
                            vec![("kind", kind)],
                        ));
                        planned.push(PlannedProducer {
                            draft: p.clone(),
                            province,
                            first_row: a.row.outcome.row,
                        });
                        planned.len() - 1
                    }
                };
                a.row.producer_plan = ProducerPlan::New {
                    first_row: planned[n].first_row,
                };
                Some(ProducerRef::New(n))
            }
        };
        resolved.push(reference);
    }

    let matched: Vec<OrganisationId> = {
        let mut ids: Vec<OrganisationId> = resolved
            .iter()
            .filter_map(|r| match r {
                Some(ProducerRef::Existing(id)) => Some(*id),
                _ => None,
            })
            .collect();
        ids.sort_by_key(|i| i.0);
        ids.dedup();
        ids
    };
    let products = store.products_by_producer_and_name(&matched).await?;

    // Then products: matched by producer and name; the same product twice in the file is an
    // error on the second row.
    let mut first_row_of: HashMap<(ProducerRef, String), usize> = HashMap::new();
    let mut apply: Vec<ProductImportRow> = Vec::new();
    let mut preview_rows = Vec::with_capacity(rows.len());
    for (mut a, reference) in rows.into_iter().zip(resolved) {
        if let (Some(reference), Some(input), true) =
            (reference, a.product.take(), a.row.outcome.errors.is_empty())
        {
            let key = product_name_key(&input.name);
            if let Some(first) = first_row_of.get(&(reference, key.clone())) {
                a.row.outcome.errors.push(RowMessage::new(
                    "product_name",
                    "err-product-import-duplicate-in-file",
                    vec![("row", first.to_string())],
                ));
            } else {
                first_row_of.insert((reference, key.clone()), a.row.outcome.row);
                let existing: Option<&ExistingProduct> = match reference {
                    ProducerRef::Existing(org) => products.get(&(org, key)),
                    ProducerRef::New(_) => None,
                };
                let certification = a.certification.take();
                a.row.certification = match (&certification, existing) {
                    (None, _) => CertificationPlan::None,
                    (Some(_), None) => CertificationPlan::Add,
                    (Some(c), Some(e)) => match check_decision(e.current.as_ref(), c) {
                        DecisionCheck::New => CertificationPlan::Add,
                        DecisionCheck::Recorded => {
                            let current = e.current.as_ref();
                            if current
                                .is_some_and(|x| x.total != c.total || x.decision_date != c.decision_date)
                            {
                                a.row.outcome.fixes.push(RowMessage::new(
                                    "decision_no",
                                    "fix-product-import-decision-recorded",
                                    vec![("number", c.decision_no.clone())],
                                ));
                            }
                            CertificationPlan::Recorded
                        }
                        DecisionCheck::Older => {
                            a.row.outcome.fixes.push(RowMessage::new(
                                "decision_no",
                                "fix-product-import-decision-older",
                                vec![(
                                    "current",
                                    e.current
                                        .as_ref()
                                        .map(|x| x.decision_no.clone())
                                        .unwrap_or_default(),
                                )],
                            ));
                            CertificationPlan::Older
                        }
                    },
                };
                a.row.outcome.action = if existing.is_some() {
                    RowAction::Update
                } else {
                    RowAction::Create
                };
                apply.push(ProductImportRow {
                    producer: reference,
                    product: existing.map(|e| e.id),
                    // A recognised product is public: the list is the province's own publication.
                    publish: certification.is_some(),
                    input,
                    certification: certification.filter(|_| a.row.certification == CertificationPlan::Add),
                });
            }
        }
        if !a.row.outcome.errors.is_empty() {
            a.row.outcome.action = RowAction::None;
            a.row.certification = CertificationPlan::None;
            a.row.producer_plan = ProducerPlan::None;
        }
        preview_rows.push(a.row);
    }
    // A row in error after its producer was planned (a duplicate product) must not leave that
    // producer behind: only producers of rows to apply are created, renumbered in order.
    let mut renumber: HashMap<usize, usize> = HashMap::new();
    let mut new_producers = Vec::new();
    for r in &mut apply {
        if let ProducerRef::New(n) = r.producer {
            let m = *renumber.entry(n).or_insert_with(|| {
                new_producers.push(planned[n].draft.input.clone());
                new_producers.len() - 1
            });
            r.producer = ProducerRef::New(m);
        }
    }
    let preview = ProductPreview {
        file,
        products_created: apply.iter().filter(|r| r.product.is_none()).count(),
        products_updated: apply.iter().filter(|r| r.product.is_some()).count(),
        certifications_added: apply.iter().filter(|r| r.certification.is_some()).count(),
        producers_matched: matched.len(),
        producers_new: new_producers.len(),
        rows: preview_rows,
    };
    Ok(Ok(ProductPlan {
        preview,
        new_producers,
        rows: apply,
    }))
}

/// Applies a plan with no errors in one transaction.
pub async fn commit(
    store: &Store,
    actor: &Actor,
    import_id: Option<i64>,
    alliance: AllianceId,
    plan: &ProductPlan,
) -> Result<ProductImportOutcome, StoreError> {
    store
        .commit_product_import(actor, import_id, alliance, &plan.new_producers, &plan.rows)
        .await
}

#[cfg(test)]
mod tests {
    use lienket_domain::ocop::{rule_version, stars_from_score};

    use super::*;

    #[test]
    fn a_total_is_split_by_the_weights_of_its_rules_and_keeps_its_stars() {
        let qd148 = rule_version("qd148").expect("148");
        let qd1048 = rule_version("qd1048").expect("1048");
        for (total, rules) in [
            (725, qd148),
            (725, qd1048),
            (999, qd148),
            (1000, qd148),
            (500, qd148),
            (0, qd148),
        ] {
            let s = split_total(total, rules);
            assert_eq!(s.total(), total, "{total} under {}", rules.code);
            assert!(
                s.validate(rules).is_empty(),
                "{total} under {}: {s:?}",
                rules.code
            );
            assert_eq!(s.stars(rules), stars_from_score(total, rules));
        }
        assert_eq!(
            split_total(725, qd148),
            Score {
                a: 290,
                b: 181,
                c: 254
            }
        );
        assert_eq!(
            split_total(725, qd1048),
            Score {
                a: 253,
                b: 181,
                c: 291
            }
        );
    }

    #[test]
    fn stars_alone_take_the_lowest_score_of_their_band() {
        let rules = rule_version("qd148").expect("148");
        assert_eq!(lowest_total(3, rules), 500);
        assert_eq!(lowest_total(4, rules), 700);
        assert_eq!(lowest_total(5, rules), 900);
        assert_eq!(read_stars("4 sao"), Some(4));
        assert_eq!(read_stars("★★★"), Some(3));
        assert_eq!(read_stars("6"), None);
        assert_eq!(read_stars("3-4"), None);
    }

    #[test]
    fn producer_names_match_with_their_legal_form_abbreviated_or_not() {
        assert_eq!(
            producer_key("HTX Gốm Bát Tràng"),
            producer_key("Hợp tác xã Gốm  Bát Tràng")
        );
        assert_eq!(
            producer_key("THT Rau sạch Văn Đức"),
            "to hop tac rau sach van duc"
        );
        assert_eq!(
            producer_key("Liên hiệp HTX Thái Bình"),
            "lien hiep hop tac xa thai binh"
        );
        assert_eq!(producer_key("Cty TNHH Hồng Hà"), "cong ty tnhh hong ha");
        // An abbreviation inside a name is a word of the name.
        assert_eq!(producer_key("Cửa hàng HTX số 5"), "cua hang htx so 5");
        assert_eq!(
            kind_from_name(&producer_key("HTX Gốm")),
            Some(OrgKind::Cooperative)
        );
        assert_eq!(
            kind_from_name(&producer_key("Tổ hợp tác Mây tre")),
            Some(OrgKind::CooperativeGroup)
        );
        assert_eq!(
            kind_from_name(&producer_key("Hộ kinh doanh Nguyễn Văn An")),
            Some(OrgKind::Household)
        );
        assert_eq!(
            kind_from_name(&producer_key("Cơ sở sản xuất nước mắm Hồng Hà")),
            Some(OrgKind::Household)
        );
        assert_eq!(
            kind_from_name(&producer_key("Công ty TNHH Hồng Hà")),
            Some(OrgKind::Enterprise)
        );
        assert_eq!(
            kind_from_name(&producer_key("Cty CP Thực phẩm Xanh")),
            Some(OrgKind::Enterprise)
        );
        assert_eq!(kind_from_name(&producer_key("Nguyễn Văn An")), None);
    }

    #[test]
    fn a_decision_number_and_date_in_one_cell_are_split() {
        assert_eq!(
            split_number_and_date("858/QĐ-UBND ngày 15/3/2024"),
            Some(("858/QĐ-UBND".into(), "15/3/2024".into()))
        );
        assert_eq!(
            split_number_and_date("Số 858/QĐ-UBND, Ngày: 15/03/2024"),
            Some(("Số 858/QĐ-UBND".into(), "15/03/2024".into()))
        );
        assert_eq!(split_number_and_date("858/QĐ-UBND"), None);
    }

    /// The rows of a CSV list read with [`PRODUCT_COLUMNS`], analysed on 26/11/2026.
    fn analysed(csv: &str) -> Vec<AnalysedRow> {
        let table = lienket_office::read_table(
            csv.as_bytes(),
            "ds.csv",
            PRODUCT_COLUMNS,
            &lienket_office::Limits::default(),
        )
        .expect("a readable list");
        let today = Date::new(2026, 11, 26).expect("a date");
        table.rows.iter().map(|r| analyse_row(r, today)).collect()
    }

    fn keys(messages: &[RowMessage]) -> Vec<(&str, &str)> {
        messages
            .iter()
            .map(|m| (m.field.as_str(), m.key.as_str()))
            .collect()
    }

    #[test]
    fn parts_win_over_a_total_that_does_not_add_up_and_a_shared_cell_is_split() {
        let rows = analysed(
            "Tên sản phẩm,Chủ thể,Nhóm,Điểm A,Điểm B,Điểm C,Tổng điểm,Quyết định công nhận\n\
             Chè búp Tân Cương,HTX Chè Tân Cương,Đồ uống,30,20,25,80,858/QĐ-UBND ngày 15/3/2024\n",
        );
        let row = &rows[0];
        assert!(row.row.outcome.errors.is_empty(), "{:?}", row.row.outcome.errors);
        assert_eq!(
            keys(&row.row.outcome.fixes),
            [
                ("decision_no", "fix-product-import-decision-split"),
                ("score", "fix-product-import-total-differs"),
            ]
        );
        let cert = row.certification.as_ref().expect("a certification");
        assert_eq!(
            (cert.score_a, cert.score_b, cert.score_c, cert.total, cert.stars),
            (300, 200, 250, 750, 4)
        );
        assert_eq!(
            (cert.decision_no.as_str(), cert.decision_date.as_str()),
            ("858/QĐ-UBND", "2024-03-15")
        );
        assert!(!row.score_split, "the parts were given");
    }

    #[test]
    fn five_stars_without_a_level_are_the_ministrys_and_an_unknown_set_is_left_empty() {
        let rows = analysed(
            "Tên sản phẩm,Chủ thể,Nhóm,Phân nhóm,Số sao,Số quyết định,Ngày quyết định\n\
             Nước mắm Nam Ô,HTX Nước mắm Nam Ô,Thực phẩm,Thực phẩm chế biến,5 sao,1234/QĐ-BNNMT,02/10/2025\n",
        );
        let row = &rows[0];
        assert!(row.row.outcome.errors.is_empty(), "{:?}", row.row.outcome.errors);
        assert_eq!(
            keys(&row.row.outcome.fixes),
            [
                ("set", "fix-product-import-set-unknown"),
                ("score", "fix-product-import-score-from-stars"),
                ("cert_level", "fix-product-import-level-central"),
            ]
        );
        let cert = row.certification.as_ref().expect("a certification");
        assert_eq!((cert.total, cert.stars, cert.level.as_str()), (900, 5, "central"));
        let product = row.product.as_ref().expect("a product");
        assert_eq!(
            (product.group_code.as_deref(), product.set_no),
            (Some("thuc_pham"), None)
        );
    }

    #[test]
    fn a_household_is_recorded_as_one_and_a_row_without_a_decision_is_a_draft() {
        let rows = analysed(
            "Tên sản phẩm,Cơ sở sản xuất,Nhóm sản phẩm,Số sao,Điểm\n\
             Nón lá Chuông,Hộ kinh doanh Nguyễn Thị Lan,Thủ công mỹ nghệ,,\n\
             Nón bài thơ,,Thủ công mỹ nghệ,4 sao,\n",
        );
        let household = &rows[0];
        assert_eq!(
            keys(&household.row.outcome.fixes),
            [("", "fix-product-import-no-certification")]
        );
        assert!(household.certification.is_none());
        let producer = household.producer.as_ref().expect("a producer");
        assert!(producer.kind_named && !producer.input.kind.is_collective());
        assert_eq!(
            (producer.input.kind, producer.input.sector),
            (OrgKind::Household, Sector::Industry)
        );
        // No producer at all, and stars without a decision: both said at once.
        let orphan = &rows[1];
        assert_eq!(
            keys(&orphan.row.outcome.errors),
            [
                ("decision_no", "product-error-required"),
                ("decision_date", "product-error-required"),
                ("producer", "err-product-import-producer-required"),
            ]
        );
        assert!(orphan.product.is_none() && orphan.producer.is_none());
    }
}
