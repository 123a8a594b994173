//! Pages to browse the record: an official (posts over time with how sure each is and the
//! evidence, conferences chaired and attended, tasks), a directive (its conferences and its
//! tasks with their state), a conference, a body; search; and the suggestions behind the
//! pickers. Every list on them downloads as CSV (`?csv=` and the list's name).

use super::board::{TASK_ROW, row};
use super::export::{cell, csv_response, table, task_cells, task_headings};
use super::{AppData, Problem, Visit, query_fields};
use poem::http::StatusCode;
use poem::web::Path;
use poem::{Request, Response, handler};
use serde_json::{Value, json};

const OFFICIAL: &str = "query Official($id: ID!, $asOf: Date) { node(id: $id) { __typename ... on Official {
  id key name
  tenures(asOf: $asOf, minCertainty: POSSIBLE) {
    id startedOn endedOn certainty firstAttestedOn lastAttestedOn
    post { id title organization { id name } }
    evidence { ...Attested }
    attestations { ...Attested }
  }
  chaired { id title date kind area { name } }
  participations { role capacity conference { id title date } }
  tasks { ...Row }
} } }
fragment Attested on Attestation { on title quote origin sources { id title url publishedOn } conference { id title } }";

const DIRECTIVE: &str = "query Directive($id: ID!) { node(id: $id) { __typename ... on Directive {
  id key code kind number label title issuedOn periodStart periodEnd status
  issuer { id name }
  conferenceLinks { relation conference { id title date area { name } } }
  related { relation direction directive { id label title } }
  citations { quote source { id title url publishedOn } }
  tasks { ...Row }
} } }";

const CONFERENCE: &str = "query Conference($id: ID!) { node(id: $id) { __typename ... on Conference {
  id version key title kind format date datePrecision dateInferred dateNote partOfDay startsAt timeZone venue
  area { id name }
  organizers { id name }
  bodies { role organization { id name } }
  participants { role capacity official { id name } organization { id name }
    postsHeld(minCertainty: POSSIBLE) { certainty post { title organization { name } } } }
  directives { relation directive { id label title } }
  citations { quote source { id title url publishedOn publisher } }
  tasks { ...Row }
} } }";

const ORGANIZATION: &str =
    "query Organization($id: ID!, $asOf: Date) { node(id: $id) { __typename ... on Organization {
  id key name shortName kind startedOn endedOn
  parent { id name }
  children { id name }
  area { id name }
  holdings(asOf: $asOf) { certainty official { id name } post { title } }
  conferencesOrganized { id title date }
  tasksAssigned { ...Row }
} } }";

