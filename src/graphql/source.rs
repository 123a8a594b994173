//! Sources (the published reports behind every fact) and citations of them.

use super::Result;
use super::ids::{NodeType, encode};
use super::ids::{decode, decode_as};
use super::loaders::{Citations, SourceById};
use super::pagination::{Parts, connection, page_request};
use super::scalars::{Date, DateTime};
use super::{DeletePayload, author, set_given, writer};
use super::{db, load_list, load_many};
use crate::error::AppError;
use crate::error::AppResult;
use crate::service::record::CitationFields;
use crate::service::{kinds, record};
use crate::store::lists;
use async_graphql::InputObject;
use async_graphql::{Context, ID, MaybeUndefined, Object};
use entity::{citation, source};

/// A published report: the source of facts.
#[derive(Clone)]
pub struct Source(pub source::Model);

/// A published report (a news article, an official notice) that states facts.
#[Object]
impl Source {
    /// Every change made to the source through the API, newest first.
    #[graphql(complexity = "crate::limits::page_cost(first, None, child_complexity)")]
    async fn history(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many from the start (at most 100; 20 when no size is given).")] first: Option<i32>,
        #[graphql(desc = "Start after this cursor.")] after: Option<String>,
    ) -> Result<super::history::ChangeConnection> {
        super::history::history_of(ctx, NodeType::Source, self.0.id, first, after).await
    }

    /// The global id.
    pub async fn id(&self) -> ID {
        encode(NodeType::Source, self.0.id)
    }

    /// The version: 1 when created, one more with each change; updates and deletes name it.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// The stable human-readable key of the source in datasets.
    async fn key(&self) -> &str {
        &self.0.key
    }

    /// The title of the report.
    async fn title(&self) -> &str {
        &self.0.title
    }

    /// Where the report is published, where known.
    async fn url(&self) -> Option<&str> {
        self.0.url.as_deref()
    }

    /// Who published it ("Báo Hà Giang").
    async fn publisher(&self) -> Option<&str> {
        self.0.publisher.as_deref()
    }

    /// The instant of publication, where the report gives a time.
    async fn published_at(&self) -> Option<DateTime> {
        self.0.published_at.map(DateTime)
    }

    /// The local date of publication.
    async fn published_on(&self) -> Option<Date> {
        self.0.published_on.or_else(|| self.0.published_at.map(|t| t.date_naive())).map(Date)
    }

    /// The author or byline.
    async fn author(&self) -> Option<&str> {
        self.0.author.as_deref()
    }
}

/// A source cited for one fact, with the words that state it.
#[derive(Clone)]
pub struct Citation(pub citation::Model);

/// A source cited for one fact, with the words that state it and where they stand.
#[Object]
impl Citation {
    /// The cited source.
    async fn source(&self, ctx: &Context<'_>) -> Result<Option<Source>> {
        Ok(super::load_one(ctx, SourceById(self.0.source_id)).await?.map(Source))
    }

    /// The words of the source that state the fact.
    async fn quote(&self) -> Option<&str> {
        self.0.quote.as_deref()
    }

    /// Where in the source the words stand (a paragraph, a caption).
    async fn locator(&self) -> Option<&str> {
        self.0.locator.as_deref()
    }
}

/// The citations of one fact.
pub(crate) async fn citations_of(ctx: &Context<'_>, subject_type: &'static str, id: i32) -> AppResult<Vec<Citation>> {
    Ok(load_list(ctx, Citations(subject_type, id)).await?.into_iter().map(Citation).collect())
}

/// The sources cited for one fact.
pub(crate) async fn sources_of(ctx: &Context<'_>, subject_type: &'static str, id: i32) -> AppResult<Vec<Source>> {
    let citations: Vec<citation::Model> = load_list(ctx, Citations(subject_type, id)).await?;
    let keys = citations.iter().map(|c| SourceById(c.source_id)).collect();
    Ok(load_many(ctx, keys).await?.into_iter().map(Source).collect())
}

connection!(SourceConnection, SourceEdge, Source, "source", "sources");

/// Queries of sources.
#[derive(Default)]
pub struct SourceQuery;

