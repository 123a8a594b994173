//! Conferences and meetings, who took part in what role, and what they did with directives.

use super::Result;
use super::area::Area;
use super::directive::Directive;
use super::ids::{NodeType, decode_as, encode};
use super::ids::{decode_list, decode_maybe, decode_opt};
use super::loaders::*;
use super::official::CreateOfficialInput;
use super::official::Official;
use super::organization::Organization;
use super::pagination::{Parts, check_depth, connection, page_request};
use super::scalars::{Date, DateTime, PartialDate, TimeZone};
use super::source::{Citation, Source, citations_of, sources_of};
use super::source::{CitationInput, citation_fields};
use super::task::Task;
use super::task::{CreateTaskInput, task_input};
use super::{DeletePayload, author, set_given, writer};
use super::{db, load_list, load_many, load_one, vocabulary};
use crate::domain::subject;
use crate::domain::tenure::Certainty;
use crate::domain::time::DEFAULT_TIME_ZONE;
use crate::domain::time::parse_time_zone;
use crate::domain::vocabulary::*;
use crate::error::AppError;
use crate::error::AppResult;
use crate::service::{conference as conference_service, kinds, record};
use crate::store::filters::ConferenceFilter as StoreFilter;
use crate::store::lists::{self, ConferenceOrder};
use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object};
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
        super::history::history_of(ctx, NodeType::Conference, self.0.id, first, after).await
    }

    /// The global id.
    pub async fn id(&self) -> ID {
        encode(NodeType::Conference, self.0.id)
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

    /// The local date it was held, in `timeZone`, as precisely as the report gives it (a day,
    /// a month or a year).
    async fn date(&self) -> PartialDate {
        PartialDate(crate::store::conference_date(&self.0))
    }

    /// How much of the date is known: the day, the month or the year.
    async fn date_precision(&self) -> crate::domain::partial_date::Precision {
        crate::store::conference_date(&self.0).precision()
    }

    /// Whether the date was inferred rather than printed (a year taken from the report's
    /// publication date, where it gives only "26-7").
    async fn date_inferred(&self) -> bool {
        self.0.date_inferred
    }

    /// From what the date was inferred, or what else a reader should know of it.
    async fn date_note(&self) -> Option<&str> {
        self.0.date_note.as_deref()
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

    /// Organizations that took part as bodies, where the report names no one of them ("lãnh đạo
    /// Ủy ban MTTQ và các sở, ngành"), with their part.
    #[graphql(complexity = "crate::limits::list_cost(child_complexity)")]
    async fn bodies(&self, ctx: &Context<'_>) -> Result<Vec<ConferenceBody>> {
        let rows = load_list(ctx, ConferenceBodies(self.0.id)).await?;
        Ok(rows.into_iter().map(ConferenceBody).collect())
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
        super::history::history_of(ctx, NodeType::Participation, self.0.id, first, after).await
    }

    /// The global id.
    pub async fn id(&self) -> ID {
        encode(NodeType::Participation, self.0.id)
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

    /// The posts the official held on the conference's date at least as surely as
    /// `minCertainty`, each with its certainty: the capacity they most likely took part in,
    /// where the report does not say.
    #[graphql(complexity = "crate::limits::list_cost(child_complexity)")]
    async fn posts_held(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The weakest certainty that counts as held (INFERRED when omitted).")] min_certainty: Option<
            Certainty,
        >,
    ) -> Result<Vec<super::official::Tenure>> {
        let Some(conference) = load_one(ctx, ConferenceById(self.0.conference_id)).await? else {
            return Ok(Vec::new());
        };
        let tenures = load_list(ctx, OfficialTenures(self.0.official_id)).await?;
        let day = crate::store::conference_date(&conference);
        let range = super::evidence::DateRange { from: Date(day.earliest()), to: Date(day.latest()) };
        let question = super::evidence::question(None, Some(range), min_certainty)?;
        super::evidence::held(ctx, tenures, question).await
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
    /// With this official taking part, in any role.
    pub participant: Option<ID>,
    /// Handling this directive.
    pub directive: Option<ID>,
    /// Handling a directive of one of these kinds.
    pub directive_kind: Option<Vec<DirectiveKind>>,
    /// Handling a directive (the one named in `directive`, if any) in one of these ways.
    pub directive_relation: Option<Vec<ConferenceDirectiveRelation>>,
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
            area: self.area.map(|id| decode_as(&id, NodeType::Area, "filter.area")).transpose()?,
            organizer: self
                .organizer
                .map(|id| decode_as(&id, NodeType::Organization, "filter.organizer"))
                .transpose()?,
            chaired_by: self.chaired_by.map(|id| decode_as(&id, NodeType::Official, "filter.chairedBy")).transpose()?,
            participant: self
                .participant
                .map(|id| decode_as(&id, NodeType::Official, "filter.participant"))
                .transpose()?,
            directive: self.directive.map(|id| decode_as(&id, NodeType::Directive, "filter.directive")).transpose()?,
            directive_kinds: self.directive_kind,
            directive_relations: self.directive_relation,
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
        let rows = super::plan::prefetch::<_, ConferenceById>(ctx, super::plan::Root::Conference, rows).await?;
        Ok(ConferenceConnection(Parts::from_page(rows, Conference)))
    }
}

// ---------------------------------------------------------------------------------------------
// Changes.

/// A directive a conference handled.
#[derive(InputObject)]
pub struct ConferenceDirectiveInput {
    /// What the conference did with it.
    pub relation: ConferenceDirectiveRelation,
    /// The directive.
    pub directive: ID,
    /// The sources that state it.
    pub citations: Option<Vec<CitationInput>>,
}

fn conference_directives(
    list: Option<Vec<ConferenceDirectiveInput>>,
) -> AppResult<Option<Vec<kinds::ConferenceDirectiveFields>>> {
    let one = |(i, d): (usize, ConferenceDirectiveInput)| -> AppResult<kinds::ConferenceDirectiveFields> {
        let at = format!("input.directives[{i}]");
        Ok(kinds::ConferenceDirectiveFields {
            relation: d.relation,
            directive: decode_as(&d.directive, NodeType::Directive, &format!("{at}.directive"))?,
            citations: citation_fields(d.citations, &format!("{at}.citations"))?.unwrap_or_default(),
        })
    };
    list.map(|list| list.into_iter().enumerate().map(one).collect()).transpose()
}

/// One participant of a new conference: an official already recorded (`official`) or a new
/// one (`newOfficial`), exactly one of the two.
#[derive(InputObject)]
pub struct ConferenceParticipantInput {
    /// An official already recorded.
    pub official: Option<ID>,
    /// A new official, recorded with the conference.
    pub new_official: Option<CreateOfficialInput>,
    /// In what role.
    pub role: ParticipationRole,
    /// In what capacity, as the report words it.
    pub capacity: Option<String>,
    /// The organization the official represented.
    pub organization: Option<ID>,
    /// The sources that state it.
    pub citations: Option<Vec<CitationInput>>,
}

impl ConferenceParticipantInput {
    /// The participant; `at` names it in messages ("input.participants[0]").
    fn participation(self, at: &str) -> AppResult<conference_service::NewParticipation> {
        let official = match (self.official, self.new_official) {
            (Some(id), None) => {
                conference_service::Participant::Known(decode_as(&id, NodeType::Official, &format!("{at}.official"))?)
            }
            (None, Some(new)) => {
                let (key, fields) = new.fields()?;
                conference_service::Participant::New(key, fields)
            }
            _ => {
                let field = format!("{at}.official");
                return Err(AppError::bad_input(&field, format!("{field}: give official or newOfficial")));
            }
        };
        let fields = kinds::ParticipationFields {
            conference: 0,
            official: 0,
            role: self.role,
            capacity: self.capacity,
            organization: decode_opt(self.organization, NodeType::Organization, &format!("{at}.organization"))?,
            citations: citation_fields(self.citations, &format!("{at}.citations"))?.unwrap_or_default(),
        };
        Ok(conference_service::NewParticipation { official, fields })
    }
}

/// A body's part in a conference.
#[derive(Clone)]
pub struct ConferenceBody(pub entity::conference_body::Model);

/// An organization that took part in a conference as a body, where the report names no one of
/// it, and its part.
#[Object]
impl ConferenceBody {
    /// The organization.
    async fn organization(&self, ctx: &Context<'_>) -> Result<Option<Organization>> {
        Ok(load_one(ctx, OrganizationById(self.0.organization_id)).await?.map(Organization))
    }

    /// Its part (attendee, speaker...).
    async fn role(&self) -> Result<ParticipationRole> {
        Ok(vocabulary(&self.0.role, ParticipationRole::parse)?)
    }
}

/// An organization that took part in a conference as a body.
#[derive(InputObject)]
pub struct ConferenceBodyInput {
    /// The organization.
    pub organization: ID,
    /// Its part; ATTENDEE when omitted.
    pub role: Option<ParticipationRole>,
}

fn conference_bodies(given: Option<Vec<ConferenceBodyInput>>) -> AppResult<Option<Vec<kinds::ConferenceBodyFields>>> {
    given
        .map(|list| {
            list.into_iter()
                .enumerate()
                .map(|(i, b)| {
                    Ok(kinds::ConferenceBodyFields {
                        organization: decode_as(
                            &b.organization,
                            NodeType::Organization,
                            &format!("input.bodies[{i}].organization"),
                        )?,
                        role: b.role.unwrap_or(ParticipationRole::Attendee),
                    })
                })
                .collect()
        })
        .transpose()
}

/// A new conference, with what the report says of it at once.
#[derive(InputObject)]
pub struct CreateConferenceInput {
    /// The title.
    pub title: String,
    /// The kind of meeting.
    pub kind: ConferenceKind,
    /// In person, online or both; UNKNOWN when omitted (the report does not say).
    pub format: Option<ConferenceFormat>,
    /// The local date, as precisely as the report gives it ("2021-07-13", "2021-07", "2021").
    pub date: PartialDate,
    /// Whether the date was inferred rather than printed (false when omitted).
    pub date_inferred: Option<bool>,
    /// From what the date was inferred, or what else a reader should know of it.
    pub date_note: Option<String>,
    /// Morning or afternoon, when that is all the report says.
    pub part_of_day: Option<PartOfDay>,
    /// When it started.
    pub starts_at: Option<DateTime>,
    /// When it ended.
    pub ends_at: Option<DateTime>,
    /// The zone of its local date; Asia/Ho_Chi_Minh when omitted.
    pub time_zone: Option<TimeZone>,
    /// Where.
    pub venue: Option<String>,
    /// The area it was held in.
    pub area: Option<ID>,
    /// The organizations that held it.
    pub organizers: Option<Vec<ID>>,
    /// Organizations that took part as bodies, where the report names no one of them.
    pub bodies: Option<Vec<ConferenceBodyInput>>,
    /// The directives it handled.
    pub directives: Option<Vec<ConferenceDirectiveInput>>,
    /// The sources that report it.
    pub citations: Option<Vec<CitationInput>>,
    /// The dataset key; made from the title when omitted.
    pub key: Option<String>,
    /// Who took part (recorded with the conference).
    pub participants: Option<Vec<ConferenceParticipantInput>>,
    /// The tasks it assigned (recorded with the conference, which they refer to).
    pub tasks: Option<Vec<CreateTaskInput>>,
}

impl CreateConferenceInput {
    fn conference(self) -> AppResult<conference_service::NewConference> {
        let fields = kinds::ConferenceFields {
            key: String::new(),
            title: self.title,
            kind: self.kind,
            format: self.format.unwrap_or(ConferenceFormat::Unknown),
            date: self.date.0,
            date_inferred: self.date_inferred.unwrap_or(false),
            date_note: self.date_note,
            part_of_day: self.part_of_day,
            starts_at: self.starts_at.map(|t| t.0),
            ends_at: self.ends_at.map(|t| t.0),
            time_zone: self.time_zone.map_or(DEFAULT_TIME_ZONE, |z| z.0).name().to_owned(),
            venue: self.venue,
            area: decode_opt(self.area, NodeType::Area, "input.area")?,
            organizers: decode_list(self.organizers.unwrap_or_default(), NodeType::Organization, "input.organizers")?,
            bodies: conference_bodies(self.bodies)?.unwrap_or_default(),
            directives: conference_directives(self.directives)?.unwrap_or_default(),
            citations: citation_fields(self.citations, "input.citations")?.unwrap_or_default(),
        };
        let participants = (self.participants.into_iter().flatten().enumerate())
            .map(|(i, p)| p.participation(&format!("input.participants[{i}]")))
            .collect::<AppResult<Vec<_>>>()?;
        let mut tasks = Vec::new();
        for (i, task) in self.tasks.into_iter().flatten().enumerate() {
            let at = format!("input.tasks[{i}]");
            if task.conference.is_some() {
                let field = format!("{at}.conference");
                return Err(AppError::bad_input(&field, format!("{field}: the task belongs to this conference")));
            }
            tasks.push(task_input(task, &at)?);
        }
        Ok(conference_service::NewConference { key: self.key, fields, participants, tasks })
    }
}

/// The fields of a conference to change: omitted fields stay, `null` clears; `organizers`,
/// `directives` and `citations` replace the stored ones.
#[derive(InputObject)]
pub struct UpdateConferenceInput {
    /// The title.
    pub title: Option<String>,
    /// The kind of meeting.
    pub kind: Option<ConferenceKind>,
    /// In person, online or both.
    pub format: Option<ConferenceFormat>,
    /// The local date, as precisely as known.
    pub date: Option<PartialDate>,
    /// Whether the date was inferred rather than printed.
    pub date_inferred: Option<bool>,
    /// From what the date was inferred.
    pub date_note: MaybeUndefined<String>,
    /// Morning or afternoon.
    pub part_of_day: MaybeUndefined<PartOfDay>,
    /// When it started.
    pub starts_at: MaybeUndefined<DateTime>,
    /// When it ended.
    pub ends_at: MaybeUndefined<DateTime>,
    /// The zone of its local date.
    pub time_zone: Option<TimeZone>,
    /// Where.
    pub venue: MaybeUndefined<String>,
    /// The area it was held in.
    pub area: MaybeUndefined<ID>,
    /// The organizations that held it.
    pub organizers: Option<Vec<ID>>,
    /// Organizations that took part as bodies (replacing the stored ones).
    pub bodies: Option<Vec<ConferenceBodyInput>>,
    /// The directives it handled.
    pub directives: Option<Vec<ConferenceDirectiveInput>>,
    /// The sources that report it.
    pub citations: Option<Vec<CitationInput>>,
    /// The dataset key.
    pub key: Option<String>,
}

impl UpdateConferenceInput {
    fn change(self) -> AppResult<impl FnOnce(&mut kinds::ConferenceFields) -> AppResult<()> + Send> {
        let area = decode_maybe(self.area, NodeType::Area, "input.area")?;
        let organizers =
            self.organizers.map(|ids| decode_list(ids, NodeType::Organization, "input.organizers")).transpose()?;
        let directives = conference_directives(self.directives)?;
        let bodies = conference_bodies(self.bodies)?;
        let citations = citation_fields(self.citations, "input.citations")?;
        Ok(move |f: &mut kinds::ConferenceFields| {
            set_given(&mut f.title, self.title);
            set_given(&mut f.kind, self.kind);
            set_given(&mut f.format, self.format);
            set_given(&mut f.date, self.date.map(|d| d.0));
            set_given(&mut f.date_inferred, self.date_inferred);
            self.date_note.update_to(&mut f.date_note);
            self.part_of_day.update_to(&mut f.part_of_day);
            self.starts_at.map_value(|t| t.0).update_to(&mut f.starts_at);
            self.ends_at.map_value(|t| t.0).update_to(&mut f.ends_at);
            set_given(&mut f.time_zone, self.time_zone.map(|z| z.0.name().to_owned()));
            self.venue.update_to(&mut f.venue);
            area.update_to(&mut f.area);
            set_given(&mut f.organizers, organizers);
            set_given(&mut f.bodies, bodies);
            set_given(&mut f.directives, directives);
            set_given(&mut f.citations, citations);
            set_given(&mut f.key, self.key);
            Ok(())
        })
    }
}

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
        let new = input.conference()?;
        Ok(Conference(conference_service::create(db(ctx)?, author(ctx, &actor, now), new).await?))
    }
}

