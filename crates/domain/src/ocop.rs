//! OCOP — Chương trình Mỗi xã một sản phẩm (One Commune One Product): the versioned criteria
//! decisions, product groups and sets, scores, stars and certificates.
//!
//! The rules change over time (1048/QĐ-TTg in 2019, 148/QĐ-TTg in 2023, 26/2026/QĐ-TTg in
//! 2026), and a certificate keeps the meaning it had on its decision date, so every number that
//! belongs to a decision is embedded data, not a constant in code: `data/ocop/rules.csv` (one row
//! per decision: part weights, star thresholds, validity), `groups.csv` (the six groups of 148
//! and the six of 1048 with their mapping) and `sets.csv` (the 26 product sets). Rows whose
//! facts could not be confirmed carry `confirmed = false`.
//!
//! Scores are kept in **tenths of a point** (`u16`), so that 29.9 and 30 compare exactly;
//! [`parse_points`] reads "32,5" and "32.5", [`format_points`] writes "32,5".
//!
//! Layout:
//! - [`RuleVersion`], [`rules_for`]: the decision in force on a date.
//! - [`ProductGroup`], [`ProductSet`]: lookups by code, number or name, accents optional.
//! - [`Score`], [`Stars`], [`stars_from_score`]: three parts, checked against the version's
//!   weights, and the stars they earn.
//! - [`CertLevel`], [`Certification`], [`CertState`], [`expires_on`]: who recognises which stars,
//!   "tiềm năng 5 sao", validity and expiry.
//! - [`parse_decision_number`]: `858/QĐ-UBND` however it was typed.

use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use crate::lenient::Date;
use crate::text::fold;
use crate::validate::Findings;

/// Every catalogue key this module uses (findings and labels), for the web crate's catalogue.
pub const MESSAGE_KEYS: &[&str] = &[
    "ocop-error-score-part-max",
    "ocop-error-score-total-max",
    "ocop-error-decision-number",
    "ocop-part-a",
    "ocop-part-b",
    "ocop-part-c",
    "ocop-level-province",
    "ocop-level-central",
    "ocop-state-valid",
    "ocop-state-expiring-soon",
    "ocop-state-expired",
    "ocop-state-revoked",
    "ocop-potential-five",
];

/// A certificate with this many days or fewer left is [`CertState::ExpiringSoon`].
///
/// LiênKết's own reminder, not a legal rule (hence not in `rules.csv`): the 2026 rules' filing
/// window for re-evaluation, when known, is [`RuleVersion::renewal_window_days`].
pub const EXPIRING_SOON_DAYS: i64 = 90;

// ---------------------------------------------------------------------------------------------
// Embedded data
// ---------------------------------------------------------------------------------------------

const RULES_CSV: &str = include_str!("../data/ocop/rules.csv");
const GROUPS_CSV: &str = include_str!("../data/ocop/groups.csv");
const SETS_CSV: &str = include_str!("../data/ocop/sets.csv");

const RULES_HEADER: &str = "code,decision,effective_from,weight_a,weight_b,weight_c,min_2_stars,\
min_3_stars,min_4_stars,min_5_stars,validity_months,renewal_from_days,renewal_to_days,confirmed,note";
const GROUPS_HEADER: &str = "code,rules,name_vi,name_en,maps_to,aliases";
const SETS_HEADER: &str = "number,name_vi,name_en,group,confirmed";

/// One version of the OCOP criteria: a decision of the Prime Minister and its numbers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleVersion {
    /// Stable code, stored with every certificate: `qd1048`, `qd148`, `qd26_2026`.
    pub code: &'static str,
    /// The decision's number and symbol, e.g. `148/QĐ-TTg`.
    pub decision: &'static str,
    /// First day the version applies to (by the certificate's decision date).
    pub effective_from: Date,
    /// Maximum points of part A (sản phẩm và sức mạnh cộng đồng — product and community strength).
    pub weight_a: u8,
    /// Maximum points of part B (khả năng tiếp thị — marketing).
    pub weight_b: u8,
    /// Maximum points of part C (chất lượng sản phẩm — quality).
    pub weight_c: u8,
    /// Lowest total, in points, for 2, 3, 4 and 5 stars.
    pub star_thresholds: [u8; 4],
    /// How long a certificate is valid, in months from its decision date.
    pub validity_months: u8,
    /// When the owner must file for re-evaluation: from this many days before expiry to that
    /// many (`(180, 120)` under the 2026 rules, unconfirmed); `None` when the version sets none.
    pub renewal_window_days: Option<(u16, u16)>,
    /// Whether the facts of this row were confirmed from the legal text.
    pub confirmed: bool,
    /// A note on the source.
    pub note: &'static str,
}

