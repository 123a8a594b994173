//! Links between directives: implements, reviews, amends, replaces.

use sea_orm::entity::prelude::*;

/// A row of `directive_link`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Deserialize)]
#[sea_orm(table_name = "directive_link")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub from_directive_id: i32,
    pub to_directive_id: i32,
    pub relation: String,
}

/// Relations are followed by the service's loaders, not through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
