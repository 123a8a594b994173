//! Tenures (an official holding a post) as the shared write path edits them: their fields,
//! rules, row and citations.

use super::record::{
    CitationFields, Editable, Refusals, check_citations, check_exists, check_period, citation_rules, read_citations,
};
use crate::domain::node::NodeType;
use crate::domain::partial_date::PartialDate;
use crate::domain::subject;
use crate::error::{AppError, AppResult};
use entity::*;
use sea_orm::DatabaseTransaction;
use serde::{Deserialize, Serialize};

/// The fields of a tenure.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TenureFields {
    /// The official holding the post.
    pub official: i32,
    /// The post.
    pub post: i32,
    /// From when (inclusive).
    #[serde(default)]
    pub started_on: Option<PartialDate>,
    /// Until when (inclusive).
    #[serde(default)]
    pub ended_on: Option<PartialDate>,
    /// The sources that state it.
    #[serde(default)]
    pub citations: Vec<CitationFields>,
}

/// Tenures: an official holding a post.
pub struct Tenure;

impl Editable for Tenure {
    const NODE: NodeType = NodeType::Tenure;
    const REFERENCES: &'static [(&'static str, NodeType)] =
        &[("official", NodeType::Official), ("post", NodeType::Post), ("citations.source", NodeType::Source)];
    type Entity = tenure::Entity;
    type Fields = TenureFields;

    fn columns() -> (tenure::Column, tenure::Column, Option<tenure::Column>) {
        (tenure::Column::Id, tenure::Column::Version, None)
    }

    async fn fields(txn: &DatabaseTransaction, row: &tenure::Model) -> AppResult<TenureFields> {
        let stored = |_| AppError::internal("stored tenure date");
        Ok(TenureFields {
            official: row.official_id,
            post: row.post_id,
            started_on: row.started_on.as_deref().map(str::parse).transpose().map_err(stored)?,
            ended_on: row.ended_on.as_deref().map(str::parse).transpose().map_err(stored)?,
            citations: read_citations(txn, subject::TENURE, row.id).await?,
        })
    }

    fn rules(f: &TenureFields, _: Option<i32>, r: &mut Refusals) {
        r.check(check_period("input.endedOn", f.started_on, f.ended_on));
        r.check(citation_rules("input.citations", &f.citations));
    }

    async fn check(txn: &DatabaseTransaction, f: &TenureFields, _: Option<i32>) -> AppResult<()> {
        check_exists::<official::Entity>(txn, "input.official", Some(f.official), "official").await?;
        check_exists::<post::Entity>(txn, "input.post", Some(f.post), "post").await?;
        check_citations(txn, "input.citations", &f.citations).await
    }

    fn model(f: &TenureFields) -> tenure::Model {
        tenure::Model {
            id: 0,
            official_id: f.official,
            post_id: f.post,
            started_on: f.started_on.map(|d| d.to_string()),
            ended_on: f.ended_on.map(|d| d.to_string()),
            version: 0,
        }
    }

    fn citations(f: &TenureFields) -> Option<&[CitationFields]> {
        Some(&f.citations)
    }

    fn citations_mut(f: &mut TenureFields) -> Option<&mut Vec<CitationFields>> {
        Some(&mut f.citations)
    }
}
