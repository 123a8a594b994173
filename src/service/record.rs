//! One write path for every node that staff edit as a set of fields (areas, organizations,
//! posts, sources, tenures, participations, directives, conferences): a kind says what its
//! fields are, how they are checked and how they map to its row; creating, changing,
//! deleting and reverting are written once, here. Each is validated before anything is
//! written, versioned, recorded in the history, and keeps the search index current.
//!
//! The fields of a kind are a JSON object (camelCase names, references as row ids): that
//! object is the node's snapshot in the history, a partial update is a patch of it, and a
//! revert is the patch of the values before.

use super::history::{self, ChangeAction, Record};
use super::{changed_meanwhile, check_version};
use crate::database::begin_write;
use crate::domain::node::NodeType;
use crate::domain::partial_date::PartialDate;
use crate::domain::subject;
use crate::domain::text::slug;
use crate::error::{AppError, AppResult};
use crate::store::search::{self, SearchType};
use chrono::{DateTime, Utc};
use entity::citation;
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, EntityTrait,
    IntoActiveModel, ModelTrait, QueryFilter,
};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::future::Future;

/// What a kind's rules refuse in one set of fields, every refusal: an import lists them all,
/// a mutation answers with the first.
#[derive(Debug, Default)]
pub struct Refusals(Vec<AppError>);

impl Refusals {
    /// Keeps the refusal of one check, if it refused.
    pub fn check(&mut self, checked: AppResult<()>) {
        if let Err(err) = checked {
            self.0.push(err);
        }
    }

    /// Refuses the input field `field` (a path from "input") for the reason given.
    pub fn refuse(&mut self, field: &str, reason: impl std::fmt::Display) {
        self.0.push(AppError::bad_input(field, format!("{field}: {reason}")));
    }

    /// The first refusal, if any.
    pub fn first(self) -> AppResult<()> {
        self.0.into_iter().next().map_or(Ok(()), Err)
    }

    /// Every refusal, in the order of the checks.
    pub fn all(self) -> Vec<AppError> {
        self.0
    }
}

/// Who makes a change, when, and through which mutation.
#[derive(Clone, Copy, Debug)]
pub struct Author<'a> {
    /// The token name of the caller.
    pub actor: &'a str,
    /// When.
    pub at: DateTime<Utc>,
    /// The mutation ("updateArea").
    pub operation: &'a str,
}

/// The row type of a kind.
pub type Row<K> = <<K as Editable>::Entity as EntityTrait>::Model;
type Active<K> = <<K as Editable>::Entity as EntityTrait>::ActiveModel;
type Column<K> = <<K as Editable>::Entity as EntityTrait>::Column;

/// A kind of node edited through this write path.
pub trait Editable: Send + Sync + 'static {
    /// The type of node (its names, its citations' subject type).
    const NODE: NodeType;
    /// The table.
    type Entity: EntityTrait<
            Model: IntoActiveModel<<Self::Entity as EntityTrait>::ActiveModel> + Send + Sync,
            ActiveModel: Send + Sync,
            PrimaryKey: sea_orm::PrimaryKeyTrait<ValueType: From<i32>>,
        >;
    /// The editable fields.
    type Fields: Serialize + DeserializeOwned + Send + Sync;

    /// The fields that refer to other nodes, by dotted path through lists and objects
    /// ("citations.source"), with the type of node each refers to: the history shows them to
    /// clients as global ids.
    const REFERENCES: &'static [(&'static str, NodeType)] = &[];
    /// The key of a keyed kind, with the text a key is made from when a creation gives none.
    fn key(fields: &mut Self::Fields) -> Option<(&mut String, &str)> {
        let _ = fields;
        None
    }
    /// The id, version and (for keyed kinds) key columns.
    fn columns() -> (Column<Self>, Column<Self>, Option<Column<Self>>);
    /// The fields of a stored row (with its children).
    fn fields(txn: &DatabaseTransaction, row: &Row<Self>) -> impl Future<Output = AppResult<Self::Fields>> + Send;
    /// Refuses fields that break the kind's rules, each refusal naming the input field at
    /// fault: the one place those rules are written, whichever door the fields come through (a mutation, an
    /// import, a revert). It reads nothing: references are the database's ([`Editable::check`]).
    /// `id` is the node's when it exists.
    fn rules(fields: &Self::Fields, id: Option<i32>, refusals: &mut Refusals);
    /// Refuses references to nodes that do not exist, and what else only the database can
    /// tell (a parent that would contain its node). An import resolves its references by key,
    /// so it needs only [`Editable::rules`].
    fn check(
        txn: &DatabaseTransaction,
        fields: &Self::Fields,
        id: Option<i32>,
    ) -> impl Future<Output = AppResult<()>> + Send;
    /// The row for these fields (its id and version left at 0 for the caller to set).
    fn model(fields: &Self::Fields) -> Row<Self>;
    /// Replaces the stored children (links, organizers) with those of the fields.
    fn write_children(
        txn: &DatabaseTransaction,
        id: i32,
        fields: &Self::Fields,
    ) -> impl Future<Output = AppResult<()>> + Send {
        let _ = (txn, id, fields);
        async { Ok(()) }
    }
    /// The kind's own citations in the fields, to change, for kinds whose fields hold them.
    fn citations_mut(fields: &mut Self::Fields) -> Option<&mut Vec<CitationFields>> {
        let _ = fields;
        None
    }
    /// The kind's own citations in the fields, for kinds whose fields hold them.
    fn citations(fields: &Self::Fields) -> Option<&[CitationFields]> {
        let _ = fields;
        None
    }
    /// The search index entry of the node, for searchable kinds.
    fn search_entry(fields: &Self::Fields) -> Option<(SearchType, String)> {
        let _ = fields;
        None
    }
}

