//! Officials, the posts they hold and their tenures over time.

use super::conference::{Conference, Participation, sort_conferences};
use super::history::ChangeConnection;
use super::ids::{NodeKind, decode_as, encode};
use super::loaders::*;
use super::organization::Organization;
use super::pagination::{Parts, connection, page_request};
use super::scalars::{Date, PartialDate};
use super::source::{Citation, Source, citations_of, sources_of};
use super::task::{Task, tasks_of_assignments};
use super::writer;
use super::{db, load_list, load_many, load_one};
use crate::domain::subject;
use crate::domain::tenure::{held_on, stored};
use crate::domain::vocabulary::ParticipationRole;
use crate::service;
use crate::store::filters::OfficialFilter as StoreFilter;
use crate::store::lists::{self, NameOrder};
use async_graphql::{Context, ID, InputObject, Object, Result};
use entity::{official, post, tenure};

/// The tenures held on `as_of` (all of them without a date), earliest start first.
pub(crate) fn tenures_held(mut tenures: Vec<tenure::Model>, as_of: Option<Date>) -> Vec<tenure::Model> {
    if let Some(day) = as_of {
        tenures.retain(|t| {
            held_on(stored(t.started_on.as_deref()).as_ref(), stored(t.ended_on.as_deref()).as_ref(), day.0)
        });
    }
    tenures.sort_by(|a, b| {
        let start = |t: &tenure::Model| stored(t.started_on.as_deref()).map(|d| d.earliest());
        start(a).cmp(&start(b)).then(a.id.cmp(&b.id))
    });
    tenures
}

/// The tenures of the same post that began just before and just after `tenure`, by start date
/// (then id); tenures whose start is unknown have no place in the order.
fn neighbours(tenure: &tenure::Model, all: Vec<tenure::Model>) -> (Option<tenure::Model>, Option<tenure::Model>) {
    let position = |t: &tenure::Model| stored(t.started_on.as_deref()).map(|d| (d.earliest(), t.id));
    let Some(mine) = position(tenure) else {
        return (None, None);
    };
    let placed: Vec<_> = all.into_iter().filter_map(|t| position(&t).map(|p| (p, t))).collect();
    let before = placed.iter().filter(|(p, _)| *p < mine).max_by_key(|(p, _)| *p).map(|(_, t)| t.clone());
    let after = placed.into_iter().filter(|(p, _)| *p > mine).min_by_key(|(p, _)| *p).map(|(_, t)| t);
    (before, after)
}

/// An official.
#[derive(Clone)]
pub struct Official(pub official::Model);

/// A person named in reports: who chaired and attended what, and the posts held over time.
#[Object]
impl Official {
    /// The global id.
    pub async fn id(&self) -> ID {
        encode(NodeKind::Official, self.0.id)
    }

    /// The version: 1 when created, one more with each change; updates and deletes name it.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// The stable human-readable key of the official in datasets.
    async fn key(&self) -> &str {
        &self.0.key
    }

    /// The full name, family name first ("Nguyễn Mạnh Dũng").
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// The posts held over time: all, or with `asOf` those held on that date; earliest first.
    #[graphql(complexity = "crate::limits::list_cost(child_complexity)")]
    async fn tenures(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only tenures held on this date.")] as_of: Option<Date>,
    ) -> Result<Vec<Tenure>> {
        let tenures = load_list(ctx, OfficialTenures(self.0.id)).await?;
        Ok(tenures_held(tenures, as_of).into_iter().map(Tenure).collect())
    }

    /// The conferences the official chaired, earliest first.
    #[graphql(complexity = "crate::limits::list_cost(child_complexity)")]
    async fn chaired(&self, ctx: &Context<'_>) -> Result<Vec<Conference>> {
        let parts = load_list(ctx, OfficialParticipations(self.0.id)).await?;
        let keys = parts
            .iter()
            .filter(|p| p.role == ParticipationRole::Chair.as_str())
            .map(|p| ConferenceById(p.conference_id))
            .collect();
        let mut conferences = load_many(ctx, keys).await?;
        sort_conferences(&mut conferences);
        Ok(conferences.into_iter().map(Conference).collect())
    }

