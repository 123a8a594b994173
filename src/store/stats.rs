//! Counts for dashboards, computed by GROUP BY in the database: tasks by status, assignee,
//! directive, conference and due month or year; conferences by month, year, organizer, area,
//! chair, kind and format. Tasks by assignee alone, unfiltered, are read from the tallies the
//! database keeps as tasks change (migration 33) instead of aggregating every assignment.

use super::filters::{ConferenceFilter, TaskFilter};
use super::lists::area_pairs;
use crate::domain::partial_date::Precision;
use crate::domain::vocabulary::{ParticipationRole, TaskStatus};
use crate::error::{AppError, AppResult};
use chrono::NaiveDate;
use entity::*;
use sea_orm::sea_query::{Alias, Condition, Expr, ExprTrait, Func, Order, Query, SelectStatement};
use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, Statement};

/// What tasks can be grouped by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, async_graphql::Enum)]
pub enum TaskDimension {
    /// The task's status.
    Status,
    /// Each organization or official it is assigned to (a task with two assignees counts in
    /// both buckets).
    Assignee,
    /// The directive it serves.
    Directive,
    /// The conference it was assigned at.
    AssignedAtConference,
    /// The month of its due date (`YYYY-MM`).
    DueMonth,
    /// The year of its due date (`YYYY`).
    DueYear,
}

/// What conferences can be grouped by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, async_graphql::Enum)]
pub enum ConferenceDimension {
    /// The month of its date (`YYYY-MM`).
    Month,
    /// The year of its date (`YYYY`).
    Year,
    /// Each organizer (a conference with two organizers counts in both buckets).
    Organizer,
    /// The area it was held in.
    Area,
    /// Each chair (a conference with two chairs counts in both buckets).
    Chair,
    /// Its kind.
    Kind,
    /// Its format.
    Format,
}

/// One value of a bucket's key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyValue {
    /// A text value (a status, a month); `None` where the row has none.
    Text(Option<String>),
    /// An organization.
    Organization(i32),
    /// An official.
    Official(i32),
    /// A directive.
    Directive(i32),
    /// A conference.
    Conference(i32),
    /// An area.
    Area(i32),
    /// No value (no assignee, no directive, ...).
    Missing,
}

/// The counts of one bucket of tasks.
#[derive(Clone, Debug, Default)]
pub struct TaskCounts {
    /// All tasks.
    pub total: i64,
    /// OPEN tasks.
    pub open: i64,
    /// IN_PROGRESS tasks.
    pub in_progress: i64,
    /// DONE tasks.
    pub done: i64,
    /// CANCELLED tasks.
    pub cancelled: i64,
    /// Tasks overdue on the as-of date.
    pub overdue: i64,
    /// DONE tasks with a DONE update on or before their due date.
    pub done_on_time: i64,
}

/// A bucket: the key, one value per dimension asked for, and its counts.
#[derive(Clone, Debug)]
pub struct Bucket<C> {
    /// The key values, in the order of the dimensions.
    pub key: Vec<KeyValue>,
    /// The counts.
    pub counts: C,
}

fn month_sql(backend: DatabaseBackend, column: &str, table: &str, format: &str) -> String {
    match backend {
        DatabaseBackend::Postgres => {
            let pattern = if format == "month" { "YYYY-MM" } else { "YYYY" };
            format!("to_char(\"{table}\".\"{column}\", '{pattern}')")
        }
        _ => {
            let pattern = if format == "month" { "%Y-%m" } else { "%Y" };
            format!("strftime('{pattern}', \"{table}\".\"{column}\")")
        }
    }
}

fn month_expr(backend: DatabaseBackend, column: &str, table: &str, format: &str) -> Expr {
    Expr::cust(month_sql(backend, column, table, format))
}

/// The values of one bucket as the database aggregates them (`plan::aggregated`).
type Values = Vec<serde_json::Value>;

