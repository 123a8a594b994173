//! Report in: a report's text (with its address and date) is drafted by `extractReport`; the
//! review page shows the text with the words of each drafted fact marked, and the facts as a
//! form to correct, drop, or match with a stored record where several could be meant; saving
//! drafts the same text again, applies the corrections and records the result with
//! `importDraft`, in one transaction, every record citing the report.

use super::{AppData, Fields, Problem, Visit, render, see_other};
use crate::auth::Role;
use crate::domain::vocabulary::{ConferenceDirectiveRelation, ConferenceFormat, ConferenceKind, ParticipationRole};
use poem::http::StatusCode;
use poem::web::Form;
use poem::{Request, Response, handler};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet, HashMap};

const EXTRACT: &str = "query Draft($text: String!, $source: ReportSourceInput) {
  extractReport(text: $text, source: $source) {
    text dataset
    review { place kind message reason details { name value } quote candidates { key name } }
  } }";

/// What the form may change in a drafted record: these fields, nothing else.
const EDITABLE: [&str; 8] = ["title", "date", "kind", "format", "name", "dueOn", "role", "relation"];

/// The page where a report is pasted.
#[handler]
pub(super) async fn form(super::Data(app): AppData<'_>, request: &Request) -> Response {
    let visit = open!(app, request);
    if let Err(response) = visit.may_open_forms() {
        return response;
    }
    visit.page("report.html", json!({ "source": {}, "problems": [] }))
}

/// The report as the forms carry it: its text and what is known of its source.
fn report_of(fields: &Fields) -> (String, Value) {
    let text = fields.get("text").unwrap_or("").to_owned();
    let source = json!({
        "url": fields.text("url"),
        "publishedOn": fields.text("published_on"),
        "publisher": fields.text("publisher"),
        "area": fields.text("area"),
    });
    (text, source)
}

/// A report's draft as the review shows it.
struct Drafted {
    /// The draft's dataset, parsed.
    dataset: Value,
    /// The digest of the dataset as drafted, to tell on saving whether the draft changed.
    digest: String,
    /// What to review.
    review: Value,
    /// The text as read, which the citations' offsets point into.
    text: String,
}

/// Drafts the report.
async fn draft(visit: &Visit, app: &super::App, text: &str, source: &Value) -> Result<Drafted, Vec<Problem>> {
    let data = visit.run(app, EXTRACT, json!({ "text": text, "source": source })).await?;
    let report = &data["extractReport"];
    let dataset_text = report["dataset"].as_str().unwrap_or("{}");
    let digest = crate::auth::hash(dataset_text);
    let dataset: Value =
        serde_json::from_str(dataset_text).map_err(|err| vec![crate::error::AppError::internal(err).into()])?;
    Ok(Drafted {
        dataset,
        digest,
        review: report["review"].clone(),
        text: report["text"].as_str().unwrap_or("").to_owned(),
    })
}

/// Drafts the pasted report and shows it for review.
#[handler]
pub(super) async fn draft_page(
    super::Data(app): AppData<'_>,
    request: &Request,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let (visit, fields) = open!(app, request, fields, Role::Editor);
    let (text, source) = report_of(&fields);
    if text.trim().is_empty() {
        let problem = Problem { code: "BAD_USER_INPUT".into(), message: visit.t("report.empty") };
        return visit.page_with_status(
            StatusCode::BAD_REQUEST,
            "report.html",
            json!({ "source": source, "problems": [visit.problem(&problem)] }),
        );
    }
    match draft(&visit, app, &text, &source).await {
        Ok(drafted) => show_review(&visit, StatusCode::OK, &fields, &drafted, &[], None),
        Err(problems) => {
            let shown: Vec<Value> = problems.iter().map(|p| visit.problem(p)).collect();
            visit.page_with_status(
                StatusCode::BAD_REQUEST,
                "report.html",
                json!({ "source": source, "text": text, "problems": shown }),
            )
        }
    }
}

/// Where a citation's words stand: its locator "chars S-E".
fn span_of(citations: &Value) -> Option<(usize, usize)> {
    let locator = citations.as_array()?.iter().find_map(|c| c["locator"].as_str())?;
    let (start, end) = locator.strip_prefix("chars ")?.split_once('-')?;
    Some((start.trim().parse().ok()?, end.trim().parse().ok()?))
}

