//! Recording changes: who (token name), when, which mutation, and the fields before and after.

use crate::error::AppResult;
use chrono::{DateTime, Utc};
use entity::change;
use sea_orm::{ActiveModelTrait, ActiveValue, ConnectionTrait};
use serde_json::Value;

/// What a change did to its node.
#[derive(Clone, Copy, Debug, PartialEq, Eq, async_graphql::Enum)]
pub enum ChangeAction {
    /// The node was created.
    Create,
    /// Fields of the node changed.
    Update,
    /// The node was deleted.
    Delete,
}

impl ChangeAction {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeAction::Create => "CREATE",
            ChangeAction::Update => "UPDATE",
            ChangeAction::Delete => "DELETE",
        }
    }

    /// The action of a stored name.
    pub fn parse(text: &str) -> Option<Self> {
        [ChangeAction::Create, ChangeAction::Update, ChangeAction::Delete].into_iter().find(|a| a.as_str() == text)
    }
}

/// One change to record.
pub struct Record<'a> {
    /// The node's type ("Official").
    pub node_type: &'a str,
    /// Its row id.
    pub node_id: i32,
    /// What was done.
    pub action: ChangeAction,
    /// The mutation ("updateOfficial").
    pub operation: &'a str,
    /// The token name of the caller.
    pub actor: &'a str,
    /// When.
    pub at: DateTime<Utc>,
    /// The fields before (none for a creation).
    pub before: Option<Value>,
    /// The fields after (none for a deletion).
    pub after: Option<Value>,
}

/// Writes a change into the history, in the caller's transaction (live subscriptions hear of
/// it once the transaction commits: see `crate::live`).
pub async fn record(db: &impl ConnectionTrait, record: Record<'_>) -> AppResult<()> {
    change::ActiveModel {
        node_type: ActiveValue::Set(record.node_type.to_owned()),
        node_id: ActiveValue::Set(record.node_id),
        action: ActiveValue::Set(record.action.as_str().to_owned()),
        operation: ActiveValue::Set(record.operation.to_owned()),
        actor: ActiveValue::Set(record.actor.to_owned()),
        at: ActiveValue::Set(record.at),
        before: ActiveValue::Set(record.before.map(|v| v.to_string())),
        after: ActiveValue::Set(record.after.map(|v| v.to_string())),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The fields that differ between two snapshots, with their values before and after.
pub fn field_changes(before: Option<&Value>, after: Option<&Value>) -> Vec<(String, Value, Value)> {
    let empty = serde_json::Map::new();
    let before = before.and_then(Value::as_object).unwrap_or(&empty);
    let after = after.and_then(Value::as_object).unwrap_or(&empty);
    let mut fields: Vec<&String> = before.keys().chain(after.keys()).collect();
    fields.sort();
    fields.dedup();
    fields
        .into_iter()
        .filter_map(|field| {
            let old = before.get(field).cloned().unwrap_or(Value::Null);
            let new = after.get(field).cloned().unwrap_or(Value::Null);
            (old != new).then(|| (field.clone(), old, new))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_changed_fields_are_listed() {
        let before = json!({ "name": "A", "key": "a" });
        let after = json!({ "name": "B", "key": "a" });
        assert_eq!(field_changes(Some(&before), Some(&after)), vec![("name".into(), json!("A"), json!("B"))]);
        assert_eq!(field_changes(None, Some(&after)).len(), 2);
    }
}