/// One row of buckets as the database aggregated it: its values, in the order of `columns`.
struct Row<'a> {
    values: &'a [serde_json::Value],
    columns: &'a [String],
}

impl Row<'_> {
    fn get(&self, alias: &str) -> AppResult<&serde_json::Value> {
        self.columns
            .iter()
            .position(|c| c == alias)
            .and_then(|at| self.values.get(at))
            .ok_or_else(|| AppError::internal(format!("a bucket has no column {alias}")))
    }

    fn int(&self, alias: &str) -> AppResult<Option<i64>> {
        let value = self.get(alias)?;
        if value.is_null() {
            return Ok(None);
        }
        value.as_i64().map(Some).ok_or_else(|| AppError::internal(format!("bucket column {alias} is not an integer")))
    }

    fn text(&self, alias: &str) -> AppResult<Option<String>> {
        Ok(self.get(alias)?.as_str().map(str::to_owned))
    }
}

fn int_or_missing(row: &Row, alias: &str, wrap: fn(i32) -> KeyValue) -> AppResult<KeyValue> {
    Ok(match row.int(alias)? {
        Some(id) => wrap(i32::try_from(id).map_err(|_| AppError::internal(format!("bucket key {id} is not an id")))?),
        None => KeyValue::Missing,
    })
}

fn count(row: &Row, alias: &str) -> AppResult<i64> {
    Ok(row.int(alias)?.unwrap_or(0))
}

/// A bucket's counts from the columns both ways of counting name alike.
fn task_counts(row: &Row, on_time: bool) -> AppResult<TaskCounts> {
    Ok(TaskCounts {
        total: count(row, "total")?,
        open: count(row, "open")?,
        in_progress: count(row, "in_progress")?,
        done: count(row, "done")?,
        cancelled: count(row, "cancelled")?,
        overdue: count(row, "overdue")?,
        done_on_time: if on_time { count(row, "done_on_time")? } else { 0 },
    })
}

/// Groups by `expr`, named `alias`, and orders by it; `keys` gets the alias.
fn group(query: &mut SelectStatement, keys: &mut Vec<String>, alias: &str, expr: Expr) {
    query.expr_as(expr.clone(), Alias::new(alias)).add_group_by([expr.clone()]).order_by_expr(expr, Order::Asc);
    keys.push(alias.to_owned());
}

/// The counts every grouping of tasks reads, by name.
const TASK_COUNTS: [&str; 6] = ["total", "open", "in_progress", "done", "cancelled", "overdue"];

