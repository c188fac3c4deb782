//! The web layer's one error type, mapped to HTTP once.
//!
//! Handlers return [`AppError`]; its `IntoResponse` only records *what* went wrong in the
//! response's extensions. The context middleware ([`crate::ctx`]) then renders it once, as a
//! JSON body under `/api` or as a friendly page otherwise, in the user's language. Bare error
//! responses from the framework (413, 405, 422 from extractors) are rendered the same way.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use lienket_domain::validate::Findings;
use lienket_store::StoreError;

/// Everything a request can fail with.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// No such page or record.
    #[error("not found")]
    NotFound,
    /// The caller must sign in first (pages redirect to sign-in and come back afterwards).
    #[error("sign-in required")]
    Unauthenticated,
    /// Signed in, but the policy says no.
    #[error("forbidden")]
    Forbidden,
    /// A state-changing request without a valid CSRF token or from another site.
    #[error("CSRF check failed")]
    Csrf,
    /// Input failed validation; every finding is listed.
    #[error("invalid input")]
    Invalid(Findings),
    /// A malformed request, with a catalogue key saying what is wrong.
    #[error("bad request: {0}")]
    BadRequest(&'static str),
    /// Someone else saved the record first.
    #[error("conflict")]
    Conflict,
    /// A unique value is already taken.
    #[error("duplicate {0}")]
    Duplicate(&'static str),
    /// Too many attempts; retry after this many minutes.
    #[error("rate limited")]
    RateLimited(u64),
    /// The body is larger than allowed.
    #[error("payload too large")]
    PayloadTooLarge,
    /// The HTTP method is not allowed on this path.
    #[error("method not allowed")]
    MethodNotAllowed,
    /// A bug or an outage; the cause is logged, the user sees a reference.
    #[error("internal error: {0:#}")]
    Internal(#[from] anyhow::Error),
    /// The thing existed and was removed on purpose (a withdrawn product); names the message.
    #[error("gone")]
    Gone(&'static str),
    /// A rule of the field refuses the request as things stand (a full booth type, a closed
    /// application window); names the message.
    #[error("refused: {0}")]
    Refused(&'static str),
}

impl AppError {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
            AppError::Forbidden | AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Conflict | AppError::Duplicate(_) | AppError::Refused(_) => StatusCode::CONFLICT,
            AppError::RateLimited(_) => StatusCode::TOO_MANY_REQUESTS,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            AppError::Gone(_) => StatusCode::GONE,
        }
    }

    /// A stable machine-readable code for the JSON body.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::NotFound => "not_found",
            AppError::Unauthenticated => "unauthenticated",
            AppError::Forbidden => "forbidden",
            AppError::Csrf => "csrf",
            AppError::Invalid(_) => "invalid",
            AppError::BadRequest(_) => "bad_request",
            AppError::Conflict => "conflict",
            AppError::Duplicate(_) => "duplicate",
            AppError::RateLimited(_) => "rate_limited",
            AppError::PayloadTooLarge => "payload_too_large",
            AppError::MethodNotAllowed => "method_not_allowed",
            AppError::Internal(_) => "internal",
            AppError::Gone(_) => "gone",
            AppError::Refused(_) => "refused",
        }
    }

    /// The catalogue key of the message shown to users, with its arguments.
    pub fn message_key(&self) -> (&'static str, Vec<(&'static str, String)>) {
        match self {
            AppError::NotFound => ("err-not-found", vec![]),
            AppError::Unauthenticated => ("err-unauthenticated", vec![]),
            AppError::Forbidden => ("err-forbidden", vec![]),
            AppError::Csrf => ("err-csrf", vec![]),
            AppError::Invalid(_) => ("err-invalid", vec![]),
            AppError::BadRequest(key) => (key, vec![]),
            AppError::Conflict => ("err-conflict", vec![]),
            AppError::Duplicate(field) => ("err-duplicate", vec![("field", field.to_string())]),
            AppError::RateLimited(minutes) => ("err-rate-limited", vec![("minutes", minutes.to_string())]),
            AppError::PayloadTooLarge => ("err-payload-too-large", vec![]),
            AppError::MethodNotAllowed => ("err-method-not-allowed", vec![]),
            AppError::Internal(_) => ("err-internal", vec![]),
            AppError::Gone(key) | AppError::Refused(key) => (key, vec![]),
        }
    }

    /// Maps a bare framework error status to an error.
    pub fn from_status(status: StatusCode) -> Option<AppError> {
        Some(match status {
            StatusCode::NOT_FOUND => AppError::NotFound,
            StatusCode::PAYLOAD_TOO_LARGE => AppError::PayloadTooLarge,
            StatusCode::METHOD_NOT_ALLOWED => AppError::MethodNotAllowed,
            StatusCode::UNSUPPORTED_MEDIA_TYPE
            | StatusCode::BAD_REQUEST
            | StatusCode::UNPROCESSABLE_ENTITY => AppError::BadRequest("err-bad-request"),
            s if s.is_server_error() => AppError::Internal(anyhow::anyhow!("status {s}")),
            _ => return None,
        })
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => AppError::NotFound,
            StoreError::Conflict => AppError::Conflict,
            StoreError::Duplicate(field) => AppError::Duplicate(field),
            StoreError::Reference => AppError::BadRequest("err-reference"),
            StoreError::Refused(key) => AppError::Refused(key),
            e @ (StoreError::Unreachable { .. }
            | StoreError::SchemaTooNew { .. }
            | StoreError::Unsupported(_)
            | StoreError::Objects(_)
            | StoreError::Db(_)) => AppError::Internal(anyhow::Error::new(e)),
        }
    }
}

impl From<Findings> for AppError {
    fn from(f: Findings) -> Self {
        AppError::Invalid(f)
    }
}

/// Marker put in a response's extensions so the middleware renders the error.
#[derive(Clone)]
pub(crate) struct ErrorMarker(pub std::sync::Arc<AppError>);

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let mut res = self.status().into_response();
        res.extensions_mut()
            .insert(ErrorMarker(std::sync::Arc::new(self)));
        res
    }
}

/// Result type of handlers.
pub type AppResult<T> = Result<T, AppError>;