/// Changes to Conference nodes (EDITOR).
#[derive(Default)]
pub struct ConferenceMutation;

/// Changes to Conference nodes (EDITOR).
#[Object]
impl ConferenceMutation {
    /// Changes the fields given; fails with CONFLICT unless the conference is still at `expectedVersion`.
    async fn update_conference(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The node's global id.")] id: ID,
        #[graphql(desc = "The version the change was made against.")] expected_version: i32,
        #[graphql(desc = "The fields to change: omitted fields stay, `null` clears.")] input: UpdateConferenceInput,
    ) -> Result<Conference> {
        let (actor, now) = writer(ctx)?;
        let row_id = decode_as(&id, NodeType::Conference, "id")?;
        let change = input.change()?;
        let author = author(ctx, &actor, now);
        Ok(Conference(record::update::<kinds::Conference>(db(ctx)?, author, row_id, expected_version, change).await?))
    }

    /// Deletes a conference with its participations (tasks assigned there keep no conference); fails with CONFLICT unless it is still at `expectedVersion`.
    async fn delete_conference(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The node's global id.")] id: ID,
        #[graphql(desc = "The version the deletion was decided on.")] expected_version: i32,
    ) -> Result<DeletePayload> {
        let (actor, now) = writer(ctx)?;
        let row_id = decode_as(&id, NodeType::Conference, "id")?;
        record::delete::<kinds::Conference>(db(ctx)?, author(ctx, &actor, now), row_id, expected_version).await?;
        Ok(DeletePayload { id })
    }
}

