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

/// Organisations read from the database at a time while building a snapshot.
const READ_CHUNK: u64 = 5_000;

/// A snapshot is rebuilt at least this often even when the change log shows nothing new.
const MAX_AGE: Duration = Duration::from_secs(60);

/// One organisation's filterable facts.
#[derive(Debug, Clone)]
struct Entry {
    id: i64,
    alliance: Option<i64>,
    /// Other alliances it is a member of (usually none).
    member_of: Box<[i64]>,
    /// Position + 1 in the snapshot's province codes; 0 without a province.
    province: u16,
    kind: Option<OrgKind>,
    sector: Option<Sector>,
    status: Option<OrgStatus>,
    /// Founding date as the number YYYYMMDD; 0 when unknown. Plain numbers keep the filter
    /// pass inside the entries: a string per entry cost a cache miss each.
    founded: u32,
    members: i32,
    capital: Option<i64>,
    updated: i64,
    code: Option<Box<str>>,
    /// Has a published product with a valid OCOP certification.
    has_ocop: bool,
}

/// What the filters test of one organisation, in 16 bytes: a filter pass over 100,000 reads
/// 1.6 MB instead of the whole entries.
#[derive(Debug, Clone, Copy)]
struct Facts {
    founded: u32,
    /// Position + 1 in the snapshot's alliances; 0 without one.
    alliance: u16,
    province: u16,
    kind: Option<OrgKind>,
    sector: Option<Sector>,
    status: Option<OrgStatus>,
    has_ocop: bool,
    /// Also a member of other alliances (listed in its entry).
    elsewhere: bool,
}

const _: () = assert!(std::mem::size_of::<Facts>() <= 16);

