//! Follow-up work: creating, changing and deleting tasks, recording progress, reopening.
//! Each change is validated first, versioned, written in one transaction with its history
//! record, and keeps the search index current.

use super::history::{self, ChangeAction, Record};
use super::record::{self, Author, Editable, Refusals, check_exists, check_length, check_text};
use super::{changed_meanwhile, check_version, forget_citations};
use crate::database::begin_write;
use crate::domain::node::{NodeType, SearchType};
use crate::domain::subject;
use crate::domain::text::search_form;
use crate::domain::time::{DEFAULT_TIME_ZONE, parse_time_zone};
use crate::domain::vocabulary::TaskStatus;
use crate::error::{AppError, AppResult};
use crate::store::search;
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use entity::{conference, directive, official, organization, task, task_assignee, task_update};
use sea_orm::{
    ActiveModelTrait, ActiveValue, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, EntityTrait,
    IntoActiveModel, QueryFilter, QueryOrder,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// An organization or an official, by row id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Party {
    /// An organization.
    Organization(i32),
    /// An official.
    Official(i32),
}

/// A field that may be left as it is, cleared, or set.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Change<T> {
    /// Leave it as it is.
    #[default]
    Keep,
    /// Clear it.
    Clear,
    /// Set it.
    Set(T),
}

impl<T: Clone> Change<T> {
    fn apply(&self, current: Option<T>) -> Option<T> {
        match self {
            Change::Keep => current,
            Change::Clear => None,
            Change::Set(value) => Some(value.clone()),
        }
    }
}

/// The fields of a task a caller sets.
#[derive(Clone, Debug, Default)]
pub struct TaskInput {
    /// What is to be done, in short.
    pub title: Option<String>,
    /// In full.
    pub description: Change<String>,
    /// The local due date.
    pub due_on: Change<NaiveDate>,
    /// The zone of the due date.
    pub time_zone: Option<Tz>,
    /// The conference it was assigned at.
    pub conference: Change<i32>,
    /// The directive it serves.
    pub directive: Change<i32>,
    /// Who assigned it.
    pub assigned_by: Change<Party>,
    /// Who carries it out (replacing the current assignees when given).
    pub assignees: Option<Vec<Party>>,
}

/// A progress report.
#[derive(Clone, Debug)]
pub struct Progress {
    /// The local date of the report.
    pub date: NaiveDate,
    /// The status from then on.
    pub status: TaskStatus,
    /// How far along, in percent.
    pub progress_percent: Option<i32>,
    /// What was reported.
    pub note: Option<String>,
}

/// The fields of a stored task with its assignments, as its history records them.
fn stored_fields(t: &task::Model, assignees: &[task_assignee::Model]) -> AppResult<TaskFields> {
    Ok(TaskFields {
        key: t.key.clone(),
        title: t.title.clone(),
        description: t.description.clone(),
        status: TaskStatus::parse(&t.status).ok_or_else(|| AppError::internal("stored task status"))?,
        due_on: t.due_on,
        time_zone: t.time_zone.clone(),
        conference: t.conference_id,
        directive: t.directive_id,
        assigned_by_organization: t.assigned_by_organization_id,
        assigned_by_official: t.assigned_by_official_id,
        assignees: assignees
            .iter()
            .map(|a| AssigneeFields { organization: a.organization_id, official: a.official_id })
            .collect(),
    })
}

/// The snapshot the history records of a stored task: the same as a change through the shared
/// write path records.
fn snapshot(t: &task::Model, assignees: &[task_assignee::Model]) -> AppResult<Value> {
    serde_json::to_value(stored_fields(t, assignees)?).map_err(AppError::internal)
}

async fn exists<E: EntityTrait>(db: &impl ConnectionTrait, id: i32, field: &str, what: &str) -> AppResult<()>
where
    <E::PrimaryKey as sea_orm::PrimaryKeyTrait>::ValueType: From<i32>,
{
    match E::find_by_id(id).one(db).await? {
        Some(_) => Ok(()),
        None => Err(AppError::bad_input(field, format!("{field}: no {what} has this id"))),
    }
}

async fn check_party(db: &impl ConnectionTrait, party: Party, field: &str) -> AppResult<()> {
    match party {
        Party::Organization(id) => exists::<organization::Entity>(db, id, field, "organization").await,
        Party::Official(id) => exists::<official::Entity>(db, id, field, "official").await,
    }
}

fn checked_assignees(assignees: &[Party]) -> AppResult<()> {
    if assignees.is_empty() {
        return Err(AppError::bad_input("input.assignees", "input.assignees: a task needs at least one assignee"));
    }
    if assignees.iter().enumerate().any(|(i, a)| assignees[..i].contains(a)) {
        return Err(AppError::bad_input("input.assignees", "input.assignees: an assignee is named twice"));
    }
    Ok(())
}

