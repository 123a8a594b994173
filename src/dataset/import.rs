//! Importing a dataset: every record is checked first, then the whole file is written in one
//! transaction, so a bad file changes nothing. Records are matched by key, so importing the same
//! file twice changes nothing; the children listed under a record (tenures, participants,
//! organizers, links, assignees, updates, citations) replace the ones stored for it.

use super::batch::Pending;
use super::fields;
use super::format::{self, Citation, Dataset};
use crate::domain::node::NodeType;
use crate::domain::partial_date::PartialDate;
use crate::domain::vocabulary::*;
use crate::domain::{code, subject};
use crate::error::{AppError, AppResult};
use crate::service::history::ChangeAction;
use crate::service::kinds;
use crate::service::kinds::{is_editable, snapshot};
use crate::service::record::{Author, Editable, Refusals, Row, log_change, nested};
use crate::store::search;
use chrono::{DateTime, NaiveDate, Utc};
use entity::*;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, EntityName, EntityTrait,
    IdenStatic, IntoActiveModel, Iterable, ModelTrait, QueryFilter, Value,
};
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::str::FromStr;

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
    let mut writer = Writer {
        txn: &txn,
        ids: HashMap::new(),
        report: ImportReport::default(),
        author,
        tracked: Vec::new(),
        seen: HashSet::new(),
        created: HashSet::new(),
        empty: empty_tables(&txn).await?,
        pending: Pending::default(),
    };
    let written = async {
        writer.write(dataset).await?;
        writer.record_history().await
    }
    .await;
    if sqlite {
        // Also when the import failed: the connection goes back to the server's pool.
        txn.execute_unprepared(&format!("PRAGMA cache_size = -{}", crate::database::SQLITE_CACHE_KIB)).await?;
    }
    written?;
    let report = writer.report.clone();
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

// ---------------------------------------------------------------------------------------------
// Checking: everything that can be judged from the file alone, all problems at once.

struct Checker {
    problems: Vec<String>,
}

impl Checker {
    fn fail(&mut self, path: &str, message: impl fmt::Display) {
        self.problems.push(format!("{path}: {message}"));
    }

    fn non_empty(&mut self, path: &str, value: &str) {
        if value.trim().is_empty() {
            self.fail(path, "must not be empty");
        }
    }

    fn vocabulary<T>(&mut self, path: &str, value: &str, parse: fn(&str) -> Option<T>, names: fn() -> String) {
        if parse(value).is_none() {
            self.fail(path, format!("\"{value}\" is not one of {}", names()));
        }
    }

    fn partial_date(&mut self, path: &str, value: Option<&String>) -> Option<PartialDate> {
        let value = value?;
        match value.parse::<PartialDate>() {
            Ok(date) => Some(date),
            Err(err) => {
                self.fail(path, err.0);
                None
            }
        }
    }

    fn date(&mut self, path: &str, value: Option<&String>) {
        if let Some(value) = value {
            if value.parse::<NaiveDate>().is_err() || value.len() != 10 {
                self.fail(path, format!("\"{value}\" is not a date of the form YYYY-MM-DD"));
            }
        }
    }

    fn instant(&mut self, path: &str, value: Option<&String>) -> Option<DateTime<Utc>> {
        let value = value?;
        match DateTime::parse_from_rfc3339(value) {
            Ok(instant) => Some(instant.with_timezone(&Utc)),
            Err(_) => {
                self.fail(path, format!("\"{value}\" is not an RFC 3339 instant with an offset"));
                None
            }
        }
    }

    fn keys<'a>(&mut self, section: &str, keys: impl Iterator<Item = &'a String>) {
        let mut seen = HashSet::new();
        for (i, key) in keys.enumerate() {
            let path = format!("{section}[{i}].key");
            self.non_empty(&path, key);
            if !seen.insert(key) {
                self.fail(&path, format!("the key \"{key}\" appears twice in {section}"));
            }
        }
    }

    fn actor(&mut self, path: &str, actor: &format::Actor) {
        if actor.organization.is_some() == actor.official.is_some() {
            self.fail(path, "name exactly one of organization or official");
        }
    }

    fn citations(&mut self, path: &str, citations: &[Citation]) {
        for (i, citation) in citations.iter().enumerate() {
            self.non_empty(&format!("{path}.sources[{i}]"), citation.source());
        }
    }
}

