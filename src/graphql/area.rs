//! Administrative areas: country, provinces, districts, communes.

use super::ids::{NodeKind, encode};
use super::loaders::{AreaById, AreaChildren};
use super::pagination::{Parts, connection, page_request};
use super::{db, load_list, load_one, vocabulary};
use crate::domain::vocabulary::AreaKind;
use crate::store::lists;
use async_graphql::{Context, ID, InputObject, Object, Result};
use entity::area;

/// An administrative area.
#[derive(Clone)]
pub struct Area(pub area::Model);

/// An administrative area: the country, a province, a district, a commune.
#[Object]
impl Area {
    /// Every change made to the area through the API, newest first.
    #[graphql(complexity = "crate::limits::page_cost(first, None, child_complexity)")]
    async fn history(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many from the start (at most 100; 20 when no size is given).")] first: Option<i32>,
        #[graphql(desc = "Start after this cursor.")] after: Option<String>,
    ) -> Result<super::history::ChangeConnection> {
        super::history::history_of(ctx, "Area", self.0.id, first, after).await
    }

    /// The global id.
    pub async fn id(&self) -> ID {
        encode(NodeKind::Area, self.0.id)
    }

    /// The version: 1 when created, one more with each change; updates and deletes name it.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// The stable human-readable key of the area in datasets.
    async fn key(&self) -> &str {
        &self.0.key
    }

    /// The name ("Hà Giang").
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// The level of the area.
    async fn kind(&self) -> Result<AreaKind> {
        Ok(vocabulary(&self.0.kind, AreaKind::parse)?)
    }

    /// The area it lies in.
    async fn parent(&self, ctx: &Context<'_>) -> Result<Option<Area>> {
        match self.0.parent_id {
            Some(id) => Ok(load_one(ctx, AreaById(id)).await?.map(Area)),
            None => Ok(None),
        }
    }

    /// The areas directly inside it.
    #[graphql(complexity = "crate::limits::list_cost(child_complexity)")]
    async fn children(&self, ctx: &Context<'_>) -> Result<Vec<Area>> {
        Ok(load_list(ctx, AreaChildren(self.0.id)).await?.into_iter().map(Area).collect())
    }
}

/// Which areas to list.
#[derive(InputObject, Default)]
pub struct AreaFilter {
    /// Words of the name, ignoring diacritics and case.
    pub text: Option<String>,
}

connection!(AreaConnection, AreaEdge, Area, "area", "areas");

/// Queries of areas.
#[derive(Default)]
pub struct AreaQuery;

/// Queries of areas.
#[Object]
impl AreaQuery {
    /// Areas by name, A to Z.
    #[graphql(complexity = "crate::limits::page_cost(first, last, child_complexity)")]
    async fn areas(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which areas.")] filter: Option<AreaFilter>,
        #[graphql(desc = "How many from the start (at most 100; 20 when no size is given).")] first: Option<i32>,
        #[graphql(desc = "Start after this cursor.")] after: Option<String>,
        #[graphql(desc = "How many from the end (at most 100).")] last: Option<i32>,
        #[graphql(desc = "End before this cursor.")] before: Option<String>,
    ) -> Result<AreaConnection> {
        let page = page_request(first, after, last, before)?;
        let text = filter.and_then(|f| f.text);
        let rows = lists::areas(db(ctx)?, text.as_deref(), &page).await?;
        Ok(AreaConnection(Parts::from_page(rows, Area)))
    }
}
