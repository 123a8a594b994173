//! GraphQL over HTTP as the GraphQL-over-HTTP specification has it: which requests `/graphql`
//! reads (GET with a query string for queries; POST with a JSON body; a multipart upload only
//! with credentials in a header, which a cross-site form cannot send), and which media type
//! and status code each answer gets.

use crate::error::{AppError, AppResult};
use crate::limits::Limits;
use async_graphql::http::MultipartOptions;
use async_graphql::parser::types::OperationType;
use async_graphql::{BatchRequest, BatchResponse, Request, Variables};
use poem::http::{HeaderValue, StatusCode, header};
use serde_json::Value;

/// The media type of an answer, as the client's `Accept` header chooses it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MediaType {
    /// `application/graphql-response+json`: a request that fails before execution gets a 4xx
    /// or 5xx status.
    GraphqlResponse,
    /// `application/json`: every well-formed GraphQL request gets 200.
    Json,
}

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";

impl MediaType {
    /// The type the client prefers: `application/graphql-response+json` when it ranks it at
    /// least as high as `application/json`; `application/json` otherwise, for `*/*`, and when
    /// the header is missing or names neither (the specification allows answering in JSON).
    pub fn negotiate(accept: Option<&str>) -> MediaType {
        let (mut graphql, mut json) = (0.0f32, 0.0f32);
        for entry in accept.unwrap_or("application/json").split(',') {
            let mut parts = entry.split(';');
            let range = parts.next().unwrap_or("").trim().to_ascii_lowercase();
            let weight = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            match range.as_str() {
                GRAPHQL_RESPONSE => graphql = graphql.max(weight),
                "application/json" | "application/*" | "*/*" => json = json.max(weight),
                _ => {}
            }
        }
        if graphql > 0.0 && graphql >= json { MediaType::GraphqlResponse } else { MediaType::Json }
    }

    fn content_type(self) -> &'static str {
        match self {
            MediaType::GraphqlResponse => "application/graphql-response+json; charset=utf-8",
            MediaType::Json => "application/json; charset=utf-8",
        }
    }
}

/// The value of header `name`, when it is text.
fn header_text<'a>(request: &'a poem::Request, name: header::HeaderName) -> Option<&'a str> {
    request.headers().get(name).and_then(|v| v.to_str().ok())
}

/// Whether `request` carries a multipart body: a dataset upload.
pub fn is_upload(request: &poem::Request) -> bool {
    header_text(request, header::CONTENT_TYPE)
        .is_some_and(|t| t.split(';').next().unwrap_or("").trim().eq_ignore_ascii_case("multipart/form-data"))
}

/// The GraphQL request (or batch) an HTTP request carries; a BAD_REQUEST-family error with
/// the status the specification gives when it carries none this server reads.
pub async fn read(request: &poem::Request, body: poem::Body, limits: &Limits) -> AppResult<BatchRequest> {
    if request.method() == poem::http::Method::GET {
        return read_get(request.uri().query().unwrap_or("")).map(BatchRequest::Single);
    }
    let content_type = header_text(request, header::CONTENT_TYPE)
        .ok_or_else(|| AppError::bad_request(415, "a POST request needs Content-Type: application/json"))?;
    let mut parts = content_type.split(';');
    let essence = parts.next().unwrap_or("").trim().to_ascii_lowercase();
    let charset = parts.find_map(|p| p.trim().to_ascii_lowercase().strip_prefix("charset=").map(str::to_owned));
    if charset.is_some_and(|c| c.trim_matches('"') != "utf-8") {
        return Err(AppError::bad_request(415, "request bodies are read as UTF-8 only"));
    }
    match essence.as_str() {
        "application/json" => {
            let bytes = read_body(body, limits.max_body_bytes, limits.header_time).await?;
            if bytes.is_empty() {
                return Err(AppError::bad_request(400, "the request has no body; send {\"query\": \"...\"}"));
            }
            let value: Value = serde_json::from_slice(&bytes)
                .map_err(|err| AppError::bad_request(400, format!("the body is not JSON: {err}")))?;
            match value {
                Value::Array(items) => {
                    check_batch(items.len(), limits)?;
                    Ok(BatchRequest::Batch(items.into_iter().map(from_json).collect::<AppResult<_>>()?))
                }
                single => from_json(single).map(BatchRequest::Single),
            }
        }
        "multipart/form-data" => {
            // A form on another site can post multipart bodies without asking; only a script
            // allowed by CORS can add an Authorization header, and uploads need a token anyway.
            if header_text(request, header::AUTHORIZATION).is_none() {
                return Err(AppError::bad_request(
                    415,
                    "a multipart request (a dataset upload) needs its token in the Authorization header",
                ));
            }
            let bytes = read_body(body, limits.max_upload_bytes, limits.upload_time).await?;
            let options = MultipartOptions::default().max_file_size(limits.max_upload_bytes).max_num_files(16);
            let batch =
                async_graphql::http::receive_batch_body(Some(content_type), futures::io::Cursor::new(bytes), options)
                    .await
                    .map_err(|err| match err {
                        async_graphql::ParseRequestError::PayloadTooLarge => too_large(limits.max_upload_bytes),
                        err => AppError::bad_request(400, format!("not a GraphQL multipart request: {err}")),
                    })?;
            if let BatchRequest::Batch(items) = &batch {
                check_batch(items.len(), limits)?;
            }
            Ok(batch)
        }
        other => Err(AppError::bad_request(
            415,
            format!("request bodies must be application/json (multipart/form-data for uploads), not {other}"),
        )),
    }
}

