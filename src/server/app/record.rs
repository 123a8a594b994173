//! Recording a conference by hand, with its chairs, participants, documents and tasks, and
//! changing what was recorded. Pickers name officials, bodies, areas and directives: the
//! page's script offers the API's search hits as one types; without script the server takes
//! the best hit of the same search, and a chair or participant no stored official matches is
//! recorded as a new official of that name.

use super::{AppData, Fields, Problem, Visit, render, see_other};
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

/// A picker's words that name nothing stored; `label` is the catalogue key of its label, and
/// `row` its row's number when it has one.
fn not_found(visit: &Visit, label: &str, row: Option<usize>, words: &str) -> Problem {
    let args = [("field", field_label(visit, label, row)), ("words", words.to_owned())];
    Problem { code: "BAD_USER_INPUT".into(), message: render::translate(visit.lang, "record.not_found", &args) }
}

/// A picker left empty where a name is needed.
fn required(visit: &Visit, label: &str) -> Problem {
    let args = [("field", field_label(visit, label, None))];
    Problem { code: "BAD_USER_INPUT".into(), message: render::translate(visit.lang, "record.required", &args) }
}

fn field_label(visit: &Visit, label: &str, row: Option<usize>) -> String {
    match row {
        Some(i) => format!("{} {}", visit.t(label), i + 1),
        None => visit.t(label),
    }
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
        Some(Err(words)) => problems.push(not_found(visit, "conference.area", None, &words)),
        None => {}
    }
    match picked(visit, app, fields, "organizer", "organization").await? {
        Some(Ok(id)) => input["organizers"] = json!([id]),
        Some(Err(words)) => problems.push(not_found(visit, "conference.organizers", None, &words)),
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
            Some(Err(words)) => problems.push(not_found(visit, "task.directive", Some(i), &words)),
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
                problems.push(not_found(visit, "task.assignees", Some(i), &words));
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
  id version title kind format date partOfDay venue
  participants { id version role capacity official { id name } }
  directives { relation directive { id label title } citations { quote locator source { id } } }
  tasks { id title dueOn status }
} } }";

/// The form that changes a recorded conference: its own fields, who took part, the directives
/// it handled and the tasks it assigned.
#[handler]
pub(super) async fn edit_form(super::Data(app): AppData<'_>, request: &Request, Path(id): Path<String>) -> Response {
    let visit = open!(app, request);
    if let Err(response) = visit.may_open_forms() {
        return response;
    }
    show_edit(&visit, app, &id, StatusCode::OK, None, &[]).await
}

/// The recorded conference, as the edit page reads it.
async fn recorded(visit: &Visit, app: &super::App, id: &str) -> Result<Value, Response> {
    let data = visit.run(app, CONFERENCE, json!({ "id": id })).await.map_err(|problems| visit.refuse(problems))?;
    let node = &data["node"];
    if node["__typename"] != "Conference" {
        return Err(visit.message(StatusCode::NOT_FOUND, "error.title", &visit.t("error.NOT_FOUND"), Some("/app")));
    }
    Ok(node.clone())
}

