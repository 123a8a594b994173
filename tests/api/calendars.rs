//! iCalendar feeds of task due dates and conferences, read back with an independent parser.

use crate::helpers::*;
use govtrail::auth::Role;
use serde_json::json;

/// One event of a feed: its properties by name, with their parameters.
type Event = Vec<(String, Vec<(String, Vec<String>)>, String)>;

/// Fetches a feed and parses it with the `ical` crate; the HTTP status and the events.
async fn feed(app: &TestApp, path: &str) -> (u16, Vec<Event>) {
    let response = app.client.get(app.url(path)).send().await.expect("request");
    let status = response.status().as_u16();
    let kind = response.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    let body = response.text().await.expect("body");
    if status != 200 {
        return (status, Vec::new());
    }
    assert!(kind.starts_with("text/calendar"), "{kind}");
    assert!(body.lines().all(|l| l.len() <= 75), "lines are folded at 75 octets");
    let mut calendars = ical::IcalParser::new(std::io::BufReader::new(body.as_bytes()));
    let calendar = calendars.next().expect("one calendar").expect("a valid calendar");
    assert!(calendars.next().is_none());
    let events = calendar
        .events
        .into_iter()
        .map(|e| {
            e.properties
                .into_iter()
                .map(|p| (p.name, p.params.unwrap_or_default(), p.value.unwrap_or_default()))
                .collect()
        })
        .collect();
    (status, events)
}

fn value<'a>(event: &'a Event, name: &str) -> Option<&'a str> {
    event.iter().find(|(n, _, _)| n == name).map(|(_, _, v)| v.as_str())
}

/// A TEXT value as written, its escapes (RFC 5545 3.3.11) undone.
fn text(event: &Event, name: &str) -> Option<String> {
    let raw = value(event, name)?;
    let mut out = String::new();
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        match (c, c == '\\') {
            (_, true) => match chars.next() {
                Some('n' | 'N') => out.push('\n'),
                Some(other) => out.push(other),
                None => {}
            },
            (c, false) => out.push(c),
        }
    }
    Some(out)
}

#[tokio::test]
async fn task_due_dates_are_all_day_events_with_stable_uids() {
    let app = spawn_demo().await;
    let editor = app.token("staff", Role::Editor).await;
    let office = id_of(&app, "organizations", "Ban Dân vận Tỉnh ủy Hà Giang").await;
    let made = app
        .query_as(
            &editor,
            "mutation($a: ID!) { createTask(input: { title: \"Báo cáo sơ kết; quý III, 2021\", dueOn: \"2021-09-30\", assignees: [$a] }) { id } }",
            json!({ "a": office }),
        )
        .await;
    assert!(made.get("errors").is_none(), "{made}");
    let (status, events) = feed(&app, "/calendar/tasks.ics").await;
    assert_eq!(status, 200);
    let due = events
        .iter()
        .find(|e| text(e, "SUMMARY").as_deref() == Some("Báo cáo sơ kết; quý III, 2021"))
        .expect("the task");
    let start = due.iter().find(|(n, _, _)| n == "DTSTART").expect("DTSTART");
    assert_eq!(start.2, "20210930");
    assert!(start.1.iter().any(|(k, v)| k == "VALUE" && v == &["DATE"]), "an all-day event: {start:?}");
    assert_eq!(value(due, "DTEND"), Some("20211001"));
    assert!(text(due, "DESCRIPTION").unwrap_or_default().contains("Assigned to: Ban Dân vận Tỉnh ủy Hà Giang"));
    let uid = value(due, "UID").expect("UID").to_owned();
    assert!(uid.starts_with("task-") && uid.ends_with("@govtrail"));
    assert!(value(due, "DTSTAMP").is_some());
    assert_eq!(value(due, "SEQUENCE"), Some("1"));

    let (_, again) = feed(&app, "/calendar/tasks.ics").await;
    let uids = |events: &[Event]| events.iter().filter_map(|e| value(e, "UID").map(str::to_owned)).collect::<Vec<_>>();
    assert_eq!(uids(&events), uids(&again), "UIDs are stable");

    let (_, assigned) = feed(&app, &format!("/calendar/tasks.ics?assignee={office}&status=OPEN,IN_PROGRESS")).await;
    assert!(assigned.iter().any(|e| value(e, "UID") == Some(uid.as_str())));
    assert!(assigned.len() < events.len() || events.len() == 1, "the filter narrows");
    let (status, _) = feed(&app, "/calendar/tasks.ics?status=LATE").await;
    assert_eq!(status, 400, "an unknown status is the caller's error");
    let (status, _) = feed(&app, "/calendar/tasks.ics?assignee=not-an-id").await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn conferences_are_events_filtered_by_organizer_area_and_official() {
    let app = spawn_demo().await;
    let (status, all) = feed(&app, "/calendar/conferences.ics").await;
    assert_eq!(status, 200);
    let count = app.data("{ conferences { totalCount } }", json!({})).await["conferences"]["totalCount"].as_u64();
    assert_eq!(Some(all.len() as u64), count, "one event per conference");
    for event in &all {
        assert!(value(event, "UID").is_some_and(|u| u.starts_with("conference-")));
        let start = value(event, "DTSTART").expect("DTSTART");
        assert!(start.len() == 8 || start.ends_with('Z'), "a date, or an instant in UTC: {start}");
    }
    let official = id_of(&app, "officials", "Trần Mạnh Lợi").await;
    let (_, attended) = feed(&app, &format!("/calendar/conferences.ics?official={official}")).await;
    let chaired = app
        .data(
            "query($o: ID!) { node(id: $o) { ... on Official { participations { conference { id } } } } }",
            json!({ "o": official }),
        )
        .await;
    let mut expected: Vec<String> = chaired["node"]["participations"]
        .as_array()
        .expect("participations")
        .iter()
        .map(|p| p["conference"]["id"].as_str().unwrap_or("").to_owned())
        .collect();
    expected.sort();
    expected.dedup();
    assert_eq!(attended.len(), expected.len());
    let (status, _) = feed(&app, &format!("/calendar/conferences.ics?organizer={official}")).await;
    assert_eq!(status, 400, "an official is not an organizer");
}

#[tokio::test]
async fn feeds_obey_restricted_reads_and_take_a_token_in_the_url() {
    let app =
        spawn(Setup { dataset: Some(govtrail::dataset::DEMO.to_owned()), restrict_reads: true, ..Setup::default() })
            .await;
    let (status, _) = feed(&app, "/calendar/tasks.ics").await;
    assert_eq!(status, 401);
    let reader = app.token("calendar", Role::Reader).await;
    let (status, events) = feed(&app, &format!("/calendar/tasks.ics?token={reader}")).await;
    assert_eq!(status, 200);
    assert!(!events.is_empty());
    let (status, _) = feed(&app, "/calendar/conferences.ics?token=gt_wrong").await;
    assert_eq!(status, 401);
}
