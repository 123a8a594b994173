//! Opening the database named by a sea-orm URL and bringing its schema up to date.

use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, Database, DatabaseBackend, DatabaseConnection, DatabaseTransaction, DbErr, SqliteTransactionMode,
    TransactionOptions, TransactionTrait,
};
use std::time::Duration;

/// The database used when none is named: a SQLite file in the working directory.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://govtrail.db?mode=rwc";

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
