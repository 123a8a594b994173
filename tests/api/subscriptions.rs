//! Subscriptions over WebSocket (graphql-transport-ws at /graphql/ws): task and conference
//! changes with filters, tasks coming due at local midnight, read rules, two server processes
//! on one database, and what /metrics and SIGTERM do meanwhile.

use crate::helpers::*;
use chrono::{DateTime, Utc};
use govtrail::auth::Role;
use govtrail::domain::time::Clock;
use serde_json::{Value, json};
use std::time::Duration;

const CREATE_TASK: &str = "mutation($i: CreateTaskInput!) { createTask(input: $i) { id version } }";
const RECORD: &str =
    "mutation($id: ID!, $u: TaskProgressInput!) { recordTaskUpdate(taskId: $id, update: $u) { version } }";
const UPDATE_TASK: &str = "mutation($id: ID!, $v: Int!, $i: UpdateTaskInput!) { updateTask(id: $id, expectedVersion: $v, input: $i) { version } }";
const DELETE_TASK: &str = "mutation($id: ID!, $v: Int!) { deleteTask(id: $id, expectedVersion: $v) { id } }";
const TASK_CHANGED: &str = "subscription($f: TaskFilter) { taskChanged(filter: $f) {
    kind taskId previousStatus status matchesFilter task { title status } change { actor operation } } }";

fn ok(response: &Value) -> &Value {
    assert!(response.get("errors").is_none(), "unexpected errors: {response}");
    &response["data"]
}

#[tokio::test]
async fn a_filtered_subscription_sees_tasks_enter_and_leave_its_filter() {
    let app = spawn_demo().await;
    let address = app.address.to_string();
    let editor = app.token("ban-dan-van", Role::Editor).await;
    let ban = id_of(&app, "organizations", "Ban Dân vận Tỉnh ủy Hà Giang").await;
    let reader = app.token("wall-screen", Role::Reader).await;
    let mut anonymous = Socket::connect(&address, json!({ "token": reader })).await.expect("connected");
    anonymous.subscribe("open", TASK_CHANGED, json!({ "f": { "status": ["OPEN"] } })).await;
    let mut socket = Socket::connect(&address, json!({ "token": editor })).await.expect("connected");
    socket.subscribe("open", TASK_CHANGED, json!({ "f": { "status": ["OPEN"] } })).await;
    await_subscriptions(&address, "taskChanged", 2.0).await;

    let made = app
        .query_as(
            &editor,
            CREATE_TASK,
            json!({ "i": { "title": "Rà soát Đề án 06", "dueOn": "2021-10-31", "assignees": [ban] } }),
        )
        .await;
    let id = ok(&made)["createTask"]["id"].clone();
    let seen_by_reader = anonymous.next().await;
    assert_eq!(seen_by_reader["data"]["taskChanged"]["change"]["actor"], Value::Null, "actors are for staff who write");
    let created = socket.next().await;
    assert_eq!(
        created["data"]["taskChanged"],
        json!({ "kind": "CREATED", "taskId": id, "previousStatus": null, "status": "OPEN", "matchesFilter": true,
                "task": { "title": "Rà soát Đề án 06", "status": "OPEN" },
                "change": { "actor": "ban-dan-van", "operation": "createTask" } })
    );

    // Done: the task leaves the filter, and the subscriber hears of it once.
    let done =
        app.query_as(&editor, RECORD, json!({ "id": id, "u": { "date": "2021-09-01", "status": "DONE" } })).await;
    let version = ok(&done)["recordTaskUpdate"]["version"].clone();
    let left = socket.next().await;
    let left = &left["data"]["taskChanged"];
    assert_eq!(
        (left["kind"].as_str(), left["matchesFilter"].as_bool()),
        (Some("STATUS_CHANGED"), Some(false)),
        "{left}"
    );
    assert_eq!((left["previousStatus"].as_str(), left["status"].as_str()), (Some("OPEN"), Some("DONE")));

    // Outside the filter now: neither an edit nor its deletion reaches the subscriber.
    let renamed =
        app.query_as(&editor, UPDATE_TASK, json!({ "id": id, "v": version, "i": { "title": "Đã xong" } })).await;
    let version = ok(&renamed)["updateTask"]["version"].clone();
    ok(&app.query_as(&editor, DELETE_TASK, json!({ "id": id, "v": version })).await);
    let other = app.query_as(&editor, CREATE_TASK, json!({ "i": { "title": "Việc mới", "assignees": [ban] } })).await;
    let other_id = ok(&other)["createTask"]["id"].clone();
    let next = socket.next().await;
    assert_eq!(next["data"]["taskChanged"]["taskId"], other_id, "the next event is the new task's: {next}");
    assert_eq!(next["data"]["taskChanged"]["kind"], "CREATED");
}

