//! Dashboard statistics: buckets computed by GROUP BY add up to the filtered totals.

use crate::helpers::*;
use serde_json::{Value, json};

fn workload() -> Value {
    let tasks: Vec<Value> = (0..23)
        .map(|i| {
            let status = ["OPEN", "IN_PROGRESS", "DONE", "CANCELLED"][i % 4];
            let mut task = json!({
                "key": format!("t{i}"), "title": format!("Nhiệm vụ {i}"), "status": status,
                "assignees": [{ "organization": if i % 3 == 0 { "so-a" } else { "so-b" } }]
            });
            if i % 5 != 0 {
                task["dueOn"] = json!(format!("2022-{:02}-15", 1 + i % 3));
            }
            if i % 7 == 0 {
                task["directive"] = json!("kh");
            }
            if status == "DONE" {
                task["updates"] =
                    json!([{ "date": if i % 8 == 2 { "2022-01-10" } else { "2022-06-30" }, "status": "DONE" }]);
            }
            task
        })
        .collect();
    json!({
        "organizations": [
            { "key": "so-a", "name": "Sở A", "kind": "DEPARTMENT" },
            { "key": "so-b", "name": "Sở B", "kind": "DEPARTMENT" }
        ],
        "directives": [{ "key": "kh", "kind": "PLAN", "title": "Kế hoạch thử" }],
        "tasks": tasks
    })
}

fn sum(buckets: &Value, field: &str) -> i64 {
    buckets.as_array().unwrap().iter().map(|b| b[field].as_i64().unwrap()).sum()
}

#[tokio::test]
async fn task_buckets_add_up_to_the_filtered_count() {
    let app = spawn_with(workload()).await;
    for dimensions in ["[STATUS]", "[DUE_MONTH]", "[DUE_YEAR, STATUS]", "[DIRECTIVE]", "[ASSIGNED_AT_CONFERENCE]", "[]"]
    {
        for filter in [
            json!({}),
            json!({ "dueFrom": "2022-02-01" }),
            json!({ "or": [{ "status": ["DONE"] }, { "dueTo": "2022-01-31" }] }),
        ] {
            let query = format!(
                "query($f: TaskFilter) {{ tasks(filter: $f) {{ totalCount }} taskStats(filter: $f, groupBy: {dimensions}, asOf: \"2022-02-01\") {{ total open inProgress done cancelled overdue doneOnTime key {{ dimension value }} }} }}"
            );
            let data = app.data(&query, json!({ "f": filter })).await;
            let total = data["tasks"]["totalCount"].as_i64().unwrap();
            let buckets = &data["taskStats"];
            assert_eq!(sum(buckets, "total"), total, "{dimensions} {filter}");
            let parts: i64 = ["open", "inProgress", "done", "cancelled"].iter().map(|f| sum(buckets, f)).sum();
            assert_eq!(parts, total, "statuses add up for {dimensions} {filter}");
        }
    }
}

#[tokio::test]
async fn task_buckets_by_status_and_assignee() {
    let app = spawn_with(workload()).await;
    let data = app
        .data(
            "{ taskStats(groupBy: [ASSIGNEE, STATUS], asOf: \"2022-02-01\") { key { dimension value node { ... on Organization { name } } } total overdue doneOnTime } }",
            json!({}),
        )
        .await;
    let buckets = data["taskStats"].as_array().unwrap();
    let a_done = buckets
        .iter()
        .find(|b| b["key"][0]["node"]["name"] == "Sở A" && b["key"][1]["value"] == "DONE")
        .expect("a bucket for Sở A, DONE");
    // Sở A has tasks 0, 3, 6, ..., 21; DONE are 6 (due 2022-01-15, done 2022-06-30: late) and
    // 18 (due 2022-01-15, done 2022-01-10: on time).
    assert_eq!(a_done["total"], 2);
    assert_eq!(a_done["doneOnTime"], 1);
    assert_eq!(a_done["key"][0]["dimension"], "ASSIGNEE");
    let overdue: i64 = buckets.iter().map(|b| b["overdue"].as_i64().unwrap()).sum();
    let listed = app.data("{ tasks(filter: { overdueAsOf: \"2022-02-01\" }) { totalCount } }", json!({})).await;
    assert_eq!(overdue, listed["tasks"]["totalCount"].as_i64().unwrap());
    let on_time = app.data("{ taskStats(groupBy: []) { doneOnTime done } }", json!({})).await;
    // DONE tasks: 2, 6, 10, 14, 18, 22. Done on 2022-01-10: 2 (due 2022-03-15), 10 (no due
    // date, so never on time) and 18 (due 2022-01-15); the others were done on 2022-06-30, late.
    assert_eq!(on_time["taskStats"][0]["done"], 6);
    assert_eq!(on_time["taskStats"][0]["doneOnTime"], 2);
}

