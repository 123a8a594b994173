//! Subscriptions (graphql-transport-ws at `/graphql/ws`): tasks and conferences as they
//! change, through any server on the database, and tasks as they come due at local midnight.

use super::Result;
use super::conference::{Conference, ConferenceFilter};
use super::history::Change;
use super::ids::{NodeType, encode};
use super::loaders::{ConferenceById, TaskById};
use super::scalars::{Date, TimeZone};
use super::task::{Task, TaskFilter};
use super::{RequestState, load_one, state};
use crate::domain::time::{DuePhase, days_until_due, due_phase, local_date, next_midnight, parse_time_zone};
use crate::domain::vocabulary::TaskStatus;
use crate::error::{AppError, AppResult};
use crate::live::Batch;
use crate::metrics::SubscriptionGuard;
use crate::service::history::ChangeAction;
use crate::store::filters::{ConferenceFilter as StoreConferenceFilter, TaskFilter as StoreTaskFilter};
use crate::store::live as store;
use async_graphql::{Context, Enum, ID, Object, Subscription};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use entity::{change, task};
use futures::Stream;
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::time::Duration;
use tokio::sync::broadcast::error::RecvError;

/// The widest window `tasksDue` watches, in days.
const MAX_WINDOW_DAYS: i32 = 366;

/// What happened to a task.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum TaskChangeKind {
    /// It was created.
    Created,
    /// Fields other than its status changed (title, due date, assignees...).
    Updated,
    /// Its status changed (a progress update, a reopening, an edit of the status).
    StatusChanged,
    /// It was deleted.
    Deleted,
}

/// What happened to a conference.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum ConferenceChangeKind {
    /// It was created.
    Created,
    /// Its own fields, organizers, directives or citations changed.
    Updated,
    /// One of its participations (who chaired, attended...) was added, changed or removed.
    ParticipationChanged,
    /// It was deleted.
    Deleted,
}

/// How a task came due.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum TaskDueKind {
    /// It is now due within the window (today included): local midnight came, or its due date,
    /// status or filter fields changed.
    EnteredWindow,
    /// Its due date has passed while it is still owed.
    Overdue,
}

/// A change to a task, as a subscription sees it.
pub struct TaskChange {
    change: change::Model,
    kind: TaskChangeKind,
    matches_filter: bool,
}

/// The status a task snapshot of the history holds.
fn snapshot_status(snapshot: Option<&str>) -> Option<TaskStatus> {
    let fields: Value = serde_json::from_str(snapshot?).ok()?;
    TaskStatus::parse(fields.get("status")?.as_str()?)
}

/// A task changed.
#[Object]
impl TaskChange {
    /// What happened.
    async fn kind(&self) -> TaskChangeKind {
        self.kind
    }

    /// The task's global id (it may since have been deleted).
    async fn task_id(&self) -> ID {
        encode(NodeType::Task, self.change.node_id)
    }

    /// The task as it is when the event is sent; null once it is deleted. The change itself is
    /// in `change`.
    async fn task(&self, ctx: &Context<'_>) -> Result<Option<Task>> {
        Ok(load_one(ctx, TaskById(self.change.node_id)).await?.map(Task))
    }

    /// Its status before the change; null for a creation.
    async fn previous_status(&self) -> Option<TaskStatus> {
        snapshot_status(self.change.before.as_deref())
    }

    /// Its status after the change; null for a deletion.
    async fn status(&self) -> Option<TaskStatus> {
        snapshot_status(self.change.after.as_deref())
    }

    /// Whether the subscription's filter holds for the task after the change. False when the
    /// change took it out of the filter (or deleted it), so that a list can drop it.
    async fn matches_filter(&self) -> bool {
        self.matches_filter
    }

    /// The change as the history records it: who, when, by which mutation, which fields.
    async fn change(&self) -> Change {
        Change(self.change.clone())
    }
}

