//! Sources: published reports that state the facts.

use sea_orm::entity::prelude::*;

/// A row of `source`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Deserialize)]
#[sea_orm(table_name = "source")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub key: String,
    pub url: Option<String>,
    pub title: String,
    pub publisher: Option<String>,
    pub published_at: Option<DateTimeUtc>,
    pub published_on: Option<Date>,
    pub author: Option<String>,
    pub version: i32,
}

/// Relations are followed by the service's loaders, not through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
