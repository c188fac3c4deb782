//! Support requests and their threads: asking, answering, assigning, closing, and the
//! response-time figures.
//!
//! A request belongs to the organisation that asked and to the alliance that managed it at that
//! moment (the one that answers, even if the organisation moves later). Each message is one row;
//! the request keeps its status, its message count and the instant of its first staff answer,
//! so lists and figures never read the threads.

use lienket_domain::event::VIETNAM;
use lienket_domain::ids::{AllianceId, OrganisationId, UserId};
use lienket_domain::organisation::OrgKind;
use lienket_domain::support::{NewSupportRequest, ResponseTimes, SupportStatus, SupportTopic};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, TransactionTrait,
};
use serde::Serialize;

use crate::changes::{Op, record, record_created};
use crate::entity::{organisation, support_message, support_request, user};
use crate::{Actor, Page, PageRequest, Store, StoreError};

/// Entity name of a request in the change log.
pub const SUPPORT_ENTITY: &str = "support_request";

/// A support request.
#[derive(Debug, Clone, Serialize)]
pub struct SupportRequest {
    /// Id.
    pub id: i64,
    /// The organisation that asked.
    pub organisation_id: OrganisationId,
    /// The alliance that answers.
    pub alliance_id: Option<AllianceId>,
    /// Topic.
    pub topic: SupportTopic,
    /// Title.
    pub title: String,
    /// Status.
    pub status: SupportStatus,
    /// The staff member who took it.
    pub assignee_id: Option<UserId>,
    /// Their name.
    pub assignee_name: Option<String>,
    /// Who asked (the user's display name).
    pub created_by_name: String,
    /// Messages in the thread.
    pub messages: i32,
    /// When it was asked.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: time::OffsetDateTime,
    /// When it last changed.
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: time::OffsetDateTime,
    /// When staff first answered.
    #[serde(with = "time::serde::rfc3339::option")]
    pub first_answered_at: Option<time::OffsetDateTime>,
    /// When it was closed.
    #[serde(with = "time::serde::rfc3339::option")]
    pub closed_at: Option<time::OffsetDateTime>,
    /// Optimistic-concurrency version.
    pub version: i32,
}

impl SupportRequest {
    /// Hours from asking to the first answer.
    pub fn answer_hours(&self) -> Option<f64> {
        self.first_answered_at
            .map(|a| (a - self.created_at).as_seconds_f64() / 3600.0)
    }
}

/// A request in a list, with its organisation's name.
#[derive(Debug, Clone, Serialize)]
pub struct SupportRow {
    /// The request.
    #[serde(flatten)]
    pub request: SupportRequest,
    /// The organisation's name.
    pub organisation_name: String,
}

/// One message of a thread.
#[derive(Debug, Clone, Serialize)]
pub struct SupportMessage {
    /// Id.
    pub id: i64,
    /// Author's display name.
    pub author_name: String,
    /// Whether the author answered for the alliance.
    pub from_staff: bool,
    /// Text.
    pub body: String,
    /// When it was written.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: time::OffsetDateTime,
}

/// Whose requests a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SupportScope {
    /// Every request (coordinators, administrators).
    All,
    /// Those an alliance answers.
    Alliance(AllianceId),
    /// Those an organisation asked.
    Organisation(OrganisationId),
}

/// How a list is sorted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SupportSort {
    /// Waiting for staff first, then the oldest change first (the desk's working order).
    #[default]
    Queue,
    /// Newest asked first.
    Newest,
    /// Last changed first.
    Updated,
}

/// Filters of the request list.
#[derive(Debug, Clone, Default)]
pub struct SupportFilter {
    /// Status.
    pub status: Option<SupportStatus>,
    /// Only those waiting for staff (open or awaiting).
    pub waiting: bool,
    /// Topic.
    pub topic: Option<SupportTopic>,
    /// Assigned to this user.
    pub assignee: Option<UserId>,
    /// Asked in this year.
    pub year: Option<i32>,
    /// Sort order.
    pub sort: SupportSort,
}

/// A change to a request's handling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SupportChange {
    /// A message in the thread; staff messages answer.
    Message {
        /// The author's name as people know it (the audit log keeps the account).
        author: String,
        /// Text.
        body: String,
        /// Written for the alliance.
        from_staff: bool,
    },
    /// Taken by a staff member (`None`: nobody).
    Assign(Option<UserId>),
    /// Closed.
    Close,
    /// Reopened without a message.
    Reopen,
}

