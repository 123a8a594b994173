//! The kinds of nodes edited through the shared write path (`record`): for each, its fields,
//! their checks and their row.

use super::record::{
    CitationFields, Editable, Refusals, all_set, check_citations, check_exists, check_length, check_optional_text,
    check_period, check_text, citation_rules, read_citations, write_citations,
};
use crate::domain::code;
use crate::domain::partial_date::PartialDate;
use crate::domain::subject;
use crate::domain::text::search_form;
use crate::domain::time::{DEFAULT_TIME_ZONE, parse_time_zone};
use crate::domain::vocabulary::*;
use crate::error::{AppError, AppResult};
use crate::store::search::SearchType;
use chrono::{NaiveDate, Utc};
use entity::*;
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, ModelTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};

/// Refuses a parent that does not exist or that would make the node its own ancestor.
async fn check_nesting<E: EntityTrait>(
    txn: &DatabaseTransaction,
    field: &str,
    id: Option<i32>,
    parent: Option<i32>,
    parent_column: E::Column,
    what: &str,
) -> AppResult<()>
where
    <E::PrimaryKey as sea_orm::PrimaryKeyTrait>::ValueType: From<i32>,
{
    let mut at = parent;
    let mut steps = 0;
    while let Some(current) = at {
        if Some(current) == id || steps > 1000 {
            return Err(AppError::bad_input(field, format!("{field}: the {what} would contain itself")));
        }
        let Some(row) = E::find_by_id(current).one(txn).await? else {
            return Err(AppError::bad_input(field, format!("{field}: no {what} has this id")));
        };
        at = match row.get(parent_column) {
            sea_orm::Value::Int(next) => next,
            _ => None,
        };
        steps += 1;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------

/// The fields of an official.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OfficialFields {
    /// The dataset key.
    pub key: String,
    /// The full name.
    pub name: String,
}

/// Officials.
pub struct Official;

impl Editable for Official {
    const NODE_TYPE: &'static str = "Official";
    const LABEL: &'static str = "official";
    const KEY_FROM: Option<&'static str> = Some("name");
    const CITED_AS: Option<&'static str> = None;
    type Entity = official::Entity;
    type Fields = OfficialFields;

    fn columns() -> (official::Column, official::Column, Option<official::Column>) {
        (official::Column::Id, official::Column::Version, Some(official::Column::Key))
    }

    async fn fields(_: &DatabaseTransaction, row: &official::Model) -> AppResult<OfficialFields> {
        Ok(OfficialFields { key: row.key.clone(), name: row.name.clone() })
    }

    fn rules(f: &OfficialFields, _: Option<i32>, r: &mut Refusals) {
        r.check(check_text("input.name", &f.name, 200));
    }

    async fn check(_: &DatabaseTransaction, _: &OfficialFields, _: Option<i32>) -> AppResult<()> {
        Ok(())
    }

    fn model(f: &OfficialFields) -> official::Model {
        official::Model {
            id: 0,
            key: f.key.clone(),
            name: f.name.trim().to_owned(),
            name_folded: search_form(&f.name),
            version: 0,
        }
    }

    fn search_entry(f: &OfficialFields) -> Option<(SearchType, String)> {
        Some((SearchType::Official, search_form(&f.name)))
    }
}

// ---------------------------------------------------------------------------------------------

/// The fields of an area.
#[derive(Serialize, Deserialize)]
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
}

/// Administrative areas.
pub struct Area;

impl Editable for Area {
    const NODE_TYPE: &'static str = "Area";
    const LABEL: &'static str = "area";
    const KEY_FROM: Option<&'static str> = Some("name");
    const CITED_AS: Option<&'static str> = None;
    type Entity = area::Entity;
    type Fields = AreaFields;

    fn columns() -> (area::Column, area::Column, Option<area::Column>) {
        (area::Column::Id, area::Column::Version, Some(area::Column::Key))
    }

    async fn fields(_: &DatabaseTransaction, row: &area::Model) -> AppResult<AreaFields> {
        let kind = AreaKind::parse(&row.kind).ok_or_else(|| AppError::internal("stored area kind"))?;
        Ok(AreaFields { key: row.key.clone(), name: row.name.clone(), kind, parent: row.parent_id })
    }

    fn rules(f: &AreaFields, _: Option<i32>, r: &mut Refusals) {
        r.check(check_text("input.name", &f.name, 300));
    }

    async fn check(txn: &DatabaseTransaction, f: &AreaFields, id: Option<i32>) -> AppResult<()> {
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
            version: 0,
        }
    }
}

// ---------------------------------------------------------------------------------------------

