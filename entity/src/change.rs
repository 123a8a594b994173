//! The history of changes made through the API: which node, what was done, by whom, when, by
//! which mutation, and the fields before and after (JSON objects).

use sea_orm::entity::prelude::*;

/// A row of `change`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Deserialize)]
#[sea_orm(table_name = "change")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub node_type: String,
    pub node_id: i32,
    pub action: String,
    pub operation: String,
    pub actor: String,
    pub at: DateTimeUtc,
    #[sea_orm(column_type = "Text")]
    pub before: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub after: Option<String>,
}

/// Relations are followed by the service's loaders, not through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
