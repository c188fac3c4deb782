//! Spreadsheet imports: what was uploaded, what the preview found, and the all-or-nothing commit.

use std::collections::HashMap;

use lienket_domain::ids::{AllianceId, FileId, OrganisationId};
use lienket_domain::organisation::OrganisationInput;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    TransactionTrait,
};
use serde::Serialize;

use crate::changes::{Op, record};
use crate::entity::{import, organisation};
use crate::{Actor, Page, PageRequest, Store, StoreError};

/// One import as listed.
#[derive(Debug, Clone, Serialize)]
pub struct ImportRecord {
    /// Id.
    pub id: i64,
    /// The alliance the rows belong to.
    pub alliance_id: Option<AllianceId>,
    /// What was imported: `registry`.
    pub kind: String,
    /// The uploaded file's name.
    pub file_name: String,
    /// The original file, kept as uploaded.
    pub file_id: FileId,
    /// `previewed` or `committed`.
    pub status: String,
    /// Data rows read.
    pub rows_total: i64,
    /// Rows without findings.
    pub rows_ok: i64,
    /// Rows read with corrections.
    pub rows_fixed: i64,
    /// Rows in error.
    pub rows_error: i64,
    /// Organisations created by the commit.
    pub created: i64,
    /// Organisations updated by the commit.
    pub updated: i64,
    /// Who uploaded it.
    pub actor_name: String,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: time::OffsetDateTime,
    /// When it was committed.
    #[serde(with = "time::serde::rfc3339::option")]
    pub committed_at: Option<time::OffsetDateTime>,
    /// The preview's findings (JSON written by the import engine).
    pub report: Option<String>,
}

/// Counts of a preview.
#[derive(Debug, Clone, Copy, Default)]
pub struct ImportCounts {
    /// Data rows read.
    pub total: i64,
    /// Rows without findings.
    pub ok: i64,
    /// Rows read with corrections.
    pub fixed: i64,
    /// Rows in error.
    pub error: i64,
}

/// An existing organisation an import row may update.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExistingOrganisation {
    /// Its id.
    pub id: OrganisationId,
    /// Its managing alliance.
    pub alliance: Option<AllianceId>,
}

fn to_record(m: import::Model) -> ImportRecord {
    ImportRecord {
        id: m.id,
        alliance_id: m.alliance_id.map(AllianceId),
        kind: m.kind,
        file_name: m.file_name,
        file_id: FileId(m.file_id),
        status: m.status,
        rows_total: m.rows_total,
        rows_ok: m.rows_ok,
        rows_fixed: m.rows_fixed,
        rows_error: m.rows_error,
        created: m.created,
        updated: m.updated,
        actor_name: m.actor_name,
        created_at: m.created_at,
        committed_at: m.committed_at,
        report: m.report,
    }
}