/// A source cited for a fact, with the words that state it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CitationFields {
    /// The source's row id.
    pub source: i32,
    /// The words of the source that state the fact.
    #[serde(default)]
    pub quote: Option<String>,
    /// Where in the source they stand.
    #[serde(default)]
    pub locator: Option<String>,
}

fn id_value(value: sea_orm::Value) -> AppResult<i32> {
    match value {
        sea_orm::Value::Int(Some(id)) => Ok(id),
        sea_orm::Value::BigInt(Some(id)) => i32::try_from(id).map_err(AppError::internal),
        other => Err(AppError::internal(format!("unexpected id value {other:?}"))),
    }
}

fn snapshot<K: Editable>(fields: &K::Fields) -> AppResult<Value> {
    serde_json::to_value(fields).map_err(AppError::internal)
}

/// The fields of the node `id` of kind `K` as the history records them, if it exists.
pub async fn snapshot_of<K: Editable>(txn: &DatabaseTransaction, id: i32) -> AppResult<Option<Value>> {
    match K::Entity::find_by_id(id).one(txn).await? {
        Some(row) => Ok(Some(snapshot::<K>(&K::fields(txn, &row).await?)?)),
        None => Ok(None),
    }
}

/// Reads fields from their JSON form; a value of the wrong shape is the caller's error.
fn parse_fields<K: Editable>(value: Value) -> AppResult<K::Fields> {
    serde_path_to_error::deserialize(value).map_err(|err| {
        let path = err.path().to_string();
        let field = if path == "." { "input".to_owned() } else { format!("input.{path}") };
        AppError::bad_input(&field, format!("{field}: {}", err.inner()))
    })
}

async fn find<K: Editable>(txn: &DatabaseTransaction, id: i32) -> AppResult<Row<K>> {
    K::Entity::find_by_id(id).one(txn).await?.ok_or_else(|| AppError::not_found(format!("no such {}", K::NODE.label())))
}

/// The most characters of a name or title a key made from it keeps (a task's title may run
/// to 2,000).
const KEY_MADE_MAX: usize = 60;

/// A key no other node of the kind has, made from `wanted`.
async fn free_key<K: Editable>(txn: &DatabaseTransaction, column: Column<K>, wanted: &str) -> AppResult<String> {
    let base = if wanted.is_empty() { K::NODE.label().to_owned() } else { wanted.to_owned() };
    let mut key = base.clone();
    let mut n = 1;
    while K::Entity::find().filter(column.eq(&key)).one(txn).await?.is_some() {
        n += 1;
        key = format!("{base}-{n}");
    }
    Ok(key)
}

