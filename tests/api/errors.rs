//! Bad input gets a clear error with a stable code and no internals.

use crate::helpers::*;
use serde_json::json;

#[tokio::test]
async fn malformed_and_mistyped_ids() {
    let app = spawn_demo().await;
    assert_eq!(app.error_code("{ node(id: \"garbage\") { id } }", json!({})).await, "BAD_USER_INPUT");
    let missing = app.data("{ node(id: \"Q29uZmVyZW5jZTo5OTk5\") { id } }", json!({})).await;
    assert_eq!(missing["node"], serde_json::Value::Null, "a well-formed id of nothing is null");
    let conference = app.data("{ conferences(first: 1) { edges { node { id } } } }", json!({})).await;
    let conference_id = nodes(&conference["conferences"])[0]["id"].clone();
    let response = app
        .query(
            "query($id: ID) { conferences(filter: { chairedBy: $id }) { totalCount } }",
            json!({ "id": conference_id }),
        )
        .await;
    assert_eq!(response["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
    assert!(response["errors"][0]["message"].as_str().unwrap().contains("Official"));
    let nodes = app
        .data(
            "query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
            json!({ "ids": [conference_id, "Q29uZmVyZW5jZTo5OTk5"] }),
        )
        .await;
    assert_eq!(nodes["nodes"][1], serde_json::Value::Null);
}

#[tokio::test]
async fn malformed_scalars_and_queries_carry_a_code() {
    let app = spawn_demo().await;
    for (query, variables) in [
        ("{ conferences(filter: { from: \"13/07/2021\" }) { totalCount } }", json!({})),
        ("query($d: Date) { conferences(filter: { from: $d }) { totalCount } }", json!({ "d": "2021-02-30" })),
        ("{ tasks(filter: { overdueAsOf: \"2021\" }) { totalCount } }", json!({})),
        ("{ conferences { nope } }", json!({})),
        ("{ conferences(first: ", json!({})),
    ] {
        let response = app.query(query, variables).await;
        let error = &response["errors"][0];
        assert_eq!(error["extensions"]["code"], "BAD_USER_INPUT", "{query}: {response}");
    }
}

#[tokio::test]
async fn no_error_leaks_sql() {
    let app = spawn_demo().await;
    let response =
        app.query("{ officials(filter: { text: \"'; DROP TABLE official; --\" }) { totalCount } }", json!({})).await;
    assert_eq!(response["data"]["officials"]["totalCount"], 0);
    let still = app.data("{ officials { totalCount } }", json!({})).await;
    assert_eq!(still["officials"]["totalCount"], 7);
}
