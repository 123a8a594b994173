//! The `govtrail` command line: serve, migrate, import, schema.
// The merged GraphQL roots nest one future per part; the release build needs the room.
#![recursion_limit = "256"]

use clap::{Parser, Subcommand};
use govtrail::config::{DEFAULT_LISTEN, ServerConfig};
use govtrail::database::{self, DEFAULT_DATABASE_URL};
use govtrail::limits::Limits;
use govtrail::{auth, dataset, graphql, server};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "govtrail",
    version,
    about = "Vietnamese governance reporting as linked, queryable facts, over GraphQL."
)]
struct Cli {
    /// How logs are written on standard error: lines for people, or JSON for a log collector.
    #[arg(long, global = true, env = "GOVTRAIL_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    log_format: LogFormat,
    #[command(subcommand)]
    command: Command,
}

/// How logs are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum LogFormat {
    /// Lines for people.
    Text,
    /// One JSON object a line.
    Json,
}

#[derive(clap::Args)]
struct DatabaseArg {
    /// The database, as a sea-orm URL (sqlite://govtrail.db?mode=rwc, postgres://...).
    #[arg(long, global = true, env = "GOVTRAIL_DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
    database: String,
}

/// Prints a line on standard output; a reader that went away (`| head`) is no failure of the
/// command, whose work is done by then.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

/// The formats of files `import` reads and `export` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum FileFormat {
    /// govtrail's dataset format (docs/dataset.md): everything.
    Dataset,
    /// Popolo JSON (docs/popolo.md): people, organizations, areas, posts, memberships, events.
    Popolo,
}

/// What `extract` prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum ExtractFormat {
    /// A dataset file to review and import, with each fact's evidence.
    Draft,
    /// The facts summary of the extraction scorer.
    Facts,
}

