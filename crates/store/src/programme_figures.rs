//! Figures computed from the data: the indicators of a year, the tables of a yearly review and
//! the dashboards. Each is a handful of grouped queries the database answers from its indexes;
//! nothing here is typed in, so a review always says what the data says.
//!
//! Values put into the SQL are integers the store produced (years, ids), never user text.

use std::collections::BTreeMap;

use lienket_domain::ids::AllianceId;
use lienket_domain::organisation::OrgKind;
use lienket_domain::programme::{ActivityKind, ActivityState, Measure};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QueryResult, QuerySelect, Statement,
};
use serde::Serialize;

use crate::entity::{programme, support_request};
use crate::programmes::{Activity, Indicator, IndicatorValue, Programme};
use crate::{Store, StoreError};

/// One alliance's figures (or everyone's) for each measure.
pub type MeasureFigures = BTreeMap<Measure, i64>;

/// The computed figures of a programme in one year.
#[derive(Debug, Clone, Default, Serialize)]
pub struct YearFigures {
    /// Year.
    pub year: i32,
    /// By alliance id.
    pub by_alliance: BTreeMap<i64, MeasureFigures>,
    /// All together (activities and organisations counted once, not summed over alliances).
    pub total: MeasureFigures,
}

impl YearFigures {
    /// The figure of an alliance (or all together with `None`).
    pub fn get(&self, alliance: Option<AllianceId>, m: Measure) -> i64 {
        let map = match alliance {
            Some(a) => self.by_alliance.get(&a.0),
            None => Some(&self.total),
        };
        map.and_then(|f| f.get(&m)).copied().unwrap_or(0)
    }

    /// One alliance's figures, which are also the total.
    #[must_use]
    pub fn of_alliance(&self, alliance: AllianceId) -> YearFigures {
        let own = self.by_alliance.get(&alliance.0).cloned().unwrap_or_default();
        YearFigures {
            year: self.year,
            by_alliance: BTreeMap::from([(alliance.0, own.clone())]),
            total: own,
        }
    }
}

/// Registry figures of one alliance at a year's end.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RegistryCounts {
    /// Cooperatives.
    pub cooperatives: i64,
    /// Cooperative groups.
    pub groups: i64,
    /// Cooperative unions.
    pub unions: i64,
}

impl RegistryCounts {
    /// All organisations.
    pub fn total(&self) -> i64 {
        self.cooperatives + self.groups + self.unions
    }
}

/// What the activity reports of a year add up to, for one alliance.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ReportTotals {
    /// Yearly reports filed (submitted or accepted).
    pub reports: i64,
    /// Revenue (đồng).
    pub revenue: i64,
    /// Profit (đồng).
    pub profit: i64,
    /// Members (official and associate).
    pub members: i64,
    /// Workers.
    pub workers: i64,
}

/// An event of the year with its exhibitors and what they reported.
#[derive(Debug, Clone, Serialize)]
pub struct EventLine {
    /// Event id.
    pub id: i64,
    /// Title.
    pub title: String,
    /// Host alliance.
    pub host_alliance_id: i64,
    /// First day.
    pub starts_on: String,
    /// Last day.
    pub ends_on: String,
    /// Approved exhibitors.
    pub exhibitors: i64,
    /// Sales reported (đồng).
    pub sales: i64,
    /// Contracts reported.
    pub contracts: i64,
}

/// Everything a yearly review counts, for one year.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ReviewFigures {
    /// Indicator figures of the year.
    pub year: YearFigures,
    /// The same of the year before (for comparison), when inside the programme.
    pub previous: Option<YearFigures>,
    /// Activities of the year.
    pub activities: Vec<Activity>,
    /// Targets and typed figures of the year.
    pub values: Vec<IndicatorValue>,
    /// Registry at the year's end by alliance id (0: no alliance).
    pub registry: BTreeMap<i64, RegistryCounts>,
    /// Yearly report totals by alliance id.
    pub reports: BTreeMap<i64, ReportTotals>,
    /// OCOP certificates decided in the year by alliance id and stars.
    pub ocop_stars: BTreeMap<i64, BTreeMap<i32, i64>>,
    /// OCOP certificates decided in the year by alliance id and product group code.
    pub ocop_groups: BTreeMap<i64, BTreeMap<String, i64>>,
    /// Events that started in the year.
    pub events: Vec<EventLine>,
}

