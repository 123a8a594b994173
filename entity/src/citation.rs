//! Which source states which fact (a conference, participation, tenure, directive or task).

use sea_orm::entity::prelude::*;

/// A row of `citation`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Deserialize)]
#[sea_orm(table_name = "citation")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub source_id: i32,
    pub subject_type: String,
    pub subject_id: i32,
    #[sea_orm(column_type = "Text")]
    pub quote: Option<String>,
    pub locator: Option<String>,
}

/// Relations are followed by the service's loaders, not through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