fn check(ds: &Dataset) -> Vec<String> {
    let mut c = Checker { problems: Vec::new() };
    c.keys("sources", ds.sources.iter().map(|r| &r.key));
    c.keys("areas", ds.areas.iter().map(|r| &r.key));
    c.keys("organizations", ds.organizations.iter().map(|r| &r.key));
    c.keys("posts", ds.posts.iter().map(|r| &r.key));
    c.keys("officials", ds.officials.iter().map(|r| &r.key));
    c.keys("directives", ds.directives.iter().map(|r| &r.key));
    c.keys("conferences", ds.conferences.iter().map(|r| &r.key));
    c.keys("tasks", ds.tasks.iter().map(|r| &r.key));
    for (i, s) in ds.sources.iter().enumerate() {
        let p = format!("sources[{i}]");
        c.instant(&format!("{p}.publishedAt"), s.published_at.as_ref());
        c.date(&format!("{p}.publishedOn"), s.published_on.as_ref());
    }
    for (i, a) in ds.areas.iter().enumerate() {
        let p = format!("areas[{i}]");
        c.vocabulary(&format!("{p}.kind"), &a.kind, AreaKind::parse, AreaKind::names);
    }
    for (i, o) in ds.organizations.iter().enumerate() {
        let p = format!("organizations[{i}]");
        c.vocabulary(&format!("{p}.kind"), &o.kind, OrganizationKind::parse, OrganizationKind::names);
        c.partial_date(&format!("{p}.startedOn"), o.started_on.as_ref());
        c.partial_date(&format!("{p}.endedOn"), o.ended_on.as_ref());
        if let Some(ended_as) = &o.ended_as {
            c.vocabulary(&format!("{p}.endedAs"), ended_as, OrganizationEnd::parse, OrganizationEnd::names);
        }
    }
    for (i, o) in ds.officials.iter().enumerate() {
        for (j, t) in o.tenures.iter().enumerate() {
            let tp = format!("officials[{i}].tenures[{j}]");
            c.partial_date(&format!("{tp}.startedOn"), t.started_on.as_ref());
            c.partial_date(&format!("{tp}.endedOn"), t.ended_on.as_ref());
            c.citations(&tp, &t.sources);
        }
    }
    for (i, d) in ds.directives.iter().enumerate() {
        let p = format!("directives[{i}]");
        match &d.kind {
            Some(kind) => c.vocabulary(&format!("{p}.kind"), kind, DirectiveKind::parse, DirectiveKind::names),
            None if d.code.as_deref().and_then(code::parse).and_then(|c| c.kind()).is_none() => {
                c.fail(&format!("{p}.kind"), "is needed where the code does not tell the kind")
            }
            None => {}
        }
        if let Some(status) = &d.status {
            c.vocabulary(&format!("{p}.status"), status, DirectiveStatus::parse, DirectiveStatus::names);
        }
        c.partial_date(&format!("{p}.issuedOn"), d.issued_on.as_ref());
        c.partial_date(&format!("{p}.periodStart"), d.period_start.as_ref());
        c.partial_date(&format!("{p}.periodEnd"), d.period_end.as_ref());
        for (j, link) in d.links.iter().enumerate() {
            let lp = format!("{p}.links[{j}]");
            c.vocabulary(&format!("{lp}.relation"), &link.relation, DirectiveRelation::parse, DirectiveRelation::names);
            c.citations(&lp, &link.sources);
        }
        c.citations(&p, &d.sources);
    }
    for (i, conf) in ds.conferences.iter().enumerate() {
        let p = format!("conferences[{i}]");
        c.vocabulary(&format!("{p}.kind"), &conf.kind, ConferenceKind::parse, ConferenceKind::names);
        c.vocabulary(&format!("{p}.format"), &conf.format, ConferenceFormat::parse, ConferenceFormat::names);
        c.date(&format!("{p}.date"), Some(&conf.date));
        if let Some(part) = &conf.part_of_day {
            c.vocabulary(&format!("{p}.partOfDay"), part, PartOfDay::parse, PartOfDay::names);
        }
        c.instant(&format!("{p}.startsAt"), conf.starts_at.as_ref());
        c.instant(&format!("{p}.endsAt"), conf.ends_at.as_ref());
        let mut seen = HashSet::new();
        for (j, part) in conf.participants.iter().enumerate() {
            let pp = format!("{p}.participants[{j}]");
            c.vocabulary(&format!("{pp}.role"), &part.role, ParticipationRole::parse, ParticipationRole::names);
            if !seen.insert((&part.official, &part.role)) {
                c.fail(&pp, format!("{} is listed twice as {}", part.official, part.role));
            }
            c.citations(&pp, &part.sources);
        }
        for (j, link) in conf.directives.iter().enumerate() {
            let lp = format!("{p}.directives[{j}]");
            let relation = format!("{lp}.relation");
            c.vocabulary(
                &relation,
                &link.relation,
                ConferenceDirectiveRelation::parse,
                ConferenceDirectiveRelation::names,
            );
            c.citations(&lp, &link.sources);
        }
        c.citations(&p, &conf.sources);
    }
    for (i, t) in ds.tasks.iter().enumerate() {
        let p = format!("tasks[{i}]");
        if let Some(status) = &t.status {
            c.vocabulary(&format!("{p}.status"), status, TaskStatus::parse, TaskStatus::names);
        }
        c.date(&format!("{p}.dueOn"), t.due_on.as_ref());
        if let Some(by) = &t.assigned_by {
            c.actor(&format!("{p}.assignedBy"), by);
        }
        for (j, a) in t.assignees.iter().enumerate() {
            c.citations(&format!("{p}.assignees[{j}]"), &a.sources);
        }
        for (j, u) in t.updates.iter().enumerate() {
            let up = format!("{p}.updates[{j}]");
            c.date(&format!("{up}.date"), Some(&u.date));
            c.vocabulary(&format!("{up}.status"), &u.status, TaskStatus::parse, TaskStatus::names);
            if u.progress_percent.is_some_and(|p| !(0..=100).contains(&p)) {
                c.fail(&format!("{up}.progressPercent"), "must be from 0 to 100");
            }
        }
        c.citations(&p, &t.sources);
    }
    rules(&mut c, ds);
    c.problems
}