/// One year's point of a dashboard series.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DashboardYear {
    /// Year.
    pub year: i32,
    /// Organisations founded that year.
    pub founded: i64,
    /// Organisations founded that year or before (still on the register).
    pub registered: i64,
    /// Reports filed for that year (submitted or accepted).
    pub reports_filed: i64,
    /// Reports accepted.
    pub reports_accepted: i64,
    /// Events hosted that started in that year.
    pub events: i64,
    /// Approved exhibitors at those events.
    pub exhibitors: i64,
    /// Consulting and support activities held.
    pub support_activities: i64,
    /// People they reached.
    pub support_participants: i64,
    /// Support requests received that year.
    pub support_requests: i64,
    /// Support requests first answered that year.
    pub support_answered: i64,
    /// OCOP certificates decided that year.
    pub ocop_certified: i64,
}

/// The figures of a dashboard: one alliance or all together.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Dashboard {
    /// By year, oldest first.
    pub years: Vec<DashboardYear>,
    /// Organisations on the register now by kind (`cooperative`, …).
    pub by_kind: BTreeMap<String, i64>,
    /// Organisations on the register now by status.
    pub by_status: BTreeMap<String, i64>,
    /// Products with a current OCOP certificate by stars.
    pub ocop_stars: BTreeMap<i32, i64>,
    /// Products with a current OCOP certificate by product group code.
    pub ocop_groups: BTreeMap<String, i64>,
    /// Current organisations by alliance id (all together only).
    pub by_alliance: BTreeMap<i64, i64>,
}

/// An integer column: PostgreSQL keeps `integer` columns (years, stars) as 4 bytes and counts
/// as 8, and its driver decodes each only into its own width.
fn int(r: &QueryResult, i: usize) -> i64 {
    r.try_get_by_index::<Option<i64>>(i)
        .ok()
        .flatten()
        .or_else(|| r.try_get_by_index::<Option<i32>>(i).ok().flatten().map(i64::from))
        .unwrap_or(0)
}

fn opt_id(r: &QueryResult, i: usize) -> i64 {
    int(r, i)
}

fn text(r: &QueryResult, i: usize) -> String {
    r.try_get_by_index::<Option<String>>(i)
        .ok()
        .flatten()
        .unwrap_or_default()
}

async fn rows<C: ConnectionTrait>(c: &C, sql: String) -> Result<Vec<QueryResult>, StoreError> {
    Ok(
        c.query_all_raw(Statement::from_string(c.get_database_backend(), sql))
            .await?,
    )
}

/// The entry of one alliance in a map by alliance id.
fn only<V: Clone>(map: &BTreeMap<i64, V>, alliance: i64) -> BTreeMap<i64, V> {
    map.get_key_value(&alliance)
        .map(|(k, v)| (*k, v.clone()))
        .into_iter()
        .collect()
}

/// `AND column = id` when an alliance is asked for.
fn scoped(column: &str, alliance: Option<AllianceId>) -> String {
    alliance.map_or_else(String::new, |a| format!(" AND {column} = {}", a.0))
}

fn year_bounds(year: i32) -> (String, String) {
    (format!("'{year:04}-01-01'"), format!("'{year:04}-12-31'"))
}

const FILED: &str = "('submitted', 'accepted')";

/// The collective economy's kinds: the registry figures count these, not the companies and
/// households kept as OCOP producers.
const COLLECTIVE: &str = OrgKind::COLLECTIVE_SQL;

fn add(map: &mut BTreeMap<i64, MeasureFigures>, alliance: i64, m: Measure, v: i64) {
    *map.entry(alliance).or_default().entry(m).or_default() += v;
}

