//! Importing a dataset: every record is checked first, then the whole file is written in one
//! transaction, so a bad file changes nothing. Records are matched by key, so importing the same
//! file twice changes nothing; the children listed under a record (tenures, participants,
//! organizers, links, assignees, updates, citations) replace the ones stored for it.

use super::format::Dataset;
use crate::error::{AppError, AppResult};
use crate::service::record::{Author, Editable, Row};
use entity::*;
use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait, ModelTrait, Value};
use std::fmt;

mod check;
mod write;

use check::check;
use write::{ANALYZE_AFTER, IMPORT_CACHE_KIB, Writer};

/// How many records an import created, updated, left unchanged and removed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Records that were not there before.
    pub created: usize,
    /// Records whose fields changed.
    pub updated: usize,
    /// Records already there as the file gives them.
    pub unchanged: usize,
    /// Children no longer listed under their record.
    pub removed: usize,
}

impl fmt::Display for Counts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} created, {} updated, {} unchanged, {} removed",
            self.created, self.updated, self.unchanged, self.removed
        )
    }
}

/// What an import did: the totals, and the counts of each kind of record (by table, in the
/// order the import met them).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// All records together.
    pub total: Counts,
    /// Each kind of record.
    pub kinds: Vec<(String, Counts)>,
}

impl ImportReport {
    fn count(&mut self, kind: &str, n: usize, field: fn(&mut Counts) -> &mut usize) {
        *field(&mut self.total) += n;
        let index = match self.kinds.iter().position(|(k, _)| k == kind) {
            Some(index) => index,
            None => {
                self.kinds.push((kind.to_owned(), Counts::default()));
                self.kinds.len() - 1
            }
        };
        *field(&mut self.kinds[index].1) += n;
    }
}

impl fmt::Display for ImportReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.total)?;
        for (kind, counts) in &self.kinds {
            write!(f, "\n  {kind}: {counts}")?;
        }
        Ok(())
    }
}

/// Parses dataset JSON; an error names the place in the file (path, line and column).
pub fn parse_dataset(json: &str) -> AppResult<Dataset> {
    let deserializer = &mut serde_json::Deserializer::from_str(json);
    serde_path_to_error::deserialize(deserializer).map_err(|err| {
        let path = err.path().to_string();
        let place = if path == "." { "the file".to_owned() } else { path.clone() };
        AppError::bad_input(path, format!("{place}: {}", err.inner()))
    })
}

/// Whether an import is kept or only tried.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Write the dataset.
    Write,
    /// Do everything but keep nothing: the report says what an import would do.
    DryRun,
}

/// Checks a dataset and writes it in one transaction, or rolls it back in a dry run; with an
/// author, every node the import creates, changes or removes is recorded in the history.
pub async fn import(
    db: &DatabaseConnection,
    dataset: &Dataset,
    mode: Mode,
    author: Option<Author<'_>>,
) -> AppResult<ImportReport> {
    let problems = check(dataset);
    if !problems.is_empty() {
        let shown: Vec<String> = problems.iter().take(20).cloned().collect();
        let more = problems.len().saturating_sub(shown.len());
        let mut message = shown.join("\n");
        if more > 0 {
            message.push_str(&format!("\n... and {more} more problems"));
        }
        return Err(AppError::BadUserInput { message, field: None });
    }
    let txn = crate::database::begin_write(db).await?;
    let sqlite = db.get_database_backend() == sea_orm::DatabaseBackend::Sqlite;
    if sqlite {
        // A large import changes more pages than the default cache holds; each one evicted
        // before the commit would be written to the log again and again.
        txn.execute_unprepared(&format!("PRAGMA cache_size = -{IMPORT_CACHE_KIB}")).await?;
    }
    let mut writer = Writer::new(&txn, author).await?;
    let written = writer.write(dataset).await;
    if sqlite {
        // Also when the import failed: the connection goes back to the server's pool.
        txn.execute_unprepared(&format!("PRAGMA cache_size = -{}", crate::database::SQLITE_CACHE_KIB)).await?;
    }
    written?;
    let report = writer.report();
    match mode {
        Mode::Write => {
            txn.commit().await?;
            let touched = report.total.created + report.total.updated + report.total.removed;
            if db.get_database_backend() == sea_orm::DatabaseBackend::Postgres && touched >= ANALYZE_AFTER {
                // PostgreSQL plans with empty statistics until autovacuum comes by; after a large
                // load that made Q1 of the benchmark take 29.5 ms instead of 15.7 ms.
                db.execute_unprepared("ANALYZE").await?;
            }
        }
        Mode::DryRun => txn.rollback().await?,
    }
    Ok(report)
}

/// The row a kind makes of these fields, with the id and version of the row it replaces.
fn row<K: Editable>(fields: &K::Fields, existing: Option<&Row<K>>) -> Row<K> {
    let (id, version, _) = K::columns();
    let mut model = K::model(fields);
    model.set(id, existing.map_or(Value::Int(Some(0)), |m| m.get(id)));
    model.set(version, existing.map_or(Value::Int(Some(1)), |m| m.get(version)));
    model
}

/// Whether the database holds no facts yet (`serve --demo` loads the demo only then).
pub async fn is_empty(db: &impl ConnectionTrait) -> AppResult<bool> {
    Ok(conference::Entity::find().one(db).await?.is_none()
        && official::Entity::find().one(db).await?.is_none()
        && organization::Entity::find().one(db).await?.is_none())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_errors_name_the_place() {
        let err = parse_dataset(r#"{"conferences": [ {"title": 42, "#).unwrap_err();
        let message = err.message();
        assert!(message.contains("conferences[0].title"), "{message}");
        assert!(message.contains("line 1"), "{message}");
    }

    #[test]
    fn unknown_fields_are_refused() {
        let err = parse_dataset(r#"{"officials": [{"key": "a", "name": "A", "nmae": "B"}]}"#).unwrap_err();
        assert!(err.message().contains("officials[0]"), "{}", err.message());
    }

    #[test]
    fn checks_name_each_problem() {
        let ds = parse_dataset(
            r#"{"areas": [{"key": "a", "name": "", "kind": "PROVINCE"}, {"key": "b", "name": "B", "kind": "STATE"}],
                "tasks": [{"key": "t", "title": "T", "dueOn": "31/12/2021", "timeZone": "Mars/Olympus", "assignees": []}]}"#,
        )
        .unwrap();
        let problems = check(&ds).join("\n");
        for expected in ["areas[0].name", "areas[1].kind", "tasks[0].dueOn", "tasks[0].timeZone", "tasks[0].assignees"]
        {
            assert!(problems.contains(expected), "{expected} missing in {problems}");
        }
    }
}