fn too_large(max: usize) -> AppError {
    AppError::bad_request(413, format!("the request body is larger than {max} bytes"))
}

/// Reads a body of at most `max` bytes that arrives within `time` (408 past it: a client
/// sending it a byte at a time holds no connection for ever).
async fn read_body(body: poem::Body, max: usize, time: std::time::Duration) -> AppResult<Vec<u8>> {
    let read = tokio::time::timeout(time, body.into_bytes_limit(max)).await.map_err(|_| {
        AppError::bad_request(408, format!("the request body did not arrive within {} s", time.as_secs()))
    })?;
    read.map(Vec::from).map_err(|err| match err {
        poem::error::ReadBodyError::PayloadTooLarge => too_large(max),
        err => AppError::bad_request(400, format!("the request body could not be read: {err}")),
    })
}

fn check_batch(len: usize, limits: &Limits) -> AppResult<()> {
    if len == 0 {
        return Err(AppError::bad_request(400, "a batch needs at least one request"));
    }
    if len > limits.max_batch {
        return Err(AppError::limit(
            "batch",
            limits.max_batch,
            format!("a batch of {len} requests; the most is {}", limits.max_batch),
        ));
    }
    Ok(())
}

/// A GET request: the query string's `query`, `operationName`, and `variables` and
/// `extensions` as JSON text. Only queries run over GET (405 otherwise), so that a link or an
/// image on another site cannot change anything.
fn read_get(query_string: &str) -> AppResult<Request> {
    let mut parsed = async_graphql::http::parse_query_string(query_string)
        .map_err(|err| AppError::bad_request(400, format!("bad query string: {err}")))?;
    if parsed.query.is_empty() {
        return Err(AppError::bad_request(400, "a GET request needs a query parameter"));
    }
    // A document that does not parse is the engine's to report; one that names a mutation
    // or a subscription is refused here, after its nesting is known to be safe to parse.
    crate::limits::check_text(&parsed.query)?;
    let operation_name = parsed.operation_name.clone();
    if let Ok(document) = parsed.parsed_query() {
        let operation = match operation_name.as_deref() {
            Some(name) => document.operations.iter().find(|(n, _)| n.map(|n| n.as_str()) == Some(name)),
            None => document.operations.iter().next(),
        };
        if let Some((_, operation)) = operation
            && operation.node.ty != OperationType::Query
        {
            return Err(AppError::bad_request(405, "only queries may be sent over GET; send mutations with POST"));
        }
    }
    Ok(parsed)
}