/// Task counts grouped by `dimensions`, overdue judged on `as_of`; tasks done on time are
/// counted only when `on_time` asks (zero otherwise). At most `limit` buckets, in key order.
pub async fn task_stats(
    db: &DatabaseConnection,
    filter: &TaskFilter,
    dimensions: &[TaskDimension],
    as_of: NaiveDate,
    on_time: bool,
    limit: u64,
) -> AppResult<Vec<Bucket<TaskCounts>>> {
    use task::Column as C;
    if dimensions == [TaskDimension::Assignee] && !on_time && filter.is_everything() {
        return tasks_by_assignee_from_tallies(db, as_of, limit).await;
    }
    let backend = db.get_database_backend();
    let filter = super::lists::expand_task_filter(db, filter).await?;
    let mut query = Query::select();
    query.from(task::Entity);
    if dimensions.contains(&TaskDimension::Assignee) {
        query.left_join(
            task_assignee::Entity,
            Expr::col((task_assignee::Entity, task_assignee::Column::TaskId)).equals((task::Entity, C::Id)),
        );
    }
    let mut keys = Vec::new();
    for (i, dimension) in dimensions.iter().enumerate() {
        let alias = format!("d{i}");
        let keys = &mut keys;
        match dimension {
            TaskDimension::Status => group(&mut query, keys, &alias, Expr::col((task::Entity, C::Status))),
            TaskDimension::Directive => group(&mut query, keys, &alias, Expr::col((task::Entity, C::DirectiveId))),
            TaskDimension::AssignedAtConference => {
                group(&mut query, keys, &alias, Expr::col((task::Entity, C::ConferenceId)))
            }
            TaskDimension::DueMonth => group(&mut query, keys, &alias, month_expr(backend, "due_on", "task", "month")),
            TaskDimension::DueYear => group(&mut query, keys, &alias, month_expr(backend, "due_on", "task", "year")),
            TaskDimension::Assignee => {
                let organization = Expr::col((task_assignee::Entity, task_assignee::Column::OrganizationId));
                let official = Expr::col((task_assignee::Entity, task_assignee::Column::OfficialId));
                group(&mut query, keys, &format!("{alias}o"), organization);
                group(&mut query, keys, &format!("{alias}p"), official);
            }
        }
    }
    let status = |s: TaskStatus| s.as_str().to_owned();
    // Built with the query builder rather than SQL text, so each backend gets its placeholders.
    let count_where = |condition: Condition| Func::sum(Expr::case(condition, 1).finally(0));
    let task_status = || Expr::col((task::Entity, task::Column::Status));
    let sum_status = |s: TaskStatus| count_where(Condition::all().add(task_status().eq(status(s))));
    query
        .expr_as(Expr::cust("COUNT(*)"), Alias::new("total"))
        .expr_as(sum_status(TaskStatus::Open), Alias::new("open"))
        .expr_as(sum_status(TaskStatus::InProgress), Alias::new("in_progress"))
        .expr_as(sum_status(TaskStatus::Done), Alias::new("done"))
        .expr_as(sum_status(TaskStatus::Cancelled), Alias::new("cancelled"))
        .expr_as(
            count_where(
                Condition::all()
                    .add(task_status().is_in([status(TaskStatus::Open), status(TaskStatus::InProgress)]))
                    .add(Expr::col((task::Entity, task::Column::DueOn)).lt(as_of)),
            ),
            Alias::new("overdue"),
        )
        .cond_where(filter.condition());
    if on_time {
        let update = Alias::new("u");
        let done_by_due_date = Query::select()
            .expr(Expr::val(1))
            .from_as(task_update::Entity, update.clone())
            .and_where(
                Expr::col((update.clone(), task_update::Column::TaskId)).equals((task::Entity, task::Column::Id)),
            )
            .and_where(Expr::col((update.clone(), task_update::Column::Status)).eq(status(TaskStatus::Done)))
            .and_where(
                Expr::col((update, task_update::Column::Date)).lte(Expr::col((task::Entity, task::Column::DueOn))),
            )
            .to_owned();
        query.expr_as(
            count_where(
                Condition::all().add(task_status().eq(status(TaskStatus::Done))).add(Expr::exists(done_by_due_date)),
            ),
            Alias::new("done_on_time"),
        );
    }
    query.limit(limit);
    let mut columns = keys.clone();
    columns.extend(TASK_COUNTS.map(str::to_owned));
    if on_time {
        columns.push("done_on_time".to_owned());
    }
    let rows = super::plan::aggregated::<Values>(db, backend.build(&query), &columns, &keys).await?;
    let mut buckets = Vec::with_capacity(rows.len());
    for values in &rows {
        let row = Row { values, columns: &columns };
        let mut key = Vec::with_capacity(dimensions.len());
        for (i, dimension) in dimensions.iter().enumerate() {
            let alias = format!("d{i}");
            key.push(match dimension {
                TaskDimension::Status | TaskDimension::DueMonth | TaskDimension::DueYear => {
                    KeyValue::Text(row.text(&alias)?)
                }
                TaskDimension::Directive => int_or_missing(&row, &alias, KeyValue::Directive)?,
                TaskDimension::AssignedAtConference => int_or_missing(&row, &alias, KeyValue::Conference)?,
                TaskDimension::Assignee => match int_or_missing(&row, &format!("{alias}o"), KeyValue::Organization)? {
                    KeyValue::Missing => int_or_missing(&row, &format!("{alias}p"), KeyValue::Official)?,
                    organization => organization,
                },
            });
        }
        buckets.push(Bucket { key, counts: task_counts(&row, on_time)? });
    }
    Ok(buckets)
}

