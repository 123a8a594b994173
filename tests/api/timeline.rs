//! Timelines of officials, organizations, posts, directives and areas.

use crate::helpers::*;
use serde_json::{Value, json};

const QUERY: &str = "query($s: ID!, $from: Date, $to: Date, $kinds: [TimelineKind!], $children: Boolean, $first: Int, $after: String) {
    timeline(subject: $s, from: $from, to: $to, kinds: $kinds, includeChildren: $children, first: $first, after: $after) {
        totalCount edges { cursor node { date precision partOfDay kind summary subject { __typename
            ... on Conference { title } ... on Tenure { startedOn } ... on Task { title } ... on TaskUpdate { note } ... on Directive { code } } } }
        pageInfo { hasNextPage endCursor } } }";

async fn entries(app: &TestApp, vars: Value) -> Vec<Value> {
    nodes(&app.data(QUERY, vars).await["timeline"])
}

fn kinds(list: &[Value]) -> Vec<String> {
    list.iter().map(|e| e["kind"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn an_officials_timeline_holds_the_conference_chaired() {
    let app = spawn_demo().await;
    let dung = id_of(&app, "officials", "Nguyễn Mạnh Dũng").await;
    let list = entries(&app, json!({ "s": dung })).await;
    let chaired = list.iter().find(|e| e["kind"] == "CONFERENCE_CHAIRED").expect("chaired");
    assert_eq!(chaired["date"], "2021-07-13");
    assert_eq!(chaired["partOfDay"], "AFTERNOON");
    assert_eq!(chaired["precision"], "DAY");
    assert!(chaired["summary"].as_str().unwrap().starts_with("Chaired: Hội nghị trực tuyến tổng kết"));
    assert_eq!(chaired["subject"]["__typename"], "Conference");
    let given: Vec<&Value> = list.iter().filter(|e| e["kind"] == "TASK_ASSIGNED").collect();
    assert_eq!(given.len(), 12, "the tasks he set at the conference");
    assert!(given.iter().all(|e| e["summary"].as_str().unwrap().starts_with("Gave the task: ")));
    assert_eq!(list.len(), 13);
    let loi = id_of(&app, "officials", "Trần Mạnh Lợi").await;
    assert_eq!(kinds(&entries(&app, json!({ "s": loi })).await), ["CONFERENCE_CHAIRED"]);
    let chien = id_of(&app, "officials", "Chúng Thị Chiên").await;
    assert_eq!(kinds(&entries(&app, json!({ "s": chien })).await), ["CONFERENCE_ATTENDED"]);
}

#[tokio::test]
async fn directive_area_and_organization_timelines() {
    let app = spawn_demo().await;
    let de_an = id_of(&app, "directives", "06-ĐA/TU").await;
    assert_eq!(kinds(&entries(&app, json!({ "s": de_an })).await), ["DIRECTIVE_REVIEWED", "TASK_ASSIGNED"]);
    let ha_giang = id_of(&app, "areas", "Hà Giang").await;
    let held = entries(&app, json!({ "s": ha_giang })).await;
    assert_eq!(kinds(&held), ["CONFERENCE_HELD"; 3], "the province and Vị Xuyên inside it");
    let parts: Vec<&str> = held.iter().map(|e| e["partOfDay"].as_str().unwrap()).collect();
    assert_eq!(parts, ["MORNING", "MORNING", "AFTERNOON"]);
    let tinh_uy = id_of(&app, "organizations", "Tỉnh ủy Hà Giang").await;
    assert_eq!(kinds(&entries(&app, json!({ "s": tinh_uy })).await), ["CONFERENCE_ORGANIZED"]);
    let with_children = entries(&app, json!({ "s": tinh_uy, "children": true })).await;
    let mut found = kinds(&with_children);
    found.dedup();
    assert_eq!(
        found,
        ["CONFERENCE_ORGANIZED", "TASK_ASSIGNED"],
        "Vị Xuyên's conference and Ban Dân vận's task count too"
    );
    assert_eq!(with_children.iter().filter(|e| e["kind"] == "CONFERENCE_ORGANIZED").count(), 2);
    let sub = app.data("{ tasks(first: 1) { edges { node { id } } } }", json!({})).await;
    let task = nodes(&sub["tasks"])[0]["id"].clone();
    assert_eq!(app.error_code(QUERY, json!({ "s": task })).await, "BAD_USER_INPUT");
}

fn career() -> Value {
    json!({
        "organizations": [{ "key": "ub", "name": "Ủy ban nhân dân tỉnh Thử", "kind": "PEOPLES_COMMITTEE" }],
        "posts": [{ "key": "ct", "title": "Chủ tịch UBND tỉnh", "organization": "ub" }, { "key": "pct", "title": "Phó Chủ tịch UBND tỉnh", "organization": "ub" }],
        "officials": [{ "key": "a", "name": "Nguyễn Văn A", "tenures": [
            { "post": "pct", "startedOn": "2016", "endedOn": "2020-10" },
            { "post": "ct", "startedOn": "2020-10-15" }
        ] }],
        "conferences": [{ "key": "k", "title": "Kỳ họp thứ nhất", "kind": "COUNCIL_SESSION", "format": "IN_PERSON", "date": "2021-06-25",
                          "organizers": ["ub"], "participants": [{ "official": "a", "role": "SPEAKER" }] }],
        "tasks": [{ "key": "t", "title": "Báo cáo kết quả", "dueOn": "2021-09-30", "conference": "k", "assignees": [{ "official": "a" }],
                    "updates": [{ "date": "2021-08-01", "status": "IN_PROGRESS", "note": "Đang làm" }] }]
    })
}

#[tokio::test]
async fn partial_dates_sort_at_the_start_of_their_period_and_the_window_applies() {
    let app = spawn_with(career()).await;
    let a = id_of(&app, "officials", "Nguyễn Văn A").await;
    let list = entries(&app, json!({ "s": a })).await;
    let summary: Vec<(String, String, String)> = list
        .iter()
        .map(|e| {
            (
                e["date"].as_str().unwrap().into(),
                e["precision"].as_str().unwrap().into(),
                e["kind"].as_str().unwrap().into(),
            )
        })
        .collect();
    let expected = [
        ("2016-01-01", "YEAR", "TENURE_STARTED"),
        ("2020-10-01", "MONTH", "TENURE_ENDED"),
        ("2020-10-15", "DAY", "TENURE_STARTED"),
        ("2021-06-25", "DAY", "CONFERENCE_ATTENDED"),
        ("2021-06-25", "DAY", "TASK_ASSIGNED"),
        ("2021-08-01", "DAY", "TASK_UPDATED"),
        ("2021-09-30", "DAY", "TASK_DUE"),
    ];
    let expected: Vec<(String, String, String)> =
        expected.iter().map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string())).collect();
    assert_eq!(summary, expected);
    assert_eq!(list[0]["subject"]["startedOn"], "2016");
    let said: Vec<&str> = list.iter().map(|e| e["summary"].as_str().unwrap()).collect();
    assert_eq!(
        said,
        [
            "Nguyễn Văn A became Phó Chủ tịch UBND tỉnh",
            "Nguyễn Văn A left Phó Chủ tịch UBND tỉnh",
            "Nguyễn Văn A became Chủ tịch UBND tỉnh",
            "Attended: Kỳ họp thứ nhất",
            "Assigned: Báo cáo kết quả",
            "Progress (IN_PROGRESS): Báo cáo kết quả",
            "Due: Báo cáo kết quả",
        ]
    );
    let statements = app.statements_for(QUERY, json!({ "s": a })).await;
    assert_eq!(statements.len(), 1, "everything an official's timeline draws on, in one read: {statements:#?}");
    let by_key = "query($t: KeyedType!, $k: String!) { nodeByKey(type: $t, key: $k) { id } }";
    let ct = app.data(by_key, json!({ "t": "POST", "k": "ct" })).await["nodeByKey"]["id"].clone();
    let post = entries(&app, json!({ "s": ct })).await;
    assert_eq!(
        post.iter().map(|e| e["summary"].as_str().unwrap()).collect::<Vec<_>>(),
        ["Nguyễn Văn A became Chủ tịch UBND tỉnh"]
    );
    let ub = id_of(&app, "organizations", "Ủy ban nhân dân tỉnh Thử").await;
    assert_eq!(
        kinds(&entries(&app, json!({ "s": ub })).await),
        ["TENURE_STARTED", "TENURE_ENDED", "TENURE_STARTED", "CONFERENCE_ORGANIZED"],
        "the tenures of its posts and the conference it organized"
    );
    let window = entries(&app, json!({ "s": a, "from": "2020-10-20", "to": "2021-06-30" })).await;
    assert_eq!(
        kinds(&window),
        ["TENURE_ENDED", "CONFERENCE_ATTENDED", "TASK_ASSIGNED"],
        "a month-only end reaches into the window"
    );
    let only = entries(&app, json!({ "s": a, "kinds": ["TASK_DUE", "TASK_UPDATED"] })).await;
    assert_eq!(kinds(&only), ["TASK_UPDATED", "TASK_DUE"]);

    let mut keys = Vec::new();
    let mut after = Value::Null;
    loop {
        let data = app.data(QUERY, json!({ "s": a, "first": 2, "after": after })).await;
        keys.extend(kinds(&nodes(&data["timeline"])));
        assert_eq!(data["timeline"]["totalCount"], 7);
        if data["timeline"]["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = data["timeline"]["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(keys, kinds(&list), "paging gives the same entries in the same order");
}
