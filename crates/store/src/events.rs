//! Trade-promotion events: the host alliance announces an event with its booth plan,
//! organisations apply with the products they will show, the host reviews, assigns booths,
//! checks exhibitors in on the day and collects their outcomes.
//!
//! Capacity is kept by the database. Approving takes booths with one conditional statement
//! (`approved = approved + n WHERE approved + n <= capacity`) under a CHECK constraint, so two
//! staff approving the last booth at the same moment on two nodes cannot both get it; the
//! second is told the type is full. Withdrawing or rejecting an approved application frees its
//! booths and offers them to the waitlist in the order it was formed.

use std::collections::{BTreeMap, HashMap};

use lienket_domain::event::{
    ApplicationDraft, ApplicationState, EventDraft, EventKind, EventStatus, Outcome, Window, pass_code,
    window,
};
use lienket_domain::ids::{AllianceId, OrganisationId};
use lienket_domain::policy::Resource;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, PaginatorTrait,
    PrimaryKeyTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde::Serialize;

use crate::changes::{Op, record, record_created};
use crate::entity::{
    application, application_product, booth, booth_type, event, event_file, organisation, product,
};
use crate::error::OnConstraint;
use crate::{Actor, Page, PageRequest, Store, StoreError};

/// One type of booth and how many are taken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BoothType {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Size as written.
    pub size: String,
    /// Booths of this type.
    pub capacity: i32,
    /// Fee per booth (đồng).
    pub fee: i64,
    /// Booths held by approved applications.
    pub approved: i32,
}

impl BoothType {
    /// Booths still free.
    pub fn free(&self) -> i32 {
        std::cmp::Ord::max(self.capacity - self.approved, 0)
    }
}

/// An event with its booth plan.
#[derive(Debug, Clone, Serialize)]
pub struct Event {
    /// Id.
    pub id: i64,
    /// Kind.
    pub kind: EventKind,
    /// Draft, published or cancelled.
    pub status: EventStatus,
    /// Title.
    pub title: String,
    /// Host alliance.
    pub host_alliance_id: AllianceId,
    /// Co-organising alliances.
    pub co_organisers: Vec<AllianceId>,
    /// Venue as written.
    pub venue: String,
    /// 2025 province of the venue, when the address was read.
    pub province_code: Option<String>,
    /// 2025 ward of the venue.
    pub ward_code: Option<String>,
    /// First day (`YYYY-MM-DD`).
    pub starts_on: String,
    /// Last day (`YYYY-MM-DD`).
    pub ends_on: String,
    /// Opening hours.
    pub opening_hours: Option<String>,
    /// When applications open.
    #[serde(with = "time::serde::rfc3339")]
    pub applications_open_at: time::OffsetDateTime,
    /// When applications close.
    #[serde(with = "time::serde::rfc3339")]
    pub applications_close_at: time::OffsetDateTime,
    /// Eligible OCOP group codes (empty: any product).
    pub eligible_groups: Vec<String>,
    /// Description.
    pub description: Option<String>,
    /// Booth plan.
    pub booth_types: Vec<BoothType>,
    /// When it was last changed.
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: time::OffsetDateTime,
    /// Optimistic-concurrency version.
    pub version: i32,
}

impl Event {
    /// The policy's view of the event.
    pub fn resource(&self) -> Resource<'_> {
        Resource::Event {
            host: self.host_alliance_id,
            co_organisers: &self.co_organisers,
            published: self.status != EventStatus::Draft,
        }
    }

    /// The application window now.
    pub fn window(&self, now: time::OffsetDateTime) -> Window {
        window(self.applications_open_at, self.applications_close_at, now)
    }

    /// Whether organisations may submit applications now.
    pub fn accepts_applications(&self, now: time::OffsetDateTime) -> bool {
        self.status == EventStatus::Published && self.window(now) == Window::Open
    }

    /// Total booths in the plan.
    pub fn capacity(&self) -> i32 {
        self.booth_types.iter().map(|b| b.capacity).sum()
    }

    /// Booths held by approved applications.
    pub fn approved_booths(&self) -> i32 {
        self.booth_types.iter().map(|b| b.approved).sum()
    }

    /// A booth type of this event.
    pub fn booth_type(&self, id: i64) -> Option<&BoothType> {
        self.booth_types.iter().find(|b| b.id == id)
    }
}

/// An application with what it asks for and where it stands.
#[derive(Debug, Clone, Serialize)]
pub struct Application {
    /// Id.
    pub id: i64,
    /// Event.
    pub event_id: i64,
    /// Applying organisation.
    pub organisation_id: OrganisationId,
    /// Its name.
    pub organisation_name: String,
    /// Its 2025 province.
    pub organisation_province: Option<String>,
    /// Its province before the July 2025 reorganisation, when its address tells.
    pub organisation_legacy_province: Option<String>,
    /// Its legal kind (stored name).
    pub organisation_kind: String,
    /// Its managing alliance.
    pub organisation_alliance: Option<AllianceId>,
    /// Booth type.
    pub booth_type_id: i64,
    /// Booths asked for.
    pub booth_count: i32,
    /// Products to show.
    pub products: Vec<i64>,
    /// Contact on site.
    pub contact_name: String,
    /// Phone (E.164).
    pub contact_phone: String,
    /// Notes.
    pub notes: Option<String>,
    /// State.
    pub state: ApplicationState,
    /// The reviewer's note.
    pub review_note: Option<String>,
    /// Who reviewed it.
    pub reviewer_name: Option<String>,
    /// When it was submitted.
    #[serde(with = "time::serde::rfc3339::option")]
    pub submitted_at: Option<time::OffsetDateTime>,
    /// When it was reviewed.
    #[serde(with = "time::serde::rfc3339::option")]
    pub reviewed_at: Option<time::OffsetDateTime>,
    /// When it joined the waitlist (its place in line).
    #[serde(with = "time::serde::rfc3339::option")]
    pub waitlisted_at: Option<time::OffsetDateTime>,
    /// The pass code, once approved.
    pub pass_code: Option<String>,
    /// When the exhibitor arrived.
    #[serde(with = "time::serde::rfc3339::option")]
    pub checked_in_at: Option<time::OffsetDateTime>,
    /// Who checked them in.
    pub checked_in_by: Option<String>,
    /// Outcomes, once reported.
    pub outcome: Option<Outcome>,
    /// Outcomes in words.
    pub outcome_note: Option<String>,
    /// Assigned booth numbers.
    pub booths: Vec<String>,
    /// Optimistic-concurrency version.
    pub version: i32,
}

impl Application {
    /// The policy's view of the application, at an event hosted by `host`.
    pub fn resource(&self, host: AllianceId) -> Resource<'static> {
        Resource::Application {
            organisation: self.organisation_id,
            managed_by: self.organisation_alliance,
            host,
        }
    }
}

/// Filters of the event list.
#[derive(Debug, Clone, Default)]
pub struct EventFilter {
    /// Only announced (and cancelled) events: what the public sees.
    pub public_only: bool,
    /// Events hosted by, or co-organised with, this alliance.
    pub alliance: Option<AllianceId>,
    /// Kind.
    pub kind: Option<EventKind>,
    /// Events that end on or after this day (`YYYY-MM-DD`).
    pub from: Option<String>,
    /// Events that start on or before this day.
    pub to: Option<String>,
    /// Events that ended before this day.
    pub ended_before: Option<String>,
    /// Newest first (past events) instead of soonest first.
    pub newest_first: bool,
}

/// An event in a list, with its exhibitor count.
#[derive(Debug, Clone, Serialize)]
pub struct EventListItem {
    /// The event.
    pub event: Event,
    /// Approved exhibitors.
    pub exhibitors: u64,
    /// Applications waiting for review.
    pub pending: u64,
}