async fn year_figures<C: ConnectionTrait>(
    c: &C,
    p: &Programme,
    year: i32,
    activities: &[Activity],
) -> Result<YearFigures, StoreError> {
    let (from, to) = year_bounds(year);
    let mut f = YearFigures {
        year,
        ..Default::default()
    };
    let done: Vec<&Activity> = activities
        .iter()
        .filter(|a| a.year == year && a.state == ActivityState::Done)
        .collect();
    for a in &done {
        add(&mut f.by_alliance, a.lead_alliance_id.0, Measure::Activities, 1);
        add(
            &mut f.by_alliance,
            a.lead_alliance_id.0,
            Measure::Participants,
            a.participants,
        );
    }
    *f.total.entry(Measure::Activities).or_default() = done.len() as i64;
    *f.total.entry(Measure::Participants).or_default() = done.iter().map(|a| a.participants).sum();

    let grouped = |f: &mut YearFigures, rows: Vec<QueryResult>, m: Measure| {
        for r in rows {
            let v = int(&r, 1);
            add(&mut f.by_alliance, opt_id(&r, 0), m, v);
            *f.total.entry(m).or_default() += v;
        }
    };
    let supported = rows(
        c,
        format!(
            "SELECT o.alliance_id, COUNT(DISTINCT s.org) FROM ( \
             SELECT ao.organisation_id AS org FROM activity_organisations ao \
             JOIN activities a ON a.id = ao.activity_id \
             WHERE a.programme_id = {pid} AND a.year = {year} AND a.state = 'done' \
             UNION SELECT ea.organisation_id AS org FROM event_applications ea \
             JOIN events e ON e.id = ea.event_id \
             WHERE ea.state = 'approved' AND e.status = 'published' \
             AND e.starts_on >= {from} AND e.starts_on <= {to}) s \
             JOIN organisations o ON o.id = s.org WHERE o.kind IN {COLLECTIVE} GROUP BY o.alliance_id",
            pid = p.id
        ),
    )
    .await?;
    grouped(&mut f, supported, Measure::OrganisationsSupported);
    // New organisations: founded in the year (in their managing alliance) or joined another
    // alliance as members during it (in that alliance); all together each organisation once.
    // The last row (flag 1) is the distinct total.
    let new_organisations = rows(
        c,
        format!(
            "WITH s AS (SELECT id AS org, alliance_id FROM organisations \
             WHERE founded_on >= {from} AND founded_on <= {to} AND kind IN {COLLECTIVE} \
             UNION SELECT m.organisation_id, m.alliance_id FROM organisation_memberships m \
             JOIN organisations o ON o.id = m.organisation_id \
             WHERE m.joined_on >= {from} AND m.joined_on <= {to} AND o.kind IN {COLLECTIVE}) \
             SELECT alliance_id, COUNT(*), 0 FROM s GROUP BY alliance_id \
             UNION ALL SELECT NULL, COUNT(DISTINCT org), 1 FROM s"
        ),
    )
    .await?;
    for r in new_organisations {
        if int(&r, 2) == 1 {
            f.total.insert(Measure::NewOrganisations, int(&r, 1));
        } else {
            add(
                &mut f.by_alliance,
                opt_id(&r, 0),
                Measure::NewOrganisations,
                int(&r, 1),
            );
        }
    }
    let ocop = rows(
        c,
        format!(
            "SELECT o.alliance_id, COUNT(DISTINCT c.product_id), \
             COUNT(DISTINCT CASE WHEN c.stars >= 4 THEN c.product_id END) \
             FROM product_certifications c JOIN products p ON p.id = c.product_id \
             JOIN organisations o ON o.id = p.organisation_id \
             WHERE c.decision_date >= {from} AND c.decision_date <= {to} AND c.state <> 'revoked' \
             GROUP BY o.alliance_id"
        ),
    )
    .await?;
    for r in ocop {
        let (a, n, four) = (opt_id(&r, 0), int(&r, 1), int(&r, 2));
        add(&mut f.by_alliance, a, Measure::OcopProducts, n);
        add(&mut f.by_alliance, a, Measure::OcopFourStars, four);
        *f.total.entry(Measure::OcopProducts).or_default() += n;
        *f.total.entry(Measure::OcopFourStars).or_default() += four;
    }
    let events = rows(
        c,
        format!(
            "SELECT host_alliance_id, COUNT(*) FROM events WHERE status = 'published' \
             AND starts_on >= {from} AND starts_on <= {to} GROUP BY host_alliance_id"
        ),
    )
    .await?;
    grouped(&mut f, events, Measure::Events);
    let exhibitors = rows(
        c,
        format!(
            "SELECT o.alliance_id, COUNT(*) FROM event_applications ea \
             JOIN events e ON e.id = ea.event_id JOIN organisations o ON o.id = ea.organisation_id \
             WHERE ea.state = 'approved' AND e.status = 'published' \
             AND e.starts_on >= {from} AND e.starts_on <= {to} GROUP BY o.alliance_id"
        ),
    )
    .await?;
    grouped(&mut f, exhibitors, Measure::Exhibitors);
    let reports = rows(
        c,
        format!(
            "SELECT o.alliance_id, COUNT(*) FROM activity_reports r \
             JOIN organisations o ON o.id = r.organisation_id \
             WHERE r.year = {year} AND r.period = 'year' AND r.status IN {FILED} GROUP BY o.alliance_id"
        ),
    )
    .await?;
    grouped(&mut f, reports, Measure::ReportsFiled);
    let replicated = rows(
        c,
        format!(
            "SELECT r.alliance_id, COUNT(*) FROM model_replications r \
             JOIN organisations o ON o.id = r.organisation_id \
             WHERE r.year = {year} AND o.kind IN {COLLECTIVE} GROUP BY r.alliance_id"
        ),
    )
    .await?;
    grouped(&mut f, replicated, Measure::ModelsReplicated);
    // Answered in the year as the alliances count it (Vietnam's time), the bounds bound as
    // instants so that both engines compare instants.
    if let Some((start, end)) = crate::support::year_range(year) {
        let answered: Vec<(Option<i64>, i64)> = support_request::Entity::find()
            .select_only()
            .column(support_request::Column::AllianceId)
            .column_as(support_request::Column::Id.count(), "n")
            .filter(support_request::Column::FirstAnsweredAt.gte(start))
            .filter(support_request::Column::FirstAnsweredAt.lt(end))
            .filter(crate::support::of_collective())
            .group_by(support_request::Column::AllianceId)
            .into_tuple()
            .all(c)
            .await?;
        for (alliance, n) in answered {
            add(
                &mut f.by_alliance,
                alliance.unwrap_or(0),
                Measure::SupportAnswered,
                n,
            );
            *f.total.entry(Measure::SupportAnswered).or_default() += n;
        }
    }
    Ok(f)
}