/// The report's text cut where the drafted facts' words begin and end: each piece with the
/// marks (numbers of facts) whose words it is part of.
fn pieces(text: &str, marks: &[(usize, usize)]) -> Vec<Value> {
    let chars: Vec<char> = text.chars().collect();
    let mut cuts: BTreeSet<usize> = BTreeSet::from([0, chars.len()]);
    for (start, end) in marks {
        cuts.insert((*start).min(chars.len()));
        cuts.insert((*end).min(chars.len()));
    }
    let cuts: Vec<usize> = cuts.into_iter().collect();
    cuts.windows(2)
        .map(|w| {
            let covering: Vec<usize> = marks
                .iter()
                .enumerate()
                .filter(|(_, (s, e))| *s <= w[0] && w[1] <= *e && s < e)
                .map(|(n, _)| n)
                .collect();
            let starting: Vec<usize> =
                marks.iter().enumerate().filter(|(_, (s, _))| *s == w[0]).map(|(n, _)| n).collect();
            json!({ "text": chars[w[0]..w[1]].iter().collect::<String>(), "marks": covering, "anchors": starting })
        })
        .collect()
}

/// One field of the review form.
fn input(path: String, label: &str, value: &Value, options: &[&str], values: &HashMap<String, String>) -> Value {
    let value = values.get(&path).cloned().unwrap_or_else(|| super::export::cell(value));
    json!({ "path": path, "label": label, "value": value, "options": options })
}

