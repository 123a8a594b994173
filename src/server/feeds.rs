//! The iCalendar feeds: `/calendar/tasks.ics` and `/calendar/conferences.ics`.

use super::App;
use crate::calendar;
use crate::error::{AppError, AppResult};
use crate::graphql::ids::{NodeType, decode, decode_as};
use crate::store::filters::Assignee;
use poem::http::{StatusCode, header};
use poem::web::{Data, Query};
use poem::{Response, handler};
use std::sync::Arc;

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
pub(super) async fn task_calendar(
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
pub(super) async fn conference_calendar(
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
