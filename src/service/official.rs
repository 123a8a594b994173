//! Creating, updating and deleting officials: validated, versioned, recorded in the history.

use super::history::{self, ChangeAction, Record};
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
    if found.version != expected_version {
        return Err(AppError::Conflict {
            message: format!(
                "the official is at version {}, not {expected_version}: reload and try again",
                found.version
            ),
        });
    }
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
        return Err(AppError::Conflict { message: "the official changed meanwhile: reload and try again".into() });
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
    let result = official::Entity::delete_many()
        .filter(official::Column::Id.eq(id))
        .filter(official::Column::Version.eq(expected_version))
        .exec(&txn)
        .await?;
    if result.rows_affected != 1 {
        return Err(AppError::Conflict { message: "the official changed meanwhile: reload and try again".into() });
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
