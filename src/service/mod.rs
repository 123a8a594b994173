//! The write path: validated changes, each in one transaction with its history record.
//!
//! Each kind of node has a module of its own (`area` ... `tenure`, `task`) that owns its typed
//! fields, its rules, its row and its search text, and the operations only it has (progress on
//! tasks, merging officials); `record` creates, changes, deletes and reverts any of them, and
//! the API, the task operations and imports all hand it the same typed fields.
//!
//! Transactions, one convention: an operation that takes the database
//! (`&DatabaseConnection`) runs in one write transaction of its own, begun with
//! `database::begin_write` and committed before it returns, so a caller never sees half of
//! it; a function that takes a `&DatabaseTransaction` (`create_in`, `update_in`...) is a part
//! that composes inside its caller's transaction and never commits (recording a conference
//! with its participants and tasks, an import).

pub mod area;
pub mod conference;
pub mod directive;
pub mod history;
pub mod kinds;
pub mod official;
pub mod organization;
pub mod participation;
pub mod post;
pub mod record;
pub mod source;
pub mod task;
pub mod tenure;

use crate::error::{AppError, AppResult};
use entity::citation;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

/// Refuses a change made against a version the `what` is no longer at.
pub(crate) fn check_version(what: &str, stored: i32, expected: i32) -> AppResult<()> {
    if stored != expected {
        return Err(AppError::Conflict {
            message: format!("the {what} is at version {stored}, not {expected}: reload and try again"),
        });
    }
    Ok(())
}

/// The refusal of a versioned write that found its row changed between the check and the write.
pub(crate) fn changed_meanwhile(what: &str) -> AppError {
    AppError::Conflict { message: format!("the {what} changed meanwhile: reload and try again") }
}

/// Deletes the citations of facts that are deleted; citations refer to their facts by type
/// and id, so no foreign key removes them.
pub async fn forget_citations(
    db: &impl ConnectionTrait,
    subject_type: &str,
    ids: impl IntoIterator<Item = i32>,
) -> AppResult<()> {
    let ids: Vec<i32> = ids.into_iter().collect();
    if !ids.is_empty() {
        citation::Entity::delete_many()
            .filter(citation::Column::SubjectType.eq(subject_type))
            .filter(crate::store::any_of(db.get_database_backend(), citation::Column::SubjectId, ids))
            .exec(db)
            .await?;
    }
    Ok(())
}