/// Shows the draft for review: the marked text, the facts as a form (the visitor's entries
/// kept when `fields` holds them), the review list and any problems.
fn show_review(
    visit: &Visit,
    status: StatusCode,
    fields: &Fields,
    drafted: &Drafted,
    problems: &[Problem],
    notice: Option<&str>,
) -> Response {
    let Drafted { dataset, digest, review, text } = drafted;
    let values: HashMap<String, String> =
        fields.0.iter().filter_map(|(k, v)| k.strip_prefix("f:").map(|p| (p.to_owned(), v.clone()))).collect();
    let dropped: BTreeSet<&str> = fields.0.iter().filter_map(|(k, _)| k.strip_prefix("drop:")).collect();
    let matched: HashMap<&str, &str> =
        fields.0.iter().filter_map(|(k, v)| k.strip_prefix("match:").map(|p| (p, v.as_str()))).collect();
    let mut marks: Vec<(usize, usize)> = Vec::new();
    let mut mark = |citations: &Value| -> Value {
        match span_of(citations) {
            Some(span) => {
                marks.push(span);
                json!(marks.len() - 1)
            }
            None => Value::Null,
        }
    };
    let officials: HashMap<&str, &str> = dataset["officials"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|o| Some((o["key"].as_str()?, o["name"].as_str()?)))
        .collect();
    let directives: HashMap<&str, String> = dataset["directives"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|d| Some((d["key"].as_str()?, d["code"].as_str().or(d["title"].as_str())?.to_owned())))
        .collect();
    let t = |key: &str| visit.t(key);
    let mut groups = Vec::new();
    for (i, conference) in dataset["conferences"].as_array().into_iter().flatten().enumerate() {
        let at = format!("conferences.{i}");
        let mut rows = vec![json!({
            "drop": at, "dropped": dropped.contains(at.as_str()), "mark": mark(&conference["sources"]),
            "quote": conference["sources"][0]["quote"],
            "inputs": [
                input(format!("{at}.title"), &t("review.title_field"), &conference["title"], &[], &values),
                input(format!("{at}.date"), &t("review.date"), &conference["date"], &[], &values),
                input(format!("{at}.kind"), &t("review.kind"), &conference["kind"], &names!(ConferenceKind), &values),
                input(format!("{at}.format"), &t("review.format"), &conference["format"], &names!(ConferenceFormat), &values),
            ],
        })];
        for (j, person) in conference["participants"].as_array().into_iter().flatten().enumerate() {
            let path = format!("{at}.participants.{j}");
            let key = person["official"].as_str().unwrap_or("");
            rows.push(json!({
                "drop": path, "dropped": dropped.contains(path.as_str()), "mark": mark(&person["sources"]),
                "quote": person["sources"][0]["quote"], "name": officials.get(key).copied().unwrap_or(key),
                "inputs": [input(format!("{path}.role"), &t("review.role"), &person["role"], &names!(ParticipationRole), &values)],
            }));
        }
        for (j, link) in conference["directives"].as_array().into_iter().flatten().enumerate() {
            let path = format!("{at}.directives.{j}");
            let key = link["directive"].as_str().unwrap_or("");
            rows.push(json!({
                "drop": path, "dropped": dropped.contains(path.as_str()), "mark": mark(&link["sources"]),
                "quote": link["sources"][0]["quote"], "name": directives.get(key).cloned().unwrap_or_else(|| key.to_owned()),
                "inputs": [input(format!("{path}.relation"), &t("review.relation"), &link["relation"], &names!(ConferenceDirectiveRelation), &values)],
            }));
        }
        groups.push(json!({ "title": format!("{} {}", t("review.conference"), i + 1), "rows": rows }));
    }
    let mut rows = Vec::new();
    for (k, task) in dataset["tasks"].as_array().into_iter().flatten().enumerate() {
        let path = format!("tasks.{k}");
        let assignees: Vec<&str> = task["assignees"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|a| a["organization"].as_str().or(a["official"].as_str()))
            .collect();
        rows.push(json!({
            "drop": path, "dropped": dropped.contains(path.as_str()), "mark": mark(&task["sources"]),
            "quote": task["sources"][0]["quote"], "name": assignees.join(", "),
            "inputs": [
                input(format!("{path}.title"), &t("review.title_field"), &task["title"], &[], &values),
                input(format!("{path}.dueOn"), &t("review.due_on"), &task["dueOn"], &[], &values),
            ],
        }));
    }
    if !rows.is_empty() {
        groups.push(json!({ "title": t("review.tasks"), "rows": rows }));
    }
    // The records the draft names, with the stored ones they could be.
    let choices: HashMap<&str, &Value> = review
        .as_array()
        .into_iter()
        .flatten()
        .filter(|r| r["kind"] == "AMBIGUOUS")
        .filter_map(|r| Some((r["place"].as_str()?, &r["candidates"])))
        .collect();
    for (list, title, field, label) in [
        ("officials", "review.officials", "name", "review.name"),
        ("organizations", "review.organizations", "name", "review.name"),
        ("directives", "review.directives", "title", "review.title_field"),
    ] {
        let mut rows = Vec::new();
        for (k, record) in dataset[list].as_array().into_iter().flatten().enumerate() {
            let path = format!("{list}.{k}");
            let key = record["key"].as_str().unwrap_or("");
            let place = format!("{list}[{key}]");
            let candidates = choices.get(place.as_str()).cloned().cloned().unwrap_or(Value::Array(Vec::new()));
            let evidence = record["sources"].clone();
            let evidence = if evidence.as_array().is_some_and(|a| !a.is_empty()) {
                evidence
            } else {
                record["tenures"][0]["sources"].clone()
            };
            rows.push(json!({
                "drop": if list == "organizations" { Value::Null } else { json!(path) },
                "dropped": dropped.contains(path.as_str()),
                "mark": mark(&evidence), "quote": evidence[0]["quote"],
                "inputs": [input(format!("{path}.{field}"), &t(label), &record[field], &[], &values)],
                "match": { "name": format!("{list}.{key}"), "chosen": matched.get(format!("{list}.{key}").as_str()).copied().unwrap_or(""), "candidates": candidates },
            }));
        }
        if !rows.is_empty() {
            groups.push(json!({ "title": t(title), "rows": rows }));
        }
    }
    let shown: Vec<Value> = problems.iter().map(|p| visit.problem(p)).collect();
    visit.page_with_status(
        status,
        "review.html",
        json!({
            "pieces": pieces(text, &marks),
            "groups": groups,
            "review": review.as_array().map_or(&[][..], Vec::as_slice).iter().map(|item| worded(visit, item)).collect::<Vec<_>>(),
            "digest": digest,
            "text": fields.get("text").unwrap_or(""),
            "source": report_of(fields).1,
            "problems": shown,
            "notice": notice.map(|key| visit.t(key)),
        }),
    )
}