/// Judges every record of a file whose values all read by the rules of its kind, as a mutation
/// would judge it: each key stands for a row id of its own (the references are resolved when
/// the file is written).
fn rules(c: &mut Checker, ds: &Dataset) {
    let stand_ins: std::cell::RefCell<HashMap<(NodeType, String), i32>> = Default::default();
    let ids = |kind: NodeType, key: &str| {
        let mut known = stand_ins.borrow_mut();
        let next = known.len() as i32 + 1;
        *known.entry((kind, key.to_owned())).or_insert(next)
    };
    // A record whose kind or date does not read is not judged: that is reported already.
    let mut judge = |path: String, judged: AppResult<Refusals>| {
        for err in judged.map(Refusals::all).unwrap_or_default() {
            c.problems.push(in_file(err, &path).message());
        }
    };
    for (i, s) in ds.sources.iter().enumerate() {
        judge(format!("sources[{i}]"), judged::<kinds::Source>(fields::source(s), None));
    }
    for (i, a) in ds.areas.iter().enumerate() {
        judge(format!("areas[{i}]"), judged::<kinds::Area>(fields::area(a, &ids), None));
    }
    for (i, o) in ds.organizations.iter().enumerate() {
        let own = Some(ids(NodeType::Organization, &o.key));
        let successor = o.successor.as_deref().map(|key| ids(NodeType::Organization, key));
        let judged = judged::<kinds::Organization>(fields::organization(o, &ids, successor), own);
        judge(format!("organizations[{i}]"), judged);
    }
    for (i, p) in ds.posts.iter().enumerate() {
        judge(format!("posts[{i}]"), judged::<kinds::Post>(Ok(fields::post(p, &ids)), None));
    }
    for (i, o) in ds.officials.iter().enumerate() {
        judge(format!("officials[{i}]"), judged::<kinds::Official>(Ok(fields::official(o)), None));
        let official = ids(NodeType::Official, &o.key);
        for (j, t) in o.tenures.iter().enumerate() {
            let judged = judged::<kinds::Tenure>(fields::tenure(t, official, &ids), None);
            judge(format!("officials[{i}].tenures[{j}]"), judged);
        }
    }
    for (i, d) in ds.directives.iter().enumerate() {
        let own = Some(ids(NodeType::Directive, &d.key));
        judge(format!("directives[{i}]"), judged::<kinds::Directive>(fields::directive(d, &ids), own));
    }
    for (i, conf) in ds.conferences.iter().enumerate() {
        judge(format!("conferences[{i}]"), judged::<kinds::Conference>(fields::conference(conf, &ids), None));
        let conference = ids(NodeType::Conference, &conf.key);
        for (j, p) in conf.participants.iter().enumerate() {
            let judged = judged::<kinds::Participation>(fields::participation(p, conference, &ids), None);
            judge(format!("conferences[{i}].participants[{j}]"), judged);
        }
    }
    for (i, t) in ds.tasks.iter().enumerate() {
        judge(format!("tasks[{i}]"), judged::<kinds::Task>(fields::task(t, &ids), None));
    }
}

/// What the rules of `K` refuse in the fields of a record, if they read.
fn judged<K: Editable>(fields: AppResult<K::Fields>, id: Option<i32>) -> AppResult<Refusals> {
    let mut refusals = Refusals::default();
    K::rules(&fields?, id, &mut refusals);
    Ok(refusals)
}

/// A refusal of the rules, placed in the file: "input.title" of the third task becomes
/// "tasks[2].title", and the citations a mutation calls `citations` are a record's `sources`.
fn in_file(err: AppError, path: &str) -> AppError {
    match nested(err, path) {
        AppError::BadUserInput { message, field } => AppError::BadUserInput {
            message: message.replacen(".citations[", ".sources[", 1),
            field: field.map(|f| f.replacen(".citations[", ".sources[", 1)),
        },
        other => other,
    }
}

// ---------------------------------------------------------------------------------------------
// Writing: inside one transaction, in dependency order, matching records by key.

/// How many rows an import changes before it refreshes PostgreSQL's planner statistics.
const ANALYZE_AFTER: usize = 10_000;

/// The page cache of the connection that imports, in KiB.
const IMPORT_CACHE_KIB: u32 = 256 * 1024;

struct Writer<'a> {
    txn: &'a DatabaseTransaction,
    ids: HashMap<(NodeType, String), i32>,
    report: ImportReport,
    /// Who imports, when history is kept.
    author: Option<Author<'a>>,
    /// The nodes written, with their fields before.
    tracked: Vec<(NodeType, i32, Option<serde_json::Value>)>,
    seen: HashSet<(NodeType, i32)>,
    /// The rows this import created (table, id): nothing can be stored under them yet, so
    /// their children and citations need no looking up.
    created: HashSet<(&'static str, i32)>,
    /// The tables of keyed records that were empty when the import began: a record of this
    /// file cannot be stored there yet (keys are unique within a file), so it is not looked up.
    empty: HashSet<&'static str>,
    /// The rows created and not written yet. Reads by key and under a stored parent never need
    /// them (keys are unique within a file, and a record's children are written once), so
    /// only updates, removals and history write them first.
    pending: Pending,
}

fn id_of(value: Value) -> AppResult<i32> {
    match value {
        Value::Int(Some(id)) => Ok(id),
        Value::BigInt(Some(id)) => i32::try_from(id).map_err(AppError::internal),
        other => Err(AppError::internal(format!("unexpected id value {other:?}"))),
    }
}

