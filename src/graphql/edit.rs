//! Mutations of the nodes staff edit as a set of fields: `createX(input:)`,
//! `updateX(id:, expectedVersion:, input:)` and `deleteX(id:, expectedVersion:)` for officials,
//! areas, organizations, posts, sources, tenures, participations, directives and conferences
//! (with its participants and tasks at once), and `revertChange`. Inputs become the JSON
//! patches of the shared write path (`service::record`): fields left out are left as they are,
//! `null` clears, and global ids become row ids.

use super::area::Area;
use super::conference::{Conference, Participation};
use super::directive::Directive;
use super::history::Change;
use super::ids::{NodeKind, decode_as};
use super::official::{Official, Post, Tenure};
use super::organization::Organization;
use super::scalars::{Date, DateTime, PartialDate, TimeZone};
use super::source::Source;
use super::task::{CreateTaskInput, task_input};
use super::{DeletePayload, db, writer};
use crate::database::begin_write;
use crate::domain::vocabulary::*;
use crate::error::{AppError, AppResult};
use crate::service::record::{self, Author};
use crate::service::{conference as conference_service, kinds};
use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, Result};
use serde::Serialize;
use serde_json::{Map, Value};

/// The JSON patch of an input: fields left out are absent, references (global ids of the kind
/// given, at dotted paths through lists) become row ids.
fn patch<T: Serialize>(input: &T, references: &[(&str, NodeKind)]) -> AppResult<Map<String, Value>> {
    let mut value = serde_json::to_value(input).map_err(AppError::internal)?;
    for (path, kind) in references {
        let steps: Vec<&str> = path.split('.').collect();
        decode_at(&mut value, &steps, *kind, "input")?;
    }
    match value {
        Value::Object(map) => Ok(map),
        _ => Err(AppError::internal("an input is not an object")),
    }
}

fn decode_at(value: &mut Value, steps: &[&str], kind: NodeKind, at: &str) -> AppResult<()> {
    match value {
        Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                decode_at(item, steps, kind, &format!("{at}[{i}]"))?;
            }
        }
        Value::Object(map) => {
            if let Some((first, rest)) = steps.split_first() {
                if let Some(inner) = map.get_mut(*first) {
                    decode_at(inner, rest, kind, &format!("{at}.{first}"))?;
                }
            }
        }
        Value::String(id) if steps.is_empty() => {
            *value = Value::from(decode_as(&ID(id.clone()), kind, at)?);
        }
        _ => {}
    }
    Ok(())
}

/// The references among the fields a node of `node_type` has in its history snapshots, by
/// dotted path (the same paths as its inputs).
pub(crate) fn references(node_type: &str) -> &'static [(&'static str, NodeKind)] {
    const TASK_REFERENCES: &[(&str, NodeKind)] = &[
        ("conference", NodeKind::Conference),
        ("directive", NodeKind::Directive),
        ("assignedByOrganization", NodeKind::Organization),
        ("assignedByOfficial", NodeKind::Official),
        ("assignees.organization", NodeKind::Organization),
        ("assignees.official", NodeKind::Official),
    ];
    match node_type {
        "Area" => AREA_REFERENCES,
        "Organization" => ORGANIZATION_REFERENCES,
        "Post" => POST_REFERENCES,
        "Tenure" => TENURE_REFERENCES,
        "Participation" => PARTICIPATION_REFERENCES,
        "Directive" => DIRECTIVE_REFERENCES,
        "Conference" => CONFERENCE_REFERENCES,
        "Task" => TASK_REFERENCES,
        _ => &[],
    }
}

/// Replaces the row ids at `steps` (through lists) by the global ids of `kind`.
pub(crate) fn encode_at(value: &mut Value, steps: &[&str], kind: NodeKind) {
    match value {
        Value::Array(items) => items.iter_mut().for_each(|item| encode_at(item, steps, kind)),
        Value::Object(map) => {
            if let Some((first, rest)) = steps.split_first() {
                if let Some(inner) = map.get_mut(*first) {
                    encode_at(inner, rest, kind);
                }
            }
        }
        Value::Number(n) if steps.is_empty() => {
            if let Some(id) = n.as_i64().and_then(|id| i32::try_from(id).ok()) {
                *value = Value::String(super::ids::encode(kind, id).0);
            }
        }
        _ => {}
    }
}

/// The author of a change made by the current request through the current mutation.
fn author<'a>(ctx: &'a Context<'_>, actor: &'a str, at: chrono::DateTime<chrono::Utc>) -> Author<'a> {
    Author { actor, at, operation: ctx.field().name() }
}

