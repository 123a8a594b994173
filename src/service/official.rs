//! Creating, updating and deleting officials: validated, versioned, recorded in the history.

use super::history::{self, ChangeAction, Record};
use super::{changed_meanwhile, check_version, forget_citations};
use crate::dataset::import::subject;
use crate::domain::text::{search_form, slug};
use crate::error::{AppError, AppResult};
use crate::store::search::{self, SearchType};
use chrono::{DateTime, Utc};
use entity::official;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
};
use serde_json::{Value, json};

/// The node type name in the history.
pub const NODE_TYPE: &str = "Official";

/// Fields of an official that a caller sets.
#[derive(Clone, Debug, Default)]
pub struct OfficialInput {
    /// The full name.
    pub name: Option<String>,
    /// The dataset key; made from the name when not given.
    pub key: Option<String>,
}

fn snapshot(m: &official::Model) -> Value {
    json!({ "key": m.key, "name": m.name })
}

fn checked_name(name: &str) -> AppResult<String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(AppError::bad_input("input.name", "input.name: a name must not be empty"));
    }
    if name.chars().count() > 200 {
        return Err(AppError::bad_input("input.name", "input.name: at most 200 characters"));
    }
    Ok(name.to_owned())
}

async fn free_key(db: &impl ConnectionTrait, wanted: &str) -> AppResult<String> {
    let base = if wanted.is_empty() { "official".to_owned() } else { wanted.to_owned() };
    let mut key = base.clone();
    let mut n = 1;
    while official::Entity::find().filter(official::Column::Key.eq(&key)).one(db).await?.is_some() {
        n += 1;
        key = format!("{base}-{n}");
    }
    Ok(key)
}

