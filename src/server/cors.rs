//! Requests from browser pages: the server's own, the listed origins with CORS, no others.

use crate::error::AppError;
use crate::protocol::{self, MediaType};
use poem::http::{StatusCode, header};
use poem::{IntoResponse, Response};
use std::net::SocketAddr;
use std::sync::Arc;

/// Requests from browser pages: those of this server and of the listed origins pass (the listed
/// ones with CORS headers, their preflights answered); those of any other site are refused with
/// 403 before they reach a handler.
pub(super) async fn cross_site<E: poem::Endpoint>(
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
