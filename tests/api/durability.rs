//! Nothing acknowledged is lost: the server process killed with SIGKILL in the middle of a large
//! import and of a stream of mutations comes back with every transaction whole or absent and
//! every acknowledged change there; and many clients updating the same tasks at once lose no
//! update. On SQLite (WAL) and, with TEST_DATABASE_URL, PostgreSQL.

use crate::helpers::*;
use govtrail::auth::Role;
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A GraphQL request to the server at `address`.
async fn ask(
    client: &reqwest::Client,
    address: &str,
    token: &str,
    query: &str,
    variables: Value,
) -> reqwest::Result<Value> {
    client
        .post(format!("http://{address}/graphql"))
        .bearer_auth(token)
        .json(&json!({ "query": query, "variables": variables }))
        .send()
        .await?
        .json()
        .await
}

/// A server process with rate limits off (the tests send many requests from one address).
fn serve(database: &str) -> (Running, String) {
    serve_process(database, &["--rate-limit-anonymous", "0", "--rate-limit-token", "0"])
}

/// Every check the database itself can make of its consistency.
async fn assert_consistent(database: &str) {
    use sea_orm::{ConnectionTrait, Statement};
    if !database.starts_with("sqlite:") {
        // PostgreSQL checks its constraints on every commit and recovers from its own log.
        return;
    }
    let db = govtrail::database::connect(database).await.expect("connect");
    let backend = db.get_database_backend();
    let integrity = db.query_one_raw(Statement::from_string(backend, "PRAGMA integrity_check")).await.expect("check");
    let verdict: String = integrity.expect("a row").try_get_by_index(0).expect("text");
    assert_eq!(verdict, "ok");
    let dangling = db.query_all_raw(Statement::from_string(backend, "PRAGMA foreign_key_check")).await.expect("check");
    assert!(dangling.is_empty(), "{} rows point at nothing", dangling.len());
}

const COUNTS: &str =
    "{ officials { totalCount } conferences { totalCount } tasks { totalCount } directives { totalCount } }";

/// Whether another process holds a write transaction open on `database` that has written:
/// SQLite's write lock is taken (a `BEGIN IMMEDIATE` that may not wait fails), or a PostgreSQL
/// backend has a transaction id (it has written).
async fn writing(watcher: &sea_orm::DatabaseConnection) -> bool {
    use sea_orm::{ConnectionTrait, Statement};
    let backend = watcher.get_database_backend();
    if backend == sea_orm::DatabaseBackend::Sqlite {
        if watcher.execute_unprepared("BEGIN IMMEDIATE").await.is_err() {
            return true;
        }
        let _ = watcher.execute_unprepared("ROLLBACK").await;
        return false;
    }
    let sql = "SELECT count(*) AS n FROM pg_stat_activity \
               WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL";
    let row = watcher.query_one_raw(Statement::from_string(backend, sql)).await.expect("activity");
    row.and_then(|r| r.try_get::<i64>("", "n").ok()).unwrap_or(0) > 0
}

/// A connection that watches `database` for another process's writes without waiting on them.
async fn watcher(database: &str) -> sea_orm::DatabaseConnection {
    let mut options = sea_orm::ConnectOptions::new(database.to_owned());
    options.max_connections(1).sqlx_logging(false);
    if database.starts_with("sqlite:") {
        options.map_sqlx_sqlite_opts(|o| o.busy_timeout(Duration::ZERO));
    }
    sea_orm::Database::connect(options).await.expect("connect")
}

