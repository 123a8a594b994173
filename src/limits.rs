//! The limits that make abuse cheap to refuse (docs/security.md): the shape of a query (aliases,
//! field selections, fragment nesting) checked before the engine sees it, depth and complexity
//! checked by the engine's validation, both before any resolver runs, the time a query may take, and the rate of requests per token and per client
//! address. Every refusal is an [`AppError`] with a stable code.

use crate::error::AppError;
use async_graphql::ServerError;
use async_graphql::parser::types::{ExecutableDocument, OperationType, Selection, SelectionSet};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};
use std::collections::HashMap;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What one request may ask of the server. Each has a flag of `govtrail serve` and an
/// environment variable (docs/security.md).
#[derive(Clone, Debug)]
pub struct Limits {
    /// The deepest nesting of fields; the full introspection query of graphql-js needs 15.
    pub max_depth: usize,
    /// The most a query may cost: one a field, a page's fields times its size, a relation
    /// list's fields times [`LIST_FACTOR`].
    pub max_complexity: usize,
    /// The most aliased fields, fragments expanded.
    pub max_aliases: usize,
    /// The most field selections, fragments expanded (repeated fields count each time).
    pub max_fields: usize,
    /// The most operations in one batched request (a JSON array); 1 turns batching off.
    pub max_batch: usize,
    /// The most subscriptions open at once on one WebSocket connection.
    pub max_subscriptions: usize,
    /// The most WebSocket connections open at once from one client address.
    pub max_sockets_per_client: usize,
    /// The largest JSON request body, in bytes.
    pub max_body_bytes: usize,
    /// The largest multipart request (a dataset upload), in bytes.
    pub max_upload_bytes: usize,
    /// How long a query may run; mutations run to their end, so that none is cut off
    /// between its commit and its answer.
    pub time_limit: Duration,
    /// The most nodes one answer may hold (rows read for relation lists and single relations,
    /// statistics buckets, data issues), counted while it runs; the worst case whatever the data.
    pub max_nodes: usize,
    /// The largest answer, in bytes of JSON.
    pub max_answer_bytes: usize,
    /// How many answers past [`LIGHT_NODES`] nodes (and whole-table reads) may be built at
    /// once; the others wait their turn (within the time limit), so that large answers cannot
    /// exhaust memory together. Fewer than the database connections, so that light requests
    /// always find one.
    pub max_heavy: usize,
    /// How long a request's headers, and a JSON body, may take to arrive.
    pub header_time: Duration,
    /// How long an upload's body may take to arrive.
    pub upload_time: Duration,
    /// How long a kept-alive connection may wait before its next request.
    pub idle_time: Duration,
    /// How long a WebSocket connection may wait before its `connection_init` is acknowledged.
    pub connection_init_wait: Duration,
    /// Requests a minute for each client address without a token (0: no limit).
    pub anonymous_per_minute: u32,
    /// Requests a minute for each token (0: no limit).
    pub token_per_minute: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 20,
            max_complexity: 50_000,
            max_aliases: 50,
            max_fields: 1_000,
            max_batch: 10,
            max_subscriptions: 20,
            max_sockets_per_client: 50,
            max_body_bytes: 1 << 20,
            max_upload_bytes: 64 << 20,
            time_limit: Duration::from_secs(15),
            connection_init_wait: Duration::from_secs(10),
            header_time: Duration::from_secs(30),
            upload_time: Duration::from_secs(600),
            idle_time: Duration::from_secs(120),
            max_nodes: 10_000,
            max_answer_bytes: 16 << 20,
            // Half the cores: heavy answers are CPU-bound, and a plain query needs one free.
            max_heavy: std::thread::available_parallelism().map_or(1, |n| (n.get() / 2).max(1)),
            anonymous_per_minute: 600,
            token_per_minute: 3_000,
        }
    }
}

/// How much more an unpaged relation list (a conference's participants, an official's
/// tenures) costs than one of its items: its length is the data's, so a typical one is assumed.
pub const LIST_FACTOR: usize = 5;

