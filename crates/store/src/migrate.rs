//! Embedded schema migrations, applied at start, in order, each in its own transaction.
//!
//! The schema version lives in `lienket_schema`. A database whose version is newer than the
//! newest migration this binary knows is refused: an older binary must never write to a schema
//! it does not understand. On PostgreSQL an advisory lock serialises nodes that start together.
//!
//! Migrations are built with sea-query so one definition yields correct DDL for both engines
//! (rejected: hand-written per-engine SQL files, which drift apart).

use sea_orm::sea_query::{
    ColumnDef, Expr, ExprTrait, ForeignKey, ForeignKeyAction, ForeignKeyCreateStatement, Index, Query, Table,
    TableCreateStatement,
};
use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, Statement, TransactionTrait};

use crate::StoreError;

/// One migration: a version number, a name and the statements that apply it.
struct Migration {
    version: i64,
    name: &'static str,
    statements: fn(DatabaseBackend) -> Vec<Statement>,
}

const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "foundation",
        statements: foundation,
    },
    Migration {
        version: 2,
        name: "registry",
        statements: registry,
    },
    Migration {
        version: 3,
        name: "activity_reports",
        statements: activity_reports,
    },
    Migration {
        version: 4,
        name: "imports",
        statements: imports,
    },
    Migration {
        version: 5,
        name: "change_log_by_entity",
        statements: change_log_by_entity,
    },
    Migration {
        version: 6,
        name: "products",
        statements: products,
    },
    Migration {
        version: 7,
        name: "memberships",
        statements: memberships,
    },
    Migration {
        version: 8,
        name: "events",
        statements: events,
    },
    Migration {
        version: 9,
        name: "programmes",
        statements: programmes,
    },
    Migration {
        version: 10,
        name: "support_requests",
        statements: support_requests,
    },
    Migration {
        version: 11,
        name: "model_showcase",
        statements: model_showcase,
    },
    Migration {
        version: 12,
        name: "valid_ocop_by_organisation",
        statements: valid_ocop_by_organisation,
    },
];

/// The newest schema version this binary knows.
pub fn latest_version() -> i64 {
    MIGRATIONS.last().map_or(0, |m| m.version)
}

/// Advisory-lock key shared by every node (an arbitrary constant: "LKET").
const PG_LOCK_KEY: i64 = 0x4c4b_4554;

/// Applies pending migrations; returns the versions applied.
pub async fn run(db: &DatabaseConnection) -> Result<Vec<i64>, StoreError> {
    let backend = db.get_database_backend();
    db.execute_unprepared(
        "CREATE TABLE IF NOT EXISTS lienket_schema (version BIGINT PRIMARY KEY, name VARCHAR(100) NOT NULL, \
         applied_at VARCHAR(40) NOT NULL)",
    )
    .await?;
    let locked = backend == DatabaseBackend::Postgres;
    if locked {
        // Taken inside a transaction so it is released even if this node dies mid-migration.
        let txn = db.begin().await?;
        txn.execute_raw(Statement::from_string(
            backend,
            format!("SELECT pg_advisory_xact_lock({PG_LOCK_KEY})"),
        ))
        .await?;
        let applied = apply_pending(&txn, backend).await;
        return match applied {
            Ok(v) => {
                txn.commit().await?;
                Ok(v)
            }
            Err(e) => Err(e),
        };
    }
    let txn = db.begin().await?;
    let applied = apply_pending(&txn, backend).await?;
    txn.commit().await?;
    Ok(applied)
}

/// The schema version recorded in the database (0 when empty).
pub async fn current_version<C: ConnectionTrait>(db: &C) -> Result<i64, StoreError> {
    let backend = db.get_database_backend();
    let row = db
        .query_one_raw(Statement::from_string(
            backend,
            "SELECT COALESCE(MAX(version), 0) AS v FROM lienket_schema".to_string(),
        ))
        .await?;
    Ok(row.map(|r| r.try_get::<i64>("", "v")).transpose()?.unwrap_or(0))
}

async fn apply_pending<C: ConnectionTrait>(db: &C, backend: DatabaseBackend) -> Result<Vec<i64>, StoreError> {
    let current = current_version(db).await?;
    if current > latest_version() {
        return Err(StoreError::SchemaTooNew {
            database: current,
            binary: latest_version(),
        });
    }
    let mut applied = Vec::new();
    for m in MIGRATIONS.iter().filter(|m| m.version > current) {
        for stmt in (m.statements)(backend) {
            db.execute_raw(stmt).await?;
        }
        let now = time::OffsetDateTime::now_utc()
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default();
        let insert = Query::insert()
            .into_table("lienket_schema")
            .columns(["version", "name", "applied_at"])
            .values_panic([m.version.into(), m.name.into(), now.into()])
            .to_owned();
        db.execute(&insert).await?;
        tracing::info!(version = m.version, name = m.name, "schema migration applied");
        applied.push(m.version);
    }
    Ok(applied)
}

fn id() -> ColumnDef {
    ColumnDef::new("id")
        .big_integer()
        .not_null()
        .auto_increment()
        .primary_key()
        .to_owned()
}
fn text(name: &'static str, len: u32) -> ColumnDef {
    ColumnDef::new(name).string_len(len).not_null().to_owned()
}
fn opt_text(name: &'static str, len: u32) -> ColumnDef {
    ColumnDef::new(name).string_len(len).null().to_owned()
}
fn ts(name: &'static str) -> ColumnDef {
    ColumnDef::new(name)
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}
fn opt_ts(name: &'static str) -> ColumnDef {
    ColumnDef::new(name).timestamp_with_time_zone().null().to_owned()
}
fn big(name: &'static str) -> ColumnDef {
    ColumnDef::new(name).big_integer().not_null().to_owned()
}
fn opt_big(name: &'static str) -> ColumnDef {
    ColumnDef::new(name).big_integer().null().to_owned()
}
fn version() -> ColumnDef {
    ColumnDef::new("version")
        .integer()
        .not_null()
        .default(1)
        .to_owned()
}
fn fk(from: &'static str, to_table: &'static str, on_delete: ForeignKeyAction) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from_col(from)
        .to_tbl(to_table)
        .to_col("id")
        .on_delete(on_delete)
        .to_owned()
}