/// Generates the mutations of one kind of the shared write path.
macro_rules! editable {
    (
        $mutation:ident, $kind:ty, $node:expr, $wrap:ident, $references:expr,
        $(create $create:ident($create_input:ty) $create_doc:literal,)?
        update $update:ident($update_input:ty) $update_doc:literal,
        delete $delete:ident $delete_doc:literal $(,)?
    ) => {
        #[doc = concat!("Changes to ", stringify!($wrap), " nodes (EDITOR).")]
        #[derive(Default)]
        pub struct $mutation;

        #[Object]
        impl $mutation {
            $(
            #[doc = $create_doc]
            async fn $create(
                &self,
                ctx: &Context<'_>,
                #[graphql(desc = "The new node's fields.")] input: $create_input,
            ) -> Result<$wrap> {
                let (actor, now) = writer(ctx)?;
                let fields = patch(&input, $references)?;
                let txn = begin_write(db(ctx)?).await.map_err(AppError::from)?;
                let row = record::create::<$kind>(&txn, author(ctx, &actor, now), fields).await?;
                txn.commit().await.map_err(AppError::from)?;
                Ok($wrap(row))
            }
            )?

            #[doc = $update_doc]
            async fn $update(
                &self,
                ctx: &Context<'_>,
                #[graphql(desc = "The node's global id.")] id: ID,
                #[graphql(desc = "The version the change was made against.")] expected_version: i32,
                #[graphql(desc = "The fields to change: omitted fields stay, `null` clears.")] input: $update_input,
            ) -> Result<$wrap> {
                let (actor, now) = writer(ctx)?;
                let row_id = decode_as(&id, $node, "id")?;
                let fields = patch(&input, $references)?;
                let txn = begin_write(db(ctx)?).await.map_err(AppError::from)?;
                let row =
                    record::update::<$kind>(&txn, author(ctx, &actor, now), row_id, expected_version, fields).await?;
                txn.commit().await.map_err(AppError::from)?;
                Ok($wrap(row))
            }

            #[doc = $delete_doc]
            async fn $delete(
                &self,
                ctx: &Context<'_>,
                #[graphql(desc = "The node's global id.")] id: ID,
                #[graphql(desc = "The version the deletion was decided on.")] expected_version: i32,
            ) -> Result<DeletePayload> {
                let (actor, now) = writer(ctx)?;
                let row_id = decode_as(&id, $node, "id")?;
                let txn = begin_write(db(ctx)?).await.map_err(AppError::from)?;
                record::delete::<$kind>(&txn, author(ctx, &actor, now), row_id, expected_version).await?;
                txn.commit().await.map_err(AppError::from)?;
                Ok(DeletePayload { id })
            }
        }
    };
}

/// A source cited for a fact.
#[derive(InputObject, Serialize, Clone)]
#[serde(rename_all = "camelCase")]
pub struct CitationInput {
    /// The source's global id.
    pub source: ID,
    /// The words of the source that state the fact.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quote: Option<String>,
    /// Where in the source they stand (a paragraph, a caption).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub locator: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// Officials.

/// A new official.
#[derive(InputObject, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateOfficialInput {
    /// The full name, family name first.
    pub name: String,
    /// The dataset key; made from the name when omitted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
}

/// The fields of an official to change; those omitted stay as they are.
#[derive(InputObject, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateOfficialInput {
    /// The full name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The dataset key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
}

editable!(
    OfficialMutation, kinds::Official, NodeKind::Official, Official, &[],
    create create_official(CreateOfficialInput) "Records a new official.",
    update update_official(UpdateOfficialInput)
        "Changes the fields given; fails with CONFLICT unless the official is still at `expectedVersion`.",
    delete delete_official
        "Deletes an official with their tenures, participations and assignments; fails with CONFLICT unless it is still at `expectedVersion`.",
);

// ---------------------------------------------------------------------------------------------
// Areas.

/// A new administrative area.
#[derive(InputObject, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateAreaInput {
    /// The name ("Hà Giang").
    pub name: String,
    /// The level.
    pub kind: AreaKind,
    /// The area it lies in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent: Option<ID>,
    /// The dataset key; made from the name when omitted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
}

/// The fields of an area to change: omitted fields stay, `null` clears.
#[derive(InputObject, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateAreaInput {
    /// The name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The level.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<AreaKind>,
    /// The area it lies in.
    #[serde(skip_serializing_if = "MaybeUndefined::is_undefined")]
    pub parent: MaybeUndefined<ID>,
    /// The dataset key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
}

