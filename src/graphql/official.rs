//! Officials, the posts they hold and their tenures over time.

use super::Result;
use super::conference::{Conference, Participation, sort_conferences};
use super::evidence::{Attestation, DEFAULT_MIN_CERTAINTY, DateRange, behind, evidence_of, held, question, when};
use super::history::ChangeConnection;
use super::ids::decode_opt;
use super::ids::{NodeType, decode_as, encode};
use super::loaders::*;
use super::organization::Organization;
use super::pagination::{Parts, connection, page_request};
use super::scalars::{Date, PartialDate};
use super::source::{Citation, Source, citations_of, sources_of};
use super::source::{CitationInput, citation_fields};
use super::spend;
use super::task::{Task, tasks_of_assignments};
use super::writer;
use super::{DeletePayload, author, set_given};
use super::{db, load_list, load_many, load_one};
use crate::domain::subject;
use crate::domain::tenure::{Certainty, When, stored};
use crate::domain::vocabulary::ParticipationRole;
use crate::error::AppResult;
use crate::service;
use crate::service::{kinds, record};
use crate::store::filters::OfficialFilter as StoreFilter;
use crate::store::lists::{self, NameOrder};
use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object};
use entity::{official, post, tenure};

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
        encode(NodeType::Official, self.0.id)
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

    /// The posts held over time: all, or with `asOf` (`during`) those held on that day (on
    /// some day of that period) at least as surely as `minCertainty`, each with its
    /// `certainty`; earliest start first.
    #[graphql(complexity = "crate::limits::list_cost(child_complexity)")]
    async fn tenures(
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
        let tenures = load_list(ctx, OfficialTenures(self.0.id)).await?;
        held(ctx, tenures, question).await
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
        super::history::history_of(ctx, NodeType::Official, self.0.id, first, after).await
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
        super::history::history_of(ctx, NodeType::Post, self.0.id, first, after).await
    }

    /// The global id.
    pub async fn id(&self) -> ID {
        encode(NodeType::Post, self.0.id)
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

    /// Who held the post, in time order: all tenures, or with `asOf` (`during`) those held on
    /// that day (on some day of that period) at least as surely as `minCertainty`, each with its
    /// `certainty` (none when the organization did not exist then).
    #[graphql(complexity = "crate::limits::list_cost(child_complexity)")]
    async fn holders(
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
        let tenures = load_list(ctx, PostTenures(self.0.id)).await?;
        held(ctx, tenures, question).await
    }
}

/// A tenure, with the certainty of the question that listed it.
#[derive(Clone)]
pub struct Tenure {
    /// The row.
    pub row: tenure::Model,
    /// The day or period a membership field asked about, and how sure the answer is.
    pub judged: Option<(When, Certainty)>,
}

