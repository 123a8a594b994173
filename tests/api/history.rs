//! History as of a date: successions on a post, merged organizations, data issues, and the
//! citations of each claim.

use crate::helpers::*;
use serde_json::{Value, json};

fn province() -> Value {
    json!({
        "sources": [{ "key": "s", "title": "Báo cáo", "publisher": "Báo Thử", "publishedOn": "2024-06-02" }],
        "organizations": [
            { "key": "old", "name": "Tỉnh ủy Hà Giang", "kind": "PARTY_COMMITTEE", "startedOn": "1991", "endedOn": "2025-06-30",
              "endedAs": "MERGED", "successor": "new" },
            { "key": "new", "name": "Tỉnh ủy Tuyên Quang", "kind": "PARTY_COMMITTEE", "startedOn": "1991" },
            { "key": "ub", "name": "Ủy ban nhân dân tỉnh Thử", "kind": "PEOPLES_COMMITTEE" }
        ],
        "posts": [
            { "key": "bt", "title": "Bí thư Tỉnh ủy", "organization": "old", "seats": 1 },
            { "key": "ct", "title": "Chủ tịch UBND tỉnh", "organization": "ub", "seats": 1 }
        ],
        "officials": [
            { "key": "a", "name": "Nguyễn Văn A", "tenures": [{ "post": "ct", "startedOn": "2020-11-02", "endedOn": "2024-05-31", "sources": ["s"] }] },
            { "key": "b", "name": "Lê Thị B", "tenures": [
                { "post": "ct", "startedOn": "2024-06-01", "sources": [{ "source": "s", "quote": "bà Lê Thị B, Chủ tịch UBND tỉnh" }] },
                { "post": "bt", "startedOn": "2020-10" }
            ] },
            { "key": "c", "name": "Trần Văn C", "tenures": [{ "post": "ct", "startedOn": "2023-01-01", "endedOn": "2023-12-31" }] }
        ],
        "directives": [
            { "key": "ct1", "code": "01-CT/TU", "title": "Chỉ thị thử", "sources": ["s"] },
            { "key": "kh1", "code": "05-KH/TU", "title": "Kế hoạch thực hiện", "sources": ["s"],
              "links": [{ "relation": "IMPLEMENTS", "directive": "ct1", "sources": [{ "source": "s", "quote": "Kế hoạch 05 thực hiện Chỉ thị 01" }] }] }
        ],
        "conferences": [{ "key": "k", "title": "Hội nghị thử", "kind": "CONFERENCE", "format": "IN_PERSON", "date": "2024-06-02",
                          "directives": [{ "directive": "ct1", "relation": "DEPLOYS", "sources": [{ "source": "s", "quote": "quán triệt Chỉ thị 01" }] }],
                          "sources": ["s"] }],
        "tasks": [{ "key": "t", "title": "Việc thử", "conference": "k", "sources": ["s"],
                    "assignees": [{ "organization": "ub", "sources": [{ "source": "s", "quote": "giao UBND tỉnh" }] }, { "official": "a" }] }]
    })
}

#[tokio::test]
async fn successions_link_the_holders_of_a_post() {
    let app = spawn_with(province()).await;
    let b = id_of(&app, "officials", "Lê Thị B").await;
    let data = app
        .data(
            "query($id: ID!) { node(id: $id) { ... on Official { tenures { post { title seats } startedOn
                predecessor { official { name } startedOn } successor { official { name } } citations { quote source { title } } } } } }",
            json!({ "id": b }),
        )
        .await;
    let chair = data["node"]["tenures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["post"]["title"] == "Chủ tịch UBND tỉnh")
        .unwrap()
        .clone();
    assert_eq!(chair["post"]["seats"], 1);
    assert_eq!(chair["predecessor"]["official"]["name"], "Trần Văn C", "the latest to begin before her");
    assert_eq!(chair["successor"], Value::Null);
    assert_eq!(chair["citations"][0]["quote"], "bà Lê Thị B, Chủ tịch UBND tỉnh");
    let a = id_of(&app, "officials", "Nguyễn Văn A").await;
    let data = app.data("query($id: ID!) { node(id: $id) { ... on Official { tenures { predecessor { id } successor { official { name } } } } } }", json!({ "id": a })).await;
    assert_eq!(data["node"]["tenures"][0]["predecessor"], Value::Null);
    assert_eq!(data["node"]["tenures"][0]["successor"]["official"]["name"], "Trần Văn C");
}