#[tokio::test]
async fn conference_buckets_on_the_demo() {
    let app = spawn_demo().await;
    let data = app
        .data(
            "{ conferences { totalCount } month: conferenceStats(groupBy: [MONTH]) { count key { value } }
               kinds: conferenceStats(groupBy: [KIND, FORMAT]) { count key { dimension value } }
               areas: conferenceStats(groupBy: [AREA]) { count key { node { ... on Area { name } } } }
               chairs: conferenceStats(groupBy: [CHAIR]) { count key { node { ... on Official { name } } } } }",
            json!({}),
        )
        .await;
    assert_eq!(data["month"], json!([{ "count": 4, "key": [{ "value": "2021-07" }] }]));
    assert_eq!(sum(&data["kinds"], "count"), 4);
    assert_eq!(sum(&data["areas"], "count"), 4);
    let chairs = data["chairs"].as_array().unwrap();
    let without = chairs.iter().find(|b| b["key"][0]["node"].is_null()).unwrap();
    assert_eq!(without["count"], 1, "the Vị Xuyên conference names no chair");
    assert_eq!(chairs.len(), 5);
}

#[tokio::test]
async fn stats_refuse_repeated_or_too_many_dimensions() {
    let app = spawn_app().await;
    assert_eq!(app.error_code("{ taskStats(groupBy: [STATUS, STATUS]) { total } }", json!({})).await, "BAD_USER_INPUT");
    assert_eq!(
        app.error_code("{ conferenceStats(groupBy: [MONTH, YEAR, KIND, FORMAT, AREA]) { count } }", json!({})).await,
        "BAD_USER_INPUT"
    );
}

/// Buckets naming hundreds of nodes read them in one statement (on SQLite as one JSON value):
/// each bucket's node is the one its value names, with its own fields and relations.
#[tokio::test]
async fn hundreds_of_bucket_nodes_are_each_the_node_their_value_names() {
    let app = spawn_with(crate::statements::large_dataset(120)).await;
    let query = "{ conferenceStats(groupBy: [CHAIR]) { count key { value node { id ... on Official { key name tenures { startedOn } } } } } }";
    let answer = app.data(query, json!({})).await;
    let buckets = answer["conferenceStats"].as_array().unwrap();
    // Conference i is chaired by officials 2i and 2i + 1.
    assert_eq!(buckets.len(), 240);
    for bucket in buckets {
        let key = &bucket["key"][0];
        let node = &key["node"];
        assert_eq!(node["id"], key["value"], "{bucket}");
        let i = node["key"].as_str().and_then(|k| k.strip_prefix('u')).unwrap_or_default();
        assert_eq!(node["name"], format!("Cán bộ {i}"), "{bucket}");
        assert_eq!(node["tenures"].as_array().map(Vec::len), Some(2), "{bucket}");
        assert_eq!(bucket["count"], 1, "{bucket}");
    }
}

const BY_ASSIGNEE: &str = "query($asOf: Date, $filter: TaskFilter) {
  taskStats(groupBy: [ASSIGNEE], asOf: $asOf, filter: $filter) {
    key { value node { id } } total open inProgress done cancelled overdue } }";