const AREA_REFERENCES: &[(&str, NodeKind)] = &[("parent", NodeKind::Area)];

editable!(
    AreaMutation, kinds::Area, NodeKind::Area, Area, AREA_REFERENCES,
    create create_area(CreateAreaInput) "Records a new administrative area.",
    update update_area(UpdateAreaInput)
        "Changes the fields given; fails with CONFLICT unless the area is still at `expectedVersion`.",
    delete delete_area
        "Deletes an area (areas, organizations and conferences in it keep no area); fails with CONFLICT unless it is still at `expectedVersion`.",
);

// ---------------------------------------------------------------------------------------------
// Organizations.

/// A new organization.
#[derive(InputObject, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateOrganizationInput {
    /// The full name.
    pub name: String,
    /// The short name ("UBND tỉnh").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub short_name: Option<String>,
    /// What kind of body it is.
    pub kind: OrganizationKind,
    /// The body it belongs to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent: Option<ID>,
    /// The area it serves.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub area: Option<ID>,
    /// When it was founded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub started_on: Option<PartialDate>,
    /// When it ended.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ended_on: Option<PartialDate>,
    /// How it ended (needs `endedOn`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ended_as: Option<OrganizationEnd>,
    /// The body that took over its work (needs `endedOn`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub successor: Option<ID>,
    /// The dataset key; made from the name when omitted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
}

/// The fields of an organization to change: omitted fields stay, `null` clears.
#[derive(InputObject, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateOrganizationInput {
    /// The full name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The short name.
    #[serde(skip_serializing_if = "MaybeUndefined::is_undefined")]
    pub short_name: MaybeUndefined<String>,
    /// What kind of body it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<OrganizationKind>,
    /// The body it belongs to.
    #[serde(skip_serializing_if = "MaybeUndefined::is_undefined")]
    pub parent: MaybeUndefined<ID>,
    /// The area it serves.
    #[serde(skip_serializing_if = "MaybeUndefined::is_undefined")]
    pub area: MaybeUndefined<ID>,
    /// When it was founded.
    #[serde(skip_serializing_if = "MaybeUndefined::is_undefined")]
    pub started_on: MaybeUndefined<PartialDate>,
    /// When it ended.
    #[serde(skip_serializing_if = "MaybeUndefined::is_undefined")]
    pub ended_on: MaybeUndefined<PartialDate>,
    /// How it ended.
    #[serde(skip_serializing_if = "MaybeUndefined::is_undefined")]
    pub ended_as: MaybeUndefined<OrganizationEnd>,
    /// The body that took over its work.
    #[serde(skip_serializing_if = "MaybeUndefined::is_undefined")]
    pub successor: MaybeUndefined<ID>,
    /// The dataset key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
}

const ORGANIZATION_REFERENCES: &[(&str, NodeKind)] =
    &[("parent", NodeKind::Organization), ("area", NodeKind::Area), ("successor", NodeKind::Organization)];

editable!(
    OrganizationMutation, kinds::Organization, NodeKind::Organization, Organization, ORGANIZATION_REFERENCES,
    create create_organization(CreateOrganizationInput) "Records a new organization.",
    update update_organization(UpdateOrganizationInput)
        "Changes the fields given; fails with CONFLICT unless the organization is still at `expectedVersion`.",
    delete delete_organization
        "Deletes an organization with its posts and their tenures; fails with CONFLICT unless it is still at `expectedVersion`.",
);

// ---------------------------------------------------------------------------------------------
// Posts.

/// A new post.
#[derive(InputObject, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CreatePostInput {
    /// The title ("Phó Bí thư Thường trực Tỉnh ủy").
    pub title: String,
    /// The organization it belongs to.
    pub organization: ID,
    /// How many hold it at once (several deputies); one when omitted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seats: Option<i32>,
    /// The dataset key; made from the title when omitted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
}

/// The fields of a post to change: omitted fields stay, `null` clears.
#[derive(InputObject, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdatePostInput {
    /// The title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The organization it belongs to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization: Option<ID>,
    /// How many hold it at once.
    #[serde(skip_serializing_if = "MaybeUndefined::is_undefined")]
    pub seats: MaybeUndefined<i32>,
    /// The dataset key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
}

const POST_REFERENCES: &[(&str, NodeKind)] = &[("organization", NodeKind::Organization)];

