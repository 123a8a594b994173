//! The follow-up board at `/app`: the tasks still owed, in four columns (overdue, due this
//! week, due later this month, without a deadline), filtered by organization (with the bodies
//! under it), directive, area and assignee; and the same lists as CSV.
//!
//! The columns are cut at dates of the app's zone (Vietnam); each task's "overdue" and "days
//! left" are the API's, judged in the task's own zone.

use super::export::{csv_response, tasks_body};
use super::render::ZONE;
use super::{AppData, Fields, Visit, query_fields, see_other};
use chrono::{Datelike, Days, NaiveDate};
use poem::{Request, Response, handler};
use serde_json::{Map, Value, json};

/// The fields of a task in a list row.
pub(super) const TASK_ROW: &str = "fragment Row on Task {
  id title status dueOn timeZone isOverdue daysUntilDue
  directive { id label }
  assignedAt { id title date }
  assignees { __typename ... on Organization { id name } ... on Official { id name } }
  updates { date status progressPercent note }
}";

/// How many tasks a column shows on the board; the rest are a click (or the CSV) away.
const COLUMN_ROWS: i64 = 50;
/// How many tasks a column shows on its own page.
const PAGE_ROWS: i64 = 100;

/// The board's columns, in order.
const COLUMNS: [&str; 4] = ["overdue", "week", "month", "none"];

/// The filters the board takes, by the query names the page uses.
const FILTERS: [(&str, &str); 4] =
    [("organization", "organization"), ("directive", "directive"), ("area", "area"), ("assignee", "assignee")];

/// Today in the app's zone.
pub(super) fn today(app: &super::App) -> NaiveDate {
    app.state.clock.now().with_timezone(&ZONE).date_naive()
}

/// The task filter of one column, on top of the chosen filters.
fn column_filter(column: &str, base: &Map<String, Value>, today: NaiveDate) -> Value {
    let owed = json!(["OPEN", "IN_PROGRESS"]);
    let sunday = today + Days::new(u64::from(6 - today.weekday().num_days_from_monday()));
    let month_end = NaiveDate::from_ymd_opt(today.year(), today.month(), 1)
        .and_then(|first| first.checked_add_months(chrono::Months::new(1)))
        .and_then(|next| next.pred_opt())
        .unwrap_or(today);
    let mut filter = base.clone();
    let own = match column {
        "overdue" => json!({ "overdueAsOf": today.to_string() }),
        "week" => json!({ "status": owed, "dueFrom": today.to_string(), "dueTo": sunday.to_string() }),
        "month" => {
            json!({ "status": owed, "dueFrom": (sunday + Days::new(1)).to_string(), "dueTo": month_end.to_string() })
        }
        _ => json!({ "status": owed, "hasDueDate": false }),
    };
    if let Value::Object(own) = own {
        filter.extend(own);
    }
    Value::Object(filter)
}

/// The chosen filters as a TaskFilter (ids as the page carries them).
fn base_filter(fields: &Fields) -> Map<String, Value> {
    FILTERS
        .iter()
        .filter_map(|(param, field)| fields.text(param).map(|id| ((*field).to_owned(), Value::String(id))))
        .collect()
}

/// What a filter's words name: the best match of the pickers' search, if any.
async fn resolve(visit: &Visit, app: &super::App, param: &str, words: &str) -> Result<Option<String>, Response> {
    let found = super::browse::choices(visit, app, param, words, 1).await.map_err(|p| visit.refuse(p))?;
    Ok(found.first().and_then(|c| c["id"].as_str()).map(str::to_owned))
}

/// When the filter form sent words to look for (`organization_q`...), the board with what they
/// name chosen; none otherwise.
async fn picked(visit: &Visit, app: &super::App, fields: &Fields) -> Result<Option<Response>, Response> {
    let mut chosen: Vec<(String, String)> = Vec::new();
    let mut looked = false;
    for (param, _) in FILTERS {
        let words = fields.text(&format!("{param}_q"));
        let shown = fields.text(&format!("{param}_shown"));
        match (words, fields.text(param)) {
            // Words that are the name of what is chosen already keep it.
            (Some(words), Some(id)) if shown.as_deref() == Some(words.as_str()) => chosen.push((param.into(), id)),
            (Some(words), _) => {
                looked = true;
                match resolve(visit, app, param, &words).await? {
                    Some(id) => chosen.push((param.into(), id)),
                    None => chosen.push((format!("{param}_missing"), words)),
                }
            }
            (None, Some(id)) if !fields.0.iter().any(|(k, _)| k == &format!("{param}_q")) => {
                chosen.push((param.into(), id))
            }
            // The words were cleared: the filter is dropped.
            (None, _) => looked |= fields.text(param).is_some(),
        }
    }
    if !looked {
        return Ok(None);
    }
    if let Some(column) = fields.text("column") {
        chosen.push(("column".into(), column));
    }
    Ok(Some(see_other(&format!("/app?{}", serde_urlencoded::to_string(&chosen).unwrap_or_default()))))
}

/// The names of the chosen filters (by id, for the form and the chips), from the nodes the
/// board's query read for `ids`.
fn filter_names(ids: &[&str], nodes: &Value) -> Map<String, Value> {
    let mut names = Map::new();
    for (id, node) in ids.iter().zip(nodes.as_array().into_iter().flatten()) {
        if let Some(name) = node["name"].as_str().or(node["label"].as_str()) {
            names.insert((*id).to_owned(), Value::String(name.to_owned()));
        }
    }
    names
}

