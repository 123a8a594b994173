//! A task's page: what it is, who it is assigned to and with what evidence, its progress and its
//! history; and the forms that record progress and reopen it. Both send the version the page
//! showed: a task changed by someone else meanwhile is refused, and the page shows what changed
//! with the visitor's entries kept, so that nothing is overwritten.

use super::board::today;
use super::{AppData, Fields, Problem, Visit};
use crate::auth::Role;
use poem::http::StatusCode;
use poem::web::{Form, Path};
use poem::{Request, Response, handler};
use serde_json::{Value, json};

/// Everything the task's page shows.
const TASK: &str = "query Task($id: ID!) { node(id: $id) { __typename ... on Task {
  id version key title description status dueOn timeZone isOverdue daysUntilDue
  directive { id label title }
  assignedAt { id title date }
  assignedBy { __typename ... on Organization { id name } ... on Official { id name } }
  assignments {
    assignee { __typename ... on Organization { id name } ... on Official { id name } }
    citations { quote locator source { id title url publishedOn } }
  }
  updates { id date status progressPercent note }
  citations { quote locator source { id title url publishedOn publisher } }
  history(first: 100) { totalCount nodes { id action operation actor at fields { field before after } } }
} } }";

/// The task page, with what a form left to show: a refusal, the entries to keep, the changes
/// made meanwhile.
async fn show(visit: &Visit, app: &super::App, id: &str, status: StatusCode, form: Value) -> Response {
    let data = match visit.run(app, TASK, json!({ "id": id })).await {
        Ok(data) => data,
        Err(problems) => return visit.refuse(problems),
    };
    let task = &data["node"];
    if task["__typename"] != "Task" {
        return visit.message(StatusCode::NOT_FOUND, "error.title", &visit.t("error.NOT_FOUND"), Some("/app"));
    }
    // The changes made after the page the visitor worked on was shown.
    let instant = |v: &Value| v.as_str().and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok());
    let meanwhile: Vec<&Value> = match instant(&form["loaded_at"]) {
        None => Vec::new(),
        Some(since) => task["history"]["nodes"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|c| instant(&c["at"]).is_some_and(|at| at > since))
            .collect(),
    };
    visit.page_with_status(
        status,
        "task.html",
        json!({
            "task": task,
            "today": today(app).to_string(),
            "loaded_at": app.state.clock.now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
            "form": form,
            "meanwhile": meanwhile,
            "statuses": ["OPEN", "IN_PROGRESS", "DONE", "CANCELLED"],
        }),
    )
}

/// A task's page.
#[handler]
pub(super) async fn page(super::Data(app): AppData<'_>, request: &Request, Path(id): Path<String>) -> Response {
    let visit = open!(app, request);
    let done = super::query_fields(request).text("done");
    show(&visit, app, &id, StatusCode::OK, json!({ "done": done })).await
}

/// The refusal of a form shown on the task's page, the visitor's entries kept.
async fn refused(
    visit: &Visit,
    app: &super::App,
    id: &str,
    problems: Vec<Problem>,
    fields: &Fields,
    which: &str,
) -> Response {
    let status = super::status_of(&problems);
    let conflict = problems.first().is_some_and(|p| p.code == "CONFLICT");
    let shown: Vec<Value> = problems.iter().map(|p| visit.problem(p)).collect();
    let form = json!({
        "which": which,
        "problems": shown,
        "conflict": conflict,
        "loaded_at": fields.get("loaded_at"),
        "status": fields.get("status"),
        "percent": fields.get("percent"),
        "note": fields.get("note"),
        "date": fields.get("date"),
    });
    show(visit, app, id, status, form).await
}

/// An optional whole number from a form, or the refusal of what is not one.
fn number(fields: &Fields, name: &str) -> Result<Option<i64>, Problem> {
    match fields.text(name) {
        None => Ok(None),
        Some(text) => text.parse::<i64>().map(Some).map_err(|_| Problem {
            code: "BAD_USER_INPUT".into(),
            message: format!("{name}: a whole number, not \"{text}\""),
        }),
    }
}

/// Records progress on the task.
#[handler]
pub(super) async fn progress(
    super::Data(app): AppData<'_>,
    request: &Request,
    Path(id): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let (visit, fields) = open!(app, request, fields, Role::Editor);
    let (version, percent) = match (number(&fields, "version"), number(&fields, "percent")) {
        (Ok(version), Ok(percent)) => (version, percent),
        (Err(problem), _) | (_, Err(problem)) => {
            return refused(&visit, app, &id, vec![problem], &fields, "progress").await;
        }
    };
    let update = json!({
        "status": fields.text("status").unwrap_or_default(),
        "progressPercent": percent,
        "note": fields.text("note"),
        "date": fields.text("date"),
    });
    let document = "mutation($id: ID!, $version: Int, $update: TaskProgressInput!) {
        recordTaskUpdate(taskId: $id, expectedVersion: $version, update: $update) { id version } }";
    match visit.run(app, document, json!({ "id": id, "version": version, "update": update })).await {
        Ok(_) => super::see_other(&format!("/app/tasks/{id}?done=progress")),
        Err(problems) => refused(&visit, app, &id, problems, &fields, "progress").await,
    }
}

/// Reopens a task that was done or cancelled.
#[handler]
pub(super) async fn reopen(
    super::Data(app): AppData<'_>,
    request: &Request,
    Path(id): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let (visit, fields) = open!(app, request, fields, Role::Editor);
    let version = match number(&fields, "version") {
        Ok(version) => version,
        Err(problem) => return refused(&visit, app, &id, vec![problem], &fields, "reopen").await,
    };
    let document = "mutation($id: ID!, $version: Int, $note: String) {
        reopenTask(id: $id, expectedVersion: $version, note: $note) { id version } }";
    match visit.run(app, document, json!({ "id": id, "version": version, "note": fields.text("note") })).await {
        Ok(_) => super::see_other(&format!("/app/tasks/{id}?done=reopen")),
        Err(problems) => refused(&visit, app, &id, problems, &fields, "reopen").await,
    }
}
