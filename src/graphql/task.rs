//! Follow-up tasks: who must do what by when (a local date in the task's zone), assigned where
//! and by whom, serving which directive, and their progress.

use super::Result;
use super::conference::Conference;
use super::directive::Directive;
use super::ids::{NodeType, decode, decode_as, encode};
use super::loaders::*;
use super::official::Official;
use super::organization::Organization;
use super::pagination::{Parts, check_depth, connection, page_request};
use super::scalars::{Date, TimeZone};
use super::source::{Citation, Source, citations_of, sources_of};
use super::{DeletePayload, writer};
use super::{db, load_list, load_many, load_one, state, vocabulary};
use crate::domain::subject;
use crate::domain::time::{days_until_due, is_overdue, local_date, parse_time_zone};
use crate::domain::vocabulary::TaskStatus;
use crate::error::{AppError, AppResult};
use crate::service;
use crate::store::filters::{Assignee, TaskFilter as StoreFilter};
use crate::store::lists::{self, TaskOrder};
use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, Union};
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
        encode(NodeType::Task, self.0.id)
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
    #[graphql(complexity = "crate::limits::list_cost(child_complexity)")]
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
    #[graphql(complexity = "crate::limits::list_cost(child_complexity)")]
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
    #[graphql(complexity = "crate::limits::list_cost(child_complexity)")]
    async fn updates(&self, ctx: &Context<'_>) -> Result<Vec<TaskUpdate>> {
        Ok(load_list(ctx, TaskUpdates(self.0.id)).await?.into_iter().map(TaskUpdate).collect())
    }

    /// The sources that report the assignment.
    #[graphql(complexity = "crate::limits::list_cost(child_complexity)")]
    async fn sources(&self, ctx: &Context<'_>) -> Result<Vec<Source>> {
        Ok(sources_of(ctx, subject::TASK, self.0.id).await?)
    }

    /// The citations of the assignment, with quotes.
    #[graphql(complexity = "crate::limits::list_cost(child_complexity)")]
    async fn citations(&self, ctx: &Context<'_>) -> Result<Vec<Citation>> {
        Ok(citations_of(ctx, subject::TASK, self.0.id).await?)
    }

    /// Every change made to the task through the API, newest first.
    #[graphql(complexity = "crate::limits::page_cost(first, None, child_complexity)")]
    async fn history(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many from the start (at most 100; 20 when no size is given).")] first: Option<i32>,
        #[graphql(desc = "Start after this cursor.")] after: Option<String>,
    ) -> Result<super::history::ChangeConnection> {
        super::history::history_of(ctx, NodeType::Task, self.0.id, first, after).await
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
    #[graphql(complexity = "crate::limits::list_cost(child_complexity)")]
    async fn sources(&self, ctx: &Context<'_>) -> Result<Vec<Source>> {
        Ok(sources_of(ctx, subject::TASK_ASSIGNMENT, self.0.id).await?)
    }

    /// The citations of the assignment, with quotes.
    #[graphql(complexity = "crate::limits::list_cost(child_complexity)")]
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
        encode(NodeType::TaskUpdate, self.0.id)
    }

    /// The local date of the update.
    async fn date(&self) -> Date {
        Date(self.0.date)
    }

    /// The status the task had from this update on.
    async fn status(&self) -> Result<TaskStatus> {
        Ok(vocabulary(&self.0.status, TaskStatus::parse)?)
    }

    /// How far along the task was, in percent, where given.
    async fn progress_percent(&self) -> Option<i32> {
        self.0.progress_percent
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
    /// Assigned to this organization or to a body under it, at any depth (a department and
    /// its sections).
    pub organization: Option<ID>,
    /// Assigned at a conference in this area or an area inside it, or to a body of such an area.
    pub area: Option<ID>,
    /// With a due date (true) or without one (false).
    pub has_due_date: Option<bool>,
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
                    (NodeType::Organization, row) => Assignee::Organization(row),
                    (NodeType::Official, row) => Assignee::Official(row),
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
            directive: self.directive.map(|id| decode_as(&id, NodeType::Directive, "filter.directive")).transpose()?,
            conference: self
                .conference
                .map(|id| decode_as(&id, NodeType::Conference, "filter.conference"))
                .transpose()?,
            due_from: self.due_from.map(|d| d.0),
            due_to: self.due_to.map(|d| d.0),
            overdue_as_of: self.overdue_as_of.map(|d| d.0),
            text: self.text,
            organization: self
                .organization
                .map(|id| decode_as(&id, NodeType::Organization, "filter.organization"))
                .transpose()?,
            area: self.area.map(|id| decode_as(&id, NodeType::Area, "filter.area")).transpose()?,
            has_due_date: self.has_due_date,
            organizations: None,
            areas: None,
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
    #[graphql(complexity = "crate::limits::page_cost(first, last, child_complexity)")]
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
        let rows = super::plan::prefetch::<_, TaskById>(ctx, super::plan::Root::Task, rows).await?;
        Ok(TaskConnection(Parts::from_page(rows, Task)))
    }
}

