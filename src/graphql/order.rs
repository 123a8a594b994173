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
    Shape::of(&[selection], document).order(data);
}

/// The response keys one level of the answer holds, in selection order, each with the shape
/// under it, worked out the first time an object of the answer needs it: the thousands of
/// objects of a long list share their shape instead of each collecting it again.
struct Shape<'a> {
    keys: Vec<(&'a str, Vec<&'a SelectionSet>)>,
    under: Vec<std::cell::OnceCell<Shape<'a>>>,
    document: &'a ExecutableDocument,
}

impl<'a> Shape<'a> {
    fn of(sets: &[&'a SelectionSet], document: &'a ExecutableDocument) -> Shape<'a> {
        let mut keys: IndexMap<&str, Vec<&SelectionSet>> = IndexMap::new();
        for set in sets {
            collect(set, document, &mut keys, 0);
        }
        let under = keys.iter().map(|_| std::cell::OnceCell::new()).collect();
        Shape { keys: keys.into_iter().collect(), under, document }
    }

    /// Orders `value`, the answer to key `i`; scalars have nothing to order.
    fn order_under(&self, i: usize, value: &mut Value) {
        if matches!(value, Value::List(_) | Value::Object(_)) {
            self.under[i].get_or_init(|| Shape::of(&self.keys[i].1, self.document)).order(value);
        }
    }

    fn order(&self, value: &mut Value) {
        match value {
            Value::List(items) => items.iter_mut().for_each(|item| self.order(item)),
            Value::Object(fields) => {
                // Fields that finished in order (most of them) are left where they are.
                let in_order = fields.len() <= self.keys.len()
                    && fields.keys().zip(&self.keys).all(|(name, (key, _))| name.as_str() == *key);
                if in_order {
                    for (i, field) in fields.values_mut().enumerate() {
                        self.order_under(i, field);
                    }
                    return;
                }
                let mut unordered = std::mem::take(fields);
                for (i, (key, _)) in self.keys.iter().enumerate() {
                    // The order of what is left does not matter: it is put after, and every
                    // response key comes from the selection.
                    if let Some((name, mut field)) = unordered.swap_remove_entry(*key) {
                        self.order_under(i, &mut field);
                        fields.insert(name, field);
                    }
                }
                fields.extend(unordered);
            }
            _ => {}
        }
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
    fn objects_of_a_list_are_ordered_whatever_each_holds() {
        let document = async_graphql::parser::parse_query("{ l { a b { x y } c } }").unwrap();
        let mut data = Value::from_json(serde_json::json!({ "l": [
            { "c": 1, "a": 2 },
            { "a": 1, "b": { "y": 1, "x": 2 }, "c": 3 },
            { "a": 1, "b": null, "c": 3 },
            { "b": { "x": 1, "y": 2 }, "a": 2, "c": 3 }
        ] }))
        .unwrap();
        in_selection_order(&mut data, operation_selection(&document, None).unwrap(), &document);
        assert_eq!(
            serde_json::to_string(&data).unwrap(),
            r#"{"l":[{"a":2,"c":1},{"a":1,"b":{"x":2,"y":1},"c":3},{"a":1,"b":null,"c":3},{"a":2,"b":{"x":1,"y":2},"c":3}]}"#
        );
    }

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