/// One GraphQL request from its JSON object, each parameter of the type the specification
/// gives it.
fn from_json(value: Value) -> AppResult<Request> {
    let Value::Object(mut object) = value else {
        return Err(AppError::bad_request(400, "a GraphQL request is a JSON object with a query"));
    };
    let query = match object.remove("query") {
        Some(Value::String(query)) => query,
        Some(_) => return Err(AppError::bad_request(400, "query must be a string")),
        None => return Err(AppError::bad_request(400, "the request has no query")),
    };
    let mut request = Request::new(query);
    match object.remove("operationName") {
        Some(Value::String(name)) => request = request.operation_name(name),
        None | Some(Value::Null) => {}
        Some(_) => return Err(AppError::bad_request(400, "operationName must be a string or null")),
    }
    match object.remove("variables") {
        Some(variables @ Value::Object(_)) => request = request.variables(Variables::from_json(variables)),
        None | Some(Value::Null) => {}
        Some(_) => return Err(AppError::bad_request(400, "variables must be an object or null")),
    }
    match object.remove("extensions") {
        Some(extensions @ Value::Object(_)) => {
            request.extensions = serde_json::from_value(extensions)
                .map_err(|err| AppError::bad_request(400, format!("bad extensions: {err}")))?;
        }
        None | Some(Value::Null) => {}
        Some(_) => return Err(AppError::bad_request(400, "extensions must be an object or null")),
    }
    Ok(request)
}

/// Whether a response failed before execution (a request error): no data, and no error at a
/// path of the result.
pub fn is_request_error(response: &async_graphql::Response) -> bool {
    response.data == async_graphql::Value::Null
        && !response.errors.is_empty()
        && response.errors.iter().all(|e| e.path.is_empty())
}

/// The code of a response's first error.
pub fn first_code(response: &async_graphql::Response) -> Option<&str> {
    response.errors.first().and_then(error_code)
}

/// The stable code of one error (`extensions.code`).
pub fn error_code(error: &async_graphql::ServerError) -> Option<&str> {
    error.extensions.as_ref().and_then(|x| match x.get("code") {
        Some(async_graphql::Value::String(code)) => Some(code.as_str()),
        _ => None,
    })
}

/// The status of an answer: 200 for a result; for a request error under
/// `application/graphql-response+json` the status of its code; under `application/json` 200,
/// as older clients expect, but for 429, which asks the client to slow down. (A request that
/// could not be read at all is answered by `refuse`, with its own status.)
fn status_of(media: MediaType, response: &async_graphql::Response) -> u16 {
    if !is_request_error(response) {
        return 200;
    }
    let status = crate::error::status_for_code(first_code(response).unwrap_or("BAD_USER_INPUT"));
    match media {
        MediaType::GraphqlResponse => status,
        MediaType::Json if status == 429 => status,
        MediaType::Json => 200,
    }
}

/// A response as JSON text; a request error has no `data` entry.
fn to_json(response: &async_graphql::Response) -> Vec<u8> {
    if !is_request_error(response) {
        return serde_json::to_vec(response).unwrap_or_default();
    }
    let mut value = serde_json::to_value(response).unwrap_or_else(|_| Value::Object(Default::default()));
    if let Value::Object(object) = &mut value {
        object.remove("data");
    }
    serde_json::to_vec(&value).unwrap_or_default()
}

/// The HTTP answer to a GraphQL request or batch.
pub fn respond(media: MediaType, batch: &BatchResponse) -> poem::Response {
    let (status, body, first) = match batch {
        BatchResponse::Single(response) => (status_of(media, response), to_json(response), response),
        BatchResponse::Batch(responses) => match responses.first() {
            Some(first) => {
                let items: Vec<Vec<u8>> = responses.iter().map(to_json).collect();
                let mut body = b"[".to_vec();
                body.extend(items.join(&b","[..]));
                body.push(b']');
                (200, body, first)
            }
            None => return refuse(media, AppError::bad_request(400, "a batch needs at least one request")),
        },
    };
    let mut builder = poem::Response::builder()
        .status(StatusCode::from_u16(status).unwrap_or(StatusCode::OK))
        .header(header::CONTENT_TYPE, media.content_type())
        .header(header::VARY, "Accept");
    match first_code(first) {
        Some("RATE_LIMITED") => {
            let seconds = first
                .errors
                .first()
                .and_then(|e| e.extensions.as_ref())
                .and_then(|x| x.get("retryAfter"))
                .and_then(|v| match v {
                    async_graphql::Value::Number(n) => n.as_u64(),
                    _ => None,
                })
                .unwrap_or(1);
            builder = builder.header(header::RETRY_AFTER, seconds.to_string());
        }
        Some("METHOD_NOT_ALLOWED") => builder = builder.header(header::ALLOW, HeaderValue::from_static("GET, POST")),
        // Every connection was busy: the same request is likely to pass a moment later.
        Some("SERVER_BUSY") => builder = builder.header(header::RETRY_AFTER, HeaderValue::from_static("1")),
        _ => {}
    }
    builder.body(body)
}