fn foundation(backend: DatabaseBackend) -> Vec<Statement> {
    let tables: Vec<TableCreateStatement> = vec![
        Table::create()
            .table("files")
            .col(id())
            .col(text("content_type", 100))
            .col(big("size"))
            .col(text("sha256", 64))
            .col(ColumnDef::new("bytes").blob().not_null())
            .col(ts("created_at"))
            .to_owned(),
        Table::create()
            .table("alliances")
            .col(id())
            .col(text("code", 16).unique_key().to_owned())
            .col(text("name", 200))
            .col(text("short_name", 80))
            .col(text("sort_key", 800))
            .col(text("province_code", 2))
            .col(opt_text("address", 300))
            .col(opt_text("phone", 20))
            .col(opt_text("email", 254))
            .col(opt_text("website", 300))
            .col(opt_big("logo_file_id"))
            .col(ts("created_at"))
            .col(ts("updated_at"))
            .col(version())
            .foreign_key(&mut fk("logo_file_id", "files", ForeignKeyAction::SetNull))
            .to_owned(),
        Table::create()
            .table("organisations")
            .col(id())
            .col(opt_big("alliance_id"))
            .col(opt_text("registration_code", 14).unique_key().to_owned())
            .col(text("name", 300))
            .col(text("name_folded", 300))
            .col(text("kind", 20))
            .col(opt_text("province_code", 2))
            .col(text("status", 20))
            .col(ts("created_at"))
            .col(ts("updated_at"))
            .col(version())
            .foreign_key(&mut fk("alliance_id", "alliances", ForeignKeyAction::Restrict))
            .to_owned(),
        Table::create()
            .table("users")
            .col(id())
            .col(text("username", 40).unique_key().to_owned())
            .col(text("display_name", 120))
            .col(opt_text("email", 254))
            .col(text("password_hash", 200))
            .col(text("role", 20))
            .col(opt_big("alliance_id"))
            .col(opt_big("organisation_id"))
            .col(ColumnDef::new("active").boolean().not_null().default(true))
            .col(ts("created_at"))
            .col(ts("updated_at"))
            .col(opt_ts("last_login_at"))
            .col(version())
            .foreign_key(&mut fk("alliance_id", "alliances", ForeignKeyAction::Restrict))
            .foreign_key(&mut fk(
                "organisation_id",
                "organisations",
                ForeignKeyAction::Restrict,
            ))
            .to_owned(),
        Table::create()
            .table("sessions")
            .col(text("id", 64).primary_key().to_owned())
            .col(big("user_id"))
            .col(text("csrf_token", 64))
            .col(ts("created_at"))
            .col(ts("expires_at"))
            .col(ts("last_seen_at"))
            .col(opt_text("ip", 64))
            .col(opt_text("user_agent", 300))
            .foreign_key(&mut fk("user_id", "users", ForeignKeyAction::Cascade))
            .to_owned(),
        Table::create()
            .table("api_tokens")
            .col(id())
            .col(big("user_id"))
            .col(text("name", 100))
            .col(text("token_hash", 64).unique_key().to_owned())
            .col(text("prefix", 16))
            .col(ts("created_at"))
            .col(opt_ts("last_used_at"))
            .col(opt_ts("revoked_at"))
            .foreign_key(&mut fk("user_id", "users", ForeignKeyAction::Cascade))
            .to_owned(),
        Table::create()
            .table("login_attempts")
            .col(id())
            .col(text("ip", 64))
            .col(text("username", 100))
            .col(ts("at"))
            .col(ColumnDef::new("success").boolean().not_null())
            .to_owned(),
        Table::create()
            .table("change_log")
            .col(id())
            .col(ts("at"))
            .col(opt_big("actor_id"))
            .col(text("actor_name", 120))
            .col(opt_text("ip", 64))
            .col(text("entity", 40))
            .col(text("entity_key", 100))
            .col(text("op", 20))
            .col(ColumnDef::new("before").text().null())
            .col(ColumnDef::new("after").text().null())
            .to_owned(),
    ];
    let indexes = vec![
        Index::create()
            .name("ix_sessions_user")
            .table("sessions")
            .col("user_id")
            .to_owned(),
        Index::create()
            .name("ix_sessions_expires")
            .table("sessions")
            .col("expires_at")
            .to_owned(),
        Index::create()
            .name("ix_login_attempts_ip")
            .table("login_attempts")
            .col("ip")
            .col("at")
            .to_owned(),
        Index::create()
            .name("ix_login_attempts_user")
            .table("login_attempts")
            .col("username")
            .col("at")
            .to_owned(),
        Index::create()
            .name("ix_change_log_entity")
            .table("change_log")
            .col("entity")
            .col("entity_key")
            .to_owned(),
        Index::create()
            .name("ix_change_log_at")
            .table("change_log")
            .col("at")
            .to_owned(),
        Index::create()
            .name("ix_users_alliance")
            .table("users")
            .col("alliance_id")
            .to_owned(),
        Index::create()
            .name("ix_organisations_alliance")
            .table("organisations")
            .col("alliance_id")
            .to_owned(),
        Index::create()
            .name("ix_organisations_name")
            .table("organisations")
            .col("name_folded")
            .to_owned(),
    ];
    let mut out: Vec<Statement> = tables.iter().map(|t| backend.build(t)).collect();
    out.extend(indexes.iter().map(|i| backend.build(i)));
    out
}

