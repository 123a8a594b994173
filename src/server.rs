//! The HTTP server: GraphQL at `/graphql`, subscriptions over WebSocket at `/graphql/ws`,
//! GraphiQL at `/`, `/healthz`, `/readyz` and `/metrics`, iCalendar feeds at
//! `/calendar/tasks.ics` and `/calendar/conferences.ics`, and GraphiQL's assets from a local
//! folder when configured. On shutdown it stops accepting, closes subscriptions and lets the
//! requests in flight finish.

use crate::auth::{self, Identity};
use crate::calendar;
use crate::config::ServerConfig;
use crate::error::{AppError, AppResult};
use crate::graphiql::{self, AssetSource};
use crate::graphql::ids::{NodeType, decode, decode_as};
use crate::graphql::{
    AppSchema, RequestState, SchemaOptions, WriteMark, build_schema_with, code_engine_errors, prepare,
};
use crate::limits::{self, Admission, OpenSockets, OpenSubscriptions, RateLimits};
use crate::live::ChangeHub;
use crate::metrics::Metrics;
use crate::protocol::{self, MediaType, refusal};
use crate::store::filters::Assignee;
use async_graphql::http::{ALL_WEBSOCKET_PROTOCOLS, WsMessage};
use async_graphql::{BatchRequest, BatchResponse};
use async_graphql_poem::GraphQLProtocol;
use futures::{SinkExt, StreamExt};
use poem::endpoint::StaticFilesEndpoint;
use poem::http::{HeaderMap, StatusCode, header};
use poem::listener::{Acceptor, Listener, TcpListener};
use poem::middleware::CatchPanic;
use poem::web::websocket::{Message, WebSocket};
use poem::web::{Data, Html, Query};
use poem::{EndpointExt, IntoResponse, Response, Route, Server, get, handler};
use sea_orm::DatabaseConnection;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use tokio::sync::watch;

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
    let answered = match batch {
        BatchRequest::Single(one) => BatchResponse::Single(answer(app, &identity, one, started).await),
        BatchRequest::Batch(many) => {
            let mut answers = Vec::with_capacity(many.len());
            for one in many {
                answers.push(answer(app, &identity, one, started).await);
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

/// Runs one operation for an admitted caller.
async fn answer(
    app: &App,
    identity: &Identity,
    mut request: async_graphql::Request,
    started: std::time::Instant,
) -> async_graphql::Response {
    match limits::check(&mut request, &app.options.limits, app.options.introspection) {
        Ok(checked) => run(app, identity, request, checked, started).await,
        Err(refused) => {
            let response = refusal(refused);
            log_request(app, request.operation_name.as_deref().unwrap_or("-"), &response, started);
            response
        }
    }
}

/// Runs a query or mutation that passed the limits, the time limit around a query.
async fn run(
    app: &App,
    identity: &Identity,
    mut request: async_graphql::Request,
    checked: limits::Checked,
    started: std::time::Instant,
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
        tokio::time::timeout(limit, run).await.unwrap_or_else(|_| refusal(AppError::TimedOut { after: limit }))
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

/// The schema as a WebSocket connection runs it: every operation passes the admission of an
/// HTTP request (the connection's token looked up again, so that a revoked one stops at once;
/// the rate charged; the limits; the time limit around a query), so a socket is no way around
/// them.
#[derive(Clone)]
struct SocketExecutor {
    app: Arc<App>,
    client: Option<IpAddr>,
    /// The credentials of the connection's `connection_init`.
    credentials: Arc<std::sync::Mutex<Option<String>>>,
}

impl SocketExecutor {
    async fn admit(&self) -> AppResult<Identity> {
        let authorization = self.credentials.lock().ok().and_then(|c| c.clone());
        self.app.admit(authorization.as_deref(), self.client, 1).await
    }
}

impl async_graphql::Executor for SocketExecutor {
    async fn execute(&self, request: async_graphql::Request) -> async_graphql::Response {
        let started = std::time::Instant::now();
        match self.admit().await {
            Ok(identity) => answer(&self.app, &identity, request, started).await,
            Err(refused) => {
                let response = refusal(refused);
                log_request(&self.app, "-", &response, started);
                response
            }
        }
    }

    fn execute_stream(
        &self,
        mut request: async_graphql::Request,
        _session_data: Option<Arc<async_graphql::Data>>,
    ) -> futures::stream::BoxStream<'static, async_graphql::Response> {
        let one = |response| futures::stream::once(std::future::ready(response)).boxed();
        let executor = self.clone();
        futures::stream::once(async move {
            let started = std::time::Instant::now();
            let app = &executor.app;
            let admitted = executor.admit().await.and_then(|identity| {
                limits::check(&mut request, &app.options.limits, app.options.introspection).map(|c| (identity, c))
            });
            let (identity, checked) = match admitted {
                Ok(admitted) => admitted,
                Err(refused) => {
                    let response = refusal(refused);
                    log_request(app, "-", &response, started);
                    return one(response);
                }
            };
            if !checked.subscription {
                return one(run(app, &identity, request, checked, started).await);
            }
            let document = selection_document(&mut request);
            let (request, batches) = prepare(request, &app.state, identity);
            let limits = app.options.limits.clone();
            batches
                .drive_stream(app.schema.execute_stream(request))
                .map(move |mut response| {
                    // Each event is an answer of its own, bounded as a query's is.
                    if !limits::fits(&response, limits.max_answer_bytes) {
                        response = refusal(limits::too_large_answer(limits.max_answer_bytes));
                    }
                    if let Some(document) = &document {
                        in_selection_order(&mut response, document);
                    }
                    code_engine_errors(&mut response, &limits);
                    response
                })
                .boxed()
        })
        .flatten()
        .boxed()
    }
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

/// Who opens a subscription connection: the `Authorization` (or `token`) of the
/// `connection_init` payload, as browsers cannot set headers on a WebSocket, else the upgrade
/// request's header; refused like a GraphQL request when the credentials are bad, or absent
/// while reads need a token.
async fn connection_identity(
    app: Arc<App>,
    header: Option<String>,
    client: Option<IpAddr>,
    credentials: Arc<std::sync::Mutex<Option<String>>>,
    payload: serde_json::Value,
) -> async_graphql::Result<async_graphql::Data> {
    let field = |name: &str| payload.get(name).and_then(serde_json::Value::as_str).map(str::to_owned);
    let authorization = field("Authorization")
        .or_else(|| field("authorization"))
        .or_else(|| field("token").map(|token| format!("Bearer {token}")))
        .or(header);
    let admitted = app.admit(authorization.as_deref(), client, 1).await;
    if let Ok(mut kept) = credentials.lock() {
        kept.clone_from(&authorization);
    }
    match admitted {
        Ok(identity) => {
            let mut data = async_graphql::Data::default();
            data.insert(identity);
            Ok(data)
        }
        Err(AppError::Unauthenticated) => Err(unauthenticated()),
        Err(other) => Err(other.into()),
    }
}

/// The refusal of a connection: the WebSocket closes with the code in its reason.
fn unauthenticated() -> async_graphql::Error {
    async_graphql::Error::new(format!("UNAUTHENTICATED: {}", AppError::Unauthenticated.message()))
}

/// Subscriptions over WebSocket (graphql-transport-ws, and the older graphql-ws).
#[handler]
fn subscriptions(
    Data(app): Data<&Arc<App>>,
    request: &poem::Request,
    headers: &HeaderMap,
    protocol: GraphQLProtocol,
    websocket: WebSocket,
) -> Response {
    let app = app.clone();
    let header = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let client = app.client(request);
    let slot = match client
        .map(|address| OpenSockets::open(&app.open_sockets, address, app.options.limits.max_sockets_per_client))
    {
        Some(Err(refused)) => {
            let media = MediaType::negotiate(headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()));
            let mut response = protocol::refuse(media, refused);
            response.set_status(StatusCode::TOO_MANY_REQUESTS);
            return response;
        }
        Some(Ok(slot)) => Some(slot),
        None => None,
    };
    websocket.protocols(ALL_WEBSOCKET_PROTOCOLS).on_upgrade(move |socket| async move {
        let _open = app.sockets.clone();
        let _slot = slot;
        let (mut sink, incoming) = socket.split();
        let mut stopping = app.stopping.clone();
        // When the server stops, the client's side ends as if it had hung up, which ends
        // every subscription of the connection.
        // A subscription past the connection's limit is answered here with an error and never
        // reaches the engine.
        let counted = Arc::new(OpenSubscriptions::new(app.options.limits.max_subscriptions));
        let legacy = protocol.0 == async_graphql::http::WebSocketProtocols::SubscriptionsTransportWS;
        let (refuse, mut refusals) = tokio::sync::mpsc::channel::<String>(64);
        let counting = counted.clone();
        let incoming = incoming
            .take_until(async move {
                let _ = stopping.wait_for(|stop| *stop).await;
            })
            .take_while(|message| std::future::ready(message.is_ok()))
            .filter_map(move |message| {
                let bytes = message.ok().filter(|m| m.is_text() || m.is_binary()).map(Message::into_bytes);
                std::future::ready(bytes.and_then(|bytes| match counting.from_client(&bytes) {
                    Admission::Pass => Some(bytes),
                    Admission::Refuse(id) => {
                        let _ = refuse.try_send(counting.refusal(&id, legacy));
                        None
                    }
                }))
            })
            .boxed();
        let init_app = app.clone();
        let credentials = Arc::new(std::sync::Mutex::new(None));
        let kept = credentials.clone();
        let executor = SocketExecutor { app: app.clone(), client, credentials: credentials.clone() };
        let mut outgoing = async_graphql::http::WebSocket::new(executor, incoming, protocol.0)
            .on_connection_init(move |payload| connection_identity(init_app, header, client, kept, payload));
        let mut closed = false;
        let mut recheck = tokio::time::interval_at(tokio::time::Instant::now() + app.token_recheck, app.token_recheck);
        // A connection that never initialises is closed, as the protocol says, with 4408.
        let init_wait = tokio::time::sleep(app.options.limits.connection_init_wait);
        tokio::pin!(init_wait);
        let mut acknowledged = false;
        loop {
            let message = tokio::select! {
                message = outgoing.next() => match message {
                    Some(message) => message,
                    None => break,
                },
                _ = &mut init_wait, if !acknowledged => {
                    WsMessage::Close(4408, "Connection initialisation timeout".to_owned())
                }
                Some(refused) = refusals.recv() => WsMessage::Text(refused),
                _ = recheck.tick() => {
                    // A token revoked while its connection is open stops reading at once, as it
                    // would over HTTP.
                    let authorization = credentials.lock().ok().and_then(|c| c.clone());
                    if authorization.is_none()
                        || !matches!(app.admit(authorization.as_deref(), None, 0).await, Err(AppError::Unauthenticated))
                    {
                        continue;
                    }
                    WsMessage::Close(4403, "UNAUTHENTICATED: the connection's token is no longer valid".to_owned())
                }
            };
            let message = match message {
                WsMessage::Text(text) => {
                    acknowledged |= text.starts_with(r#"{"type":"connection_ack""#);
                    counted.from_server(&text);
                    Message::text(text)
                }
                WsMessage::Close(code, reason) => {
                    closed = true;
                    // The protocol's code for a refused connection_init is 4403 Forbidden.
                    let code = if reason.starts_with("UNAUTHENTICATED") { 4403 } else { code };
                    Message::close_with(code, reason)
                }
            };
            if sink.send(message).await.is_err() {
                return;
            }
            if closed {
                break;
            }
        }
        if !closed && *app.stopping.borrow() {
            let _ = sink.send(Message::close_with(1001u16, "the server is shutting down")).await;
        }
        let _ = sink.close().await;
    })
    .into_response()
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

/// The filters of a calendar feed, as its URL gives them (global ids, comma-separated
/// statuses), and the token of a client that cannot send an Authorization header.
#[derive(serde::Deserialize, Default)]
struct FeedParams {
    token: Option<String>,
    assignee: Option<String>,
    directive: Option<String>,
    status: Option<String>,
    organizer: Option<String>,
    area: Option<String>,
    official: Option<String>,
}

/// A node id of the kind `kind` from a feed parameter.
fn feed_id(value: &Option<String>, kind: NodeType, name: &str) -> AppResult<Option<i32>> {
    value.as_ref().map(|id| decode_as(&async_graphql::ID(id.clone()), kind, name)).transpose()
}

/// Who asks for a feed: the Authorization header, or `?token=` (calendar clients send no
/// headers); refused like a GraphQL request when reads need a token.
async fn feed_reader(app: &App, request: &poem::Request, params: &FeedParams) -> AppResult<()> {
    let header = request.headers().get(header::AUTHORIZATION).map(|v| v.to_str().unwrap_or("").to_owned());
    let authorization = header.or_else(|| params.token.as_ref().map(|t| format!("Bearer {t}")));
    app.admit(authorization.as_deref(), app.client(request), 1).await.map(drop)
}

/// A feed as an HTTP response: the calendar, or the refusal with its status and message.
fn feed_response(feed: AppResult<String>) -> Response {
    match feed {
        Ok(text) => Response::builder().content_type("text/calendar; charset=utf-8").body(text),
        Err(err) => {
            let status = match &err {
                AppError::NotFound { .. } => StatusCode::BAD_REQUEST,
                err => StatusCode::from_u16(err.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            };
            let mut response = Response::builder().status(status).content_type("text/plain; charset=utf-8");
            if let AppError::RateLimited { retry_after } = &err {
                response = response.header(header::RETRY_AFTER, retry_after.to_string());
            }
            response.body(err.message())
        }
    }
}

#[handler]
async fn task_calendar(
    Data(app): Data<&Arc<App>>,
    request: &poem::Request,
    Query(params): Query<FeedParams>,
) -> Response {
    let feed = async {
        feed_reader(app, request, &params).await?;
        let assignee = match &params.assignee {
            Some(id) => {
                Some(match decode(id).map_err(|_| AppError::bad_input("assignee", "assignee: not a node id"))? {
                    (NodeType::Organization, row) => Assignee::Organization(row),
                    (NodeType::Official, row) => Assignee::Official(row),
                    _ => return Err(AppError::bad_input("assignee", "assignee: an Organization or Official id")),
                })
            }
            None => None,
        };
        let feed = calendar::TaskFeed {
            assignee,
            directive: feed_id(&params.directive, NodeType::Directive, "directive")?,
            statuses: calendar::statuses(params.status.as_deref().unwrap_or(""))?,
        };
        calendar::tasks(&app.state.db, &feed, app.state.clock.now()).await
    };
    feed_response(feed.await)
}

#[handler]
async fn conference_calendar(
    Data(app): Data<&Arc<App>>,
    request: &poem::Request,
    Query(params): Query<FeedParams>,
) -> Response {
    let feed = async {
        feed_reader(app, request, &params).await?;
        let feed = calendar::ConferenceFeed {
            organizer: feed_id(&params.organizer, NodeType::Organization, "organizer")?,
            area: feed_id(&params.area, NodeType::Area, "area")?,
            official: feed_id(&params.official, NodeType::Official, "official")?,
        };
        calendar::conferences(&app.state.db, &feed, app.state.clock.now()).await
    };
    feed_response(feed.await)
}

/// Requests from browser pages: those of this server and of the listed origins pass (the listed
/// ones with CORS headers, their preflights answered); those of any other site are refused with
/// 403 before they reach a handler.
async fn cross_site<E: poem::Endpoint>(
    endpoint: Arc<E>,
    request: poem::Request,
    origins: Arc<Vec<String>>,
    hosts: Arc<(SocketAddr, Vec<String>)>,
) -> poem::Result<Response> {
    let text = |name| request.headers().get(name).and_then(|v: &poem::http::HeaderValue| v.to_str().ok());
    // A page whose name was rebound to this server's address (DNS rebinding) sends its own name
    // as Host: only the names the server answers to pass. Health checks carry no data.
    let probe = matches!(request.uri().path(), "/healthz" | "/readyz");
    if !probe && !protocol::host_allowed(text(header::HOST), hosts.0, &hosts.1) {
        let media = MediaType::negotiate(text(header::ACCEPT));
        let refused = AppError::bad_request(
            421,
            "this server does not answer to that host name; its operator can allow it with --allowed-host",
        );
        return Ok(protocol::refuse(media, refused));
    }
    let origin = text(header::ORIGIN).map(str::to_owned);
    match protocol::origin_of(origin.as_deref(), text(header::HOST), &origins) {
        protocol::Origin::Unstated | protocol::Origin::Same => {
            return endpoint.call(request).await.map(IntoResponse::into_response);
        }
        protocol::Origin::Foreign => {
            let media = MediaType::negotiate(text(header::ACCEPT));
            let refused = AppError::bad_request(
                403,
                "requests from pages of other sites are refused; the server's operator can list a site's origin with --cors-origin",
            );
            return Ok(protocol::refuse(media, refused));
        }
        protocol::Origin::Listed => {}
    }
    let origin = poem::http::HeaderValue::from_str(origin.as_deref().unwrap_or(""))
        .unwrap_or(poem::http::HeaderValue::from_static("null"));
    let mut response = if request.method() == poem::http::Method::OPTIONS {
        Response::builder()
            .status(StatusCode::NO_CONTENT)
            .header(header::ACCESS_CONTROL_ALLOW_METHODS, "GET, POST")
            .header(header::ACCESS_CONTROL_ALLOW_HEADERS, "authorization, content-type, accept")
            .header(header::ACCESS_CONTROL_MAX_AGE, "600")
            .finish()
    } else {
        let mut response = endpoint.call(request).await.map(IntoResponse::into_response)?;
        response
            .headers_mut()
            .insert(header::ACCESS_CONTROL_EXPOSE_HEADERS, poem::http::HeaderValue::from_static("retry-after"));
        response
    };
    response.headers_mut().insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    response.headers_mut().append(header::VARY, poem::http::HeaderValue::from_static("Origin"));
    Ok(response)
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
    let assets = if config.graphiql_assets.is_some() { AssetSource::Local } else { AssetSource::Cdn };
    let (stop, stopping) = watch::channel(false);
    let live = ChangeHub::start(crate::database::own_connection(&db), config.change_poll, stopping.clone())
        .await
        .map_err(|err| std::io::Error::other(err.detail()))?;
    let metrics = Metrics::new(db.clone());
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
        },
        graphiql_page: config.graphiql.then(|| graphiql::page("/graphql", assets)),
        stopping: stopping.clone(),
        sockets: sockets.clone(),
        token_recheck: config.token_recheck,
        rates: RateLimits::new(&options.limits),
        open_sockets: Arc::default(),
        options,
        trust_forwarded_for: config.trust_forwarded_for,
    });
    let forgetting = app.clone();
    let mut forget_until = stopping.clone();
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(30));
        let mut trim = tokio::time::interval(std::time::Duration::from_secs(5));
        loop {
            tokio::select! {
                _ = every.tick() => {
                    forgetting.rates.forget_idle();
                    limits::give_back_memory(true);
                }
                _ = trim.tick() => limits::give_back_memory(false),
                _ = forget_until.wait_for(|stop| *stop) => break,
            }
        }
    });
    let mut routes = Route::new()
        .at("/", get(graphiql_page))
        .at("/graphql", get(graphql).post(graphql))
        .at("/graphql/ws", get(subscriptions))
        .at("/healthz", get(healthz))
        .at("/readyz", get(readyz))
        .at("/metrics", get(metrics_text))
        .at("/calendar/tasks.ics", get(task_calendar))
        .at("/calendar/conferences.ics", get(conference_calendar));
    if let Some(folder) = &config.graphiql_assets {
        routes = routes.nest(graphiql::LOCAL_PREFIX, StaticFilesEndpoint::new(folder));
    }
    let acceptor = crate::connection::HeaderDeadline {
        inner: TcpListener::bind(config.listen).into_acceptor().await?,
        header_time: config.limits.header_time,
        idle_time: config.limits.idle_time,
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