impl Writer<'_> {
    fn kind_of<M: ModelTrait>() -> &'static str {
        <M::Entity as Default>::default().table_name()
    }

    /// Inserts `desired`, or updates the `existing` row it replaces, and counts which it was.
    async fn save<M>(
        &mut self,
        id_column: <M::Entity as EntityTrait>::Column,
        existing: Option<M>,
        desired: M,
    ) -> AppResult<i32>
    where
        M: ModelTrait + IntoActiveModel<<M::Entity as EntityTrait>::ActiveModel> + PartialEq,
        M::Entity: EntityTrait<Model = M>,
        <M::Entity as EntityTrait>::ActiveModel:
            ActiveModelTrait<Entity = M::Entity> + sea_orm::ActiveModelBehavior + Send,
    {
        let kind = self.author.and(NodeType::of_table(Self::kind_of::<M>()).filter(|t| is_editable(*t)));
        let before = match (kind, &existing) {
            (Some(kind), Some(old)) => {
                self.pending.flush(self.txn).await?;
                snapshot(kind, self.txn, id_of(old.get(id_column))?).await?
            }
            _ => None,
        };
        let id = self.save_row(id_column, existing, desired).await?;
        if let Some(kind) = kind {
            if self.seen.insert((kind, id)) {
                self.tracked.push((kind, id, before));
            }
        }
        Ok(id)
    }

    /// Writes one row for [`Writer::save`].
    async fn save_row<M>(
        &mut self,
        id_column: <M::Entity as EntityTrait>::Column,
        existing: Option<M>,
        desired: M,
    ) -> AppResult<i32>
    where
        M: ModelTrait + IntoActiveModel<<M::Entity as EntityTrait>::ActiveModel> + PartialEq,
        M::Entity: EntityTrait<Model = M>,
        <M::Entity as EntityTrait>::ActiveModel:
            ActiveModelTrait<Entity = M::Entity> + sea_orm::ActiveModelBehavior + Send,
    {
        match existing {
            Some(old) if old == desired => {
                self.report.count(Self::kind_of::<M>(), 1, |c| &mut c.unchanged);
                id_of(old.get(id_column))
            }
            Some(old) => {
                // The row may come to name one created in this import.
                self.pending.flush(self.txn).await?;
                let mut active = desired.into_active_model().reset_all();
                // Tables of editable nodes carry a version that grows with every change.
                if let Ok(version) = <M::Entity as EntityTrait>::Column::from_str("version") {
                    if let Value::Int(Some(v)) = old.get(version) {
                        active.set(version, Value::Int(Some(v + 1)));
                    }
                }
                let model = active.update(self.txn).await?;
                self.report.count(Self::kind_of::<M>(), 1, |c| &mut c.updated);
                id_of(model.get(id_column))
            }
            None => {
                let table = Self::kind_of::<M>();
                let id = self.pending.take_id(self.txn, table).await?;
                let row = <M::Entity as EntityTrait>::Column::iter()
                    .map(|c| {
                        let value =
                            if c.as_str() == id_column.as_str() { Value::Int(Some(id)) } else { desired.get(c) };
                        (c.as_str(), value)
                    })
                    .collect();
                self.pending.push(self.txn, table, row).await?;
                self.report.count(table, 1, |c| &mut c.created);
                self.created.insert((table, id));
                Ok(id)
            }
        }
    }

    /// Saves a record of a searchable kind like [`Writer::save`] and keeps its search text
    /// current, as the kind words it.
    async fn save_searchable<K: Editable>(
        &mut self,
        existing: Option<Row<K>>,
        desired: Row<K>,
        fields: &K::Fields,
    ) -> AppResult<i32>
    where
        Row<K>: PartialEq,
        <K::Entity as EntityTrait>::ActiveModel:
            ActiveModelTrait<Entity = K::Entity> + sea_orm::ActiveModelBehavior + Send,
    {
        let Some((node_type, folded)) = K::search_entry(fields) else {
            return Err(AppError::internal(format!("a {} has no search text", K::NODE.label())));
        };
        let new = existing.is_none();
        let changed = existing.as_ref() != Some(&desired);
        let id = self.save(K::columns().0, existing, desired).await?;
        if new {
            self.pending.push(self.txn, search::TABLE, search::entry(node_type, id, &folded)).await?;
        } else if changed {
            search::index(self.txn, node_type, id, &folded).await?;
        }
        Ok(id)
    }

    /// The id of the record of `kind` with `key`, from this file or already stored.
    async fn resolve(&mut self, kind: NodeType, key: &str, path: &str) -> AppResult<i32> {
        if let Some(id) = self.ids.get(&(kind, key.to_owned())) {
            return Ok(*id);
        }
        let txn = self.txn;
        let found = match kind {
            NodeType::Source => {
                source::Entity::find().filter(source::Column::Key.eq(key)).one(txn).await?.map(|m| m.id)
            }
            NodeType::Area => area::Entity::find().filter(area::Column::Key.eq(key)).one(txn).await?.map(|m| m.id),
            NodeType::Organization => {
                organization::Entity::find().filter(organization::Column::Key.eq(key)).one(txn).await?.map(|m| m.id)
            }
            NodeType::Post => post::Entity::find().filter(post::Column::Key.eq(key)).one(txn).await?.map(|m| m.id),
            NodeType::Official => {
                official::Entity::find().filter(official::Column::Key.eq(key)).one(txn).await?.map(|m| m.id)
            }
            NodeType::Directive => {
                directive::Entity::find().filter(directive::Column::Key.eq(key)).one(txn).await?.map(|m| m.id)
            }
            NodeType::Conference => {
                conference::Entity::find().filter(conference::Column::Key.eq(key)).one(txn).await?.map(|m| m.id)
            }
            other => {
                return Err(AppError::internal(format!("a dataset file does not refer to a {} by key", other.label())));
            }
        };
        match found {
            Some(id) => {
                self.ids.insert((kind, key.to_owned()), id);
                Ok(id)
            }
            None => Err(AppError::bad_input(
                path,
                format!("{path}: no {} with the key \"{key}\" in this file or the database", kind.label()),
            )),
        }
    }

    async fn resolve_opt(&mut self, kind: NodeType, key: &Option<String>, path: &str) -> AppResult<Option<i32>> {
        match key {
            Some(key) => Ok(Some(self.resolve(kind, key, path).await?)),
            None => Ok(None),
        }
    }

    /// The stored record of `E` that `select` finds by its key, unless `E`'s table was empty
    /// when the import began.
    async fn stored_by_key<E: EntityTrait>(&self, select: sea_orm::Select<E>) -> AppResult<Option<E::Model>> {
        if self.empty.contains(E::default().table_name()) {
            return Ok(None);
        }
        Ok(select.one(self.txn).await?)
    }

    /// Whether this import created the row `id` of `table`.
    fn fresh(&self, table: &'static str, id: i32) -> bool {
        self.created.contains(&(table, id))
    }

    /// The rows of `E` stored under a parent (`select`), or none when this import just created
    /// the parent.
    async fn stored_under<E: EntityTrait>(
        &self,
        parent: (&'static str, i32),
        select: sea_orm::Select<E>,
    ) -> AppResult<Vec<E::Model>> {
        if self.fresh(parent.0, parent.1) {
            return Ok(Vec::new());
        }
        Ok(select.all(self.txn).await?)
    }

    /// The id of a key already resolved; 0 for one that is not, which the rows never hold
    /// (each reference a row holds is resolved before its fields are made; citations are
    /// written on their own).
    fn known(&self, kind: NodeType, key: &str) -> i32 {
        self.ids.get(&(kind, key.to_owned())).copied().unwrap_or_default()
    }

    fn remember(&mut self, kind: NodeType, key: &str, id: i32) {
        self.ids.insert((kind, key.to_owned()), id);
    }

    async fn write(&mut self, ds: &Dataset) -> AppResult<()> {
        for s in &ds.sources {
            let existing = self.stored_by_key(source::Entity::find().filter(source::Column::Key.eq(&s.key))).await?;
            let desired = row::<kinds::Source>(&fields::source(s)?, existing.as_ref());
            let id = self.save(source::Column::Id, existing, desired).await?;
            self.remember(NodeType::Source, &s.key, id);
        }
        self.write_areas(ds).await?;
        self.write_organizations(ds).await?;
        for (i, p) in ds.posts.iter().enumerate() {
            self.resolve(NodeType::Organization, &p.organization, &format!("posts[{i}].organization")).await?;
            let existing = self.stored_by_key(post::Entity::find().filter(post::Column::Key.eq(&p.key))).await?;
            let fields = fields::post(p, &|kind, key| self.known(kind, key));
            let desired = row::<kinds::Post>(&fields, existing.as_ref());
            let id = self.save_searchable::<kinds::Post>(existing, desired, &fields).await?;
            self.remember(NodeType::Post, &p.key, id);
        }
        for (i, o) in ds.officials.iter().enumerate() {
            self.write_official(i, o).await?;
        }
        for d in &ds.directives {
            self.write_directive(d).await?;
        }
        for (i, d) in ds.directives.iter().enumerate() {
            self.write_directive_children(i, d).await?;
        }
        for (i, c) in ds.conferences.iter().enumerate() {
            self.write_conference(i, c).await?;
        }
        for (i, t) in ds.tasks.iter().enumerate() {
            self.write_task(i, t).await?;
        }
        self.pending.flush(self.txn).await
    }

    /// Areas and organizations nest: the order to write them in, parents first whatever the
    /// order of the file, and the records whose parents in the file form a cycle (or lead
    /// into one), which cannot be written.
    fn nesting_order<R>(
        records: &[R],
        key: fn(&R) -> &String,
        parent: fn(&R) -> Option<&String>,
    ) -> (Vec<usize>, HashSet<usize>) {
        let index: HashMap<&String, usize> = records.iter().enumerate().map(|(i, r)| (key(r), i)).collect();
        #[derive(Clone, Copy, PartialEq)]
        enum State {
            New,
            OnChain,
            Placed,
        }
        let mut state = vec![State::New; records.len()];
        let mut order = Vec::with_capacity(records.len());
        let mut cyclic = HashSet::new();
        for start in 0..records.len() {
            let mut chain = Vec::new();
            let mut at = Some(start);
            while let Some(i) = at {
                match state[i] {
                    State::Placed => break,
                    State::OnChain => {
                        cyclic.extend(chain.iter().copied());
                        break;
                    }
                    State::New => {
                        state[i] = State::OnChain;
                        chain.push(i);
                        at = parent(&records[i]).and_then(|p| index.get(p)).copied();
                    }
                }
            }
            for &i in chain.iter().rev() {
                state[i] = State::Placed;
                order.push(i);
            }
        }
        (order, cyclic)
    }

    async fn write_areas(&mut self, ds: &Dataset) -> AppResult<()> {
        let (order, cyclic) = Self::nesting_order(&ds.areas, |a| &a.key, |a| a.parent.as_ref());
        for i in order {
            let a = &ds.areas[i];
            let path = format!("areas[{i}].parent");
            if cyclic.contains(&i) {
                return Err(AppError::bad_input(&path, format!("{path}: areas nest in a cycle")));
            }
            self.resolve_opt(NodeType::Area, &a.parent, &path).await?;
            let existing = self.stored_by_key(area::Entity::find().filter(area::Column::Key.eq(&a.key))).await?;
            let desired = row::<kinds::Area>(&fields::area(a, &|kind, key| self.known(kind, key))?, existing.as_ref());
            let id = self.save(area::Column::Id, existing, desired).await?;
            self.remember(NodeType::Area, &a.key, id);
        }
        Ok(())
    }

    async fn write_organizations(&mut self, ds: &Dataset) -> AppResult<()> {
        let records = &ds.organizations;
        let (order, cyclic) = Self::nesting_order(records, |o| &o.key, |o| o.parent.as_ref());
        for i in order {
            let o = &records[i];
            let path = format!("organizations[{i}]");
            if cyclic.contains(&i) {
                return Err(AppError::bad_input(&path, format!("{path}.parent: organizations nest in a cycle")));
            }
            self.resolve_opt(NodeType::Organization, &o.parent, &format!("{path}.parent")).await?;
            self.resolve_opt(NodeType::Area, &o.area, &format!("{path}.area")).await?;
            let existing =
                self.stored_by_key(organization::Entity::find().filter(organization::Column::Key.eq(&o.key))).await?;
            // The successor may come later in the file; it is set once all are written.
            let successor = existing.as_ref().and_then(|m| m.successor_id);
            let fields = fields::organization(o, &|kind, key| self.known(kind, key), successor)?;
            let desired = row::<kinds::Organization>(&fields, existing.as_ref());
            let id = self.save_searchable::<kinds::Organization>(existing, desired, &fields).await?;
            self.remember(NodeType::Organization, &o.key, id);
        }
        self.pending.flush(self.txn).await?;
        for (i, o) in records.iter().enumerate() {
            let successor = self
                .resolve_opt(NodeType::Organization, &o.successor, &format!("organizations[{i}].successor"))
                .await?;
            let id = self.resolve(NodeType::Organization, &o.key, &format!("organizations[{i}]")).await?;
            if successor.is_none() && self.fresh("organization", id) {
                continue;
            }
            let stored = organization::Entity::find_by_id(id).one(self.txn).await?;
            if let Some(stored) = stored.filter(|m| m.successor_id != successor) {
                let mut active = stored.into_active_model();
                active.successor_id = sea_orm::ActiveValue::Set(successor);
                active.update(self.txn).await?;
            }
        }
        Ok(())
    }

    async fn write_official(&mut self, i: usize, o: &format::Official) -> AppResult<()> {
        let existing = self.stored_by_key(official::Entity::find().filter(official::Column::Key.eq(&o.key))).await?;
        let fields = fields::official(o);
        let desired = row::<kinds::Official>(&fields, existing.as_ref());
        let official_id = self.save_searchable::<kinds::Official>(existing, desired, &fields).await?;
        self.remember(NodeType::Official, &o.key, official_id);

        let stored = self
            .stored_under(
                ("official", official_id),
                tenure::Entity::find().filter(tenure::Column::OfficialId.eq(official_id)),
            )
            .await?;
        let mut kept = HashSet::new();
        for (j, t) in o.tenures.iter().enumerate() {
            let path = format!("officials[{i}].tenures[{j}]");
            self.resolve(NodeType::Post, &t.post, &format!("{path}.post")).await?;
            let fields = fields::tenure(t, official_id, &|kind, key| self.known(kind, key))?;
            let wanted = kinds::Tenure::model(&fields);
            let existing = stored
                .iter()
                .find(|m| m.post_id == wanted.post_id && m.started_on == wanted.started_on && !kept.contains(&m.id))
                .cloned();
            let desired = row::<kinds::Tenure>(&fields, existing.as_ref());
            let id = self.save(tenure::Column::Id, existing, desired).await?;
            kept.insert(id);
            self.write_citations(subject::TENURE, id, &t.sources, &path).await?;
        }
        let gone: Vec<i32> = stored.iter().map(|m| m.id).filter(|id| !kept.contains(id)).collect();
        self.remove_children::<tenure::Entity>(tenure::Column::Id, subject::TENURE, gone).await
    }

    async fn write_directive(&mut self, d: &format::Directive) -> AppResult<()> {
        let path = format!("directives[key={}]", d.key);
        self.resolve_opt(NodeType::Organization, &d.issuer, &format!("{path}.issuer")).await?;
        let existing = self.stored_by_key(directive::Entity::find().filter(directive::Column::Key.eq(&d.key))).await?;
        let fields = fields::directive(d, &|kind, key| self.known(kind, key))?;
        let desired = row::<kinds::Directive>(&fields, existing.as_ref());
        let id = self.save_searchable::<kinds::Directive>(existing, desired, &fields).await?;
        self.remember(NodeType::Directive, &d.key, id);
        Ok(())
    }

    async fn write_directive_children(&mut self, i: usize, d: &format::Directive) -> AppResult<()> {
        let from_id = self.resolve(NodeType::Directive, &d.key, &format!("directives[{i}]")).await?;
        let select = directive_link::Entity::find().filter(directive_link::Column::FromDirectiveId.eq(from_id));
        let stored = self.stored_under(("directive", from_id), select).await?;
        let mut kept = HashSet::new();
        for (j, link) in d.links.iter().enumerate() {
            let to_id = self
                .resolve(NodeType::Directive, &link.directive, &format!("directives[{i}].links[{j}].directive"))
                .await?;
            let existing = stored.iter().find(|m| m.to_directive_id == to_id && m.relation == link.relation).cloned();
            let desired = directive_link::Model {
                id: existing.as_ref().map_or(0, |m| m.id),
                from_directive_id: from_id,
                to_directive_id: to_id,
                relation: link.relation.clone(),
            };
            let link_id = self.save(directive_link::Column::Id, existing, desired).await?;
            kept.insert(link_id);
            let path = format!("directives[{i}].links[{j}]");
            self.write_citations(subject::DIRECTIVE_LINK, link_id, &link.sources, &path).await?;
        }
        let gone: Vec<i32> = stored.iter().map(|m| m.id).filter(|id| !kept.contains(id)).collect();
        self.remove_children::<directive_link::Entity>(directive_link::Column::Id, subject::DIRECTIVE_LINK, gone)
            .await?;
        self.write_citations(subject::DIRECTIVE, from_id, &d.sources, &format!("directives[{i}]")).await
    }

    async fn write_conference(&mut self, i: usize, c: &format::Conference) -> AppResult<()> {
        let path = format!("conferences[{i}]");
        self.resolve_opt(NodeType::Area, &c.area, &format!("{path}.area")).await?;
        let existing =
            self.stored_by_key(conference::Entity::find().filter(conference::Column::Key.eq(&c.key))).await?;
        let fields = fields::conference(c, &|kind, key| self.known(kind, key))?;
        let desired = row::<kinds::Conference>(&fields, existing.as_ref());
        let conference_id = self.save_searchable::<kinds::Conference>(existing, desired, &fields).await?;
        self.remember(NodeType::Conference, &c.key, conference_id);

        // Organizers.
        let select =
            conference_organizer::Entity::find().filter(conference_organizer::Column::ConferenceId.eq(conference_id));
        let stored = self.stored_under(("conference", conference_id), select).await?;
        let mut kept = HashSet::new();
        for (j, key) in c.organizers.iter().enumerate() {
            let organization_id = self.resolve(NodeType::Organization, key, &format!("{path}.organizers[{j}]")).await?;
            let existing = stored.iter().find(|m| m.organization_id == organization_id).cloned();
            let desired = conference_organizer::Model {
                id: existing.as_ref().map_or(0, |m| m.id),
                conference_id,
                organization_id,
            };
            kept.insert(self.save(conference_organizer::Column::Id, existing, desired).await?);
        }
        let gone: Vec<i32> = stored.iter().map(|m| m.id).filter(|id| !kept.contains(id)).collect();
        self.remove_children::<conference_organizer::Entity>(conference_organizer::Column::Id, "", gone).await?;

        // Participants.
        let select = participation::Entity::find().filter(participation::Column::ConferenceId.eq(conference_id));
        let stored = self.stored_under(("conference", conference_id), select).await?;
        let mut kept = HashSet::new();
        for (j, p) in c.participants.iter().enumerate() {
            let pp = format!("{path}.participants[{j}]");
            self.resolve(NodeType::Official, &p.official, &format!("{pp}.official")).await?;
            self.resolve_opt(NodeType::Organization, &p.organization, &format!("{pp}.organization")).await?;
            let fields = fields::participation(p, conference_id, &|kind, key| self.known(kind, key))?;
            let wanted = kinds::Participation::model(&fields);
            let existing =
                stored.iter().find(|m| m.official_id == wanted.official_id && m.role == wanted.role).cloned();
            let desired = row::<kinds::Participation>(&fields, existing.as_ref());
            let id = self.save(participation::Column::Id, existing, desired).await?;
            kept.insert(id);
            self.write_citations(subject::PARTICIPATION, id, &p.sources, &pp).await?;
        }
        let gone: Vec<i32> = stored.iter().map(|m| m.id).filter(|id| !kept.contains(id)).collect();
        self.remove_children::<participation::Entity>(participation::Column::Id, subject::PARTICIPATION, gone).await?;

        // Directives.
        let select =
            conference_directive::Entity::find().filter(conference_directive::Column::ConferenceId.eq(conference_id));
        let stored = self.stored_under(("conference", conference_id), select).await?;
        let mut kept = HashSet::new();
        for (j, link) in c.directives.iter().enumerate() {
            let directive_id = self
                .resolve(NodeType::Directive, &link.directive, &format!("{path}.directives[{j}].directive"))
                .await?;
            let existing =
                stored.iter().find(|m| m.directive_id == directive_id && m.relation == link.relation).cloned();
            let desired = conference_directive::Model {
                id: existing.as_ref().map_or(0, |m| m.id),
                conference_id,
                directive_id,
                relation: link.relation.clone(),
            };
            let link_id = self.save(conference_directive::Column::Id, existing, desired).await?;
            kept.insert(link_id);
            let link_path = format!("{path}.directives[{j}]");
            self.write_citations(subject::CONFERENCE_DIRECTIVE, link_id, &link.sources, &link_path).await?;
        }
        let gone: Vec<i32> = stored.iter().map(|m| m.id).filter(|id| !kept.contains(id)).collect();
        self.remove_children::<conference_directive::Entity>(
            conference_directive::Column::Id,
            subject::CONFERENCE_DIRECTIVE,
            gone,
        )
        .await?;

        self.write_citations(subject::CONFERENCE, conference_id, &c.sources, &path).await
    }

    async fn actor(&mut self, actor: &format::Actor, path: &str) -> AppResult<(Option<i32>, Option<i32>)> {
        let organization =
            self.resolve_opt(NodeType::Organization, &actor.organization, &format!("{path}.organization")).await?;
        let official = self.resolve_opt(NodeType::Official, &actor.official, &format!("{path}.official")).await?;
        Ok((organization, official))
    }

    async fn write_task(&mut self, i: usize, t: &format::Task) -> AppResult<()> {
        let path = format!("tasks[{i}]");
        self.resolve_opt(NodeType::Conference, &t.conference, &format!("{path}.conference")).await?;
        self.resolve_opt(NodeType::Directive, &t.directive, &format!("{path}.directive")).await?;
        if let Some(by) = &t.assigned_by {
            self.actor(by, &format!("{path}.assignedBy")).await?;
        }
        let existing = self.stored_by_key(task::Entity::find().filter(task::Column::Key.eq(&t.key))).await?;
        let fields = fields::task(t, &|kind, key| self.known(kind, key))?;
        let desired = row::<kinds::Task>(&fields, existing.as_ref());
        let task_id = self.save_searchable::<kinds::Task>(existing, desired, &fields).await?;

        let select = task_assignee::Entity::find().filter(task_assignee::Column::TaskId.eq(task_id));
        let stored = self.stored_under(("task", task_id), select).await?;
        let mut kept = HashSet::new();
        for (j, a) in t.assignees.iter().enumerate() {
            let (organization_id, official_id) = self.actor(a, &format!("{path}.assignees[{j}]")).await?;
            let existing =
                stored.iter().find(|m| m.organization_id == organization_id && m.official_id == official_id).cloned();
            let desired = task_assignee::Model {
                id: existing.as_ref().map_or(0, |m| m.id),
                task_id,
                organization_id,
                official_id,
            };
            let assignment_id = self.save(task_assignee::Column::Id, existing, desired).await?;
            kept.insert(assignment_id);
            let assignment_path = format!("{path}.assignees[{j}]");
            self.write_citations(subject::TASK_ASSIGNMENT, assignment_id, &a.sources, &assignment_path).await?;
        }
        let gone: Vec<i32> = stored.iter().map(|m| m.id).filter(|id| !kept.contains(id)).collect();
        self.remove_children::<task_assignee::Entity>(task_assignee::Column::Id, subject::TASK_ASSIGNMENT, gone)
            .await?;

        let select = task_update::Entity::find().filter(task_update::Column::TaskId.eq(task_id));
        let stored = self.stored_under(("task", task_id), select).await?;
        let mut kept = HashSet::new();
        for u in &t.updates {
            let day: NaiveDate = u.date.parse().map_err(|_| AppError::internal("unchecked update date"))?;
            let existing = stored.iter().find(|m| m.date == day && m.status == u.status).cloned();
            let desired = task_update::Model {
                id: existing.as_ref().map_or(0, |m| m.id),
                task_id,
                date: day,
                status: u.status.clone(),
                note: u.note.clone(),
                progress_percent: u.progress_percent,
            };
            kept.insert(self.save(task_update::Column::Id, existing, desired).await?);
        }
        let gone: Vec<i32> = stored.iter().map(|m| m.id).filter(|id| !kept.contains(id)).collect();
        self.remove_children::<task_update::Entity>(task_update::Column::Id, "", gone).await?;

        self.write_citations(subject::TASK, task_id, &t.sources, &path).await
    }

    async fn write_citations(
        &mut self,
        subject_type: &str,
        subject_id: i32,
        citations: &[Citation],
        path: &str,
    ) -> AppResult<()> {
        let subject_table = subject::table(subject_type).unwrap_or("");
        let select = citation::Entity::find()
            .filter(citation::Column::SubjectType.eq(subject_type))
            .filter(citation::Column::SubjectId.eq(subject_id));
        let stored = self.stored_under((subject_table, subject_id), select).await?;
        let mut kept = HashSet::new();
        for (k, c) in citations.iter().enumerate() {
            let source_id = self.resolve(NodeType::Source, c.source(), &format!("{path}.sources[{k}]")).await?;
            let (quote, locator) = match c {
                Citation::Key(_) => (None, None),
                Citation::Detailed(d) => (d.quote.clone(), d.locator.clone()),
            };
            let existing = stored.iter().find(|m| m.source_id == source_id).cloned();
            let desired = citation::Model {
                id: existing.as_ref().map_or(0, |m| m.id),
                source_id,
                subject_type: subject_type.to_owned(),
                subject_id,
                quote,
                locator,
            };
            kept.insert(self.save(citation::Column::Id, existing, desired).await?);
        }
        let gone: Vec<i32> = stored.iter().map(|m| m.id).filter(|id| !kept.contains(id)).collect();
        self.remove_children::<citation::Entity>(citation::Column::Id, "", gone).await
    }

    /// Deletes children no longer listed, with the citations of facts that cite sources.
    async fn remove_children<E: EntityTrait>(
        &mut self,
        id_column: E::Column,
        subject_type: &str,
        ids: Vec<i32>,
    ) -> AppResult<()> {
        if ids.is_empty() {
            return Ok(());
        }
        self.pending.flush(self.txn).await?;
        let kind = self.author.and(NodeType::of_table(E::default().table_name()).filter(|t| is_editable(*t)));
        let mut removed = Vec::new();
        if let Some(kind) = kind {
            for id in &ids {
                removed.push((*id, snapshot(kind, self.txn, *id).await?));
            }
        }
        if !subject_type.is_empty() {
            crate::service::forget_citations(self.txn, subject_type, ids.clone()).await?;
        }
        let result = E::delete_many()
            .filter(crate::store::any_of(self.txn.get_database_backend(), id_column, ids))
            .exec(self.txn)
            .await?;
        self.report.count(E::default().table_name(), result.rows_affected as usize, |c| &mut c.removed);
        if let (Some(kind), Some(author)) = (kind, self.author) {
            for (id, before) in removed {
                log_change(self.txn, author, (kind.name(), id), ChangeAction::Delete, before, None).await?;
            }
        }
        Ok(())
    }

    /// Records every node written whose fields changed: created, or updated.
    async fn record_history(&mut self) -> AppResult<()> {
        let Some(author) = self.author else { return Ok(()) };
        for (kind, id, before) in std::mem::take(&mut self.tracked) {
            let after = snapshot(kind, self.txn, id).await?;
            if after == before {
                continue;
            }
            let action = if before.is_none() { ChangeAction::Create } else { ChangeAction::Update };
            log_change(self.txn, author, (kind.name(), id), action, before, after).await?;
        }
        Ok(())
    }
}