editable!(
    PostMutation, kinds::Post, NodeKind::Post, Post, POST_REFERENCES,
    create create_post(CreatePostInput) "Records a new post.",
    update update_post(UpdatePostInput)
        "Changes the fields given; fails with CONFLICT unless the post is still at `expectedVersion`.",
    delete delete_post "Deletes a post with its tenures; fails with CONFLICT unless it is still at `expectedVersion`.",
);

// ---------------------------------------------------------------------------------------------
// Sources.

/// A new source.
#[derive(InputObject, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateSourceInput {
    /// The title of the report.
    pub title: String,
    /// Where it is published (http or https).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Who published it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub publisher: Option<String>,
    /// When it was published, to the instant.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published_at: Option<DateTime>,
    /// The day it was published, when only that is known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published_on: Option<Date>,
    /// Who wrote it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// The dataset key; made from the title when omitted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
}

/// The fields of a source to change: omitted fields stay, `null` clears.
#[derive(InputObject, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateSourceInput {
    /// The title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Where it is published.
    #[serde(skip_serializing_if = "MaybeUndefined::is_undefined")]
    pub url: MaybeUndefined<String>,
    /// Who published it.
    #[serde(skip_serializing_if = "MaybeUndefined::is_undefined")]
    pub publisher: MaybeUndefined<String>,
    /// When it was published, to the instant.
    #[serde(skip_serializing_if = "MaybeUndefined::is_undefined")]
    pub published_at: MaybeUndefined<DateTime>,
    /// The day it was published.
    #[serde(skip_serializing_if = "MaybeUndefined::is_undefined")]
    pub published_on: MaybeUndefined<Date>,
    /// Who wrote it.
    #[serde(skip_serializing_if = "MaybeUndefined::is_undefined")]
    pub author: MaybeUndefined<String>,
    /// The dataset key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
}

editable!(
    SourceMutation, kinds::Source, NodeKind::Source, Source, &[],
    create create_source(CreateSourceInput) "Records a new source.",
    update update_source(UpdateSourceInput)
        "Changes the fields given; fails with CONFLICT unless the source is still at `expectedVersion`.",
    delete delete_source
        "Deletes a source with every citation of it; fails with CONFLICT unless it is still at `expectedVersion`.",
);

// ---------------------------------------------------------------------------------------------
// Tenures.

/// A new tenure.
#[derive(InputObject, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateTenureInput {
    /// The official.
    pub official: ID,
    /// The post.
    pub post: ID,
    /// From when (inclusive), as precisely as known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub started_on: Option<PartialDate>,
    /// Until when (inclusive); omitted while it lasts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ended_on: Option<PartialDate>,
    /// The sources that state it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub citations: Option<Vec<CitationInput>>,
}

/// The fields of a tenure to change: omitted fields stay, `null` clears; `citations`
/// replaces the stored ones.
#[derive(InputObject, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateTenureInput {
    /// The official.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub official: Option<ID>,
    /// The post.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub post: Option<ID>,
    /// From when.
    #[serde(skip_serializing_if = "MaybeUndefined::is_undefined")]
    pub started_on: MaybeUndefined<PartialDate>,
    /// Until when.
    #[serde(skip_serializing_if = "MaybeUndefined::is_undefined")]
    pub ended_on: MaybeUndefined<PartialDate>,
    /// The sources that state it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub citations: Option<Vec<CitationInput>>,
}

const TENURE_REFERENCES: &[(&str, NodeKind)] =
    &[("official", NodeKind::Official), ("post", NodeKind::Post), ("citations.source", NodeKind::Source)];

editable!(
    TenureMutation, kinds::Tenure, NodeKind::Tenure, Tenure, TENURE_REFERENCES,
    create create_tenure(CreateTenureInput) "Records that an official holds (or held) a post.",
    update update_tenure(UpdateTenureInput)
        "Changes the fields given; fails with CONFLICT unless the tenure is still at `expectedVersion`.",
    delete delete_tenure "Deletes a tenure; fails with CONFLICT unless it is still at `expectedVersion`.",
);

// ---------------------------------------------------------------------------------------------
// Participations.

/// A new participation.
#[derive(InputObject, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateParticipationInput {
    /// The conference.
    pub conference: ID,
    /// The official (once per conference).
    pub official: ID,
    /// In what role.
    pub role: ParticipationRole,
    /// In what capacity, as the report words it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capacity: Option<String>,
    /// The organization the official represented.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization: Option<ID>,
    /// The sources that state it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub citations: Option<Vec<CitationInput>>,
}

