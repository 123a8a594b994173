//! `dataIssues`: what a careful researcher would flag in the record.

use super::Result;
use super::db;
use super::ids::NodeType;
use super::node::{Node, find_row};
use super::pagination::{PageInfo, offset_edges, offset_window};
use crate::store::quality::{self, DataIssueKind, Involved};
use async_graphql::{Context, Object, SimpleObject};

/// One problem in the record.
#[derive(Clone)]
pub struct DataIssue(quality::DataIssue);

/// One problem in the record, with the nodes involved.
#[Object]
impl DataIssue {
    /// What is wrong.
    async fn kind(&self) -> DataIssueKind {
        self.0.kind
    }

    /// What is wrong, for a person to read.
    async fn message(&self) -> &str {
        &self.0.message
    }

    /// The nodes involved (the post and its overlapping tenures, the task without a due date, ...).
    async fn nodes(&self, ctx: &Context<'_>) -> Result<Vec<Node>> {
        // Looked up together, so that the loaders batch them into one statement per type.
        let found = futures::future::try_join_all(self.0.nodes.iter().map(|involved| {
            let (kind, id) = match *involved {
                Involved::Tenure(id) => (NodeType::Tenure, id),
                Involved::Official(id) => (NodeType::Official, id),
                Involved::Organization(id) => (NodeType::Organization, id),
                Involved::Post(id) => (NodeType::Post, id),
                Involved::Conference(id) => (NodeType::Conference, id),
                Involved::Participation(id) => (NodeType::Participation, id),
                Involved::Directive(id) => (NodeType::Directive, id),
                Involved::Task(id) => (NodeType::Task, id),
            };
            find_row(ctx, kind, id)
        }))
        .await?;
        Ok(found.into_iter().flatten().collect())
    }
}

/// One data issue in a page, with its cursor.
#[derive(SimpleObject)]
pub struct DataIssueEdge {
    /// The issue.
    pub node: DataIssue,
    /// An opaque cursor: pass it as `after` to continue after this issue.
    pub cursor: String,
}

/// A page of data issues, by kind.
pub struct DataIssueConnection {
    edges: Vec<DataIssueEdge>,
    page_info: PageInfo,
    total: usize,
}

/// A page of data issues, by kind.
#[Object]
impl DataIssueConnection {
    /// The issues of this page with their cursors.
    async fn edges(&self) -> &[DataIssueEdge] {
        &self.edges
    }

    /// The issues of this page.
    async fn nodes(&self) -> Vec<DataIssue> {
        self.edges.iter().map(|e| DataIssue(e.node.0.clone())).collect()
    }

    /// Where this page stands.
    async fn page_info(&self) -> &PageInfo {
        &self.page_info
    }

    /// How many issues there are of the kinds asked for.
    async fn total_count(&self) -> usize {
        self.total
    }
}

/// Data quality.
#[derive(Default)]
pub struct QualityQuery;

/// Data quality.
#[Object]
impl QualityQuery {
    /// What a careful researcher would flag: overlapping tenures on a post with a known number
    /// of seats, tenures outside the life of their organization, conferences with no chair,
    /// tasks with no due date or no assignee, and facts that cite no source.
    #[graphql(complexity = "crate::limits::WHOLE_TABLE_COST + crate::limits::page_cost(first, None, child_complexity)")]
    async fn data_issues(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only these kinds of issue; all when omitted.")] kinds: Option<Vec<DataIssueKind>>,
        #[graphql(desc = "How many issues (at most 100; 20 when omitted).")] first: Option<i32>,
        #[graphql(desc = "Continue after this cursor.")] after: Option<String>,
    ) -> Result<DataIssueConnection> {
        let kinds = kinds.unwrap_or_default();
        let (start, size) = offset_window("issues", first, after.as_deref())?;
        // The two checks that reason over dates read every tenure: a heavy turn first.
        super::budget(ctx)?.take_turn().await?;
        let found = quality::data_issues(db(ctx)?, &kinds, start, size).await?;
        let total = found.total;
        let (page, page_info) = offset_edges("issues", start, found.issues, total);
        let edges = page.into_iter().map(|(cursor, issue)| DataIssueEdge { node: DataIssue(issue), cursor }).collect();
        Ok(DataIssueConnection { edges, page_info, total })
    }
}
