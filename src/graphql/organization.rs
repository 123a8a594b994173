//! Organizations: party committees, commissions, councils, agencies, their nesting and life span.

use super::Result;
use super::area::Area;
use super::conference::{Conference, sort_conferences};
use super::directive::Directive;
use super::evidence::{DateRange, held, question};
use super::ids::{NodeType, decode_as, encode};
use super::ids::{decode_maybe, decode_opt};
use super::loaders::*;
use super::official::{Official, Post, Tenure};
use super::pagination::{Parts, connection, page_request};
use super::scalars::{Date, PartialDate};
use super::task::{Task, tasks_of_assignments};
use super::{DeletePayload, author, set_given, writer};
use super::{db, load_list, load_many, load_one, vocabulary};
use crate::domain::tenure::Certainty;
use crate::domain::tenure::{exists_on, stored};
use crate::domain::vocabulary::{OrganizationEnd, OrganizationKind};
use crate::error::AppResult;
use crate::service::{kinds, record};
use crate::store::filters::OrganizationFilter as StoreFilter;
use crate::store::lists::{self, NameOrder};
use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object};
use entity::{organization, tenure};
use std::collections::BTreeSet;

/// An organization.
#[derive(Clone)]
pub struct Organization(pub organization::Model);

impl Organization {
    /// Whether the organization exists on `day` (always, without a day).
    pub(crate) fn exists_on(&self, day: Option<Date>) -> bool {
        day.is_none_or(|day| {
            exists_on(stored(self.0.started_on.as_deref()).as_ref(), stored(self.0.ended_on.as_deref()).as_ref(), day.0)
        })
    }
}

/// A body: a party committee, a commission, a council, a government agency. Bodies nest and
/// have a life span (they are founded, merged and dissolved).
#[Object]
impl Organization {
    /// Every change made to the organization through the API, newest first.
    #[graphql(complexity = "crate::limits::page_cost(first, None, child_complexity)")]
    async fn history(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many from the start (at most 100; 20 when no size is given).")] first: Option<i32>,
        #[graphql(desc = "Start after this cursor.")] after: Option<String>,
    ) -> Result<super::history::ChangeConnection> {
        super::history::history_of(ctx, NodeType::Organization, self.0.id, first, after).await
    }

    /// The global id.
    pub async fn id(&self) -> ID {
        encode(NodeType::Organization, self.0.id)
    }

    /// The version: 1 when created, one more with each change; updates and deletes name it.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// The stable human-readable key of the organization in datasets.
    async fn key(&self) -> &str {
        &self.0.key
    }

    /// The full name ("Ban Dân vận Tỉnh ủy Hà Giang").
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// The short name reports use ("BTV Tỉnh ủy").
    async fn short_name(&self) -> Option<&str> {
        self.0.short_name.as_deref()
    }

    /// What kind of body it is.
    async fn kind(&self) -> Result<OrganizationKind> {
        Ok(vocabulary(&self.0.kind, OrganizationKind::parse)?)
    }

    /// The body it belongs to (a commission's committee).
    async fn parent(&self, ctx: &Context<'_>) -> Result<Option<Organization>> {
        match self.0.parent_id {
            Some(id) => Ok(load_one(ctx, OrganizationById(id)).await?.map(Organization)),
            None => Ok(None),
        }
    }

    /// The bodies directly under it; with `asOf`, those existing on that date (none when it
    /// did not exist itself).
    #[graphql(complexity = "crate::limits::list_cost(child_complexity)")]
    async fn children(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only bodies existing on this date.")] as_of: Option<Date>,
    ) -> Result<Vec<Organization>> {
        if !self.exists_on(as_of) {
            return Ok(Vec::new());
        }
        let children = load_list(ctx, OrganizationChildren(self.0.id)).await?;
        Ok(children.into_iter().map(Organization).filter(|o| o.exists_on(as_of)).collect())
    }

    /// The area it serves.
    async fn area(&self, ctx: &Context<'_>) -> Result<Option<Area>> {
        match self.0.area_id {
            Some(id) => Ok(load_one(ctx, AreaById(id)).await?.map(Area)),
            None => Ok(None),
        }
    }

    /// When it was founded, as precisely as known.
    async fn started_on(&self) -> Option<PartialDate> {
        stored(self.0.started_on.as_deref()).map(PartialDate)
    }

    /// When it was dissolved or merged, as precisely as known.
    async fn ended_on(&self) -> Option<PartialDate> {
        stored(self.0.ended_on.as_deref()).map(PartialDate)
    }

    /// How its life ended, where it has ended.
    async fn ended_as(&self) -> Result<Option<OrganizationEnd>> {
        Ok(self.0.ended_as.as_deref().map(|e| vocabulary(e, OrganizationEnd::parse)).transpose()?)
    }