/// All tasks' counts by assignee, as [`task_stats`] gives them, from `task_tally` (the counts
/// by status) and the owed assignments' due dates (`task_assignee.owed_due_on`, one pass over
/// its index for the overdue ones on `as_of`), with the tasks that have no assignment row.
async fn tasks_by_assignee_from_tallies(
    db: &DatabaseConnection,
    as_of: NaiveDate,
    limit: u64,
) -> AppResult<Vec<Bucket<TaskCounts>>> {
    let backend = db.get_database_backend();
    let owed = format!("('{}', '{}')", TaskStatus::Open.as_str(), TaskStatus::InProgress.as_str());
    let of = |status: TaskStatus| format!("CASE WHEN status = '{}' THEN n ELSE 0 END", status.as_str());
    // The same day twice, as each backend writes its parameters. On SQLite the owed due date
    // is compared without its column's affinity: `DATE` is NUMERIC there, and a comparison
    // with it tries to read both texts as numbers on every one of the 632,201 entries the
    // scan passes at scale 10 (`sqlite3AtoF` was a tenth of the statement's time). Stored dates
    // are ISO texts, so text against text gives the same answer; the partial index still
    // applies through its own condition, written out.
    let (owed_before, again) = match backend {
        DatabaseBackend::Postgres => ("owed_due_on < $1", "$1"),
        _ => ("owed_due_on IS NOT NULL AND +owed_due_on < ?", "?"),
    };
    // One statement: the tallies by status, summed by assignee in their key's order (a row per
    // assignee, not per status, goes on to the final grouping: a third of the rows it sorts),
    // with their changes not yet folded in, the overdue assignments grouped in the index's
    // order, and the overdue tasks without an assignment (read from the few such tasks), summed
    // by assignee in the order GROUP BY over the assignments gives (each backend puts the
    // missing assignee where it puts NULLs).
    let sql = format!(
        "SELECT o, p, {sums} FROM ( \
         SELECT NULLIF(organization_id, 0) AS o, NULLIF(official_id, 0) AS p, SUM(n) AS total, SUM({open}) AS open, \
           SUM({in_progress}) AS in_progress, SUM({done}) AS done, SUM({cancelled}) AS cancelled, 0 AS overdue \
           FROM task_tally GROUP BY organization_id, official_id \
         UNION ALL SELECT NULLIF(organization_id, 0), NULLIF(official_id, 0), n, {open}, {in_progress}, {done}, \
           {cancelled}, 0 FROM task_tally_change \
         UNION ALL SELECT organization_id, official_id, 0, 0, 0, 0, 0, COUNT(*) FROM task_assignee \
           WHERE {owed_before} GROUP BY organization_id, official_id \
         UNION ALL SELECT NULL, NULL, 0, 0, 0, 0, 0, COUNT(*) FROM task_unassigned u CROSS JOIN task t \
           WHERE t.id = u.task_id AND t.status IN {owed} AND t.due_on < {again} \
         ) AS counts GROUP BY o, p HAVING SUM(total) > 0 ORDER BY o, p LIMIT {limit}",
        sums = TASK_COUNTS.map(|c| format!("CAST(SUM({c}) AS BIGINT) AS {c}")).join(", "),
        open = of(TaskStatus::Open),
        in_progress = of(TaskStatus::InProgress),
        done = of(TaskStatus::Done),
        cancelled = of(TaskStatus::Cancelled),
    );
    let values: Vec<sea_orm::Value> = match backend {
        DatabaseBackend::Postgres => vec![as_of.into()],
        _ => vec![as_of.into(), as_of.into()],
    };
    let keys = ["o", "p"].map(str::to_owned);
    let columns: Vec<String> = keys.iter().cloned().chain(TASK_COUNTS.map(str::to_owned)).collect();
    // Typed rows: the 23,940 buckets at scale 10 decode without a JSON value per column.
    type Tallied = (Option<i32>, Option<i32>, i64, i64, i64, i64, i64, i64);
    let rows =
        super::plan::aggregated::<Tallied>(db, Statement::from_sql_and_values(backend, sql, values), &columns, &keys)
            .await?;
    Ok(rows
        .into_iter()
        .map(|(organization, official, total, open, in_progress, done, cancelled, overdue)| {
            let key = match (organization, official) {
                (Some(id), _) => KeyValue::Organization(id),
                (None, Some(id)) => KeyValue::Official(id),
                (None, None) => KeyValue::Missing,
            };
            let counts = TaskCounts { total, open, in_progress, done, cancelled, overdue, done_on_time: 0 };
            Bucket { key: vec![key], counts }
        })
        .collect())
}