/// The service's task input for a new task; `at` is the input's path, for error messages.
pub(crate) fn task_input(input: CreateTaskInput, at: &str) -> AppResult<service::task::TaskInput> {
    let mut assignees = Vec::with_capacity(input.assignees.len());
    for (i, id) in input.assignees.iter().enumerate() {
        assignees.push(party(id, &format!("{at}.assignees[{i}]"))?);
    }
    Ok(service::task::TaskInput {
        title: Some(input.title),
        description: input.description.map_or(service::task::Change::Keep, service::task::Change::Set),
        due_on: input.due_on.map_or(service::task::Change::Keep, |d| service::task::Change::Set(d.0)),
        time_zone: input.time_zone.map(|z| z.0),
        conference: match input.conference {
            Some(id) => service::task::Change::Set(decode_as(&id, NodeType::Conference, &format!("{at}.conference"))?),
            None => service::task::Change::Keep,
        },
        directive: match input.directive {
            Some(id) => service::task::Change::Set(decode_as(&id, NodeType::Directive, &format!("{at}.directive"))?),
            None => service::task::Change::Keep,
        },
        assigned_by: match input.assigned_by {
            Some(id) => service::task::Change::Set(party(&id, &format!("{at}.assignedBy"))?),
            None => service::task::Change::Keep,
        },
        assignees: Some(assignees),
    })
}

fn party(id: &ID, field: &str) -> AppResult<service::task::Party> {
    match decode(id).map_err(|_| AppError::bad_input(field, format!("{field}: not a node id")))? {
        (NodeType::Organization, row) => Ok(service::task::Party::Organization(row)),
        (NodeType::Official, row) => Ok(service::task::Party::Official(row)),
        (kind, _) => Err(AppError::bad_input(
            field,
            format!("{field}: expected an Organization or Official id, got a {}", kind.name()),
        )),
    }
}

fn change<T, U>(
    value: MaybeUndefined<T>,
    convert: impl FnOnce(T) -> AppResult<U>,
) -> AppResult<service::task::Change<U>> {
    Ok(match value {
        MaybeUndefined::Undefined => service::task::Change::Keep,
        MaybeUndefined::Null => service::task::Change::Clear,
        MaybeUndefined::Value(v) => service::task::Change::Set(convert(v)?),
    })
}

/// A new task.
#[derive(InputObject)]
pub struct CreateTaskInput {
    /// What is to be done, in short.
    pub title: String,
    /// What is to be done, in full.
    pub description: Option<String>,
    /// The local date it is due by.
    pub due_on: Option<Date>,
    /// The zone of the due date; Asia/Ho_Chi_Minh when omitted.
    pub time_zone: Option<TimeZone>,
    /// The conference it was assigned at.
    pub conference: Option<ID>,
    /// The directive it serves.
    pub directive: Option<ID>,
    /// The organization or official who assigned it.
    pub assigned_by: Option<ID>,
    /// The organizations and officials who carry it out (at least one).
    pub assignees: Vec<ID>,
}

