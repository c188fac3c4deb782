//! Online backup and restore.
//!
//! SQLite: `VACUUM INTO` writes a consistent copy while the server keeps serving; restore
//! checks the file is a LiênKết database this binary understands, keeps the current file aside,
//! and swaps the backup in. PostgreSQL: `pg_dump --format=custom` and `pg_restore --clean`.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use lienket_store::{DatabaseUrl, Engine, Store};

use crate::config::DbArgs;

/// Writes a backup of the configured database to `file`.
pub async fn backup(db: &DbArgs, file: &Path) -> anyhow::Result<()> {
    if file.exists() {
        bail!("{} already exists: choose a new file name", file.display());
    }
    let url = db.url()?;
    match url.engine() {
        Engine::Sqlite => {
            // Connecting would create an empty database, and the backup of a mistyped
            // --data-dir would then "succeed" with nothing in it.
            let source = url.sqlite_path().context("the database URL has no file path")?;
            if !source.is_file() {
                bail!("there is no database at {}: check --data-dir", source.display());
            }
            let store = Store::connect(&url).await?;
            store
                .backup_sqlite_into(file)
                .await
                .context("writing the backup")?;
            println!(
                "backup written to {} ({} bytes)",
                file.display(),
                std::fs::metadata(file)?.len()
            );
        }
        Engine::Postgres => {
            let status = tokio::process::Command::new("pg_dump")
                .arg("--format=custom")
                .arg("--no-owner")
                .arg("--file")
                .arg(file)
                .arg(url.expose())
                .status()
                .await
                .context("running pg_dump (install the PostgreSQL client tools)")?;
            if !status.success() {
                bail!("pg_dump failed ({status}) for {url}");
            }
            println!("backup written to {}", file.display());
        }
    }
    Ok(())
}

/// Replaces the configured database with the backup in `file`.
pub async fn restore(db: &DbArgs, file: &Path) -> anyhow::Result<()> {
    if !file.is_file() {
        bail!("{} is not a file", file.display());
    }
    let url = db.url()?;
    match url.engine() {
        Engine::Sqlite => restore_sqlite(&url, file).await,
        Engine::Postgres => {
            let status = tokio::process::Command::new("pg_restore")
                .args([
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--single-transaction",
                    "--dbname",
                ])
                .arg(url.expose())
                .arg(file)
                .status()
                .await
                .context("running pg_restore (install the PostgreSQL client tools)")?;
            if !status.success() {
                bail!("pg_restore failed ({status}); the database is unchanged");
            }
            let store = Store::open(&url).await?;
            println!(
                "restored {} (schema version {})",
                file.display(),
                store.schema_version().await?
            );
            Ok(())
        }
    }
}

async fn restore_sqlite(url: &DatabaseUrl, file: &Path) -> anyhow::Result<()> {
    let target = url.sqlite_path().context("the database URL has no file path")?;
    // Check the backup first, on a copy, so a bad file never replaces a good database.
    let staging = target.with_extension("db.restoring");
    std::fs::copy(file, &staging).with_context(|| format!("copying {}", file.display()))?;
    let check = async {
        let store = Store::connect(&DatabaseUrl::sqlite_file(&staging)).await?;
        let version = store
            .schema_version()
            .await
            .context("the file is not a LiênKết database")?;
        if version == 0 {
            bail!("the file is not a LiênKết database backup");
        }
        store.migrate().await?;
        store.close().await?;
        Ok(version)
    };
    let version = match check.await {
        Ok(v) => v,
        Err(e) => {
            let _ = std::fs::remove_file(&staging);
            return Err(e);
        }
    };
    if target.exists() {
        // The database is kept aside with its WAL and shared-memory files, so the copy holds
        // everything written since the last checkpoint.
        let stamp = time::OffsetDateTime::now_utc().unix_timestamp();
        let aside = target.with_extension(format!("db.before-restore-{stamp}"));
        std::fs::rename(&target, &aside).context("keeping the current database aside")?;
        for suffix in ["-wal", "-shm"] {
            let from = PathBuf::from(format!("{}{suffix}", target.display()));
            if from.exists() {
                let to = PathBuf::from(format!("{}{suffix}", aside.display()));
                std::fs::rename(&from, &to).context("keeping the current database's journal aside")?;
            }
        }
        println!("the previous database is kept as {}", aside.display());
    }
    std::fs::rename(&staging, &target).context("moving the backup into place")?;
    println!("restored {} (schema version {version})", file.display());
    Ok(())
}
