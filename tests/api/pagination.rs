//! Relay pagination: the size cap, stable pages across ties in both directions, foreign cursors.

use crate::helpers::*;
use serde_json::{Value, json};

fn same_day(count: usize) -> Value {
    let conferences: Vec<Value> = (0..count)
        .map(|i| {
            json!({ "key": format!("c{i}"), "title": format!("Hội nghị {}", (count - i) % 3), "kind": "MEETING", "format": "IN_PERSON",
                    "date": "2022-03-01", "partOfDay": if i % 2 == 0 { "MORNING" } else { "AFTERNOON" } })
        })
        .collect();
    json!({ "conferences": conferences })
}

#[tokio::test]
async fn pages_are_capped_at_100() {
    let app = spawn_demo().await;
    let response = app.query("{ conferences(first: 101) { totalCount } }", json!({})).await;
    assert_eq!(response["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
    assert_eq!(response["errors"][0]["extensions"]["field"], "first");
    assert!(response["errors"][0]["message"].as_str().unwrap().contains("100"));
    assert_eq!(app.error_code("{ officials(last: 101) { totalCount } }", json!({})).await, "BAD_USER_INPUT");
    assert_eq!(app.error_code("{ tasks(first: -1) { totalCount } }", json!({})).await, "BAD_USER_INPUT");
    assert_eq!(app.error_code("{ tasks(first: 1, last: 1) { totalCount } }", json!({})).await, "BAD_USER_INPUT");
    app.data("{ conferences(first: 100) { totalCount } }", json!({})).await;
}

async fn walk(app: &TestApp, order: &str, forward: bool, size: usize) -> Vec<String> {
    let query = format!(
        "query($n: Int, $c: String) {{ conferences(orderBy: [{order}], {}) {{ totalCount edges {{ node {{ key }} }} pageInfo {{ hasNextPage hasPreviousPage startCursor endCursor }} }} }}",
        if forward { "first: $n, after: $c" } else { "last: $n, before: $c" }
    );
    let mut cursor: Option<String> = None;
    let mut seen: Vec<String> = Vec::new();
    for _ in 0..20 {
        let data = app.data(&query, json!({ "n": size, "c": cursor })).await;
        let connection = &data["conferences"];
        let mut keys: Vec<String> = nodes(connection).iter().map(|n| n["key"].as_str().unwrap().to_owned()).collect();
        let info = &connection["pageInfo"];
        if forward {
            assert_eq!(info["hasPreviousPage"], cursor.is_some());
            seen.extend(keys);
            if info["hasNextPage"] != true {
                break;
            }
            cursor = info["endCursor"].as_str().map(str::to_owned);
        } else {
            assert_eq!(info["hasNextPage"], cursor.is_some());
            keys.extend(seen);
            seen = keys;
            if info["hasPreviousPage"] != true {
                break;
            }
            cursor = info["startCursor"].as_str().map(str::to_owned);
        }
    }
    seen
}

#[tokio::test]
async fn pages_are_stable_across_ties_in_both_directions() {
    let app = spawn_with(same_day(11)).await;
    for order in ["DATE_ASC", "DATE_DESC", "TITLE_ASC", "TITLE_DESC, DATE_ASC"] {
        let all = walk(&app, order, true, 100).await;
        assert_eq!(all.len(), 11);
        for size in [1, 3, 4] {
            assert_eq!(walk(&app, order, true, size).await, all, "{order} forward by {size}");
            assert_eq!(walk(&app, order, false, size).await, all, "{order} backward by {size}");
        }
    }
    let by_date = walk(&app, "DATE_ASC", true, 100).await;
    let mornings: Vec<&String> = by_date.iter().take(6).collect();
    assert!(mornings.iter().all(|k| k[1..].parse::<usize>().unwrap() % 2 == 0), "mornings first: {by_date:?}");
}

#[tokio::test]
async fn a_cursor_of_another_ordering_is_refused() {
    let app = spawn_with(same_day(3)).await;
    let data = app.data("{ conferences(first: 1, orderBy: [TITLE_ASC]) { pageInfo { endCursor } } }", json!({})).await;
    let cursor = data["conferences"]["pageInfo"]["endCursor"].clone();
    let code = app
        .error_code("query($c: String) { conferences(first: 1, after: $c) { totalCount } }", json!({ "c": cursor }))
        .await;
    assert_eq!(code, "BAD_USER_INPUT");
    assert_eq!(
        app.error_code("{ conferences(after: \"not-a-cursor\") { totalCount } }", json!({})).await,
        "BAD_USER_INPUT"
    );
}

#[tokio::test]
async fn nodes_and_edges_agree_and_counts_ignore_the_page() {
    let app = spawn_with(same_day(5)).await;
    let data = app
        .data("{ conferences(first: 2) { totalCount nodes { key } edges { node { key } cursor } } }", json!({}))
        .await;
    assert_eq!(data["conferences"]["totalCount"], 5);
    let from_nodes: Vec<&Value> = data["conferences"]["nodes"].as_array().unwrap().iter().map(|n| &n["key"]).collect();
    let from_edges: Vec<&Value> =
        data["conferences"]["edges"].as_array().unwrap().iter().map(|e| &e["node"]["key"]).collect();
    assert_eq!(from_nodes, from_edges);
    assert_eq!(from_nodes.len(), 2);
}
