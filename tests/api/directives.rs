//! Directives: found by code however written, and everything linked to Đề án 06.

use crate::helpers::*;
use serde_json::json;

async fn codes_or_titles(app: &TestApp, filter: serde_json::Value) -> Vec<String> {
    let data = app
        .data(
            "query($f: DirectiveFilter) { directives(filter: $f, first: 100) { edges { node { code title } } } }",
            json!({ "f": filter }),
        )
        .await;
    nodes(&data["directives"]).iter().map(|n| n["code"].as_str().or(n["title"].as_str()).unwrap().to_owned()).collect()
}

#[tokio::test]
async fn a_code_is_found_however_written() {
    let app = spawn_demo().await;
    for text in ["06-ĐA/TU", "06-DA/TU", "06-da/tu", "Đề án 06", "de an 06"] {
        assert_eq!(codes_or_titles(&app, json!({ "text": text })).await, ["06-ĐA/TU"], "{text}");
    }
    assert_eq!(
        codes_or_titles(&app, json!({ "text": "chi thi 09" })).await,
        ["Tăng cường sự lãnh đạo của các cấp ủy Đảng bài trừ các hủ tục ở vùng đồng bào dân tộc thiểu số"]
    );
}

#[tokio::test]
async fn everything_linked_to_the_scheme() {
    let app = spawn_demo().await;
    let data = app
        .data(
            "{ directives(filter: { text: \"06-DA/TU\" }) { edges { node { key code kind number label title status issuedOn periodStart periodEnd
                issuer { name } conferences { title date } conferenceLinks { relation conference { date } }
                tasks { title dueOn status assignees { __typename ... on Organization { name } } }
                related { relation } sources { title } citations { quote } } } } }",
            json!({}),
        )
        .await;
    let d = &nodes(&data["directives"])[0];
    assert_eq!(d["kind"], "SCHEME");
    assert_eq!(d["number"], "06", "taken from the code");
    assert_eq!(d["label"], "Đề án 06");
    assert_eq!(d["status"], "COMPLETED");
    assert_eq!(d["periodStart"], "2016");
    assert_eq!(d["periodEnd"], "2020");
    assert_eq!(d["issuedOn"], serde_json::Value::Null);
    assert_eq!(d["issuer"]["name"], "Ban Thường vụ Tỉnh ủy Hà Giang");
    assert_eq!(d["conferences"][0]["date"], "2021-07-13");
    assert_eq!(d["conferenceLinks"][0]["relation"], "REVIEWS");
    assert_eq!(d["tasks"][0]["assignees"][0]["__typename"], "Organization");
    assert_eq!(d["tasks"][0]["assignees"][0]["name"], "Ban Dân vận Tỉnh ủy Hà Giang");
    assert_eq!(d["tasks"][0]["dueOn"], serde_json::Value::Null, "the report sets no deadline for it");
    assert_eq!(d["related"], json!([]));
    assert!(d["citations"][0]["quote"].as_str().unwrap().contains("06-ĐA/TU"));
}

#[tokio::test]
async fn links_between_directives_read_both_ways() {
    let app = spawn_demo().await;
    let query = "query($t: String) { directives(filter: { text: $t }) { edges { node { title related { relation direction directive { title } } } } } }";
    let plan = app.data(query, json!({ "t": "kiem tra quy che dan chu 2021" })).await;
    let related = &nodes(&plan["directives"])[0]["related"][0];
    assert_eq!(related["relation"], "IMPLEMENTS");
    assert_eq!(related["direction"], "OUTGOING");
    assert_eq!(related["directive"]["title"], "Quy chế dân chủ ở cơ sở");
    let rule = app.data(query, json!({ "t": "quy che dan chu o co so" })).await;
    let rule = nodes(&rule["directives"]).into_iter().find(|d| d["title"] == "Quy chế dân chủ ở cơ sở").unwrap();
    assert_eq!(rule["related"][0]["direction"], "INCOMING");
}

#[tokio::test]
async fn directive_filters() {
    let app = spawn_demo().await;
    let btv = id_of(&app, "organizations", "Ban Thường vụ Tỉnh ủy Hà Giang").await;
    assert_eq!(codes_or_titles(&app, json!({ "kind": ["RESOLUTION"] })).await.len(), 6);
    assert_eq!(codes_or_titles(&app, json!({ "issuer": btv })).await.len(), 3);
    assert_eq!(codes_or_titles(&app, json!({ "status": ["COMPLETED"] })).await, ["06-ĐA/TU"]);
    let all = app.data("{ directives(first: 100, orderBy: [ISSUED_DESC, TITLE_ASC]) { totalCount } }", json!({})).await;
    assert_eq!(all["directives"]["totalCount"], 13);
}