impl Tenure {
    /// A tenure reached other than by a question of when.
    pub fn of(row: tenure::Model) -> Self {
        Self { row, judged: None }
    }
}

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
        super::history::history_of(ctx, NodeType::Tenure, self.row.id, first, after).await
    }

    /// The global id.
    pub async fn id(&self) -> ID {
        encode(NodeType::Tenure, self.row.id)
    }

    /// The version: 1 when created, one more with each change; updates and deletes name it.
    async fn version(&self) -> i32 {
        self.row.version
    }

    /// Who held the post.
    async fn official(&self, ctx: &Context<'_>) -> Result<Option<Official>> {
        Ok(load_one(ctx, OfficialById(self.row.official_id)).await?.map(Official))
    }

    /// The post held.
    async fn post(&self, ctx: &Context<'_>) -> Result<Option<Post>> {
        Ok(load_one(ctx, PostById(self.row.post_id)).await?.map(Post))
    }

    /// The first day, as precisely as known; null when unknown.
    async fn started_on(&self) -> Option<PartialDate> {
        stored(self.row.started_on.as_deref()).map(PartialDate)
    }

    /// The last day, as precisely as known; null when unknown or still held.
    async fn ended_on(&self) -> Option<PartialDate> {
        stored(self.row.ended_on.as_deref()).map(PartialDate)
    }

    /// The tenure of the same post that began last before this one (null when this one's
    /// start is unknown or it is the first known).
    async fn predecessor(&self, ctx: &Context<'_>) -> Result<Option<Tenure>> {
        let (before, _) = neighbours(&self.row, load_list(ctx, PostTenures(self.row.post_id)).await?);
        Ok(before.map(Tenure::of))
    }

    /// The tenure of the same post that began next after this one.
    async fn successor(&self, ctx: &Context<'_>) -> Result<Option<Tenure>> {
        let (_, after) = neighbours(&self.row, load_list(ctx, PostTenures(self.row.post_id)).await?);
        Ok(after.map(Tenure::of))
    }

    /// Whether the post was held on this day at least as surely as `minCertainty` (the
    /// same rule as `Official.tenures(asOf:)`, the organization's end included).
    async fn is_held_on(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The day asked about.")] date: Date,
        #[graphql(desc = "The weakest certainty that counts as held (INFERRED when omitted).")] min_certainty: Option<
            Certainty,
        >,
    ) -> Result<bool> {
        let evidence = evidence_of(ctx, self.row.id).await?;
        let min = min_certainty.unwrap_or(DEFAULT_MIN_CERTAINTY);
        Ok(evidence.evidence.on(date.0).is_some_and(|c| c >= min))
    }

    /// How sure it is that the post was held on the day `asOf` (on some day of the period
    /// `during`); without either, on the day or period of the field that listed the tenure
    /// (null when it asked none). Null when the record rules it out.
    async fn certainty(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The day asked about.")] as_of: Option<Date>,
        #[graphql(desc = "The period asked about.")] during: Option<DateRange>,
    ) -> Result<Option<Certainty>> {
        match when(as_of, during)? {
            Some(when) => Ok(when.judge(&evidence_of(ctx, self.row.id).await?.evidence)),
            None => Ok(self.judged.map(|(_, certainty)| certainty)),
        }
    }

    /// The attestations the certainty rests on: those on the day (within the period) asked
    /// about, else those of the last day attested before it and of the first after it; with neither `asOf` nor `during`,
    /// for the question of the field that listed the tenure (empty when it asked none).
    #[graphql(complexity = "crate::limits::list_cost(child_complexity)")]
    async fn evidence(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The day asked about.")] as_of: Option<Date>,
        #[graphql(desc = "The period asked about.")] during: Option<DateRange>,
    ) -> Result<Vec<Attestation>> {
        let Some(when) = when(as_of, during)?.or(self.judged.map(|(when, _)| when)) else {
            return Ok(Vec::new());
        };
        let found = evidence_of(ctx, self.row.id).await?;
        let behind = behind(&found.attested, when);
        spend(ctx, behind.len()).await?;
        Ok(behind.into_iter().map(Attestation).collect())
    }

    /// Every attestation of the tenure, earliest first: recorded ones, its citations (on the
    /// day each source was published) and the conferences where the official was named with
    /// the post's title.
    #[graphql(complexity = "crate::limits::list_cost(child_complexity)")]
    async fn attestations(&self, ctx: &Context<'_>) -> Result<Vec<Attestation>> {
        let found = evidence_of(ctx, self.row.id).await?;
        spend(ctx, found.attested.len()).await?;
        Ok(found.attested.iter().cloned().map(Attestation).collect())
    }

    /// The earliest day a source attests, null when none does.
    async fn first_attested_on(&self, ctx: &Context<'_>) -> Result<Option<PartialDate>> {
        let found = evidence_of(ctx, self.row.id).await?;
        Ok(found.attested.iter().min_by_key(|a| a.on.earliest()).map(|a| PartialDate(a.on)))
    }

    /// The latest day a source attests, null when none does.
    async fn last_attested_on(&self, ctx: &Context<'_>) -> Result<Option<PartialDate>> {
        let found = evidence_of(ctx, self.row.id).await?;
        Ok(found.attested.iter().max_by_key(|a| a.on.latest()).map(|a| PartialDate(a.on)))
    }

    /// The sources that state this tenure.
    #[graphql(complexity = "crate::limits::list_cost(child_complexity)")]
    async fn sources(&self, ctx: &Context<'_>) -> Result<Vec<Source>> {
        Ok(sources_of(ctx, subject::TENURE, self.row.id).await?)
    }

    /// The citations of this tenure, with quotes.
    #[graphql(complexity = "crate::limits::list_cost(child_complexity)")]
    async fn citations(&self, ctx: &Context<'_>) -> Result<Vec<Citation>> {
        Ok(citations_of(ctx, subject::TENURE, self.row.id).await?)
    }
}

/// Which officials to list.
#[derive(InputObject, Default)]
pub struct OfficialFilter {
    /// Words of the name, ignoring diacritics and case ("tran manh loi" finds Trần Mạnh Lợi).
    pub text: Option<String>,
}

connection!(OfficialConnection, OfficialEdge, Official, "official", "officials");

/// Which posts to list.
#[derive(InputObject, Default)]
pub struct PostFilter {
    /// Words of the title, ignoring diacritics and case ("pho bi thu" finds Phó Bí thư Tỉnh ủy).
    pub text: Option<String>,
    /// Only the posts of this organization.
    pub organization: Option<ID>,
}