/// The fields of a task to change: omitted fields stay, `null` clears.
#[derive(InputObject)]
pub struct UpdateTaskInput {
    /// What is to be done, in short.
    pub title: Option<String>,
    /// What is to be done, in full.
    pub description: MaybeUndefined<String>,
    /// The local date it is due by.
    pub due_on: MaybeUndefined<Date>,
    /// The zone of the due date.
    pub time_zone: Option<TimeZone>,
    /// The conference it was assigned at.
    pub conference: MaybeUndefined<ID>,
    /// The directive it serves.
    pub directive: MaybeUndefined<ID>,
    /// The organization or official who assigned it.
    pub assigned_by: MaybeUndefined<ID>,
    /// The assignees, replacing the current ones.
    pub assignees: Option<Vec<ID>>,
}

/// A progress report on a task.
#[derive(InputObject)]
pub struct TaskProgressInput {
    /// The local date of the report; today in the task's zone when omitted.
    pub date: Option<Date>,
    /// The status from then on.
    pub status: TaskStatus,
    /// What was reported.
    pub note: Option<String>,
    /// How far along, in percent (0 to 100).
    pub progress_percent: Option<i32>,
}

/// Changes to tasks.
#[derive(Default)]
pub struct TaskMutation;

/// Changes to tasks (EDITOR).
#[Object]
impl TaskMutation {
    /// Records a new follow-up task.
    async fn create_task(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new task.")] input: CreateTaskInput,
    ) -> Result<Task> {
        let (actor, now) = writer(ctx)?;
        let task_input = task_input(input, "input")?;
        Ok(Task(service::task::create(db(ctx)?, &actor, task_input, now).await?))
    }

    /// Changes the fields given; fails with CONFLICT unless the task is still at `expectedVersion`.
    async fn update_task(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The task's global id.")] id: ID,
        #[graphql(desc = "The version the change was made against.")] expected_version: i32,
        #[graphql(desc = "The fields to change.")] input: UpdateTaskInput,
    ) -> Result<Task> {
        let (actor, now) = writer(ctx)?;
        let row = decode_as(&id, NodeType::Task, "id")?;
        let assignees = match input.assignees {
            Some(ids) => {
                let mut list = Vec::with_capacity(ids.len());
                for (i, id) in ids.iter().enumerate() {
                    list.push(party(id, &format!("input.assignees[{i}]"))?);
                }
                Some(list)
            }
            None => None,
        };
        let task_input = service::task::TaskInput {
            title: input.title,
            description: change(input.description, Ok)?,
            due_on: change(input.due_on, |d| Ok(d.0))?,
            time_zone: input.time_zone.map(|z| z.0),
            conference: change(input.conference, |id| decode_as(&id, NodeType::Conference, "input.conference"))?,
            directive: change(input.directive, |id| decode_as(&id, NodeType::Directive, "input.directive"))?,
            assigned_by: change(input.assigned_by, |id| party(&id, "input.assignedBy"))?,
            assignees,
        };
        Ok(Task(service::task::update(db(ctx)?, &actor, row, expected_version, task_input, now).await?))
    }

    /// Records progress on a task; its status becomes that of its latest update. With
    /// `expectedVersion`, fails with CONFLICT when the task changed since.
    async fn record_task_update(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The task's global id.")] task_id: ID,
        #[graphql(desc = "The version the report was made against, if it matters.")] expected_version: Option<i32>,
        #[graphql(desc = "The report.")] update: TaskProgressInput,
    ) -> Result<Task> {
        let (actor, now) = writer(ctx)?;
        progress(ctx, &actor, &task_id, expected_version, update, now).await
    }

