//! How a request's relations are loaded: each request gets its own loader, whose batches run
//! where the request runs (no spawned task), and every list or node a resolver loads is
//! counted against the request's node budget.

use super::context::RequestState;
use super::loaders::{Loaders, Prefetched};
use crate::error::{AppError, AppResult};
use async_graphql::Context;
use async_graphql::dataloader::{DataLoader, Loader};
use futures::future::BoxFuture;
use futures::stream::{FuturesUnordered, Stream, StreamExt};
use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::Poll;

/// Attaches the state, the caller's identity and a fresh loader to one request; its batches
/// run where [`Batches::drive`] runs the request.
pub fn prepare(
    request: async_graphql::Request,
    state: &RequestState,
    identity: crate::auth::Identity,
) -> (async_graphql::Request, Batches) {
    let (request, batches) = with_state(request, state);
    (request.data(identity), batches)
}

/// Attaches the state and a fresh loader (which batches, and caches nothing between events).
fn with_state(request: async_graphql::Request, state: &RequestState) -> (async_graphql::Request, Batches) {
    let (sender, receiver) = futures::channel::mpsc::unbounded();
    let spawner = move |batch: BoxFuture<'static, ()>| {
        // The receiver lives as long as the request it drives; a batch sent after that has
        // nobody left to answer.
        let _ = sender.unbounded_send(batch);
    };
    let budget = Arc::new(crate::limits::Budget::new(state.max_nodes, state.heavy.clone()));
    let prefetched = Arc::new(Prefetched::default());
    let loaders = Loaders { db: state.db.clone(), budget: budget.clone(), prefetched: prefetched.clone() };
    let loader = DataLoader::new(loaders, spawner)
        .delay(state.batch_window)
        // The loader's default of 1,000 keys split a level of more keys into several statements
        // (a `taskStats` of 2,394 assignees ran three).
        .max_batch_size(crate::database::MAX_STATEMENT_VALUES);
    let batches = Batches {
        incoming: receiver,
        running: FuturesUnordered::new(),
        budget: budget.clone(),
        prefetched: prefetched.clone(),
    };
    (request.data(state.clone()).data(loader).data(budget).data(prefetched), batches)
}

/// The loaders' batches of one request, run on the request's own task: a batch starts when the
/// request's resolvers can go no further, so it holds every key of their level, with no timer
/// to wait for and no other thread to race.
pub struct Batches {
    incoming: futures::channel::mpsc::UnboundedReceiver<BoxFuture<'static, ()>>,
    running: FuturesUnordered<BoxFuture<'static, ()>>,
    /// What the request may still read; each event of a subscription starts afresh.
    budget: Arc<crate::limits::Budget>,
    /// What planned reads found ahead; each event of a subscription starts afresh.
    prefetched: Arc<Prefetched>,
}

impl Batches {
    /// Polls the batches that have arrived or are under way; whether any made progress.
    fn poll_batches(&mut self, cx: &mut std::task::Context<'_>) -> bool {
        let mut progressed = false;
        while let Poll::Ready(Some(batch)) = self.incoming.poll_next_unpin(cx) {
            self.running.push(batch);
            progressed = true;
        }
        while let Poll::Ready(Some(())) = self.running.poll_next_unpin(cx) {
            progressed = true;
        }
        progressed
    }

