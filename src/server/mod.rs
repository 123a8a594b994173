//! The HTTP server: GraphQL at `/graphql`, subscriptions over WebSocket at `/graphql/ws`,
//! GraphiQL at `/`, `/healthz`, `/readyz` and `/metrics`, iCalendar feeds at
//! `/calendar/tasks.ics` and `/calendar/conferences.ics`, and GraphiQL's assets from a local
//! folder when configured. On shutdown it stops accepting, closes subscriptions and lets the
//! requests in flight finish.
//!
//! Here: the application state, GraphQL over HTTP, the health, readiness and metrics endpoints
//! and the routes; `socket` runs operations over WebSocket, `feeds` the calendars, `cors` the
//! rule for requests from browser pages.

use crate::auth::{self, Identity};
use crate::config::ServerConfig;
use crate::error::{AppError, AppResult};
use crate::graphiql::{self, AssetSource};
use crate::graphql::{
    AppSchema, RequestState, SchemaOptions, WriteMark, build_schema_with, code_engine_errors, prepare,
};
use crate::limits::{self, OpenSockets, RateLimits};
use crate::live::ChangeHub;
use crate::metrics::Metrics;
use crate::protocol::{self, MediaType, refusal};
use async_graphql::{BatchRequest, BatchResponse};
use poem::endpoint::StaticFilesEndpoint;
use poem::http::{StatusCode, header};
use poem::listener::{Acceptor, Listener, TcpListener};
use poem::middleware::CatchPanic;
use poem::web::{Data, Html, Path};
use poem::{EndpointExt, IntoResponse, Response, Route, Server, get, handler};
use sea_orm::DatabaseConnection;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use tokio::sync::watch;

mod app;
mod cors;
mod feeds;
mod socket;

use cors::cross_site;
use feeds::{conference_calendar, task_calendar};
use socket::subscriptions;

struct App {
    schema: AppSchema,
    restrict_reads: bool,
    state: RequestState,
    graphiql_page: Option<String>,
    /// Turns true when the server starts shutting down.
    stopping: watch::Receiver<bool>,
    /// Counts the open WebSocket connections; shutdown waits for them to close.
    sockets: Arc<()>,
    /// How often a subscription connection's token is checked again.
    token_recheck: std::time::Duration,
    /// The schema's options, the limits among them.
    options: SchemaOptions,
    rates: RateLimits,
    /// The WebSocket connections open from each client address.
    open_sockets: Arc<OpenSockets>,
    trust_forwarded_for: bool,
    /// The open HTTP connections, watched for clients that go before their answer.
    peers: crate::connection::Peers,
}

impl App {
    /// The caller of an `Authorization` value, or UNAUTHENTICATED: bad credentials are refused
    /// outright, so that no answer depends on what they would reach, and no credentials at all
    /// while reads need a token. Each admission takes `cost` requests from the caller's
    /// allowance (its token's, else its address's; bad credentials count against the address).
    async fn admit(&self, authorization: Option<&str>, client: Option<IpAddr>, cost: u32) -> AppResult<Identity> {
        let charge_address = |cost| match client {
            Some(address) => self.rates.charge_address(address, cost),
            None => Ok(()),
        };
        if authorization.is_none() {
            charge_address(cost)?;
        }
        match auth::identify(&self.state.db, authorization).await? {
            Identity::Invalid => {
                charge_address(1)?;
                Err(AppError::Unauthenticated)
            }
            Identity::Anonymous if self.restrict_reads => Err(AppError::Unauthenticated),
            identity @ Identity::Token { .. } => {
                if let Identity::Token { name, .. } = &identity {
                    self.rates.charge_token(name, cost)?;
                }
                Ok(identity)
            }
            identity => Ok(identity),
        }
    }

    /// Takes `cost` more requests from the allowance of an admitted caller: its token's, else
    /// its address's.
    fn charge(&self, identity: &Identity, client: Option<IpAddr>, cost: u32) -> AppResult<()> {
        match (identity, client) {
            (Identity::Token { name, .. }, _) => self.rates.charge_token(name, cost),
            (_, Some(address)) => self.rates.charge_address(address, cost),
            (_, None) => Ok(()),
        }
    }

    /// Who sent `request`: the connection's peer, or behind a trusted reverse proxy the
    /// address it appended to `X-Forwarded-For`.
    fn client(&self, request: &poem::Request) -> Option<IpAddr> {
        if self.trust_forwarded_for
            && let Some(forwarded) = request.headers().get("x-forwarded-for").and_then(|v| v.to_str().ok())
            && let Some(last) = forwarded.rsplit(',').next()
            && let Ok(address) = last.trim().parse::<IpAddr>()
        {
            return Some(address);
        }
        request.remote_addr().as_socket_addr().map(|a| a.ip())
    }
}