/// One line of participation statistics: a group and how many exhibitors and booths.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct ParticipationRow {
    /// Province code, alliance id, kind or group code.
    pub key: String,
    /// Exhibitors.
    pub exhibitors: u64,
    /// Booths they hold.
    pub booths: u64,
    /// Products they show.
    pub products: u64,
}

/// Who exhibits at an event, counted the ways staff report it.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Participation {
    /// Approved exhibitors.
    pub exhibitors: u64,
    /// Whether provinces are counted in the units before July 2025 (the event took place
    /// before the reorganisation): keys of `by_province` are then legacy province codes, and
    /// the empty key counts exhibitors whose province of the time is not known.
    pub legacy_units: bool,
    /// By legal kind of organisation.
    pub by_kind: Vec<ParticipationRow>,
    /// By 2025 province.
    pub by_province: Vec<ParticipationRow>,
    /// By managing alliance.
    pub by_alliance: Vec<ParticipationRow>,
    /// By OCOP product group of the products shown.
    pub by_group: Vec<ParticipationRow>,
    /// Products shown.
    pub products: u64,
    /// Exhibitors who arrived.
    pub checked_in: u64,
    /// Exhibitors who reported outcomes.
    pub reported: u64,
    /// Sales reported (đồng).
    pub sales: i64,
    /// Contracts reported.
    pub contracts: i64,
    /// Buyers met.
    pub buyers: i64,
}

/// A product shown at an event, for the public page.
#[derive(Debug, Clone, Serialize)]
pub struct ShownProduct {
    /// Product id.
    pub id: i64,
    /// Its public code (`/p/{code}`).
    pub code: String,
    /// Name.
    pub name: String,
    /// OCOP stars, when certified.
    pub stars: Option<i32>,
    /// Group code.
    pub group_code: Option<String>,
    /// The exhibitor.
    pub organisation_id: i64,
}

/// The day the two-level administrative units took effect (1 July 2025).
const REORGANISATION_DAY: &str = "2025-07-01";

/// `YYYY-MM-DD` of a day, as dates are stored.
pub(crate) fn day(d: lienket_domain::lenient::Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
}

fn ids_csv(ids: &[AllianceId]) -> String {
    ids.iter().map(|a| a.0.to_string()).collect::<Vec<_>>().join(",")
}

fn to_event(m: event::Model, booth_types: Vec<BoothType>) -> Event {
    Event {
        id: m.id,
        kind: EventKind::parse(&m.kind).unwrap_or(EventKind::Fair),
        status: EventStatus::parse(&m.status).unwrap_or(EventStatus::Draft),
        title: m.title,
        host_alliance_id: AllianceId(m.host_alliance_id),
        co_organisers: m
            .co_organisers
            .split(',')
            .filter_map(|s| s.trim().parse().ok().map(AllianceId))
            .collect(),
        venue: m.venue,
        province_code: m.province_code,
        ward_code: m.ward_code,
        starts_on: m.starts_on,
        ends_on: m.ends_on,
        opening_hours: m.opening_hours,
        applications_open_at: m.applications_open_at,
        applications_close_at: m.applications_close_at,
        eligible_groups: m
            .eligible_groups
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect(),
        description: m.description,
        booth_types,
        updated_at: m.updated_at,
        version: m.version,
    }
}

fn to_booth_type(m: booth_type::Model) -> BoothType {
    BoothType {
        id: m.id,
        name: m.name,
        size: m.size,
        capacity: m.capacity,
        fee: m.fee,
        approved: m.approved,
    }
}

fn fill_event(a: &mut event::ActiveModel, d: &EventDraft, place: (Option<String>, Option<String>)) {
    a.kind = Set(d.kind.as_str().into());
    a.title = Set(d.title.clone());
    a.co_organisers = Set(ids_csv(&d.co_organisers));
    a.venue = Set(d.venue.clone());
    a.province_code = Set(place.0);
    a.ward_code = Set(place.1);
    a.starts_on = Set(day(d.starts_on));
    a.ends_on = Set(day(d.ends_on));
    a.opening_hours = Set(d.opening_hours.clone());
    // Kept in UTC, so both engines give back the same text for the same moment.
    a.applications_open_at = Set(d.applications_open_at.to_offset(time::UtcOffset::UTC));
    a.applications_close_at = Set(d.applications_close_at.to_offset(time::UtcOffset::UTC));
    a.eligible_groups = Set(d.eligible_groups.join(","));
    a.description = Set(d.description.clone());
}

/// Organisation facts an application shows.
struct OrgFacts {
    name: String,
    province: Option<String>,
    legacy_province: Option<String>,
    kind: String,
    alliance: Option<i64>,
}

/// The pre-2025 province of an organisation: from its legacy ward, else read from its address;
/// an address that names only a province kept by the reorganisation ("Lào Cai") is that
/// province before as after.
fn legacy_province(
    legacy_ward: Option<&str>,
    address: Option<&str>,
    province: Option<&str>,
) -> Option<String> {
    let units = lienket_domain::admin_units::units();
    if let Some(w) = legacy_ward.and_then(|w| units.legacy_ward(w)) {
        return Some(w.province_code.to_string());
    }
    if let Some(l) = address.and_then(|a| lienket_domain::admin_units::parse_address(a).legacy) {
        return Some(l.province.code.to_string());
    }
    let now = units.province_2025(province?)?;
    units
        .legacy_provinces()
        .iter()
        .find(|l| l.name == now.name)
        .map(|l| l.code.to_string())
}

async fn org_facts<C: ConnectionTrait>(c: &C, ids: &[i64]) -> Result<HashMap<i64, OrgFacts>, StoreError> {
    let mut out = HashMap::new();
    for chunk in ids.chunks(500) {
        type Row = (
            i64,
            String,
            Option<String>,
            String,
            Option<i64>,
            Option<String>,
            Option<String>,
        );
        let rows: Vec<Row> = organisation::Entity::find()
            .select_only()
            .column(organisation::Column::Id)
            .column(organisation::Column::Name)
            .column(organisation::Column::ProvinceCode)
            .column(organisation::Column::Kind)
            .column(organisation::Column::AllianceId)
            .column(organisation::Column::LegacyWardCode)
            .column(organisation::Column::Address)
            .filter(organisation::Column::Id.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(c)
            .await?;
        for (id, name, province, kind, alliance, legacy_ward, address) in rows {
            out.insert(
                id,
                OrgFacts {
                    name,
                    legacy_province: legacy_province(
                        legacy_ward.as_deref(),
                        address.as_deref(),
                        province.as_deref(),
                    ),
                    province,
                    kind,
                    alliance,
                },
            );
        }
    }
    Ok(out)
}

/// Reads applications with their organisations, products and booths.
async fn hydrate<C: ConnectionTrait>(
    c: &C,
    rows: Vec<application::Model>,
) -> Result<Vec<Application>, StoreError> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let org_ids: Vec<i64> = rows.iter().map(|r| r.organisation_id).collect();
    let orgs = org_facts(c, &org_ids).await?;
    let mut products: HashMap<i64, Vec<i64>> = HashMap::new();
    let mut booths: HashMap<i64, Vec<String>> = HashMap::new();
    for chunk in ids.chunks(500) {
        for p in application_product::Entity::find()
            .filter(application_product::Column::ApplicationId.is_in(chunk.iter().copied()))
            .order_by_asc(application_product::Column::Id)
            .all(c)
            .await?
        {
            products.entry(p.application_id).or_default().push(p.product_id);
        }
        for b in booth::Entity::find()
            .filter(booth::Column::ApplicationId.is_in(chunk.iter().copied()))
            .order_by_asc(booth::Column::Number)
            .all(c)
            .await?
        {
            booths.entry(b.application_id).or_default().push(b.number);
        }
    }
    Ok(rows
        .into_iter()
        .map(|m| {
            let org = orgs.get(&m.organisation_id);
            let outcome = m.outcome_at.map(|_| Outcome {
                sales: m.sales.unwrap_or(0),
                contracts: m.contracts.unwrap_or(0),
                buyers: m.buyers.unwrap_or(0),
            });
            Application {
                id: m.id,
                event_id: m.event_id,
                organisation_id: OrganisationId(m.organisation_id),
                organisation_name: org.map(|o| o.name.clone()).unwrap_or_default(),
                organisation_province: org.and_then(|o| o.province.clone()),
                organisation_legacy_province: org.and_then(|o| o.legacy_province.clone()),
                organisation_kind: org.map(|o| o.kind.clone()).unwrap_or_default(),
                organisation_alliance: org.and_then(|o| o.alliance).map(AllianceId),
                booth_type_id: m.booth_type_id,
                booth_count: m.booth_count,
                products: products.remove(&m.id).unwrap_or_default(),
                contact_name: m.contact_name,
                contact_phone: m.contact_phone,
                notes: m.notes,
                state: ApplicationState::parse(&m.state).unwrap_or(ApplicationState::Draft),
                review_note: m.review_note,
                reviewer_name: m.reviewer_name,
                submitted_at: m.submitted_at,
                reviewed_at: m.reviewed_at,
                waitlisted_at: m.waitlisted_at,
                pass_code: m.pass_code,
                checked_in_at: m.checked_in_at,
                checked_in_by: m.checked_in_by,
                outcome,
                outcome_note: m.outcome_note,
                booths: booths.remove(&m.id).unwrap_or_default(),
                version: m.version,
            }
        })
        .collect())
}

