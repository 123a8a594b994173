//! Statistics for dashboards: task and conference counts grouped by any combination of
//! dimensions, computed by GROUP BY in the database.

use super::Result;
use super::conference::ConferenceFilter;
use super::ids::{NodeType, encode};
use super::node::{Node, find_row, find_rows};
use super::scalars::Date;
use super::task::TaskFilter;
use super::{budget, db, spend, state};
use crate::domain::time::{DEFAULT_TIME_ZONE, local_date};
use crate::error::AppError;
use crate::store::stats::{
    Bucket, ConferenceDimension, KeyValue, TaskCounts, TaskDimension, conference_stats, task_stats,
};
use async_graphql::{Context, Object};
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

/// How many grouping dimensions one statistics query may take.
const MAX_DIMENSIONS: usize = 4;

/// What a client can change when its buckets would pass the budget: buckets are not paged.
const FEWER_BUCKETS: &str = "narrow the filter or group by fewer dimensions (statistics are not paged)";

/// Waits for a turn for heavy work (a grouping reads the whole filtered table, whatever it
/// answers); the most buckets it may answer, plus one.
async fn whole_table_turn(ctx: &Context<'_>) -> Result<u64> {
    let budget = budget(ctx)?;
    if budget.remaining() == 0 {
        return Err(budget.exceeded_unless(FEWER_BUCKETS).into());
    }
    budget.take_turn().await?;
    Ok(budget.remaining() as u64 + 1)
}

/// Counts `buckets` against the budget, refused with [`FEWER_BUCKETS`] past it.
async fn spend_buckets(ctx: &Context<'_>, buckets: usize) -> Result<()> {
    let budget = budget(ctx)?;
    if buckets > budget.remaining() {
        return Err(budget.exceeded_unless(FEWER_BUCKETS).into());
    }
    Ok(spend(ctx, buckets).await?)
}

fn check_dimensions<T: PartialEq>(dimensions: &[T]) -> Result<()> {
    if dimensions.len() > MAX_DIMENSIONS {
        return Err(AppError::bad_input("groupBy", format!("group by at most {MAX_DIMENSIONS} dimensions")).into());
    }
    if dimensions.iter().enumerate().any(|(i, d)| dimensions[..i].contains(d)) {
        return Err(AppError::bad_input("groupBy", "each dimension may be named once").into());
    }
    Ok(())
}

fn node_of(value: &KeyValue) -> Option<(NodeType, i32)> {
    match value {
        KeyValue::Organization(id) => Some((NodeType::Organization, *id)),
        KeyValue::Official(id) => Some((NodeType::Official, *id)),
        KeyValue::Directive(id) => Some((NodeType::Directive, *id)),
        KeyValue::Conference(id) => Some((NodeType::Conference, *id)),
        KeyValue::Area(id) => Some((NodeType::Area, *id)),
        KeyValue::Text(_) | KeyValue::Missing => None,
    }
}

/// One part of a bucket's key.
pub struct KeyPart<D> {
    dimension: D,
    value: KeyValue,
    /// The node the value names, read ahead with every bucket's when the query asks for it
    /// (shared by the buckets whose keys name it).
    node: Option<Arc<Node>>,
}

