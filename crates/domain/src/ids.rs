//! Typed identifiers: every entity has its own id type, never a bare integer in a signature.

use serde::{Deserialize, Serialize};

macro_rules! typed_id {
    ($(#[$doc:meta] $name:ident),* $(,)?) => {$(
        #[$doc]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::num::ParseIntError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.parse().map($name)
            }
        }
    )*};
}

typed_id! {
    /// Identifies an alliance (Liên minh Hợp tác xã).
    AllianceId,
    /// Identifies an organisation: a cooperative group, cooperative or cooperative union.
    OrganisationId,
    /// Identifies a user account.
    UserId,
    /// Identifies a personal API token.
    ApiTokenId,
    /// Identifies a stored file (logo, attachment).
    FileId,
    /// Identifies a product.
    ProductId,
    /// Identifies a kind of effective cooperative model (Decision 167/QĐ-TTg).
    ModelKindId,
    /// Identifies a cooperative shown as an effective model.
    ModelEntryId,
    /// Identifies one replication of a model by another organisation.
    ReplicationId,
}