/// The fields of a participation to change: omitted fields stay, `null` clears; `citations`
/// replaces the stored ones.
#[derive(InputObject, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateParticipationInput {
    /// In what role.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<ParticipationRole>,
    /// In what capacity.
    #[serde(skip_serializing_if = "MaybeUndefined::is_undefined")]
    pub capacity: MaybeUndefined<String>,
    /// The organization the official represented.
    #[serde(skip_serializing_if = "MaybeUndefined::is_undefined")]
    pub organization: MaybeUndefined<ID>,
    /// The sources that state it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub citations: Option<Vec<CitationInput>>,
}

const PARTICIPATION_REFERENCES: &[(&str, NodeKind)] = &[
    ("conference", NodeKind::Conference),
    ("official", NodeKind::Official),
    ("organization", NodeKind::Organization),
    ("citations.source", NodeKind::Source),
];

editable!(
    ParticipationMutation, kinds::Participation, NodeKind::Participation, Participation, PARTICIPATION_REFERENCES,
    create create_participation(CreateParticipationInput) "Records that an official took part in a conference.",
    update update_participation(UpdateParticipationInput)
        "Changes the fields given; fails with CONFLICT unless the participation is still at `expectedVersion`.",
    delete delete_participation
        "Deletes a participation; fails with CONFLICT unless it is still at `expectedVersion`.",
);

// ---------------------------------------------------------------------------------------------
// Directives.

/// A link from a directive to another.
#[derive(InputObject, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DirectiveLinkInput {
    /// How the directive relates to the other.
    pub relation: DirectiveRelation,
    /// The other directive.
    pub directive: ID,
    /// The sources that state the link.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub citations: Option<Vec<CitationInput>>,
}

/// A new directive.
#[derive(InputObject, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateDirectiveInput {
    /// The title.
    pub title: String,
    /// The document code as printed ("06-ĐA/TU").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// The kind of document; read from the code when omitted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<DirectiveKind>,
    /// The number; read from the code when omitted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    /// The issuing organization.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issuer: Option<ID>,
    /// When it was issued.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issued_on: Option<PartialDate>,
    /// The start of the period it covers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period_start: Option<PartialDate>,
    /// The end of the period it covers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period_end: Option<PartialDate>,
    /// Whether it is in force; UNKNOWN when omitted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<DirectiveStatus>,
    /// Its links to other directives.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub links: Option<Vec<DirectiveLinkInput>>,
    /// The sources that state it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub citations: Option<Vec<CitationInput>>,
    /// The dataset key; made from the title when omitted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
}

/// The fields of a directive to change: omitted fields stay, `null` clears; `links` and
/// `citations` replace the stored ones.
#[derive(InputObject, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateDirectiveInput {
    /// The title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The document code.
    #[serde(skip_serializing_if = "MaybeUndefined::is_undefined")]
    pub code: MaybeUndefined<String>,
    /// The kind of document.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<DirectiveKind>,
    /// The number.
    #[serde(skip_serializing_if = "MaybeUndefined::is_undefined")]
    pub number: MaybeUndefined<String>,
    /// The issuing organization.
    #[serde(skip_serializing_if = "MaybeUndefined::is_undefined")]
    pub issuer: MaybeUndefined<ID>,
    /// When it was issued.
    #[serde(skip_serializing_if = "MaybeUndefined::is_undefined")]
    pub issued_on: MaybeUndefined<PartialDate>,
    /// The start of the period it covers.
    #[serde(skip_serializing_if = "MaybeUndefined::is_undefined")]
    pub period_start: MaybeUndefined<PartialDate>,
    /// The end of the period it covers.
    #[serde(skip_serializing_if = "MaybeUndefined::is_undefined")]
    pub period_end: MaybeUndefined<PartialDate>,
    /// Whether it is in force.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<DirectiveStatus>,
    /// Its links to other directives.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub links: Option<Vec<DirectiveLinkInput>>,
    /// The sources that state it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub citations: Option<Vec<CitationInput>>,
    /// The dataset key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
}

const DIRECTIVE_REFERENCES: &[(&str, NodeKind)] = &[
    ("issuer", NodeKind::Organization),
    ("links.directive", NodeKind::Directive),
    ("links.citations.source", NodeKind::Source),
    ("citations.source", NodeKind::Source),
];

editable!(
    DirectiveMutation, kinds::Directive, NodeKind::Directive, Directive, DIRECTIVE_REFERENCES,
    create create_directive(CreateDirectiveInput) "Records a new directive (resolution, directive, scheme, plan...).",
    update update_directive(UpdateDirectiveInput)
        "Changes the fields given; fails with CONFLICT unless the directive is still at `expectedVersion`.",
    delete delete_directive
        "Deletes a directive with its links (tasks serving it keep no directive); fails with CONFLICT unless it is still at `expectedVersion`.",
);

