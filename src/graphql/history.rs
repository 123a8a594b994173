//! The history of a node: every change made through the API, newest first.

use super::Result;
use super::ids::{NodeType, encode};
use super::pagination::connection;
use super::pagination::{Parts, page_request};
use super::scalars::DateTime;
use super::{author, db, scalars, writer};
use crate::auth::{Identity, Role};
use crate::error::AppError;
use crate::service::history::{ChangeAction, field_changes};
use crate::store::lists;
use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use entity::change;
use serde_json::Value;

/// One field a change set, with its value before and after.
#[derive(SimpleObject, Clone)]
pub struct FieldChange {
    /// The field's name.
    pub field: String,
    /// Its value before, as JSON text ("null" when it had none).
    pub before: String,
    /// Its value after, as JSON text ("null" when it has none).
    pub after: String,
}

/// A change.
#[derive(Clone)]
pub struct Change(pub change::Model);

/// A change to a node: what was done, by whom, when, by which mutation, and to which fields.
#[Object]
impl Change {
    /// The change's id, for `revertChange`.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// The type of the node changed ("Official").
    async fn node_type(&self) -> &str {
        &self.0.node_type
    }

    /// The global id of the node changed (it may since have been deleted).
    async fn node_id(&self) -> Result<ID> {
        let kind = NodeType::from_name(&self.0.node_type)
            .ok_or_else(|| crate::error::AppError::internal(format!("unknown node type {}", self.0.node_type)))?;
        Ok(encode(kind, self.0.node_id))
    }

    /// What was done.
    async fn action(&self) -> Result<ChangeAction> {
        Ok(super::vocabulary(&self.0.action, ChangeAction::parse)?)
    }

    /// The mutation that made the change ("updateOfficial").
    async fn operation(&self) -> &str {
        &self.0.operation
    }

    /// The name of the token that made it, shown to EDITORs and ADMINs (the staff who write);
    /// null for readers and anonymous callers, as a token's name often names a person or a
    /// desk and is theirs to see in the audit log only.
    async fn actor(&self, ctx: &Context<'_>) -> Option<&str> {
        let identity = ctx.data::<Identity>().unwrap_or(&Identity::Anonymous);
        identity.require(Role::Editor).ok().map(|_| self.0.actor.as_str())
    }

    /// When it was made.
    async fn at(&self) -> DateTime {
        DateTime(self.0.at)
    }

    /// The fields that changed, with their values before and after (references to other
    /// nodes as their global ids).
    async fn fields(&self) -> Vec<FieldChange> {
        // Snapshots refer to other nodes by row id; clients see the global ids.
        let parse = |text: &Option<String>| {
            let mut value: serde_json::Value = serde_json::from_str(text.as_deref()?).ok()?;
            let node = NodeType::from_name(&self.0.node_type)?;
            for (path, kind) in crate::service::kinds::references(node) {
                let steps: Vec<&str> = path.split('.').collect();
                encode_at(&mut value, &steps, *kind);
            }
            Some(value)
        };
        let (before, after): (Option<serde_json::Value>, Option<serde_json::Value>) =
            (parse(&self.0.before), parse(&self.0.after));
        field_changes(before.as_ref(), after.as_ref())
            .into_iter()
            .map(|(field, old, new)| FieldChange { field, before: old.to_string(), after: new.to_string() })
            .collect()
    }
}

/// The history of one node, newest first.
pub(crate) async fn history_of(
    ctx: &Context<'_>,
    node: NodeType,
    id: i32,
    first: Option<i32>,
    after: Option<String>,
) -> Result<ChangeConnection> {
    page_request(first, after.clone(), None, None)?;
    let key = super::loaders::NodeHistory { node, id, first, after };
    let page = super::load_one(ctx, key).await?.ok_or_else(|| AppError::internal("a history page went missing"))?;
    super::spend(ctx, page.items.len()).await?;
    Ok(ChangeConnection(Parts::from_page(page, Change)))
}

connection!(ChangeConnection, ChangeEdge, Change, "change", "changes");

