//! Organizations: nesting, posts, who holds posts as of a date, what they organized, issued
//! and were assigned, and their life span.

use crate::helpers::*;
use serde_json::{Value, json};

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

#[tokio::test]
async fn a_merger_ends_the_bodies_beneath_in_one_step_and_is_reverted_in_one_step() {
    let app = spawn_with(json!({
        "organizations": [
            { "key": "tu-hg", "name": "Tỉnh ủy Hà Giang", "kind": "PARTY_COMMITTEE" },
            { "key": "btv-hg", "name": "Ban Thường vụ Tỉnh ủy Hà Giang", "kind": "STANDING_COMMITTEE", "parent": "tu-hg" },
            { "key": "bdv-hg", "name": "Ban Dân vận Tỉnh ủy Hà Giang", "kind": "COMMISSION", "parent": "tu-hg" },
            { "key": "bcd-hg", "name": "Ban Chỉ đạo Quy chế dân chủ", "kind": "STEERING_COMMITTEE", "parent": "btv-hg" },
            { "key": "old-hg", "name": "Ban Chỉ đạo cũ", "kind": "STEERING_COMMITTEE", "parent": "btv-hg", "endedOn": "2020-12-31" },
            { "key": "tu-tq", "name": "Tỉnh ủy Tuyên Quang", "kind": "PARTY_COMMITTEE" }
        ],
        "posts": [{ "key": "truong-bdv", "title": "Trưởng Ban Dân vận Tỉnh ủy", "organization": "bdv-hg" }],
        "officials": [{ "key": "x", "name": "Trần Văn X", "tenures": [{ "post": "truong-bdv", "startedOn": "2020-10" }] }]
    }))
    .await;
    let editor = app.token("editor", govtrail::auth::Role::Editor).await;
    let ha_giang = id_of(&app, "organizations", "Tỉnh ủy Hà Giang").await;
    let tuyen_quang = id_of(&app, "organizations", "Tỉnh ủy Tuyên Quang").await;
    let ends = || async {
        let data = app
            .data("{ organizations(first: 20) { nodes { key endedOn endedAs successor { key } } } }", json!({}))
            .await;
        let mut ends: Vec<(String, Value)> = data["organizations"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| (o["key"].as_str().unwrap().to_owned(), o["endedOn"].clone()))
            .collect();
        ends.sort_by(|a, b| a.0.cmp(&b.0));
        ends
    };
    let before = ends().await;
    let end = "mutation($id: ID!, $v: Int!, $s: ID) { endOrganization(id: $id, expectedVersion: $v, endedOn: \"2025-06-30\", endedAs: MERGED, successor: $s) {
        key endedOn endedAs successor { key } version history { nodes { id } } } }";
    let stale = app.query_as(&editor, end, json!({ "id": ha_giang, "v": 7, "s": tuyen_quang })).await;
    assert_eq!(stale["errors"][0]["extensions"]["code"], "CONFLICT", "{stale}");
    assert_eq!(ends().await, before, "a refused end changes nothing");

    let done = app.query_as(&editor, end, json!({ "id": ha_giang, "v": 1, "s": tuyen_quang })).await;
    assert!(done.get("errors").is_none(), "{done}");
    assert_eq!(done["data"]["endOrganization"]["successor"]["key"], "tu-tq");
    let after = ends().await;
    let ended_on = |key: &str| after.iter().find(|(k, _)| k == key).unwrap().1.clone();
    for key in ["tu-hg", "btv-hg", "bdv-hg", "bcd-hg"] {
        assert_eq!(ended_on(key), json!("2025-06-30"), "{key} ends with its parent, at any depth");
    }
    assert_eq!(ended_on("old-hg"), json!("2020-12-31"), "a body that had ended keeps its own end");
    assert_eq!(ended_on("tu-tq"), Value::Null);
    let held = app
        .data("{ posts(first: 5) { nodes { holders(asOf: \"2025-07-01\", minCertainty: POSSIBLE) { official { key } } } } }", json!({}))
        .await;
    assert_eq!(held["posts"]["nodes"][0]["holders"], json!([]), "nobody holds a post of a body that has ended");
    let tenure_end = || async {
        let data = app.data("{ officials(first: 1) { nodes { tenures { endedOn } } } }", json!({})).await;
        data["officials"]["nodes"][0]["tenures"][0]["endedOn"].clone()
    };
    assert_eq!(tenure_end().await, json!("2025-06-30"), "the open tenure of a post of an ended body closes");

    let change = done["data"]["endOrganization"]["history"]["nodes"][0]["id"].clone();
    let reverted = app
        .query_as(&editor, "mutation($id: ID!) { revertChange(id: $id) { action nodeType } }", json!({ "id": change }))
        .await;
    assert!(reverted.get("errors").is_none(), "{reverted}");
    assert_eq!(ends().await, before, "one revert undoes the whole merger");
    assert_eq!(tenure_end().await, Value::Null, "the tenure is open again");

    // Told otherwise, the bodies under it keep going.
    let version = app
        .data("query($id: ID!) { node(id: $id) { ... on Organization { version } } }", json!({ "id": ha_giang }))
        .await;
    let alone = "mutation($id: ID!, $v: Int!) { endOrganization(id: $id, expectedVersion: $v, endedOn: \"2025-06\", withSubBodies: false) { key } }";
    let done = app.query_as(&editor, alone, json!({ "id": ha_giang, "v": version["node"]["version"] })).await;
    assert!(done.get("errors").is_none(), "{done}");
    let after = ends().await;
    let ended_on = |key: &str| after.iter().find(|(k, _)| k == key).unwrap().1.clone();
    assert_eq!((ended_on("tu-hg"), ended_on("bdv-hg")), (json!("2025-06"), Value::Null));
}