impl RuleVersion {
    /// The maximum points of a part.
    pub fn weight(&self, part: Part) -> u8 {
        match part {
            Part::A => self.weight_a,
            Part::B => self.weight_b,
            Part::C => self.weight_c,
        }
    }
}

/// Which generation of the criteria a [`ProductGroup`] belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupScheme {
    /// The six groups of 1048/QĐ-TTg (2019), kept by old certificates.
    Qd1048,
    /// The six groups of 148/QĐ-TTg (2023), also used by the 2026 rules.
    Qd148,
}

/// A product group (nhóm sản phẩm).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProductGroup {
    /// Stable code, e.g. `thuc_pham`, or `thao_duoc_1048` for a 1048 group.
    pub code: &'static str,
    /// The criteria generation the group belongs to.
    pub scheme: GroupScheme,
    /// Vietnamese name, e.g. `Dược liệu và sản phẩm từ dược liệu`.
    pub name_vi: &'static str,
    /// English name.
    pub name_en: &'static str,
    /// For a 1048 group: the code of the 148 group it is counted in for statistics.
    pub maps_to: Option<&'static str>,
    /// Other names people write, accents optional.
    #[serde(skip)]
    aliases: Vec<&'static str>,
}

/// A product set (bộ sản phẩm), each with its own scoring sheet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProductSet {
    /// Number, 1 to 26.
    pub number: u8,
    /// Vietnamese name, e.g. `Tương, nước mắm, gia vị`.
    pub name_vi: &'static str,
    /// English name.
    pub name_en: &'static str,
    /// Code of its (148) [`ProductGroup`].
    pub group_code: &'static str,
    /// Whether the set's number and name were confirmed (DOMAIN.md names about half of them).
    pub confirmed: bool,
}

struct OcopData {
    rules: Vec<RuleVersion>,
    groups: Vec<ProductGroup>,
    sets: Vec<ProductSet>,
}

static DATA: LazyLock<OcopData> = LazyLock::new(load);

/// Splits one CSV line: commas separate fields, a field in double quotes may hold commas. The
/// embedded files never hold a quote inside a field, so fields stay slices of the file.
fn split_line(line: &'static str) -> Vec<&'static str> {
    let mut fields = Vec::new();
    let mut rest = line;
    loop {
        if let Some(quoted) = rest.strip_prefix('"') {
            let end = quoted
                .find('"')
                .unwrap_or_else(|| panic!("OCOP data: unterminated quote in {line}"));
            fields.push(&quoted[..end]);
            rest = &quoted[end + 1..];
            match rest.strip_prefix(',') {
                Some(next) => rest = next,
                None => {
                    assert!(rest.is_empty(), "OCOP data: text after a quoted field in {line}");
                    return fields;
                }
            }
        } else if let Some(i) = rest.find(',') {
            fields.push(&rest[..i]);
            rest = &rest[i + 1..];
        } else {
            fields.push(rest);
            return fields;
        }
    }
}

/// The rows of an embedded CSV file, after checking its header and the width of every row.
/// A failure is a bug of the embedded data (tested), never of user input.
fn rows(text: &'static str, header: &str) -> Vec<Vec<&'static str>> {
    let mut lines = text.lines().map(|l| l.trim_end_matches('\r'));
    assert_eq!(
        lines.next(),
        Some(header),
        "unexpected header in an OCOP CSV file"
    );
    let width = header.split(',').count();
    lines
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let fields = split_line(line);
            assert_eq!(fields.len(), width, "malformed OCOP row: {line}");
            fields
        })
        .collect()
}

fn number<T: std::str::FromStr>(field: &str, what: &str) -> T {
    field
        .parse()
        .unwrap_or_else(|_| panic!("OCOP data: {what} is not a number: {field:?}"))
}

fn iso_date(field: &str) -> Date {
    let parts: Vec<&str> = field.split('-').collect();
    match parts.as_slice() {
        [y, m, d] => Date::new(number(y, "year"), number(m, "month"), number(d, "day")),
        _ => None,
    }
    .unwrap_or_else(|| panic!("OCOP data: not a yyyy-mm-dd date: {field:?}"))
}

