//! Effective new-type cooperative models (mô hình HTX kiểu mới hiệu quả) under Decision
//! 167/QĐ-TTg: the kinds of model, the cooperatives an alliance shows as models, the
//! replications of a model by other organisations, and the assessment of a model against the
//! scheme's entry conditions.
//!
//! The kinds of model are data, not an enum: the scheme's list of twelve models could not be
//! confirmed (DOMAIN.md), so alliances keep their own list.
//!
//! The assessment reads what the registry knows. Two of the decision's conditions are left out
//! because nothing recorded can decide them: that the cooperative works in one of the scheme's
//! models (an entry is filed under a kind, so it does by construction) and that it meets the
//! legal share of services to members (the share is not fixed in any text at hand).

use serde::{Deserialize, Serialize};

use crate::event::paragraphs;
use crate::ids::ModelKindId;
use crate::lenient::{Date, parse_date};
use crate::organisation::{OrgKind, OrgStatus, RegistrationCode};
use crate::validate::Findings;

/// The first year a cooperative can be selected under the decision (signed 3 February 2021).
pub const FIRST_SELECTION_YEAR: i32 = 2021;
/// How many years before the selected year the cooperative must have made a profit in.
pub const PROFITABLE_YEARS: i32 = 3;
/// The least rating points a cooperative enters the scheme with (rated at least Khá).
pub const ENTRY_POINTS: u8 = 65;
/// The rating points every pilot should reach by 2025 (rated Tốt).
pub const TARGET_POINTS: u8 = 80;
/// The longest summary of a model (its story, shown on the card and the page).
pub const MAX_SUMMARY: usize = 4_000;
/// The longest account of a model's results.
pub const MAX_RESULTS: usize = 20_000;

/// A cooperative's rating (xếp loại) from its points, under the rules Decision 167 still uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rating {
    /// Yếu — below 50 points.
    Weak,
    /// Trung bình — 50 to below 65 points.
    Average,
    /// Khá — 65 to below 80 points.
    Fair,
    /// Tốt — 80 points or more.
    Good,
}

impl Rating {
    /// The rating of `points` (0 to 100).
    pub fn of(points: u8) -> Rating {
        match points {
            80.. => Rating::Good,
            65..80 => Rating::Fair,
            50..65 => Rating::Average,
            _ => Rating::Weak,
        }
    }

    /// Stored and API name.
    pub fn as_str(self) -> &'static str {
        match self {
            Rating::Good => "good",
            Rating::Fair => "fair",
            Rating::Average => "average",
            Rating::Weak => "weak",
        }
    }

    /// Catalogue key of the name.
    pub fn label_key(self) -> &'static str {
        match self {
            Rating::Good => "model-rating-good",
            Rating::Fair => "model-rating-fair",
            Rating::Average => "model-rating-average",
            Rating::Weak => "model-rating-weak",
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Kinds of model
// ---------------------------------------------------------------------------------------------

/// A kind of model as typed by a coordinator.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ModelKindForm {
    /// Short code, e.g. `NN-CNC`.
    pub code: String,
    /// Name, e.g. "HTX nông nghiệp ứng dụng công nghệ cao".
    pub name: String,
    /// What cooperatives of this kind do.
    pub description: String,
}

/// A valid kind of model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelKindDraft {
    /// Short code: capital letters, digits and dashes.
    pub code: String,
    /// Name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
}

