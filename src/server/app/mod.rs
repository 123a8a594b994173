//! The staff's web app at `/app`: the follow-up board, tasks and their progress, a report's
//! draft turned into records, conferences recorded by hand, and pages to browse officials,
//! directives, conferences and bodies; in Vietnamese, with an English version of every page.
//!
//! Pages are rendered on the server and work without script. Every read and every write runs
//! as a GraphQL operation of the service's own schema, in process, as the session's token:
//! the same rules, roles, limits, history and version checks as a request to `/graphql`, and
//! no second way of writing. Here: the visit (session, language, the form secret), running an
//! operation and showing its refusals, and the routes; `session` signs in and out, the other
//! modules hold the pages.

use super::App;
use crate::auth::{self, Identity, Role, Session};
use crate::error::AppError;
use poem::http::{StatusCode, header};
use poem::web::Data;
use poem::{Endpoint, EndpointExt, IntoEndpoint, IntoResponse, Request, Response, Route, get, handler, post};
use serde_json::{Value, json};
use std::sync::Arc;

/// The visit of a handler, or return with the answer that ends it.
macro_rules! open {
    ($app:expr, $request:expr) => {
        match super::visit($app, $request).await {
            Ok(visit) => visit,
            Err(response) => return response,
        }
    };
    ($app:expr, $request:expr, $fields:expr, $role:expr) => {
        match super::form_visit($app, $request, $fields, $role).await {
            Ok(opened) => opened,
            Err(response) => return response,
        }
    };
}

/// The stored names of a domain vocabulary, for the choices of a form.
macro_rules! names {
    ($vocabulary:ty) => {
        <$vocabulary>::ALL.iter().map(|v| v.as_str()).collect::<Vec<&'static str>>()
    };
}

mod board;
mod browse;
mod export;
mod record;
mod render;
mod report;
mod session;
mod task;

/// The sources that name catalogue keys (`t("...")`), for the test that each is in both
/// languages.
#[cfg(test)]
const SOURCES: [&str; 8] = [
    include_str!("mod.rs"),
    include_str!("board.rs"),
    include_str!("browse.rs"),
    include_str!("export.rs"),
    include_str!("record.rs"),
    include_str!("report.rs"),
    include_str!("session.rs"),
    include_str!("task.rs"),
];

/// The largest form the app reads: a report of the longest text `extractReport` takes,
/// percent-encoded (up to 9 bytes a character), with room for its review.
const MAX_FORM_BYTES: usize = 4 << 20;

/// The session cookie's name.
const SESSION_COOKIE: &str = "gt_session";
/// The language cookie's name.
const LANG_COOKIE: &str = "gt_lang";

/// The app's routes, under `/app`.
pub(super) fn routes() -> impl IntoEndpoint {
    Route::new()
        .at("/", get(board::board))
        .at("/board.csv", get(board::board_csv))
        .at("/sign-in", get(session::form).post(session::sign_in))
        .at("/sign-out", post(session::sign_out))
        .at("/tasks/:id", get(task::page))
        .at("/tasks/:id/progress", post(task::progress))
        .at("/tasks/:id/reopen", post(task::reopen))
        .at("/officials/:id", get(browse::official))
        .at("/directives/:id", get(browse::directive))
        .at("/conferences/:id", get(browse::conference))
        .at("/conferences/:id/edit", get(record::edit_form).post(record::update))
        .at("/conferences/:id/participants", post(record::add_participant))
        .at("/conferences/:id/participants/:participation/remove", post(record::remove_participant))
        .at("/conferences/:id/directives", post(record::add_directive))
        .at("/conferences/:id/directives/remove", post(record::remove_directive))
        .at("/conferences/:id/tasks", post(record::add_task))
        .at("/organizations/:id", get(browse::organization))
        .at("/search", get(browse::search))
        .at("/pick", get(browse::pick))
        .at("/report", get(report::form).post(report::draft_page))
        .at("/report/save", post(report::save))
        .at("/record", get(record::form).post(record::save))
        .at("/static/app.css", get(stylesheet))
        .at("/static/app.js", get(script))
        .with(poem::middleware::CookieJarManager::new())
        .around(|endpoint, request| async move {
            // Forms are read whole: a body without a stated length, or longer than the
            // largest form, is refused before it is read.
            if request.method() == poem::http::Method::POST {
                let length =
                    request.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<usize>().ok());
                match length {
                    None => return Ok(StatusCode::LENGTH_REQUIRED.into_response()),
                    Some(length) if length > MAX_FORM_BYTES => return Ok(StatusCode::PAYLOAD_TOO_LARGE.into_response()),
                    Some(_) => {}
                }
            }
            endpoint.call(request).await.map(IntoResponse::into_response)
        })
}

/// The language of a page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Lang {
    /// Vietnamese, the default.
    Vi,
    /// English.
    En,
}

