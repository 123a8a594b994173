//! Directives: resolutions, directives, schemes, plans and the other documents conferences
//! review and deploy, and the links between them.

use super::Result;
use super::conference::{Conference, ConferenceDirective, sort_conferences};
use super::ids::{NodeType, decode_as, encode};
use super::ids::{decode_maybe, decode_opt};
use super::loaders::*;
use super::organization::Organization;
use super::pagination::{Parts, connection, page_request};
use super::scalars::PartialDate;
use super::source::{Citation, Source, citations_of, sources_of};
use super::source::{CitationInput, citation_fields};
use super::task::Task;
use super::{DeletePayload, author, set_given, writer};
use super::{db, load_list, load_many, load_one, vocabulary};
use crate::domain::subject;
use crate::domain::tenure::stored;
use crate::domain::vocabulary::*;
use crate::error::{AppError, AppResult};
use crate::service::{kinds, record};
use crate::store::filters::DirectiveFilter as StoreFilter;
use crate::store::lists::{self, DirectiveOrder};
use async_graphql::{Context, Enum, ID, InputObject, MaybeUndefined, Object};
use entity::{directive, directive_link};

/// A directive.
#[derive(Clone)]
pub struct Directive(pub directive::Model);

/// A document of the party or the state: a resolution, directive, scheme ("Đề án 06-ĐA/TU"),
/// plan, conclusion, decision, regulation, programme, notice or guidance.
#[Object]
impl Directive {
    /// Every change made to the directive through the API, newest first.
    #[graphql(complexity = "crate::limits::page_cost(first, None, child_complexity)")]
    async fn history(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many from the start (at most 100; 20 when no size is given).")] first: Option<i32>,
        #[graphql(desc = "Start after this cursor.")] after: Option<String>,
    ) -> Result<super::history::ChangeConnection> {
        super::history::history_of(ctx, NodeType::Directive, self.0.id, first, after).await
    }

    /// The global id.
    pub async fn id(&self) -> ID {
        encode(NodeType::Directive, self.0.id)
    }

    /// The version: 1 when created, one more with each change; updates and deletes name it.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// The stable human-readable key of the directive in datasets.
    async fn key(&self) -> &str {
        &self.0.key
    }

    /// The code as written ("06-ĐA/TU"), where reports give one.
    async fn code(&self) -> Option<&str> {
        self.0.code.as_deref()
    }

    /// What kind of document it is.
    async fn kind(&self) -> Result<DirectiveKind> {
        Ok(vocabulary(&self.0.kind, DirectiveKind::parse)?)
    }

    /// Its number ("06"); numbers restart per issuer, kind and term.
    async fn number(&self) -> Option<&str> {
        self.0.number.as_deref()
    }

    /// How reports name it: the kind and number in Vietnamese ("Đề án 06"), or the title.
    async fn label(&self) -> Result<String> {
        let kind = vocabulary(&self.0.kind, DirectiveKind::parse)?;
        Ok(match &self.0.number {
            Some(number) => format!("{} {number}", kind.vietnamese_name()),
            None => self.0.title.clone(),
        })
    }

    /// The title.
    async fn title(&self) -> &str {
        &self.0.title
    }

    /// The organization that issued it.
    async fn issuer(&self, ctx: &Context<'_>) -> Result<Option<Organization>> {
        match self.0.issuer_id {
            Some(id) => Ok(load_one(ctx, OrganizationById(id)).await?.map(Organization)),
            None => Ok(None),
        }
    }

    /// When it was issued, as precisely as known.
    async fn issued_on(&self) -> Option<PartialDate> {
        stored(self.0.issued_on.as_deref()).map(PartialDate)
    }

    /// The start of the period it covers ("2016" of "giai đoạn 2016-2020").
    async fn period_start(&self) -> Option<PartialDate> {
        stored(self.0.period_start.as_deref()).map(PartialDate)
    }

    /// The end of the period it covers ("2020" of "giai đoạn 2016-2020").
    async fn period_end(&self) -> Option<PartialDate> {
        stored(self.0.period_end.as_deref()).map(PartialDate)
    }

