//! What a resolver reads from its request: the state every request carries (database, clock,
//! live changes, metrics, limits), who writes and when, and the mark of a request that wrote.

use crate::domain::time::Clock;
use crate::error::{AppError, AppResult};
use crate::service::record::Author;
use async_graphql::Context;
use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;
use std::sync::Arc;

/// What every request reads: the database, the clock, the loaders' batch window, the live
/// changes and the metrics.
#[derive(Clone)]
pub struct RequestState {
    /// The database.
    pub db: DatabaseConnection,
    /// The clock that "today" comes from.
    pub clock: Clock,
    /// How long loaders gather keys before one batched statement.
    pub batch_window: std::time::Duration,
    /// The database's changes as they commit, for subscriptions.
    pub live: crate::live::ChangeHub,
    /// The server's metrics.
    pub metrics: std::sync::Arc<crate::metrics::Metrics>,
    /// The most nodes one answer may hold ([`crate::limits::Budget`]).
    pub max_nodes: usize,
    /// The server's turns for heavy answers, shared by every request.
    pub heavy: Arc<tokio::sync::Semaphore>,
    /// Whether list fields plan the reads of their nested relations (`graphql::plan`); off,
    /// every relation is loaded field by field.
    pub planned_reads: bool,
    /// The server's ranked index of the search text.
    pub ranked: crate::store::ranked::Ranked,
}

pub(crate) fn state<'a>(ctx: &Context<'a>) -> AppResult<&'a RequestState> {
    ctx.data::<RequestState>().map_err(|_| AppError::internal("request state missing"))
}

pub(crate) fn db<'a>(ctx: &Context<'a>) -> AppResult<&'a DatabaseConnection> {
    Ok(&state(ctx)?.db)
}

/// Reads a stored vocabulary value; a value the code does not know is a fault of the data.
pub(crate) fn vocabulary<T>(text: &str, parse: fn(&str) -> Option<T>) -> AppResult<T> {
    parse(text).ok_or_else(|| AppError::internal(format!("unknown stored value {text}")))
}

/// The name of a caller allowed to write (EDITOR or above), and the time of the change.
pub(crate) fn writer(ctx: &Context<'_>) -> AppResult<(String, DateTime<Utc>)> {
    let identity = ctx.data::<crate::auth::Identity>().unwrap_or(&crate::auth::Identity::Anonymous);
    let actor = identity.require(crate::auth::Role::Editor)?.to_owned();
    note_write(ctx);
    Ok((actor, state(ctx)?.clock.now()))
}

/// Sets `slot` to `value` when one is given (an update's field that was not left out).
pub(crate) fn set_given<T>(slot: &mut T, value: Option<T>) {
    if let Some(value) = value {
        *slot = value;
    }
}

/// The author of a change made by the current request through the current mutation.
pub(crate) fn author<'a>(ctx: &'a Context<'_>, actor: &'a str, at: DateTime<Utc>) -> Author<'a> {
    Author { actor, at, operation: ctx.field().name() }
}

/// Set on a request that may have written, so that its changes go to the subscriptions of
/// this process as soon as it is answered (on SQLite; PostgreSQL announces them itself).
#[derive(Clone, Default)]
pub struct WriteMark(pub std::sync::Arc<std::sync::atomic::AtomicBool>);

impl WriteMark {
    /// Whether the request may have written.
    pub fn is_set(&self) -> bool {
        self.0.load(std::sync::atomic::Ordering::Relaxed)
    }
}

/// Marks the request as one that may write.
pub(crate) fn note_write(ctx: &Context<'_>) {
    if let Ok(mark) = ctx.data::<WriteMark>() {
        mark.0.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}