    /// Opens a DONE or CANCELLED task again, with a note on why; CONFLICT for a task that is
    /// still OPEN or IN_PROGRESS.
    async fn reopen_task(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The task's global id.")] id: ID,
        #[graphql(desc = "The version the decision was made against, if it matters.")] expected_version: Option<i32>,
        #[graphql(desc = "Why it is reopened.")] note: Option<String>,
    ) -> Result<Task> {
        let (actor, now) = writer(ctx)?;
        let (row, current) = task_at(ctx, &id, "id").await?;
        let version = expected_version.unwrap_or(current.version);
        let today = today_for(&current, now)?;
        Ok(Task(service::task::reopen(db(ctx)?, &actor, row, version, today, note, now).await?))
    }

    /// Adds an organization or official to the task's assignees; fails with CONFLICT unless
    /// the task is still at `expectedVersion`.
    async fn assign_task(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The task's global id.")] task_id: ID,
        #[graphql(desc = "The version the assignment was made against.")] expected_version: i32,
        #[graphql(desc = "The organization or official to carry the task out too.")] assignee: ID,
    ) -> Result<Task> {
        assignment(ctx, (&task_id, expected_version), &assignee, true).await
    }

    /// Takes an organization or official off the task's assignees (a task keeps at least one);
    /// fails with CONFLICT unless the task is still at `expectedVersion`.
    async fn unassign_task(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The task's global id.")] task_id: ID,
        #[graphql(desc = "The version the change was made against.")] expected_version: i32,
        #[graphql(desc = "The organization or official to take off.")] assignee: ID,
    ) -> Result<Task> {
        assignment(ctx, (&task_id, expected_version), &assignee, false).await
    }

    /// Deletes a task with its assignments and updates; fails with CONFLICT unless it is still
    /// at `expectedVersion`.
    async fn delete_task(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The task's global id.")] id: ID,
        #[graphql(desc = "The version the deletion was decided on.")] expected_version: i32,
    ) -> Result<DeletePayload> {
        let (actor, now) = writer(ctx)?;
        let row = decode_as(&id, NodeType::Task, "id")?;
        service::task::delete(db(ctx)?, &actor, row, expected_version, now).await?;
        Ok(DeletePayload { id })
    }
}

async fn assignment(ctx: &Context<'_>, (task_id, version): (&ID, i32), assignee: &ID, add: bool) -> Result<Task> {
    let (actor, now) = writer(ctx)?;
    let row = decode_as(task_id, NodeType::Task, "taskId")?;
    let party = party(assignee, "assignee")?;
    Ok(Task(service::task::assign(db(ctx)?, &actor, (row, version), party, add, now).await?))
}

/// The row of the task `id` names and its current state.
async fn task_at(ctx: &Context<'_>, id: &ID, argument: &str) -> Result<(i32, entity::task::Model)> {
    let row = decode_as(id, NodeType::Task, argument)?;
    let current = load_one(ctx, TaskById(row)).await?.ok_or_else(|| AppError::not_found("no such task"))?;
    Ok((row, current))
}

/// Today in the task's own time zone.
fn today_for(task: &entity::task::Model, now: chrono::DateTime<chrono::Utc>) -> Result<chrono::NaiveDate> {
    Ok(local_date(parse_time_zone(&task.time_zone).map_err(AppError::internal)?, now))
}

async fn progress(
    ctx: &Context<'_>,
    actor: &str,
    id: &ID,
    expected_version: Option<i32>,
    update: TaskProgressInput,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Task> {
    let (row, current) = task_at(ctx, id, "taskId").await?;
    let version = expected_version.unwrap_or(current.version);
    let date = match update.date {
        Some(d) => d.0,
        None => today_for(&current, now)?,
    };
    let progress = service::task::Progress {
        date,
        status: update.status,
        progress_percent: update.progress_percent,
        note: update.note,
    };
    Ok(Task(service::task::record_progress(db(ctx)?, actor, row, version, progress, now).await?))
}
