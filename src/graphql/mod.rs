//! The GraphQL API: one module per area of the domain, plus scalars, ids, pagination and the
//! loaders behind every relation. Resolvers are thin: they read arguments, call the store or
//! the domain rules, and wrap the results in the API's own types.

pub mod area;
pub mod conference;
pub mod dataset;
pub mod directive;
pub mod history;
pub mod ids;
pub mod loaders;
pub mod node;
pub mod official;
pub mod order;
pub mod organization;
pub mod pagination;
pub mod quality;
pub mod scalars;
pub mod search;
pub mod source;
pub mod stats;
pub mod subscription;
pub mod task;
pub mod timeline;

use crate::error::{AppError, AppResult};
use crate::service::record::Author;
use async_graphql::dataloader::{DataLoader, Loader};
use async_graphql::{Context, MergedObject, Schema};
use chrono::{DateTime, Utc};
use futures::future::BoxFuture;
use futures::stream::{FuturesUnordered, Stream, StreamExt};
use loaders::Loaders;
use sea_orm::DatabaseConnection;
use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::Poll;

/// The root of every query.
#[derive(MergedObject, Default)]
#[graphql(name = "Query")]
pub struct QueryRoot(
    node::NodeQuery,
    conference::ConferenceQuery,
    official::OfficialQuery,
    organization::OrganizationQuery,
    directive::DirectiveQuery,
    task::TaskQuery,
    area::AreaQuery,
    source::SourceQuery,
    stats::StatsQuery,
    search::SearchQuery,
    timeline::TimelineQuery,
    quality::QualityQuery,
    history::AuditQuery,
);

/// The root of every mutation.
#[derive(MergedObject, Default)]
#[graphql(name = "Mutation")]
pub struct MutationRoot(
    official::OfficialMutation,
    official::MergeMutation,
    task::TaskMutation,
    conference::RecordConferenceMutation,
    conference::ConferenceMutation,
    conference::ParticipationMutation,
    directive::DirectiveMutation,
    area::AreaMutation,
    organization::OrganizationMutation,
    official::PostMutation,
    official::TenureMutation,
    source::SourceMutation,
    source::CitationMutation,
    directive::DirectiveLinkMutation,
    history::RevertMutation,
    dataset::DatasetMutation,
);

/// The schema type.
pub type AppSchema = Schema<QueryRoot, MutationRoot, subscription::SubscriptionRoot>;

/// Builds the schema with the default limits, suggestions and introspection (for the SDL and
/// tools). It holds no database, so the SDL can be printed without one; each request brings
/// its [`RequestState`] and loader.
pub fn build_schema() -> AppSchema {
    build_schema_with(&SchemaOptions::default())
}

/// How the served schema treats the queries it gets, beyond its types.
#[derive(Clone, Debug)]
pub struct SchemaOptions {
    /// The limits on a query's shape and time.
    pub limits: Arc<crate::limits::Limits>,
    /// Whether errors suggest names close to a misspelt one ("did you mean"): a way to learn
    /// the schema even with introspection off, so the default is off outside `--demo`.
    pub suggestions: bool,
    /// Whether `__schema` and `__type` answer.
    pub introspection: bool,
}

impl Default for SchemaOptions {
    fn default() -> Self {
        SchemaOptions { limits: Default::default(), suggestions: false, introspection: true }
    }
}

/// Builds the schema a server answers with.
pub fn build_schema_with(options: &SchemaOptions) -> AppSchema {
    // Depth and complexity are the engine's to measure, in validation; the other limits are
    // checked before it (limits::check). No extension: with one, every field's resolution
    // goes through the extension chain.
    let mut builder = Schema::build(QueryRoot::default(), MutationRoot::default(), subscription::SubscriptionRoot)
        .limit_depth(options.limits.max_depth)
        .limit_complexity(options.limits.max_complexity);
    if !options.suggestions {
        builder = builder.disable_suggestions();
    }
    if !options.introspection {
        builder = builder.disable_introspection();
    }
    builder.finish()
}

/// Where "now" comes from: the system clock, or a fixed instant (reproducible reports, tests).
#[derive(Clone, Copy, Debug, Default)]
pub enum Clock {
    /// The system clock.
    #[default]
    System,
    /// Always this instant.
    Fixed(DateTime<Utc>),
    /// Running from `from`, which it showed at `since` (a rehearsal of a day's end, a test).
    Running {
        /// The instant shown at `since`.
        from: DateTime<Utc>,
        /// When it showed `from`.
        since: std::time::Instant,
    },
}