/// Refuses a key that is empty or belongs to another node of the kind.
async fn check_key<K: Editable>(txn: &DatabaseTransaction, fields: &mut K::Fields, id: Option<i32>) -> AppResult<()> {
    let (id_column, _, Some(key_column)) = K::columns() else { return Ok(()) };
    let Some((key, _)) = K::key(fields) else { return Ok(()) };
    if key.trim().is_empty() {
        return Err(AppError::bad_input("input.key", "input.key: must not be empty"));
    }
    let mut taken = K::Entity::find().filter(key_column.eq(key.as_str()));
    if let Some(id) = id {
        taken = taken.filter(id_column.ne(id));
    }
    if taken.one(txn).await?.is_some() {
        let label = K::NODE.label();
        return Err(AppError::bad_input("input.key", format!("input.key: another {label} has the key \"{key}\"")));
    }
    Ok(())
}

/// Refuses fields that break the kind's rules or name nodes that do not exist.
async fn check_all<K: Editable>(txn: &DatabaseTransaction, fields: &K::Fields, id: Option<i32>) -> AppResult<()> {
    let mut refusals = Refusals::default();
    K::rules(fields, id, &mut refusals);
    refusals.first()?;
    K::check(txn, fields, id).await
}

/// The row of these fields at `version`, its id left to the database.
fn active_row<K: Editable>(fields: &K::Fields, version: i32) -> Active<K> {
    let (id_column, version_column, _) = K::columns();
    let mut active = all_set(K::model(fields));
    active.not_set(id_column);
    active.set(version_column, version.into());
    active
}

/// Records one change to a node of kind `K` in the history.
async fn log<K: Editable>(
    txn: &DatabaseTransaction,
    author: Author<'_>,
    node_id: i32,
    action: ChangeAction,
    before: Option<Value>,
    after: Option<Value>,
) -> AppResult<()> {
    log_change(txn, author, (K::NODE.name(), node_id), action, before, after).await
}

/// Records one change to the node `(node_type, id)` in the history.
pub async fn log_change(
    txn: &DatabaseTransaction,
    author: Author<'_>,
    (node_type, node_id): (&str, i32),
    action: ChangeAction,
    before: Option<Value>,
    after: Option<Value>,
) -> AppResult<()> {
    let record = Record {
        node_type,
        node_id,
        action,
        operation: author.operation,
        actor: author.actor,
        at: author.at,
        before,
        after,
    };
    history::record(txn, record).await
}

/// Writes what goes with the row: children, citations, the search entry.
async fn write_dependents<K: Editable>(txn: &DatabaseTransaction, id: i32, fields: &K::Fields) -> AppResult<()> {
    K::write_children(txn, id, fields).await?;
    if let (Some(subject_type), Some(citations)) = (K::NODE.cited_as(), K::citations(fields)) {
        write_citations(txn, subject_type, id, citations).await?;
    }
    if let Some((search_type, text)) = K::search_entry(fields) {
        search::index(txn, search_type, id, &text).await?;
    }
    Ok(())
}

/// Creates a node with these fields and records it, under `key` or (for keyed kinds, when
/// none is given) a free key made from its name or title.
pub async fn create_in<K: Editable>(
    txn: &DatabaseTransaction,
    author: Author<'_>,
    key: Option<String>,
    mut fields: K::Fields,
) -> AppResult<Row<K>> {
    let (id_column, _, key_column) = K::columns();
    if let (Some(column), Some((slot, from))) = (key_column, K::key(&mut fields)) {
        *slot = match key {
            Some(key) => key,
            None => free_key::<K>(txn, column, &slug(from).chars().take(KEY_MADE_MAX).collect::<String>()).await?,
        };
    }
    check_key::<K>(txn, &mut fields, None).await?;
    check_all::<K>(txn, &fields, None).await?;
    let row = active_row::<K>(&fields, 1).insert(txn).await?;
    let id = id_value(row.get(id_column))?;
    write_dependents::<K>(txn, id, &fields).await?;
    log::<K>(txn, author, id, ChangeAction::Create, None, Some(snapshot::<K>(&K::fields(txn, &row).await?)?)).await?;
    Ok(row)
}

