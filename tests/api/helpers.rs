//! Starting the real server on port 0 with a fresh database, and talking to it over HTTP. The
//! database is SQLite in a temporary folder, or, when `TEST_DATABASE_URL` names a PostgreSQL
//! server, a new database of its own on that server.

use chrono::{DateTime, Utc};
use govtrail::config::ServerConfig;
use govtrail::domain::time::Clock;
use govtrail::{database, dataset, server};
use sea_orm::DatabaseConnection;
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::sync::Arc;
use tempfile::TempDir;
use tokio::sync::oneshot;

/// A running server with its own database.
pub struct TestApp {
    pub address: SocketAddr,
    pub client: reqwest::Client,
    statements: Arc<std::sync::Mutex<Vec<String>>>,
    pub database_url: String,
    /// With `GOVTRAIL_DIFFERENTIAL` set: a server over the same database that loads every
    /// relation field by field; every read `query` sends is answered by both, and the answers
    /// must be the same, errors included.
    twin: Option<(SocketAddr, oneshot::Sender<()>)>,
    _dir: TempDir,
    _shutdown: oneshot::Sender<()>,
}

/// What to start a server with.
pub struct Setup {
    pub dataset: Option<String>,
    pub clock: Clock,
    pub graphiql_assets: Option<std::path::PathBuf>,
    pub batch_window: std::time::Duration,
    pub restrict_reads: bool,
    pub token_recheck: std::time::Duration,
    /// The server's limits; rate limits are off unless a test sets them, as tests send many
    /// requests from one address.
    pub limits: govtrail::limits::Limits,
    /// Host names the server answers to besides the loopback ones.
    pub allowed_hosts: Vec<String>,
    /// Whether list fields plan their reads (the server's default).
    pub planned_reads: bool,
    /// Whether the answers may be compared with a twin's (off where a test's answers depend
    /// on timing or on state one server keeps, such as rate limits).
    pub differential: bool,
}

impl Default for Setup {
    fn default() -> Self {
        Setup {
            dataset: None,
            clock: Clock::System,
            graphiql_assets: None,
            batch_window: govtrail::config::DEFAULT_BATCH_WINDOW,
            restrict_reads: false,
            token_recheck: govtrail::config::DEFAULT_TOKEN_RECHECK,
            limits: govtrail::limits::Limits {
                anonymous_per_minute: 0,
                token_per_minute: 0,
                ..govtrail::limits::Limits::default()
            },
            allowed_hosts: Vec::new(),
            planned_reads: true,
            differential: true,
        }
    }
}

/// A server over an empty database.
pub async fn spawn_app() -> TestApp {
    spawn(Setup::default()).await
}

/// A server over the demo dataset.
pub async fn spawn_demo() -> TestApp {
    spawn(Setup { dataset: Some(dataset::DEMO.to_owned()), ..Setup::default() }).await
}

/// A server over the given dataset.
pub async fn spawn_with(dataset: Value) -> TestApp {
    spawn(Setup { dataset: Some(dataset.to_string()), ..Setup::default() }).await
}

/// A server whose clock stands still at `now`, over the given dataset.
pub async fn spawn_at(now: &str, dataset: Value) -> TestApp {
    let now: DateTime<Utc> = now.parse().expect("instant");
    spawn(Setup { dataset: Some(dataset.to_string()), clock: Clock::Fixed(now), ..Setup::default() }).await
}