/// The fields of an organization.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OrganizationFields {
    /// The dataset key.
    pub key: String,
    /// The full name.
    pub name: String,
    /// The short name.
    #[serde(default)]
    pub short_name: Option<String>,
    /// What kind of body it is.
    pub kind: OrganizationKind,
    /// The body it belongs to.
    #[serde(default)]
    pub parent: Option<i32>,
    /// The area it serves.
    #[serde(default)]
    pub area: Option<i32>,
    /// When it was founded.
    #[serde(default)]
    pub started_on: Option<PartialDate>,
    /// When it ended.
    #[serde(default)]
    pub ended_on: Option<PartialDate>,
    /// How it ended.
    #[serde(default)]
    pub ended_as: Option<OrganizationEnd>,
    /// The body that took over its work.
    #[serde(default)]
    pub successor: Option<i32>,
}

/// Organizations.
pub struct Organization;

impl Editable for Organization {
    const NODE_TYPE: &'static str = "Organization";
    const LABEL: &'static str = "organization";
    const KEY_FROM: Option<&'static str> = Some("name");
    const CITED_AS: Option<&'static str> = None;
    type Entity = organization::Entity;
    type Fields = OrganizationFields;

    fn columns() -> (organization::Column, organization::Column, Option<organization::Column>) {
        (organization::Column::Id, organization::Column::Version, Some(organization::Column::Key))
    }

    async fn fields(_: &DatabaseTransaction, row: &organization::Model) -> AppResult<OrganizationFields> {
        let stored = || AppError::internal("stored organization value");
        Ok(OrganizationFields {
            key: row.key.clone(),
            name: row.name.clone(),
            short_name: row.short_name.clone(),
            kind: OrganizationKind::parse(&row.kind).ok_or_else(stored)?,
            parent: row.parent_id,
            area: row.area_id,
            started_on: row.started_on.as_deref().map(str::parse).transpose().map_err(|_| stored())?,
            ended_on: row.ended_on.as_deref().map(str::parse).transpose().map_err(|_| stored())?,
            ended_as: row.ended_as.as_deref().map(|e| OrganizationEnd::parse(e).ok_or_else(stored)).transpose()?,
            successor: row.successor_id,
        })
    }

    fn rules(f: &OrganizationFields, id: Option<i32>, r: &mut Refusals) {
        r.check(check_text("input.name", &f.name, 300));
        r.check(check_optional_text("input.shortName", f.short_name.as_ref(), 100));
        r.check(check_period("input.endedOn", f.started_on, f.ended_on));
        // How a body ended and who took over its work are facts of its end.
        if f.ended_on.is_none() && f.ended_as.is_some() {
            r.refuse("input.endedAs", "needs endedOn, the day it ended");
        }
        if f.ended_on.is_none() && f.successor.is_some() {
            r.refuse("input.successor", "needs endedOn, the day it ended");
        }
        if f.successor.is_some() && f.successor == id {
            r.refuse("input.successor", "an organization cannot succeed itself");
        }
    }

    async fn check(txn: &DatabaseTransaction, f: &OrganizationFields, id: Option<i32>) -> AppResult<()> {
        let parent_column = organization::Column::ParentId;
        check_nesting::<organization::Entity>(txn, "input.parent", id, f.parent, parent_column, "organization").await?;
        check_exists::<area::Entity>(txn, "input.area", f.area, "area").await?;
        check_exists::<organization::Entity>(txn, "input.successor", f.successor, "organization").await
    }

    fn model(f: &OrganizationFields) -> organization::Model {
        let folded = match &f.short_name {
            Some(short) => search_form(&format!("{} {short}", f.name)),
            None => search_form(&f.name),
        };
        organization::Model {
            id: 0,
            key: f.key.clone(),
            name: f.name.trim().to_owned(),
            short_name: f.short_name.clone(),
            name_folded: folded,
            kind: f.kind.as_str().to_owned(),
            parent_id: f.parent,
            area_id: f.area,
            started_on: f.started_on.map(|d| d.to_string()),
            ended_on: f.ended_on.map(|d| d.to_string()),
            successor_id: f.successor,
            ended_as: f.ended_as.map(|e| e.as_str().to_owned()),
            version: 0,
        }
    }

    fn search_entry(f: &OrganizationFields) -> Option<(SearchType, String)> {
        let text = match &f.short_name {
            Some(short) => format!("{} {short}", f.name),
            None => f.name.clone(),
        };
        Some((SearchType::Organization, search_form(&text)))
    }
}

// ---------------------------------------------------------------------------------------------

