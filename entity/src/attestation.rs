//! Attestations recorded by hand or from a dataset: a source says the holder of a tenure held
//! its post, under the title it prints, on a day.

use sea_orm::entity::prelude::*;

/// A row of `attestation`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Deserialize)]
#[sea_orm(table_name = "attestation")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub tenure_id: i32,
    pub source_id: i32,
    pub attested_on: String,
    pub title: Option<String>,
    pub quote: Option<String>,
}

/// Relations are followed by the service's loaders, not through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