impl ModelKindForm {
    /// Validates the form, every finding at once. The code is upper-cased.
    pub fn parse(&self) -> Result<ModelKindDraft, Findings> {
        let mut f = Findings::default();
        let code = self.code.trim().to_uppercase();
        if code.is_empty() {
            f.add("code", "err-required");
        } else if code.len() > 20
            || !code
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-')
        {
            f.add("code", "err-model-kind-code");
        }
        let name = f.required("name", &self.name, 300);
        let description = paragraphs(&mut f, "description", &self.description, MAX_SUMMARY);
        f.into_result(ModelKindDraft {
            code,
            name,
            description,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Cooperatives shown as models
// ---------------------------------------------------------------------------------------------

/// A cooperative shown as a model, as typed by alliance staff.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ModelEntryForm {
    /// The organisation's registration code (mã số HTX).
    pub registration_code: String,
    /// The kind of model (id as typed).
    pub kind_id: String,
    /// The year it was selected.
    pub selected_year: String,
    /// Its rating points (0 to 100), blank when not rated yet.
    pub rating_points: String,
    /// Ticked when the dossier is complete ("on").
    pub dossier_complete: Option<String>,
    /// Ticked to show it to the public ("on").
    pub published: Option<String>,
    /// Its story in a few paragraphs.
    pub summary: String,
    /// Its results: figures, what others can learn.
    pub results: String,
}

/// A valid model entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelEntryDraft {
    /// The organisation's registration code.
    pub registration_code: RegistrationCode,
    /// The kind of model.
    pub kind_id: ModelKindId,
    /// The year it was selected.
    pub selected_year: i32,
    /// Its rating points, when rated.
    pub rating_points: Option<u8>,
    /// Whether its dossier is complete.
    pub dossier_complete: bool,
    /// Whether the public sees it.
    pub published: bool,
    /// Its story.
    pub summary: Option<String>,
    /// Its results.
    pub results: Option<String>,
}

/// Reads a registration code typed in a form.
fn registration_code(f: &mut Findings, raw: &str) -> Option<RegistrationCode> {
    if raw.trim().is_empty() {
        f.add("registration_code", "err-required");
        return None;
    }
    let code = RegistrationCode::parse(raw).map(|(c, _)| c);
    if code.is_none() {
        f.add("registration_code", "err-model-registration-code");
    }
    code
}

/// Reads rating points: blank is "not rated", otherwise a whole number from 0 to 100.
fn rating_points(f: &mut Findings, raw: &str) -> Option<u8> {
    let t = raw.trim();
    if t.is_empty() {
        return None;
    }
    match t.parse::<u8>() {
        Ok(p) if p <= 100 => Some(p),
        _ => {
            f.add("rating_points", "err-model-points");
            None
        }
    }
}

impl ModelEntryForm {
    /// Validates the form, every finding at once; `this_year` is the last year a cooperative
    /// can have been selected in.
    pub fn parse(&self, this_year: i32) -> Result<ModelEntryDraft, Findings> {
        let mut f = Findings::default();
        let code = registration_code(&mut f, &self.registration_code);
        let kind_id = match self.kind_id.trim().parse::<i64>() {
            Ok(id) if id > 0 => Some(ModelKindId(id)),
            _ => {
                f.add("kind_id", "err-model-kind");
                None
            }
        };
        let selected_year = match self.selected_year.trim().parse::<i32>() {
            Ok(y) if (FIRST_SELECTION_YEAR..=this_year).contains(&y) => Some(y),
            Err(_) if self.selected_year.trim().is_empty() => {
                f.add("selected_year", "err-required");
                None
            }
            _ => {
                f.add_with(
                    "selected_year",
                    "err-model-year",
                    vec![
                        ("first", FIRST_SELECTION_YEAR.to_string()),
                        ("last", this_year.to_string()),
                    ],
                );
                None
            }
        };
        let rating_points = rating_points(&mut f, &self.rating_points);
        let tick = |v: &Option<String>| v.as_deref().is_some_and(|s| !s.trim().is_empty());
        let summary = paragraphs(&mut f, "summary", &self.summary, MAX_SUMMARY);
        let results = paragraphs(&mut f, "results", &self.results, MAX_RESULTS);
        match (code, kind_id, selected_year) {
            (Some(registration_code), Some(kind_id), Some(selected_year)) => f.into_result(ModelEntryDraft {
                registration_code,
                kind_id,
                selected_year,
                rating_points,
                dossier_complete: tick(&self.dossier_complete),
                published: tick(&self.published),
                summary,
                results,
            }),
            _ => Err(f),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Replications
// ---------------------------------------------------------------------------------------------

/// A replication of a model as typed: the organisation that took the model up and when.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ReplicationForm {
    /// The replicating organisation's registration code.
    pub registration_code: String,
    /// When it took the model up: `dd/mm/yyyy` or `yyyy-mm-dd`.
    pub replicated_on: String,
    /// What was replicated, with whose support.
    pub note: String,
}

/// A valid replication.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplicationDraft {
    /// The replicating organisation's registration code.
    pub registration_code: RegistrationCode,
    /// When it took the model up.
    pub replicated_on: Date,
    /// What was replicated.
    pub note: Option<String>,
}

impl ReplicationDraft {
    /// The year the replication counts in (the programme's indicator).
    pub fn year(&self) -> i32 {
        self.replicated_on.year()
    }
}

impl ReplicationForm {
    /// Validates the form, every finding at once; the day may not be after `today`.
    pub fn parse(&self, today: Date) -> Result<ReplicationDraft, Findings> {
        let mut f = Findings::default();
        let code = registration_code(&mut f, &self.registration_code);
        let day = if self.replicated_on.trim().is_empty() {
            f.add("replicated_on", "err-required");
            None
        } else {
            match parse_date(&self.replicated_on, today) {
                Ok((d, _)) if d.year() >= 2000 => Some(d),
                Ok(_) => {
                    f.add("replicated_on", "err-event-date-range");
                    None
                }
                Err(p) => {
                    f.add_with("replicated_on", p.key, p.args);
                    None
                }
            }
        };
        let note = paragraphs(&mut f, "note", &self.note, MAX_SUMMARY);
        match (code, day) {
            (Some(registration_code), Some(replicated_on)) => f.into_result(ReplicationDraft {
                registration_code,
                replicated_on,
                note,
            }),
            _ => Err(f),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The assessment against Decision 167
// ---------------------------------------------------------------------------------------------

/// One entry condition of the scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Criterion {
    /// Organised and operating under the cooperative law: a cooperative or a union, active.
    CooperativeLaw,
    /// A profit in each of the three years before the year of selection.
    Profitable,
    /// Rated at least Khá (65 points).
    Rating,
    /// The dossier is complete.
    Dossier,
}

impl Criterion {
    /// API name.
    pub fn as_str(self) -> &'static str {
        match self {
            Criterion::CooperativeLaw => "cooperative_law",
            Criterion::Profitable => "profitable",
            Criterion::Rating => "rating",
            Criterion::Dossier => "dossier",
        }
    }

    /// Catalogue key of the condition as the decision words it.
    pub fn label_key(self) -> &'static str {
        match self {
            Criterion::CooperativeLaw => "model-criterion-law",
            Criterion::Profitable => "model-criterion-profitable",
            Criterion::Rating => "model-criterion-rating",
            Criterion::Dossier => "model-criterion-dossier",
        }
    }
}

/// Whether a condition is met.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Met.
    Met,
    /// Not met.
    NotMet,
    /// What is recorded cannot tell (a report not filed, points not given).
    Unknown,
}

impl Outcome {
    /// Stored and API name.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Met => "met",
            Outcome::NotMet => "not_met",
            Outcome::Unknown => "unknown",
        }
    }
}