/// The HTTP answer to a request that could not be read: the error's own status, whatever the
/// media type.
pub fn refuse(media: MediaType, error: AppError) -> poem::Response {
    let status = StatusCode::from_u16(error.http_status()).unwrap_or(StatusCode::BAD_REQUEST);
    let mut response = respond(media, &BatchResponse::Single(refusal(error)));
    response.set_status(status);
    response
}

/// A GraphQL response that refuses the whole request with one error.
pub fn refusal(error: AppError) -> async_graphql::Response {
    async_graphql::Response::from_errors(vec![error.into_server_error()])
}

/// Whether the server answers to `host` (the `Host` header): loopback names and addresses,
/// the address it listens on, and the names the operator allowed (`*`: any). A request without
/// `Host` passes (only old non-browser clients send none).
pub fn host_allowed(host: Option<&str>, listen: std::net::SocketAddr, allowed: &[String]) -> bool {
    let Some(host) = host else { return true };
    let host = host.trim().to_ascii_lowercase();
    // The name without its port: `name:port`, `[v6]:port`, `[v6]`.
    let name = match host.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or(""),
        None => host.rsplit_once(':').map_or(host.as_str(), |(name, _)| name),
    };
    let name = name.trim_end_matches('.');
    if name == "localhost" || name.ends_with(".localhost") {
        return true;
    }
    if let Ok(address) = name.parse::<std::net::IpAddr>()
        && (address.is_loopback() || (!listen.ip().is_unspecified() && address == listen.ip()))
    {
        return true;
    }
    allowed.iter().any(|a| a == "*" || a.trim_end_matches('.') == name)
}

/// Where a browser request comes from, as its `Origin` header says.
#[derive(Debug, PartialEq, Eq)]
pub enum Origin {
    /// No `Origin`: not sent by a script in a browser page (curl, a notebook, a calendar
    /// client, a top-level navigation).
    Unstated,
    /// A page of this server (GraphiQL): the origin names the host the request was sent to.
    Same,
    /// A page on an origin the operator listed with `--cors-origin`.
    Listed,
    /// A page on any other site: refused, so that no other site can make a visitor's browser
    /// send requests on the visitor's behalf (from inside the province's network, say).
    Foreign,
}

/// Whether an origin is the listed one: the same, in any case, or any port of the listed scheme
/// and host when the list gives `:*` as its port (`http://localhost:*`).
fn origin_matches(listed: &str, origin: &str) -> bool {
    match listed.strip_suffix(":*") {
        Some(host) => origin.rsplit_once(':').is_some_and(|(start, port)| {
            start.eq_ignore_ascii_case(host) && !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit())
        }),
        None => listed.eq_ignore_ascii_case(origin),
    }
}