/// Folds the changes the triggers recorded into `task_tally` and `task_due_tally`, keeping
/// reads of them short, in the write transaction `txn` (on SQLite no other write can come
/// between its statements). Run after imports and from time to time; the counts read are the
/// same before and after.
pub async fn fold_task_tally(txn: &sea_orm::DatabaseTransaction) -> AppResult<()> {
    fold(txn, "task_tally", "task_tally_change", &["organization_id", "official_id", "status"]).await?;
    fold(txn, "task_due_tally", "task_due_change", &["due_on"]).await
}

/// Adds the rows of `changes` to `tally`, by `key`, and empties `changes`.
async fn fold(txn: &sea_orm::DatabaseTransaction, tally: &str, changes: &str, key: &[&str]) -> AppResult<()> {
    let key = key.join(", ");
    let add = format!("ON CONFLICT ({key}) DO UPDATE SET n = {tally}.n + excluded.n");
    if txn.get_database_backend() == DatabaseBackend::Postgres {
        // One statement: exactly the changes it deletes are added, whatever commits meanwhile.
        txn.execute_unprepared(&format!(
            "WITH moved AS (DELETE FROM {changes} RETURNING {key}, n) \
             INSERT INTO {tally} ({key}, n) SELECT {key}, SUM(n) FROM moved GROUP BY {key} {add}"
        ))
        .await?;
    } else {
        txn.execute_unprepared(&format!(
            "INSERT INTO {tally} ({key}, n) SELECT {key}, SUM(n) FROM {changes} WHERE true GROUP BY {key} {add}"
        ))
        .await?;
        txn.execute_unprepared(&format!("DELETE FROM {changes}")).await?;
    }
    txn.execute_unprepared(&format!("DELETE FROM {tally} WHERE n = 0")).await?;
    Ok(())
}

/// Folds the tallies' changes when there are any, in a write transaction of its own.
pub async fn fold_task_tally_now(db: &DatabaseConnection) -> AppResult<()> {
    let pending = |table: &str| Query::select().expr(Expr::val(1)).from(Alias::new(table)).limit(1).to_owned();
    if db.query_one(&pending("task_tally_change")).await?.is_none()
        && db.query_one(&pending("task_due_change")).await?.is_none()
    {
        return Ok(());
    }
    let txn = crate::database::begin_write(db).await?;
    fold_task_tally(&txn).await?;
    txn.commit().await?;
    Ok(())
}

/// The statement that counts the tasks overdue on `as_of` (owed, due before it) from the
/// tally of owed tasks by due date and its changes not yet folded in.
pub fn overdue_count(as_of: NaiveDate) -> SelectStatement {
    let part = |table: &str| {
        Query::select()
            .column(Alias::new("n"))
            .from(Alias::new(table))
            .and_where(Expr::col(Alias::new("due_on")).lt(as_of))
            .to_owned()
    };
    let both = part("task_due_tally").union(sea_orm::sea_query::UnionType::All, part("task_due_change")).to_owned();
    Query::select()
        .expr(Expr::cust("CAST(COALESCE(SUM(n), 0) AS BIGINT)"))
        .from_subquery(both, Alias::new("owed"))
        .to_owned()
}