/// GraphQL over HTTP: reads the request (protocol::read), admits the caller, runs each
/// operation, and answers in the media type the client accepts.
#[handler]
async fn graphql(Data(app): Data<&Arc<App>>, request: &poem::Request, body: poem::Body) -> Response {
    let started = std::time::Instant::now();
    let media = MediaType::negotiate(request.headers().get(header::ACCEPT).and_then(|v| v.to_str().ok()));
    // The caller is admitted before its body is read: nobody makes the server read (up to
    // 64 MiB of an upload) on behalf of credentials it would refuse.
    let authorization = request.headers().get(header::AUTHORIZATION).map(|v| v.to_str().unwrap_or(""));
    let client = app.client(request);
    let admitted = app.admit(authorization, client, 1).await.and_then(|identity| {
        // Only importDataset takes a file, and only an ADMIN may call it. (Without credentials
        // a multipart body is what a cross-site form sends: protocol::read refuses it with 415.)
        if protocol::is_upload(request) && authorization.is_some() {
            identity.require(auth::Role::Admin)?;
        }
        Ok(identity)
    });
    // One refusal for the whole request, a batch included.
    let refuse = |err| {
        let refused = refusal(err);
        log_request(app, "-", &refused, started);
        protocol::respond(media, &BatchResponse::Single(refused))
    };
    let identity = match admitted {
        Ok(identity) => identity,
        Err(err) => return refuse(err),
    };
    let batch = match protocol::read(request, body, &app.options.limits).await {
        Ok(batch) => batch,
        Err(err) => {
            log_request(app, "-", &refusal(err.clone()), started);
            return protocol::refuse(media, err);
        }
    };
    // Each further operation of a batch counts as a request of its own.
    if let BatchRequest::Batch(items) = &batch
        && let Err(err) = app.charge(&identity, client, items.len().saturating_sub(1) as u32)
    {
        return refuse(err);
    }
    let peer = request.remote_addr().as_socket_addr().copied();
    let answered = match batch {
        BatchRequest::Single(one) => BatchResponse::Single(answer(app, &identity, one, started, peer).await),
        BatchRequest::Batch(many) => {
            let mut answers = Vec::with_capacity(many.len());
            for one in many {
                answers.push(answer(app, &identity, one, started, peer).await);
            }
            BatchResponse::Batch(answers)
        }
    };
    protocol::respond(media, &answered)
}

/// One line a request: what was asked, how it ended, how long it took; never a credential. A
/// request refused before execution is counted under "-": its operation name is the client's
/// text, which no document has vouched for.
fn log_request(app: &App, operation: &str, response: &async_graphql::Response, started: std::time::Instant) {
    let outcome = protocol::first_code(response).unwrap_or("ok");
    let elapsed = started.elapsed();
    let label = if protocol::is_request_error(response) { "-" } else { operation };
    app.state.metrics.request(label, outcome, elapsed);
    let duration_ms = elapsed.as_secs_f64() * 1000.0;
    // Escaped: the name is the client's text, and a line break in it would forge a log line.
    tracing::info!(operation = %operation.escape_debug(), outcome = %outcome, duration_ms, "graphql request");
}

impl App {
    /// Runs one operation for a caller the web app admitted, under the same limits, rules and
    /// logging as one sent to `/graphql`.
    async fn execute(&self, identity: &Identity, request: async_graphql::Request) -> async_graphql::Response {
        answer(self, identity, request, std::time::Instant::now(), None).await
    }
}

/// Runs one operation for an admitted caller, whose connection comes from `peer` when it is an
/// HTTP one.
async fn answer(
    app: &App,
    identity: &Identity,
    mut request: async_graphql::Request,
    started: std::time::Instant,
    peer: Option<SocketAddr>,
) -> async_graphql::Response {
    match limits::check(&mut request, &app.options.limits, app.options.introspection) {
        Ok(checked) => run(app, identity, request, checked, started, peer).await,
        Err(refused) => {
            let response = refusal(refused);
            log_request(app, request.operation_name.as_deref().unwrap_or("-"), &response, started);
            response
        }
    }
}