    /// The organization it was merged into, renamed to or split into.
    async fn successor(&self, ctx: &Context<'_>) -> Result<Option<Organization>> {
        match self.0.successor_id {
            Some(id) => Ok(load_one(ctx, OrganizationById(id)).await?.map(Organization)),
            None => Ok(None),
        }
    }

    /// The organizations that were merged into, renamed to or split into this one.
    #[graphql(complexity = "crate::limits::list_cost(child_complexity)")]
    async fn predecessors(&self, ctx: &Context<'_>) -> Result<Vec<Organization>> {
        Ok(load_list(ctx, OrganizationPredecessors(self.0.id)).await?.into_iter().map(Organization).collect())
    }

    /// The posts in it.
    #[graphql(complexity = "crate::limits::list_cost(child_complexity)")]
    async fn posts(&self, ctx: &Context<'_>) -> Result<Vec<Post>> {
        Ok(load_list(ctx, OrganizationPosts(self.0.id)).await?.into_iter().map(Post).collect())
    }

    /// The officials holding a post in it: all who ever did, or with `asOf` (`during`) those
    /// holding one on that day (on some day of that period) at least as surely as
    /// `minCertainty` (`holdings` gives each tenure with its certainty). None when the
    /// organization did not exist then.
    #[graphql(complexity = "crate::limits::list_cost(child_complexity)")]
    async fn officials(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only officials holding a post here on this day.")] as_of: Option<Date>,
        #[graphql(desc = "Only officials holding a post here on some day of this period.")] during: Option<DateRange>,
        #[graphql(
            desc = "With `asOf` or `during`: the weakest certainty that counts as held (INFERRED when omitted)."
        )]
        min_certainty: Option<Certainty>,
    ) -> Result<Vec<Official>> {
        let held = self.holdings(ctx, as_of, during, min_certainty).await?;
        let ids: BTreeSet<i32> = held.iter().map(|t| t.row.official_id).collect();
        let mut officials: Vec<_> = load_many(ctx, ids.into_iter().map(OfficialById).collect()).await?;
        officials.sort_by(|a: &entity::official::Model, b| a.name_folded.cmp(&b.name_folded));
        Ok(officials.into_iter().map(Official).collect())
    }

    /// The tenures of its posts: all, or with `asOf` (`during`) those held on that day (on some
    /// day of that period) at least as surely as `minCertainty`, each with its `certainty`;
    /// earliest start first.
    #[graphql(complexity = "crate::limits::list_cost(child_complexity)")]
    async fn holdings(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only tenures held on this day.")] as_of: Option<Date>,
        #[graphql(desc = "Only tenures held on some day of this period.")] during: Option<DateRange>,
        #[graphql(
            desc = "With `asOf` or `during`: the weakest certainty that counts as held (INFERRED when omitted)."
        )]
        min_certainty: Option<Certainty>,
    ) -> Result<Vec<Tenure>> {
        let question = question(as_of, during, min_certainty)?;
        let posts = load_list(ctx, OrganizationPosts(self.0.id)).await?;
        let lists: Vec<Vec<tenure::Model>> = load_many(ctx, posts.iter().map(|p| PostTenures(p.id)).collect()).await?;
        held(ctx, lists.into_iter().flatten().collect(), question).await
    }

    /// The conferences it organized, earliest first.
    #[graphql(complexity = "crate::limits::list_cost(child_complexity)")]
    async fn conferences_organized(&self, ctx: &Context<'_>) -> Result<Vec<Conference>> {
        let links = load_list(ctx, OrganizationOrganized(self.0.id)).await?;
        let mut conferences = load_many(ctx, links.iter().map(|l| ConferenceById(l.conference_id)).collect()).await?;
        sort_conferences(&mut conferences);
        Ok(conferences.into_iter().map(Conference).collect())
    }

    /// The directives it issued, earliest first.
    #[graphql(complexity = "crate::limits::list_cost(child_complexity)")]
    async fn directives_issued(&self, ctx: &Context<'_>) -> Result<Vec<Directive>> {
        Ok(load_list(ctx, OrganizationDirectives(self.0.id)).await?.into_iter().map(Directive).collect())
    }

    /// The tasks assigned to it, soonest due first.
    #[graphql(complexity = "crate::limits::list_cost(child_complexity)")]
    async fn tasks_assigned(&self, ctx: &Context<'_>) -> Result<Vec<Task>> {
        let assignments = load_list(ctx, OrganizationAssignments(self.0.id)).await?;
        Ok(tasks_of_assignments(ctx, assignments).await?)
    }

    /// The tasks it assigned to others, soonest due first.
    #[graphql(complexity = "crate::limits::list_cost(child_complexity)")]
    async fn tasks_given(&self, ctx: &Context<'_>) -> Result<Vec<Task>> {
        Ok(load_list(ctx, OrganizationTasksGiven(self.0.id)).await?.into_iter().map(Task).collect())
    }
}

