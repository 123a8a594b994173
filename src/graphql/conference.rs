//! Conferences and meetings, who took part in what role, and what they did with directives.

use super::area::Area;
use super::directive::Directive;
use super::ids::{NodeKind, decode_as, encode};
use super::loaders::*;
use super::official::Official;
use super::organization::Organization;
use super::pagination::{Parts, check_depth, connection, page_request};
use super::scalars::{Date, DateTime, TimeZone};
use super::source::{Citation, Source, citations_of, sources_of};
use super::task::Task;
use super::{db, load_list, load_many, load_one, vocabulary};
use crate::domain::subject;
use crate::domain::time::parse_time_zone;
use crate::domain::vocabulary::*;
use crate::error::AppResult;
use crate::store::filters::ConferenceFilter as StoreFilter;
use crate::store::lists::{self, ConferenceOrder};
use async_graphql::{Context, ID, InputObject, Object, Result};
use entity::{conference, conference_directive, participation};

/// Orders conferences by date, part of day, start and id, as lists do by default.
pub(crate) fn sort_conferences(conferences: &mut [conference::Model]) {
    conferences.sort_by_key(|c| {
        let rank = c.part_of_day.as_deref().and_then(PartOfDay::parse).map_or(0, PartOfDay::rank);
        (c.date, rank, c.starts_at, c.id)
    });
}

/// A conference.
#[derive(Clone)]
pub struct Conference(pub conference::Model);

/// A conference or meeting: when (a local date, a part of day, exact instants where known),
/// where, in which form, organized by whom, who took part, which directives it handled and
/// which tasks it assigned.
#[Object]
impl Conference {
    /// Every change made to the conference through the API, newest first.
    #[graphql(complexity = "crate::limits::page_cost(first, None, child_complexity)")]
    async fn history(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many from the start (at most 100; 20 when no size is given).")] first: Option<i32>,
        #[graphql(desc = "Start after this cursor.")] after: Option<String>,
    ) -> Result<super::history::ChangeConnection> {
        super::history::history_of(ctx, "Conference", self.0.id, first, after).await
    }

    /// The global id.
    pub async fn id(&self) -> ID {
        encode(NodeKind::Conference, self.0.id)
    }

    /// The version: 1 when created, one more with each change; updates and deletes name it.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// The stable human-readable key of the conference in datasets.
    async fn key(&self) -> &str {
        &self.0.key
    }

    /// The title as reported.
    async fn title(&self) -> &str {
        &self.0.title
    }

    /// What kind of gathering it was.
    async fn kind(&self) -> Result<ConferenceKind> {
        Ok(vocabulary(&self.0.kind, ConferenceKind::parse)?)
    }

    /// In person, online or both.
    async fn format(&self) -> Result<ConferenceFormat> {
        Ok(vocabulary(&self.0.format, ConferenceFormat::parse)?)
    }

    /// The local date it was held, in `timeZone`.
    async fn date(&self) -> Date {
        Date(self.0.date)
    }

    /// The part of the day, where the report gives only that.
    async fn part_of_day(&self) -> Result<Option<PartOfDay>> {
        Ok(self.0.part_of_day.as_deref().map(|p| vocabulary(p, PartOfDay::parse)).transpose()?)
    }

    /// When it started, where known.
    async fn starts_at(&self) -> Option<DateTime> {
        self.0.starts_at.map(DateTime)
    }

    /// When it ended, where known.
    async fn ends_at(&self) -> Option<DateTime> {
        self.0.ends_at.map(DateTime)
    }

    /// The IANA time zone its date is local to.
    async fn time_zone(&self) -> Result<TimeZone> {
        Ok(TimeZone(parse_time_zone(&self.0.time_zone).map_err(crate::error::AppError::internal)?))
    }

    /// Where it was held ("phòng họp BTV Tỉnh ủy").
    async fn venue(&self) -> Option<&str> {
        self.0.venue.as_deref()
    }