async fn load_application<C: ConnectionTrait>(c: &C, id: i64) -> Result<Application, StoreError> {
    let m = application::Entity::find_by_id(id)
        .one(c)
        .await?
        .ok_or(StoreError::NotFound)?;
    hydrate(c, vec![m]).await?.pop().ok_or(StoreError::NotFound)
}

/// Holds an approved application for a change and bumps its version; refused with `key` when
/// it is no longer approved. On PostgreSQL the row lock orders the change after any withdrawal
/// or decision being committed, which then fails its version check instead of crossing it.
async fn hold_approved(txn: &DatabaseTransaction, id: i64, key: &'static str) -> Result<(), StoreError> {
    let res = application::Entity::update_many()
        .col_expr(
            application::Column::Version,
            Expr::col(application::Column::Version).add(1),
        )
        .col_expr(application::Column::UpdatedAt, Expr::value(crate::now()))
        .filter(application::Column::Id.eq(id))
        .filter(application::Column::State.eq(ApplicationState::Approved.as_str()))
        .exec(txn)
        .await?;
    if res.rows_affected == 0 {
        return Err(StoreError::Refused(key));
    }
    Ok(())
}

/// Whether the event's first day has come (Vietnam time).
fn started(ev: &Event) -> bool {
    day(lienket_domain::event::vietnam_day(time::OffsetDateTime::now_utc())) >= ev.starts_on
}

/// Reads an application back after a change and records the change in the log.
async fn logged(
    txn: &DatabaseTransaction,
    actor: &Actor,
    before: &Application,
) -> Result<Application, StoreError> {
    let after = load_application(txn, before.id).await?;
    record(
        txn,
        actor,
        "event_application",
        &before.id.to_string(),
        Op::Update,
        Some(before),
        Some(&after),
    )
    .await?;
    Ok(after)
}

/// Reads an event back after a change and records the change in the log.
async fn logged_event(txn: &DatabaseTransaction, actor: &Actor, before: &Event) -> Result<Event, StoreError> {
    let after = load_event(txn, before.id).await?;
    record(
        txn,
        actor,
        "event",
        &before.id.to_string(),
        Op::Update,
        Some(before),
        Some(&after),
    )
    .await?;
    Ok(after)
}

async fn load_event<C: ConnectionTrait>(c: &C, id: i64) -> Result<Event, StoreError> {
    let m = event::Entity::find_by_id(id)
        .one(c)
        .await?
        .ok_or(StoreError::NotFound)?;
    let types = booth_type::Entity::find()
        .filter(booth_type::Column::EventId.eq(id))
        .order_by_asc(booth_type::Column::Position)
        .order_by_asc(booth_type::Column::Id)
        .all(c)
        .await?
        .into_iter()
        .map(to_booth_type)
        .collect();
    Ok(to_event(m, types))
}

/// Takes `n` booths of a type if they are free; false when the type is full. The CHECK on
/// the table backs this up should any other path try.
async fn take_booths(txn: &DatabaseTransaction, booth_type_id: i64, n: i32) -> Result<bool, StoreError> {
    let res = booth_type::Entity::update_many()
        .col_expr(
            booth_type::Column::Approved,
            Expr::col(booth_type::Column::Approved).add(n),
        )
        .filter(booth_type::Column::Id.eq(booth_type_id))
        .filter(
            Expr::col(booth_type::Column::Approved)
                .add(n)
                .lte(Expr::col(booth_type::Column::Capacity)),
        )
        .exec(txn)
        .await?;
    Ok(res.rows_affected == 1)
}

async fn release_booths(txn: &DatabaseTransaction, app: &application::Model) -> Result<(), StoreError> {
    booth_type::Entity::update_many()
        .col_expr(
            booth_type::Column::Approved,
            Expr::col(booth_type::Column::Approved).sub(app.booth_count),
        )
        .filter(booth_type::Column::Id.eq(app.booth_type_id))
        .exec(txn)
        .await?;
    booth::Entity::delete_many()
        .filter(booth::Column::ApplicationId.eq(app.id))
        .exec(txn)
        .await?;
    Ok(())
}

fn new_pass_code() -> String {
    pass_code(uuid::Uuid::new_v4().as_u128())
}

/// Offers freed booths to the waitlist of a booth type, in the order it was formed: each
/// waitlisted application whose booths fit in what is free is approved; one that asks for more
/// than is free keeps its place, and the next one that fits is offered the booths. Returns the
/// ids approved.
async fn offer_to_waitlist(
    txn: &DatabaseTransaction,
    actor: &Actor,
    booth_type_id: i64,
) -> Result<Vec<i64>, StoreError> {
    let event_id: Option<i64> = booth_type::Entity::find_by_id(booth_type_id)
        .select_only()
        .column(booth_type::Column::EventId)
        .into_tuple()
        .one(txn)
        .await?;
    let ev = load_event(txn, event_id.ok_or(StoreError::NotFound)?).await?;
    if ev.status != EventStatus::Published || started(&ev) {
        // Nothing is offered for a cancelled event or one already under way.
        return Ok(Vec::new());
    }
    let waiting = application::Entity::find()
        .filter(application::Column::BoothTypeId.eq(booth_type_id))
        .filter(application::Column::State.eq(ApplicationState::Waitlisted.as_str()))
        .order_by_asc(application::Column::WaitlistedAt)
        .order_by_asc(application::Column::Id)
        .all(txn)
        .await?;
    let mut approved = Vec::new();
    for m in waiting {
        if !take_booths(txn, booth_type_id, m.booth_count).await? {
            continue;
        }
        let before = load_application(txn, m.id).await?;
        let now = crate::now();
        let res = application::Entity::update_many()
            .col_expr(
                application::Column::State,
                Expr::value(ApplicationState::Approved.as_str()),
            )
            .col_expr(application::Column::ReviewedAt, Expr::value(now))
            .col_expr(application::Column::ReviewerName, Expr::value(None::<String>))
            .col_expr(
                application::Column::ReviewNote,
                Expr::value("Được duyệt từ danh sách chờ khi có chỗ trống."),
            )
            .col_expr(application::Column::PassCode, Expr::value(new_pass_code()))
            .col_expr(application::Column::UpdatedAt, Expr::value(now))
            .col_expr(application::Column::Version, Expr::value(m.version + 1))
            .filter(application::Column::Id.eq(m.id))
            .filter(application::Column::State.eq(ApplicationState::Waitlisted.as_str()))
            .exec(txn)
            .await?;
        if res.rows_affected == 0 {
            // Decided on by someone else meanwhile: give the booths back.
            booth_type::Entity::update_many()
                .col_expr(
                    booth_type::Column::Approved,
                    Expr::col(booth_type::Column::Approved).sub(m.booth_count),
                )
                .filter(booth_type::Column::Id.eq(booth_type_id))
                .exec(txn)
                .await?;
            continue;
        }
        logged(txn, actor, &before).await?;
        approved.push(m.id);
    }
    Ok(approved)
}

