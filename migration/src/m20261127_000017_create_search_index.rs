//! Creates `search_index`: the folded search text of every official, organization, post,
//! directive, conference and task, under a row id that encodes the node (id * 8 + type), with a
//! full-text index suited to the backend (SQLite FTS5; a GIN index over `to_tsvector` on
//! PostgreSQL). Rows already stored are indexed from their folded columns.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// (type code, table, folded column) of every searchable table; the codes match the service's.
const SOURCES: [(i64, &str, &str); 6] = [
    (1, "official", "name_folded"),
    (2, "organization", "name_folded"),
    (3, "post", "title_folded"),
    (4, "directive", "search_folded"),
    (5, "conference", "title_folded"),
    (6, "task", "search_folded"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        match manager.get_database_backend() {
            DatabaseBackend::Postgres => {
                db.execute_unprepared(
                    "CREATE TABLE IF NOT EXISTS search_index (rowid BIGINT PRIMARY KEY, text TEXT NOT NULL)",
                )
                .await?;
                db.execute_unprepared(
                    "CREATE INDEX IF NOT EXISTS ix_search_index_text ON search_index \
                     USING GIN (to_tsvector('simple', text))",
                )
                .await?;
            }
            _ => {
                db.execute_unprepared(
                    "CREATE VIRTUAL TABLE IF NOT EXISTS search_index USING fts5(text, tokenize = 'unicode61')",
                )
                .await?;
            }
        }
        for (code, table, column) in SOURCES {
            db.execute_unprepared(&format!(
                "INSERT INTO search_index (rowid, text) SELECT id * 8 + {code}, {column} FROM {table}"
            ))
            .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.get_connection().execute_unprepared("DROP TABLE IF EXISTS search_index").await?;
        Ok(())
    }
}
