//! Periodic activity reports: drafts, submission, review, who has not reported, aggregates.

use std::collections::BTreeMap;

use lienket_domain::ids::{AllianceId, OrganisationId};
use lienket_domain::organisation::{OrgKind, OrgStatus};
use lienket_domain::report::{DigitalAdoption, ReportFigures, ReportPeriod, ReportStatus};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    TransactionTrait,
};
use serde::Serialize;

use crate::changes::{Op, record};
use crate::entity::{organisation, report};
use crate::error::OnConstraint;
use crate::{Actor, Organisation, Page, PageRequest, Store, StoreError};

/// A report with its review state.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Id.
    pub id: i64,
    /// The organisation that filed it.
    pub organisation_id: OrganisationId,
    /// Year.
    pub year: i32,
    /// Period.
    pub period: ReportPeriod,
    /// Review state.
    pub status: ReportStatus,
    /// The figures.
    pub figures: ReportFigures,
    /// When it was last submitted.
    #[serde(with = "time::serde::rfc3339::option")]
    pub submitted_at: Option<time::OffsetDateTime>,
    /// When it was reviewed.
    #[serde(with = "time::serde::rfc3339::option")]
    pub reviewed_at: Option<time::OffsetDateTime>,
    /// Who reviewed it.
    pub reviewer_name: Option<String>,
    /// The reviewer's comment (why it was returned).
    pub review_comment: Option<String>,
    /// Optimistic-concurrency version.
    pub version: i32,
}

/// A report in a list, with its organisation's name.
#[derive(Debug, Clone, Serialize)]
pub struct ReportRow {
    /// The report.
    pub report: Report,
    /// Organisation name.
    pub organisation_name: String,
}

/// Filters of the report list.
#[derive(Debug, Clone, Default)]
pub struct ReportFilter {
    /// Managing alliance of the organisations.
    pub alliance: Option<AllianceId>,
    /// Year.
    pub year: Option<i32>,
    /// Period.
    pub period: Option<ReportPeriod>,
    /// Review state.
    pub status: Option<ReportStatus>,
}

/// How to group the aggregates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportGrouping {
    /// By managing alliance (id).
    Alliance,
    /// By 2025 province code.
    Province,
    /// By legal kind.
    Kind,
    /// By sector.
    Sector,
}

/// Sums over the accepted reports of one group (figures reviewed by the alliance).
#[derive(Debug, Clone, Default, Serialize)]
pub struct ReportAggregate {
    /// The group's key (alliance id, province code, kind or sector name).
    pub key: String,
    /// Reports counted.
    pub reports: u64,
    /// Total revenue (đồng).
    pub revenue: i64,
    /// Total profit (đồng).
    pub profit: i64,
    /// Official members.
    pub members_official: i64,
    /// Associate members.
    pub members_associate: i64,
    /// Workers.
    pub workers: i64,
    /// Average monthly income per worker, weighted by workers (đồng).
    pub average_income: i64,
    /// Reports whose organisation uses each digital tool, in [`DigitalAdoption::FIELDS`] order.
    pub digital: [u64; 6],
}

fn to_report(m: report::Model) -> Report {
    Report {
        id: m.id,
        organisation_id: OrganisationId(m.organisation_id),
        year: m.year,
        period: ReportPeriod::parse(&m.period).unwrap_or(ReportPeriod::Year),
        status: ReportStatus::parse(&m.status).unwrap_or(ReportStatus::Draft),
        figures: ReportFigures {
            revenue: m.revenue,
            profit: m.profit,
            members_official: m.members_official,
            members_associate: m.members_associate,
            workers: m.workers,
            average_income: m.average_income,
            charter_capital: m.charter_capital,
            member_services: m.member_services,
            digital: DigitalAdoption {
                accounting_software: m.accounting_software,
                e_invoices: m.e_invoices,
                website: m.website,
                e_commerce: m.e_commerce,
                qr_traceability: m.qr_traceability,
                cashless_payments: m.cashless_payments,
            },
            difficulties: m.difficulties,
            proposals: m.proposals,
        },
        submitted_at: m.submitted_at,
        reviewed_at: m.reviewed_at,
        reviewer_name: m.reviewer_name,
        review_comment: m.review_comment,
        version: m.version,
    }
}

