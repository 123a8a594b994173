//! Metrics for `/metrics`, in the Prometheus text format: GraphQL requests by operation name
//! and outcome, their latency, the database pool's use and the open subscriptions.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use sea_orm::{DatabaseBackend, DatabaseConnection};
use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Operation names are chosen by clients; past this many distinct names, new ones count as
/// "other", so that a client cannot grow the metrics without bound.
const MAX_OPERATIONS: usize = 200;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    operation: String,
    outcome: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OperationLabels {
    operation: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct FieldLabels {
    field: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PoolLabels {
    state: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct SourceLabels {
    source: &'static str,
}

/// The server's metrics.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<OperationLabels, Histogram, fn() -> Histogram>,
    subscriptions: Family<FieldLabels, Gauge>,
    pool: Family<PoolLabels, Gauge>,
    pool_max: Gauge,
    searches: Family<SourceLabels, Counter>,
    search_ready: Gauge,
    search_entries: Gauge,
    ranked: crate::store::ranked::Ranked,
    operations: Mutex<HashSet<String>>,
    db: DatabaseConnection,
}

fn latency_histogram() -> Histogram {
    // 1 ms to about 33 s.
    Histogram::new(exponential_buckets(0.001, 2.0, 16))
}

impl Metrics {
    /// Metrics for a server over `db`.
    pub fn new(db: DatabaseConnection, ranked: crate::store::ranked::Ranked) -> Arc<Self> {
        let mut registry = Registry::with_prefix("govtrail");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "graphql_requests",
            "GraphQL requests over HTTP, by operation name and outcome (ok or the first error's code)",
            requests.clone(),
        );
        let latency = Family::<OperationLabels, Histogram, fn() -> Histogram>::new_with_constructor(latency_histogram);
        registry.register_with_unit(
            "graphql_request_duration",
            "Time to answer a GraphQL request over HTTP, by operation name",
            prometheus_client::registry::Unit::Seconds,
            latency.clone(),
        );
        let subscriptions = Family::<FieldLabels, Gauge>::default();
        registry.register("subscriptions_active", "Open GraphQL subscriptions, by field", subscriptions.clone());
        let pool = Family::<PoolLabels, Gauge>::default();
        registry.register("db_pool_connections", "Database pool connections, by state (in_use or idle)", pool.clone());
        let pool_max = Gauge::default();
        registry.register("db_pool_max_connections", "The most connections the database pool opens", pool_max.clone());
        let searches = Family::<SourceLabels, Counter>::default();
        registry.register(
            "searches",
            "Searches, by where their candidates came from (index: the server's ranked index; \
             database: its full-text index, while the ranked one is built)",
            searches.clone(),
        );
        let search_ready = Gauge::default();
        registry.register(
            "search_index_ready",
            "1 once this server's ranked search index is built (searches read the database before)",
            search_ready.clone(),
        );
        let search_entries = Gauge::default();
        registry.register(
            "search_index_entries",
            "Entries in this server's ranked search index",
            search_entries.clone(),
        );
        Arc::new(Metrics {
            registry,
            searches,
            search_ready,
            search_entries,
            ranked,
            requests,
            latency,
            subscriptions,
            pool,
            pool_max,
            operations: Mutex::new(HashSet::new()),
            db,
        })
    }

    /// The label of an operation name: the name itself when it is a GraphQL name (letters,
    /// digits and underscores, which need no escaping in the exposition), "invalid" otherwise.
    fn operation_label(&self, operation: &str) -> String {
        if operation != "-" && !is_graphql_name(operation) {
            return "invalid".to_owned();
        }
        let Ok(mut seen) = self.operations.lock() else { return "other".to_owned() };
        if seen.contains(operation) {
            return operation.to_owned();
        }
        if seen.len() >= MAX_OPERATIONS {
            return "other".to_owned();
        }
        seen.insert(operation.to_owned());
        operation.to_owned()
    }

    /// Counts a search, by where its candidates came from.
    pub fn search(&self, from_index: bool) {
        self.searches.get_or_create(&SourceLabels { source: if from_index { "index" } else { "database" } }).inc();
    }

    /// Counts a GraphQL request: its operation name ("-" when it has none), its outcome and
    /// how long it took.
    pub fn request(&self, operation: &str, outcome: &str, duration: Duration) {
        let operation = self.operation_label(operation);
        self.requests.get_or_create(&RequestLabels { operation: operation.clone(), outcome: outcome.to_owned() }).inc();
        self.latency.get_or_create(&OperationLabels { operation }).observe(duration.as_secs_f64());
    }

    /// Counts a subscription to `field` as open until the returned guard is dropped.
    pub fn subscription(self: &Arc<Self>, field: &'static str) -> SubscriptionGuard {
        self.subscriptions.get_or_create(&FieldLabels { field: field.to_owned() }).inc();
        SubscriptionGuard { metrics: self.clone(), field }
    }

    /// The metrics in the Prometheus text format.
    pub fn render(&self) -> String {
        let (size, idle, max) = match self.db.get_database_backend() {
            DatabaseBackend::Postgres => {
                let pool = self.db.get_postgres_connection_pool();
                (pool.size(), pool.num_idle(), pool.options().get_max_connections())
            }
            DatabaseBackend::Sqlite => {
                let pool = self.db.get_sqlite_connection_pool();
                (pool.size(), pool.num_idle(), pool.options().get_max_connections())
            }
            _ => (0, 0, 0),
        };
        let idle = i64::try_from(idle).unwrap_or(i64::MAX);
        self.pool.get_or_create(&PoolLabels { state: "idle".to_owned() }).set(idle);
        self.pool.get_or_create(&PoolLabels { state: "in_use".to_owned() }).set(i64::from(size) - idle);
        self.pool_max.set(i64::from(max));
        self.search_ready.set(i64::from(self.ranked.is_ready()));
        self.search_entries.set(i64::try_from(self.ranked.entries()).unwrap_or(i64::MAX));
        let mut text = String::new();
        if prometheus_client::encoding::text::encode(&mut text, &self.registry).is_err() {
            tracing::warn!("metrics: encoding failed");
        }
        text
    }
}

/// Whether `text` is a GraphQL name of at most 128 characters: `[_A-Za-z][_0-9A-Za-z]*`.
fn is_graphql_name(text: &str) -> bool {
    let mut chars = text.chars();
    text.len() <= 128
        && chars.next().is_some_and(|c| c == '_' || c.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
}

/// An open subscription, counted until dropped.
pub struct SubscriptionGuard {
    metrics: Arc<Metrics>,
    field: &'static str,
}

impl Drop for SubscriptionGuard {
    fn drop(&mut self) {
        self.metrics.subscriptions.get_or_create(&FieldLabels { field: self.field.to_owned() }).dec();
    }
}

#[cfg(test)]
mod tests {
    use super::is_graphql_name;

    #[test]
    fn only_graphql_names_become_labels() {
        assert!(is_graphql_name("TaskBoard_2"));
        assert!(is_graphql_name("_x"));
        for bad in ["", "2x", "a b", "a\"} 1\nforged 1", "Đề", &"a".repeat(129)] {
            assert!(!is_graphql_name(bad), "{bad}");
        }
    }
}