// ---------------------------------------------------------------------------------------------
// Conferences.

/// A directive a conference handled.
#[derive(InputObject, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConferenceDirectiveInput {
    /// What the conference did with it.
    pub relation: ConferenceDirectiveRelation,
    /// The directive.
    pub directive: ID,
    /// The sources that state it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub citations: Option<Vec<CitationInput>>,
}

/// One participant of a new conference: an official already recorded (`official`) or a new
/// one (`newOfficial`), exactly one of the two.
#[derive(InputObject, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConferenceParticipantInput {
    /// An official already recorded.
    #[serde(skip)]
    pub official: Option<ID>,
    /// A new official, recorded with the conference.
    #[serde(skip)]
    pub new_official: Option<CreateOfficialInput>,
    /// In what role.
    pub role: ParticipationRole,
    /// In what capacity, as the report words it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capacity: Option<String>,
    /// The organization the official represented.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization: Option<ID>,
    /// The sources that state it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub citations: Option<Vec<CitationInput>>,
}

/// A new conference, with what the report says of it at once.
#[derive(InputObject, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateConferenceInput {
    /// The title.
    pub title: String,
    /// The kind of meeting.
    pub kind: ConferenceKind,
    /// In person, online or both.
    pub format: ConferenceFormat,
    /// The local date.
    pub date: Date,
    /// Morning or afternoon, when that is all the report says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub part_of_day: Option<PartOfDay>,
    /// When it started.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub starts_at: Option<DateTime>,
    /// When it ended.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ends_at: Option<DateTime>,
    /// The zone of its local date; Asia/Ho_Chi_Minh when omitted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<TimeZone>,
    /// Where.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub venue: Option<String>,
    /// The area it was held in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub area: Option<ID>,
    /// The organizations that held it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organizers: Option<Vec<ID>>,
    /// The directives it handled.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub directives: Option<Vec<ConferenceDirectiveInput>>,
    /// The sources that report it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub citations: Option<Vec<CitationInput>>,
    /// The dataset key; made from the title when omitted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// Who took part (recorded with the conference).
    #[serde(skip)]
    pub participants: Option<Vec<ConferenceParticipantInput>>,
    /// The tasks it assigned (recorded with the conference, which they refer to).
    #[serde(skip)]
    pub tasks: Option<Vec<CreateTaskInput>>,
}

/// The fields of a conference to change: omitted fields stay, `null` clears; `organizers`,
/// `directives` and `citations` replace the stored ones.
#[derive(InputObject, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateConferenceInput {
    /// The title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The kind of meeting.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<ConferenceKind>,
    /// In person, online or both.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<ConferenceFormat>,
    /// The local date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<Date>,
    /// Morning or afternoon.
    #[serde(skip_serializing_if = "MaybeUndefined::is_undefined")]
    pub part_of_day: MaybeUndefined<PartOfDay>,
    /// When it started.
    #[serde(skip_serializing_if = "MaybeUndefined::is_undefined")]
    pub starts_at: MaybeUndefined<DateTime>,
    /// When it ended.
    #[serde(skip_serializing_if = "MaybeUndefined::is_undefined")]
    pub ends_at: MaybeUndefined<DateTime>,
    /// The zone of its local date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<TimeZone>,
    /// Where.
    #[serde(skip_serializing_if = "MaybeUndefined::is_undefined")]
    pub venue: MaybeUndefined<String>,
    /// The area it was held in.
    #[serde(skip_serializing_if = "MaybeUndefined::is_undefined")]
    pub area: MaybeUndefined<ID>,
    /// The organizations that held it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organizers: Option<Vec<ID>>,
    /// The directives it handled.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub directives: Option<Vec<ConferenceDirectiveInput>>,
    /// The sources that report it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub citations: Option<Vec<CitationInput>>,
    /// The dataset key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
}

const CONFERENCE_REFERENCES: &[(&str, NodeKind)] = &[
    ("area", NodeKind::Area),
    ("organizers", NodeKind::Organization),
    ("directives.directive", NodeKind::Directive),
    ("directives.citations.source", NodeKind::Source),
    ("citations.source", NodeKind::Source),
];