/// A change to a conference, as a subscription sees it.
pub struct ConferenceChange {
    change: change::Model,
    conference_id: i32,
    kind: ConferenceChangeKind,
    matches_filter: bool,
}

/// A conference changed.
#[Object]
impl ConferenceChange {
    /// What happened.
    async fn kind(&self) -> ConferenceChangeKind {
        self.kind
    }

    /// The conference's global id (it may since have been deleted).
    async fn conference_id(&self) -> ID {
        encode(NodeType::Conference, self.conference_id)
    }

    /// The conference as it is when the event is sent; null once it is deleted.
    async fn conference(&self, ctx: &Context<'_>) -> Result<Option<Conference>> {
        Ok(load_one(ctx, ConferenceById(self.conference_id)).await?.map(Conference))
    }

    /// Whether the subscription's filter holds for the conference after the change. False when
    /// the change took it out of the filter (or deleted it).
    async fn matches_filter(&self) -> bool {
        self.matches_filter
    }

    /// The change as the history records it (for `PARTICIPATION_CHANGED`, the participation's).
    async fn change(&self) -> Change {
        Change(self.change.clone())
    }
}

/// A task that came due.
pub struct TaskDue {
    task: task::Model,
    kind: TaskDueKind,
    today: chrono::NaiveDate,
}

/// A task entered the window of `tasksDue` or became overdue.
#[Object]
impl TaskDue {
    /// How it came due.
    async fn kind(&self) -> TaskDueKind {
        self.kind
    }

    /// The task.
    async fn task(&self) -> Task {
        Task(self.task.clone())
    }

    /// Its due date, a local date in its time zone.
    async fn due_on(&self) -> Option<Date> {
        self.task.due_on.map(Date)
    }

    /// The time zone its due date is in.
    async fn time_zone(&self) -> Result<TimeZone> {
        Ok(TimeZone(parse_time_zone(&self.task.time_zone).map_err(AppError::internal)?))
    }

    /// The local date in its time zone when the event was sent.
    async fn today(&self) -> Date {
        Date(self.today)
    }

    /// Days from `today` to the due date: 0 on the day, negative once passed.
    async fn days_left(&self) -> Option<i64> {
        days_until_due(self.task.due_on, self.today)
    }
}

/// The root of every subscription.
#[derive(Default)]
pub struct SubscriptionRoot;

/// Live updates over WebSocket (graphql-transport-ws at `/graphql/ws`).
#[Subscription]
impl SubscriptionRoot {
    /// Every change to a task, made through any server on the database: created, updated,
    /// status changed, deleted. With a filter, changes to tasks it holds for before or after the
    /// change (`matchesFilter` tells which). A subscriber that falls more than a few thousand
    /// changes behind gets a SUBSCRIPTION_LAGGED error and the subscription ends.
    async fn task_changed(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only tasks this filter holds for, before or after the change.")] filter: Option<TaskFilter>,
    ) -> Result<impl Stream<Item = Result<TaskChange>> + use<>> {
        let state = state(ctx)?.clone();
        let filter = match filter.map(|f| f.into_store(0)).transpose()? {
            Some(filter) => Some(crate::store::lists::expand_task_filter(&state.db, &filter).await?),
            None => None,
        };
        let changes = state.live.subscribe().await?;
        let matching = match &filter {
            Some(filter) => Some(store::tasks_matching(&state.db, filter, None).await?),
            None => None,
        };
        let guard = state.metrics.subscription("taskChanged");
        Ok(follow(changes, guard, TaskFollower { state, filter, matching }))
    }

    /// Every change to a conference or to one of its participations, made through any server
    /// on the database. With a filter, changes to conferences it holds for before or after.
    async fn conference_changed(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only conferences this filter holds for, before or after the change.")] filter: Option<
            ConferenceFilter,
        >,
    ) -> Result<impl Stream<Item = Result<ConferenceChange>> + use<>> {
        let state = state(ctx)?.clone();
        let filter = filter.map(|f| f.into_store(0)).transpose()?;
        let changes = state.live.subscribe().await?;
        let matching = match &filter {
            Some(filter) => Some(store::conferences_matching(&state.db, filter, None).await?),
            None => None,
        };
        let guard = state.metrics.subscription("conferenceChanged");
        Ok(follow(changes, guard, ConferenceFollower { state, filter, matching }))
    }