    /// Whether it is in force.
    async fn status(&self) -> Result<DirectiveStatus> {
        Ok(vocabulary(&self.0.status, DirectiveStatus::parse)?)
    }

    /// The conferences that handled it, earliest first.
    #[graphql(complexity = "crate::limits::list_cost(child_complexity)")]
    async fn conferences(&self, ctx: &Context<'_>) -> Result<Vec<Conference>> {
        let links = load_list(ctx, DirectiveConferences(self.0.id)).await?;
        let mut ids: Vec<i32> = links.iter().map(|l| l.conference_id).collect();
        ids.sort_unstable();
        ids.dedup();
        let mut conferences = load_many(ctx, ids.into_iter().map(ConferenceById).collect()).await?;
        sort_conferences(&mut conferences);
        Ok(conferences.into_iter().map(Conference).collect())
    }

    /// The conferences that handled it, each with what it did (reviewed, deployed, ...).
    #[graphql(complexity = "crate::limits::list_cost(child_complexity)")]
    async fn conference_links(&self, ctx: &Context<'_>) -> Result<Vec<ConferenceDirective>> {
        Ok(load_list(ctx, DirectiveConferences(self.0.id)).await?.into_iter().map(ConferenceDirective).collect())
    }

    /// The follow-up tasks serving it, soonest due first.
    #[graphql(complexity = "crate::limits::list_cost(child_complexity)")]
    async fn tasks(&self, ctx: &Context<'_>) -> Result<Vec<Task>> {
        Ok(load_list(ctx, DirectiveTasks(self.0.id)).await?.into_iter().map(Task).collect())
    }

    /// The directives it is linked with, both ways (it implements, reviews, amends or
    /// replaces them, or they it).
    #[graphql(complexity = "crate::limits::list_cost(child_complexity)")]
    async fn related(&self, ctx: &Context<'_>) -> Result<Vec<RelatedDirective>> {
        let outgoing = load_list(ctx, DirectiveLinksFrom(self.0.id)).await?;
        let incoming = load_list(ctx, DirectiveLinksTo(self.0.id)).await?;
        Ok(outgoing
            .into_iter()
            .map(|link| RelatedDirective { link, direction: LinkDirection::Outgoing })
            .chain(incoming.into_iter().map(|link| RelatedDirective { link, direction: LinkDirection::Incoming }))
            .collect())
    }

    /// The sources that name it.
    #[graphql(complexity = "crate::limits::list_cost(child_complexity)")]
    async fn sources(&self, ctx: &Context<'_>) -> Result<Vec<Source>> {
        Ok(sources_of(ctx, subject::DIRECTIVE, self.0.id).await?)
    }

    /// The citations of it, with quotes.
    #[graphql(complexity = "crate::limits::list_cost(child_complexity)")]
    async fn citations(&self, ctx: &Context<'_>) -> Result<Vec<Citation>> {
        Ok(citations_of(ctx, subject::DIRECTIVE, self.0.id).await?)
    }
}

/// Which way a link between directives points, seen from the directive asked about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Enum)]
pub enum LinkDirection {
    /// This directive implements, reviews, amends or replaces the other.
    Outgoing,
    /// The other directive implements, reviews, amends or replaces this one.
    Incoming,
}

/// A directive linked with another.
#[derive(Clone)]
pub struct RelatedDirective {
    link: directive_link::Model,
    direction: LinkDirection,
}

/// Another directive linked with this one, and how.
#[Object]
impl RelatedDirective {
    /// How the directives are linked, read from the outgoing side ("A implements B").
    async fn relation(&self) -> Result<DirectiveRelation> {
        Ok(vocabulary(&self.link.relation, DirectiveRelation::parse)?)
    }

    /// Which way the link points from the directive asked about.
    async fn direction(&self) -> LinkDirection {
        self.direction
    }

