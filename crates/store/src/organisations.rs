//! Organisations, in the minimal form the foundation needs: a name, a code and a managing
//! alliance, so representatives' accounts can be scoped. The registry extends this table.

use lienket_domain::ids::{AllianceId, OrganisationId};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set, TransactionTrait};

use crate::changes::{Op, record};
use crate::entity::organisation;
use crate::error::OnConstraint;
use crate::{Actor, OrganisationRef, Store, StoreError};

fn to_record(m: organisation::Model) -> OrganisationRef {
    OrganisationRef {
        id: OrganisationId(m.id),
        name: m.name,
        registration_code: m.registration_code,
        alliance_id: m.alliance_id.map(AllianceId),
    }
}

/// The facts needed to register an organisation at this stage.
#[derive(Debug, Clone)]
pub struct NewOrganisation {
    /// Name.
    pub name: String,
    /// Registration code (10-digit tax code), if registered.
    pub registration_code: Option<String>,
    /// Kind: `cooperative_group`, `cooperative` or `cooperative_union`.
    pub kind: &'static str,
    /// Managing alliance.
    pub alliance_id: Option<AllianceId>,
    /// 2025 province code.
    pub province_code: Option<String>,
}

impl Store {
    /// Registers an organisation.
    pub async fn create_organisation(
        &self,
        actor: &Actor,
        new: &NewOrganisation,
    ) -> Result<OrganisationRef, StoreError> {
        let txn = self.db.begin().await?;
        let now = crate::now();
        let m = organisation::ActiveModel {
            alliance_id: Set(new.alliance_id.map(|a| a.0)),
            registration_code: Set(new.registration_code.clone()),
            name: Set(new.name.clone()),
            name_folded: Set(lienket_domain::text::fold(&new.name)),
            kind: Set(new.kind.to_string()),
            province_code: Set(new.province_code.clone()),
            status: Set("active".to_string()),
            created_at: Set(now),
            updated_at: Set(now),
            version: Set(1),
            ..Default::default()
        }
        .insert(&txn)
        .await
        .on_unique("registration_code")?;
        let saved = to_record(m);
        record::<_, (), _>(
            &txn,
            actor,
            "organisation",
            &saved.id.to_string(),
            Op::Create,
            None,
            Some(&saved),
        )
        .await?;
        txn.commit().await?;
        Ok(saved)
    }

    /// One organisation.
    pub async fn get_organisation(&self, id: OrganisationId) -> Result<OrganisationRef, StoreError> {
        organisation::Entity::find_by_id(id.0)
            .one(&self.db)
            .await?
            .map(to_record)
            .ok_or(StoreError::NotFound)
    }

    /// Organisations of one alliance (all when `None`), by folded name.
    pub async fn list_organisations(
        &self,
        alliance: Option<AllianceId>,
    ) -> Result<Vec<OrganisationRef>, StoreError> {
        let mut q = organisation::Entity::find();
        if let Some(a) = alliance {
            q = q.filter(organisation::Column::AllianceId.eq(a.0));
        }
        let mut all: Vec<_> = q
            .order_by_asc(organisation::Column::NameFolded)
            .all(&self.db)
            .await?
            .into_iter()
            .map(to_record)
            .collect();
        all.sort_by(|a, b| lienket_domain::text::collate(&a.name, &b.name));
        Ok(all)
    }
}