impl Store {
    /// Announces (as a draft) a new event hosted by `host`.
    pub async fn create_event(
        &self,
        actor: &Actor,
        host: AllianceId,
        draft: &EventDraft,
        place: (Option<String>, Option<String>),
    ) -> Result<Event, StoreError> {
        let txn = self.begin_write().await?;
        let now = crate::now();
        let mut a = event::ActiveModel {
            status: Set(EventStatus::Draft.as_str().into()),
            host_alliance_id: Set(host.0),
            created_at: Set(now),
            updated_at: Set(now),
            version: Set(1),
            ..Default::default()
        };
        fill_event(&mut a, draft, place);
        let m = a.insert(&txn).await.on_unique("title")?;
        for (i, b) in draft.booth_types.iter().enumerate() {
            booth_type::ActiveModel {
                event_id: Set(m.id),
                position: Set(i as i32),
                name: Set(b.name.clone()),
                size: Set(b.size.clone()),
                capacity: Set(b.capacity),
                fee: Set(b.fee),
                approved: Set(0),
                ..Default::default()
            }
            .insert(&txn)
            .await
            .on_unique("booth_types")?;
        }
        let saved = load_event(&txn, m.id).await?;
        record_created(&txn, actor, "event", &saved.id.to_string(), &saved).await?;
        txn.commit().await?;
        Ok(saved)
    }

    /// Changes an event and its booth plan. A booth type keeps its id; a capacity below the
    /// booths already approved, or removing a type someone applied for, is refused.
    pub async fn update_event(
        &self,
        actor: &Actor,
        id: i64,
        expected_version: i32,
        draft: &EventDraft,
        place: (Option<String>, Option<String>),
    ) -> Result<Event, StoreError> {
        let txn = self.begin_write().await?;
        let before = load_event(&txn, id).await?;
        if before.version != expected_version {
            return Err(StoreError::Conflict);
        }
        let m = event::Entity::find_by_id(id)
            .one(&txn)
            .await?
            .ok_or(StoreError::NotFound)?;
        let mut a: event::ActiveModel = m.into();
        fill_event(&mut a, draft, place);
        a.updated_at = Set(crate::now());
        a.version = Set(expected_version + 1);
        crate::versioned::save_versioned(
            &txn,
            a,
            (event::Column::Id, id),
            (event::Column::Version, expected_version),
            "title",
        )
        .await?;
        let kept: Vec<i64> = draft.booth_types.iter().filter_map(|b| b.id).collect();
        for old in &before.booth_types {
            if kept.contains(&old.id) {
                continue;
            }
            let used = application::Entity::find()
                .filter(application::Column::BoothTypeId.eq(old.id))
                .count(&txn)
                .await?;
            if used > 0 {
                return Err(StoreError::Refused("err-booth-type-in-use"));
            }
            booth_type::Entity::delete_by_id(old.id).exec(&txn).await?;
        }
        let mut grown = Vec::new();
        for (i, b) in draft.booth_types.iter().enumerate() {
            match b.id.and_then(|bid| before.booth_type(bid)) {
                Some(old) => {
                    // Conditional, so an approval committed meanwhile is never squeezed out.
                    let res = booth_type::Entity::update_many()
                        .col_expr(booth_type::Column::Position, Expr::value(i as i32))
                        .col_expr(booth_type::Column::Name, Expr::value(b.name.clone()))
                        .col_expr(booth_type::Column::Size, Expr::value(b.size.clone()))
                        .col_expr(booth_type::Column::Capacity, Expr::value(b.capacity))
                        .col_expr(booth_type::Column::Fee, Expr::value(b.fee))
                        .filter(booth_type::Column::Id.eq(old.id))
                        .filter(booth_type::Column::Approved.lte(b.capacity))
                        .exec(&txn)
                        .await
                        .on_unique("booth_types")?;
                    if res.rows_affected == 0 {
                        return Err(StoreError::Refused("err-booth-capacity-below-approved"));
                    }
                    if b.capacity > old.capacity {
                        grown.push(old.id);
                    }
                }
                None => {
                    booth_type::ActiveModel {
                        event_id: Set(id),
                        position: Set(i as i32),
                        name: Set(b.name.clone()),
                        size: Set(b.size.clone()),
                        capacity: Set(b.capacity),
                        fee: Set(b.fee),
                        approved: Set(0),
                        ..Default::default()
                    }
                    .insert(&txn)
                    .await
                    .on_unique("booth_types")?;
                }
            }
        }
        // Booths added to a type go to its waitlist first.
        for t in grown {
            offer_to_waitlist(&txn, actor, t).await?;
        }
        let after = logged_event(&txn, actor, &before).await?;
        txn.commit().await?;
        Ok(after)
    }

    /// Publishes, cancels or takes back an event.
    pub async fn set_event_status(
        &self,
        actor: &Actor,
        id: i64,
        expected_version: i32,
        status: EventStatus,
    ) -> Result<Event, StoreError> {
        let txn = self.begin_write().await?;
        let before = load_event(&txn, id).await?;
        if before.version != expected_version {
            return Err(StoreError::Conflict);
        }
        let allowed = match (before.status, status) {
            (EventStatus::Draft, EventStatus::Published)
            | (EventStatus::Published, EventStatus::Cancelled) => true,
            // Back to a draft only while nobody has applied: applicants keep their event.
            (EventStatus::Published, EventStatus::Draft) => {
                application::Entity::find()
                    .filter(application::Column::EventId.eq(id))
                    .filter(application::Column::State.ne(ApplicationState::Draft.as_str()))
                    .count(&txn)
                    .await?
                    == 0
            }
            _ => false,
        };
        if !allowed {
            return Err(StoreError::Refused("err-event-status"));
        }
        let res = event::Entity::update_many()
            .col_expr(event::Column::Status, Expr::value(status.as_str()))
            .col_expr(event::Column::UpdatedAt, Expr::value(crate::now()))
            .col_expr(event::Column::Version, Expr::value(expected_version + 1))
            .filter(event::Column::Id.eq(id))
            .filter(event::Column::Version.eq(expected_version))
            .exec(&txn)
            .await?;
        if res.rows_affected == 0 {
            return Err(StoreError::Conflict);
        }
        let after = logged_event(&txn, actor, &before).await?;
        txn.commit().await?;
        Ok(after)
    }

    /// One event with its booth plan.
    pub async fn get_event(&self, id: i64) -> Result<Event, StoreError> {
        load_event(&self.db, id).await
    }