    /// The other directive.
    async fn directive(&self, ctx: &Context<'_>) -> Result<Option<Directive>> {
        let other = match self.direction {
            LinkDirection::Outgoing => self.link.to_directive_id,
            LinkDirection::Incoming => self.link.from_directive_id,
        };
        Ok(load_one(ctx, DirectiveById(other)).await?.map(Directive))
    }

    /// The sources that state the link.
    #[graphql(complexity = "crate::limits::list_cost(child_complexity)")]
    async fn sources(&self, ctx: &Context<'_>) -> Result<Vec<Source>> {
        Ok(sources_of(ctx, subject::DIRECTIVE_LINK, self.link.id).await?)
    }

    /// The citations of the link, with quotes.
    #[graphql(complexity = "crate::limits::list_cost(child_complexity)")]
    async fn citations(&self, ctx: &Context<'_>) -> Result<Vec<Citation>> {
        Ok(citations_of(ctx, subject::DIRECTIVE_LINK, self.link.id).await?)
    }
}

/// Which directives to list.
#[derive(InputObject, Default)]
pub struct DirectiveFilter {
    /// Words of the code however written ("06-ĐA/TU", "06-DA/TU", "Đề án 06") or of the title.
    pub text: Option<String>,
    /// Only these kinds.
    pub kind: Option<Vec<DirectiveKind>>,
    /// Only those issued by this organization.
    pub issuer: Option<ID>,
    /// Only these statuses.
    pub status: Option<Vec<DirectiveStatus>>,
}

connection!(DirectiveConnection, DirectiveEdge, Directive, "directive", "directives");

/// Queries of directives.
#[derive(Default)]
pub struct DirectiveQuery;

/// Queries of directives.
#[Object]
impl DirectiveQuery {
    /// Directives matching the filter; by default earliest issued first.
    #[allow(clippy::too_many_arguments)]
    #[graphql(complexity = "crate::limits::page_cost(first, last, child_complexity)")]
    async fn directives(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which directives.")] filter: Option<DirectiveFilter>,
        #[graphql(desc = "The order, by several keys in the order given.")] order_by: Option<Vec<DirectiveOrder>>,
        #[graphql(desc = "How many from the start (at most 100; 20 when no size is given).")] first: Option<i32>,
        #[graphql(desc = "Start after this cursor.")] after: Option<String>,
        #[graphql(desc = "How many from the end (at most 100).")] last: Option<i32>,
        #[graphql(desc = "End before this cursor.")] before: Option<String>,
    ) -> Result<DirectiveConnection> {
        let page = page_request(first, after, last, before)?;
        let filter = filter.unwrap_or_default();
        let filter = StoreFilter {
            text: filter.text,
            kinds: filter.kind,
            issuer: filter.issuer.map(|id| decode_as(&id, NodeType::Organization, "filter.issuer")).transpose()?,
            statuses: filter.status,
        };
        let rows = lists::directives(db(ctx)?, &filter, &order_by.unwrap_or_default(), &page).await?;
        Ok(DirectiveConnection(Parts::from_page(rows, Directive)))
    }
}

// ---------------------------------------------------------------------------------------------
// Changes.

/// A link from a directive to another.
#[derive(InputObject)]
pub struct DirectiveLinkInput {
    /// How the directive relates to the other.
    pub relation: DirectiveRelation,
    /// The other directive.
    pub directive: ID,
    /// The sources that state the link.
    pub citations: Option<Vec<CitationInput>>,
}

impl DirectiveLinkInput {
    /// The link's fields; `at` names it in messages ("input.links[0]").
    fn fields(self, at: &str) -> AppResult<kinds::DirectiveLinkFields> {
        Ok(kinds::DirectiveLinkFields {
            relation: self.relation,
            directive: decode_as(&self.directive, NodeType::Directive, &format!("{at}.directive"))?,
            citations: citation_fields(self.citations, &format!("{at}.citations"))?.unwrap_or_default(),
        })
    }
}

fn link_fields(links: Option<Vec<DirectiveLinkInput>>) -> AppResult<Option<Vec<kinds::DirectiveLinkFields>>> {
    links
        .map(|links| links.into_iter().enumerate().map(|(i, l)| l.fields(&format!("input.links[{i}]"))).collect())
        .transpose()
}

