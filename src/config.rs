//! Typed configuration of the server, filled from flags and environment variables by the CLI.

use crate::domain::time::Clock;
use crate::limits::Limits;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// The default batch window of the loaders: none, as a batch starts when the request's
/// resolvers can go no further (see `graphql::Batches`).
pub const DEFAULT_BATCH_WINDOW: Duration = Duration::ZERO;

/// The default listen address.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

/// How the server runs.
#[derive(Clone, Debug)]
pub struct ServerConfig {
    /// Where to listen; port 0 picks a free port.
    pub listen: SocketAddr,
    /// A folder holding GraphiQL's browser assets, for networks that reach no CDN
    /// (docs/graphiql.md gives the command that fills it).
    pub graphiql_assets: Option<PathBuf>,
    /// Where "today" comes from.
    pub clock: Clock,
    /// How long the loaders wait for more keys once a level of the query can go no further
    /// (0: at once; every key of the level is in by then).
    pub batch_window: Duration,
    /// Whether reads need a token too (writes always do).
    pub restrict_reads: bool,
    /// On SQLite, how often the history is read for changes made by other processes on the
    /// same file (changes made through this server go out at once).
    pub change_poll: Duration,
    /// How long, after SIGTERM, requests in flight may take to finish before the server exits.
    pub shutdown_timeout: Duration,
    /// How often the token of an open subscription connection is checked again (a revoked
    /// token's connection is closed then).
    pub token_recheck: Duration,
    /// What one request may ask (docs/security.md).
    pub limits: Limits,
    /// Whether error messages suggest close names ("did you mean"); on with `--demo` only.
    pub suggestions: bool,
    /// Whether the schema answers introspection.
    pub introspection: bool,
    /// Whether GraphiQL is served at `/`.
    pub graphiql: bool,
    /// Whether the client address is the last one in `X-Forwarded-For` (behind a reverse
    /// proxy that appends it) rather than the connection's peer.
    pub trust_forwarded_for: bool,
    /// Origins of browser pages on other sites that may call the API (CORS), such as a
    /// dashboard's; pages of any other site are refused.
    pub cors_origins: Vec<String>,
    /// Host names (or addresses) the server answers to besides the loopback ones and the
    /// address it listens on; `*` for any. A request naming another host is refused, so that a
    /// page whose name is rebound to this server's address cannot read it.
    pub allowed_hosts: Vec<String>,
    /// Whether list fields read their nested relations in one planned statement (on by
    /// default); off, each relation is loaded field by field, as the differential test compares.
    pub planned_reads: bool,
}

/// The default interval between checks of a subscription connection's token.
pub const DEFAULT_TOKEN_RECHECK: Duration = Duration::from_secs(60);

/// The default interval at which SQLite's history is read for other processes' changes.
pub const DEFAULT_CHANGE_POLL: Duration = Duration::from_secs(1);

/// The default time requests in flight get to finish on shutdown.
pub const DEFAULT_SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(30);

impl ServerConfig {
    /// A configuration listening on `listen`, with the GraphiQL assets from the CDN, the
    /// system clock and the default batch window.
    pub fn new(listen: SocketAddr) -> Self {
        ServerConfig {
            listen,
            graphiql_assets: None,
            clock: Clock::System,
            batch_window: DEFAULT_BATCH_WINDOW,
            restrict_reads: false,
            change_poll: DEFAULT_CHANGE_POLL,
            shutdown_timeout: DEFAULT_SHUTDOWN_TIMEOUT,
            token_recheck: DEFAULT_TOKEN_RECHECK,
            limits: Limits::default(),
            suggestions: false,
            introspection: true,
            graphiql: true,
            trust_forwarded_for: false,
            cors_origins: Vec::new(),
            allowed_hosts: Vec::new(),
            planned_reads: true,
        }
    }
}
