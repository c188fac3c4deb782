//! The yearly review (báo cáo sơ kết / tổng kết) as one model, built from the figures of the
//! year and the text staff wrote: the web page, the DOCX and the XLSX annex are three
//! renderings of it, so they cannot disagree.
//!
//! Narrative sections come from the saved text; where nothing was saved, a default is written
//! from the figures (a sentence per section), always in the document's language. Headings,
//! captions and table headers follow the language asked for (the DOCX and XLSX are Vietnamese
//! documents and are built with [`Lang::Vi`]).

use std::collections::{BTreeMap, BTreeSet};

use lienket_domain::ids::AllianceId;
use lienket_domain::lenient::Date;
use lienket_domain::programme::{ActivityKind, ActivityState, Measure, NARRATIVE_SECTIONS, ReviewKind};
use lienket_office::chart::{self, Chart, Series};
use lienket_store::{Activity, Alliance, Indicator, Programme, ReviewFigures, ReviewText};

use crate::i18n::Lang;
use crate::pages::catalog::product_group_name;
use crate::pages::products::today_date;
use crate::pages::{date_vn, vnd};

/// One value of a table of the review.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    /// Text.
    Text(String),
    /// A count or an amount.
    Int(i64),
    /// A figure nobody typed yet.
    Missing,
    /// A percentage.
    Pct(f64),
}

impl Cell {
    /// The value as printed: "1.200", "85,5", "–" when missing.
    pub(crate) fn show(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Int(n) => vnd(n),
            Cell::Missing => "–".into(),
            Cell::Pct(p) => chart::format_number(*p),
        }
    }

    /// Whether the value is a figure (right-aligned).
    pub(crate) fn numeric(&self) -> bool {
        matches!(self, Cell::Int(_) | Cell::Missing | Cell::Pct(_))
    }
}

/// A table of figures, in the body, an annex and a sheet of the workbook.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Tbl {
    /// Caption ("Bảng 1. …").
    pub caption: String,
    /// Sheet name in the workbook.
    pub sheet: String,
    /// Column headings.
    pub header: Vec<String>,
    /// Rows.
    pub rows: Vec<Vec<Cell>>,
    /// Whether the last row is a total.
    pub total_row: bool,
}

impl Tbl {
    /// Which columns hold figures: judged from the first row that has the column.
    pub(crate) fn numeric(&self) -> Vec<bool> {
        (0..self.header.len())
            .map(|c| {
                self.rows
                    .iter()
                    .filter_map(|r| r.get(c))
                    .find(|cell| !matches!(cell, Cell::Missing))
                    .is_some_and(Cell::numeric)
            })
            .collect()
    }
}

/// A piece of the review, in order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Part {
    /// "I. TÌNH HÌNH CHUNG …".
    H1(String),
    /// "1. …".
    H2(String),
    /// Text; each line a paragraph.
    P(String),
    /// A table of figures.
    Table(Tbl),
    /// An SVG chart (web only).
    Chart(String),
}

/// An annex (phụ lục) of tables.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct AnnexPart {
    /// "Phụ lục I".
    pub label: String,
    /// Its title in capitals.
    pub title: String,
    /// "(Kèm theo Báo cáo số …)".
    pub subtitle: String,
    /// Its tables.
    pub tables: Vec<Tbl>,
}

/// The review, ready to render.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Review {
    /// Issuing body, as written (upper-cased by the DOCX).
    pub issuing_body: String,
    /// "Số: 05/BC-LMHTX".
    pub number_line: String,
    /// "Hà Nội, ngày 05 tháng 3 năm 2025".
    pub place_date: String,
    /// "BÁO CÁO".
    pub title: String,
    /// "Sơ kết năm 2024 thực hiện …".
    pub summary: String,
    /// The body.
    pub parts: Vec<Part>,
    /// Recipients, one per entry.
    pub recipients: Vec<String>,
    /// Signer's capacity.
    pub signer_role: String,
    /// Signer's name.
    pub signer_name: String,
    /// Annexes of tables (the DOCX).
    pub annexes: Vec<AnnexPart>,
    /// The tables of the workbook: the annexes' with every column.
    pub sheets: Vec<Tbl>,
}

/// What a review is built from.
pub(crate) struct Source<'a> {
    /// Language of headings, captions and generated text.
    pub lang: Lang,
    /// The programme.
    pub programme: &'a Programme,
    /// The year reviewed.
    pub year: i32,
    /// One alliance's own review, or the whole programme's.
    pub scope: Option<AllianceId>,
    /// The figures of the year.
    pub figures: &'a ReviewFigures,
    /// The alliance directory.
    pub alliances: &'a [Alliance],
}

/// The percentage done: actual against a positive target, one decimal.
pub(crate) fn percent(actual: Option<i64>, target: Option<i64>) -> Option<f64> {
    match (actual, target) {
        (Some(a), Some(t)) if t > 0 => Some((a as f64 * 1000.0 / t as f64).round() / 10.0),
        _ => None,
    }
}

fn opt(v: Option<i64>) -> Cell {
    v.map_or(Cell::Missing, Cell::Int)
}

fn pct_cell(v: Option<f64>) -> Cell {
    v.map_or(Cell::Missing, Cell::Pct)
}

/// Roman numerals of annexes.
const ROMAN: [&str; 8] = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII"];

impl<'a> Source<'a> {
    fn t(&self, key: &str) -> String {
        self.lang.t(key)
    }

    fn ta(&self, key: &str, args: &[(&str, String)]) -> String {
        self.lang.t_args(key, args)
    }

    /// The review's kind: final in the programme's last year.
    pub(crate) fn kind(&self) -> ReviewKind {
        ReviewKind::of(self.year, self.programme.period())
    }

