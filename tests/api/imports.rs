//! Importing a dataset over GraphQL: a multipart request, ADMIN only, with a report per kind.

use crate::helpers::*;
use govtrail::auth::Role;
use serde_json::{Value, json};

const IMPORT: &str = "mutation($file: Upload!, $dry: Boolean) { importDataset(file: $file, dryRun: $dry) { dryRun total { created updated unchanged removed } kinds { kind created updated unchanged removed } } }";

/// Sends `file` as the `$file` variable of the import mutation (GraphQL multipart request).
async fn upload(app: &TestApp, token: &str, file: &str, dry_run: bool) -> Value {
    let operations = json!({ "query": IMPORT, "variables": { "file": null, "dry": dry_run } });
    let form = reqwest::multipart::Form::new()
        .text("operations", operations.to_string())
        .text("map", json!({ "0": ["variables.file"] }).to_string())
        .part(
            "0",
            reqwest::multipart::Part::bytes(file.as_bytes().to_vec())
                .file_name("dataset.json")
                .mime_str("application/json")
                .expect("mime"),
        );
    let response =
        reqwest::Client::new().post(app.url("/graphql")).bearer_auth(token).multipart(form).send().await.expect("send");
    response.json().await.expect("JSON response")
}

fn demo() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/data/ha-giang-2021-07-13.json")).expect("demo")
}

#[tokio::test]
async fn an_admin_imports_a_file_and_gets_counts_per_kind() {
    let app = spawn_app().await;
    let admin = app.token("admin", Role::Admin).await;
    let tried = upload(&app, &admin, &demo(), true).await;
    assert!(tried.get("errors").is_none(), "{tried}");
    assert_eq!(tried["data"]["importDataset"]["dryRun"], true);
    let created = tried["data"]["importDataset"]["total"]["created"].as_i64().expect("created");
    assert!(created > 100, "{tried}");
    let empty = app.data("{ officials { totalCount } }", json!({})).await;
    assert_eq!(empty["officials"]["totalCount"], 0, "a dry run keeps nothing");

    let done = upload(&app, &admin, &demo(), false).await;
    let report = &done["data"]["importDataset"];
    assert_eq!(report["total"]["created"].as_i64(), Some(created), "{done}");
    let officials = report["kinds"].as_array().expect("kinds").iter().find(|k| k["kind"] == "official").cloned();
    assert_eq!(officials.expect("officials counted")["created"], 7);
    let sum: i64 = report["kinds"].as_array().expect("kinds").iter().map(|k| k["created"].as_i64().unwrap_or(0)).sum();
    assert_eq!(sum, created, "the kinds add up to the total");

    let again = upload(&app, &admin, &demo(), false).await;
    assert_eq!(again["data"]["importDataset"]["total"]["created"], 0);
    assert_eq!(again["data"]["importDataset"]["total"]["unchanged"].as_i64(), Some(created));
}

#[tokio::test]
async fn only_an_admin_imports_and_a_bad_file_changes_nothing() {
    let app = spawn_app().await;
    let editor = app.token("editor", Role::Editor).await;
    let refused = upload(&app, &editor, &demo(), false).await;
    assert_eq!(refused["errors"][0]["extensions"]["code"], "FORBIDDEN", "{refused}");
    let admin = app.token("admin", Role::Admin).await;
    let broken = upload(&app, &admin, r#"{ "areas": [ { "key": "x", "name": 5 } ] }"#, false).await;
    assert_eq!(broken["errors"][0]["extensions"]["code"], "BAD_USER_INPUT", "{broken}");
    assert!(broken["errors"][0]["message"].as_str().unwrap_or("").contains("areas[0].name"), "{broken}");
    let dangling = json!({ "organizations": [ { "key": "a", "name": "A", "kind": "OTHER", "parent": "missing" } ] });
    let refused = upload(&app, &admin, &dangling.to_string(), false).await;
    assert_eq!(refused["errors"][0]["extensions"]["code"], "BAD_USER_INPUT", "{refused}");
    let empty = app.data("{ organizations { totalCount } }", json!({})).await;
    assert_eq!(empty["organizations"]["totalCount"], 0);
}