/// Queries of sources.
#[Object]
impl SourceQuery {
    /// The sources, newest first.
    #[graphql(complexity = "crate::limits::page_cost(first, last, child_complexity)")]
    async fn sources(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many from the start (at most 100; 20 when no size is given).")] first: Option<i32>,
        #[graphql(desc = "Start after this cursor.")] after: Option<String>,
        #[graphql(desc = "How many from the end (at most 100).")] last: Option<i32>,
        #[graphql(desc = "End before this cursor.")] before: Option<String>,
    ) -> Result<SourceConnection> {
        let page = page_request(first, after, last, before)?;
        let rows = lists::sources(db(ctx)?, &page).await?;
        Ok(SourceConnection(Parts::from_page(rows, Source)))
    }
}

// ---------------------------------------------------------------------------------------------
// Changes.

/// A source cited for a fact.
#[derive(InputObject, Clone)]
pub struct CitationInput {
    /// The source's global id.
    pub source: ID,
    /// The words of the source that state the fact.
    pub quote: Option<String>,
    /// Where in the source they stand (a paragraph, a caption).
    pub locator: Option<String>,
}

impl CitationInput {
    /// The citation's fields; `at` names it in messages ("input.citations[0]").
    fn fields(self, at: &str) -> AppResult<CitationFields> {
        let source = decode_as(&self.source, NodeType::Source, &format!("{at}.source"))?;
        Ok(CitationFields { source, quote: self.quote, locator: self.locator })
    }
}

/// The fields of the citations given, if any; `at` names the list in messages.
pub(crate) fn citation_fields(list: Option<Vec<CitationInput>>, at: &str) -> AppResult<Option<Vec<CitationFields>>> {
    list.map(|list| list.into_iter().enumerate().map(|(i, c)| c.fields(&format!("{at}[{i}]"))).collect()).transpose()
}

/// A new source.
#[derive(InputObject)]
pub struct CreateSourceInput {
    /// The title of the report.
    pub title: String,
    /// Where it is published (http or https).
    pub url: Option<String>,
    /// Who published it.
    pub publisher: Option<String>,
    /// When it was published, to the instant.
    pub published_at: Option<DateTime>,
    /// The day it was published, when only that is known.
    pub published_on: Option<Date>,
    /// Who wrote it.
    pub author: Option<String>,
    /// The dataset key; made from the title when omitted.
    pub key: Option<String>,
}

impl CreateSourceInput {
    fn fields(self) -> AppResult<(Option<String>, kinds::SourceFields)> {
        Ok((
            self.key,
            kinds::SourceFields {
                key: String::new(),
                title: self.title,
                url: self.url,
                publisher: self.publisher,
                published_at: self.published_at.map(|t| t.0),
                published_on: self.published_on.map(|d| d.0),
                author: self.author,
            },
        ))
    }
}

/// The fields of a source to change: omitted fields stay, `null` clears.
#[derive(InputObject)]
pub struct UpdateSourceInput {
    /// The title.
    pub title: Option<String>,
    /// Where it is published.
    pub url: MaybeUndefined<String>,
    /// Who published it.
    pub publisher: MaybeUndefined<String>,
    /// When it was published, to the instant.
    pub published_at: MaybeUndefined<DateTime>,
    /// The day it was published.
    pub published_on: MaybeUndefined<Date>,
    /// Who wrote it.
    pub author: MaybeUndefined<String>,
    /// The dataset key.
    pub key: Option<String>,
}

impl UpdateSourceInput {
    fn change(self) -> AppResult<impl FnOnce(&mut kinds::SourceFields) -> AppResult<()> + Send> {
        Ok(move |f: &mut kinds::SourceFields| {
            set_given(&mut f.title, self.title);
            self.url.update_to(&mut f.url);
            self.publisher.update_to(&mut f.publisher);
            self.published_at.map_value(|t| t.0).update_to(&mut f.published_at);
            self.published_on.map_value(|d| d.0).update_to(&mut f.published_on);
            self.author.update_to(&mut f.author);
            set_given(&mut f.key, self.key);
            Ok(())
        })
    }
}

/// Changes to Source nodes (EDITOR).
#[derive(Default)]
pub struct SourceMutation;