/// A new directive.
#[derive(InputObject)]
pub struct CreateDirectiveInput {
    /// The title.
    pub title: String,
    /// The document code as printed ("06-ĐA/TU").
    pub code: Option<String>,
    /// The kind of document; read from the code when omitted.
    pub kind: Option<DirectiveKind>,
    /// The number; read from the code when omitted.
    pub number: Option<String>,
    /// The issuing organization.
    pub issuer: Option<ID>,
    /// When it was issued.
    pub issued_on: Option<PartialDate>,
    /// The start of the period it covers.
    pub period_start: Option<PartialDate>,
    /// The end of the period it covers.
    pub period_end: Option<PartialDate>,
    /// Whether it is in force; UNKNOWN when omitted.
    pub status: Option<DirectiveStatus>,
    /// Its links to other directives.
    pub links: Option<Vec<DirectiveLinkInput>>,
    /// The sources that state it.
    pub citations: Option<Vec<CitationInput>>,
    /// The dataset key; made from the title when omitted.
    pub key: Option<String>,
}

impl CreateDirectiveInput {
    fn fields(self) -> AppResult<(Option<String>, kinds::DirectiveFields)> {
        Ok((
            self.key,
            kinds::DirectiveFields {
                key: String::new(),
                code: self.code,
                kind: self.kind,
                number: self.number,
                title: self.title,
                issuer: decode_opt(self.issuer, NodeType::Organization, "input.issuer")?,
                issued_on: self.issued_on.map(|d| d.0),
                period_start: self.period_start.map(|d| d.0),
                period_end: self.period_end.map(|d| d.0),
                status: self.status.unwrap_or(DirectiveStatus::Unknown),
                links: link_fields(self.links)?.unwrap_or_default(),
                citations: citation_fields(self.citations, "input.citations")?.unwrap_or_default(),
            },
        ))
    }
}

/// The fields of a directive to change: omitted fields stay, `null` clears; `links` and
/// `citations` replace the stored ones.
#[derive(InputObject)]
pub struct UpdateDirectiveInput {
    /// The title.
    pub title: Option<String>,
    /// The document code.
    pub code: MaybeUndefined<String>,
    /// The kind of document.
    pub kind: Option<DirectiveKind>,
    /// The number.
    pub number: MaybeUndefined<String>,
    /// The issuing organization.
    pub issuer: MaybeUndefined<ID>,
    /// When it was issued.
    pub issued_on: MaybeUndefined<PartialDate>,
    /// The start of the period it covers.
    pub period_start: MaybeUndefined<PartialDate>,
    /// The end of the period it covers.
    pub period_end: MaybeUndefined<PartialDate>,
    /// Whether it is in force.
    pub status: Option<DirectiveStatus>,
    /// Its links to other directives.
    pub links: Option<Vec<DirectiveLinkInput>>,
    /// The sources that state it.
    pub citations: Option<Vec<CitationInput>>,
    /// The dataset key.
    pub key: Option<String>,
}

impl UpdateDirectiveInput {
    fn change(self) -> AppResult<impl FnOnce(&mut kinds::DirectiveFields) -> AppResult<()> + Send> {
        let issuer = decode_maybe(self.issuer, NodeType::Organization, "input.issuer")?;
        let links = link_fields(self.links)?;
        let citations = citation_fields(self.citations, "input.citations")?;
        Ok(move |f: &mut kinds::DirectiveFields| {
            set_given(&mut f.title, self.title);
            self.code.update_to(&mut f.code);
            if let Some(kind) = self.kind {
                f.kind = Some(kind);
            }
            self.number.update_to(&mut f.number);
            issuer.update_to(&mut f.issuer);
            self.issued_on.map_value(|d| d.0).update_to(&mut f.issued_on);
            self.period_start.map_value(|d| d.0).update_to(&mut f.period_start);
            self.period_end.map_value(|d| d.0).update_to(&mut f.period_end);
            set_given(&mut f.status, self.status);
            set_given(&mut f.links, links);
            set_given(&mut f.citations, citations);
            set_given(&mut f.key, self.key);
            Ok(())
        })
    }
}