impl Lang {
    /// The language's code in the catalogue and in `lang` attributes.
    pub(super) fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }

    fn parse(text: &str) -> Option<Lang> {
        match text.trim().to_ascii_lowercase().split(['-', '_']).next() {
            Some("vi") => Some(Lang::Vi),
            Some("en") => Some(Lang::En),
            _ => None,
        }
    }

    /// The language a browser prefers among ours (RFC 9110 12.5.4), Vietnamese when it names
    /// neither.
    fn negotiate(accept_language: Option<&str>) -> Lang {
        let mut best: Option<(f32, Lang)> = None;
        for part in accept_language.unwrap_or("").split(',') {
            let mut pieces = part.split(';');
            let Some(lang) = pieces.next().and_then(Lang::parse) else { continue };
            let weight = pieces
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            if weight > 0.0 && best.is_none_or(|(w, _)| weight > w) {
                best = Some((weight, lang));
            }
        }
        best.map_or(Lang::Vi, |(_, lang)| lang)
    }
}

/// One refusal of an operation, as the API gave it.
#[derive(Clone, Debug)]
pub(super) struct Problem {
    /// The stable code (`extensions.code`).
    pub code: String,
    /// The service's message.
    pub message: String,
}

/// The HTTP status the first of `problems` calls for, as the API's answers have it.
pub(super) fn status_of(problems: &[Problem]) -> StatusCode {
    let code = problems.first().map_or("INTERNAL", |p| p.code.as_str());
    StatusCode::from_u16(crate::error::status_for_code(code)).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

impl From<AppError> for Problem {
    fn from(err: AppError) -> Self {
        Problem { code: err.code().to_owned(), message: err.message() }
    }
}

/// A request to a page: who asks, in which language, from where.
pub(super) struct Visit {
    session: Option<Session>,
    lang: Lang,
    /// The page's path and query, to come back to after signing in or switching language.
    path: String,
    /// Whether the language was chosen by this request's `?lang=`, to be remembered.
    chose_lang: bool,
}

impl Visit {
    /// Reads the session and the language of `request`, and takes one request from the
    /// caller's allowance. A server that restricts reads sends a visitor without a session to
    /// sign in.
    pub(super) async fn open(app: &App, request: &Request) -> Result<Visit, Response> {
        let cookie = request.cookie().get(SESSION_COOKIE).map(|c| c.value_str().to_owned());
        let session = match cookie {
            Some(cookie) => auth::session(&app.state.db, &cookie).await.map_err(|err| plain_error(err.into()))?,
            None => None,
        };
        let query_lang = request
            .uri()
            .query()
            .and_then(|q| url_pairs(q).into_iter().find(|(k, _)| k == "lang").map(|(_, v)| v))
            .and_then(|v| Lang::parse(&v));
        let lang = query_lang
            .or_else(|| request.cookie().get(LANG_COOKIE).and_then(|c| Lang::parse(c.value_str())))
            .unwrap_or_else(|| {
                Lang::negotiate(request.headers().get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()))
            });
        let visit = Visit {
            session,
            lang,
            path: request
                .original_uri()
                .path_and_query()
                .map(|p| p.as_str().to_owned())
                .unwrap_or_else(|| "/app".into()),
            chose_lang: query_lang.is_some(),
        };
        let identity = visit.identity();
        if let Err(err) = app.charge(&identity, app.client(request), 1) {
            return Err(visit.refuse(vec![err.into()]));
        }
        if app.restrict_reads && visit.session.is_none() && !request.original_uri().path().starts_with("/app/sign-in") {
            return Err(visit.to_sign_in());
        }
        Ok(visit)
    }

    /// Who the visit acts as: the session's token, or nobody.
    pub(super) fn identity(&self) -> Identity {
        self.session.as_ref().map_or(Identity::Anonymous, |s| s.identity.clone())
    }

    /// Whether the visitor may write (EDITOR or ADMIN).
    pub(super) fn may_edit(&self) -> bool {
        self.identity().require(Role::Editor).is_ok()
    }

    /// Whether the visitor may open a page of forms that write: someone not signed in is sent
    /// to sign in, someone whose role may not write is refused.
    pub(super) fn may_open_forms(&self) -> Result<(), Response> {
        match &self.session {
            None => Err(self.to_sign_in()),
            Some(_) if !self.may_edit() => Err(self.refuse(vec![AppError::Forbidden.into()])),
            Some(_) => Ok(()),
        }
    }

    /// A catalogue text in the page's language.
    pub(super) fn t(&self, key: &str) -> String {
        render::translate(self.lang, key, &[])
    }

    /// Runs a GraphQL operation as the visitor and returns its data, or the refusals.
    pub(super) async fn run(&self, app: &App, document: &str, variables: Value) -> Result<Value, Vec<Problem>> {
        let request = async_graphql::Request::new(document).variables(async_graphql::Variables::from_json(variables));
        let response = app.execute(&self.identity(), request).await;
        if !response.errors.is_empty() {
            return Err(response
                .errors
                .into_iter()
                .map(|err| Problem {
                    code: crate::protocol::error_code(&err).unwrap_or("INTERNAL").to_owned(),
                    message: err.message,
                })
                .collect());
        }
        response.data.into_json().map_err(|err| vec![AppError::internal(err).into()])
    }

    /// The session a form needs: refuses a visitor who is not signed in (to the sign-in page),
    /// one whose role is below `role`, and a form that does not carry the session's secret.
    pub(super) fn form_session(&self, role: Role, fields: &Fields) -> Result<&Session, Response> {
        let Some(session) = &self.session else { return Err(self.to_sign_in()) };
        if session.identity.require(role).is_err() {
            return Err(self.refuse(vec![AppError::Forbidden.into()]));
        }
        match fields.get("csrf") {
            Some(sent) if auth::same_secret(sent, &session.csrf) => Ok(session),
            _ => Err(self.message(StatusCode::FORBIDDEN, "error.title", &self.t("error.csrf"), None)),
        }
    }

    /// The base of every page's context: language, user, form secret, where it is.
    fn context(&self, page: Value) -> Value {
        let (user, role) = match self.identity() {
            Identity::Token { name, role } => (Some(name), Some(role.as_str())),
            _ => (None, None),
        };
        let other = match self.lang {
            Lang::Vi => "en",
            Lang::En => "vi",
        };
        let mut context = json!({
            "lang": self.lang.code(),
            "other_lang": other,
            "switch_lang": with_param(&self.path, "lang", other),
            "path": self.path,
            "user": user,
            "role": role,
            "editor": self.may_edit(),
            "csrf": self.session.as_ref().map(|s| s.csrf.clone()),
        });
        if let (Some(base), Value::Object(page)) = (context.as_object_mut(), page) {
            base.extend(page);
        }
        context
    }

    /// The page `template` with `page`'s values, answered 200.
    pub(super) fn page(&self, template: &str, page: Value) -> Response {
        self.page_with_status(StatusCode::OK, template, page)
    }

    /// The page `template` with `page`'s values and `status`.
    pub(super) fn page_with_status(&self, status: StatusCode, template: &str, page: Value) -> Response {
        match render::render(template, &self.context(page)) {
            Ok(html) => self.html(status, html),
            Err(err) => {
                tracing::error!(template, error = %err.detail(), "a page did not render");
                plain_error(err.into())
            }
        }
    }

    fn html(&self, status: StatusCode, html: String) -> Response {
        let mut response = secure_headers(Response::builder().status(status).content_type("text/html; charset=utf-8"))
            .header(header::CONTENT_LANGUAGE, self.lang.code());
        if self.chose_lang {
            response = response.header(
                header::SET_COOKIE,
                format!("{LANG_COOKIE}={}; Path=/app; Max-Age=31536000; SameSite=Strict", self.lang.code()),
            );
        }
        response.body(html)
    }

    /// A page that says one thing: a heading, a text, and where to go on.
    pub(super) fn message(&self, status: StatusCode, title: &str, text: &str, back: Option<&str>) -> Response {
        self.page_with_status(
            status,
            "message.html",
            json!({ "title": self.t(title), "text": text, "problems": [], "back": back }),
        )
    }

    /// The page of an operation's refusals, with the status the first one calls for (a
    /// visitor without a session is sent to sign in when that is what was missing).
    pub(super) fn refuse(&self, problems: Vec<Problem>) -> Response {
        if problems.first().is_some_and(|p| p.code == "UNAUTHENTICATED") && self.session.is_none() {
            return self.to_sign_in();
        }
        let status = status_of(&problems);
        let shown: Vec<Value> = problems.iter().map(|p| self.problem(p)).collect();
        self.page_with_status(
            status,
            "message.html",
            json!({ "title": self.t("error.title"), "text": "", "problems": shown, "back": Value::Null }),
        )
    }

    /// A refusal as a page shows it: the catalogue's words for its code, and the service's own.
    pub(super) fn problem(&self, problem: &Problem) -> Value {
        let key = format!("error.{}", problem.code);
        let text = render::translate(self.lang, &key, &[]);
        let known = text != format!("{}.{key}", self.lang.code());
        json!({ "code": problem.code, "summary": if known { text } else { self.t("error.INTERNAL") }, "detail": problem.message })
    }

    /// Sends the visitor to sign in, and back here afterwards.
    pub(super) fn to_sign_in(&self) -> Response {
        see_other(&with_param("/app/sign-in", "next", &self.path))
    }
}