    /// Events matching the filter, soonest first (or newest first), with exhibitor counts.
    pub async fn list_events(
        &self,
        filter: &EventFilter,
        page: PageRequest,
    ) -> Result<Page<EventListItem>, StoreError> {
        let mut q = event::Entity::find();
        if filter.public_only {
            q = q.filter(event::Column::Status.ne(EventStatus::Draft.as_str()));
        }
        if let Some(a) = filter.alliance {
            // Co-organisers are kept as "1,2,3": match the id as a whole item.
            let id = a.0.to_string();
            q = q.filter(
                event::Column::HostAllianceId
                    .eq(a.0)
                    .or(event::Column::CoOrganisers.eq(id.clone()))
                    .or(event::Column::CoOrganisers.like(format!("{id},%")))
                    .or(event::Column::CoOrganisers.like(format!("%,{id}")))
                    .or(event::Column::CoOrganisers.like(format!("%,{id},%"))),
            );
        }
        if let Some(k) = filter.kind {
            q = q.filter(event::Column::Kind.eq(k.as_str()));
        }
        if let Some(from) = &filter.from {
            q = q.filter(event::Column::EndsOn.gte(from.clone()));
        }
        if let Some(to) = &filter.to {
            q = q.filter(event::Column::StartsOn.lte(to.clone()));
        }
        if let Some(before) = &filter.ended_before {
            q = q.filter(event::Column::EndsOn.lt(before.clone()));
        }
        let total = q.clone().count(&self.db).await?;
        q = if filter.newest_first {
            q.order_by_desc(event::Column::StartsOn)
                .order_by_desc(event::Column::Id)
        } else {
            q.order_by_asc(event::Column::StartsOn)
                .order_by_asc(event::Column::Id)
        };
        let rows = q.offset(page.offset()).limit(page.per_page).all(&self.db).await?;
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let mut types: HashMap<i64, Vec<BoothType>> = HashMap::new();
        for t in booth_type::Entity::find()
            .filter(booth_type::Column::EventId.is_in(ids.clone()))
            .order_by_asc(booth_type::Column::Position)
            .all(&self.db)
            .await?
        {
            types.entry(t.event_id).or_default().push(to_booth_type(t));
        }
        let counts: Vec<(i64, String, i64)> = application::Entity::find()
            .select_only()
            .column(application::Column::EventId)
            .column(application::Column::State)
            .column_as(application::Column::Id.count(), "n")
            .filter(application::Column::EventId.is_in(ids))
            .group_by(application::Column::EventId)
            .group_by(application::Column::State)
            .into_tuple()
            .all(&self.db)
            .await?;
        let mut by_event: HashMap<i64, (u64, u64)> = HashMap::new();
        for (event_id, state, n) in counts {
            let e = by_event.entry(event_id).or_default();
            match ApplicationState::parse(&state) {
                Some(ApplicationState::Approved) => e.0 += n as u64,
                Some(ApplicationState::Submitted) => e.1 += n as u64,
                _ => {}
            }
        }
        let items = rows
            .into_iter()
            .map(|m| {
                let id = m.id;
                let (exhibitors, pending) = by_event.get(&id).copied().unwrap_or_default();
                EventListItem {
                    event: to_event(m, types.remove(&id).unwrap_or_default()),
                    exhibitors,
                    pending,
                }
            })
            .collect();
        Ok(Page {
            items,
            total,
            page: page.page,
            per_page: page.per_page,
        })
    }

    /// The application of an organisation to an event, if it has one.
    pub async fn application_of(
        &self,
        event_id: i64,
        org: OrganisationId,
    ) -> Result<Option<Application>, StoreError> {
        let m = application::Entity::find()
            .filter(application::Column::EventId.eq(event_id))
            .filter(application::Column::OrganisationId.eq(org.0))
            .one(&self.db)
            .await?;
        match m {
            Some(m) => Ok(hydrate(&self.db, vec![m]).await?.pop()),
            None => Ok(None),
        }
    }

    /// One application.
    pub async fn get_application(&self, id: i64) -> Result<Application, StoreError> {
        load_application(&self.db, id).await
    }

    /// Every application of an organisation, newest event first, with the events.
    pub async fn applications_of_organisation(
        &self,
        org: OrganisationId,
    ) -> Result<Vec<(Application, Event)>, StoreError> {
        let rows = application::Entity::find()
            .filter(application::Column::OrganisationId.eq(org.0))
            .order_by_desc(application::Column::Id)
            .all(&self.db)
            .await?;
        let apps = hydrate(&self.db, rows).await?;
        let mut out = Vec::with_capacity(apps.len());
        for a in apps {
            let e = load_event(&self.db, a.event_id).await?;
            out.push((a, e));
        }
        Ok(out)
    }

    /// Applications to an event, optionally in one state, in the order they were submitted.
    pub async fn event_applications(
        &self,
        event_id: i64,
        state: Option<ApplicationState>,
    ) -> Result<Vec<Application>, StoreError> {
        let mut q = application::Entity::find().filter(application::Column::EventId.eq(event_id));
        if let Some(s) = state {
            q = q.filter(application::Column::State.eq(s.as_str()));
        }
        let rows = q
            .order_by_asc(application::Column::SubmittedAt)
            .order_by_asc(application::Column::Id)
            .all(&self.db)
            .await?;
        hydrate(&self.db, rows).await
    }

