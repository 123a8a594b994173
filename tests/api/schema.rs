//! The committed SDL matches the code, and every type, field, argument and value is described.

use crate::helpers::*;
use serde_json::json;

#[test]
fn schema_graphql_is_the_generated_sdl() {
    let committed =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql")).expect("schema.graphql");
    let generated = govtrail::graphql::build_schema().sdl();
    assert!(
        committed == generated,
        "schema.graphql has drifted from the code: run `cargo run -- schema > schema.graphql` and commit it"
    );
}

const INTROSPECTION: &str = "{ __schema { types { name kind description
    fields(includeDeprecated: true) { name description args { name description } }
    inputFields { name description }
    enumValues(includeDeprecated: true) { name description } } } }";

#[tokio::test]
async fn every_type_field_argument_and_value_has_a_description() {
    let app = spawn_app().await;
    let data = app.data(INTROSPECTION, json!({})).await;
    let mut missing = Vec::new();
    let described = |v: &serde_json::Value| v.as_str().is_some_and(|s| !s.trim().is_empty());
    for ty in data["__schema"]["types"].as_array().unwrap() {
        let name = ty["name"].as_str().unwrap();
        if name.starts_with("__") || ["String", "Int", "Float", "Boolean", "ID"].contains(&name) {
            continue;
        }
        if !described(&ty["description"]) {
            missing.push(name.to_owned());
        }
        for field in ty["fields"].as_array().into_iter().flatten() {
            if !described(&field["description"]) {
                missing.push(format!("{name}.{}", field["name"]));
            }
            for arg in field["args"].as_array().into_iter().flatten() {
                if !described(&arg["description"]) {
                    missing.push(format!("{name}.{}({})", field["name"], arg["name"]));
                }
            }
        }
        for list in ["inputFields", "enumValues"] {
            for item in ty[list].as_array().into_iter().flatten() {
                if !described(&item["description"]) {
                    missing.push(format!("{name}.{}", item["name"]));
                }
            }
        }
    }
    assert!(missing.is_empty(), "undescribed: {missing:?}");
}