/// The member registry: the full organisation record and its status history.
fn registry(backend: DatabaseBackend) -> Vec<Statement> {
    // SQLite adds one column per ALTER TABLE.
    let columns = [
        opt_text("short_name", 120),
        text("sector", 20).default("other").to_owned(),
        opt_text("founded_on", 10),
        ColumnDef::new("members_official")
            .integer()
            .not_null()
            .default(0)
            .to_owned(),
        ColumnDef::new("members_associate_capital")
            .integer()
            .not_null()
            .default(0)
            .to_owned(),
        ColumnDef::new("members_associate_other")
            .integer()
            .not_null()
            .default(0)
            .to_owned(),
        opt_big("charter_capital"),
        opt_text("representative", 120),
        opt_text("representative_title", 120),
        opt_text("phone", 20),
        opt_text("email", 254),
        opt_text("website", 300),
        opt_text("address", 400),
        opt_text("ward_code", 5),
        opt_text("legacy_ward_code", 5),
        ColumnDef::new("sort_key")
            .text()
            .not_null()
            .default("")
            .to_owned(),
        ColumnDef::new("search_folded")
            .text()
            .not_null()
            .default("")
            .to_owned(),
    ];
    let mut out: Vec<Statement> = columns
        .into_iter()
        .map(|mut c| {
            backend.build(
                &Table::alter()
                    .table("organisations")
                    .add_column(&mut c)
                    .to_owned(),
            )
        })
        .collect();
    let tables = [Table::create()
        .table("organisation_status_history")
        .col(id())
        .col(big("organisation_id"))
        .col(text("status", 20))
        .col(text("effective_on", 10))
        .col(opt_text("reason", 500))
        .col(text("actor_name", 120))
        .col(ts("at"))
        .foreign_key(&mut fk(
            "organisation_id",
            "organisations",
            ForeignKeyAction::Cascade,
        ))
        .to_owned()];
    out.extend(tables.iter().map(|t| backend.build(t)));
    let indexes = [
        Index::create()
            .name("ix_org_sort")
            .table("organisations")
            .col("sort_key")
            .to_owned(),
        Index::create()
            .name("ix_org_province")
            .table("organisations")
            .col("province_code")
            .to_owned(),
        Index::create()
            .name("ix_org_status")
            .table("organisations")
            .col("status")
            .to_owned(),
        Index::create()
            .name("ix_org_founded")
            .table("organisations")
            .col("founded_on")
            .to_owned(),
        Index::create()
            .name("ix_org_history")
            .table("organisation_status_history")
            .col("organisation_id")
            .to_owned(),
    ];
    out.extend(indexes.iter().map(|i| backend.build(i)));
    out
}

/// Periodic activity reports of organisations.
fn activity_reports(backend: DatabaseBackend) -> Vec<Statement> {
    let money = |name: &'static str| {
        ColumnDef::new(name)
            .big_integer()
            .not_null()
            .default(0)
            .to_owned()
    };
    let table = Table::create()
        .table("activity_reports")
        .col(id())
        .col(big("organisation_id"))
        .col(ColumnDef::new("year").integer().not_null())
        .col(text("period", 20))
        .col(text("status", 20))
        .col(money("revenue"))
        .col(money("profit"))
        .col(money("members_official"))
        .col(money("members_associate"))
        .col(money("workers"))
        .col(money("average_income"))
        .col(money("charter_capital"))
        .col(money("member_services"))
        .col(flag("accounting_software"))
        .col(flag("e_invoices"))
        .col(flag("website"))
        .col(flag("e_commerce"))
        .col(flag("qr_traceability"))
        .col(flag("cashless_payments"))
        .col(ColumnDef::new("difficulties").text().null())
        .col(ColumnDef::new("proposals").text().null())
        .col(opt_ts("submitted_at"))
        .col(opt_ts("reviewed_at"))
        .col(opt_text("reviewer_name", 120))
        .col(opt_text("review_comment", 2000))
        .col(ts("created_at"))
        .col(ts("updated_at"))
        .col(version())
        .foreign_key(&mut fk(
            "organisation_id",
            "organisations",
            ForeignKeyAction::Cascade,
        ))
        .to_owned();
    let unique = Index::create()
        .name("ux_report_period")
        .table("activity_reports")
        .col("organisation_id")
        .col("year")
        .col("period")
        .unique()
        .to_owned();
    let by_year = Index::create()
        .name("ix_report_year")
        .table("activity_reports")
        .col("year")
        .col("status")
        .to_owned();
    vec![
        backend.build(&table),
        backend.build(&unique),
        backend.build(&by_year),
    ]
}

/// Spreadsheet imports: the original file, the counts, and the row-by-row findings.
fn imports(backend: DatabaseBackend) -> Vec<Statement> {
    let count = |name: &'static str| {
        ColumnDef::new(name)
            .big_integer()
            .not_null()
            .default(0)
            .to_owned()
    };
    let table = Table::create()
        .table("imports")
        .col(id())
        .col(opt_big("alliance_id"))
        .col(text("kind", 20))
        .col(text("file_name", 255))
        .col(big("file_id"))
        .col(text("status", 20))
        .col(count("rows_total"))
        .col(count("rows_ok"))
        .col(count("rows_fixed"))
        .col(count("rows_error"))
        .col(count("created"))
        .col(count("updated"))
        .col(text("actor_name", 120))
        .col(ts("created_at"))
        .col(opt_ts("committed_at"))
        .col(ColumnDef::new("report").text().null())
        .foreign_key(&mut fk("file_id", "files", ForeignKeyAction::Restrict))
        .foreign_key(&mut fk("alliance_id", "alliances", ForeignKeyAction::Restrict))
        .to_owned();
    let by_alliance = Index::create()
        .name("ix_imports_alliance")
        .table("imports")
        .col("alliance_id")
        .to_owned();
    vec![backend.build(&table), backend.build(&by_alliance)]
}

