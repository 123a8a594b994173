//! Organizations: nesting, posts, who holds posts as of a date, what they organized, issued
//! and were assigned, and their life span.

use crate::helpers::*;
use serde_json::json;

#[tokio::test]
async fn the_provincial_committee_and_its_relations() {
    let app = spawn_demo().await;
    let id = id_of(&app, "organizations", "Tỉnh ủy Hà Giang").await;
    let data = app
        .data(
            "query($id: ID!) { node(id: $id) { ... on Organization { name shortName kind key startedOn endedOn
                parent { name } children { name } area { name kind parent { name } children { name } }
                posts { title } officials { name } conferencesOrganized { title } directivesIssued { title number }
                tasksAssigned { title } tasksGiven { title } } } }",
            json!({ "id": id }),
        )
        .await;
    let org = &data["node"];
    assert_eq!(org["kind"], "PARTY_COMMITTEE");
    assert_eq!(org["parent"]["name"], "Đảng bộ tỉnh Hà Giang");
    let children: Vec<&str> = org["children"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
    for name in [
        "Ban Thường vụ Tỉnh ủy Hà Giang",
        "Ban Dân vận Tỉnh ủy Hà Giang",
        "Ban Nội chính Tỉnh ủy Hà Giang",
        "Huyện ủy Vị Xuyên",
    ] {
        assert!(children.contains(&name), "{name} missing from {children:?}");
    }
    assert_eq!(org["area"]["name"], "Hà Giang");
    assert_eq!(org["area"]["kind"], "PROVINCE");
    assert_eq!(org["area"]["parent"]["name"], "Việt Nam");
    assert_eq!(org["area"]["children"][0]["name"], "Vị Xuyên");
    assert_eq!(org["posts"][0]["title"], "Phó Bí thư Tỉnh ủy");
    let officials: Vec<&str> =
        org["officials"].as_array().unwrap().iter().map(|o| o["name"].as_str().unwrap()).collect();
    assert_eq!(officials, ["Nguyễn Mạnh Dũng", "Thào Hồng Sơn"]);
    assert_eq!(org["conferencesOrganized"].as_array().unwrap().len(), 1);
    let issued: Vec<&str> =
        org["directivesIssued"].as_array().unwrap().iter().map(|d| d["title"].as_str().unwrap()).collect();
    assert!(issued.contains(&"Phát triển giáo dục và đào tạo"), "{issued:?}");
    assert_eq!(org["tasksAssigned"], json!([]));
    assert_eq!(org["tasksGiven"], json!([]));
}

#[tokio::test]
async fn the_mass_mobilization_commission_is_assigned_the_scheme_follow_up() {
    let app = spawn_demo().await;
    let data = app.data("{ organizations(filter: { text: \"ban dan van tinh uy\" }) { totalCount edges { node { shortName tasksAssigned { title directive { code } } } } } }", json!({})).await;
    assert_eq!(data["organizations"]["totalCount"], 1);
    let org = &nodes(&data["organizations"])[0];
    assert_eq!(org["shortName"], "Ban Dân vận Tỉnh ủy");
    assert_eq!(org["tasksAssigned"][0]["directive"]["code"], "06-ĐA/TU");
}

#[tokio::test]
async fn organization_filters() {
    let app = spawn_demo().await;
    let tinh_uy = id_of(&app, "organizations", "Tỉnh ủy Hà Giang").await;
    let vi_xuyen = id_of(&app, "areas", "Vị Xuyên").await;
    let count = |filter: serde_json::Value| {
        let app = &app;
        async move {
            app.data(
                "query($f: OrganizationFilter) { organizations(filter: $f) { totalCount } }",
                json!({ "f": filter }),
            )
            .await["organizations"]["totalCount"]
                .as_u64()
                .unwrap()
        }
    };
    assert_eq!(count(json!({ "parent": tinh_uy })).await, 4);
    assert_eq!(count(json!({ "kind": ["STEERING_COMMITTEE"] })).await, 2);
    assert_eq!(count(json!({ "area": vi_xuyen })).await, 2);
    assert_eq!(count(json!({ "text": "BTV Tinh uy" })).await, 1, "short names are searched too");
}

#[tokio::test]
async fn a_dissolved_organization_has_no_officials_or_children_after_its_end() {
    let app = spawn_with(json!({
        "organizations": [
            { "key": "old", "name": "Tỉnh ủy Cũ", "kind": "PARTY_COMMITTEE", "startedOn": "1991", "endedOn": "2025-06-30" },
            { "key": "old-ban", "name": "Ban Dân vận Tỉnh ủy Cũ", "kind": "COMMISSION", "parent": "old", "startedOn": "1991", "endedOn": "2025-06-30" }
        ],
        "posts": [{ "key": "bi-thu", "title": "Bí thư Tỉnh ủy", "organization": "old" }],
        "officials": [{ "key": "x", "name": "Hoàng Văn X", "tenures": [{ "post": "bi-thu", "startedOn": "2020-10" }] }]
    }))
    .await;
    let query = "query($d: Date) { organizations(filter: { text: \"tinh uy cu\" }, orderBy: [NAME_DESC]) { edges { node { name endedOn officials(asOf: $d, minCertainty: POSSIBLE) { name } children(asOf: $d) { name } } } } }";
    let during = app.data(query, json!({ "d": "2024-01-01" })).await;
    let org = &nodes(&during["organizations"])[0];
    assert_eq!(org["name"], "Tỉnh ủy Cũ");
    assert_eq!(org["endedOn"], "2025-06-30");
    assert_eq!(org["officials"][0]["name"], "Hoàng Văn X");
    assert_eq!(org["children"][0]["name"], "Ban Dân vận Tỉnh ủy Cũ");
    let after = app.data(query, json!({ "d": "2026-01-01" })).await;
    let org = &nodes(&after["organizations"])[0];
    assert_eq!(org["officials"], json!([]), "no holders after the end, even with an open tenure");
    assert_eq!(org["children"], json!([]));
}
