//! The coordination programme (chương trình phối hợp) between alliances: its content areas,
//! the yearly plans with the host alliance of the year, the activities carried out, the
//! indicators with their targets, and the yearly review (sơ kết / tổng kết) written from them.

use serde::{Deserialize, Serialize};

use crate::event::{day, number, paragraphs};
use crate::lenient::Date;
use crate::validate::Findings;

/// The content areas of the 2023–2025 programme, in the order the programme lists them.
pub const AREAS_2023_2025: [&str; 9] = [
    "Thông tin, tuyên truyền chủ trương, chính sách của Đảng, pháp luật của Nhà nước về kinh tế tập thể",
    "Hỗ trợ thành lập mới, củng cố và phát triển hợp tác xã",
    "Nắm bắt tình hình hoạt động, tâm tư, nguyện vọng của thành viên",
    "Tham mưu, đề xuất cơ chế, chính sách phát triển kinh tế tập thể",
    "Tư vấn, hỗ trợ hợp tác xã",
    "Nhân rộng mô hình hợp tác xã kiểu mới hiệu quả theo Quyết định 167/QĐ-TTg",
    "Giao lưu, trao đổi, học tập kinh nghiệm",
    "Truyền thông, quảng bá hình ảnh kinh tế tập thể",
    "Xúc tiến thương mại, kết nối tiêu thụ sản phẩm",
];

/// The kind of a programme activity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActivityKind {
    /// Hội nghị.
    Conference,
    /// Hội thảo.
    Workshop,
    /// Tập huấn, bồi dưỡng.
    Training,
    /// Khảo sát, học tập kinh nghiệm.
    StudyVisit,
    /// Truyền thông.
    Media,
    /// Tư vấn, hỗ trợ.
    Consulting,
    /// Xúc tiến thương mại (may link to an event).
    TradePromotion,
    /// Anything else.
    Other,
}

impl ActivityKind {
    /// Every kind, in the order forms list them.
    pub const ALL: [ActivityKind; 8] = [
        ActivityKind::Conference,
        ActivityKind::Workshop,
        ActivityKind::Training,
        ActivityKind::StudyVisit,
        ActivityKind::Media,
        ActivityKind::Consulting,
        ActivityKind::TradePromotion,
        ActivityKind::Other,
    ];

    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            ActivityKind::Conference => "conference",
            ActivityKind::Workshop => "workshop",
            ActivityKind::Training => "training",
            ActivityKind::StudyVisit => "study_visit",
            ActivityKind::Media => "media",
            ActivityKind::Consulting => "consulting",
            ActivityKind::TradePromotion => "trade_promotion",
            ActivityKind::Other => "other",
        }
    }

    /// The kind of a stored name.
    pub fn parse(s: &str) -> Option<ActivityKind> {
        ActivityKind::ALL.into_iter().find(|k| k.as_str() == s.trim())
    }

    /// Catalogue key of the name.
    pub fn label_key(self) -> &'static str {
        match self {
            ActivityKind::Conference => "activity-kind-conference",
            ActivityKind::Workshop => "activity-kind-workshop",
            ActivityKind::Training => "activity-kind-training",
            ActivityKind::StudyVisit => "activity-kind-study-visit",
            ActivityKind::Media => "activity-kind-media",
            ActivityKind::Consulting => "activity-kind-consulting",
            ActivityKind::TradePromotion => "activity-kind-trade-promotion",
            ActivityKind::Other => "activity-kind-other",
        }
    }
}

/// Whether an activity is planned, carried out or dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActivityState {
    /// In the yearly plan, not yet held.
    Planned,
    /// Held: counts in the figures.
    Done,
    /// Dropped from the plan.
    Cancelled,
}

impl ActivityState {
    /// Every state.
    pub const ALL: [ActivityState; 3] = [
        ActivityState::Planned,
        ActivityState::Done,
        ActivityState::Cancelled,
    ];

    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            ActivityState::Planned => "planned",
            ActivityState::Done => "done",
            ActivityState::Cancelled => "cancelled",
        }
    }

    /// The state of a stored name.
    pub fn parse(s: &str) -> Option<ActivityState> {
        ActivityState::ALL.into_iter().find(|k| k.as_str() == s.trim())
    }

    /// Catalogue key of the name.
    pub fn label_key(self) -> &'static str {
        match self {
            ActivityState::Planned => "activity-state-planned",
            ActivityState::Done => "activity-state-done",
            ActivityState::Cancelled => "activity-state-cancelled",
        }
    }
}

