//! Administrative areas: country, provinces, districts, communes.

use super::Result;
use super::ids::{NodeType, encode};
use super::ids::{decode_as, decode_maybe, decode_opt};
use super::loaders::{AreaById, AreaChildren};
use super::pagination::{Parts, connection, page_request};
use super::scalars::{Date, PartialDate};
use super::{DeletePayload, author, set_given, writer};
use super::{db, load_list, load_one, vocabulary};
use crate::domain::vocabulary::AreaKind;
use crate::error::AppResult;
use crate::service::{kinds, record};
use crate::store::lists;
use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object};
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
        super::history::history_of(ctx, NodeType::Area, self.0.id, first, after).await
    }

    /// The global id.
    pub async fn id(&self) -> ID {
        encode(NodeType::Area, self.0.id)
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

    /// When it came to be, as precisely as known; null when unknown.
    async fn started_on(&self) -> Option<PartialDate> {
        crate::domain::tenure::stored(self.0.started_on.as_deref()).map(PartialDate)
    }

    /// Its last day, once merged, split or abolished; null while it exists (or when unknown).
    async fn ended_on(&self) -> Option<PartialDate> {
        crate::domain::tenure::stored(self.0.ended_on.as_deref()).map(PartialDate)
    }

    /// Whether it existed on this day, as far as its recorded life says (unknown bounds rule
    /// no day out).
    async fn exists_on(&self, #[graphql(desc = "The day asked about.")] date: Date) -> bool {
        let stored = |text: &Option<String>| crate::domain::tenure::stored(text.as_deref());
        crate::domain::tenure::exists_on(stored(&self.0.started_on).as_ref(), stored(&self.0.ended_on).as_ref(), date.0)
    }

    /// The area that took it over (the province it was merged into).
    async fn successor(&self, ctx: &Context<'_>) -> Result<Option<Area>> {
        match self.0.successor_id {
            Some(id) => Ok(load_one(ctx, AreaById(id)).await?.map(Area)),
            None => Ok(None),
        }
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

// ---------------------------------------------------------------------------------------------
// Changes.

/// A new administrative area.
#[derive(InputObject)]
pub struct CreateAreaInput {
    /// The name ("Hà Giang").
    pub name: String,
    /// The level.
    pub kind: AreaKind,
    /// The area it lies in.
    pub parent: Option<ID>,
    /// When it came to be, as precisely as known.
    pub started_on: Option<PartialDate>,
    /// Its last day, once merged, split or abolished.
    pub ended_on: Option<PartialDate>,
    /// The area that took it over.
    pub successor: Option<ID>,
    /// The dataset key; made from the name when omitted.
    pub key: Option<String>,
}

impl CreateAreaInput {
    fn fields(self) -> AppResult<(Option<String>, kinds::AreaFields)> {
        let parent = decode_opt(self.parent, NodeType::Area, "input.parent")?;
        let successor = decode_opt(self.successor, NodeType::Area, "input.successor")?;
        let fields = kinds::AreaFields {
            key: String::new(),
            name: self.name,
            kind: self.kind,
            parent,
            started_on: self.started_on.map(|d| d.0),
            ended_on: self.ended_on.map(|d| d.0),
            successor,
        };
        Ok((self.key, fields))
    }
}

/// The fields of an area to change: omitted fields stay, `null` clears.
#[derive(InputObject)]
pub struct UpdateAreaInput {
    /// The name.
    pub name: Option<String>,
    /// The level.
    pub kind: Option<AreaKind>,
    /// The area it lies in.
    pub parent: MaybeUndefined<ID>,
    /// When it came to be.
    pub started_on: MaybeUndefined<PartialDate>,
    /// Its last day.
    pub ended_on: MaybeUndefined<PartialDate>,
    /// The area that took it over.
    pub successor: MaybeUndefined<ID>,
    /// The dataset key.
    pub key: Option<String>,
}

impl UpdateAreaInput {
    fn change(self) -> AppResult<impl FnOnce(&mut kinds::AreaFields) -> AppResult<()> + Send> {
        let parent = decode_maybe(self.parent, NodeType::Area, "input.parent")?;
        let successor = decode_maybe(self.successor, NodeType::Area, "input.successor")?;
        Ok(move |f: &mut kinds::AreaFields| {
            set_given(&mut f.name, self.name);
            set_given(&mut f.kind, self.kind);
            parent.update_to(&mut f.parent);
            self.started_on.map_value(|d| d.0).update_to(&mut f.started_on);
            self.ended_on.map_value(|d| d.0).update_to(&mut f.ended_on);
            successor.update_to(&mut f.successor);
            set_given(&mut f.key, self.key);
            Ok(())
        })
    }
}

/// Changes to Area nodes (EDITOR).
#[derive(Default)]
pub struct AreaMutation;

/// Changes to Area nodes (EDITOR).
#[Object]
impl AreaMutation {
    /// Records a new administrative area.
    async fn create_area(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new node's fields.")] input: CreateAreaInput,
    ) -> Result<Area> {
        let (actor, now) = writer(ctx)?;
        let (key, fields) = input.fields()?;
        Ok(Area(record::create::<kinds::Area>(db(ctx)?, author(ctx, &actor, now), key, fields).await?))
    }

    /// Changes the fields given; fails with CONFLICT unless the area is still at `expectedVersion`.
    async fn update_area(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The node's global id.")] id: ID,
        #[graphql(desc = "The version the change was made against.")] expected_version: i32,
        #[graphql(desc = "The fields to change: omitted fields stay, `null` clears.")] input: UpdateAreaInput,
    ) -> Result<Area> {
        let (actor, now) = writer(ctx)?;
        let row_id = decode_as(&id, NodeType::Area, "id")?;
        let change = input.change()?;
        let author = author(ctx, &actor, now);
        Ok(Area(record::update::<kinds::Area>(db(ctx)?, author, row_id, expected_version, change).await?))
    }

    /// Deletes an area (areas, organizations and conferences in it keep no area); fails with CONFLICT unless it is still at `expectedVersion`.
    async fn delete_area(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The node's global id.")] id: ID,
        #[graphql(desc = "The version the deletion was decided on.")] expected_version: i32,
    ) -> Result<DeletePayload> {
        let (actor, now) = writer(ctx)?;
        let row_id = decode_as(&id, NodeType::Area, "id")?;
        record::delete::<kinds::Area>(db(ctx)?, author(ctx, &actor, now), row_id, expected_version).await?;
        Ok(DeletePayload { id })
    }
}
