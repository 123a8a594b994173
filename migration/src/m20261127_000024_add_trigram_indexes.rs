//! On PostgreSQL, trigram indexes (pg_trgm) on the folded columns that the lists' `text` filters
//! match with `LIKE 'word%' OR LIKE '% word%'`, so that those filters use an index rather than a
//! scan. Where the extension cannot be created (a role without the right), the migration says
//! so and goes on: the filters then scan, and give the same answers. SQLite has no such index.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// (table, folded column) of every list `text` filter.
const COLUMNS: [(&str, &str); 6] = [
    ("area", "name_folded"),
    ("official", "name_folded"),
    ("organization", "name_folded"),
    ("directive", "search_folded"),
    ("conference", "title_folded"),
    ("task", "search_folded"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DatabaseBackend::Postgres {
            return Ok(());
        }
        let indexes: String = COLUMNS
            .iter()
            .map(|(table, column)| {
                format!("CREATE INDEX IF NOT EXISTS ix_{table}_{column}_trgm ON {table} USING GIN ({column} gin_trgm_ops);\n")
            })
            .collect();
        // A failed CREATE EXTENSION would abort the migration's transaction; inside a block
        // with its own exception handler it only leaves a notice.
        let sql = format!(
            "DO $$
             BEGIN
               BEGIN
                 CREATE EXTENSION IF NOT EXISTS pg_trgm;
               EXCEPTION WHEN OTHERS THEN
                 RAISE WARNING 'govtrail: pg_trgm is not available (%); list text filters will scan', SQLERRM;
               END;
               IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
                 {indexes}
               END IF;
             END $$;"
        );
        manager.get_connection().execute_unprepared(&sql).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DatabaseBackend::Postgres {
            return Ok(());
        }
        for (table, column) in COLUMNS {
            manager
                .get_connection()
                .execute_unprepared(&format!("DROP INDEX IF EXISTS ix_{table}_{column}_trgm"))
                .await?;
        }
        Ok(())
    }
}
