//! Directives as the shared write path edits them: their fields, rules (codes, periods), row,
//! links to other directives and citations.

use super::record::{
    CitationFields, Editable, Refusals, all_set, check_citations, check_exists, check_optional_text, check_period,
    check_text, citation_rules, read_citations, write_citations,
};
use crate::domain::code;
use crate::domain::node::NodeType;
use crate::domain::node::SearchType;
use crate::domain::partial_date::PartialDate;
use crate::domain::subject;
use crate::domain::vocabulary::*;
use crate::error::{AppError, AppResult};
use entity::*;
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};

use super::kinds::WithoutId;

/// A link from a directive to another.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DirectiveLinkFields {
    /// How the directive relates to the other.
    pub relation: DirectiveRelation,
    /// The other directive.
    pub directive: i32,
    /// The sources that state the link.
    #[serde(default)]
    pub citations: Vec<CitationFields>,
}

/// The fields of a directive.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DirectiveFields {
    /// The dataset key.
    pub key: String,
    /// The document code ("06-ĐA/TU").
    #[serde(default)]
    pub code: Option<String>,
    /// The kind of document; read from the code when not given.
    #[serde(default)]
    pub kind: Option<DirectiveKind>,
    /// The number; read from the code when not given.
    #[serde(default)]
    pub number: Option<String>,
    /// The title.
    pub title: String,
    /// The issuing organization.
    #[serde(default)]
    pub issuer: Option<i32>,
    /// When it was issued.
    #[serde(default)]
    pub issued_on: Option<PartialDate>,
    /// The start of the period it covers.
    #[serde(default)]
    pub period_start: Option<PartialDate>,
    /// The end of the period it covers.
    #[serde(default)]
    pub period_end: Option<PartialDate>,
    /// Whether it is in force.
    #[serde(default = "unknown_status")]
    pub status: DirectiveStatus,
    /// Its links to other directives.
    #[serde(default)]
    pub links: Vec<DirectiveLinkFields>,
    /// The sources that state it.
    #[serde(default)]
    pub citations: Vec<CitationFields>,
}

fn unknown_status() -> DirectiveStatus {
    DirectiveStatus::Unknown
}

impl DirectiveFields {
    fn kind_and_number(&self) -> (DirectiveKind, Option<String>) {
        let parsed = self.code.as_deref().and_then(code::parse);
        let kind = self.kind.or_else(|| parsed.as_ref().and_then(|c| c.kind())).unwrap_or(DirectiveKind::Other);
        (kind, self.number.clone().or_else(|| parsed.map(|c| c.number)))
    }
}

/// Directives: resolutions, directives, schemes and the other documents conferences handle.
pub struct Directive;

