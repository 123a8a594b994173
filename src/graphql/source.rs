//! Sources (the published reports behind every fact) and citations of them.

use super::ids::{NodeKind, encode};
use super::loaders::{Citations, SourceById};
use super::pagination::{Parts, connection, page_request};
use super::scalars::{Date, DateTime};
use super::{db, load_list, load_many};
use crate::error::AppResult;
use crate::store::lists;
use async_graphql::{Context, ID, Object, Result};
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
        super::history::history_of(ctx, "Source", self.0.id, first, after).await
    }

    /// The global id.
    pub async fn id(&self) -> ID {
        encode(NodeKind::Source, self.0.id)
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