/// Where the figure of an indicator comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// Activities held (state done) that the alliance led: each counts once, for its lead, so
    /// the alliances' figures add up to the programme's.
    Activities,
    /// People who took part in those activities.
    Participants,
    /// Distinct organisations of the alliance that took part in an activity or exhibited.
    OrganisationsSupported,
    /// Organisations the alliance registered during the year (founded or joined that year).
    NewOrganisations,
    /// OCOP certificates decided during the year for the alliance's organisations.
    OcopProducts,
    /// Of those, certificates of 4 or 5 stars.
    OcopFourStars,
    /// Trade-promotion events the alliance hosted that started during the year.
    Events,
    /// Approved exhibitors from the alliance's organisations at events of the year.
    Exhibitors,
    /// Activity reports of the year submitted by the alliance's organisations.
    ReportsFiled,
    /// Replications of a showcased model recorded for the year, counted for the alliance
    /// that manages the replicating organisation.
    ModelsReplicated,
    /// Support requests first answered during the year, counted for the alliance that
    /// answers them.
    SupportAnswered,
    /// Typed in by staff.
    Manual,
}

impl Measure {
    /// Every measure.
    pub const ALL: [Measure; 12] = [
        Measure::Activities,
        Measure::Participants,
        Measure::OrganisationsSupported,
        Measure::NewOrganisations,
        Measure::OcopProducts,
        Measure::OcopFourStars,
        Measure::Events,
        Measure::Exhibitors,
        Measure::ReportsFiled,
        Measure::ModelsReplicated,
        Measure::SupportAnswered,
        Measure::Manual,
    ];

    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Measure::Activities => "activities",
            Measure::Participants => "participants",
            Measure::OrganisationsSupported => "organisations_supported",
            Measure::NewOrganisations => "new_organisations",
            Measure::OcopProducts => "ocop_products",
            Measure::OcopFourStars => "ocop_four_stars",
            Measure::Events => "events",
            Measure::Exhibitors => "exhibitors",
            Measure::ReportsFiled => "reports_filed",
            Measure::ModelsReplicated => "models_replicated",
            Measure::SupportAnswered => "support_answered",
            Measure::Manual => "manual",
        }
    }

    /// The measure of a stored name.
    pub fn parse(s: &str) -> Option<Measure> {
        Measure::ALL.into_iter().find(|k| k.as_str() == s.trim())
    }

    /// Catalogue key of the explanation of where the figure comes from.
    pub fn label_key(self) -> &'static str {
        match self {
            Measure::Activities => "measure-activities",
            Measure::Participants => "measure-participants",
            Measure::OrganisationsSupported => "measure-organisations-supported",
            Measure::NewOrganisations => "measure-new-organisations",
            Measure::OcopProducts => "measure-ocop-products",
            Measure::OcopFourStars => "measure-ocop-four-stars",
            Measure::Events => "measure-events",
            Measure::Exhibitors => "measure-exhibitors",
            Measure::ReportsFiled => "measure-reports-filed",
            Measure::ModelsReplicated => "measure-models-replicated",
            Measure::SupportAnswered => "measure-support-answered",
            Measure::Manual => "measure-manual",
        }
    }

    /// Whether the figure is computed from the data (never typed).
    pub fn computed(self) -> bool {
        self != Measure::Manual
    }
}

/// The indicators every programme starts with: (code, name, unit, measure).
pub const DEFAULT_INDICATORS: [(&str, &str, &str, Measure); 12] = [
    (
        "HD",
        "Hoạt động phối hợp được tổ chức",
        "hoạt động",
        Measure::Activities,
    ),
    (
        "NTG",
        "Lượt người tham gia hoạt động",
        "lượt người",
        Measure::Participants,
    ),
    (
        "HTXHT",
        "Tổ chức kinh tế tập thể được hỗ trợ",
        "tổ chức",
        Measure::OrganisationsSupported,
    ),
    (
        "HTXM",
        "Tổ chức kinh tế tập thể thành lập mới, kết nạp",
        "tổ chức",
        Measure::NewOrganisations,
    ),
    (
        "OCOP",
        "Sản phẩm OCOP được công nhận",
        "sản phẩm",
        Measure::OcopProducts,
    ),
    (
        "OCOP4",
        "Sản phẩm OCOP 4 – 5 sao",
        "sản phẩm",
        Measure::OcopFourStars,
    ),
    (
        "XTTM",
        "Sự kiện xúc tiến thương mại chủ trì",
        "sự kiện",
        Measure::Events,
    ),
    (
        "GH",
        "Lượt đơn vị tham gia trưng bày",
        "lượt đơn vị",
        Measure::Exhibitors,
    ),
    (
        "BC",
        "Báo cáo tình hình hoạt động được gửi",
        "báo cáo",
        Measure::ReportsFiled,
    ),
    (
        "MH",
        "Mô hình HTX kiểu mới hiệu quả được nhân rộng",
        "mô hình",
        Measure::ModelsReplicated,
    ),
    (
        "TV",
        "Yêu cầu tư vấn, hỗ trợ được giải đáp",
        "yêu cầu",
        Measure::SupportAnswered,
    ),
    (
        "VTD",
        "Vốn vay từ Quỹ hỗ trợ phát triển HTX được giải ngân",
        "triệu đồng",
        Measure::Manual,
    ),
];