    /// Creates or changes an organisation's application, as a draft or submitted.
    ///
    /// Refused (with the catalogue key saying why): an event that is not announced, a window
    /// that is not open (to submit), a booth type of another event or without the booths asked
    /// for left (to submit), a product of another
    /// organisation or withdrawn, a product outside the event's groups, a second application
    /// (one per organisation and event, kept by a unique index).
    #[allow(clippy::too_many_arguments)]
    pub async fn save_application(
        &self,
        actor: &Actor,
        event_id: i64,
        org: OrganisationId,
        draft: &ApplicationDraft,
        submit: bool,
        expected_version: Option<i32>,
        now: time::OffsetDateTime,
    ) -> Result<Application, StoreError> {
        let txn = self.begin_write().await?;
        let ev = load_event(&txn, event_id).await?;
        if ev.status != EventStatus::Published {
            return Err(StoreError::Refused("err-event-not-open"));
        }
        match ev.window(now) {
            Window::Closed => return Err(StoreError::Refused("err-application-window-closed")),
            Window::NotYet if submit => return Err(StoreError::Refused("err-application-window-not-yet")),
            _ => {}
        }
        match ev.booth_type(draft.booth_type_id) {
            None => return Err(StoreError::Refused("err-application-booth-type")),
            // Nothing left to offer: the organisation chooses another type (the waitlist is
            // for those who applied while booths were still free).
            Some(b) if submit && b.free() < draft.booth_count => {
                return Err(StoreError::Refused("err-application-booth-type-full"));
            }
            Some(_) => {}
        }
        let products: Vec<(i64, i64, String, Option<String>)> = product::Entity::find()
            .select_only()
            .column(product::Column::Id)
            .column(product::Column::OrganisationId)
            .column(product::Column::Status)
            .column(product::Column::GroupCode)
            .filter(product::Column::Id.is_in(draft.products.iter().copied()))
            .into_tuple()
            .all(&txn)
            .await?;
        if products.len() != draft.products.len() || products.iter().any(|p| p.1 != org.0) {
            return Err(StoreError::Refused("err-application-product-owner"));
        }
        // What is shown at a fair is what the public can look up in the catalogue.
        if products.iter().any(|p| p.2 != "published") {
            return Err(StoreError::Refused("err-application-product-withdrawn"));
        }
        if !ev.eligible_groups.is_empty() {
            let eligible = |g: &Option<String>| {
                g.as_deref()
                    .and_then(lienket_domain::ocop::ProductGroup::by_code)
                    .is_some_and(|g| ev.eligible_groups.iter().any(|e| e == g.statistics_group().code))
            };
            if products.iter().any(|p| !eligible(&p.3)) {
                return Err(StoreError::Refused("err-application-product-group"));
            }
        }
        let state = if submit {
            ApplicationState::Submitted
        } else {
            ApplicationState::Draft
        };
        let existing = application::Entity::find()
            .filter(application::Column::EventId.eq(event_id))
            .filter(application::Column::OrganisationId.eq(org.0))
            .one(&txn)
            .await?;
        let id = match existing {
            Some(m) => {
                let current = ApplicationState::parse(&m.state).unwrap_or(ApplicationState::Draft);
                if expected_version.is_none() {
                    return Err(StoreError::Refused("err-application-twice"));
                }
                if !current.editable() {
                    return Err(StoreError::Refused("err-application-not-editable"));
                }
                if expected_version != Some(m.version) {
                    return Err(StoreError::Conflict);
                }
                let before = load_application(&txn, m.id).await?;
                let res = application::Entity::update_many()
                    .col_expr(application::Column::BoothTypeId, Expr::value(draft.booth_type_id))
                    .col_expr(application::Column::BoothCount, Expr::value(draft.booth_count))
                    .col_expr(
                        application::Column::ContactName,
                        Expr::value(draft.contact_name.clone()),
                    )
                    .col_expr(
                        application::Column::ContactPhone,
                        Expr::value(draft.contact_phone.clone()),
                    )
                    .col_expr(application::Column::Notes, Expr::value(draft.notes.clone()))
                    .col_expr(application::Column::State, Expr::value(state.as_str()))
                    .col_expr(
                        application::Column::SubmittedAt,
                        Expr::value(if submit { Some(now) } else { None }),
                    )
                    .col_expr(application::Column::ReviewNote, Expr::value(None::<String>))
                    .col_expr(application::Column::ReviewerName, Expr::value(None::<String>))
                    .col_expr(
                        application::Column::ReviewedAt,
                        Expr::value(None::<time::OffsetDateTime>),
                    )
                    .col_expr(
                        application::Column::WaitlistedAt,
                        Expr::value(None::<time::OffsetDateTime>),
                    )
                    // An application made again after a withdrawal starts afresh: no pass,
                    // arrival or results.
                    .col_expr(application::Column::PassCode, Expr::value(None::<String>))
                    .col_expr(
                        application::Column::CheckedInAt,
                        Expr::value(None::<time::OffsetDateTime>),
                    )
                    .col_expr(application::Column::CheckedInBy, Expr::value(None::<String>))
                    .col_expr(application::Column::Sales, Expr::value(None::<i64>))
                    .col_expr(application::Column::Contracts, Expr::value(None::<i32>))
                    .col_expr(application::Column::Buyers, Expr::value(None::<i32>))
                    .col_expr(application::Column::OutcomeNote, Expr::value(None::<String>))
                    .col_expr(
                        application::Column::OutcomeAt,
                        Expr::value(None::<time::OffsetDateTime>),
                    )
                    .col_expr(application::Column::UpdatedAt, Expr::value(crate::now()))
                    .col_expr(application::Column::Version, Expr::value(m.version + 1))
                    .filter(application::Column::Id.eq(m.id))
                    .filter(application::Column::Version.eq(m.version))
                    .exec(&txn)
                    .await?;
                if res.rows_affected == 0 {
                    return Err(StoreError::Conflict);
                }
                application_product::Entity::delete_many()
                    .filter(application_product::Column::ApplicationId.eq(m.id))
                    .exec(&txn)
                    .await?;
                insert_products(&txn, m.id, &draft.products).await?;
                logged(&txn, actor, &before).await?;
                m.id
            }
            None => {
                let created = crate::now();
                let m = application::ActiveModel {
                    event_id: Set(event_id),
                    organisation_id: Set(org.0),
                    booth_type_id: Set(draft.booth_type_id),
                    booth_count: Set(draft.booth_count),
                    contact_name: Set(draft.contact_name.clone()),
                    contact_phone: Set(draft.contact_phone.clone()),
                    notes: Set(draft.notes.clone()),
                    state: Set(state.as_str().into()),
                    submitted_at: Set(submit.then_some(now)),
                    created_at: Set(created),
                    updated_at: Set(created),
                    version: Set(1),
                    ..Default::default()
                }
                .insert(&txn)
                .await
                .map_err(|e| match StoreError::from_db(e, "application") {
                    StoreError::Duplicate(_) => StoreError::Refused("err-application-twice"),
                    other => other,
                })?;
                insert_products(&txn, m.id, &draft.products).await?;
                let after = load_application(&txn, m.id).await?;
                record_created(&txn, actor, "event_application", &m.id.to_string(), &after).await?;
                m.id
            }
        };
        let saved = load_application(&txn, id).await?;
        txn.commit().await?;
        Ok(saved)
    }

    /// Staff decide on an application: approve (taking its booths, or refused when the type is
    /// full), waitlist, or reject (an approved one gives its booths back to the waitlist).
    pub async fn review_application(
        &self,
        actor: &Actor,
        id: i64,
        expected_version: i32,
        decision: ApplicationState,
        note: Option<String>,
    ) -> Result<Application, StoreError> {
        let txn = self.begin_write().await?;
        let m = application::Entity::find_by_id(id)
            .one(&txn)
            .await?
            .ok_or(StoreError::NotFound)?;
        if m.version != expected_version {
            return Err(StoreError::Conflict);
        }
        let current = ApplicationState::parse(&m.state).unwrap_or(ApplicationState::Draft);
        if !current.decisions().contains(&decision) {
            return Err(StoreError::Refused("err-application-decision"));
        }
        let ev = load_event(&txn, m.event_id).await?;
        if decision == ApplicationState::Approved && ev.status != EventStatus::Published {
            return Err(StoreError::Refused("err-event-not-open"));
        }
        if current.holds_booths() && started(&ev) {
            // An exhibitor already at the fair stays in its figures.
            return Err(StoreError::Refused("err-application-started"));
        }
        let before = load_application(&txn, id).await?;
        let now = crate::now();
        let mut pass = m.pass_code.clone();
        let mut waitlisted_at = m.waitlisted_at;
        match decision {
            ApplicationState::Approved => {
                if !take_booths(&txn, m.booth_type_id, m.booth_count).await? {
                    return Err(StoreError::Refused("err-booth-type-full"));
                }
                pass = Some(new_pass_code());
            }
            ApplicationState::Waitlisted => waitlisted_at = Some(now),
            _ => {}
        }
        if current.holds_booths() {
            release_booths(&txn, &m).await?;
            pass = None;
        }
        let res = application::Entity::update_many()
            .col_expr(application::Column::State, Expr::value(decision.as_str()))
            .col_expr(application::Column::ReviewNote, Expr::value(note))
            .col_expr(application::Column::ReviewerName, Expr::value(actor.name.clone()))
            .col_expr(application::Column::ReviewedAt, Expr::value(now))
            .col_expr(application::Column::WaitlistedAt, Expr::value(waitlisted_at))
            .col_expr(application::Column::PassCode, Expr::value(pass))
            .col_expr(application::Column::UpdatedAt, Expr::value(now))
            .col_expr(application::Column::Version, Expr::value(expected_version + 1))
            .filter(application::Column::Id.eq(id))
            .filter(application::Column::Version.eq(expected_version))
            .exec(&txn)
            .await?;
        if res.rows_affected == 0 {
            return Err(StoreError::Conflict);
        }
        let after = logged(&txn, actor, &before).await?;
        if current.holds_booths() {
            offer_to_waitlist(&txn, actor, m.booth_type_id).await?;
        }
        txn.commit().await?;
        Ok(after)
    }

    /// The organisation withdraws its application. Booths it held go to the waitlist, in order;
    /// returns the application and the ids of waitlisted applications that were approved.
    pub async fn withdraw_application(
        &self,
        actor: &Actor,
        id: i64,
        expected_version: i32,
    ) -> Result<(Application, Vec<i64>), StoreError> {
        let txn = self.begin_write().await?;
        let m = application::Entity::find_by_id(id)
            .one(&txn)
            .await?
            .ok_or(StoreError::NotFound)?;
        if m.version != expected_version {
            return Err(StoreError::Conflict);
        }
        let current = ApplicationState::parse(&m.state).unwrap_or(ApplicationState::Draft);
        if !current.withdrawable() {
            return Err(StoreError::Refused("err-application-not-withdrawable"));
        }
        if current.holds_booths() && started(&load_event(&txn, m.event_id).await?) {
            return Err(StoreError::Refused("err-application-started"));
        }
        let before = load_application(&txn, id).await?;
        if current.holds_booths() {
            release_booths(&txn, &m).await?;
        }
        let res = application::Entity::update_many()
            .col_expr(
                application::Column::State,
                Expr::value(ApplicationState::Withdrawn.as_str()),
            )
            .col_expr(application::Column::PassCode, Expr::value(None::<String>))
            .col_expr(application::Column::UpdatedAt, Expr::value(crate::now()))
            .col_expr(application::Column::Version, Expr::value(expected_version + 1))
            .filter(application::Column::Id.eq(id))
            .filter(application::Column::Version.eq(expected_version))
            .exec(&txn)
            .await?;
        if res.rows_affected == 0 {
            return Err(StoreError::Conflict);
        }
        let after = logged(&txn, actor, &before).await?;
        let promoted = if current.holds_booths() {
            offer_to_waitlist(&txn, actor, m.booth_type_id).await?
        } else {
            Vec::new()
        };
        txn.commit().await?;
        Ok((after, promoted))
    }