/// The fields of a post.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PostFields {
    /// The dataset key.
    pub key: String,
    /// The title.
    pub title: String,
    /// The organization it belongs to.
    pub organization: i32,
    /// How many hold it at once.
    #[serde(default)]
    pub seats: Option<i32>,
}

/// Posts.
pub struct Post;

impl Editable for Post {
    const NODE_TYPE: &'static str = "Post";
    const LABEL: &'static str = "post";
    const KEY_FROM: Option<&'static str> = Some("title");
    const CITED_AS: Option<&'static str> = None;
    type Entity = post::Entity;
    type Fields = PostFields;

    fn columns() -> (post::Column, post::Column, Option<post::Column>) {
        (post::Column::Id, post::Column::Version, Some(post::Column::Key))
    }

    async fn fields(_: &DatabaseTransaction, row: &post::Model) -> AppResult<PostFields> {
        Ok(PostFields {
            key: row.key.clone(),
            title: row.title.clone(),
            organization: row.organization_id,
            seats: row.seats,
        })
    }

    fn rules(f: &PostFields, _: Option<i32>, r: &mut Refusals) {
        r.check(check_text("input.title", &f.title, 300));
        if f.seats.is_some_and(|s| s < 1) {
            r.refuse("input.seats", "a post has at least one seat");
        }
    }

    async fn check(txn: &DatabaseTransaction, f: &PostFields, _: Option<i32>) -> AppResult<()> {
        check_exists::<organization::Entity>(txn, "input.organization", Some(f.organization), "organization").await
    }

    fn model(f: &PostFields) -> post::Model {
        post::Model {
            id: 0,
            key: f.key.clone(),
            title: f.title.trim().to_owned(),
            title_folded: search_form(&f.title),
            organization_id: f.organization,
            seats: f.seats,
            version: 0,
        }
    }

    fn search_entry(f: &PostFields) -> Option<(SearchType, String)> {
        Some((SearchType::Post, search_form(&f.title)))
    }
}

// ---------------------------------------------------------------------------------------------

/// The fields of a source.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SourceFields {
    /// The dataset key.
    pub key: String,
    /// The title.
    pub title: String,
    /// Where it is published.
    #[serde(default)]
    pub url: Option<String>,
    /// Who published it.
    #[serde(default)]
    pub publisher: Option<String>,
    /// When it was published, to the instant.
    #[serde(default)]
    pub published_at: Option<chrono::DateTime<Utc>>,
    /// The day it was published, when only that is known.
    #[serde(default)]
    pub published_on: Option<NaiveDate>,
    /// Who wrote it.
    #[serde(default)]
    pub author: Option<String>,
}

/// Sources: the reports facts are taken from.
pub struct Source;

impl Editable for Source {
    const NODE_TYPE: &'static str = "Source";
    const LABEL: &'static str = "source";
    const KEY_FROM: Option<&'static str> = Some("title");
    const CITED_AS: Option<&'static str> = None;
    type Entity = source::Entity;
    type Fields = SourceFields;

    fn columns() -> (source::Column, source::Column, Option<source::Column>) {
        (source::Column::Id, source::Column::Version, Some(source::Column::Key))
    }

    async fn fields(_: &DatabaseTransaction, row: &source::Model) -> AppResult<SourceFields> {
        Ok(SourceFields {
            key: row.key.clone(),
            title: row.title.clone(),
            url: row.url.clone(),
            publisher: row.publisher.clone(),
            published_at: row.published_at,
            published_on: row.published_on,
            author: row.author.clone(),
        })
    }

    async fn check(_: &DatabaseTransaction, _: &SourceFields, _: Option<i32>) -> AppResult<()> {
        Ok(())
    }

    fn rules(f: &SourceFields, _: Option<i32>, r: &mut Refusals) {
        r.check(check_text("input.title", &f.title, 1000));
        if let Some(url) = &f.url {
            if !(url.starts_with("https://") || url.starts_with("http://")) || url.chars().any(char::is_whitespace) {
                r.refuse("input.url", "an http or https address");
            }
        }
        r.check(check_optional_text("input.publisher", f.publisher.as_ref(), 300));
        r.check(check_optional_text("input.author", f.author.as_ref(), 300));
    }

    fn model(f: &SourceFields) -> source::Model {
        source::Model {
            id: 0,
            key: f.key.clone(),
            url: f.url.clone(),
            title: f.title.trim().to_owned(),
            publisher: f.publisher.clone(),
            published_at: f.published_at,
            published_on: f.published_on,
            author: f.author.clone(),
            version: 0,
        }
    }
}

// ---------------------------------------------------------------------------------------------

