//! Starting the real server on port 0 with a fresh database, and talking to it over HTTP. The
//! database is SQLite in a temporary folder, or, when `TEST_DATABASE_URL` names a PostgreSQL
//! server, a new database of its own on that server.

use chrono::{DateTime, Utc};
use govtrail::config::ServerConfig;
use govtrail::graphql::Clock;
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
}

impl Default for Setup {
    fn default() -> Self {
        Setup {
            dataset: None,
            clock: Clock::System,
            graphiql_assets: None,
            batch_window: govtrail::config::DEFAULT_BATCH_WINDOW,
            restrict_reads: false,
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

/// The URL of a new, empty database for one test.
async fn fresh_database(dir: &TempDir) -> String {
    let Ok(server) = std::env::var("TEST_DATABASE_URL") else {
        return format!("sqlite://{}/test.db?mode=rwc", dir.path().display());
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
    format!("{base}/{name}")
}

pub async fn spawn(setup: Setup) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let database_url = fresh_database(&dir).await;
    let setup_db = database::open(&database_url).await.expect("database");
    if let Some(json) = &setup.dataset {
        let parsed = dataset::parse_dataset(json).map_err(|e| e.message()).expect("dataset parses");
        dataset::import_dataset(&setup_db, &parsed).await.map_err(|e| e.message()).expect("dataset imports");
    }
    setup_db.close().await.expect("close");
    let statements = Arc::new(std::sync::Mutex::new(Vec::new()));
    let mut db: DatabaseConnection = database::connect(&database_url).await.expect("connect");
    let counter = statements.clone();
    db.set_metric_callback(move |info| {
        if let Ok(mut log) = counter.lock() {
            log.push(info.statement.sql.clone());
        }
    });
    let (shutdown, signal) = oneshot::channel::<()>();
    let config = ServerConfig {
        clock: setup.clock,
        graphiql_assets: setup.graphiql_assets.clone(),
        batch_window: setup.batch_window,
        restrict_reads: setup.restrict_reads,
        ..ServerConfig::new("127.0.0.1:0".parse().expect("address"))
    };
    let (address, serve) = server::bind(&config, db, async {
        let _ = signal.await;
    })
    .await
    .expect("bind");
    tokio::spawn(serve);
    TestApp { address, client: reqwest::Client::new(), statements, database_url, _dir: dir, _shutdown: shutdown }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.address, path)
    }

    /// The whole GraphQL response to a query.
    pub async fn query(&self, query: &str, variables: Value) -> Value {
        let response = self
            .client
            .post(self.url("/graphql"))
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await
            .expect("request");
        assert!(response.status().is_success(), "HTTP {}", response.status());
        response.json().await.expect("JSON response")
    }

    /// The whole GraphQL response to a query sent with `Authorization: Bearer token`.
    pub async fn query_as(&self, token: &str, query: &str, variables: Value) -> Value {
        let response = self
            .client
            .post(self.url("/graphql"))
            .bearer_auth(token)
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await
            .expect("request");
        response.json().await.expect("JSON response")
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

    /// The SQL statements `query` runs.
    pub async fn statements_for(&self, query: &str, variables: Value) -> Vec<String> {
        let before = self.statements.lock().map(|l| l.len()).unwrap_or(0);
        self.data(query, variables).await;
        self.statements.lock().map(|l| l[before..].to_vec()).unwrap_or_default()
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