fn flag(field: &str) -> bool {
    match field {
        "true" => true,
        "false" => false,
        _ => panic!("OCOP data: not true/false: {field:?}"),
    }
}

fn load() -> OcopData {
    let mut rules: Vec<RuleVersion> = rows(RULES_CSV, RULES_HEADER)
        .into_iter()
        .map(|r| {
            let renewal_window_days = match (r[11], r[12]) {
                ("", "") => None,
                (from, to) => Some((number(from, "renewal_from_days"), number(to, "renewal_to_days"))),
            };
            let v = RuleVersion {
                code: r[0],
                decision: r[1],
                effective_from: iso_date(r[2]),
                weight_a: number(r[3], "weight_a"),
                weight_b: number(r[4], "weight_b"),
                weight_c: number(r[5], "weight_c"),
                star_thresholds: [
                    number(r[6], "min_2_stars"),
                    number(r[7], "min_3_stars"),
                    number(r[8], "min_4_stars"),
                    number(r[9], "min_5_stars"),
                ],
                validity_months: number(r[10], "validity_months"),
                renewal_window_days,
                confirmed: flag(r[13]),
                note: r[14],
            };
            let sum = u16::from(v.weight_a) + u16::from(v.weight_b) + u16::from(v.weight_c);
            assert_eq!(sum, 100, "OCOP data: weights of {} do not add up to 100", v.code);
            assert!(
                v.star_thresholds.windows(2).all(|w| w[0] < w[1]),
                "OCOP data: star thresholds of {} must increase",
                v.code
            );
            v
        })
        .collect();
    rules.sort_by_key(|v| v.effective_from);
    assert!(!rules.is_empty(), "OCOP data: no rule version");

    let groups: Vec<ProductGroup> = rows(GROUPS_CSV, GROUPS_HEADER)
        .into_iter()
        .map(|r| ProductGroup {
            code: r[0],
            scheme: match r[1] {
                "qd1048" => GroupScheme::Qd1048,
                "qd148" => GroupScheme::Qd148,
                other => panic!("OCOP data: unknown group scheme {other:?}"),
            },
            name_vi: r[2],
            name_en: r[3],
            maps_to: (!r[4].is_empty()).then_some(r[4]),
            aliases: r[5].split(';').filter(|a| !a.trim().is_empty()).collect(),
        })
        .collect();
    for g in &groups {
        let target = g.maps_to.unwrap_or(g.code);
        assert!(
            groups
                .iter()
                .any(|t| t.code == target && t.scheme == GroupScheme::Qd148),
            "OCOP data: group {} maps to no current group",
            g.code
        );
        assert_eq!(
            g.maps_to.is_some(),
            g.scheme == GroupScheme::Qd1048,
            "OCOP data: only 1048 groups map to another group ({})",
            g.code
        );
    }

    let sets: Vec<ProductSet> = rows(SETS_CSV, SETS_HEADER)
        .into_iter()
        .map(|r| ProductSet {
            number: number(r[0], "set number"),
            name_vi: r[1],
            name_en: r[2],
            group_code: r[3],
            confirmed: flag(r[4]),
        })
        .collect();
    for (i, s) in sets.iter().enumerate() {
        assert_eq!(
            usize::from(s.number),
            i + 1,
            "OCOP data: sets must be numbered 1, 2, …"
        );
        assert!(
            groups
                .iter()
                .any(|g| g.code == s.group_code && g.scheme == GroupScheme::Qd148),
            "OCOP data: set {} names an unknown group",
            s.number
        );
    }
    OcopData { rules, groups, sets }
}

// ---------------------------------------------------------------------------------------------
// Rule versions
// ---------------------------------------------------------------------------------------------

/// Every rule version, oldest first.
pub fn rule_versions() -> &'static [RuleVersion] {
    &DATA.rules
}

/// The rule version with this code (`qd148`).
pub fn rule_version(code: &str) -> Option<&'static RuleVersion> {
    DATA.rules.iter().find(|v| v.code == code.trim())
}

/// The rule version in force on a decision date; dates before the first version get the first.
pub fn rules_for(decision_date: Date) -> &'static RuleVersion {
    let rules = &DATA.rules;
    let after = rules.partition_point(|v| v.effective_from <= decision_date);
    &rules[after.saturating_sub(1)]
}