/// The URL of a new, empty, migrated database for one test.
pub async fn fresh_database(dir: &TempDir) -> String {
    let Ok(server) = std::env::var("TEST_DATABASE_URL") else {
        // Made and migrated, as a PostgreSQL one below: only `migrate` and `serve --demo` make one.
        let url = format!("sqlite://{}/test.db?mode=rwc", dir.path().display());
        database::close(database::open(&url).await.expect("a new SQLite database")).await;
        return url;
    };
    use sea_orm::ConnectionTrait;
    static LEFTOVERS: tokio::sync::OnceCell<()> = tokio::sync::OnceCell::const_new();
    let admin = sea_orm::Database::connect(&server).await.expect("TEST_DATABASE_URL reachable");
    // Databases of an earlier run are dropped once, before the first test makes its own.
    LEFTOVERS
        .get_or_init(|| async {
            let rows = admin
                .query_all_raw(sea_orm::Statement::from_string(
                    admin.get_database_backend(),
                    "SELECT datname FROM pg_database WHERE datname LIKE 'govtrail_test_%'",
                ))
                .await
                .expect("list databases");
            for row in rows {
                let name: String = row.try_get("", "datname").expect("name");
                let _ = admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")).await;
            }
        })
        .await;
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let name = format!("govtrail_test_{}_{n}", std::process::id());
    admin.execute_unprepared(&format!("CREATE DATABASE \"{name}\"")).await.expect("create database");
    let base = server.rsplit_once('/').map_or(server.as_str(), |(base, _)| base);
    let url = format!("{base}/{name}");
    database::close(database::open(&url).await.expect("a new PostgreSQL database")).await;
    url
}

pub async fn spawn(setup: Setup) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let database_url = fresh_database(&dir).await;
    let setup_db = database::open(&database_url).await.expect("database");
    if let Some(json) = &setup.dataset {
        let parsed = dataset::parse_dataset(json).map_err(|e| e.message()).expect("dataset parses");
        dataset::import(&setup_db, &parsed, dataset::Mode::Write, dataset::Merge::AddAndUpdate, None)
            .await
            .map_err(|e| e.message())
            .expect("dataset imports");
    }
    setup_db.close().await.expect("close");
    let statements = Arc::new(std::sync::Mutex::new(Vec::new()));
    let (address, shutdown) = serve_on(&database_url, &setup, setup.planned_reads, Some(statements.clone())).await;
    let differential = std::env::var_os("GOVTRAIL_DIFFERENTIAL").is_some()
        && setup.differential
        && setup.limits.anonymous_per_minute == 0
        && setup.limits.token_per_minute == 0;
    let twin = if differential { Some(serve_on(&database_url, &setup, false, None).await) } else { None };
    TestApp { address, client: reqwest::Client::new(), statements, database_url, twin, _dir: dir, _shutdown: shutdown }
}

/// Starts a server over an existing database; its statements go to `log`.
pub async fn serve_on(
    database_url: &str,
    setup: &Setup,
    planned_reads: bool,
    log: Option<Arc<std::sync::Mutex<Vec<String>>>>,
) -> (SocketAddr, oneshot::Sender<()>) {
    let mut db: DatabaseConnection = database::connect(database_url).await.expect("connect");
    if let Some(log) = log {
        db.set_metric_callback(move |info| {
            if let Ok(mut log) = log.lock() {
                log.push(info.statement.sql.clone());
            }
        });
    }
    let (shutdown, signal) = oneshot::channel::<()>();
    let config = ServerConfig {
        clock: setup.clock,
        graphiql_assets: setup.graphiql_assets.clone(),
        batch_window: setup.batch_window,
        restrict_reads: setup.restrict_reads,
        token_recheck: setup.token_recheck,
        limits: setup.limits.clone(),
        allowed_hosts: setup.allowed_hosts.clone(),
        planned_reads,
        ..ServerConfig::new("127.0.0.1:0".parse().expect("address"))
    };
    let (address, serve) = server::bind(&config, db, async {
        let _ = signal.await;
    })
    .await
    .expect("bind");
    tokio::spawn(serve);
    (address, shutdown)
}