#[tokio::test]
async fn every_change_reaches_an_unfiltered_subscription_in_order() {
    let app = spawn_demo().await;
    let address = app.address.to_string();
    let editor = app.token("editor", Role::Editor).await;
    let ban = id_of(&app, "organizations", "Ban Dân vận Tỉnh ủy Hà Giang").await;
    let mut socket = Socket::connect(&address, json!({})).await.expect("connected");
    socket.subscribe("all", TASK_CHANGED, json!({})).await;
    await_subscriptions(&address, "taskChanged", 1.0).await;
    let made = app.query_as(&editor, CREATE_TASK, json!({ "i": { "title": "Việc A", "assignees": [ban] } })).await;
    let id = ok(&made)["createTask"]["id"].clone();
    let renamed = app.query_as(&editor, UPDATE_TASK, json!({ "id": id, "v": 1, "i": { "title": "Việc B" } })).await;
    ok(&renamed);
    ok(&app.query_as(&editor, DELETE_TASK, json!({ "id": id, "v": 2 })).await);
    let events = [socket.next().await, socket.next().await, socket.next().await];
    let seen: Vec<(&str, &str)> = events
        .iter()
        .map(|e| {
            let change = &e["data"]["taskChanged"];
            (change["kind"].as_str().unwrap_or("?"), change["change"]["operation"].as_str().unwrap_or("?"))
        })
        .collect();
    assert_eq!(seen, [("CREATED", "createTask"), ("UPDATED", "updateTask"), ("DELETED", "deleteTask")]);
    assert!(events[2]["data"]["taskChanged"]["task"].is_null(), "a deleted task reads as null");
}

#[tokio::test]
async fn conference_changes_include_their_participations() {
    let app = spawn_demo().await;
    let address = app.address.to_string();
    let editor = app.token("editor", Role::Editor).await;
    let dung = id_of(&app, "officials", "Nguyễn Mạnh Dũng").await;
    let mut socket = Socket::connect(&address, json!({})).await.expect("connected");
    let subscription =
        "subscription { conferenceChanged { kind conferenceId matchesFilter change { nodeType operation } } }";
    socket.subscribe("c", subscription, json!({})).await;
    await_subscriptions(&address, "conferenceChanged", 1.0).await;
    let create = "mutation($i: CreateConferenceInput!) { createConference(input: $i) { id } }";
    let input = json!({ "i": { "title": "Hội nghị giao ban", "kind": "MEETING", "format": "IN_PERSON", "date": "2021-08-02",
                               "participants": [{ "official": dung, "role": "CHAIR" }] } });
    let made = app.query_as(&editor, create, input).await;
    let id = ok(&made)["createConference"]["id"].clone();
    let first = socket.next().await;
    let second = socket.next().await;
    assert_eq!(
        first["data"]["conferenceChanged"],
        json!({ "kind": "CREATED", "conferenceId": id, "matchesFilter": true,
                "change": { "nodeType": "Conference", "operation": "createConference" } })
    );
    assert_eq!(
        second["data"]["conferenceChanged"],
        json!({ "kind": "PARTICIPATION_CHANGED", "conferenceId": id, "matchesFilter": true,
                "change": { "nodeType": "Participation", "operation": "createConference" } })
    );
}

#[tokio::test]
async fn tasks_come_due_at_local_midnight() {
    // Fifteen seconds before midnight in Vietnam (UTC+7) on 20 July 2021, and running: time
    // enough to set up on a busy machine before the date turns.
    let from: DateTime<Utc> = "2021-07-20T16:59:45Z".parse().unwrap();
    let app = spawn(Setup {
        dataset: Some(govtrail::dataset::DEMO.to_owned()),
        clock: Clock::Running { from, since: std::time::Instant::now() },
        ..Setup::default()
    })
    .await;
    let address = app.address.to_string();
    let editor = app.token("editor", Role::Editor).await;
    let ban = id_of(&app, "organizations", "Ban Dân vận Tỉnh ủy Hà Giang").await;
    for (title, due) in [("Kiểm tra trước", "2021-07-21"), ("Kiểm tra sau", "2021-07-22")] {
        let input = json!({ "i": { "title": title, "dueOn": due, "assignees": [ban] } });
        ok(&app.query_as(&editor, CREATE_TASK, input).await);
    }
    let mut socket = Socket::connect(&address, json!({})).await.expect("connected");
    let due = "subscription { tasksDue(withinDays: 1, filter: { text: \"kiem tra\" }, includeCurrent: true) {
        kind today daysLeft dueOn timeZone task { title } } }";
    socket.subscribe("due", due, json!({})).await;
    // Due tomorrow: in the window of one day already, sent at once.
    assert_eq!(
        socket.next().await["data"]["tasksDue"],
        json!({ "kind": "ENTERED_WINDOW", "today": "2021-07-20", "daysLeft": 1, "dueOn": "2021-07-21",
                "timeZone": "Asia/Ho_Chi_Minh", "task": { "title": "Kiểm tra trước" } })
    );
    // Due the day after: enters when the date turns in Vietnam.
    assert_eq!(
        socket.next().await["data"]["tasksDue"],
        json!({ "kind": "ENTERED_WINDOW", "today": "2021-07-21", "daysLeft": 1, "dueOn": "2021-07-22",
                "timeZone": "Asia/Ho_Chi_Minh", "task": { "title": "Kiểm tra sau" } })
    );
    // A task due yesterday is overdue the moment it is recorded.
    let input = json!({ "i": { "title": "Kiểm tra muộn", "dueOn": "2021-07-19", "assignees": [ban] } });
    ok(&app.query_as(&editor, CREATE_TASK, input).await);
    let overdue = socket.next().await;
    assert_eq!(overdue["data"]["tasksDue"]["kind"], "OVERDUE", "{overdue}");
    assert_eq!(overdue["data"]["tasksDue"]["daysLeft"], -2);
    assert!(socket.message_within(Duration::from_millis(500)).await.is_none(), "nothing else came due");
}

