//! The coordination programme: programmes with their content areas and yearly plans,
//! activities, indicator targets and typed figures, and the narrative parts of the reviews.
//! Figures computed from the data are in `programme_figures`.

use std::collections::{BTreeMap, HashMap};

use lienket_domain::event::EventStatus;
use lienket_domain::ids::AllianceId;
use lienket_domain::programme::{
    ActivityDraft, ActivityKind, ActivityState, DEFAULT_INDICATORS, Measure, PlanDraft, ProgrammeDraft,
};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseTransaction, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde::{Deserialize, Serialize};

use crate::changes::{Op, record, record_created};
use crate::entity::{
    activity, activity_file, activity_organisation, indicator, indicator_value, organisation, programme,
    programme_area, programme_plan, review,
};
use crate::error::OnConstraint;
use crate::events::{day, delete_file_row, file_row};
use crate::{Actor, Page, PageRequest, Store, StoreError};

/// One content area of a programme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProgrammeArea {
    /// Id.
    pub id: i64,
    /// 1-based number in the programme.
    pub number: i32,
    /// Name.
    pub name: String,
}

/// The plan of one year: who hosts and what it aims at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct YearPlan {
    /// Id.
    pub id: i64,
    /// Year.
    pub year: i32,
    /// Host alliance of the year.
    pub host_alliance_id: AllianceId,
    /// Goals and main tasks.
    pub goals: Option<String>,
    /// Optimistic-concurrency version.
    pub version: i32,
}

/// One indicator of a programme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Indicator {
    /// Id.
    pub id: i64,
    /// Short code, e.g. `OCOP`.
    pub code: String,
    /// Name.
    pub name: String,
    /// Unit, e.g. "sản phẩm".
    pub unit: String,
    /// Where its figure comes from.
    pub measure: Measure,
}

/// A programme with its areas, plans and indicators.
#[derive(Debug, Clone, Serialize)]
pub struct Programme {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Number and symbol of the signed document.
    pub number: Option<String>,
    /// First year.
    pub first_year: i32,
    /// Last year.
    pub last_year: i32,
    /// Signing date (`YYYY-MM-DD`).
    pub signed_on: Option<String>,
    /// Signatory alliances.
    pub signatories: Vec<AllianceId>,
    /// Purpose and summary.
    pub summary: Option<String>,
    /// Object key of the signed document, when uploaded.
    pub document_key: Option<String>,
    /// File name of the signed document.
    pub document_name: Option<String>,
    /// Content areas in order.
    pub areas: Vec<ProgrammeArea>,
    /// Yearly plans by year.
    pub plans: Vec<YearPlan>,
    /// Indicators in order.
    pub indicators: Vec<Indicator>,
    /// Optimistic-concurrency version.
    pub version: i32,
}

impl Programme {
    /// The first and last year.
    pub fn period(&self) -> (i32, i32) {
        (self.first_year, self.last_year)
    }

    /// The years of the programme.
    pub fn years(&self) -> Vec<i32> {
        (self.first_year..=self.last_year).collect()
    }

    /// The plan of a year.
    pub fn plan(&self, year: i32) -> Option<&YearPlan> {
        self.plans.iter().find(|p| p.year == year)
    }

    /// A content area.
    pub fn area(&self, id: i64) -> Option<&ProgrammeArea> {
        self.areas.iter().find(|a| a.id == id)
    }
}

/// An organisation that took part in an activity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Participant {
    /// Organisation id.
    pub id: i64,
    /// Its name.
    pub name: String,
}

/// An activity of the programme.
#[derive(Debug, Clone, Serialize)]
pub struct Activity {
    /// Id.
    pub id: i64,
    /// Programme.
    pub programme_id: i64,
    /// Title.
    pub title: String,
    /// Kind.
    pub kind: ActivityKind,
    /// Planned, done or cancelled.
    pub state: ActivityState,
    /// Content area ids.
    pub areas: Vec<i64>,
    /// Lead alliance.
    pub lead_alliance_id: AllianceId,
    /// Other participating alliances.
    pub alliances: Vec<AllianceId>,
    /// Year (of the first day).
    pub year: i32,
    /// First day (`YYYY-MM-DD`).
    pub starts_on: String,
    /// Last day (`YYYY-MM-DD`).
    pub ends_on: String,
    /// Place.
    pub place: Option<String>,
    /// People who took part.
    pub participants: i64,
    /// Outcome.
    pub outcome: Option<String>,
    /// Linked trade-promotion event.
    pub event_id: Option<i64>,
    /// Organisations that took part (filled when one activity is read).
    pub organisations: Vec<Participant>,
    /// Optimistic-concurrency version.
    pub version: i32,
}

impl Activity {
    /// Whether an alliance led or took part.
    pub fn involves(&self, alliance: AllianceId) -> bool {
        self.lead_alliance_id == alliance || self.alliances.contains(&alliance)
    }
}

/// What to list of a programme's activities.
#[derive(Debug, Clone, Default)]
pub struct ActivityFilter {
    /// Year.
    pub year: Option<i32>,
    /// Content area id.
    pub area: Option<i64>,
    /// An alliance that led or took part.
    pub alliance: Option<AllianceId>,
    /// State.
    pub state: Option<ActivityState>,
    /// Kind.
    pub kind: Option<ActivityKind>,
    /// Days from (`YYYY-MM-DD`, inclusive) — for calendars.
    pub from: Option<String>,
    /// Days to (`YYYY-MM-DD`, inclusive).
    pub to: Option<String>,
}

/// How many activities of a programme are in each state, by year and by content area (an
/// activity counts once under each of its areas).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActivityCounts {
    by_year: HashMap<(i32, ActivityState), u64>,
    by_area: HashMap<(i64, ActivityState), u64>,
}

