//! Opening the database named by a sea-orm URL and bringing its schema up to date.

use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, Database, DatabaseBackend, DatabaseConnection, DatabaseTransaction, DbErr, SqliteTransactionMode,
    TransactionOptions, TransactionTrait,
};
use std::path::PathBuf;
use std::time::Duration;

/// The database used when none is named: a SQLite file in the working directory.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://govtrail.db?mode=rwc";

/// The file a SQLite URL names (`sqlite://path?mode=rwc`, `sqlite:path`); none for other
/// databases and for in-memory ones.
pub fn sqlite_file(url: &str) -> Option<PathBuf> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let (path, options) = rest.split_once('?').unwrap_or((rest, ""));
    if path.is_empty() || path == ":memory:" || options.split('&').any(|o| o == "mode=memory") {
        return None;
    }
    Some(PathBuf::from(path))
}

/// The database a URL names, for a person to read: a SQLite file's absolute path, or the URL
/// without its password.
pub fn describe(url: &str) -> String {
    if let Some(file) = sqlite_file(url) {
        let absolute = std::path::absolute(&file).unwrap_or(file);
        return format!("SQLite file {}", absolute.display());
    }
    match url.split_once("://").and_then(|(scheme, rest)| rest.rsplit_once('@').map(|(_, host)| (scheme, host))) {
        Some((scheme, host)) => format!("{scheme}://…@{host}"),
        None => url.to_owned(),
    }
}

/// Refuses a URL that names a SQLite file that does not exist: only `migrate`, `serve --demo`
/// and the commands that load a dataset (`import`, `generate`) make a new database, so that a
/// command run from another folder (the default database is a relative path) does not quietly
/// work on a new, empty file.
pub fn require_existing(url: &str) -> Result<(), String> {
    match sqlite_file(url) {
        Some(file) if !file.exists() => Err(format!(
            "there is no database at {} (create one with `govtrail migrate --database {url}`, or name another with --database)",
            std::path::absolute(&file).unwrap_or(file).display()
        )),
        _ => Ok(()),
    }
}

/// Writes SQLite's write-ahead log back into the database file and empties it, so that the
/// file alone holds everything (a copy of the `.db` without its `-wal` would miss the last
/// changes); then closes the pool. Nothing to do on PostgreSQL.
pub async fn close(db: DatabaseConnection) {
    use sea_orm::ConnectionTrait;
    if db.get_database_backend() == DatabaseBackend::Sqlite
        && let Err(err) = db.execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)").await
    {
        tracing::warn!(%err, "the write-ahead log could not be written back into the database file");
    }
    let _ = db.close().await;
}

/// Writes a consistent copy of the live database to `file`: SQLite copies itself into a new
/// file (`VACUUM INTO`, a snapshot other writers do not disturb); PostgreSQL is dumped by
/// `pg_dump` in its custom format (restore with `pg_restore --dbname URL FILE`).
pub async fn backup(url: &str, db: &DatabaseConnection, file: &std::path::Path) -> Result<(), String> {
    use sea_orm::ConnectionTrait;
    if file.exists() {
        return Err(format!("{} exists already; name a new file", file.display()));
    }
    match db.get_database_backend() {
        DatabaseBackend::Sqlite => {
            let target = file.to_str().ok_or("the backup's file name is not UTF-8")?;
            let statement = sea_orm::Statement::from_sql_and_values(
                DatabaseBackend::Sqlite,
                "VACUUM INTO ?",
                [sea_orm::Value::from(target.to_owned())],
            );
            db.execute_raw(statement).await.map(drop).map_err(|err| err.to_string())
        }
        _ => {
            let status = tokio::process::Command::new("pg_dump")
                .args(["--format=custom", "--no-owner", "--file"])
                .arg(file)
                .arg(url)
                .status()
                .await
                .map_err(|err| format!("pg_dump could not be run ({err}); install PostgreSQL's client programs"))?;
            if status.success() { Ok(()) } else { Err(format!("pg_dump failed ({status})")) }
        }
    }
}

/// Opens a connection pool. SQLite files run in WAL mode, so readers never wait for a writer
/// and a crash loses no committed transaction; foreign keys are enforced.
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    connect_with_pool(url, None).await
}

/// The most values one statement binds: below SQLite's limit of 32,766 parameters (and
/// PostgreSQL's 65,535). Batched look-ups (one value a key) and an import's multi-row inserts
/// fill statements up to it.
pub const MAX_STATEMENT_VALUES: usize = 30_000;