/// One condition, assessed, with the reason as a catalogue key and its arguments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Condition {
    /// The condition.
    pub criterion: Criterion,
    /// Met, not met or unknown.
    pub outcome: Outcome,
    /// Catalogue key of the reason, e.g. `model-reason-no-report`.
    pub reason: &'static str,
    /// Arguments of the reason, e.g. `("years", "2023")`.
    pub args: Vec<(&'static str, String)>,
}

/// What the registry knows about a cooperative shown as a model.
#[derive(Debug, Clone, Copy)]
pub struct AssessmentFacts<'a> {
    /// Its legal kind.
    pub kind: OrgKind,
    /// Its status in the registry.
    pub status: OrgStatus,
    /// The year it was selected.
    pub selected_year: i32,
    /// The profit after tax of each of its accepted yearly reports, by year (other years are
    /// ignored; a year may be missing).
    pub accepted_profits: &'a [(i32, i64)],
    /// Its rating points, when rated.
    pub rating_points: Option<u8>,
    /// Whether its dossier is complete.
    pub dossier_complete: bool,
}

/// A model assessed against the decision's entry conditions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Assessment {
    /// Each condition, in the decision's order.
    pub conditions: Vec<Condition>,
    /// Whether every condition is met.
    pub eligible: bool,
    /// Its rating, when rated.
    pub rating: Option<Rating>,
    /// Whether it reached the scheme's 2025 target (rated Tốt, 80 points or more).
    pub target_reached: bool,
}