    /// Tasks still owed (open or in progress) as they come due: when one enters the window of
    /// `withinDays` days from today (today included), or becomes overdue. "Today" is the local
    /// date in each task's time zone, so a task enters at its zone's midnight; a change to a
    /// task (its due date, status, assignees) is weighed at once.
    async fn tasks_due(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The window: due within this many days from today (0 = due today; at most 366).")]
        within_days: i32,
        #[graphql(desc = "Only tasks this filter holds for.")] filter: Option<TaskFilter>,
        #[graphql(
            desc = "Also send, at once, the tasks already in the window or overdue when the subscription starts.",
            default = false
        )]
        include_current: bool,
    ) -> Result<impl Stream<Item = Result<TaskDue>> + use<>> {
        if !(0..=MAX_WINDOW_DAYS).contains(&within_days) {
            return Err(AppError::bad_input(
                "withinDays",
                format!("withinDays: from 0 to {MAX_WINDOW_DAYS}, not {within_days}"),
            )
            .into());
        }
        let within = within_days.unsigned_abs();
        let state = state(ctx)?.clone();
        let filter =
            crate::store::lists::expand_task_filter(&state.db, &filter.unwrap_or_default().into_store(0)?).await?;
        let mut changes = state.live.subscribe().await?;
        let mut phases = HashMap::new();
        let current = due_transitions(&state, &filter, within, &mut phases, None).await?;
        let guard = state.metrics.subscription("tasksDue");
        Ok(async_stream::stream! {
            let _open = guard;
            if include_current {
                for event in current {
                    yield Ok(event);
                }
            }
            loop {
                let wake = match next_wake(&state).await {
                    Ok(wake) => wake,
                    Err(err) => {
                        yield Err(err.into());
                        Duration::from_secs(3600)
                    }
                };
                // The tasks to weigh again: those changed, or all of them at midnight (and after
                // missed changes).
                let changed: Option<Vec<i32>> = tokio::select! {
                    received = changes.recv() => match received {
                        Ok(batch) => {
                            let ids: Vec<i32> =
                                batch.iter().filter(|c| c.node_type == "Task").map(|c| c.node_id).collect();
                            if ids.is_empty() {
                                continue;
                            }
                            Some(ids)
                        }
                        Err(RecvError::Lagged(_)) => None,
                        Err(RecvError::Closed) => break,
                    },
                    _ = tokio::time::sleep(wake) => None,
                };
                match due_transitions(&state, &filter, within, &mut phases, changed.as_deref()).await {
                    Ok(events) => {
                        for event in events {
                            yield Ok(event);
                        }
                    }
                    Err(err) => yield Err(err.into()),
                }
            }
        })
    }
}

/// What a subscription makes of each batch of changes.
trait Follower: Send + 'static {
    /// What it sends.
    type Event: Send + 'static;

    /// The events of a batch.
    fn events(&mut self, batch: Batch) -> impl std::future::Future<Output = AppResult<Vec<Self::Event>>> + Send;
}

/// The events a follower makes of the changes, until the server stops or the subscriber falls
/// behind (then one SUBSCRIPTION_LAGGED error ends the stream).
fn follow<F: Follower>(
    mut changes: tokio::sync::broadcast::Receiver<Batch>,
    guard: SubscriptionGuard,
    mut follower: F,
) -> impl Stream<Item = Result<F::Event>> {
    async_stream::stream! {
        let _open = guard;
        loop {
            let batch = match next_batch(&mut changes).await {
                Ok(Some(batch)) => batch,
                Ok(None) => break,
                Err(err) => {
                    yield Err(err.into());
                    break;
                }
            };
            match follower.events(batch).await {
                Ok(events) => {
                    for event in events {
                        yield Ok(event);
                    }
                }
                Err(err) => yield Err(err.into()),
            }
        }
    }
}

