use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "activity_reports")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub organisation_id: i64,
    pub year: i32,
    pub period: String,
    pub status: String,
    pub revenue: i64,
    pub profit: i64,
    pub members_official: i64,
    pub members_associate: i64,
    pub workers: i64,
    pub average_income: i64,
    pub charter_capital: i64,
    pub member_services: i64,
    pub accounting_software: bool,
    pub e_invoices: bool,
    pub website: bool,
    pub e_commerce: bool,
    pub qr_traceability: bool,
    pub cashless_payments: bool,
    pub difficulties: Option<String>,
    pub proposals: Option<String>,
    pub submitted_at: Option<TimeDateTimeWithTimeZone>,
    pub reviewed_at: Option<TimeDateTimeWithTimeZone>,
    pub reviewer_name: Option<String>,
    pub review_comment: Option<String>,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