/// The cost of a connection field: its items' cost times the page size asked for (20 when none
/// is given, at most 100, as the resolvers allow), plus one for the field.
pub fn page_cost(first: Option<i32>, last: Option<i32>, child_complexity: usize) -> usize {
    let size =
        first.or(last).map_or(crate::store::page::DEFAULT_PAGE_SIZE, |n| n.clamp(0, crate::store::page::MAX_PAGE_SIZE));
    child_complexity.saturating_mul(size.max(1) as usize).saturating_add(1)
}

/// What a field that reads a whole table costs (a grouped statistic, the data-quality check),
/// whatever it selects: a fifth of the default complexity, so that aliases cannot ask for
/// dozens of full scans in one request.
pub const WHOLE_TABLE_COST: usize = 10_000;

/// The cost of a field that aggregates or checks whole tables, plus what it selects.
pub fn whole_table_cost(child_complexity: usize) -> usize {
    WHOLE_TABLE_COST.saturating_add(list_cost(child_complexity))
}

/// The cost of an unpaged relation list: [`LIST_FACTOR`] times its items' cost, plus one.
pub fn list_cost(child_complexity: usize) -> usize {
    child_complexity.saturating_mul(LIST_FACTOR).saturating_add(1)
}

/// The most errors one answer carries; past it, one more error says how many were left out.
pub const MAX_ERRORS: usize = 100;

/// An answer of up to this many nodes is light: it is built without waiting for a turn.
pub const LIGHT_NODES: usize = 2_000;

/// What one request (or one event of a subscription) may read while it runs: nodes counted as
/// they are loaded, refused past the most with `LIMIT_EXCEEDED` (`limit: "nodes"`); past
/// [`LIGHT_NODES`] it waits for one of the server's turns for heavy answers and holds it to
/// the end. The static costs (complexity) guess a list's length; this bounds it.
pub struct Budget {
    spent: AtomicUsize,
    max: usize,
    heavy: Arc<tokio::sync::Semaphore>,
    /// The turn, taken once: resolvers of one request that turn heavy together wait for the
    /// same one (each waiting for its own would wait for its own request to end).
    turn: Mutex<Arc<tokio::sync::OnceCell<tokio::sync::OwnedSemaphorePermit>>>,
}

impl Budget {
    /// A budget of `max` nodes that takes its turn from `heavy` once past [`LIGHT_NODES`].
    pub fn new(max: usize, heavy: Arc<tokio::sync::Semaphore>) -> Self {
        Budget { spent: AtomicUsize::new(0), max, heavy, turn: Mutex::default() }
    }

    /// Counts `nodes` more; LIMIT_EXCEEDED past the most. Waits for a turn when the answer turns
    /// heavy.
    pub async fn spend(&self, nodes: usize) -> Result<(), AppError> {
        let spent = self.spent.fetch_add(nodes, Ordering::Relaxed).saturating_add(nodes);
        if spent > self.max {
            return Err(self.exceeded());
        }
        if spent > LIGHT_NODES {
            self.take_turn().await?;
        }
        Ok(())
    }

    /// Waits for a turn for a heavy answer (work that holds much in memory whatever its node
    /// count), unless this request holds one already.
    pub async fn take_turn(&self) -> Result<(), AppError> {
        let turn = self.turn.lock().map(|t| t.clone()).map_err(|_| AppError::internal("budget poisoned"))?;
        let heavy = self.heavy.clone();
        owe_trims();
        turn.get_or_try_init(|| heavy.acquire_owned())
            .await
            .map(drop)
            .map_err(|_| AppError::internal("the heavy-answer semaphore was closed"))
    }

    /// Whether this request holds a turn for heavy answers.
    pub fn holds_turn(&self) -> bool {
        self.turn.lock().map(|t| t.initialized()).unwrap_or(false)
    }

    /// How many rows the next statement may read: what is left, or, for a request without a
    /// turn, what keeps it light. A statement that reads past a light request's share takes
    /// a turn and is read again ([`Budget::read_within`]).
    pub fn share(&self) -> usize {
        let remaining = self.remaining();
        if self.holds_turn() {
            return remaining;
        }
        remaining.min(LIGHT_NODES.saturating_sub(self.spent.load(Ordering::Relaxed)))
    }

