use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "imports")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub alliance_id: Option<i64>,
    pub kind: String,
    pub file_name: String,
    pub file_id: i64,
    pub status: String,
    pub rows_total: i64,
    pub rows_ok: i64,
    pub rows_fixed: i64,
    pub rows_error: i64,
    pub created: i64,
    pub updated: i64,
    pub actor_name: String,
    pub created_at: TimeDateTimeWithTimeZone,
    pub committed_at: Option<TimeDateTimeWithTimeZone>,
    pub report: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