/// Changes the fields of the node `id`, which must still be at `expected_version`, as `change`
/// says. A change that changes nothing changes no version.
pub async fn update_in<K: Editable>(
    txn: &DatabaseTransaction,
    author: Author<'_>,
    id: i32,
    expected_version: i32,
    change: impl FnOnce(&mut K::Fields) -> AppResult<()> + Send,
) -> AppResult<Row<K>> {
    let (id_column, version_column, _) = K::columns();
    let stored = find::<K>(txn, id).await?;
    check_version(K::NODE.label(), id_value(stored.get(version_column))?, expected_version)?;
    let mut fields = K::fields(txn, &stored).await?;
    let before = snapshot::<K>(&fields)?;
    change(&mut fields)?;
    if snapshot::<K>(&fields)? == before {
        return Ok(stored);
    }
    check_key::<K>(txn, &mut fields, Some(id)).await?;
    check_all::<K>(txn, &fields, Some(id)).await?;
    let active = active_row::<K>(&fields, expected_version + 1);
    // The version in the WHERE clause makes the check and the write one step: of two editors
    // racing on one version, exactly one updates a row.
    let result = K::Entity::update_many()
        .set(active)
        .filter(id_column.eq(id))
        .filter(version_column.eq(expected_version))
        .exec(txn)
        .await?;
    if result.rows_affected != 1 {
        return Err(changed_meanwhile(K::NODE.label()));
    }
    write_dependents::<K>(txn, id, &fields).await?;
    let row = find::<K>(txn, id).await?;
    log::<K>(txn, author, id, ChangeAction::Update, Some(before), Some(snapshot::<K>(&K::fields(txn, &row).await?)?))
        .await?;
    Ok(row)
}

/// Sets the fields named in `patch` (their values as the history records them) over the
/// stored ones, as a revert does.
fn set_recorded<K: Editable>(fields: &mut K::Fields, patch: Map<String, Value>) -> AppResult<()> {
    let mut value = snapshot::<K>(fields)?;
    if let Value::Object(map) = &mut value {
        map.extend(patch);
    }
    *fields = parse_fields::<K>(value)?;
    Ok(())
}

/// Deletes the node `id`, which must still be at `expected_version`, with what cannot exist
/// without it (the database's foreign keys say what) and the citations of all of that.
pub async fn delete_in<K: Editable>(
    txn: &DatabaseTransaction,
    author: Author<'_>,
    id: i32,
    expected_version: i32,
) -> AppResult<()> {
    let (id_column, version_column, _) = K::columns();
    let stored = find::<K>(txn, id).await?;
    check_version(K::NODE.label(), id_value(stored.get(version_column))?, expected_version)?;
    let fields = K::fields(txn, &stored).await?;
    let before = snapshot::<K>(&fields)?;
    let result =
        K::Entity::delete_many().filter(id_column.eq(id)).filter(version_column.eq(expected_version)).exec(txn).await?;
    if result.rows_affected != 1 {
        return Err(changed_meanwhile(K::NODE.label()));
    }
    forget_orphan_citations(txn).await?;
    if let Some((search_type, _)) = K::search_entry(&fields) {
        search::remove(txn, search_type, id).await?;
    }
    log::<K>(txn, author, id, ChangeAction::Delete, Some(before), None).await?;
    Ok(())
}

/// Creates a node (see [`create_in`]) in a transaction of its own.
pub async fn create<K: Editable>(
    db: &DatabaseConnection,
    author: Author<'_>,
    key: Option<String>,
    fields: K::Fields,
) -> AppResult<Row<K>> {
    let txn = begin_write(db).await?;
    let row = create_in::<K>(&txn, author, key, fields).await?;
    txn.commit().await?;
    Ok(row)
}

/// Changes a node (see [`update_in`]) in a transaction of its own.
pub async fn update<K: Editable>(
    db: &DatabaseConnection,
    author: Author<'_>,
    id: i32,
    expected_version: i32,
    change: impl FnOnce(&mut K::Fields) -> AppResult<()> + Send,
) -> AppResult<Row<K>> {
    let txn = begin_write(db).await?;
    let row = update_in::<K>(&txn, author, id, expected_version, change).await?;
    txn.commit().await?;
    Ok(row)
}

/// Deletes a node (see [`delete_in`]) in a transaction of its own.
pub async fn delete<K: Editable>(
    db: &DatabaseConnection,
    author: Author<'_>,
    id: i32,
    expected_version: i32,
) -> AppResult<()> {
    let txn = begin_write(db).await?;
    delete_in::<K>(&txn, author, id, expected_version).await?;
    txn.commit().await?;
    Ok(())
}