    /// Runs `read` with a row limit of the request's share plus one; when it reads past the
    /// share, LIMIT_EXCEEDED if that passes what is left, else it takes a turn and reads again
    /// with the larger share a turn allows.
    pub async fn read_within<T, F, Fut>(&self, mut read: F) -> Result<Vec<T>, AppError>
    where
        F: FnMut(u64) -> Fut,
        Fut: std::future::Future<Output = Result<Vec<T>, sea_orm::DbErr>>,
    {
        loop {
            let share = self.share();
            let rows = read(share as u64 + 1).await?;
            if rows.len() <= share {
                return Ok(rows);
            }
            if share >= self.remaining() {
                return Err(self.exceeded());
            }
            self.take_turn().await?;
        }
    }

    /// How many nodes may still be read: a statement asks for one more than this, so that a
    /// list too long to answer is known without reading all of it.
    pub fn remaining(&self) -> usize {
        self.max.saturating_sub(self.spent.load(Ordering::Relaxed))
    }

    /// The refusal when the answer would hold more than the most.
    pub fn exceeded(&self) -> AppError {
        self.exceeded_unless("page the lists (first/after) or ask for fewer relations")
    }

    /// The refusal when the answer would hold more than the most, with what the client can
    /// change to stay within it.
    pub fn exceeded_unless(&self, advice: &str) -> AppError {
        AppError::limit("nodes", self.max, format!("the answer would hold more than {} nodes: {advice}", self.max))
    }

    /// Starts afresh (the next event of a subscription), giving back any turn.
    pub fn reset(&self) {
        if self.holds_turn() {
            owe_trims();
        }
        self.spent.store(0, Ordering::Relaxed);
        if let Ok(mut turn) = self.turn.lock() {
            *turn = Arc::default();
        }
    }
}

impl Drop for Budget {
    fn drop(&mut self) {
        if self.holds_turn() {
            owe_trims();
        }
    }
}

/// Whether `response` as JSON takes at most `max` bytes; counted without keeping the text, and
/// stopped as soon as it goes past.
pub fn fits(response: &async_graphql::Response, max: usize) -> bool {
    struct Counter {
        written: usize,
        max: usize,
    }
    impl std::io::Write for Counter {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.written = self.written.saturating_add(bytes.len());
            if self.written > self.max {
                return Err(std::io::Error::other("past the limit"));
            }
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    serde_json::to_writer(Counter { written: 0, max }, response).is_ok()
}

/// The refusal of a query whose answer would be larger than `max` bytes.
pub fn too_large_answer(max: usize) -> AppError {
    AppError::limit(
        "bytes",
        max,
        format!("the answer would be larger than {max} bytes: page the lists (first/after) or ask for fewer fields"),
    )
}

/// How many more times the allocator is to give memory back: a heavy answer owes two trims
/// when it starts and two when it ends, since what it frees goes on being freed (the answer
/// sent, its connection closed) after the tick that follows it.
static TRIMS_OWED: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(0);

fn owe_trims() {
    TRIMS_OWED.store(2, Ordering::Relaxed);
}

/// Gives the memory that heavy answers freed back to the system, when they owe it (or when
/// `anyway`): glibc's allocator keeps freed memory in its arenas otherwise, so a burst of
/// large answers left the process hundreds of MiB larger for good. A server calls this every
/// few seconds, and now and then `anyway` for what else was freed (the pool's idle
/// connections closed, their page caches with them).
pub fn give_back_memory(anyway: bool) {
    let owed = TRIMS_OWED.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1)).is_ok();
    if !(owed || anyway) {
        return;
    }
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only walks the allocator's own free lists; it takes no pointers.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Bounds glibc's allocator to one arena a core (unless `MALLOC_ARENA_MAX` says otherwise). By
/// default it makes up to eight a core as threads contend, and the server has more threads than
/// cores (the runtime's workers, one for each SQLite connection, the blocking pool): a heavy
/// answer built across several of them left freed memory stranded in each arena. Called once,
/// first thing.
pub fn bound_allocator_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    if std::env::var_os("MALLOC_ARENA_MAX").is_none() {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        // SAFETY: mallopt sets one of the allocator's parameters; it takes no pointers.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, i32::try_from(cores).unwrap_or(i32::MAX));
        }
    }
}