#[derive(Subcommand)]
enum Command {
    /// Migrate the database and serve GraphQL at /graphql (subscriptions at /graphql/ws),
    /// GraphiQL at /, /healthz, /readyz, /metrics and the calendar feeds.
    Serve {
        #[command(flatten)]
        database: DatabaseArg,
        /// The address to listen on (port 0 picks a free one).
        #[arg(long, env = "GOVTRAIL_LISTEN", default_value = DEFAULT_LISTEN)]
        listen: SocketAddr,
        /// Load the demo dataset (the Hà Giang report of 13 July 2021) into an empty database.
        #[arg(long)]
        demo: bool,
        /// Serve GraphiQL's browser assets from this folder instead of the binary's own (see docs/graphiql.md).
        #[arg(long, env = "GOVTRAIL_GRAPHIQL_ASSETS")]
        graphiql_assets: Option<PathBuf>,
        /// Milliseconds the loaders wait before a batched SQL statement once a level of the
        /// query can go no further (0: at once, with every key of the level).
        #[arg(long, env = "GOVTRAIL_BATCH_WINDOW_MS", default_value_t = 0)]
        batch_window_ms: u64,
        /// Answer reads only to callers with a token (writes always need one), subscriptions and
        /// calendar feeds included.
        #[arg(long, env = "GOVTRAIL_RESTRICT_READS")]
        restrict_reads: bool,
        /// The most database connections this server opens (default 4 on SQLite, 16 on
        /// PostgreSQL, where one of them stays open to listen for other replicas' changes).
        #[arg(long, env = "GOVTRAIL_MAX_CONNECTIONS")]
        max_connections: Option<u32>,
        /// On SQLite, milliseconds between reads of the history for changes other processes
        /// made (an import from the command line); this server's own changes go out at once.
        #[arg(long, env = "GOVTRAIL_CHANGE_POLL_MS", default_value_t = 1000)]
        change_poll_ms: u64,
        /// Seconds that requests in flight get to finish after SIGTERM or Ctrl-C.
        #[arg(long, env = "GOVTRAIL_SHUTDOWN_TIMEOUT_SECS", default_value_t = 30)]
        shutdown_timeout_secs: u64,
        /// Seconds between checks of an open subscription connection's token; the connection of
        /// a revoked token is closed at the next check.
        #[arg(long, env = "GOVTRAIL_TOKEN_RECHECK_SECS", default_value_t = 60)]
        token_recheck_secs: u64,
        #[command(flatten)]
        limits: LimitArgs,
        /// Answer no introspection (`__schema`, `__type`); GraphiQL then knows no schema.
        #[arg(long, env = "GOVTRAIL_NO_INTROSPECTION")]
        no_introspection: bool,
        /// Serve no GraphiQL page at /.
        #[arg(long, env = "GOVTRAIL_NO_GRAPHIQL")]
        no_graphiql: bool,
        /// Take the client's address from the last entry of X-Forwarded-For (only behind a
        /// reverse proxy that appends it; otherwise clients could choose their own).
        #[arg(long, env = "GOVTRAIL_TRUST_FORWARDED_FOR")]
        trust_forwarded_for: bool,
        /// An origin of browser pages on another site that may call the API, as
        /// `https://dashboard.example.vn` (repeat the flag, or separate with commas;
        /// `http://localhost:*` admits every port of a host); pages of other sites are refused.
        /// `--demo` admits `http://localhost:*` and `http://127.0.0.1:*` besides.
        #[arg(long = "cors-origin", env = "GOVTRAIL_CORS_ORIGINS", value_delimiter = ',')]
        cors_origins: Vec<String>,
        /// A host name (or address) the server answers to, such as `govtrail.example.vn`,
        /// besides localhost, loopback addresses and the address it listens on (repeat the
        /// flag, or separate with commas; `*` for any). Requests naming other hosts get 421.
        #[arg(long = "allowed-host", env = "GOVTRAIL_ALLOWED_HOSTS", value_delimiter = ',')]
        allowed_hosts: Vec<String>,
        /// Load every relation field by field instead of planning the reads of list fields
        /// (answers are the same; for comparing the two paths and measuring them).
        #[arg(long, env = "GOVTRAIL_NO_PLANNED_READS")]
        no_planned_reads: bool,
    },
    /// Create, list and revoke API tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
        #[command(flatten)]
        database: DatabaseArg,
    },
    /// Bring the database schema up to date.
    Migrate {
        #[command(flatten)]
        database: DatabaseArg,
    },
    /// Import a dataset file (docs/dataset.md) in one transaction.
    Import {
        /// The dataset file.
        file: PathBuf,
        /// Check and try everything, keep nothing, and report what an import would do.
        #[arg(long)]
        dry_run: bool,
        /// Keep no history of what the import changes (a first bulk load into an empty database).
        #[arg(long)]
        no_history: bool,
        /// Make the file the whole truth for the records it names: clear the fields they omit
        /// and remove the items not listed under them (tenures, participants, citations...).
        /// By default an import adds and updates, and never removes.
        #[arg(long)]
        replace: bool,
        /// The file's format: govtrail's dataset, or Popolo JSON laid over what is stored.
        #[arg(long, value_enum, default_value_t = FileFormat::Dataset)]
        format: FileFormat,
        #[command(flatten)]
        database: DatabaseArg,
    },
    /// Write a consistent copy of the live database to a new file: a SQLite database file
    /// (open it with --database sqlite://FILE), or for PostgreSQL a pg_dump archive (restore it
    /// with pg_restore).
    Backup {
        /// The new file.
        file: PathBuf,
        #[command(flatten)]
        database: DatabaseArg,
    },
    /// Draft the facts of a Vietnamese meeting report from its plain text: the meetings, chairs
    /// and participants with their printed titles, documents, tasks, each with the words that
    /// state it. Prints a dataset file to review and import (`--format draft`) or the facts
    /// summary the extraction scorer reads (`--format facts`). Writes nothing.
    Extract {
        /// The report's text (`-` for standard input); it may begin with `URL:` and `Published:`
        /// lines and a blank line.
        file: PathBuf,
        /// Where the report was published.
        #[arg(long)]
        url: Option<String>,
        /// The day it was published (YYYY-MM-DD): the year of dates printed without one.
        #[arg(long)]
        published_on: Option<chrono::NaiveDate>,
        /// The publisher's name.
        #[arg(long)]
        publisher: Option<String>,
        /// The area the report is about, by its key (or its name).
        #[arg(long)]
        area: Option<String>,
        /// What to print.
        #[arg(long, value_enum, default_value_t = ExtractFormat::Draft)]
        format: ExtractFormat,
        /// Match the draft's people, bodies, posts and documents with the records of this
        /// database (read only; it must exist). Without it, every record is drafted as new.
        #[arg(long, env = "GOVTRAIL_DATABASE_URL")]
        database: Option<String>,
    },
    /// Write the whole database as a dataset file (`-` for standard output).
    Export {
        /// Where to write it.
        file: PathBuf,
        /// The file's format: govtrail's dataset (everything), or Popolo JSON (docs/popolo.md).
        #[arg(long, value_enum, default_value_t = FileFormat::Dataset)]
        format: FileFormat,
        #[command(flatten)]
        database: DatabaseArg,
    },
    /// Make a synthetic dataset (same scale and seed, same dataset) and import it, or write it
    /// to a file. Scale 1 is about 10,000 officials, 50,000 conferences, 200,000
    /// participations, 20,000 directives and 100,000 tasks.
    Generate {
        /// How big: 1 as above, 10 ten times that, 0.01 a hundredth.
        #[arg(long, default_value_t = 1.0)]
        scale: f64,
        /// The seed of the random choices.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Write the dataset to this file (`-` for standard output) instead of importing it.
        #[arg(long)]
        output: Option<PathBuf>,
        /// Record the import in the history, as `govtrail import` does without --no-history.
        #[arg(long)]
        with_history: bool,
        #[command(flatten)]
        database: DatabaseArg,
    },
    /// Print the GraphQL schema (SDL).
    Schema,
}

