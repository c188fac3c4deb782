//! Roles: what kind of user an account belongs to.

use serde::{Deserialize, Serialize};

use crate::ids::{AllianceId, OrganisationId};

/// The role of a user account, with the scope it is bound to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Role {
    /// System administrator: everything, everywhere.
    Admin,
    /// Programme coordinator (ban điều phối): reads and manages across alliances, but not accounts.
    Coordinator,
    /// Staff of one alliance (cán bộ Liên minh).
    AllianceStaff {
        /// The alliance the staff member works for.
        alliance: AllianceId,
    },
    /// Representative of one organisation (đại diện HTX / THT).
    OrganisationRep {
        /// The organisation represented.
        organisation: OrganisationId,
    },
}

/// The kind of a role without its scope, as stored in the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoleKind {
    /// See [`Role::Admin`].
    Admin,
    /// See [`Role::Coordinator`].
    Coordinator,
    /// See [`Role::AllianceStaff`].
    AllianceStaff,
    /// See [`Role::OrganisationRep`].
    OrganisationRep,
}

impl RoleKind {
    /// Every role kind, in the order shown to users.
    pub const ALL: [RoleKind; 4] = [
        RoleKind::Admin,
        RoleKind::Coordinator,
        RoleKind::AllianceStaff,
        RoleKind::OrganisationRep,
    ];

    /// The stable name stored in the database and used in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            RoleKind::Admin => "admin",
            RoleKind::Coordinator => "coordinator",
            RoleKind::AllianceStaff => "alliance_staff",
            RoleKind::OrganisationRep => "organisation_rep",
        }
    }

    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<RoleKind> {
        RoleKind::ALL.into_iter().find(|k| k.as_str() == s.trim())
    }
}

impl Role {
    /// The kind of this role.
    pub fn kind(&self) -> RoleKind {
        match self {
            Role::Admin => RoleKind::Admin,
            Role::Coordinator => RoleKind::Coordinator,
            Role::AllianceStaff { .. } => RoleKind::AllianceStaff,
            Role::OrganisationRep { .. } => RoleKind::OrganisationRep,
        }
    }

    /// Builds a role from its stored parts; `None` when a scoped role lacks its scope.
    pub fn from_parts(
        kind: RoleKind,
        alliance: Option<AllianceId>,
        organisation: Option<OrganisationId>,
    ) -> Option<Role> {
        match kind {
            RoleKind::Admin => Some(Role::Admin),
            RoleKind::Coordinator => Some(Role::Coordinator),
            RoleKind::AllianceStaff => alliance.map(|alliance| Role::AllianceStaff { alliance }),
            RoleKind::OrganisationRep => {
                organisation.map(|organisation| Role::OrganisationRep { organisation })
            }
        }
    }

    /// The alliance this role is bound to, if any.
    pub fn alliance(&self) -> Option<AllianceId> {
        match self {
            Role::AllianceStaff { alliance } => Some(*alliance),
            _ => None,
        }
    }

    /// The organisation this role is bound to, if any.
    pub fn organisation(&self) -> Option<OrganisationId> {
        match self {
            Role::OrganisationRep { organisation } => Some(*organisation),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_names_round_trip() {
        for kind in RoleKind::ALL {
            assert_eq!(RoleKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(RoleKind::parse("root"), None);
    }

    #[test]
    fn a_staff_role_without_an_alliance_is_not_a_role() {
        assert_eq!(Role::from_parts(RoleKind::AllianceStaff, None, None), None);
        assert_eq!(
            Role::from_parts(RoleKind::AllianceStaff, Some(AllianceId(3)), None),
            Some(Role::AllianceStaff {
                alliance: AllianceId(3)
            })
        );
    }
}
