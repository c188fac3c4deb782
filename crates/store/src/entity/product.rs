use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "products")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub code: String,
    pub organisation_id: i64,
    pub name: String,
    pub name_folded: String,
    pub sort_key: String,
    pub group_code: Option<String>,
    pub set_no: Option<i32>,
    pub description: Option<String>,
    pub unit: Option<String>,
    pub packaging: Option<String>,
    pub net_quantity: Option<String>,
    pub shelf_life_days: Option<i32>,
    pub quality_standard: Option<String>,
    pub ingredients: Option<String>,
    pub origin_province_code: Option<String>,
    pub origin_ward_code: Option<String>,
    pub price_min: Option<i64>,
    pub price_max: Option<i64>,
    pub barcode: Option<String>,
    pub status: String,
    pub published_at: Option<TimeDateTimeWithTimeZone>,
    pub withdrawn_reason: Option<String>,
    pub stars: Option<i32>,
    pub cert_expires_on: Option<String>,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
