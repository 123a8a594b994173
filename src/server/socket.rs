//! Subscriptions and operations over WebSocket (`/graphql/ws`): each operation passes the
//! admission of an HTTP request.

use super::{App, answer, in_selection_order, log_request, run, selection_document};
use crate::auth::Identity;
use crate::error::{AppError, AppResult};
use crate::graphql::{code_engine_errors, prepare};
use crate::limits::{self, Admission, OpenSockets, OpenSubscriptions};
use crate::protocol::{self, MediaType, refusal};
use async_graphql::http::{ALL_WEBSOCKET_PROTOCOLS, WsMessage};
use async_graphql_poem::GraphQLProtocol;
use futures::{SinkExt, StreamExt};
use poem::http::{HeaderMap, StatusCode, header};
use poem::web::Data;
use poem::web::websocket::{Message, WebSocket};
use poem::{IntoResponse, Response, handler};
use std::net::IpAddr;
use std::sync::Arc;

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
            Ok(identity) => answer(&self.app, &identity, request, started, None).await,
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
                return one(run(app, &identity, request, checked, started, None).await);
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
pub(super) fn subscriptions(
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