/// A request handled before it was recorded here (demonstration data, a move from another
/// register), with its own instants.
#[derive(Debug, Clone)]
pub struct SupportHistory {
    /// The organisation that asked.
    pub organisation: OrganisationId,
    /// What it asked.
    pub request: NewSupportRequest,
    /// Who asked.
    pub asked_by: String,
    /// When.
    pub asked_at: time::OffsetDateTime,
    /// The replies in order: author, written for the alliance, text, instant.
    pub replies: Vec<(String, bool, String, time::OffsetDateTime)>,
    /// Who took it.
    pub assignee: Option<(UserId, String)>,
    /// When it was closed.
    pub closed_at: Option<time::OffsetDateTime>,
}

fn to_request(m: support_request::Model) -> SupportRequest {
    SupportRequest {
        id: m.id,
        organisation_id: OrganisationId(m.organisation_id),
        alliance_id: m.alliance_id.map(AllianceId),
        topic: SupportTopic::parse(&m.topic).unwrap_or(SupportTopic::Other),
        title: m.title,
        status: SupportStatus::parse(&m.status).unwrap_or(SupportStatus::Open),
        assignee_id: m.assignee_id.map(UserId),
        assignee_name: m.assignee_name,
        created_by_name: m.created_by_name,
        messages: m.messages,
        created_at: m.created_at,
        updated_at: m.updated_at,
        first_answered_at: m.first_answered_at,
        closed_at: m.closed_at,
        version: m.version,
    }
}

fn to_message(m: support_message::Model) -> SupportMessage {
    SupportMessage {
        id: m.id,
        author_name: m.author_name,
        from_staff: m.from_staff,
        body: m.body.unwrap_or_default(),
        created_at: m.created_at,
    }
}

fn scoped(scope: SupportScope) -> Condition {
    match scope {
        SupportScope::All => Condition::all(),
        SupportScope::Alliance(a) => Condition::all().add(support_request::Column::AllianceId.eq(a.0)),
        SupportScope::Organisation(o) => {
            Condition::all().add(support_request::Column::OrganisationId.eq(o.0))
        }
    }
}

/// The first instant of `year` and of the next one, in Vietnam's time (the year the alliances
/// count in), as UTC instants: bound as parameters they compare with the stored UTC instants
/// the same way on both engines.
pub(crate) fn year_range(year: i32) -> Option<(time::OffsetDateTime, time::OffsetDateTime)> {
    let start = |y: i32| {
        time::Date::from_calendar_date(y, time::Month::January, 1)
            .ok()
            .map(|d| {
                d.midnight()
                    .assume_offset(VIETNAM)
                    .to_offset(time::UtcOffset::UTC)
            })
    };
    Some((start(year)?, start(year + 1)?))
}

/// The year of an instant in Vietnam's time.
pub(crate) fn vietnam_year(t: time::OffsetDateTime) -> i32 {
    t.to_offset(VIETNAM).year()
}

/// Requests of organisations of the collective economy (a company's or a household's are
/// answered too, but the programme's figures count the collective economy).
pub(crate) fn of_collective() -> sea_orm::sea_query::SimpleExpr {
    use sea_orm::sea_query::{Expr, ExprTrait, Query};
    Expr::col((support_request::Entity, support_request::Column::OrganisationId)).in_subquery(
        Query::select()
            .column(organisation::Column::Id)
            .from(organisation::Entity)
            .and_where(Expr::col(organisation::Column::Kind).is_in(OrgKind::COLLECTIVE.map(OrgKind::as_str)))
            .to_owned(),
    )
}

fn filtered(scope: SupportScope, f: &SupportFilter) -> Condition {
    let mut c = scoped(scope);
    if let Some(s) = f.status {
        c = c.add(support_request::Column::Status.eq(s.as_str()));
    }
    if f.waiting {
        c = c.add(
            support_request::Column::Status
                .is_in([SupportStatus::Open.as_str(), SupportStatus::Awaiting.as_str()]),
        );
    }
    if let Some(t) = f.topic {
        c = c.add(support_request::Column::Topic.eq(t.as_str()));
    }
    if let Some(u) = f.assignee {
        c = c.add(support_request::Column::AssigneeId.eq(u.0));
    }
    if let Some((from, to)) = f.year.and_then(year_range) {
        c = c
            .add(support_request::Column::CreatedAt.gte(from))
            .add(support_request::Column::CreatedAt.lt(to));
    }
    c
}

