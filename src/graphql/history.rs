//! The history of a node: every change made through the API, newest first.

use super::pagination::connection;
use super::scalars::DateTime;
use crate::service::history::{ChangeAction, field_changes};
use async_graphql::{Object, Result, SimpleObject};
use entity::change;

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
    /// What was done.
    async fn action(&self) -> Result<ChangeAction> {
        Ok(super::vocabulary(&self.0.action, ChangeAction::parse)?)
    }

    /// The mutation that made the change ("updateOfficial").
    async fn operation(&self) -> &str {
        &self.0.operation
    }

    /// The name of the token that made it.
    async fn actor(&self) -> &str {
        &self.0.actor
    }

    /// When it was made.
    async fn at(&self) -> DateTime {
        DateTime(self.0.at)
    }

    /// The fields that changed, with their values before and after.
    async fn fields(&self) -> Vec<FieldChange> {
        let parse = |text: &Option<String>| text.as_deref().and_then(|t| serde_json::from_str(t).ok());
        let (before, after): (Option<serde_json::Value>, Option<serde_json::Value>) =
            (parse(&self.0.before), parse(&self.0.after));
        field_changes(before.as_ref(), after.as_ref())
            .into_iter()
            .map(|(field, old, new)| FieldChange { field, before: old.to_string(), after: new.to_string() })
            .collect()
    }
}

connection!(ChangeConnection, ChangeEdge, Change, "change", "changes");