/// The fields of a tenure.
#[derive(Serialize, Deserialize)]
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
    const NODE_TYPE: &'static str = "Tenure";
    const LABEL: &'static str = "tenure";
    const KEY_FROM: Option<&'static str> = None;
    const CITED_AS: Option<&'static str> = Some(subject::TENURE);
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

    fn citations(f: &TenureFields) -> &[CitationFields] {
        &f.citations
    }
}

// ---------------------------------------------------------------------------------------------

/// The fields of a participation.
#[derive(Serialize, Deserialize)]
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
    const NODE_TYPE: &'static str = "Participation";
    const LABEL: &'static str = "participation";
    const KEY_FROM: Option<&'static str> = None;
    const CITED_AS: Option<&'static str> = Some(subject::PARTICIPATION);
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

    fn citations(f: &ParticipationFields) -> &[CitationFields] {
        &f.citations
    }
}

// ---------------------------------------------------------------------------------------------

/// A link from a directive to another.
#[derive(Serialize, Deserialize)]
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
#[derive(Serialize, Deserialize)]
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
    const NODE_TYPE: &'static str = "Directive";
    const LABEL: &'static str = "directive";
    const KEY_FROM: Option<&'static str> = Some("title");
    const CITED_AS: Option<&'static str> = Some(subject::DIRECTIVE);
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
        directive_link::Entity::delete_many().filter(directive_link::Column::Id.is_in(old)).exec(txn).await?;
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

    fn citations(f: &DirectiveFields) -> &[CitationFields] {
        &f.citations
    }

    fn search_entry(f: &DirectiveFields) -> Option<(SearchType, String)> {
        let (kind, number) = f.kind_and_number();
        Some((SearchType::Directive, code::search_text(f.code.as_deref(), kind, number.as_deref(), &f.title)))
    }
}

// ---------------------------------------------------------------------------------------------

/// A directive a conference handled.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConferenceDirectiveFields {
    /// What the conference did with it.
    pub relation: ConferenceDirectiveRelation,
    /// The directive.
    pub directive: i32,
    /// The sources that state it.
    #[serde(default)]
    pub citations: Vec<CitationFields>,
}

/// The fields of a conference (its participants are nodes of their own).
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConferenceFields {
    /// The dataset key.
    pub key: String,
    /// The title.
    pub title: String,
    /// The kind of meeting.
    pub kind: ConferenceKind,
    /// In person, online or both.
    pub format: ConferenceFormat,
    /// The local date.
    pub date: NaiveDate,
    /// Morning or afternoon, when that is all the report says.
    #[serde(default)]
    pub part_of_day: Option<PartOfDay>,
    /// When it started.
    #[serde(default)]
    pub starts_at: Option<chrono::DateTime<Utc>>,
    /// When it ended.
    #[serde(default)]
    pub ends_at: Option<chrono::DateTime<Utc>>,
    /// The zone of its local date.
    #[serde(default = "default_zone")]
    pub time_zone: String,
    /// Where.
    #[serde(default)]
    pub venue: Option<String>,
    /// The area it was held in.
    #[serde(default)]
    pub area: Option<i32>,
    /// The organizations that held it.
    #[serde(default)]
    pub organizers: Vec<i32>,
    /// The directives it handled.
    #[serde(default)]
    pub directives: Vec<ConferenceDirectiveFields>,
    /// The sources that report it.
    #[serde(default)]
    pub citations: Vec<CitationFields>,
}

fn default_zone() -> String {
    DEFAULT_TIME_ZONE.name().to_owned()
}

/// Conferences.
pub struct Conference;

impl Editable for Conference {
    const NODE_TYPE: &'static str = "Conference";
    const LABEL: &'static str = "conference";
    const KEY_FROM: Option<&'static str> = Some("title");
    const CITED_AS: Option<&'static str> = Some(subject::CONFERENCE);
    type Entity = conference::Entity;
    type Fields = ConferenceFields;

    fn columns() -> (conference::Column, conference::Column, Option<conference::Column>) {
        (conference::Column::Id, conference::Column::Version, Some(conference::Column::Key))
    }

