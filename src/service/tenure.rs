//! Tenures (an official holding a post) as the shared write path edits them: their fields,
//! rules, row, citations and the attestations recorded for them.

use super::record::{
    CitationFields, Editable, Refusals, check_citations, check_exists, check_optional_text, check_period,
    citation_rules, read_citations,
};
use crate::domain::node::NodeType;
use crate::domain::partial_date::PartialDate;
use crate::domain::subject;
use crate::error::{AppError, AppResult};
use entity::*;
use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder};
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
    /// The days sources attest it, recorded by hand or from a dataset.
    #[serde(default)]
    pub attestations: Vec<AttestationFields>,
}

/// A source saying that the official held the post on a day, under a title as printed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AttestationFields {
    /// The source's row id.
    pub source: i32,
    /// The day (or month, year) it attests.
    pub on: PartialDate,
    /// The title as the source prints it beside the name.
    #[serde(default)]
    pub title: Option<String>,
    /// The words of the source that state it.
    #[serde(default)]
    pub quote: Option<String>,
}

impl AttestationFields {
    fn of_row(row: attestation::Model) -> AppResult<Self> {
        Ok(Self {
            source: row.source_id,
            on: row.attested_on.parse().map_err(|_| AppError::internal("stored attestation date"))?,
            title: row.title,
            quote: row.quote,
        })
    }
}

/// Tenures: an official holding a post.
pub struct Tenure;

impl Editable for Tenure {
    const NODE: NodeType = NodeType::Tenure;
    const REFERENCES: &'static [(&'static str, NodeType)] = &[
        ("official", NodeType::Official),
        ("post", NodeType::Post),
        ("citations.source", NodeType::Source),
        ("attestations.source", NodeType::Source),
    ];
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
            attestations: attestation::Entity::find()
                .filter(attestation::Column::TenureId.eq(row.id))
                .order_by_asc(attestation::Column::Id)
                .all(txn)
                .await?
                .into_iter()
                .map(AttestationFields::of_row)
                .collect::<AppResult<_>>()?,
        })
    }

    fn rules(f: &TenureFields, _: Option<i32>, r: &mut Refusals) {
        r.check(check_period("input.endedOn", f.started_on, f.ended_on));
        r.check(citation_rules("input.citations", &f.citations));
        for (i, a) in f.attestations.iter().enumerate() {
            let at = format!("input.attestations[{i}]");
            r.check(check_optional_text(&format!("{at}.title"), a.title.as_ref(), 300));
            r.check(check_optional_text(&format!("{at}.quote"), a.quote.as_ref(), 2000));
            if f.attestations[..i].iter().any(|earlier| earlier == a) {
                r.refuse(&at, "the same attestation is given twice");
            }
            if let Some(end) = f.ended_on.filter(|end| end.latest() < a.on.earliest()) {
                r.refuse(&format!("{at}.on"), format!("the tenure ended on {end}, before the day attested"));
            }
            if let Some(start) = f.started_on.filter(|start| start.earliest() > a.on.latest()) {
                r.refuse(&format!("{at}.on"), format!("the tenure started on {start}, after the day attested"));
            }
        }
    }

    async fn check(txn: &DatabaseTransaction, f: &TenureFields, _: Option<i32>) -> AppResult<()> {
        check_exists::<official::Entity>(txn, "input.official", Some(f.official), "official").await?;
        check_exists::<post::Entity>(txn, "input.post", Some(f.post), "post").await?;
        check_citations(txn, "input.citations", &f.citations).await?;
        for (i, a) in f.attestations.iter().enumerate() {
            check_exists::<source::Entity>(txn, &format!("input.attestations[{i}].source"), Some(a.source), "source")
                .await?;
        }
        Ok(())
    }

    async fn write_children(txn: &DatabaseTransaction, id: i32, f: &TenureFields) -> AppResult<()> {
        write_attestations(txn, id, &f.attestations).await
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

/// Replaces the attestations recorded for one tenure.
pub async fn write_attestations(txn: &DatabaseTransaction, tenure_id: i32, all: &[AttestationFields]) -> AppResult<()> {
    attestation::Entity::delete_many().filter(attestation::Column::TenureId.eq(tenure_id)).exec(txn).await?;
    if all.is_empty() {
        return Ok(());
    }
    let rows = all.iter().map(|a| attestation::ActiveModel {
        tenure_id: Set(tenure_id),
        source_id: Set(a.source),
        attested_on: Set(a.on.to_string()),
        title: Set(a.title.as_ref().map(|t| t.trim().to_owned())),
        quote: Set(a.quote.clone()),
        ..Default::default()
    });
    attestation::Entity::insert_many(rows).exec(txn).await?;
    Ok(())
}