fn fill(a: &mut report::ActiveModel, f: &ReportFigures) {
    a.revenue = Set(f.revenue);
    a.profit = Set(f.profit);
    a.members_official = Set(f.members_official);
    a.members_associate = Set(f.members_associate);
    a.workers = Set(f.workers);
    a.average_income = Set(f.average_income);
    a.charter_capital = Set(f.charter_capital);
    a.member_services = Set(f.member_services);
    a.accounting_software = Set(f.digital.accounting_software);
    a.e_invoices = Set(f.digital.e_invoices);
    a.website = Set(f.digital.website);
    a.e_commerce = Set(f.digital.e_commerce);
    a.qr_traceability = Set(f.digital.qr_traceability);
    a.cashless_payments = Set(f.digital.cashless_payments);
    a.difficulties = Set(f.difficulties.clone());
    a.proposals = Set(f.proposals.clone());
}

/// What to do with the figures being saved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportSave {
    /// Keep as a draft.
    Draft,
    /// Save and submit to the alliance.
    Submit,
    /// Save as already accepted (imports and demonstration data of past years).
    Accepted,
}

impl Store {
    /// The report of an organisation for a period, if started.
    pub async fn find_report(
        &self,
        org: OrganisationId,
        year: i32,
        period: ReportPeriod,
    ) -> Result<Option<Report>, StoreError> {
        Ok(report::Entity::find()
            .filter(report::Column::OrganisationId.eq(org.0))
            .filter(report::Column::Year.eq(year))
            .filter(report::Column::Period.eq(period.as_str()))
            .one(&self.db)
            .await?
            .map(to_report))
    }

    /// One report.
    pub async fn get_report(&self, id: i64) -> Result<Report, StoreError> {
        report::Entity::find_by_id(id)
            .one(&self.db)
            .await?
            .map(to_report)
            .ok_or(StoreError::NotFound)
    }

    /// Every report of an organisation, newest period first.
    pub async fn reports_of(&self, org: OrganisationId) -> Result<Vec<Report>, StoreError> {
        Ok(report::Entity::find()
            .filter(report::Column::OrganisationId.eq(org.0))
            .order_by_desc(report::Column::Year)
            .order_by_asc(report::Column::Period)
            .all(&self.db)
            .await?
            .into_iter()
            .map(to_report)
            .collect())
    }

