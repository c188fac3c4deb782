use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "activities")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub programme_id: i64,
    pub title: String,
    pub kind: String,
    pub state: String,
    pub areas: String,
    pub lead_alliance_id: i64,
    pub alliances: String,
    pub year: i32,
    pub starts_on: String,
    pub ends_on: String,
    pub place: Option<String>,
    pub participants: i64,
    pub outcome: Option<String>,
    pub event_id: Option<i64>,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