    /// Assigns numbered booths to an approved application (replacing what it had). A number
    /// already given to another exhibitor of the event is refused (unique in the database).
    pub async fn assign_booths(
        &self,
        actor: &Actor,
        id: i64,
        numbers: &[String],
    ) -> Result<Application, StoreError> {
        let txn = self.begin_write().await?;
        hold_approved(&txn, id, "err-booth-not-approved").await?;
        let before = load_application(&txn, id).await?;
        if numbers.len() > before.booth_count as usize {
            return Err(StoreError::Refused("err-booth-too-many"));
        }
        booth::Entity::delete_many()
            .filter(booth::Column::ApplicationId.eq(id))
            .exec(&txn)
            .await?;
        let now = crate::now();
        for n in numbers {
            booth::ActiveModel {
                event_id: Set(before.event_id),
                application_id: Set(id),
                number: Set(n.clone()),
                created_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await
            .map_err(|e| match StoreError::from_db(e, "booth") {
                StoreError::Duplicate(_) => StoreError::Refused("err-booth-taken"),
                other => other,
            })?;
        }
        let after = logged(&txn, actor, &before).await?;
        txn.commit().await?;
        Ok(after)
    }

    /// Booth numbers taken at an event, with the application holding each.
    pub async fn event_booths(&self, event_id: i64) -> Result<BTreeMap<String, i64>, StoreError> {
        Ok(booth::Entity::find()
            .filter(booth::Column::EventId.eq(event_id))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|b| (b.number, b.application_id))
            .collect())
    }

    /// Finds an approved exhibitor by pass code (any event).
    pub async fn application_by_pass(&self, code: &str) -> Result<Application, StoreError> {
        let m = application::Entity::find()
            .filter(application::Column::PassCode.eq(code))
            .one(&self.db)
            .await?
            .ok_or(StoreError::NotFound)?;
        hydrate(&self.db, vec![m])
            .await?
            .pop()
            .ok_or(StoreError::NotFound)
    }

    /// Checks an approved exhibitor in (once; a second scan keeps the first time).
    pub async fn check_in(&self, actor: &Actor, id: i64) -> Result<Application, StoreError> {
        let txn = self.begin_write().await?;
        hold_approved(&txn, id, "err-checkin-not-approved").await?;
        let before = load_application(&txn, id).await?;
        if before.checked_in_at.is_some() {
            // Already here: the held version is given back by the rollback.
            return Ok(before);
        }
        application::Entity::update_many()
            .col_expr(application::Column::CheckedInAt, Expr::value(crate::now()))
            .col_expr(application::Column::CheckedInBy, Expr::value(actor.name.clone()))
            .filter(application::Column::Id.eq(id))
            .exec(&txn)
            .await?;
        let after = logged(&txn, actor, &before).await?;
        txn.commit().await?;
        Ok(after)
    }

    /// Records what an approved exhibitor reports after the event.
    pub async fn save_outcome(
        &self,
        actor: &Actor,
        id: i64,
        outcome: Outcome,
        note: Option<String>,
    ) -> Result<Application, StoreError> {
        let txn = self.begin_write().await?;
        hold_approved(&txn, id, "err-outcome-not-approved").await?;
        let before = load_application(&txn, id).await?;
        let ev = load_event(&txn, before.event_id).await?;
        if !started(&ev) {
            return Err(StoreError::Refused("err-outcome-too-early"));
        }
        let now = crate::now();
        application::Entity::update_many()
            .col_expr(application::Column::Sales, Expr::value(outcome.sales))
            .col_expr(application::Column::Contracts, Expr::value(outcome.contracts))
            .col_expr(application::Column::Buyers, Expr::value(outcome.buyers))
            .col_expr(application::Column::OutcomeNote, Expr::value(note))
            .col_expr(application::Column::OutcomeAt, Expr::value(now))
            .filter(application::Column::Id.eq(id))
            .exec(&txn)
            .await?;
        let after = logged(&txn, actor, &before).await?;
        txn.commit().await?;
        Ok(after)
    }

    /// The products approved exhibitors bring, for the public event page.
    pub async fn shown_products(&self, event_id: i64) -> Result<Vec<ShownProduct>, StoreError> {
        let approved: Vec<i64> = application::Entity::find()
            .select_only()
            .column(application::Column::Id)
            .filter(application::Column::EventId.eq(event_id))
            .filter(application::Column::State.eq(ApplicationState::Approved.as_str()))
            .into_tuple()
            .all(&self.db)
            .await?;
        let mut ids = Vec::new();
        for chunk in approved.chunks(500) {
            let rows: Vec<i64> = application_product::Entity::find()
                .select_only()
                .column(application_product::Column::ProductId)
                .filter(application_product::Column::ApplicationId.is_in(chunk.iter().copied()))
                .into_tuple()
                .all(&self.db)
                .await?;
            ids.extend(rows);
        }
        let mut out = Vec::new();
        for chunk in ids.chunks(500) {
            for p in product::Entity::find()
                .filter(product::Column::Id.is_in(chunk.iter().copied()))
                .filter(product::Column::Status.eq("published"))
                .all(&self.db)
                .await?
            {
                out.push(ShownProduct {
                    id: p.id,
                    code: p.code,
                    name: p.name,
                    stars: p.stars,
                    group_code: p.group_code,
                    organisation_id: p.organisation_id,
                });
            }
        }
        out.sort_by(|a, b| b.stars.cmp(&a.stars).then(a.name.cmp(&b.name)));
        Ok(out)
    }

    /// Who exhibits at an event, counted by kind, province, alliance and product group.
    pub async fn participation(&self, event_id: i64) -> Result<Participation, StoreError> {
        let ev = self.get_event(event_id).await?;
        let apps = self
            .event_applications(event_id, Some(ApplicationState::Approved))
            .await?;
        let shown = self.shown_products(event_id).await?;
        Ok(Participation::of(&ev, &apps, &shown))
    }
}