/// The entries in Vietnamese name order, with the change-log id they reflect.
#[derive(Debug, Default)]
struct Snapshot {
    entries: Vec<Entry>,
    /// Every distinct word of the entries' folded search texts, one per line: a query word is
    /// found with one substring scan of this buffer (a tenth of the texts themselves, since
    /// "hop tac xa" and common surnames appear once) instead of 100,000 small scans.
    vocab_blob: String,
    /// Where each word's line starts in `vocab_blob`.
    vocab_starts: Vec<u32>,
    /// For each word, the entries (by position) whose text holds it.
    postings: Vec<Vec<u32>>,
    /// For each sort other than by name: positions in `entries`, in that order (ties in name
    /// order), computed once per build so a request never sorts.
    orders: Vec<(OrganisationSort, Vec<u32>)>,
    last_change: i64,
    built: Option<Instant>,
    /// The distinct 2025 province codes the entries refer to.
    provinces: Vec<Box<str>>,
    /// The distinct managing alliances.
    alliances: Vec<i64>,
    /// Each entry's facts, in entry order.
    facts: Vec<Facts>,
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
    // Read a chunk at a time: a database row takes several times the memory of its entry, and
    // memory the allocator got back stays with the process. The chunks come from one read
    // transaction, so they are one consistent state of the registry.
    let txn = read_snapshot(db).await?;
    let db = &txn;
    let mut rows: Vec<Row> = Vec::new();
    loop {
        let chunk: Vec<Row> = organisation::Entity::find()
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
            .limit(READ_CHUNK)
            .offset(rows.len() as u64)
            .into_tuple()
            .all(db)
            .await?;
        let last = (chunk.len() as u64) < READ_CHUNK;
        rows.extend(chunk);
        if last {
            break;
        }
    }
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
    let mut vocab = Vocabulary::default();
    let mut provinces: Vec<Box<str>> = Vec::new();
    let mut province_number = |code: Option<String>| -> u16 {
        let Some(code) = code else { return 0 };
        match provinces.iter().position(|p| **p == *code) {
            Some(i) => i as u16 + 1,
            None => {
                provinces.push(code.into());
                provinces.len() as u16
            }
        }
    };
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
                vocab.add(vocab.entries, &search);
                vocab.entries += 1;
                Entry {
                    id,
                    alliance,
                    member_of: member_of.remove(&id).unwrap_or_default().into(),
                    province: province_number(province),
                    kind: OrgKind::parse(&kind),
                    sector: Sector::parse(&sector),
                    status: OrgStatus::parse(&status),
                    founded: founded.as_deref().map_or(0, day_number),
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
    let mut alliances: Vec<i64> = entries.iter().filter_map(|e| e.alliance).collect();
    alliances.sort_unstable();
    alliances.dedup();
    let facts = entries
        .iter()
        .map(|e| Facts {
            founded: e.founded,
            alliance: e
                .alliance
                .and_then(|a| alliances.binary_search(&a).ok())
                .map_or(0, |i| i as u16 + 1),
            province: e.province,
            kind: e.kind,
            sector: e.sector,
            status: e.status,
            has_ocop: e.has_ocop,
            elsewhere: !e.member_of.is_empty(),
        })
        .collect();
    txn.commit().await?;
    Ok(Snapshot {
        alliances,
        facts,
        entries,
        provinces,
        vocab_blob: vocab.blob,
        vocab_starts: vocab.starts,
        postings: vocab.postings,
        orders,
        last_change,
        built: Some(Instant::now()),
    })
}

/// A read-only transaction that sees one state of the database through all its reads
/// (repeatable read on PostgreSQL; on SQLite every transaction does).
async fn read_snapshot(db: &DatabaseConnection) -> Result<sea_orm::DatabaseTransaction, StoreError> {
    use sea_orm::{AccessMode, IsolationLevel, TransactionTrait};
    Ok(match db.get_database_backend() {
        sea_orm::DbBackend::Postgres => {
            db.begin_with_config(Some(IsolationLevel::RepeatableRead), Some(AccessMode::ReadOnly))
                .await?
        }
        _ => db.begin().await?,
    })
}

/// The distinct words of the search texts, with the entries that hold each.
#[derive(Default)]
struct Vocabulary {
    blob: String,
    starts: Vec<u32>,
    postings: Vec<Vec<u32>>,
    ids: std::collections::HashMap<Box<str>, u32>,
    entries: u32,
}

impl Vocabulary {
    fn add(&mut self, entry: u32, text: &str) {
        for word in text.split_whitespace().filter(|w| *w != "|") {
            let id = match self.ids.get(word) {
                Some(id) => *id,
                None => {
                    let id = self.starts.len() as u32;
                    self.starts.push(self.blob.len() as u32);
                    self.blob.push_str(word);
                    self.blob.push('\n');
                    self.postings.push(Vec::new());
                    self.ids.insert(word.into(), id);
                    id
                }
            };
            let list = &mut self.postings[id as usize];
            if list.last() != Some(&entry) {
                list.push(entry);
            }
        }
    }
}

/// `YYYY-MM-DD` as the number YYYYMMDD (0 when unreadable).
fn day_number(d: &str) -> u32 {
    let digits: String = d.chars().filter(char::is_ascii_digit).take(8).collect();
    digits.parse().unwrap_or(0)
}

/// A filter with its values in the entries' representation, worked out once per request.
struct Wanted {
    /// The alliance's id and its position + 1 among the managing alliances (`u16::MAX` when it
    /// manages none).
    alliance: Option<(i64, u16)>,
    /// `Some(u16::MAX)` for a province no entry has.
    province: Option<u16>,
    kind: Option<OrgKind>,
    sector: Option<Sector>,
    status: Option<OrgStatus>,
    from: Option<u32>,
    to: Option<u32>,
    has_ocop: Option<bool>,
}

impl Wanted {
    fn new(f: &OrganisationFilter, provinces: &[Box<str>], alliances: &[i64]) -> Wanted {
        Wanted {
            alliance: f.alliance.map(|a| {
                let at = alliances.binary_search(&a.0).map_or(u16::MAX, |i| i as u16 + 1);
                (a.0, at)
            }),
            province: f.province_code.as_deref().map(|p| {
                provinces
                    .iter()
                    .position(|x| **x == *p)
                    .map_or(u16::MAX, |i| i as u16 + 1)
            }),
            kind: f.kind,
            sector: f.sector,
            status: f.status,
            from: f.founded_from.as_deref().map(day_number),
            to: f.founded_to.as_deref().map(day_number),
            has_ocop: f.has_ocop_products,
        }
    }
}

impl Facts {
    /// Whether the organisation passes the filter; `member_of` gives its other alliances, asked
    /// only when the managing one differs.
    fn matches(&self, w: &Wanted, member_of: impl Fn() -> bool) -> bool {
        w.province.is_none_or(|p| self.province == p)
            && w.kind.is_none_or(|k| self.kind == Some(k))
            && w.sector.is_none_or(|s| self.sector == Some(s))
            && w.status.is_none_or(|s| self.status == Some(s))
            && w.from.is_none_or(|d| self.founded != 0 && self.founded >= d)
            && w.to.is_none_or(|d| self.founded != 0 && self.founded <= d)
            && w.has_ocop.is_none_or(|h| self.has_ocop == h)
            && w.alliance
                .is_none_or(|(_, at)| self.alliance == at || (self.elsewhere && member_of()))
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
        let behind = current.built.is_none() || current.last_change < latest;
        let _guard = match self.rebuilding.try_lock() {
            Ok(guard) => guard,
            // Only old, not behind the change log, and another request is already rebuilding
            // it: serve this one rather than queue every request behind the rebuild.
            Err(_) if !behind => return Ok(current),
            Err(_) => self.rebuilding.lock().await,
        };
        // Another request may have rebuilt it while this one waited.
        let current = self.snapshot.read().await.clone();
        if !stale(&current) {
            return Ok(current);
        }
        let built = Arc::new(build(db, latest).await?);
        *self.snapshot.write().await = built.clone();
        Ok(built)
    }