    fn alliance(&self, id: i64) -> Option<&'a Alliance> {
        self.alliances.iter().find(|a| a.id.0 == id)
    }

    /// An alliance's short name ("no alliance" for 0 or an unknown id).
    pub(crate) fn short(&self, id: i64) -> String {
        self.alliance(id)
            .map_or_else(|| self.t("review-no-alliance"), |a| a.short_name.clone())
    }

    /// The alliances shown side by side: the one reviewed, or the signatories (every alliance
    /// when the programme names none).
    pub(crate) fn columns(&self) -> Vec<&'a Alliance> {
        if let Some(a) = self.scope {
            return self.alliance(a.0).into_iter().collect();
        }
        let signed: Vec<&Alliance> = self
            .programme
            .signatories
            .iter()
            .filter_map(|s| self.alliance(s.0))
            .collect();
        if signed.is_empty() {
            self.alliances.iter().collect()
        } else {
            signed
        }
    }

    /// The activities of the year the review covers (of the alliance, for its own review).
    pub(crate) fn activities(&self) -> Vec<&'a Activity> {
        self.figures
            .activities
            .iter()
            .filter(|a| self.scope.is_none_or(|s| a.involves(s)))
            .collect()
    }

    /// Who issues the review: the alliance reviewed, or the host alliance of the year.
    pub(crate) fn issuer(&self) -> Option<&'a Alliance> {
        let id = self
            .scope
            .or_else(|| self.programme.plan(self.year).map(|p| p.host_alliance_id))?;
        self.alliance(id.0)
    }

    fn issuing_body(&self) -> String {
        self.issuer()
            .map_or_else(|| self.t("review-coordination-board"), |a| a.name.clone())
    }

    fn figure(&self, m: Measure) -> i64 {
        self.figures.year.get(self.scope, m)
    }

    fn previous(&self, m: Measure) -> Option<i64> {
        self.figures.previous.as_ref().map(|p| p.get(self.scope, m))
    }

    /// Registry rows in scope: (alliance id, counts).
    fn registry(&self) -> Vec<(i64, &'a lienket_store::RegistryCounts)> {
        self.in_scope(&self.figures.registry)
    }

    fn reports(&self) -> Vec<(i64, &'a lienket_store::ReportTotals)> {
        self.in_scope(&self.figures.reports)
    }

    /// The entries of a map by alliance id in scope, in table order: by short name, "no
    /// alliance" last.
    fn in_scope<V>(&self, by_alliance: &'a BTreeMap<i64, V>) -> Vec<(i64, &'a V)> {
        let mut rows: Vec<(i64, &V)> = by_alliance
            .iter()
            .filter(|(id, _)| self.scope.is_none_or(|s| s.0 == **id))
            .map(|(id, v)| (*id, v))
            .collect();
        rows.sort_by_key(|(id, _)| (*id == 0, self.short(*id)));
        rows
    }

    fn events(&self) -> Vec<&'a lienket_store::EventLine> {
        self.figures
            .events
            .iter()
            .filter(|e| self.scope.is_none_or(|s| s.0 == e.host_alliance_id))
            .collect()
    }

    /// OCOP certificates of the year by stars, in scope.
    fn ocop_stars(&self) -> BTreeMap<i32, i64> {
        self.summed(&self.figures.ocop_stars)
    }

    /// OCOP certificates of the year by product group, in scope.
    fn ocop_groups(&self) -> BTreeMap<String, i64> {
        self.summed(&self.figures.ocop_groups)
    }

    /// Counts by alliance id, summed over the alliances in scope.
    fn summed<K: Ord + Clone>(&self, by_alliance: &BTreeMap<i64, BTreeMap<K, i64>>) -> BTreeMap<K, i64> {
        let mut out = BTreeMap::new();
        for (id, counts) in by_alliance {
            if self.scope.is_none_or(|s| s.0 == *id) {
                for (k, n) in counts {
                    *out.entry(k.clone()).or_default() += n;
                }
            }
        }
        out
    }

    fn area_label(&self, id: i64) -> String {
        self.programme
            .area(id)
            .map_or_else(String::new, |a| a.number.to_string())
    }

    fn activity_kind(&self, k: ActivityKind) -> String {
        self.t(k.label_key())
    }

    fn activity_state(&self, s: ActivityState) -> String {
        self.t(s.label_key())
    }

    fn dates(a: &Activity) -> String {
        if a.starts_on == a.ends_on {
            date_vn(&a.starts_on)
        } else {
            format!("{} – {}", date_vn(&a.starts_on), date_vn(&a.ends_on))
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Default text
// ---------------------------------------------------------------------------------------------

/// The place name of an alliance's seat as documents write it: "Hà Nội", "Cần Thơ",
/// "Thành phố Hồ Chí Minh".
fn place_of(a: &Alliance) -> String {
    let name = crate::pages::province_name(&a.province_code);
    let short = ["Thành phố ", "Tỉnh "]
        .iter()
        .find_map(|p| name.strip_prefix(p))
        .unwrap_or(&name)
        .to_string();
    if short == "Hồ Chí Minh" { name } else { short }
}

/// `YYYY-MM-DD` of a day, as dates are stored.
pub(super) fn iso(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
}

/// A change from last year, in words: "tăng 3 (từ 5 lên 8)".
fn change(src: &Source, now: i64, before: i64) -> String {
    let args = [
        ("delta", vnd(&(now - before).abs())),
        ("before", vnd(&before)),
        ("now", vnd(&now)),
    ];
    match now.cmp(&before) {
        std::cmp::Ordering::Greater => src.ta("review-change-up", &args),
        std::cmp::Ordering::Less => src.ta("review-change-down", &args),
        std::cmp::Ordering::Equal => src.ta("review-change-same", &args),
    }
}

fn default_basis(src: &Source) -> String {
    let p = src.programme;
    let names: Vec<String> = p
        .signatories
        .iter()
        .filter_map(|s| src.alliance(s.0).map(|a| a.name.clone()))
        .collect();
    let mut lines = vec![src.ta(
        "review-default-basis",
        &[
            ("programme", p.name.clone()),
            (
                "number",
                p.number.as_ref().map_or_else(String::new, |n| {
                    src.ta("review-default-basis-number", &[("number", n.clone())])
                }),
            ),
            (
                "signed",
                p.signed_on.as_ref().map_or_else(String::new, |d| {
                    src.ta("review-default-basis-signed", &[("date", date_vn(d))])
                }),
            ),
            (
                "signatories",
                if names.is_empty() {
                    String::new()
                } else {
                    src.ta("review-default-basis-between", &[("names", names.join(", "))])
                },
            ),
        ],
    )];
    if let Some(plan) = p.plan(src.year) {
        lines.push(src.ta(
            "review-default-basis-plan",
            &[
                ("year", src.year.to_string()),
                ("host", src.short(plan.host_alliance_id.0)),
            ],
        ));
    }
    lines.push(src.ta(
        "review-default-basis-closing",
        &[("issuer", src.issuing_body()), ("year", src.year.to_string())],
    ));
    lines.join("\n")
}

fn default_situation(src: &Source) -> String {
    let f = |m| vnd(&src.figure(m));
    let mut text = src.ta(
        "review-default-situation",
        &[
            ("year", src.year.to_string()),
            ("activities", f(Measure::Activities)),
            ("participants", f(Measure::Participants)),
            ("supported", f(Measure::OrganisationsSupported)),
            ("new", f(Measure::NewOrganisations)),
            ("ocop", f(Measure::OcopProducts)),
            ("events", f(Measure::Events)),
            ("exhibitors", f(Measure::Exhibitors)),
            ("reports", f(Measure::ReportsFiled)),
            ("answered", f(Measure::SupportAnswered)),
            ("replicated", f(Measure::ModelsReplicated)),
        ],
    );
    if let (Some(a), Some(p), Some(s)) = (
        src.previous(Measure::Activities),
        src.previous(Measure::Participants),
        src.previous(Measure::OrganisationsSupported),
    ) {
        text.push('\n');
        text.push_str(&src.ta(
            "review-default-compare",
            &[
                ("year", (src.year - 1).to_string()),
                ("activities", change(src, src.figure(Measure::Activities), a)),
                ("participants", change(src, src.figure(Measure::Participants), p)),
                (
                    "supported",
                    change(src, src.figure(Measure::OrganisationsSupported), s),
                ),
            ],
        ));
    }
    text
}

fn default_limitations(src: &Source) -> String {
    let mut lines = Vec::new();
    let mut short: Vec<String> = Vec::new();
    let mut any_target = false;
    for ind in &src.programme.indicators {
        let target = src.figures.target(ind, src.scope);
        let actual = src.figures.actual(ind, src.scope);
        if target.is_some_and(|t| t > 0) {
            any_target = true;
        }
        if let (Some(p), Some(a), Some(t)) = (percent(actual, target), actual, target)
            && p < 100.0
        {
            short.push(format!(
                "{} ({}/{}, {}%)",
                ind.name,
                vnd(&a),
                vnd(&t),
                chart::format_number(p)
            ));
        }
    }
    if !any_target {
        lines.push(src.t("review-default-limitations-no-targets"));
    } else if short.is_empty() {
        lines.push(src.t("review-default-limitations-met"));
    } else {
        lines.push(src.ta("review-default-limitations-short", &[("list", short.join("; "))]));
    }
    let acts = src.activities();
    let planned = acts.iter().filter(|a| a.state == ActivityState::Planned).count();
    if planned > 0 {
        lines.push(src.ta(
            "review-default-limitations-planned",
            &[("count", planned.to_string())],
        ));
    }
    let idle: Vec<String> = src
        .programme
        .areas
        .iter()
        .filter(|area| {
            !acts
                .iter()
                .any(|a| a.state == ActivityState::Done && a.areas.contains(&area.id))
        })
        .map(|area| area.number.to_string())
        .collect();
    if !idle.is_empty() && idle.len() < src.programme.areas.len() {
        lines.push(src.ta("review-default-limitations-idle", &[("areas", idle.join(", "))]));
    }
    lines.join("\n")
}

fn default_directions(src: &Source) -> String {
    if src.kind() == ReviewKind::Final {
        return src.ta(
            "review-default-directions-final",
            &[
                ("first", src.programme.first_year.to_string()),
                ("last", src.programme.last_year.to_string()),
            ],
        );
    }
    let next = src.year + 1;
    let host = src.programme.plan(next).map_or_else(String::new, |p| {
        src.ta(
            "review-default-directions-host",
            &[("host", src.short(p.host_alliance_id.0))],
        )
    });
    src.ta(
        "review-default-directions",
        &[("year", next.to_string()), ("host", host)],
    )
}

fn default_area(src: &Source, area: i64) -> String {
    // The counts are printed beside the narrative from the data; the default names what was
    // done, for staff to describe.
    let acts: Vec<&Activity> = src
        .activities()
        .into_iter()
        .filter(|a| a.areas.contains(&area) && a.state != ActivityState::Cancelled)
        .collect();
    let done: Vec<String> = acts
        .iter()
        .filter(|a| a.state == ActivityState::Done)
        .take(5)
        .map(|a| a.title.clone())
        .collect();
    if !done.is_empty() {
        src.ta("review-default-area", &[("titles", done.join("; "))])
    } else if !acts.is_empty() {
        src.t("review-default-area-planned")
    } else {
        src.t("review-default-area-none")
    }
}

/// The narrative key of a content area.
pub(crate) fn area_key(id: i64) -> String {
    format!("area:{id}")
}

/// The text a review would have if nobody wrote any: generated from the figures.
pub(crate) fn default_text(src: &Source) -> ReviewText {
    let mut narrative = BTreeMap::new();
    for section in NARRATIVE_SECTIONS {
        let text = match section {
            "basis" => default_basis(src),
            "situation" => default_situation(src),
            "limitations" => default_limitations(src),
            "lessons" => src.t("review-default-lessons"),
            "directions" => default_directions(src),
            _ => src.t("review-default-proposals"),
        };
        narrative.insert(section.to_string(), text);
    }
    for area in &src.programme.areas {
        narrative.insert(area_key(area.id), default_area(src, area.id));
    }
    let now = today_date();
    let issued = if (src.year..=src.year + 1).contains(&now.year()) {
        now
    } else {
        Date::new(src.year, 12, 15).unwrap_or(now)
    };
    ReviewText {
        number: String::new(),
        place: src.issuer().map_or_else(String::new, place_of),
        issued_on: iso(issued),
        signer_role: src.t("review-default-signer-role"),
        signer_name: String::new(),
        recipients: src.t("review-default-recipients"),
        narrative,
    }
}

/// The saved text, with defaults wherever nothing was saved: a section staff emptied stays
/// empty, a section added since (a new content area) gets its default.
pub(crate) fn effective(saved: Option<&ReviewText>, defaults: ReviewText) -> ReviewText {
    let Some(saved) = saved else {
        return defaults;
    };
    let pick = |s: &String, d: String| if s.trim().is_empty() { d } else { s.clone() };
    let mut narrative = defaults.narrative;
    for (k, v) in &saved.narrative {
        narrative.insert(k.clone(), v.clone());
    }
    ReviewText {
        number: saved.number.clone(),
        place: pick(&saved.place, defaults.place),
        issued_on: pick(&saved.issued_on, defaults.issued_on),
        signer_role: pick(&saved.signer_role, defaults.signer_role),
        signer_name: saved.signer_name.clone(),
        recipients: pick(&saved.recipients, defaults.recipients),
        narrative,
    }
}

/// A `YYYY-MM-DD` date.
pub(crate) fn parse_iso(s: &str) -> Option<Date> {
    let y = s.get(0..4)?.parse().ok()?;
    let m = s.get(5..7)?.parse().ok()?;
    let d = s.get(8..10)?.parse().ok()?;
    Date::new(y, m, d)
}

// ---------------------------------------------------------------------------------------------
// Tables
// ---------------------------------------------------------------------------------------------

/// Numbers captions "Bảng 1.", "Bảng 2." in the body.
struct Captions {
    n: usize,
}

impl Captions {
    fn next(&mut self, src: &Source, title: &str) -> String {
        self.n += 1;
        src.ta(
            "review-table-caption",
            &[("n", self.n.to_string()), ("title", title.to_string())],
        )
    }
}

fn total_label(src: &Source) -> Cell {
    Cell::Text(src.t("review-total"))
}

/// Targets and results of every indicator, all together (or of the alliance reviewed).
fn indicator_summary(src: &Source, caption: String) -> Tbl {
    let rows = src
        .programme
        .indicators
        .iter()
        .enumerate()
        .map(|(i, ind)| {
            let target = src.figures.target(ind, src.scope);
            let actual = src.figures.actual(ind, src.scope);
            vec![
                Cell::Int(i as i64 + 1),
                Cell::Text(ind.name.clone()),
                Cell::Text(ind.unit.clone()),
                opt(target),
                opt(actual),
                pct_cell(percent(actual, target)),
            ]
        })
        .collect();
    Tbl {
        caption,
        sheet: src.t("review-sheet-indicators"),
        header: [
            "col-review-no",
            "col-review-indicator",
            "col-review-unit",
            "col-review-target",
            "col-review-actual",
            "col-review-percent",
        ]
        .iter()
        .map(|k| src.t(k))
        .collect(),
        rows,
        total_row: false,
    }
}

/// Every indicator for every alliance, one row each (long form: fits a portrait page and
/// pivots in a spreadsheet). `compact` (the DOCX annex) names each indicator once, with its
/// unit, on the first row of its group; the spreadsheet repeats code, name and unit on every
/// row so that it sorts and filters.
pub(crate) fn indicators_by_alliance(src: &Source, compact: bool) -> Tbl {
    let mut rows = Vec::new();
    let columns = src.columns();
    for (i, ind) in src.programme.indicators.iter().enumerate() {
        let mut first = true;
        let mut line = |who: String, alliance: Option<AllianceId>| {
            let target = src.figures.target(ind, alliance);
            let actual = src.figures.actual(ind, alliance);
            let mut row = if compact {
                let (no, name) = if first {
                    (
                        Cell::Int(i as i64 + 1),
                        Cell::Text(format!("{} ({})", ind.name, ind.unit)),
                    )
                } else {
                    (Cell::Text(String::new()), Cell::Text(String::new()))
                };
                vec![no, name]
            } else {
                vec![
                    Cell::Int(i as i64 + 1),
                    Cell::Text(ind.code.clone()),
                    Cell::Text(ind.name.clone()),
                    Cell::Text(ind.unit.clone()),
                ]
            };
            first = false;
            row.extend([
                Cell::Text(who),
                opt(target),
                opt(actual),
                pct_cell(percent(actual, target)),
            ]);
            rows.push(row);
        };
        for a in &columns {
            line(a.short_name.clone(), Some(a.id));
        }
        if src.scope.is_none() {
            line(src.t("review-all-together"), None);
        }
    }
    let header: &[&str] = if compact {
        &[
            "col-review-no",
            "col-review-indicator",
            "col-review-alliance",
            "col-review-target",
            "col-review-actual",
            "col-review-percent",
        ]
    } else {
        &[
            "col-review-no",
            "col-review-code",
            "col-review-indicator",
            "col-review-unit",
            "col-review-alliance",
            "col-review-target",
            "col-review-actual",
            "col-review-percent",
        ]
    };
    Tbl {
        caption: src.t("review-annex-indicators"),
        sheet: src.t("review-sheet-indicators"),
        header: header.iter().map(|k| src.t(k)).collect(),
        rows,
        total_row: false,
    }
}

/// Which columns a list of activities has.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ActivityColumns {
    /// Under a content area: title, dates, lead, participants.
    Area,
    /// The DOCX annex: with content areas and state.
    Annex,
    /// The workbook: everything.
    Sheet,
}

/// A list of activities.
fn activity_table(src: &Source, caption: String, acts: &[&Activity], columns: ActivityColumns) -> Tbl {
    use ActivityColumns::*;
    let mut header = vec!["col-review-no", "col-review-activity"];
    if columns == Sheet {
        header.push("col-review-kind");
    }
    if columns != Area {
        header.push("col-review-areas");
    }
    header.push("col-review-dates");
    if columns == Sheet {
        header.push("col-review-place");
    }
    header.extend(["col-review-lead", "col-review-participants"]);
    if columns == Sheet {
        header.push("col-review-partners");
    }
    if columns != Area {
        header.push("col-review-state");
    }
    let rows = acts
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let mut row = vec![Cell::Int(i as i64 + 1), Cell::Text(a.title.clone())];
            if columns == Sheet {
                row.push(Cell::Text(src.activity_kind(a.kind)));
            }
            if columns != Area {
                row.push(Cell::Text(
                    a.areas
                        .iter()
                        .map(|x| src.area_label(*x))
                        .collect::<Vec<_>>()
                        .join(", "),
                ));
            }
            row.push(Cell::Text(Source::dates(a)));
            if columns == Sheet {
                row.push(Cell::Text(a.place.clone().unwrap_or_default()));
            }
            row.push(Cell::Text(src.short(a.lead_alliance_id.0)));
            row.push(Cell::Int(a.participants));
            if columns == Sheet {
                row.push(Cell::Text(
                    a.alliances
                        .iter()
                        .map(|x| src.short(x.0))
                        .collect::<Vec<_>>()
                        .join(", "),
                ));
            }
            if columns != Area {
                row.push(Cell::Text(src.activity_state(a.state)));
            }
            row
        })
        .collect();
    Tbl {
        caption,
        sheet: src.t("review-sheet-activities"),
        header: header.iter().map(|k| src.t(k)).collect(),
        rows,
        total_row: false,
    }
}

