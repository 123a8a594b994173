//! The rows an import creates, written many to a statement. A row's id is taken when the row
//! is saved (from PostgreSQL's sequence, or past the largest id SQLite has given), so the rows
//! under it can name it before it is written; tables are written in the order they were first
//! used, which puts every parent's table before its children's.

use crate::database::MAX_STATEMENT_VALUES;
use crate::error::AppResult;
use sea_orm::{ConnectionTrait, DatabaseBackend, Statement, Value};
use std::collections::{HashMap, VecDeque};
use std::fmt::Write;

/// How many ids one round trip takes from a PostgreSQL sequence.
const ID_BLOCK: i64 = 4_096;

/// The rows not written yet, by table, in first-use order.
#[derive(Default)]
pub struct Pending {
    tables: Vec<Table>,
    ids: HashMap<&'static str, Ids>,
}

struct Table {
    name: &'static str,
    columns: Vec<&'static str>,
    values: Vec<Value>,
}

/// The ids taken for a table and not given out yet.
enum Ids {
    /// SQLite: every id from here up is free while the import's write transaction lasts.
    From(i32),
    /// PostgreSQL: ids taken from the sequence, which other sessions may be taking from too.
    Taken(VecDeque<i32>),
}

impl Pending {
    /// A new id for a row of `table`, whose `id` column is filled by an autoincrement
    /// (SQLite) or a serial sequence (PostgreSQL).
    pub async fn take_id(&mut self, db: &impl ConnectionTrait, table: &'static str) -> AppResult<i32> {
        let backend = db.get_database_backend();
        let ids = match self.ids.get_mut(table) {
            Some(ids) => ids,
            None => {
                let ids = match backend {
                    DatabaseBackend::Postgres => Ids::Taken(VecDeque::new()),
                    _ => {
                        // AUTOINCREMENT never gives an id twice, even once its row is deleted
                        // (history names nodes by id), so sqlite_sequence counts too.
                        let sql = format!(
                            "SELECT MAX(COALESCE((SELECT MAX(id) FROM \"{table}\"), 0), \
                             COALESCE((SELECT seq FROM sqlite_sequence WHERE name = ?), 0)) AS last"
                        );
                        let row =
                            db.query_one_raw(Statement::from_sql_and_values(backend, sql, [table.into()])).await?;
                        let last: i64 = row.map(|r| r.try_get("", "last")).transpose()?.unwrap_or(0);
                        Ids::From(
                            i32::try_from(last + 1).map_err(|_| crate::error::AppError::internal("ids exhausted"))?,
                        )
                    }
                };
                self.ids.entry(table).or_insert(ids)
            }
        };
        match ids {
            Ids::From(next) => {
                let id = *next;
                *next += 1;
                Ok(id)
            }
            Ids::Taken(queue) => {
                if queue.is_empty() {
                    let sql = format!(
                        "SELECT nextval(pg_get_serial_sequence('\"{table}\"', 'id'))::int4 AS id \
                         FROM generate_series(1, $1)"
                    );
                    let rows =
                        db.query_all_raw(Statement::from_sql_and_values(backend, sql, [ID_BLOCK.into()])).await?;
                    for row in rows {
                        queue.push_back(row.try_get("", "id")?);
                    }
                }
                queue.pop_front().ok_or_else(|| crate::error::AppError::internal("no id from the sequence"))
            }
        }
    }

    /// Keeps a row of `table` (its columns and their values, id included) for a later
    /// statement; writes everything kept once a table holds a statement's worth.
    pub async fn push(
        &mut self,
        db: &impl ConnectionTrait,
        table: &'static str,
        row: Vec<(&'static str, Value)>,
    ) -> AppResult<()> {
        let at = match self.tables.iter().position(|t| t.name == table) {
            Some(at) => at,
            None => {
                let columns = row.iter().map(|(c, _)| *c).collect();
                self.tables.push(Table { name: table, columns, values: Vec::new() });
                self.tables.len() - 1
            }
        };
        let kept = &mut self.tables[at];
        debug_assert!(kept.columns.iter().eq(row.iter().map(|(c, _)| c)));
        kept.values.extend(row.into_iter().map(|(_, v)| v));
        if kept.values.len() + kept.columns.len() > MAX_STATEMENT_VALUES {
            self.flush(db).await?;
        }
        Ok(())
    }

    /// Writes every row kept, parents' tables first.
    pub async fn flush(&mut self, db: &impl ConnectionTrait) -> AppResult<()> {
        let backend = db.get_database_backend();
        for table in &mut self.tables {
            let values = std::mem::take(&mut table.values);
            if values.is_empty() {
                continue;
            }
            let width = table.columns.len();
            let quoted: Vec<String> = table.columns.iter().map(|c| format!("\"{c}\"")).collect();
            let head = format!("INSERT INTO \"{}\" ({}) VALUES ", table.name, quoted.join(", "));
            let mut sql = String::with_capacity(head.len() + values.len() * 6);
            sql.push_str(&head);
            for (i, _) in values.chunks(width).enumerate() {
                if i > 0 {
                    sql.push_str(", ");
                }
                sql.push('(');
                for j in 0..width {
                    if j > 0 {
                        sql.push_str(", ");
                    }
                    match backend {
                        DatabaseBackend::Postgres => {
                            let _ = write!(sql, "${}", i * width + j + 1);
                        }
                        _ => sql.push('?'),
                    }
                }
                sql.push(')');
            }
            db.execute_raw(Statement::from_sql_and_values(backend, sql, values)).await?;
        }
        Ok(())
    }
}