/// Changes to Directive nodes (EDITOR).
#[derive(Default)]
pub struct DirectiveMutation;

/// Changes to Directive nodes (EDITOR).
#[Object]
impl DirectiveMutation {
    /// Records a new directive (resolution, directive, scheme, plan...).
    async fn create_directive(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new node's fields.")] input: CreateDirectiveInput,
    ) -> Result<Directive> {
        let (actor, now) = writer(ctx)?;
        let (key, fields) = input.fields()?;
        Ok(Directive(record::create::<kinds::Directive>(db(ctx)?, author(ctx, &actor, now), key, fields).await?))
    }

    /// Changes the fields given; fails with CONFLICT unless the directive is still at `expectedVersion`.
    async fn update_directive(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The node's global id.")] id: ID,
        #[graphql(desc = "The version the change was made against.")] expected_version: i32,
        #[graphql(desc = "The fields to change: omitted fields stay, `null` clears.")] input: UpdateDirectiveInput,
    ) -> Result<Directive> {
        let (actor, now) = writer(ctx)?;
        let row_id = decode_as(&id, NodeType::Directive, "id")?;
        let change = input.change()?;
        let author = author(ctx, &actor, now);
        Ok(Directive(record::update::<kinds::Directive>(db(ctx)?, author, row_id, expected_version, change).await?))
    }

    /// Deletes a directive with its links (tasks serving it keep no directive); fails with CONFLICT unless it is still at `expectedVersion`.
    async fn delete_directive(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The node's global id.")] id: ID,
        #[graphql(desc = "The version the deletion was decided on.")] expected_version: i32,
    ) -> Result<DeletePayload> {
        let (actor, now) = writer(ctx)?;
        let row_id = decode_as(&id, NodeType::Directive, "id")?;
        record::delete::<kinds::Directive>(db(ctx)?, author(ctx, &actor, now), row_id, expected_version).await?;
        Ok(DeletePayload { id })
    }
}

/// Directive links, one at a time.
#[derive(Default)]
pub struct DirectiveLinkMutation;

/// Adding and removing one directive link at a time (EDITOR), at the directive's
/// `expectedVersion`, like an update.
#[Object]
impl DirectiveLinkMutation {
    /// Links a directive to another (it implements, reviews, amends or replaces it).
    async fn link_directives(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The directive the link starts from.")] directive: ID,
        #[graphql(desc = "The version of that directive the change was made against.")] expected_version: i32,
        #[graphql(desc = "The link.")] input: DirectiveLinkInput,
    ) -> Result<Directive> {
        let (actor, now) = writer(ctx)?;
        let row = decode_as(&directive, NodeType::Directive, "directive")?;
        let link = input.fields("input")?;
        let author = author(ctx, &actor, now);
        kinds::edit_links(db(ctx)?, author, (row, expected_version), move |list| {
            if list.iter().any(|l| l.directive == link.directive && l.relation == link.relation) {
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
        let (actor, now) = writer(ctx)?;
        let row = decode_as(&directive, NodeType::Directive, "directive")?;
        let other = decode_as(&other, NodeType::Directive, "other")?;
        let author = author(ctx, &actor, now);
        kinds::edit_links(db(ctx)?, author, (row, expected_version), move |list| {
            let before = list.len();
            list.retain(|l| !(l.directive == other && l.relation == relation));
            match list.len() < before {
                true => Ok(()),
                false => Err(AppError::bad_input("other", "other: no such link")),
            }
        })
        .await?;
        directive_of(ctx, row).await
    }
}

async fn directive_of(ctx: &Context<'_>, row: i32) -> Result<Directive> {
    let found = load_one(ctx, DirectiveById(row)).await?;
    Ok(Directive(found.ok_or_else(|| AppError::not_found("no such directive"))?))
}