fn registry_table(src: &Source, caption: String) -> Tbl {
    let rows = src
        .registry()
        .into_iter()
        .map(|(id, c)| (id, [c.cooperatives, c.groups, c.unions, c.total()]))
        .collect();
    alliance_table(
        src,
        caption,
        "review-sheet-registry",
        [
            "col-review-cooperatives",
            "col-review-groups",
            "col-review-unions",
            "col-review-organisations",
        ],
        rows,
    )
}

fn reports_table(src: &Source, caption: String) -> Tbl {
    let rows = src
        .reports()
        .into_iter()
        .map(|(id, r)| (id, [r.reports, r.members, r.workers, r.revenue, r.profit]))
        .collect();
    alliance_table(
        src,
        caption,
        "review-sheet-reports",
        [
            "col-review-reports",
            "col-review-members",
            "col-review-workers",
            "col-review-revenue",
            "col-review-profit",
        ],
        rows,
    )
}

/// A table of figures by alliance: a numbered row per alliance with the figures of `columns`,
/// and their total below when there are several.
fn alliance_table<const N: usize>(
    src: &Source,
    caption: String,
    sheet: &str,
    columns: [&str; N],
    figures: Vec<(i64, [i64; N])>,
) -> Tbl {
    let mut rows = Vec::new();
    let mut sum = [0i64; N];
    for (i, (id, v)) in figures.into_iter().enumerate() {
        for (s, x) in sum.iter_mut().zip(v) {
            *s += x;
        }
        let mut row = vec![Cell::Int(i as i64 + 1), Cell::Text(src.short(id))];
        row.extend(v.map(Cell::Int));
        rows.push(row);
    }
    let total_row = rows.len() > 1;
    if total_row {
        let mut row = vec![Cell::Text(String::new()), total_label(src)];
        row.extend(sum.map(Cell::Int));
        rows.push(row);
    }
    Tbl {
        caption,
        sheet: src.t(sheet),
        header: ["col-review-no", "col-review-alliance"]
            .into_iter()
            .chain(columns)
            .map(|k| src.t(k))
            .collect(),
        rows,
        total_row,
    }
}