/// Creates an official.
pub async fn create(
    db: &DatabaseConnection,
    actor: &str,
    input: OfficialInput,
    now: DateTime<Utc>,
) -> AppResult<official::Model> {
    let name = checked_name(input.name.as_deref().unwrap_or(""))?;
    let txn = crate::database::begin_write(db).await?;
    let key = match input.key {
        Some(key) if key.trim().is_empty() => {
            return Err(AppError::bad_input("input.key", "input.key: must not be empty"));
        }
        Some(key) => {
            if official::Entity::find().filter(official::Column::Key.eq(&key)).one(&txn).await?.is_some() {
                return Err(AppError::bad_input("input.key", format!("input.key: \"{key}\" is taken")));
            }
            key
        }
        None => free_key(&txn, &slug(&name)).await?,
    };
    let model = official::ActiveModel {
        key: ActiveValue::Set(key),
        name_folded: ActiveValue::Set(search_form(&name)),
        name: ActiveValue::Set(name),
        version: ActiveValue::Set(1),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    search::index(&txn, SearchType::Official, model.id, &model.name_folded).await?;
    let record = Record {
        node_type: NODE_TYPE,
        node_id: model.id,
        action: ChangeAction::Create,
        operation: "createOfficial",
        actor,
        at: now,
        before: None,
        after: Some(snapshot(&model)),
    };
    history::record(&txn, record).await?;
    txn.commit().await?;
    Ok(model)
}

/// The official `id` at `expected_version`, or why not: NOT_FOUND or CONFLICT.
async fn current(db: &impl ConnectionTrait, id: i32, expected_version: i32) -> AppResult<official::Model> {
    let found =
        official::Entity::find_by_id(id).one(db).await?.ok_or_else(|| AppError::not_found("no such official"))?;
    check_version("official", found.version, expected_version)?;
    Ok(found)
}

/// Updates the fields given; refused with CONFLICT when the official is no longer at
/// `expected_version`.
pub async fn update(
    db: &DatabaseConnection,
    actor: &str,
    id: i32,
    expected_version: i32,
    input: OfficialInput,
    now: DateTime<Utc>,
) -> AppResult<official::Model> {
    let name = input.name.as_deref().map(checked_name).transpose()?;
    let txn = crate::database::begin_write(db).await?;
    let before = current(&txn, id, expected_version).await?;
    if let Some(key) = &input.key {
        let taken = official::Entity::find().filter(official::Column::Key.eq(key)).one(&txn).await?;
        if key.trim().is_empty() || taken.is_some_and(|o| o.id != id) {
            return Err(AppError::bad_input("input.key", format!("input.key: \"{key}\" is empty or taken")));
        }
    }
    let name = name.unwrap_or_else(|| before.name.clone());
    let key = input.key.unwrap_or_else(|| before.key.clone());
    // The version in the WHERE clause makes the check and the write one step: of two editors
    // racing on one version, exactly one updates a row.
    let result = official::Entity::update_many()
        .col_expr(official::Column::Name, Expr::value(name.clone()))
        .col_expr(official::Column::NameFolded, Expr::value(search_form(&name)))
        .col_expr(official::Column::Key, Expr::value(key))
        .col_expr(official::Column::Version, Expr::value(expected_version + 1))
        .filter(official::Column::Id.eq(id))
        .filter(official::Column::Version.eq(expected_version))
        .exec(&txn)
        .await?;
    if result.rows_affected != 1 {
        return Err(changed_meanwhile("official"));
    }
    let after =
        official::Entity::find_by_id(id).one(&txn).await?.ok_or_else(|| AppError::internal("updated row vanished"))?;
    search::index(&txn, SearchType::Official, id, &after.name_folded).await?;
    let record = Record {
        node_type: NODE_TYPE,
        node_id: id,
        action: ChangeAction::Update,
        operation: "updateOfficial",
        actor,
        at: now,
        before: Some(snapshot(&before)),
        after: Some(snapshot(&after)),
    };
    history::record(&txn, record).await?;
    txn.commit().await?;
    Ok(after)
}

/// Deletes an official with everything that refers to it (participations, tenures,
/// assignments); refused with CONFLICT when it is no longer at `expected_version`.
pub async fn delete(
    db: &DatabaseConnection,
    actor: &str,
    id: i32,
    expected_version: i32,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let txn = crate::database::begin_write(db).await?;
    let before = current(&txn, id, expected_version).await?;
    // Participations, tenures and assignments go with the official (foreign keys); their
    // citations must go too.
    let participations: Vec<i32> = entity::participation::Entity::find()
        .filter(entity::participation::Column::OfficialId.eq(id))
        .all(&txn)
        .await?
        .into_iter()
        .map(|p| p.id)
        .collect();
    let tenures: Vec<i32> = entity::tenure::Entity::find()
        .filter(entity::tenure::Column::OfficialId.eq(id))
        .all(&txn)
        .await?
        .into_iter()
        .map(|t| t.id)
        .collect();
    let assignments: Vec<i32> = entity::task_assignee::Entity::find()
        .filter(entity::task_assignee::Column::OfficialId.eq(id))
        .all(&txn)
        .await?
        .into_iter()
        .map(|a| a.id)
        .collect();
    forget_citations(&txn, subject::PARTICIPATION, participations).await?;
    forget_citations(&txn, subject::TENURE, tenures).await?;
    forget_citations(&txn, subject::TASK_ASSIGNMENT, assignments).await?;
    let result = official::Entity::delete_many()
        .filter(official::Column::Id.eq(id))
        .filter(official::Column::Version.eq(expected_version))
        .exec(&txn)
        .await?;
    if result.rows_affected != 1 {
        return Err(changed_meanwhile("official"));
    }
    search::remove(&txn, SearchType::Official, id).await?;
    let record = Record {
        node_type: NODE_TYPE,
        node_id: id,
        action: ChangeAction::Delete,
        operation: "deleteOfficial",
        actor,
        at: now,
        before: Some(snapshot(&before)),
        after: None,
    };
    history::record(&txn, record).await?;
    txn.commit().await?;
    Ok(())
}

/// Makes one official of two records of the same person ("Trần Mạnh Lợi" entered twice):
/// every participation, tenure, assignment and task given by `remove` moves to `keep` (where
/// `keep` already has the same one, the duplicate goes), `remove` is deleted, and both
/// changes are recorded. Each must still be at its expected version.
pub async fn merge(
    db: &DatabaseConnection,
    actor: &str,
    (keep, keep_version): (i32, i32),
    (remove, remove_version): (i32, i32),
    now: DateTime<Utc>,
) -> AppResult<official::Model> {
    use entity::{participation, task, task_assignee, tenure};
    if keep == remove {
        return Err(AppError::bad_input("remove", "remove: an official cannot be merged into itself"));
    }
    let txn = crate::database::begin_write(db).await?;
    let kept = current(&txn, keep, keep_version).await?;
    let removed = current(&txn, remove, remove_version).await?;

    let kept_parts = participation::Entity::find().filter(participation::Column::OfficialId.eq(keep)).all(&txn).await?;
    for p in participation::Entity::find().filter(participation::Column::OfficialId.eq(remove)).all(&txn).await? {
        if kept_parts.iter().any(|k| k.conference_id == p.conference_id && k.role == p.role) {
            forget_citations(&txn, subject::PARTICIPATION, [p.id]).await?;
            participation::Entity::delete_by_id(p.id).exec(&txn).await?;
        } else {
            let mut moved: participation::ActiveModel = p.into();
            moved.official_id = ActiveValue::Set(keep);
            moved.update(&txn).await?;
        }
    }
    tenure::Entity::update_many()
        .col_expr(tenure::Column::OfficialId, Expr::value(keep))
        .filter(tenure::Column::OfficialId.eq(remove))
        .exec(&txn)
        .await?;
    let kept_tasks: Vec<i32> = task_assignee::Entity::find()
        .filter(task_assignee::Column::OfficialId.eq(keep))
        .all(&txn)
        .await?
        .into_iter()
        .map(|a| a.task_id)
        .collect();
    for a in task_assignee::Entity::find().filter(task_assignee::Column::OfficialId.eq(remove)).all(&txn).await? {
        if kept_tasks.contains(&a.task_id) {
            forget_citations(&txn, subject::TASK_ASSIGNMENT, [a.id]).await?;
            task_assignee::Entity::delete_by_id(a.id).exec(&txn).await?;
        } else {
            let mut moved: task_assignee::ActiveModel = a.into();
            moved.official_id = ActiveValue::Set(Some(keep));
            moved.update(&txn).await?;
        }
    }
    task::Entity::update_many()
        .col_expr(task::Column::AssignedByOfficialId, Expr::value(keep))
        .filter(task::Column::AssignedByOfficialId.eq(remove))
        .exec(&txn)
        .await?;
    official::Entity::delete_by_id(remove).exec(&txn).await?;
    search::remove(&txn, SearchType::Official, remove).await?;
    let result = official::Entity::update_many()
        .col_expr(official::Column::Version, Expr::value(keep_version + 1))
        .filter(official::Column::Id.eq(keep))
        .filter(official::Column::Version.eq(keep_version))
        .exec(&txn)
        .await?;
    if result.rows_affected != 1 {
        return Err(changed_meanwhile("official"));
    }
    let after = official::Entity::find_by_id(keep)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::internal("kept official vanished"))?;
    let mut merged_after = snapshot(&after);
    merged_after["mergedFrom"] = json!(removed.key);
    let records = [
        Record {
            node_type: NODE_TYPE,
            node_id: keep,
            action: ChangeAction::Update,
            operation: "mergeOfficials",
            actor,
            at: now,
            before: Some(snapshot(&kept)),
            after: Some(merged_after),
        },
        Record {
            node_type: NODE_TYPE,
            node_id: remove,
            action: ChangeAction::Delete,
            operation: "mergeOfficials",
            actor,
            at: now,
            before: Some(json!({ "key": removed.key, "name": removed.name, "mergedInto": kept.key })),
            after: None,
        },
    ];
    for record in records {
        history::record(&txn, record).await?;
    }
    txn.commit().await?;
    Ok(after)
}
