//! Creating, updating and deleting officials: validated, versioned, recorded in the history.

use super::history::{self, ChangeAction, Record};
use super::record::{Editable, Refusals, check_text};
use super::{changed_meanwhile, check_version, forget_citations};
use crate::domain::node::{NodeType, SearchType};
use crate::domain::subject;
use crate::domain::text::search_form;
use crate::error::{AppError, AppResult};
use crate::store::search;
use chrono::{DateTime, Utc};
use entity::official;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, EntityTrait,
    QueryFilter,
};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

fn snapshot(m: &official::Model) -> Value {
    json!({ "key": m.key, "name": m.name })
}

/// The official `id` at `expected_version`, or why not: NOT_FOUND or CONFLICT.
async fn current(db: &impl ConnectionTrait, id: i32, expected_version: i32) -> AppResult<official::Model> {
    let found =
        official::Entity::find_by_id(id).one(db).await?.ok_or_else(|| AppError::not_found("no such official"))?;
    check_version("official", found.version, expected_version)?;
    Ok(found)
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
            node_type: NodeType::Official.name(),
            node_id: keep,
            action: ChangeAction::Update,
            operation: "mergeOfficials",
            actor,
            at: now,
            before: Some(snapshot(&kept)),
            after: Some(merged_after),
        },
        Record {
            node_type: NodeType::Official.name(),
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

// ---------------------------------------------------------------------------------------------

/// The fields of an official.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OfficialFields {
    /// The dataset key.
    pub key: String,
    /// The full name.
    pub name: String,
}

/// Officials.
pub struct Official;

impl Editable for Official {
    const NODE: NodeType = NodeType::Official;
    fn key(f: &mut Self::Fields) -> Option<(&mut String, &str)> {
        Some((&mut f.key, &f.name))
    }
    type Entity = official::Entity;
    type Fields = OfficialFields;

    fn columns() -> (official::Column, official::Column, Option<official::Column>) {
        (official::Column::Id, official::Column::Version, Some(official::Column::Key))
    }

    async fn fields(_: &DatabaseTransaction, row: &official::Model) -> AppResult<OfficialFields> {
        Ok(OfficialFields { key: row.key.clone(), name: row.name.clone() })
    }

    fn rules(f: &OfficialFields, _: Option<i32>, r: &mut Refusals) {
        r.check(check_text("input.name", &f.name, 200));
    }

    async fn check(_: &DatabaseTransaction, _: &OfficialFields, _: Option<i32>) -> AppResult<()> {
        Ok(())
    }

    fn model(f: &OfficialFields) -> official::Model {
        official::Model {
            id: 0,
            key: f.key.clone(),
            name: f.name.trim().to_owned(),
            name_folded: search_form(&f.name),
            version: 0,
        }
    }

    fn search_entry(f: &OfficialFields) -> Option<(SearchType, String)> {
        Some((SearchType::Official, search_form(&f.name)))
    }
}