/// The limits on what one request may ask (docs/security.md gives each one's reason).
#[derive(clap::Args)]
struct LimitArgs {
    /// The deepest nesting of fields a query may have (the full introspection query of graphql-js needs 15).
    #[arg(long, env = "GOVTRAIL_MAX_DEPTH", default_value_t = Limits::default().max_depth)]
    max_depth: usize,
    /// The highest cost a query may have: a field costs 1, a connection its fields times the
    /// page size asked for, an unpaged list its fields times 5.
    #[arg(long, env = "GOVTRAIL_MAX_COMPLEXITY", default_value_t = Limits::default().max_complexity)]
    max_complexity: usize,
    /// The most aliases in a query, fragments expanded.
    #[arg(long, env = "GOVTRAIL_MAX_ALIASES", default_value_t = Limits::default().max_aliases)]
    max_aliases: usize,
    /// The most field selections in a query, fragments expanded, repeated ones included.
    #[arg(long, env = "GOVTRAIL_MAX_FIELDS", default_value_t = Limits::default().max_fields)]
    max_fields: usize,
    /// The most operations in one batched request (1: no batching).
    #[arg(long, env = "GOVTRAIL_MAX_BATCH", default_value_t = Limits::default().max_batch)]
    max_batch: usize,
    /// The most subscriptions open at once on one WebSocket connection.
    #[arg(long, env = "GOVTRAIL_MAX_SUBSCRIPTIONS", default_value_t = Limits::default().max_subscriptions)]
    max_subscriptions: usize,
    /// The most WebSocket connections open at once from one client address.
    #[arg(long, env = "GOVTRAIL_MAX_SOCKETS_PER_CLIENT", default_value_t = Limits::default().max_sockets_per_client)]
    max_sockets_per_client: usize,
    /// The largest JSON request body, in bytes.
    #[arg(long, env = "GOVTRAIL_MAX_BODY_BYTES", default_value_t = Limits::default().max_body_bytes)]
    max_body_bytes: usize,
    /// The largest multipart request (a dataset upload), in bytes.
    #[arg(long, env = "GOVTRAIL_MAX_UPLOAD_BYTES", default_value_t = Limits::default().max_upload_bytes)]
    max_upload_bytes: usize,
    /// Seconds a query may run before it is stopped with TIMEOUT (mutations run to their end).
    #[arg(long, env = "GOVTRAIL_TIME_LIMIT_SECS", default_value_t = Limits::default().time_limit.as_secs_f64())]
    time_limit_secs: f64,
    /// The most nodes one answer may hold (relation lists, single relations, statistics
    /// buckets), counted while it runs.
    #[arg(long, env = "GOVTRAIL_MAX_NODES", default_value_t = Limits::default().max_nodes)]
    max_nodes: usize,
    /// The largest answer to a query, in bytes of JSON.
    #[arg(long, env = "GOVTRAIL_MAX_ANSWER_BYTES", default_value_t = Limits::default().max_answer_bytes)]
    max_answer_bytes: usize,
    /// How many large answers may be built at once; the others wait their turn.
    #[arg(long, env = "GOVTRAIL_MAX_HEAVY", default_value_t = Limits::default().max_heavy)]
    max_heavy: usize,
    /// Requests a minute from each client address without a token (0: no limit).
    #[arg(long, env = "GOVTRAIL_RATE_LIMIT_ANONYMOUS", default_value_t = Limits::default().anonymous_per_minute)]
    rate_limit_anonymous: u32,
    /// Requests a minute with each token (0: no limit).
    #[arg(long, env = "GOVTRAIL_RATE_LIMIT_TOKEN", default_value_t = Limits::default().token_per_minute)]
    rate_limit_token: u32,
}