impl AssessmentFacts<'_> {
    /// The years whose profit the decision asks for: the three before the selected year.
    pub fn profit_years(selected_year: i32) -> std::ops::Range<i32> {
        selected_year - PROFITABLE_YEARS..selected_year
    }
}

fn condition(criterion: Criterion, outcome: Outcome, reason: &'static str) -> Condition {
    Condition {
        criterion,
        outcome,
        reason,
        args: Vec::new(),
    }
}

fn cooperative_law(kind: OrgKind, status: OrgStatus) -> Condition {
    let c = Criterion::CooperativeLaw;
    match (kind, status) {
        (OrgKind::CooperativeGroup, _) => condition(c, Outcome::NotMet, "model-reason-group"),
        (OrgKind::Enterprise | OrgKind::Household, _) => {
            condition(c, Outcome::NotMet, "model-reason-not-collective")
        }
        (_, OrgStatus::Suspended) => condition(c, Outcome::NotMet, "model-reason-suspended"),
        (_, OrgStatus::Dissolved) => condition(c, Outcome::NotMet, "model-reason-dissolved"),
        (OrgKind::Cooperative, OrgStatus::Active) => condition(c, Outcome::Met, "model-reason-cooperative"),
        (OrgKind::CooperativeUnion, OrgStatus::Active) => condition(c, Outcome::Met, "model-reason-union"),
    }
}

fn profitable(selected_year: i32, profits: &[(i32, i64)]) -> Condition {
    let years = AssessmentFacts::profit_years(selected_year);
    let mut losses = Vec::new();
    let mut missing = Vec::new();
    for year in years.clone() {
        match profits.iter().find(|(y, _)| *y == year) {
            Some((_, p)) if *p > 0 => {}
            Some(_) => losses.push(year.to_string()),
            None => missing.push(year.to_string()),
        }
    }
    let c = Criterion::Profitable;
    // A loss settles it; a missing report only leaves it open.
    let (outcome, reason, args) = if !losses.is_empty() {
        (
            Outcome::NotMet,
            "model-reason-loss",
            vec![("years", losses.join(", "))],
        )
    } else if !missing.is_empty() {
        (
            Outcome::Unknown,
            "model-reason-no-report",
            vec![("years", missing.join(", "))],
        )
    } else {
        (
            Outcome::Met,
            "model-reason-profitable",
            vec![
                ("first", years.start.to_string()),
                ("last", (years.end - 1).to_string()),
            ],
        )
    };
    Condition {
        criterion: c,
        outcome,
        reason,
        args,
    }
}

fn rated(points: Option<u8>) -> Condition {
    let c = Criterion::Rating;
    let Some(points) = points else {
        return condition(c, Outcome::Unknown, "model-reason-not-rated");
    };
    let rating = Rating::of(points);
    let reason = match rating {
        Rating::Good => "model-reason-rated-good",
        Rating::Fair => "model-reason-rated-fair",
        Rating::Average => "model-reason-rated-average",
        Rating::Weak => "model-reason-rated-weak",
    };
    Condition {
        criterion: c,
        outcome: if points >= ENTRY_POINTS {
            Outcome::Met
        } else {
            Outcome::NotMet
        },
        reason,
        args: vec![("points", points.to_string())],
    }
}

