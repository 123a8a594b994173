//! Follow-up tasks: who must do what by when (a local date in the task's zone), assigned where
//! and by whom, serving which directive, and their progress.

use super::conference::Conference;
use super::directive::Directive;
use super::ids::{NodeKind, decode, decode_as, encode};
use super::loaders::*;
use super::official::Official;
use super::organization::Organization;
use super::pagination::{Parts, check_depth, connection, page_request};
use super::scalars::{Date, TimeZone};
use super::source::{Citation, Source, citations_of, sources_of};
use super::{db, load_list, load_many, load_one, state, vocabulary};
use crate::dataset::import::subject;
use crate::domain::time::{days_until_due, is_overdue, local_date, parse_time_zone};
use crate::domain::vocabulary::TaskStatus;
use crate::error::{AppError, AppResult};
use crate::store::filters::{Assignee, TaskFilter as StoreFilter};
use crate::store::lists::{self, TaskOrder};
use async_graphql::{Context, ID, InputObject, Object, Result, Union};
use chrono::NaiveDate;
use chrono_tz::Tz;
use entity::{task, task_assignee, task_update};

/// The tasks behind a list of assignments, soonest due first.
pub(crate) async fn tasks_of_assignments(
    ctx: &Context<'_>,
    assignments: Vec<task_assignee::Model>,
) -> AppResult<Vec<Task>> {
    let mut ids: Vec<i32> = assignments.iter().map(|a| a.task_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let mut tasks: Vec<task::Model> = load_many(ctx, ids.into_iter().map(TaskById).collect()).await?;
    tasks.sort_by_key(|t| (t.due_on.is_some(), t.due_on, t.id));
    Ok(tasks.into_iter().map(Task).collect())
}

/// An organization or an official: who assigns or carries out a task.
#[derive(Union, Clone)]
pub enum Actor {
    /// An organization.
    Organization(Organization),
    /// An official.
    Official(Official),
}

/// A task.
#[derive(Clone)]
pub struct Task(pub task::Model);

impl Task {
    fn zone(&self) -> AppResult<Tz> {
        parse_time_zone(&self.0.time_zone).map_err(AppError::internal)
    }

    fn status_value(&self) -> AppResult<TaskStatus> {
        vocabulary(&self.0.status, TaskStatus::parse)
    }

    /// The as-of date: the one given, or today in the task's zone.
    fn as_of(&self, ctx: &Context<'_>, as_of: Option<Date>) -> AppResult<NaiveDate> {
        match as_of {
            Some(day) => Ok(day.0),
            None => Ok(local_date(self.zone()?, state(ctx)?.clock.now())),
        }
    }
}

/// A follow-up task assigned at a conference: what, by when, by whom, for whom, serving
/// which directive, and how it is going.
#[Object]
impl Task {
    /// The global id.
    pub async fn id(&self) -> ID {
        encode(NodeKind::Task, self.0.id)
    }

    /// The version: 1 when created, one more with each change; updates and deletes name it.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// The stable human-readable key of the task in datasets.
    async fn key(&self) -> &str {
        &self.0.key
    }

    /// What is to be done, in short.
    async fn title(&self) -> &str {
        &self.0.title
    }

    /// What is to be done, in full, as reported.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }

    /// Where the task stands.
    async fn status(&self) -> Result<TaskStatus> {
        Ok(self.status_value()?)
    }

    /// The local date it is due by, in `timeZone`.
    async fn due_on(&self) -> Option<Date> {
        self.0.due_on.map(Date)
    }

    /// The IANA time zone the due date is local to.
    async fn time_zone(&self) -> Result<TimeZone> {
        Ok(TimeZone(self.zone()?))
    }

    /// Whether it is overdue on `asOf` (default: today in the task's zone): neither done nor
    /// cancelled, and due before that date.
    async fn is_overdue(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The date to judge on; today in the task's zone when omitted.")] as_of: Option<Date>,
    ) -> Result<bool> {
        Ok(is_overdue(self.status_value()?, self.0.due_on, self.as_of(ctx, as_of)?))
    }

    /// Days from `asOf` (default: today in the task's zone) to the due date: 0 on the day,
    /// negative once past; null without a due date.
    async fn days_until_due(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The date to count from; today in the task's zone when omitted.")] as_of: Option<Date>,
    ) -> Result<Option<i64>> {
        Ok(days_until_due(self.0.due_on, self.as_of(ctx, as_of)?))
    }

    /// Who carries it out: organizations and officials.
    async fn assignees(&self, ctx: &Context<'_>) -> Result<Vec<Actor>> {
        let rows = load_list(ctx, TaskAssignees(self.0.id)).await?;
        let organizations =
            load_many(ctx, rows.iter().filter_map(|r| r.organization_id).map(OrganizationById).collect()).await?;
        let officials = load_many(ctx, rows.iter().filter_map(|r| r.official_id).map(OfficialById).collect()).await?;
        Ok(organizations
            .into_iter()
            .map(|o| Actor::Organization(Organization(o)))
            .chain(officials.into_iter().map(|o| Actor::Official(Official(o))))
            .collect())
    }

    /// Each assignment of the task, with the sources that state it.
    async fn assignments(&self, ctx: &Context<'_>) -> Result<Vec<TaskAssignment>> {
        Ok(load_list(ctx, TaskAssignees(self.0.id)).await?.into_iter().map(TaskAssignment).collect())
    }

    /// The conference it was assigned at.
    async fn assigned_at(&self, ctx: &Context<'_>) -> Result<Option<Conference>> {
        match self.0.conference_id {
            Some(id) => Ok(load_one(ctx, ConferenceById(id)).await?.map(Conference)),
            None => Ok(None),
        }
    }

    /// Who assigned it: an organization or an official.
    async fn assigned_by(&self, ctx: &Context<'_>) -> Result<Option<Actor>> {
        if let Some(id) = self.0.assigned_by_organization_id {
            return Ok(load_one(ctx, OrganizationById(id)).await?.map(|o| Actor::Organization(Organization(o))));
        }
        if let Some(id) = self.0.assigned_by_official_id {
            return Ok(load_one(ctx, OfficialById(id)).await?.map(|o| Actor::Official(Official(o))));
        }
        Ok(None)
    }

    /// The directive it serves.
    async fn directive(&self, ctx: &Context<'_>) -> Result<Option<Directive>> {
        match self.0.directive_id {
            Some(id) => Ok(load_one(ctx, DirectiveById(id)).await?.map(Directive)),
            None => Ok(None),
        }
    }

    /// Progress updates, oldest first.
    async fn updates(&self, ctx: &Context<'_>) -> Result<Vec<TaskUpdate>> {
        Ok(load_list(ctx, TaskUpdates(self.0.id)).await?.into_iter().map(TaskUpdate).collect())
    }

    /// The sources that report the assignment.
    async fn sources(&self, ctx: &Context<'_>) -> Result<Vec<Source>> {
        Ok(sources_of(ctx, subject::TASK, self.0.id).await?)
    }

    /// The citations of the assignment, with quotes.
    async fn citations(&self, ctx: &Context<'_>) -> Result<Vec<Citation>> {
        Ok(citations_of(ctx, subject::TASK, self.0.id).await?)
    }
}

/// The assignment of a task to one organization or official.
#[derive(Clone)]
pub struct TaskAssignment(pub task_assignee::Model);

/// The assignment of a task to one organization or official, with its sources.
#[Object]
impl TaskAssignment {
    /// Who is to carry the task out.
    async fn assignee(&self, ctx: &Context<'_>) -> Result<Option<Actor>> {
        if let Some(id) = self.0.organization_id {
            return Ok(load_one(ctx, OrganizationById(id)).await?.map(|o| Actor::Organization(Organization(o))));
        }
        if let Some(id) = self.0.official_id {
            return Ok(load_one(ctx, OfficialById(id)).await?.map(|o| Actor::Official(Official(o))));
        }
        Ok(None)
    }

    /// The sources that state the assignment.
    async fn sources(&self, ctx: &Context<'_>) -> Result<Vec<Source>> {
        Ok(sources_of(ctx, subject::TASK_ASSIGNMENT, self.0.id).await?)
    }

    /// The citations of the assignment, with quotes.
    async fn citations(&self, ctx: &Context<'_>) -> Result<Vec<Citation>> {
        Ok(citations_of(ctx, subject::TASK_ASSIGNMENT, self.0.id).await?)
    }
}

/// A progress update.
#[derive(Clone)]
pub struct TaskUpdate(pub task_update::Model);

/// A progress update on a task: on which date, what status, and a note.
#[Object]
impl TaskUpdate {
    /// The global id.
    pub async fn id(&self) -> ID {
        encode(NodeKind::TaskUpdate, self.0.id)
    }

    /// The local date of the update.
    async fn date(&self) -> Date {
        Date(self.0.date)
    }

    /// The status the task had from this update on.
    async fn status(&self) -> Result<TaskStatus> {
        Ok(vocabulary(&self.0.status, TaskStatus::parse)?)
    }

    /// What was reported.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }

    /// The task.
    async fn task(&self, ctx: &Context<'_>) -> Result<Option<Task>> {
        Ok(load_one(ctx, TaskById(self.0.task_id)).await?.map(Task))
    }
}

/// Which tasks to list; every condition given must hold.
#[derive(InputObject, Default)]
pub struct TaskFilter {
    /// Only these statuses.
    pub status: Option<Vec<TaskStatus>>,
    /// Assigned to this organization or official.
    pub assignee: Option<ID>,
    /// Serving this directive.
    pub directive: Option<ID>,
    /// Assigned at this conference.
    pub conference: Option<ID>,
    /// Due on or after this date.
    pub due_from: Option<Date>,
    /// Due on or before this date.
    pub due_to: Option<Date>,
    /// Overdue on this date: neither done nor cancelled, and due before it.
    pub overdue_as_of: Option<Date>,
    /// Words of the title or description, ignoring diacritics and case.
    pub text: Option<String>,
    /// Filters that must all hold as well.
    pub and: Option<Vec<TaskFilter>>,
    /// Filters of which at least one must hold as well.
    pub or: Option<Vec<TaskFilter>>,
    /// Filters none of which may hold.
    pub not: Option<Vec<TaskFilter>>,
}

impl TaskFilter {
    pub(crate) fn into_store(self, depth: usize) -> AppResult<StoreFilter> {
        let nested = |list: Option<Vec<TaskFilter>>| -> AppResult<Vec<StoreFilter>> {
            if list.as_ref().is_some_and(|l| !l.is_empty()) {
                check_depth(depth)?;
            }
            list.unwrap_or_default().into_iter().map(|f| f.into_store(depth + 1)).collect()
        };
        let (and, or, not) = (nested(self.and)?, nested(self.or)?, nested(self.not)?);
        let assignee = match self.assignee {
            None => None,
            Some(id) => Some(
                match decode(&id)
                    .map_err(|_| AppError::bad_input("filter.assignee", "filter.assignee: not a node id"))?
                {
                    (NodeKind::Organization, row) => Assignee::Organization(row),
                    (NodeKind::Official, row) => Assignee::Official(row),
                    (kind, _) => {
                        return Err(AppError::bad_input(
                            "filter.assignee",
                            format!("filter.assignee: expected an Organization or Official id, got a {}", kind.name()),
                        ));
                    }
                },
            ),
        };
        Ok(StoreFilter {
            and,
            or,
            not,
            statuses: self.status,
            assignee,
            directive: self.directive.map(|id| decode_as(&id, NodeKind::Directive, "filter.directive")).transpose()?,
            conference: self
                .conference
                .map(|id| decode_as(&id, NodeKind::Conference, "filter.conference"))
                .transpose()?,
            due_from: self.due_from.map(|d| d.0),
            due_to: self.due_to.map(|d| d.0),
            overdue_as_of: self.overdue_as_of.map(|d| d.0),
            text: self.text,
        })
    }
}

connection!(TaskConnection, TaskEdge, Task, "task", "tasks");

/// Queries of tasks.
#[derive(Default)]
pub struct TaskQuery;

/// Queries of tasks.
#[Object]
impl TaskQuery {
    /// Tasks matching the filter; by default soonest due first.
    #[allow(clippy::too_many_arguments)]
    async fn tasks(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which tasks.")] filter: Option<TaskFilter>,
        #[graphql(desc = "The order, by several keys in the order given.")] order_by: Option<Vec<TaskOrder>>,
        #[graphql(desc = "How many from the start (at most 100; 20 when no size is given).")] first: Option<i32>,
        #[graphql(desc = "Start after this cursor.")] after: Option<String>,
        #[graphql(desc = "How many from the end (at most 100).")] last: Option<i32>,
        #[graphql(desc = "End before this cursor.")] before: Option<String>,
    ) -> Result<TaskConnection> {
        let page = page_request(first, after, last, before)?;
        let filter = filter.unwrap_or_default().into_store(0)?;
        let rows = lists::tasks(db(ctx)?, &filter, &order_by.unwrap_or_default(), &page).await?;
        Ok(TaskConnection(Parts::from_page(rows, Task)))
    }
}
