//! Operations over `/graphql/ws` pass the admission of an HTTP request: the rate limit, the
//! time limit, the token looked up again (a revoked one stops at once); a connection that never
//! initialises is closed; and what clients name their operations cannot forge `/metrics`.

use crate::helpers::*;
use govtrail::auth::Role;
use govtrail::limits::Limits;
use serde_json::{Value, json};
use std::time::Duration;

fn no_rates() -> Limits {
    Limits { anonymous_per_minute: 0, token_per_minute: 0, ..Limits::default() }
}

/// The answer to one operation sent over `socket` as subscription `id`: its single result, or
/// the errors of an `error` message.
async fn over_socket(socket: &mut Socket, id: &str, query: &str, variables: Value) -> Value {
    socket.subscribe(id, query, variables).await;
    let message = socket.message_within(Duration::from_secs(20)).await.expect("an answer");
    match message["type"].as_str() {
        Some("next") => {
            let done = socket.message_within(Duration::from_secs(20)).await.expect("complete");
            assert_eq!(done["type"], "complete", "{done}");
            message["payload"].clone()
        }
        Some("error") => json!({ "errors": message["payload"] }),
        _ => panic!("{message}"),
    }
}

fn code(answer: &Value) -> &str {
    answer["errors"][0]["extensions"]["code"].as_str().unwrap_or("")
}

#[tokio::test]
async fn operations_over_a_socket_are_charged_to_the_rate_limit() {
    // 6 a minute (one every 10 s), bursts of 3; connection_init takes one, so two operations
    // pass and the rest are refused however slowly the machine sends them.
    let limits = Limits { anonymous_per_minute: 6, ..no_rates() };
    let app = spawn(Setup { limits, ..Setup::default() }).await;
    let mut socket = Socket::connect(&app.address.to_string(), json!({})).await.expect("connection");
    let (mut passed, mut refused) = (0, 0);
    for n in 0..20 {
        let answer = over_socket(&mut socket, &n.to_string(), "{ __typename }", json!({})).await;
        match code(&answer) {
            "" => {
                assert_eq!(answer["data"]["__typename"], "Query");
                passed += 1;
            }
            "RATE_LIMITED" => refused += 1,
            other => panic!("{other}: {answer}"),
        }
    }
    assert!((2..=4).contains(&passed) && refused >= 16, "{passed} passed, {refused} refused past a burst of 3");
    // HTTP from the same address draws on the same allowance.
    let http = app.client.post(app.url("/graphql")).json(&json!({ "query": "{ __typename }" })).send().await;
    assert_eq!(http.expect("send").status().as_u16(), 429);
}

#[tokio::test]
async fn queries_over_a_socket_are_stopped_at_the_time_limit() {
    use crate::statements::{NESTED, large_dataset};
    let limits = Limits { time_limit: Duration::from_millis(1), ..no_rates() };
    let app = spawn(Setup { dataset: Some(large_dataset(120).to_string()), limits, ..Setup::default() }).await;
    let mut socket = Socket::connect(&app.address.to_string(), json!({})).await.expect("connection");
    let answer = over_socket(&mut socket, "1", NESTED, json!({ "n": 100 })).await;
    assert_eq!(code(&answer), "TIMEOUT", "{answer}");
    let answer = over_socket(&mut socket, "2", "{ __typename }", json!({})).await;
    assert_eq!(answer["data"]["__typename"], "Query");
}

#[tokio::test]
async fn a_revoked_token_writes_nothing_over_an_open_socket() {
    // The periodic re-check is an hour away: the revocation must stop the very next operation.
    let setup = Setup { token_recheck: Duration::from_secs(3600), ..Setup::default() };
    let app = spawn(setup).await;
    let editor = app.token("desk", Role::Editor).await;
    let mut socket = Socket::connect(&app.address.to_string(), json!({ "token": editor })).await.expect("connection");
    let create = "mutation($name: String!) { createOfficial(input: { name: $name }) { name } }";
    let made = over_socket(&mut socket, "1", create, json!({ "name": "Vàng Seo Pao" })).await;
    assert_eq!(made["data"]["createOfficial"]["name"], "Vàng Seo Pao", "{made}");
    let db = govtrail::database::connect(&app.database_url).await.expect("connect");
    govtrail::auth::revoke_token(&db, "desk").await.map_err(|e| e.message()).expect("revoke");
    let refused = over_socket(&mut socket, "2", create, json!({ "name": "Giàng A Dính" })).await;
    assert_eq!(code(&refused), "UNAUTHENTICATED", "{refused}");
    let found = app.data("{ officials(first: 10) { totalCount } }", json!({})).await;
    assert_eq!(found["officials"]["totalCount"], 1, "nothing was written after the revocation");
}