/// Which changes to list.
#[derive(InputObject, Default)]
pub struct AuditFilter {
    /// Made with the token of this name.
    pub actor: Option<String>,
    /// To nodes of this type ("Official", "Task").
    pub node_type: Option<String>,
    /// By this mutation ("updateTask").
    pub operation: Option<String>,
    /// At or after this instant.
    pub from: Option<scalars::DateTime>,
    /// Before this instant.
    pub to: Option<scalars::DateTime>,
}

/// The audit log.
#[derive(Default)]
pub struct AuditQuery;

/// The audit log (ADMIN).
#[Object]
impl AuditQuery {
    /// Every change made through the API, newest first (ADMIN only).
    #[graphql(complexity = "crate::limits::page_cost(first, None, child_complexity)")]
    async fn audit_log(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which changes.")] filter: Option<AuditFilter>,
        #[graphql(desc = "How many from the start (at most 100; 20 when no size is given).")] first: Option<i32>,
        #[graphql(desc = "Start after this cursor.")] after: Option<String>,
    ) -> Result<ChangeConnection> {
        ctx.data::<Identity>().unwrap_or(&Identity::Anonymous).require(Role::Admin)?;
        let page = page_request(first, after, None, None)?;
        let f = filter.unwrap_or_default();
        let filter = lists::ChangeFilter {
            actor: f.actor,
            node_type: f.node_type,
            operation: f.operation,
            from: f.from.map(|t| t.0),
            to: f.to.map(|t| t.0),
            node: None,
        };
        let rows = lists::audit(db(ctx)?, &filter, &page).await?;
        Ok(ChangeConnection(Parts::from_page(rows, Change)))
    }
}

/// Replaces the row ids at `steps` (through lists) by the global ids of `kind`.
pub(crate) fn encode_at(value: &mut Value, steps: &[&str], kind: NodeType) {
    match value {
        Value::Array(items) => items.iter_mut().for_each(|item| encode_at(item, steps, kind)),
        Value::Object(map) => {
            if let Some((first, rest)) = steps.split_first() {
                if let Some(inner) = map.get_mut(*first) {
                    encode_at(inner, rest, kind);
                }
            }
        }
        Value::Number(n) if steps.is_empty() => {
            if let Some(id) = n.as_i64().and_then(|id| i32::try_from(id).ok()) {
                *value = Value::String(super::ids::encode(kind, id).0);
            }
        }
        _ => {}
    }
}

// ---------------------------------------------------------------------------------------------

/// Reverting recorded changes.
#[derive(Default)]
pub struct RevertMutation;

/// Reverting recorded changes (EDITOR).
#[Object]
impl RevertMutation {
    /// Restores what one recorded change did: a creation is undone by deleting the node, an
    /// update by setting the fields it changed back, a deletion by recording the node again
    /// under its old id (its own fields, links and citations; what went with it does not come
    /// back). Fails with CONFLICT when those fields have changed since. Returns the change the
    /// revert recorded.
    async fn revert_change(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The id of the change to revert (`Change.id`).")] id: ID,
    ) -> Result<Change> {
        let (actor, now) = writer(ctx)?;
        let change_id: i32 = id.parse().map_err(|_| AppError::bad_input("id", "id: not a change id"))?;
        let recorded = crate::service::kinds::revert_change(db(ctx)?, author(ctx, &actor, now), change_id).await?;
        Ok(Change(recorded))
    }

    /// Reverts, in one step, every change recorded together with this one: by the same actor,
    /// at the same instant, in the same operation (an organization ended with the bodies under
    /// it, a conference recorded with its participants and tasks, an import), the latest first.
    /// Nothing changes unless all can be reverted. Returns the changes the revert recorded.
    async fn revert_operation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The id of any change of the operation (`Change.id`).")] id: ID,
    ) -> Result<Vec<Change>> {
        let (actor, now) = writer(ctx)?;
        let change_id: i32 = id.parse().map_err(|_| AppError::bad_input("id", "id: not a change id"))?;
        let author = author(ctx, &actor, now);
        let recorded = crate::service::kinds::revert_operation(db(ctx)?, author, change_id).await?;
        Ok(recorded.into_iter().map(Change).collect())
    }
}