    /// The ids of one page of matching organisations, in order, with the other alliances each is
    /// a member of, and the total that match.
    pub(crate) async fn search(
        &self,
        db: &DatabaseConnection,
        filter: &OrganisationFilter,
        sort: OrganisationSort,
        descending: bool,
        offset: usize,
        limit: usize,
    ) -> Result<(Vec<(i64, Box<[i64]>)>, u64), StoreError> {
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
                // A word of the query matches inside a word of the text, never across two.
                let mut last = usize::MAX;
                for (pos, _) in snapshot.vocab_blob.match_indices(word.as_str()) {
                    let w = snapshot
                        .vocab_starts
                        .partition_point(|s| *s as usize <= pos)
                        .saturating_sub(1);
                    if w == last {
                        continue;
                    }
                    last = w;
                    for e in &snapshot.postings[w] {
                        hit[*e as usize] = true;
                    }
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
            let ids = order
                .skip(offset)
                .take(limit)
                .map(|i| (entries[i].id, entries[i].member_of.clone()))
                .collect();
            return Ok((ids, entries.len() as u64));
        }
        // The filters are tested in entry order over the compact facts; walking the entries in
        // another sort's order jumps around 10 MB and costs a cache miss each.
        let wanted = Wanted::new(filter, &snapshot.provinces, &snapshot.alliances);
        let other_alliance = |i: usize| {
            wanted
                .alliance
                .is_some_and(|(a, _)| entries[i].member_of.contains(&a))
        };
        let mut keep = vec![false; entries.len()];
        let mut total = 0u64;
        for (i, f) in snapshot.facts.iter().enumerate() {
            let hit = allowed.as_ref().is_none_or(|w| w[i]) && f.matches(&wanted, || other_alliance(i));
            keep[i] = hit;
            total += u64::from(hit);
        }
        // The page: walk the sort order only as far as the page's last match.
        let mut ids = Vec::with_capacity(limit.min(1024));
        let mut seen = 0usize;
        for i in order {
            if ids.len() >= limit {
                break;
            }
            if keep[i] {
                if seen >= offset {
                    ids.push((entries[i].id, entries[i].member_of.clone()));
                }
                seen += 1;
            }
        }
        Ok((ids, total))
    }
}