impl LimitArgs {
    fn limits(&self) -> Result<Limits, String> {
        if !(self.time_limit_secs > 0.0 && self.time_limit_secs <= 86_400.0) {
            return Err(format!("--time-limit-secs must be above 0 and at most 86400, not {}", self.time_limit_secs));
        }
        if self.max_heavy == 0 {
            return Err("--max-heavy must be at least 1".to_owned());
        }
        if self.max_batch == 0 {
            return Err("--max-batch must be at least 1".to_owned());
        }
        Ok(Limits {
            max_depth: self.max_depth,
            max_complexity: self.max_complexity,
            max_aliases: self.max_aliases,
            max_fields: self.max_fields,
            max_batch: self.max_batch,
            max_subscriptions: self.max_subscriptions,
            max_sockets_per_client: self.max_sockets_per_client,
            max_body_bytes: self.max_body_bytes,
            max_upload_bytes: self.max_upload_bytes,
            time_limit: std::time::Duration::from_secs_f64(self.time_limit_secs),
            anonymous_per_minute: self.rate_limit_anonymous,
            token_per_minute: self.rate_limit_token,
            max_nodes: self.max_nodes,
            max_answer_bytes: self.max_answer_bytes,
            max_heavy: self.max_heavy,
            ..Limits::default()
        })
    }
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Create a token and print it (it is shown this once; only its hash is kept).
    Create {
        /// A name for the token, recorded with every change made with it.
        #[arg(long)]
        name: String,
        /// READER, EDITOR or ADMIN.
        #[arg(long)]
        role: String,
    },
    /// List the tokens (names, roles, dates; never the tokens).
    List,
    /// Revoke a token; it stops working at once.
    Revoke {
        /// The token's name.
        name: String,
    },
}

fn fail(what: &str, message: impl std::fmt::Display) -> ExitCode {
    eprintln!("govtrail: {what}: {message}");
    ExitCode::FAILURE
}