/// What the checks learnt of a request's document.
#[derive(Clone, Copy, Debug, Default)]
pub struct Checked {
    /// Whether the operation that runs is a query (the time limit applies to queries only).
    pub query: bool,
    /// Whether it is a subscription (a stream of answers rather than one).
    pub subscription: bool,
}

/// How many fields and aliases a document selects, fragments expanded, and how deeply its
/// selections and fragment spreads nest.
#[derive(Clone, Copy, Default)]
struct Shape {
    fields: usize,
    aliases: usize,
    nesting: usize,
    /// Whether it selects `__schema` or `__type`.
    introspects: bool,
}

/// Brackets, selection sets, fragment spreads and variable values nested deeper than this are
/// refused outright: parsing, validating, converting and dropping them recurses once a level
/// (a few kilobytes of a worker's stack each), so a deeper input could end the process.
/// Nothing this schema reads needs more: a query nests at most `max_depth` fields, filters
/// at most five levels.
pub const MAX_NESTING: usize = 64;

/// How deeply the brackets of GraphQL text (`{`, `[`, `(`) nest, outside strings and comments;
/// counting stops past [`MAX_NESTING`]. Every recursion of the parser follows one of them.
fn text_nesting(text: &str) -> usize {
    let bytes = text.as_bytes();
    let (mut depth, mut deepest, mut at) = (0usize, 0usize, 0usize);
    while at < bytes.len() {
        match bytes[at] {
            b'#' => {
                while at < bytes.len() && bytes[at] != b'\n' && bytes[at] != b'\r' {
                    at += 1;
                }
            }
            b'"' if bytes[at..].starts_with(b"\"\"\"") => {
                at += 3;
                while at < bytes.len() && !bytes[at..].starts_with(b"\"\"\"") {
                    // An escaped triple quote inside a block string.
                    at += if bytes[at..].starts_with(b"\\\"\"\"") { 4 } else { 1 };
                }
                at += 2;
            }
            b'"' => {
                at += 1;
                while at < bytes.len() && bytes[at] != b'"' && bytes[at] != b'\n' {
                    at += if bytes[at] == b'\\' { 2 } else { 1 };
                }
            }
            b'{' | b'[' | b'(' => {
                depth += 1;
                deepest = deepest.max(depth);
                if deepest > MAX_NESTING {
                    return deepest;
                }
            }
            b'}' | b']' | b')' => depth = depth.saturating_sub(1),
            _ => {}
        }
        at += 1;
    }
    deepest
}

/// How deeply a value nests (lists and objects), walked without recursion; counting stops past
/// [`MAX_NESTING`].
fn value_nesting(value: &async_graphql::Value) -> usize {
    let mut deepest = 0;
    let mut pending = vec![(value, 1usize)];
    while let Some((value, depth)) = pending.pop() {
        deepest = deepest.max(depth);
        if deepest > MAX_NESTING {
            break;
        }
        match value {
            async_graphql::Value::List(items) => pending.extend(items.iter().map(|item| (item, depth + 1))),
            async_graphql::Value::Object(fields) => pending.extend(fields.values().map(|item| (item, depth + 1))),
            _ => {}
        }
    }
    deepest
}

/// Refuses GraphQL text that nests deeper than [`MAX_NESTING`], before anything parses it.
pub fn check_text(text: &str) -> Result<(), AppError> {
    if text_nesting(text) > MAX_NESTING {
        return Err(AppError::limit(
            "nesting",
            MAX_NESTING,
            format!("the query's brackets nest more than {MAX_NESTING} levels deep"),
        ));
    }
    Ok(())
}

/// Refuses variables that nest deeper than [`MAX_NESTING`].
pub fn check_variables(variables: &async_graphql::Variables) -> Result<(), AppError> {
    let deepest = variables.iter().map(|(_, value)| value_nesting(value)).max().unwrap_or(0);
    if deepest > MAX_NESTING {
        return Err(AppError::limit(
            "nesting",
            MAX_NESTING,
            format!("a variable's value nests more than {MAX_NESTING} levels deep"),
        ));
    }
    Ok(())
}

