//! Plain records returned by the store: no ORM types cross the crate boundary.

use lienket_domain::ids::{AllianceId, FileId, OrganisationId, UserId};
use lienket_domain::role::Role;
use serde::Serialize;
use time::OffsetDateTime;

/// An alliance (Liên minh Hợp tác xã).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Alliance {
    /// Id.
    pub id: AllianceId,
    /// Short code, e.g. `HN`.
    pub code: String,
    /// Full name.
    pub name: String,
    /// Short name.
    pub short_name: String,
    /// 2025 province code.
    pub province_code: String,
    /// Seat address.
    pub address: Option<String>,
    /// Phone (E.164).
    pub phone: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    /// Web site.
    pub website: Option<String>,
    /// Logo file, if uploaded.
    pub logo_file_id: Option<FileId>,
    /// Last change.
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    /// Optimistic-concurrency version: send it back when saving.
    pub version: i32,
}

/// A user account (never with its password hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    /// Id.
    pub id: UserId,
    /// Login name.
    pub username: String,
    /// Name shown in the interface.
    pub display_name: String,
    /// E-mail.
    pub email: Option<String>,
    /// Role and scope.
    pub role: Role,
    /// Whether the account may sign in.
    pub active: bool,
    /// Creation time.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// Last successful sign-in.
    #[serde(with = "time::serde::rfc3339::option")]
    pub last_login_at: Option<OffsetDateTime>,
    /// Optimistic-concurrency version.
    pub version: i32,
}

/// A new account, with its password already hashed.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// Login name (lower-case).
    pub username: String,
    /// Display name.
    pub display_name: String,
    /// E-mail.
    pub email: Option<String>,
    /// Argon2id PHC string.
    pub password_hash: String,
    /// Role and scope.
    pub role: Role,
}

/// Changes an admin makes to an account.
#[derive(Debug, Clone)]
pub struct UserUpdate {
    /// Display name.
    pub display_name: String,
    /// E-mail.
    pub email: Option<String>,
    /// Role and scope.
    pub role: Role,
    /// Whether the account may sign in.
    pub active: bool,
}

/// A live session with its user.
#[derive(Debug, Clone)]
pub struct SessionRecord {
    /// The hash of the cookie value.
    pub id: String,
    /// The signed-in user.
    pub user: User,
    /// The synchronizer token that state-changing requests must echo.
    pub csrf_token: String,
    /// When the session ends unless used again.
    pub expires_at: OffsetDateTime,
    /// Last use.
    pub last_seen_at: OffsetDateTime,
}

/// A personal API token as listed to its owner (never the secret).
#[derive(Debug, Clone, Serialize)]
pub struct ApiToken {
    /// Id.
    pub id: lienket_domain::ids::ApiTokenId,
    /// Owner's label.
    pub name: String,
    /// First characters of the token, to recognise it.
    pub prefix: String,
    /// Creation time.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// Last use.
    #[serde(with = "time::serde::rfc3339::option")]
    pub last_used_at: Option<OffsetDateTime>,
    /// Revocation time.
    #[serde(with = "time::serde::rfc3339::option")]
    pub revoked_at: Option<OffsetDateTime>,
}

/// One row of the change log (also the audit log).
#[derive(Debug, Clone, Serialize)]
pub struct ChangeEntry {
    /// Monotonic id.
    pub id: i64,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// Who (user id), if a user.
    pub actor_id: Option<UserId>,
    /// Who, as shown.
    pub actor_name: String,
    /// From where.
    pub ip: Option<String>,
    /// Entity kind, e.g. `alliance`.
    pub entity: String,
    /// Entity key, e.g. its id.
    pub entity_key: String,
    /// Operation: create, update, delete, login…
    pub op: String,
    /// JSON of the record before the change.
    pub before: Option<serde_json::Value>,
    /// JSON of the record after the change.
    pub after: Option<serde_json::Value>,
}

/// An organisation, in the minimal form the foundation needs (registry details come later).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrganisationRef {
    /// Id.
    pub id: OrganisationId,
    /// Name.
    pub name: String,
    /// Registration code (mã số HTX), if registered.
    pub registration_code: Option<String>,
    /// Managing alliance.
    pub alliance_id: Option<AllianceId>,
}

/// A stored file.
#[derive(Debug, Clone)]
pub struct StoredFile {
    /// Id.
    pub id: FileId,
    /// MIME type, decided from the content.
    pub content_type: String,
    /// SHA-256, hex (also the HTTP ETag).
    pub sha256: String,
    /// The bytes.
    pub bytes: Vec<u8>,
}

/// A page of results with the total count.
#[derive(Debug, Clone, Serialize)]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// Total number of matching items.
    pub total: u64,
    /// 1-based page number.
    pub page: u64,
    /// Items per page.
    pub per_page: u64,
}

impl<T> Page<T> {
    /// Number of pages (at least 1).
    pub fn pages(&self) -> u64 {
        self.total.div_ceil(self.per_page.max(1)).max(1)
    }
}

/// Which page the caller wants.
#[derive(Debug, Clone, Copy)]
pub struct PageRequest {
    /// 1-based page number.
    pub page: u64,
    /// Items per page (capped at 200).
    pub per_page: u64,
}

impl PageRequest {
    /// A request, clamped to sane bounds.
    pub fn new(page: Option<u64>, per_page: Option<u64>) -> PageRequest {
        PageRequest {
            page: page.unwrap_or(1).max(1),
            per_page: per_page.unwrap_or(50).clamp(1, 200),
        }
    }

    pub(crate) fn offset(&self) -> u64 {
        (self.page - 1).saturating_mul(self.per_page)
    }
}

/// Headline figures for the dashboard.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Counts {
    /// Alliances.
    pub alliances: u64,
    /// Organisations.
    pub organisations: u64,
    /// Active user accounts.
    pub users: u64,
    /// Changes recorded in the last 24 hours.
    pub changes_last_day: u64,
}
