//! An official's part in a conference: role, capacity as reported, organization represented.

use sea_orm::entity::prelude::*;

/// A row of `participation`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Deserialize)]
#[sea_orm(table_name = "participation")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub conference_id: i32,
    pub official_id: i32,
    pub role: String,
    pub capacity: Option<String>,
    pub organization_id: Option<i32>,
    pub version: i32,
}

/// Relations are followed by the service's loaders, not through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
