use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "product_certifications")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub product_id: i64,
    pub score_a: i32,
    pub score_b: i32,
    pub score_c: i32,
    pub total: i32,
    pub stars: i32,
    pub potential_five: bool,
    pub level: String,
    pub rules_code: String,
    pub decision_no: String,
    pub decision_date: String,
    pub issuer: Option<String>,
    pub expires_on: String,
    pub certificate_key: Option<String>,
    pub certificate_name: Option<String>,
    pub certificate_type: Option<String>,
    pub state: String,
    pub revoked_reason: Option<String>,
    pub actor_name: String,
    pub created_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