connection!(PostConnection, PostEdge, Post, "post", "posts");

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

    /// Posts matching the filter, by title unless ordered otherwise.
    #[allow(clippy::too_many_arguments)]
    #[graphql(complexity = "crate::limits::page_cost(first, last, child_complexity)")]
    async fn posts(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which posts.")] filter: Option<PostFilter>,
        #[graphql(desc = "The order, by several keys in the order given (by title).")] order_by: Option<Vec<NameOrder>>,
        #[graphql(desc = "How many from the start (at most 100; 20 when no size is given).")] first: Option<i32>,
        #[graphql(desc = "Start after this cursor.")] after: Option<String>,
        #[graphql(desc = "How many from the end (at most 100).")] last: Option<i32>,
        #[graphql(desc = "End before this cursor.")] before: Option<String>,
    ) -> Result<PostConnection> {
        let page = page_request(first, after, last, before)?;
        let filter = filter.unwrap_or_default();
        let organization = decode_opt(filter.organization, NodeType::Organization, "filter.organization")?;
        let filter =
            crate::store::filters::PostFilter { text: filter.text, organizations: organization.map(|o| vec![o]) };
        let rows = lists::posts(db(ctx)?, &filter, &order_by.unwrap_or_default(), &page).await?;
        Ok(PostConnection(Parts::from_page(rows, Post)))
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
        let keep = (decode_as(&keep, NodeType::Official, "keep")?, keep_version);
        let remove = (decode_as(&remove, NodeType::Official, "remove")?, remove_version);
        Ok(Official(service::official::merge(db(ctx)?, &actor, keep, remove, now).await?))
    }
}

// ---------------------------------------------------------------------------------------------
// Changes.

/// A new official.
#[derive(InputObject)]
pub struct CreateOfficialInput {
    /// The full name, family name first.
    pub name: String,
    /// The dataset key; made from the name when omitted.
    pub key: Option<String>,
}

impl CreateOfficialInput {
    /// The key given and the official's fields.
    pub(crate) fn fields(self) -> AppResult<(Option<String>, kinds::OfficialFields)> {
        Ok((self.key, kinds::OfficialFields { key: String::new(), name: self.name }))
    }
}

/// The fields of an official to change; those omitted stay as they are.
#[derive(InputObject)]
pub struct UpdateOfficialInput {
    /// The full name.
    pub name: Option<String>,
    /// The dataset key.
    pub key: Option<String>,
}

impl UpdateOfficialInput {
    fn change(self) -> AppResult<impl FnOnce(&mut kinds::OfficialFields) -> AppResult<()> + Send> {
        Ok(move |f: &mut kinds::OfficialFields| {
            set_given(&mut f.name, self.name);
            set_given(&mut f.key, self.key);
            Ok(())
        })
    }
}

/// Changes to Official nodes (EDITOR).
#[derive(Default)]
pub struct OfficialMutation;

/// Changes to Official nodes (EDITOR).
#[Object]
impl OfficialMutation {
    /// Records a new official.
    async fn create_official(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new node's fields.")] input: CreateOfficialInput,
    ) -> Result<Official> {
        let (actor, now) = writer(ctx)?;
        let (key, fields) = input.fields()?;
        Ok(Official(record::create::<kinds::Official>(db(ctx)?, author(ctx, &actor, now), key, fields).await?))
    }

    /// Changes the fields given; fails with CONFLICT unless the official is still at `expectedVersion`.
    async fn update_official(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The node's global id.")] id: ID,
        #[graphql(desc = "The version the change was made against.")] expected_version: i32,
        #[graphql(desc = "The fields to change: omitted fields stay, `null` clears.")] input: UpdateOfficialInput,
    ) -> Result<Official> {
        let (actor, now) = writer(ctx)?;
        let row_id = decode_as(&id, NodeType::Official, "id")?;
        let change = input.change()?;
        let author = author(ctx, &actor, now);
        Ok(Official(record::update::<kinds::Official>(db(ctx)?, author, row_id, expected_version, change).await?))
    }

    /// Deletes an official with their tenures, participations and assignments; fails with CONFLICT unless it is still at `expectedVersion`.
    async fn delete_official(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The node's global id.")] id: ID,
        #[graphql(desc = "The version the deletion was decided on.")] expected_version: i32,
    ) -> Result<DeletePayload> {
        let (actor, now) = writer(ctx)?;
        let row_id = decode_as(&id, NodeType::Official, "id")?;
        record::delete::<kinds::Official>(db(ctx)?, author(ctx, &actor, now), row_id, expected_version).await?;
        Ok(DeletePayload { id })
    }
}

