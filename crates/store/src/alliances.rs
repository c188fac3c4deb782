//! Alliances: the directory of Liên minh HTX.

use lienket_domain::alliance::AllianceInput;
use lienket_domain::ids::{AllianceId, FileId};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set, TransactionTrait};

use crate::changes::{Op, record};
use crate::entity::alliance::{self, Entity as Alliances};
use crate::error::OnConstraint;
use crate::{Actor, Alliance, Store, StoreError};

fn to_record(m: alliance::Model) -> Alliance {
    Alliance {
        id: AllianceId(m.id),
        code: m.code,
        name: m.name,
        short_name: m.short_name,
        province_code: m.province_code,
        address: m.address,
        phone: m.phone,
        email: m.email,
        website: m.website,
        logo_file_id: m.logo_file_id.map(FileId),
        updated_at: m.updated_at,
        version: m.version,
    }
}

fn fill(a: &mut alliance::ActiveModel, input: &AllianceInput) {
    a.code = Set(input.code.clone());
    a.name = Set(input.name.clone());
    a.short_name = Set(input.short_name.clone());
    a.sort_key = Set(lienket_domain::text::fold(&input.name));
    a.province_code = Set(input.province_code.clone());
    a.address = Set(input.address.clone());
    a.phone = Set(input.phone.clone());
    a.email = Set(input.email.clone());
    a.website = Set(input.website.clone());
}

/// How long a node trusts its copy of the alliance directory.
const ALLIANCES_FRESH: std::time::Duration = std::time::Duration::from_secs(5);

impl Store {
    /// Every alliance, in Vietnamese alphabetical order of name.
    /// The directory for choice lists on busy pages, read at most every few seconds on each
    /// node: a change made through another node shows here within [`ALLIANCES_FRESH`], through
    /// this one at once.
    pub async fn alliance_choices(&self) -> Result<Vec<Alliance>, StoreError> {
        if let Some((at, all)) = self.alliances.lock().expect("alliance cache").as_ref()
            && at.elapsed() < ALLIANCES_FRESH
        {
            return Ok(all.clone());
        }
        self.list_alliances().await
    }

    /// Every alliance, read from the database.
    pub async fn list_alliances(&self) -> Result<Vec<Alliance>, StoreError> {
        let mut all: Vec<Alliance> = Alliances::find()
            .all(&self.db)
            .await?
            .into_iter()
            .map(to_record)
            .collect();
        all.sort_by(|a, b| lienket_domain::text::collate(&a.name, &b.name));
        *self.alliances.lock().expect("alliance cache") = Some((std::time::Instant::now(), all.clone()));
        Ok(all)
    }

    /// Forgets the cached directory after a change on this node.
    fn alliances_changed(&self) {
        *self.alliances.lock().expect("alliance cache") = None;
    }

    /// One alliance.
    pub async fn get_alliance(&self, id: AllianceId) -> Result<Alliance, StoreError> {
        Alliances::find_by_id(id.0)
            .one(&self.db)
            .await?
            .map(to_record)
            .ok_or(StoreError::NotFound)
    }

    /// One alliance by its short code (case-insensitive).
    pub async fn alliance_by_code(&self, code: &str) -> Result<Alliance, StoreError> {
        Alliances::find()
            .filter(alliance::Column::Code.eq(code.trim().to_uppercase()))
            .one(&self.db)
            .await?
            .map(to_record)
            .ok_or(StoreError::NotFound)
    }

    /// Creates an alliance; a taken code is [`StoreError::Duplicate`]`("code")`.
    pub async fn create_alliance(
        &self,
        actor: &Actor,
        input: &AllianceInput,
    ) -> Result<Alliance, StoreError> {
        let txn = self.db.begin().await?;
        let now = crate::now();
        let mut a = alliance::ActiveModel {
            created_at: Set(now),
            updated_at: Set(now),
            version: Set(1),
            logo_file_id: Set(None),
            ..Default::default()
        };
        fill(&mut a, input);
        let saved = to_record(a.insert(&txn).await.on_unique("code")?);
        crate::changes::record_created(&txn, actor, "alliance", &saved.id.to_string(), &saved).await?;
        txn.commit().await?;
        self.alliances_changed();
        Ok(saved)
    }

    /// Saves changes made from `expected_version`; [`StoreError::Conflict`] when someone saved first.
    pub async fn update_alliance(
        &self,
        actor: &Actor,
        id: AllianceId,
        expected_version: i32,
        input: &AllianceInput,
    ) -> Result<Alliance, StoreError> {
        let txn = self.db.begin().await?;
        let before = Alliances::find_by_id(id.0)
            .one(&txn)
            .await?
            .ok_or(StoreError::NotFound)?;
        let mut a: alliance::ActiveModel = before.clone().into();
        fill(&mut a, input);
        a.updated_at = Set(crate::now());
        a.version = Set(expected_version + 1);
        crate::versioned::save_versioned(
            &txn,
            a,
            (alliance::Column::Id, id.0),
            (alliance::Column::Version, expected_version),
            "code",
        )
        .await?;
        let after = Alliances::find_by_id(id.0)
            .one(&txn)
            .await?
            .map(to_record)
            .ok_or(StoreError::NotFound)?;
        let before = to_record(before);
        record(
            &txn,
            actor,
            "alliance",
            &id.to_string(),
            Op::Update,
            Some(&before),
            Some(&after),
        )
        .await?;
        txn.commit().await?;
        self.alliances_changed();
        Ok(after)
    }

    /// Stores a logo and attaches it to the alliance, in one transaction.
    pub async fn set_alliance_logo(
        &self,
        actor: &Actor,
        id: AllianceId,
        content_type: &str,
        bytes: Vec<u8>,
    ) -> Result<Alliance, StoreError> {
        let txn = self.db.begin().await?;
        let before = Alliances::find_by_id(id.0)
            .one(&txn)
            .await?
            .ok_or(StoreError::NotFound)?;
        let file = crate::files::insert(&txn, content_type, bytes).await?;
        let mut a: alliance::ActiveModel = before.clone().into();
        a.logo_file_id = Set(Some(file.0));
        a.updated_at = Set(crate::now());
        a.version = Set(before.version + 1);
        let after = to_record(a.update(&txn).await?);
        record(
            &txn,
            actor,
            "alliance",
            &id.to_string(),
            Op::Update,
            Some(&to_record(before)),
            Some(&after),
        )
        .await?;
        txn.commit().await?;
        self.alliances_changed();
        Ok(after)
    }
}