/// Classifies `origin` for a request sent to `host` (the `Host` header), given the listed
/// origins.
pub fn origin_of(origin: Option<&str>, host: Option<&str>, listed: &[String]) -> Origin {
    let Some(origin) = origin else { return Origin::Unstated };
    let origin = origin.trim().trim_end_matches('/');
    if listed.iter().any(|l| origin_matches(l, origin)) {
        return Origin::Listed;
    }
    let authority = origin.split_once("://").map(|(_, rest)| rest);
    match (authority, host) {
        (Some(authority), Some(host)) if authority.eq_ignore_ascii_case(host.trim()) => Origin::Same,
        _ => Origin::Foreign,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_listed_port_wildcard_admits_every_port_of_that_scheme_and_host_only() {
        let listed = vec!["http://localhost:*".to_owned(), "https://dash.example.vn".to_owned()];
        for origin in ["http://localhost:5173", "http://LOCALHOST:3000", "https://dash.example.vn"] {
            assert_eq!(origin_of(Some(origin), Some("127.0.0.1:8080"), &listed), Origin::Listed, "{origin}");
        }
        for origin in [
            "http://localhost",
            "https://localhost:5173",
            "http://localhost:*",
            "http://localhost.evil.example:80",
            "http://localhost:80x",
        ] {
            assert_eq!(origin_of(Some(origin), Some("127.0.0.1:8080"), &listed), Origin::Foreign, "{origin}");
        }
    }

    #[test]
    fn the_server_answers_to_loopback_its_address_and_the_allowed_names() {
        let local: std::net::SocketAddr = "127.0.0.1:8080".parse().unwrap();
        let everywhere: std::net::SocketAddr = "0.0.0.0:8080".parse().unwrap();
        let public: std::net::SocketAddr = "203.0.113.7:80".parse().unwrap();
        let allowed = vec!["govtrail.example.vn".to_owned()];
        for host in
            ["localhost:8080", "LOCALHOST", "app.localhost:3000", "127.0.0.1:8080", "127.0.0.2", "[::1]:8080", "[::1]"]
        {
            assert!(host_allowed(Some(host), everywhere, &[]), "{host}");
        }
        assert!(host_allowed(None, local, &[]));
        assert!(host_allowed(Some("203.0.113.7"), public, &[]), "the address it listens on");
        assert!(!host_allowed(Some("203.0.113.7"), everywhere, &[]), "0.0.0.0 names no address");
        assert!(host_allowed(Some("GovTrail.example.vn:443"), local, &allowed));
        assert!(host_allowed(Some("govtrail.example.vn."), local, &allowed));
        for host in
            ["attacker.example", "govtrail.example.vn.attacker.example", "localhost.attacker.example", "10.0.0.5:8080"]
        {
            assert!(!host_allowed(Some(host), local, &allowed), "{host}");
        }
        assert!(host_allowed(Some("anything.example"), local, &["*".to_owned()]));
    }

    #[test]
    fn origins_are_told_apart() {
        let listed = vec!["https://dashboard.example.vn".to_owned()];
        assert_eq!(origin_of(None, Some("api:8080"), &listed), Origin::Unstated);
        assert_eq!(origin_of(Some("http://api:8080"), Some("api:8080"), &listed), Origin::Same);
        assert_eq!(origin_of(Some("https://Dashboard.example.vn/"), Some("api:8080"), &listed), Origin::Listed);
        assert_eq!(origin_of(Some("https://evil.example"), Some("api:8080"), &listed), Origin::Foreign);
        assert_eq!(origin_of(Some("http://api:8081"), Some("api:8080"), &listed), Origin::Foreign);
        assert_eq!(origin_of(Some("null"), Some("api:8080"), &listed), Origin::Foreign);
    }

    #[test]
    fn the_media_type_follows_accept() {
        use MediaType::*;
        assert_eq!(MediaType::negotiate(None), Json);
        assert_eq!(MediaType::negotiate(Some("*/*")), Json);
        assert_eq!(MediaType::negotiate(Some("application/graphql-response+json")), GraphqlResponse);
        assert_eq!(
            MediaType::negotiate(Some("application/graphql-response+json, application/json;q=0.9")),
            GraphqlResponse
        );
        assert_eq!(MediaType::negotiate(Some("application/json, application/graphql-response+json;q=0.5")), Json);
        assert_eq!(MediaType::negotiate(Some("application/graphql-response+json;q=0")), Json);
        assert_eq!(MediaType::negotiate(Some("text/html")), Json);
    }

    #[test]
    fn parameters_must_have_their_types() {
        let bad = |v: Value| from_json(v).err().map(|e| e.code());
        assert_eq!(bad(serde_json::json!({"query": 1})), Some("BAD_REQUEST"));
        assert_eq!(bad(serde_json::json!({"qeury": "{ a }"})), Some("BAD_REQUEST"));
        assert_eq!(bad(serde_json::json!({"query": "{ a }", "variables": "x"})), Some("BAD_REQUEST"));
        assert_eq!(bad(serde_json::json!({"query": "{ a }", "operationName": 0})), Some("BAD_REQUEST"));
        assert_eq!(bad(serde_json::json!({"query": "{ a }", "extensions": []})), Some("BAD_REQUEST"));
        assert_eq!(bad(serde_json::json!({"query": "{ a }", "variables": null, "operationName": null})), None);
    }

    #[test]
    fn mutations_are_refused_over_get() {
        let refused = read_get("query=mutation%20%7B%20__typename%20%7D").unwrap_err();
        assert_eq!(refused.code(), "METHOD_NOT_ALLOWED");
        assert!(read_get("query=%7B%20__typename%20%7D").is_ok());
        assert_eq!(read_get("").unwrap_err().code(), "BAD_REQUEST");
    }
}