/// A review point with its words in the page's language (`text`), from its reason and the
/// values it names; the API's English message when the catalogue has no words for it.
fn worded(visit: &Visit, item: &Value) -> Value {
    let lang = visit.lang;
    let mut args: Vec<(&str, String)> = item["details"]
        .as_array()
        .map_or(&[][..], Vec::as_slice)
        .iter()
        .filter_map(|d| Some((d["name"].as_str()?, d["value"].as_str()?.to_owned())))
        .collect();
    let named = |args: &[(&str, String)], name: &str| args.iter().find(|(n, _)| *n == name).map(|(_, v)| v.clone());
    // A body's kind, the basis of an inferred year and the grounds of a match are worded by
    // keys of their own.
    if let Some(kind) = named(&args, "kind") {
        args.push(("kind", render::translate(lang, &format!("organization_kind.{kind}"), &[])));
    }
    if let Some(basis) = named(&args, "basis") {
        let value = named(&args, "value").unwrap_or_default();
        let value =
            if basis == "page_date" || basis == "publication" { render::write_date(lang, &value) } else { value };
        args.push(("basis", render::translate(lang, &format!("review.basis.{basis}"), &[("value", value)])));
    }
    if let Some(why) = named(&args, "why") {
        let worded = render::translate(lang, &format!("review.why.{why}"), &args);
        args.push(("why", worded));
    }
    // The last value of a name is the worded one.
    args.reverse();
    let key = format!("review.reason.{}", item["reason"].as_str().unwrap_or_default());
    let text = render::translate(lang, &key, &args);
    let known = text != format!("{}.{key}", lang.code());
    let mut item = item.clone();
    item["text"] = if known { json!(text) } else { item["message"].clone() };
    item
}

/// The value at a path of the form "conferences.0.participants.2".
fn at_path<'v>(value: &'v mut Value, path: &str) -> Option<&'v mut Value> {
    let mut here = value;
    for step in path.split('.') {
        here = match step.parse::<usize>() {
            Ok(index) => here.as_array_mut()?.get_mut(index)?,
            Err(_) => here.as_object_mut()?.get_mut(step)?,
        };
    }
    Some(here)
}