fn ocop_stars_table(src: &Source, caption: String) -> Tbl {
    let mut stars: BTreeSet<i32> = [3, 4, 5].into();
    for m in src.figures.ocop_stars.values() {
        stars.extend(m.keys().copied());
    }
    let mut header = vec![src.t("col-review-no"), src.t("col-review-alliance")];
    header.extend(
        stars
            .iter()
            .map(|s| src.ta("col-review-stars", &[("stars", s.to_string())])),
    );
    header.push(src.t("col-review-total"));
    let mut rows = Vec::new();
    let mut sum: BTreeMap<i32, i64> = BTreeMap::new();
    for (i, (id, by)) in src.in_scope(&src.figures.ocop_stars).into_iter().enumerate() {
        let mut row = vec![Cell::Int(i as i64 + 1), Cell::Text(src.short(id))];
        for s in &stars {
            let n = by.get(s).copied().unwrap_or(0);
            *sum.entry(*s).or_default() += n;
            row.push(Cell::Int(n));
        }
        row.push(Cell::Int(by.values().sum()));
        rows.push(row);
    }
    let total_row = rows.len() > 1;
    if total_row {
        let mut row = vec![Cell::Text(String::new()), total_label(src)];
        row.extend(stars.iter().map(|s| Cell::Int(sum.get(s).copied().unwrap_or(0))));
        row.push(Cell::Int(sum.values().sum()));
        rows.push(row);
    }
    Tbl {
        caption,
        sheet: src.t("review-sheet-ocop-stars"),
        header,
        rows,
        total_row,
    }
}