    /// Every part the official took in a conference (chair, speaker, attendee, ...).
    #[graphql(complexity = "crate::limits::list_cost(child_complexity)")]
    async fn participations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only this role.")] role: Option<ParticipationRole>,
    ) -> Result<Vec<Participation>> {
        let parts = load_list(ctx, OfficialParticipations(self.0.id)).await?;
        Ok(parts.into_iter().filter(|p| role.is_none_or(|r| p.role == r.as_str())).map(Participation).collect())
    }

    /// The tasks assigned to the official, soonest due first.
    #[graphql(complexity = "crate::limits::list_cost(child_complexity)")]
    async fn tasks(&self, ctx: &Context<'_>) -> Result<Vec<Task>> {
        let assignments = load_list(ctx, OfficialAssignments(self.0.id)).await?;
        Ok(tasks_of_assignments(ctx, assignments).await?)
    }

    /// The tasks the official assigned to others, soonest due first.
    #[graphql(complexity = "crate::limits::list_cost(child_complexity)")]
    async fn tasks_given(&self, ctx: &Context<'_>) -> Result<Vec<Task>> {
        Ok(load_list(ctx, OfficialTasksGiven(self.0.id)).await?.into_iter().map(Task).collect())
    }

    /// Every change made to the official through the API, newest first.
    #[graphql(complexity = "crate::limits::page_cost(first, None, child_complexity)")]
    async fn history(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many from the start (at most 100; 20 when no size is given).")] first: Option<i32>,
        #[graphql(desc = "Start after this cursor.")] after: Option<String>,
    ) -> Result<ChangeConnection> {
        super::history::history_of(ctx, "Official", self.0.id, first, after).await
    }
}

/// A post.
#[derive(Clone)]
pub struct Post(pub post::Model);

/// A position in an organization ("Phó Bí thư Tỉnh ủy" of Tỉnh ủy Hà Giang).
#[Object]
impl Post {
    /// Every change made to the post through the API, newest first.
    #[graphql(complexity = "crate::limits::page_cost(first, None, child_complexity)")]
    async fn history(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many from the start (at most 100; 20 when no size is given).")] first: Option<i32>,
        #[graphql(desc = "Start after this cursor.")] after: Option<String>,
    ) -> Result<super::history::ChangeConnection> {
        super::history::history_of(ctx, "Post", self.0.id, first, after).await
    }

    /// The global id.
    pub async fn id(&self) -> ID {
        encode(NodeKind::Post, self.0.id)
    }

    /// The version: 1 when created, one more with each change; updates and deletes name it.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// The stable human-readable key of the post in datasets.
    async fn key(&self) -> &str {
        &self.0.key
    }

    /// The title of the post ("Phó Bí thư Tỉnh ủy").
    async fn title(&self) -> &str {
        &self.0.title
    }

    /// How many people hold the post at once, where known (1 for a secretary or a chair).
    async fn seats(&self) -> Option<i32> {
        self.0.seats
    }

    /// The organization the post is in.
    async fn organization(&self, ctx: &Context<'_>) -> Result<Option<Organization>> {
        Ok(load_one(ctx, OrganizationById(self.0.organization_id)).await?.map(Organization))
    }

    /// Who held the post, in time order: all tenures, or with `asOf` those held on that date
    /// (none when the organization did not exist then).
    #[graphql(complexity = "crate::limits::list_cost(child_complexity)")]
    async fn holders(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only tenures held on this date.")] as_of: Option<Date>,
    ) -> Result<Vec<Tenure>> {
        if as_of.is_some() {
            let organization = load_one(ctx, OrganizationById(self.0.organization_id)).await?.map(Organization);
            if organization.is_some_and(|o| !o.exists_on(as_of)) {
                return Ok(Vec::new());
            }
        }
        let tenures = load_list(ctx, PostTenures(self.0.id)).await?;
        Ok(tenures_held(tenures, as_of).into_iter().map(Tenure).collect())
    }
}

/// A tenure.
#[derive(Clone)]
pub struct Tenure(pub tenure::Model);

/// An official holding a post from a start to an end (both inclusive, each as precisely as
/// known, either possibly unknown).
#[Object]
impl Tenure {
    /// Every change made to the tenure through the API, newest first.
    #[graphql(complexity = "crate::limits::page_cost(first, None, child_complexity)")]
    async fn history(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many from the start (at most 100; 20 when no size is given).")] first: Option<i32>,
        #[graphql(desc = "Start after this cursor.")] after: Option<String>,
    ) -> Result<super::history::ChangeConnection> {
        super::history::history_of(ctx, "Tenure", self.0.id, first, after).await
    }

    /// The global id.
    pub async fn id(&self) -> ID {
        encode(NodeKind::Tenure, self.0.id)
    }

    /// The version: 1 when created, one more with each change; updates and deletes name it.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// Who held the post.
    async fn official(&self, ctx: &Context<'_>) -> Result<Option<Official>> {
        Ok(load_one(ctx, OfficialById(self.0.official_id)).await?.map(Official))
    }

    /// The post held.
    async fn post(&self, ctx: &Context<'_>) -> Result<Option<Post>> {
        Ok(load_one(ctx, PostById(self.0.post_id)).await?.map(Post))
    }