/// The edit page; after a refused change, `fields` are the values sent, shown again.
async fn show_edit(
    visit: &Visit,
    app: &super::App,
    id: &str,
    status: StatusCode,
    fields: Option<&Fields>,
    problems: &[Problem],
) -> Response {
    let node = match recorded(visit, app, id).await {
        Ok(node) => node,
        Err(response) => return response,
    };
    let mut values = json!({
        "title": node["title"], "kind": node["kind"], "format": node["format"], "date": node["date"],
        "part_of_day": node["partOfDay"], "venue": node["venue"],
    });
    for (name, value) in fields.map_or(&[][..], |f| &f.0[..]) {
        if name != "csrf" {
            values[name] = json!(value);
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

/// Runs one change of the edit page: back to the page with `done` when it is made, the page
/// again with the values sent and the reasons when it is refused.
async fn change(
    visit: &Visit,
    app: &super::App,
    id: &str,
    fields: &Fields,
    made: Result<(&str, Value), Vec<Problem>>,
    done: &str,
) -> Response {
    let result = match made {
        Ok((document, variables)) => visit.run(app, document, variables).await.map(|_| ()),
        Err(problems) => Err(problems),
    };
    match result {
        Ok(()) => see_other(&format!("/app/conferences/{id}/edit?done={done}")),
        Err(problems) => show_edit(visit, app, id, super::status_of(&problems), Some(fields), &problems).await,
    }
}

fn version_of(fields: &Fields) -> i64 {
    fields.text("version").and_then(|v| v.parse::<i64>().ok()).unwrap_or(-1)
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
    let variables = json!({ "id": id, "version": version_of(&fields), "input": input });
    match visit.run(app, document, variables).await {
        Ok(_) => see_other(&format!("/app/conferences/{id}?done=edit")),
        Err(problems) => show_edit(&visit, app, &id, super::status_of(&problems), Some(&fields), &problems).await,
    }
}

/// Adds a chair or participant to a recorded conference; a name no stored official has is
/// recorded as a new official, in the same step.
#[handler]
pub(super) async fn add_participant(
    super::Data(app): AppData<'_>,
    request: &Request,
    Path(id): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let (visit, fields) = open!(app, request, fields, Role::Editor);
    let made = async {
        let mut input = json!({
            "conference": id,
            "role": fields.text("role").unwrap_or_else(|| "ATTENDEE".into()),
            "capacity": fields.text("capacity"),
        });
        match picked(&visit, app, &fields, "person", "official").await? {
            Some(Ok(official)) => input["official"] = json!(official),
            Some(Err(words)) => input["newOfficial"] = json!({ "name": words }),
            None => return Err(vec![required(&visit, "conference.person")]),
        }
        let document = "mutation($input: CreateParticipationInput!) { createParticipation(input: $input) { id } }";
        Ok((document, json!({ "input": input })))
    }
    .await;
    change(&visit, app, &id, &fields, made, "participant").await
}

/// Takes a participation off a recorded conference, against the version the page showed.
#[handler]
pub(super) async fn remove_participant(
    super::Data(app): AppData<'_>,
    request: &Request,
    Path((id, participation)): Path<(String, String)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let (visit, fields) = open!(app, request, fields, Role::Editor);
    let document =
        "mutation($id: ID!, $version: Int!) { deleteParticipation(id: $id, expectedVersion: $version) { id } }";
    let variables = json!({ "id": participation, "version": version_of(&fields) });
    change(&visit, app, &id, &fields, Ok((document, variables)), "participant").await
}

/// The conference's directive links as `ConferenceDirectiveInput`s, their citations kept.
fn directive_links(node: &Value) -> Vec<Value> {
    let links = node["directives"].as_array().map_or(&[][..], Vec::as_slice);
    links
        .iter()
        .filter(|link| link["directive"]["id"].is_string())
        .map(|link| {
            let citations: Vec<Value> = link["citations"]
                .as_array()
                .map_or(&[][..], Vec::as_slice)
                .iter()
                .filter(|c| c["source"]["id"].is_string())
                .map(|c| json!({ "source": c["source"]["id"], "quote": c["quote"], "locator": c["locator"] }))
                .collect();
            json!({ "relation": link["relation"], "directive": link["directive"]["id"], "citations": citations })
        })
        .collect()
}

const SET_DIRECTIVES: &str = "mutation($id: ID!, $version: Int!, $input: UpdateConferenceInput!) {
  updateConference(id: $id, expectedVersion: $version, input: $input) { id } }";

/// Links a directive to a recorded conference, against the version the page showed; the links
/// it has keep their evidence.
#[handler]
pub(super) async fn add_directive(
    super::Data(app): AppData<'_>,
    request: &Request,
    Path(id): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let (visit, fields) = open!(app, request, fields, Role::Editor);
    let added = match picked(&visit, app, &fields, "directive", "directive").await {
        Ok(Some(Ok(directive))) => {
            let relation = fields.text("relation").unwrap_or_else(|| "DISCUSSES".into());
            Ok(json!({ "relation": relation, "directive": directive }))
        }
        Ok(Some(Err(words))) => Err(vec![not_found(&visit, "task.directive", None, &words)]),
        Ok(None) => Err(vec![required(&visit, "task.directive")]),
        Err(problems) => Err(problems),
    };
    match added {
        Ok(link) => relink(&visit, app, &id, &fields, |links| links.push(link)).await,
        Err(problems) => change(&visit, app, &id, &fields, Err(problems), "directive").await,
    }
}

/// Unlinks a directive from a recorded conference, against the version the page showed; the
/// other links keep their evidence.
#[handler]
pub(super) async fn remove_directive(
    super::Data(app): AppData<'_>,
    request: &Request,
    Path(id): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let (visit, fields) = open!(app, request, fields, Role::Editor);
    let (directive, relation) = (fields.text("directive"), fields.text("relation"));
    relink(&visit, app, &id, &fields, |links| {
        links.retain(|l| {
            !(l["directive"].as_str() == directive.as_deref() && l["relation"].as_str() == relation.as_deref())
        })
    })
    .await
}

/// Sets the conference's directive links to its links as stored, changed by `edit`, against
/// the version the page showed.
async fn relink(
    visit: &Visit,
    app: &super::App,
    id: &str,
    fields: &Fields,
    edit: impl FnOnce(&mut Vec<Value>),
) -> Response {
    let made = match recorded(visit, app, id).await {
        Ok(node) => {
            let mut links = directive_links(&node);
            edit(&mut links);
            Ok((SET_DIRECTIVES, json!({ "id": id, "version": version_of(fields), "input": { "directives": links } })))
        }
        Err(response) => return response,
    };
    change(visit, app, id, fields, made, "directive").await
}

/// Records a task assigned at a recorded conference.
#[handler]
pub(super) async fn add_task(
    super::Data(app): AppData<'_>,
    request: &Request,
    Path(id): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let (visit, fields) = open!(app, request, fields, Role::Editor);
    let made = async {
        let assignees = match picked(&visit, app, &fields, "assignee", "assignee").await? {
            Some(Ok(assignee)) => vec![assignee],
            Some(Err(words)) => return Err(vec![not_found(&visit, "task.assignees", None, &words)]),
            None => Vec::new(),
        };
        let input = json!({
            "title": fields.text("task").unwrap_or_default(),
            "dueOn": fields.text("due"),
            "conference": id,
            "assignees": assignees,
        });
        Ok(("mutation($input: CreateTaskInput!) { createTask(input: $input) { id } }", json!({ "input": input })))
    }
    .await;
    change(&visit, app, &id, &fields, made, "task").await
}