/// The newest change of an entity kind in O(log n): caches on every node ask it per request.
fn change_log_by_entity(backend: DatabaseBackend) -> Vec<Statement> {
    let index = Index::create()
        .name("ix_change_log_entity_id")
        .table("change_log")
        .col("entity")
        .col("id")
        .to_owned();
    vec![backend.build(&index)]
}

/// OCOP products, their certifications (each re-certification a new row) and images.
fn products(backend: DatabaseBackend) -> Vec<Statement> {
    let int = |name: &'static str| ColumnDef::new(name).integer().null().to_owned();
    let products = Table::create()
        .table("products")
        .col(id())
        .col(text("code", 16))
        .col(big("organisation_id"))
        .col(text("name", 200))
        .col(text("name_folded", 200))
        .col(text("sort_key", 800))
        .col(opt_text("group_code", 40))
        .col(int("set_no"))
        .col(ColumnDef::new("description").text().null())
        .col(opt_text("unit", 40))
        .col(opt_text("packaging", 200))
        .col(opt_text("net_quantity", 60))
        .col(int("shelf_life_days"))
        .col(opt_text("quality_standard", 200))
        .col(ColumnDef::new("ingredients").text().null())
        .col(opt_text("origin_province_code", 8))
        .col(opt_text("origin_ward_code", 8))
        .col(opt_big("price_min"))
        .col(opt_big("price_max"))
        .col(opt_text("barcode", 14))
        .col(text("status", 20))
        .col(opt_ts("published_at"))
        .col(opt_text("withdrawn_reason", 500))
        .col(int("stars"))
        .col(opt_text("cert_expires_on", 10))
        .col(ts("created_at"))
        .col(ts("updated_at"))
        .col(version())
        .foreign_key(&mut fk(
            "organisation_id",
            "organisations",
            ForeignKeyAction::Restrict,
        ))
        .to_owned();
    let certifications = Table::create()
        .table("product_certifications")
        .col(id())
        .col(big("product_id"))
        .col(ColumnDef::new("score_a").integer().not_null())
        .col(ColumnDef::new("score_b").integer().not_null())
        .col(ColumnDef::new("score_c").integer().not_null())
        .col(ColumnDef::new("total").integer().not_null())
        .col(ColumnDef::new("stars").integer().not_null())
        .col(
            ColumnDef::new("potential_five")
                .boolean()
                .not_null()
                .default(false),
        )
        .col(text("level", 20))
        .col(text("rules_code", 20))
        .col(text("decision_no", 60))
        .col(text("decision_date", 10))
        .col(opt_text("issuer", 200))
        .col(text("expires_on", 10))
        .col(opt_text("certificate_key", 300))
        .col(opt_text("certificate_name", 255))
        .col(opt_text("certificate_type", 100))
        .col(text("state", 20))
        .col(opt_text("revoked_reason", 500))
        .col(text("actor_name", 120))
        .col(ts("created_at"))
        .foreign_key(&mut fk("product_id", "products", ForeignKeyAction::Cascade))
        .to_owned();
    let images = Table::create()
        .table("product_images")
        .col(id())
        .col(big("product_id"))
        .col(ColumnDef::new("position").integer().not_null())
        .col(text("original_key", 300))
        .col(text("original_type", 40))
        .col(text("display_key", 300))
        .col(text("thumb_key", 300))
        .col(ColumnDef::new("width").integer().not_null())
        .col(ColumnDef::new("height").integer().not_null())
        .col(ts("created_at"))
        .foreign_key(&mut fk("product_id", "products", ForeignKeyAction::Cascade))
        .to_owned();
    let indexes = [
        Index::create()
            .name("ux_products_code")
            .table("products")
            .col("code")
            .unique()
            .to_owned(),
        Index::create()
            .name("ix_products_organisation")
            .table("products")
            .col("organisation_id")
            .to_owned(),
        Index::create()
            .name("ix_products_name")
            .table("products")
            .col("organisation_id")
            .col("name_folded")
            .to_owned(),
        Index::create()
            .name("ix_products_expiry")
            .table("products")
            .col("cert_expires_on")
            .to_owned(),
        Index::create()
            .name("ix_certifications_product")
            .table("product_certifications")
            .col("product_id")
            .col("id")
            .to_owned(),
        Index::create()
            .name("ix_images_product")
            .table("product_images")
            .col("product_id")
            .col("position")
            .to_owned(),
    ];
    let mut out = vec![
        backend.build(&products),
        backend.build(&certifications),
        backend.build(&images),
    ];
    out.extend(indexes.iter().map(|i| backend.build(i)));
    out
}

/// Membership of an organisation in alliances other than the one that manages it.
fn memberships(backend: DatabaseBackend) -> Vec<Statement> {
    let table = Table::create()
        .table("organisation_memberships")
        .col(id())
        .col(big("organisation_id"))
        .col(big("alliance_id"))
        .col(opt_text("joined_on", 10))
        .col(text("actor_name", 120))
        .col(ts("created_at"))
        .foreign_key(&mut fk(
            "organisation_id",
            "organisations",
            ForeignKeyAction::Cascade,
        ))
        .foreign_key(&mut fk("alliance_id", "alliances", ForeignKeyAction::Restrict))
        .to_owned();
    let unique = Index::create()
        .name("ux_memberships_org_alliance")
        .table("organisation_memberships")
        .col("organisation_id")
        .col("alliance_id")
        .unique()
        .to_owned();
    let by_alliance = Index::create()
        .name("ix_memberships_alliance")
        .table("organisation_memberships")
        .col("alliance_id")
        .to_owned();
    vec![
        backend.build(&table),
        backend.build(&unique),
        backend.build(&by_alliance),
    ]
}