#[tokio::test]
async fn a_merged_organization_points_to_its_successor_and_holds_nobody_after_its_end() {
    let app = spawn_with(province()).await;
    let query = "query($d: Date) { organizations(filter: { text: \"tinh uy\" }) { edges { node { name endedOn endedAs
        successor { name } predecessors { name } officials(asOf: $d) { name } posts { holders(asOf: $d) { official { name } } } } } } }";
    let before = app.data(query, json!({ "d": "2024-01-01" })).await;
    let old = nodes(&before["organizations"]).into_iter().find(|o| o["name"] == "Tỉnh ủy Hà Giang").unwrap();
    assert_eq!(old["endedAs"], "MERGED");
    assert_eq!(old["successor"]["name"], "Tỉnh ủy Tuyên Quang");
    assert_eq!(old["officials"][0]["name"], "Lê Thị B");
    assert_eq!(old["posts"][0]["holders"][0]["official"]["name"], "Lê Thị B");
    let after = app.data(query, json!({ "d": "2026-01-01" })).await;
    let orgs = nodes(&after["organizations"]);
    let old = orgs.iter().find(|o| o["name"] == "Tỉnh ủy Hà Giang").unwrap();
    assert_eq!(old["officials"], json!([]));
    assert_eq!(old["posts"][0]["holders"], json!([]));
    let new = orgs.iter().find(|o| o["name"] == "Tỉnh ủy Tuyên Quang").unwrap();
    assert_eq!(new["predecessors"][0]["name"], "Tỉnh ủy Hà Giang");
}

#[tokio::test]
async fn data_issues_flag_what_a_researcher_would() {
    let app = spawn_with(province()).await;
    let data = app
        .data(
            "{ dataIssues(first: 100) { totalCount edges { node { kind message nodes { __typename ... on Tenure { official { name } } ... on Task { title } ... on Conference { title } } } } } }",
            json!({}),
        )
        .await;
    let issues = nodes(&data["dataIssues"]);
    assert_eq!(data["dataIssues"]["totalCount"], issues.len());
    let of_kind = |kind: &str| issues.iter().filter(|i| i["kind"] == kind).cloned().collect::<Vec<_>>();
    let overlap = of_kind("OVERLAPPING_TENURES");
    assert_eq!(overlap.len(), 1, "{overlap:?}");
    let names: Vec<&str> =
        overlap[0]["nodes"].as_array().unwrap().iter().filter_map(|n| n["official"]["name"].as_str()).collect();
    assert_eq!(names, ["Nguyễn Văn A", "Trần Văn C"]);
    let outside = of_kind("TENURE_OUTSIDE_ORGANIZATION_LIFE");
    assert_eq!(outside.len(), 1, "B's open tenure as secretary outlives the merged committee");
    assert_eq!(outside[0]["nodes"][0]["official"]["name"], "Lê Thị B");
    assert_eq!(of_kind("CONFERENCE_WITHOUT_CHAIR").len(), 1);
    assert_eq!(of_kind("TASK_WITHOUT_DUE_DATE")[0]["nodes"][0]["title"], "Việc thử");
    assert_eq!(of_kind("TASK_WITHOUT_ASSIGNEE").len(), 0);
    let unsourced = of_kind("FACT_WITHOUT_SOURCE");
    assert_eq!(unsourced.len(), 2, "C's tenure and B's tenure as secretary: {unsourced:?}");
    let only = app.data("{ dataIssues(kinds: [OVERLAPPING_TENURES]) { totalCount } }", json!({})).await;
    assert_eq!(only["dataIssues"]["totalCount"], 1);
}

#[tokio::test]
async fn each_link_and_assignment_carries_its_own_citations() {
    let app = spawn_with(province()).await;
    let data = app
        .data(
            "{ directives(filter: { text: \"05-KH/TU\" }) { nodes { related { relation citations { quote } sources { title } } } }
               conferences { nodes { directives { relation citations { quote } } } }
               tasks { nodes { assignments { assignee { __typename } citations { quote } sources { title } } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        data["directives"]["nodes"][0]["related"][0]["citations"][0]["quote"],
        "Kế hoạch 05 thực hiện Chỉ thị 01"
    );
    assert_eq!(data["conferences"]["nodes"][0]["directives"][0]["citations"][0]["quote"], "quán triệt Chỉ thị 01");
    let assignments = data["tasks"]["nodes"][0]["assignments"].as_array().unwrap();
    assert_eq!(assignments[0]["assignee"]["__typename"], "Organization");
    assert_eq!(assignments[0]["citations"][0]["quote"], "giao UBND tỉnh");
    assert_eq!(assignments[1]["citations"], json!([]));
}

#[tokio::test]
async fn the_demo_has_its_gaps_flagged() {
    let app = spawn_demo().await;
    let data = app.data("{ dataIssues(first: 100) { edges { node { kind nodes { ... on Conference { title } ... on Task { title } } } } } }", json!({})).await;
    let kinds: Vec<String> =
        nodes(&data["dataIssues"]).iter().map(|i| i["kind"].as_str().unwrap().to_owned()).collect();
    assert_eq!(kinds, ["CONFERENCE_WITHOUT_CHAIR", "TASK_WITHOUT_DUE_DATE"], "every demo fact cites its source");
}