    /// The area it was held in.
    async fn area(&self, ctx: &Context<'_>) -> Result<Option<Area>> {
        match self.0.area_id {
            Some(id) => Ok(load_one(ctx, AreaById(id)).await?.map(Area)),
            None => Ok(None),
        }
    }

    /// The organizations that organized it.
    #[graphql(complexity = "crate::limits::list_cost(child_complexity)")]
    async fn organizers(&self, ctx: &Context<'_>) -> Result<Vec<Organization>> {
        let links = load_list(ctx, ConferenceOrganizers(self.0.id)).await?;
        let keys = links.iter().map(|l| OrganizationById(l.organization_id)).collect();
        Ok(load_many(ctx, keys).await?.into_iter().map(Organization).collect())
    }

    /// The officials who chaired it, in the order the report names them.
    #[graphql(complexity = "crate::limits::list_cost(child_complexity)")]
    async fn chairs(&self, ctx: &Context<'_>) -> Result<Vec<Official>> {
        let parts = load_list(ctx, ConferenceParticipations(self.0.id)).await?;
        let keys = parts
            .iter()
            .filter(|p| p.role == ParticipationRole::Chair.as_str())
            .map(|p| OfficialById(p.official_id))
            .collect();
        Ok(load_many(ctx, keys).await?.into_iter().map(Official).collect())
    }

    /// Who took part and how: all participations, or those of one role.
    #[graphql(complexity = "crate::limits::list_cost(child_complexity)")]
    async fn participants(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only this role.")] role: Option<ParticipationRole>,
    ) -> Result<Vec<Participation>> {
        let parts = load_list(ctx, ConferenceParticipations(self.0.id)).await?;
        Ok(parts.into_iter().filter(|p| role.is_none_or(|r| p.role == r.as_str())).map(Participation).collect())
    }

    /// The directives it handled, each with what it did with them.
    #[graphql(complexity = "crate::limits::list_cost(child_complexity)")]
    async fn directives(&self, ctx: &Context<'_>) -> Result<Vec<ConferenceDirective>> {
        let links = load_list(ctx, ConferenceDirectives(self.0.id)).await?;
        Ok(links.into_iter().map(ConferenceDirective).collect())
    }

    /// The tasks assigned at it, soonest due first.
    #[graphql(complexity = "crate::limits::list_cost(child_complexity)")]
    async fn tasks(&self, ctx: &Context<'_>) -> Result<Vec<Task>> {
        Ok(load_list(ctx, ConferenceTasks(self.0.id)).await?.into_iter().map(Task).collect())
    }

    /// The sources that report it.
    #[graphql(complexity = "crate::limits::list_cost(child_complexity)")]
    async fn sources(&self, ctx: &Context<'_>) -> Result<Vec<Source>> {
        Ok(sources_of(ctx, subject::CONFERENCE, self.0.id).await?)
    }

    /// The citations of it, with quotes.
    #[graphql(complexity = "crate::limits::list_cost(child_complexity)")]
    async fn citations(&self, ctx: &Context<'_>) -> Result<Vec<Citation>> {
        Ok(citations_of(ctx, subject::CONFERENCE, self.0.id).await?)
    }
}

/// A participation.
#[derive(Clone)]
pub struct Participation(pub participation::Model);

/// An official's part in a conference: the role, the capacity the report gives, and the
/// organization represented.
#[Object]
impl Participation {
    /// Every change made to the participation through the API, newest first.
    #[graphql(complexity = "crate::limits::page_cost(first, None, child_complexity)")]
    async fn history(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many from the start (at most 100; 20 when no size is given).")] first: Option<i32>,
        #[graphql(desc = "Start after this cursor.")] after: Option<String>,
    ) -> Result<super::history::ChangeConnection> {
        super::history::history_of(ctx, "Participation", self.0.id, first, after).await
    }

    /// The global id.
    pub async fn id(&self) -> ID {
        encode(NodeKind::Participation, self.0.id)
    }