fn int(name: &'static str) -> ColumnDef {
    ColumnDef::new(name).integer().not_null().to_owned()
}
fn opt_int(name: &'static str) -> ColumnDef {
    ColumnDef::new(name).integer().null().to_owned()
}
fn long_text(name: &'static str) -> ColumnDef {
    ColumnDef::new(name).text().null().to_owned()
}

/// Trade-promotion events, their booth plans and the applications to exhibit.
///
/// Capacity is the database's to keep: each booth type counts its approved booths and a CHECK
/// holds the count within the capacity, so two approvals racing on two nodes cannot both take
/// the last booth. A booth number is assigned once per event (unique), an organisation applies
/// once per event (unique), and a pass code is unique.
fn events(backend: DatabaseBackend) -> Vec<Statement> {
    let events = Table::create()
        .table("events")
        .col(id())
        .col(text("kind", 20))
        .col(text("status", 12))
        .col(text("title", 300))
        .col(big("host_alliance_id"))
        .col(text("co_organisers", 200))
        .col(text("venue", 500))
        .col(opt_text("province_code", 10))
        .col(opt_text("ward_code", 10))
        .col(text("starts_on", 10))
        .col(text("ends_on", 10))
        .col(opt_text("opening_hours", 120))
        .col(ts("applications_open_at"))
        .col(ts("applications_close_at"))
        .col(text("eligible_groups", 400))
        .col(long_text("description"))
        .col(ts("created_at"))
        .col(ts("updated_at"))
        .col(version())
        .foreign_key(&mut fk(
            "host_alliance_id",
            "alliances",
            ForeignKeyAction::Restrict,
        ))
        .check((
            "ck_events_dates",
            Expr::col("ends_on").gte(Expr::col("starts_on")),
        ))
        .check((
            "ck_events_window",
            Expr::col("applications_close_at").gt(Expr::col("applications_open_at")),
        ))
        .to_owned();
    let booth_types = Table::create()
        .table("event_booth_types")
        .col(id())
        .col(big("event_id"))
        .col(int("position"))
        .col(text("name", 120))
        .col(text("size", 60))
        .col(int("capacity"))
        .col(big("fee"))
        .col(
            ColumnDef::new("approved")
                .integer()
                .not_null()
                .default(0)
                .to_owned(),
        )
        .foreign_key(&mut fk("event_id", "events", ForeignKeyAction::Cascade))
        .check((
            "ck_booth_types_capacity",
            Expr::col("approved")
                .gte(0)
                .and(Expr::col("approved").lte(Expr::col("capacity"))),
        ))
        .to_owned();
    let applications = Table::create()
        .table("event_applications")
        .col(id())
        .col(big("event_id"))
        .col(big("organisation_id"))
        .col(big("booth_type_id"))
        .col(int("booth_count"))
        .col(text("contact_name", 120))
        .col(text("contact_phone", 20))
        .col(long_text("notes"))
        .col(text("state", 12))
        .col(long_text("review_note"))
        .col(opt_text("reviewer_name", 120))
        .col(opt_ts("submitted_at"))
        .col(opt_ts("reviewed_at"))
        .col(opt_ts("waitlisted_at"))
        .col(opt_text("pass_code", 16))
        .col(opt_ts("checked_in_at"))
        .col(opt_text("checked_in_by", 120))
        .col(opt_big("sales"))
        .col(opt_int("contracts"))
        .col(opt_int("buyers"))
        .col(long_text("outcome_note"))
        .col(opt_ts("outcome_at"))
        .col(ts("created_at"))
        .col(ts("updated_at"))
        .col(version())
        .foreign_key(&mut fk("event_id", "events", ForeignKeyAction::Cascade))
        .foreign_key(&mut fk(
            "organisation_id",
            "organisations",
            ForeignKeyAction::Restrict,
        ))
        .foreign_key(&mut fk(
            "booth_type_id",
            "event_booth_types",
            ForeignKeyAction::Restrict,
        ))
        .check(("ck_applications_booths", Expr::col("booth_count").gte(1)))
        .to_owned();
    let products = Table::create()
        .table("event_application_products")
        .col(id())
        .col(big("application_id"))
        .col(big("product_id"))
        .foreign_key(&mut fk(
            "application_id",
            "event_applications",
            ForeignKeyAction::Cascade,
        ))
        .foreign_key(&mut fk("product_id", "products", ForeignKeyAction::Restrict))
        .to_owned();
    let booths = Table::create()
        .table("event_booths")
        .col(id())
        .col(big("event_id"))
        .col(big("application_id"))
        .col(text("number", 20))
        .col(ts("created_at"))
        .foreign_key(&mut fk("event_id", "events", ForeignKeyAction::Cascade))
        .foreign_key(&mut fk(
            "application_id",
            "event_applications",
            ForeignKeyAction::Cascade,
        ))
        .to_owned();
    let files = Table::create()
        .table("event_files")
        .col(id())
        .col(big("event_id"))
        .col(opt_big("application_id"))
        .col(text("kind", 12))
        .col(text("file_name", 200))
        .col(text("content_type", 100))
        .col(text("object_key", 300))
        .col(opt_text("display_key", 300))
        .col(opt_text("thumb_key", 300))
        .col(big("size"))
        .col(text("actor_name", 120))
        .col(ts("created_at"))
        .foreign_key(&mut fk("event_id", "events", ForeignKeyAction::Cascade))
        .foreign_key(&mut fk(
            "application_id",
            "event_applications",
            ForeignKeyAction::Cascade,
        ))
        .to_owned();
    let indexes = [
        Index::create()
            .name("ix_event_files_event")
            .table("event_files")
            .col("event_id")
            .col("application_id")
            .to_owned(),
        Index::create()
            .name("ix_events_status_start")
            .table("events")
            .col("status")
            .col("starts_on")
            .to_owned(),
        Index::create()
            .name("ix_events_host")
            .table("events")
            .col("host_alliance_id")
            .to_owned(),
        Index::create()
            .name("ux_booth_types_event_name")
            .table("event_booth_types")
            .col("event_id")
            .col("name")
            .unique()
            .to_owned(),
        Index::create()
            .name("ux_applications_event_org")
            .table("event_applications")
            .col("event_id")
            .col("organisation_id")
            .unique()
            .to_owned(),
        Index::create()
            .name("ix_applications_event_state")
            .table("event_applications")
            .col("event_id")
            .col("state")
            .to_owned(),
        Index::create()
            .name("ix_applications_org")
            .table("event_applications")
            .col("organisation_id")
            .to_owned(),
        Index::create()
            .name("ux_applications_pass")
            .table("event_applications")
            .col("pass_code")
            .unique()
            .to_owned(),
        Index::create()
            .name("ux_application_products")
            .table("event_application_products")
            .col("application_id")
            .col("product_id")
            .unique()
            .to_owned(),
        Index::create()
            .name("ix_application_products_product")
            .table("event_application_products")
            .col("product_id")
            .to_owned(),
        Index::create()
            .name("ux_event_booths_number")
            .table("event_booths")
            .col("event_id")
            .col("number")
            .unique()
            .to_owned(),
        Index::create()
            .name("ix_event_booths_application")
            .table("event_booths")
            .col("application_id")
            .to_owned(),
    ];
    let mut out = vec![
        backend.build(&events),
        backend.build(&booth_types),
        backend.build(&applications),
        backend.build(&products),
        backend.build(&booths),
        backend.build(&files),
    ];
    out.extend(indexes.iter().map(|i| backend.build(i)));
    out
}