/// Products with an OCOP certificate decided in `year` (not revoked) by alliance id and by
/// `column` of the certificate (`c.`) or the product (`p.`), read by `key`.
async fn certified_by_alliance<C: ConnectionTrait, K: Ord>(
    c: &C,
    year: i32,
    column: &str,
    key: impl Fn(&QueryResult) -> K,
) -> Result<BTreeMap<i64, BTreeMap<K, i64>>, StoreError> {
    let (from, to) = year_bounds(year);
    let mut out: BTreeMap<i64, BTreeMap<K, i64>> = BTreeMap::new();
    for r in rows(
        c,
        format!(
            "SELECT o.alliance_id, {column}, COUNT(DISTINCT c.product_id) FROM product_certifications c \
             JOIN products p ON p.id = c.product_id JOIN organisations o ON o.id = p.organisation_id \
             WHERE c.decision_date >= {from} AND c.decision_date <= {to} AND c.state <> 'revoked' \
             GROUP BY o.alliance_id, {column}"
        ),
    )
    .await?
    {
        out.entry(opt_id(&r, 0)).or_default().insert(key(&r), int(&r, 2));
    }
    Ok(out)
}

/// The sum of one typed field of an indicator's values in a year, of an alliance or every
/// alliance; `None` when nobody typed it (a sum of nothing is not a zero typed).
fn typed_sum(
    values: &[IndicatorValue],
    indicator: i64,
    year: i32,
    alliance: Option<AllianceId>,
    field: fn(&IndicatorValue) -> Option<i64>,
) -> Option<i64> {
    let mut found = values
        .iter()
        .filter(|v| v.indicator_id == indicator && v.year == year)
        .filter(|v| alliance.is_none_or(|a| v.alliance_id == a.0))
        .filter_map(field)
        .peekable();
    found.peek()?;
    Some(found.sum())
}

impl ReviewFigures {
    /// The actual figure of an indicator for an alliance (or all together): computed from the
    /// data, or typed for a manual indicator (`None` when nobody typed it).
    pub fn actual(&self, ind: &Indicator, alliance: Option<AllianceId>) -> Option<i64> {
        if ind.measure.computed() {
            Some(self.year.get(alliance, ind.measure))
        } else {
            typed_sum(&self.values, ind.id, self.year.year, alliance, |v| v.actual)
        }
    }

