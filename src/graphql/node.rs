//! The `Node` interface and `node(id:)`: any object by its global id.

use super::Result;
use super::area::Area;
use super::conference::{Conference, Participation};
use super::directive::Directive;
use super::ids::{NodeType, decode};
use super::loaders::*;
use super::official::{Official, Post, Tenure};
use super::organization::Organization;
use super::source::Source;
use super::task::{Task, TaskUpdate};
use super::{load_many, load_one};
use async_graphql::{Context, ID, Interface, Object};
use std::collections::HashMap;

/// An object with a global id.
#[derive(Clone, Interface)]
#[graphql(field(name = "id", ty = "ID", desc = "The global id: opaque, stable, unique across types."))]
pub enum Node {
    /// An area.
    Area(Area),
    /// An organization.
    Organization(Organization),
    /// An official.
    Official(Official),
    /// A post.
    Post(Post),
    /// A tenure.
    Tenure(Tenure),
    /// A conference.
    Conference(Conference),
    /// A participation.
    Participation(Participation),
    /// A directive.
    Directive(Directive),
    /// A task.
    Task(Task),
    /// A progress update.
    TaskUpdate(TaskUpdate),
    /// A source.
    Source(Source),
}

/// Looks up a node of any type.
pub async fn find(ctx: &Context<'_>, id: &ID) -> Result<Option<Node>> {
    let (kind, row) = decode(id)?;
    find_row(ctx, kind, row).await
}

/// Looks up row `row` of the node type `kind`.
pub async fn find_row(ctx: &Context<'_>, kind: NodeType, row: i32) -> Result<Option<Node>> {
    Ok(match kind {
        NodeType::Area => load_one(ctx, AreaById(row)).await?.map(|m| Node::Area(Area(m))),
        NodeType::Organization => {
            load_one(ctx, OrganizationById(row)).await?.map(|m| Node::Organization(Organization(m)))
        }
        NodeType::Official => load_one(ctx, OfficialById(row)).await?.map(|m| Node::Official(Official(m))),
        NodeType::Post => load_one(ctx, PostById(row)).await?.map(|m| Node::Post(Post(m))),
        NodeType::Tenure => load_one(ctx, TenureById(row)).await?.map(|m| Node::Tenure(Tenure::of(m))),
        NodeType::Conference => load_one(ctx, ConferenceById(row)).await?.map(|m| Node::Conference(Conference(m))),
        NodeType::Participation => {
            load_one(ctx, ParticipationById(row)).await?.map(|m| Node::Participation(Participation(m)))
        }
        NodeType::Directive => load_one(ctx, DirectiveById(row)).await?.map(|m| Node::Directive(Directive(m))),
        NodeType::Task => load_one(ctx, TaskById(row)).await?.map(|m| Node::Task(Task(m))),
        NodeType::TaskUpdate => load_one(ctx, TaskUpdateById(row)).await?.map(|m| Node::TaskUpdate(TaskUpdate(m))),
        NodeType::Source => load_one(ctx, SourceById(row)).await?.map(|m| Node::Source(Source(m))),
    })
}

/// Rows `rows` of the node type `kind`, in one batch, by row id (a row not found is left out).
pub async fn find_rows(ctx: &Context<'_>, kind: NodeType, rows: Vec<i32>) -> Result<HashMap<i32, Node>> {
    macro_rules! many {
        ($key:ident, $node:expr) => {
            load_many(ctx, rows.into_iter().map($key).collect()).await?.into_iter().map(|m| (m.id, $node(m))).collect()
        };
    }
    Ok(match kind {
        NodeType::Area => many!(AreaById, |m| Node::Area(Area(m))),
        NodeType::Organization => many!(OrganizationById, |m| Node::Organization(Organization(m))),
        NodeType::Official => many!(OfficialById, |m| Node::Official(Official(m))),
        NodeType::Post => many!(PostById, |m| Node::Post(Post(m))),
        NodeType::Tenure => many!(TenureById, |m| Node::Tenure(Tenure::of(m))),
        NodeType::Conference => many!(ConferenceById, |m| Node::Conference(Conference(m))),
        NodeType::Participation => many!(ParticipationById, |m| Node::Participation(Participation(m))),
        NodeType::Directive => many!(DirectiveById, |m| Node::Directive(Directive(m))),
        NodeType::Task => many!(TaskById, |m| Node::Task(Task(m))),
        NodeType::TaskUpdate => many!(TaskUpdateById, |m| Node::TaskUpdate(TaskUpdate(m))),
        NodeType::Source => many!(SourceById, |m| Node::Source(Source(m))),
    })
}

/// The types of node that have a dataset key.
#[derive(async_graphql::Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyedType {
    /// Areas.
    Area,
    /// Organizations.
    Organization,
    /// Officials.
    Official,
    /// Posts.
    Post,
    /// Directives.
    Directive,
    /// Conferences.
    Conference,
    /// Tasks.
    Task,
    /// Sources.
    Source,
}

impl KeyedType {
    fn node_type(self) -> NodeType {
        match self {
            KeyedType::Area => NodeType::Area,
            KeyedType::Organization => NodeType::Organization,
            KeyedType::Official => NodeType::Official,
            KeyedType::Post => NodeType::Post,
            KeyedType::Directive => NodeType::Directive,
            KeyedType::Conference => NodeType::Conference,
            KeyedType::Task => NodeType::Task,
            KeyedType::Source => NodeType::Source,
        }
    }
}

/// Look-ups by global id or dataset key.
#[derive(Default)]
pub struct NodeQuery;

/// Look-ups by global id or dataset key.
#[Object]
impl NodeQuery {
    /// The node of this type with this dataset key (the keys dataset files and exports use,
    /// "nguyen-manh-dung"), or null when there is none.
    async fn node_by_key(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "type", desc = "The type of node.")] kind: KeyedType,
        #[graphql(desc = "The dataset key, exactly as stored.")] key: String,
    ) -> Result<Option<Node>> {
        let node_type = kind.node_type();
        match crate::store::id_by_key(super::db(ctx)?, node_type.table(), &key).await? {
            Some(row) => find_row(ctx, node_type, row).await,
            None => Ok(None),
        }
    }

    /// The object with this global id, or null when there is none.
    async fn node(&self, ctx: &Context<'_>, #[graphql(desc = "A global id.")] id: ID) -> Result<Option<Node>> {
        find(ctx, &id).await
    }

    /// The objects with these global ids, in the same order, null where there is none.
    #[graphql(complexity = "crate::limits::page_cost(Some(ids.len().min(100) as i32), None, child_complexity)")]
    async fn nodes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global ids (at most 100).")] ids: Vec<ID>,
    ) -> Result<Vec<Option<Node>>> {
        if ids.len() > 100 {
            return Err(crate::error::AppError::bad_input("ids", "at most 100 ids at once").into());
        }
        // Looked up together, so that the loaders batch them into one statement per type.
        futures::future::try_join_all(ids.iter().map(|id| find(ctx, id))).await
    }
}