fn ocop_groups_table(src: &Source, caption: String) -> Tbl {
    let groups = src.ocop_groups();
    let mut rows: Vec<Vec<Cell>> = groups
        .iter()
        .enumerate()
        .map(|(i, (code, n))| {
            vec![
                Cell::Int(i as i64 + 1),
                Cell::Text(product_group_name(src.lang, code)),
                Cell::Int(*n),
            ]
        })
        .collect();
    let total_row = rows.len() > 1;
    if total_row {
        rows.push(vec![
            Cell::Text(String::new()),
            total_label(src),
            Cell::Int(groups.values().sum()),
        ]);
    }
    Tbl {
        caption,
        sheet: src.t("review-sheet-ocop-groups"),
        header: ["col-review-no", "col-review-group", "col-review-products"]
            .iter()
            .map(|k| src.t(k))
            .collect(),
        rows,
        total_row,
    }
}

fn events_table(src: &Source, caption: String) -> Tbl {
    let rows = src
        .events()
        .iter()
        .enumerate()
        .map(|(i, e)| {
            vec![
                Cell::Int(i as i64 + 1),
                Cell::Text(e.title.clone()),
                Cell::Text(if e.starts_on == e.ends_on {
                    date_vn(&e.starts_on)
                } else {
                    format!("{} – {}", date_vn(&e.starts_on), date_vn(&e.ends_on))
                }),
                Cell::Text(src.short(e.host_alliance_id)),
                Cell::Int(e.exhibitors),
                Cell::Int(e.sales),
                Cell::Int(e.contracts),
            ]
        })
        .collect();
    Tbl {
        caption,
        sheet: src.t("review-sheet-events"),
        header: [
            "col-review-no",
            "col-review-event",
            "col-review-dates",
            "col-review-host",
            "col-review-exhibitors",
            "col-review-sales",
            "col-review-contracts",
        ]
        .iter()
        .map(|k| src.t(k))
        .collect(),
        rows,
        total_row: false,
    }
}

