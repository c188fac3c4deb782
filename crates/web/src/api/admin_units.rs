//! Reference data: administrative units (2025 scheme) and free-text address parsing.

use axum::extract::{Path, Query};
use axum::routing::get;
use axum::{Json, Router};
use lienket_domain::admin_units::{AddressMatch, parse_address as parse, units};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::error::{AppError, AppResult};

/// Longest address accepted by the parser; longer input is cut (addresses are short).
const MAX_ADDRESS_CHARS: usize = 500;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin-units/provinces", get(provinces))
        .route("/admin-units/provinces/{code}/wards", get(wards))
        .route("/addresses/parse", get(parse_address))
}

/// A province of the 2025 two-level structure.
#[derive(Serialize, ToSchema)]
pub struct ProvinceDto {
    /// Two-digit code.
    #[schema(example = "01")]
    code: String,
    /// Full name.
    #[schema(example = "Thành phố Hà Nội")]
    name: String,
    /// Name without its type word.
    #[schema(example = "Hà Nội")]
    short_name: String,
    /// Number of wards (phường, xã, đặc khu).
    ward_count: usize,
}

/// A ward (phường, xã, đặc khu) of the 2025 structure.
#[derive(Serialize, ToSchema)]
pub struct WardDto {
    /// Five-digit code (2025 scheme).
    #[schema(example = "00004")]
    code: String,
    /// Full name.
    #[schema(example = "Phường Ba Đình")]
    name: String,
    /// Type: Phường, Xã or Đặc khu.
    ward_type: String,
    /// Latitude of its centre.
    lat: f64,
    /// Longitude of its centre.
    lon: f64,
}

/// The 34 provinces and centrally-run cities in force since 1 July 2025.
#[utoipa::path(get, path = "/api/v1/admin-units/provinces", tag = "reference",
    responses((status = 200, description = "The 34 provinces, by code", body = [ProvinceDto])))]
pub async fn provinces() -> Json<Vec<ProvinceDto>> {
    let u = units();
    Json(
        u.provinces_2025()
            .iter()
            .map(|p| ProvinceDto {
                code: p.code.into(),
                name: p.name.into(),
                short_name: p.short_name.into(),
                ward_count: u.wards_2025(p.code).len(),
            })
            .collect(),
    )
}

/// The wards of one 2025 province.
#[utoipa::path(get, path = "/api/v1/admin-units/provinces/{code}/wards", tag = "reference",
    params(("code" = String, Path, description = "2025 province code, e.g. 01")),
    responses((status = 200, body = [WardDto]), (status = 404, body = super::ErrorBody)))]
pub async fn wards(Path(code): Path<String>) -> AppResult<Json<Vec<WardDto>>> {
    let u = units();
    u.province_2025(&code).ok_or(AppError::NotFound)?;
    Ok(Json(
        u.wards_2025(&code)
            .iter()
            .map(|w| WardDto {
                code: w.code.into(),
                name: w.name.into(),
                ward_type: w.ward_type.into(),
                lat: w.lat,
                lon: w.lon,
            })
            .collect(),
    ))
}

/// Query of the address parser.
#[derive(Deserialize, IntoParams)]
pub struct ParseQuery {
    /// The address as written, old (three-level) or new (two-level) style, with or without accents.
    #[param(example = "P. Văn Quán, Q. Hà Đông, TP. Hà Nội")]
    #[serde(default)]
    q: String,
}

/// Parses a free-text Vietnamese address into administrative units, converting legacy units to 2025.
///
/// The body has `scheme` (`legacy`, `2025` or null), `province_2025` and `ward_2025` (code,
/// name…), `legacy` (province, district, ward when the text was legacy-style), `confidence`
/// (0–1), `alternatives` (other readings, e.g. the other targets of a divided ward) and
/// `needs_review`.
#[utoipa::path(get, path = "/api/v1/addresses/parse", tag = "reference", params(ParseQuery),
    responses((status = 200, description = "What was found", body = Object)))]
pub async fn parse_address(Query(q): Query<ParseQuery>) -> Json<AddressMatch> {
    let text: String = q.q.chars().take(MAX_ADDRESS_CHARS).collect();
    Json(parse(&text))
}
