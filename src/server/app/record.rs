//! Recording a conference by hand, with its chairs, participants, documents and tasks, and
//! changing what was recorded. Pickers name officials, bodies, areas and directives: the
//! page's script offers the API's search hits as one types; without script the server takes
//! the best hit of the same search, and a chair or participant no stored official matches is
//! recorded as a new official of that name.

use super::{AppData, Fields, Problem, Visit, see_other};
use crate::auth::Role;
use crate::domain::vocabulary::{
    ConferenceDirectiveRelation, ConferenceFormat, ConferenceKind, PartOfDay, ParticipationRole,
};
use poem::http::StatusCode;
use poem::web::{Form, Path};
use poem::{Request, Response, handler};
use serde_json::{Map, Value, json};

/// How many rows of each kind the form offers at first; "more rows" adds as many again.
const ROWS: usize = 3;
/// The most rows of a kind a form may send.
const MAX_ROWS: usize = 200;

fn rows_wanted(fields: &Fields) -> usize {
    fields.text("rows").and_then(|r| r.parse::<usize>().ok()).unwrap_or(ROWS).clamp(1, MAX_ROWS)
}

fn show(visit: &Visit, status: StatusCode, fields: &Fields, problems: &[Problem]) -> Response {
    let rows = rows_wanted(fields);
    let values: Map<String, Value> = fields.0.iter().map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect();
    let shown: Vec<Value> = problems.iter().map(|p| visit.problem(p)).collect();
    visit.page_with_status(
        status,
        "record.html",
        json!({
            "rows": (0..rows).collect::<Vec<_>>(),
            "more": (rows * 2).min(MAX_ROWS),
            "values": values,
            "kinds": names!(ConferenceKind), "formats": names!(ConferenceFormat), "parts_of_day": names!(PartOfDay),
            "roles": names!(ParticipationRole), "relations": names!(ConferenceDirectiveRelation),
            "problems": shown,
        }),
    )
}

/// The form to record a conference.
#[handler]
pub(super) async fn form(super::Data(app): AppData<'_>, request: &Request) -> Response {
    let visit = open!(app, request);
    if let Err(response) = visit.may_open_forms() {
        return response;
    }
    show(&visit, StatusCode::OK, &super::query_fields(request), &[])
}

/// The id a picker names: the id its script chose, or the best hit of a search for its words.
/// `None` when nothing was entered; the words alone when nothing matches them.
async fn picked(
    visit: &Visit,
    app: &super::App,
    fields: &Fields,
    name: &str,
    kind: &str,
) -> Result<Option<Result<String, String>>, Vec<Problem>> {
    let words = fields.text(name);
    if let (Some(id), Some(words)) = (fields.text(&format!("{name}_id")), &words)
        && fields.text(&format!("{name}_shown")).as_deref() == Some(words.as_str())
    {
        return Ok(Some(Ok(id)));
    }
    let Some(words) = words else { return Ok(None) };
    let found = super::browse::choices(visit, app, kind, &words, 1).await?;
    let found = found.first().and_then(|c| c["id"].as_str()).map(str::to_owned);
    Ok(Some(found.ok_or(words)))
}

fn not_found(name: &str, words: &str) -> Problem {
    Problem { code: "BAD_USER_INPUT".into(), message: format!("{name}: nothing stored is named \"{words}\"") }
}

/// The conference the form describes, as `CreateConferenceInput`.
async fn conference_input(visit: &Visit, app: &super::App, fields: &Fields) -> Result<Value, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut input = json!({
        "title": fields.text("title").unwrap_or_default(),
        "kind": fields.text("kind").unwrap_or_else(|| "CONFERENCE".into()),
        "format": fields.text("format").unwrap_or_else(|| "UNKNOWN".into()),
        "date": fields.text("date").unwrap_or_default(),
        "partOfDay": fields.text("part_of_day"),
        "venue": fields.text("venue"),
    });
    match picked(visit, app, fields, "area", "area").await? {
        Some(Ok(id)) => input["area"] = json!(id),
        Some(Err(words)) => problems.push(not_found("area", &words)),
        None => {}
    }
    match picked(visit, app, fields, "organizer", "organization").await? {
        Some(Ok(id)) => input["organizers"] = json!([id]),
        Some(Err(words)) => problems.push(not_found("organizer", &words)),
        None => {}
    }
    let rows = rows_wanted(fields);
    let mut participants = Vec::new();
    for i in 0..rows {
        let name = format!("person.{i}");
        let role = fields.text(&format!("role.{i}")).unwrap_or_else(|| "ATTENDEE".into());
        let capacity = fields.text(&format!("capacity.{i}"));
        match picked(visit, app, fields, &name, "official").await? {
            Some(Ok(id)) => participants.push(json!({ "official": id, "role": role, "capacity": capacity })),
            Some(Err(words)) => {
                participants.push(json!({ "newOfficial": { "name": words }, "role": role, "capacity": capacity }))
            }
            None => {}
        }
    }
    input["participants"] = json!(participants);
    let mut directives = Vec::new();
    for i in 0..rows {
        let name = format!("directive.{i}");
        let relation = fields.text(&format!("relation.{i}")).unwrap_or_else(|| "DISCUSSES".into());
        match picked(visit, app, fields, &name, "directive").await? {
            Some(Ok(id)) => directives.push(json!({ "directive": id, "relation": relation })),
            Some(Err(words)) => problems.push(not_found(&name, &words)),
            None => {}
        }
    }
    input["directives"] = json!(directives);
    let mut tasks = Vec::new();
    for i in 0..rows {
        let Some(title) = fields.text(&format!("task.{i}")) else { continue };
        let assignee = format!("assignee.{i}");
        let assignees = match picked(visit, app, fields, &assignee, "assignee").await? {
            Some(Ok(id)) => vec![id],
            Some(Err(words)) => {
                problems.push(not_found(&assignee, &words));
                Vec::new()
            }
            None => Vec::new(),
        };
        tasks.push(json!({ "title": title, "dueOn": fields.text(&format!("due.{i}")), "assignees": assignees }));
    }
    input["tasks"] = json!(tasks);
    if problems.is_empty() { Ok(input) } else { Err(problems) }
}