/// Changes to Source nodes (EDITOR).
#[Object]
impl SourceMutation {
    /// Records a new source.
    async fn create_source(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new node's fields.")] input: CreateSourceInput,
    ) -> Result<Source> {
        let (actor, now) = writer(ctx)?;
        let (key, fields) = input.fields()?;
        Ok(Source(record::create::<kinds::Source>(db(ctx)?, author(ctx, &actor, now), key, fields).await?))
    }

    /// Changes the fields given; fails with CONFLICT unless the source is still at `expectedVersion`.
    async fn update_source(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The node's global id.")] id: ID,
        #[graphql(desc = "The version the change was made against.")] expected_version: i32,
        #[graphql(desc = "The fields to change: omitted fields stay, `null` clears.")] input: UpdateSourceInput,
    ) -> Result<Source> {
        let (actor, now) = writer(ctx)?;
        let row_id = decode_as(&id, NodeType::Source, "id")?;
        let change = input.change()?;
        let author = author(ctx, &actor, now);
        Ok(Source(record::update::<kinds::Source>(db(ctx)?, author, row_id, expected_version, change).await?))
    }

    /// Deletes a source with every citation of it; fails with CONFLICT unless it is still at `expectedVersion`.
    async fn delete_source(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The node's global id.")] id: ID,
        #[graphql(desc = "The version the deletion was decided on.")] expected_version: i32,
    ) -> Result<DeletePayload> {
        let (actor, now) = writer(ctx)?;
        let row_id = decode_as(&id, NodeType::Source, "id")?;
        record::delete::<kinds::Source>(db(ctx)?, author(ctx, &actor, now), row_id, expected_version).await?;
        Ok(DeletePayload { id })
    }
}

/// The type of a node that cites sources, and its row id.
fn citing(id: &ID, field: &str) -> AppResult<(NodeType, i32)> {
    let (node, row) = decode(id).map_err(|_| AppError::bad_input(field, format!("{field}: not a node id")))?;
    if node.cited_as().is_none() || node == NodeType::Task {
        let name = node.name();
        return Err(AppError::bad_input(field, format!("{field}: a {name} has no list of this kind")));
    }
    Ok((node, row))
}

/// Citations, one at a time.
#[derive(Default)]
pub struct CitationMutation;

/// Adding and removing one citation or one directive link at a time (EDITOR). Each changes its
/// node (a conference, participation, tenure or directive) at `expectedVersion`, like an update.
#[Object]
impl CitationMutation {
    /// Cites a source for a conference, participation, tenure or directive; citing a source
    /// already cited replaces its quote and locator.
    async fn cite_source(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The node that cites (its global id).")] subject: ID,
        #[graphql(desc = "The version of that node the change was made against.")] expected_version: i32,
        #[graphql(desc = "The citation.")] input: CitationInput,
    ) -> Result<Option<super::node::Node>> {
        let (actor, now) = writer(ctx)?;
        let (node, row) = citing(&subject, "subject")?;
        let citation = input.fields("input")?;
        let author = author(ctx, &actor, now);
        kinds::edit_citations(db(ctx)?, author, (node, row, expected_version), move |list| {
            list.retain(|c| c.source != citation.source);
            list.push(citation);
            Ok(())
        })
        .await?;
        super::node::find(ctx, &subject).await
    }

    /// Removes the citation of `source` from a conference, participation, tenure or directive.
    async fn remove_citation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The node that cites (its global id).")] subject: ID,
        #[graphql(desc = "The version of that node the change was made against.")] expected_version: i32,
        #[graphql(desc = "The source no longer cited.")] source: ID,
    ) -> Result<Option<super::node::Node>> {
        let (actor, now) = writer(ctx)?;
        let (node, row) = citing(&subject, "subject")?;
        let source = decode_as(&source, NodeType::Source, "source")?;
        let author = author(ctx, &actor, now);
        kinds::edit_citations(db(ctx)?, author, (node, row, expected_version), move |list| {
            let before = list.len();
            list.retain(|c| c.source != source);
            match list.len() < before {
                true => Ok(()),
                false => Err(AppError::bad_input("source", "source: not cited there")),
            }
        })
        .await?;
        super::node::find(ctx, &subject).await
    }
}