/// A new post.
#[derive(InputObject)]
pub struct CreatePostInput {
    /// The title ("Phó Bí thư Thường trực Tỉnh ủy").
    pub title: String,
    /// The organization it belongs to.
    pub organization: ID,
    /// How many hold it at once (several deputies); one when omitted.
    pub seats: Option<i32>,
    /// The dataset key; made from the title when omitted.
    pub key: Option<String>,
}

impl CreatePostInput {
    fn fields(self) -> AppResult<(Option<String>, kinds::PostFields)> {
        let organization = decode_as(&self.organization, NodeType::Organization, "input.organization")?;
        Ok((self.key, kinds::PostFields { key: String::new(), title: self.title, organization, seats: self.seats }))
    }
}

/// The fields of a post to change: omitted fields stay, `null` clears.
#[derive(InputObject)]
pub struct UpdatePostInput {
    /// The title.
    pub title: Option<String>,
    /// The organization it belongs to.
    pub organization: Option<ID>,
    /// How many hold it at once.
    pub seats: MaybeUndefined<i32>,
    /// The dataset key.
    pub key: Option<String>,
}

impl UpdatePostInput {
    fn change(self) -> AppResult<impl FnOnce(&mut kinds::PostFields) -> AppResult<()> + Send> {
        let organization = decode_opt(self.organization, NodeType::Organization, "input.organization")?;
        Ok(move |f: &mut kinds::PostFields| {
            set_given(&mut f.title, self.title);
            set_given(&mut f.organization, organization);
            self.seats.update_to(&mut f.seats);
            set_given(&mut f.key, self.key);
            Ok(())
        })
    }
}

/// Changes to Post nodes (EDITOR).
#[derive(Default)]
pub struct PostMutation;

/// Changes to Post nodes (EDITOR).
#[Object]
impl PostMutation {
    /// Records a new post.
    async fn create_post(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new node's fields.")] input: CreatePostInput,
    ) -> Result<Post> {
        let (actor, now) = writer(ctx)?;
        let (key, fields) = input.fields()?;
        Ok(Post(record::create::<kinds::Post>(db(ctx)?, author(ctx, &actor, now), key, fields).await?))
    }

    /// Changes the fields given; fails with CONFLICT unless the post is still at `expectedVersion`.
    async fn update_post(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The node's global id.")] id: ID,
        #[graphql(desc = "The version the change was made against.")] expected_version: i32,
        #[graphql(desc = "The fields to change: omitted fields stay, `null` clears.")] input: UpdatePostInput,
    ) -> Result<Post> {
        let (actor, now) = writer(ctx)?;
        let row_id = decode_as(&id, NodeType::Post, "id")?;
        let change = input.change()?;
        let author = author(ctx, &actor, now);
        Ok(Post(record::update::<kinds::Post>(db(ctx)?, author, row_id, expected_version, change).await?))
    }

    /// Deletes a post with its tenures; fails with CONFLICT unless it is still at `expectedVersion`.
    async fn delete_post(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The node's global id.")] id: ID,
        #[graphql(desc = "The version the deletion was decided on.")] expected_version: i32,
    ) -> Result<DeletePayload> {
        let (actor, now) = writer(ctx)?;
        let row_id = decode_as(&id, NodeType::Post, "id")?;
        record::delete::<kinds::Post>(db(ctx)?, author(ctx, &actor, now), row_id, expected_version).await?;
        Ok(DeletePayload { id })
    }
}

/// A new tenure.
#[derive(InputObject)]
pub struct CreateTenureInput {
    /// The official.
    pub official: ID,
    /// The post.
    pub post: ID,
    /// From when (inclusive), as precisely as known.
    pub started_on: Option<PartialDate>,
    /// Until when (inclusive); omitted while it lasts.
    pub ended_on: Option<PartialDate>,
    /// The sources that state it.
    pub citations: Option<Vec<CitationInput>>,
    /// The days sources attest it, beyond those its citations and the conferences'
    /// participants attest.
    pub attestations: Option<Vec<AttestationInput>>,
}

/// A source saying that the official held the post on a day.
#[derive(InputObject)]
pub struct AttestationInput {
    /// The source.
    pub source: ID,
    /// The day attested (or the month, the year, where the source says no more).
    pub on: PartialDate,
    /// The title as the source prints it beside the name.
    pub title: Option<String>,
    /// The words of the source that state it.
    pub quote: Option<String>,
}