// ---------------------------------------------------------------------------------------------
// Groups and sets
// ---------------------------------------------------------------------------------------------

/// The matching key of a name: folded, every run of punctuation (dashes, commas) read as a space.
fn name_key(raw: &str) -> String {
    fold(raw)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

impl ProductGroup {
    /// The six current groups (148/QĐ-TTg and later), in the decision's order.
    pub fn all() -> impl Iterator<Item = &'static ProductGroup> {
        DATA.groups.iter().filter(|g| g.scheme == GroupScheme::Qd148)
    }

    /// The six groups of 1048/QĐ-TTg, kept by certificates issued under it.
    pub fn legacy_1048() -> impl Iterator<Item = &'static ProductGroup> {
        DATA.groups.iter().filter(|g| g.scheme == GroupScheme::Qd1048)
    }

    /// The group (current or 1048) with this stable code.
    pub fn by_code(code: &str) -> Option<&'static ProductGroup> {
        DATA.groups.iter().find(|g| g.code == code.trim())
    }

    /// Whether the typed key names this group: its code, its code read as words
    /// (`thu cong my nghe`), its Vietnamese or English name or an alias, accents optional.
    fn answers_to(&self, key: &str) -> bool {
        key == self.code
            || key == self.code.replace('_', " ")
            || key == name_key(self.name_vi)
            || key == name_key(self.name_en)
            || self.aliases.iter().any(|a| key == name_key(a))
    }

    /// The current group a person means: by code or name of a current group, or by the name of
    /// a 1048 group, mapped to the current group it is counted in ("Thảo dược" → Dược liệu).
    pub fn find(raw: &str) -> Option<&'static ProductGroup> {
        let key = name_key(raw);
        if key.is_empty() {
            return None;
        }
        Self::all().find(|g| g.answers_to(&key)).or_else(|| {
            Self::legacy_1048()
                .find(|g| g.answers_to(&key))
                .map(|g| g.statistics_group())
        })
    }

    /// The 1048 group itself, by code or name (for certificates issued under 1048).
    pub fn find_legacy_1048(raw: &str) -> Option<&'static ProductGroup> {
        let key = name_key(raw);
        Self::legacy_1048().find(|g| !key.is_empty() && g.answers_to(&key))
    }

    /// Whether the group belongs to 1048/QĐ-TTg.
    pub fn is_legacy(&self) -> bool {
        self.scheme == GroupScheme::Qd1048
    }

    /// The current group this one is counted in for statistics (itself when current).
    pub fn statistics_group(&self) -> &'static ProductGroup {
        let code = self.maps_to.unwrap_or(self.code);
        // Checked when the data is loaded: every group maps to a current group.
        Self::all().find(|g| g.code == code).unwrap_or(&DATA.groups[0])
    }

    /// The product sets of the group (none for a 1048 group).
    pub fn sets(&self) -> impl Iterator<Item = &'static ProductSet> + use<> {
        let code = self.code;
        DATA.sets.iter().filter(move |s| s.group_code == code)
    }
}

impl ProductSet {
    /// The 26 sets, by number.
    pub fn all() -> &'static [ProductSet] {
        &DATA.sets
    }

    /// The set with this number.
    pub fn by_number(number: u8) -> Option<&'static ProductSet> {
        DATA.sets.iter().find(|s| s.number == number)
    }

    /// The set a person means: its number (`11`, `Bộ 11`, `bộ sản phẩm số 11`, `11 - Chè`) or its
    /// Vietnamese or English name, accents optional (`nuoc mam` is not enough: `Tương, nước
    /// mắm, gia vị`).
    pub fn find(raw: &str) -> Option<&'static ProductSet> {
        let key = name_key(raw);
        let unlabelled = [
            "bo san pham so ",
            "bo san pham ",
            "bo so ",
            "bo ",
            "set no ",
            "set ",
        ]
        .iter()
        .find_map(|p| key.strip_prefix(p))
        .unwrap_or(&key);
        let digits: String = unlabelled.chars().take_while(char::is_ascii_digit).collect();
        if !digits.is_empty() {
            let rest = &unlabelled[digits.len()..];
            if rest.is_empty() || rest.starts_with(' ') {
                return digits.parse().ok().and_then(Self::by_number);
            }
            return None;
        }
        DATA.sets
            .iter()
            .find(|s| !key.is_empty() && (key == name_key(s.name_vi) || key == name_key(s.name_en)))
    }

    /// The set's group.
    pub fn group(&self) -> &'static ProductGroup {
        // Checked when the data is loaded: every set names a current group.
        ProductGroup::by_code(self.group_code).unwrap_or(&DATA.groups[0])
    }
}