/// Replaces every reference to the key `from` with `to` in the records that refer to others.
fn rename_references(dataset: &mut Value, from: &str, to: &str) {
    fn walk(value: &mut Value, from: &str, to: &str) {
        match value {
            Value::Object(fields) => {
                for (name, field) in fields.iter_mut() {
                    let refers = matches!(
                        name.as_str(),
                        "official" | "organization" | "directive" | "issuer" | "parent" | "post" | "conference"
                    );
                    match field {
                        Value::String(key) if refers && key == from => *key = to.to_owned(),
                        Value::Array(items) if name == "organizers" => {
                            for item in items {
                                if item.as_str() == Some(from) {
                                    *item = Value::String(to.to_owned());
                                }
                            }
                        }
                        other => walk(other, from, to),
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|item| walk(item, from, to)),
            _ => {}
        }
    }
    walk(dataset, from, to);
}

/// Whether a record (a participant, a link, an assignee) refers to the key `key`.
fn refers_to(record: &Value, key: &str) -> bool {
    ["official", "organization", "directive", "conference"].iter().any(|f| record[*f].as_str() == Some(key))
}

/// The draft with the form's corrections: fields set, matches chosen, facts dropped (with what
/// depends on them: a dropped official's participations and assignments, a dropped conference's
/// tasks, a dropped document's links).
pub(super) fn corrected(mut dataset: Value, fields: &Fields) -> Result<Value, Problem> {
    let bad = |message: String| Problem { code: "BAD_USER_INPUT".into(), message };
    for (name, value) in &fields.0 {
        let Some(path) = name.strip_prefix("f:") else { continue };
        let leaf = path.rsplit('.').next().unwrap_or("");
        if !EDITABLE.contains(&leaf) {
            return Err(bad(format!("{path}: not a field the review changes")));
        }
        let (parent, _) = path.rsplit_once('.').unwrap_or(("", path));
        let record = at_path(&mut dataset, parent)
            .and_then(Value::as_object_mut)
            .ok_or_else(|| bad(format!("{path}: the draft has no such field")))?;
        let value = value.trim();
        // A field the draft left out (no deadline found, say) is filled when one is written.
        if value.is_empty() {
            record.remove(leaf);
        } else {
            record.insert(leaf.to_owned(), Value::String(value.to_owned()));
        }
    }
    for (name, chosen) in &fields.0 {
        let Some(at) = name.strip_prefix("match:") else { continue };
        let chosen = chosen.trim();
        let Some((list, key)) = at.split_once('.') else { continue };
        if chosen.is_empty() || chosen == key || !matches!(list, "officials" | "organizations" | "directives") {
            continue;
        }
        rename_references(&mut dataset, key, chosen);
        if let Some(records) = dataset[list].as_array_mut() {
            if list == "officials" {
                // The official keeps its entry, under the stored key: its new posts are added.
                for record in records.iter_mut().filter(|r| r["key"] == key) {
                    record["key"] = Value::String(chosen.to_owned());
                    if let Some(fields) = record.as_object_mut() {
                        fields.remove("name");
                    }
                }
            } else {
                records.retain(|r| r["key"] != key);
            }
        }
    }
    let mut drops: Vec<&str> = fields.0.iter().filter_map(|(k, _)| k.strip_prefix("drop:")).collect();
    // Deepest and last first, so that the indices of the others still hold.
    drops.sort_by_key(|path| {
        std::cmp::Reverse(path.split('.').map(|s| s.parse::<usize>().unwrap_or(0)).collect::<Vec<_>>())
    });
    drops.sort_by_key(|path| std::cmp::Reverse(path.split('.').count()));
    let mut gone: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for path in drops {
        let (parent, index) = path.rsplit_once('.').ok_or_else(|| bad(format!("{path}: not a fact of the draft")))?;
        let index: usize = index.parse().map_err(|_| bad(format!("{path}: not a fact of the draft")))?;
        let list = at_path(&mut dataset, parent)
            .and_then(Value::as_array_mut)
            .filter(|l| index < l.len())
            .ok_or_else(|| bad(format!("{path}: the draft has no such fact")))?;
        let removed = list.remove(index);
        if let Some(key) = removed["key"].as_str() {
            gone.entry(parent).or_default().push(key.to_owned());
        }
    }
    for (list, keys) in gone {
        for key in keys {
            let key = key.as_str();
            for conference in dataset["conferences"].as_array_mut().into_iter().flatten() {
                for part in ["participants", "directives"] {
                    if let Some(items) = conference[part].as_array_mut() {
                        items.retain(|p| !refers_to(p, key));
                    }
                }
            }
            if let Some(tasks) = dataset["tasks"].as_array_mut() {
                if list == "conferences" {
                    tasks.retain(|t| t["conference"].as_str() != Some(key));
                }
                for task in tasks.iter_mut() {
                    if let Some(assignees) = task["assignees"].as_array_mut() {
                        assignees.retain(|a| !refers_to(a, key));
                    }
                    for field in ["directive", "assignedBy"] {
                        if task[field].as_str() == Some(key) || refers_to(&task[field], key) {
                            task[field] = Value::Null;
                        }
                    }
                }
            }
        }
    }
    Ok(dataset)
}

/// Records the reviewed draft and opens the first conference it recorded.
#[handler]
pub(super) async fn save(
    super::Data(app): AppData<'_>,
    request: &Request,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let (visit, fields) = open!(app, request, fields, Role::Editor);
    let (text, source) = report_of(&fields);
    let drafted = match draft(&visit, app, &text, &source).await {
        Ok(drafted) => drafted,
        Err(problems) => return visit.refuse(problems),
    };
    // The draft is made again from the same words; if the stored records it is matched with
    // changed meanwhile, the visitor reviews the new draft rather than correcting another.
    if fields.get("digest") != Some(drafted.digest.as_str()) {
        let fresh = Fields(fields.0.iter().filter(|(k, _)| !k.contains(':')).cloned().collect());
        return show_review(&visit, StatusCode::CONFLICT, &fresh, &drafted, &[], Some("review.changed"));
    }
    let corrected = match corrected(drafted.dataset.clone(), &fields) {
        Ok(corrected) => corrected,
        Err(problem) => {
            return show_review(&visit, StatusCode::BAD_REQUEST, &fields, &drafted, &[problem], None);
        }
    };
    let document = "mutation($dataset: String!) { importDraft(dataset: $dataset) { total { created updated } } }";
    if let Err(problems) = visit.run(app, document, json!({ "dataset": corrected.to_string() })).await {
        return show_review(&visit, StatusCode::BAD_REQUEST, &fields, &drafted, &problems, None);
    }
    let first = corrected["conferences"][0]["key"].as_str().map(str::to_owned);
    let Some(key) = first else { return see_other("/app?done=report") };
    let found = visit
        .run(app, "query($key: String!) { nodeByKey(type: CONFERENCE, key: $key) { id } }", json!({ "key": key }))
        .await;
    match found.ok().and_then(|d| d["nodeByKey"]["id"].as_str().map(str::to_owned)) {
        Some(id) => see_other(&format!("/app/conferences/{id}?done=report")),
        None => see_other("/app?done=report"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(pairs: &[(&str, &str)]) -> Fields {
        Fields(pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect())
    }

    fn draft() -> Value {
        json!({
            "officials": [{ "key": "a", "name": "A" }, { "key": "b", "name": "B" }],
            "directives": [{ "key": "d", "title": "D" }],
            "conferences": [{ "key": "c", "title": "C", "participants": [
                { "official": "a", "role": "CHAIR" }, { "official": "b", "role": "ATTENDEE" }],
                "directives": [{ "directive": "d", "relation": "REVIEWS" }] }],
            "tasks": [{ "key": "t", "title": "T", "conference": "c", "directive": "d",
                "assignees": [{ "official": "b" }] }],
        })
    }

    #[test]
    fn corrections_set_fields_drop_facts_with_what_depends_on_them_and_choose_matches() {
        let edited = corrected(
            draft(),
            &fields(&[
                ("f:conferences.0.title", " Hội nghị mới "),
                ("drop:officials.1", "on"),
                ("match:directives.d", "nq-06"),
            ]),
        )
        .unwrap();
        assert_eq!(edited["conferences"][0]["title"], "Hội nghị mới");
        assert_eq!(edited["officials"].as_array().unwrap().len(), 1);
        assert_eq!(edited["conferences"][0]["participants"].as_array().unwrap().len(), 1);
        assert_eq!(edited["tasks"][0]["assignees"].as_array().unwrap().len(), 0);
        // The stored document is used: the drafted one is not written, the links name it.
        assert!(edited["directives"].as_array().unwrap().is_empty());
        assert_eq!(edited["conferences"][0]["directives"][0]["directive"], "nq-06");
        assert_eq!(edited["tasks"][0]["directive"], "nq-06");
        // Dropping the conference drops its tasks.
        let edited = corrected(draft(), &fields(&[("drop:conferences.0", "on")])).unwrap();
        assert!(edited["tasks"].as_array().unwrap().is_empty());
    }

    #[test]
    fn corrections_change_only_the_fields_the_review_shows() {
        assert!(corrected(draft(), &fields(&[("f:officials.0.key", "x")])).is_err());
        // A field the draft left out is filled.
        let edited = corrected(draft(), &fields(&[("f:tasks.0.dueOn", "2021-12-31")])).unwrap();
        assert_eq!(edited["tasks"][0]["dueOn"], "2021-12-31");
        assert!(corrected(draft(), &fields(&[("f:conferences.5.title", "x")])).is_err());
        assert!(corrected(draft(), &fields(&[("drop:conferences.9", "on")])).is_err());
    }

    #[test]
    fn the_text_is_cut_where_marked_words_begin_and_end() {
        let cut = pieces("Sáng 13/7, hội nghị", &[(0, 9), (5, 9)]);
        let texts: Vec<&str> = cut.iter().map(|p| p["text"].as_str().unwrap()).collect();
        assert_eq!(texts, vec!["Sáng ", "13/7", ", hội nghị"]);
        assert_eq!(cut[1]["marks"], json!([0, 1]));
        assert_eq!(cut[1]["anchors"], json!([1]));
    }
}