impl Store {
    /// Records a previewed import with its original file.
    #[allow(clippy::too_many_arguments)]
    pub async fn create_import(
        &self,
        actor: &Actor,
        alliance: Option<AllianceId>,
        kind: &str,
        file_name: &str,
        content_type: &str,
        bytes: Vec<u8>,
        counts: ImportCounts,
        report: &str,
    ) -> Result<ImportRecord, StoreError> {
        let txn = self.db.begin().await?;
        let file = crate::files::insert(&txn, content_type, bytes).await?;
        let m = import::ActiveModel {
            alliance_id: Set(alliance.map(|a| a.0)),
            kind: Set(kind.into()),
            file_name: Set(file_name.chars().take(255).collect()),
            file_id: Set(file.0),
            status: Set("previewed".into()),
            rows_total: Set(counts.total),
            rows_ok: Set(counts.ok),
            rows_fixed: Set(counts.fixed),
            rows_error: Set(counts.error),
            created: Set(0),
            updated: Set(0),
            actor_name: Set(actor.name.clone()),
            created_at: Set(crate::now()),
            committed_at: Set(None),
            report: Set(Some(report.to_string())),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        let saved = to_record(m);
        let summary =
            serde_json::json!({"file_name": saved.file_name, "rows": counts.total, "errors": counts.error});
        crate::changes::record_created(&txn, actor, "import", &saved.id.to_string(), &summary).await?;
        txn.commit().await?;
        Ok(saved)
    }

    /// One import.
    pub async fn get_import(&self, id: i64) -> Result<ImportRecord, StoreError> {
        import::Entity::find_by_id(id)
            .one(&self.db)
            .await?
            .map(to_record)
            .ok_or(StoreError::NotFound)
    }

    /// Imports of an alliance (all when `None`), newest first.
    pub async fn list_imports(
        &self,
        alliance: Option<AllianceId>,
        page: PageRequest,
    ) -> Result<Page<ImportRecord>, StoreError> {
        let mut q = import::Entity::find();
        if let Some(a) = alliance {
            q = q.filter(import::Column::AllianceId.eq(a.0));
        }
        crate::versioned::fetch_page(&self.db, q.order_by_desc(import::Column::Id), page, to_record).await
    }

    /// Organisations holding any of these registration codes.
    pub async fn organisations_by_codes(
        &self,
        codes: &[String],
    ) -> Result<HashMap<String, ExistingOrganisation>, StoreError> {
        let mut out = HashMap::new();
        for chunk in codes.chunks(500) {
            let rows: Vec<(i64, Option<i64>, Option<String>)> = organisation::Entity::find()
                .select_only()
                .columns([
                    organisation::Column::Id,
                    organisation::Column::AllianceId,
                    organisation::Column::RegistrationCode,
                ])
                .filter(organisation::Column::RegistrationCode.is_in(chunk.iter().cloned()))
                .into_tuple()
                .all(&self.db)
                .await?;
            for (id, alliance, code) in rows {
                if let Some(code) = code {
                    out.insert(
                        code,
                        ExistingOrganisation {
                            id: OrganisationId(id),
                            alliance: alliance.map(AllianceId),
                        },
                    );
                }
            }
        }
        Ok(out)
    }

    /// Organisations of an alliance without a registration code, by folded name (cooperative
    /// groups that never registered: re-imports find them by name).
    pub async fn uncoded_organisations_by_name(
        &self,
        alliance: AllianceId,
    ) -> Result<HashMap<String, OrganisationId>, StoreError> {
        let rows: Vec<(i64, String)> = organisation::Entity::find()
            .select_only()
            .columns([organisation::Column::Id, organisation::Column::NameFolded])
            .filter(organisation::Column::AllianceId.eq(alliance.0))
            .filter(organisation::Column::RegistrationCode.is_null())
            .into_tuple()
            .all(&self.db)
            .await?;
        Ok(rows
            .into_iter()
            .map(|(id, name)| (name, OrganisationId(id)))
            .collect())
    }

    /// Applies an import in ONE transaction: every row is created or updated, or none is.
    /// Returns (created, updated).
    pub async fn commit_import(
        &self,
        actor: &Actor,
        import_id: Option<i64>,
        alliance: Option<AllianceId>,
        rows: &[(Option<OrganisationId>, OrganisationInput)],
    ) -> Result<(i64, i64), StoreError> {
        let txn = self.db.begin().await?;
        if let Some(id) = import_id {
            // Claim the import first, so two clicks (or two nodes) cannot apply it twice.
            let claimed = import::Entity::update_many()
                .col_expr(import::Column::Status, Expr::value("committing"))
                .filter(import::Column::Id.eq(id))
                .filter(import::Column::Status.eq("previewed"))
                .exec(&txn)
                .await?;
            if claimed.rows_affected == 0 {
                return Err(StoreError::Conflict);
            }
        }
        // A large import inserts into half a dozen indexes in random order: with SQLite's usual
        // page cache the index pages are evicted and re-read thousands of times. The cache of
        // this one connection grows for the transaction and shrinks back after it.
        let big = self.engine == crate::Engine::Sqlite && rows.len() > 5_000;
        if big {
            txn.execute_unprepared("PRAGMA cache_size = -262144").await?;
        }
        let applied = apply_import(&txn, actor, import_id, alliance, rows).await;
        if big {
            // Also before a rollback: the connection goes back to the pool either way.
            txn.execute_unprepared(&format!("PRAGMA cache_size = {}", crate::SQLITE_CACHE_KIB))
                .await?;
        }
        let counts = applied?;
        txn.commit().await?;
        Ok(counts)
    }
}

/// The writes of [`Store::commit_import`], in its transaction.
async fn apply_import(
    txn: &sea_orm::DatabaseTransaction,
    actor: &Actor,
    import_id: Option<i64>,
    alliance: Option<AllianceId>,
    rows: &[(Option<OrganisationId>, OrganisationInput)],
) -> Result<(i64, i64), StoreError> {
    let creates: Vec<&OrganisationInput> = rows.iter().filter(|(e, _)| e.is_none()).map(|(_, i)| i).collect();
    let updates: Vec<(OrganisationId, &OrganisationInput)> =
        rows.iter().filter_map(|(e, i)| e.map(|id| (id, i))).collect();
    crate::organisations::insert_organisations_batch(txn, actor, alliance, &creates).await?;
    crate::organisations::update_organisations_batch(txn, actor, &updates).await?;
    // "Updated" counts the rows matched to an existing organisation; identical ones are not
    // rewritten.
    let (created, updated) = (creates.len() as i64, updates.len() as i64);
    if let Some(id) = import_id {
        import::Entity::update_many()
            .col_expr(import::Column::Status, Expr::value("committed"))
            .col_expr(import::Column::Created, Expr::value(created))
            .col_expr(import::Column::Updated, Expr::value(updated))
            .col_expr(import::Column::CommittedAt, Expr::value(crate::now()))
            .filter(import::Column::Id.eq(id))
            .exec(txn)
            .await?;
        let summary = serde_json::json!({"created": created, "updated": updated});
        record::<_, (), _>(
            txn,
            actor,
            "import",
            &id.to_string(),
            Op::Update,
            None,
            Some(&summary),
        )
        .await?;
    }
    Ok((created, updated))
}