/// A form's fields in the order sent; a name may come several times (check boxes, rows).
pub(super) struct Fields(pub Vec<(String, String)>);

impl Fields {
    /// The first value of `name`.
    pub(super) fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// The first value of `name`, trimmed, when it is not blank.
    pub(super) fn text(&self, name: &str) -> Option<String> {
        self.get(name).map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned)
    }
}

/// The pairs of a query string or a form body.
pub(super) fn url_pairs(text: &str) -> Vec<(String, String)> {
    serde_urlencoded::from_str(text).unwrap_or_default()
}

/// The query of `request` as fields.
pub(super) fn query_fields(request: &Request) -> Fields {
    Fields(request.uri().query().map(url_pairs).unwrap_or_default())
}

/// `path` with `name` set to `value` in its query (replacing any value it had).
pub(super) fn with_param(path: &str, name: &str, value: &str) -> String {
    let (base, query) = path.split_once('?').unwrap_or((path, ""));
    let mut pairs: Vec<(String, String)> = url_pairs(query).into_iter().filter(|(k, _)| k != name).collect();
    pairs.push((name.to_owned(), value.to_owned()));
    format!("{base}?{}", serde_urlencoded::to_string(&pairs).unwrap_or_default())
}

/// A redirect after a form (303), to a page of the app only: a `next` naming anything else
/// goes to the board, so that no link can send a signed-in visitor off the site.
pub(super) fn see_other(to: &str) -> Response {
    let to = if to.starts_with("/app") && !to.starts_with("/app//") { to } else { "/app" };
    secure_headers(Response::builder().status(StatusCode::SEE_OTHER)).header(header::LOCATION, to).finish()
}

