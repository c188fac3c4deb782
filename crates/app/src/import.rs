//! `lienket import registry`: the web import's engine on the command line, with progress on
//! standard error and the findings and summary on standard output.

use std::io::Write;
use std::path::Path;
use std::time::Instant;

use anyhow::{Context, bail};
use lienket_store::{Actor, Store};
use lienket_web::i18n::Lang;
use lienket_web::import::{self, RowMessage};

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

/// Imports a registry file into the alliance with code `alliance_code`.
pub async fn registry(store: &Store, file: &Path, alliance_code: &str, dry_run: bool) -> anyhow::Result<()> {
    let alliance = store
        .alliance_by_code(alliance_code)
        .await
        .with_context(|| format!("no alliance with code {alliance_code} (see the alliance list)"))?;
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let started = Instant::now();
    let progress = |done: usize, total: usize| {
        let width = 30;
        let filled = (done * width).checked_div(total).unwrap_or(width).min(width);
        eprint!(
            "\r[{}{}] {done}/{total} rows",
            "#".repeat(filled),
            ".".repeat(width - filled)
        );
        let _ = std::io::stderr().flush();
    };
    let plan = match import::plan(store, alliance.id, &bytes, &name, &progress).await? {
        Ok(p) => p,
        Err(problem) => bail!("{}", Lang::Vi.t_args(problem.key, &problem.args)),
    };
    eprintln!();
    let read_time = started.elapsed();
    let preview = &plan.preview;
    for n in &preview.notes {
        println!("note: {}", message(n));
    }
    if !preview.unknown_columns.is_empty() {
        println!(
            "unknown columns (not imported): {}",
            preview.unknown_columns.join(", ")
        );
    }
    for r in preview.rows.iter().filter(|r| r.status() != "ok") {
        for m in &r.errors {
            println!("row {:>6} ERROR  {}", r.row, message(m));
        }
        for m in &r.fixes {
            println!("row {:>6} fixed  {}", r.row, message(m));
        }
    }
    let c = preview.counts();
    println!(
        "{} data rows: {} ok, {} fixed, {} in error; {} skipped rows; read and checked in {:.1} s",
        c.total,
        c.ok,
        c.fixed,
        c.error,
        preview.skipped.len(),
        read_time.as_secs_f64()
    );
    if c.error > 0 {
        bail!(
            "{} rows in error: nothing was written. Correct them in the file and run again.",
            c.error
        );
    }
    if dry_run {
        println!("dry run: nothing was written");
        return Ok(());
    }
    let actor = Actor::system("cli import");
    let mime = import::content_type(&preview.format);
    let report = serde_json::to_string(preview)?;
    let record = store
        .create_import(
            &actor,
            Some(alliance.id),
            "registry",
            &name,
            mime,
            bytes,
            c,
            &report,
        )
        .await?;
    let kept = started.elapsed();
    let (created, updated) = import::commit(store, &actor, Some(record.id), alliance.id, &plan).await?;
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