/// The most organisations one activity lists as taking part.
pub const MAX_ACTIVITY_ORGANISATIONS: usize = 500;
/// The most alliances, or content areas, one programme or activity lists.
pub const MAX_LISTED: usize = 20;

/// Records a finding when a list is longer than `max`.
fn at_most(f: &mut Findings, field: &'static str, n: usize, max: usize) {
    if n > max {
        f.add_with(field, "err-programme-too-many", vec![("max", max.to_string())]);
    }
}

/// The largest participants count an activity may have.
pub const MAX_PARTICIPANTS: i64 = 1_000_000;
/// The largest figure an indicator target or value may have.
pub const MAX_FIGURE: i64 = 1_000_000_000_000;

/// A programme as typed in its form.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ProgrammeForm {
    /// Name, e.g. "Chương trình phối hợp giai đoạn 2023 – 2025".
    pub name: String,
    /// Number and symbol of the signed document, e.g. "01/CTr-LMHTX".
    pub number: String,
    /// First year.
    pub first_year: String,
    /// Last year.
    pub last_year: String,
    /// Signing date.
    pub signed_on: String,
    /// Signatory alliances (ids as typed).
    #[serde(default)]
    pub signatories: Vec<String>,
    /// Content areas, one per line.
    pub areas: String,
    /// Purpose and summary.
    pub summary: String,
}

/// A valid programme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgrammeDraft {
    /// Name.
    pub name: String,
    /// Number and symbol of the signed document.
    pub number: Option<String>,
    /// First year.
    pub first_year: i32,
    /// Last year.
    pub last_year: i32,
    /// Signing date.
    pub signed_on: Option<Date>,
    /// Signatory alliance ids.
    pub signatories: Vec<i64>,
    /// Content areas in order.
    pub areas: Vec<String>,
    /// Purpose and summary.
    pub summary: Option<String>,
}

fn year(f: &mut Findings, field: &'static str, raw: &str) -> Option<i32> {
    match raw.trim().parse::<i32>() {
        Ok(y) if (2000..=2100).contains(&y) => Some(y),
        _ if raw.trim().is_empty() => {
            f.add(field, "err-required");
            None
        }
        _ => {
            f.add(field, "err-programme-year");
            None
        }
    }
}

fn ids(f: &mut Findings, field: &'static str, raw: &[String]) -> Vec<i64> {
    let mut out: Vec<i64> = Vec::new();
    for r in raw.iter().map(|r| r.trim()).filter(|r| !r.is_empty()) {
        match r.parse::<i64>() {
            Ok(id) if id > 0 => {
                if !out.contains(&id) {
                    out.push(id);
                }
            }
            _ => f.add(field, "err-programme-choice"),
        }
    }
    out
}

