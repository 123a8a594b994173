//! Organizations as the shared write path edits them: their fields, rules (a life with an
//! end, a successor only once ended) and row.

use super::record::{Editable, Refusals, check_exists, check_optional_text, check_period, check_text};
use crate::domain::node::NodeType;
use crate::domain::node::SearchType;
use crate::domain::partial_date::PartialDate;
use crate::domain::text::search_form;
use crate::domain::vocabulary::*;
use crate::error::{AppError, AppResult};
use entity::*;
use sea_orm::DatabaseTransaction;
use serde::{Deserialize, Serialize};

use super::kinds::check_nesting;

/// The fields of an organization.
#[derive(Clone, Debug, Serialize, Deserialize)]
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
    const NODE: NodeType = NodeType::Organization;
    const REFERENCES: &'static [(&'static str, NodeType)] =
        &[("parent", NodeType::Organization), ("area", NodeType::Area), ("successor", NodeType::Organization)];
    fn key(f: &mut Self::Fields) -> Option<(&mut String, &str)> {
        Some((&mut f.key, &f.name))
    }
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

/// How a body ends: the day, the way, the body that takes over its work, and whether the
/// bodies under it end with it.
#[derive(Clone, Copy, Debug)]
pub struct Ending {
    /// The last day it existed.
    pub on: PartialDate,
    /// How it ended.
    pub how: Option<OrganizationEnd>,
    /// The body that took over its work.
    pub successor: Option<i32>,
    /// Whether the bodies under it, at any depth, end with it.
    pub with_sub_bodies: bool,
}

/// Ends the organization `id` (at `expected_version`) and, in the same transaction, every body
/// under it, at any depth, that has no end of its own yet (unless `with_sub_bodies` is false):
/// a provincial committee merged into another takes its commissions and steering committees
/// with it. The open tenures of the posts of every body ended close on that day (those that
/// began after it are left as they are). Each change is in its node's history under the one
/// operation, which `revertChange` of any of them undoes whole. Returns the organization.
pub async fn end(
    db: &sea_orm::DatabaseConnection,
    author: super::record::Author<'_>,
    (id, expected_version): (i32, i32),
    ending: Ending,
) -> AppResult<organization::Model> {
    use super::record::update_in;
    use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
    let txn = crate::database::begin_write(db).await?;
    let ended = update_in::<Organization>(&txn, author, id, expected_version, |f| {
        f.ended_on = Some(ending.on);
        f.ended_as = ending.how;
        f.successor = ending.successor;
        Ok(())
    })
    .await?;
    let mut bodies = vec![id];
    let mut under = vec![id];
    while let Some(parent) = under.pop().filter(|_| ending.with_sub_bodies) {
        let children = organization::Entity::find()
            .filter(organization::Column::ParentId.eq(parent))
            .order_by_asc(organization::Column::Id)
            .all(&txn)
            .await?;
        for child in children {
            under.push(child.id);
            if child.ended_on.is_some() {
                continue;
            }
            bodies.push(child.id);
            let at = format!("a body under it, \"{}\"", child.name);
            update_in::<Organization>(&txn, author, child.id, child.version, |f| {
                f.ended_on = Some(ending.on);
                f.ended_as = ending.how;
                Ok(())
            })
            .await
            .map_err(|err| within(err, &at))?;
        }
    }
    let posts = post::Entity::find()
        .filter(crate::store::any_of(txn.get_database_backend(), post::Column::OrganizationId, bodies))
        .all(&txn)
        .await?;
    let open = tenure::Entity::find()
        .filter(crate::store::any_of(txn.get_database_backend(), tenure::Column::PostId, posts.iter().map(|p| p.id)))
        .filter(tenure::Column::EndedOn.is_null())
        .order_by_asc(tenure::Column::Id)
        .all(&txn)
        .await?;
    for t in open {
        let started = crate::domain::tenure::stored(t.started_on.as_deref());
        if started.is_some_and(|s| s.earliest() > ending.on.latest()) {
            continue;
        }
        update_in::<super::tenure::Tenure>(&txn, author, t.id, t.version, |f| {
            f.ended_on = Some(ending.on);
            Ok(())
        })
        .await
        .map_err(|err| within(err, "a tenure of one of its posts"))?;
    }
    txn.commit().await?;
    Ok(ended)
}

/// A refusal met while ending what lies under a body, saying where.
fn within(err: AppError, at: &str) -> AppError {
    match err {
        AppError::BadUserInput { message, field } => {
            AppError::BadUserInput { message: format!("{at}: {message}"), field }
        }
        other => other,
    }
}
