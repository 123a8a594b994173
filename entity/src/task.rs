//! Follow-up tasks: what, by when (a local date in a time zone), assigned where, by whom, serving which directive.

use sea_orm::entity::prelude::*;

/// A row of `task`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Deserialize)]
#[sea_orm(table_name = "task")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub key: String,
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub description: Option<String>,
    pub search_folded: String,
    pub status: String,
    pub due_on: Option<Date>,
    pub time_zone: String,
    pub conference_id: Option<i32>,
    pub assigned_by_organization_id: Option<i32>,
    pub assigned_by_official_id: Option<i32>,
    pub directive_id: Option<i32>,
    pub version: i32,
}

/// Relations are followed by the service's loaders, not through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
