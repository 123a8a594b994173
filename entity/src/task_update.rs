//! Progress updates on a task.

use sea_orm::entity::prelude::*;

/// A row of `task_update`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Deserialize)]
#[sea_orm(table_name = "task_update")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub task_id: i32,
    pub date: Date,
    pub status: String,
    #[sea_orm(column_type = "Text")]
    pub note: Option<String>,
    pub progress_percent: Option<i32>,
}

/// Relations are followed by the service's loaders, not through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