/// Requires a planned answer and a field-by-field one to be the same, errors included; where
/// the node budget ran out, up to where it did: field by field, which fields of a level are the
/// first past the budget depends on the order the database answers the batches in (two servers
/// that both load field by field differ there too, even in how many fields fail). Then the
/// errors must be the same in message and code (but for the count of those left out), and the
/// answers the same outside their paths.
pub fn same_answers(planned: &Value, unplanned: &Value, asked: &str) {
    let budget_passed = |a: &Value| {
        a["errors"].as_array().is_some_and(|e| e.iter().any(|e| e["extensions"]["code"] == "LIMIT_EXCEEDED"))
    };
    if !budget_passed(planned) && !budget_passed(unplanned) {
        assert_eq!(planned, unplanned, "planned and field-by-field answers differ for {asked}");
        return;
    }
    let errors = |answer: &Value| -> Vec<(Value, Value)> {
        let mut found: Vec<(Value, Value)> = answer["errors"]
            .as_array()
            .map(|e| {
                e.iter()
                    // How many errors past the most were left out counts them, which varies.
                    .map(|e| match e["extensions"]["limit"] == "errors" {
                        true => (Value::Null, e["extensions"].clone()),
                        false => (e["message"].clone(), e["extensions"].clone()),
                    })
                    .collect()
            })
            .unwrap_or_default();
        found.sort_by_key(|e| e.0.to_string());
        found.dedup();
        found
    };
    assert_eq!(errors(planned), errors(unplanned), "the errors differ for {asked}");
    let truncated =
        |a: &Value| a["errors"].as_array().is_some_and(|e| e.iter().any(|e| e["extensions"]["limit"] == "errors"));
    if truncated(planned) {
        // The paths of the errors left out are unknown, and so is what they blanked.
        return;
    }
    let paths: Vec<Value> = [planned, unplanned]
        .iter()
        .flat_map(|a| a["errors"].as_array().cloned().unwrap_or_default())
        .map(|e| e["path"].clone())
        .collect();
    let (mut planned, mut unplanned) = (planned.clone(), unplanned.clone());
    for answer in [&mut planned, &mut unplanned] {
        for path in &paths {
            blank(&mut answer["data"], path.as_array().map_or(&[][..], Vec::as_slice));
        }
    }
    assert_eq!(planned["data"], unplanned["data"], "the answers differ outside the errors for {asked}");
}

/// Blanks what `path` leads to in `value`, where it leads anywhere: a field is removed (an
/// answer may hold it as null or not at all), an item of a list set to null.
fn blank(value: &mut Value, path: &[Value]) {
    match path {
        [] => {}
        [Value::String(name)] => {
            if let Some(object) = value.as_object_mut() {
                object.remove(name);
            }
        }
        [step, rest @ ..] => {
            let next = match step {
                Value::String(name) => value.get_mut(name.as_str()),
                Value::Number(i) => i.as_u64().and_then(|i| value.get_mut(i as usize)),
                _ => None,
            };
            if let Some(next) = next {
                if rest.is_empty() {
                    *next = Value::Null;
                } else {
                    blank(next, rest);
                }
            }
        }
    }
}

/// Whether a request may go to a twin too: it changes nothing (no mutation; one that does not
/// parse runs nothing).
fn only_reads(query: &str) -> bool {
    use async_graphql::parser::types::{DocumentOperations, OperationType};
    let Ok(document) = async_graphql::parser::parse_query(query) else { return true };
    let read = |t: OperationType| t == OperationType::Query;
    match &document.operations {
        DocumentOperations::Single(op) => read(op.node.ty),
        DocumentOperations::Multiple(ops) => ops.values().all(|op| read(op.node.ty)),
    }
}