impl Editable for Directive {
    const NODE: NodeType = NodeType::Directive;
    const REFERENCES: &'static [(&'static str, NodeType)] = &[
        ("issuer", NodeType::Organization),
        ("links.directive", NodeType::Directive),
        ("links.citations.source", NodeType::Source),
        ("citations.source", NodeType::Source),
    ];
    fn key(f: &mut Self::Fields) -> Option<(&mut String, &str)> {
        Some((&mut f.key, &f.title))
    }
    type Entity = directive::Entity;
    type Fields = DirectiveFields;

    fn columns() -> (directive::Column, directive::Column, Option<directive::Column>) {
        (directive::Column::Id, directive::Column::Version, Some(directive::Column::Key))
    }

    async fn fields(txn: &DatabaseTransaction, row: &directive::Model) -> AppResult<DirectiveFields> {
        let stored = || AppError::internal("stored directive value");
        let partial = |value: &Option<String>| -> AppResult<Option<PartialDate>> {
            value.as_deref().map(str::parse).transpose().map_err(|_| stored())
        };
        let mut links = Vec::new();
        let link_rows = directive_link::Entity::find()
            .filter(directive_link::Column::FromDirectiveId.eq(row.id))
            .order_by_asc(directive_link::Column::Id)
            .all(txn)
            .await?;
        for link in link_rows {
            links.push(DirectiveLinkFields {
                relation: DirectiveRelation::parse(&link.relation).ok_or_else(stored)?,
                directive: link.to_directive_id,
                citations: read_citations(txn, subject::DIRECTIVE_LINK, link.id).await?,
            });
        }
        Ok(DirectiveFields {
            key: row.key.clone(),
            code: row.code.clone(),
            kind: Some(DirectiveKind::parse(&row.kind).ok_or_else(stored)?),
            number: row.number.clone(),
            title: row.title.clone(),
            issuer: row.issuer_id,
            issued_on: partial(&row.issued_on)?,
            period_start: partial(&row.period_start)?,
            period_end: partial(&row.period_end)?,
            status: DirectiveStatus::parse(&row.status).ok_or_else(stored)?,
            links,
            citations: read_citations(txn, subject::DIRECTIVE, row.id).await?,
        })
    }

    fn rules(f: &DirectiveFields, id: Option<i32>, r: &mut Refusals) {
        r.check(check_text("input.title", &f.title, 2000));
        r.check(check_optional_text("input.code", f.code.as_ref(), 100));
        r.check(check_optional_text("input.number", f.number.as_ref(), 100));
        r.check(check_period("input.periodEnd", f.period_start, f.period_end));
        for (i, link) in f.links.iter().enumerate() {
            let path = format!("input.links[{i}].directive");
            if Some(link.directive) == id {
                r.refuse(&path, "a directive cannot link to itself");
            }
            if f.links[..i].iter().any(|l| l.directive == link.directive && l.relation == link.relation) {
                r.refuse(&path, "the same link is given twice");
            }
            r.check(citation_rules(&format!("input.links[{i}].citations"), &link.citations));
        }
        r.check(citation_rules("input.citations", &f.citations));
    }

    async fn check(txn: &DatabaseTransaction, f: &DirectiveFields, _: Option<i32>) -> AppResult<()> {
        check_exists::<organization::Entity>(txn, "input.issuer", f.issuer, "organization").await?;
        for (i, link) in f.links.iter().enumerate() {
            let path = format!("input.links[{i}].directive");
            check_exists::<directive::Entity>(txn, &path, Some(link.directive), "directive").await?;
            check_citations(txn, &format!("input.links[{i}].citations"), &link.citations).await?;
        }
        check_citations(txn, "input.citations", &f.citations).await
    }

    fn model(f: &DirectiveFields) -> directive::Model {
        let (kind, number) = f.kind_and_number();
        directive::Model {
            id: 0,
            key: f.key.clone(),
            code: f.code.clone(),
            kind: kind.as_str().to_owned(),
            search_folded: code::search_text(f.code.as_deref(), kind, number.as_deref(), &f.title),
            number,
            title: f.title.trim().to_owned(),
            issuer_id: f.issuer,
            issued_on: f.issued_on.map(|d| d.to_string()),
            period_start: f.period_start.map(|d| d.to_string()),
            period_end: f.period_end.map(|d| d.to_string()),
            status: f.status.as_str().to_owned(),
            version: 0,
        }
    }

    async fn write_children(txn: &DatabaseTransaction, id: i32, f: &DirectiveFields) -> AppResult<()> {
        let old: Vec<i32> = directive_link::Entity::find()
            .filter(directive_link::Column::FromDirectiveId.eq(id))
            .all(txn)
            .await?
            .into_iter()
            .map(|l| l.id)
            .collect();
        super::forget_citations(txn, subject::DIRECTIVE_LINK, old.clone()).await?;
        directive_link::Entity::delete_many()
            .filter(crate::store::any_of(txn.get_database_backend(), directive_link::Column::Id, old))
            .exec(txn)
            .await?;
        for link in &f.links {
            let row = sea_orm::ActiveModelTrait::insert(
                all_set::<_, directive_link::ActiveModel>(directive_link::Model {
                    id: 0,
                    from_directive_id: id,
                    to_directive_id: link.directive,
                    relation: link.relation.as_str().to_owned(),
                })
                .without_id(),
                txn,
            )
            .await?;
            write_citations(txn, subject::DIRECTIVE_LINK, row.id, &link.citations).await?;
        }
        Ok(())
    }

    fn citations(f: &DirectiveFields) -> Option<&[CitationFields]> {
        Some(&f.citations)
    }

    fn citations_mut(f: &mut DirectiveFields) -> Option<&mut Vec<CitationFields>> {
        Some(&mut f.citations)
    }

    fn search_entry(f: &DirectiveFields) -> Option<(SearchType, String)> {
        let (kind, number) = f.kind_and_number();
        Some((SearchType::Directive, code::search_text(f.code.as_deref(), kind, number.as_deref(), &f.title)))
    }
}