/// Runs a query or mutation that passed the limits, the time limit around a query. A query
/// whose HTTP client (from `peer`) closes its connection stops there: its statements not yet
/// sent are never sent, and its place among the heavy answers goes to the next.
async fn run(
    app: &App,
    identity: &Identity,
    mut request: async_graphql::Request,
    checked: limits::Checked,
    started: std::time::Instant,
    peer: Option<SocketAddr>,
) -> async_graphql::Response {
    let operation = request.operation_name.clone().unwrap_or_else(|| "-".to_owned());
    let document = selection_document(&mut request);
    let mark = WriteMark::default();
    let (request, batches) = prepare(request.data(mark.clone()), &app.state, identity.clone());
    let run = batches.drive(app.schema.execute(request));
    // Only queries are stopped: a mutation cut off between its commit and its answer would
    // leave its client unsure whether it happened.
    let mut response = if checked.query {
        let limit = app.options.limits.time_limit;
        tokio::select! {
            answered = tokio::time::timeout(limit, run) => {
                answered.unwrap_or_else(|_| refusal(AppError::TimedOut { after: limit }))
            }
            () = app.peers.gone(peer.as_ref()) => refusal(AppError::ClientGone),
        }
    } else {
        run.await
    };
    // A query's answer is bounded in bytes too; a mutation's is sent whatever its size, as it
    // may have committed.
    let max_bytes = app.options.limits.max_answer_bytes;
    if checked.query && !limits::fits(&response, max_bytes) {
        response = refusal(limits::too_large_answer(max_bytes));
    }
    if let Some(document) = &document {
        in_selection_order(&mut response, document);
    }
    code_engine_errors(&mut response, &app.options.limits);
    if mark.is_set() {
        app.state.live.written();
    }
    log_request(app, &operation, &response, started);
    response
}

/// A request's document and operation name, kept to put the answer in order: the engine takes
/// the parsed document when it runs the request.
type SelectionDocument = (async_graphql::parser::types::ExecutableDocument, Option<String>);

fn selection_document(request: &mut async_graphql::Request) -> Option<SelectionDocument> {
    let name = request.operation_name.clone();
    request.parsed_query().ok().cloned().map(|document| (document, name))
}

/// Puts the answer's fields in the order of the operation's selection set.
fn in_selection_order(response: &mut async_graphql::Response, (document, name): &SelectionDocument) {
    if let Some(selection) = crate::graphql::order::operation_selection(document, name.as_deref()) {
        crate::graphql::order::in_selection_order(&mut response.data, selection, document);
    }
}

#[handler]
fn metrics_text(Data(app): Data<&Arc<App>>) -> Response {
    Response::builder()
        .content_type("application/openmetrics-text; version=1.0.0; charset=utf-8")
        .body(app.state.metrics.render())
}

#[handler]
fn graphiql_page(Data(app): Data<&Arc<App>>) -> Response {
    match &app.graphiql_page {
        Some(page) => Html(page.clone()).into_response(),
        None => Response::builder()
            .status(StatusCode::NOT_FOUND)
            .content_type("text/plain; charset=utf-8")
            .body("GraphiQL is switched off on this server; send queries to /graphql"),
    }
}

/// One of GraphiQL's files in the binary. Their URLs carry the package's version, so a
/// browser keeps them as long as it likes.
#[handler]
fn graphiql_file(Data(app): Data<&Arc<App>>, Path(path): Path<String>) -> Response {
    match graphiql::bundled(&path).filter(|_| app.graphiql_page.is_some()) {
        Some((kind, bytes)) => Response::builder()
            .content_type(kind)
            .header("Cache-Control", "public, max-age=31536000, immutable")
            .body(bytes),
        None => StatusCode::NOT_FOUND.into(),
    }
}

#[handler]
fn healthz() -> &'static str {
    "ok"
}

/// Ready when the database answers and its schema is current (a load balancer sends traffic
/// only then); 503 with the reason otherwise.
#[handler]
async fn readyz(Data(app): Data<&Arc<App>>) -> Response {
    let unavailable = |reason: String| {
        Response::builder()
            .status(StatusCode::SERVICE_UNAVAILABLE)
            .content_type("text/plain; charset=utf-8")
            .body(reason)
    };
    match crate::database::pending_migrations(&app.state.db).await {
        Ok(0) => Response::builder().content_type("text/plain; charset=utf-8").body("ready"),
        Ok(n) => unavailable(format!("{n} migrations are pending: run govtrail migrate")),
        Err(err) => {
            tracing::warn!(%err, "readiness check: the database does not answer");
            unavailable("the database does not answer".to_owned())
        }
    }
}

