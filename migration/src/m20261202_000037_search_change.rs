//! `search_change`: which entries of `search_index` each write touched, so that every server
//! process keeps its own ranked index of the search text current (`store::ranked`).
//!
//! Written by the application beside each write to `search_index` (SQLite's full-text tables
//! take no triggers). On SQLite writers commit one at a time, so a reader goes forward by
//! `seq`. On PostgreSQL transactions commit in any order, so each row keeps the id of the
//! transaction that wrote it (`xid`): a reader asks again from the oldest transaction still
//! running when it last read, which every later commit is at or after. Rows are kept a day.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        match manager.get_database_backend() {
            DatabaseBackend::Postgres => {
                db.execute_unprepared(
                    "CREATE TABLE IF NOT EXISTS search_change (\
                       seq BIGSERIAL PRIMARY KEY, \
                       entry BIGINT NOT NULL, \
                       xid xid8 NOT NULL DEFAULT pg_current_xact_id(), \
                       at TIMESTAMPTZ NOT NULL DEFAULT now())",
                )
                .await?;
                db.execute_unprepared("CREATE INDEX IF NOT EXISTS ix_search_change_xid ON search_change (xid, seq)")
                    .await?;
            }
            _ => {
                db.execute_unprepared(
                    "CREATE TABLE IF NOT EXISTS search_change (\
                       seq INTEGER PRIMARY KEY AUTOINCREMENT, \
                       entry INTEGER NOT NULL, \
                       at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')))",
                )
                .await?;
            }
        }
        db.execute_unprepared("CREATE INDEX IF NOT EXISTS ix_search_change_at ON search_change (at)").await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.get_connection().execute_unprepared("DROP TABLE IF EXISTS search_change").await?;
        Ok(())
    }
}
