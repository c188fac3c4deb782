//! The one place that decides who may do what: `can(principal, action, resource)`.
//!
//! Every HTML handler and every API handler asks this module before reading or changing
//! anything that is not public. Keeping the rules here, as plain data in and a boolean out,
//! makes them testable as a table and impossible to drift between the two front ends.

use crate::ids::{AllianceId, OrganisationId, UserId};
use crate::role::Role;

/// Who is asking: an anonymous visitor or a signed-in user with a role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Principal {
    /// A visitor who has not signed in (the public).
    Anonymous,
    /// A signed-in user.
    User {
        /// The account.
        id: UserId,
        /// Its role and scope.
        role: Role,
    },
}

/// What the principal wants to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Read the resource.
    View,
    /// Create a resource of this kind.
    Create,
    /// Change the resource.
    Update,
    /// Remove or deactivate the resource.
    Delete,
    /// Accept or return what an organisation filed (its reports, later its applications).
    Review,
}

/// What the action is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource<'a> {
    /// The public directory of alliances.
    Alliances,
    /// One alliance's record.
    Alliance(AllianceId),
    /// One organisation, with the alliance that manages it.
    Organisation {
        /// The organisation.
        id: OrganisationId,
        /// The alliance that manages it, if any.
        alliance: Option<AllianceId>,
        /// Other alliances it is a member of: their staff may read it.
        member_of: &'a [AllianceId],
    },
    /// The member registry as a whole: listing organisations, registering new ones.
    Registry,
    /// User accounts in general (the admin list, creating accounts).
    Users,
    /// One user account.
    User(UserId),
    /// The audit log of every change.
    AuditLog,
    /// The staff dashboard.
    Dashboard,
    /// Reference data: administrative units, address parsing.
    ReferenceData,
    /// Trade-promotion events as a whole: announcing a new one.
    Events,
    /// One event, with its host alliance.
    Event {
        /// The alliance that hosts it and reviews its applications.
        host: AllianceId,
        /// Alliances that co-organise it: their staff read it before it is announced.
        co_organisers: &'a [AllianceId],
        /// Whether it is announced to the public.
        published: bool,
    },
    /// An organisation's application to exhibit at an event.
    Application {
        /// The applying organisation.
        organisation: OrganisationId,
        /// The alliance that manages the organisation.
        managed_by: Option<AllianceId>,
        /// The event's host alliance.
        host: AllianceId,
    },
    /// A coordination programme, its yearly plans and indicator definitions.
    Programme {
        /// The alliances that signed it.
        signatories: &'a [AllianceId],
    },
    /// One programme activity, with the alliance that leads it.
    Activity {
        /// The lead alliance.
        lead: AllianceId,
    },
    /// One alliance's indicator targets and typed figures.
    Targets(AllianceId),
    /// A yearly review: of one alliance (`Some`) or of the whole programme, which the host
    /// alliance of the year writes.
    Review {
        /// The alliance reviewed, `None` for all together.
        alliance: Option<AllianceId>,
        /// The host alliance of the year.
        host: Option<AllianceId>,
    },
    /// The support desk as a whole: asking for support, the list of requests (each user sees
    /// those of their scope).
    SupportDesk,
    /// One support request, with the organisation that asked and the alliance that answers.
    SupportRequest {
        /// The organisation that asked.
        organisation: OrganisationId,
        /// The alliance that answers (the organisation's managing alliance when it asked).
        alliance: Option<AllianceId>,
    },
    /// The kinds of effective cooperative model (editable reference data).
    ModelKinds,
    /// One cooperative shown as a model, with the alliance that manages it.
    ModelEntry {
        /// The alliance that manages the organisation.
        alliance: Option<AllianceId>,
        /// Whether the public sees it.
        published: bool,
    },
    /// A replication of a model by an organisation, with the alliance that supported it.
    ModelReplication {
        /// The replicating organisation's managing alliance.
        alliance: Option<AllianceId>,
    },
}

impl Principal {
    /// The signed-in user's role, if any.
    pub fn role(&self) -> Option<Role> {
        match self {
            Principal::Anonymous => None,
            Principal::User { role, .. } => Some(*role),
        }
    }
}