/// Assesses a model against the entry conditions of Decision 167/QĐ-TTg: operating under the
/// cooperative law, a profit in each of the three years before its selection (from its accepted
/// yearly reports), rated at least Khá, and a complete dossier.
pub fn assess(facts: &AssessmentFacts<'_>) -> Assessment {
    let conditions = vec![
        cooperative_law(facts.kind, facts.status),
        profitable(facts.selected_year, facts.accepted_profits),
        rated(facts.rating_points),
        if facts.dossier_complete {
            condition(Criterion::Dossier, Outcome::Met, "model-reason-dossier-complete")
        } else {
            condition(
                Criterion::Dossier,
                Outcome::NotMet,
                "model-reason-dossier-incomplete",
            )
        },
    ];
    let rating = facts.rating_points.map(Rating::of);
    Assessment {
        eligible: conditions.iter().all(|c| c.outcome == Outcome::Met),
        target_reached: rating == Some(Rating::Good),
        rating,
        conditions,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(profits: &[(i32, i64)]) -> AssessmentFacts<'_> {
        AssessmentFacts {
            kind: OrgKind::Cooperative,
            status: OrgStatus::Active,
            selected_year: 2024,
            accepted_profits: profits,
            rating_points: Some(82),
            dossier_complete: true,
        }
    }

    fn outcome(a: &Assessment, c: Criterion) -> (Outcome, &'static str, Vec<(&'static str, String)>) {
        let found = a
            .conditions
            .iter()
            .find(|x| x.criterion == c)
            .expect("every condition is assessed");
        (found.outcome, found.reason, found.args.clone())
    }

    const PROFITABLE: [(i32, i64); 4] = [
        (2020, -5_000_000),
        (2021, 120_000_000),
        (2022, 95_000_000),
        (2023, 310_000_000),
    ];

    #[test]
    fn points_give_the_rating_at_the_thresholds() {
        let cases = [
            (100, Rating::Good),
            (80, Rating::Good),
            (79, Rating::Fair),
            (65, Rating::Fair),
            (64, Rating::Average),
            (50, Rating::Average),
            (49, Rating::Weak),
            (0, Rating::Weak),
        ];
        for (points, rating) in cases {
            assert_eq!(Rating::of(points), rating, "{points}");
        }
    }

    #[test]
    fn an_active_cooperative_profitable_three_years_rated_good_with_its_dossier_is_eligible_and_on_target() {
        let a = assess(&facts(&PROFITABLE));
        assert!(a.eligible);
        assert!(a.target_reached);
        assert_eq!(a.rating, Some(Rating::Good));
        assert_eq!(
            outcome(&a, Criterion::Profitable),
            (
                Outcome::Met,
                "model-reason-profitable",
                vec![("first", "2021".to_string()), ("last", "2023".to_string())]
            )
        );
    }

    #[test]
    fn a_loss_the_year_before_the_selection_is_not_met_even_with_earlier_profits() {
        let profits = [(2021, 120_000_000), (2022, 95_000_000), (2023, -1)];
        let a = assess(&facts(&profits));
        assert!(!a.eligible);
        assert_eq!(
            outcome(&a, Criterion::Profitable),
            (
                Outcome::NotMet,
                "model-reason-loss",
                vec![("years", "2023".to_string())]
            )
        );
    }

    #[test]
    fn a_year_broken_even_is_not_a_profit() {
        let profits = [(2021, 1), (2022, 0), (2023, 1)];
        assert_eq!(
            outcome(&assess(&facts(&profits)), Criterion::Profitable).0,
            Outcome::NotMet
        );
    }

    #[test]
    fn a_year_without_an_accepted_report_leaves_profitability_unknown_and_names_the_year() {
        let profits = [(2021, 120_000_000), (2023, 310_000_000)];
        let a = assess(&facts(&profits));
        assert!(!a.eligible);
        assert_eq!(
            outcome(&a, Criterion::Profitable),
            (
                Outcome::Unknown,
                "model-reason-no-report",
                vec![("years", "2022".to_string())]
            )
        );
        let none = assess(&facts(&[]));
        assert_eq!(
            outcome(&none, Criterion::Profitable).2,
            vec![("years", "2021, 2022, 2023".to_string())]
        );
    }

    #[test]
    fn a_loss_decides_even_when_another_year_is_missing() {
        let profits = [(2021, -3), (2023, 310_000_000)];
        assert_eq!(
            outcome(&assess(&facts(&profits)), Criterion::Profitable),
            (
                Outcome::NotMet,
                "model-reason-loss",
                vec![("years", "2021".to_string())]
            )
        );
    }

    #[test]
    fn a_cooperative_rated_fair_enters_but_has_not_reached_the_target() {
        let a = assess(&AssessmentFacts {
            rating_points: Some(65),
            ..facts(&PROFITABLE)
        });
        assert!(a.eligible);
        assert!(!a.target_reached);
        assert_eq!(outcome(&a, Criterion::Rating).1, "model-reason-rated-fair");
    }

    #[test]
    fn a_cooperative_rated_average_or_not_rated_does_not_enter() {
        let low = assess(&AssessmentFacts {
            rating_points: Some(64),
            ..facts(&PROFITABLE)
        });
        assert_eq!(
            outcome(&low, Criterion::Rating),
            (
                Outcome::NotMet,
                "model-reason-rated-average",
                vec![("points", "64".to_string())]
            )
        );
        assert!(!low.eligible);
        let unrated = assess(&AssessmentFacts {
            rating_points: None,
            ..facts(&PROFITABLE)
        });
        assert_eq!(outcome(&unrated, Criterion::Rating).0, Outcome::Unknown);
        assert_eq!(unrated.rating, None);
        assert!(!unrated.eligible && !unrated.target_reached);
    }

    #[test]
    fn cooperative_groups_and_suspended_or_dissolved_cooperatives_are_not_under_the_law_the_scheme_needs() {
        let cases = [
            (
                OrgKind::CooperativeGroup,
                OrgStatus::Active,
                Outcome::NotMet,
                "model-reason-group",
            ),
            (
                OrgKind::Cooperative,
                OrgStatus::Suspended,
                Outcome::NotMet,
                "model-reason-suspended",
            ),
            (
                OrgKind::CooperativeUnion,
                OrgStatus::Dissolved,
                Outcome::NotMet,
                "model-reason-dissolved",
            ),
            (
                OrgKind::CooperativeUnion,
                OrgStatus::Active,
                Outcome::Met,
                "model-reason-union",
            ),
            (
                OrgKind::Cooperative,
                OrgStatus::Active,
                Outcome::Met,
                "model-reason-cooperative",
            ),
        ];
        for (kind, status, expected, reason) in cases {
            let a = assess(&AssessmentFacts {
                kind,
                status,
                ..facts(&PROFITABLE)
            });
            let (got, why, _) = outcome(&a, Criterion::CooperativeLaw);
            assert_eq!((got, why), (expected, reason), "{kind:?} {status:?}");
            assert_eq!(a.eligible, expected == Outcome::Met);
        }
    }

    #[test]
    fn an_incomplete_dossier_keeps_a_model_out() {
        let a = assess(&AssessmentFacts {
            dossier_complete: false,
            ..facts(&PROFITABLE)
        });
        assert!(!a.eligible);
        assert!(a.target_reached, "the rating target is about points alone");
        assert_eq!(outcome(&a, Criterion::Dossier).0, Outcome::NotMet);
    }

    fn entry_form() -> ModelEntryForm {
        ModelEntryForm {
            registration_code: "0109 000 100".into(),
            kind_id: "3".into(),
            selected_year: "2023".into(),
            rating_points: "78".into(),
            dossier_complete: Some("on".into()),
            published: None,
            summary: "  Liên kết 120 hộ trồng rau.  \n\n\n Bao tiêu sản phẩm. ".into(),
            results: String::new(),
        }
    }

    #[test]
    fn a_model_entry_is_read_from_the_form() {
        let d = entry_form().parse(2026).expect("valid");
        assert_eq!(d.registration_code.as_str(), "0109000100");
        assert_eq!(d.kind_id, ModelKindId(3));
        assert_eq!((d.selected_year, d.rating_points), (2023, Some(78)));
        assert!(d.dossier_complete && !d.published);
        assert_eq!(
            d.summary.as_deref(),
            Some("Liên kết 120 hộ trồng rau.\n\nBao tiêu sản phẩm.")
        );
        assert_eq!(d.results, None);
        let unrated = ModelEntryForm {
            rating_points: " ".into(),
            ..entry_form()
        };
        assert_eq!(unrated.parse(2026).expect("valid").rating_points, None);
    }

    #[test]
    fn every_problem_of_a_model_entry_is_reported_at_once() {
        let f = ModelEntryForm {
            registration_code: "12345".into(),
            kind_id: String::new(),
            selected_year: "2019".into(),
            rating_points: "150".into(),
            ..entry_form()
        }
        .parse(2026)
        .expect_err("invalid");
        let keys: Vec<_> = f.0.iter().map(|x| (x.field, x.key)).collect();
        assert_eq!(
            keys,
            [
                ("registration_code", "err-model-registration-code"),
                ("kind_id", "err-model-kind"),
                ("selected_year", "err-model-year"),
                ("rating_points", "err-model-points"),
            ]
        );
        for points in ["-1", "72,5", "bảy mươi"] {
            let f = ModelEntryForm {
                rating_points: points.into(),
                ..entry_form()
            }
            .parse(2026)
            .expect_err(points);
            assert_eq!(f.0[0].key, "err-model-points", "{points}");
        }
    }

    #[test]
    fn a_model_cannot_be_selected_after_this_year() {
        let f = ModelEntryForm {
            selected_year: "2027".into(),
            ..entry_form()
        }
        .parse(2026)
        .expect_err("a future year");
        assert_eq!(
            f.0[0].args,
            vec![("first", "2021".to_string()), ("last", "2026".to_string())]
        );
    }

    #[test]
    fn kind_codes_are_upper_cased_and_kept_short() {
        let d = ModelKindForm {
            code: " nn-cnc ".into(),
            name: "HTX nông nghiệp ứng dụng công nghệ cao".into(),
            description: String::new(),
        }
        .parse()
        .expect("valid");
        assert_eq!((d.code.as_str(), d.description), ("NN-CNC", None));
        let f = ModelKindForm {
            code: "nông nghiệp".into(),
            name: " ".into(),
            description: String::new(),
        }
        .parse()
        .expect_err("invalid");
        let keys: Vec<_> = f.0.iter().map(|x| (x.field, x.key)).collect();
        assert_eq!(keys, [("code", "err-model-kind-code"), ("name", "err-required")]);
    }

    #[test]
    fn a_replication_is_dated_either_way_round_and_not_in_the_future() {
        let today = Date::new(2025, 6, 30).expect("a date");
        let form = |day: &str| ReplicationForm {
            registration_code: "0109000101".into(),
            replicated_on: day.into(),
            note: String::new(),
        };
        for day in ["15/03/2024", "2024-03-15"] {
            let d = form(day).parse(today).expect(day);
            assert_eq!(d.replicated_on, Date::new(2024, 3, 15).expect("a date"));
            assert_eq!(d.year(), 2024);
        }
        let f = form("01/07/2025").parse(today).expect_err("after today");
        assert_eq!(f.0[0].key, "err-date-in-future");
        let f = ReplicationForm::default().parse(today).expect_err("empty");
        let fields: Vec<_> = f.0.iter().map(|x| (x.field, x.key)).collect();
        assert_eq!(
            fields,
            [
                ("registration_code", "err-required"),
                ("replicated_on", "err-required")
            ]
        );
    }
}