    /// The version: 1 when created, one more with each change; updates and deletes name it.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// The role (chair, speaker, reporter, attendee, ...).
    async fn role(&self) -> Result<ParticipationRole> {
        Ok(vocabulary(&self.0.role, ParticipationRole::parse)?)
    }

    /// The capacity as the report states it ("Phó Bí thư Tỉnh ủy").
    async fn capacity(&self) -> Option<&str> {
        self.0.capacity.as_deref()
    }

    /// The official.
    async fn official(&self, ctx: &Context<'_>) -> Result<Option<Official>> {
        Ok(load_one(ctx, OfficialById(self.0.official_id)).await?.map(Official))
    }

    /// The organization the official represented.
    async fn organization(&self, ctx: &Context<'_>) -> Result<Option<Organization>> {
        match self.0.organization_id {
            Some(id) => Ok(load_one(ctx, OrganizationById(id)).await?.map(Organization)),
            None => Ok(None),
        }
    }

    /// The conference.
    async fn conference(&self, ctx: &Context<'_>) -> Result<Option<Conference>> {
        Ok(load_one(ctx, ConferenceById(self.0.conference_id)).await?.map(Conference))
    }

    /// The posts the official held on the conference's date (as their known bounds allow): the
    /// capacity they most likely took part in, where the report does not say.
    #[graphql(complexity = "crate::limits::list_cost(child_complexity)")]
    async fn posts_held(&self, ctx: &Context<'_>) -> Result<Vec<super::official::Tenure>> {
        let Some(conference) = load_one(ctx, ConferenceById(self.0.conference_id)).await? else {
            return Ok(Vec::new());
        };
        let tenures = load_list(ctx, OfficialTenures(self.0.official_id)).await?;
        Ok(super::official::tenures_held(tenures, Some(Date(conference.date)))
            .into_iter()
            .map(super::official::Tenure)
            .collect())
    }

    /// The sources that state this participation.
    #[graphql(complexity = "crate::limits::list_cost(child_complexity)")]
    async fn sources(&self, ctx: &Context<'_>) -> Result<Vec<Source>> {
        Ok(sources_of(ctx, subject::PARTICIPATION, self.0.id).await?)
    }

    /// The citations of this participation, with quotes.
    #[graphql(complexity = "crate::limits::list_cost(child_complexity)")]
    async fn citations(&self, ctx: &Context<'_>) -> Result<Vec<Citation>> {
        Ok(citations_of(ctx, subject::PARTICIPATION, self.0.id).await?)
    }
}

/// A directive handled at a conference.
#[derive(Clone)]
pub struct ConferenceDirective(pub conference_directive::Model);

/// A directive a conference handled, and what it did with it.
#[Object]
impl ConferenceDirective {
    /// What the conference did with the directive.
    async fn relation(&self) -> Result<ConferenceDirectiveRelation> {
        Ok(vocabulary(&self.0.relation, ConferenceDirectiveRelation::parse)?)
    }

    /// The directive.
    async fn directive(&self, ctx: &Context<'_>) -> Result<Option<Directive>> {
        Ok(load_one(ctx, DirectiveById(self.0.directive_id)).await?.map(Directive))
    }

    /// The sources that state what the conference did with the directive.
    #[graphql(complexity = "crate::limits::list_cost(child_complexity)")]
    async fn sources(&self, ctx: &Context<'_>) -> Result<Vec<Source>> {
        Ok(sources_of(ctx, subject::CONFERENCE_DIRECTIVE, self.0.id).await?)
    }

    /// The citations of this link, with quotes.
    #[graphql(complexity = "crate::limits::list_cost(child_complexity)")]
    async fn citations(&self, ctx: &Context<'_>) -> Result<Vec<Citation>> {
        Ok(citations_of(ctx, subject::CONFERENCE_DIRECTIVE, self.0.id).await?)
    }