    async fn fields(txn: &DatabaseTransaction, row: &conference::Model) -> AppResult<ConferenceFields> {
        let stored = || AppError::internal("stored conference value");
        let organizers = conference_organizer::Entity::find()
            .filter(conference_organizer::Column::ConferenceId.eq(row.id))
            .order_by_asc(conference_organizer::Column::Id)
            .all(txn)
            .await?
            .into_iter()
            .map(|o| o.organization_id)
            .collect();
        let mut directives = Vec::new();
        let link_rows = conference_directive::Entity::find()
            .filter(conference_directive::Column::ConferenceId.eq(row.id))
            .order_by_asc(conference_directive::Column::Id)
            .all(txn)
            .await?;
        for link in link_rows {
            directives.push(ConferenceDirectiveFields {
                relation: ConferenceDirectiveRelation::parse(&link.relation).ok_or_else(stored)?,
                directive: link.directive_id,
                citations: read_citations(txn, subject::CONFERENCE_DIRECTIVE, link.id).await?,
            });
        }
        Ok(ConferenceFields {
            key: row.key.clone(),
            title: row.title.clone(),
            kind: ConferenceKind::parse(&row.kind).ok_or_else(stored)?,
            format: ConferenceFormat::parse(&row.format).ok_or_else(stored)?,
            date: row.date,
            part_of_day: row.part_of_day.as_deref().map(|p| PartOfDay::parse(p).ok_or_else(stored)).transpose()?,
            starts_at: row.starts_at,
            ends_at: row.ends_at,
            time_zone: row.time_zone.clone(),
            venue: row.venue.clone(),
            area: row.area_id,
            organizers,
            directives,
            citations: read_citations(txn, subject::CONFERENCE, row.id).await?,
        })
    }

    fn rules(f: &ConferenceFields, _: Option<i32>, r: &mut Refusals) {
        r.check(check_text("input.title", &f.title, 2000));
        r.check(check_optional_text("input.venue", f.venue.as_ref(), 500));
        if let (Some(start), Some(end)) = (f.starts_at, f.ends_at) {
            if end < start {
                r.refuse("input.endsAt", "the end is before the start");
            }
        }
        match parse_time_zone(&f.time_zone) {
            Err(message) => r.refuse("input.timeZone", message),
            Ok(zone) => {
                if let Some(start) = f.starts_at {
                    let local = start.with_timezone(&zone);
                    let zone = &f.time_zone;
                    if local.date_naive() != f.date {
                        let day = local.date_naive();
                        r.refuse("input.startsAt", format!("falls on {day} in {zone}, not on the date, {}", f.date));
                    }
                    let part = PartOfDay::at(local.time());
                    if f.part_of_day.is_some_and(|given| given != part) {
                        let (time, part) = (local.format("%H:%M"), part.as_str().to_lowercase());
                        r.refuse(
                            "input.startsAt",
                            format!("{time} in {zone} is in the {part}, not the partOfDay given"),
                        );
                    }
                }
            }
        }
        for (i, organizer) in f.organizers.iter().enumerate() {
            if f.organizers[..i].contains(organizer) {
                r.refuse(&format!("input.organizers[{i}]"), "the organizer is given twice");
            }
        }
        for (i, link) in f.directives.iter().enumerate() {
            if f.directives[..i].iter().any(|l| l.directive == link.directive && l.relation == link.relation) {
                r.refuse(&format!("input.directives[{i}].directive"), "the same directive is given twice");
            }
            r.check(citation_rules(&format!("input.directives[{i}].citations"), &link.citations));
        }
        r.check(citation_rules("input.citations", &f.citations));
    }

    async fn check(txn: &DatabaseTransaction, f: &ConferenceFields, _: Option<i32>) -> AppResult<()> {
        check_exists::<area::Entity>(txn, "input.area", f.area, "area").await?;
        for (i, organizer) in f.organizers.iter().enumerate() {
            let path = format!("input.organizers[{i}]");
            check_exists::<organization::Entity>(txn, &path, Some(*organizer), "organization").await?;
        }
        for (i, link) in f.directives.iter().enumerate() {
            let path = format!("input.directives[{i}].directive");
            check_exists::<directive::Entity>(txn, &path, Some(link.directive), "directive").await?;
            check_citations(txn, &format!("input.directives[{i}].citations"), &link.citations).await?;
        }
        check_citations(txn, "input.citations", &f.citations).await
    }

    fn model(f: &ConferenceFields) -> conference::Model {
        conference::Model {
            id: 0,
            key: f.key.clone(),
            title: f.title.trim().to_owned(),
            title_folded: search_form(&conference_text(f)),
            kind: f.kind.as_str().to_owned(),
            format: f.format.as_str().to_owned(),
            date: f.date,
            part_of_day: f.part_of_day.map(|p| p.as_str().to_owned()),
            starts_at: f.starts_at,
            ends_at: f.ends_at,
            time_zone: f.time_zone.clone(),
            venue: f.venue.clone(),
            area_id: f.area,
            version: 0,
        }
    }