/// Restores what one recorded change did to a node of kind `K`: a creation is undone by
/// deleting the node, an update by setting its fields back, a deletion by creating the node
/// again under its old id (its own fields and children; facts that went with it do not come
/// back). Refused with CONFLICT when the fields it set have changed since.
pub async fn revert_in<K: Editable>(
    txn: &DatabaseTransaction,
    author: Author<'_>,
    change: &entity::change::Model,
) -> AppResult<()> {
    let parse = |text: &Option<String>| -> AppResult<Option<Value>> {
        text.as_deref().map(serde_json::from_str).transpose().map_err(AppError::internal)
    };
    let (before, after) = (parse(&change.before)?, parse(&change.after)?);
    let (id_column, version_column, _) = K::columns();
    let stored = K::Entity::find_by_id(change.node_id).one(txn).await?;
    let moved_on = || AppError::Conflict {
        message: format!("the {} has changed since this change: revert the later changes first", K::NODE.label()),
    };
    match (before, after, stored) {
        (before, Some(after), Some(stored)) => {
            let current = snapshot::<K>(&K::fields(txn, &stored).await?)?;
            let empty = Value::Object(Map::new());
            let fields = history::field_changes(Some(before.as_ref().unwrap_or(&empty)), Some(&after));
            if fields.iter().any(|(field, _, new)| current.get(field).unwrap_or(&Value::Null) != new) {
                return Err(moved_on());
            }
            let version = id_value(stored.get(version_column))?;
            if before.is_none() {
                return delete_in::<K>(txn, author, change.node_id, version).await;
            }
            let patch: Map<String, Value> = fields.into_iter().map(|(field, old, _)| (field, old)).collect();
            update_in::<K>(txn, author, change.node_id, version, |fields| set_recorded::<K>(fields, patch))
                .await
                .map(|_| ())
        }
        (Some(before), None, None) => {
            let mut fields = parse_fields::<K>(before)?;
            check_key::<K>(txn, &mut fields, None).await.map_err(|_| moved_on())?;
            check_all::<K>(txn, &fields, None).await.map_err(|err| AppError::Conflict {
                message: format!("the {} cannot come back as it was: {}", K::NODE.label(), err.message()),
            })?;
            let mut active = active_row::<K>(&fields, 1);
            active.set(id_column, change.node_id.into());
            let row = active.insert(txn).await?;
            write_dependents::<K>(txn, change.node_id, &fields).await?;
            log::<K>(
                txn,
                author,
                change.node_id,
                ChangeAction::Create,
                None,
                Some(snapshot::<K>(&K::fields(txn, &row).await?)?),
            )
            .await
        }
        _ => Err(moved_on()),
    }
}

/// Replaces the citations of one fact.
pub async fn write_citations(
    txn: &DatabaseTransaction,
    subject_type: &str,
    subject_id: i32,
    citations: &[CitationFields],
) -> AppResult<()> {
    citation::Entity::delete_many()
        .filter(citation::Column::SubjectType.eq(subject_type))
        .filter(citation::Column::SubjectId.eq(subject_id))
        .exec(txn)
        .await?;
    for c in citations {
        citation::ActiveModel {
            source_id: sea_orm::ActiveValue::Set(c.source),
            subject_type: sea_orm::ActiveValue::Set(subject_type.to_owned()),
            subject_id: sea_orm::ActiveValue::Set(subject_id),
            quote: sea_orm::ActiveValue::Set(c.quote.clone()),
            locator: sea_orm::ActiveValue::Set(c.locator.clone()),
            ..Default::default()
        }
        .insert(txn)
        .await?;
    }
    Ok(())
}

/// The stored citations of one fact.
pub async fn read_citations(
    txn: &DatabaseTransaction,
    subject_type: &str,
    subject_id: i32,
) -> AppResult<Vec<CitationFields>> {
    let rows = citation::Entity::find()
        .filter(citation::Column::SubjectType.eq(subject_type))
        .filter(citation::Column::SubjectId.eq(subject_id))
        .all(txn)
        .await?;
    Ok(rows.into_iter().map(|c| CitationFields { source: c.source_id, quote: c.quote, locator: c.locator }).collect())
}

