//! Importing the registry from the spreadsheets alliances keep: upload, preview every row's
//! findings, commit all or nothing; every import is kept with its original file.

use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use lienket_domain::ids::AllianceId;
use lienket_domain::policy::{Action, Resource};
use lienket_domain::role::Role;
use lienket_store::{ImportRecord, Page, PageRequest, StoreError};
use serde::Deserialize;

use super::{html, no_store, pager, redirect_with_flash};
use crate::AppState;
use crate::ctx::RequestCtx;
use crate::error::{AppError, AppResult};
use crate::import::{self, Preview, RowMessage};

/// Largest upload accepted on the import route (the reader refuses above 20 MiB with a message).
const MAX_UPLOAD: usize = 24 * 1024 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/imports",
            get(list).post(upload).layer(DefaultBodyLimit::max(MAX_UPLOAD)),
        )
        .route("/imports/template.xlsx", get(template))
        .route("/imports/{id}", get(show))
        .route("/imports/{id}/commit", post(commit))
        .route("/imports/{id}/file", get(original))
}

/// Catalogue key of an import's status.
pub fn import_status_key(status: &str) -> &'static str {
    match status {
        "committed" => "import-status-committed",
        "committing" => "import-status-committing",
        _ => "import-status-previewed",
    }
}

/// The alliance whose registry an import goes into: staff's own; admins choose.
fn scope(ctx: &RequestCtx) -> Option<AllianceId> {
    ctx.user().and_then(|u| u.role.alliance())
}

#[derive(Template)]
#[template(path = "imports.html")]
struct ListPage<'a> {
    ctx: &'a RequestCtx,
    page: Page<ImportRecord>,
    pager: String,
    alliances: Vec<(String, String)>,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
struct PageQuery {
    page: Option<u64>,
}

async fn render_list(
    state: &AppState,
    ctx: &RequestCtx,
    page_no: Option<u64>,
    error: Option<String>,
    status: StatusCode,
) -> AppResult<Response> {
    let page = state
        .store
        .list_imports(scope(ctx), PageRequest::new(page_no, Some(30)))
        .await?;
    let pager = pager(ctx, "/imports", "", page.page, page.pages());
    let alliances = if ctx.user().is_some_and(|u| u.role == Role::Admin) {
        state
            .store
            .list_alliances()
            .await?
            .into_iter()
            .map(|a| (a.id.to_string(), a.short_name))
            .collect()
    } else {
        Vec::new()
    };
    let mut res = no_store(html(&ListPage {
        ctx,
        page,
        pager,
        alliances,
        error,
    })?);
    *res.status_mut() = status;
    Ok(res)
}

fn require_importer(ctx: &RequestCtx) -> AppResult<()> {
    if ctx.can(Action::Create, Resource::Registry) {
        return Ok(());
    }
    ctx.require(Action::Create, Resource::Alliances)
}

async fn list(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Query(q): Query<PageQuery>,
) -> AppResult<Response> {
    require_importer(&ctx)?;
    render_list(&state, &ctx, q.page, None, StatusCode::OK).await
}

/// Translates a message of the engine.
fn message(ctx: &RequestCtx, m: &RowMessage) -> String {
    let args: Vec<(&str, String)> = m
        .args
        .iter()
        .map(|(k, v)| {
            // Arguments that are catalogue keys themselves (a kind's label) are translated too.
            let v = if ctx.lang.has(v) { ctx.t(v) } else { v.clone() };
            (k.as_str(), v)
        })
        .collect();
    let text = ctx.lang.t_args(&m.key, &args);
    if m.field.is_empty() {
        text
    } else {
        let label_key = format!("field-{}", m.field.replace('_', "-"));
        let label = if ctx.lang.has(&label_key) {
            ctx.t(&label_key)
        } else {
            m.field.clone()
        };
        format!("{label}: {text}")
    }
}

