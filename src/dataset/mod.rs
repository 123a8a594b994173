//! The dataset format: a JSON file a person can write and review by hand, with human-readable
//! keys for cross references (docs/dataset.md describes it), its import and its export.

mod batch;
pub mod draft;
pub mod export;
pub mod facts;
mod fields;
pub mod format;
pub mod generate;
pub mod import;
pub mod popolo;

pub use export::{export_dataset, to_json};
pub use format::Dataset;
pub use import::{Counts, ImportReport, Merge, Mode, import, parse_dataset};

use crate::error::AppResult;
use sea_orm::DatabaseConnection;

/// The demo dataset: the facts of Báo Hà Giang's report of 13 July 2021, written by hand.
pub const DEMO: &str = include_str!("../../data/ha-giang-2021-07-13.json");

/// Loads the demo into an empty database; a database that holds facts is left alone
/// (`None`).
pub async fn load_demo(db: &DatabaseConnection) -> AppResult<Option<ImportReport>> {
    if !import::is_empty(db).await? {
        return Ok(None);
    }
    Ok(Some(import(db, &parse_dataset(DEMO)?, Mode::Write, Merge::AddAndUpdate, None).await?))
}