// ---------------------------------------------------------------------------------------------
// Charts (web)
// ---------------------------------------------------------------------------------------------

/// Actual against target of every indicator.
pub(crate) fn progress(src: &Source, title: &str, alliance: Option<AllianceId>) -> String {
    let rows: Vec<(String, f64, Option<f64>)> = src
        .programme
        .indicators
        .iter()
        .map(|ind| {
            (
                format!("{} – {}", ind.code, ind.name),
                src.figures.actual(ind, alliance).unwrap_or(0) as f64,
                src.figures.target(ind, alliance).map(|t| t as f64),
            )
        })
        .collect();
    chart::progress_chart(title, &rows)
}

fn activities_by_area_chart(src: &Source) -> String {
    let acts = src.activities();
    let count = |area: i64, state: ActivityState| {
        acts.iter()
            .filter(|a| a.state == state && a.areas.contains(&area))
            .count() as f64
    };
    let areas = &src.programme.areas;
    chart::hbar_chart(&Chart {
        title: src.t("review-chart-activities"),
        categories: areas
            .iter()
            .map(|a| format!("{}. {}", a.number, a.name))
            .collect(),
        series: vec![
            Series {
                name: src.t(ActivityState::Done.label_key()),
                values: areas.iter().map(|a| count(a.id, ActivityState::Done)).collect(),
            },
            Series {
                name: src.t(ActivityState::Planned.label_key()),
                values: areas
                    .iter()
                    .map(|a| count(a.id, ActivityState::Planned))
                    .collect(),
            },
        ],
        unit: String::new(),
        empty: src.t("review-chart-empty"),
    })
}

fn registry_chart(src: &Source) -> String {
    let rows = src.registry();
    chart::hbar_chart(&Chart {
        title: src.t("review-chart-registry"),
        categories: rows.iter().map(|(id, _)| src.short(*id)).collect(),
        series: vec![
            Series {
                name: src.t("col-review-cooperatives"),
                values: rows.iter().map(|(_, c)| c.cooperatives as f64).collect(),
            },
            Series {
                name: src.t("col-review-groups"),
                values: rows.iter().map(|(_, c)| c.groups as f64).collect(),
            },
            Series {
                name: src.t("col-review-unions"),
                values: rows.iter().map(|(_, c)| c.unions as f64).collect(),
            },
        ],
        unit: String::new(),
        empty: src.t("review-chart-empty"),
    })
}

fn ocop_chart(src: &Source) -> String {
    let stars = src.ocop_stars();
    chart::bar_chart(&Chart {
        title: src.t("review-chart-ocop"),
        categories: stars
            .keys()
            .map(|s| src.ta("col-review-stars", &[("stars", s.to_string())]))
            .collect(),
        series: vec![Series {
            name: src.t("col-review-products"),
            values: stars.values().map(|n| *n as f64).collect(),
        }],
        unit: String::new(),
        empty: src.t("review-chart-empty"),
    })
}

// ---------------------------------------------------------------------------------------------
// The review
// ---------------------------------------------------------------------------------------------

/// Which extra tables a content area gets, judged from its name (and activity kinds).
#[derive(Default)]
struct AreaExtras {
    events: bool,
    ocop: bool,
    new_organisations: bool,
}

fn extras(src: &Source) -> BTreeMap<i64, AreaExtras> {
    let mut out: BTreeMap<i64, AreaExtras> = BTreeMap::new();
    let folded: Vec<(i64, String)> = src
        .programme
        .areas
        .iter()
        .map(|a| (a.id, lienket_domain::text::fold(&a.name)))
        .collect();
    let trade = folded
        .iter()
        .find(|(_, n)| n.contains("xuc tien thuong mai") || n.contains("tieu thu"))
        .map(|(id, _)| *id)
        .or_else(|| {
            src.activities()
                .iter()
                .find(|a| a.kind == ActivityKind::TradePromotion)
                .and_then(|a| a.areas.first().copied())
        });
    if let Some(id) = trade {
        out.entry(id).or_default().events = true;
    }
    let support = folded
        .iter()
        .find(|(_, n)| n.contains("tu van"))
        .or_else(|| {
            folded
                .iter()
                .find(|(_, n)| n.contains("ho tro") || n.contains("chinh sach"))
        })
        .map(|(id, _)| *id);
    if let Some(id) = support {
        out.entry(id).or_default().ocop = true;
    }
    if let Some((id, _)) = folded.iter().find(|(_, n)| n.contains("thanh lap moi")) {
        out.entry(*id).or_default().new_organisations = true;
    }
    out
}