/// The coordination programme: content areas, yearly plans, activities with the organisations
/// that took part and their files, indicators with targets per alliance and year, and the
/// narrative parts of the yearly reviews. Lists of alliance ids are kept as text (`1,3,4`),
/// as events keep their co-organisers; what figures are counted from has a table of its own.
fn programmes(backend: DatabaseBackend) -> Vec<Statement> {
    let programmes = Table::create()
        .table("programmes")
        .col(id())
        .col(text("name", 300))
        .col(opt_text("number", 60))
        .col(int("first_year"))
        .col(int("last_year"))
        .col(opt_text("signed_on", 10))
        .col(text("signatories", 200))
        .col(long_text("summary"))
        .col(opt_text("document_key", 300))
        .col(opt_text("document_name", 200))
        .col(ts("created_at"))
        .col(ts("updated_at"))
        .col(version())
        .check((
            "ck_programmes_period",
            Expr::col("last_year").gte(Expr::col("first_year")),
        ))
        .to_owned();
    let areas = Table::create()
        .table("programme_areas")
        .col(id())
        .col(big("programme_id"))
        .col(int("position"))
        .col(text("name", 300))
        .foreign_key(&mut fk("programme_id", "programmes", ForeignKeyAction::Cascade))
        .to_owned();
    let plans = Table::create()
        .table("programme_plans")
        .col(id())
        .col(big("programme_id"))
        .col(int("year"))
        .col(big("host_alliance_id"))
        .col(long_text("goals"))
        .col(ts("created_at"))
        .col(ts("updated_at"))
        .col(version())
        .foreign_key(&mut fk("programme_id", "programmes", ForeignKeyAction::Cascade))
        .foreign_key(&mut fk(
            "host_alliance_id",
            "alliances",
            ForeignKeyAction::Restrict,
        ))
        .to_owned();
    let activities = Table::create()
        .table("activities")
        .col(id())
        .col(big("programme_id"))
        .col(text("title", 300))
        .col(text("kind", 20))
        .col(text("state", 12))
        .col(text("areas", 200))
        .col(big("lead_alliance_id"))
        .col(text("alliances", 200))
        .col(int("year"))
        .col(text("starts_on", 10))
        .col(text("ends_on", 10))
        .col(opt_text("place", 300))
        .col(big("participants"))
        .col(long_text("outcome"))
        .col(opt_big("event_id"))
        .col(ts("created_at"))
        .col(ts("updated_at"))
        .col(version())
        .foreign_key(&mut fk("programme_id", "programmes", ForeignKeyAction::Cascade))
        .foreign_key(&mut fk(
            "lead_alliance_id",
            "alliances",
            ForeignKeyAction::Restrict,
        ))
        .foreign_key(&mut fk("event_id", "events", ForeignKeyAction::SetNull))
        .check((
            "ck_activities_dates",
            Expr::col("ends_on").gte(Expr::col("starts_on")),
        ))
        .check(("ck_activities_participants", Expr::col("participants").gte(0)))
        .to_owned();
    let organisations = Table::create()
        .table("activity_organisations")
        .col(id())
        .col(big("activity_id"))
        .col(big("organisation_id"))
        .foreign_key(&mut fk("activity_id", "activities", ForeignKeyAction::Cascade))
        .foreign_key(&mut fk(
            "organisation_id",
            "organisations",
            ForeignKeyAction::Restrict,
        ))
        .to_owned();
    let files = Table::create()
        .table("activity_files")
        .col(id())
        .col(big("activity_id"))
        .col(text("kind", 12))
        .col(text("file_name", 200))
        .col(text("content_type", 100))
        .col(text("object_key", 300))
        .col(opt_text("display_key", 300))
        .col(opt_text("thumb_key", 300))
        .col(big("size"))
        .col(text("actor_name", 120))
        .col(ts("created_at"))
        .foreign_key(&mut fk("activity_id", "activities", ForeignKeyAction::Cascade))
        .to_owned();
    let indicators = Table::create()
        .table("indicators")
        .col(id())
        .col(big("programme_id"))
        .col(int("position"))
        .col(text("code", 20))
        .col(text("name", 300))
        .col(text("unit", 60))
        .col(text("measure", 30))
        .foreign_key(&mut fk("programme_id", "programmes", ForeignKeyAction::Cascade))
        .to_owned();
    let values = Table::create()
        .table("indicator_values")
        .col(id())
        .col(big("indicator_id"))
        .col(big("alliance_id"))
        .col(int("year"))
        .col(opt_big("target"))
        .col(opt_big("actual"))
        .col(opt_text("note", 500))
        .col(text("actor_name", 120))
        .col(ts("updated_at"))
        .foreign_key(&mut fk("indicator_id", "indicators", ForeignKeyAction::Cascade))
        .foreign_key(&mut fk("alliance_id", "alliances", ForeignKeyAction::Restrict))
        .to_owned();
    let reviews = Table::create()
        .table("programme_reviews")
        .col(id())
        .col(big("programme_id"))
        .col(int("year"))
        .col(text("scope", 20))
        .col(text("number", 60))
        .col(text("place", 120))
        .col(text("issued_on", 10))
        .col(text("signer_role", 120))
        .col(text("signer_name", 120))
        .col(long_text("recipients"))
        .col(long_text("narrative"))
        .col(text("actor_name", 120))
        .col(ts("updated_at"))
        .col(version())
        .foreign_key(&mut fk("programme_id", "programmes", ForeignKeyAction::Cascade))
        .to_owned();
    let indexes = [
        Index::create()
            .name("ux_programme_areas_position")
            .table("programme_areas")
            .col("programme_id")
            .col("position")
            .unique()
            .to_owned(),
        Index::create()
            .name("ux_programme_plans_year")
            .table("programme_plans")
            .col("programme_id")
            .col("year")
            .unique()
            .to_owned(),
        Index::create()
            .name("ix_activities_programme_year")
            .table("activities")
            .col("programme_id")
            .col("year")
            .col("starts_on")
            .to_owned(),
        Index::create()
            .name("ix_activities_lead")
            .table("activities")
            .col("lead_alliance_id")
            .col("year")
            .to_owned(),
        Index::create()
            .name("ux_activity_organisations")
            .table("activity_organisations")
            .col("activity_id")
            .col("organisation_id")
            .unique()
            .to_owned(),
        Index::create()
            .name("ix_activity_organisations_org")
            .table("activity_organisations")
            .col("organisation_id")
            .to_owned(),
        Index::create()
            .name("ix_activity_files_activity")
            .table("activity_files")
            .col("activity_id")
            .to_owned(),
        Index::create()
            .name("ux_indicators_code")
            .table("indicators")
            .col("programme_id")
            .col("code")
            .unique()
            .to_owned(),
        Index::create()
            .name("ux_indicator_values")
            .table("indicator_values")
            .col("indicator_id")
            .col("alliance_id")
            .col("year")
            .unique()
            .to_owned(),
        Index::create()
            .name("ux_programme_reviews_scope")
            .table("programme_reviews")
            .col("programme_id")
            .col("year")
            .col("scope")
            .unique()
            .to_owned(),
    ];
    let mut out = vec![
        backend.build(&programmes),
        backend.build(&areas),
        backend.build(&plans),
        backend.build(&activities),
        backend.build(&organisations),
        backend.build(&files),
        backend.build(&indicators),
        backend.build(&values),
        backend.build(&reviews),
    ];
    out.extend(indexes.iter().map(|i| backend.build(i)));
    out
}

