//! Global node ids: opaque to clients, they carry the node's type and its row id.

use crate::error::{AppError, AppResult};
use async_graphql::ID;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// The types that implement `Node`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NodeKind {
    /// An administrative area.
    Area,
    /// An organization.
    Organization,
    /// An official.
    Official,
    /// A post.
    Post,
    /// A tenure.
    Tenure,
    /// A conference.
    Conference,
    /// A participation.
    Participation,
    /// A directive.
    Directive,
    /// A task.
    Task,
    /// A progress update on a task.
    TaskUpdate,
    /// A source.
    Source,
}

impl NodeKind {
    const ALL: [NodeKind; 11] = [
        NodeKind::Area,
        NodeKind::Organization,
        NodeKind::Official,
        NodeKind::Post,
        NodeKind::Tenure,
        NodeKind::Conference,
        NodeKind::Participation,
        NodeKind::Directive,
        NodeKind::Task,
        NodeKind::TaskUpdate,
        NodeKind::Source,
    ];

    /// The node type of a GraphQL type name.
    pub fn from_name(name: &str) -> Option<NodeKind> {
        NodeKind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// The GraphQL type name.
    pub fn name(self) -> &'static str {
        match self {
            NodeKind::Area => "Area",
            NodeKind::Organization => "Organization",
            NodeKind::Official => "Official",
            NodeKind::Post => "Post",
            NodeKind::Tenure => "Tenure",
            NodeKind::Conference => "Conference",
            NodeKind::Participation => "Participation",
            NodeKind::Directive => "Directive",
            NodeKind::Task => "Task",
            NodeKind::TaskUpdate => "TaskUpdate",
            NodeKind::Source => "Source",
        }
    }
}

/// The global id of row `id` of `kind`.
pub fn encode(kind: NodeKind, id: i32) -> ID {
    ID(URL_SAFE_NO_PAD.encode(format!("{}:{id}", kind.name())))
}

/// The type and row id behind a global id.
pub fn decode(id: &str) -> AppResult<(NodeKind, i32)> {
    let bad = || AppError::bad_input("id", format!("\"{id}\" is not a govtrail node id"));
    let bytes = URL_SAFE_NO_PAD.decode(id.trim_end_matches('=')).map_err(|_| bad())?;
    let text = String::from_utf8(bytes).map_err(|_| bad())?;
    let (name, number) = text.split_once(':').ok_or_else(bad)?;
    let kind = NodeKind::ALL.into_iter().find(|k| k.name() == name).ok_or_else(bad)?;
    let row = number.parse::<i32>().map_err(|_| bad())?;
    Ok((kind, row))
}

/// The row id behind a global id that must be of `expected` type; `field` names the argument.
pub fn decode_as(id: &ID, expected: NodeKind, field: &str) -> AppResult<i32> {
    let (kind, row) =
        decode(id).map_err(|_| AppError::bad_input(field, format!("{field}: \"{}\" is not a node id", id.0)))?;
    if kind != expected {
        return Err(AppError::bad_input(
            field,
            format!("{field}: expected the id of a {}, got the id of a {}", expected.name(), kind.name()),
        ));
    }
    Ok(row)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip() {
        let id = encode(NodeKind::Conference, 42);
        assert_eq!(decode(&id).unwrap(), (NodeKind::Conference, 42));
        assert_eq!(decode_as(&id, NodeKind::Conference, "id").unwrap(), 42);
    }

    #[test]
    fn wrong_type_and_garbage_are_refused() {
        let id = encode(NodeKind::Official, 1);
        assert_eq!(decode_as(&id, NodeKind::Conference, "chairedBy").unwrap_err().code(), "BAD_USER_INPUT");
        for garbage in ["", "!!!", "Q29uZmVyZW5jZQ", "Q29uZmVyZW5jZTp4"] {
            assert!(decode(garbage).is_err(), "{garbage}");
        }
    }
}
