//! Task counts kept as they change, so that a dashboard's counts by assignee do not aggregate
//! every assignment on each request.
//!
//! - `task_tally`: how many assignments each assignee has in each status, a task without one
//!   counting once under assignee (0, 0), as `LEFT JOIN task_assignee … GROUP BY` counts them;
//!   with `task_tally_change`, the changes to it not yet folded in. Writes only append changes:
//!   a counter row updated by every write of a large transaction would leave PostgreSQL a chain
//!   of dead versions to walk on each update (an import of scale 1 took 280 s instead of 40).
//!   The counts are the tally plus its changes; the changes are folded in after imports and
//!   from time to time (`store::stats::fold_task_tally`).
//! - `task_assignee.owed_due_on`: the task's due date while it is owed (OPEN or IN_PROGRESS),
//!   null otherwise, with a partial index in assignee order: the overdue counts on any day are
//!   one pass over it, already grouped, reading no table row.
//! - `task_unassigned`: the tasks without an assignment row, for their overdue count.
//!
//! Triggers keep all three in the transaction of the write, whichever door the write comes
//! through (the API, an import, a deletion that cascades or sets a key to null): the rule is in
//! the database, once. The statements are the same on both backends; PostgreSQL runs them from
//! trigger functions, SQLite from trigger bodies.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

const OWED: &str = "('OPEN', 'IN_PROGRESS')";

/// Records a change of the tally for each (organization, official, status, change) a SELECT's
/// rows give, the SELECT written after `SELECT`.
fn tally(select: &str) -> String {
    format!("INSERT INTO task_tally_change (organization_id, official_id, status, n) SELECT {select}")
}

/// The triggers: name, timing and event, the condition (or none), the statements.
fn triggers() -> Vec<crate::triggers::Trigger> {
    let no_row_left = "NOT EXISTS (SELECT 1 FROM task_assignee o WHERE o.task_id = OLD.task_id)";
    vec![
        (
            "task_tally_task_insert",
            "AFTER INSERT ON task",
            None,
            vec![
                tally("0, 0, NEW.status, 1 WHERE NOT EXISTS (SELECT 1 FROM task_assignee o WHERE o.task_id = NEW.id)"),
                "INSERT INTO task_unassigned (task_id) SELECT NEW.id WHERE NOT EXISTS \
                 (SELECT 1 FROM task_assignee o WHERE o.task_id = NEW.id)"
                    .to_owned(),
            ],
        ),
        (
            "task_tally_task_status",
            "AFTER UPDATE OF status ON task",
            Some("OLD.status <> NEW.status"),
            vec![
                tally(
                    "COALESCE(organization_id, 0), COALESCE(official_id, 0), OLD.status, -COUNT(*) \
                     FROM task_assignee WHERE task_id = NEW.id GROUP BY 1, 2",
                ),
                tally(
                    "COALESCE(organization_id, 0), COALESCE(official_id, 0), NEW.status, COUNT(*) \
                     FROM task_assignee WHERE task_id = NEW.id GROUP BY 1, 2",
                ),
                tally("0, 0, OLD.status, -1 WHERE EXISTS (SELECT 1 FROM task_unassigned u WHERE u.task_id = NEW.id)"),
                tally("0, 0, NEW.status, 1 WHERE EXISTS (SELECT 1 FROM task_unassigned u WHERE u.task_id = NEW.id)"),
            ],
        ),
        (
            "task_tally_task_owed",
            "AFTER UPDATE OF status, due_on ON task",
            None,
            vec![format!(
                "UPDATE task_assignee SET owed_due_on = CASE WHEN NEW.status IN {OWED} THEN NEW.due_on END \
                 WHERE task_id = NEW.id"
            )],
        ),
        (
            // The assignments go first, while their task is there to say its status.
            "task_tally_task_delete_assignments",
            "BEFORE DELETE ON task",
            None,
            vec!["DELETE FROM task_assignee WHERE task_id = OLD.id".to_owned()],
        ),
        (
            "task_tally_task_delete",
            "AFTER DELETE ON task",
            None,
            vec![
                tally("0, 0, OLD.status, -1 WHERE EXISTS (SELECT 1 FROM task_unassigned u WHERE u.task_id = OLD.id)"),
                "DELETE FROM task_unassigned WHERE task_id = OLD.id".to_owned(),
            ],
        ),
        ("task_tally_assignee_insert", "AFTER INSERT ON task_assignee", None, assignment_added()),
        ("task_tally_assignee_delete", "AFTER DELETE ON task_assignee", None, assignment_removed()),
        (
            "task_tally_assignee_update",
            "AFTER UPDATE OF task_id, organization_id, official_id ON task_assignee",
            None,
            [assignment_removed(), assignment_added()].concat(),
        ),
    ]
    .into_iter()
    .map(|(name, when, condition, mut statements)| {
        for statement in &mut statements {
            *statement = statement.replace("{no_row_left}", no_row_left);
        }
        (name, when, condition, statements)
    })
    .collect()
}

