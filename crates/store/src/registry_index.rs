//! An in-memory index of the registry's filterable columns, so staff lists over 100,000
//! organisations filter, count, sort and page in memory and read only the page's rows.
//!
//! Every node keeps its own copy, rebuilt from the database when the change log shows a newer
//! organisation or product change than the one it was built from (an organisation "has OCOP
//! products" when one of its published products holds a valid certification), and at least once a minute (on
//! PostgreSQL a change-log id can commit after a higher one, so the id alone could miss it).
//! Rejected: SQL `COUNT(*)` plus `LIKE '%…%'` per request, which scans the whole table twice and
//! put the list's p99 above a second under 16 concurrent clients.

use std::sync::Arc;
use std::time::{Duration, Instant};

use lienket_domain::organisation::{OrgKind, OrgStatus, Sector};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    Statement,
};
use tokio::sync::{Mutex, RwLock};

use crate::StoreError;
use crate::entity::{organisation, product};
use crate::organisations::{OrganisationFilter, OrganisationSort};

/// A snapshot is rebuilt at least this often even when the change log shows nothing new.
const MAX_AGE: Duration = Duration::from_secs(60);

/// One organisation's filterable facts.
#[derive(Debug, Clone)]
struct Entry {
    id: i64,
    alliance: Option<i64>,
    /// Other alliances it is a member of (usually none).
    member_of: Box<[i64]>,
    province: Option<Box<str>>,
    kind: Option<OrgKind>,
    sector: Option<Sector>,
    status: Option<OrgStatus>,
    founded: Option<Box<str>>,
    members: i32,
    capital: Option<i64>,
    updated: i64,
    code: Option<Box<str>>,
    /// Has a published product with a valid OCOP certification.
    has_ocop: bool,
}

/// The entries in Vietnamese name order, with the change-log id they reflect.
#[derive(Debug, Default)]
struct Snapshot {
    entries: Vec<Entry>,
    /// Every entry's folded search text, one per line, in entry order: a word is found with one
    /// substring scan of this buffer instead of 100,000 small ones.
    search_blob: String,
    /// Where each entry's line starts in `search_blob`.
    search_starts: Vec<u32>,
    /// For each sort other than by name: positions in `entries`, in that order (ties in name
    /// order), computed once per build so a request never sorts.
    orders: Vec<(OrganisationSort, Vec<u32>)>,
    last_change: i64,
    built: Option<Instant>,
}

fn orders(entries: &[Entry]) -> Vec<(OrganisationSort, Vec<u32>)> {
    let by = |key: &dyn Fn(&Entry, &Entry) -> std::cmp::Ordering| {
        let mut v: Vec<u32> = (0..entries.len() as u32).collect();
        // A stable sort keeps name order among equal keys.
        v.sort_by(|a, b| key(&entries[*a as usize], &entries[*b as usize]));
        v
    };
    vec![
        (OrganisationSort::Code, by(&|a, b| a.code.cmp(&b.code))),
        (OrganisationSort::Founded, by(&|a, b| a.founded.cmp(&b.founded))),
        (OrganisationSort::Members, by(&|a, b| a.members.cmp(&b.members))),
        (OrganisationSort::Capital, by(&|a, b| a.capital.cmp(&b.capital))),
        (OrganisationSort::Updated, by(&|a, b| a.updated.cmp(&b.updated))),
    ]
}

/// The per-node registry index.
#[derive(Debug, Default)]
pub(crate) struct RegistryIndex {
    snapshot: RwLock<Arc<Snapshot>>,
    rebuilding: Mutex<()>,
}

