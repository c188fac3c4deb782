use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "event_applications")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub event_id: i64,
    pub organisation_id: i64,
    pub booth_type_id: i64,
    pub booth_count: i32,
    pub contact_name: String,
    pub contact_phone: String,
    pub notes: Option<String>,
    pub state: String,
    pub review_note: Option<String>,
    pub reviewer_name: Option<String>,
    pub submitted_at: Option<TimeDateTimeWithTimeZone>,
    pub reviewed_at: Option<TimeDateTimeWithTimeZone>,
    pub waitlisted_at: Option<TimeDateTimeWithTimeZone>,
    pub pass_code: Option<String>,
    pub checked_in_at: Option<TimeDateTimeWithTimeZone>,
    pub checked_in_by: Option<String>,
    pub sales: Option<i64>,
    pub contracts: Option<i32>,
    pub buyers: Option<i32>,
    pub outcome_note: Option<String>,
    pub outcome_at: Option<TimeDateTimeWithTimeZone>,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
