//! The kinds of nodes edited through the shared write path (`record`), each in a module of
//! its own (`service::area` ... `service::task`) with its fields, rules, row and search text;
//! here what they share, and the dispatch from a node type to its kind (history, revert,
//! citations).

use super::record::{Author, CitationFields, Editable, revert_in, update};
use crate::database::begin_write;
use crate::domain::node::NodeType;
use crate::error::{AppError, AppResult};
use entity::*;
use sea_orm::{ColumnTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, ModelTrait, QueryFilter, QueryOrder};

pub use super::area::{Area, AreaFields};
pub use super::conference::{Conference, ConferenceBodyFields, ConferenceDirectiveFields, ConferenceFields};
pub use super::directive::{Directive, DirectiveFields, DirectiveLinkFields};
pub use super::official::{Official, OfficialFields};
pub use super::organization::{Organization, OrganizationFields};
pub use super::participation::{Participation, ParticipationFields};
pub use super::post::{Post, PostFields};
pub use super::source::{Source, SourceFields};
pub use super::task::{AssigneeFields, TASK_DESCRIPTION_MAX, TASK_TITLE_MAX, Task, TaskFields, task_text};
pub use super::tenure::{AttestationFields, Tenure, TenureFields};

/// Refuses a parent that does not exist or that would make the node its own ancestor.
pub(super) async fn check_nesting<E: EntityTrait>(
    txn: &DatabaseTransaction,
    field: &str,
    id: Option<i32>,
    parent: Option<i32>,
    parent_column: E::Column,
    what: &str,
) -> AppResult<()>
where
    <E::PrimaryKey as sea_orm::PrimaryKeyTrait>::ValueType: From<i32>,
{
    let mut at = parent;
    let mut steps = 0;
    while let Some(current) = at {
        if Some(current) == id || steps > 1000 {
            return Err(AppError::bad_input(field, format!("{field}: the {what} would contain itself")));
        }
        let Some(row) = E::find_by_id(current).one(txn).await? else {
            return Err(AppError::bad_input(field, format!("{field}: no {what} has this id")));
        };
        at = match row.get(parent_column) {
            sea_orm::Value::Int(next) => next,
            _ => None,
        };
        steps += 1;
    }
    Ok(())
}

/// Leaves the id of an active model to the database.
pub(super) trait WithoutId {
    fn without_id(self) -> Self;
}

macro_rules! without_id {
    ($($module:ident),+) => {
        $(impl WithoutId for $module::ActiveModel {
            fn without_id(mut self) -> Self {
                self.id = sea_orm::ActiveValue::NotSet;
                self
            }
        })+
    };
}

without_id!(directive_link, conference_organizer, conference_body, conference_directive);

// ---------------------------------------------------------------------------------------------

/// Runs `$body` with `$k` standing for the kind of the node type `$node`, or `$other` for the
/// types not edited through the shared write path.
macro_rules! with_kind {
    ($node:expr, $k:ident => $body:expr, _ => $other:expr) => {
        match $node {
            NodeType::Official => {
                type $k = Official;
                $body
            }
            NodeType::Area => {
                type $k = Area;
                $body
            }
            NodeType::Organization => {
                type $k = Organization;
                $body
            }
            NodeType::Post => {
                type $k = Post;
                $body
            }
            NodeType::Source => {
                type $k = Source;
                $body
            }
            NodeType::Tenure => {
                type $k = Tenure;
                $body
            }
            NodeType::Participation => {
                type $k = Participation;
                $body
            }
            NodeType::Directive => {
                type $k = Directive;
                $body
            }
            NodeType::Conference => {
                type $k = Conference;
                $body
            }
            NodeType::Task => {
                type $k = Task;
                $body
            }
            NodeType::TaskUpdate => $other,
        }
    };
}

/// Whether nodes of the type are edited through the shared write path (and their changes
/// tracked and reverted by it).
pub fn is_editable(node: NodeType) -> bool {
    with_kind!(node, K => { let _ = K::NODE; true }, _ => false)
}

/// The fields of nodes of type `node` that refer to other nodes (see [`Editable::REFERENCES`]).
pub fn references(node: NodeType) -> &'static [(&'static str, NodeType)] {
    with_kind!(node, K => K::REFERENCES, _ => &[])
}

/// The fields of the node `id` of type `node` as the history records them, if it exists and
/// its type is edited through the shared write path.
pub async fn snapshot(node: NodeType, txn: &DatabaseTransaction, id: i32) -> AppResult<Option<serde_json::Value>> {
    with_kind!(node, K => super::record::snapshot_of::<K>(txn, id).await, _ => Ok(None))
}