impl ProgrammeForm {
    /// Validates the form, every finding at once.
    pub fn parse(&self) -> Result<ProgrammeDraft, Findings> {
        let mut f = Findings::default();
        let name = f.required("name", &self.name, 300);
        let number = f.optional("number", &self.number, 60);
        let first_year = year(&mut f, "first_year", &self.first_year);
        let last_year = year(&mut f, "last_year", &self.last_year);
        if let (Some(a), Some(b)) = (first_year, last_year)
            && (b < a || b - a > 10)
        {
            f.add("last_year", "err-programme-period");
        }
        let signed_on = if self.signed_on.trim().is_empty() {
            None
        } else {
            day(&mut f, "signed_on", &self.signed_on)
        };
        let signatories = ids(&mut f, "signatories", &self.signatories);
        at_most(&mut f, "signatories", signatories.len(), MAX_LISTED);
        if signatories.len() < 2 {
            f.add("signatories", "err-programme-signatories");
        }
        let mut areas: Vec<String> = Vec::new();
        for line in self.areas.lines().map(crate::validate::clean_text) {
            let line = line
                .trim_start_matches(|c: char| c.is_ascii_digit() || matches!(c, '.' | ')' | '-' | ' '))
                .to_string();
            if line.is_empty() {
                continue;
            }
            if line.chars().count() > 300 {
                f.add_with("areas", "err-too-long", vec![("max", "300".into())]);
            }
            if areas.iter().any(|a| a.to_lowercase() == line.to_lowercase()) {
                f.add("areas", "err-programme-area-twice");
            }
            areas.push(line);
        }
        if areas.is_empty() {
            f.add("areas", "err-programme-areas");
        }
        at_most(&mut f, "areas", areas.len(), MAX_LISTED);
        let summary = paragraphs(&mut f, "summary", &self.summary, 20_000);
        let (Some(first_year), Some(last_year)) = (first_year, last_year) else {
            return Err(f);
        };
        f.into_result(ProgrammeDraft {
            name,
            number,
            first_year,
            last_year,
            signed_on,
            signatories,
            areas,
            summary,
        })
    }
}

/// A yearly plan as typed: the host alliance of the year and what the plan aims at.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PlanForm {
    /// Year.
    pub year: String,
    /// Host alliance of the year (id as typed).
    pub host_alliance_id: String,
    /// Goals and main tasks.
    pub goals: String,
}

/// A valid yearly plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanDraft {
    /// Year.
    pub year: i32,
    /// Host alliance id.
    pub host_alliance_id: i64,
    /// Goals and main tasks.
    pub goals: Option<String>,
}

impl PlanForm {
    /// Validates the form; the year must fall in `period` (first and last year).
    pub fn parse(&self, period: (i32, i32)) -> Result<PlanDraft, Findings> {
        let mut f = Findings::default();
        let y = year(&mut f, "year", &self.year);
        if let Some(y) = y
            && !(period.0..=period.1).contains(&y)
        {
            f.add_with(
                "year",
                "err-programme-year-outside",
                vec![("first", period.0.to_string()), ("last", period.1.to_string())],
            );
        }
        let host = ids(
            &mut f,
            "host_alliance_id",
            std::slice::from_ref(&self.host_alliance_id),
        );
        if host.is_empty() && f.for_field("host_alliance_id").next().is_none() {
            f.add("host_alliance_id", "err-required");
        }
        let goals = paragraphs(&mut f, "goals", &self.goals, 20_000);
        match (y, host.first()) {
            (Some(year), Some(&host_alliance_id)) => f.into_result(PlanDraft {
                year,
                host_alliance_id,
                goals,
            }),
            _ => Err(f),
        }
    }
}

/// An activity as typed in its form.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ActivityForm {
    /// Title.
    pub title: String,
    /// Kind (stored name).
    pub kind: String,
    /// Planned, done or cancelled.
    pub state: String,
    /// Content areas (ids as typed).
    #[serde(default)]
    pub areas: Vec<String>,
    /// Lead alliance (id as typed).
    pub lead_alliance_id: String,
    /// Participating alliances (ids as typed).
    #[serde(default)]
    pub alliances: Vec<String>,
    /// First day.
    pub starts_on: String,
    /// Last day (blank: the first day).
    pub ends_on: String,
    /// Place.
    pub place: String,
    /// People who took part.
    pub participants: String,
    /// Outcome.
    pub outcome: String,
    /// Linked trade-promotion event (id as typed).
    pub event_id: String,
    /// Organisations that took part (ids as typed).
    #[serde(default)]
    pub organisations: Vec<String>,
}

/// A valid activity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityDraft {
    /// Title.
    pub title: String,
    /// Kind.
    pub kind: ActivityKind,
    /// State.
    pub state: ActivityState,
    /// Content area ids.
    pub areas: Vec<i64>,
    /// Lead alliance id.
    pub lead_alliance_id: i64,
    /// Other participating alliance ids (without the lead).
    pub alliances: Vec<i64>,
    /// First day.
    pub starts_on: Date,
    /// Last day.
    pub ends_on: Date,
    /// Place.
    pub place: Option<String>,
    /// People who took part.
    pub participants: i64,
    /// Outcome.
    pub outcome: Option<String>,
    /// Linked event.
    pub event_id: Option<i64>,
    /// Organisations that took part.
    pub organisations: Vec<i64>,
}