    /// Creates or updates the report of a period. An existing report must still be editable
    /// (draft or returned) and at `expected_version`.
    #[allow(clippy::too_many_arguments)]
    pub async fn save_report(
        &self,
        actor: &Actor,
        org: OrganisationId,
        year: i32,
        period: ReportPeriod,
        figures: &ReportFigures,
        expected_version: Option<i32>,
        save: ReportSave,
    ) -> Result<Report, StoreError> {
        let txn = self.db.begin().await?;
        let existing = report::Entity::find()
            .filter(report::Column::OrganisationId.eq(org.0))
            .filter(report::Column::Year.eq(year))
            .filter(report::Column::Period.eq(period.as_str()))
            .one(&txn)
            .await?;
        let now = crate::now();
        let status = match save {
            ReportSave::Draft => ReportStatus::Draft,
            ReportSave::Submit => ReportStatus::Submitted,
            ReportSave::Accepted => ReportStatus::Accepted,
        };
        let saved = match existing {
            Some(m) => {
                let current = ReportStatus::parse(&m.status).unwrap_or(ReportStatus::Draft);
                if !current.editable() || expected_version.is_some_and(|v| v != m.version) {
                    return Err(StoreError::Conflict);
                }
                let before = to_report(m.clone());
                let version = m.version;
                let mut a: report::ActiveModel = m.into();
                fill(&mut a, figures);
                a.status = Set(status.as_str().into());
                if save != ReportSave::Draft {
                    a.submitted_at = Set(Some(now));
                }
                a.updated_at = Set(now);
                a.version = Set(version + 1);
                crate::versioned::save_versioned(
                    &txn,
                    a,
                    (report::Column::Id, before.id),
                    (report::Column::Version, version),
                    "period",
                )
                .await?;
                let after = report::Entity::find_by_id(before.id)
                    .one(&txn)
                    .await?
                    .map(to_report)
                    .ok_or(StoreError::NotFound)?;
                record(
                    &txn,
                    actor,
                    "report",
                    &after.id.to_string(),
                    Op::Update,
                    Some(&before),
                    Some(&after),
                )
                .await?;
                after
            }
            None => {
                let mut a = report::ActiveModel {
                    organisation_id: Set(org.0),
                    year: Set(year),
                    period: Set(period.as_str().into()),
                    status: Set(status.as_str().into()),
                    submitted_at: Set((save != ReportSave::Draft).then_some(now)),
                    reviewed_at: Set(None),
                    reviewer_name: Set(None),
                    review_comment: Set(None),
                    created_at: Set(now),
                    updated_at: Set(now),
                    version: Set(1),
                    ..Default::default()
                };
                fill(&mut a, figures);
                let saved = to_report(a.insert(&txn).await.on_unique("period")?);
                crate::changes::record_created(&txn, actor, "report", &saved.id.to_string(), &saved).await?;
                saved
            }
        };
        txn.commit().await?;
        Ok(saved)
    }

    /// Accepts a submitted report, or returns it with a comment.
    pub async fn review_report(
        &self,
        actor: &Actor,
        id: i64,
        expected_version: i32,
        accept: bool,
        comment: Option<String>,
    ) -> Result<Report, StoreError> {
        let txn = self.db.begin().await?;
        let m = report::Entity::find_by_id(id)
            .one(&txn)
            .await?
            .ok_or(StoreError::NotFound)?;
        if m.status != ReportStatus::Submitted.as_str() || m.version != expected_version {
            return Err(StoreError::Conflict);
        }
        let before = to_report(m.clone());
        let status = if accept {
            ReportStatus::Accepted
        } else {
            ReportStatus::Returned
        };
        let res = report::Entity::update_many()
            .col_expr(report::Column::Status, Expr::value(status.as_str()))
            .col_expr(report::Column::ReviewedAt, Expr::value(crate::now()))
            .col_expr(report::Column::ReviewerName, Expr::value(actor.name.clone()))
            .col_expr(report::Column::ReviewComment, Expr::value(comment))
            .col_expr(report::Column::Version, Expr::value(expected_version + 1))
            .filter(report::Column::Id.eq(id))
            .filter(report::Column::Version.eq(expected_version))
            .exec(&txn)
            .await?;
        if res.rows_affected == 0 {
            return Err(StoreError::Conflict);
        }
        let after = report::Entity::find_by_id(id)
            .one(&txn)
            .await?
            .map(to_report)
            .ok_or(StoreError::NotFound)?;
        record(
            &txn,
            actor,
            "report",
            &id.to_string(),
            Op::Update,
            Some(&before),
            Some(&after),
        )
        .await?;
        txn.commit().await?;
        Ok(after)
    }

    async fn alliance_org_ids(&self, alliance: Option<AllianceId>) -> Result<Option<Vec<i64>>, StoreError> {
        let Some(a) = alliance else { return Ok(None) };
        let ids: Vec<i64> = organisation::Entity::find()
            .select_only()
            .column(organisation::Column::Id)
            .filter(organisation::Column::AllianceId.eq(a.0))
            .into_tuple()
            .all(&self.db)
            .await?;
        Ok(Some(ids))
    }