/// A new participation: an official already recorded (`official`) or a new one
/// (`newOfficial`, recorded with it in one transaction), exactly one of the two.
#[derive(InputObject)]
pub struct CreateParticipationInput {
    /// The conference.
    pub conference: ID,
    /// An official already recorded (once per conference and role).
    pub official: Option<ID>,
    /// A new official, recorded with the participation.
    pub new_official: Option<CreateOfficialInput>,
    /// In what role.
    pub role: ParticipationRole,
    /// In what capacity, as the report words it.
    pub capacity: Option<String>,
    /// The organization the official represented.
    pub organization: Option<ID>,
    /// The sources that state it.
    pub citations: Option<Vec<CitationInput>>,
}

impl CreateParticipationInput {
    /// The conference's row id and the participant, read as a new conference's are.
    fn participation(self) -> AppResult<(i32, conference_service::NewParticipation)> {
        let conference = decode_as(&self.conference, NodeType::Conference, "input.conference")?;
        let participant = ConferenceParticipantInput {
            official: self.official,
            new_official: self.new_official,
            role: self.role,
            capacity: self.capacity,
            organization: self.organization,
            citations: self.citations,
        };
        Ok((conference, participant.participation("input")?))
    }
}

/// The fields of a participation to change: omitted fields stay, `null` clears; `citations`
/// replaces the stored ones.
#[derive(InputObject)]
pub struct UpdateParticipationInput {
    /// In what role.
    pub role: Option<ParticipationRole>,
    /// In what capacity.
    pub capacity: MaybeUndefined<String>,
    /// The organization the official represented.
    pub organization: MaybeUndefined<ID>,
    /// The sources that state it.
    pub citations: Option<Vec<CitationInput>>,
}