/// The tables of keyed records that hold no row.
async fn empty_tables(db: &impl ConnectionTrait) -> AppResult<HashSet<&'static str>> {
    async fn empty<E: EntityTrait>(db: &impl ConnectionTrait, found: &mut HashSet<&'static str>) -> AppResult<()> {
        if E::find().one(db).await?.is_none() {
            found.insert(E::default().table_name());
        }
        Ok(())
    }
    let mut found = HashSet::new();
    empty::<source::Entity>(db, &mut found).await?;
    empty::<area::Entity>(db, &mut found).await?;
    empty::<organization::Entity>(db, &mut found).await?;
    empty::<post::Entity>(db, &mut found).await?;
    empty::<official::Entity>(db, &mut found).await?;
    empty::<directive::Entity>(db, &mut found).await?;
    empty::<conference::Entity>(db, &mut found).await?;
    empty::<task::Entity>(db, &mut found).await?;
    Ok(found)
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

    #[test]
    fn nesting_order_puts_parents_first() {
        let ds = parse_dataset(
            r#"{"areas": [{"key": "c", "name": "C", "kind": "COMMUNE", "parent": "d"},
                          {"key": "d", "name": "D", "kind": "DISTRICT", "parent": "p"},
                          {"key": "p", "name": "P", "kind": "PROVINCE"}]}"#,
        )
        .unwrap();
        let (order, cyclic) = Writer::nesting_order(&ds.areas, |a| &a.key, |a| a.parent.as_ref());
        assert_eq!(order, vec![2, 1, 0]);
        assert!(cyclic.is_empty());
    }

    #[test]
    fn cycles_are_found() {
        let ds = parse_dataset(
            r#"{"areas": [{"key": "a", "name": "A", "kind": "DISTRICT", "parent": "b"},
                          {"key": "b", "name": "B", "kind": "DISTRICT", "parent": "a"}]}"#,
        )
        .unwrap();
        let (order, cyclic) = Writer::nesting_order(&ds.areas, |a| &a.key, |a| a.parent.as_ref());
        assert_eq!(order.len(), 2);
        assert_eq!(cyclic, HashSet::from([0, 1]));
    }
}