fn flag(name: &'static str) -> ColumnDef {
    ColumnDef::new(name)
        .boolean()
        .not_null()
        .default(false)
        .to_owned()
}

/// Support requests (tư vấn – hỗ trợ): a cooperative asks, its alliance's staff answer in a
/// thread. The two support indicators of a programme are computed from these tables, so the
/// programme's manual "MH"/"TV" indicators become computed ones.
fn support_requests(backend: DatabaseBackend) -> Vec<Statement> {
    let requests = Table::create()
        .table("support_requests")
        .col(id())
        .col(big("organisation_id"))
        .col(opt_big("alliance_id"))
        .col(text("topic", 20))
        .col(text("title", 300))
        .col(text("status", 20))
        .col(opt_big("assignee_id"))
        .col(opt_text("assignee_name", 120))
        .col(text("created_by_name", 120))
        .col(int("messages"))
        .col(ts("created_at"))
        .col(ts("updated_at"))
        .col(opt_ts("first_answered_at"))
        .col(opt_ts("closed_at"))
        .col(version())
        .foreign_key(&mut fk(
            "organisation_id",
            "organisations",
            ForeignKeyAction::Cascade,
        ))
        .foreign_key(&mut fk("alliance_id", "alliances", ForeignKeyAction::Restrict))
        .foreign_key(&mut fk("assignee_id", "users", ForeignKeyAction::SetNull))
        .to_owned();
    let messages = Table::create()
        .table("support_messages")
        .col(id())
        .col(big("request_id"))
        .col(opt_big("author_id"))
        .col(text("author_name", 120))
        .col(flag("from_staff"))
        .col(long_text("body"))
        .col(ts("created_at"))
        .foreign_key(&mut fk(
            "request_id",
            "support_requests",
            ForeignKeyAction::Cascade,
        ))
        .foreign_key(&mut fk("author_id", "users", ForeignKeyAction::SetNull))
        .to_owned();
    let indexes = [
        Index::create()
            .name("ix_support_alliance_status")
            .table("support_requests")
            .col("alliance_id")
            .col("status")
            .col("updated_at")
            .to_owned(),
        Index::create()
            .name("ix_support_organisation")
            .table("support_requests")
            .col("organisation_id")
            .to_owned(),
        Index::create()
            .name("ix_support_answered")
            .table("support_requests")
            .col("first_answered_at")
            .to_owned(),
        Index::create()
            .name("ix_support_messages_request")
            .table("support_messages")
            .col("request_id")
            .col("id")
            .to_owned(),
    ];
    let mut out = vec![backend.build(&requests), backend.build(&messages)];
    out.extend(indexes.iter().map(|i| backend.build(i)));
    out.extend(computed_indicators(backend, &[("TV", "support_answered")]));
    // The loans disbursed from the support funds stay typed: LiênKết keeps no loans. Programmes
    // created before get the indicator after their own.
    out.push(Statement::from_string(
        backend,
        "INSERT INTO indicators (programme_id, position, code, name, unit, measure) \
         SELECT p.id, (SELECT COALESCE(MAX(i.position), 0) + 1 FROM indicators i WHERE i.programme_id = p.id), \
         'VTD', 'Vốn vay từ Quỹ hỗ trợ phát triển HTX được giải ngân', 'triệu đồng', 'manual' \
         FROM programmes p WHERE NOT EXISTS \
         (SELECT 1 FROM indicators j WHERE j.programme_id = p.id AND j.code = 'VTD')",
    ));
    out
}

