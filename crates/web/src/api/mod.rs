//! The JSON API under `/api/v1`, documented by an OpenAPI 3.1 document built from this code.
//!
//! Clients authenticate with a personal API token (`Authorization: Bearer lk_…`) or, from the
//! browser, with the session cookie plus the `X-CSRF-Token` header on writes. Errors share one
//! body: `{"error": {"code", "message", "fields": [{"field", "code", "message"}], "reference"}}`,
//! with the message in the language of `Accept-Language` (or `?lang=`).

mod admin_units;
mod alliances;
mod audit;
mod events;
mod models;
mod products;
mod programmes;
mod support;
mod users;

use axum::routing::get;
use axum::{Json, Router};
use utoipa::OpenApi;

use crate::AppState;

/// Every API route.
pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(admin_units::routes())
        .merge(alliances::routes())
        .merge(users::routes())
        .merge(audit::routes())
        .merge(products::routes())
        .merge(events::routes())
        .merge(programmes::routes())
        .merge(models::routes())
        .merge(support::routes())
        .route("/openapi.json", get(openapi_json))
}

/// A named value of a query filter (`None` when absent or blank), or a 400 when it names
/// nothing known.
pub(crate) fn choice<T>(
    raw: Option<&str>,
    parse: impl Fn(&str) -> Option<T>,
) -> crate::error::AppResult<Option<T>> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => parse(s)
            .map(Some)
            .ok_or(crate::error::AppError::BadRequest("err-bad-request")),
    }
}

/// The error body of every failed API call.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// What went wrong.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Stable code: `not_found`, `unauthenticated`, `forbidden`, `invalid`, `conflict`, `duplicate`, …
    pub code: String,
    /// Message in the requested language.
    pub message: String,
    /// Per-field findings (validation).
    pub fields: Vec<FieldError>,
    /// For internal errors: a reference to quote to the administrators.
    pub reference: Option<String>,
}

/// One field's problem.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct FieldError {
    /// Field name.
    pub field: String,
    /// Message key.
    pub code: String,
    /// Message in the requested language.
    pub message: String,
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "LiênKết API",
        description = "Nền tảng số của các Liên minh Hợp tác xã — the cooperative alliances' platform. \
                       Authenticate with `Authorization: Bearer <personal API token>`."
    ),
    paths(
        admin_units::provinces,
        admin_units::wards,
        admin_units::parse_address,
        alliances::list,
        alliances::get_one,
        alliances::create,
        alliances::update,
        users::me,
        users::list,
        users::create,
        audit::list,
        products::search,
        products::get_one,
        products::bulk_create,
        products::open_data_json,
        products::open_data_csv,
        events::list,
        events::get_one,
        events::create,
        events::set_status,
        events::applications,
        events::apply,
        events::review,
        events::withdraw,
        events::assign_booths,
        events::check_in,
        events::outcome,
        events::participation,
        programmes::list, programmes::get_one, programmes::activities, programmes::create_activity, programmes::get_activity,
        models::list,
        models::get_one,
        support::list, support::create, support::get_one, support::write,
    ),
    components(schemas(ErrorBody, ErrorDetail, FieldError)),
    modifiers(&BearerAuth),
    tags(
        (name = "reference", description = "Administrative units and address parsing"),
        (name = "alliances", description = "Liên minh Hợp tác xã"),
        (name = "accounts", description = "Users and roles"),
        (name = "audit", description = "The change log"),
        (name = "events", description = "Fairs, exhibitions and OCOP weeks, with exhibitor applications"),
        (name = "models", description = "Effective new-type cooperative models (Decision 167/QĐ-TTg), assessed and replicated"),
        (name = "support", description = "Support requests (tư vấn – hỗ trợ) and their threads")
    )
)]
struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The OpenAPI document.
pub fn openapi() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(openapi())
}