impl ActivityCounts {
    /// Activities of a year in a state.
    pub fn in_year(&self, year: i32, state: ActivityState) -> u64 {
        self.by_year.get(&(year, state)).copied().unwrap_or(0)
    }

    /// Activities under a content area in a state.
    pub fn in_area(&self, area: i64, state: ActivityState) -> u64 {
        self.by_area.get(&(area, state)).copied().unwrap_or(0)
    }
}

/// One alliance's target and typed figure of one indicator in one year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndicatorValue {
    /// Indicator.
    pub indicator_id: i64,
    /// Alliance.
    pub alliance_id: i64,
    /// Year.
    pub year: i32,
    /// Target.
    pub target: Option<i64>,
    /// Typed figure (manual indicators only; computed ones are never stored).
    pub actual: Option<i64>,
    /// Note.
    pub note: Option<String>,
}

/// The written parts of a yearly review; the figures are computed each time.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewText {
    /// Number and symbol, e.g. "12/BC-LMHTX".
    pub number: String,
    /// Place of issue, e.g. "Hà Nội".
    pub place: String,
    /// Date of issue (`YYYY-MM-DD`).
    pub issued_on: String,
    /// Signer's role line, e.g. "TM. BAN THƯỜNG TRỰC / CHỦ TỊCH".
    pub signer_role: String,
    /// Signer's name.
    pub signer_name: String,
    /// Recipients, one per line.
    pub recipients: String,
    /// Narrative sections by name (`basis`, `situation`, …, `area:{id}`).
    pub narrative: BTreeMap<String, String>,
}

/// A saved review text with who saved it last.
#[derive(Debug, Clone, Serialize)]
pub struct SavedReview {
    /// The text.
    pub text: ReviewText,
    /// Who saved it last.
    pub actor_name: String,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: time::OffsetDateTime,
    /// Optimistic-concurrency version.
    pub version: i32,
}

/// The scope name of a review: `all` or the alliance id.
pub fn review_scope(alliance: Option<AllianceId>) -> String {
    alliance.map_or_else(|| "all".to_string(), |a| a.0.to_string())
}

fn csv<T: ToString>(ids: &[T]) -> String {
    ids.iter().map(ToString::to_string).collect::<Vec<_>>().join(",")
}

fn parse_csv(s: &str) -> Vec<i64> {
    s.split(',').filter_map(|x| x.trim().parse().ok()).collect()
}

/// Whether a column holding ids as `1,3,4` holds `id` as a whole item. Plain `LIKE`s rather
/// than a custom SQL expression: placeholders of custom expressions differ between SQLite (`?`)
/// and PostgreSQL (`$1`).
fn in_id_list(column: activity::Column, id: i64) -> Condition {
    Condition::any()
        .add(column.eq(id.to_string()))
        .add(column.like(format!("{id},%")))
        .add(column.like(format!("%,{id}")))
        .add(column.like(format!("%,{id},%")))
}

fn to_activity(m: activity::Model) -> Activity {
    Activity {
        id: m.id,
        programme_id: m.programme_id,
        title: m.title,
        kind: ActivityKind::parse(&m.kind).unwrap_or(ActivityKind::Other),
        state: ActivityState::parse(&m.state).unwrap_or(ActivityState::Done),
        areas: parse_csv(&m.areas),
        lead_alliance_id: AllianceId(m.lead_alliance_id),
        alliances: parse_csv(&m.alliances).into_iter().map(AllianceId).collect(),
        year: m.year,
        starts_on: m.starts_on,
        ends_on: m.ends_on,
        place: m.place,
        participants: m.participants,
        outcome: m.outcome,
        event_id: m.event_id,
        organisations: Vec::new(),
        version: m.version,
    }
}

async fn load_programme<C: ConnectionTrait>(c: &C, id: i64) -> Result<Programme, StoreError> {
    let m = programme::Entity::find_by_id(id)
        .one(c)
        .await?
        .ok_or(StoreError::NotFound)?;
    let areas = programme_area::Entity::find()
        .filter(programme_area::Column::ProgrammeId.eq(id))
        .order_by_asc(programme_area::Column::Position)
        .all(c)
        .await?
        .into_iter()
        .map(|a| ProgrammeArea {
            id: a.id,
            number: a.position,
            name: a.name,
        })
        .collect();
    let plans = programme_plan::Entity::find()
        .filter(programme_plan::Column::ProgrammeId.eq(id))
        .order_by_asc(programme_plan::Column::Year)
        .all(c)
        .await?
        .into_iter()
        .map(|p| YearPlan {
            id: p.id,
            year: p.year,
            host_alliance_id: AllianceId(p.host_alliance_id),
            goals: p.goals,
            version: p.version,
        })
        .collect();
    let indicators = indicator::Entity::find()
        .filter(indicator::Column::ProgrammeId.eq(id))
        .order_by_asc(indicator::Column::Position)
        .all(c)
        .await?
        .into_iter()
        .map(|i| Indicator {
            id: i.id,
            code: i.code,
            name: i.name,
            unit: i.unit,
            measure: Measure::parse(&i.measure).unwrap_or(Measure::Manual),
        })
        .collect();
    Ok(Programme {
        id: m.id,
        name: m.name,
        number: m.number,
        first_year: m.first_year,
        last_year: m.last_year,
        signed_on: m.signed_on,
        signatories: parse_csv(&m.signatories).into_iter().map(AllianceId).collect(),
        summary: m.summary,
        document_key: m.document_key,
        document_name: m.document_name,
        areas,
        plans,
        indicators,
        version: m.version,
    })
}

