//! `search`: ranked, diacritic-insensitive, across types, backed by the full-text index.

use crate::helpers::*;
use serde_json::{Value, json};

async fn hits(app: &TestApp, text: &str, types: Value) -> Vec<Value> {
    let data = app
        .data(
            "query($t: String!, $types: [SearchType!]) { search(text: $t, types: $types, first: 20) { totalCount edges { cursor node { score type node { __typename id
                ... on Directive { code } ... on Official { name } ... on Organization { name } ... on Conference { title } ... on Task { title } ... on Post { title } } } } } }",
            json!({ "t": text, "types": types }),
        )
        .await;
    data["search"]["edges"].as_array().unwrap().iter().map(|e| e["node"].clone()).collect()
}

#[tokio::test]
async fn the_scheme_ranks_first_however_its_code_is_written() {
    let app = spawn_demo().await;
    for text in ["de an 06", "Đề án 06", "06-ĐA/TU", "06-DA/TU", "06 da tu"] {
        let found = hits(&app, text, Value::Null).await;
        assert!(found.len() > 1, "{text}: the conference and task that name it match too");
        assert_eq!(found[0]["node"]["code"], "06-ĐA/TU", "{text}: {:?}", found.first());
        assert_eq!(found[0]["type"], "DIRECTIVE");
        let scores: Vec<f64> = found.iter().map(|h| h["score"].as_f64().unwrap()).collect();
        assert!(scores.windows(2).all(|w| w[0] >= w[1]), "best first: {scores:?}");
    }
}

#[tokio::test]
async fn search_covers_every_type_and_narrows_by_type() {
    let app = spawn_demo().await;
    let found = hits(&app, "tran manh loi", Value::Null).await;
    assert_eq!(found[0]["node"]["name"], "Trần Mạnh Lợi");
    let types: Vec<String> = hits(&app, "dan van", Value::Null)
        .await
        .iter()
        .map(|h| h["node"]["__typename"].as_str().unwrap().to_owned())
        .collect();
    for expected in ["Organization", "Post", "Conference", "Task", "Directive"] {
        assert!(types.iter().any(|t| t == expected), "{expected} missing from {types:?}");
    }
    let only_posts = hits(&app, "dan van", json!(["POST"])).await;
    assert!(!only_posts.is_empty());
    assert!(only_posts.iter().all(|h| h["node"]["__typename"] == "Post"));
    assert!(hits(&app, "khong co gi nhu the nay", Value::Null).await.is_empty());
}