    /// Reports matching the filter, newest first, with organisation names.
    pub async fn list_reports(
        &self,
        filter: &ReportFilter,
        page: PageRequest,
    ) -> Result<Page<ReportRow>, StoreError> {
        let mut q = report::Entity::find();
        if let Some(ids) = self.alliance_org_ids(filter.alliance).await? {
            q = q.filter(report::Column::OrganisationId.is_in(ids));
        }
        if let Some(y) = filter.year {
            q = q.filter(report::Column::Year.eq(y));
        }
        if let Some(p) = filter.period {
            q = q.filter(report::Column::Period.eq(p.as_str()));
        }
        if let Some(s) = filter.status {
            q = q.filter(report::Column::Status.eq(s.as_str()));
        }
        let total = q.clone().count(&self.db).await?;
        let rows = q
            .order_by_desc(report::Column::SubmittedAt)
            .order_by_desc(report::Column::Id)
            .offset(page.offset())
            .limit(page.per_page)
            .all(&self.db)
            .await?;
        let ids: Vec<i64> = rows.iter().map(|r| r.organisation_id).collect();
        let names: BTreeMap<i64, String> = organisation::Entity::find()
            .select_only()
            .column(organisation::Column::Id)
            .column(organisation::Column::Name)
            .filter(organisation::Column::Id.is_in(ids))
            .into_tuple::<(i64, String)>()
            .all(&self.db)
            .await?
            .into_iter()
            .collect();
        let items = rows
            .into_iter()
            .map(|m| ReportRow {
                organisation_name: names.get(&m.organisation_id).cloned().unwrap_or_default(),
                report: to_report(m),
            })
            .collect();
        Ok(Page {
            items,
            total,
            page: page.page,
            per_page: page.per_page,
        })
    }

    /// Active organisations (of an alliance) that have not submitted the report of a period.
    pub async fn missing_reports(
        &self,
        alliance: Option<AllianceId>,
        year: i32,
        period: ReportPeriod,
        page: PageRequest,
    ) -> Result<Page<Organisation>, StoreError> {
        let filed: Vec<i64> = report::Entity::find()
            .select_only()
            .column(report::Column::OrganisationId)
            .filter(report::Column::Year.eq(year))
            .filter(report::Column::Period.eq(period.as_str()))
            .filter(
                report::Column::Status
                    .is_in([ReportStatus::Submitted.as_str(), ReportStatus::Accepted.as_str()]),
            )
            .into_tuple()
            .all(&self.db)
            .await?;
        let filed: std::collections::HashSet<i64> = filed.into_iter().collect();
        // Companies and households kept as OCOP producers file no cooperative reports.
        let mut q = organisation::Entity::find()
            .filter(organisation::Column::Status.eq(OrgStatus::Active.as_str()))
            .filter(organisation::Column::Kind.is_in(OrgKind::COLLECTIVE.map(OrgKind::as_str)));
        if let Some(a) = alliance {
            q = q.filter(organisation::Column::AllianceId.eq(a.0));
        }
        // The set difference is done here rather than with NOT IN (…100,000 ids…), which both
        // engines plan poorly; organisations are streamed once, by name.
        let all: Vec<(i64,)> = q
            .clone()
            .select_only()
            .column(organisation::Column::Id)
            .order_by_asc(organisation::Column::SortKey)
            .into_tuple()
            .all(&self.db)
            .await?;
        let missing: Vec<i64> = all
            .into_iter()
            .map(|(id,)| id)
            .filter(|id| !filed.contains(id))
            .collect();
        let total = missing.len() as u64;
        let slice: Vec<i64> = missing
            .into_iter()
            .skip(page.offset() as usize)
            .take(page.per_page as usize)
            .collect();
        let mut items = Vec::with_capacity(slice.len());
        for id in slice {
            items.push(self.get_organisation(OrganisationId(id)).await?);
        }
        Ok(Page {
            items,
            total,
            page: page.page,
            per_page: page.per_page,
        })
    }