/// Counts `set`, each fragment counted once however often it is spread (`known` keeps the
/// counts; a fragment on the current path counts as empty, as validation refuses cycles).
fn shape_of<'a>(
    set: &'a SelectionSet,
    document: &'a ExecutableDocument,
    known: &mut HashMap<&'a str, Option<Shape>>,
    level: usize,
) -> Shape {
    let mut shape = Shape { nesting: level, ..Shape::default() };
    if level > MAX_NESTING {
        return shape;
    }
    let add = |shape: &mut Shape, inner: Shape| {
        shape.fields = shape.fields.saturating_add(inner.fields);
        shape.aliases = shape.aliases.saturating_add(inner.aliases);
        shape.nesting = shape.nesting.max(inner.nesting);
        shape.introspects |= inner.introspects;
    };
    for item in &set.items {
        match &item.node {
            Selection::Field(field) => {
                let inner = shape_of(&field.node.selection_set.node, document, known, level + 1);
                let name = field.node.name.node.as_str();
                let own = Shape {
                    fields: 1,
                    aliases: usize::from(field.node.alias.is_some()),
                    nesting: level,
                    introspects: name == "__schema" || name == "__type",
                };
                add(&mut shape, own);
                add(&mut shape, inner);
            }
            Selection::InlineFragment(fragment) => {
                add(&mut shape, shape_of(&fragment.node.selection_set.node, document, known, level + 1));
            }
            Selection::FragmentSpread(spread) => {
                let name = spread.node.fragment_name.node.as_str();
                // Kept with its nesting relative to the spread, walked at its real level so
                // that a long chain of fragments stops at MAX_NESTING too.
                let relative = match known.get(name) {
                    Some(Some(counted)) => *counted,
                    Some(None) => Shape::default(),
                    None => match document.fragments.get(name) {
                        Some(definition) => {
                            known.insert(name, None);
                            let walked = shape_of(&definition.node.selection_set.node, document, known, level + 1);
                            let counted = Shape { nesting: walked.nesting.saturating_sub(level + 1), ..walked };
                            known.insert(name, Some(counted));
                            counted
                        }
                        None => Shape::default(),
                    },
                };
                let counted = Shape { nesting: level + 1 + relative.nesting, ..relative };
                add(&mut shape, counted);
            }
        }
    }
    shape
}

/// Refuses a request whose document selects too many fields or aliases, nests fragments too
/// deeply to walk, or asks for introspection where it is off; says whether it runs a query.
/// Runs before the engine sees the request: the engine's own first check follows every
/// fragment spread without remembering any, and so takes exponential time on a fragment bomb.
/// A document that does not parse passes, for the engine to report.
pub fn check(request: &mut async_graphql::Request, limits: &Limits, introspection: bool) -> Result<Checked, AppError> {
    check_text(&request.query)?;
    check_variables(&request.variables)?;
    let name = request.operation_name.clone();
    let Ok(document) = request.parsed_query() else { return Ok(Checked::default()) };
    let mut known = HashMap::new();
    let mut total = Shape::default();
    for (_, operation) in document.operations.iter() {
        let shape = shape_of(&operation.node.selection_set.node, document, &mut known, 1);
        // Each variable definition is validated (and can be reported) like a field.
        let definitions = operation.node.variable_definitions.len();
        total.fields = total.fields.saturating_add(shape.fields).saturating_add(definitions);
        total.aliases = total.aliases.saturating_add(shape.aliases);
        total.nesting = total.nesting.max(shape.nesting);
        total.introspects |= shape.introspects;
    }
    // The engine would answer null; a refusal says why.
    if total.introspects && !introspection {
        return Err(AppError::limit("introspection", 0, "introspection is switched off on this server"));
    }
    if total.nesting > MAX_NESTING {
        return Err(AppError::limit(
            "nesting",
            MAX_NESTING,
            format!("the query's selections and fragment spreads nest more than {MAX_NESTING} levels deep"),
        ));
    }
    for (limit, count, max) in
        [("fields", total.fields, limits.max_fields), ("aliases", total.aliases, limits.max_aliases)]
    {
        if count > max {
            let message = if limit == "fields" {
                format!(
                    "the query has {count} field selections and variable definitions, fragments expanded; the most is {max}"
                )
            } else {
                format!("the query has {count} {limit}, fragments expanded; the most is {max}")
            };
            return Err(AppError::limit(limit, max, message));
        }
    }
    let operation = match name.as_deref() {
        Some(name) => document.operations.iter().find(|(n, _)| n.map(|n| n.as_str()) == Some(name)),
        None => document.operations.iter().next(),
    };
    let kind = operation.map(|(_, op)| op.node.ty);
    Ok(Checked { query: kind == Some(OperationType::Query), subscription: kind == Some(OperationType::Subscription) })
}