/// Deletes the task's assignments with their citations.
async fn remove_assignments(db: &impl ConnectionTrait, task_id: i32) -> AppResult<()> {
    let old: Vec<i32> = assignees_of(db, task_id).await?.into_iter().map(|a| a.id).collect();
    forget_citations(db, subject::TASK_ASSIGNMENT, old).await?;
    task_assignee::Entity::delete_many().filter(task_assignee::Column::TaskId.eq(task_id)).exec(db).await?;
    Ok(())
}

pub(super) async fn replace_assignees(db: &impl ConnectionTrait, task_id: i32, assignees: &[Party]) -> AppResult<()> {
    remove_assignments(db, task_id).await?;
    for party in assignees {
        let (organization_id, official_id) = match *party {
            Party::Organization(id) => (Some(id), None),
            Party::Official(id) => (None, Some(id)),
        };
        task_assignee::ActiveModel {
            task_id: ActiveValue::Set(task_id),
            organization_id: ActiveValue::Set(organization_id),
            official_id: ActiveValue::Set(official_id),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

async fn assignees_of(db: &impl ConnectionTrait, task_id: i32) -> AppResult<Vec<task_assignee::Model>> {
    Ok(task_assignee::Entity::find()
        .filter(task_assignee::Column::TaskId.eq(task_id))
        .order_by_asc(task_assignee::Column::Id)
        .all(db)
        .await?)
}

fn search_text(t: &task::Model) -> String {
    task_text(&t.title, t.description.as_deref())
}

fn party_columns(party: Option<Party>) -> (Option<i32>, Option<i32>) {
    match party {
        Some(Party::Organization(id)) => (Some(id), None),
        Some(Party::Official(id)) => (None, Some(id)),
        None => (None, None),
    }
}

/// Records a new task.
pub async fn create(
    db: &DatabaseConnection,
    actor: &str,
    input: TaskInput,
    now: DateTime<Utc>,
) -> AppResult<task::Model> {
    let txn = begin_write(db).await?;
    let model = create_in(&txn, actor, input, now, "createTask").await?;
    txn.commit().await?;
    Ok(model)
}

/// The assignee fields of the parties.
fn assignee_fields(parties: &[Party]) -> Vec<AssigneeFields> {
    parties
        .iter()
        .map(|party| {
            let (organization, official) = party_columns(Some(*party));
            AssigneeFields { organization, official }
        })
        .collect()
}

/// Sets the fields `input` gives over `fields`.
fn apply(input: TaskInput, fields: &mut TaskFields) {
    if let Some(title) = input.title {
        fields.title = title;
    }
    fields.description = input.description.apply(fields.description.take());
    fields.due_on = input.due_on.apply(fields.due_on);
    if let Some(zone) = input.time_zone {
        fields.time_zone = zone.name().to_owned();
    }
    fields.conference = input.conference.apply(fields.conference);
    fields.directive = input.directive.apply(fields.directive);
    let current = match (fields.assigned_by_organization, fields.assigned_by_official) {
        (Some(id), _) => Some(Party::Organization(id)),
        (None, Some(id)) => Some(Party::Official(id)),
        (None, None) => None,
    };
    (fields.assigned_by_organization, fields.assigned_by_official) = party_columns(input.assigned_by.apply(current));
    if let Some(assignees) = input.assignees {
        fields.assignees = assignee_fields(&assignees);
    }
}

/// Creates an OPEN task inside the caller's transaction, recorded as made by `operation`,
/// through the shared write path (`record`), whose rules for tasks are [`Task`]'s.
pub async fn create_in(
    txn: &DatabaseTransaction,
    actor: &str,
    input: TaskInput,
    now: DateTime<Utc>,
    operation: &str,
) -> AppResult<task::Model> {
    let mut fields = TaskFields {
        key: String::new(),
        title: String::new(),
        description: None,
        status: TaskStatus::Open,
        due_on: None,
        time_zone: DEFAULT_TIME_ZONE.name().to_owned(),
        conference: None,
        directive: None,
        assigned_by_organization: None,
        assigned_by_official: None,
        assignees: Vec::new(),
    };
    apply(input, &mut fields);
    record::create_in::<Task>(txn, Author { actor, at: now, operation }, None, fields).await
}

/// The task `id` at `expected_version`, or NOT_FOUND or CONFLICT.
async fn current(db: &impl ConnectionTrait, id: i32, expected_version: i32) -> AppResult<task::Model> {
    let found = task::Entity::find_by_id(id).one(db).await?.ok_or_else(|| AppError::not_found("no such task"))?;
    check_version("task", found.version, expected_version)?;
    Ok(found)
}

/// Writes `changed` over the task at `expected_version` (refused with CONFLICT when another
/// change got there first), and records the change.
async fn save(
    txn: &sea_orm::DatabaseTransaction,
    actor: &str,
    operation: &str,
    before: (task::Model, Vec<task_assignee::Model>),
    mut changed: task::ActiveModel,
    now: DateTime<Utc>,
) -> AppResult<task::Model> {
    let expected = before.0.version;
    changed.version = ActiveValue::Set(expected + 1);
    let result = task::Entity::update_many()
        .set(changed)
        .filter(task::Column::Id.eq(before.0.id))
        .filter(task::Column::Version.eq(expected))
        .exec(txn)
        .await?;
    if result.rows_affected != 1 {
        return Err(changed_meanwhile("task"));
    }
    let after =
        task::Entity::find_by_id(before.0.id).one(txn).await?.ok_or_else(|| AppError::internal("task vanished"))?;
    search::index(txn, SearchType::Task, after.id, &search_text(&after)).await?;
    let record = Record {
        node_type: NodeType::Task.name(),
        node_id: after.id,
        action: ChangeAction::Update,
        operation,
        actor,
        at: now,
        before: Some(snapshot(&before.0, &before.1)?),
        after: Some(snapshot(&after, &assignees_of(txn, after.id).await?)?),
    };
    history::record(txn, record).await?;
    Ok(after)
}

/// Changes the fields given (a partial update) through the shared write path.
pub async fn update(
    db: &DatabaseConnection,
    actor: &str,
    id: i32,
    expected_version: i32,
    input: TaskInput,
    now: DateTime<Utc>,
) -> AppResult<task::Model> {
    let author = Author { actor, at: now, operation: "updateTask" };
    record::update::<Task>(db, author, id, expected_version, |fields| {
        apply(input, fields);
        Ok(())
    })
    .await
}

/// Records progress; the task's status becomes that of its latest update.
pub async fn record_progress(
    db: &DatabaseConnection,
    actor: &str,
    id: i32,
    expected_version: i32,
    progress: Progress,
    now: DateTime<Utc>,
) -> AppResult<task::Model> {
    write_progress(db, actor, id, expected_version, progress, "recordTaskUpdate", None, now).await
}

/// Opens a DONE or CANCELLED task again with an OPEN update dated `date`; CONFLICT for a task
/// that is still open or in progress.
pub async fn reopen(
    db: &DatabaseConnection,
    actor: &str,
    id: i32,
    expected_version: i32,
    date: NaiveDate,
    note: Option<String>,
    now: DateTime<Utc>,
) -> AppResult<task::Model> {
    let progress = Progress { date, status: TaskStatus::Open, progress_percent: None, note };
    let ended = [TaskStatus::Done, TaskStatus::Cancelled];
    write_progress(db, actor, id, expected_version, progress, "reopenTask", Some(&ended), now).await
}

/// Writes a progress update made by `operation`; with `only_from`, CONFLICT unless the task
/// stands at one of those statuses.
#[allow(clippy::too_many_arguments)]
async fn write_progress(
    db: &DatabaseConnection,
    actor: &str,
    id: i32,
    expected_version: i32,
    progress: Progress,
    operation: &str,
    only_from: Option<&[TaskStatus]>,
    now: DateTime<Utc>,
) -> AppResult<task::Model> {
    if progress.progress_percent.is_some_and(|p| !(0..=100).contains(&p)) {
        return Err(AppError::bad_input("update.progressPercent", "update.progressPercent: from 0 to 100"));
    }
    let txn = begin_write(db).await?;
    let before = current(&txn, id, expected_version).await?;
    if let Some(statuses) = only_from
        && !statuses.iter().any(|s| s.as_str() == before.status)
    {
        let names: Vec<&str> = statuses.iter().map(|s| s.as_str()).collect();
        return Err(AppError::Conflict {
            message: format!("{operation} needs a task that is {}; this one is {}", names.join(" or "), before.status),
        });
    }
    let old_assignees = assignees_of(&txn, id).await?;
    task_update::ActiveModel {
        task_id: ActiveValue::Set(id),
        date: ActiveValue::Set(progress.date),
        status: ActiveValue::Set(progress.status.as_str().to_owned()),
        note: ActiveValue::Set(progress.note),
        progress_percent: ActiveValue::Set(progress.progress_percent),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let latest = task_update::Entity::find()
        .filter(task_update::Column::TaskId.eq(id))
        .order_by_desc(task_update::Column::Date)
        .order_by_desc(task_update::Column::Id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::internal("the update just written is missing"))?;
    let mut changed = before.clone().into_active_model();
    changed.status = ActiveValue::Set(latest.status);
    let after = save(&txn, actor, operation, (before, old_assignees), changed, now).await?;
    txn.commit().await?;
    Ok(after)
}

/// Deletes a task with its assignments, updates and citations.
pub async fn delete(
    db: &DatabaseConnection,
    actor: &str,
    id: i32,
    expected_version: i32,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let txn = begin_write(db).await?;
    let before = current(&txn, id, expected_version).await?;
    let assignees = assignees_of(&txn, id).await?;
    remove_assignments(&txn, id).await?;
    let result = task::Entity::delete_many()
        .filter(task::Column::Id.eq(id))
        .filter(task::Column::Version.eq(expected_version))
        .exec(&txn)
        .await?;
    if result.rows_affected != 1 {
        return Err(changed_meanwhile("task"));
    }
    forget_citations(&txn, subject::TASK, [id]).await?;
    search::remove(&txn, SearchType::Task, id).await?;
    let record = Record {
        node_type: NodeType::Task.name(),
        node_id: id,
        action: ChangeAction::Delete,
        operation: "deleteTask",
        actor,
        at: now,
        before: Some(snapshot(&before, &assignees)?),
        after: None,
    };
    history::record(&txn, record).await?;
    txn.commit().await?;
    Ok(())
}

/// Adds `party` to the task's assignees (`add`), or takes it off them; the task must still be
/// at `expected_version`, and keeps at least one assignee.
pub async fn assign(
    db: &DatabaseConnection,
    actor: &str,
    (id, expected_version): (i32, i32),
    party: Party,
    add: bool,
    now: DateTime<Utc>,
) -> AppResult<task::Model> {
    let txn = begin_write(db).await?;
    let before = current(&txn, id, expected_version).await?;
    check_party(&txn, party, "assignee").await?;
    let old = assignees_of(&txn, id).await?;
    let columns = party_columns(Some(party));
    let assigned = old.iter().find(|a| (a.organization_id, a.official_id) == columns);
    let operation = if add { "assignTask" } else { "unassignTask" };
    match (add, assigned) {
        (true, Some(_)) => return Err(AppError::bad_input("assignee", "assignee: already assigned to this task")),
        (true, None) => {
            task_assignee::ActiveModel {
                task_id: ActiveValue::Set(id),
                organization_id: ActiveValue::Set(columns.0),
                official_id: ActiveValue::Set(columns.1),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
        }
        (false, None) => return Err(AppError::bad_input("assignee", "assignee: not assigned to this task")),
        (false, Some(_)) if old.len() == 1 => {
            return Err(AppError::bad_input("assignee", "assignee: a task needs at least one assignee"));
        }
        (false, Some(assignment)) => {
            forget_citations(&txn, subject::TASK_ASSIGNMENT, [assignment.id]).await?;
            task_assignee::Entity::delete_by_id(assignment.id).exec(&txn).await?;
        }
    }
    let unchanged = task::ActiveModel { id: ActiveValue::Unchanged(id), ..Default::default() };
    let after = save(&txn, actor, operation, (before, old), unchanged, now).await?;
    txn.commit().await?;
    Ok(after)
}

// ---------------------------------------------------------------------------------------------

/// One assignee of a task: an organization or an official.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AssigneeFields {
    /// The organization.
    pub organization: Option<i32>,
    /// The official.
    pub official: Option<i32>,
}

/// The fields of a task, as its history records them. Tasks are created and changed by their
/// own mutations (`service::task`); this kind lets their changes be reverted.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TaskFields {
    /// The dataset key.
    pub key: String,
    /// What is to be done.
    pub title: String,
    /// In full.
    pub description: Option<String>,
    /// Where it stands.
    pub status: TaskStatus,
    /// The local due date.
    pub due_on: Option<NaiveDate>,
    /// The zone of the due date.
    pub time_zone: String,
    /// The conference it was assigned at.
    pub conference: Option<i32>,
    /// The directive it serves.
    pub directive: Option<i32>,
    /// The organization that assigned it.
    pub assigned_by_organization: Option<i32>,
    /// The official who assigned it.
    pub assigned_by_official: Option<i32>,
    /// Who carries it out.
    pub assignees: Vec<AssigneeFields>,
}

impl TaskFields {
    fn parties(&self) -> Vec<Party> {
        self.assignees
            .iter()
            .filter_map(|a| match (a.organization, a.official) {
                (Some(id), _) => Some(Party::Organization(id)),
                (None, Some(id)) => Some(Party::Official(id)),
                (None, None) => None,
            })
            .collect()
    }
}

/// Follow-up tasks.
pub struct Task;

impl Editable for Task {
    const NODE: NodeType = NodeType::Task;
    const REFERENCES: &'static [(&'static str, NodeType)] = &[
        ("conference", NodeType::Conference),
        ("directive", NodeType::Directive),
        ("assignedByOrganization", NodeType::Organization),
        ("assignedByOfficial", NodeType::Official),
        ("assignees.organization", NodeType::Organization),
        ("assignees.official", NodeType::Official),
    ];
    fn key(f: &mut Self::Fields) -> Option<(&mut String, &str)> {
        Some((&mut f.key, &f.title))
    }
    type Entity = task::Entity;
    type Fields = TaskFields;

    fn columns() -> (task::Column, task::Column, Option<task::Column>) {
        (task::Column::Id, task::Column::Version, Some(task::Column::Key))
    }

    async fn fields(txn: &DatabaseTransaction, row: &task::Model) -> AppResult<TaskFields> {
        stored_fields(row, &assignees_of(txn, row.id).await?)
    }

    fn rules(f: &TaskFields, _: Option<i32>, r: &mut Refusals) {
        r.check(check_text("input.title", &f.title, TASK_TITLE_MAX));
        r.check(check_length("input.description", f.description.as_ref(), TASK_DESCRIPTION_MAX));
        if let Err(message) = parse_time_zone(&f.time_zone) {
            r.refuse("input.timeZone", message);
        }
        if f.assigned_by_organization.is_some() && f.assigned_by_official.is_some() {
            r.refuse("input.assignedBy", "name an organization or an official, not both");
        }
        if f.assignees.iter().any(|a| a.organization.is_some() == a.official.is_some()) {
            r.refuse("input.assignees", "each names an organization or an official");
        }
        r.check(checked_assignees(&f.parties()));
    }

    async fn check(txn: &DatabaseTransaction, f: &TaskFields, _: Option<i32>) -> AppResult<()> {
        check_exists::<conference::Entity>(txn, "input.conference", f.conference, "conference").await?;
        check_exists::<directive::Entity>(txn, "input.directive", f.directive, "directive").await?;
        let by = "input.assignedBy";
        check_exists::<organization::Entity>(txn, by, f.assigned_by_organization, "organization").await?;
        check_exists::<official::Entity>(txn, by, f.assigned_by_official, "official").await?;
        for (i, party) in f.parties().into_iter().enumerate() {
            check_party(txn, party, &format!("input.assignees[{i}]")).await?;
        }
        Ok(())
    }

    fn model(f: &TaskFields) -> task::Model {
        task::Model {
            id: 0,
            key: f.key.clone(),
            title: f.title.trim().to_owned(),
            description: f.description.clone(),
            search_folded: task_text(&f.title, f.description.as_deref()),
            status: f.status.as_str().to_owned(),
            due_on: f.due_on,
            time_zone: f.time_zone.clone(),
            conference_id: f.conference,
            assigned_by_organization_id: f.assigned_by_organization,
            assigned_by_official_id: f.assigned_by_official,
            directive_id: f.directive,
            version: 0,
        }
    }

    async fn write_children(txn: &DatabaseTransaction, id: i32, f: &TaskFields) -> AppResult<()> {
        let stored: Vec<(Option<i32>, Option<i32>)> = task_assignee::Entity::find()
            .filter(task_assignee::Column::TaskId.eq(id))
            .order_by_asc(task_assignee::Column::Id)
            .all(txn)
            .await?
            .into_iter()
            .map(|a| (a.organization_id, a.official_id))
            .collect();
        let wanted: Vec<(Option<i32>, Option<i32>)> =
            f.assignees.iter().map(|a| (a.organization, a.official)).collect();
        // Rewriting unchanged assignments would drop their citations.
        if stored != wanted {
            super::task::replace_assignees(txn, id, &f.parties()).await?;
        }
        Ok(())
    }

    fn search_entry(f: &TaskFields) -> Option<(SearchType, String)> {
        Some((SearchType::Task, task_text(&f.title, f.description.as_deref())))
    }
}

/// The longest title of a task, in characters.
pub const TASK_TITLE_MAX: usize = 2000;
/// The longest description of a task, in characters.
pub const TASK_DESCRIPTION_MAX: usize = 20_000;

/// The text a task is found by: its title and description, folded.
pub fn task_text(title: &str, description: Option<&str>) -> String {
    search_form(&format!("{} {}", title.trim(), description.unwrap_or("")))
}