impl ActivityForm {
    /// Validates the form, every finding at once.
    pub fn parse(&self) -> Result<ActivityDraft, Findings> {
        let mut f = Findings::default();
        let title = f.required("title", &self.title, 300);
        let kind = ActivityKind::parse(&self.kind);
        if kind.is_none() {
            f.add("kind", "err-programme-choice");
        }
        let state = if self.state.trim().is_empty() {
            Some(ActivityState::Done)
        } else {
            ActivityState::parse(&self.state)
        };
        if state.is_none() {
            f.add("state", "err-programme-choice");
        }
        let areas = ids(&mut f, "areas", &self.areas);
        if areas.is_empty() {
            f.add("areas", "err-activity-areas");
        }
        at_most(&mut f, "areas", areas.len(), MAX_LISTED);
        let lead = ids(
            &mut f,
            "lead_alliance_id",
            std::slice::from_ref(&self.lead_alliance_id),
        );
        if lead.is_empty() && f.for_field("lead_alliance_id").next().is_none() {
            f.add("lead_alliance_id", "err-required");
        }
        let mut alliances = ids(&mut f, "alliances", &self.alliances);
        alliances.retain(|a| Some(a) != lead.first());
        at_most(&mut f, "alliances", alliances.len(), MAX_LISTED);
        let starts_on = day(&mut f, "starts_on", &self.starts_on);
        let ends_on = if self.ends_on.trim().is_empty() {
            starts_on
        } else {
            day(&mut f, "ends_on", &self.ends_on)
        };
        if let (Some(a), Some(b)) = (starts_on, ends_on)
            && b < a
        {
            f.add("ends_on", "err-event-ends-before-start");
        }
        let place = f.optional("place", &self.place, 300);
        let participants = number(&mut f, "participants", &self.participants, MAX_PARTICIPANTS);
        let outcome = paragraphs(&mut f, "outcome", &self.outcome, 20_000);
        let event_id = ids(&mut f, "event_id", std::slice::from_ref(&self.event_id))
            .first()
            .copied();
        at_most(
            &mut f,
            "organisations",
            self.organisations.len(),
            MAX_ACTIVITY_ORGANISATIONS,
        );
        let organisations = ids(&mut f, "organisations", &self.organisations);
        match (kind, state, lead.first(), starts_on, ends_on, participants) {
            (
                Some(kind),
                Some(state),
                Some(&lead_alliance_id),
                Some(starts_on),
                Some(ends_on),
                Some(participants),
            ) => f.into_result(ActivityDraft {
                title,
                kind,
                state,
                areas,
                lead_alliance_id,
                alliances,
                starts_on,
                ends_on,
                place,
                participants,
                outcome,
                event_id,
                organisations,
            }),
            _ => Err(f),
        }
    }
}

/// Reads a typed indicator figure (target or actual): blank is `None`.
pub fn parse_figure(f: &mut Findings, field: &'static str, raw: &str) -> Option<Option<i64>> {
    if raw.trim().is_empty() {
        return Some(None);
    }
    number(f, field, raw, MAX_FIGURE).map(Some)
}

/// Whether a review is mid-term or final.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewKind {
    /// Sơ kết: one year of the programme.
    MidTerm,
    /// Tổng kết: the whole period.
    Final,
}

impl ReviewKind {
    /// The kind a review of `year` has in a programme of `period`: final in its last year.
    pub fn of(year: i32, period: (i32, i32)) -> ReviewKind {
        if year >= period.1 {
            ReviewKind::Final
        } else {
            ReviewKind::MidTerm
        }
    }

    /// Catalogue key of the word ("sơ kết" / "tổng kết").
    pub fn label_key(self) -> &'static str {
        match self {
            ReviewKind::MidTerm => "review-kind-mid-term",
            ReviewKind::Final => "review-kind-final",
        }
    }
}

/// The narrative parts of a review that staff write; figures are never typed here.
pub const NARRATIVE_SECTIONS: [&str; 6] = [
    "basis",
    "situation",
    "limitations",
    "lessons",
    "directions",
    "proposals",
];