async fn upload(
    State(state): State<AppState>,
    ctx: RequestCtx,
    mut multipart: Multipart,
) -> AppResult<Response> {
    require_importer(&ctx)?;
    let mut bytes = Vec::new();
    let mut file_name = String::new();
    let mut chosen: Option<AllianceId> = None;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|_| AppError::PayloadTooLarge)?
    {
        match field.name() {
            Some("file") => {
                file_name = field.file_name().unwrap_or("upload").to_string();
                bytes = field
                    .bytes()
                    .await
                    .map_err(|_| AppError::PayloadTooLarge)?
                    .to_vec();
            }
            Some("alliance_id") => {
                chosen = field
                    .text()
                    .await
                    .ok()
                    .and_then(|t| t.trim().parse().ok())
                    .map(AllianceId);
            }
            _ => {}
        }
    }
    let Some(alliance) = scope(&ctx).or(chosen) else {
        return render_list(
            &state,
            &ctx,
            None,
            Some(ctx.t("err-import-alliance")),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    if bytes.is_empty() {
        return render_list(
            &state,
            &ctx,
            None,
            Some(ctx.t("err-import-empty")),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let plan = import::plan(&state.store, alliance, &bytes, &file_name, &|_, _| {}).await?;
    let plan = match plan {
        Ok(p) => p,
        Err(problem) => {
            let msg = ctx.lang.t_args(problem.key, &problem.args);
            return render_list(&state, &ctx, None, Some(msg), StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    let counts = plan.preview.counts();
    let report = serde_json::to_string(&plan.preview).map_err(|e| AppError::Internal(e.into()))?;
    let content_type = import::content_type(&plan.preview.format);
    let saved = state
        .store
        .create_import(
            &ctx.actor(),
            Some(alliance),
            "registry",
            &file_name,
            content_type,
            bytes,
            counts,
            &report,
        )
        .await?;
    Ok(redirect_with_flash(
        &ctx,
        &format!("/imports/{}", saved.id),
        "flash-import-previewed",
    ))
}

/// A row of the preview as shown.
struct RowView {
    row: usize,
    name: String,
    code: String,
    status: &'static str,
    status_label: String,
    messages: Vec<(&'static str, String)>,
}

#[derive(Template)]
#[template(path = "import.html")]
struct ShowPage<'a> {
    ctx: &'a RequestCtx,
    i: ImportRecord,
    preview: Preview,
    notes: Vec<String>,
    creates: usize,
    updates: usize,
    show: String,
    tabs: Vec<(&'static str, String)>,
    rows: Vec<RowView>,
    pager: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ShowQuery {
    show: String,
    page: Option<u64>,
}

async fn load(state: &AppState, ctx: &RequestCtx, id: &str) -> AppResult<ImportRecord> {
    // Permission first, so those without access cannot tell which imports exist.
    require_importer(ctx)?;
    let i = state
        .store
        .get_import(id.parse().map_err(|_| AppError::NotFound)?)
        .await?;
    if let Some(mine) = scope(ctx)
        && i.alliance_id != Some(mine)
    {
        return Err(AppError::Forbidden);
    }
    Ok(i)
}

async fn show(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(id): Path<String>,
    Query(q): Query<ShowQuery>,
) -> AppResult<Response> {
    let i = load(&state, &ctx, &id).await?;
    let preview: Preview = i
        .report
        .as_deref()
        .and_then(|r| serde_json::from_str(r).ok())
        .unwrap_or_default();
    let show = match q.show.as_str() {
        "fixed" | "error" | "all" => q.show.clone(),
        _ if i.rows_error > 0 => "error".into(),
        _ => "fixed".into(),
    };
    let selected: Vec<&import::RowOutcome> = preview
        .rows
        .iter()
        .filter(|r| show == "all" || r.status() == show)
        .collect();
    let per_page = 100usize;
    let pages = selected.len().div_ceil(per_page).max(1) as u64;
    let page = q.page.unwrap_or(1).clamp(1, pages);
    let rows = selected
        .iter()
        .skip((page as usize - 1) * per_page)
        .take(per_page)
        .map(|r| RowView {
            row: r.row,
            name: r.name.clone(),
            code: r.code.clone(),
            status: r.status(),
            status_label: ctx.t(&format!("import-row-{}", r.status())),
            messages: r
                .errors
                .iter()
                .map(|m| ("error", message(&ctx, m)))
                .chain(r.fixes.iter().map(|m| ("hint", message(&ctx, m))))
                .collect(),
        })
        .collect();
    let pager = pager(
        &ctx,
        &format!("/imports/{}", i.id),
        &format!("&show={show}"),
        page,
        pages,
    );
    let tabs = vec![
        ("error", format!("{} ({})", ctx.t("import-errors"), i.rows_error)),
        ("fixed", format!("{} ({})", ctx.t("import-fixed"), i.rows_fixed)),
        (
            "all",
            format!(
                "{} ({})",
                ctx.t("import-with-findings"),
                i.rows_fixed + i.rows_error
            ),
        ),
    ];
    let notes = preview.notes.iter().map(|n| message(&ctx, n)).collect();
    let (creates, updates) = (preview.creates, preview.updates);
    let page = ShowPage {
        ctx: &ctx,
        i,
        preview,
        notes,
        creates,
        updates,
        show,
        tabs,
        rows,
        pager,
    };
    Ok(no_store(html(&page)?))
}

async fn commit(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let i = load(&state, &ctx, &id).await?;
    let alliance = i.alliance_id.ok_or(AppError::BadRequest("err-import-alliance"))?;
    if i.rows_error > 0 {
        return Ok(redirect_with_flash(
            &ctx,
            &format!("/imports/{}", i.id),
            "flash-import-fix-first",
        ));
    }
    if i.status != "previewed" {
        return Ok(redirect_with_flash(
            &ctx,
            &format!("/imports/{}", i.id),
            "flash-import-already",
        ));
    }
    // The file is read again: the registry may have changed since the preview.
    let file = state.store.get_file(i.file_id).await?;
    let plan = match import::plan(&state.store, alliance, &file.bytes, &i.file_name, &|_, _| {}).await? {
        Ok(p) => p,
        Err(_) => return Err(AppError::BadRequest("err-import-corrupt")),
    };
    if plan.preview.counts().error > 0 {
        return Ok(redirect_with_flash(
            &ctx,
            &format!("/imports/{}", i.id),
            "flash-import-has-errors",
        ));
    }
    match import::commit(&state.store, &ctx.actor(), Some(i.id), alliance, &plan).await {
        Ok(_) => Ok(redirect_with_flash(
            &ctx,
            &format!("/imports/{}", i.id),
            "flash-import-committed",
        )),
        Err(StoreError::Conflict) => Ok(redirect_with_flash(
            &ctx,
            &format!("/imports/{}", i.id),
            "flash-import-already",
        )),
        Err(e) => Err(e.into()),
    }
}

async fn original(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let i = load(&state, &ctx, &id).await?;
    let f = state.store.get_file(i.file_id).await?;
    attachment(&i.file_name, &f.content_type, f.bytes)
}

/// A download with a Vietnamese file name (RFC 6266 `filename*`).
pub fn attachment(file_name: &str, content_type: &str, bytes: Vec<u8>) -> AppResult<Response> {
    let ascii: String = lienket_domain::text::fold(file_name)
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let disposition = format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
        super::urlencode(file_name)
    );
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(content_type).map_err(|e| AppError::Internal(e.into()))?,
    );
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&disposition).map_err(|e| AppError::Internal(e.into()))?,
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}

async fn template(ctx: RequestCtx) -> AppResult<Response> {
    require_importer(&ctx)?;
    use lienket_office::{ColumnKind, ExportCell, ExportColumn};
    let headers = [
        ("Mã số HTX", ColumnKind::Text, 14.0),
        ("Tên hợp tác xã", ColumnKind::Text, 40.0),
        ("Loại hình", ColumnKind::Text, 14.0),
        ("Lĩnh vực", ColumnKind::Text, 18.0),
        ("Ngày thành lập", ColumnKind::Text, 14.0),
        ("Thành viên chính thức", ColumnKind::Integer, 12.0),
        ("Liên kết góp vốn", ColumnKind::Integer, 12.0),
        ("Liên kết không góp vốn", ColumnKind::Integer, 12.0),
        ("Vốn điều lệ (đồng)", ColumnKind::Money, 18.0),
        ("Người đại diện theo pháp luật", ColumnKind::Text, 24.0),
        ("Chức vụ", ColumnKind::Text, 12.0),
        ("Điện thoại", ColumnKind::Text, 14.0),
        ("Email", ColumnKind::Text, 22.0),
        ("Địa chỉ", ColumnKind::Text, 40.0),
    ];
    let columns: Vec<ExportColumn> = headers
        .iter()
        .map(|(h, k, w)| ExportColumn {
            header: (*h).into(),
            kind: *k,
            width: *w,
        })
        .collect();
    let example = vec![
        ExportCell::Text("0109000123".into()),
        ExportCell::Text("Hợp tác xã Nông nghiệp Đông Dư".into()),
        ExportCell::Text("Hợp tác xã".into()),
        ExportCell::Text("Nông nghiệp".into()),
        ExportCell::Text("15/03/2019".into()),
        ExportCell::Integer(25),
        ExportCell::Integer(3),
        ExportCell::Integer(10),
        ExportCell::Money(1_500_000_000),
        ExportCell::Text("Nguyễn Văn An".into()),
        ExportCell::Text("Giám đốc".into()),
        ExportCell::Text("0912 345 678".into()),
        ExportCell::Empty,
        ExportCell::Text("Xã Bát Tràng, Huyện Gia Lâm, Thành phố Hà Nội".into()),
    ];
    let bytes = lienket_office::write_xlsx(
        &ctx.t("import-template-title"),
        &ctx.t("import-template-subtitle"),
        "Danh sách",
        &columns,
        &[example],
    )
    .map_err(|e| AppError::Internal(anyhow::anyhow!("template: {e:?}")))?;
    attachment(
        "mau-nhap-so-thanh-vien.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        bytes,
    )
}