/// Writes `text` to `file`, or to standard output for `-`.
fn write_out(file: &std::path::Path, text: &str) -> ExitCode {
    let written = if file.as_os_str() == "-" {
        std::io::Write::write_all(&mut std::io::stdout(), text.as_bytes())
    } else {
        std::fs::write(file, text)
    };
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => fail(&format!("write {}", file.display()), err),
    }
}

/// Opens the database a command works on and says which it is. Only `create` commands make a
/// new one: any other run from another folder (the default database is a relative path) would
/// quietly work on a new, empty file.
async fn open_database(
    url: &str,
    create: bool,
    max_connections: Option<u32>,
) -> Result<sea_orm::DatabaseConnection, ExitCode> {
    if !create && let Err(message) = database::require_existing(url) {
        return Err(fail("database", message));
    }
    tracing::info!(database = %database::describe(url), "database");
    database::open_with_pool(url, max_connections).await.map_err(|err| fail("database", err))
}

async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut terminate) => {
                tokio::select! {
                    _ = interrupt => {},
                    _ = terminate.recv() => {},
                }
            }
            Err(_) => {
                let _ = interrupt.await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = interrupt.await;
    }
}

/// The origins `--demo` accepts besides those listed: pages served from this machine, on any port.
const DEMO_ORIGINS: [&str; 2] = ["http://localhost:*", "http://127.0.0.1:*"];