/// Deletes the citations whose facts are gone. Citations name their facts by type and id, so
/// no foreign key removes them when a deletion cascades.
pub async fn forget_orphan_citations(db: &impl ConnectionTrait) -> AppResult<()> {
    for (subject_type, table) in subject::TABLES {
        citation::Entity::delete_many()
            .filter(citation::Column::SubjectType.eq(subject_type))
            .filter(citation::Column::SubjectId.not_in_subquery(Query::select().column("id").from(table).to_owned()))
            .exec(db)
            .await?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Checks shared by the kinds. Each names the input field at fault.

/// Refuses an empty text or one longer than `max` characters.
pub fn check_text(field: &str, value: &str, max: usize) -> AppResult<()> {
    if value.trim().is_empty() {
        return Err(AppError::bad_input(field, format!("{field}: must not be empty")));
    }
    if value.chars().count() > max {
        return Err(AppError::bad_input(field, format!("{field}: at most {max} characters")));
    }
    Ok(())
}

/// Refuses a text longer than `max` characters (an empty one is allowed).
pub fn check_length(field: &str, value: Option<&String>, max: usize) -> AppResult<()> {
    match value {
        Some(text) if text.chars().count() > max => {
            Err(AppError::bad_input(field, format!("{field}: at most {max} characters")))
        }
        _ => Ok(()),
    }
}

/// Refuses an optional text that is given but empty or too long.
pub fn check_optional_text(field: &str, value: Option<&String>, max: usize) -> AppResult<()> {
    value.map_or(Ok(()), |v| check_text(field, v, max))
}

/// Refuses a period that ends before it starts.
pub fn check_period(field: &str, start: Option<PartialDate>, end: Option<PartialDate>) -> AppResult<()> {
    match (start, end) {
        (Some(start), Some(end)) if end.latest() < start.earliest() => {
            Err(AppError::bad_input(field, format!("{field}: {end} is before the start, {start}")))
        }
        _ => Ok(()),
    }
}

/// Refuses a reference to a row that does not exist.
pub async fn check_exists<E: EntityTrait>(
    txn: &DatabaseTransaction,
    field: &str,
    id: Option<i32>,
    what: &str,
) -> AppResult<()>
where
    <E::PrimaryKey as sea_orm::PrimaryKeyTrait>::ValueType: From<i32>,
{
    let Some(id) = id else { return Ok(()) };
    match E::find_by_id(id).one(txn).await? {
        Some(_) => Ok(()),
        None => Err(AppError::bad_input(field, format!("{field}: no {what} has this id"))),
    }
}

/// Refuses a source cited twice for one fact, and words or a place too long to be a quote.
pub fn citation_rules(field: &str, citations: &[CitationFields]) -> AppResult<()> {
    for (i, c) in citations.iter().enumerate() {
        if citations[..i].iter().any(|earlier| earlier.source == c.source) {
            let path = format!("{field}[{i}].source");
            return Err(AppError::bad_input(&path, format!("{path}: the source is cited twice")));
        }
        check_length(&format!("{field}[{i}].quote"), c.quote.as_ref(), QUOTE_MAX)?;
        check_length(&format!("{field}[{i}].locator"), c.locator.as_ref(), 300)?;
    }
    Ok(())
}

/// The longest quote a citation keeps, in characters: a few paragraphs of a report.
pub const QUOTE_MAX: usize = 5000;

/// Refuses citations of sources that do not exist.
pub async fn check_citations(txn: &DatabaseTransaction, field: &str, citations: &[CitationFields]) -> AppResult<()> {
    for (i, c) in citations.iter().enumerate() {
        let path = format!("{field}[{i}].source");
        check_exists::<entity::source::Entity>(txn, &path, Some(c.source), "source").await?;
    }
    Ok(())
}

/// Makes an active model from a row whose every column is to be written.
pub fn all_set<M, A>(model: M) -> A
where
    M: IntoActiveModel<A>,
    A: ActiveModelTrait,
{
    model.into_active_model().reset_all()
}

/// Moves an input error of a nested part under the part's path: "input.role" of the third
/// participant becomes "input.participants[2].role".
pub fn nested(err: AppError, at: &str) -> AppError {
    match err {
        AppError::BadUserInput { message, field } => AppError::BadUserInput {
            message: message.replacen("input", at, 1),
            field: field.map(|f| f.replacen("input", at, 1)),
        },
        other => other,
    }
}