// ---------------------------------------------------------------------------------------------
// Scores and stars
// ---------------------------------------------------------------------------------------------

/// A part of the scoring sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Part {
    /// Phần A — sản phẩm và sức mạnh cộng đồng (product and community strength).
    A,
    /// Phần B — khả năng tiếp thị (marketing).
    B,
    /// Phần C — chất lượng sản phẩm (quality).
    C,
}

impl Part {
    /// The three parts.
    pub const ALL: [Part; 3] = [Part::A, Part::B, Part::C];

    /// The letter, `A`, `B` or `C`.
    pub fn letter(self) -> &'static str {
        match self {
            Part::A => "A",
            Part::B => "B",
            Part::C => "C",
        }
    }

    /// The form field of the part's score.
    pub fn field(self) -> &'static str {
        match self {
            Part::A => "score_a",
            Part::B => "score_b",
            Part::C => "score_c",
        }
    }

    /// Catalogue key of the part's name.
    pub fn label_key(self) -> &'static str {
        match self {
            Part::A => "ocop-part-a",
            Part::B => "ocop-part-b",
            Part::C => "ocop-part-c",
        }
    }
}

/// The points of the three parts, in tenths of a point (`325` is 32,5 points).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Score {
    /// Part A, tenths of a point.
    pub a: u16,
    /// Part B, tenths of a point.
    pub b: u16,
    /// Part C, tenths of a point.
    pub c: u16,
}

impl Score {
    /// The points of a part, in tenths.
    pub fn part(self, part: Part) -> u16 {
        match part {
            Part::A => self.a,
            Part::B => self.b,
            Part::C => self.c,
        }
    }

    /// The total, in tenths of a point.
    pub fn total(self) -> u16 {
        self.a.saturating_add(self.b).saturating_add(self.c)
    }

    /// Checks each part against the version's maximum and the total against 100 points:
    /// every problem is a finding on the part's field (`score_a`…) or on `score`.
    pub fn validate(self, rules: &RuleVersion) -> Findings {
        let mut f = Findings::default();
        for part in Part::ALL {
            let max = rules.weight(part);
            if self.part(part) > u16::from(max) * 10 {
                f.add_with(
                    part.field(),
                    "ocop-error-score-part-max",
                    vec![
                        ("part", part.letter().to_string()),
                        ("max", max.to_string()),
                        ("rules", rules.decision.to_string()),
                    ],
                );
            }
        }
        if self.total() > 1000 {
            f.add_with(
                "score",
                "ocop-error-score-total-max",
                vec![("max", "100".to_string())],
            );
        }
        f
    }

    /// The stars the total earns under a rule version.
    pub fn stars(self, rules: &RuleVersion) -> Stars {
        stars_from_score(self.total(), rules)
    }
}

/// Reads points as typed on a scoring sheet: `32`, `32,5`, `32.5`, `32,50`, `32,5 điểm`, into
/// tenths of a point. More precision than a tenth, negative or non-numeric text is `None`.
pub fn parse_points(raw: &str) -> Option<u16> {
    let key = fold(raw);
    let key = key
        .strip_suffix("diem")
        .or_else(|| key.strip_suffix('d'))
        .unwrap_or(&key)
        .trim();
    let (whole, fraction) = match key.split_once([',', '.']) {
        Some((w, f)) => (w, f.trim_end_matches('0')),
        None => (key, ""),
    };
    if whole.is_empty()
        || whole.len() > 4
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || fraction.len() > 1
        || !fraction.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let whole: u16 = whole.parse().ok()?;
    let tenth: u16 = if fraction.is_empty() {
        0
    } else {
        fraction.parse().ok()?
    };
    whole.checked_mul(10)?.checked_add(tenth)
}

/// Writes tenths of a point the Vietnamese way: `325` → `32,5`, `300` → `30`.
pub fn format_points(tenths: u16) -> String {
    match tenths % 10 {
        0 => (tenths / 10).to_string(),
        t => format!("{},{t}", tenths / 10),
    }
}

/// A star rating (hạng sao), 1 to 5.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Stars(u8);