/// The page cache of each SQLite connection, in KiB: SQLite's default, which also bounds the
/// memory a sort takes before it spills (a server answering 16 aggregations at once stays
/// small); a large import raises it for its own transaction.
pub const SQLITE_CACHE_KIB: u32 = 2000;

/// Connects with at most `max_connections` in the pool (by default 4 on SQLite, whose writers
/// take turns, and 16 on PostgreSQL).
pub async fn connect_with_pool(url: &str, max_connections: Option<u32>) -> Result<DatabaseConnection, DbErr> {
    let mut options = ConnectOptions::new(url.to_owned());
    options.sqlx_logging(false).acquire_timeout(Duration::from_secs(30));
    if url.starts_with("sqlite:") {
        options.max_connections(max_connections.unwrap_or(4)).min_connections(1).map_sqlx_sqlite_opts(|o| {
            o.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true)
                .pragma("cache_size", format!("-{SQLITE_CACHE_KIB}"))
        });
    } else {
        options.max_connections(max_connections.unwrap_or(16));
    }
    Database::connect(options).await
}

/// Closes the SQLite connections beyond the first that sit idle: each holds a page cache and
/// its prepared statements, which a burst of traffic fills and a quiet server need not keep
/// (opening one again takes about a millisecond). The server calls it every 30 s. The pool's own
/// idle timeout never fires: its reaper wakes once a timeout, finds a connection idle just
/// under it and hands it back, which restarts its idle time (sqlx 0.9).
pub async fn close_idle_connections(db: &DatabaseConnection) {
    if db.get_database_backend() != DatabaseBackend::Sqlite {
        return;
    }
    let pool = db.get_sqlite_connection_pool();
    while pool.num_idle() > 1 {
        match pool.try_acquire() {
            Some(connection) => {
                if let Err(err) = connection.close().await {
                    tracing::warn!(%err, "closing an idle SQLite connection failed");
                }
            }
            None => break,
        }
    }
}

/// A connection of its own on the same database, for a task that reads it every second or so
/// (the change feed on SQLite). Through the shared pool such a task would take each pooled
/// connection in turn (the pool hands out the longest idle first), so none would ever sit idle
/// long enough to close and every one would keep its page cache and prepared statements. On
/// PostgreSQL, where nothing polls, it is the pool itself. Either way its statements are not
/// reported to the callback that times the requests' statements: they are no request's.
pub fn own_connection(db: &DatabaseConnection) -> DatabaseConnection {
    if db.get_database_backend() == DatabaseBackend::Postgres {
        return sea_orm::SqlxPostgresConnector::from_sqlx_postgres_pool(db.get_postgres_connection_pool().clone());
    }
    if db.get_database_backend() != DatabaseBackend::Sqlite {
        return db.clone();
    }
    let shared = db.get_sqlite_connection_pool();
    let pool = sea_orm::sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(1)
        .acquire_timeout(Duration::from_secs(30))
        .connect_lazy_with((*shared.connect_options()).clone());
    sea_orm::SqlxSqliteConnector::from_sqlx_sqlite_pool(pool)
}

/// How many migrations the database has not had yet (0 when its schema is current).
pub async fn pending_migrations(db: &DatabaseConnection) -> Result<usize, DbErr> {
    Ok(Migrator::get_pending_migrations(db).await?.len())
}

/// Applies every pending migration.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await
}

/// Opens and migrates in one step, as every command does.
pub async fn open(url: &str) -> Result<DatabaseConnection, DbErr> {
    open_with_pool(url, None).await
}

/// Like [`open`], with at most `max_connections` in the pool.
pub async fn open_with_pool(url: &str, max_connections: Option<u32>) -> Result<DatabaseConnection, DbErr> {
    let db = connect_with_pool(url, max_connections).await?;
    migrate(&db).await?;
    Ok(db)
}

/// Begins a transaction that will write. On SQLite it takes the write lock at once
/// (`BEGIN IMMEDIATE`), so that two writers wait for each other instead of one failing when
/// it tries to upgrade a read lock.
pub async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    let options = TransactionOptions {
        isolation_level: None,
        access_mode: None,
        sqlite_transaction_mode: match db.get_database_backend() {
            DatabaseBackend::Sqlite => Some(SqliteTransactionMode::Immediate),
            _ => None,
        },
    };
    db.begin_with_options(options).await
}
