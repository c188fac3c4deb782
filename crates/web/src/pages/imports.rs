//! Importing from the spreadsheets alliances keep — the registry of organisations, or a list of
//! OCOP products: upload, preview every row's findings, commit all or nothing; every import is
//! kept with its original file.

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
use crate::import::{self, Preview, RowMessage, SheetSummary};
use crate::import_products::{self, CertificationPlan, MatchedBy, ProducerPlan, ProductPreview};

/// Largest upload accepted on the import route (the reader refuses above 20 MiB with a message).
const MAX_UPLOAD: usize = 24 * 1024 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/imports",
            get(list).post(upload).layer(DefaultBodyLimit::max(MAX_UPLOAD)),
        )
        .route("/imports/template.xlsx", get(template))
        .route("/imports/template-products.xlsx", get(template_products))
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

/// Catalogue key of an import's kind.
pub fn import_kind_key(kind: &str) -> &'static str {
    match kind {
        import_products::KIND => "import-kind-products",
        _ => "import-kind-registry",
    }
}

/// What an upload imports, as chosen on the form (the registry unless it says products).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Registry,
    Products,
}

impl Kind {
    fn parse(raw: &str) -> Kind {
        if raw.trim() == import_products::KIND {
            Kind::Products
        } else {
            Kind::Registry
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Kind::Registry => "registry",
            Kind::Products => import_products::KIND,
        }
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
    let mut kind = Kind::Registry;
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
            Some("kind") => {
                kind = Kind::parse(&field.text().await.unwrap_or_default());
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
    let planned = match kind {
        Kind::Registry => import::plan(&state.store, alliance, &bytes, &file_name, &|_, _| {})
            .await?
            .map(|p| {
                (
                    p.preview.counts(),
                    serde_json::to_string(&p.preview),
                    p.preview.file.format,
                )
            }),
        Kind::Products => import_products::plan(&state.store, alliance, &bytes, &file_name, &|_, _| {})
            .await?
            .map(|p| {
                (
                    p.preview.counts(),
                    serde_json::to_string(&p.preview),
                    p.preview.file.format,
                )
            }),
    };
    let (counts, report, format) = match planned {
        Ok(p) => p,
        Err(problem) => {
            let msg = ctx.lang.t_args(problem.key, &problem.args);
            return render_list(&state, &ctx, None, Some(msg), StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    let report = report.map_err(|e| AppError::Internal(e.into()))?;
    let content_type = import::content_type(&format);
    let saved = state
        .store
        .create_import(
            &ctx.actor(),
            Some(alliance),
            kind.as_str(),
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
    /// The registration code as read (registry), or the producer and what becomes of it
    /// (products).
    code: String,
    plan: String,
    status: &'static str,
    status_label: String,
    messages: Vec<(&'static str, String)>,
}

#[derive(Template)]
#[template(path = "import.html")]
struct ShowPage<'a> {
    ctx: &'a RequestCtx,
    i: ImportRecord,
    products: bool,
    file: SheetSummary,
    notes: Vec<String>,
    /// What the commit will do, one sentence a line.
    plan: Vec<String>,
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

/// One row of a preview, whatever was imported.
struct Shown<'a> {
    row: usize,
    name: &'a str,
    code: String,
    plan: String,
    status: &'static str,
    fixes: &'a [RowMessage],
    errors: &'a [RowMessage],
}

/// What a product row's producer becomes, and what happens to its certification.
fn product_plan(ctx: &RequestCtx, r: &import_products::ProductRow) -> String {
    let producer = match &r.producer_plan {
        ProducerPlan::Matched { name, by, .. } => ctx.t1(
            match by {
                MatchedBy::Code => "import-producer-matched-code",
                MatchedBy::Name => "import-producer-matched-name",
            },
            "name",
            name,
        ),
        ProducerPlan::New { first_row } if *first_row == r.outcome.row => ctx.t("import-producer-new"),
        ProducerPlan::New { first_row } => ctx.t1("import-producer-new-again", "row", first_row),
        ProducerPlan::None => return String::new(),
    };
    let product = match r.outcome.action {
        import::RowAction::Create => ctx.t("import-product-create"),
        import::RowAction::Update => ctx.t("import-product-update"),
        import::RowAction::None => String::new(),
    };
    let certification = match r.certification {
        CertificationPlan::Add => ctx.t("import-cert-add"),
        CertificationPlan::Recorded => ctx.t("import-cert-recorded"),
        CertificationPlan::Older => ctx.t("import-cert-older"),
        CertificationPlan::None => ctx.t("import-cert-none"),
    };
    format!("{producer} · {product} · {certification}")
}

async fn show(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(id): Path<String>,
    Query(q): Query<ShowQuery>,
) -> AppResult<Response> {
    let i = load(&state, &ctx, &id).await?;
    let products = i.kind == import_products::KIND;
    let (registry, product_list): (Preview, ProductPreview) = {
        let report = i.report.as_deref().unwrap_or_default();
        if products {
            (
                Preview::default(),
                serde_json::from_str(report).unwrap_or_default(),
            )
        } else {
            (
                serde_json::from_str(report).unwrap_or_default(),
                ProductPreview::default(),
            )
        }
    };
    let show = match q.show.as_str() {
        "fixed" | "error" | "all" => q.show.clone(),
        _ if i.rows_error > 0 => "error".into(),
        _ => "fixed".into(),
    };
    let all_rows: Vec<Shown> = if products {
        product_list
            .rows
            .iter()
            .map(|r| Shown {
                row: r.outcome.row,
                name: &r.outcome.name,
                code: if r.outcome.code.is_empty() {
                    r.producer.clone()
                } else {
                    format!("{} ({})", r.producer, r.outcome.code)
                },
                plan: product_plan(&ctx, r),
                status: r.status(),
                fixes: &r.outcome.fixes,
                errors: &r.outcome.errors,
            })
            .collect()
    } else {
        registry
            .rows
            .iter()
            .map(|r| Shown {
                row: r.row,
                name: &r.name,
                code: r.code.clone(),
                plan: String::new(),
                status: r.status(),
                fixes: &r.fixes,
                errors: &r.errors,
            })
            .collect()
    };
    let selected: Vec<&Shown> = all_rows
        .iter()
        .filter(|r| show == "all" || r.status == show)
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
            name: r.name.to_string(),
            code: r.code.clone(),
            plan: r.plan.clone(),
            status: r.status,
            status_label: ctx.t(&format!("import-row-{}", r.status)),
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
    let all_tab = if products {
        format!("{} ({})", ctx.t("import-all-rows"), i.rows_total)
    } else {
        format!(
            "{} ({})",
            ctx.t("import-with-findings"),
            i.rows_fixed + i.rows_error
        )
    };
    let tabs = vec![
        ("error", format!("{} ({})", ctx.t("import-errors"), i.rows_error)),
        ("fixed", format!("{} ({})", ctx.t("import-fixed"), i.rows_fixed)),
        ("all", all_tab),
    ];
    let (file, plan) = if products {
        let p = &product_list;
        let products_plan = ctx.lang.t_args(
            "import-products-plan",
            &[
                ("create", p.products_created.to_string()),
                ("update", p.products_updated.to_string()),
                ("certifications", p.certifications_added.to_string()),
            ],
        );
        let producers_plan = ctx.lang.t_args(
            "import-products-producers",
            &[
                ("matched", p.producers_matched.to_string()),
                ("new", p.producers_new.to_string()),
            ],
        );
        (p.file.clone(), vec![products_plan, producers_plan])
    } else {
        let registry_plan = format!(
            "{} {}",
            ctx.t1("import-plan", "create", registry.creates),
            ctx.t1("import-plan-update", "update", registry.updates)
        );
        (registry.file.clone(), vec![registry_plan])
    };
    let notes = file.notes.iter().map(|n| message(&ctx, n)).collect();
    let page = ShowPage {
        ctx: &ctx,
        i,
        products,
        file,
        notes,
        plan,
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
    let committed = if i.kind == import_products::KIND {
        let plan = match import_products::plan(&state.store, alliance, &file.bytes, &i.file_name, &|_, _| {})
            .await?
        {
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
        let done = import_products::commit(&state.store, &ctx.actor(), Some(i.id), alliance, &plan).await;
        if done.is_ok() {
            // The catalogue must find the new products on this node's next search.
            state.catalog.after_write().await;
        }
        done.map(|_| "flash-product-import-committed")
    } else {
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
        import::commit(&state.store, &ctx.actor(), Some(i.id), alliance, &plan)
            .await
            .map(|_| "flash-import-committed")
    };
    match committed {
        Ok(flash) => Ok(redirect_with_flash(&ctx, &format!("/imports/{}", i.id), flash)),
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

async fn template_products(ctx: RequestCtx) -> AppResult<Response> {
    require_importer(&ctx)?;
    use lienket_office::{ColumnKind, ExportCell, ExportColumn};
    let headers = [
        ("STT", ColumnKind::Integer, 6.0),
        ("Tên sản phẩm", ColumnKind::Text, 32.0),
        ("Chủ thể", ColumnKind::Text, 32.0),
        ("Mã số HTX", ColumnKind::Text, 14.0),
        ("Địa chỉ", ColumnKind::Text, 40.0),
        ("Nhóm sản phẩm", ColumnKind::Text, 16.0),
        ("Bộ sản phẩm", ColumnKind::Text, 10.0),
        ("Số sao", ColumnKind::Text, 8.0),
        ("Tổng điểm", ColumnKind::Text, 10.0),
        ("Số quyết định", ColumnKind::Text, 16.0),
        ("Ngày quyết định", ColumnKind::Text, 14.0),
        ("Cấp công nhận", ColumnKind::Text, 12.0),
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
        ExportCell::Integer(1),
        ExportCell::Text("Nước mắm cốt cá cơm".into()),
        ExportCell::Text("Hợp tác xã Nông nghiệp Đông Dư".into()),
        ExportCell::Text("0109000123".into()),
        ExportCell::Text("Xã Bát Tràng, Huyện Gia Lâm, Thành phố Hà Nội".into()),
        ExportCell::Text("Thực phẩm".into()),
        ExportCell::Text("Bộ 9".into()),
        ExportCell::Text("4 sao".into()),
        ExportCell::Text("74,5".into()),
        ExportCell::Text("858/QĐ-UBND".into()),
        ExportCell::Text("15/03/2024".into()),
        ExportCell::Text("Cấp tỉnh".into()),
    ];
    let bytes = lienket_office::write_xlsx(
        &ctx.t("import-template-products-title"),
        &ctx.t("import-template-products-subtitle"),
        "Danh sách",
        &columns,
        &[example],
    )
    .map_err(|e| AppError::Internal(anyhow::anyhow!("template: {e:?}")))?;
    attachment(
        "mau-danh-sach-san-pham-ocop.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        bytes,
    )
}