struct TaskFollower {
    state: RequestState,
    filter: Option<StoreTaskFilter>,
    matching: Option<HashSet<i32>>,
}

impl Follower for TaskFollower {
    type Event = TaskChange;

    async fn events(&mut self, batch: Batch) -> AppResult<Vec<TaskChange>> {
        task_events(&self.state, self.filter.as_ref(), self.matching.as_mut(), &batch).await
    }
}

struct ConferenceFollower {
    state: RequestState,
    filter: Option<StoreConferenceFilter>,
    matching: Option<HashSet<i32>>,
}

impl Follower for ConferenceFollower {
    type Event = ConferenceChange;

    async fn events(&mut self, batch: Batch) -> AppResult<Vec<ConferenceChange>> {
        conference_events(&self.state, self.filter.as_ref(), self.matching.as_mut(), &batch).await
    }
}

/// The next batch of changes; none once the server stops; an error when the subscriber fell
/// behind and changes were dropped.
async fn next_batch(changes: &mut tokio::sync::broadcast::Receiver<Batch>) -> AppResult<Option<Batch>> {
    match changes.recv().await {
        Ok(batch) => Ok(Some(batch)),
        Err(RecvError::Closed) => Ok(None),
        Err(RecvError::Lagged(missed)) => Err(AppError::Lagged { missed }),
    }
}

/// Whether the filter held for a node before a change (kept up to date in `matching`) and
/// holds after it (from `now`): `None` when the event is not the subscriber's.
fn weigh(matching: Option<&mut HashSet<i32>>, now: &HashSet<i32>, id: i32, gone: bool) -> Option<bool> {
    let Some(matching) = matching else { return Some(!gone) };
    let before = matching.contains(&id);
    let after = !gone && now.contains(&id);
    if after {
        matching.insert(id);
    } else {
        matching.remove(&id);
    }
    (before || after).then_some(after)
}

async fn task_events(
    state: &RequestState,
    filter: Option<&StoreTaskFilter>,
    mut matching: Option<&mut HashSet<i32>>,
    batch: &[change::Model],
) -> AppResult<Vec<TaskChange>> {
    let changes: Vec<&change::Model> = batch.iter().filter(|c| c.node_type == "Task").collect();
    if changes.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i32> = changes.iter().map(|c| c.node_id).collect();
    let now = match filter {
        Some(filter) => store::tasks_matching(&state.db, filter, Some(&ids)).await?,
        None => HashSet::new(),
    };
    let mut events = Vec::new();
    for change in changes {
        let kind = match ChangeAction::parse(&change.action) {
            Some(ChangeAction::Create) => TaskChangeKind::Created,
            Some(ChangeAction::Delete) => TaskChangeKind::Deleted,
            _ if snapshot_status(change.before.as_deref()) != snapshot_status(change.after.as_deref()) => {
                TaskChangeKind::StatusChanged
            }
            _ => TaskChangeKind::Updated,
        };
        let gone = kind == TaskChangeKind::Deleted;
        if let Some(matches_filter) = weigh(matching.as_deref_mut(), &now, change.node_id, gone) {
            events.push(TaskChange { change: change.clone(), kind, matches_filter });
        }
    }
    Ok(events)
}

/// The conference a participation's snapshot belongs to.
fn participation_conference(change: &change::Model) -> Option<i32> {
    let snapshot = change.after.as_deref().or(change.before.as_deref())?;
    let fields: Value = serde_json::from_str(snapshot).ok()?;
    i32::try_from(fields.get("conference")?.as_i64()?).ok()
}