/// Sends a GraphQL request to the server at `address`, with a bearer token where given.
pub async fn post_graphql(
    client: &reqwest::Client,
    address: SocketAddr,
    token: Option<&str>,
    query: &str,
    variables: &Value,
) -> reqwest::Response {
    let mut request =
        client.post(format!("http://{address}/graphql")).json(&json!({ "query": query, "variables": variables }));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.expect("request")
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.address, path)
    }

    /// The whole GraphQL response to a query.
    pub async fn query(&self, query: &str, variables: Value) -> Value {
        let response = post_graphql(&self.client, self.address, None, query, &variables).await;
        assert!(response.status().is_success(), "HTTP {}", response.status());
        let answer = response.json().await.expect("JSON response");
        self.compare_with_twin(None, query, &variables, &answer).await;
        answer
    }

    /// The whole GraphQL response to a query sent with `Authorization: Bearer token`.
    pub async fn query_as(&self, token: &str, query: &str, variables: Value) -> Value {
        let response = post_graphql(&self.client, self.address, Some(token), query, &variables).await;
        let answer = response.json().await.expect("JSON response");
        self.compare_with_twin(Some(token), query, &variables, &answer).await;
        answer
    }

    /// Asks the twin the same, when there is one, and requires the same answer.
    async fn compare_with_twin(&self, token: Option<&str>, query: &str, variables: &Value, answer: &Value) {
        let Some((twin, _)) = &self.twin else { return };
        if !only_reads(query) {
            return;
        }
        let theirs: Value =
            post_graphql(&self.client, *twin, token, query, variables).await.json().await.expect("JSON response");
        same_answers(answer, &theirs, &format!("{query} with {variables}"));
    }

    /// A new token with `role` for this server's database.
    pub async fn token(&self, name: &str, role: govtrail::auth::Role) -> String {
        let db = database::connect(&self.database_url).await.expect("connect");
        govtrail::auth::create_token(&db, name, role).await.map_err(|e| e.message()).expect("token")
    }

    /// The data of a query that must succeed.
    pub async fn data(&self, query: &str, variables: Value) -> Value {
        let response = self.query(query, variables).await;
        assert!(response.get("errors").is_none(), "unexpected errors: {}", response["errors"]);
        response["data"].clone()
    }

    /// The code of the first error of a query that must fail.
    pub async fn error_code(&self, query: &str, variables: Value) -> String {
        let response = self.query(query, variables).await;
        let errors = response["errors"].as_array().unwrap_or_else(|| panic!("expected errors, got {response}"));
        errors[0]["extensions"]["code"].as_str().unwrap_or_else(|| panic!("no code in {}", errors[0])).to_owned()
    }

    /// How many SQL statements the server has run so far.
    pub fn statements_seen(&self) -> usize {
        self.statements.lock().map(|l| l.len()).unwrap_or(0)
    }

    /// The SQL statements the server has run since it had run `seen`.
    pub fn statements_since(&self, seen: usize) -> Vec<String> {
        self.statements.lock().map(|l| l[seen..].to_vec()).unwrap_or_default()
    }

    /// The SQL statements `query` runs.
    pub async fn statements_for(&self, query: &str, variables: Value) -> Vec<String> {
        let before = self.statements_seen();
        self.data(query, variables).await;
        self.statements_since(before)
    }
}

/// The nodes of a connection.
pub fn nodes(connection: &Value) -> Vec<Value> {
    connection["edges"].as_array().expect("edges").iter().map(|e| e["node"].clone()).collect()
}

/// The global id of the node of a list whose name (title, or code) is `text`, or else of the
/// first one the text search finds.
pub async fn id_of(app: &TestApp, list: &str, text: &str) -> String {
    let label = match list {
        "directives" => "code title",
        _ => "name",
    };
    let query = format!(
        r#"query($t: String) {{ {list}(filter: {{ text: $t }}, first: 100) {{ edges {{ node {{ id {label} }} }} }} }}"#
    );
    let data = app.data(&query, json!({ "t": text })).await;
    let found = nodes(&data[list]);
    let exact = found.iter().find(|n| n["name"] == text || n["code"] == text || n["title"] == text);
    exact.or(found.first()).unwrap_or_else(|| panic!("no {list} matches {text}"))["id"].as_str().expect("id").to_owned()
}