#[tokio::test]
async fn a_window_out_of_range_is_refused() {
    let app = spawn_app().await;
    let mut socket = Socket::connect(&app.address.to_string(), json!({})).await.expect("connected");
    socket.subscribe("w", "subscription { tasksDue(withinDays: -1) { kind } }", json!({})).await;
    let refused = socket.message_within(Duration::from_secs(20)).await.expect("an answer");
    let errors = if refused["type"] == "error" { &refused["payload"] } else { &refused["payload"]["errors"] };
    assert_eq!(errors[0]["extensions"]["code"], "BAD_USER_INPUT", "{refused}");
}

#[tokio::test]
async fn subscriptions_need_a_token_when_reads_do() {
    let app = spawn(Setup { restrict_reads: true, ..Setup::default() }).await;
    let address = app.address.to_string();
    let reader = app.token("dashboard", Role::Reader).await;
    let anonymous = Socket::connect(&address, json!({})).await.err().expect("refused without a token");
    assert_eq!(anonymous.code, 4403, "{anonymous:?}");
    assert!(anonymous.reason.starts_with("UNAUTHENTICATED"), "{anonymous:?}");
    let forged =
        Socket::connect(&address, json!({ "Authorization": "Bearer gt_forged" })).await.err().expect("refused");
    assert!(forged.reason.starts_with("UNAUTHENTICATED"), "{forged:?}");
    assert!(Socket::connect(&address, json!({ "Authorization": format!("Bearer {reader}") })).await.is_ok());
    assert!(Socket::connect(&address, json!({ "token": reader })).await.is_ok());
}

#[tokio::test]
async fn a_revoked_token_loses_its_subscriptions() {
    let setup = Setup { restrict_reads: true, token_recheck: Duration::from_millis(200), ..Setup::default() };
    let app = spawn(setup).await;
    let reader = app.token("wall-screen", Role::Reader).await;
    let other = app.token("other-screen", Role::Reader).await;
    let mut revoked = Socket::connect(&app.address.to_string(), json!({ "token": reader })).await.expect("connected");
    let mut kept = Socket::connect(&app.address.to_string(), json!({ "token": other })).await.expect("connected");
    let db = govtrail::database::connect(&app.database_url).await.expect("connect");
    govtrail::auth::revoke_token(&db, "wall-screen").await.map_err(|e| e.message()).expect("revoke");
    let closed = revoked.message_within(Duration::from_secs(20)).await.expect("closed");
    assert_eq!(closed, json!({ "type": "close", "code": 4403 }));
    assert!(kept.message_within(Duration::from_millis(600)).await.is_none(), "the other token keeps its connection");
}