impl Store {
    /// Opens a request for an organisation, with its first message written by `author`; the
    /// organisation's managing alliance answers it.
    pub async fn create_support_request(
        &self,
        actor: &Actor,
        author: &str,
        org: OrganisationId,
        new: &NewSupportRequest,
    ) -> Result<SupportRequest, StoreError> {
        let txn = self.begin_write().await?;
        let o = organisation::Entity::find_by_id(org.0)
            .one(&txn)
            .await?
            .ok_or(StoreError::NotFound)?;
        let now = crate::now();
        let saved = support_request::ActiveModel {
            organisation_id: Set(org.0),
            alliance_id: Set(o.alliance_id),
            topic: Set(new.topic.as_str().into()),
            title: Set(new.title.clone()),
            status: Set(SupportStatus::Open.as_str().into()),
            assignee_id: Set(None),
            assignee_name: Set(None),
            created_by_name: Set(author.to_string()),
            messages: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            first_answered_at: Set(None),
            closed_at: Set(None),
            version: Set(1),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        support_message::ActiveModel {
            request_id: Set(saved.id),
            author_id: Set(actor.user_id.map(|u| u.0)),
            author_name: Set(author.to_string()),
            from_staff: Set(false),
            body: Set(Some(new.body.clone())),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        let saved = to_request(saved);
        record_created(&txn, actor, SUPPORT_ENTITY, &saved.id.to_string(), &saved).await?;
        txn.commit().await?;
        Ok(saved)
    }

    /// Records requests handled elsewhere, each with its thread and instants, in one
    /// transaction; their status follows from the thread as if it had happened here.
    pub async fn record_support_history(
        &self,
        actor: &Actor,
        items: &[SupportHistory],
    ) -> Result<(), StoreError> {
        let txn = self.db.begin().await?;
        for h in items {
            let o = organisation::Entity::find_by_id(h.organisation.0)
                .one(&txn)
                .await?
                .ok_or(StoreError::NotFound)?;
            let mut status = SupportStatus::Open;
            let mut first_answer = None;
            for (_, staff, _, at) in &h.replies {
                status = status.after_message(*staff, first_answer.is_some());
                if *staff && first_answer.is_none() {
                    first_answer = Some(*at);
                }
            }
            if h.closed_at.is_some() {
                status = SupportStatus::Closed;
            }
            let last = h.replies.last().map_or(h.asked_at, |r| r.3);
            let saved = support_request::ActiveModel {
                organisation_id: Set(o.id),
                alliance_id: Set(o.alliance_id),
                topic: Set(h.request.topic.as_str().into()),
                title: Set(h.request.title.clone()),
                status: Set(status.as_str().into()),
                assignee_id: Set(h.assignee.as_ref().map(|(u, _)| u.0)),
                assignee_name: Set(h.assignee.as_ref().map(|(_, n)| n.clone())),
                created_by_name: Set(h.asked_by.clone()),
                messages: Set(1 + h.replies.len() as i32),
                created_at: Set(h.asked_at),
                updated_at: Set(h.closed_at.unwrap_or(last).max(last)),
                first_answered_at: Set(first_answer),
                closed_at: Set(h.closed_at),
                version: Set(1),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
            let thread = std::iter::once((&h.asked_by, false, &h.request.body, h.asked_at))
                .chain(h.replies.iter().map(|(a, s, b, t)| (a, *s, b, *t)));
            for (author, from_staff, body, at) in thread {
                support_message::ActiveModel {
                    request_id: Set(saved.id),
                    author_id: Set(None),
                    author_name: Set(author.clone()),
                    from_staff: Set(from_staff),
                    body: Set(Some(body.clone())),
                    created_at: Set(at),
                    ..Default::default()
                }
                .insert(&txn)
                .await?;
            }
            let saved = to_request(saved);
            record_created(&txn, actor, SUPPORT_ENTITY, &saved.id.to_string(), &saved).await?;
        }
        txn.commit().await?;
        Ok(())
    }

    /// One request.
    pub async fn get_support_request(&self, id: i64) -> Result<SupportRequest, StoreError> {
        support_request::Entity::find_by_id(id)
            .one(&self.db)
            .await?
            .map(to_request)
            .ok_or(StoreError::NotFound)
    }

    /// The thread of a request, oldest first.
    pub async fn support_messages(&self, id: i64) -> Result<Vec<SupportMessage>, StoreError> {
        Ok(support_message::Entity::find()
            .filter(support_message::Column::RequestId.eq(id))
            .order_by_asc(support_message::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(to_message)
            .collect())
    }

    /// Changes a request: a message, an assignment, closing or reopening. The request must be
    /// at `expected_version` when one is given (a form that was open while someone else
    /// answered is refused, its text kept by the caller); messages are accepted at any version,
    /// since two people writing at once both mean what they wrote.
    pub async fn change_support_request(
        &self,
        actor: &Actor,
        id: i64,
        expected_version: Option<i32>,
        change: SupportChange,
    ) -> Result<SupportRequest, StoreError> {
        // The row is locked as it is read (PostgreSQL; SQLite's write transaction holds the
        // whole database): two people answering at once both get their message in, one after
        // the other, instead of the second failing on a version it could not have seen.
        let txn = self.begin_write().await?;
        let m = support_request::Entity::find_by_id(id)
            .lock_exclusive()
            .one(&txn)
            .await?
            .ok_or(StoreError::NotFound)?;
        if expected_version.is_some_and(|v| v != m.version) {
            return Err(StoreError::Conflict);
        }
        let before = to_request(m.clone());
        let now = crate::now();
        let mut a: support_request::ActiveModel = m.clone().into();
        match &change {
            SupportChange::Message {
                author,
                body,
                from_staff,
            } => {
                support_message::ActiveModel {
                    request_id: Set(id),
                    author_id: Set(actor.user_id.map(|u| u.0)),
                    author_name: Set(author.clone()),
                    from_staff: Set(*from_staff),
                    body: Set(Some(body.clone())),
                    created_at: Set(now),
                    ..Default::default()
                }
                .insert(&txn)
                .await?;
                let status = before
                    .status
                    .after_message(*from_staff, before.first_answered_at.is_some());
                a.status = Set(status.as_str().into());
                a.messages = Set(m.messages + 1);
                a.closed_at = Set(None);
                if *from_staff && m.first_answered_at.is_none() {
                    a.first_answered_at = Set(Some(now));
                }
                // The first of the answering alliance's staff to answer takes the request unless
                // someone has (a coordinator answering does not become its assignee).
                if *from_staff && m.assignee_id.is_none() {
                    let me = match actor.user_id {
                        Some(u) => user::Entity::find_by_id(u.0).one(&txn).await?,
                        None => None,
                    };
                    if let Some(me) =
                        me.filter(|me| me.role == "alliance_staff" && me.alliance_id == m.alliance_id)
                    {
                        a.assignee_id = Set(Some(me.id));
                        a.assignee_name = Set(Some(author.clone()));
                    }
                }
            }
            SupportChange::Assign(who) => {
                let name = match who {
                    Some(u) => Some(
                        user::Entity::find_by_id(u.0)
                            .one(&txn)
                            .await?
                            .ok_or(StoreError::NotFound)?
                            .display_name,
                    ),
                    None => None,
                };
                a.assignee_id = Set(who.map(|u| u.0));
                a.assignee_name = Set(name);
            }
            SupportChange::Close => {
                if before.status == SupportStatus::Closed {
                    return Err(StoreError::Conflict);
                }
                a.status = Set(SupportStatus::Closed.as_str().into());
                a.closed_at = Set(Some(now));
            }
            SupportChange::Reopen => {
                if before.status != SupportStatus::Closed {
                    return Err(StoreError::Conflict);
                }
                let status = if before.first_answered_at.is_some() {
                    SupportStatus::Awaiting
                } else {
                    SupportStatus::Open
                };
                a.status = Set(status.as_str().into());
                a.closed_at = Set(None);
            }
        }
        a.updated_at = Set(now);
        a.version = Set(m.version + 1);
        crate::versioned::save_versioned(
            &txn,
            a,
            (support_request::Column::Id, id),
            (support_request::Column::Version, m.version),
            "version",
        )
        .await?;
        let after = support_request::Entity::find_by_id(id)
            .one(&txn)
            .await?
            .map(to_request)
            .ok_or(StoreError::NotFound)?;
        record(
            &txn,
            actor,
            SUPPORT_ENTITY,
            &id.to_string(),
            Op::Update,
            Some(&before),
            Some(&after),
        )
        .await?;
        txn.commit().await?;
        Ok(after)
    }

    /// A page of requests of a scope, with their organisations' names.
    pub async fn support_requests(
        &self,
        scope: SupportScope,
        filter: &SupportFilter,
        page: PageRequest,
    ) -> Result<Page<SupportRow>, StoreError> {
        let mut q = support_request::Entity::find().filter(filtered(scope, filter));
        q = match filter.sort {
            SupportSort::Queue => q
                .order_by_asc(Expr::cust(
                    "CASE WHEN status IN ('open', 'awaiting') THEN 0 WHEN status = 'answered' THEN 1 ELSE 2 END",
                ))
                .order_by_asc(support_request::Column::UpdatedAt),
            SupportSort::Newest => q.order_by_desc(support_request::Column::CreatedAt),
            SupportSort::Updated => q.order_by_desc(support_request::Column::UpdatedAt),
        };
        let q = q.order_by_desc(support_request::Column::Id);
        let page = crate::versioned::fetch_page(&self.db, q, page, to_request).await?;
        let ids: Vec<i64> = page.items.iter().map(|r| r.organisation_id.0).collect();
        let names: std::collections::HashMap<i64, String> = organisation::Entity::find()
            .select_only()
            .column(organisation::Column::Id)
            .column(organisation::Column::Name)
            .filter(organisation::Column::Id.is_in(ids))
            .into_tuple::<(i64, String)>()
            .all(&self.db)
            .await?
            .into_iter()
            .collect();
        Ok(Page {
            items: page
                .items
                .into_iter()
                .map(|request| SupportRow {
                    organisation_name: names.get(&request.organisation_id.0).cloned().unwrap_or_default(),
                    request,
                })
                .collect(),
            total: page.total,
            page: page.page,
            per_page: page.per_page,
        })
    }

    /// How many requests of a scope wait for staff.
    pub async fn support_waiting(&self, scope: SupportScope) -> Result<u64, StoreError> {
        let filter = SupportFilter {
            waiting: true,
            ..Default::default()
        };
        Ok(support_request::Entity::find()
            .filter(filtered(scope, &filter))
            .count(&self.db)
            .await?)
    }

    /// Response-time figures of the requests of a scope asked in `year` (every year when
    /// `None`), from their first-answer instants.
    pub async fn support_response_times(
        &self,
        scope: SupportScope,
        year: Option<i32>,
    ) -> Result<ResponseTimes, StoreError> {
        let filter = SupportFilter {
            year,
            ..Default::default()
        };
        let rows: Vec<(time::OffsetDateTime, Option<time::OffsetDateTime>)> = support_request::Entity::find()
            .select_only()
            .column(support_request::Column::CreatedAt)
            .column(support_request::Column::FirstAnsweredAt)
            .filter(filtered(scope, &filter))
            .into_tuple()
            .all(&self.db)
            .await?;
        let waits = rows
            .iter()
            .filter_map(|(asked, answered)| answered.map(|a| (a - *asked).as_seconds_f64() / 3600.0))
            .collect();
        Ok(ResponseTimes::from_waits(rows.len() as u64, waits))
    }

    /// The staff who may take a request of `alliance` (its active staff accounts), by name.
    pub async fn support_staff(
        &self,
        alliance: Option<AllianceId>,
    ) -> Result<Vec<(UserId, String)>, StoreError> {
        let Some(a) = alliance else {
            return Ok(Vec::new());
        };
        let mut staff: Vec<(UserId, String)> = user::Entity::find()
            .filter(user::Column::AllianceId.eq(a.0))
            .filter(user::Column::Role.eq("alliance_staff"))
            .filter(user::Column::Active.eq(true))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|u| (UserId(u.id), u.display_name))
            .collect();
        staff.sort_by(|x, y| lienket_domain::text::collate(&x.1, &y.1));
        Ok(staff)
    }
}