    /// The target of an indicator for an alliance (or the sum of all alliances' targets).
    pub fn target(&self, ind: &Indicator, alliance: Option<AllianceId>) -> Option<i64> {
        typed_sum(&self.values, ind.id, self.year.year, alliance, |v| v.target)
    }

    /// The figures of one alliance's own review: its activities (led or taken part in), its
    /// typed values, its organisations, reports and certificates and the events it hosted;
    /// the totals are its own.
    #[must_use]
    pub fn of_alliance(&self, alliance: AllianceId) -> ReviewFigures {
        let a = alliance.0;
        ReviewFigures {
            year: self.year.of_alliance(alliance),
            previous: self.previous.as_ref().map(|p| p.of_alliance(alliance)),
            activities: self
                .activities
                .iter()
                .filter(|x| x.involves(alliance))
                .cloned()
                .collect(),
            values: self
                .values
                .iter()
                .filter(|v| v.alliance_id == a)
                .cloned()
                .collect(),
            registry: only(&self.registry, a),
            reports: only(&self.reports, a),
            ocop_stars: only(&self.ocop_stars, a),
            ocop_groups: only(&self.ocop_groups, a),
            events: self
                .events
                .iter()
                .filter(|e| e.host_alliance_id == a)
                .cloned()
                .collect(),
        }
    }
}

impl Store {
    /// The first and last years of the latest programme (the one starting last), when there is
    /// a programme: what a dashboard needs of the programmes, read without loading them.
    pub async fn latest_programme_years(&self) -> Result<Option<(i32, i32)>, StoreError> {
        Ok(programme::Entity::find()
            .select_only()
            .columns([programme::Column::FirstYear, programme::Column::LastYear])
            .order_by_desc(programme::Column::FirstYear)
            .order_by_desc(programme::Column::Id)
            .into_tuple::<(i32, i32)>()
            .one(&self.db)
            .await?)
    }

    /// The computed figures of a programme in a year.
    pub async fn year_figures(&self, p: &Programme, year: i32) -> Result<YearFigures, StoreError> {
        let activities = self.activities_of_year(p.id, year).await?;
        year_figures(&self.db, p, year, &activities).await
    }

    /// Everything the yearly review of `year` counts.
    pub async fn review_figures(&self, p: &Programme, year: i32) -> Result<ReviewFigures, StoreError> {
        let c = &self.db;
        let activities = self.activities_of_year(p.id, year).await?;
        let values = self.indicator_values(p.id, year).await?;
        let current = year_figures(c, p, year, &activities).await?;
        let previous = if year > p.first_year {
            let acts = self.activities_of_year(p.id, year - 1).await?;
            Some(year_figures(c, p, year - 1, &acts).await?)
        } else {
            None
        };
        let (from, to) = year_bounds(year);
        let mut registry: BTreeMap<i64, RegistryCounts> = BTreeMap::new();
        for r in rows(
            c,
            format!(
                "SELECT alliance_id, kind, COUNT(*) FROM organisations \
                 WHERE status <> 'dissolved' AND (founded_on IS NULL OR founded_on <= {to}) \
                 AND kind IN {COLLECTIVE} GROUP BY alliance_id, kind"
            ),
        )
        .await?
        {
            let e = registry.entry(opt_id(&r, 0)).or_default();
            let n = int(&r, 2);
            match text(&r, 1).as_str() {
                "cooperative_group" => e.groups += n,
                "cooperative_union" => e.unions += n,
                _ => e.cooperatives += n,
            }
        }
        let mut reports: BTreeMap<i64, ReportTotals> = BTreeMap::new();
        for r in rows(
            c,
            format!(
                "SELECT o.alliance_id, COUNT(*), CAST(SUM(r.revenue) AS BIGINT), CAST(SUM(r.profit) AS BIGINT), \
                 CAST(SUM(r.members_official + r.members_associate) AS BIGINT), CAST(SUM(r.workers) AS BIGINT) \
                 FROM activity_reports r JOIN organisations o ON o.id = r.organisation_id \
                 WHERE r.year = {year} AND r.period = 'year' AND r.status IN {FILED} \
                 GROUP BY o.alliance_id"
            ),
        )
        .await?
        {
            reports.insert(
                opt_id(&r, 0),
                ReportTotals {
                    reports: int(&r, 1),
                    revenue: int(&r, 2),
                    profit: int(&r, 3),
                    members: int(&r, 4),
                    workers: int(&r, 5),
                },
            );
        }
        let ocop_stars = certified_by_alliance(c, year, "c.stars", |r| int(r, 1) as i32).await?;
        let ocop_groups = certified_by_alliance(c, year, "p.group_code", |r| text(r, 1)).await?;
        let events = rows(
            c,
            format!(
                "SELECT e.id, e.title, e.host_alliance_id, e.starts_on, e.ends_on, \
                 COUNT(ea.id), CAST(SUM(COALESCE(ea.sales, 0)) AS BIGINT), \
                 CAST(SUM(COALESCE(ea.contracts, 0)) AS BIGINT) \
                 FROM events e LEFT JOIN event_applications ea ON ea.event_id = e.id AND ea.state = 'approved' \
                 WHERE e.status = 'published' AND e.starts_on >= {from} AND e.starts_on <= {to} \
                 GROUP BY e.id, e.title, e.host_alliance_id, e.starts_on, e.ends_on \
                 ORDER BY e.starts_on, e.id"
            ),
        )
        .await?
        .iter()
        .map(|r| EventLine {
            id: int(r, 0),
            title: text(r, 1),
            host_alliance_id: int(r, 2),
            starts_on: text(r, 3),
            ends_on: text(r, 4),
            exhibitors: int(r, 5),
            sales: int(r, 6),
            contracts: int(r, 7),
        })
        .collect();
        Ok(ReviewFigures {
            year: current,
            previous,
            activities,
            values,
            registry,
            reports,
            ocop_stars,
            ocop_groups,
            events,
        })
    }