async fn load_activity<C: ConnectionTrait>(c: &C, id: i64) -> Result<Activity, StoreError> {
    let m = activity::Entity::find_by_id(id)
        .one(c)
        .await?
        .ok_or(StoreError::NotFound)?;
    let org_ids: Vec<i64> = activity_organisation::Entity::find()
        .select_only()
        .column(activity_organisation::Column::OrganisationId)
        .filter(activity_organisation::Column::ActivityId.eq(id))
        .order_by_asc(activity_organisation::Column::Id)
        .into_tuple()
        .all(c)
        .await?;
    let names: BTreeMap<i64, String> = organisation::Entity::find()
        .select_only()
        .column(organisation::Column::Id)
        .column(organisation::Column::Name)
        .filter(organisation::Column::Id.is_in(org_ids.clone()))
        .into_tuple::<(i64, String)>()
        .all(c)
        .await?
        .into_iter()
        .collect();
    let mut a = to_activity(m);
    a.organisations = org_ids
        .into_iter()
        .filter_map(|id| names.get(&id).map(|n| Participant { id, name: n.clone() }))
        .collect();
    Ok(a)
}

fn fill_activity(a: &mut activity::ActiveModel, d: &ActivityDraft) {
    a.title = Set(d.title.clone());
    a.kind = Set(d.kind.as_str().into());
    a.state = Set(d.state.as_str().into());
    a.areas = Set(csv(&d.areas));
    a.lead_alliance_id = Set(d.lead_alliance_id);
    a.alliances = Set(csv(&d.alliances));
    a.year = Set(d.starts_on.year());
    a.starts_on = Set(day(d.starts_on));
    a.ends_on = Set(day(d.ends_on));
    a.place = Set(d.place.clone());
    a.participants = Set(d.participants);
    a.outcome = Set(d.outcome.clone());
    a.event_id = Set(d.event_id);
}

/// Checks an activity against its programme: its first day falls in the programme's years, its
/// areas belong to the programme, the alliances and organisations exist, and its event is one
/// that was announced.
async fn check_activity_refs<C: ConnectionTrait>(
    c: &C,
    p: &Programme,
    d: &ActivityDraft,
) -> Result<(), StoreError> {
    if !(p.first_year..=p.last_year).contains(&d.starts_on.year()) {
        return Err(StoreError::Refused("err-activity-outside-programme"));
    }
    if d.areas.iter().any(|a| p.area(*a).is_none()) {
        return Err(StoreError::Refused("err-activity-area-unknown"));
    }
    // The programme's activities are led by the alliances that signed it.
    if !p.signatories.contains(&AllianceId(d.lead_alliance_id)) {
        return Err(StoreError::Refused("err-activity-lead-not-signatory"));
    }
    let mut alliances = d.alliances.clone();
    alliances.push(d.lead_alliance_id);
    alliances.sort_unstable();
    alliances.dedup();
    let found = crate::entity::alliance::Entity::find()
        .filter(crate::entity::alliance::Column::Id.is_in(alliances.clone()))
        .count(c)
        .await?;
    if found != alliances.len() as u64 {
        return Err(StoreError::Refused("err-activity-alliance-unknown"));
    }
    if !d.organisations.is_empty() {
        let found = organisation::Entity::find()
            .filter(organisation::Column::Id.is_in(d.organisations.clone()))
            .count(c)
            .await?;
        if found != d.organisations.len() as u64 {
            return Err(StoreError::Refused("err-activity-organisation-unknown"));
        }
    }
    if let Some(e) = d.event_id {
        use crate::entity::event;
        // A draft is not announced: to anyone but its host alliance it does not exist, so no
        // activity links it (its page would show the draft's title). A cancelled event stays:
        // it was announced, and the activity may have been called off with it.
        let status: Option<String> = event::Entity::find_by_id(e)
            .select_only()
            .column(event::Column::Status)
            .into_tuple()
            .one(c)
            .await?;
        if status.is_none_or(|s| EventStatus::parse(&s).is_none_or(|s| s == EventStatus::Draft)) {
            return Err(StoreError::Refused("err-activity-event-unknown"));
        }
    }
    Ok(())
}