    async fn write_children(txn: &DatabaseTransaction, id: i32, f: &ConferenceFields) -> AppResult<()> {
        conference_organizer::Entity::delete_many()
            .filter(conference_organizer::Column::ConferenceId.eq(id))
            .exec(txn)
            .await?;
        for organizer in &f.organizers {
            sea_orm::ActiveModelTrait::insert(
                all_set::<_, conference_organizer::ActiveModel>(conference_organizer::Model {
                    id: 0,
                    conference_id: id,
                    organization_id: *organizer,
                })
                .without_id(),
                txn,
            )
            .await?;
        }
        let old: Vec<i32> = conference_directive::Entity::find()
            .filter(conference_directive::Column::ConferenceId.eq(id))
            .all(txn)
            .await?
            .into_iter()
            .map(|l| l.id)
            .collect();
        super::forget_citations(txn, subject::CONFERENCE_DIRECTIVE, old.clone()).await?;
        conference_directive::Entity::delete_many()
            .filter(conference_directive::Column::Id.is_in(old))
            .exec(txn)
            .await?;
        for link in &f.directives {
            let row = sea_orm::ActiveModelTrait::insert(
                all_set::<_, conference_directive::ActiveModel>(conference_directive::Model {
                    id: 0,
                    conference_id: id,
                    directive_id: link.directive,
                    relation: link.relation.as_str().to_owned(),
                })
                .without_id(),
                txn,
            )
            .await?;
            write_citations(txn, subject::CONFERENCE_DIRECTIVE, row.id, &link.citations).await?;
        }
        Ok(())
    }

    fn citations(f: &ConferenceFields) -> &[CitationFields] {
        &f.citations
    }

    fn search_entry(f: &ConferenceFields) -> Option<(SearchType, String)> {
        Some((SearchType::Conference, search_form(&conference_text(f))))
    }
}

fn conference_text(f: &ConferenceFields) -> String {
    match &f.venue {
        Some(venue) => format!("{} {venue}", f.title),
        None => f.title.clone(),
    }
}

/// Leaves the id of an active model to the database.
trait WithoutId {
    fn without_id(self) -> Self;
}

macro_rules! without_id {
    ($($module:ident),+) => {
        $(impl WithoutId for $module::ActiveModel {
            fn without_id(mut self) -> Self {
                self.id = sea_orm::ActiveValue::NotSet;
                self
            }
        })+
    };
}

without_id!(directive_link, conference_organizer, conference_directive);

// ---------------------------------------------------------------------------------------------

/// One assignee of a task: an organization or an official.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AssigneeFields {
    /// The organization.
    pub organization: Option<i32>,
    /// The official.
    pub official: Option<i32>,
}

/// The fields of a task, as its history records them. Tasks are created and changed by their
/// own mutations (`service::task`); this kind lets their changes be reverted.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TaskFields {
    /// The dataset key.
    pub key: String,
    /// What is to be done.
    pub title: String,
    /// In full.
    pub description: Option<String>,
    /// Where it stands.
    pub status: TaskStatus,
    /// The local due date.
    pub due_on: Option<NaiveDate>,
    /// The zone of the due date.
    pub time_zone: String,
    /// The conference it was assigned at.
    pub conference: Option<i32>,
    /// The directive it serves.
    pub directive: Option<i32>,
    /// The organization that assigned it.
    pub assigned_by_organization: Option<i32>,
    /// The official who assigned it.
    pub assigned_by_official: Option<i32>,
    /// Who carries it out.
    pub assignees: Vec<AssigneeFields>,
}

impl TaskFields {
    fn parties(&self) -> Vec<super::task::Party> {
        use super::task::Party;
        self.assignees
            .iter()
            .filter_map(|a| match (a.organization, a.official) {
                (Some(id), _) => Some(Party::Organization(id)),
                (None, Some(id)) => Some(Party::Official(id)),
                (None, None) => None,
            })
            .collect()
    }
}

/// Follow-up tasks.
pub struct Task;

impl Editable for Task {
    const NODE_TYPE: &'static str = "Task";
    const LABEL: &'static str = "task";
    const KEY_FROM: Option<&'static str> = Some("title");
    const CITED_AS: Option<&'static str> = None;
    type Entity = task::Entity;
    type Fields = TaskFields;

    fn columns() -> (task::Column, task::Column, Option<task::Column>) {
        (task::Column::Id, task::Column::Version, Some(task::Column::Key))
    }