/// Records the conference and opens its page.
#[handler]
pub(super) async fn save(
    super::Data(app): AppData<'_>,
    request: &Request,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let (visit, fields) = open!(app, request, fields, Role::Editor);
    let input = match conference_input(&visit, app, &fields).await {
        Ok(input) => input,
        Err(problems) => return show(&visit, StatusCode::BAD_REQUEST, &fields, &problems),
    };
    let document = "mutation($input: CreateConferenceInput!) { createConference(input: $input) { id } }";
    match visit.run(app, document, json!({ "input": input })).await {
        Ok(data) => match data["createConference"]["id"].as_str() {
            Some(id) => see_other(&format!("/app/conferences/{id}?done=record")),
            None => see_other("/app"),
        },
        Err(problems) => show(&visit, StatusCode::BAD_REQUEST, &fields, &problems),
    }
}

const CONFERENCE: &str = "query($id: ID!) { node(id: $id) { __typename ... on Conference {
  id version title kind format date partOfDay venue } } }";

/// The form that changes a recorded conference's own fields.
#[handler]
pub(super) async fn edit_form(super::Data(app): AppData<'_>, request: &Request, Path(id): Path<String>) -> Response {
    let visit = open!(app, request);
    if let Err(response) = visit.may_open_forms() {
        return response;
    }
    show_edit(&visit, app, &id, StatusCode::OK, None, &[]).await
}

async fn show_edit(
    visit: &Visit,
    app: &super::App,
    id: &str,
    status: StatusCode,
    fields: Option<&Fields>,
    problems: &[Problem],
) -> Response {
    let data = match visit.run(app, CONFERENCE, json!({ "id": id })).await {
        Ok(data) => data,
        Err(problems) => return visit.refuse(problems),
    };
    let node = &data["node"];
    if node["__typename"] != "Conference" {
        return visit.message(StatusCode::NOT_FOUND, "error.title", &visit.t("error.NOT_FOUND"), Some("/app"));
    }
    let mut values = json!({
        "title": node["title"], "kind": node["kind"], "format": node["format"], "date": node["date"],
        "part_of_day": node["partOfDay"], "venue": node["venue"],
    });
    if let Some(fields) = fields {
        for name in ["title", "kind", "format", "date", "part_of_day", "venue"] {
            values[name] = json!(fields.get(name));
        }
    }
    let shown: Vec<Value> = problems.iter().map(|p| visit.problem(p)).collect();
    visit.page_with_status(
        status,
        "record.html",
        json!({
            "edit": node, "values": values, "rows": [], "more": 0,
            "kinds": names!(ConferenceKind), "formats": names!(ConferenceFormat), "parts_of_day": names!(PartOfDay),
            "roles": names!(ParticipationRole), "relations": names!(ConferenceDirectiveRelation),
            "problems": shown,
        }),
    )
}

/// Changes a recorded conference's own fields, against the version the form showed.
#[handler]
pub(super) async fn update(
    super::Data(app): AppData<'_>,
    request: &Request,
    Path(id): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let (visit, fields) = open!(app, request, fields, Role::Editor);
    let version = fields.text("version").and_then(|v| v.parse::<i64>().ok()).unwrap_or(-1);
    let input = json!({
        "title": fields.text("title"),
        "kind": fields.text("kind"),
        "format": fields.text("format"),
        "date": fields.text("date"),
        "partOfDay": fields.text("part_of_day"),
        "venue": fields.text("venue"),
    });
    let document = "mutation($id: ID!, $version: Int!, $input: UpdateConferenceInput!) {
        updateConference(id: $id, expectedVersion: $version, input: $input) { id } }";
    match visit.run(app, document, json!({ "id": id, "version": version, "input": input })).await {
        Ok(_) => see_other(&format!("/app/conferences/{id}?done=edit")),
        Err(problems) => show_edit(&visit, app, &id, super::status_of(&problems), Some(&fields), &problems).await,
    }
}
