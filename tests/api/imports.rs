//! Importing a dataset over GraphQL: a multipart request, ADMIN only, with a report per kind.

use crate::helpers::*;
use govtrail::auth::Role;
use serde_json::{Value, json};

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

#[tokio::test]
async fn what_an_import_changes_is_in_the_history_and_can_be_reverted() {
    let app = spawn_app().await;
    let admin = app.token("importer", Role::Admin).await;
    let first = json!({
        "posts": [{ "key": "bi-thu", "title": "Bí thư", "organization": "tu" }],
        "organizations": [{ "key": "tu", "name": "Tỉnh ủy", "kind": "PARTY_COMMITTEE" }],
        "officials": [{ "key": "a", "name": "Nguyễn Văn A", "tenures": [{ "post": "bi-thu", "startedOn": "2020" }] }]
    });
    let done = upload(&app, &admin, &first.to_string(), false).await;
    assert!(done.get("errors").is_none(), "{done}");
    let second = json!({
        "posts": [{ "key": "bi-thu", "title": "Bí thư", "organization": "tu" }],
        "organizations": [{ "key": "tu", "name": "Tỉnh ủy", "kind": "PARTY_COMMITTEE" }],
        "officials": [{ "key": "a", "name": "Nguyễn Văn Á" }]
    });
    let done = upload_merging(&app, &admin, &second.to_string(), false, "REPLACE").await;
    assert_eq!(done["data"]["importDataset"]["total"]["removed"], 1, "{done}");

    let log = app
        .query_as(&admin, "{ auditLog(filter: { actor: \"importer\" }) { nodes { id nodeType action operation fields { field before after } } } }", json!({}))
        .await;
    let changes = log["data"]["auditLog"]["nodes"].as_array().cloned().expect("changes");
    let summary: Vec<String> = changes
        .iter()
        .map(|c| {
            format!(
                "{} {} {}",
                c["operation"].as_str().unwrap_or(""),
                c["action"].as_str().unwrap_or(""),
                c["nodeType"].as_str().unwrap_or("")
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            "importDataset UPDATE Official",
            "importDataset DELETE Tenure",
            "importDataset CREATE Tenure",
            "importDataset CREATE Official",
            "importDataset CREATE Post",
            "importDataset CREATE Organization",
        ],
        "newest first; the unchanged second import of the post and organization is not a change"
    );
    assert_eq!(
        changes[0]["fields"],
        json!([{ "field": "name", "before": "\"Nguyễn Văn A\"", "after": "\"Nguyễn Văn Á\"" }])
    );
    let reverted = app
        .query_as(&admin, "mutation($id: ID!) { revertChange(id: $id) { action } }", json!({ "id": changes[0]["id"] }))
        .await;
    assert_eq!(reverted["data"]["revertChange"]["action"], "UPDATE", "{reverted}");
    let name = app.data("{ officials { nodes { name } } }", json!({})).await;
    assert_eq!(name["officials"]["nodes"][0]["name"], "Nguyễn Văn A");
}

#[tokio::test]
async fn a_large_import_writes_many_rows_a_statement_and_never_gives_a_deleted_id_again() {
    let app = spawn_app().await;
    let admin = app.token("admin", Role::Admin).await;
    let made =
        app.query_as(&admin, r#"mutation { createOfficial(input: { name: "Đã Xóa" }) { id } }"#, json!({})).await;
    let gone = made["data"]["createOfficial"]["id"].as_str().unwrap_or_else(|| panic!("{made}")).to_owned();
    let deleted = app
        .query_as(
            &admin,
            "mutation($id: ID!) { deleteOfficial(id: $id, expectedVersion: 1) { id } }",
            json!({ "id": gone }),
        )
        .await;
    assert!(deleted.get("errors").is_none(), "{deleted}");

    // 7,000 officials of five columns and their tenures of six: more values than one
    // statement may bind, so each of the two tables takes more than one.
    const N: usize = 7_000;
    let officials: Vec<Value> = (0..N)
        .map(|i| {
            json!({ "key": format!("o{i}"), "name": format!("Cán bộ số {i}"),
                    "tenures": [{ "post": "uv", "startedOn": format!("{}", 2000 + i % 20) }] })
        })
        .collect();
    let file = json!({
        "organizations": [{ "key": "tu", "name": "Tỉnh ủy", "kind": "PARTY_COMMITTEE" }],
        "posts": [{ "key": "uv", "title": "Ủy viên", "organization": "tu" }],
        "officials": officials
    });
    let seen = app.statements_seen();
    let done = upload(&app, &admin, &file.to_string(), false).await;
    assert_eq!(done["data"]["importDataset"]["total"]["created"].as_u64(), Some(2 * N as u64 + 2), "{done}");
    // The history of an import made over GraphQL is still written one node at a time.
    let inserts: Vec<String> = app
        .statements_since(seen)
        .into_iter()
        .filter(|s| s.trim_start().starts_with("INSERT") && !s.contains("INTO \"change\""))
        .collect();
    let into = |table: &str| inserts.iter().filter(|s| s.contains(&format!("INTO \"{table}\""))).count();
    assert_eq!((into("official"), into("tenure")), (2, 2), "officials and tenures in two statements each");
    // The search log is written beside the search text, a statement for a statement.
    assert_eq!(into("search_change"), into("search_index"));
    let inserts: Vec<String> = inserts.into_iter().filter(|s| !s.contains("INTO \"search_change\"")).collect();
    assert!(
        inserts.len() <= 10,
        "{} INSERT statements for {} rows: {:?}",
        inserts.len(),
        3 * N + 3,
        inserts.iter().map(|s| s.chars().take(60).collect::<String>()).collect::<Vec<_>>()
    );

    let found = app
        .data(
            r#"{ officials(filter: { text: "Cán bộ số 6999" }, first: 1) { totalCount nodes { key tenures { post { title } } } }
                 all: officials { totalCount }
                 search(text: "can bo so 6998") { edges { node { node { ... on Official { key } } } } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(found["all"]["totalCount"].as_u64(), Some(N as u64));
    assert_eq!(found["officials"]["nodes"][0]["key"], "o6999");
    assert_eq!(found["officials"]["nodes"][0]["tenures"], json!([{ "post": { "title": "Ủy viên" } }]));
    assert_eq!(found["search"]["edges"][0]["node"]["node"]["key"], "o6998", "{found}");
    let node = app.data("query($id: ID!) { node(id: $id) { id } }", json!({ "id": gone })).await;
    assert_eq!(node["node"], Value::Null, "the deleted official's id names nothing, not an imported one");
}

/// A province with one official holding two posts, each cited, and a conference he chaired.
fn stored_province() -> Value {
    json!({
        "sources": [{ "key": "r1", "title": "Báo cáo 1", "publishedOn": "2021-07-13" }],
        "organizations": [{ "key": "tu", "name": "Tỉnh ủy Thử", "shortName": "TU", "kind": "PARTY_COMMITTEE" }],
        "posts": [
            { "key": "pbt", "title": "Phó Bí thư Tỉnh ủy", "organization": "tu" },
            { "key": "ct", "title": "Chủ tịch HĐND tỉnh", "organization": "tu" }
        ],
        "officials": [{ "key": "a", "name": "Nguyễn Văn A", "tenures": [
            { "post": "pbt", "startedOn": "2020-10", "sources": [{ "source": "r1", "quote": "Phó Bí thư Tỉnh ủy" }] },
            { "post": "ct", "sources": ["r1"] }
        ] }],
        "conferences": [{ "key": "hn", "title": "Hội nghị", "kind": "CONFERENCE", "format": "ONLINE", "date": "2021-07-13",
            "venue": "Hội trường Tỉnh ủy", "participants": [{ "official": "a", "role": "CHAIR", "capacity": "Phó Bí thư Tỉnh ủy" }] }]
    })
}

/// A later report's file: the official with one new post, the conference again without its
/// venue or participants, the body without its short name.
fn later_report() -> Value {
    json!({
        "sources": [{ "key": "r2", "title": "Báo cáo 2", "publishedOn": "2024-03-01" }],
        "organizations": [{ "key": "tu", "name": "Tỉnh ủy Thử", "kind": "PARTY_COMMITTEE" }],
        "posts": [{ "key": "bt", "title": "Bí thư Tỉnh ủy", "organization": "tu" }],
        "officials": [{ "key": "a", "name": "Nguyễn Văn A", "tenures": [
            { "post": "bt", "sources": ["r2"] },
            { "post": "pbt", "endedOn": "2024-02", "sources": ["r2"] }
        ] }],
        "conferences": [{ "key": "hn", "title": "Hội nghị", "kind": "CONFERENCE", "date": "2021-07-13" }]
    })
}

const OFFICIAL: &str =
    "{ officials(first: 5) { nodes { tenures { post { key } startedOn endedOn citations { quote source { key } } } } }
    conferences(first: 5) { nodes { venue format participants { role capacity } } }
    organizations(first: 5) { nodes { shortName } } }";

#[tokio::test]
async fn an_import_adds_and_updates_and_never_loses_what_it_does_not_mention() {
    let app = spawn_with(stored_province()).await;
    let admin = app.token("importer", Role::Admin).await;
    let done = upload(&app, &admin, &later_report().to_string(), false).await;
    assert!(done.get("errors").is_none(), "{done}");
    assert_eq!(done["data"]["importDataset"]["merge"], "ADD_AND_UPDATE");
    assert_eq!(done["data"]["importDataset"]["total"]["removed"], 0);

    let data = app.data(OFFICIAL, json!({})).await;
    let tenures = data["officials"]["nodes"][0]["tenures"].as_array().unwrap().clone();
    let of = |post: &str| {
        tenures.iter().find(|t| t["post"]["key"] == post).cloned().unwrap_or_else(|| panic!("no {post}: {tenures:?}"))
    };
    assert_eq!(tenures.len(), 3, "the new post is added, the other two stay: {tenures:?}");
    assert_eq!(
        (of("pbt")["startedOn"].as_str(), of("pbt")["endedOn"].as_str()),
        (Some("2020-10"), Some("2024-02")),
        "the start stays, the end is added"
    );
    let deputy = of("pbt");
    let cited: Vec<&str> =
        deputy["citations"].as_array().unwrap().iter().map(|c| c["source"]["key"].as_str().unwrap()).collect();
    assert_eq!(cited, ["r1", "r2"], "citations gain, never lose");
    assert_eq!(of("pbt")["citations"][0]["quote"], "Phó Bí thư Tỉnh ủy", "the stored quote stays");
    assert_eq!(of("ct")["citations"][0]["source"]["key"], "r1", "a tenure the file does not mention stays whole");
    let conference = &data["conferences"]["nodes"][0];
    assert_eq!(conference["venue"], "Hội trường Tỉnh ủy", "an omitted field stays as stored");
    assert_eq!(conference["format"], "ONLINE", "an omitted format is not a new UNKNOWN");
    assert_eq!(conference["participants"].as_array().unwrap().len(), 1);
    assert_eq!(data["organizations"]["nodes"][0]["shortName"], "TU");
    let found = app.data("{ organizations(filter: { text: \"TU\" }) { totalCount } }", json!({})).await;
    assert_eq!(found["organizations"]["totalCount"], 1, "the short name is still searched");
}

#[tokio::test]
async fn a_dry_run_lists_every_field_changed_and_every_item_a_replacing_import_would_remove() {
    let app = spawn_with(stored_province()).await;
    let admin = app.token("importer", Role::Admin).await;
    let before = app.data(OFFICIAL, json!({})).await;
    let dry = upload_merging(&app, &admin, &later_report().to_string(), true, "REPLACE").await;
    assert!(dry.get("errors").is_none(), "{dry}");
    let report = &dry["data"]["importDataset"];
    let changes = report["changes"].as_array().unwrap();
    let removed: Vec<(String, String)> = changes
        .iter()
        .filter(|c| c["removed"] == true)
        .map(|c| (c["kind"].as_str().unwrap().to_owned(), c["record"].as_str().unwrap().to_owned()))
        .collect();
    assert!(removed.iter().any(|(kind, _)| kind == "tenure"), "the tenure not listed is named: {removed:?}");
    assert!(removed.iter().any(|(kind, _)| kind == "participation"), "{removed:?}");
    assert_eq!(report["total"]["removed"].as_u64().unwrap() as usize, removed.len(), "every removal is listed");
    let venue = changes
        .iter()
        .find(|c| c["kind"] == "conference" && c["removed"] == false)
        .and_then(|c| c["fields"].as_array().unwrap().iter().find(|f| f["field"] == "venue").cloned());
    assert_eq!(venue, Some(json!({ "field": "venue", "before": "Hội trường Tỉnh ủy", "after": null })), "{changes:?}");
    assert_eq!(app.data(OFFICIAL, json!({})).await, before, "a dry run changes nothing");

    // The default, by contrast, would remove nothing and lists only what it updates.
    let dry = upload(&app, &admin, &later_report().to_string(), true).await;
    let changes = dry["data"]["importDataset"]["changes"].as_array().unwrap().clone();
    assert!(changes.iter().all(|c| c["removed"] == false), "{changes:?}");
    let ended = changes.iter().find(|c| c["kind"] == "tenure").expect("the tenure's end is an update");
    assert_eq!(ended["fields"], json!([{ "field": "ended_on", "before": null, "after": "2024-02" }]));
}
