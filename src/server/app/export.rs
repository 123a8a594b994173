//! The app's lists as CSV: UTF-8 with a byte-order mark, so that spreadsheet programs read
//! Vietnamese correctly, headings in the page's language, dates as ISO dates. A long list is
//! read page by page and sent as it is read, so a download holds one page in memory.

use super::board::{TASK_ROW, last_update};
use super::{App, Visit};
use poem::http::header;
use poem::{Body, Response};
use serde_json::{Value, json};
use std::sync::Arc;

/// The byte-order mark that tells spreadsheet programs the file is UTF-8.
const BOM: &str = "\u{feff}";

/// How many rows one list of a download may hold: a thousand pages of the API's largest page.
/// What lies beyond is left out, and the file's last row says so.
const MAX_ROWS: usize = 100_000;

/// One CSV line of `cells`.
fn line(cells: &[String]) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    // Writing to memory fails only if a cell were not UTF-8, which a String cannot be.
    let _ = writer.write_record(cells);
    writer.into_inner().unwrap_or_default()
}

/// A whole table, for the short lists of a page: the headings, then the rows.
pub(super) fn table(headings: &[String], rows: impl IntoIterator<Item = Vec<String>>) -> Vec<u8> {
    let mut bytes = BOM.as_bytes().to_vec();
    bytes.extend(line(headings));
    for cells in rows {
        bytes.extend(line(&cells));
    }
    bytes
}

/// A download named `filename`.
pub(super) fn csv_response(body: impl Into<Body>, filename: &str) -> Response {
    Response::builder()
        .content_type("text/csv; charset=utf-8")
        .header(header::CONTENT_DISPOSITION, format!("attachment; filename=\"{filename}\""))
        .header(header::CACHE_CONTROL, "no-store")
        .header("x-content-type-options", "nosniff")
        .body(body)
}

/// The text of a JSON value in a cell.
pub(super) fn cell(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The names of a task's assignees, in one cell.
fn assignee_names(task: &Value) -> String {
    task["assignees"].as_array().into_iter().flatten().filter_map(|a| a["name"].as_str()).collect::<Vec<_>>().join("; ")
}

/// The headings of a task list.
pub(super) fn task_headings(visit: &Visit) -> Vec<String> {
    [
        "csv.list",
        "csv.title",
        "csv.status",
        "csv.due_on",
        "csv.time_zone",
        "csv.overdue",
        "csv.days_left",
        "csv.directive",
        "csv.conference",
        "csv.conference_date",
        "csv.assignees",
        "csv.last_update",
        "csv.progress",
        "csv.note",
        "csv.id",
    ]
    .iter()
    .map(|key| visit.t(key))
    .collect()
}

/// One task's cells, under the list `list`.
pub(super) fn task_cells(visit: &Visit, list: &str, task: &Value) -> Vec<String> {
    let last = last_update(task);
    vec![
        list.to_owned(),
        cell(&task["title"]),
        visit.t(&format!("status.{}", cell(&task["status"]))),
        cell(&task["dueOn"]),
        cell(&task["timeZone"]),
        visit.t(if task["isOverdue"] == true { "csv.yes" } else { "csv.no" }),
        cell(&task["daysUntilDue"]),
        cell(&task["directive"]["label"]),
        cell(&task["assignedAt"]["title"]),
        cell(&task["assignedAt"]["date"]),
        assignee_names(task),
        cell(&last["date"]),
        cell(&last["progressPercent"]),
        cell(&last["note"]),
        cell(&task["id"]),
    ]
}

/// Every task of each `(name, TaskFilter)` list, page by page, as the visitor may read them.
pub(super) fn tasks_body(visit: Visit, app: Arc<App>, lists: Vec<(String, Value)>) -> Body {
    let document = format!(
        "query($filter: TaskFilter!, $after: String) {{ tasks(filter: $filter, orderBy: [DUE_ASC, TITLE_ASC], first: 100, after: $after) \
         {{ nodes {{ ...Row }} pageInfo {{ hasNextPage endCursor }} }} }}\n{TASK_ROW}"
    );
    let stream = async_stream::stream! {
        let mut head = BOM.as_bytes().to_vec();
        head.extend(line(&task_headings(&visit)));
        yield Ok::<_, std::io::Error>(head);
        for (name, filter) in lists {
            let mut after = Value::Null;
            let mut rows = 0;
            loop {
                let data = match visit.run(&app, &document, json!({ "filter": filter, "after": after })).await {
                    Ok(data) => data,
                    Err(problems) => {
                        // The file so far is sent; its last line says why it stops.
                        let reason = problems.first().map(|p| format!("{}: {}", p.code, p.message)).unwrap_or_default();
                        yield Ok(line(&[visit.t("csv.stopped"), reason]));
                        return;
                    }
                };
                let mut chunk = Vec::new();
                for task in data["tasks"]["nodes"].as_array().into_iter().flatten() {
                    chunk.extend(line(&task_cells(&visit, &name, task)));
                    rows += 1;
                }
                yield Ok(chunk);
                let page = &data["tasks"]["pageInfo"];
                if page["hasNextPage"] != true {
                    break;
                }
                if rows >= MAX_ROWS {
                    yield Ok(line(&[visit.t("csv.truncated"), MAX_ROWS.to_string()]));
                    break;
                }
                after = page["endCursor"].clone();
            }
        }
    };
    Body::from_bytes_stream(stream)
}