/// Binds the listener and returns the address bound (useful with port 0) and the future that
/// serves until `shutdown` resolves.
pub async fn bind<S>(
    config: &ServerConfig,
    db: DatabaseConnection,
    shutdown: S,
) -> std::io::Result<(SocketAddr, impl Future<Output = std::io::Result<()>> + use<S>)>
where
    S: Future<Output = ()> + Send + 'static,
{
    let assets = if config.graphiql_assets.is_some() { AssetSource::Local } else { graphiql::default_source() };
    let (stop, stopping) = watch::channel(false);
    let live = ChangeHub::start(crate::database::own_connection(&db), config.change_poll, stopping.clone())
        .await
        .map_err(|err| std::io::Error::other(err.detail()))?;
    let ranked = crate::store::ranked::Ranked::new().map_err(|err| std::io::Error::other(err.detail()))?;
    tokio::spawn(ranked.clone().run(crate::database::own_connection(&db), stopping.clone()));
    let metrics = Metrics::new(db.clone(), ranked.clone());
    let sockets = Arc::new(());
    let options = SchemaOptions {
        limits: Arc::new(config.limits.clone()),
        suggestions: config.suggestions,
        introspection: config.introspection,
    };
    let app = Arc::new(App {
        schema: build_schema_with(&options),
        restrict_reads: config.restrict_reads,
        state: RequestState {
            db,
            clock: config.clock,
            batch_window: config.batch_window,
            live,
            metrics,
            max_nodes: config.limits.max_nodes,
            heavy: Arc::new(tokio::sync::Semaphore::new(config.limits.max_heavy.max(1))),
            planned_reads: config.planned_reads,
            ranked,
        },
        graphiql_page: config.graphiql.then(|| graphiql::page("/graphql", assets)),
        stopping: stopping.clone(),
        sockets: sockets.clone(),
        token_recheck: config.token_recheck,
        rates: RateLimits::new(&options.limits),
        open_sockets: Arc::default(),
        options,
        trust_forwarded_for: config.trust_forwarded_for,
        peers: crate::connection::Peers::default(),
    });
    let forgetting = app.clone();
    let mut forget_until = stopping.clone();
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(30));
        // The task tally's changes, folded in every few minutes (imports fold their own).
        let fold_period = std::time::Duration::from_secs(300);
        let mut fold = tokio::time::interval_at(tokio::time::Instant::now() + fold_period, fold_period);
        let mut trim = tokio::time::interval(std::time::Duration::from_secs(5));
        loop {
            let (full, folding) = tokio::select! {
                _ = fold.tick() => (false, true),
                _ = every.tick() => (true, false),
                _ = trim.tick() => (false, false),
                _ = forget_until.wait_for(|stop| *stop) => break,
            };
            if folding {
                if let Err(err) = crate::store::stats::fold_task_tally_now(&forgetting.state.db).await {
                    tracing::warn!(err = %err.detail(), "the task tally's changes were not folded in");
                }
                continue;
            }
            if full {
                forgetting.rates.forget_idle();
                crate::database::close_idle_connections(&forgetting.state.db).await;
            }
            limits::give_back_memory(full);
        }
    });
    let mut routes = Route::new()
        .at("/", get(graphiql_page))
        .at(format!("{}/*path", graphiql::BUNDLE_PREFIX), get(graphiql_file))
        .at("/graphql", get(graphql).post(graphql))
        .at("/graphql/ws", get(subscriptions))
        .at("/healthz", get(healthz))
        .at("/readyz", get(readyz))
        .at("/metrics", get(metrics_text))
        .at("/calendar/tasks.ics", get(task_calendar))
        .at("/calendar/conferences.ics", get(conference_calendar))
        .nest("/app", app::routes());
    if let Some(folder) = &config.graphiql_assets {
        routes = routes.nest(graphiql::LOCAL_PREFIX, StaticFilesEndpoint::new(folder));
    }
    let acceptor = crate::connection::HeaderDeadline {
        inner: TcpListener::bind(config.listen).into_acceptor().await?,
        header_time: config.limits.header_time,
        idle_time: config.limits.idle_time,
        peers: app.peers.clone(),
    };
    let address = acceptor
        .local_addr()
        .first()
        .and_then(|a| a.as_socket_addr().copied())
        .ok_or_else(|| std::io::Error::other("the listener has no socket address"))?;
    let origins = Arc::new(config.cors_origins.clone());
    let hosts = Arc::new((address, config.allowed_hosts.clone()));
    let endpoint = routes
        .data(app)
        .around(move |endpoint, request| cross_site(endpoint, request, origins.clone(), hosts.clone()))
        .with(CatchPanic::new());
    let timeout = config.shutdown_timeout;
    let signal = async move {
        shutdown.await;
        tracing::info!("shutting down: no new connections; closing subscriptions, finishing requests");
        let _ = stop.send(true);
    };
    let serve = async move {
        let served =
            Server::new_with_acceptor(acceptor).run_with_graceful_shutdown(endpoint, signal, Some(timeout)).await;
        // Upgraded connections outlive the HTTP server's own count; give them the same bound
        // to send their close frames.
        let deadline = tokio::time::Instant::now() + timeout;
        while Arc::strong_count(&sockets) > 1 && tokio::time::Instant::now() < deadline {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        served
    };
    Ok((address, serve))
}