/// The engine checks depth and complexity during validation (it alone knows each field's
/// cost) and reports them without a code: this is the coded refusal for such an error.
pub fn engine_refusal(error: &ServerError, limits: &Limits) -> Option<AppError> {
    match error.message.as_str() {
        "Query is nested too deep." => Some(AppError::limit(
            "depth",
            limits.max_depth,
            format!("the query nests more than {} fields deep", limits.max_depth),
        )),
        "Query is too complex." => Some(AppError::limit(
            "complexity",
            limits.max_complexity,
            format!(
                "the query would cost more than {} (a page costs its fields times its size: ask for fewer items or fields)",
                limits.max_complexity
            ),
        )),
        _ => None,
    }
}

/// Requests a minute per token and per client address, as GCRA buckets that hold half the
/// minute's allowance for bursts (a notebook's loop of quick queries passes; a flood does not).
pub struct RateLimits {
    anonymous: Option<DefaultKeyedRateLimiter<IpAddr>>,
    tokens: Option<DefaultKeyedRateLimiter<String>>,
    clock: DefaultClock,
}

/// A bucket for `per_minute` requests a minute, or none for 0.
fn bucket<K: std::hash::Hash + Eq + Clone>(per_minute: u32) -> Option<DefaultKeyedRateLimiter<K>> {
    let rate = NonZeroU32::new(per_minute)?;
    let burst = NonZeroU32::new((per_minute / 2).max(1)).unwrap_or(NonZeroU32::MIN);
    Some(governor::RateLimiter::keyed(Quota::per_minute(rate).allow_burst(burst)))
}

/// The key of a client address: IPv6 clients are counted by their /64, the block one
/// subscriber usually holds, so that walking through its addresses gains nothing.
fn address_key(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V6(v6) if v6.to_ipv4_mapped().is_none() => {
            let bits = u128::from(v6) & !((1u128 << 64) - 1);
            IpAddr::V6(bits.into())
        }
        IpAddr::V6(v6) => IpAddr::V4(v6.to_ipv4_mapped().unwrap_or(std::net::Ipv4Addr::UNSPECIFIED)),
        v4 => v4,
    }
}

impl RateLimits {
    /// The buckets `limits` asks for.
    pub fn new(limits: &Limits) -> Self {
        RateLimits {
            anonymous: bucket(limits.anonymous_per_minute),
            tokens: bucket(limits.token_per_minute),
            clock: DefaultClock::default(),
        }
    }

    /// Takes `cost` requests from the bucket of `address`; RATE_LIMITED when it holds too few.
    pub fn charge_address(&self, address: IpAddr, cost: u32) -> Result<(), AppError> {
        match &self.anonymous {
            Some(limiter) => self.charge(limiter, &address_key(address), cost),
            None => Ok(()),
        }
    }

    /// Takes `cost` requests from the bucket of the token named `token`.
    pub fn charge_token(&self, token: &str, cost: u32) -> Result<(), AppError> {
        match &self.tokens {
            Some(limiter) => self.charge(limiter, &token.to_owned(), cost),
            None => Ok(()),
        }
    }