/// A server process, stopped when the test ends, however it ends.
pub struct Running(pub std::process::Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A `govtrail serve` process on `database` with more `args`, and the address it listens on
/// (its log is read on, so that it never blocks on a full pipe).
pub fn serve_process(database: &str, args: &[&str]) -> (Running, String) {
    serve_process_with(database, args, &[])
}

/// [`serve_process`] with these environment variables set.
pub fn serve_process_with(database: &str, args: &[&str], vars: &[(&str, &std::path::Path)]) -> (Running, String) {
    use std::io::{BufRead, BufReader};
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_govtrail"))
        .args(["serve", "--listen", "127.0.0.1:0", "--database", database])
        .args(args)
        .envs(vars.iter().copied())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start the server");
    let mut lines = BufReader::new(child.stderr.take().expect("stderr")).lines();
    let running = Running(child);
    let mut address = None;
    for line in lines.by_ref().take(100) {
        let line = line.expect("a log line");
        if let Some(rest) = line.split("listening on http://").nth(1) {
            address = rest.split_whitespace().next().map(str::to_owned);
            break;
        }
    }
    std::thread::spawn(move || lines.for_each(drop));
    (running, address.expect("the server says where it listens"))
}

/// A token made with the command line for `database`.
pub fn cli_token(database: &str, name: &str, role: &str) -> String {
    let made = std::process::Command::new(env!("CARGO_BIN_EXE_govtrail"))
        .args(["token", "create", "--name", name, "--role", role, "--database", database])
        .output()
        .expect("govtrail token create");
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    String::from_utf8_lossy(&made.stdout).trim().to_owned()
}

/// The value of one sample of `/metrics` at `address` (0 when it is absent).
pub async fn metric(address: &str, sample: &str) -> f64 {
    let text = reqwest::get(format!("http://{address}/metrics")).await.expect("metrics").text().await.expect("text");
    text.lines()
        .find_map(|line| line.strip_prefix(sample).and_then(|rest| rest.strip_prefix(' ')))
        .map_or(0.0, |value| value.trim().parse().expect("a number"))
}

/// Waits (at most 20 s) until `address` has `count` subscriptions open to `field`.
pub async fn await_subscriptions(address: &str, field: &str, count: f64) {
    let sample = format!("govtrail_subscriptions_active{{field=\"{field}\"}}");
    for _ in 0..400 {
        if metric(address, &sample).await == count {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("{address} never had {count} subscriptions to {field}");
}

/// A graphql-transport-ws client.
pub struct Socket {
    ws: tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>,
}

/// How a connection attempt ended when the server refused it.
#[derive(Debug)]
pub struct Refused {
    pub code: u16,
    pub reason: String,
}

impl Socket {
    /// Connects to `address`'s `/graphql/ws` and initialises with `payload`.
    pub async fn connect(address: &str, payload: Value) -> Result<Socket, Refused> {
        use futures::{SinkExt, StreamExt};
        use tokio_tungstenite::tungstenite::Message;
        use tokio_tungstenite::tungstenite::client::IntoClientRequest;
        let mut request = format!("ws://{address}/graphql/ws").into_client_request().expect("request");
        request.headers_mut().insert("Sec-WebSocket-Protocol", "graphql-transport-ws".parse().expect("header"));
        let (mut ws, response) = tokio_tungstenite::connect_async(request).await.expect("WebSocket upgrade");
        assert_eq!(
            response.headers().get("sec-websocket-protocol").and_then(|v| v.to_str().ok()),
            Some("graphql-transport-ws")
        );
        let init = json!({ "type": "connection_init", "payload": payload });
        ws.send(Message::text(init.to_string())).await.expect("send init");
        loop {
            let message = tokio::time::timeout(std::time::Duration::from_secs(20), ws.next())
                .await
                .expect("an answer to connection_init")
                .expect("a message")
                .expect("a readable message");
            match message {
                Message::Text(text) => {
                    let message: Value = serde_json::from_str(&text).expect("JSON");
                    assert_eq!(message["type"], "connection_ack", "{message}");
                    return Ok(Socket { ws });
                }
                Message::Close(frame) => {
                    let (code, reason) = frame.map_or((0, String::new()), |f| (f.code.into(), f.reason.to_string()));
                    return Err(Refused { code, reason });
                }
                _ => continue,
            }
        }
    }

    /// Starts the subscription `id`.
    pub async fn subscribe(&mut self, id: &str, query: &str, variables: Value) {
        use futures::SinkExt;
        let message = json!({ "id": id, "type": "subscribe", "payload": { "query": query, "variables": variables } });
        self.ws.send(tokio_tungstenite::tungstenite::Message::text(message.to_string())).await.expect("send subscribe");
    }

    /// Ends the subscription `id`.
    pub async fn complete(&mut self, id: &str) {
        use futures::SinkExt;
        let message = json!({ "id": id, "type": "complete" });
        self.ws.send(tokio_tungstenite::tungstenite::Message::text(message.to_string())).await.expect("send complete");
    }

    /// The next protocol message (a `next`, `error` or `complete`), or the close frame as
    /// `{"type": "close", "code": ..}`; none within `wait`.
    pub async fn message_within(&mut self, wait: std::time::Duration) -> Option<Value> {
        use futures::{SinkExt, StreamExt};
        use tokio_tungstenite::tungstenite::Message;
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let message = tokio::time::timeout_at(deadline, self.ws.next()).await.ok()?;
            match message {
                Some(Ok(Message::Text(text))) => {
                    let message: Value = serde_json::from_str(&text).expect("JSON");
                    if message["type"] == "ping" {
                        let pong = json!({ "type": "pong" }).to_string();
                        self.ws.send(Message::text(pong)).await.expect("pong");
                        continue;
                    }
                    return Some(message);
                }
                Some(Ok(Message::Close(frame))) => {
                    let code: u16 = frame.map_or(0, |f| f.code.into());
                    return Some(json!({ "type": "close", "code": code }));
                }
                Some(Ok(_)) => continue,
                Some(Err(_)) | None => return Some(json!({ "type": "close", "code": 0 })),
            }
        }
    }

    /// The payload of the next `next` message (within 20 s).
    pub async fn next(&mut self) -> Value {
        let message = self.message_within(std::time::Duration::from_secs(20)).await.expect("an event within 20 s");
        assert_eq!(message["type"], "next", "{message}");
        message["payload"].clone()
    }
}

/// The plan PostgreSQL makes for `sql` with each of the planner's `disabled` choices (such as
/// `enable_seqscan`) turned off, so that it shows whether an index can serve.
pub async fn plan(database_url: &str, sql: &str, values: Vec<sea_orm::Value>, disabled: &[&str]) -> String {
    use sea_orm::{ConnectionTrait, DatabaseBackend, Statement, TransactionTrait};
    let db = govtrail::database::connect(database_url).await.expect("connect");
    let txn = db.begin().await.expect("transaction");
    for setting in disabled {
        txn.execute_unprepared(&format!("SET LOCAL {setting} = off")).await.expect("set");
    }
    let explain = Statement::from_sql_and_values(DatabaseBackend::Postgres, format!("EXPLAIN {sql}"), values);
    let rows = txn.query_all_raw(explain).await.expect("explain");
    rows.iter().map(|row| row.try_get_by_index::<String>(0).expect("a plan line")).collect::<Vec<_>>().join("\n")
}

pub const IMPORT: &str = "mutation($file: Upload!, $dry: Boolean, $merge: ImportMerge) { importDataset(file: $file, dryRun: $dry, merge: $merge) {
    dryRun merge total { created updated unchanged removed } kinds { kind created updated unchanged removed }
    changes { kind record removed fields { field before after } } unlistedChanges } }";

/// Sends `file` as the `$file` variable of the import mutation (GraphQL multipart request).
pub async fn upload(app: &TestApp, token: &str, file: &str, dry_run: bool) -> Value {
    upload_merging(app, token, file, dry_run, "ADD_AND_UPDATE").await
}

/// Like [`upload`], with the merge given (ADD_AND_UPDATE or REPLACE).
pub async fn upload_merging(app: &TestApp, token: &str, file: &str, dry_run: bool, merge: &str) -> Value {
    let operations = json!({ "query": IMPORT, "variables": { "file": null, "dry": dry_run, "merge": merge } });
    let form = reqwest::multipart::Form::new()
        .text("operations", operations.to_string())
        .text("map", json!({ "0": ["variables.file"] }).to_string())
        .part(
            "0",
            reqwest::multipart::Part::bytes(file.as_bytes().to_vec())
                .file_name("dataset.json")
                .mime_str("application/json")
                .expect("mime"),
        );
    let response =
        reqwest::Client::new().post(app.url("/graphql")).bearer_auth(token).multipart(form).send().await.expect("send");
    response.json().await.expect("JSON response")
}