/// Ends a change of a programme: reads it again, records the change from `before` and commits.
async fn finish_programme_change(
    txn: DatabaseTransaction,
    actor: &Actor,
    before: &Programme,
) -> Result<Programme, StoreError> {
    let after = load_programme(&txn, before.id).await?;
    record(
        &txn,
        actor,
        "programme",
        &before.id.to_string(),
        Op::Update,
        Some(before),
        Some(&after),
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}

async fn set_organisations<C: ConnectionTrait>(
    c: &C,
    activity_id: i64,
    orgs: &[i64],
) -> Result<(), StoreError> {
    activity_organisation::Entity::delete_many()
        .filter(activity_organisation::Column::ActivityId.eq(activity_id))
        .exec(c)
        .await?;
    if orgs.is_empty() {
        return Ok(());
    }
    activity_organisation::Entity::insert_many(orgs.iter().map(|o| activity_organisation::ActiveModel {
        activity_id: Set(activity_id),
        organisation_id: Set(*o),
        ..Default::default()
    }))
    .exec(c)
    .await
    .on_unique("organisations")?;
    Ok(())
}

impl Store {
    /// Creates a programme with its content areas and the default indicators.
    pub async fn create_programme(&self, actor: &Actor, d: &ProgrammeDraft) -> Result<Programme, StoreError> {
        let txn = self.begin_write().await?;
        let now = crate::now();
        let m = programme::ActiveModel {
            name: Set(d.name.clone()),
            number: Set(d.number.clone()),
            first_year: Set(d.first_year),
            last_year: Set(d.last_year),
            signed_on: Set(d.signed_on.map(day)),
            signatories: Set(csv(&d.signatories)),
            summary: Set(d.summary.clone()),
            created_at: Set(now),
            updated_at: Set(now),
            version: Set(1),
            ..Default::default()
        }
        .insert(&txn)
        .await
        .on_unique("name")?;
        for (i, name) in d.areas.iter().enumerate() {
            programme_area::ActiveModel {
                programme_id: Set(m.id),
                position: Set(i as i32 + 1),
                name: Set(name.clone()),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
        }
        for (i, (code, name, unit, measure)) in DEFAULT_INDICATORS.iter().enumerate() {
            indicator::ActiveModel {
                programme_id: Set(m.id),
                position: Set(i as i32 + 1),
                code: Set((*code).into()),
                name: Set((*name).into()),
                unit: Set((*unit).into()),
                measure: Set(measure.as_str().into()),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
        }
        let saved = load_programme(&txn, m.id).await?;
        record_created(&txn, actor, "programme", &saved.id.to_string(), &saved).await?;
        txn.commit().await?;
        Ok(saved)
    }

    /// Changes a programme. Areas keep their ids: a line matches the area of the same name,
    /// else the area at its place (a rename); new lines add areas, and an area that activities
    /// use cannot be removed.
    pub async fn update_programme(
        &self,
        actor: &Actor,
        id: i64,
        expected_version: i32,
        d: &ProgrammeDraft,
    ) -> Result<Programme, StoreError> {
        let txn = self.begin_write().await?;
        let before = load_programme(&txn, id).await?;
        if before.version != expected_version {
            return Err(StoreError::Conflict);
        }
        let outside = activity::Entity::find()
            .filter(activity::Column::ProgrammeId.eq(id))
            .filter(
                activity::Column::Year
                    .lt(d.first_year)
                    .or(activity::Column::Year.gt(d.last_year)),
            )
            .count(&txn)
            .await?;
        if outside > 0 {
            return Err(StoreError::Refused("err-programme-period-activities"));
        }
        let a = programme::ActiveModel {
            name: Set(d.name.clone()),
            number: Set(d.number.clone()),
            first_year: Set(d.first_year),
            last_year: Set(d.last_year),
            signed_on: Set(d.signed_on.map(day)),
            signatories: Set(csv(&d.signatories)),
            summary: Set(d.summary.clone()),
            updated_at: Set(crate::now()),
            version: Set(expected_version + 1),
            ..Default::default()
        };
        crate::versioned::save_versioned(
            &txn,
            a,
            (programme::Column::Id, id),
            (programme::Column::Version, expected_version),
            "name",
        )
        .await?;
        // Areas keep their ids (activities and review texts refer to them): a line matches
        // the area of the same name wherever it moved, else the area that stood at its place
        // (a rename); areas no line matches are removed, unless activities use them.
        let same = |a: &str, b: &str| a.trim().to_lowercase() == b.trim().to_lowercase();
        let mut kept: Vec<Option<i64>> = d
            .areas
            .iter()
            .map(|name| before.areas.iter().find(|a| same(&a.name, name)).map(|a| a.id))
            .collect();
        for (i, slot) in kept.clone().iter().enumerate() {
            if slot.is_none()
                && let Some(old) = before.areas.get(i)
                && !kept.contains(&Some(old.id))
            {
                kept[i] = Some(old.id);
            }
        }
        let removed: Vec<&ProgrammeArea> = before
            .areas
            .iter()
            .filter(|a| !kept.contains(&Some(a.id)))
            .collect();
        if !removed.is_empty() {
            let used = activity::Entity::find()
                .select_only()
                .column(activity::Column::Areas)
                .filter(activity::Column::ProgrammeId.eq(id))
                .into_tuple::<String>()
                .all(&txn)
                .await?
                .iter()
                .any(|areas| {
                    parse_csv(areas)
                        .iter()
                        .any(|a| removed.iter().any(|r| r.id == *a))
                });
            if used {
                return Err(StoreError::Refused("err-programme-area-in-use"));
            }
            programme_area::Entity::delete_many()
                .filter(programme_area::Column::Id.is_in(removed.iter().map(|a| a.id)))
                .exec(&txn)
                .await?;
        }
        // Positions are unique: move the kept areas out of the way before numbering them.
        programme_area::Entity::update_many()
            .col_expr(
                programme_area::Column::Position,
                Expr::col(programme_area::Column::Position).mul(-1),
            )
            .filter(programme_area::Column::ProgrammeId.eq(id))
            .exec(&txn)
            .await?;
        for (i, (name, slot)) in d.areas.iter().zip(&kept).enumerate() {
            let number = i as i32 + 1;
            match slot {
                Some(area) => {
                    programme_area::Entity::update_many()
                        .col_expr(programme_area::Column::Name, Expr::value(name.clone()))
                        .col_expr(programme_area::Column::Position, Expr::value(number))
                        .filter(programme_area::Column::Id.eq(*area))
                        .exec(&txn)
                        .await?;
                }
                None => {
                    programme_area::ActiveModel {
                        programme_id: Set(id),
                        position: Set(number),
                        name: Set(name.clone()),
                        ..Default::default()
                    }
                    .insert(&txn)
                    .await?;
                }
            }
        }
        finish_programme_change(txn, actor, &before).await
    }

    /// Keeps the signed document of a programme (already stored under `key`).
    pub async fn set_programme_document(
        &self,
        actor: &Actor,
        id: i64,
        key: &str,
        name: &str,
    ) -> Result<Programme, StoreError> {
        let txn = self.begin_write().await?;
        let before = load_programme(&txn, id).await?;
        programme::Entity::update_many()
            .col_expr(programme::Column::DocumentKey, Expr::value(key))
            .col_expr(programme::Column::DocumentName, Expr::value(name))
            .col_expr(programme::Column::UpdatedAt, Expr::value(crate::now()))
            .col_expr(
                programme::Column::Version,
                Expr::col(programme::Column::Version).add(1),
            )
            .filter(programme::Column::Id.eq(id))
            .exec(&txn)
            .await?;
        finish_programme_change(txn, actor, &before).await
    }

    /// Every programme, newest first.
    pub async fn programmes(&self) -> Result<Vec<Programme>, StoreError> {
        let ids: Vec<i64> = programme::Entity::find()
            .select_only()
            .column(programme::Column::Id)
            .order_by_desc(programme::Column::FirstYear)
            .order_by_desc(programme::Column::Id)
            .into_tuple()
            .all(&self.db)
            .await?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            out.push(load_programme(&self.db, id).await?);
        }
        Ok(out)
    }

    /// One programme.
    pub async fn get_programme(&self, id: i64) -> Result<Programme, StoreError> {
        load_programme(&self.db, id).await
    }

    /// Writes the plan of a year (creating it, or changing it at `expected_version`).
    pub async fn save_plan(
        &self,
        actor: &Actor,
        programme_id: i64,
        d: &PlanDraft,
        expected_version: Option<i32>,
    ) -> Result<YearPlan, StoreError> {
        let txn = self.begin_write().await?;
        let p = load_programme(&txn, programme_id).await?;
        let before = p.plan(d.year).cloned();
        let now = crate::now();
        match (&before, expected_version) {
            (Some(old), Some(v)) => {
                let a = programme_plan::ActiveModel {
                    host_alliance_id: Set(d.host_alliance_id),
                    goals: Set(d.goals.clone()),
                    updated_at: Set(now),
                    version: Set(v + 1),
                    ..Default::default()
                };
                crate::versioned::save_versioned(
                    &txn,
                    a,
                    (programme_plan::Column::Id, old.id),
                    (programme_plan::Column::Version, v),
                    "year",
                )
                .await?;
            }
            (Some(_), None) => return Err(StoreError::Duplicate("year")),
            (None, _) => {
                programme_plan::ActiveModel {
                    programme_id: Set(programme_id),
                    year: Set(d.year),
                    host_alliance_id: Set(d.host_alliance_id),
                    goals: Set(d.goals.clone()),
                    created_at: Set(now),
                    updated_at: Set(now),
                    version: Set(1),
                    ..Default::default()
                }
                .insert(&txn)
                .await
                .on_unique("year")?;
            }
        }
        let after = load_programme(&txn, programme_id).await?;
        let plan = after.plan(d.year).cloned().ok_or(StoreError::NotFound)?;
        let key = format!("{programme_id}/{}", d.year);
        let op = if before.is_some() { Op::Update } else { Op::Create };
        record(
            &txn,
            actor,
            "programme_plan",
            &key,
            op,
            before.as_ref(),
            Some(&plan),
        )
        .await?;
        txn.commit().await?;
        Ok(plan)
    }

    /// Records an activity of a programme.
    pub async fn create_activity(
        &self,
        actor: &Actor,
        programme_id: i64,
        d: &ActivityDraft,
    ) -> Result<Activity, StoreError> {
        let txn = self.begin_write().await?;
        let p = load_programme(&txn, programme_id).await?;
        check_activity_refs(&txn, &p, d).await?;
        let now = crate::now();
        let mut a = activity::ActiveModel {
            programme_id: Set(programme_id),
            created_at: Set(now),
            updated_at: Set(now),
            version: Set(1),
            ..Default::default()
        };
        fill_activity(&mut a, d);
        let m = a.insert(&txn).await?;
        set_organisations(&txn, m.id, &d.organisations).await?;
        let saved = load_activity(&txn, m.id).await?;
        record_created(&txn, actor, "activity", &saved.id.to_string(), &saved).await?;
        txn.commit().await?;
        Ok(saved)
    }

    /// Changes an activity.
    pub async fn update_activity(
        &self,
        actor: &Actor,
        id: i64,
        expected_version: i32,
        d: &ActivityDraft,
    ) -> Result<Activity, StoreError> {
        let txn = self.begin_write().await?;
        let before = load_activity(&txn, id).await?;
        let p = load_programme(&txn, before.programme_id).await?;
        check_activity_refs(&txn, &p, d).await?;
        let mut a = activity::ActiveModel {
            updated_at: Set(crate::now()),
            version: Set(expected_version + 1),
            ..Default::default()
        };
        fill_activity(&mut a, d);
        crate::versioned::save_versioned(
            &txn,
            a,
            (activity::Column::Id, id),
            (activity::Column::Version, expected_version),
            "title",
        )
        .await?;
        set_organisations(&txn, id, &d.organisations).await?;
        let after = load_activity(&txn, id).await?;
        record(
            &txn,
            actor,
            "activity",
            &id.to_string(),
            Op::Update,
            Some(&before),
            Some(&after),
        )
        .await?;
        txn.commit().await?;
        Ok(after)
    }

    /// Removes an activity (its files go with it).
    pub async fn delete_activity(&self, actor: &Actor, id: i64) -> Result<Activity, StoreError> {
        let txn = self.begin_write().await?;
        let before = load_activity(&txn, id).await?;
        activity::Entity::delete_by_id(id).exec(&txn).await?;
        record(
            &txn,
            actor,
            "activity",
            &id.to_string(),
            Op::Delete,
            Some(&before),
            None::<&Activity>,
        )
        .await?;
        txn.commit().await?;
        Ok(before)
    }

    /// One activity with the organisations that took part.
    pub async fn get_activity(&self, id: i64) -> Result<Activity, StoreError> {
        load_activity(&self.db, id).await
    }

    /// A page of a programme's activities, newest first (or in date order with `ascending`).
    pub async fn list_activities(
        &self,
        programme_id: i64,
        filter: &ActivityFilter,
        page: PageRequest,
        ascending: bool,
    ) -> Result<Page<Activity>, StoreError> {
        let mut q = activity::Entity::find().filter(activity::Column::ProgrammeId.eq(programme_id));
        if let Some(y) = filter.year {
            q = q.filter(activity::Column::Year.eq(y));
        }
        if let Some(s) = filter.state {
            q = q.filter(activity::Column::State.eq(s.as_str()));
        }
        if let Some(k) = filter.kind {
            q = q.filter(activity::Column::Kind.eq(k.as_str()));
        }
        if let Some(from) = &filter.from {
            q = q.filter(activity::Column::EndsOn.gte(from.clone()));
        }
        if let Some(to) = &filter.to {
            q = q.filter(activity::Column::StartsOn.lte(to.clone()));
        }
        if let Some(a) = filter.alliance {
            q = q.filter(
                Condition::any()
                    .add(activity::Column::LeadAllianceId.eq(a.0))
                    .add(in_id_list(activity::Column::Alliances, a.0)),
            );
        }
        if let Some(area) = filter.area {
            q = q.filter(in_id_list(activity::Column::Areas, area));
        }
        q = if ascending {
            q.order_by_asc(activity::Column::StartsOn)
                .order_by_asc(activity::Column::Id)
        } else {
            q.order_by_desc(activity::Column::StartsOn)
                .order_by_desc(activity::Column::Id)
        };
        crate::versioned::fetch_page(&self.db, q, page, to_activity).await
    }

    /// Every activity of a programme in a year (for figures and the review).
    pub async fn activities_of_year(
        &self,
        programme_id: i64,
        year: i32,
    ) -> Result<Vec<Activity>, StoreError> {
        Ok(activity::Entity::find()
            .filter(activity::Column::ProgrammeId.eq(programme_id))
            .filter(activity::Column::Year.eq(year))
            .order_by_asc(activity::Column::StartsOn)
            .order_by_asc(activity::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(to_activity)
            .collect())
    }

    /// How many activities of a programme are in each state, by year and by content area: one
    /// grouped query rather than a count per area and per year. Areas are kept as `1,3,4`, so
    /// the rows come grouped by (year, state, areas) and are split here.
    pub async fn activity_counts(&self, programme_id: i64) -> Result<ActivityCounts, StoreError> {
        let rows: Vec<(i32, String, String, i64)> = activity::Entity::find()
            .select_only()
            .column(activity::Column::Year)
            .column(activity::Column::State)
            .column(activity::Column::Areas)
            .column_as(activity::Column::Id.count(), "n")
            .filter(activity::Column::ProgrammeId.eq(programme_id))
            .group_by(activity::Column::Year)
            .group_by(activity::Column::State)
            .group_by(activity::Column::Areas)
            .into_tuple()
            .all(&self.db)
            .await?;
        let mut counts = ActivityCounts::default();
        for (year, state, areas, n) in rows {
            let Some(state) = ActivityState::parse(&state) else {
                continue;
            };
            let n = u64::try_from(n).unwrap_or(0);
            *counts.by_year.entry((year, state)).or_default() += n;
            let mut areas = parse_csv(&areas);
            areas.sort_unstable();
            areas.dedup();
            for area in areas {
                *counts.by_area.entry((area, state)).or_default() += n;
            }
        }
        Ok(counts)
    }

    /// Targets and typed figures of a programme for one year (every alliance).
    pub async fn indicator_values(
        &self,
        programme_id: i64,
        year: i32,
    ) -> Result<Vec<IndicatorValue>, StoreError> {
        let ids: Vec<i64> = indicator::Entity::find()
            .select_only()
            .column(indicator::Column::Id)
            .filter(indicator::Column::ProgrammeId.eq(programme_id))
            .into_tuple()
            .all(&self.db)
            .await?;
        Ok(indicator_value::Entity::find()
            .filter(indicator_value::Column::IndicatorId.is_in(ids))
            .filter(indicator_value::Column::Year.eq(year))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|v| IndicatorValue {
                indicator_id: v.indicator_id,
                alliance_id: v.alliance_id,
                year: v.year,
                target: v.target,
                actual: v.actual,
                note: v.note,
            })
            .collect())
    }

    /// Writes one alliance's targets and typed figures for a year. A typed figure of a
    /// computed indicator is refused: those come from the data.
    ///
    /// `seen` holds the values as the form showed them, when the caller has a form: a value
    /// left as shown is not written (someone may have saved another since), and one changed
    /// both here and by someone else since is a conflict. Conflicts write nothing and come back
    /// as the values stored now; an empty list means everything was saved.
    pub async fn save_indicator_values(
        &self,
        actor: &Actor,
        programme_id: i64,
        alliance: AllianceId,
        year: i32,
        values: &[IndicatorValue],
        seen: Option<&[IndicatorValue]>,
    ) -> Result<Vec<IndicatorValue>, StoreError> {
        let txn = self.begin_write().await?;
        let p = load_programme(&txn, programme_id).await?;
        if !(p.first_year..=p.last_year).contains(&year) {
            return Err(StoreError::Refused("err-programme-year-outside-plain"));
        }
        let mut before: Vec<IndicatorValue> = Vec::new();
        let mut after: Vec<IndicatorValue> = Vec::new();
        let mut conflicts: Vec<IndicatorValue> = Vec::new();
        let blank = |v: &IndicatorValue| IndicatorValue {
            target: None,
            actual: None,
            note: None,
            ..v.clone()
        };
        let same = |a: &IndicatorValue, b: &IndicatorValue| {
            (a.target, a.actual, &a.note) == (b.target, b.actual, &b.note)
        };
        for v in values {
            let Some(ind) = p.indicators.iter().find(|i| i.id == v.indicator_id) else {
                return Err(StoreError::NotFound);
            };
            if ind.measure.computed() && v.actual.is_some() {
                return Err(StoreError::Refused("err-indicator-computed"));
            }
            let old = indicator_value::Entity::find()
                .filter(indicator_value::Column::IndicatorId.eq(v.indicator_id))
                .filter(indicator_value::Column::AllianceId.eq(alliance.0))
                .filter(indicator_value::Column::Year.eq(year))
                .one(&txn)
                .await?;
            let new = IndicatorValue {
                alliance_id: alliance.0,
                year,
                ..v.clone()
            };
            if let Some(seen) = seen {
                let shown = seen
                    .iter()
                    .find(|s| s.indicator_id == v.indicator_id)
                    .cloned()
                    .unwrap_or_else(|| blank(&new));
                let stored = old.as_ref().map_or_else(
                    || blank(&new),
                    |o| IndicatorValue {
                        target: o.target,
                        actual: o.actual,
                        note: o.note.clone(),
                        ..new.clone()
                    },
                );
                if same(&new, &shown) {
                    // Left as shown: whatever is stored now stays.
                    continue;
                }
                if !same(&stored, &shown) && !same(&stored, &new) {
                    conflicts.push(stored);
                    continue;
                }
            }
            match old {
                Some(o) => {
                    let old_value = IndicatorValue {
                        indicator_id: o.indicator_id,
                        alliance_id: o.alliance_id,
                        year: o.year,
                        target: o.target,
                        actual: o.actual,
                        note: o.note.clone(),
                    };
                    if old_value == new {
                        continue;
                    }
                    let mut a: indicator_value::ActiveModel = o.into();
                    a.target = Set(new.target);
                    a.actual = Set(new.actual);
                    a.note = Set(new.note.clone());
                    a.actor_name = Set(actor.name.clone());
                    a.updated_at = Set(crate::now());
                    a.update(&txn).await?;
                    before.push(old_value);
                }
                None => {
                    if new.target.is_none() && new.actual.is_none() && new.note.is_none() {
                        continue;
                    }
                    indicator_value::ActiveModel {
                        indicator_id: Set(new.indicator_id),
                        alliance_id: Set(alliance.0),
                        year: Set(year),
                        target: Set(new.target),
                        actual: Set(new.actual),
                        note: Set(new.note.clone()),
                        actor_name: Set(actor.name.clone()),
                        updated_at: Set(crate::now()),
                        ..Default::default()
                    }
                    .insert(&txn)
                    .await
                    .on_unique("indicator")?;
                }
            }
            after.push(new);
        }
        if !conflicts.is_empty() {
            // All or nothing: the transaction ends unwritten.
            return Ok(conflicts);
        }
        if !after.is_empty() {
            let key = format!("{programme_id}/{}/{year}", alliance.0);
            record(
                &txn,
                actor,
                "indicator_values",
                &key,
                Op::Update,
                Some(&before),
                Some(&after),
            )
            .await?;
        }
        txn.commit().await?;
        Ok(Vec::new())
    }

    /// The saved text of a review, if any was written.
    pub async fn review_text(
        &self,
        programme_id: i64,
        year: i32,
        alliance: Option<AllianceId>,
    ) -> Result<Option<SavedReview>, StoreError> {
        let m = review::Entity::find()
            .filter(review::Column::ProgrammeId.eq(programme_id))
            .filter(review::Column::Year.eq(year))
            .filter(review::Column::Scope.eq(review_scope(alliance)))
            .one(&self.db)
            .await?;
        Ok(m.map(|m| SavedReview {
            text: ReviewText {
                number: m.number,
                place: m.place,
                issued_on: m.issued_on,
                signer_role: m.signer_role,
                signer_name: m.signer_name,
                recipients: m.recipients.unwrap_or_default(),
                narrative: m
                    .narrative
                    .as_deref()
                    .and_then(|n| serde_json::from_str(n).ok())
                    .unwrap_or_default(),
            },
            actor_name: m.actor_name,
            updated_at: m.updated_at,
            version: m.version,
        }))
    }

    /// Saves the text of a review (creating it, or changing it at `expected_version`).
    pub async fn save_review_text(
        &self,
        actor: &Actor,
        programme_id: i64,
        year: i32,
        alliance: Option<AllianceId>,
        text: &ReviewText,
        expected_version: Option<i32>,
    ) -> Result<SavedReview, StoreError> {
        let txn = self.begin_write().await?;
        load_programme(&txn, programme_id).await?;
        let scope = review_scope(alliance);
        let old = review::Entity::find()
            .filter(review::Column::ProgrammeId.eq(programme_id))
            .filter(review::Column::Year.eq(year))
            .filter(review::Column::Scope.eq(scope.clone()))
            .one(&txn)
            .await?;
        let narrative = serde_json::to_string(&text.narrative).unwrap_or_else(|_| "{}".into());
        let now = crate::now();
        let before = old.as_ref().map(|o| (o.number.clone(), o.narrative.clone()));
        match (old, expected_version) {
            (Some(o), Some(v)) => {
                let a = review::ActiveModel {
                    number: Set(text.number.clone()),
                    place: Set(text.place.clone()),
                    issued_on: Set(text.issued_on.clone()),
                    signer_role: Set(text.signer_role.clone()),
                    signer_name: Set(text.signer_name.clone()),
                    recipients: Set(Some(text.recipients.clone())),
                    narrative: Set(Some(narrative)),
                    actor_name: Set(actor.name.clone()),
                    updated_at: Set(now),
                    version: Set(v + 1),
                    ..Default::default()
                };
                crate::versioned::save_versioned(
                    &txn,
                    a,
                    (review::Column::Id, o.id),
                    (review::Column::Version, v),
                    "review",
                )
                .await?;
            }
            (Some(_), None) => return Err(StoreError::Conflict),
            (None, _) => {
                review::ActiveModel {
                    programme_id: Set(programme_id),
                    year: Set(year),
                    scope: Set(scope.clone()),
                    number: Set(text.number.clone()),
                    place: Set(text.place.clone()),
                    issued_on: Set(text.issued_on.clone()),
                    signer_role: Set(text.signer_role.clone()),
                    signer_name: Set(text.signer_name.clone()),
                    recipients: Set(Some(text.recipients.clone())),
                    narrative: Set(Some(narrative)),
                    actor_name: Set(actor.name.clone()),
                    updated_at: Set(now),
                    version: Set(1),
                    ..Default::default()
                }
                .insert(&txn)
                .await
                .on_unique("review")?;
            }
        }
        let key = format!("{programme_id}/{year}/{scope}");
        let op = if before.is_some() { Op::Update } else { Op::Create };
        record(
            &txn,
            actor,
            "programme_review",
            &key,
            op,
            before.as_ref(),
            Some(text),
        )
        .await?;
        txn.commit().await?;
        self.review_text(programme_id, year, alliance)
            .await?
            .ok_or(StoreError::NotFound)
    }
}

/// The most photos and files one activity keeps.
pub const MAX_ACTIVITY_FILES: u64 = 30;

/// A photo or file of an activity; its bytes are in the object store.
#[derive(Debug, Clone, Serialize)]
pub struct ActivityFile {
    /// Id.
    pub id: i64,
    /// The activity.
    pub activity_id: i64,
    /// File name as uploaded.
    pub file_name: String,
    /// Content type, decided from the content.
    pub content_type: String,
    /// Object-store key of the file as uploaded.
    pub object_key: String,
    /// Object-store key of the display copy (photos).
    pub display_key: Option<String>,
    /// Object-store key of the thumbnail (photos).
    pub thumb_key: Option<String>,
    /// Bytes.
    pub size: i64,
    /// Who uploaded it.
    pub actor_name: String,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: time::OffsetDateTime,
}

impl ActivityFile {
    /// Whether it is a photo (it has a display copy).
    pub fn is_photo(&self) -> bool {
        self.display_key.is_some()
    }
}

fn to_activity_file(m: activity_file::Model) -> ActivityFile {
    ActivityFile {
        id: m.id,
        activity_id: m.activity_id,
        file_name: m.file_name,
        content_type: m.content_type,
        object_key: m.object_key,
        display_key: m.display_key,
        thumb_key: m.thumb_key,
        size: m.size,
        actor_name: m.actor_name,
        created_at: m.created_at,
    }
}

impl Store {
    /// Records a photo or file whose bytes are already in the object store; refused past
    /// [`MAX_ACTIVITY_FILES`].
    pub async fn add_activity_file(
        &self,
        actor: &Actor,
        file: &ActivityFile,
    ) -> Result<ActivityFile, StoreError> {
        let txn = self.begin_write().await?;
        load_activity(&txn, file.activity_id).await?;
        let count = activity_file::Entity::find()
            .filter(activity_file::Column::ActivityId.eq(file.activity_id))
            .count(&txn)
            .await?;
        if count >= MAX_ACTIVITY_FILES {
            return Err(StoreError::Refused("err-activity-files-full"));
        }
        let row = activity_file::ActiveModel {
            activity_id: Set(file.activity_id),
            kind: Set(if file.is_photo() { "photo" } else { "file" }.into()),
            file_name: Set(file.file_name.chars().take(200).collect()),
            content_type: Set(file.content_type.clone()),
            object_key: Set(file.object_key.clone()),
            display_key: Set(file.display_key.clone()),
            thumb_key: Set(file.thumb_key.clone()),
            size: Set(file.size),
            actor_name: Set(actor.name.chars().take(120).collect()),
            created_at: Set(crate::now()),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        let saved = to_activity_file(row);
        record_created(&txn, actor, "activity_file", &saved.id.to_string(), &saved).await?;
        txn.commit().await?;
        Ok(saved)
    }

    /// The photos and files of an activity, in upload order.
    pub async fn activity_files(&self, activity_id: i64) -> Result<Vec<ActivityFile>, StoreError> {
        Ok(activity_file::Entity::find()
            .filter(activity_file::Column::ActivityId.eq(activity_id))
            .order_by_asc(activity_file::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(to_activity_file)
            .collect())
    }

    /// One photo or file.
    pub async fn get_activity_file(&self, id: i64) -> Result<ActivityFile, StoreError> {
        file_row::<activity_file::Entity, _>(&self.db, id, to_activity_file).await
    }

    /// Removes a photo or file's record; returns it so its bytes can be removed.
    pub async fn delete_activity_file(&self, actor: &Actor, id: i64) -> Result<ActivityFile, StoreError> {
        delete_file_row::<activity_file::Entity, _>(self, actor, "activity_file", id, to_activity_file).await
    }
}