    /// The first day, as precisely as known; null when unknown.
    async fn started_on(&self) -> Option<PartialDate> {
        stored(self.0.started_on.as_deref()).map(PartialDate)
    }

    /// The last day, as precisely as known; null when unknown or still held.
    async fn ended_on(&self) -> Option<PartialDate> {
        stored(self.0.ended_on.as_deref()).map(PartialDate)
    }

    /// The tenure of the same post that began last before this one (null when this one's
    /// start is unknown or it is the first known).
    async fn predecessor(&self, ctx: &Context<'_>) -> Result<Option<Tenure>> {
        let (before, _) = neighbours(&self.0, load_list(ctx, PostTenures(self.0.post_id)).await?);
        Ok(before.map(Tenure))
    }

    /// The tenure of the same post that began next after this one.
    async fn successor(&self, ctx: &Context<'_>) -> Result<Option<Tenure>> {
        let (_, after) = neighbours(&self.0, load_list(ctx, PostTenures(self.0.post_id)).await?);
        Ok(after.map(Tenure))
    }

    /// Whether the record shows the post held on this date (unknown bounds rule nothing out).
    async fn is_held_on(&self, #[graphql(desc = "The date asked about.")] date: Date) -> bool {
        held_on(stored(self.0.started_on.as_deref()).as_ref(), stored(self.0.ended_on.as_deref()).as_ref(), date.0)
    }

    /// The sources that state this tenure.
    #[graphql(complexity = "crate::limits::list_cost(child_complexity)")]
    async fn sources(&self, ctx: &Context<'_>) -> Result<Vec<Source>> {
        Ok(sources_of(ctx, subject::TENURE, self.0.id).await?)
    }

    /// The citations of this tenure, with quotes.
    #[graphql(complexity = "crate::limits::list_cost(child_complexity)")]
    async fn citations(&self, ctx: &Context<'_>) -> Result<Vec<Citation>> {
        Ok(citations_of(ctx, subject::TENURE, self.0.id).await?)
    }
}

/// Which officials to list.
#[derive(InputObject, Default)]
pub struct OfficialFilter {
    /// Words of the name, ignoring diacritics and case ("tran manh loi" finds Trần Mạnh Lợi).
    pub text: Option<String>,
}

connection!(OfficialConnection, OfficialEdge, Official, "official", "officials");

/// Queries of officials.
#[derive(Default)]
pub struct OfficialQuery;

/// Queries of officials.
#[Object]
impl OfficialQuery {
    /// Officials matching the filter, by name unless ordered otherwise.
    #[allow(clippy::too_many_arguments)]
    #[graphql(complexity = "crate::limits::page_cost(first, last, child_complexity)")]
    async fn officials(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which officials.")] filter: Option<OfficialFilter>,
        #[graphql(desc = "The order, by several keys in the order given.")] order_by: Option<Vec<NameOrder>>,
        #[graphql(desc = "How many from the start (at most 100; 20 when no size is given).")] first: Option<i32>,
        #[graphql(desc = "Start after this cursor.")] after: Option<String>,
        #[graphql(desc = "How many from the end (at most 100).")] last: Option<i32>,
        #[graphql(desc = "End before this cursor.")] before: Option<String>,
    ) -> Result<OfficialConnection> {
        let page = page_request(first, after, last, before)?;
        let filter = StoreFilter { text: filter.and_then(|f| f.text) };
        let rows = lists::officials(db(ctx)?, &filter, &order_by.unwrap_or_default(), &page).await?;
        Ok(OfficialConnection(Parts::from_page(rows, Official)))
    }
}

/// Merging.
#[derive(Default)]
pub struct MergeMutation;

/// Merging duplicate records (EDITOR).
#[Object]
impl MergeMutation {
    /// Makes one official of two records of the same person: every reference to `remove` moves
    /// to `keep`, `remove` is deleted, and the merge is in both histories. Fails with CONFLICT
    /// unless each is at its expected version.
    async fn merge_officials(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The official to keep.")] keep: ID,
        #[graphql(desc = "The version of the one kept.")] keep_version: i32,
        #[graphql(desc = "The duplicate to remove.")] remove: ID,
        #[graphql(desc = "The version of the duplicate.")] remove_version: i32,
    ) -> Result<Official> {
        let (actor, now) = writer(ctx)?;
        let keep = (decode_as(&keep, NodeKind::Official, "keep")?, keep_version);
        let remove = (decode_as(&remove, NodeKind::Official, "remove")?, remove_version);
        Ok(Official(service::official::merge(db(ctx)?, &actor, keep, remove, now).await?))
    }
}