#[tokio::test]
async fn a_socket_that_never_initialises_is_closed() {
    use futures::StreamExt;
    use tokio_tungstenite::tungstenite::Message;
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let limits = Limits { connection_init_wait: Duration::from_millis(300), ..no_rates() };
    let app = spawn(Setup { limits, ..Setup::default() }).await;
    let mut request = format!("ws://{}/graphql/ws", app.address).into_client_request().expect("request");
    request.headers_mut().insert("Sec-WebSocket-Protocol", "graphql-transport-ws".parse().expect("header"));
    let (mut ws, _) = tokio_tungstenite::connect_async(request).await.expect("upgrade");
    let message = tokio::time::timeout(Duration::from_secs(10), ws.next()).await.expect("closed in time");
    match message {
        Some(Ok(Message::Close(Some(frame)))) => assert_eq!(u16::from(frame.code), 4408),
        other => panic!("expected a close with 4408, got {other:?}"),
    }
    // One that initialises in time stays open past the wait.
    let mut socket = Socket::connect(&app.address.to_string(), json!({})).await.expect("connection");
    tokio::time::sleep(Duration::from_millis(600)).await;
    let answer = over_socket(&mut socket, "1", "{ __typename }", json!({})).await;
    assert_eq!(answer["data"]["__typename"], "Query");
}

/// Every line of an exposition is a comment, a sample `name{labels} value` or `# EOF`.
fn well_formed(exposition: &str) -> bool {
    exposition.lines().all(|line| {
        line.starts_with('#')
            || line.split_once(' ').is_some_and(|(series, value)| {
                let name_end = series.find('{').unwrap_or(series.len());
                series[..name_end].chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
                    && (name_end == series.len() || series.ends_with('}'))
                    && value.parse::<f64>().is_ok()
            })
    })
}

#[tokio::test]
async fn operation_names_cannot_forge_metrics_or_fill_their_table() {
    let app = spawn(Setup { limits: no_rates(), ..Setup::default() }).await;
    let forged = "x\"} 1\ngovtrail_forged_total 1\n# ";
    for query in ["{ __typename }", "query x { __typename }", "{ nosuchfield }"] {
        let body = json!({ "query": query, "operationName": forged });
        app.client.post(app.url("/graphql")).json(&body).send().await.expect("send");
    }
    // Refused requests under hundreds of names leave the operation table alone.
    for n in 0..250 {
        let body = json!({ "query": "{ nosuchfield }", "operationName": format!("Refused{n}") });
        app.client.post(app.url("/graphql")).json(&body).send().await.expect("send");
    }
    let body = json!({ "query": "query Dashboard { __typename }", "operationName": "Dashboard" });
    app.client.post(app.url("/graphql")).json(&body).send().await.expect("send");
    let text = reqwest::get(app.url("/metrics")).await.expect("metrics").text().await.expect("text");
    assert!(!text.contains("govtrail_forged"), "a client forged a line");
    assert!(well_formed(&text), "the exposition is malformed:\n{text}");
    assert!(!text.contains("Refused"), "refused requests took places in the table");
    assert!(text.contains("operation=\"Dashboard\""), "{text}");
}

#[tokio::test]
async fn a_write_locked_out_by_another_process_is_busy_not_internal() {
    use sea_orm::ConnectionTrait;
    if std::env::var("TEST_DATABASE_URL").is_ok() {
        return; // PostgreSQL has no file lock to hold.
    }
    let app = spawn(Setup { limits: no_rates(), ..Setup::default() }).await;
    let editor = app.token("desk", Role::Editor).await;
    // Another process writing the same file, as `govtrail import` does, holds the write lock.
    let mut options = sea_orm::ConnectOptions::new(app.database_url.clone());
    options.max_connections(1).sqlx_logging(false);
    let other = sea_orm::Database::connect(options).await.expect("connect");
    other.execute_unprepared("BEGIN IMMEDIATE").await.expect("take the write lock");
    let response = app
        .client
        .post(app.url("/graphql"))
        .bearer_auth(&editor)
        .json(&json!({ "query": "mutation { createOfficial(input: { name: \"Sùng Mí Chá\" }) { name } }" }))
        .send()
        .await
        .expect("send");
    let retry = response.headers().get("retry-after").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let answer: Value = response.json().await.expect("JSON");
    assert_eq!(code(&answer), "SERVER_BUSY", "{answer}");
    assert_eq!(retry.as_deref(), Some("1"));
    other.execute_unprepared("ROLLBACK").await.expect("release");
    let found = app.data("{ officials(first: 1) { totalCount } }", json!({})).await;
    assert_eq!(found["officials"]["totalCount"], 0, "nothing was written");
}