#[tokio::test]
async fn an_area_ends_and_names_the_area_that_took_it_over() {
    let app = spawn_with(json!({
        "areas": [
            { "key": "hg", "name": "Hà Giang", "kind": "PROVINCE", "endedOn": "2025-06-30", "successor": "tq" },
            { "key": "tq", "name": "Tuyên Quang", "kind": "PROVINCE", "startedOn": "1991" }
        ]
    }))
    .await;
    let query = "{ areas(first: 5) { nodes { key startedOn endedOn successor { key }
        before: existsOn(date: \"2025-06-30\") after: existsOn(date: \"2025-07-01\") } } }";
    let data = app.data(query, json!({})).await;
    let nodes = data["areas"]["nodes"].as_array().unwrap();
    let hg = nodes.iter().find(|a| a["key"] == "hg").unwrap();
    assert_eq!((hg["endedOn"].as_str(), hg["successor"]["key"].as_str()), (Some("2025-06-30"), Some("tq")));
    assert_eq!((hg["before"].as_bool(), hg["after"].as_bool()), (Some(true), Some(false)));
    let tq = nodes.iter().find(|a| a["key"] == "tq").unwrap();
    assert_eq!((tq["startedOn"].as_str(), tq["after"].as_bool()), (Some("1991"), Some(true)));

    let editor = app.token("editor", govtrail::auth::Role::Editor).await;
    let id = id_of(&app, "areas", "Tuyên Quang").await;
    let refused = app
        .query_as(
            &editor,
            "mutation($id: ID!) { updateArea(id: $id, expectedVersion: 1, input: { successor: $id }) { key } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(refused["errors"][0]["extensions"]["code"], "BAD_USER_INPUT", "{refused}");
    let db = govtrail::database::connect(&app.database_url).await.unwrap();
    let exported = govtrail::dataset::export_dataset(&db).await.map_err(|e| e.message()).unwrap();
    let hg = exported.areas.iter().find(|a| a.key == "hg").unwrap();
    assert_eq!(
        (hg.ended_on.as_deref(), hg.successor.as_deref()),
        (Some("2025-06-30"), Some("tq")),
        "the export keeps it"
    );
}