    fn charge<K: std::hash::Hash + Eq + Clone>(
        &self,
        limiter: &DefaultKeyedRateLimiter<K>,
        key: &K,
        cost: u32,
    ) -> Result<(), AppError> {
        let Some(cost) = NonZeroU32::new(cost) else { return Ok(()) };
        match limiter.check_key_n(key, cost) {
            Ok(Ok(())) => Ok(()),
            Ok(Err(not_until)) => Err(AppError::RateLimited {
                retry_after: not_until.wait_time_from(self.clock.now()).as_secs_f64().ceil().max(1.0) as u64,
            }),
            // More than a burst at once can never pass; waiting a minute is the honest answer.
            Err(_) => Err(AppError::RateLimited { retry_after: 60 }),
        }
    }

    /// Forgets the buckets that are full again, so that the memory they take stays bounded
    /// by the clients of the last few seconds.
    pub fn forget_idle(&self) {
        if let Some(limiter) = &self.anonymous {
            limiter.retain_recent();
        }
        if let Some(limiter) = &self.tokens {
            limiter.retain_recent();
        }
    }
}

/// The WebSocket connections open from each client address.
#[derive(Default)]
pub struct OpenSockets {
    open: Mutex<HashMap<IpAddr, usize>>,
}

/// One open connection, counted until it is dropped.
pub struct SocketSlot {
    sockets: std::sync::Arc<OpenSockets>,
    key: IpAddr,
}

impl OpenSockets {
    /// A slot for a new connection from `address`, unless it has `max` open already.
    pub fn open(sockets: &std::sync::Arc<OpenSockets>, address: IpAddr, max: usize) -> Result<SocketSlot, AppError> {
        let key = address_key(address);
        let mut open = sockets.open.lock().map_err(|_| AppError::internal("socket count poisoned"))?;
        let count = open.entry(key).or_insert(0);
        if *count >= max {
            return Err(AppError::limit(
                "sockets",
                max,
                format!("this client has {max} WebSocket connections open, the most it may; close one first"),
            ));
        }
        *count += 1;
        Ok(SocketSlot { sockets: sockets.clone(), key })
    }
}

impl Drop for SocketSlot {
    fn drop(&mut self) {
        if let Ok(mut open) = self.sockets.open.lock()
            && let Some(count) = open.get_mut(&self.key)
        {
            *count -= 1;
            if *count == 0 {
                open.remove(&self.key);
            }
        }
    }
}

/// The subscriptions open on one WebSocket connection, as its messages show them: a client's
/// `subscribe` (or the older protocol's `start`) opens one, its `complete` (`stop`) or the
/// server's `complete` or `error` ends it.
pub struct OpenSubscriptions {
    open: Mutex<std::collections::HashSet<String>>,
    max: usize,
}

/// What to do with a client's message.
#[derive(Debug, PartialEq, Eq)]
pub enum Admission {
    /// Pass it on.
    Pass,
    /// Refuse the subscription with this id: the connection has its most open.
    Refuse(String),
}

/// The `type` and `id` of a protocol message.
fn kind_and_id(text: &[u8]) -> Option<(String, Option<String>)> {
    #[derive(serde::Deserialize)]
    struct Message {
        #[serde(rename = "type")]
        kind: String,
        id: Option<String>,
    }
    serde_json::from_slice::<Message>(text).ok().map(|m| (m.kind, m.id))
}

impl OpenSubscriptions {
    /// None open, at most `max`.
    pub fn new(max: usize) -> Self {
        OpenSubscriptions { open: Mutex::new(Default::default()), max }
    }

    /// Counts a message from the client.
    pub fn from_client(&self, message: &[u8]) -> Admission {
        let Some((kind, Some(id))) = kind_and_id(message) else { return Admission::Pass };
        let Ok(mut open) = self.open.lock() else { return Admission::Pass };
        match kind.as_str() {
            "subscribe" | "start" if !open.contains(&id) => {
                if open.len() >= self.max {
                    return Admission::Refuse(id);
                }
                open.insert(id);
            }
            "complete" | "stop" => {
                open.remove(&id);
            }
            _ => {}
        }
        Admission::Pass
    }