    async fn fields(txn: &DatabaseTransaction, row: &task::Model) -> AppResult<TaskFields> {
        let assignees = task_assignee::Entity::find()
            .filter(task_assignee::Column::TaskId.eq(row.id))
            .order_by_asc(task_assignee::Column::Id)
            .all(txn)
            .await?
            .into_iter()
            .map(|a| AssigneeFields { organization: a.organization_id, official: a.official_id })
            .collect();
        Ok(TaskFields {
            key: row.key.clone(),
            title: row.title.clone(),
            description: row.description.clone(),
            status: TaskStatus::parse(&row.status).ok_or_else(|| AppError::internal("stored task status"))?,
            due_on: row.due_on,
            time_zone: row.time_zone.clone(),
            conference: row.conference_id,
            directive: row.directive_id,
            assigned_by_organization: row.assigned_by_organization_id,
            assigned_by_official: row.assigned_by_official_id,
            assignees,
        })
    }

    fn rules(f: &TaskFields, _: Option<i32>, r: &mut Refusals) {
        r.check(check_text("input.title", &f.title, TASK_TITLE_MAX));
        r.check(check_length("input.description", f.description.as_ref(), TASK_DESCRIPTION_MAX));
        if let Err(message) = parse_time_zone(&f.time_zone) {
            r.refuse("input.timeZone", message);
        }
        if f.assigned_by_organization.is_some() && f.assigned_by_official.is_some() {
            r.refuse("input.assignedBy", "name an organization or an official, not both");
        }
        if f.assignees.iter().any(|a| a.organization.is_some() == a.official.is_some()) {
            r.refuse("input.assignees", "each names an organization or an official");
        }
        r.check(super::task::checked_assignees(&f.parties()));
    }

    async fn check(txn: &DatabaseTransaction, f: &TaskFields, _: Option<i32>) -> AppResult<()> {
        check_exists::<conference::Entity>(txn, "input.conference", f.conference, "conference").await?;
        check_exists::<directive::Entity>(txn, "input.directive", f.directive, "directive").await?;
        let by = "input.assignedBy";
        check_exists::<organization::Entity>(txn, by, f.assigned_by_organization, "organization").await?;
        check_exists::<official::Entity>(txn, by, f.assigned_by_official, "official").await?;
        for party in f.parties() {
            super::task::check_party(txn, party, "input.assignees").await?;
        }
        Ok(())
    }

    fn model(f: &TaskFields) -> task::Model {
        task::Model {
            id: 0,
            key: f.key.clone(),
            title: f.title.trim().to_owned(),
            description: f.description.clone(),
            search_folded: task_text(&f.title, f.description.as_deref()),
            status: f.status.as_str().to_owned(),
            due_on: f.due_on,
            time_zone: f.time_zone.clone(),
            conference_id: f.conference,
            assigned_by_organization_id: f.assigned_by_organization,
            assigned_by_official_id: f.assigned_by_official,
            directive_id: f.directive,
            version: 0,
        }
    }

    async fn write_children(txn: &DatabaseTransaction, id: i32, f: &TaskFields) -> AppResult<()> {
        let stored: Vec<(Option<i32>, Option<i32>)> = task_assignee::Entity::find()
            .filter(task_assignee::Column::TaskId.eq(id))
            .order_by_asc(task_assignee::Column::Id)
            .all(txn)
            .await?
            .into_iter()
            .map(|a| (a.organization_id, a.official_id))
            .collect();
        let wanted: Vec<(Option<i32>, Option<i32>)> =
            f.assignees.iter().map(|a| (a.organization, a.official)).collect();
        // Rewriting unchanged assignments would drop their citations.
        if stored != wanted {
            super::task::replace_assignees(txn, id, &f.parties()).await?;
        }
        Ok(())
    }

    fn search_entry(f: &TaskFields) -> Option<(SearchType, String)> {
        Some((SearchType::Task, task_text(&f.title, f.description.as_deref())))
    }
}

/// The longest title of a task, in characters.
pub const TASK_TITLE_MAX: usize = 2000;
/// The longest description of a task, in characters.
pub const TASK_DESCRIPTION_MAX: usize = 20_000;

/// The text a task is found by: its title and description, folded.
pub fn task_text(title: &str, description: Option<&str>) -> String {
    search_form(&format!("{} {}", title.trim(), description.unwrap_or("")))
}

/// The kinds of the shared write path, by name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EditKind {
    /// Officials.
    Official,
    /// Areas.
    Area,
    /// Organizations.
    Organization,
    /// Posts.
    Post,
    /// Sources.
    Source,
    /// Tenures.
    Tenure,
    /// Participations.
    Participation,
    /// Directives.
    Directive,
    /// Conferences.
    Conference,
    /// Tasks.
    Task,
}

