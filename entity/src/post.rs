//! Posts: positions in an organization.

use sea_orm::entity::prelude::*;

/// A row of `post`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Deserialize)]
#[sea_orm(table_name = "post")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub key: String,
    pub title: String,
    pub title_folded: String,
    pub organization_id: i32,
    pub seats: Option<i32>,
    pub version: i32,
}

/// Relations are followed by the service's loaders, not through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
