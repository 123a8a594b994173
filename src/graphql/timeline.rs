//! `timeline`: one chronological connection of what happened around an official, an
//! organization, a post, a directive or an area.

use super::Result;
use super::conference::Conference;
use super::db;
use super::directive::Directive;
use super::ids::{NodeType, decode};
use super::official::Tenure;
use super::pagination::{PageInfo, page_size};
use super::scalars::Date;
use super::task::{Task, TaskUpdate};
use crate::domain::partial_date::Precision;
use crate::domain::vocabulary::PartOfDay;
use crate::error::AppError;
use crate::store::timeline::{self, Entry, EntryKey, Involved, Subject, TimelineKind, Window};
use async_graphql::{Context, ID, Object, SimpleObject, Union};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// What a timeline entry is about.
#[derive(Union, Clone)]
pub enum TimelineSubject {
    /// A conference.
    Conference(Conference),
    /// A tenure.
    Tenure(Tenure),
    /// A directive.
    Directive(Directive),
    /// A task.
    Task(Task),
    /// A progress update on a task.
    TaskUpdate(TaskUpdate),
}

/// One event of a timeline.
#[derive(Clone)]
pub struct TimelineEntry(Entry);

/// One event of a timeline.
#[Object]
impl TimelineEntry {
    /// The day, or the first day of the period when only a year or month is known.
    async fn date(&self) -> Date {
        Date(self.0.date)
    }

    /// How precisely the date is known.
    async fn precision(&self) -> Precision {
        self.0.precision
    }

    /// The part of the day, where known.
    async fn part_of_day(&self) -> Option<PartOfDay> {
        self.0.part_of_day
    }

    /// What happened.
    async fn kind(&self) -> TimelineKind {
        self.0.kind
    }

    /// One line saying what happened.
    async fn summary(&self) -> &str {
        &self.0.summary
    }

    /// What the entry is about.
    async fn subject(&self) -> TimelineSubject {
        match self.0.involved.clone() {
            Involved::Conference(m) => TimelineSubject::Conference(Conference(m)),
            Involved::Tenure(m) => TimelineSubject::Tenure(Tenure::of(m)),
            Involved::Directive(m) => TimelineSubject::Directive(Directive(m)),
            Involved::Task(m) => TimelineSubject::Task(Task(m)),
            Involved::TaskUpdate(m) => TimelineSubject::TaskUpdate(TaskUpdate(m)),
        }
    }
}

/// One timeline entry in a page, with its cursor.
#[derive(SimpleObject)]
pub struct TimelineEdge {
    /// The entry.
    pub node: TimelineEntry,
    /// An opaque cursor: pass it as `after` to continue after this entry.
    pub cursor: String,
}

/// A page of a timeline, earliest first.
pub struct TimelineConnection {
    edges: Vec<TimelineEdge>,
    page_info: PageInfo,
    total: usize,
}

/// A page of a timeline, earliest first.
#[Object]
impl TimelineConnection {
    /// The entries of this page with their cursors.
    async fn edges(&self) -> &[TimelineEdge] {
        &self.edges
    }

    /// The entries of this page.
    async fn nodes(&self) -> Vec<TimelineEntry> {
        self.edges.iter().map(|e| e.node.clone()).collect()
    }

    /// Where this page stands in the timeline.
    async fn page_info(&self) -> &PageInfo {
        &self.page_info
    }

    /// How many entries the whole timeline has within the window.
    async fn total_count(&self) -> usize {
        self.total
    }
}

fn encode_cursor(key: EntryKey) -> String {
    let (date, part, kind, object, id) = key;
    URL_SAFE_NO_PAD.encode(format!("timeline:{date}:{part}:{kind}:{object}:{id}"))
}

fn decode_cursor(cursor: &str) -> Result<EntryKey> {
    let bad = || AppError::bad_input("after", "after: not a cursor of a timeline");
    let text = String::from_utf8(URL_SAFE_NO_PAD.decode(cursor).map_err(|_| bad())?).map_err(|_| bad())?;
    let parts: Vec<&str> = text.split(':').collect();
    if parts.len() != 6 || parts[0] != "timeline" {
        return Err(bad().into());
    }
    Ok((
        parts[1].parse().map_err(|_| bad())?,
        parts[2].parse().map_err(|_| bad())?,
        parts[3].parse().map_err(|_| bad())?,
        parts[4].parse().map_err(|_| bad())?,
        parts[5].parse().map_err(|_| bad())?,
    ))
}

/// Timelines.
#[derive(Default)]
pub struct TimelineQuery;

/// Timelines.
#[Object]
impl TimelineQuery {
    /// What happened around an official, organization, post, directive or area, earliest
    /// first: conferences chaired, attended, organized or held, tenures begun and ended,
    /// directives issued and reviewed, tasks assigned, due and updated.
    #[allow(clippy::too_many_arguments)]
    #[graphql(complexity = "crate::limits::page_cost(first, None, child_complexity)")]
    async fn timeline(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The id of an Official, Organization, Post, Directive or Area.")] subject: ID,
        #[graphql(desc = "Entries on or after this date.")] from: Option<Date>,
        #[graphql(desc = "Entries on or before this date.")] to: Option<Date>,
        #[graphql(desc = "Only these kinds of entry.")] kinds: Option<Vec<TimelineKind>>,
        #[graphql(desc = "For an organization: include the bodies under it.")] include_children: Option<bool>,
        #[graphql(desc = "How many entries (at most 100; 20 when omitted).")] first: Option<i32>,
        #[graphql(desc = "Continue after this cursor.")] after: Option<String>,
    ) -> Result<TimelineConnection> {
        let size = page_size(first)?;
        let subject = match decode(&subject).map_err(|_| AppError::bad_input("subject", "subject: not a node id"))? {
            (NodeType::Official, id) => Subject::Official(id),
            (NodeType::Organization, id) => {
                Subject::Organization { id, include_children: include_children.unwrap_or(false) }
            }
            (NodeType::Post, id) => Subject::Post(id),
            (NodeType::Directive, id) => Subject::Directive(id),
            (NodeType::Area, id) => Subject::Area(id),
            (kind, _) => {
                return Err(AppError::bad_input(
                    "subject",
                    format!(
                        "subject: timelines are of officials, organizations, posts, directives and areas, not of a {}",
                        kind.name()
                    ),
                )
                .into());
            }
        };
        let after = after.as_deref().map(decode_cursor).transpose()?;
        let window = Window { from: from.map(|d| d.0), to: to.map(|d| d.0), kinds: kinds.unwrap_or_default() };
        let entries = timeline::timeline(db(ctx)?, subject, &window).await?;
        let total = entries.len();
        let start = after.map_or(0, |key| entries.partition_point(|e| e.key() <= key));
        let edges: Vec<TimelineEdge> = entries[start..]
            .iter()
            .take(size)
            .map(|e| TimelineEdge { cursor: encode_cursor(e.key()), node: TimelineEntry(e.clone()) })
            .collect();
        let page_info = PageInfo {
            has_next_page: start + edges.len() < total,
            has_previous_page: start > 0,
            start_cursor: edges.first().map(|e| e.cursor.clone()),
            end_cursor: edges.last().map(|e| e.cursor.clone()),
        };
        Ok(TimelineConnection { edges, page_info, total })
    }
}
