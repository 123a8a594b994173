//! Organizations: party committees, commissions, councils, agencies; nested, with a life span.

use sea_orm::entity::prelude::*;

/// A row of `organization`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Deserialize)]
#[sea_orm(table_name = "organization")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub key: String,
    pub name: String,
    pub short_name: Option<String>,
    pub name_folded: String,
    pub kind: String,
    pub parent_id: Option<i32>,
    pub area_id: Option<i32>,
    pub started_on: Option<String>,
    pub ended_on: Option<String>,
    pub successor_id: Option<i32>,
    pub ended_as: Option<String>,
    pub version: i32,
}

/// Relations are followed by the service's loaders, not through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