macro_rules! key_part {
    ($name:ident, $graphql_name:literal, $dimension:ty, $doc:literal) => {
        #[doc = $doc]
        #[Object(name = $graphql_name)]
        impl KeyPart<$dimension> {
            /// The dimension this part of the key is for.
            async fn dimension(&self) -> $dimension {
                self.dimension
            }

            /// The value: a status, a kind, a month (`YYYY-MM`) or year, or the global id of the
            /// node; null for rows that have none (no due date, no directive, ...).
            async fn value(&self) -> Option<String> {
                match &self.value {
                    KeyValue::Text(text) => text.clone(),
                    KeyValue::Missing => None,
                    other => node_of(other).map(|(kind, id)| encode(kind, id).0),
                }
            }

            /// The organization, official, directive, conference or area the value names.
            async fn node(&self, ctx: &Context<'_>) -> Result<Option<Cow<'_, Node>>> {
                if let Some(node) = &self.node {
                    return Ok(Some(Cow::Borrowed(&**node)));
                }
                match node_of(&self.value) {
                    Some((kind, id)) => Ok(find_row(ctx, kind, id).await?.map(Cow::Owned)),
                    None => Ok(None),
                }
            }
        }

        #[doc = $doc]
        pub type $name = KeyPart<$dimension>;
    };
}

key_part!(TaskKeyPart, "TaskKeyPart", TaskDimension, "One part of the key of a bucket of tasks.");
key_part!(
    ConferenceKeyPart,
    "ConferenceKeyPart",
    ConferenceDimension,
    "One part of the key of a bucket of conferences."
);

/// The buckets' keys as parts, with the nodes they name read in one batch per type when the
/// query asks for `key { node }` (thousands of buckets then cost a statement per type, not a
/// loader's look-up each).
async fn keys<D: Copy, C>(
    ctx: &Context<'_>,
    dimensions: &[D],
    buckets: Vec<Bucket<C>>,
) -> Result<Vec<(Vec<KeyPart<D>>, C)>> {
    let mut nodes: HashMap<NodeType, HashMap<i32, Arc<Node>>> = HashMap::new();
    if ctx.look_ahead().field("key").field("node").exists() {
        let mut wanted: HashMap<NodeType, Vec<i32>> = HashMap::new();
        for (kind, id) in buckets.iter().flat_map(|b| b.key.iter().filter_map(node_of)) {
            wanted.entry(kind).or_default().push(id);
        }
        for (kind, mut ids) in wanted {
            ids.sort_unstable();
            ids.dedup();
            let found = find_rows(ctx, kind, ids).await?;
            nodes.insert(kind, found.into_iter().map(|(id, node)| (id, Arc::new(node))).collect());
        }
    }
    Ok(buckets
        .into_iter()
        .map(|Bucket { key, counts }| {
            let parts = dimensions
                .iter()
                .zip(key)
                .map(|(d, value)| {
                    let node = node_of(&value).and_then(|(kind, id)| nodes.get(&kind)?.get(&id).cloned());
                    KeyPart { dimension: *d, value, node }
                })
                .collect();
            (parts, counts)
        })
        .collect())
}

/// Task counts for one combination of dimension values.
pub struct TaskBucket {
    key: Vec<TaskKeyPart>,
    counts: TaskCounts,
}

/// Task counts for one combination of dimension values.
#[Object]
impl TaskBucket {
    /// The values of the dimensions grouped by, in the order asked.
    async fn key(&self) -> &[TaskKeyPart] {
        &self.key
    }

    /// Tasks in the bucket.
    async fn total(&self) -> i64 {
        self.counts.total
    }

    /// Of them, OPEN.
    async fn open(&self) -> i64 {
        self.counts.open
    }

    /// Of them, IN_PROGRESS.
    async fn in_progress(&self) -> i64 {
        self.counts.in_progress
    }

    /// Of them, DONE.
    async fn done(&self) -> i64 {
        self.counts.done
    }

    /// Of them, CANCELLED.
    async fn cancelled(&self) -> i64 {
        self.counts.cancelled
    }

    /// Of them, overdue on the as-of date (neither done nor cancelled, due before it).
    async fn overdue(&self) -> i64 {
        self.counts.overdue
    }

    /// Of them, DONE with a DONE update on or before the due date.
    async fn done_on_time(&self) -> i64 {
        self.counts.done_on_time
    }
}

/// Conference counts for one combination of dimension values.
pub struct ConferenceBucket {
    key: Vec<ConferenceKeyPart>,
    count: i64,
}

/// Conference counts for one combination of dimension values.
#[Object]
impl ConferenceBucket {
    /// The values of the dimensions grouped by, in the order asked.
    async fn key(&self) -> &[ConferenceKeyPart] {
        &self.key
    }

    /// Conferences in the bucket.
    async fn count(&self) -> i64 {
        self.count
    }
}

/// Statistics queries.
#[derive(Default)]
pub struct StatsQuery;

/// Statistics queries.
#[Object]
impl StatsQuery {
    /// Task counts by status, assignee, directive, conference, due month or year (any
    /// combination). Without `groupBy` dimensions there is one bucket of all matching tasks;
    /// grouped by STATUS, DIRECTIVE, ASSIGNED_AT_CONFERENCE, DUE_MONTH or DUE_YEAR the buckets
    /// add up to the filtered `totalCount` (a task with several assignees counts once per
    /// assignee).
    #[graphql(complexity = "crate::limits::whole_table_cost(child_complexity)")]
    async fn task_stats(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which tasks.")] filter: Option<TaskFilter>,
        #[graphql(desc = "The dimensions to group by, at most four.")] group_by: Vec<TaskDimension>,
        #[graphql(desc = "The date overdue is judged on; today in Asia/Ho_Chi_Minh when omitted.")] as_of: Option<Date>,
    ) -> Result<Vec<TaskBucket>> {
        check_dimensions(&group_by)?;
        let filter = filter.unwrap_or_default().into_store(0)?;
        let as_of = match as_of {
            Some(day) => day.0,
            None => local_date(DEFAULT_TIME_ZONE, state(ctx)?.clock.now()),
        };
        // "Done on time" reads every task's updates: worth it only when a client asks.
        let on_time = ctx.look_ahead().field("doneOnTime").exists();
        let limit = whole_table_turn(ctx).await?;
        let buckets = task_stats(db(ctx)?, &filter, &group_by, as_of, on_time, limit).await?;
        spend_buckets(ctx, buckets.len()).await?;
        Ok(keys(ctx, &group_by, buckets).await?.into_iter().map(|(key, counts)| TaskBucket { key, counts }).collect())
    }

    /// Conference counts by month, year, organizer, area, chair, kind or format (any
    /// combination). Buckets add up to the filtered `totalCount` except for ORGANIZER and
    /// CHAIR, where a conference counts once per organizer or chair.
    #[graphql(complexity = "crate::limits::whole_table_cost(child_complexity)")]
    async fn conference_stats(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which conferences.")] filter: Option<ConferenceFilter>,
        #[graphql(desc = "The dimensions to group by, at most four.")] group_by: Vec<ConferenceDimension>,
    ) -> Result<Vec<ConferenceBucket>> {
        check_dimensions(&group_by)?;
        let filter = filter.unwrap_or_default().into_store(0)?;
        let limit = whole_table_turn(ctx).await?;
        let buckets = conference_stats(db(ctx)?, &filter, &group_by, limit).await?;
        spend_buckets(ctx, buckets.len()).await?;
        Ok(keys(ctx, &group_by, buckets)
            .await?
            .into_iter()
            .map(|(key, count)| ConferenceBucket { key, count })
            .collect())
    }
}
