//! Administrative areas as the shared write path edits them: their fields, rules and row.

use super::record::{Editable, Refusals, check_exists, check_period, check_text};
use crate::domain::node::NodeType;
use crate::domain::partial_date::PartialDate;
use crate::domain::text::search_form;
use crate::domain::vocabulary::*;
use crate::error::{AppError, AppResult};
use entity::*;
use sea_orm::DatabaseTransaction;
use serde::{Deserialize, Serialize};

use super::kinds::check_nesting;

/// The fields of an area.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AreaFields {
    /// The dataset key.
    pub key: String,
    /// The name.
    pub name: String,
    /// The level.
    pub kind: AreaKind,
    /// The area it lies in.
    #[serde(default)]
    pub parent: Option<i32>,
    /// When it came to be, where known.
    #[serde(default)]
    pub started_on: Option<PartialDate>,
    /// Its last day, once merged, split or abolished.
    #[serde(default)]
    pub ended_on: Option<PartialDate>,
    /// The area that took it over.
    #[serde(default)]
    pub successor: Option<i32>,
}

/// Administrative areas.
pub struct Area;

impl Editable for Area {
    const NODE: NodeType = NodeType::Area;
    const REFERENCES: &'static [(&'static str, NodeType)] =
        &[("parent", NodeType::Area), ("successor", NodeType::Area)];
    fn key(f: &mut Self::Fields) -> Option<(&mut String, &str)> {
        Some((&mut f.key, &f.name))
    }
    type Entity = area::Entity;
    type Fields = AreaFields;

    fn columns() -> (area::Column, area::Column, Option<area::Column>) {
        (area::Column::Id, area::Column::Version, Some(area::Column::Key))
    }

    async fn fields(_: &DatabaseTransaction, row: &area::Model) -> AppResult<AreaFields> {
        let kind = AreaKind::parse(&row.kind).ok_or_else(|| AppError::internal("stored area kind"))?;
        let date = |text: &Option<String>| {
            text.as_deref().map(str::parse).transpose().map_err(|_| AppError::internal("stored area date"))
        };
        Ok(AreaFields {
            key: row.key.clone(),
            name: row.name.clone(),
            kind,
            parent: row.parent_id,
            started_on: date(&row.started_on)?,
            ended_on: date(&row.ended_on)?,
            successor: row.successor_id,
        })
    }

    fn rules(f: &AreaFields, id: Option<i32>, r: &mut Refusals) {
        r.check(check_text("input.name", &f.name, 300));
        r.check(check_period("input.endedOn", f.started_on, f.ended_on));
        if f.successor.is_some() && f.successor == id {
            r.refuse("input.successor", "an area cannot succeed itself");
        }
        if f.successor.is_some() && f.ended_on.is_none() {
            r.refuse("input.successor", "an area has a successor only once it has ended: give endedOn");
        }
    }

    async fn check(txn: &DatabaseTransaction, f: &AreaFields, id: Option<i32>) -> AppResult<()> {
        check_exists::<area::Entity>(txn, "input.successor", f.successor, "area").await?;
        check_nesting::<area::Entity>(txn, "input.parent", id, f.parent, area::Column::ParentId, "area").await
    }

    fn model(f: &AreaFields) -> area::Model {
        area::Model {
            id: 0,
            key: f.key.clone(),
            name: f.name.trim().to_owned(),
            name_folded: search_form(&f.name),
            kind: f.kind.as_str().to_owned(),
            parent_id: f.parent,
            started_on: f.started_on.map(|d| d.to_string()),
            ended_on: f.ended_on.map(|d| d.to_string()),
            successor_id: f.successor,
            version: 0,
        }
    }
}