/// Which organizations to list.
#[derive(InputObject, Default)]
pub struct OrganizationFilter {
    /// Words of the name or short name, ignoring diacritics and case.
    pub text: Option<String>,
    /// Only these kinds.
    pub kind: Option<Vec<OrganizationKind>>,
    /// Only bodies directly under this organization.
    pub parent: Option<ID>,
    /// Only bodies of this area or an area inside it.
    pub area: Option<ID>,
}

impl OrganizationFilter {
    fn into_store(self) -> crate::error::AppResult<StoreFilter> {
        Ok(StoreFilter {
            text: self.text,
            kinds: self.kind,
            parent: self.parent.map(|id| decode_as(&id, NodeType::Organization, "filter.parent")).transpose()?,
            area: self.area.map(|id| decode_as(&id, NodeType::Area, "filter.area")).transpose()?,
        })
    }
}

connection!(OrganizationConnection, OrganizationEdge, Organization, "organization", "organizations");

/// Queries of organizations.
#[derive(Default)]
pub struct OrganizationQuery;

/// Queries of organizations.
#[Object]
impl OrganizationQuery {
    /// Organizations matching the filter, by name unless ordered otherwise.
    #[allow(clippy::too_many_arguments)]
    #[graphql(complexity = "crate::limits::page_cost(first, last, child_complexity)")]
    async fn organizations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which organizations.")] filter: Option<OrganizationFilter>,
        #[graphql(desc = "The order, by several keys in the order given.")] order_by: Option<Vec<NameOrder>>,
        #[graphql(desc = "How many from the start (at most 100; 20 when no size is given).")] first: Option<i32>,
        #[graphql(desc = "Start after this cursor.")] after: Option<String>,
        #[graphql(desc = "How many from the end (at most 100).")] last: Option<i32>,
        #[graphql(desc = "End before this cursor.")] before: Option<String>,
    ) -> Result<OrganizationConnection> {
        let page = page_request(first, after, last, before)?;
        let filter = filter.unwrap_or_default().into_store()?;
        let rows = lists::organizations(db(ctx)?, &filter, &order_by.unwrap_or_default(), &page).await?;
        Ok(OrganizationConnection(Parts::from_page(rows, Organization)))
    }
}

// ---------------------------------------------------------------------------------------------
// Changes.

/// A new organization.
#[derive(InputObject)]
pub struct CreateOrganizationInput {
    /// The full name.
    pub name: String,
    /// The short name ("UBND tỉnh").
    pub short_name: Option<String>,
    /// What kind of body it is.
    pub kind: OrganizationKind,
    /// The body it belongs to.
    pub parent: Option<ID>,
    /// The area it serves.
    pub area: Option<ID>,
    /// When it was founded.
    pub started_on: Option<PartialDate>,
    /// When it ended.
    pub ended_on: Option<PartialDate>,
    /// How it ended (needs `endedOn`).
    pub ended_as: Option<OrganizationEnd>,
    /// The body that took over its work (needs `endedOn`).
    pub successor: Option<ID>,
    /// The dataset key; made from the name when omitted.
    pub key: Option<String>,
}

impl CreateOrganizationInput {
    fn fields(self) -> AppResult<(Option<String>, kinds::OrganizationFields)> {
        Ok((
            self.key,
            kinds::OrganizationFields {
                key: String::new(),
                name: self.name,
                short_name: self.short_name,
                kind: self.kind,
                parent: decode_opt(self.parent, NodeType::Organization, "input.parent")?,
                area: decode_opt(self.area, NodeType::Area, "input.area")?,
                started_on: self.started_on.map(|d| d.0),
                ended_on: self.ended_on.map(|d| d.0),
                ended_as: self.ended_as,
                successor: decode_opt(self.successor, NodeType::Organization, "input.successor")?,
            },
        ))
    }
}

/// The fields of an organization to change: omitted fields stay, `null` clears.
#[derive(InputObject)]
pub struct UpdateOrganizationInput {
    /// The full name.
    pub name: Option<String>,
    /// The short name.
    pub short_name: MaybeUndefined<String>,
    /// What kind of body it is.
    pub kind: Option<OrganizationKind>,
    /// The body it belongs to.
    pub parent: MaybeUndefined<ID>,
    /// The area it serves.
    pub area: MaybeUndefined<ID>,
    /// When it was founded.
    pub started_on: MaybeUndefined<PartialDate>,
    /// When it ended.
    pub ended_on: MaybeUndefined<PartialDate>,
    /// How it ended.
    pub ended_as: MaybeUndefined<OrganizationEnd>,
    /// The body that took over its work.
    pub successor: MaybeUndefined<ID>,
    /// The dataset key.
    pub key: Option<String>,
}