    /// Counts a message to the client: the server ended a subscription.
    pub fn from_server(&self, message: &str) {
        // Events are the bulk of the traffic and never end anything; only the short messages
        // that do are read.
        if !(message.starts_with(r#"{"type":"complete""#) || message.starts_with(r#"{"type":"error""#)) {
            return;
        }
        if let Some((_, Some(id))) = kind_and_id(message.as_bytes())
            && let Ok(mut open) = self.open.lock()
        {
            open.remove(&id);
        }
    }

    /// The refusal of subscription `id`, in the connection's protocol (`legacy`: the older
    /// subscriptions-transport-ws, whose error payload is one object).
    pub fn refusal(&self, id: &str, legacy: bool) -> String {
        let message =
            format!("this connection has {} subscriptions open, the most it may; complete one first", self.max);
        let error = serde_json::json!({
            "message": message,
            "extensions": { "code": "LIMIT_EXCEEDED", "limit": "subscriptions", "max": self.max },
        });
        let payload = if legacy { error } else { serde_json::json!([error]) };
        serde_json::json!({ "type": "error", "id": id, "payload": payload }).to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_connection_holds_at_most_its_subscriptions() {
        let open = OpenSubscriptions::new(2);
        let subscribe =
            |id: &str| format!(r#"{{"id":"{id}","type":"subscribe","payload":{{"query":"subscription {{ x }}"}}}}"#);
        assert_eq!(open.from_client(subscribe("1").as_bytes()), Admission::Pass);
        assert_eq!(open.from_client(subscribe("2").as_bytes()), Admission::Pass);
        assert_eq!(open.from_client(subscribe("3").as_bytes()), Admission::Refuse("3".into()));
        assert_eq!(open.from_client(br#"{"id":"1","type":"complete"}"#), Admission::Pass);
        assert_eq!(open.from_client(subscribe("3").as_bytes()), Admission::Pass);
        open.from_server(r#"{"type":"complete","id":"2"}"#);
        assert_eq!(open.from_client(subscribe("4").as_bytes()), Admission::Pass);
        assert_eq!(open.from_client(subscribe("5").as_bytes()), Admission::Refuse("5".into()));
        assert_eq!(open.from_client(br#"{"type":"ping"}"#), Admission::Pass);
        assert!(open.refusal("5", false).contains("LIMIT_EXCEEDED"));
    }

    #[test]
    fn a_page_costs_its_size_times_its_fields() {
        assert_eq!(page_cost(Some(100), None, 5), 501);
        assert_eq!(page_cost(None, None, 5), 101);
        assert_eq!(page_cost(None, Some(3), 5), 16);
        assert_eq!(page_cost(Some(100_000), None, 5), 501, "sizes past the largest page cost the largest page");
        assert_eq!(page_cost(Some(0), None, 5), 6);
        assert_eq!(page_cost(Some(100), None, usize::MAX), usize::MAX, "costs saturate, never overflow");
        assert_eq!(list_cost(usize::MAX), usize::MAX);
    }

    #[test]
    fn ipv6_clients_are_counted_by_their_64_block() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:bbbb::9".parse().unwrap();
        let c: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(address_key(a), address_key(b));
        assert_ne!(address_key(a), address_key(c));
        let mapped: IpAddr = "::ffff:192.0.2.7".parse().unwrap();
        assert_eq!(address_key(mapped), "192.0.2.7".parse::<IpAddr>().unwrap());
    }

    #[test]
    fn a_bucket_refuses_past_its_burst_and_says_when_to_retry() {
        let limits = RateLimits::new(&Limits { anonymous_per_minute: 60, ..Limits::default() });
        let address: IpAddr = "192.0.2.1".parse().unwrap();
        for _ in 0..30 {
            assert!(limits.charge_address(address, 1).is_ok());
        }
        match limits.charge_address(address, 1) {
            Err(AppError::RateLimited { retry_after }) => assert!((1..=2).contains(&retry_after), "{retry_after}"),
            other => panic!("expected RATE_LIMITED, got {other:?}"),
        }
        assert!(limits.charge_address("192.0.2.2".parse().unwrap(), 1).is_ok(), "another client has its own bucket");
    }
}