#[tokio::test]
async fn search_pages_and_refuses_empty_text() {
    let app = spawn_demo().await;
    let query = "query($c: String) { search(text: \"tinh\", first: 3, after: $c) { totalCount edges { cursor node { type node { id } } } pageInfo { hasNextPage hasPreviousPage endCursor } } }";
    let first = app.data(query, json!({ "c": null })).await;
    let total = first["search"]["totalCount"].as_u64().unwrap();
    assert!(total > 3);
    let mut seen = Vec::new();
    let mut cursor = Value::Null;
    loop {
        let page = app.data(query, json!({ "c": cursor })).await;
        for edge in page["search"]["edges"].as_array().unwrap() {
            seen.push(edge["node"]["node"]["id"].clone());
        }
        if page["search"]["pageInfo"]["hasNextPage"] != true {
            break;
        }
        cursor = page["search"]["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(seen.len() as u64, total);
    assert_eq!(app.error_code("{ search(text: \"  --  \") { totalCount } }", json!({})).await, "BAD_USER_INPUT");
    assert_eq!(app.error_code("{ search(text: \"x\", first: 101) { totalCount } }", json!({})).await, "BAD_USER_INPUT");
    let quotes = app.data("{ search(text: \"\\\" OR 1=1 --\") { totalCount } }", json!({})).await;
    assert_eq!(quotes["search"]["totalCount"], 0);
}

#[tokio::test]
async fn reimporting_keeps_one_index_entry_per_node() {
    let app = spawn_with(json!({ "officials": [{ "key": "a", "name": "Hoàng Văn Một" }] })).await;
    assert_eq!(hits(&app, "hoang van mot", Value::Null).await.len(), 1);
}

#[tokio::test]
async fn on_postgresql_search_and_text_filters_use_indexes() {
    use sea_orm::{EntityTrait, QueryFilter, QueryTrait};
    let app = spawn_demo().await;
    if !app.database_url.starts_with("postgres") {
        return; // SQLite: FTS5 is the index, and it is the only way to query the search table.
    }
    // `search` as the server runs it, with its one parameter.
    let statements = app.statements_for("{ search(text: \"nguyen\") { totalCount } }", json!({})).await;
    let search = statements.iter().find(|sql| sql.contains("search_index")).expect("the search statement");
    let search_plan = plan(&app.database_url, search, vec!["nguyen:*".into()], &["enable_seqscan"]).await;
    assert!(search_plan.contains("ix_search_index_vector"), "{search_plan}");
    // A list's text filter, with the condition the server builds.
    let filter = govtrail::store::filters::OfficialFilter { text: Some("nguyen manh".to_owned()) };
    let list = entity::official::Entity::find().filter(filter.condition()).build(sea_orm::DatabaseBackend::Postgres);
    let values = list.values.map(|v| v.0).unwrap_or_default();
    let list_plan = plan(&app.database_url, &list.sql, values, &["enable_seqscan"]).await;
    assert!(list_plan.contains("ix_official_name_folded_trgm"), "{list_plan}");
    assert!(!list_plan.contains("Seq Scan"), "{list_plan}");
}

#[tokio::test]
async fn documents_are_found_as_the_reports_word_them() {
    let app = spawn_with(json!({
        "organizations": [{ "key": "tu", "name": "Tỉnh ủy Thử", "kind": "PARTY_COMMITTEE" }],
        "directives": [
            { "key": "da-02", "kind": "SCHEME", "number": "02", "title": "Phát triển du lịch cộng đồng", "issuer": "tu" },
            { "key": "nq-26", "kind": "RESOLUTION", "number": "26", "title": "Về chuyển đổi số tỉnh", "issuer": "tu" },
            { "key": "nq-06", "code": "06-NQ/TU", "title": "Về xây dựng nông thôn mới", "issuer": "tu" }
        ],
        "conferences": [
            { "key": "hn-1", "title": "Hội nghị sơ kết Đề án số 02 về phát triển du lịch", "kind": "CONFERENCE", "date": "2024-05-02" },
            { "key": "hn-2", "title": "Hội nghị triển khai Nghị quyết số 26 về chuyển đổi số", "kind": "CONFERENCE", "date": "2024-06-10" }
        ]
    }))
    .await;
    for (text, key) in [
        ("Đề án số 02", "da-02"),
        ("de an so 02", "da-02"),
        ("ĐA 02", "da-02"),
        ("Nghị quyết số 26", "nq-26"),
        ("NQ 26", "nq-26"),
        ("NQ 06", "nq-06"),
        ("nghi quyet so 06", "nq-06"),
    ] {
        let data = app
            .data(
                "query($t: String!) { search(text: $t, first: 5) { edges { node { type node { ... on Directive { key } ... on Conference { key } } } } } }",
                json!({ "t": text }),
            )
            .await;
        let found: Vec<Value> = data["search"]["edges"].as_array().unwrap().iter().map(|e| e["node"].clone()).collect();
        assert_eq!(found.first().map(|h| h["node"]["key"].clone()), Some(json!(key)), "{text}: {found:?}");
        assert_eq!(found[0]["type"], "DIRECTIVE", "{text}: the directive above the conferences that name it");
    }
    let listed = app.data("{ directives(filter: { text: \"Đề án số 02\" }) { totalCount } }", json!({})).await;
    assert_eq!(listed["directives"]["totalCount"], 1, "the text filter reads the same way");
    let digital = app.data("{ search(text: \"chuyển đổi số\") { totalCount } }", json!({})).await;
    assert_eq!(digital["search"]["totalCount"], 2, "a title's own \"số\" is still searched");
}
