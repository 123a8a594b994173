//! How many owed tasks (OPEN or IN_PROGRESS) fall due on each day, kept as tasks change, so
//! that the count of the tasks overdue on a day sums a few thousand days instead of counting
//! every overdue task (392,978 of them on 2024-06-30 at scale 10: 26 ms from the covering
//! index on SQLite, every request of a dashboard that shows it).
//!
//! As with `task_tally` (migration 33), writes only append changes to `task_due_change`,
//! which imports and the server fold into `task_due_tally` (`store::stats::fold_task_tally`);
//! the count is the tally plus the changes not yet folded in. Triggers keep the changes in the
//! transaction of every write to `task`, whichever door it comes through.

use crate::triggers::Trigger;
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Whether the task row `row` (NEW or OLD) is owed with a due date.
fn owed(row: &str) -> String {
    format!("{row}.status IN ('OPEN', 'IN_PROGRESS') AND {row}.due_on IS NOT NULL")
}

/// Records `n` tasks due on `row`'s due date when `row` is owed.
fn change(row: &str, n: i32) -> String {
    format!("INSERT INTO task_due_change (due_on, n) SELECT {row}.due_on, {n} WHERE {}", owed(row))
}

fn triggers() -> Vec<Trigger> {
    vec![
        ("task_due_insert", "AFTER INSERT ON task", None, vec![change("NEW", 1)]),
        ("task_due_update", "AFTER UPDATE OF status, due_on ON task", None, vec![change("OLD", -1), change("NEW", 1)]),
        ("task_due_delete", "AFTER DELETE ON task", None, vec![change("OLD", -1)]),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let postgres = manager.get_database_backend() == DatabaseBackend::Postgres;
        db.execute_unprepared("CREATE TABLE task_due_tally (due_on DATE NOT NULL PRIMARY KEY, n INTEGER NOT NULL)")
            .await?;
        let id = if postgres { "BIGSERIAL PRIMARY KEY" } else { "INTEGER PRIMARY KEY AUTOINCREMENT" };
        db.execute_unprepared(&format!(
            "CREATE TABLE task_due_change (id {id}, due_on DATE NOT NULL, n INTEGER NOT NULL)"
        ))
        .await?;
        db.execute_unprepared(&format!(
            "INSERT INTO task_due_tally (due_on, n) SELECT due_on, COUNT(*) FROM task t WHERE {} GROUP BY due_on",
            owed("t")
        ))
        .await?;
        crate::triggers::create(manager, triggers()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        crate::triggers::drop(manager, triggers()).await?;
        db.execute_unprepared("DROP TABLE task_due_change").await?;
        db.execute_unprepared("DROP TABLE task_due_tally").await?;
        Ok(())
    }
}
