//! On PostgreSQL, a trigger announces every row added to `change` with
//! `pg_notify('govtrail_changes', id)`. PostgreSQL delivers it when the transaction commits, and
//! to every server listening on the database, so the subscriptions of every replica hear of each
//! committed change, and of nothing rolled back. The server costs no round trip per change for it.
//! SQLite needs none: its one server reads the history forward.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DatabaseBackend::Postgres {
            return Ok(());
        }
        let db = manager.get_connection();
        db.execute_unprepared(
            "CREATE OR REPLACE FUNCTION govtrail_announce_change() RETURNS trigger LANGUAGE plpgsql AS $$
             BEGIN
               PERFORM pg_notify('govtrail_changes', NEW.id::text);
               RETURN NULL;
             END $$",
        )
        .await?;
        db.execute_unprepared("DROP TRIGGER IF EXISTS change_announce ON change").await?;
        db.execute_unprepared(
            "CREATE TRIGGER change_announce AFTER INSERT ON change \
             FOR EACH ROW EXECUTE FUNCTION govtrail_announce_change()",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DatabaseBackend::Postgres {
            return Ok(());
        }
        let db = manager.get_connection();
        db.execute_unprepared("DROP TRIGGER IF EXISTS change_announce ON change").await?;
        db.execute_unprepared("DROP FUNCTION IF EXISTS govtrail_announce_change()").await?;
        Ok(())
    }
}