/// An assignment row added (NEW): counted under its assignee in its task's status; the task,
/// when it had no row before, no longer counted under (0, 0).
fn assignment_added() -> Vec<String> {
    vec![
        format!(
            "UPDATE task_assignee SET owed_due_on = \
             (SELECT CASE WHEN t.status IN {OWED} THEN t.due_on END FROM task t WHERE t.id = NEW.task_id) \
             WHERE id = NEW.id"
        ),
        tally(
            "COALESCE(NEW.organization_id, 0), COALESCE(NEW.official_id, 0), t.status, 1 FROM task t WHERE t.id = NEW.task_id",
        ),
        tally(
            "0, 0, t.status, -1 FROM task t WHERE t.id = NEW.task_id \
             AND EXISTS (SELECT 1 FROM task_unassigned u WHERE u.task_id = NEW.task_id)",
        ),
        "DELETE FROM task_unassigned WHERE task_id = NEW.task_id".to_owned(),
    ]
}

/// An assignment row removed (OLD): no longer counted under its assignee; its task, when no row
/// is left, counted under (0, 0). A row whose task is gone changes nothing: the task's deletion
/// removes its rows first (`task_tally_task_delete_assignments`).
fn assignment_removed() -> Vec<String> {
    vec![
        tally(
            "COALESCE(OLD.organization_id, 0), COALESCE(OLD.official_id, 0), t.status, -1 FROM task t WHERE t.id = OLD.task_id",
        ),
        tally("0, 0, t.status, 1 FROM task t WHERE t.id = OLD.task_id AND {no_row_left}"),
        "INSERT INTO task_unassigned (task_id) SELECT t.id FROM task t WHERE t.id = OLD.task_id AND {no_row_left} \
         AND NOT EXISTS (SELECT 1 FROM task_unassigned u WHERE u.task_id = t.id)"
            .to_owned(),
    ]
}

/// Fills the tallies from the rows as they stand (also used to check them).
const FILL: [&str; 3] = [
    "UPDATE task_assignee SET owed_due_on = \
     (SELECT CASE WHEN t.status IN ('OPEN', 'IN_PROGRESS') THEN t.due_on END FROM task t WHERE t.id = task_assignee.task_id)",
    "INSERT INTO task_unassigned (task_id) SELECT t.id FROM task t \
     WHERE NOT EXISTS (SELECT 1 FROM task_assignee o WHERE o.task_id = t.id)",
    "INSERT INTO task_tally (organization_id, official_id, status, n) \
     SELECT COALESCE(a.organization_id, 0), COALESCE(a.official_id, 0), t.status, COUNT(*) \
     FROM task t LEFT JOIN task_assignee a ON a.task_id = t.id GROUP BY 1, 2, 3",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let postgres = manager.get_database_backend() == DatabaseBackend::Postgres;
        db.execute_unprepared(
            "CREATE TABLE task_tally (organization_id INTEGER NOT NULL, official_id INTEGER NOT NULL, \
             status TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (organization_id, official_id, status))",
        )
        .await?;
        let id = if postgres { "BIGSERIAL PRIMARY KEY" } else { "INTEGER PRIMARY KEY AUTOINCREMENT" };
        db.execute_unprepared(&format!(
            "CREATE TABLE task_tally_change (id {id}, organization_id INTEGER NOT NULL, \
             official_id INTEGER NOT NULL, status TEXT NOT NULL, n INTEGER NOT NULL)"
        ))
        .await?;
        db.execute_unprepared(
            // No foreign key: the triggers keep it, and PostgreSQL would run a cascade before them.
            "CREATE TABLE task_unassigned (task_id INTEGER NOT NULL PRIMARY KEY)",
        )
        .await?;
        db.execute_unprepared("ALTER TABLE task_assignee ADD COLUMN owed_due_on DATE NULL").await?;
        for statement in FILL {
            db.execute_unprepared(statement).await?;
        }
        db.execute_unprepared(
            "CREATE INDEX ix_task_assignee_owed ON task_assignee (organization_id, official_id, owed_due_on) \
             WHERE owed_due_on IS NOT NULL",
        )
        .await?;
        crate::triggers::create(manager, triggers()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        crate::triggers::drop(manager, triggers()).await?;
        db.execute_unprepared("DROP INDEX IF EXISTS ix_task_assignee_owed").await?;
        db.execute_unprepared("ALTER TABLE task_assignee DROP COLUMN owed_due_on").await?;
        db.execute_unprepared("DROP TABLE task_unassigned").await?;
        db.execute_unprepared("DROP TABLE task_tally_change").await?;
        db.execute_unprepared("DROP TABLE task_tally").await?;
        Ok(())
    }
}