/// Conference counts grouped by `dimensions`; at most `limit` buckets, in key order.
pub async fn conference_stats(
    db: &DatabaseConnection,
    filter: &ConferenceFilter,
    dimensions: &[ConferenceDimension],
    limit: u64,
) -> AppResult<Vec<Bucket<i64>>> {
    use conference::Column as C;
    let backend = db.get_database_backend();
    let mut filter = filter.clone();
    if filter.uses_areas() {
        filter.expand_areas(&area_pairs(db).await?);
    }
    let mut query = Query::select();
    query.from(conference::Entity);
    if dimensions.contains(&ConferenceDimension::Organizer) {
        query.left_join(
            conference_organizer::Entity,
            Expr::col((conference_organizer::Entity, conference_organizer::Column::ConferenceId))
                .equals((conference::Entity, C::Id)),
        );
    }
    if dimensions.contains(&ConferenceDimension::Chair) {
        query.left_join(
            participation::Entity,
            Expr::col((participation::Entity, participation::Column::ConferenceId))
                .equals((conference::Entity, C::Id))
                .and(
                    Expr::col((participation::Entity, participation::Column::Role))
                        .eq(ParticipationRole::Chair.as_str()),
                ),
        );
    }
    let mut keys = Vec::new();
    for (i, dimension) in dimensions.iter().enumerate() {
        let alias = format!("d{i}");
        let expr = match dimension {
            // A conference known only to its year has no month to count under.
            // Written out rather than bound: PostgreSQL groups by the selected expression only
            // when the two are the same text, and two bound values are two placeholders.
            ConferenceDimension::Month => Expr::cust(format!(
                "CASE WHEN \"conference\".\"date_precision\" = '{}' THEN NULL ELSE {} END",
                Precision::Year.as_str(),
                month_sql(backend, "date", "conference", "month")
            )),
            ConferenceDimension::Year => month_expr(backend, "date", "conference", "year"),
            ConferenceDimension::Organizer => {
                Expr::col((conference_organizer::Entity, conference_organizer::Column::OrganizationId))
            }
            ConferenceDimension::Area => Expr::col((conference::Entity, C::AreaId)),
            ConferenceDimension::Chair => Expr::col((participation::Entity, participation::Column::OfficialId)),
            ConferenceDimension::Kind => Expr::col((conference::Entity, C::Kind)),
            ConferenceDimension::Format => Expr::col((conference::Entity, C::Format)),
        };
        group(&mut query, &mut keys, &alias, expr);
    }
    query
        .expr_as(Expr::cust("COUNT(DISTINCT \"conference\".\"id\")"), Alias::new("total"))
        .cond_where(filter.condition());
    query.limit(limit);
    let columns: Vec<String> = keys.iter().cloned().chain(["total".to_owned()]).collect();
    let rows = super::plan::aggregated::<Values>(db, backend.build(&query), &columns, &keys).await?;
    let mut buckets = Vec::with_capacity(rows.len());
    for values in &rows {
        let row = Row { values, columns: &columns };
        let mut key = Vec::with_capacity(dimensions.len());
        for (i, dimension) in dimensions.iter().enumerate() {
            let alias = format!("d{i}");
            key.push(match dimension {
                ConferenceDimension::Month
                | ConferenceDimension::Year
                | ConferenceDimension::Kind
                | ConferenceDimension::Format => KeyValue::Text(row.text(&alias)?),
                ConferenceDimension::Organizer => int_or_missing(&row, &alias, KeyValue::Organization)?,
                ConferenceDimension::Area => int_or_missing(&row, &alias, KeyValue::Area)?,
                ConferenceDimension::Chair => int_or_missing(&row, &alias, KeyValue::Official)?,
            });
        }
        buckets.push(Bucket { key, counts: count(&row, "total")? });
    }
    Ok(buckets)
}