/// Decides whether `principal` may perform `action` on `resource`.
pub fn can(principal: &Principal, action: Action, resource: Resource<'_>) -> bool {
    use Action::*;
    use Resource as R;
    let Principal::User { id: me, role } = *principal else {
        // The public reads public things and nothing else.
        return action == View
            && match resource {
                R::Alliances | R::Alliance(_) | R::ReferenceData => true,
                R::Event { published, .. } => published,
                R::ModelKinds => true,
                R::ModelEntry { published, .. } => published,
                _ => false,
            };
    };
    if role == Role::Admin {
        return true;
    }
    match (resource, action) {
        (R::Alliances | R::Alliance(_) | R::ReferenceData, View) => true,
        // Accounts: each user sees and changes their own; only admins manage others.
        (R::User(id), View | Update) => id == me,
        (R::Users | R::User(_), _) => false,
        (R::AuditLog, View) => role == Role::Coordinator,
        (R::Dashboard, View) => !matches!(role, Role::OrganisationRep { .. }),
        (R::Alliance(id), Update) => role == Role::AllianceStaff { alliance: id },
        // Staff list and register their own alliance's members; coordinators read everything.
        (R::Registry, View) => matches!(role, Role::Coordinator | Role::AllianceStaff { .. }),
        (R::Registry, Create) => matches!(role, Role::AllianceStaff { .. }),
        (R::Registry, _) => false,
        (
            R::Organisation {
                id,
                alliance,
                member_of,
            },
            _,
        ) => match role {
            Role::Coordinator => matches!(action, View | Update),
            // A member alliance reads the record; the managing alliance keeps it.
            Role::AllianceStaff { alliance: mine } => {
                alliance == Some(mine) || (action == View && member_of.contains(&mine))
            }
            // Representatives keep their own record and reports; reviewing is the alliance's.
            Role::OrganisationRep { organisation } => id == organisation && matches!(action, View | Update),
            Role::Admin => true,
        },
        // Staff announce events for their alliance; the host alliance alone runs its event.
        (R::Events, Create) => matches!(role, Role::AllianceStaff { .. }),
        (R::Events, View) => true,
        (R::Events, _) => false,
        (
            R::Event {
                host,
                co_organisers,
                published,
            },
            _,
        ) => match role {
            Role::AllianceStaff { alliance: mine } if mine == host => true,
            Role::AllianceStaff { alliance: mine } => {
                action == View && (published || co_organisers.contains(&mine))
            }
            Role::Coordinator => action == View,
            Role::OrganisationRep { .. } => action == View && published,
            Role::Admin => true,
        },
        // An application: the organisation keeps it (its managing alliance may act for it),
        // the host alliance reads it, decides on it and may withdraw or complete it on request.
        (
            R::Application {
                organisation,
                managed_by,
                host,
            },
            _,
        ) => match role {
            Role::OrganisationRep { organisation: mine } => mine == organisation && action != Review,
            Role::AllianceStaff { alliance: mine } if mine == host => true,
            Role::AllianceStaff { alliance: mine } => Some(mine) == managed_by && action != Review,
            Role::Coordinator => action == View,
            Role::Admin => true,
        },
        // The programme is read by staff and coordinators; coordinators set it up (Create is
        // also the right to change its name, period, areas and signatories), signatory staff
        // keep its yearly plans and reviews (Update).
        (R::Programme { .. }, View) => matches!(role, Role::Coordinator | Role::AllianceStaff { .. }),
        (R::Programme { .. }, Create | Delete) => role == Role::Coordinator,
        (R::Programme { signatories }, Update | Review) => match role {
            Role::Coordinator => true,
            Role::AllianceStaff { alliance } => signatories.contains(&alliance),
            _ => false,
        },
        (R::Activity { lead }, _) => match role {
            Role::Coordinator => true,
            Role::AllianceStaff { alliance } => action == View || alliance == lead,
            _ => false,
        },
        (R::Targets(owner), _) => match role {
            Role::Coordinator => true,
            Role::AllianceStaff { alliance } => action == View || alliance == owner,
            _ => false,
        },
        (R::Review { alliance, host }, _) => match role {
            Role::Coordinator => true,
            Role::AllianceStaff { alliance: mine } => {
                action == View || alliance == Some(mine) || (alliance.is_none() && host == Some(mine))
            }
            _ => false,
        },
        // Any signed-in user may ask; each list shows only the requests of the user's scope.
        (R::SupportDesk, View) => true,
        (R::SupportDesk, Create) => matches!(role, Role::OrganisationRep { .. }),
        (R::SupportDesk, _) => false,
        // The organisation asks and follows its request; its alliance's staff answer, assign and
        // close it; coordinators answer those of organisations no alliance manages.
        (
            R::SupportRequest {
                organisation,
                alliance,
            },
            _,
        ) => match role {
            Role::OrganisationRep { organisation: mine } => mine == organisation && action != Review,
            Role::AllianceStaff { alliance: mine } => alliance == Some(mine),
            Role::Coordinator => true,
            Role::Admin => true,
        },
        // The public reads the kinds; coordinators keep the list.
        (R::ModelKinds, View) => true,
        (R::ModelKinds, _) => role == Role::Coordinator,
        // Staff and coordinators read every entry; the managing alliance keeps its own; an
        // organisation reads its own published entry like the public.
        (R::ModelEntry { alliance, published }, _) => match role {
            Role::Coordinator => true,
            Role::AllianceStaff { alliance: mine } => action == View || alliance == Some(mine),
            Role::OrganisationRep { .. } => action == View && published,
            Role::Admin => true,
        },
        (R::ModelReplication { alliance }, _) => match role {
            Role::Coordinator => true,
            Role::AllianceStaff { alliance: mine } => action == View || alliance == Some(mine),
            _ => false,
        },
        (R::Alliances | R::Alliance(_) | R::ReferenceData | R::AuditLog | R::Dashboard, _) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HN: AllianceId = AllianceId(1);
    const CT: AllianceId = AllianceId(4);

    fn user(role: Role) -> Principal {
        Principal::User { id: UserId(7), role }
    }

    #[test]
    fn programme_work_is_kept_by_the_alliance_that_leads_it() {
        let hn = user(Role::AllianceStaff { alliance: HN });
        let ct = user(Role::AllianceStaff { alliance: CT });
        let coordinator = user(Role::Coordinator);
        let rep = user(Role::OrganisationRep {
            organisation: OrganisationId(3),
        });
        let signed = [HN];
        let programme = Resource::Programme { signatories: &signed };
        assert!(can(&hn, Action::Update, programme));
        assert!(!can(&ct, Action::Update, programme));
        assert!(can(&ct, Action::View, programme));
        assert!(!can(&hn, Action::Create, programme));
        assert!(can(&coordinator, Action::Create, programme));
        assert!(!can(&rep, Action::View, programme));
        assert!(!can(&Principal::Anonymous, Action::View, programme));
        let activity = Resource::Activity { lead: HN };
        assert!(can(&hn, Action::Update, activity));
        assert!(can(&ct, Action::View, activity));
        assert!(!can(&ct, Action::Update, activity));
        assert!(!can(&ct, Action::Update, Resource::Targets(HN)));
        assert!(can(&ct, Action::Update, Resource::Targets(CT)));
        let whole = Resource::Review {
            alliance: None,
            host: Some(CT),
        };
        assert!(can(&ct, Action::Update, whole));
        assert!(!can(&hn, Action::Update, whole));
        assert!(can(&hn, Action::View, whole));
        assert!(can(
            &hn,
            Action::Update,
            Resource::Review {
                alliance: Some(HN),
                host: Some(CT)
            }
        ));
    }

    #[test]
    fn the_public_reads_the_alliance_directory_but_changes_nothing() {
        let p = Principal::Anonymous;
        assert!(can(&p, Action::View, Resource::Alliances));
        assert!(can(&p, Action::View, Resource::ReferenceData));
        assert!(!can(&p, Action::Update, Resource::Alliance(HN)));
        assert!(!can(&p, Action::View, Resource::AuditLog));
        assert!(!can(&p, Action::View, Resource::Dashboard));
    }

    #[test]
    fn ha_noi_staff_cannot_change_a_can_tho_cooperative() {
        let staff = user(Role::AllianceStaff { alliance: HN });
        let can_tho_coop = Resource::Organisation {
            id: OrganisationId(9),
            alliance: Some(CT),
            member_of: &[],
        };
        let ha_noi_coop = Resource::Organisation {
            id: OrganisationId(10),
            alliance: Some(HN),
            member_of: &[],
        };
        assert!(!can(&staff, Action::Update, can_tho_coop));
        assert!(can(&staff, Action::Update, ha_noi_coop));
        assert!(can(&staff, Action::Update, Resource::Alliance(HN)));
        // A Cần Thơ union that also joined the Hà Nội alliance: Hà Nội reads it, Cần Thơ keeps it.
        let union = Resource::Organisation {
            id: OrganisationId(11),
            alliance: Some(CT),
            member_of: &[HN],
        };
        assert!(can(&staff, Action::View, union));
        assert!(!can(&staff, Action::Update, union));
        assert!(!can(&staff, Action::Review, union));
        assert!(!can(&staff, Action::View, can_tho_coop));
        assert!(!can(&staff, Action::Update, Resource::Alliance(CT)));
    }

    #[test]
    fn the_host_alliance_runs_its_event_and_others_read_it_once_announced() {
        let draft = Resource::Event {
            host: HN,
            co_organisers: &[AllianceId(2)],
            published: false,
        };
        let public = Resource::Event {
            host: HN,
            co_organisers: &[],
            published: true,
        };
        let hn = user(Role::AllianceStaff { alliance: HN });
        let hp = user(Role::AllianceStaff {
            alliance: AllianceId(2),
        });
        let ct = user(Role::AllianceStaff { alliance: CT });
        let rep = user(Role::OrganisationRep {
            organisation: OrganisationId(10),
        });
        for a in [Action::View, Action::Update, Action::Review] {
            assert!(can(&hn, a, draft));
        }
        assert!(can(&hp, Action::View, draft) && !can(&hp, Action::Review, draft));
        assert!(!can(&ct, Action::View, draft) && can(&ct, Action::View, public));
        assert!(!can(&ct, Action::Review, public) && !can(&ct, Action::Update, public));
        assert!(!can(&Principal::Anonymous, Action::View, draft));
        assert!(can(&Principal::Anonymous, Action::View, public));
        assert!(!can(&rep, Action::View, draft) && !can(&rep, Action::Review, public));
        assert!(can(&hn, Action::Create, Resource::Events) && !can(&rep, Action::Create, Resource::Events));
        assert!(!can(&user(Role::Coordinator), Action::Update, public));
    }

    #[test]
    fn an_application_is_kept_by_its_organisation_and_decided_by_the_host() {
        let app = Resource::Application {
            organisation: OrganisationId(10),
            managed_by: Some(AllianceId(2)),
            host: HN,
        };
        let rep = user(Role::OrganisationRep {
            organisation: OrganisationId(10),
        });
        let other_rep = user(Role::OrganisationRep {
            organisation: OrganisationId(11),
        });
        let host = user(Role::AllianceStaff { alliance: HN });
        let managing = user(Role::AllianceStaff {
            alliance: AllianceId(2),
        });
        let stranger = user(Role::AllianceStaff { alliance: CT });
        for a in [Action::Create, Action::View, Action::Update] {
            assert!(can(&rep, a, app) && can(&managing, a, app) && can(&host, a, app));
            assert!(!can(&other_rep, a, app) && !can(&stranger, a, app));
        }
        assert!(can(&host, Action::Review, app));
        assert!(!can(&rep, Action::Review, app) && !can(&managing, Action::Review, app));
        assert!(can(&user(Role::Coordinator), Action::View, app));
        assert!(!can(&user(Role::Coordinator), Action::Update, app));
        assert!(!can(&Principal::Anonymous, Action::View, app));
    }

    #[test]
    fn reports_are_reviewed_by_the_alliance_not_by_the_organisation() {
        let own = Resource::Organisation {
            id: OrganisationId(10),
            alliance: Some(HN),
            member_of: &[],
        };
        let rep = user(Role::OrganisationRep {
            organisation: OrganisationId(10),
        });
        assert!(!can(&rep, Action::Review, own));
        assert!(can(
            &user(Role::AllianceStaff { alliance: HN }),
            Action::Review,
            own
        ));
        assert!(!can(
            &user(Role::AllianceStaff { alliance: CT }),
            Action::Review,
            own
        ));
        assert!(!can(&user(Role::Coordinator), Action::Review, own));
    }

    #[test]
    fn a_representative_edits_only_their_own_organisation() {
        let rep = user(Role::OrganisationRep {
            organisation: OrganisationId(10),
        });
        assert!(can(
            &rep,
            Action::Update,
            Resource::Organisation {
                id: OrganisationId(10),
                alliance: Some(HN),
                member_of: &[],
            }
        ));
        assert!(!can(
            &rep,
            Action::View,
            Resource::Organisation {
                id: OrganisationId(11),
                alliance: Some(HN),
                member_of: &[],
            }
        ));
        assert!(!can(&rep, Action::View, Resource::Dashboard));
    }

    #[test]
    fn only_admins_manage_accounts_and_users_keep_their_own() {
        let admin = user(Role::Admin);
        let coordinator = user(Role::Coordinator);
        assert!(can(&admin, Action::Create, Resource::Users));
        assert!(!can(&coordinator, Action::Create, Resource::Users));
        assert!(!can(&coordinator, Action::Update, Resource::User(UserId(8))));
        assert!(can(&coordinator, Action::Update, Resource::User(UserId(7))));
        assert!(can(&coordinator, Action::View, Resource::AuditLog));
        assert!(!can(
            &user(Role::AllianceStaff { alliance: HN }),
            Action::View,
            Resource::AuditLog
        ));
    }

    #[test]
    fn staff_and_coordinators_see_the_registry_representatives_do_not() {
        assert!(can(
            &user(Role::AllianceStaff { alliance: HN }),
            Action::Create,
            Resource::Registry
        ));
        assert!(can(&user(Role::Coordinator), Action::View, Resource::Registry));
        assert!(!can(&user(Role::Coordinator), Action::Create, Resource::Registry));
        let rep = user(Role::OrganisationRep {
            organisation: OrganisationId(10),
        });
        assert!(!can(&rep, Action::View, Resource::Registry));
        assert!(!can(&Principal::Anonymous, Action::View, Resource::Registry));
    }

    #[test]
    fn models_are_kept_by_the_managing_alliance_and_read_by_the_public_once_published() {
        let hn = user(Role::AllianceStaff { alliance: HN });
        let ct = user(Role::AllianceStaff { alliance: CT });
        let coordinator = user(Role::Coordinator);
        let rep = user(Role::OrganisationRep {
            organisation: OrganisationId(10),
        });
        let public = Principal::Anonymous;
        // The kinds of model: everyone reads them, coordinators alone keep them.
        for p in [&public, &rep, &hn, &coordinator] {
            assert!(can(p, Action::View, Resource::ModelKinds));
        }
        for a in [Action::Create, Action::Update, Action::Delete] {
            assert!(can(&coordinator, a, Resource::ModelKinds));
            assert!(!can(&hn, a, Resource::ModelKinds) && !can(&rep, a, Resource::ModelKinds));
            assert!(!can(&public, a, Resource::ModelKinds));
        }
        let shown = Resource::ModelEntry {
            alliance: Some(HN),
            published: true,
        };
        let draft = Resource::ModelEntry {
            alliance: Some(HN),
            published: false,
        };
        assert!(can(&public, Action::View, shown) && !can(&public, Action::View, draft));
        assert!(can(&rep, Action::View, shown) && !can(&rep, Action::View, draft));
        assert!(
            can(&ct, Action::View, draft),
            "staff of every alliance read every model"
        );
        for a in [Action::Create, Action::Update, Action::Delete] {
            assert!(can(&hn, a, draft) && can(&coordinator, a, draft));
            assert!(!can(&ct, a, shown) && !can(&rep, a, shown) && !can(&public, a, shown));
        }
        // A replication is recorded by the replicating organisation's alliance.
        let by_ct = Resource::ModelReplication { alliance: Some(CT) };
        for a in [Action::Create, Action::Delete] {
            assert!(can(&ct, a, by_ct) && can(&coordinator, a, by_ct));
            assert!(!can(&hn, a, by_ct) && !can(&rep, a, by_ct) && !can(&public, a, by_ct));
        }
        let unmanaged = Resource::ModelReplication { alliance: None };
        assert!(can(&coordinator, Action::Create, unmanaged) && !can(&hn, Action::Create, unmanaged));
    }

    #[test]
    fn only_admins_create_alliances() {
        assert!(can(&user(Role::Admin), Action::Create, Resource::Alliances));
        assert!(!can(
            &user(Role::Coordinator),
            Action::Create,
            Resource::Alliances
        ));
        assert!(!can(
            &user(Role::AllianceStaff { alliance: HN }),
            Action::Create,
            Resource::Alliances
        ));
    }
}
