use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "programme_reviews")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub programme_id: i64,
    pub year: i32,
    pub scope: String,
    pub number: String,
    pub place: String,
    pub issued_on: String,
    pub signer_role: String,
    pub signer_name: String,
    pub recipients: Option<String>,
    pub narrative: Option<String>,
    pub actor_name: String,
    pub updated_at: TimeDateTimeWithTimeZone,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