impl Stars {
    /// The rating, when `n` is 1 to 5.
    pub fn new(n: u8) -> Option<Stars> {
        (1..=5).contains(&n).then_some(Stars(n))
    }

    /// The number of stars.
    pub fn get(self) -> u8 {
        self.0
    }

    /// Whether a product with these stars can be certified (3 to 5 stars).
    pub fn is_certifiable(self) -> bool {
        (3..=5).contains(&self.0)
    }

    /// The level that recognises these stars: the province for 3★ and 4★, the ministry for
    /// 5★; `None` below 3★.
    pub fn certifying_level(self) -> Option<CertLevel> {
        match self.0 {
            3 | 4 => Some(CertLevel::Province),
            5 => Some(CertLevel::Central),
            _ => None,
        }
    }
}

/// The stars a total (in tenths of a point) earns under a rule version: below the 2-star
/// threshold 1★, then one more star at each threshold (30, 50, 70, 90 points).
///
/// Minimum requirements of the scoring sheet (a product below a minimum cannot have the stars
/// whatever its total) are not modelled here: they belong to the sheet of each product set.
pub fn stars_from_score(total_tenths: u16, rules: &RuleVersion) -> Stars {
    let reached = rules
        .star_thresholds
        .iter()
        .filter(|&&t| total_tenths >= u16::from(t) * 10)
        .count();
    // At most four thresholds are reached: 1 + 4 = 5 stars.
    Stars(1 + reached as u8)
}

// ---------------------------------------------------------------------------------------------
// Certificates
// ---------------------------------------------------------------------------------------------

/// The level that recognises a product (cấp công nhận).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CertLevel {
    /// Cấp tỉnh — the province (Chủ tịch UBND tỉnh): 3★ and 4★.
    Province,
    /// Cấp trung ương — the Ministry of Agriculture and Environment (Bộ Nông nghiệp và Môi
    /// trường, before 2025 Bộ NN&PTNT): 5★.
    Central,
}

impl CertLevel {
    /// Both levels.
    pub const ALL: [CertLevel; 2] = [CertLevel::Province, CertLevel::Central];

    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            CertLevel::Province => "province",
            CertLevel::Central => "central",
        }
    }

    /// Parses the stored name, or the words people write for the level or the issuing body
    /// ("cấp tỉnh", "UBND tỉnh Thái Nguyên", "Trung ương", "Bộ NN&PTNT", "Bộ Nông nghiệp và
    /// Môi trường"), accents optional.
    pub fn parse(raw: &str) -> Option<CertLevel> {
        let key = name_key(raw);
        if let Some(level) = CertLevel::ALL.into_iter().find(|l| l.as_str() == key) {
            return Some(level);
        }
        let padded = format!(" {key} ");
        let has = |w: &str| padded.contains(&format!(" {w} "));
        if has("trung uong")
            || has("quoc gia")
            || has("bo nong nghiep")
            || has("bo nn")
            || has("bo nnptnt")
            || has("bo nn ptnt")
            || has("bo nnmt")
            || has("ministry")
            || has("national")
        {
            Some(CertLevel::Central)
        } else if has("tinh")
            || has("ubnd")
            || has("uy ban nhan dan")
            || has("thanh pho")
            || has("province")
            || has("provincial")
        {
            Some(CertLevel::Province)
        } else {
            None
        }
    }

    /// Catalogue key of the name.
    pub fn label_key(self) -> &'static str {
        match self {
            CertLevel::Province => "ocop-level-province",
            CertLevel::Central => "ocop-level-central",
        }
    }
}

/// Where a certificate stands on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CertState {
    /// Còn hiệu lực — valid, more than [`EXPIRING_SOON_DAYS`] days left.
    Valid,
    /// Sắp hết hạn — valid, [`EXPIRING_SOON_DAYS`] days or fewer left.
    ExpiringSoon,
    /// Hết hạn — past its expiry date.
    Expired,
    /// Bị thu hồi — revoked by the province or the ministry.
    Revoked,
}

impl CertState {
    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            CertState::Valid => "valid",
            CertState::ExpiringSoon => "expiring_soon",
            CertState::Expired => "expired",
            CertState::Revoked => "revoked",
        }
    }

    /// Catalogue key of the name.
    pub fn label_key(self) -> &'static str {
        match self {
            CertState::Valid => "ocop-state-valid",
            CertState::ExpiringSoon => "ocop-state-expiring-soon",
            CertState::Expired => "ocop-state-expired",
            CertState::Revoked => "ocop-state-revoked",
        }
    }
}