/// Runs `$body` with `$k` standing for the kind type of `$kind`.
macro_rules! with_kind {
    ($kind:expr, $k:ident => $body:expr) => {
        match $kind {
            EditKind::Official => {
                type $k = Official;
                $body
            }
            EditKind::Area => {
                type $k = Area;
                $body
            }
            EditKind::Organization => {
                type $k = Organization;
                $body
            }
            EditKind::Post => {
                type $k = Post;
                $body
            }
            EditKind::Source => {
                type $k = Source;
                $body
            }
            EditKind::Tenure => {
                type $k = Tenure;
                $body
            }
            EditKind::Participation => {
                type $k = Participation;
                $body
            }
            EditKind::Directive => {
                type $k = Directive;
                $body
            }
            EditKind::Conference => {
                type $k = Conference;
                $body
            }
            EditKind::Task => {
                type $k = Task;
                $body
            }
        }
    };
}

impl EditKind {
    const ALL: [EditKind; 10] = [
        EditKind::Official,
        EditKind::Area,
        EditKind::Organization,
        EditKind::Post,
        EditKind::Source,
        EditKind::Tenure,
        EditKind::Participation,
        EditKind::Directive,
        EditKind::Conference,
        EditKind::Task,
    ];

    /// The node type name the history uses.
    pub fn node_type(self) -> &'static str {
        with_kind!(self, K => K::NODE_TYPE)
    }

    /// The kind of a node type name.
    pub fn of_node_type(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.node_type() == name)
    }

    /// The kind whose rows live in `table`.
    pub fn of_table(table: &str) -> Option<Self> {
        use sea_orm::EntityName;
        Self::ALL.into_iter().find(|k| with_kind!(*k, K => <K as Editable>::Entity::default().table_name()) == table)
    }

    /// The fields of the node `id` as the history records them, if it exists.
    pub async fn snapshot(self, txn: &DatabaseTransaction, id: i32) -> AppResult<Option<serde_json::Value>> {
        with_kind!(self, K => super::record::snapshot_of::<K>(txn, id).await)
    }
}

/// Reverts one recorded change (see [`super::record::revert`]) and returns the change the
/// revert itself recorded.
pub async fn revert_change(
    txn: &DatabaseTransaction,
    author: super::record::Author<'_>,
    change_id: i32,
) -> AppResult<change::Model> {
    use super::record::revert;
    let change = change::Entity::find_by_id(change_id)
        .one(txn)
        .await?
        .ok_or_else(|| AppError::not_found("no change has this id"))?;
    match change.operation.as_str() {
        "mergeOfficials" => {
            return Err(AppError::bad_input("id", "id: a merge cannot be reverted; record the removed official anew"));
        }
        "recordTaskUpdate" | "reopenTask" => {
            return Err(AppError::bad_input("id", "id: progress is undone by recording another update"));
        }
        _ => {}
    }
    let Some(kind) = EditKind::of_node_type(&change.node_type) else {
        let other = &change.node_type;
        return Err(AppError::bad_input("id", format!("id: changes to a {other} cannot be reverted")));
    };
    with_kind!(kind, K => revert::<K>(txn, author, &change).await?);
    change::Entity::find()
        .filter(change::Column::NodeType.eq(&change.node_type))
        .filter(change::Column::NodeId.eq(change.node_id))
        .order_by_desc(change::Column::Id)
        .one(txn)
        .await?
        .ok_or_else(|| AppError::internal("the revert recorded no change"))
}

/// Changes one list field (`citations`, `links`) of the node `id` of `kind` through the shared
/// write path: the node must still be at `expected_version`, and the change is in its history.
pub async fn edit_list(
    txn: &DatabaseTransaction,
    author: super::record::Author<'_>,
    (kind, id, expected_version): (EditKind, i32, i32),
    field: &str,
    edit: impl FnOnce(&mut Vec<serde_json::Value>) -> AppResult<()>,
) -> AppResult<()> {
    let current = kind.snapshot(txn, id).await?.ok_or_else(|| AppError::not_found("no such node"))?;
    let Some(list) = current.get(field).and_then(serde_json::Value::as_array) else {
        let what = kind.node_type();
        return Err(AppError::bad_input("subject", format!("subject: a {what} has no {field}")));
    };
    let mut list = list.clone();
    edit(&mut list)?;
    let patch = serde_json::Map::from_iter([(field.to_owned(), serde_json::Value::Array(list))]);
    with_kind!(kind, K => super::record::update::<K>(txn, author, id, expected_version, patch).await.map(|_| ()))
}
