//! Conferences and meetings: when, where, in which form.

use sea_orm::entity::prelude::*;

/// A row of `conference`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Deserialize)]
#[sea_orm(table_name = "conference")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub key: String,
    pub title: String,
    pub title_folded: String,
    pub kind: String,
    pub format: String,
    pub date: Date,
    pub date_precision: String,
    pub date_last: Option<Date>,
    pub date_inferred: bool,
    pub date_note: Option<String>,
    pub part_of_day: Option<String>,
    pub starts_at: Option<DateTimeUtc>,
    pub ends_at: Option<DateTimeUtc>,
    pub time_zone: String,
    pub venue: Option<String>,
    pub area_id: Option<i32>,
    pub version: i32,
}

/// Relations are followed by the service's loaders, not through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
