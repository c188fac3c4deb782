use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub kind: String,
    pub status: String,
    pub title: String,
    pub host_alliance_id: i64,
    pub co_organisers: String,
    pub venue: String,
    pub province_code: Option<String>,
    pub ward_code: Option<String>,
    pub starts_on: String,
    pub ends_on: String,
    pub opening_hours: Option<String>,
    pub applications_open_at: TimeDateTimeWithTimeZone,
    pub applications_close_at: TimeDateTimeWithTimeZone,
    pub eligible_groups: String,
    pub description: Option<String>,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