#[tokio::test]
async fn metrics_count_a_request_just_made() {
    let app = spawn_demo().await;
    let address = app.address.to_string();
    let sample = "govtrail_graphql_requests_total{operation=\"DashboardCounts\",outcome=\"ok\"}";
    let duration = "govtrail_graphql_request_duration_seconds_count{operation=\"DashboardCounts\"}";
    assert_eq!(metric(&address, sample).await, 0.0);
    let body = json!({ "query": "query DashboardCounts { tasks { totalCount } }", "operationName": "DashboardCounts" });
    let answered = app.client.post(app.url("/graphql")).json(&body).send().await.expect("request");
    assert!(answered.status().is_success());
    assert_eq!(metric(&address, sample).await, 1.0);
    assert_eq!(metric(&address, duration).await, 1.0);
    let refused = json!({ "query": "query DashboardCounts { nope }", "operationName": "DashboardCounts" });
    app.client.post(app.url("/graphql")).json(&refused).send().await.expect("request");
    // A request refused before execution is counted under "-": no valid document vouched for
    // its name, and refusals must not fill the table of names.
    let failed = "govtrail_graphql_requests_total{operation=\"-\",outcome=\"BAD_USER_INPUT\"}";
    assert_eq!(metric(&address, failed).await, 1.0);
    assert!(metric(&address, "govtrail_db_pool_max_connections").await >= 1.0);
    let text = reqwest::get(app.url("/metrics")).await.unwrap().text().await.unwrap();
    assert!(text.contains("govtrail_db_pool_connections{state=\"idle\"}"), "{text}");
    assert!(text.contains("# TYPE govtrail_graphql_request_duration_seconds histogram"), "{text}");
}

#[tokio::test]
async fn a_change_through_one_server_reaches_subscribers_of_another() {
    let dir = tempfile::tempdir().unwrap();
    let database = fresh_database(&dir).await;
    // The first server migrates and loads the demo; the second starts on a current schema.
    let (_first, watched) = serve_process(&database, &["--demo", "--change-poll-ms", "100"]);
    let (_second, written) = serve_process(&database, &["--change-poll-ms", "100"]);
    let token = cli_token(&database, "replica-test", "EDITOR");
    // An EDITOR's connection sees who made a change.
    let mut socket = Socket::connect(&watched, json!({ "token": token })).await.expect("connected");
    socket.subscribe("t", TASK_CHANGED, json!({})).await;
    await_subscriptions(&watched, "taskChanged", 1.0).await;
    let client = reqwest::Client::new();
    let post = |query: &str, variables: Value| {
        client
            .post(format!("http://{written}/graphql"))
            .bearer_auth(&token)
            .json(&json!({ "query": query, "variables": variables }))
            .send()
    };
    let found =
        post("{ organizations(filter: { text: \"Ban Dân vận\" }, first: 1) { edges { node { id } } } }", json!({}))
            .await
            .expect("request")
            .json::<Value>()
            .await
            .expect("JSON");
    let ban = ok(&found)["organizations"]["edges"][0]["node"]["id"].clone();
    let input = json!({ "i": { "title": "Qua máy chủ thứ hai", "assignees": [ban] } });
    let made: Value = post(CREATE_TASK, input).await.expect("request").json().await.expect("JSON");
    let event = socket.next().await;
    assert_eq!(event["data"]["taskChanged"]["taskId"], ok(&made)["createTask"]["id"]);
    assert_eq!(event["data"]["taskChanged"]["task"]["title"], "Qua máy chủ thứ hai");
    assert_eq!(event["data"]["taskChanged"]["change"]["actor"], "replica-test");
}

#[tokio::test]
async fn sigterm_lets_a_request_in_flight_finish_and_closes_subscriptions() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let dir = tempfile::tempdir().unwrap();
    let database = fresh_database(&dir).await;
    let (mut server, address) = serve_process(&database, &["--demo", "--shutdown-timeout-secs", "20"]);
    let mut socket = Socket::connect(&address, json!({})).await.expect("connected");
    socket.subscribe("t", TASK_CHANGED, json!({})).await;
    await_subscriptions(&address, "taskChanged", 1.0).await;

    // A request whose body is still arriving when the signal comes.
    let body = json!({ "query": "{ conferences { totalCount } }" }).to_string();
    let (head, tail) = body.split_at(body.len() / 2);
    let mut stream = tokio::net::TcpStream::connect(&address).await.expect("connect");
    let request = format!(
        "POST /graphql HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{head}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.expect("send the head");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let pid = server.0.id().to_string();
    assert!(std::process::Command::new("kill").args(["-TERM", &pid]).status().expect("kill").success());

    // The subscription is closed cleanly, with "going away".
    let closed = socket.message_within(Duration::from_secs(20)).await.expect("the server closes the subscription");
    assert_eq!(closed, json!({ "type": "close", "code": 1001 }));
    // No new connections are taken.
    let mut refused = false;
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(&address).await.is_err() {
            refused = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(refused, "the server still accepts connections after SIGTERM");

    // The request in flight completes.
    stream.write_all(tail.as_bytes()).await.expect("send the rest");
    let mut response = Vec::new();
    tokio::time::timeout(Duration::from_secs(20), stream.read_to_end(&mut response))
        .await
        .expect("the response within 20 s")
        .expect("read");
    let response = String::from_utf8_lossy(&response);
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains("\"totalCount\""), "{response}");

    let status = tokio::task::spawn_blocking(move || server.0.wait().expect("wait")).await.expect("join");
    assert_eq!(status.code(), Some(0), "the server exits 0");
}
