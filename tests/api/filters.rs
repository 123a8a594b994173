//! `and`, `or` and `not` in conference and task filters, also while paging.

use crate::helpers::*;
use serde_json::{Value, json};

async fn count(app: &TestApp, list: &str, kind: &str, filter: Value) -> u64 {
    let query = format!("query($f: {kind}) {{ {list}(filter: $f) {{ totalCount }} }}");
    app.data(&query, json!({ "f": filter })).await[list]["totalCount"].as_u64().unwrap()
}

#[tokio::test]
async fn combinators_on_conferences() {
    let app = spawn_demo().await;
    let dung = id_of(&app, "officials", "Nguyễn Mạnh Dũng").await;
    let son = id_of(&app, "officials", "Thào Hồng Sơn").await;
    let ha_giang = id_of(&app, "areas", "Hà Giang").await;
    let c = |f: Value| count(&app, "conferences", "ConferenceFilter", f);
    assert_eq!(c(json!({ "or": [{ "chairedBy": dung }, { "chairedBy": son }] })).await, 2);
    assert_eq!(c(json!({ "not": [{ "format": ["ONLINE"] }] })).await, 1);
    assert_eq!(
        c(json!({ "not": [{ "format": ["ONLINE"] }, { "area": ha_giang }] })).await,
        0,
        "the one in person is in Hà Giang"
    );
    assert_eq!(c(json!({ "not": [{ "area": ha_giang }] })).await, 1, "Hà Nội");
    assert_eq!(c(json!({ "and": [{ "area": ha_giang }, { "format": ["ONLINE"] }] })).await, 2);
    assert_eq!(
        c(json!({ "area": ha_giang, "or": [{ "text": "tu phap" }, { "kind": ["THEMATIC_CONFERENCE"] }] })).await,
        2
    );
    assert_eq!(
        c(json!({ "not": [{ "or": [{ "chairedBy": dung }, { "not": [{ "area": ha_giang }] }] }] })).await,
        2,
        "in Hà Giang and not chaired by Nguyễn Mạnh Dũng"
    );
    assert_eq!(c(json!({ "or": [] })).await, 4, "an empty or adds no condition");
}

#[tokio::test]
async fn combinators_on_tasks() {
    let app = spawn_demo().await;
    let ban = id_of(&app, "organizations", "Ban Dân vận Tỉnh ủy Hà Giang").await;
    let c = |f: Value| count(&app, "tasks", "TaskFilter", f);
    assert_eq!(c(json!({ "not": [{ "assignee": ban }] })).await, 11);
    assert_eq!(c(json!({ "or": [{ "assignee": ban }, { "text": "tao hon" }] })).await, 2);
    assert_eq!(c(json!({ "and": [{ "status": ["OPEN"] }], "not": [{ "overdueAsOf": "2022-01-01" }] })).await, 1);
}

#[tokio::test]
async fn filters_nest_only_so_deep() {
    let app = spawn_demo().await;
    let mut filter = json!({ "text": "hoi nghi" });
    for _ in 0..6 {
        filter = json!({ "and": [filter] });
    }
    let query = "query($f: ConferenceFilter) { conferences(filter: $f) { totalCount } }";
    assert_eq!(app.error_code(query, json!({ "f": filter })).await, "BAD_USER_INPUT");
    let mut shallow = json!({ "text": "hoi nghi" });
    for _ in 0..4 {
        shallow = json!({ "and": [shallow] });
    }
    assert_eq!(app.data(query, json!({ "f": shallow })).await["conferences"]["totalCount"], 4);
}

#[tokio::test]
async fn combined_filters_page_across_ties() {
    let conferences: Vec<Value> = (0..14)
        .map(|i| {
            json!({ "key": format!("c{i:02}"), "title": format!("Họp {}", i % 2), "kind": if i % 3 == 0 { "MEETING" } else { "CONFERENCE" },
                    "format": "IN_PERSON", "date": format!("2022-05-{:02}", 1 + i % 2) })
        })
        .collect();
    let app = spawn_with(json!({ "conferences": conferences })).await;
    let filter = json!({ "or": [{ "kind": ["MEETING"] }, { "text": "hop 1" }] });
    let query = "query($f: ConferenceFilter, $c: String) { conferences(filter: $f, first: 2, after: $c, orderBy: [TITLE_DESC, DATE_ASC]) { totalCount edges { node { key } } pageInfo { hasNextPage endCursor } } }";
    let mut cursor = Value::Null;
    let mut keys = Vec::new();
    loop {
        let data = app.data(query, json!({ "f": filter, "c": cursor })).await;
        keys.extend(nodes(&data["conferences"]).iter().map(|n| n["key"].as_str().unwrap().to_owned()));
        if data["conferences"]["pageInfo"]["hasNextPage"] != true {
            break;
        }
        cursor = data["conferences"]["pageInfo"]["endCursor"].clone();
    }
    // Meetings: 0, 3, 6, 9, 12; odd titles ("Họp 1"): 1, 3, 5, 7, 9, 11, 13. Together 10.
    let mut sorted = keys.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), 10, "{keys:?}");
    assert_eq!(keys.len(), 10, "no row twice: {keys:?}");
    assert!(keys[..7].iter().all(|k| k[1..].parse::<u32>().unwrap() % 2 == 1), "Họp 1 before Họp 0: {keys:?}");
}

#[tokio::test]
async fn conferences_by_participant_directive_kind_and_relation() {
    let app = spawn_demo().await;
    let c = |f: Value| count(&app, "conferences", "ConferenceFilter", f);
    let dung = id_of(&app, "officials", "Nguyễn Mạnh Dũng").await;
    let chien = id_of(&app, "officials", "Chúng Thị Chiên").await;
    let scheme = id_of(&app, "directives", "06-ĐA/TU").await;
    assert_eq!(c(json!({ "participant": dung })).await, 1, "chair and speaker at one conference");
    assert_eq!(c(json!({ "participant": chien })).await, 1, "an attendee counts");
    assert_eq!(c(json!({ "chairedBy": chien })).await, 0);
    assert_eq!(c(json!({ "directiveKind": ["PLAN"] })).await, 1);
    assert_eq!(c(json!({ "directiveKind": ["NOTICE"] })).await, 0);
    assert_eq!(c(json!({ "directiveRelation": ["REVIEWS"] })).await, 1);
    assert_eq!(c(json!({ "directive": scheme, "directiveRelation": ["REVIEWS"] })).await, 1);
    assert_eq!(c(json!({ "directive": scheme, "directiveRelation": ["DEPLOYS"] })).await, 0, "one link meets both");
    assert_eq!(
        c(json!({ "directiveKind": ["PLAN"], "directiveRelation": ["REVIEWS"] })).await,
        0,
        "the plan is deployed"
    );
    assert_eq!(c(json!({ "not": [{ "participant": dung }] })).await, 3);
}
