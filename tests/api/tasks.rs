//! Tasks: due dates in the task's zone, the overdue rule, filters and progress.

use crate::helpers::*;
use serde_json::json;

#[tokio::test]
async fn tasks_due_by_the_end_of_2021_are_overdue_from_2022() {
    let app = spawn_demo().await;
    let data = app
        .data(
            r#"{ tasks(filter: { dueTo: "2021-12-31" }, first: 100) { totalCount edges { node { title status dueOn timeZone
                late: isOverdue(asOf: "2022-01-01") onTime: isOverdue(asOf: "2021-12-31")
                left: daysUntilDue(asOf: "2021-12-01") past: daysUntilDue(asOf: "2022-01-02")
                assignedAt { date } assignedBy { __typename ... on Official { name } } directive { title } sources { title } citations { quote } } } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(data["tasks"]["totalCount"], 11);
    for task in nodes(&data["tasks"]) {
        assert_eq!(task["dueOn"], "2021-12-31");
        assert_eq!(task["status"], "OPEN");
        assert_eq!(task["timeZone"], "Asia/Ho_Chi_Minh");
        assert_eq!(task["late"], true);
        assert_eq!(task["onTime"], false);
        assert_eq!(task["left"], 30);
        assert_eq!(task["past"], -2);
        assert_eq!(task["assignedAt"]["date"], "2021-07-13");
        assert_eq!(task["assignedBy"]["name"], "Nguyễn Mạnh Dũng");
        assert!(!task["citations"][0]["quote"].as_str().unwrap().is_empty());
    }
}

#[tokio::test]
async fn task_filters() {
    let app = spawn_demo().await;
    let ban_dan_van = id_of(&app, "organizations", "Ban Dân vận Tỉnh ủy").await;
    let de_an = id_of(&app, "directives", "06-DA/TU").await;
    let conference =
        app.data("{ conferences(orderBy: [DATE_DESC], first: 1) { edges { node { id } } } }", json!({})).await;
    let conference = nodes(&conference["conferences"])[0]["id"].clone();
    let count = |filter: serde_json::Value| {
        let app = &app;
        async move {
            app.data(
                "query($f: TaskFilter) { tasks(filter: $f) { totalCount } }",
                json!({ "f": filter }),
            )
            .await["tasks"]["totalCount"]
                .as_u64()
                .unwrap()
        }
    };
    assert_eq!(count(json!({})).await, 12);
    assert_eq!(count(json!({ "overdueAsOf": "2022-01-01" })).await, 11);
    assert_eq!(count(json!({ "overdueAsOf": "2021-12-31" })).await, 0);
    assert_eq!(count(json!({ "status": ["DONE", "CANCELLED"] })).await, 0);
    assert_eq!(count(json!({ "status": ["OPEN"] })).await, 12);
    assert_eq!(count(json!({ "assignee": ban_dan_van })).await, 1);
    assert_eq!(count(json!({ "directive": de_an })).await, 1);
    assert_eq!(count(json!({ "conference": conference })).await, 12);
    assert_eq!(count(json!({ "dueFrom": "2022-01-01" })).await, 0);
    assert_eq!(count(json!({ "text": "tao hon" })).await, 1);
}

fn deadlines() -> serde_json::Value {
    json!({
        "organizations": [{ "key": "so", "name": "Sở Nội vụ", "kind": "DEPARTMENT" }],
        "tasks": [
            { "key": "vn", "title": "Hạn theo giờ Việt Nam", "dueOn": "2021-12-31", "timeZone": "Asia/Ho_Chi_Minh", "assignees": [{ "organization": "so" }] },
            { "key": "utc", "title": "Hạn theo giờ UTC", "dueOn": "2021-12-31", "timeZone": "UTC", "assignees": [{ "organization": "so" }] },
            { "key": "done", "title": "Đã xong", "dueOn": "2021-06-30", "assignees": [{ "organization": "so" }],
              "updates": [
                { "date": "2021-06-01", "status": "IN_PROGRESS", "note": "Bắt đầu" },
                { "date": "2021-06-20", "status": "DONE", "note": "Hoàn thành" }
              ] }
        ]
    })
}

async fn overdue_now(app: &TestApp) -> Vec<(String, bool, i64)> {
    let data = app
        .data("{ tasks(orderBy: [TITLE_ASC]) { edges { node { title isOverdue daysUntilDue } } } }", json!({}))
        .await;
    nodes(&data["tasks"])
        .iter()
        .map(|t| {
            (
                t["title"].as_str().unwrap().to_owned(),
                t["isOverdue"].as_bool().unwrap(),
                t["daysUntilDue"].as_i64().unwrap(),
            )
        })
        .collect()
}

#[tokio::test]
async fn at_17_30_utc_on_the_due_date_it_is_already_the_next_day_in_vietnam() {
    let app = spawn_at("2021-12-31T17:30:00Z", deadlines()).await;
    let tasks = overdue_now(&app).await;
    assert!(tasks.contains(&("Hạn theo giờ Việt Nam".into(), true, -1)), "{tasks:?}");
    assert!(tasks.contains(&("Hạn theo giờ UTC".into(), false, 0)), "{tasks:?}");
    assert!(tasks.iter().any(|(t, overdue, _)| t == "Đã xong" && !overdue), "done tasks are never overdue");
}

#[tokio::test]
async fn just_before_midnight_in_vietnam_the_task_is_not_yet_overdue() {
    let app = spawn_at("2021-12-31T16:59:59Z", deadlines()).await;
    let tasks = overdue_now(&app).await;
    assert!(tasks.contains(&("Hạn theo giờ Việt Nam".into(), false, 0)), "{tasks:?}");
}

#[tokio::test]
async fn progress_updates_in_order_and_the_status_follows_the_latest() {
    let app = spawn_with(deadlines()).await;
    let data = app.data("{ tasks(filter: { text: \"da xong\" }) { edges { node { status updates { date status note task { title } } } } } }", json!({})).await;
    let task = &nodes(&data["tasks"])[0];
    assert_eq!(task["status"], "DONE");
    let notes: Vec<&str> = task["updates"].as_array().unwrap().iter().map(|u| u["note"].as_str().unwrap()).collect();
    assert_eq!(notes, ["Bắt đầu", "Hoàn thành"]);
    assert_eq!(task["updates"][0]["task"]["title"], "Đã xong");
}

#[tokio::test]
async fn on_postgresql_a_page_by_due_date_is_read_in_index_order() {
    let app = spawn_demo().await;
    if !app.database_url.starts_with("postgres") {
        return; // SQLite's indexes sort NULLs first, as the lists do.
    }
    let query = r#"{ tasks(filter: { overdueAsOf: "2030-01-01" }, first: 5) { edges { node { key } } } }"#;
    let statements = app.statements_for(query, json!({})).await;
    let page = statements.iter().find(|sql| sql.contains("ORDER BY") && sql.contains("LIMIT")).expect("the page");
    let as_of = chrono::NaiveDate::from_ymd_opt(2030, 1, 1).expect("a date");
    let values = vec!["OPEN".into(), "IN_PROGRESS".into(), as_of.into(), 6i64.into()];
    // With sorting priced out, a plan without a Sort node exists only if an index gives the
    // order the page asks for (due date with NULLs first, then id).
    let plan = plan(&app.database_url, page, values, &["enable_sort"]).await;
    assert!(plan.contains("ix_task_due_on_nulls_first"), "{plan}");
    assert!(!plan.contains("Sort"), "{plan}");
}
