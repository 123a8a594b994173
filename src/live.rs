//! Live changes: every change the history records reaches the subscriptions of every server
//! process on the database, whichever process made it.
//!
//! On PostgreSQL a trigger on the history announces each change with `NOTIFY` (migration
//! 25), which PostgreSQL delivers when the transaction commits, to every replica that listens:
//! only committed changes are announced.
//! On SQLite, which one machine serves, the history is read forward from the last change seen,
//! at once after a write through this process and every poll interval otherwise (so changes by
//! another process on the same file, such as an import from the command line, arrive too).
//! SQLite commits writers one at a time, so reading forward by id misses none.

use crate::error::{AppError, AppResult};
use crate::store::live as store;
use entity::change;
use sea_orm::sqlx::postgres::PgListener;
use sea_orm::{DatabaseBackend, DatabaseConnection};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Notify, broadcast, watch};

/// The PostgreSQL channel changes are announced on (by the trigger of migration 25); the
/// payload is the change's id.
pub const CHANNEL: &str = "govtrail_changes";

/// How many changes a subscriber may fall behind before it is told so and dropped.
const BACKLOG: usize = 4096;

/// How many changes are read at a time.
const PAGE: u64 = 500;

/// Changes recorded together, oldest first.
pub type Batch = Arc<Vec<change::Model>>;

/// The changes of the database as they are committed, for this process's subscriptions.
#[derive(Clone)]
pub struct ChangeHub {
    inner: Arc<Inner>,
}

struct Inner {
    sender: broadcast::Sender<Batch>,
    written: Notify,
    reads_forward: bool,
    db: DatabaseConnection,
    /// Where reading forward stands; `None` while nobody subscribes, so that an idle server
    /// does not read the history at all.
    position: tokio::sync::Mutex<Option<i32>>,
}

impl ChangeHub {
    /// Starts following the database's changes until `shutdown` turns true. On PostgreSQL it
    /// listens before returning, so that no change committed after this is missed.
    pub async fn start(db: DatabaseConnection, poll: Duration, shutdown: watch::Receiver<bool>) -> AppResult<Self> {
        let (sender, _) = broadcast::channel(BACKLOG);
        let postgres = db.get_database_backend() == DatabaseBackend::Postgres;
        let inner = Inner {
            sender,
            written: Notify::new(),
            reads_forward: !postgres,
            db,
            position: tokio::sync::Mutex::new(None),
        };
        let hub = ChangeHub { inner: Arc::new(inner) };
        if postgres {
            let db = &hub.inner.db;
            let last = store::last_change_id(db).await?;
            let mut listener =
                PgListener::connect_with(db.get_postgres_connection_pool()).await.map_err(listen_error)?;
            listener.listen(CHANNEL).await.map_err(listen_error)?;
            tokio::spawn(hub.clone().listen(listener, last, shutdown));
        } else {
            tokio::spawn(hub.clone().read_forward(poll, shutdown));
        }
        Ok(hub)
    }

    /// A receiver of every batch of changes committed from now on.
    pub async fn subscribe(&self) -> AppResult<broadcast::Receiver<Batch>> {
        let receiver = self.inner.sender.subscribe();
        if self.inner.reads_forward {
            let mut position = self.inner.position.lock().await;
            if position.is_none() {
                *position = Some(store::last_change_id(&self.inner.db).await?);
            }
        }
        Ok(receiver)
    }

    /// Says that a write through this process has committed, so its changes go out at once.
    pub fn written(&self) {
        if self.inner.reads_forward {
            self.inner.written.notify_one();
        }
    }

    fn send(&self, batch: Vec<change::Model>) {
        if !batch.is_empty() {
            // No receiver means no subscription is open: nothing to deliver.
            let _ = self.inner.sender.send(Arc::new(batch));
        }
    }

    /// Sends every change after `last`; returns the newest change sent.
    async fn catch_up(&self, mut last: i32) -> AppResult<i32> {
        loop {
            let batch = store::changes_after(&self.inner.db, last, PAGE).await?;
            let full = batch.len() as u64 == PAGE;
            if let Some(newest) = batch.last() {
                last = newest.id;
            }
            self.send(batch);
            if !full {
                return Ok(last);
            }
        }
    }

    async fn read_forward(self, poll: Duration, mut shutdown: watch::Receiver<bool>) {
        loop {
            tokio::select! {
                _ = self.inner.written.notified() => {}
                _ = tokio::time::sleep(poll) => {}
                _ = shutdown.wait_for(|stop| *stop) => return,
            }
            let mut position = self.inner.position.lock().await;
            if self.inner.sender.receiver_count() == 0 {
                // Nobody listens: stop reading until the next subscription says where to start.
                *position = None;
                continue;
            }
            let Some(last) = *position else { continue };
            match self.catch_up(last).await {
                Ok(newest) => *position = Some(newest),
                Err(err) => tracing::warn!(err = %err.detail(), "live changes: reading the history failed"),
            }
        }
    }

    async fn listen(self, mut listener: PgListener, mut last: i32, mut shutdown: watch::Receiver<bool>) {
        loop {
            let received = tokio::select! {
                received = listener.try_recv() => received,
                _ = shutdown.wait_for(|stop| *stop) => return,
            };
            let result = match received {
                Ok(Some(first)) => {
                    let mut ids: Vec<i32> = first.payload().parse().into_iter().collect();
                    while ids.len() < PAGE as usize {
                        match listener.next_buffered() {
                            Some(more) => ids.extend(more.payload().parse::<i32>()),
                            None => break,
                        }
                    }
                    last = ids.iter().copied().fold(last, i32::max);
                    if self.inner.sender.receiver_count() == 0 {
                        Ok(())
                    } else {
                        store::changes_by_ids(&self.inner.db, &ids).await.map(|batch| self.send(batch))
                    }
                }
                // The connection dropped and is made again: what was announced meanwhile is
                // lost, so the history after the newest change seen is read instead.
                Ok(None) => {
                    tracing::warn!("live changes: the listening connection dropped; catching up");
                    self.catch_up(last).await.map(|newest| last = newest)
                }
                Err(err) => {
                    tracing::warn!(%err, "live changes: listening failed; retrying in a second");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    Ok(())
                }
            };
            if let Err(err) = result {
                tracing::warn!(err = %err.detail(), "live changes: reading the history failed");
            }
        }
    }
}

fn listen_error(err: sea_orm::sqlx::Error) -> AppError {
    AppError::internal(format!("listening for changes on PostgreSQL: {err}"))
}