    /// The figures of a dashboard for the years `first..=last`, of one alliance or all.
    pub async fn dashboard(
        &self,
        alliance: Option<AllianceId>,
        first: i32,
        last: i32,
    ) -> Result<Dashboard, StoreError> {
        let c = &self.db;
        let mut d = Dashboard {
            years: (first..=last)
                .map(|year| DashboardYear {
                    year,
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        };
        let idx = |y: i64| {
            (first as i64..=last as i64)
                .contains(&y)
                .then(|| (y - first as i64) as usize)
        };
        // One pass over the organisations, grouped by everything the dashboard shows of them:
        // the founding series, the tiles by kind and status and the table by alliance are summed
        // from it (three passes over 100,000 organisations were most of the dashboard's time).
        // `kind` leads the grouping so that SQLite reads the table straight through: led by
        // `alliance_id` it walks the alliance index instead to save a sort, and fetches each row
        // from it, which took half as long again.
        let mut before_first = 0;
        for r in rows(
            c,
            format!(
                "SELECT alliance_id, kind, status, CAST(SUBSTR(founded_on, 1, 4) AS BIGINT), COUNT(*) \
                 FROM organisations WHERE kind IN {COLLECTIVE}{} GROUP BY kind, status, alliance_id, 4",
                scoped("alliance_id", alliance)
            ),
        )
        .await?
        {
            let n = int(&r, 4);
            let status = text(&r, 2);
            if status != "dissolved" {
                *d.by_kind.entry(text(&r, 1)).or_default() += n;
                if alliance.is_none() {
                    *d.by_alliance.entry(opt_id(&r, 0)).or_default() += n;
                }
                let y = int(&r, 3);
                match idx(y) {
                    Some(i) => d.years[i].founded += n,
                    // No founding date counts as registered from the start.
                    None if y < first as i64 => before_first += n,
                    None => {}
                }
            }
            *d.by_status.entry(status).or_default() += n;
        }
        let mut running = before_first;
        for y in &mut d.years {
            running += y.founded;
            y.registered = running;
        }
        let report_join = if alliance.is_some() {
            format!(
                " JOIN organisations o ON o.id = r.organisation_id{}",
                scoped("o.alliance_id", alliance)
            )
        } else {
            String::new()
        };
        for r in rows(
            c,
            format!(
                "SELECT r.year, r.status, COUNT(*) FROM activity_reports r{report_join} \
                 WHERE r.year >= {first} AND r.year <= {last} AND r.period = 'year' AND r.status IN {FILED} \
                 GROUP BY r.year, r.status"
            ),
        )
        .await?
        {
            if let Some(i) = idx(int(&r, 0)) {
                let n = int(&r, 2);
                d.years[i].reports_filed += n;
                if text(&r, 1) == "accepted" {
                    d.years[i].reports_accepted += n;
                }
            }
        }
        let today = crate::now().date();
        let today = format!(
            "'{:04}-{:02}-{:02}'",
            today.year(),
            today.month() as u8,
            today.day()
        );
        let cert_scope = scoped("o.alliance_id", alliance);
        for r in rows(
            c,
            format!(
                "SELECT c.stars, p.group_code, COUNT(*) FROM product_certifications c \
                 JOIN products p ON p.id = c.product_id JOIN organisations o ON o.id = p.organisation_id \
                 WHERE c.state = 'current' AND c.expires_on >= {today} AND p.status = 'published'{cert_scope} \
                 GROUP BY c.stars, p.group_code"
            ),
        )
        .await?
        {
            let n = int(&r, 2);
            *d.ocop_stars.entry(int(&r, 0) as i32).or_default() += n;
            *d.ocop_groups.entry(text(&r, 1)).or_default() += n;
        }
        for r in rows(
            c,
            format!(
                "SELECT CAST(SUBSTR(c.decision_date, 1, 4) AS BIGINT), COUNT(DISTINCT c.product_id) \
                 FROM product_certifications c \
                 JOIN products p ON p.id = c.product_id JOIN organisations o ON o.id = p.organisation_id \
                 WHERE c.state <> 'revoked' AND c.decision_date >= '{first:04}-01-01'{cert_scope} GROUP BY 1"
            ),
        )
        .await?
        {
            if let Some(i) = idx(int(&r, 0)) {
                d.years[i].ocop_certified += int(&r, 1);
            }
        }
        let event_scope = scoped("e.host_alliance_id", alliance);
        for r in rows(
            c,
            format!(
                "SELECT CAST(SUBSTR(e.starts_on, 1, 4) AS BIGINT), COUNT(DISTINCT e.id), COUNT(ea.id) \
                 FROM events e LEFT JOIN event_applications ea ON ea.event_id = e.id AND ea.state = 'approved' \
                 WHERE e.status = 'published' AND e.starts_on >= '{first:04}-01-01'{event_scope} GROUP BY 1"
            ),
        )
        .await?
        {
            if let Some(i) = idx(int(&r, 0)) {
                d.years[i].events += int(&r, 1);
                d.years[i].exhibitors += int(&r, 2);
            }
        }
        let activity_scope = alliance.map_or_else(String::new, |a| {
            format!(
                " AND (lead_alliance_id = {id} OR (',' || alliances || ',') LIKE '%,{id},%')",
                id = a.0
            )
        });
        for r in rows(
            c,
            format!(
                "SELECT year, COUNT(*), CAST(SUM(participants) AS BIGINT) FROM activities \
                 WHERE state = 'done' AND kind = '{kind}' AND year >= {first} AND year <= {last}{activity_scope} \
                 GROUP BY year",
                kind = ActivityKind::Consulting.as_str()
            ),
        )
        .await?
        {
            if let Some(i) = idx(int(&r, 0)) {
                d.years[i].support_activities += int(&r, 1);
                d.years[i].support_participants += int(&r, 2);
            }
        }
        // Requests received and first answered, by year in Vietnam's time (read in Rust: the
        // engines would read a timestamp's year each in its own time zone).
        let mut q = support_request::Entity::find()
            .select_only()
            .column(support_request::Column::CreatedAt)
            .column(support_request::Column::FirstAnsweredAt)
            .filter(crate::support::of_collective());
        if let Some(a) = alliance {
            q = q.filter(support_request::Column::AllianceId.eq(a.0));
        }
        let asked: Vec<(time::OffsetDateTime, Option<time::OffsetDateTime>)> = q.into_tuple().all(c).await?;
        for (created, answered) in asked {
            if let Some(i) = idx(i64::from(crate::support::vietnam_year(created))) {
                d.years[i].support_requests += 1;
            }
            if let Some(i) = answered.and_then(|t| idx(i64::from(crate::support::vietnam_year(t)))) {
                d.years[i].support_answered += 1;
            }
        }
        Ok(d)
    }
}
