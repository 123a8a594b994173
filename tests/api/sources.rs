//! Areas and sources as top-level lists.

use crate::helpers::*;
use serde_json::json;

#[tokio::test]
async fn areas_nest_and_are_searched_without_diacritics() {
    let app = spawn_demo().await;
    let data = app.data("{ areas(filter: { text: \"ha\" }) { totalCount edges { node { name kind parent { name } children { name } } } } }", json!({})).await;
    assert_eq!(data["areas"]["totalCount"], 2);
    let areas = nodes(&data["areas"]);
    assert_eq!(areas[0]["name"], "Hà Giang");
    assert_eq!(areas[0]["parent"]["name"], "Việt Nam");
    assert_eq!(areas[0]["children"][0]["name"], "Vị Xuyên");
    assert_eq!(areas[1]["name"], "Hà Nội");
    assert_eq!(areas[1]["kind"], "CITY");
}

#[tokio::test]
async fn sources_newest_first_with_their_details() {
    let app = spawn_demo().await;
    let data = app
        .data(
            "{ sources(first: 10) { totalCount nodes { id key title url publisher publishedAt publishedOn author } } }",
            json!({}),
        )
        .await;
    assert_eq!(data["sources"]["totalCount"], 4);
    let main = data["sources"]["nodes"].as_array().unwrap().iter().find(|s| s["author"] == "Văn Nghị").unwrap().clone();
    assert_eq!(main["publishedAt"], "2021-07-13T12:18:00Z");
    assert_eq!(main["url"], serde_json::Value::Null, "the seed gives no address");
    let found =
        app.data("query($id: ID!) { node(id: $id) { ... on Source { key } } }", json!({ "id": main["id"] })).await;
    assert_eq!(found["node"]["key"], main["key"]);
}