impl Participation {
    /// The figures of an event from its approved applications and the products they show (as
    /// [`Store::event_applications`] and [`Store::shown_products`] give them), for pages that
    /// have read those already.
    pub fn of(ev: &Event, approved: &[Application], shown: &[ShownProduct]) -> Participation {
        let apps: Vec<&Application> = approved
            .iter()
            .filter(|a| a.state == ApplicationState::Approved)
            .collect();
        let group_of: HashMap<i64, Option<String>> =
            shown.iter().map(|p| (p.id, p.group_code.clone())).collect();
        let legacy_units = ev.starts_on.as_str() < REORGANISATION_DAY;
        let mut p = Participation {
            exhibitors: apps.len() as u64,
            legacy_units,
            ..Default::default()
        };
        let mut kind: BTreeMap<String, ParticipationRow> = BTreeMap::new();
        let mut province: BTreeMap<String, ParticipationRow> = BTreeMap::new();
        let mut alliance: BTreeMap<String, ParticipationRow> = BTreeMap::new();
        let mut group: BTreeMap<String, ParticipationRow> = BTreeMap::new();
        for a in apps {
            let products = a.products.len() as u64;
            let booths = a.booth_count as u64;
            for (map, key) in [
                (&mut kind, a.organisation_kind.clone()),
                (
                    &mut province,
                    match (&a.organisation_legacy_province, &a.organisation_province) {
                        (Some(l), _) if legacy_units => l.clone(),
                        // Not known in the units of the time: counted apart, not as a province.
                        (None, _) if legacy_units => String::new(),
                        (_, n) => n.clone().unwrap_or_default(),
                    },
                ),
                (
                    &mut alliance,
                    a.organisation_alliance
                        .map(|x| x.0.to_string())
                        .unwrap_or_default(),
                ),
            ] {
                let row = map.entry(key.clone()).or_insert_with(|| ParticipationRow {
                    key,
                    ..Default::default()
                });
                row.exhibitors += 1;
                row.booths += booths;
                row.products += products;
            }
            let mut groups: Vec<String> = a
                .products
                .iter()
                .filter_map(|id| group_of.get(id).cloned().flatten())
                .filter_map(|g| {
                    lienket_domain::ocop::ProductGroup::by_code(&g)
                        .map(|g| g.statistics_group().code.to_string())
                })
                .collect();
            for g in &groups {
                group
                    .entry(g.clone())
                    .or_insert_with(|| ParticipationRow {
                        key: g.clone(),
                        ..Default::default()
                    })
                    .products += 1;
            }
            groups.sort();
            groups.dedup();
            for g in groups {
                if let Some(row) = group.get_mut(&g) {
                    row.exhibitors += 1;
                }
            }
            p.products += products;
            p.checked_in += u64::from(a.checked_in_at.is_some());
            if let Some(o) = a.outcome {
                p.reported += 1;
                p.sales = p.sales.saturating_add(o.sales);
                p.contracts += i64::from(o.contracts);
                p.buyers += i64::from(o.buyers);
            }
        }
        let sorted = |m: BTreeMap<String, ParticipationRow>| {
            let mut v: Vec<_> = m.into_values().collect();
            v.sort_by(|a, b| b.exhibitors.cmp(&a.exhibitors).then(a.key.cmp(&b.key)));
            v
        };
        p.by_kind = sorted(kind);
        p.by_province = sorted(province);
        p.by_alliance = sorted(alliance);
        p.by_group = sorted(group);
        p
    }
}

async fn insert_products(
    txn: &DatabaseTransaction,
    application_id: i64,
    products: &[i64],
) -> Result<(), StoreError> {
    for p in products {
        application_product::ActiveModel {
            application_id: Set(application_id),
            product_id: Set(*p),
            ..Default::default()
        }
        .insert(txn)
        .await
        .on_unique("products")?;
    }
    Ok(())
}

/// An image of an event (shown on its page) or a document attached to an application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EventFile {
    /// Id.
    pub id: i64,
    /// The event.
    pub event_id: i64,
    /// The application it belongs to (attachments), or none (the event's images).
    pub application_id: Option<i64>,
    /// File name as uploaded.
    pub file_name: String,
    /// Content type, decided from the content.
    pub content_type: String,
    /// Object-store key of the file as uploaded.
    pub object_key: String,
    /// Object-store key of the display copy (images).
    pub display_key: Option<String>,
    /// Object-store key of the thumbnail (images).
    pub thumb_key: Option<String>,
    /// Bytes.
    pub size: i64,
    /// Who uploaded it.
    pub actor_name: String,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: time::OffsetDateTime,
}

fn to_file(m: event_file::Model) -> EventFile {
    EventFile {
        id: m.id,
        event_id: m.event_id,
        application_id: m.application_id,
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

/// Images an event may show, and attachments an application may carry.
pub const MAX_EVENT_FILES: u64 = 20;

impl Store {
    /// Records an uploaded file whose bytes are already in the object store. Refused past
    /// [`MAX_EVENT_FILES`] per event (images) or per application (attachments).
    pub async fn add_event_file(&self, actor: &Actor, file: &EventFile) -> Result<EventFile, StoreError> {
        let txn = self.begin_write().await?;
        let count = event_file::Entity::find()
            .filter(event_file::Column::EventId.eq(file.event_id))
            .filter(match file.application_id {
                Some(a) => event_file::Column::ApplicationId.eq(a),
                None => event_file::Column::ApplicationId.is_null(),
            })
            .count(&txn)
            .await?;
        if count >= MAX_EVENT_FILES {
            return Err(StoreError::Refused("err-event-files-full"));
        }
        let row = event_file::ActiveModel {
            event_id: Set(file.event_id),
            application_id: Set(file.application_id),
            kind: Set(if file.application_id.is_some() {
                "attachment"
            } else {
                "image"
            }
            .into()),
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
        let saved = to_file(row);
        record_created(&txn, actor, "event_file", &saved.id.to_string(), &saved).await?;
        txn.commit().await?;
        Ok(saved)
    }

    /// The images of an event (`application` none) or the attachments of an application.
    pub async fn event_files(
        &self,
        event_id: i64,
        application: Option<i64>,
    ) -> Result<Vec<EventFile>, StoreError> {
        Ok(event_file::Entity::find()
            .filter(event_file::Column::EventId.eq(event_id))
            .filter(match application {
                Some(a) => event_file::Column::ApplicationId.eq(a),
                None => event_file::Column::ApplicationId.is_null(),
            })
            .order_by_asc(event_file::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(to_file)
            .collect())
    }

    /// Attachments of several applications, by application.
    pub async fn attachments_of(
        &self,
        applications: &[i64],
    ) -> Result<HashMap<i64, Vec<EventFile>>, StoreError> {
        let mut out: HashMap<i64, Vec<EventFile>> = HashMap::new();
        for chunk in applications.chunks(500) {
            for m in event_file::Entity::find()
                .filter(event_file::Column::ApplicationId.is_in(chunk.iter().copied()))
                .order_by_asc(event_file::Column::Id)
                .all(&self.db)
                .await?
            {
                if let Some(a) = m.application_id {
                    out.entry(a).or_default().push(to_file(m));
                }
            }
        }
        Ok(out)
    }

    /// One file.
    pub async fn get_event_file(&self, id: i64) -> Result<EventFile, StoreError> {
        file_row::<event_file::Entity, _>(&self.db, id, to_file).await
    }

    /// Removes a file's record; returns it so its bytes can be removed from the object store.
    pub async fn delete_event_file(&self, actor: &Actor, id: i64) -> Result<EventFile, StoreError> {
        delete_file_row::<event_file::Entity, _>(self, actor, "event_file", id, to_file).await
    }
}

// The rows of uploaded files have the same shape for events and for programme activities
// (`activity_files`): reading one and removing one are written once, over the entity. Adding
// one is not: what a file counts against and which columns name its owner differ.

/// One uploaded file's row by id, as the store returns it; `NotFound` when there is none.
pub(crate) async fn file_row<E, T>(
    c: &impl ConnectionTrait,
    id: i64,
    to_file: fn(E::Model) -> T,
) -> Result<T, StoreError>
where
    E: EntityTrait,
    E::PrimaryKey: PrimaryKeyTrait<ValueType = i64>,
{
    E::find_by_id(id)
        .one(c)
        .await?
        .map(to_file)
        .ok_or(StoreError::NotFound)
}

/// Removes an uploaded file's row and records it in the change log as `entity`; returns the
/// file so its bytes can be removed from the object store.
pub(crate) async fn delete_file_row<E, T>(
    store: &Store,
    actor: &Actor,
    entity: &str,
    id: i64,
    to_file: fn(E::Model) -> T,
) -> Result<T, StoreError>
where
    E: EntityTrait,
    E::PrimaryKey: PrimaryKeyTrait<ValueType = i64>,
    T: Serialize,
{
    let txn = store.begin_write().await?;
    let gone = file_row::<E, T>(&txn, id, to_file).await?;
    E::delete_by_id(id).exec(&txn).await?;
    record(
        &txn,
        actor,
        entity,
        &id.to_string(),
        Op::Delete,
        Some(&gone),
        None::<&()>,
    )
    .await?;
    txn.commit().await?;
    Ok(gone)
}