/// Whether the server closed `stream` within `wait` (a read that ends or fails), reading and
/// keeping what it answered.
async fn closed_within(stream: &mut tokio::net::TcpStream, wait: Duration) -> (bool, String) {
    use tokio::io::AsyncReadExt;
    let mut answer = Vec::new();
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        let mut buffer = [0u8; 4096];
        match tokio::time::timeout_at(deadline, stream.read(&mut buffer)).await {
            Err(_) => return (false, String::from_utf8_lossy(&answer).into_owned()),
            Ok(Ok(0)) | Ok(Err(_)) => return (true, String::from_utf8_lossy(&answer).into_owned()),
            Ok(Ok(n)) => answer.extend_from_slice(&buffer[..n]),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_or_silent_clients_do_not_hold_connections() {
    use tokio::io::AsyncWriteExt;
    let limits =
        Limits { header_time: Duration::from_millis(800), idle_time: Duration::from_millis(800), ..no_rates() };
    let app = spawn(Setup { limits, ..Setup::default() }).await;
    // Headers a byte every 200 ms: cut off when their time is up, although bytes keep coming.
    let mut slow = tokio::net::TcpStream::connect(app.address).await.expect("connect");
    let started = std::time::Instant::now();
    let headers =
        format!("POST /graphql HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nX-Padding: {}", app.address.port(), "a".repeat(100));
    for byte in headers.bytes() {
        if slow.write_all(&[byte]).await.is_err() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
        if started.elapsed() > Duration::from_secs(5) {
            break;
        }
    }
    let (closed, _) = closed_within(&mut slow, Duration::from_secs(2)).await;
    assert!(closed && started.elapsed() < Duration::from_secs(5), "slow headers held the connection");
    // A body that stops half-way is answered 408.
    let mut stalled = tokio::net::TcpStream::connect(app.address).await.expect("connect");
    let request = format!(
        "POST /graphql HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"query\":",
        app.address.port()
    );
    stalled.write_all(request.as_bytes()).await.expect("write");
    let (_, answer) = closed_within(&mut stalled, Duration::from_secs(3)).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("REQUEST_TIMEOUT"), "{answer}");
    // A connection that sends nothing is closed.
    let mut silent = tokio::net::TcpStream::connect(app.address).await.expect("connect");
    assert!(closed_within(&mut silent, Duration::from_secs(3)).await.0, "a silent connection stayed open");
    // A WebSocket may stay quiet past both: it is left to its protocol.
    let mut socket = Socket::connect(&app.address.to_string(), json!({})).await.expect("connection");
    tokio::time::sleep(Duration::from_millis(1_800)).await;
    let answer = over_socket(&mut socket, "1", "{ __typename }", json!({})).await;
    assert_eq!(answer["data"]["__typename"], "Query");
    // Ordinary clients are not affected.
    app.data("{ __typename }", json!({})).await;
}

#[tokio::test]
async fn a_subscription_event_is_bounded_in_bytes_as_a_query_answer_is() {
    let app = spawn(Setup {
        dataset: Some(govtrail::dataset::DEMO.to_owned()),
        limits: Limits { max_answer_bytes: 400, ..no_rates() },
        ..Setup::default()
    })
    .await;
    let address = app.address.to_string();
    let editor = app.token("editor", Role::Editor).await;
    let mut socket = Socket::connect(&address, json!({})).await.expect("connected");
    socket.subscribe("s", "subscription { taskChanged { kind task { title } } }", json!({})).await;
    await_subscriptions(&address, "taskChanged", 1.0).await;
    let ban = id_of(&app, "organizations", "Ban Dân vận Tỉnh ủy Hà Giang").await;
    let create = "mutation($t: String!, $a: [ID!]!) { createTask(input: { title: $t, assignees: $a }) { id } }";
    for title in ["Việc ngắn", &"Việc dài ".repeat(60)] {
        let made = app.query_as(&editor, create, json!({ "t": title.trim(), "a": [ban] })).await;
        assert!(made.get("errors").is_none(), "{made}");
    }
    let short = socket.next().await;
    assert_eq!(short["data"]["taskChanged"]["task"]["title"], "Việc ngắn", "{short}");
    let long = socket.next().await;
    assert!(long.get("data").is_none() || long["data"].is_null(), "no part of the event is sent: {long}");
    assert_eq!(long["errors"][0]["extensions"]["code"], "LIMIT_EXCEEDED", "{long}");
    assert_eq!(long["errors"][0]["extensions"]["limit"], "bytes", "{long}");
    let made = app.query_as(&editor, create, json!({ "t": "Việc sau", "a": [ban] })).await;
    assert!(made.get("errors").is_none(), "{made}");
    assert_eq!(socket.next().await["data"]["taskChanged"]["task"]["title"], "Việc sau", "the subscription goes on");
}