/// Reverts one recorded change (see [`super::record::revert_in`]) and returns the change the
/// revert itself recorded.
pub async fn revert_change(db: &DatabaseConnection, author: Author<'_>, change_id: i32) -> AppResult<change::Model> {
    // Recorded changes never change, so which kind of revert this is can be read first.
    let change = change::Entity::find_by_id(change_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("no change has this id"))?;
    if ONE_STEP.contains(&change.operation.as_str()) {
        let recorded = revert_operation(db, author, change_id).await?;
        return recorded
            .into_iter()
            .find(|r| r.node_type == change.node_type && r.node_id == change.node_id)
            .ok_or_else(|| AppError::internal("the revert recorded no change"));
    }
    let txn = begin_write(db).await?;
    let recorded = revert_one_in(&txn, author, &change).await?;
    txn.commit().await?;
    Ok(recorded)
}

/// Operations whose changes are one step: reverting any of them reverts them all.
const ONE_STEP: &[&str] = &["endOrganization"];

/// Reverts, in one transaction, every change recorded together with the change `change_id`:
/// by the same actor, at the same instant, in the same operation (ending a body with the bodies
/// under it, recording a conference with its participants and tasks), the latest first. Fails
/// as a whole, changing nothing, when any of them cannot be reverted. Returns the changes the
/// revert recorded.
pub async fn revert_operation(
    db: &DatabaseConnection,
    author: Author<'_>,
    change_id: i32,
) -> AppResult<Vec<change::Model>> {
    let txn = begin_write(db).await?;
    let change = change::Entity::find_by_id(change_id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::not_found("no change has this id"))?;
    let together = change::Entity::find()
        .filter(change::Column::Actor.eq(&change.actor))
        .filter(change::Column::At.eq(change.at))
        .filter(change::Column::Operation.eq(&change.operation))
        .order_by_desc(change::Column::Id)
        .all(&txn)
        .await?;
    let mut recorded = Vec::with_capacity(together.len());
    for one in &together {
        recorded.push(revert_one_in(&txn, author, one).await?);
    }
    txn.commit().await?;
    Ok(recorded)
}

/// Reverts one recorded change inside the caller's transaction; returns the change it recorded.
async fn revert_one_in(
    txn: &DatabaseTransaction,
    author: Author<'_>,
    change: &change::Model,
) -> AppResult<change::Model> {
    match change.operation.as_str() {
        "mergeOfficials" => {
            return Err(AppError::bad_input("id", "id: a merge cannot be reverted; record the removed official anew"));
        }
        "recordTaskUpdate" | "reopenTask" => {
            return Err(AppError::bad_input("id", "id: progress is undone by recording another update"));
        }
        _ => {}
    }
    let refused = || {
        let other = &change.node_type;
        AppError::bad_input("id", format!("id: changes to a {other} cannot be reverted"))
    };
    let node = NodeType::from_name(&change.node_type).ok_or_else(refused)?;
    with_kind!(node, K => revert_in::<K>(txn, author, change).await?, _ => return Err(refused()));
    change::Entity::find()
        .filter(change::Column::NodeType.eq(&change.node_type))
        .filter(change::Column::NodeId.eq(change.node_id))
        .order_by_desc(change::Column::Id)
        .one(txn)
        .await?
        .ok_or_else(|| AppError::internal("the revert recorded no change"))
}

/// Changes the citations of the node `id` of type `node` (a conference, participation, tenure
/// or directive) through the shared write path: it must still be at `expected_version`, and
/// the change is in its history.
pub async fn edit_citations(
    db: &DatabaseConnection,
    author: Author<'_>,
    (node, id, expected_version): (NodeType, i32, i32),
    edit: impl FnOnce(&mut Vec<CitationFields>) -> AppResult<()> + Send,
) -> AppResult<()> {
    let uncited = || AppError::bad_input("subject", format!("subject: a {} cites no sources", node.name()));
    with_kind!(
        node,
        K => update::<K>(db, author, id, expected_version, |fields| match K::citations_mut(fields) {
            Some(citations) => edit(citations),
            None => Err(uncited()),
        })
        .await
        .map(|_| ()),
        _ => Err(uncited())
    )
}

/// Changes the links of the directive `id` to other directives, at `expected_version`.
pub async fn edit_links(
    db: &DatabaseConnection,
    author: Author<'_>,
    (id, expected_version): (i32, i32),
    edit: impl FnOnce(&mut Vec<DirectiveLinkFields>) -> AppResult<()> + Send,
) -> AppResult<()> {
    update::<Directive>(db, author, id, expected_version, |fields| edit(&mut fields.links)).await.map(|_| ())
}