/// A node's page: its data by `document`, the page `template`, and the CSV of the list the
/// query's `csv` names (`lists` gives, for each name, its headings and rows).
async fn node_page(
    app: &super::App,
    request: &Request,
    id: &str,
    (typename, document, template): (&str, &str, &str),
    lists: fn(&Visit, &Value) -> Vec<(&'static str, Vec<String>, Vec<Vec<String>>)>,
) -> Response {
    let visit = open!(app, request);
    let fields = query_fields(request);
    let as_of = fields.text("as_of");
    let document = format!("{document}\n{TASK_ROW}");
    let data = match visit.run(app, &document, json!({ "id": id, "asOf": as_of })).await {
        Ok(data) => data,
        Err(problems) => return visit.refuse(problems),
    };
    let mut node = data["node"].clone();
    if node["__typename"] != typename {
        return visit.message(StatusCode::NOT_FOUND, "error.title", &visit.t("error.NOT_FOUND"), Some("/app"));
    }
    if let Some(wanted) = fields.text("csv") {
        let found = lists(&visit, &node).into_iter().find(|(name, _, _)| *name == wanted);
        return match found {
            Some((name, headings, rows)) => {
                csv_response(table(&headings, rows), &format!("govtrail-{}-{name}.csv", typename.to_lowercase()))
            }
            None => visit.message(StatusCode::NOT_FOUND, "error.title", &visit.t("error.NOT_FOUND"), None),
        };
    }
    if let Some(tasks) = node["tasks"].as_array().or(node["tasksAssigned"].as_array()).cloned() {
        node["task_rows"] = Value::Array(tasks.into_iter().map(row).collect());
    }
    visit.page(template, json!({ "node": node, "as_of": as_of }))
}

/// Headings from catalogue keys.
fn headings(visit: &Visit, keys: &[&str]) -> Vec<String> {
    keys.iter().map(|key| visit.t(key)).collect()
}

/// The CSV of a list of tasks.
fn task_list(visit: &Visit, name: &'static str, tasks: &Value) -> (&'static str, Vec<String>, Vec<Vec<String>>) {
    let heads = task_headings(visit);
    let label = visit.t(&format!("csv.list.{name}"));
    let rows = tasks.as_array().into_iter().flatten().map(|t| task_cells(visit, &label, t)).collect();
    (name, heads, rows)
}

/// The CSV of a list of conferences.
fn conference_list(
    visit: &Visit,
    name: &'static str,
    conferences: impl Iterator<Item = (String, Value)>,
) -> (&'static str, Vec<String>, Vec<Vec<String>>) {
    let heads = headings(visit, &["csv.role", "csv.date", "csv.conference", "csv.id"]);
    let rows = conferences.map(|(role, c)| vec![role, cell(&c["date"]), cell(&c["title"]), cell(&c["id"])]).collect();
    (name, heads, rows)
}

fn official_lists(visit: &Visit, node: &Value) -> Vec<(&'static str, Vec<String>, Vec<Vec<String>>)> {
    let posts = node["tenures"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|t| {
            vec![
                cell(&t["post"]["title"]),
                cell(&t["post"]["organization"]["name"]),
                cell(&t["startedOn"]),
                cell(&t["endedOn"]),
                cell(&t["firstAttestedOn"]),
                cell(&t["lastAttestedOn"]),
                t["certainty"].as_str().map(|c| visit.t(&format!("certainty.{c}"))).unwrap_or_default(),
                cell(&t["id"]),
            ]
        })
        .collect();
    let post_heads = headings(
        visit,
        &[
            "csv.post",
            "csv.organization",
            "csv.started_on",
            "csv.ended_on",
            "csv.first_attested",
            "csv.last_attested",
            "csv.certainty",
            "csv.id",
        ],
    );
    let chaired = node["chaired"].as_array().cloned().unwrap_or_default();
    let attended = node["participations"].as_array().cloned().unwrap_or_default();
    let conferences = chaired.into_iter().map(|c| (visit.t("role.CHAIR"), c)).chain(
        attended
            .into_iter()
            .filter(|p| p["role"] != "CHAIR")
            .map(|p| (visit.t(&format!("role.{}", cell(&p["role"]))), p["conference"].clone())),
    );
    vec![
        ("posts", post_heads, posts),
        conference_list(visit, "conferences", conferences),
        task_list(visit, "tasks", &node["tasks"]),
    ]
}

fn directive_lists(visit: &Visit, node: &Value) -> Vec<(&'static str, Vec<String>, Vec<Vec<String>>)> {
    let links = node["conferenceLinks"].as_array().cloned().unwrap_or_default();
    let conferences =
        links.into_iter().map(|l| (visit.t(&format!("relation.{}", cell(&l["relation"]))), l["conference"].clone()));
    vec![conference_list(visit, "conferences", conferences), task_list(visit, "tasks", &node["tasks"])]
}

fn conference_lists(visit: &Visit, node: &Value) -> Vec<(&'static str, Vec<String>, Vec<Vec<String>>)> {
    let people = node["participants"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| {
            vec![
                visit.t(&format!("role.{}", cell(&p["role"]))),
                cell(&p["official"]["name"]),
                cell(&p["capacity"]),
                cell(&p["organization"]["name"]),
                cell(&p["official"]["id"]),
            ]
        })
        .collect();
    let heads = headings(visit, &["csv.role", "csv.name", "csv.capacity", "csv.organization", "csv.id"]);
    vec![("participants", heads, people), task_list(visit, "tasks", &node["tasks"])]
}

fn organization_lists(visit: &Visit, node: &Value) -> Vec<(&'static str, Vec<String>, Vec<Vec<String>>)> {
    let holders = node["holdings"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|h| {
            vec![
                cell(&h["post"]["title"]),
                cell(&h["official"]["name"]),
                h["certainty"].as_str().map(|c| visit.t(&format!("certainty.{c}"))).unwrap_or_default(),
                cell(&h["official"]["id"]),
            ]
        })
        .collect();
    let heads = headings(visit, &["csv.post", "csv.name", "csv.certainty", "csv.id"]);
    let organized = node["conferencesOrganized"].as_array().cloned().unwrap_or_default();
    let conferences = organized.into_iter().map(|c| (visit.t("role.ORGANIZER"), c));
    vec![
        ("holders", heads, holders),
        conference_list(visit, "conferences", conferences),
        task_list(visit, "tasks", &node["tasksAssigned"]),
    ]
}

/// An official's page.
#[handler]
pub(super) async fn official(super::Data(app): AppData<'_>, request: &Request, Path(id): Path<String>) -> Response {
    node_page(app, request, &id, ("Official", OFFICIAL, "official.html"), official_lists).await
}

/// A directive's page.
#[handler]
pub(super) async fn directive(super::Data(app): AppData<'_>, request: &Request, Path(id): Path<String>) -> Response {
    node_page(app, request, &id, ("Directive", DIRECTIVE, "directive.html"), directive_lists).await
}

/// A conference's page.
#[handler]
pub(super) async fn conference(super::Data(app): AppData<'_>, request: &Request, Path(id): Path<String>) -> Response {
    node_page(app, request, &id, ("Conference", CONFERENCE, "conference.html"), conference_lists).await
}

/// A body's page.
#[handler]
pub(super) async fn organization(super::Data(app): AppData<'_>, request: &Request, Path(id): Path<String>) -> Response {
    node_page(app, request, &id, ("Organization", ORGANIZATION, "organization.html"), organization_lists).await
}

/// The search page: officials, bodies, directives, conferences and tasks by their words.
#[handler]
pub(super) async fn search(super::Data(app): AppData<'_>, request: &Request) -> Response {
    let visit = open!(app, request);
    let fields = query_fields(request);
    let Some(text) = fields.text("q") else {
        return visit.page("search.html", json!({ "q": "", "hits": [] }));
    };
    let data = match visit.run(app, SEARCH, json!({ "text": text, "types": Value::Null, "first": 50 })).await {
        Ok(data) => data,
        Err(problems) => return visit.refuse(problems),
    };
    let hits: Vec<Value> = data["search"]["nodes"].as_array().cloned().unwrap_or_default();
    if fields.text("csv").is_some() {
        let heads = headings(&visit, &["csv.kind", "csv.name", "csv.id"]);
        let rows = hits.iter().map(|h| {
            vec![visit.t(&format!("kind.{}", cell(&h["type"]))), hit_name(&h["node"]), cell(&h["node"]["id"])]
        });
        return csv_response(table(&heads, rows), "govtrail-search.csv");
    }
    visit.page("search.html", json!({ "q": text, "hits": hits, "total": data["search"]["totalCount"] }))
}

const SEARCH: &str =
    "query($text: String!, $types: [SearchType!], $first: Int) { search(text: $text, types: $types, first: $first) {
  totalCount nodes { type score node { __typename id
    ... on Official { name } ... on Organization { name } ... on Post { title }
    ... on Directive { label title } ... on Conference { title date } ... on Task { title dueOn } } } } }";

