//! Signing in with a token and out. The sign-in form is guarded by a secret sent both in a
//! cookie and in the form (a page of another site can set neither); the session's cookie is
//! HttpOnly and SameSite=Strict, and marked Secure when the request came over HTTPS.

use super::{AppData, Fields, SESSION_COOKIE, Visit, query_fields, see_other};
use crate::auth;
use poem::http::{StatusCode, header};
use poem::web::Form;
use poem::{Request, Response, handler};
use serde_json::json;

/// The cookie of the sign-in form's secret.
const FORM_COOKIE: &str = "gt_form";

/// Whether the request reached the server over HTTPS (directly, or through a proxy the server
/// trusts to say so).
fn over_https(app: &super::App, request: &Request) -> bool {
    request.uri().scheme_str() == Some("https")
        || (app.trust_forwarded_for
            && request.headers().get("x-forwarded-proto").and_then(|v| v.to_str().ok()) == Some("https"))
}

fn cookie(name: &str, value: &str, max_age: i64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{name}={value}; Path=/app; Max-Age={max_age}; HttpOnly; SameSite=Strict{secure}")
}

/// The sign-in page.
#[handler]
pub(super) async fn form(super::Data(app): AppData<'_>, request: &Request) -> Response {
    let visit = open!(app, request);
    show_form(&visit, app, request, StatusCode::OK, None)
}

fn show_form(
    visit: &Visit,
    app: &super::App,
    request: &Request,
    status: StatusCode,
    problem: Option<&str>,
) -> Response {
    let secret = match auth::form_secret() {
        Ok(secret) => secret,
        Err(err) => return visit.refuse(vec![err.into()]),
    };
    let next = query_fields(request).text("next").unwrap_or_else(|| "/app".into());
    let mut response = visit.page_with_status(
        status,
        "sign_in.html",
        json!({ "form_secret": secret, "next": next, "problem": problem.map(|key| visit.t(key)) }),
    );
    if let Ok(value) = cookie(FORM_COOKIE, &secret, 3600, over_https(app, request)).parse() {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

/// Signs in with a token: opens a session and goes on to `next`.
#[handler]
pub(super) async fn sign_in(
    super::Data(app): AppData<'_>,
    request: &Request,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let visit = open!(app, request);
    let fields = Fields(fields);
    let sent = fields.get("form_secret").unwrap_or("");
    let expected = request.cookie().get(FORM_COOKIE).map(|c| c.value_str().to_owned()).unwrap_or_default();
    if expected.is_empty() || !auth::same_secret(sent, &expected) {
        return show_form(&visit, app, request, StatusCode::FORBIDDEN, Some("sign_in.expired"));
    }
    let token = fields.get("token").unwrap_or("").trim();
    let (value, _) = match auth::open_session(&app.state.db, token).await {
        Ok(opened) => opened,
        Err(crate::error::AppError::Unauthenticated) => {
            // A wrong token costs the address as a bad credential does at /graphql.
            if let Some(address) = app.client(request) {
                let _ = app.rates.charge_address(address, 1);
            }
            return show_form(&visit, app, request, StatusCode::UNAUTHORIZED, Some("sign_in.refused"));
        }
        Err(err) => return visit.refuse(vec![err.into()]),
    };
    let next = fields.text("next").unwrap_or_else(|| "/app".into());
    let mut response = see_other(&next);
    let secure = over_https(app, request);
    let max_age = auth::SESSION_LIFETIME.num_seconds();
    for set in [cookie(SESSION_COOKIE, &value, max_age, secure), cookie(FORM_COOKIE, "", 0, secure)] {
        if let Ok(value) = set.parse() {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

/// Signs out: ends the session on the server and forgets its cookie.
#[handler]
pub(super) async fn sign_out(
    super::Data(app): AppData<'_>,
    request: &Request,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let (visit, _) = open!(app, request, fields, auth::Role::Reader);
    if let Some(cookie_value) = request.cookie().get(SESSION_COOKIE).map(|c| c.value_str().to_owned())
        && let Err(err) = auth::close_session(&app.state.db, &cookie_value).await
    {
        return visit.refuse(vec![err.into()]);
    }
    let mut response = see_other("/app/sign-in");
    if let Ok(value) = cookie(SESSION_COOKIE, "", 0, over_https(app, request)).parse() {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}