    /// Sums of the accepted reports of a period, grouped.
    pub async fn report_aggregates(
        &self,
        alliance: Option<AllianceId>,
        year: i32,
        period: ReportPeriod,
        grouping: ReportGrouping,
    ) -> Result<Vec<ReportAggregate>, StoreError> {
        let reports = report::Entity::find()
            .filter(report::Column::Year.eq(year))
            .filter(report::Column::Period.eq(period.as_str()))
            .filter(report::Column::Status.eq(ReportStatus::Accepted.as_str()))
            .all(&self.db)
            .await?;
        let mut orgs = organisation::Entity::find().select_only().columns([
            organisation::Column::Id,
            organisation::Column::AllianceId,
            organisation::Column::ProvinceCode,
            organisation::Column::Kind,
            organisation::Column::Sector,
        ]);
        if let Some(a) = alliance {
            orgs = orgs.filter(organisation::Column::AllianceId.eq(a.0));
        }
        let keys: BTreeMap<i64, String> = orgs
            .into_tuple::<(i64, Option<i64>, Option<String>, String, String)>()
            .all(&self.db)
            .await?
            .into_iter()
            .map(|(id, alliance, province, kind, sector)| {
                let key = match grouping {
                    ReportGrouping::Alliance => alliance.map(|a| a.to_string()).unwrap_or_default(),
                    ReportGrouping::Province => province.unwrap_or_default(),
                    ReportGrouping::Kind => kind,
                    ReportGrouping::Sector => sector,
                };
                (id, key)
            })
            .collect();
        let mut groups: BTreeMap<String, (ReportAggregate, i128)> = BTreeMap::new();
        for r in reports.into_iter().map(to_report) {
            let Some(key) = keys.get(&r.organisation_id.0) else {
                continue;
            };
            let (g, income_weight) = groups.entry(key.clone()).or_insert_with(|| {
                (
                    ReportAggregate {
                        key: key.clone(),
                        ..Default::default()
                    },
                    0,
                )
            });
            let f = &r.figures;
            g.reports += 1;
            g.revenue += f.revenue;
            g.profit += f.profit;
            g.members_official += f.members_official;
            g.members_associate += f.members_associate;
            g.workers += f.workers;
            *income_weight += i128::from(f.average_income) * i128::from(f.workers);
            for (i, (field, _)) in DigitalAdoption::FIELDS.iter().enumerate() {
                g.digital[i] += u64::from(f.digital.get(field));
            }
        }
        Ok(groups
            .into_values()
            .map(|(mut g, weight)| {
                g.average_income = if g.workers > 0 {
                    i64::try_from(weight / i128::from(g.workers)).unwrap_or(0)
                } else {
                    0
                };
                g
            })
            .collect())
    }
}

impl Store {
    /// Adds accepted yearly reports in bulk, in one transaction with one change-log entry:
    /// generated benchmark data (`lienket gen-data --report-years`), not user input. An
    /// organisation's report already kept for that year makes the whole batch fail.
    pub async fn bulk_accepted_reports(
        &self,
        actor: &Actor,
        rows: &[(OrganisationId, i32, ReportFigures)],
    ) -> Result<usize, StoreError> {
        if rows.is_empty() {
            return Ok(0);
        }
        let txn = self.begin_write().await?;
        let now = crate::now();
        for chunk in rows.chunks(500) {
            report::Entity::insert_many(chunk.iter().map(|(org, year, figures)| {
                let mut a = report::ActiveModel {
                    organisation_id: Set(org.0),
                    year: Set(*year),
                    period: Set(ReportPeriod::Year.as_str().into()),
                    status: Set(ReportStatus::Accepted.as_str().into()),
                    submitted_at: Set(Some(now)),
                    reviewed_at: Set(Some(now)),
                    reviewer_name: Set(Some(actor.name.clone())),
                    review_comment: Set(None),
                    created_at: Set(now),
                    updated_at: Set(now),
                    version: Set(1),
                    ..Default::default()
                };
                fill(&mut a, figures);
                a
            }))
            .exec(&txn)
            .await
            .on_unique("period")?;
        }
        crate::changes::record_created(
            &txn,
            actor,
            "report",
            "bulk",
            &serde_json::json!({ "generated_reports": rows.len() }),
        )
        .await?;
        txn.commit().await?;
        Ok(rows.len())
    }
}
