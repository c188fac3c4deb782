//! `lienket import registry` and `lienket import products`: the web imports' engines on the
//! command line, with progress on standard error and the findings and summary on standard
//! output.

use std::io::Write;
use std::path::Path;
use std::time::Instant;

use anyhow::{Context, bail};
use lienket_domain::ids::AllianceId;
use lienket_store::{Actor, ImportCounts, Store};
use lienket_web::i18n::Lang;
use lienket_web::import::{self, RowMessage, SheetSummary};
use lienket_web::import_products;

fn message(m: &RowMessage) -> String {
    let args: Vec<(&str, String)> = m
        .args
        .iter()
        .map(|(k, v)| {
            (
                k.as_str(),
                if Lang::Vi.has(v) { Lang::Vi.t(v) } else { v.clone() },
            )
        })
        .collect();
    let text = Lang::Vi.t_args(&m.key, &args);
    if m.field.is_empty() {
        text
    } else {
        format!("[{}] {text}", m.field)
    }
}

/// The alliance, the file's bytes and name.
async fn open_file(
    store: &Store,
    file: &Path,
    alliance_code: &str,
) -> anyhow::Result<(AllianceId, Vec<u8>, String)> {
    let alliance = store
        .alliance_by_code(alliance_code)
        .await
        .with_context(|| format!("no alliance with code {alliance_code} (see the alliance list)"))?;
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok((alliance.id, bytes, name))
}

/// A progress bar on standard error.
fn progress(done: usize, total: usize) {
    let width = 30;
    let filled = (done * width).checked_div(total).unwrap_or(width).min(width);
    eprint!(
        "\r[{}{}] {done}/{total} rows",
        "#".repeat(filled),
        ".".repeat(width - filled)
    );
    let _ = std::io::stderr().flush();
}

/// One row's findings, as (row, errors, fixes).
type RowFindings<'a> = (usize, &'a [RowMessage], &'a [RowMessage]);

/// Prints what the reader found and every row's findings, then the counts; fails when a row
/// is in error (nothing is written then).
fn report<'a>(
    file: &SheetSummary,
    rows: impl Iterator<Item = RowFindings<'a>>,
    counts: ImportCounts,
    read_time: std::time::Duration,
) -> anyhow::Result<()> {
    for n in &file.notes {
        println!("note: {}", message(n));
    }
    if !file.unknown_columns.is_empty() {
        println!(
            "unknown columns (not imported): {}",
            file.unknown_columns.join(", ")
        );
    }
    for (row, errors, fixes) in rows {
        for m in errors {
            println!("row {row:>6} ERROR  {}", message(m));
        }
        for m in fixes {
            println!("row {row:>6} fixed  {}", message(m));
        }
    }
    let c = counts;
    println!(
        "{} data rows: {} ok, {} fixed, {} in error; {} skipped rows; read and checked in {:.1} s",
        c.total,
        c.ok,
        c.fixed,
        c.error,
        file.skipped.len(),
        read_time.as_secs_f64()
    );
    if c.error > 0 {
        bail!(
            "{} rows in error: nothing was written. Correct them in the file and run again.",
            c.error
        );
    }
    Ok(())
}

/// Imports a registry file into the alliance with code `alliance_code`.
pub async fn registry(store: &Store, file: &Path, alliance_code: &str, dry_run: bool) -> anyhow::Result<()> {
    let (alliance, bytes, name) = open_file(store, file, alliance_code).await?;
    let started = Instant::now();
    let plan = match import::plan(store, alliance, &bytes, &name, &progress).await? {
        Ok(p) => p,
        Err(problem) => bail!("{}", Lang::Vi.t_args(problem.key, &problem.args)),
    };
    eprintln!();
    let read_time = started.elapsed();
    let preview = &plan.preview;
    let c = preview.counts();
    report(
        &preview.file,
        preview
            .rows
            .iter()
            .map(|r| (r.row, r.errors.as_slice(), r.fixes.as_slice())),
        c,
        read_time,
    )?;
    if dry_run {
        println!("dry run: nothing was written");
        return Ok(());
    }
    let actor = Actor::system("cli import");
    let mime = import::content_type(&preview.file.format);
    let report = serde_json::to_string(preview)?;
    let record = store
        .create_import(&actor, Some(alliance), "registry", &name, mime, bytes, c, &report)
        .await?;
    let kept = started.elapsed();
    let (created, updated) = import::commit(store, &actor, Some(record.id), alliance, &plan).await?;
    println!(
        "import #{}: {created} created, {updated} matched by code; file and findings kept in {:.1} s, \
         rows written in {:.1} s; {:.1} s in all",
        record.id,
        (kept - read_time).as_secs_f64(),
        (started.elapsed() - kept).as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Imports an OCOP product list into the alliance with code `alliance_code`. Serving nodes
/// follow the change log, so their catalogues find the products without being told.
pub async fn products(store: &Store, file: &Path, alliance_code: &str, dry_run: bool) -> anyhow::Result<()> {
    let (alliance, bytes, name) = open_file(store, file, alliance_code).await?;
    let started = Instant::now();
    let plan = match import_products::plan(store, alliance, &bytes, &name, &progress).await? {
        Ok(p) => p,
        Err(problem) => bail!("{}", Lang::Vi.t_args(problem.key, &problem.args)),
    };
    eprintln!();
    let read_time = started.elapsed();
    let preview = &plan.preview;
    let c = preview.counts();
    report(
        &preview.file,
        preview.rows.iter().map(|r| {
            (
                r.outcome.row,
                r.outcome.errors.as_slice(),
                r.outcome.fixes.as_slice(),
            )
        }),
        c,
        read_time,
    )?;
    println!(
        "plan: {} products to create, {} to update, {} decisions to record; producers: {} in the registry, {} to create",
        preview.products_created,
        preview.products_updated,
        preview.certifications_added,
        preview.producers_matched,
        preview.producers_new
    );
    if dry_run {
        println!("dry run: nothing was written");
        return Ok(());
    }
    let actor = Actor::system("cli import");
    let mime = import::content_type(&preview.file.format);
    let report = serde_json::to_string(preview)?;
    let record = store
        .create_import(
            &actor,
            Some(alliance),
            import_products::KIND,
            &name,
            mime,
            bytes,
            c,
            &report,
        )
        .await?;
    let kept = started.elapsed();
    let done = import_products::commit(store, &actor, Some(record.id), alliance, &plan).await?;
    println!(
        "import #{}: {} products created, {} updated, {} decisions recorded, {} producers created; \
         file and findings kept in {:.1} s, rows written in {:.1} s; {:.1} s in all",
        record.id,
        done.products_created,
        done.products_updated,
        done.certifications_added,
        done.organisations_created,
        (kept - read_time).as_secs_f64(),
        (started.elapsed() - kept).as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