/// Counts by assignee read from the tallies the database keeps equal those aggregated from the
/// assignments (a filter that holds for every task takes the aggregate), on several days.
async fn tallies_agree(app: &TestApp, after: &str) {
    for as_of in ["2021-07-13", "2021-12-31", "2022-01-01", "2024-06-30", "2031-01-01"] {
        let kept = app.data(BY_ASSIGNEE, json!({ "asOf": as_of })).await;
        let counted = app.data(BY_ASSIGNEE, json!({ "asOf": as_of, "filter": { "and": [{}] } })).await;
        assert_eq!(kept, counted, "after {after}, as of {as_of}");
        let kept = app.data(OVERDUE, json!({ "filter": { "overdueAsOf": as_of } })).await;
        let counted = app.data(OVERDUE, json!({ "filter": { "overdueAsOf": as_of, "and": [{}] } })).await;
        assert_eq!(kept, counted, "overdue, after {after}, as of {as_of}");
    }
}

/// How many tasks a filter lists; `overdueAsOf` alone is read from the tally by due date.
const OVERDUE: &str = "query($filter: TaskFilter) { tasks(filter: $filter, first: 1) { totalCount } }";

#[tokio::test]
async fn counts_by_assignee_are_kept_through_every_kind_of_write() {
    let app = spawn_demo().await;
    let editor = app.token("editor", govtrail::auth::Role::Editor).await;
    let run = |query: &'static str, variables: Value| {
        let (app, editor) = (&app, &editor);
        async move {
            let answer = app.query_as(editor, query, variables).await;
            assert!(answer.get("errors").is_none(), "{query}: {answer}");
            answer["data"].clone()
        }
    };
    tallies_agree(&app, "the demo's import").await;
    let ids =
        app.data("{ organizations(first: 3) { nodes { id } } officials(first: 3) { nodes { id } } }", json!({})).await;
    let org = |i: usize| ids["organizations"]["nodes"][i]["id"].clone();
    let person = |i: usize| ids["officials"]["nodes"][i]["id"].clone();
    let created = run(
        "mutation($a: ID!, $b: ID!) { createTask(input: { title: \"Rà soát\", dueOn: \"2021-12-01\", assignees: [$a, $b] }) { id version } }",
        json!({ "a": org(0), "b": person(0) }),
    )
    .await;
    let task = created["createTask"]["id"].clone();
    tallies_agree(&app, "a task with two assignees").await;
    run("mutation($id: ID!) { recordTaskUpdate(taskId: $id, update: { status: IN_PROGRESS, date: \"2021-11-01\" }) { version } }", json!({ "id": task })).await;
    tallies_agree(&app, "progress").await;
    let v = run("mutation($id: ID!) { recordTaskUpdate(taskId: $id, update: { status: DONE, date: \"2021-11-20\" }) { version } }", json!({ "id": task })).await;
    tallies_agree(&app, "done").await;
    let v = run(
        "mutation($id: ID!, $v: Int!) { reopenTask(id: $id, expectedVersion: $v, note: \"chưa xong\") { version } }",
        json!({ "id": task, "v": v["recordTaskUpdate"]["version"] }),
    )
    .await;
    tallies_agree(&app, "reopened").await;
    let v = run(
        "mutation($id: ID!, $v: Int!) { updateTask(id: $id, expectedVersion: $v, input: { dueOn: \"2030-05-01\" }) { version } }",
        json!({ "id": task, "v": v["reopenTask"]["version"] }),
    )
    .await;
    tallies_agree(&app, "a later due date").await;
    let v = run(
        "mutation($id: ID!, $v: Int!) { updateTask(id: $id, expectedVersion: $v, input: { dueOn: null }) { version } }",
        json!({ "id": task, "v": v["updateTask"]["version"] }),
    )
    .await;
    tallies_agree(&app, "no due date").await;
    let v = run(
        "mutation($id: ID!, $v: Int!, $a: ID!) { assignTask(taskId: $id, expectedVersion: $v, assignee: $a) { version } }",
        json!({ "id": task, "v": v["updateTask"]["version"], "a": org(1) }),
    )
    .await;
    tallies_agree(&app, "a third assignee").await;
    run(
        "mutation($id: ID!, $v: Int!, $a: ID!) { unassignTask(taskId: $id, expectedVersion: $v, assignee: $a) { version } }",
        json!({ "id": task, "v": v["assignTask"]["version"], "a": org(0) }),
    )
    .await;
    tallies_agree(&app, "an assignee taken off").await;
    // An official assigned tasks goes: the assignments keep no assignee.
    let other = run(
        "mutation($a: ID!) { createTask(input: { title: \"Báo cáo\", dueOn: \"2021-09-30\", assignees: [$a] }) { id version } }",
        json!({ "a": person(1) }),
    )
    .await;
    let gone =
        app.data("query($id: ID!) { node(id: $id) { ... on Official { version } } }", json!({ "id": person(1) })).await;
    let deleted = app
        .query_as(
            &editor,
            "mutation($id: ID!, $v: Int!) { deleteOfficial(id: $id, expectedVersion: $v) { id } }",
            json!({ "id": person(1), "v": gone["node"]["version"] }),
        )
        .await;
    assert!(deleted.get("errors").is_none(), "{deleted}");
    tallies_agree(&app, "an assigned official deleted").await;
    run(
        "mutation($id: ID!, $v: Int!) { deleteTask(id: $id, expectedVersion: $v) { id } }",
        json!({ "id": other["createTask"]["id"], "v": other["createTask"]["version"] }),
    )
    .await;
    tallies_agree(&app, "a task deleted").await;
    // Replacing imports: the demo's records removed for others, then brought back.
    let admin = app.token("admin", govtrail::auth::Role::Admin).await;
    let done = upload_merging(&app, &admin, &workload().to_string(), false, "REPLACE").await;
    assert!(done.get("errors").is_none(), "{done}");
    tallies_agree(&app, "a replacing import").await;
    let done = upload_merging(&app, &admin, govtrail::dataset::DEMO, false, "REPLACE").await;
    assert!(done.get("errors").is_none(), "{done}");
    tallies_agree(&app, "the demo imported again").await;
    // Changes recorded by the API's writes, then folded in as the server does from time to time.
    let run_again = app
        .query_as(
            &editor,
            "mutation($a: ID!) { createTask(input: { title: \"Tổng hợp\", dueOn: \"2021-10-15\", assignees: [$a] }) { id } }",
            json!({ "a": app.data("{ organizations(first: 1) { nodes { id } } }", json!({})).await["organizations"]["nodes"][0]["id"] }),
        )
        .await;
    assert!(run_again.get("errors").is_none(), "{run_again}");
    tallies_agree(&app, "a write after the import").await;
    let db = govtrail::database::connect(&app.database_url).await.unwrap();
    govtrail::store::stats::fold_task_tally_now(&db).await.unwrap();
    tallies_agree(&app, "the changes folded in").await;
    // The answer does come from the tallies: one changed behind the server's back shows.
    use sea_orm::ConnectionTrait;
    db.execute_unprepared("UPDATE task_tally SET n = n + 1 WHERE status = 'OPEN' AND organization_id <> 0")
        .await
        .unwrap();
    let kept = app.data(BY_ASSIGNEE, json!({ "asOf": "2022-01-01" })).await;
    let counted = app.data(BY_ASSIGNEE, json!({ "asOf": "2022-01-01", "filter": { "and": [{}] } })).await;
    assert_ne!(kept, counted);
    db.execute_unprepared("UPDATE task_due_tally SET n = n + 1").await.unwrap();
    let kept = app.data(OVERDUE, json!({ "filter": { "overdueAsOf": "2031-01-01" } })).await;
    let counted = app.data(OVERDUE, json!({ "filter": { "overdueAsOf": "2031-01-01", "and": [{}] } })).await;
    assert_ne!(kept, counted, "the overdue count comes from its tally");
}
