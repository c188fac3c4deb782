//! Small stored files (logos): kept in the database so every node sees them.

use lienket_domain::ids::FileId;
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, Set};
use sha2::{Digest, Sha256};

use crate::entity::file;
use crate::{Store, StoreError, StoredFile};

pub(crate) async fn insert<C: ConnectionTrait>(
    c: &C,
    content_type: &str,
    bytes: Vec<u8>,
) -> Result<FileId, StoreError> {
    let sha256 = hex::encode(Sha256::digest(&bytes));
    let row = file::ActiveModel {
        content_type: Set(content_type.to_string()),
        size: Set(bytes.len() as i64),
        sha256: Set(sha256),
        bytes: Set(bytes),
        created_at: Set(crate::now()),
        ..Default::default()
    }
    .insert(c)
    .await?;
    Ok(FileId(row.id))
}

impl Store {
    /// One stored file.
    pub async fn get_file(&self, id: FileId) -> Result<StoredFile, StoreError> {
        let m = file::Entity::find_by_id(id.0)
            .one(&self.db)
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok(StoredFile {
            id,
            content_type: m.content_type,
            sha256: m.sha256,
            bytes: m.bytes,
        })
    }
}
