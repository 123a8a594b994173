//! Tenures: an official holds a post from a partial start date to a partial end date.

use sea_orm::entity::prelude::*;

/// A row of `tenure`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Deserialize)]
#[sea_orm(table_name = "tenure")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub official_id: i32,
    pub post_id: i32,
    pub started_on: Option<String>,
    pub ended_on: Option<String>,
    pub version: i32,
}

/// Relations are followed by the service's loaders, not through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