/// The board, or one of its columns page by page (`?column=overdue&after=...`).
#[handler]
pub(super) async fn board(super::Data(app): AppData<'_>, request: &Request) -> Response {
    let visit = open!(app, request);
    let fields = query_fields(request);
    match picked(&visit, app, &fields).await {
        Ok(Some(redirect)) => return redirect,
        Ok(None) => {}
        Err(response) => return response,
    }
    let base = base_filter(&fields);
    let today = today(app);
    let only = fields.text("column").filter(|c| COLUMNS.contains(&c.as_str()));
    let columns: Vec<&str> = match &only {
        Some(column) => vec![column.as_str()],
        None => COLUMNS.to_vec(),
    };
    let mut document = String::from("query Board(");
    let mut variables = Map::new();
    for column in &columns {
        document.push_str(&format!("${column}: TaskFilter!, "));
        variables.insert((*column).to_owned(), column_filter(column, &base, today));
    }
    document.push_str("$first: Int!, $after: String, $ids: [ID!]!) {");
    document.push_str(
        " chosen: nodes(ids: $ids) { id ... on Organization { name } ... on Official { name } \
         ... on Area { name } ... on Directive { label } }",
    );
    for column in &columns {
        document.push_str(&format!(
            " {column}: tasks(filter: ${column}, orderBy: [DUE_ASC, TITLE_ASC], first: $first, after: $after) \
             {{ totalCount nodes {{ ...Row }} pageInfo {{ hasNextPage endCursor }} }}"
        ));
    }
    document.push_str(" }\n");
    document.push_str(TASK_ROW);
    variables.insert("first".into(), json!(if only.is_some() { PAGE_ROWS } else { COLUMN_ROWS }));
    variables.insert("after".into(), fields.text("after").map_or(Value::Null, Value::String));
    let ids: Vec<&str> = FILTERS.iter().filter_map(|(_, field)| base.get(*field).and_then(Value::as_str)).collect();
    variables.insert("ids".into(), json!(ids));
    let data = match visit.run(app, &document, Value::Object(variables)).await {
        Ok(data) => data,
        Err(problems) => return visit.refuse(problems),
    };
    let names = filter_names(&ids, &data["chosen"]);
    let shown: Vec<Value> = columns
        .iter()
        .map(|column| {
            let list = &data[*column];
            json!({
                "key": column,
                "count": list["totalCount"],
                "tasks": list["nodes"].as_array().cloned().unwrap_or_default().into_iter().map(row).collect::<Vec<_>>(),
                "more": list["pageInfo"]["hasNextPage"],
                "next": list["pageInfo"]["endCursor"],
            })
        })
        .collect();
    let chosen: Vec<Value> = FILTERS
        .iter()
        .filter_map(|(param, field)| {
            let id = base.get(*field)?.as_str()?;
            Some(json!({ "param": param, "id": id, "name": names.get(id).cloned().unwrap_or(Value::String(id.to_owned())) }))
        })
        .collect();
    let missing: Vec<Value> = FILTERS
        .iter()
        .filter_map(|(param, _)| {
            fields.text(&format!("{param}_missing")).map(|words| json!({ "param": param, "words": words }))
        })
        .collect();
    let query = serde_urlencoded::to_string(
        FILTERS.iter().filter_map(|(param, field)| Some((*param, base.get(*field)?.as_str()?))).collect::<Vec<_>>(),
    )
    .unwrap_or_default();
    visit.page(
        "board.html",
        json!({
            "today": today.to_string(),
            "columns": shown,
            "only": only,
            "filters": chosen,
            "missing": missing,
            "filter_query": query,
        }),
    )
}

/// A task row as the pages show it: its last progress update picked out.
pub(super) fn row(mut task: Value) -> Value {
    let last = last_update(&task).clone();
    if let Value::Object(fields) = &mut task {
        fields.insert("last_update".into(), last);
    }
    task
}

/// A task's last progress update (null when it has none).
pub(super) fn last_update(task: &Value) -> &Value {
    task["updates"].as_array().and_then(|u| u.last()).unwrap_or(&Value::Null)
}

/// The board's tasks as CSV: every column (or the one asked), with the filters applied.
#[handler]
pub(super) async fn board_csv(super::Data(app): AppData<'_>, request: &Request) -> Response {
    let visit = open!(app, request);
    let fields = query_fields(request);
    let base = base_filter(&fields);
    let today = today(app);
    let columns: Vec<&str> = match fields.text("column") {
        Some(column) => COLUMNS.iter().copied().filter(|c| *c == column).collect(),
        None => COLUMNS.to_vec(),
    };
    let lists = columns
        .iter()
        .map(|column| (visit.t(&format!("board.column.{column}")), column_filter(column, &base, today)))
        .collect();
    csv_response(tasks_body(visit, app.clone(), lists), &format!("govtrail-board-{today}.csv"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_cut_at_the_end_of_the_week_and_of_the_month() {
        // Wednesday 14 July 2021: the week ends on Sunday the 18th, the month on the 31st.
        let today = NaiveDate::from_ymd_opt(2021, 7, 13).unwrap() + Days::new(1);
        let base = Map::new();
        assert_eq!(column_filter("week", &base, today)["dueTo"], "2021-07-18");
        assert_eq!(column_filter("month", &base, today)["dueFrom"], "2021-07-19");
        assert_eq!(column_filter("month", &base, today)["dueTo"], "2021-07-31");
        assert_eq!(column_filter("overdue", &base, today)["overdueAsOf"], "2021-07-14");
        assert_eq!(column_filter("none", &base, today)["hasDueDate"], false);
        // On a Sunday the week is that day alone.
        let sunday = NaiveDate::from_ymd_opt(2021, 7, 18).unwrap();
        assert_eq!(column_filter("week", &base, sunday)["dueTo"], "2021-07-18");
    }
}