fn narrative(text: &ReviewText, key: &str) -> Option<Part> {
    text.narrative
        .get(key)
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .map(|s| Part::P(s.to_string()))
}

fn registry_sentence(src: &Source) -> String {
    let mut c = lienket_store::RegistryCounts::default();
    for (_, r) in src.registry() {
        c.cooperatives += r.cooperatives;
        c.groups += r.groups;
        c.unions += r.unions;
    }
    let mut r = lienket_store::ReportTotals::default();
    for (_, x) in src.reports() {
        r.reports += x.reports;
        r.members += x.members;
        r.workers += x.workers;
        r.revenue += x.revenue;
    }
    src.ta(
        "review-figures-sentence",
        &[
            ("year", src.year.to_string()),
            ("total", vnd(&c.total())),
            ("cooperatives", vnd(&c.cooperatives)),
            ("groups", vnd(&c.groups)),
            ("unions", vnd(&c.unions)),
            ("reports", vnd(&r.reports)),
            ("members", vnd(&r.members)),
            ("workers", vnd(&r.workers)),
            ("revenue", vnd(&r.revenue)),
        ],
    )
}

/// Builds the review. `charts` adds the SVG charts of the web version.
pub(crate) fn build(src: &Source, text: &ReviewText, charts: bool) -> Review {
    let p = src.programme;
    let kind = src.kind();
    let mut parts = Vec::new();
    let mut cap = Captions { n: 0 };
    parts.extend(narrative(text, "basis"));

    // I. Situation and direction.
    parts.push(Part::H1(src.t("review-h1-situation")));
    parts.extend(narrative(text, "situation"));
    if let Some(goals) = p.plan(src.year).and_then(|pl| pl.goals.clone()) {
        parts.push(Part::P(src.ta("review-plan-goals", &[("goals", goals)])));
    }
    parts.push(Part::P(registry_sentence(src)));
    if charts && src.scope.is_none() {
        parts.push(Part::Chart(registry_chart(src)));
    }
    parts.push(Part::Table(registry_table(
        src,
        cap.next(src, &src.t("review-table-registry")),
    )));
    parts.push(Part::Table(reports_table(
        src,
        cap.next(src, &src.t("review-table-reports")),
    )));

    // II. Results by content area.
    parts.push(Part::H1(src.t("review-h1-results")));
    if charts {
        parts.push(Part::Chart(activities_by_area_chart(src)));
    }
    let extras = extras(src);
    let acts = src.activities();
    for area in &p.areas {
        parts.push(Part::H2(format!("{}. {}", area.number, area.name)));
        parts.extend(narrative(text, &area_key(area.id)));
        let mine: Vec<&Activity> = acts
            .iter()
            .copied()
            .filter(|a| a.areas.contains(&area.id))
            .collect();
        let done = mine.iter().filter(|a| a.state == ActivityState::Done).count();
        let planned = mine
            .iter()
            .filter(|a| a.state != ActivityState::Cancelled)
            .count();
        let cancelled = mine.len() - planned;
        if !mine.is_empty() {
            parts.push(Part::P(
                src.ta(
                    "review-area-counts",
                    &[
                        ("planned", planned.to_string()),
                        ("done", done.to_string()),
                        ("cancelled", cancelled.to_string()),
                        (
                            "participants",
                            vnd(&mine
                                .iter()
                                .filter(|a| a.state == ActivityState::Done)
                                .map(|a| a.participants)
                                .sum()),
                        ),
                    ],
                ),
            ));
            let caption = cap.next(
                src,
                &src.ta("review-table-area", &[("n", area.number.to_string())]),
            );
            parts.push(Part::Table(activity_table(
                src,
                caption,
                &mine,
                ActivityColumns::Area,
            )));
        }
        let extra = extras.get(&area.id);
        if extra.is_some_and(|e| e.new_organisations) {
            parts.push(Part::P(src.ta(
                "review-area-new-organisations",
                &[("count", src.figure(Measure::NewOrganisations).to_string())],
            )));
        }
        if extra.is_some_and(|e| e.events) && !src.events().is_empty() {
            let events = src.events();
            parts.push(Part::P(src.ta(
                "review-area-events",
                &[
                    ("count", events.len().to_string()),
                    ("exhibitors", vnd(&events.iter().map(|e| e.exhibitors).sum())),
                    ("sales", vnd(&events.iter().map(|e| e.sales).sum())),
                ],
            )));
            parts.push(Part::Table(events_table(
                src,
                cap.next(src, &src.t("review-table-events")),
            )));
        }
        if extra.is_some_and(|e| e.ocop) && !src.ocop_stars().is_empty() {
            let stars = src.ocop_stars();
            parts.push(Part::P(src.ta(
                "review-area-ocop",
                &[
                    ("count", stars.values().sum::<i64>().to_string()),
                    ("four", stars.range(4..).map(|(_, n)| n).sum::<i64>().to_string()),
                ],
            )));
            if charts {
                parts.push(Part::Chart(ocop_chart(src)));
            }
            parts.push(Part::Table(ocop_stars_table(
                src,
                cap.next(src, &src.t("review-table-ocop")),
            )));
        }
    }
    parts.push(Part::H2(
        src.ta("review-h2-indicators", &[("n", (p.areas.len() + 1).to_string())]),
    ));
    if charts {
        parts.push(Part::Chart(progress(
            src,
            &src.t("review-chart-progress"),
            src.scope,
        )));
    }
    parts.push(Part::Table(indicator_summary(
        src,
        cap.next(src, &src.t("review-table-indicators")),
    )));

    // III. Assessment, IV. directions, V. proposals.
    parts.push(Part::H1(src.t("review-h1-assessment")));
    parts.push(Part::H2(src.t("review-h2-limitations")));
    parts.extend(narrative(text, "limitations"));
    parts.push(Part::H2(src.t("review-h2-lessons")));
    parts.extend(narrative(text, "lessons"));
    parts.push(Part::H1(match kind {
        ReviewKind::Final => src.t("review-h1-directions-final"),
        ReviewKind::MidTerm => src.ta("review-h1-directions", &[("year", (src.year + 1).to_string())]),
    }));
    parts.extend(narrative(text, "directions"));
    parts.push(Part::H1(src.t("review-h1-proposals")));
    parts.extend(narrative(text, "proposals"));

    let number_line = if text.number.trim().is_empty() {
        src.t("review-number-blank")
    } else {
        src.ta("review-number", &[("number", text.number.trim().to_string())])
    };
    let place_date = parse_iso(&text.issued_on).map_or_else(String::new, |d| {
        let place = if text.place.trim().is_empty() {
            "…".to_string()
        } else {
            text.place.trim().to_string()
        };
        if src.lang == Lang::Vi {
            lienket_domain::programme::place_and_date(&place, d)
        } else {
            format!("{place}, {d}")
        }
    });
    let subtitle = src.ta(
        "review-annex-subtitle",
        &[
            ("number", text.number.trim().to_string()),
            (
                "date",
                parse_iso(&text.issued_on).map_or_else(String::new, |d| d.to_string()),
            ),
            ("issuer", src.issuing_body()),
        ],
    );
    // The list of activities first: it is what readers of the annex look for, and the
    // first sheet of the workbook.
    let activities_title = src.ta("review-annex-title-activities", &[("year", src.year.to_string())]);
    let activities_caption = src.t("review-annex-activities");
    let mut annexes: Vec<(String, Vec<Tbl>)> = vec![
        (
            activities_title,
            vec![activity_table(
                src,
                activities_caption.clone(),
                &acts,
                ActivityColumns::Annex,
            )],
        ),
        (
            src.t("review-annex-title-indicators"),
            vec![indicators_by_alliance(src, true)],
        ),
        (
            src.t("review-annex-title-registry"),
            vec![
                registry_table(src, src.t("review-table-registry")),
                reports_table(src, src.t("review-table-reports")),
            ],
        ),
    ];
    let mut ocop = vec![ocop_stars_table(src, src.t("review-table-ocop"))];
    if src.scope.is_none() {
        ocop.push(ocop_groups_table(src, src.t("review-table-ocop-groups")));
    }
    annexes.push((src.t("review-annex-title-ocop"), ocop.clone()));
    let events = events_table(src, src.t("review-table-events"));
    annexes.push((src.t("review-annex-title-events"), vec![events.clone()]));
    let mut sheets = vec![
        activity_table(src, activities_caption, &acts, ActivityColumns::Sheet),
        indicators_by_alliance(src, false),
        registry_table(src, src.t("review-table-registry")),
        reports_table(src, src.t("review-table-reports")),
    ];
    sheets.extend(ocop);
    sheets.push(events);
    Review {
        issuing_body: src.issuing_body(),
        number_line,
        place_date,
        title: src.t("review-doc-title"),
        summary: src.ta(
            match kind {
                ReviewKind::MidTerm => "review-summary-mid-term",
                ReviewKind::Final => "review-summary-final",
            },
            &[
                ("year", src.year.to_string()),
                ("programme", p.name.clone()),
                ("first", p.first_year.to_string()),
                ("last", p.last_year.to_string()),
            ],
        ),
        parts,
        recipients: text
            .recipients
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect(),
        signer_role: text.signer_role.trim().to_string(),
        signer_name: text.signer_name.trim().to_string(),
        annexes: annexes
            .into_iter()
            .enumerate()
            .map(|(i, (title, tables))| AnnexPart {
                label: src.ta(
                    "review-annex-label",
                    &[("n", ROMAN[i.min(ROMAN.len() - 1)].to_string())],
                ),
                title,
                subtitle: subtitle.clone(),
                tables,
            })
            .collect(),
        sheets,
    }
}