#[tokio::main]
async fn main() -> ExitCode {
    govtrail::limits::bound_allocator_arenas();
    let cli = Cli::parse();
    // PostgreSQL's notices ("relation already exists, skipping") are not news to an operator.
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| "info,sea_orm_migration=warn,sqlx::postgres::notice=warn".into());
    let logs = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    match cli.log_format {
        LogFormat::Text => logs.init(),
        LogFormat::Json => logs.json().init(),
    }
    match cli.command {
        Command::Schema => {
            say!("{}", graphql::build_schema().sdl().trim_end_matches('\n'));
            ExitCode::SUCCESS
        }
        Command::Generate { scale, seed, output, with_history, database } => {
            if !(scale > 0.0 && scale <= 100.0) {
                return fail("generate", format!("--scale must be above 0 and at most 100, not {scale}"));
            }
            let started = std::time::Instant::now();
            let generated = dataset::generate::generate(dataset::generate::Spec { scale, seed });
            if let Some(file) = output {
                return match dataset::to_json(&generated) {
                    Ok(text) => write_out(&file, &text),
                    Err(err) => fail("generate", err.message()),
                };
            }
            let db = match open_database(&database.database, true, None).await {
                Ok(db) => db,
                Err(code) => return code,
            };
            let author = with_history.then(|| govtrail::service::record::Author {
                actor: "command line",
                at: chrono::Utc::now(),
                operation: "generate",
            });
            let imported = dataset::import::import(
                &db,
                &generated,
                dataset::import::Mode::Write,
                dataset::Merge::AddAndUpdate,
                author,
            )
            .await;
            database::close(db).await;
            match imported {
                Ok(report) => {
                    say!("{report}");
                    eprintln!("generated and imported in {:.1} s", started.elapsed().as_secs_f64());
                    ExitCode::SUCCESS
                }
                Err(err) => fail("generate", err.message()),
            }
        }
        Command::Migrate { database } => match database::open(&database.database).await {
            Ok(db) => {
                database::close(db).await;
                say!("migrated {}", database::describe(&database.database));
                ExitCode::SUCCESS
            }
            Err(err) => fail("migrate", err),
        },
        Command::Backup { file, database } => {
            let db = match open_database(&database.database, false, None).await {
                Ok(db) => db,
                Err(code) => return code,
            };
            let backed_up = database::backup(&database.database, &db, &file).await;
            database::close(db).await;
            match backed_up {
                Ok(()) => {
                    say!("backed up {} to {}", database::describe(&database.database), file.display());
                    ExitCode::SUCCESS
                }
                Err(message) => fail("backup", message),
            }
        }
        Command::Import { file, dry_run, no_history, replace, format, database } => {
            // Loading a dataset into a new database is what import is for, as generate.
            let db = match open_database(&database.database, true, None).await {
                Ok(db) => db,
                Err(code) => return code,
            };
            let mode = if dry_run { dataset::import::Mode::DryRun } else { dataset::import::Mode::Write };
            let text = match std::fs::read_to_string(&file) {
                Ok(text) => text,
                Err(err) => return fail(&format!("cannot read {}", file.display()), err),
            };
            let author = govtrail::service::record::Author {
                actor: "command line",
                at: chrono::Utc::now(),
                operation: "import",
            };
            let author = (!no_history).then_some(author);
            let imported = match format {
                FileFormat::Dataset => match dataset::parse_dataset(&text) {
                    Ok(ds) => {
                        let merge = if replace { dataset::Merge::Replace } else { dataset::Merge::AddAndUpdate };
                        dataset::import::import(&db, &ds, mode, merge, author).await
                    }
                    Err(err) => Err(err),
                },
                FileFormat::Popolo => dataset::popolo::import_popolo(&db, &text, mode, author).await,
            };
            database::close(db).await;
            match imported {
                Ok(report) if dry_run => {
                    say!("dry run of {}: would be {report}; nothing changed", file.display());
                    ExitCode::SUCCESS
                }
                Ok(report) => {
                    say!("imported {}: {report}", file.display());
                    ExitCode::SUCCESS
                }
                Err(err) => fail(&format!("{} was not imported; nothing changed", file.display()), err.message()),
            }
        }
        Command::Token { command, database } => {
            let db = match open_database(&database.database, false, None).await {
                Ok(db) => db,
                Err(code) => return code,
            };
            let done = match command {
                TokenCommand::Create { name, role } => {
                    let Some(role) = auth::Role::parse(&role) else {
                        return fail("token create", format!("\"{role}\" is not one of READER, EDITOR, ADMIN"));
                    };
                    match auth::create_token(&db, &name, role).await {
                        Ok(token) => {
                            eprintln!("created token \"{name}\" ({}); it is shown only now:", role.as_str());
                            say!("{token}");
                            ExitCode::SUCCESS
                        }
                        Err(err) => fail("token create", err.message()),
                    }
                }
                TokenCommand::List => match auth::list_tokens(&db).await {
                    Ok(tokens) => {
                        for t in tokens {
                            let state =
                                t.revoked_at.map_or("active".to_owned(), |at| format!("revoked {}", at.to_rfc3339()));
                            say!("{}\t{}\tcreated {}\t{state}", t.name, t.role, t.created_at.to_rfc3339());
                        }
                        ExitCode::SUCCESS
                    }
                    Err(err) => fail("token list", err.message()),
                },
                TokenCommand::Revoke { name } => match auth::revoke_token(&db, &name).await {
                    Ok(()) => {
                        say!("revoked {name}");
                        ExitCode::SUCCESS
                    }
                    Err(err) => fail("token revoke", err.message()),
                },
            };
            database::close(db).await;
            done
        }
        Command::Extract { file, url, published_on, publisher, area, format, database } => {
            let text = if file.as_os_str() == "-" {
                let mut text = String::new();
                match std::io::Read::read_to_string(&mut std::io::stdin(), &mut text) {
                    Ok(_) => text,
                    Err(err) => return fail("cannot read standard input", err),
                }
            } else {
                match std::fs::read_to_string(&file) {
                    Ok(text) => text,
                    Err(err) => return fail(&format!("cannot read {}", file.display()), err),
                }
            };
            let source = govtrail::domain::extract::Source { url, published_on, publisher, area };
            let draft = govtrail::domain::extract::extract(&text, &source);
            let value = match format {
                ExtractFormat::Facts => dataset::facts::facts(&draft),
                ExtractFormat::Draft => {
                    let mut file = dataset::draft::draft_file(&draft);
                    if let Some(url) = database {
                        let db = match open_database(&url, false, None).await {
                            Ok(db) => db,
                            Err(code) => return code,
                        };
                        let matched = dataset::draft::match_stored(&db, &mut file, draft.source.area.as_deref()).await;
                        database::close(db).await;
                        if let Err(err) = matched {
                            return fail("extract", err.message());
                        }
                    }
                    match serde_json::to_value(file) {
                        Ok(value) => value,
                        Err(err) => return fail("extract", err),
                    }
                }
            };
            match serde_json::to_string_pretty(&value) {
                Ok(text) => write_out(&PathBuf::from("-"), &text),
                Err(err) => fail("extract", err),
            }
        }
        Command::Export { file, format, database } => {
            let db = match open_database(&database.database, false, None).await {
                Ok(db) => db,
                Err(code) => return code,
            };
            let exported = match format {
                FileFormat::Dataset => dataset::export_dataset(&db).await.and_then(|ds| dataset::to_json(&ds)),
                FileFormat::Popolo => dataset::popolo::export_popolo(&db).await,
            };
            database::close(db).await;
            match exported {
                Ok(text) => write_out(&file, &text),
                Err(err) => fail("export", err.message()),
            }
        }
        Command::Serve {
            database,
            listen,
            demo,
            graphiql_assets,
            batch_window_ms,
            restrict_reads,
            max_connections,
            change_poll_ms,
            shutdown_timeout_secs,
            token_recheck_secs,
            limits,
            no_introspection,
            no_graphiql,
            trust_forwarded_for,
            cors_origins,
            allowed_hosts,
            no_planned_reads,
        } => {
            let limits = match limits.limits() {
                Ok(limits) => limits,
                Err(message) => return fail("serve", message),
            };
            // The demo makes its database; a production server needs one made by `migrate`.
            let db = match open_database(&database.database, demo, max_connections).await {
                Ok(db) => db,
                Err(code) => return code,
            };
            let closing = db.clone();
            if demo {
                match dataset::load_demo(&db).await {
                    Ok(Some(report)) => tracing::info!(%report, "demo dataset loaded"),
                    Ok(None) => {
                        tracing::info!("the database holds facts already; demo dataset not loaded")
                    }
                    Err(err) => return fail("demo dataset", err.message()),
                }
            }
            let config = ServerConfig {
                graphiql_assets,
                batch_window: std::time::Duration::from_millis(batch_window_ms),
                restrict_reads,
                change_poll: std::time::Duration::from_millis(change_poll_ms.max(10)),
                shutdown_timeout: std::time::Duration::from_secs(shutdown_timeout_secs),
                token_recheck: std::time::Duration::from_secs(token_recheck_secs.max(1)),
                limits,
                // Suggestions ("did you mean") teach a stranger the schema; only the demo gives them.
                suggestions: demo,
                introspection: !no_introspection,
                graphiql: !no_graphiql,
                trust_forwarded_for,
                cors_origins: cors_origins
                    .iter()
                    .map(|o| o.trim().trim_end_matches('/').to_owned())
                    // A dashboard under development on this machine works with the demo at once.
                    .chain(demo.then(|| DEMO_ORIGINS.map(str::to_owned)).into_iter().flatten())
                    .collect(),
                allowed_hosts: allowed_hosts.iter().map(|h| h.trim().to_ascii_lowercase()).collect(),
                planned_reads: !no_planned_reads,
                ..ServerConfig::new(listen)
            };
            match server::bind(&config, db, shutdown_signal()).await {
                Ok((address, serve)) => {
                    tracing::info!(
                        "govtrail listening on http://{address} (GraphQL at /graphql, subscriptions at /graphql/ws, GraphiQL at /)"
                    );
                    let served = serve.await;
                    database::close(closing).await;
                    match served {
                        Ok(()) => {
                            tracing::info!("stopped");
                            ExitCode::SUCCESS
                        }
                        Err(err) => fail("server", err),
                    }
                }
                Err(err) => fail(&format!("listen on {listen}"), err),
            }
        }
    }
}