impl Clock {
    /// The current instant.
    pub fn now(&self) -> DateTime<Utc> {
        match self {
            Clock::System => Utc::now(),
            Clock::Fixed(instant) => *instant,
            Clock::Running { from, since } => {
                *from + chrono::Duration::from_std(since.elapsed()).unwrap_or_else(|_| chrono::Duration::zero())
            }
        }
    }

    /// Whether time passes on this clock (a fixed clock never reaches the next midnight).
    pub fn advances(&self) -> bool {
        !matches!(self, Clock::Fixed(_))
    }
}

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
}

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
    let loader = DataLoader::new(Loaders { db: state.db.clone(), budget: budget.clone() }, spawner)
        .delay(state.batch_window)
        // The loader's default of 1,000 keys split a level of more keys into several statements
        // (a `taskStats` of 2,394 assignees ran three).
        .max_batch_size(crate::database::MAX_STATEMENT_VALUES);
    let batches = Batches { incoming: receiver, running: FuturesUnordered::new(), budget: budget.clone() };
    (request.data(state.clone()).data(loader).data(budget), batches)
}

/// The loaders' batches of one request, run on the request's own task: a batch starts when the
/// request's resolvers can go no further, so it holds every key of their level, with no timer
/// to wait for and no other thread to race.
pub struct Batches {
    incoming: futures::channel::mpsc::UnboundedReceiver<BoxFuture<'static, ()>>,
    running: FuturesUnordered<BoxFuture<'static, ()>>,
    /// What the request may still read; each event of a subscription starts afresh.
    budget: Arc<crate::limits::Budget>,
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

/// Errors that reach a client without a code are the engine's own: depth and complexity get
/// their LIMIT_EXCEEDED refusal, and the rest (a query that does not parse or validate, an
/// argument of the wrong type) are the client's input.
pub fn code_engine_errors(response: &mut async_graphql::Response, limits: &crate::limits::Limits) {
    // However many errors a document provokes, an answer carries at most MAX_ERRORS of them.
    if response.errors.len() > crate::limits::MAX_ERRORS {
        let left_out = response.errors.len() - crate::limits::MAX_ERRORS;
        response.errors.truncate(crate::limits::MAX_ERRORS);
        let message = format!("{left_out} more errors were left out; correct these first");
        response.errors.push(AppError::limit("errors", crate::limits::MAX_ERRORS, message).into_server_error());
    }
    for error in &mut response.errors {
        if error.extensions.as_ref().is_some_and(|x| x.get("code").is_some()) {
            continue;
        }
        if let Some(refusal) = crate::limits::engine_refusal(error, limits) {
            *error = refusal.into_server_error();
            continue;
        }
        error.extensions.get_or_insert_with(Default::default).set("code", "BAD_USER_INPUT");
    }
}

pub(crate) fn state<'a>(ctx: &Context<'a>) -> AppResult<&'a RequestState> {
    ctx.data::<RequestState>().map_err(|_| AppError::internal("request state missing"))
}

pub(crate) fn db<'a>(ctx: &Context<'a>) -> AppResult<&'a DatabaseConnection> {
    Ok(&state(ctx)?.db)
}

fn loader<'a>(ctx: &Context<'a>) -> AppResult<&'a DataLoader<Loaders>> {
    ctx.data::<DataLoader<Loaders>>().map_err(|_| AppError::internal("loader missing"))
}

/// What the request may still read.
pub(crate) fn budget<'a>(ctx: &Context<'a>) -> AppResult<&'a crate::limits::Budget> {
    ctx.data::<Arc<crate::limits::Budget>>().map(|b| b.as_ref()).map_err(|_| AppError::internal("budget missing"))
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

/// Reads a stored vocabulary value; a value the code does not know is a fault of the data.
pub(crate) fn vocabulary<T>(text: &str, parse: fn(&str) -> Option<T>) -> AppResult<T> {
    parse(text).ok_or_else(|| AppError::internal(format!("unknown stored value {text}")))
}

/// What a deletion answers.
#[derive(async_graphql::SimpleObject)]
pub struct DeletePayload {
    /// The global id of the deleted node.
    pub id: async_graphql::ID,
}

/// What resolvers return: a failure is an [`AppError`], so that every error reaches the client
/// through its coded conversion (a foreign error has no `?` into it but the ones written for it).
pub type Result<T, E = AppError> = std::result::Result<T, E>;

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