async fn conference_events(
    state: &RequestState,
    filter: Option<&StoreConferenceFilter>,
    mut matching: Option<&mut HashSet<i32>>,
    batch: &[change::Model],
) -> AppResult<Vec<ConferenceChange>> {
    let mut changes = Vec::new();
    for change in batch {
        let event = match change.node_type.as_str() {
            "Conference" => match ChangeAction::parse(&change.action) {
                Some(ChangeAction::Create) => (change.node_id, ConferenceChangeKind::Created),
                Some(ChangeAction::Delete) => (change.node_id, ConferenceChangeKind::Deleted),
                _ => (change.node_id, ConferenceChangeKind::Updated),
            },
            "Participation" => match participation_conference(change) {
                Some(conference) => (conference, ConferenceChangeKind::ParticipationChanged),
                None => continue,
            },
            _ => continue,
        };
        changes.push((change, event));
    }
    if changes.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i32> = changes.iter().map(|(_, (id, _))| *id).collect();
    let now = match filter {
        Some(filter) => store::conferences_matching(&state.db, filter, Some(&ids)).await?,
        None => HashSet::new(),
    };
    let mut events = Vec::new();
    for (change, (conference_id, kind)) in changes {
        let gone = kind == ConferenceChangeKind::Deleted;
        if let Some(matches_filter) = weigh(matching.as_deref_mut(), &now, conference_id, gone) {
            events.push(ConferenceChange { change: change.clone(), conference_id, kind, matches_filter });
        }
    }
    Ok(events)
}

/// How long until the next local midnight of any zone an owed task is due in (at most an
/// hour, so that a zone that appears meanwhile is not missed for long; forever on a clock that
/// stands still).
async fn next_wake(state: &RequestState) -> AppResult<Duration> {
    if !state.clock.advances() {
        return Ok(Duration::from_secs(24 * 3600));
    }
    let now = state.clock.now();
    let zones = store::owed_task_zones(&state.db).await?;
    let next = zones
        .iter()
        .filter_map(|name| name.parse::<Tz>().ok())
        .chain([crate::domain::time::DEFAULT_TIME_ZONE])
        .map(|zone| next_midnight(zone, now))
        .min()
        .unwrap_or(now + chrono::Duration::hours(1));
    let until = (next - now).to_std().unwrap_or_default();
    // A little past midnight, so that the date has surely turned when the tasks are weighed.
    Ok(until.min(Duration::from_secs(3600)) + Duration::from_millis(50))
}

/// Weighs the owed tasks the filter holds for (all, or those `among`) against the window and
/// returns those that moved into it or became overdue since the last weighing (`phases` holds
/// where each one stood).
async fn due_transitions(
    state: &RequestState,
    filter: &StoreTaskFilter,
    within_days: u32,
    phases: &mut HashMap<i32, DuePhase>,
    among: Option<&[i32]>,
) -> AppResult<Vec<TaskDue>> {
    let now: DateTime<Utc> = state.clock.now();
    // No zone is more than a day ahead of UTC, so this is past the window's end in every zone.
    let until = now.date_naive() + chrono::Days::new(u64::from(within_days) + 2);
    let tasks = store::owed_tasks_due_by(&state.db, filter, until, among).await?;
    // Weighing some tasks keeps where the others stood.
    let mut next = match among {
        Some(ids) => {
            let mut kept = std::mem::take(phases);
            for id in ids {
                kept.remove(id);
            }
            kept
        }
        None => HashMap::new(),
    };
    let mut events = Vec::new();
    for task in tasks {
        let (Some(due), Ok(zone)) = (task.due_on, parse_time_zone(&task.time_zone)) else { continue };
        let today = local_date(zone, now);
        let phase = due_phase(due, today, within_days);
        if phase == DuePhase::Later {
            continue;
        }
        next.insert(task.id, phase);
        if phases.get(&task.id) != Some(&phase) {
            let kind = if phase == DuePhase::Overdue { TaskDueKind::Overdue } else { TaskDueKind::EnteredWindow };
            events.push(TaskDue { task, kind, today });
        }
    }
    *phases = next;
    Ok(events)
}
