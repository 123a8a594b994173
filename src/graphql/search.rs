//! `search`: one ranked connection over officials, organizations, posts, directives,
//! conferences and tasks, ignoring diacritics and case.

use super::Result;
use super::context::state;
use super::node::{Node, find_row};
use super::pagination::{PageInfo, offset_page};
use crate::store::search::{self, Hit, MAX_CANDIDATES, SearchType};
use async_graphql::{Context, Object, SimpleObject};

/// One search result: how well it matches and the object found.
#[derive(Clone)]
pub struct SearchHit(Hit);

/// One search result: how well it matches and the object found.
#[Object]
impl SearchHit {
    /// How well the object matches; higher is better. Scores compare within one search only.
    async fn score(&self) -> f64 {
        self.0.score
    }

    /// The kind of object.
    async fn r#type(&self) -> SearchType {
        self.0.node_type
    }

    /// The object found.
    async fn node(&self, ctx: &Context<'_>) -> Result<Option<Node>> {
        find_row(ctx, self.0.node_type.node_type(), self.0.id).await
    }
}

/// One search result in a page, with its cursor.
#[derive(SimpleObject)]
pub struct SearchEdge {
    /// The result.
    pub node: SearchHit,
    /// An opaque cursor: pass it as `after` to continue after this result.
    pub cursor: String,
}

/// A page of search results, best first.
pub struct SearchConnection {
    edges: Vec<SearchEdge>,
    page_info: PageInfo,
    total: usize,
    ranked: usize,
}

/// A page of search results, best first.
#[Object]
impl SearchConnection {
    /// The results of this page with their cursors.
    async fn edges(&self) -> &[SearchEdge] {
        &self.edges
    }

    /// The results of this page.
    async fn nodes(&self) -> Vec<SearchHit> {
        self.edges.iter().map(|e| e.node.clone()).collect()
    }

    /// Where this page stands in the results.
    async fn page_info(&self) -> &PageInfo {
        &self.page_info
    }

    /// How many objects match, all of them: the best 500 at most are ranked and can be paged
    /// through (`rankedCount`).
    async fn total_count(&self) -> usize {
        self.total
    }

    /// How many of the matches are ranked and can be paged through: all of them, or the best
    /// 500 where more match.
    async fn ranked_count(&self) -> usize {
        self.ranked
    }
}

/// Search.
#[derive(Default)]
pub struct SearchQuery;

/// Search.
#[Object]
impl SearchQuery {
    /// Objects whose name, title or code contains every word of `text` at the start of a word,
    /// ignoring diacritics and case, best match first. A directive is found by its code however
    /// written ("06-ĐA/TU", "06-DA/TU", "Đề án 06", "de an 06"). The best 500 matches are ranked.
    #[graphql(complexity = "crate::limits::page_cost(first, None, child_complexity)")]
    async fn search(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The words to look for.")] text: String,
        #[graphql(desc = "Only these kinds of object; all when omitted.")] types: Option<Vec<SearchType>>,
        #[graphql(desc = "How many results (at most 100; 20 when omitted).")] first: Option<i32>,
        #[graphql(desc = "Continue after this cursor.")] after: Option<String>,
    ) -> Result<SearchConnection> {
        let state = state(ctx)?;
        let asked = std::time::Instant::now();
        let found = search::search(&state.db, &state.ranked, asked, &text, &types.unwrap_or_default()).await?;
        state.metrics.search(found.from_index);
        let mut hits = found.hits;
        hits.truncate(MAX_CANDIDATES);
        let ranked = hits.len();
        let (page, page_info) = offset_page(hits, "search", first, after.as_deref())?;
        let edges = page.into_iter().map(|(cursor, hit)| SearchEdge { node: SearchHit(hit), cursor }).collect();
        Ok(SearchConnection { edges, page_info, total: found.total, ranked })
    }
}
