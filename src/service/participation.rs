//! Participations (an official taking part in a conference) as the shared write path edits
//! them: their fields, rules, row and citations.

use super::record::{
    CitationFields, Editable, Refusals, check_citations, check_exists, check_optional_text, citation_rules,
    read_citations,
};
use crate::domain::node::NodeType;
use crate::domain::subject;
use crate::domain::vocabulary::*;
use crate::error::{AppError, AppResult};
use entity::*;
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};

/// The fields of a participation.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ParticipationFields {
    /// The conference.
    pub conference: i32,
    /// The official taking part.
    pub official: i32,
    /// In what role.
    pub role: ParticipationRole,
    /// In what capacity, as the report words it.
    #[serde(default)]
    pub capacity: Option<String>,
    /// The organization the official represented.
    #[serde(default)]
    pub organization: Option<i32>,
    /// The sources that state it.
    #[serde(default)]
    pub citations: Vec<CitationFields>,
}

/// Participations: an official taking part in a conference.
pub struct Participation;

impl Editable for Participation {
    const NODE: NodeType = NodeType::Participation;
    const REFERENCES: &'static [(&'static str, NodeType)] = &[
        ("conference", NodeType::Conference),
        ("official", NodeType::Official),
        ("organization", NodeType::Organization),
        ("citations.source", NodeType::Source),
    ];
    type Entity = participation::Entity;
    type Fields = ParticipationFields;

    fn columns() -> (participation::Column, participation::Column, Option<participation::Column>) {
        (participation::Column::Id, participation::Column::Version, None)
    }

    async fn fields(txn: &DatabaseTransaction, row: &participation::Model) -> AppResult<ParticipationFields> {
        Ok(ParticipationFields {
            conference: row.conference_id,
            official: row.official_id,
            role: ParticipationRole::parse(&row.role).ok_or_else(|| AppError::internal("stored role"))?,
            capacity: row.capacity.clone(),
            organization: row.organization_id,
            citations: read_citations(txn, subject::PARTICIPATION, row.id).await?,
        })
    }

    fn rules(f: &ParticipationFields, _: Option<i32>, r: &mut Refusals) {
        r.check(check_optional_text("input.capacity", f.capacity.as_ref(), 300));
        r.check(citation_rules("input.citations", &f.citations));
    }

    async fn check(txn: &DatabaseTransaction, f: &ParticipationFields, id: Option<i32>) -> AppResult<()> {
        check_exists::<conference::Entity>(txn, "input.conference", Some(f.conference), "conference").await?;
        check_exists::<official::Entity>(txn, "input.official", Some(f.official), "official").await?;
        check_exists::<organization::Entity>(txn, "input.organization", f.organization, "organization").await?;
        let mut twice = participation::Entity::find()
            .filter(participation::Column::ConferenceId.eq(f.conference))
            .filter(participation::Column::OfficialId.eq(f.official))
            .filter(participation::Column::Role.eq(f.role.as_str()));
        if let Some(id) = id {
            twice = twice.filter(participation::Column::Id.ne(id));
        }
        if twice.one(txn).await?.is_some() {
            return Err(AppError::bad_input(
                "input.official",
                "input.official: the official already takes part in this conference in this role",
            ));
        }
        check_citations(txn, "input.citations", &f.citations).await
    }

    fn model(f: &ParticipationFields) -> participation::Model {
        participation::Model {
            id: 0,
            conference_id: f.conference,
            official_id: f.official,
            role: f.role.as_str().to_owned(),
            capacity: f.capacity.clone(),
            organization_id: f.organization,
            version: 0,
        }
    }

    fn citations(f: &ParticipationFields) -> Option<&[CitationFields]> {
        Some(&f.citations)
    }

    fn citations_mut(f: &mut ParticipationFields) -> Option<&mut Vec<CitationFields>> {
        Some(&mut f.citations)
    }
}