impl UpdateOrganizationInput {
    fn change(self) -> AppResult<impl FnOnce(&mut kinds::OrganizationFields) -> AppResult<()> + Send> {
        let parent = decode_maybe(self.parent, NodeType::Organization, "input.parent")?;
        let area = decode_maybe(self.area, NodeType::Area, "input.area")?;
        let successor = decode_maybe(self.successor, NodeType::Organization, "input.successor")?;
        Ok(move |f: &mut kinds::OrganizationFields| {
            set_given(&mut f.name, self.name);
            self.short_name.update_to(&mut f.short_name);
            set_given(&mut f.kind, self.kind);
            parent.update_to(&mut f.parent);
            area.update_to(&mut f.area);
            self.started_on.map_value(|d| d.0).update_to(&mut f.started_on);
            self.ended_on.map_value(|d| d.0).update_to(&mut f.ended_on);
            self.ended_as.update_to(&mut f.ended_as);
            successor.update_to(&mut f.successor);
            set_given(&mut f.key, self.key);
            Ok(())
        })
    }
}

/// Changes to Organization nodes (EDITOR).
#[derive(Default)]
pub struct OrganizationMutation;

/// Changes to Organization nodes (EDITOR).
#[Object]
impl OrganizationMutation {
    /// Records a new organization.
    async fn create_organization(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new node's fields.")] input: CreateOrganizationInput,
    ) -> Result<Organization> {
        let (actor, now) = writer(ctx)?;
        let (key, fields) = input.fields()?;
        Ok(Organization(record::create::<kinds::Organization>(db(ctx)?, author(ctx, &actor, now), key, fields).await?))
    }

    /// Changes the fields given; fails with CONFLICT unless the organization is still at `expectedVersion`.
    async fn update_organization(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The node's global id.")] id: ID,
        #[graphql(desc = "The version the change was made against.")] expected_version: i32,
        #[graphql(desc = "The fields to change: omitted fields stay, `null` clears.")] input: UpdateOrganizationInput,
    ) -> Result<Organization> {
        let (actor, now) = writer(ctx)?;
        let row_id = decode_as(&id, NodeType::Organization, "id")?;
        let change = input.change()?;
        let author = author(ctx, &actor, now);
        Ok(Organization(
            record::update::<kinds::Organization>(db(ctx)?, author, row_id, expected_version, change).await?,
        ))
    }

    /// Ends an organization (merged, dissolved, renamed, split) and, in the same step, every
    /// body under it at any depth that has no end of its own yet (unless `withSubBodies` is
    /// false), on the same day and in the same way, and closes the open tenures of their posts
    /// on that day; the `successor` is the organization's. Fails with CONFLICT unless the
    /// organization is still at `expectedVersion`. Each change is in its node's history, and
    /// `revertChange` (or `revertOperation`) of any of them undoes the whole step.
    async fn end_organization(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The organization's global id.")] id: ID,
        #[graphql(desc = "The version the change was made against.")] expected_version: i32,
        #[graphql(desc = "Its last day, as precisely as known.")] ended_on: PartialDate,
        #[graphql(desc = "How it ended.")] ended_as: Option<OrganizationEnd>,
        #[graphql(desc = "The organization that took over its work.")] successor: Option<ID>,
        #[graphql(desc = "Whether the bodies under it end with it (true when omitted).")] with_sub_bodies: Option<bool>,
    ) -> Result<Organization> {
        let (actor, now) = writer(ctx)?;
        let row_id = decode_as(&id, NodeType::Organization, "id")?;
        let successor = decode_opt(successor, NodeType::Organization, "successor")?;
        let ending = crate::service::organization::Ending {
            on: ended_on.0,
            how: ended_as,
            successor,
            with_sub_bodies: with_sub_bodies.unwrap_or(true),
        };
        let author = author(ctx, &actor, now);
        let ended = crate::service::organization::end(db(ctx)?, author, (row_id, expected_version), ending).await?;
        Ok(Organization(ended))
    }

    /// Deletes an organization with its posts and their tenures; fails with CONFLICT unless it is still at `expectedVersion`.
    async fn delete_organization(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The node's global id.")] id: ID,
        #[graphql(desc = "The version the deletion was decided on.")] expected_version: i32,
    ) -> Result<DeletePayload> {
        let (actor, now) = writer(ctx)?;
        let row_id = decode_as(&id, NodeType::Organization, "id")?;
        record::delete::<kinds::Organization>(db(ctx)?, author(ctx, &actor, now), row_id, expected_version).await?;
        Ok(DeletePayload { id })
    }
}