    /// The conference.
    async fn conference(&self, ctx: &Context<'_>) -> Result<Option<Conference>> {
        Ok(load_one(ctx, ConferenceById(self.0.conference_id)).await?.map(Conference))
    }
}

/// Which conferences to list; every condition given must hold.
#[derive(InputObject, Default)]
pub struct ConferenceFilter {
    /// On or after this local date.
    pub from: Option<Date>,
    /// On or before this local date.
    pub to: Option<Date>,
    /// Held in this area or an area inside it.
    pub area: Option<ID>,
    /// Organized by this organization.
    pub organizer: Option<ID>,
    /// Chaired by this official.
    pub chaired_by: Option<ID>,
    /// Handling this directive.
    pub directive: Option<ID>,
    /// Of these kinds.
    pub kind: Option<Vec<ConferenceKind>>,
    /// In these formats.
    pub format: Option<Vec<ConferenceFormat>>,
    /// Words of the title or venue, ignoring diacritics and case.
    pub text: Option<String>,
    /// Filters that must all hold as well.
    pub and: Option<Vec<ConferenceFilter>>,
    /// Filters of which at least one must hold as well.
    pub or: Option<Vec<ConferenceFilter>>,
    /// Filters none of which may hold.
    pub not: Option<Vec<ConferenceFilter>>,
}

impl ConferenceFilter {
    pub(crate) fn into_store(self, depth: usize) -> AppResult<StoreFilter> {
        let nested = |list: Option<Vec<ConferenceFilter>>| -> AppResult<Vec<StoreFilter>> {
            if list.as_ref().is_some_and(|l| !l.is_empty()) {
                check_depth(depth)?;
            }
            list.unwrap_or_default().into_iter().map(|f| f.into_store(depth + 1)).collect()
        };
        Ok(StoreFilter {
            and: nested(self.and)?,
            or: nested(self.or)?,
            not: nested(self.not)?,
            areas: None,
            from: self.from.map(|d| d.0),
            to: self.to.map(|d| d.0),
            area: self.area.map(|id| decode_as(&id, NodeKind::Area, "filter.area")).transpose()?,
            organizer: self
                .organizer
                .map(|id| decode_as(&id, NodeKind::Organization, "filter.organizer"))
                .transpose()?,
            chaired_by: self.chaired_by.map(|id| decode_as(&id, NodeKind::Official, "filter.chairedBy")).transpose()?,
            directive: self.directive.map(|id| decode_as(&id, NodeKind::Directive, "filter.directive")).transpose()?,
            kinds: self.kind,
            formats: self.format,
            text: self.text,
        })
    }
}

connection!(ConferenceConnection, ConferenceEdge, Conference, "conference", "conferences");

/// Queries of conferences.
#[derive(Default)]
pub struct ConferenceQuery;

/// Queries of conferences.
#[Object]
impl ConferenceQuery {
    /// Conferences matching the filter; by default earliest first (date, part of day, start).
    #[allow(clippy::too_many_arguments)]
    #[graphql(complexity = "crate::limits::page_cost(first, last, child_complexity)")]
    async fn conferences(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which conferences.")] filter: Option<ConferenceFilter>,
        #[graphql(desc = "The order, by several keys in the order given.")] order_by: Option<Vec<ConferenceOrder>>,
        #[graphql(desc = "How many from the start (at most 100; 20 when no size is given).")] first: Option<i32>,
        #[graphql(desc = "Start after this cursor.")] after: Option<String>,
        #[graphql(desc = "How many from the end (at most 100).")] last: Option<i32>,
        #[graphql(desc = "End before this cursor.")] before: Option<String>,
    ) -> Result<ConferenceConnection> {
        let page = page_request(first, after, last, before)?;
        let filter = filter.unwrap_or_default().into_store(0)?;
        let rows = lists::conferences(db(ctx)?, &filter, &order_by.unwrap_or_default(), &page).await?;
        Ok(ConferenceConnection(Parts::from_page(rows, Conference)))
    }
}
