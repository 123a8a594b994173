//! Global node ids: opaque to clients, they carry the node's type and its row id.

use crate::error::{AppError, AppResult};
use async_graphql::{ID, MaybeUndefined};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

pub use crate::domain::node::NodeType;

/// The global id of row `id` of `kind`.
pub fn encode(kind: NodeType, id: i32) -> ID {
    ID(URL_SAFE_NO_PAD.encode(format!("{}:{id}", kind.name())))
}

/// The type and row id behind a global id.
pub fn decode(id: &str) -> AppResult<(NodeType, i32)> {
    let bad = || AppError::bad_input("id", format!("\"{id}\" is not a govtrail node id"));
    let bytes = URL_SAFE_NO_PAD.decode(id.trim_end_matches('=')).map_err(|_| bad())?;
    let text = String::from_utf8(bytes).map_err(|_| bad())?;
    let (name, number) = text.split_once(':').ok_or_else(bad)?;
    let kind = NodeType::from_name(name).ok_or_else(bad)?;
    let row = number.parse::<i32>().map_err(|_| bad())?;
    Ok((kind, row))
}

/// The row id behind a global id that must be of `expected` type; `field` names the argument.
pub fn decode_as(id: &ID, expected: NodeType, field: &str) -> AppResult<i32> {
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

/// The row id behind an optional global id of `expected` type.
pub fn decode_opt(id: Option<ID>, expected: NodeType, field: &str) -> AppResult<Option<i32>> {
    id.map(|id| decode_as(&id, expected, field)).transpose()
}

/// The row id behind a global id of `expected` type that may be left out or `null`.
pub fn decode_maybe(id: MaybeUndefined<ID>, expected: NodeType, field: &str) -> AppResult<MaybeUndefined<i32>> {
    id.map_value(|id| decode_as(&id, expected, field)).transpose()
}

/// The row ids behind a list of global ids of `expected` type; `field` names the list.
pub fn decode_list(ids: Vec<ID>, expected: NodeType, field: &str) -> AppResult<Vec<i32>> {
    ids.iter().enumerate().map(|(i, id)| decode_as(id, expected, &format!("{field}[{i}]"))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip() {
        let id = encode(NodeType::Conference, 42);
        assert_eq!(decode(&id).unwrap(), (NodeType::Conference, 42));
        assert_eq!(decode_as(&id, NodeType::Conference, "id").unwrap(), 42);
    }

    #[test]
    fn wrong_type_and_garbage_are_refused() {
        let id = encode(NodeType::Official, 1);
        assert_eq!(decode_as(&id, NodeType::Conference, "chairedBy").unwrap_err().code(), "BAD_USER_INPUT");
        for garbage in ["", "!!!", "Q29uZmVyZW5jZQ", "Q29uZmVyZW5jZTp4"] {
            assert!(decode(garbage).is_err(), "{garbage}");
        }
    }
}
