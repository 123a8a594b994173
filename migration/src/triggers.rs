//! Row triggers written once for both backends: PostgreSQL runs the statements from a trigger
//! function, SQLite from the trigger's body.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend};

/// A trigger: its name, its timing and event ("AFTER INSERT ON task"), its condition (or
/// none) and its statements.
pub type Trigger = (&'static str, &'static str, Option<&'static str>, Vec<String>);

/// Creates `triggers`.
pub async fn create(manager: &SchemaManager<'_>, triggers: Vec<Trigger>) -> Result<(), DbErr> {
    let db = manager.get_connection();
    let postgres = manager.get_database_backend() == DatabaseBackend::Postgres;
    for (name, when, condition, statements) in triggers {
        let body = statements.iter().map(|s| format!("{s};")).collect::<Vec<_>>().join("\n");
        if postgres {
            let returned = if when.starts_with("BEFORE") { "OLD" } else { "NULL" };
            db.execute_unprepared(&format!(
                "CREATE FUNCTION govtrail_{name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN\n{body}\nRETURN {returned}; END $$"
            ))
            .await?;
            let condition = condition.map(|c| format!("WHEN ({c}) ")).unwrap_or_default();
            db.execute_unprepared(&format!(
                "CREATE TRIGGER {name} {when} FOR EACH ROW {condition}EXECUTE FUNCTION govtrail_{name}()"
            ))
            .await?;
        } else {
            let condition = condition.map(|c| format!("WHEN {c} ")).unwrap_or_default();
            db.execute_unprepared(&format!("CREATE TRIGGER {name} {when} FOR EACH ROW {condition}BEGIN\n{body}\nEND"))
                .await?;
        }
    }
    Ok(())
}

/// Drops `triggers` (and their functions on PostgreSQL).
pub async fn drop(manager: &SchemaManager<'_>, triggers: Vec<Trigger>) -> Result<(), DbErr> {
    let db = manager.get_connection();
    let postgres = manager.get_database_backend() == DatabaseBackend::Postgres;
    for (name, when, _, _) in triggers {
        let table = when.rsplit(' ').next().unwrap_or_default();
        if postgres {
            db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS {name} ON {table}")).await?;
            db.execute_unprepared(&format!("DROP FUNCTION IF EXISTS govtrail_{name}()")).await?;
        } else {
            db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS {name}")).await?;
        }
    }
    Ok(())
}