async fn latest_change(db: &DatabaseConnection) -> Result<i64, StoreError> {
    // One indexed look-up per entity: with `entity IN (…)` SQLite walks every matching entry
    // of the index instead of jumping to the last one.
    let sql = format!(
        "SELECT MAX(m) FROM (SELECT MAX(id) AS m FROM change_log WHERE entity = 'organisation' \
         UNION ALL SELECT MAX(id) AS m FROM change_log WHERE entity = '{}') latest",
        crate::PRODUCT_ENTITY
    );
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await?;
    Ok(row
        .and_then(|r| r.try_get_by_index::<Option<i64>>(0).ok())
        .flatten()
        .unwrap_or(0))
}

async fn build(db: &DatabaseConnection, last_change: i64) -> Result<Snapshot, StoreError> {
    type Row = (
        i64,
        Option<i64>,
        Option<String>,
        String,
        String,
        String,
        Option<String>,
        i32,
        Option<i64>,
        time::OffsetDateTime,
        Option<String>,
        String,
    );
    let rows: Vec<Row> = organisation::Entity::find()
        .select_only()
        .columns([
            organisation::Column::Id,
            organisation::Column::AllianceId,
            organisation::Column::ProvinceCode,
            organisation::Column::Kind,
            organisation::Column::Sector,
            organisation::Column::Status,
            organisation::Column::FoundedOn,
            organisation::Column::MembersOfficial,
            organisation::Column::CharterCapital,
            organisation::Column::UpdatedAt,
            organisation::Column::RegistrationCode,
            organisation::Column::SearchFolded,
        ])
        .order_by_asc(organisation::Column::SortKey)
        .order_by_asc(organisation::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    let today = time::OffsetDateTime::now_utc().date();
    let today = format!(
        "{:04}-{:02}-{:02}",
        today.year(),
        u8::from(today.month()),
        today.day()
    );
    let with_ocop: std::collections::HashSet<i64> = product::Entity::find()
        .select_only()
        .column(product::Column::OrganisationId)
        .distinct()
        .filter(product::Column::Status.eq("published"))
        .filter(product::Column::Stars.is_not_null())
        .filter(product::Column::CertExpiresOn.gte(today))
        .into_tuple::<i64>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let mut member_of = crate::memberships::all_memberships(db).await?;
    let mut search_blob = String::new();
    let mut search_starts = Vec::with_capacity(rows.len());
    let entries = rows
        .into_iter()
        .map(
            |(
                id,
                alliance,
                province,
                kind,
                sector,
                status,
                founded,
                members,
                capital,
                updated,
                code,
                search,
            )| {
                search_starts.push(search_blob.len() as u32);
                search_blob.push_str(&search);
                search_blob.push('\n');
                Entry {
                    id,
                    alliance,
                    member_of: member_of.remove(&id).unwrap_or_default().into(),
                    province: province.map(Into::into),
                    kind: OrgKind::parse(&kind),
                    sector: Sector::parse(&sector),
                    status: OrgStatus::parse(&status),
                    founded: founded.map(Into::into),
                    members,
                    capital,
                    updated: updated.unix_timestamp_nanos() as i64,
                    code: code.map(Into::into),
                    has_ocop: with_ocop.contains(&id),
                }
            },
        )
        .collect::<Vec<Entry>>();
    let orders = orders(&entries);
    Ok(Snapshot {
        entries,
        search_blob,
        search_starts,
        orders,
        last_change,
        built: Some(Instant::now()),
    })
}

impl Entry {
    fn matches(&self, f: &OrganisationFilter) -> bool {
        f.alliance
            .is_none_or(|a| self.alliance == Some(a.0) || self.member_of.contains(&a.0))
            && f.province_code
                .as_deref()
                .is_none_or(|p| self.province.as_deref() == Some(p))
            && f.kind.is_none_or(|k| self.kind == Some(k))
            && f.sector.is_none_or(|s| self.sector == Some(s))
            && f.status.is_none_or(|s| self.status == Some(s))
            && f.founded_from
                .as_deref()
                .is_none_or(|d| self.founded.as_deref().is_some_and(|x| x >= d))
            && f.founded_to
                .as_deref()
                .is_none_or(|d| self.founded.as_deref().is_some_and(|x| x <= d))
            && f.has_ocop_products.is_none_or(|h| self.has_ocop == h)
    }
}

impl RegistryIndex {
    /// Builds the index ahead of the first request (called at start, in the background).
    pub(crate) async fn warm(&self, db: &DatabaseConnection) -> Result<(), StoreError> {
        self.fresh(db).await.map(|_| ())
    }

    /// The snapshot, rebuilt first when the registry changed since it was built.
    async fn fresh(&self, db: &DatabaseConnection) -> Result<Arc<Snapshot>, StoreError> {
        let latest = latest_change(db).await?;
        let current = self.snapshot.read().await.clone();
        let stale = |s: &Snapshot| s.built.is_none_or(|b| b.elapsed() > MAX_AGE) || s.last_change < latest;
        if !stale(&current) {
            return Ok(current);
        }
        let _guard = self.rebuilding.lock().await;
        // Another request may have rebuilt it while this one waited.
        let current = self.snapshot.read().await.clone();
        if !stale(&current) {
            return Ok(current);
        }
        let built = Arc::new(build(db, latest).await?);
        *self.snapshot.write().await = built.clone();
        Ok(built)
    }

    /// The ids of one page of matching organisations, in order, and the total that match.
    pub(crate) async fn search(
        &self,
        db: &DatabaseConnection,
        filter: &OrganisationFilter,
        sort: OrganisationSort,
        descending: bool,
        offset: usize,
        limit: usize,
    ) -> Result<(Vec<i64>, u64), StoreError> {
        let snapshot = self.fresh(db).await?;
        let words: Vec<String> = filter
            .query
            .as_deref()
            .map(lienket_domain::text::fold)
            .map(|q| q.split_whitespace().take(8).map(str::to_string).collect())
            .unwrap_or_default();
        let entries = &snapshot.entries;
        // Entries (by index) whose search text holds every word, or `None` without words.
        let allowed: Option<Vec<bool>> = (!words.is_empty()).then(|| {
            let mut all = vec![true; entries.len()];
            for word in &words {
                let mut hit = vec![false; entries.len()];
                for (pos, _) in snapshot.search_blob.match_indices(word.as_str()) {
                    let i = snapshot
                        .search_starts
                        .partition_point(|s| *s as usize <= pos)
                        .saturating_sub(1);
                    hit[i] = true;
                }
                all.iter_mut().zip(hit).for_each(|(a, h)| *a &= h);
            }
            all
        });
        let no_filter = allowed.is_none()
            && filter.alliance.is_none()
            && filter.province_code.is_none()
            && filter.kind.is_none()
            && filter.sector.is_none()
            && filter.status.is_none()
            && filter.founded_from.is_none()
            && filter.founded_to.is_none()
            && filter.has_ocop_products.is_none();
        let order: Box<dyn DoubleEndedIterator<Item = usize>> =
            match snapshot.orders.iter().find(|(s, _)| *s == sort) {
                Some((_, positions)) => Box::new(positions.iter().map(|p| *p as usize)),
                None => Box::new(0..entries.len()),
            };
        let order: Box<dyn Iterator<Item = usize>> = if descending { Box::new(order.rev()) } else { order };
        if no_filter {
            // The whole registry: the page is read straight off the order.
            let ids = order.skip(offset).take(limit).map(|i| entries[i].id).collect();
            return Ok((ids, entries.len() as u64));
        }
        // One pass: count every match, keep the page's ids.
        let mut total = 0u64;
        let mut ids = Vec::with_capacity(limit.min(1024));
        let keep = |i: &usize| allowed.as_ref().is_none_or(|a| a[*i]) && entries[*i].matches(filter);
        for i in order.filter(keep) {
            if total as usize >= offset && ids.len() < limit {
                ids.push(entries[i].id);
            }
            total += 1;
        }
        Ok((ids, total))
    }
}