/// Turns the programmes' typed indicators of the given codes into computed ones, when they
/// still are typed (`manual`); their targets stay, their typed actuals are no longer read
/// (the data gives the actuals now).
fn computed_indicators(backend: DatabaseBackend, codes: &[(&str, &str)]) -> Vec<Statement> {
    codes
        .iter()
        .map(|(code, measure)| {
            let q = Query::update()
                .table("indicators")
                .value("measure", *measure)
                .and_where(Expr::col("code").eq(*code))
                .and_where(Expr::col("measure").eq("manual"))
                .to_owned();
            backend.build(&q)
        })
        .collect()
}

/// The showcase of effective new-type cooperative models (Decision 167/QĐ-TTg): the kinds
/// of model (editable data: the scheme's list is not fixed), the cooperatives shown as
/// models with their assessment, and the replications of each model by other organisations.
fn model_showcase(backend: DatabaseBackend) -> Vec<Statement> {
    let kinds = Table::create()
        .table("model_kinds")
        .col(id())
        .col(int("position"))
        .col(text("code", 20))
        .col(text("name", 300))
        .col(long_text("description"))
        .col(ts("created_at"))
        .col(ts("updated_at"))
        .col(version())
        .to_owned();
    let entries = Table::create()
        .table("model_entries")
        .col(id())
        .col(big("organisation_id"))
        .col(big("kind_id"))
        .col(int("selected_year"))
        .col(opt_int("rating_points"))
        .col(flag("dossier_complete"))
        .col(flag("published"))
        .col(long_text("summary"))
        .col(long_text("results"))
        .col(text("actor_name", 120))
        .col(ts("created_at"))
        .col(ts("updated_at"))
        .col(version())
        .foreign_key(&mut fk(
            "organisation_id",
            "organisations",
            ForeignKeyAction::Cascade,
        ))
        .foreign_key(&mut fk("kind_id", "model_kinds", ForeignKeyAction::Restrict))
        .check((
            "ck_model_entries_points",
            Expr::col("rating_points")
                .is_null()
                .or(Expr::col("rating_points").between(0, 100)),
        ))
        .to_owned();
    let replications = Table::create()
        .table("model_replications")
        .col(id())
        .col(big("entry_id"))
        .col(big("organisation_id"))
        .col(opt_big("alliance_id"))
        .col(int("year"))
        .col(text("replicated_on", 10))
        .col(long_text("note"))
        .col(text("actor_name", 120))
        .col(ts("created_at"))
        .foreign_key(&mut fk("entry_id", "model_entries", ForeignKeyAction::Cascade))
        .foreign_key(&mut fk(
            "organisation_id",
            "organisations",
            ForeignKeyAction::Restrict,
        ))
        .foreign_key(&mut fk("alliance_id", "alliances", ForeignKeyAction::Restrict))
        .to_owned();
    let indexes = [
        Index::create()
            .name("ux_model_kinds_code")
            .table("model_kinds")
            .col("code")
            .unique()
            .to_owned(),
        Index::create()
            .name("ux_model_entries_org_kind")
            .table("model_entries")
            .col("organisation_id")
            .col("kind_id")
            .unique()
            .to_owned(),
        Index::create()
            .name("ux_model_replications")
            .table("model_replications")
            .col("entry_id")
            .col("organisation_id")
            .unique()
            .to_owned(),
        Index::create()
            .name("ix_model_replications_year")
            .table("model_replications")
            .col("year")
            .col("alliance_id")
            .to_owned(),
    ];
    let mut out = vec![
        backend.build(&kinds),
        backend.build(&entries),
        backend.build(&replications),
    ];
    out.extend(indexes.iter().map(|i| backend.build(i)));
    out.extend(computed_indicators(backend, &[("MH", "models_replicated")]));
    out
}

/// The organisations with a published product whose certificate is still valid, read from an
/// index alone: the registry's in-memory index asks this whenever it is built, first when a node
/// starts (over 1,000,000 products in SQLite: 6.1 s of table reads without it, 0.09 s with it).
/// The organisation leads: led by the status, SQLite took it for the catalogue's rebuild, which
/// reads published products in id order, and sorted every batch.
fn valid_ocop_by_organisation(backend: DatabaseBackend) -> Vec<Statement> {
    let index = Index::create()
        .name("ix_products_ocop_by_organisation")
        .table("products")
        .col("organisation_id")
        .col("status")
        .col("cert_expires_on")
        .col("stars")
        .to_owned();
    vec![backend.build(&index)]
}
