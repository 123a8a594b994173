//! Directives: resolutions, directives, schemes, plans and other documents.

use sea_orm::entity::prelude::*;

/// A row of `directive`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Deserialize)]
#[sea_orm(table_name = "directive")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub key: String,
    pub code: Option<String>,
    pub kind: String,
    pub number: Option<String>,
    pub title: String,
    pub search_folded: String,
    pub issuer_id: Option<i32>,
    pub issued_on: Option<String>,
    pub period_start: Option<String>,
    pub period_end: Option<String>,
    pub status: String,
    pub version: i32,
}

/// Relations are followed by the service's loaders, not through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