impl UpdateParticipationInput {
    fn change(self) -> AppResult<impl FnOnce(&mut kinds::ParticipationFields) -> AppResult<()> + Send> {
        let organization = decode_maybe(self.organization, NodeType::Organization, "input.organization")?;
        let citations = citation_fields(self.citations, "input.citations")?;
        Ok(move |f: &mut kinds::ParticipationFields| {
            set_given(&mut f.role, self.role);
            self.capacity.update_to(&mut f.capacity);
            organization.update_to(&mut f.organization);
            set_given(&mut f.citations, citations);
            Ok(())
        })
    }
}

/// Changes to Participation nodes (EDITOR).
#[derive(Default)]
pub struct ParticipationMutation;

/// Changes to Participation nodes (EDITOR).
#[Object]
impl ParticipationMutation {
    /// Records that an official took part in a conference; a new official is recorded with it.
    async fn create_participation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new node's fields.")] input: CreateParticipationInput,
    ) -> Result<Participation> {
        let (actor, now) = writer(ctx)?;
        let (conference, participant) = input.participation()?;
        Ok(Participation(
            conference_service::add_participant(db(ctx)?, author(ctx, &actor, now), conference, participant).await?,
        ))
    }

    /// Changes the fields given; fails with CONFLICT unless the participation is still at `expectedVersion`.
    async fn update_participation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The node's global id.")] id: ID,
        #[graphql(desc = "The version the change was made against.")] expected_version: i32,
        #[graphql(desc = "The fields to change: omitted fields stay, `null` clears.")] input: UpdateParticipationInput,
    ) -> Result<Participation> {
        let (actor, now) = writer(ctx)?;
        let row_id = decode_as(&id, NodeType::Participation, "id")?;
        let change = input.change()?;
        let author = author(ctx, &actor, now);
        Ok(Participation(
            record::update::<kinds::Participation>(db(ctx)?, author, row_id, expected_version, change).await?,
        ))
    }

    /// Deletes a participation; fails with CONFLICT unless it is still at `expectedVersion`.
    async fn delete_participation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The node's global id.")] id: ID,
        #[graphql(desc = "The version the deletion was decided on.")] expected_version: i32,
    ) -> Result<DeletePayload> {
        let (actor, now) = writer(ctx)?;
        let row_id = decode_as(&id, NodeType::Participation, "id")?;
        record::delete::<kinds::Participation>(db(ctx)?, author(ctx, &actor, now), row_id, expected_version).await?;
        Ok(DeletePayload { id })
    }
}
