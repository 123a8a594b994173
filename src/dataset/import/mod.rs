//! Importing a dataset: every record is checked first, then the whole file is written in one
//! transaction, so a bad file changes nothing. Records are matched by key, so importing the same
//! file twice changes nothing. By default an import adds and updates ([`Merge::AddAndUpdate`]):
//! a record changes the fields it gives, and the children listed under it (tenures,
//! participants, organizers, links, assignees, updates, citations, attestations) are added or
//! changed, never removed; [`Merge::Replace`] makes the file the whole truth for the records it
//! names. The report lists every record changed, field by field, and every one removed.

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

/// What a record in a file does to the stored record of the same key.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, async_graphql::Enum)]
#[graphql(name = "ImportMerge")]
pub enum Merge {
    /// A record changes the fields it gives and leaves the others as stored; the lists under it
    /// (tenures, participants, citations, assignees, updates...) gain and change items and never
    /// lose any.
    #[default]
    AddAndUpdate,
    /// The file is the whole truth for the records it names: fields it omits are cleared, and
    /// items not listed under a record are removed.
    Replace,
}

/// How many changed records a report lists one by one; the rest are counted.
pub const LISTED_CHANGES: usize = 1000;

/// A field of a record that an import changes, with its stored value and the file's (none
/// after, for a record removed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldChange {
    /// The column.
    pub field: String,
    /// The value stored before, if any.
    pub before: Option<String>,
    /// The value after, if any.
    pub after: Option<String>,
}

/// One stored record an import updates or removes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordChange {
    /// The kind of record (its table).
    pub kind: String,
    /// Its dataset key, or its row id ("#17") for records without one.
    pub record: String,
    /// Whether it is removed (else updated).
    pub removed: bool,
    /// The fields that change (for a removal, every field it held).
    pub fields: Vec<FieldChange>,
}

/// What an import did: the totals, the counts of each kind of record (by table, in the
/// order the import met them), and the stored records it changed or removed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// All records together.
    pub total: Counts,
    /// Each kind of record.
    pub kinds: Vec<(String, Counts)>,
    /// The first [`LISTED_CHANGES`] stored records updated or removed.
    pub changes: Vec<RecordChange>,
    /// How many more were updated or removed than are listed.
    pub unlisted: usize,
}

/// A stored value as a reviewer reads it; `None` for null.
fn shown(value: &Value) -> Option<String> {
    if *value == value.as_null() {
        return None;
    }
    Some(match value {
        Value::String(Some(s)) => s.clone(),
        Value::Int(Some(n)) => n.to_string(),
        Value::BigInt(Some(n)) => n.to_string(),
        Value::Bool(Some(b)) => b.to_string(),
        Value::ChronoDate(Some(d)) => d.to_string(),
        Value::ChronoDateTimeUtc(Some(t)) => t.to_rfc3339(),
        other => format!("{other:?}"),
    })
}

/// The name a reviewer knows a stored record by: its key, else its row id.
fn record_name<M: ModelTrait>(row: &M) -> String {
    use sea_orm::{IdenStatic, Iterable};
    let columns = <M::Entity as EntityTrait>::Column::iter().collect::<Vec<_>>();
    let value = |name: &str| columns.iter().find(|c| c.as_str() == name).map(|c| row.get(*c));
    match (value("key"), value("id")) {
        (Some(Value::String(Some(key))), _) => key,
        (_, Some(id)) => format!("#{}", shown(&id).unwrap_or_default()),
        _ => String::new(),
    }
}

impl ImportReport {
    fn listed(&mut self, change: RecordChange) {
        if self.changes.len() < LISTED_CHANGES {
            self.changes.push(change);
        } else {
            self.unlisted += 1;
        }
    }

    /// Notes a stored record the file changes.
    fn note_update<M: ModelTrait>(&mut self, kind: &str, old: &M, new: &M) {
        use sea_orm::{IdenStatic, Iterable};
        let fields = <M::Entity as EntityTrait>::Column::iter()
            .filter(|c| c.as_str() != "version" && !c.as_str().ends_with("_folded"))
            .filter(|c| old.get(*c) != new.get(*c))
            .map(|c| FieldChange {
                field: c.as_str().to_owned(),
                before: shown(&old.get(c)),
                after: shown(&new.get(c)),
            })
            .collect();
        self.listed(RecordChange { kind: kind.to_owned(), record: record_name(old), removed: false, fields });
    }

    /// Notes a stored record the file no longer lists under its parent.
    fn note_removal<M: ModelTrait>(&mut self, kind: &str, old: &M) {
        use sea_orm::{IdenStatic, Iterable};
        let fields = <M::Entity as EntityTrait>::Column::iter()
            .filter(|c| c.as_str() != "version" && !c.as_str().ends_with("_folded"))
            .filter_map(|c| {
                shown(&old.get(c)).map(|before| FieldChange {
                    field: c.as_str().to_owned(),
                    before: Some(before),
                    after: None,
                })
            })
            .collect();
        self.listed(RecordChange { kind: kind.to_owned(), record: record_name(old), removed: true, fields });
    }

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
        for change in &self.changes {
            let verb = if change.removed { "removed" } else { "updated" };
            write!(f, "\n{verb} {} {}", change.kind, change.record)?;
            for field in &change.fields {
                let show = |v: &Option<String>| v.as_deref().map_or("null".to_owned(), |v| format!("{v:?}"));
                write!(f, "\n    {}: {} -> {}", field.field, show(&field.before), show(&field.after))?;
            }
        }
        if self.unlisted > 0 {
            write!(f, "\n... and {} more records changed", self.unlisted)?;
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
    merge: Merge,
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
    let mut writer = Writer::new(&txn, author, merge).await?;
    let written = writer.write(dataset).await;
    if sqlite {
        // Also when the import failed: the connection goes back to the server's pool.
        txn.execute_unprepared(&format!("PRAGMA cache_size = -{}", crate::database::SQLITE_CACHE_KIB)).await?;
    }
    written?;
    let report = writer.report();
    match mode {
        Mode::Write => {
            crate::store::stats::fold_task_tally(&txn).await?;
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
        assert!(problems.contains("(the area \"b\")"), "problems name the record by key: {problems}");
        assert!(problems.contains("(the task \"t\")"), "{problems}");
    }
}