/// Waits until an import is inside its transaction and has written, then a moment more while
/// it still is; false when `finished` says it ended before that (too quick to catch).
async fn caught_writing(database: &str, finished: impl Fn() -> bool) -> bool {
    let watcher = watcher(database).await;
    let deadline = Instant::now() + Duration::from_secs(120);
    while Instant::now() < deadline && !finished() {
        if writing(&watcher).await {
            tokio::time::sleep(Duration::from_millis(30)).await;
            return writing(&watcher).await && !finished();
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    false
}

/// The scales tried, smallest first, until an import is caught inside its transaction: the
/// kill then falls between its first write and its commit however fast the machine is.
const SCALES: [f64; 4] = [0.02, 0.04, 0.08, 0.16];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "slow (kills a server mid-import): `cargo test -- --include-ignored`, as CI does"]
async fn a_killed_import_leaves_all_or_nothing() {
    for scale in SCALES {
        let dir = tempfile::tempdir().expect("dir");
        let database = fresh_database(&dir).await;
        let (server, address) = serve(&database);
        let admin = cli_token(&database, "admin", "ADMIN");
        let generated = govtrail::dataset::generate::generate(govtrail::dataset::generate::Spec { scale, seed: 5 });
        let file = govtrail::dataset::to_json(&generated).map_err(|e| e.message()).expect("dataset");
        let client = reqwest::Client::new();
        let before = ask(&client, &address, &admin, COUNTS, json!({})).await.expect("counts")["data"].clone();
        let operations = json!({
            "query": "mutation($file: Upload!) { importDataset(file: $file) { total { created } } }",
            "variables": { "file": null },
        });
        let form = reqwest::multipart::Form::new()
            .text("operations", operations.to_string())
            .text("map", json!({ "0": ["variables.file"] }).to_string())
            .part("0", reqwest::multipart::Part::bytes(file.into_bytes()).file_name("dataset.json"));
        let request = client.post(format!("http://{address}/graphql")).bearer_auth(&admin).multipart(form).send();
        let import = tokio::spawn(request);
        let caught = caught_writing(&database, || import.is_finished()).await;
        let mut server = server;
        server.0.kill().expect("SIGKILL");
        server.0.wait().expect("reaped");
        let answered = matches!(import.await, Ok(Ok(response)) if response.status().is_success());
        if !caught || answered {
            eprintln!("an import at scale {scale} ended before it could be caught; trying a larger one");
            continue;
        }
        assert_consistent(&database).await;
        let (_again, address) = serve(&database);
        let after = ask(&client, &address, &admin, COUNTS, json!({})).await.expect("counts")["data"].clone();
        assert_eq!(after, before, "a killed import left part of itself behind");
        return;
    }
    panic!("no import was caught inside its transaction, up to scale {}", SCALES[SCALES.len() - 1]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "slow (kills an import mid-write): `cargo test -- --include-ignored`, as CI does"]
async fn a_killed_command_line_import_leaves_nothing() {
    for scale in SCALES {
        let dir = tempfile::tempdir().expect("dir");
        let database = fresh_database(&dir).await;
        let generated = govtrail::dataset::generate::generate(govtrail::dataset::generate::Spec { scale, seed: 9 });
        let file = dir.path().join("dataset.json");
        std::fs::write(&file, govtrail::dataset::to_json(&generated).map_err(|e| e.message()).expect("JSON"))
            .expect("write");
        let running = std::process::Command::new(env!("CARGO_BIN_EXE_govtrail"))
            .arg("import")
            .arg(&file)
            .args(["--database", &database])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("import");
        let running = Mutex::new(running);
        let finished = || running.lock().map(|mut child| matches!(child.try_wait(), Ok(Some(_)))).unwrap_or(true);
        let caught = caught_writing(&database, finished).await;
        let mut child = running.into_inner().expect("child");
        child.kill().expect("SIGKILL");
        let status = child.wait().expect("reaped");
        if !caught || status.success() {
            eprintln!("an import at scale {scale} ended before it could be caught; trying a larger one");
            continue;
        }
        assert_consistent(&database).await;
        let db = govtrail::database::connect(&database).await.expect("connect");
        let kept = govtrail::dataset::export_dataset(&db).await.map_err(|e| e.message()).expect("export");
        assert!(
            kept.officials.is_empty() && kept.organizations.is_empty() && kept.directives.is_empty(),
            "a killed import left {} officials, {} organizations, {} directives",
            kept.officials.len(),
            kept.organizations.len(),
            kept.directives.len()
        );
        return;
    }
    panic!("no import was caught inside its transaction, up to scale {}", SCALES[SCALES.len() - 1]);
}

/// A conference with three new officials and two tasks, written in one transaction.
const CREATE: &str = "mutation($i: CreateConferenceInput!) { createConference(input: $i) { key } }";

fn conference_input(key: &str, assignee: &str) -> Value {
    json!({ "i": {
        "key": key, "title": format!("Hội nghị {key}"), "kind": "MEETING", "format": "IN_PERSON", "date": "2021-07-13",
        "participants": [
            { "newOfficial": { "name": format!("Người A {key}") }, "role": "ATTENDEE" },
            { "newOfficial": { "name": format!("Người B {key}") }, "role": "ATTENDEE" },
            { "newOfficial": { "name": format!("Người C {key}") }, "role": "CHAIR" }
        ],
        "tasks": [
            { "title": format!("Việc một {key}"), "assignees": [assignee] },
            { "title": format!("Việc hai {key}"), "assignees": [assignee] }
        ]
    } })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "slow (kills a server under writes): `cargo test -- --include-ignored`, as CI does"]
async fn a_killed_stream_of_mutations_keeps_every_acknowledged_one_whole() {
    let dir = tempfile::tempdir().expect("dir");
    let database = fresh_database(&dir).await;
    let (server, address) = serve(&database);
    let editor = cli_token(&database, "editor", "EDITOR");
    let made = ask(
        &reqwest::Client::new(),
        &address,
        &editor,
        "mutation { createOrganization(input: { name: \"Ban Dân vận Tỉnh ủy\", kind: PARTY_COMMITTEE }) { id } }",
        json!({}),
    )
    .await
    .expect("organization");
    let committee = made["data"]["createOrganization"]["id"].as_str().unwrap_or_else(|| panic!("{made}")).to_owned();
    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    let mut writers = Vec::new();
    for writer in 0..8 {
        let (address, editor, acknowledged, committee) =
            (address.clone(), editor.clone(), acknowledged.clone(), committee.clone());
        writers.push(tokio::spawn(async move {
            let client = reqwest::Client::new();
            for n in 0.. {
                let key = format!("w{writer}-{n}");
                match ask(&client, &address, &editor, CREATE, conference_input(&key, &committee)).await {
                    Ok(answer) if answer["data"]["createConference"]["key"] == key.as_str() => {
                        acknowledged.lock().expect("lock").push(key);
                    }
                    Ok(answer) => panic!("refused: {answer}"),
                    // The server is gone: this one was never acknowledged.
                    Err(_) => return,
                }
            }
        }));
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    while acknowledged.lock().expect("lock").len() < 40
        && Instant::now() < deadline
        && writers.iter().any(|w| !w.is_finished())
    {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let mut server = server;
    server.0.kill().expect("SIGKILL");
    server.0.wait().expect("reaped");
    for writer in writers {
        writer.await.expect("writer");
    }
    let acknowledged: HashSet<String> = acknowledged.lock().expect("lock").iter().cloned().collect();
    assert!(acknowledged.len() >= 40, "only {} acknowledged", acknowledged.len());

    assert_consistent(&database).await;
    let (_again, address) = serve(&database);
    let client = reqwest::Client::new();
    let page = "query($after: String) { conferences(first: 100, after: $after) { pageInfo { hasNextPage endCursor }
        nodes { key participants { role official { name } } tasks { title } } } }";
    let mut stored = HashSet::new();
    let mut after = Value::Null;
    loop {
        let answer = ask(&client, &address, &editor, page, json!({ "after": after })).await.expect("page");
        let connection = &answer["data"]["conferences"];
        for conference in connection["nodes"].as_array().unwrap_or_else(|| panic!("{answer}")) {
            let key = conference["key"].as_str().expect("key");
            assert_eq!(
                conference["participants"].as_array().map(Vec::len),
                Some(3),
                "{key} is not whole: {conference}"
            );
            assert_eq!(conference["tasks"].as_array().map(Vec::len), Some(2), "{key} is not whole: {conference}");
            stored.insert(key.to_owned());
        }
        if connection["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = connection["pageInfo"]["endCursor"].clone();
    }
    let lost: Vec<_> = acknowledged.difference(&stored).collect();
    assert!(lost.is_empty(), "acknowledged but lost: {lost:?}");
    // At most one per writer was committed without its answer reaching the client.
    assert!(stored.len() <= acknowledged.len() + 8, "{} stored, {} acknowledged", stored.len(), acknowledged.len());
    let officials = ask(&client, &address, &editor, "{ officials { totalCount } }", json!({})).await.expect("count");
    assert_eq!(officials["data"]["officials"]["totalCount"], 3 * stored.len(), "officials without their conference");
}

/// How long the concurrent-update test runs: 30 s, or GOVTRAIL_STRESS_SECS.
fn stress_time() -> Duration {
    let seconds = std::env::var("GOVTRAIL_STRESS_SECS").ok().and_then(|s| s.parse().ok()).unwrap_or(30);
    Duration::from_secs(seconds)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "slow (30 s of concurrent writes): `cargo test -- --include-ignored`, as CI does"]
async fn fifty_clients_updating_the_same_tasks_lose_no_update() {
    const TASKS: usize = 5;
    const CLIENTS: usize = 50;
    let tasks: Vec<Value> = (0..TASKS)
        .map(|i| json!({ "key": format!("t{i}"), "title": format!("Việc {i}"), "assignees": [{ "organization": "dv" }] }))
        .collect();
    let committee = json!({ "key": "dv", "name": "Ban Dân vận Tỉnh ủy", "kind": "PARTY_COMMITTEE" });
    let app = spawn_with(json!({ "organizations": [committee], "tasks": tasks })).await;
    let editor = app.token("editor", Role::Editor).await;
    let listed = app.data("{ tasks(first: 10) { nodes { id version } } }", json!({})).await;
    let ids: Vec<(String, i64)> = listed["tasks"]["nodes"]
        .as_array()
        .expect("tasks")
        .iter()
        .map(|t| (t["id"].as_str().expect("id").to_owned(), t["version"].as_i64().expect("version")))
        .collect();
    assert_eq!(ids.len(), TASKS);
    let start: HashMap<String, i64> = ids.iter().cloned().collect();
    let ids = Arc::new(ids.into_iter().map(|(id, _)| id).collect::<Vec<_>>());
    let read = "query($id: ID!) { node(id: $id) { ... on Task { version } } }";
    let update = "mutation($id: ID!, $v: Int!, $d: String!) { updateTask(id: $id, expectedVersion: $v, input: { description: $d }) { version description } }";
    let deadline = Instant::now() + stress_time();
    let mut clients = Vec::new();
    for client_number in 0..CLIENTS {
        let (address, editor, ids) = (app.address.to_string(), editor.clone(), ids.clone());
        clients.push(tokio::spawn(async move {
            let client = reqwest::Client::new();
            // (task, the version it was made against, the text it wrote)
            let mut won = Vec::new();
            let mut conflicts = 0u64;
            let mut n = 0usize;
            while Instant::now() < deadline {
                let id = &ids[(client_number + n) % ids.len()];
                n += 1;
                let seen = ask(&client, &address, &editor, read, json!({ "id": id })).await.expect("read");
                let version = seen["data"]["node"]["version"].as_i64().unwrap_or_else(|| panic!("{seen}"));
                let text = format!("client {client_number}, change {n}");
                let answer = ask(&client, &address, &editor, update, json!({ "id": id, "v": version, "d": text }))
                    .await
                    .expect("update");
                match answer["errors"][0]["extensions"]["code"].as_str() {
                    None => {
                        assert_eq!(answer["data"]["updateTask"]["version"], version + 1, "{answer}");
                        won.push((id.clone(), version, text));
                    }
                    Some("CONFLICT") => conflicts += 1,
                    Some(_) => panic!("neither done nor CONFLICT: {answer}"),
                }
            }
            (won, conflicts)
        }));
    }
    let mut won: BTreeMap<String, Vec<(i64, String)>> = BTreeMap::new();
    let mut conflicts = 0;
    for client in clients {
        let (mine, refused) = client.await.expect("client");
        conflicts += refused;
        for (id, version, text) in mine {
            won.entry(id).or_default().push((version, text));
        }
    }
    let updates: usize = won.values().map(Vec::len).sum();
    assert!(updates > 100 && conflicts > 0, "{updates} updates, {conflicts} conflicts: the test did not contend");
    for (id, mut changes) in won {
        changes.sort();
        // Each acknowledged update was made against a version no other acknowledged update had.
        let versions: Vec<i64> = changes.iter().map(|(v, _)| *v).collect();
        let expected: Vec<i64> = (start[&id]..start[&id] + changes.len() as i64).collect();
        assert_eq!(versions, expected, "task {id}: two updates won the same version, or one is missing");
        let now = app
            .data("query($id: ID!) { node(id: $id) { ... on Task { version description } } }", json!({ "id": id }))
            .await;
        assert_eq!(now["node"]["version"], start[&id] + changes.len() as i64, "task {id}: the versions do not add up");
        assert_eq!(
            now["node"]["description"],
            changes.last().expect("one").1.as_str(),
            "task {id}: the last write is not there"
        );
    }
    eprintln!("{updates} updates and {conflicts} conflicts from {CLIENTS} clients in {:?}", stress_time());
}