/// What every answer of the app carries: no script or style from elsewhere (nor inline), no
/// framing, no guessing of types, no address leaking in the referrer.
fn secure_headers(builder: poem::ResponseBuilder) -> poem::ResponseBuilder {
    builder
        .header(
            "content-security-policy",
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
             form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
        )
        .header("x-content-type-options", "nosniff")
        .header("referrer-policy", "same-origin")
        .header(header::CACHE_CONTROL, "no-store")
}

/// An error where no page can be rendered: plain text.
fn plain_error(problem: Problem) -> Response {
    let status = status_of(std::slice::from_ref(&problem));
    Response::builder()
        .status(status)
        .content_type("text/plain; charset=utf-8")
        .body(format!("{}: {}", problem.code, problem.message))
}

#[handler]
fn stylesheet() -> Response {
    Response::builder()
        .content_type("text/css; charset=utf-8")
        .header(header::CACHE_CONTROL, "max-age=3600")
        .body(include_str!("static/app.css"))
}

#[handler]
fn script() -> Response {
    Response::builder()
        .content_type("text/javascript; charset=utf-8")
        .header(header::CACHE_CONTROL, "max-age=3600")
        .body(include_str!("static/app.js"))
}

/// The visit of a page handler, or the answer that ends it.
pub(super) async fn visit(app: &App, request: &Request) -> Result<Visit, Response> {
    Visit::open(app, request).await
}

/// The visit of a form's handler and its fields: a visitor signed in with `role` at least who
/// sent the session's secret, or the answer that ends it.
pub(super) async fn form_visit(
    app: &App,
    request: &Request,
    fields: Vec<(String, String)>,
    role: Role,
) -> Result<(Visit, Fields), Response> {
    let visit = Visit::open(app, request).await?;
    let fields = Fields(fields);
    visit.form_session(role, &fields)?;
    Ok((visit, fields))
}

/// The app's state, as handlers take it.
pub(super) type AppData<'a> = Data<&'a Arc<App>>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_browsers_language_is_read_with_its_weights() {
        assert_eq!(Lang::negotiate(None), Lang::Vi);
        assert_eq!(Lang::negotiate(Some("en-US,en;q=0.9")), Lang::En);
        assert_eq!(Lang::negotiate(Some("fr, en;q=0.5, vi;q=0.8")), Lang::Vi);
        assert_eq!(Lang::negotiate(Some("fr, de")), Lang::Vi);
        assert_eq!(Lang::negotiate(Some("vi;q=0, en;q=0.1")), Lang::En);
    }

    #[test]
    fn redirects_stay_on_the_app() {
        let location = |to: &str| see_other(to).headers().get(header::LOCATION).unwrap().to_str().unwrap().to_owned();
        assert_eq!(location("/app/tasks/1"), "/app/tasks/1");
        assert_eq!(location("https://elsewhere.example/"), "/app");
        assert_eq!(location("//elsewhere.example/"), "/app");
        assert_eq!(location("/app//elsewhere.example/"), "/app");
        assert_eq!(with_param("/app?x=1&lang=vi", "lang", "en"), "/app?x=1&lang=en");
    }
}
