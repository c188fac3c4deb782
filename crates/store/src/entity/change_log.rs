use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "change_log")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub at: TimeDateTimeWithTimeZone,
    pub actor_id: Option<i64>,
    pub actor_name: String,
    pub ip: Option<String>,
    pub entity: String,
    pub entity_key: String,
    pub op: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
