use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "organisations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub alliance_id: Option<i64>,
    pub registration_code: Option<String>,
    pub name: String,
    pub name_folded: String,
    pub kind: String,
    pub province_code: Option<String>,
    pub status: String,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
    pub version: i32,
    pub short_name: Option<String>,
    pub sector: String,
    pub founded_on: Option<String>,
    pub members_official: i32,
    pub members_associate_capital: i32,
    pub members_associate_other: i32,
    pub charter_capital: Option<i64>,
    pub representative: Option<String>,
    pub representative_title: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
    pub address: Option<String>,
    pub ward_code: Option<String>,
    pub legacy_ward_code: Option<String>,
    pub sort_key: String,
    pub search_folded: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