/// The name a search hit is shown by.
fn hit_name(node: &Value) -> String {
    match (node["name"].as_str(), node["label"].as_str(), node["title"].as_str()) {
        (Some(name), _, _) => name.to_owned(),
        (None, Some(label), Some(title)) if label != title => format!("{label}: {title}"),
        (None, Some(label), _) => label.to_owned(),
        (None, None, Some(title)) => title.to_owned(),
        _ => String::new(),
    }
}

/// What a picker of `kind` (official, organization, directive, area; anything else an
/// assignee: an official or a body) offers for `words`, best first, at most `first`: the API's
/// search, and areas by their names. Each as `{id, name}`.
pub(super) async fn choices(
    visit: &Visit,
    app: &super::App,
    kind: &str,
    words: &str,
    first: i64,
) -> Result<Vec<Value>, Vec<Problem>> {
    if kind == "area" {
        let document = "query($text: String!, $first: Int) { areas(filter: { text: $text }, first: $first) { nodes { id name } } }";
        let data = visit.run(app, document, json!({ "text": words, "first": first })).await?;
        return Ok(data["areas"]["nodes"].as_array().cloned().unwrap_or_default());
    }
    let types = match kind {
        "official" => json!(["OFFICIAL"]),
        "organization" => json!(["ORGANIZATION"]),
        "directive" => json!(["DIRECTIVE"]),
        _ => json!(["OFFICIAL", "ORGANIZATION"]),
    };
    let data = visit.run(app, SEARCH, json!({ "text": words, "types": types, "first": first })).await?;
    Ok(data["search"]["nodes"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|h| json!({ "id": h["node"]["id"], "name": hit_name(&h["node"]) }))
        .collect())
}

/// Suggestions for a picker, as JSON: `?type=official|organization|directive|area|assignee&q=`.
/// The script of the pages fills a list of choices with them; without script the forms take
/// the words and the server looks them up.
#[handler]
pub(super) async fn pick(super::Data(app): AppData<'_>, request: &Request) -> Response {
    let visit = open!(app, request);
    let fields = query_fields(request);
    let text = fields.text("q").unwrap_or_default();
    let kind = fields.text("type").unwrap_or_default();
    let answer = if text.is_empty() { Ok(Vec::new()) } else { choices(&visit, app, &kind, &text, 10).await };
    match answer {
        Ok(choices) => poem::Response::builder()
            .content_type("application/json")
            .header("cache-control", "no-store")
            .body(Value::Array(choices).to_string()),
        Err(problems) => visit.refuse(problems),
    }
}