/// Days since 1970-01-01 (Howard Hinnant's `days_from_civil`; `lenient` keeps its copy private).
fn day_number(date: Date) -> i64 {
    let (year, month, day) = (
        i64::from(date.year()),
        i64::from(date.month()),
        i64::from(date.day()),
    );
    let y = year - i64::from(month <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The number of days from `from` to `to` (negative when `to` is earlier).
pub fn days_between(from: Date, to: Date) -> i64 {
    day_number(to) - day_number(from)
}

/// The same day `months` later, clamped to the end of a shorter month
/// (31/01/2024 + 1 month = 29/02/2024).
pub fn add_months(date: Date, months: u32) -> Date {
    let index = i64::from(date.year()) * 12 + i64::from(date.month()) - 1 + i64::from(months);
    let (Ok(year), Ok(month)) = (
        i32::try_from(index.div_euclid(12)),
        u8::try_from(index.rem_euclid(12) + 1),
    ) else {
        return date;
    };
    // Day 28 exists in every month, so the search always ends.
    (1..=date.day())
        .rev()
        .find_map(|day| Date::new(year, month, day))
        .unwrap_or(date)
}

/// The last day of validity of a certificate decided on `decision_date`: the validity of the
/// rule version in force then (36 months), clamped at month end (29/02/2024 → 28/02/2027).
pub fn expires_on(decision_date: Date) -> Date {
    add_months(decision_date, u32::from(rules_for(decision_date).validity_months))
}

/// The state on day `at` of a certificate decided on `decision_date`, revoked on `revoked_on`
/// if it was. It is valid through its expiry day and expired from the day after.
pub fn cert_state(decision_date: Date, revoked_on: Option<Date>, at: Date) -> CertState {
    if revoked_on.is_some_and(|r| r <= at) {
        return CertState::Revoked;
    }
    let left = days_between(at, expires_on(decision_date));
    if left < 0 {
        CertState::Expired
    } else if left <= EXPIRING_SOON_DAYS {
        CertState::ExpiringSoon
    } else {
        CertState::Valid
    }
}

/// A recognised OCOP certificate, as the rules read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Certification {
    /// The rule version in force on the decision date.
    pub rules: &'static RuleVersion,
    /// Total score, tenths of a point.
    pub total: u16,
    /// The level that took the decision.
    pub level: CertLevel,
    /// Date of the recognition decision.
    pub decision_date: Date,
    /// Date of revocation, if the certificate was revoked.
    pub revoked_on: Option<Date>,
}

impl Certification {
    /// The stars the score earns, before the level is considered.
    pub fn score_stars(&self) -> Stars {
        stars_from_score(self.total, self.rules)
    }

    /// The stars to show: a province cannot recognise 5★, so a province decision scoring 90 or
    /// more shows 4★ with [`Certification::potential_five`] until the ministry decides.
    pub fn stars_shown(&self) -> Stars {
        let stars = self.score_stars();
        if self.potential_five() { Stars(4) } else { stars }
    }

    /// "Tiềm năng 5 sao": the province scored 90 or more, the ministry has not decided.
    pub fn potential_five(&self) -> bool {
        self.level == CertLevel::Province && self.score_stars().get() == 5
    }

    /// The last day of validity.
    pub fn expires_on(&self) -> Date {
        add_months(self.decision_date, u32::from(self.rules.validity_months))
    }

    /// The state on day `at`.
    pub fn state_at(&self, at: Date) -> CertState {
        cert_state(self.decision_date, self.revoked_on, at)
    }
}

// ---------------------------------------------------------------------------------------------
// Decision numbers
// ---------------------------------------------------------------------------------------------

/// Normalises the number and symbol of a decision (số, ký hiệu): `858/QĐ-UBND`, `858/QD-UBND`,
/// `Số: 858/qđ-ubnd`, `858 / QĐ - UBND` all become `858/QĐ-UBND`; `26/2026/qd-ttg` becomes
/// `26/2026/QĐ-TTg` (the Prime Minister's symbol keeps its lowercase g).
///
/// The form is NUMBER[/YEAR]/TYPE[-BODY…]: digits, an optional four-digit year, then letters
/// and digits in segments separated by dashes. Anything else is a finding on `decision_no`.
pub fn parse_decision_number(raw: &str) -> Result<String, Findings> {
    let invalid = || {
        let mut f = Findings::default();
        f.add_with(
            "decision_no",
            "ocop-error-decision-number",
            vec![("value", raw.trim().to_string())],
        );
        f
    };
    let compact: String = raw.split_whitespace().collect::<Vec<_>>().join("");
    // A label before the number ("Số:", "No."); the number starts at the first digit.
    let start = compact.find(|c: char| c.is_ascii_digit()).ok_or_else(invalid)?;
    let (label, body) = compact.split_at(start);
    if !matches!(
        fold(label).as_str(),
        "" | "so" | "so:" | "so." | "no" | "no." | "no:"
    ) {
        return Err(invalid());
    }
    let parts: Vec<&str> = body.split('/').collect();
    let (number, year, symbol) = match parts.as_slice() {
        [n, s] => (*n, None, *s),
        [n, y, s] => (*n, Some(*y), *s),
        _ => return Err(invalid()),
    };
    let digits = |s: &str, len: std::ops::RangeInclusive<usize>| {
        len.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
    };
    if !digits(number, 1..=6) || year.is_some_and(|y| !digits(y, 4..=4)) {
        return Err(invalid());
    }
    let segments: Vec<&str> = symbol.split('-').collect();
    if segments
        .iter()
        .any(|s| s.is_empty() || !s.chars().all(|c| c.is_alphanumeric() || c == '&'))
        || !segments[0].chars().any(char::is_alphabetic)
    {
        return Err(invalid());
    }
    let segments: Vec<String> = segments
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let upper = s.to_uppercase();
            match (i, upper.as_str()) {
                (0, "QD") => "QĐ".to_string(),
                (_, "TTG") => "TTg".to_string(),
                _ => upper,
            }
        })
        .collect();
    let number = number.trim_start_matches('0');
    let number = if number.is_empty() { "0" } else { number };
    Ok(match year {
        Some(y) => format!("{number}/{y}/{}", segments.join("-")),
        None => format!("{number}/{}", segments.join("-")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u8, d: u8) -> Date {
        Date::new(y, m, d).expect("date")
    }

    #[test]
    fn the_embedded_data_loads_with_its_documented_sizes() {
        assert_eq!(rule_versions().len(), 3);
        assert_eq!(ProductGroup::all().count(), 6);
        assert_eq!(ProductGroup::legacy_1048().count(), 6);
        assert_eq!(ProductSet::all().len(), 26);
        for g in ProductGroup::all() {
            assert!(g.sets().next().is_some(), "group {} has no set", g.code);
        }
    }

    #[test]
    fn points_are_read_with_a_comma_or_a_dot() {
        assert_eq!(parse_points("32,5"), Some(325));
        assert_eq!(parse_points("32.5"), Some(325));
        assert_eq!(parse_points(" 32 "), Some(320));
        assert_eq!(parse_points("32,50"), Some(325));
        assert_eq!(parse_points("32,5 điểm"), Some(325));
        assert_eq!(parse_points("32,25"), None);
        assert_eq!(parse_points("-3"), None);
        assert_eq!(parse_points("abc"), None);
        assert_eq!(parse_points(""), None);
        assert_eq!(format_points(325), "32,5");
        assert_eq!(format_points(300), "30");
    }

    #[test]
    fn days_are_counted_across_years() {
        assert_eq!(days_between(date(2024, 1, 1), date(2025, 1, 1)), 366);
        assert_eq!(days_between(date(2025, 1, 1), date(2024, 12, 31)), -1);
        assert_eq!(add_months(date(2024, 1, 31), 1), date(2024, 2, 29));
        assert_eq!(add_months(date(2024, 11, 30), 3), date(2025, 2, 28));
    }

    #[test]
    fn levels_are_read_from_the_issuing_body() {
        assert_eq!(
            CertLevel::parse("UBND tỉnh Thái Nguyên"),
            Some(CertLevel::Province)
        );
        assert_eq!(CertLevel::parse("cap tinh"), Some(CertLevel::Province));
        assert_eq!(CertLevel::parse("Bộ NN&PTNT"), Some(CertLevel::Central));
        assert_eq!(
            CertLevel::parse("Bộ Nông nghiệp và Môi trường"),
            Some(CertLevel::Central)
        );
        assert_eq!(CertLevel::parse("central"), Some(CertLevel::Central));
        assert_eq!(CertLevel::parse("xyz"), None);
    }
}