    /// Polls `poll` until it is ready or waits on something other than itself; then runs the
    /// batches, and again while they make progress.
    fn step<T>(
        &mut self,
        cx: &mut std::task::Context<'_>,
        mut poll: impl FnMut(&mut std::task::Context<'_>) -> Poll<T>,
    ) -> Poll<T> {
        let woken = Arc::new(WakeFlag { woken: AtomicBool::new(false), inner: cx.waker().clone() });
        let waker = futures::task::waker(woken.clone());
        loop {
            // A list of many fields yields now and then, waking itself (FuturesUnordered does
            // after 32 polls); such a wake means that more keys are on their way, so the work is
            // polled again before a batch starts.
            for _ in 0..10_000 {
                woken.woken.store(false, Ordering::Release);
                if let Poll::Ready(output) = poll(&mut std::task::Context::from_waker(&waker)) {
                    return Poll::Ready(output);
                }
                if !woken.woken.load(Ordering::Acquire) {
                    break;
                }
            }
            if !self.poll_batches(cx) {
                return Poll::Pending;
            }
        }
    }

    /// Runs `work` (a request's execution) and its batches to the end of `work`.
    pub async fn drive<F: Future>(mut self, work: F) -> F::Output {
        let mut work = std::pin::pin!(work);
        std::future::poll_fn(move |cx| self.step(cx, |cx| work.as_mut().poll(cx))).await
    }

    /// Runs a stream of responses (a subscription) and its batches.
    pub fn drive_stream<S>(mut self, mut stream: S) -> impl Stream<Item = S::Item> + Send
    where
        S: Stream + Unpin + Send,
    {
        futures::stream::poll_fn(move |cx| {
            let polled = self.step(cx, |cx| stream.poll_next_unpin(cx));
            if polled.is_ready() {
                self.budget.reset();
                self.prefetched.clear();
            }
            polled
        })
    }
}

/// A waker that notes whether it was woken, and passes the wake on.
struct WakeFlag {
    woken: AtomicBool,
    inner: std::task::Waker,
}

impl futures::task::ArcWake for WakeFlag {
    fn wake_by_ref(arc_self: &Arc<Self>) {
        arc_self.woken.store(true, Ordering::Release);
        arc_self.inner.wake_by_ref();
    }
}

pub(crate) fn loader<'a>(ctx: &Context<'a>) -> AppResult<&'a DataLoader<Loaders>> {
    ctx.data::<DataLoader<Loaders>>().map_err(|_| AppError::internal("loader missing"))
}

/// What the request may still read.
pub(crate) fn budget<'a>(ctx: &Context<'a>) -> AppResult<&'a crate::limits::Budget> {
    ctx.data::<Arc<crate::limits::Budget>>().map(|b| b.as_ref()).map_err(|_| AppError::internal("budget missing"))
}

/// What planned reads found ahead for the request.
pub(crate) fn prefetched<'a>(ctx: &Context<'a>) -> AppResult<&'a Prefetched> {
    ctx.data::<Arc<Prefetched>>().map(|p| p.as_ref()).map_err(|_| AppError::internal("prefetched store missing"))
}

/// Counts `nodes` more nodes of the answer.
pub(crate) async fn spend(ctx: &Context<'_>, nodes: usize) -> AppResult<()> {
    budget(ctx)?.spend(nodes).await
}

/// Loads one value through the request's loader.
pub(crate) async fn load_one<K>(ctx: &Context<'_>, key: K) -> AppResult<Option<<Loaders as Loader<K>>::Value>>
where
    K: Send + Sync + Hash + Eq + Clone + 'static,
    Loaders: Loader<K, Error = AppError>,
{
    let found = loader(ctx)?.load_one(key).await?;
    spend(ctx, usize::from(found.is_some())).await?;
    Ok(found)
}

/// Loads the list behind a has-many key.
pub(crate) async fn load_list<K, V>(ctx: &Context<'_>, key: K) -> AppResult<Vec<V>>
where
    K: Send + Sync + Hash + Eq + Clone + 'static,
    V: Send + Sync + Clone + 'static,
    Loaders: Loader<K, Value = Vec<V>, Error = AppError>,
{
    let list = loader(ctx)?.load_one(key).await?.unwrap_or_default();
    spend(ctx, list.len()).await?;
    Ok(list)
}

/// Loads several values, keeping the order of the keys and skipping missing ones.
pub(crate) async fn load_many<K, V>(ctx: &Context<'_>, keys: Vec<K>) -> AppResult<Vec<V>>
where
    K: Send + Sync + Hash + Eq + Clone + 'static,
    V: Send + Sync + Clone + 'static,
    Loaders: Loader<K, Value = V, Error = AppError>,
{
    let mut found: HashMap<K, V> = loader(ctx)?.load_many(keys.clone()).await?;
    let values: Vec<V> = keys.into_iter().filter_map(|k| found.remove(&k)).collect();
    spend(ctx, values.len()).await?;
    Ok(values)
}
