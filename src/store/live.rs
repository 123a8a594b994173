//! What live updates read: the history forward from a change, the changes a notification
//! names, which of some tasks or conferences a filter holds for, and the tasks due by a date.

use super::filters::{ConferenceFilter, TaskFilter};
use super::lists::area_pairs;
use crate::domain::vocabulary::TaskStatus;
use crate::error::AppResult;
use chrono::NaiveDate;
use entity::{change, conference, task};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::HashSet;

/// The id of the newest change (0 when there is none).
pub async fn last_change_id(db: &DatabaseConnection) -> AppResult<i32> {
    let newest: Option<i32> = change::Entity::find()
        .select_only()
        .column(change::Column::Id)
        .order_by_desc(change::Column::Id)
        .limit(1)
        .into_tuple()
        .one(db)
        .await?;
    Ok(newest.unwrap_or(0))
}

/// Up to `limit` changes after the change `after`, oldest first.
pub async fn changes_after(db: &DatabaseConnection, after: i32, limit: u64) -> AppResult<Vec<change::Model>> {
    Ok(change::Entity::find()
        .filter(change::Column::Id.gt(after))
        .order_by_asc(change::Column::Id)
        .limit(limit)
        .all(db)
        .await?)
}

/// The changes with these ids, oldest first.
pub async fn changes_by_ids(db: &DatabaseConnection, ids: &[i32]) -> AppResult<Vec<change::Model>> {
    Ok(change::Entity::find()
        .filter(super::any_of(db.get_database_backend(), change::Column::Id, ids.iter().copied()))
        .order_by_asc(change::Column::Id)
        .all(db)
        .await?)
}

/// Which of the tasks `among` (every task, when none are named) the filter holds for now.
pub async fn tasks_matching(
    db: &DatabaseConnection,
    filter: &TaskFilter,
    among: Option<&[i32]>,
) -> AppResult<HashSet<i32>> {
    let mut select = task::Entity::find().select_only().column(task::Column::Id).filter(filter.condition());
    if let Some(ids) = among {
        select = select.filter(super::any_of(db.get_database_backend(), task::Column::Id, ids.iter().copied()));
    }
    Ok(select.into_tuple::<i32>().all(db).await?.into_iter().collect())
}

/// Which of the conferences `among` (every conference, when none are named) the filter holds for now.
pub async fn conferences_matching(
    db: &DatabaseConnection,
    filter: &ConferenceFilter,
    among: Option<&[i32]>,
) -> AppResult<HashSet<i32>> {
    let mut filter = filter.clone();
    if filter.uses_areas() {
        filter.expand_areas(&area_pairs(db).await?);
    }
    let mut select = conference::Entity::find().select_only().column(conference::Column::Id).filter(filter.condition());
    if let Some(ids) = among {
        select = select.filter(super::any_of(db.get_database_backend(), conference::Column::Id, ids.iter().copied()));
    }
    Ok(select.into_tuple::<i32>().all(db).await?.into_iter().collect())
}

/// The tasks still owed (open or in progress) among `among` (every task, when none are named)
/// that the filter holds for and that are due on or before `until`.
pub async fn owed_tasks_due_by(
    db: &DatabaseConnection,
    filter: &TaskFilter,
    until: NaiveDate,
    among: Option<&[i32]>,
) -> AppResult<Vec<task::Model>> {
    let owed = [TaskStatus::Open, TaskStatus::InProgress].map(|s| s.as_str());
    let mut select = task::Entity::find();
    if let Some(ids) = among {
        select = select.filter(super::any_of(db.get_database_backend(), task::Column::Id, ids.iter().copied()));
    }
    Ok(select
        .filter(filter.condition())
        .filter(task::Column::Status.is_in(owed))
        .filter(task::Column::DueOn.is_not_null())
        .filter(task::Column::DueOn.lte(until))
        .order_by_asc(task::Column::Id)
        .all(db)
        .await?)
}

/// The time zones of the tasks still owed that have a due date.
pub async fn owed_task_zones(db: &DatabaseConnection) -> AppResult<Vec<String>> {
    let owed = [TaskStatus::Open, TaskStatus::InProgress].map(|s| s.as_str());
    Ok(task::Entity::find()
        .select_only()
        .column(task::Column::TimeZone)
        .distinct()
        .filter(task::Column::Status.is_in(owed))
        .filter(task::Column::DueOn.is_not_null())
        .into_tuple::<String>()
        .all(db)
        .await?)
}