/// A place and date line of an administrative document: "Hà Nội, ngày 05 tháng 3 năm 2025".
/// Days and months below 10 take a leading zero for days (and months 1 and 2), as Decree
/// 30/2020 asks.
pub fn place_and_date(place: &str, d: Date) -> String {
    let month = if d.month() < 3 {
        format!("{:02}", d.month())
    } else {
        d.month().to_string()
    };
    format!("{place}, ngày {:02} tháng {month} năm {}", d.day(), d.year())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn activity() -> ActivityForm {
        ActivityForm {
            title: "Hội nghị tập huấn chuyển đổi số cho HTX".into(),
            kind: "training".into(),
            state: "done".into(),
            areas: vec!["3".into(), "3".into(), "5".into()],
            lead_alliance_id: "1".into(),
            alliances: vec!["1".into(), "2".into()],
            starts_on: "12/4/2024".into(),
            ends_on: "".into(),
            place: " Hà Nội ".into(),
            participants: "1.200".into(),
            outcome: "Đạt yêu cầu.\n\n\nCó 40 HTX đăng ký tư vấn.".into(),
            event_id: "".into(),
            organisations: vec!["10".into()],
        }
    }

    #[test]
    fn an_activity_is_read_with_its_areas_once_and_the_lead_not_repeated_among_participants() {
        let d = activity().parse().expect("valid");
        assert_eq!(d.areas, vec![3, 5]);
        assert_eq!(d.alliances, vec![2]);
        assert_eq!(d.participants, 1200);
        assert_eq!(d.ends_on, d.starts_on);
        assert_eq!(d.place.as_deref(), Some("Hà Nội"));
        assert_eq!(
            d.outcome.as_deref(),
            Some("Đạt yêu cầu.\n\nCó 40 HTX đăng ký tư vấn.")
        );
    }

    #[test]
    fn an_impossible_activity_gets_a_finding_for_each_problem() {
        let mut form = activity();
        form.title = " ".into();
        form.kind = "party".into();
        form.areas.clear();
        form.ends_on = "1/4/2024".into();
        form.participants = "-3".into();
        let f = form.parse().expect_err("invalid");
        let fields: Vec<_> = f.0.iter().map(|x| x.field).collect();
        for field in ["title", "kind", "areas", "ends_on", "participants"] {
            assert!(fields.contains(&field), "{field} in {fields:?}");
        }
    }

    #[test]
    fn a_programme_needs_two_signatories_a_period_and_areas_without_numbering() {
        let form = ProgrammeForm {
            name: "Chương trình phối hợp giai đoạn 2023 – 2025".into(),
            number: "01/CTr-LMHTX".into(),
            first_year: "2023".into(),
            last_year: "2025".into(),
            signed_on: "15/3/2023".into(),
            signatories: vec!["1".into(), "2".into(), "3".into()],
            areas: "1. Thông tin, tuyên truyền\n\n2) Tư vấn, hỗ trợ\n".into(),
            summary: "".into(),
        };
        let d = form.parse().expect("valid");
        assert_eq!(d.areas, vec!["Thông tin, tuyên truyền", "Tư vấn, hỗ trợ"]);
        let bad = ProgrammeForm {
            last_year: "2021".into(),
            signatories: vec!["1".into()],
            areas: "".into(),
            ..form
        };
        let f = bad.parse().expect_err("invalid");
        let fields: Vec<_> = f.0.iter().map(|x| x.field).collect();
        assert_eq!(fields, vec!["last_year", "signatories", "areas"]);
    }

    #[test]
    fn a_plan_year_must_fall_within_the_programme() {
        let form = PlanForm {
            year: "2026".into(),
            host_alliance_id: "2".into(),
            goals: "".into(),
        };
        assert!(form.parse((2023, 2025)).is_err());
        let ok = PlanForm {
            year: "2024".into(),
            ..form
        };
        assert_eq!(ok.parse((2023, 2025)).expect("valid").host_alliance_id, 2);
    }

    #[test]
    fn the_last_year_is_reviewed_as_final_and_dates_read_as_decree_30_writes_them() {
        assert_eq!(ReviewKind::of(2024, (2023, 2025)), ReviewKind::MidTerm);
        assert_eq!(ReviewKind::of(2025, (2023, 2025)), ReviewKind::Final);
        let d = Date::new(2025, 3, 5).expect("date");
        assert_eq!(place_and_date("Hà Nội", d), "Hà Nội, ngày 05 tháng 3 năm 2025");
        let d = Date::new(2025, 1, 15).expect("date");
        assert_eq!(place_and_date("Cần Thơ", d), "Cần Thơ, ngày 15 tháng 01 năm 2025");
    }

    #[test]
    fn measures_read_back_from_their_stored_names() {
        for m in Measure::ALL {
            assert_eq!(Measure::parse(m.as_str()), Some(m));
        }
        for k in ActivityKind::ALL {
            assert_eq!(ActivityKind::parse(k.as_str()), Some(k));
        }
    }
}
