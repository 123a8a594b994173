//! The write path: validated changes, each in one transaction with its history record.

pub mod conference;
pub mod history;
pub mod kinds;
pub mod official;
pub mod record;
pub mod task;

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
            .filter(citation::Column::SubjectId.is_in(ids))
            .exec(db)
            .await?;
    }
    Ok(())
}