editable!(
    ConferenceMutation, kinds::Conference, NodeKind::Conference, Conference, CONFERENCE_REFERENCES,
    update update_conference(UpdateConferenceInput)
        "Changes the fields given; fails with CONFLICT unless the conference is still at `expectedVersion`.",
    delete delete_conference
        "Deletes a conference with its participations (tasks assigned there keep no conference); fails with CONFLICT unless it is still at `expectedVersion`.",
);

/// Recording a report at once.
#[derive(Default)]
pub struct RecordConferenceMutation;

/// Recording a report at once (EDITOR).
#[Object]
impl RecordConferenceMutation {
    /// Records a conference with its participants (officials already recorded, or new ones by
    /// name), the directives it handled and the tasks it assigned, in one transaction: when any
    /// part is refused, nothing is recorded.
    async fn create_conference(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new conference and its parts.")] input: CreateConferenceInput,
    ) -> Result<Conference> {
        let (actor, now) = writer(ctx)?;
        let fields = patch(&input, CONFERENCE_REFERENCES)?;
        let mut participants = Vec::new();
        for (i, p) in input.participants.iter().flatten().enumerate() {
            let at = format!("input.participants[{i}]");
            let official = match (&p.official, &p.new_official) {
                (Some(id), None) => conference_service::Participant::Known(decode_as(
                    id,
                    NodeKind::Official,
                    &format!("{at}.official"),
                )?),
                (None, Some(new)) => conference_service::Participant::New(patch(new, &[])?),
                _ => {
                    let field = format!("{at}.official");
                    return Err(AppError::bad_input(&field, format!("{field}: give official or newOfficial")).into());
                }
            };
            let fields = patch(p, PARTICIPATION_REFERENCES).map_err(|err| record::nested(err, &at))?;
            participants.push(conference_service::NewParticipation { official, fields });
        }
        let mut tasks = Vec::new();
        for (i, task) in input.tasks.into_iter().flatten().enumerate() {
            let at = format!("input.tasks[{i}]");
            if task.conference.is_some() {
                let field = format!("{at}.conference");
                return Err(AppError::bad_input(&field, format!("{field}: the task belongs to this conference")).into());
            }
            tasks.push(task_input(task, &at)?);
        }
        let txn = begin_write(db(ctx)?).await.map_err(AppError::from)?;
        let row = conference_service::create(&txn, author(ctx, &actor, now), fields, participants, tasks).await?;
        txn.commit().await.map_err(AppError::from)?;
        Ok(Conference(row))
    }
}

// ---------------------------------------------------------------------------------------------

/// The write-path kind of a node id that may cite sources or link directives.
fn list_owner(id: &ID, field: &str) -> AppResult<(kinds::EditKind, i32)> {
    let (kind, row) =
        super::ids::decode(id).map_err(|_| AppError::bad_input(field, format!("{field}: not a node id")))?;
    let edit_kind = match kind {
        NodeKind::Conference => kinds::EditKind::Conference,
        NodeKind::Participation => kinds::EditKind::Participation,
        NodeKind::Tenure => kinds::EditKind::Tenure,
        NodeKind::Directive => kinds::EditKind::Directive,
        other => {
            let name = other.name();
            return Err(AppError::bad_input(field, format!("{field}: a {name} has no list of this kind")));
        }
    };
    Ok((edit_kind, row))
}

/// Citations and directive links, one at a time.
#[derive(Default)]
pub struct ListMutation;

/// Adding and removing one citation or one directive link at a time (EDITOR). Each changes its
/// node (a conference, participation, tenure or directive) at `expectedVersion`, like an update.
#[Object]
impl ListMutation {
    /// Cites a source for a conference, participation, tenure or directive; citing a source
    /// already cited replaces its quote and locator.
    async fn cite_source(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The node that cites (its global id).")] subject: ID,
        #[graphql(desc = "The version of that node the change was made against.")] expected_version: i32,
        #[graphql(desc = "The citation.")] input: CitationInput,
    ) -> Result<Option<super::node::Node>> {
        let (kind, row) = list_owner(&subject, "subject")?;
        let citation = Value::Object(patch(&input, &[("source", NodeKind::Source)])?);
        let source = citation["source"].clone();
        edit_node_list(ctx, (kind, row, expected_version), "citations", move |list| {
            list.retain(|c| c["source"] != source);
            list.push(citation);
            Ok(())
        })
        .await?;
        super::node::find(ctx, &subject).await
    }

