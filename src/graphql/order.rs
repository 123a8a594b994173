//! Puts the fields of an answer in the order of the query's selection set, as the GraphQL
//! specification asks. The engine resolves the fields of an object concurrently and keeps them
//! in the order they finish, so on a database whose statements finish in any order (PostgreSQL)
//! the same query came back in different orders from run to run.

use async_graphql::Value;
use async_graphql::indexmap::IndexMap;
use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};

/// The selection set of the operation `name` (the only one when none is named).
pub fn operation_selection<'a>(document: &'a ExecutableDocument, name: Option<&str>) -> Option<&'a SelectionSet> {
    let operation = match name {
        Some(name) => document.operations.iter().find(|(n, _)| n.map(|n| n.as_str()) == Some(name)),
        None => document.operations.iter().next(),
    };
    operation.map(|(_, op)| &op.node.selection_set.node)
}

/// Reorders `data`, the answer to `selection`, at every level.
pub fn in_selection_order(data: &mut Value, selection: &SelectionSet, document: &ExecutableDocument) {
    order(data, &[selection], document);
}

fn order(value: &mut Value, sets: &[&SelectionSet], document: &ExecutableDocument) {
    match value {
        Value::List(items) => items.iter_mut().for_each(|item| order(item, sets, document)),
        Value::Object(fields) => {
            let mut keys: IndexMap<&str, Vec<&SelectionSet>> = IndexMap::new();
            for set in sets {
                collect(set, document, &mut keys, 0);
            }
            let mut unordered = std::mem::take(fields);
            for (key, inner) in keys {
                if let Some((name, mut field)) = unordered.shift_remove_entry(key) {
                    order(&mut field, &inner, document);
                    fields.insert(name, field);
                }
            }
            fields.extend(unordered);
        }
        _ => {}
    }
}

/// The response keys `set` selects, in document order, each with the selection sets under it
/// (fragments expanded; a key selected twice merges its sets).
fn collect<'a>(
    set: &'a SelectionSet,
    document: &'a ExecutableDocument,
    keys: &mut IndexMap<&'a str, Vec<&'a SelectionSet>>,
    level: usize,
) {
    // Validation refuses fragment cycles and the limits bound nesting; this is a backstop.
    if level > crate::limits::MAX_NESTING {
        return;
    }
    for item in &set.items {
        match &item.node {
            Selection::Field(field) => {
                let key = field.node.alias.as_ref().unwrap_or(&field.node.name).node.as_str();
                keys.entry(key).or_default().push(&field.node.selection_set.node);
            }
            Selection::InlineFragment(fragment) => {
                collect(&fragment.node.selection_set.node, document, keys, level + 1);
            }
            Selection::FragmentSpread(spread) => {
                if let Some(fragment) = document.fragments.get(&spread.node.fragment_name.node) {
                    collect(&fragment.node.selection_set.node, document, keys, level + 1);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_follow_the_selection_set_through_aliases_and_fragments() {
        let document =
            async_graphql::parser::parse_query("{ b a: x { z ...F } ... on Query { c } } fragment F on X { y w }")
                .unwrap();
        let mut data = Value::from_json(serde_json::json!({
            "c": 1, "a": [{ "w": 1, "y": 2, "z": 3 }, { "y": 2, "z": 3, "w": 1 }], "b": 2
        }))
        .unwrap();
        let selection = operation_selection(&document, None).unwrap();
        in_selection_order(&mut data, selection, &document);
        assert_eq!(
            serde_json::to_string(&data).unwrap(),
            r#"{"b":2,"a":[{"z":3,"y":2,"w":1},{"z":3,"y":2,"w":1}],"c":1}"#
        );
    }
}