/// The indicator's source, in words: "Tính từ dữ liệu: …" or "Nhập tay".
pub(crate) fn source_label(lang: Lang, ind: &Indicator) -> String {
    if ind.measure.computed() {
        lang.t_args(
            "indicator-source-computed",
            &[("what", lang.t(ind.measure.label_key()))],
        )
    } else {
        lang.t("indicator-source-manual")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_done_needs_a_positive_target_and_keeps_one_decimal() {
        assert_eq!(percent(Some(1), Some(3)), Some(33.3));
        assert_eq!(percent(Some(12), Some(10)), Some(120.0));
        assert_eq!(percent(Some(5), Some(0)), None);
        assert_eq!(percent(None, Some(5)), None);
    }

    #[test]
    fn saved_text_wins_but_new_sections_get_their_default() {
        let mut defaults = ReviewText {
            place: "Hà Nội".into(),
            ..Default::default()
        };
        defaults
            .narrative
            .insert("basis".into(), "Căn cứ mặc định".into());
        defaults.narrative.insert("area:9".into(), "Nội dung mới".into());
        let mut saved = ReviewText::default();
        saved.narrative.insert("basis".into(), String::new());
        let t = effective(Some(&saved), defaults);
        assert_eq!(t.narrative["basis"], "");
        assert_eq!(t.narrative["area:9"], "Nội dung mới");
        assert_eq!(t.place, "Hà Nội");
    }
}