    /// Removes the citation of `source` from a conference, participation, tenure or directive.
    async fn remove_citation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The node that cites (its global id).")] subject: ID,
        #[graphql(desc = "The version of that node the change was made against.")] expected_version: i32,
        #[graphql(desc = "The source no longer cited.")] source: ID,
    ) -> Result<Option<super::node::Node>> {
        let (kind, row) = list_owner(&subject, "subject")?;
        let source = Value::from(decode_as(&source, NodeKind::Source, "source")?);
        edit_node_list(ctx, (kind, row, expected_version), "citations", move |list| {
            let before = list.len();
            list.retain(|c| c["source"] != source);
            match list.len() < before {
                true => Ok(()),
                false => Err(AppError::bad_input("source", "source: not cited there")),
            }
        })
        .await?;
        super::node::find(ctx, &subject).await
    }

    /// Links a directive to another (it implements, reviews, amends or replaces it).
    async fn link_directives(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The directive the link starts from.")] directive: ID,
        #[graphql(desc = "The version of that directive the change was made against.")] expected_version: i32,
        #[graphql(desc = "The link.")] input: DirectiveLinkInput,
    ) -> Result<Directive> {
        let row = decode_as(&directive, NodeKind::Directive, "directive")?;
        let references = [("directive", NodeKind::Directive), ("citations.source", NodeKind::Source)];
        let link = Value::Object(patch(&input, &references)?);
        edit_node_list(ctx, (kinds::EditKind::Directive, row, expected_version), "links", move |list| {
            if list.iter().any(|l| l["directive"] == link["directive"] && l["relation"] == link["relation"]) {
                return Err(AppError::bad_input("input.directive", "input.directive: already linked so"));
            }
            list.push(link);
            Ok(())
        })
        .await?;
        directive_of(ctx, row).await
    }

    /// Removes a link between two directives.
    async fn unlink_directives(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The directive the link starts from.")] directive: ID,
        #[graphql(desc = "The version of that directive the change was made against.")] expected_version: i32,
        #[graphql(desc = "How it relates to the other.")] relation: DirectiveRelation,
        #[graphql(desc = "The other directive.")] other: ID,
    ) -> Result<Directive> {
        let row = decode_as(&directive, NodeKind::Directive, "directive")?;
        let other = Value::from(decode_as(&other, NodeKind::Directive, "other")?);
        let relation = Value::from(relation.as_str());
        edit_node_list(ctx, (kinds::EditKind::Directive, row, expected_version), "links", move |list| {
            let before = list.len();
            list.retain(|l| !(l["directive"] == other && l["relation"] == relation));
            match list.len() < before {
                true => Ok(()),
                false => Err(AppError::bad_input("other", "other: no such link")),
            }
        })
        .await?;
        directive_of(ctx, row).await
    }
}

async fn edit_node_list(
    ctx: &Context<'_>,
    node: (kinds::EditKind, i32, i32),
    field: &str,
    edit: impl FnOnce(&mut Vec<Value>) -> AppResult<()>,
) -> Result<()> {
    let (actor, now) = writer(ctx)?;
    let txn = begin_write(db(ctx)?).await.map_err(AppError::from)?;
    kinds::edit_list(&txn, author(ctx, &actor, now), node, field, edit).await?;
    txn.commit().await.map_err(AppError::from)?;
    Ok(())
}

async fn directive_of(ctx: &Context<'_>, row: i32) -> Result<Directive> {
    let found = super::load_one(ctx, super::loaders::DirectiveById(row)).await?;
    Ok(Directive(found.ok_or_else(|| AppError::not_found("no such directive"))?))
}

// ---------------------------------------------------------------------------------------------

/// Reverting recorded changes.
#[derive(Default)]
pub struct RevertMutation;

/// Reverting recorded changes (EDITOR).
#[Object]
impl RevertMutation {
    /// Restores what one recorded change did: a creation is undone by deleting the node, an
    /// update by setting the fields it changed back, a deletion by recording the node again
    /// under its old id (its own fields, links and citations; what went with it does not come
    /// back). Fails with CONFLICT when those fields have changed since. Returns the change the
    /// revert recorded.
    async fn revert_change(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The id of the change to revert (`Change.id`).")] id: ID,
    ) -> Result<Change> {
        let (actor, now) = writer(ctx)?;
        let change_id: i32 = id.parse().map_err(|_| AppError::bad_input("id", "id: not a change id"))?;
        let txn = begin_write(db(ctx)?).await.map_err(AppError::from)?;
        let recorded = kinds::revert_change(&txn, author(ctx, &actor, now), change_id).await?;
        txn.commit().await.map_err(AppError::from)?;
        Ok(Change(recorded))
    }
}