fn attestation_fields(given: Option<Vec<AttestationInput>>) -> AppResult<Option<Vec<kinds::AttestationFields>>> {
    given
        .map(|list| {
            list.into_iter()
                .enumerate()
                .map(|(i, a)| {
                    Ok(kinds::AttestationFields {
                        source: decode_as(&a.source, NodeType::Source, &format!("input.attestations[{i}].source"))?,
                        on: a.on.0,
                        title: a.title,
                        quote: a.quote,
                    })
                })
                .collect()
        })
        .transpose()
}

impl CreateTenureInput {
    fn fields(self) -> AppResult<(Option<String>, kinds::TenureFields)> {
        Ok((
            None,
            kinds::TenureFields {
                official: decode_as(&self.official, NodeType::Official, "input.official")?,
                post: decode_as(&self.post, NodeType::Post, "input.post")?,
                started_on: self.started_on.map(|d| d.0),
                ended_on: self.ended_on.map(|d| d.0),
                citations: citation_fields(self.citations, "input.citations")?.unwrap_or_default(),
                attestations: attestation_fields(self.attestations)?.unwrap_or_default(),
            },
        ))
    }
}

/// The fields of a tenure to change: omitted fields stay, `null` clears; `citations` and
/// `attestations` replace the stored ones.
#[derive(InputObject)]
pub struct UpdateTenureInput {
    /// The official.
    pub official: Option<ID>,
    /// The post.
    pub post: Option<ID>,
    /// From when.
    pub started_on: MaybeUndefined<PartialDate>,
    /// Until when.
    pub ended_on: MaybeUndefined<PartialDate>,
    /// The sources that state it.
    pub citations: Option<Vec<CitationInput>>,
    /// The days sources attest it (recorded ones; those of citations and participations follow
    /// from them).
    pub attestations: Option<Vec<AttestationInput>>,
}

impl UpdateTenureInput {
    fn change(self) -> AppResult<impl FnOnce(&mut kinds::TenureFields) -> AppResult<()> + Send> {
        let official = decode_opt(self.official, NodeType::Official, "input.official")?;
        let post = decode_opt(self.post, NodeType::Post, "input.post")?;
        let citations = citation_fields(self.citations, "input.citations")?;
        let attestations = attestation_fields(self.attestations)?;
        Ok(move |f: &mut kinds::TenureFields| {
            set_given(&mut f.official, official);
            set_given(&mut f.post, post);
            self.started_on.map_value(|d| d.0).update_to(&mut f.started_on);
            self.ended_on.map_value(|d| d.0).update_to(&mut f.ended_on);
            set_given(&mut f.citations, citations);
            set_given(&mut f.attestations, attestations);
            Ok(())
        })
    }
}

/// Changes to Tenure nodes (EDITOR).
#[derive(Default)]
pub struct TenureMutation;

/// Changes to Tenure nodes (EDITOR).
#[Object]
impl TenureMutation {
    /// Records that an official holds (or held) a post.
    async fn create_tenure(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new node's fields.")] input: CreateTenureInput,
    ) -> Result<Tenure> {
        let (actor, now) = writer(ctx)?;
        let (key, fields) = input.fields()?;
        Ok(Tenure::of(record::create::<kinds::Tenure>(db(ctx)?, author(ctx, &actor, now), key, fields).await?))
    }

    /// Changes the fields given; fails with CONFLICT unless the tenure is still at `expectedVersion`.
    async fn update_tenure(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The node's global id.")] id: ID,
        #[graphql(desc = "The version the change was made against.")] expected_version: i32,
        #[graphql(desc = "The fields to change: omitted fields stay, `null` clears.")] input: UpdateTenureInput,
    ) -> Result<Tenure> {
        let (actor, now) = writer(ctx)?;
        let row_id = decode_as(&id, NodeType::Tenure, "id")?;
        let change = input.change()?;
        let author = author(ctx, &actor, now);
        Ok(Tenure::of(record::update::<kinds::Tenure>(db(ctx)?, author, row_id, expected_version, change).await?))
    }

    /// Deletes a tenure; fails with CONFLICT unless it is still at `expectedVersion`.
    async fn delete_tenure(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The node's global id.")] id: ID,
        #[graphql(desc = "The version the deletion was decided on.")] expected_version: i32,
    ) -> Result<DeletePayload> {
        let (actor, now) = writer(ctx)?;
        let row_id = decode_as(&id, NodeType::Tenure, "id")?;
        record::delete::<kinds::Tenure>(db(ctx)?, author(ctx, &actor, now), row_id, expected_version).await?;
        Ok(DeletePayload { id })
    }
}
