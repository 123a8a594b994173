//! The staff's web app over HTTP, as a browser without script uses it: signing in and out, the
//! board and its filters, progress with the version check, the form secret and roles, escaping,
//! CSV, languages, a report drafted, corrected and saved, a conference recorded by hand.

use crate::helpers::*;
use govtrail::auth::Role;
use reqwest::header::{HeaderMap, LOCATION, SET_COOKIE};
use reqwest::redirect::Policy;
use serde_json::{Value, json};
use std::collections::HashMap;

/// A browser without script: keeps cookies, follows no redirect on its own.
struct Browser<'a> {
    app: &'a TestApp,
    client: reqwest::Client,
    cookies: HashMap<String, String>,
    /// The `Accept-Language` it sends.
    language: &'static str,
}

/// What a page answered.
struct Page {
    status: u16,
    headers: HeaderMap,
    body: String,
}

impl Page {
    fn location(&self) -> &str {
        self.headers.get(LOCATION).and_then(|v| v.to_str().ok()).unwrap_or("")
    }

    /// The value of the first field named `name` of the page's forms.
    fn field(&self, name: &str) -> String {
        let marker = format!("name=\"{name}\" value=\"");
        let start =
            self.body.find(&marker).unwrap_or_else(|| panic!("no field {name} in {}", self.body)) + marker.len();
        let end = start + self.body[start..].find('"').expect("value ends");
        html_unescape(&self.body[start..end])
    }
}

fn html_unescape(text: &str) -> String {
    text.replace("&#x2f;", "/")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

impl<'a> Browser<'a> {
    fn new(app: &'a TestApp) -> Self {
        let client = reqwest::Client::builder().redirect(Policy::none()).build().expect("client");
        Browser { app, client, cookies: HashMap::new(), language: "vi-VN,vi;q=0.9" }
    }

    fn cookie_header(&self) -> String {
        self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ")
    }

    async fn keep(&mut self, response: reqwest::Response) -> Page {
        for set in response.headers().get_all(SET_COOKIE) {
            let text = set.to_str().expect("cookie");
            let (pair, attributes) = text.split_once(';').unwrap_or((text, ""));
            let (name, value) = pair.split_once('=').expect("cookie pair");
            if value.is_empty() || attributes.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        Page { status, headers, body: response.text().await.expect("body") }
    }

    async fn get(&mut self, path: &str) -> Page {
        let response = self
            .client
            .get(self.app.url(path))
            .header("cookie", self.cookie_header())
            .header("accept-language", self.language)
            .send()
            .await
            .expect("GET");
        self.keep(response).await
    }

    async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let response = self
            .client
            .post(self.app.url(path))
            .header("cookie", self.cookie_header())
            .header("accept-language", self.language)
            .form(fields)
            .send()
            .await
            .expect("POST");
        self.keep(response).await
    }

    /// Signs in with `token` and lands on the board.
    async fn sign_in(&mut self, token: &str) {
        let form = self.get("/app/sign-in").await;
        assert_eq!(form.status, 200, "{}", form.body);
        let secret = form.field("form_secret");
        let signed = self.post("/app/sign-in", &[("form_secret", &secret), ("token", token), ("next", "/app")]).await;
        assert_eq!(signed.status, 303, "{}", signed.body);
        assert_eq!(signed.location(), "/app");
        let cookie = signed
            .headers
            .get_all(SET_COOKIE)
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .find(|c| c.starts_with("gt_session="))
            .unwrap();
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), "{cookie}");
    }

    /// The secret of the session's forms, from a page that has them.
    async fn csrf(&mut self) -> String {
        self.get("/app").await.field("csrf")
    }
}

/// The id of the first task of the overdue column.
fn first_overdue_task(board: &str) -> String {
    let column = &board[board.find("id=\"col-overdue\"").expect("overdue column")..];
    let start = column.find("/app/tasks/").expect("a task") + "/app/tasks/".len();
    column[start..start + column[start..].find('"').unwrap()].to_owned()
}

fn overdue_count(board: &str) -> usize {
    let column = &board[board.find("id=\"col-overdue\"").expect("overdue column")..];
    let start = column.find("class=\"badge\">").unwrap() + "class=\"badge\">".len();
    column[start..start + column[start..].find('<').unwrap()].trim().parse().unwrap()
}

#[tokio::test]
async fn staff_sign_in_see_the_board_record_progress_on_an_overdue_task_and_sign_out() {
    let app = spawn_demo().await;
    let editor = app.token("tham-muu", Role::Editor).await;
    let mut browser = Browser::new(&app);
    browser.sign_in(&editor).await;
    let board = browser.get("/app").await;
    assert_eq!(board.status, 200);
    assert!(board.body.contains("<html lang=\"vi\">"));
    assert!(board.body.contains("Quá hạn"), "{}", board.body);
    let before = overdue_count(&board.body);
    assert!(before > 0);
    // Deadlines are written the Vietnamese way.
    assert!(board.body.contains("31&#x2f;12&#x2f;2021"), "{}", board.body);
    let task = first_overdue_task(&board.body);
    let page = browser.get(&format!("/app/tasks/{task}")).await;
    assert_eq!(page.status, 200);
    let assigned = &page.body[page.body.find("<dt>Được giao cho</dt>").expect("assignees")..];
    assert!(
        assigned[..assigned.find("</dd>").unwrap()].contains("href=\"/app/organizations/"),
        "the task's assignee is shown"
    );
    let (csrf, version) = (page.field("csrf"), page.field("version"));
    let saved = browser
        .post(
            &format!("/app/tasks/{task}/progress"),
            &[
                ("csrf", &csrf),
                ("version", &version),
                ("status", "DONE"),
                ("percent", "100"),
                ("note", "Đã hoàn thành báo cáo"),
                ("date", "2026-11-30"),
            ],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let page = browser.get(saved.location()).await;
    assert!(page.body.contains("Đã hoàn thành báo cáo"), "{}", page.body);
    assert!(page.body.contains("Mở lại nhiệm vụ"), "a done task offers to reopen it");
    // Done, it leaves the overdue column.
    let board = browser.get("/app").await;
    assert_eq!(overdue_count(&board.body), before - 1);
    assert!(!board.body[board.body.find("id=\"col-overdue\"").unwrap()..].contains(&format!("/app/tasks/{task}\"")));
    // The change is in the history under the token's name, as any API change is.
    let status = app.data("query($id: ID!) { node(id: $id) { ... on Task { status } } }", json!({ "id": task })).await;
    assert_eq!(status["node"]["status"], "DONE");
    let admin = app.token("admin", Role::Admin).await;
    let log = app.query_as(&admin, "{ auditLog(first: 20) { nodes { actor operation } } }", json!({})).await;
    assert!(
        log["data"]["auditLog"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["actor"] == "tham-muu" && c["operation"] == "recordTaskUpdate"),
        "{log}"
    );
    // Signing out ends the session on the server: its cookie no longer opens a form.
    let session = browser.cookies.get("gt_session").cloned().unwrap();
    let csrf = browser.csrf().await;
    let out = browser.post("/app/sign-out", &[("csrf", &csrf)]).await;
    assert_eq!(out.status, 303);
    assert!(!browser.cookies.contains_key("gt_session"));
    browser.cookies.insert("gt_session".into(), session);
    let form = browser.get("/app/report").await;
    assert_eq!(form.status, 303, "an ended session is nobody");
    assert!(form.location().starts_with("/app/sign-in"));
}

#[tokio::test]
async fn a_stale_version_is_refused_with_the_changes_shown_and_the_entries_kept() {
    let app = spawn_demo().await;
    let editor = app.token("editor", Role::Editor).await;
    let mut browser = Browser::new(&app);
    browser.sign_in(&editor).await;
    let board = browser.get("/app").await;
    let task = first_overdue_task(&board.body);
    let page = browser.get(&format!("/app/tasks/{task}")).await;
    let (csrf, version, loaded_at) = (page.field("csrf"), page.field("version"), page.field("loaded_at"));
    // Someone else records progress meanwhile, through the API.
    let other = app.token("other", Role::Editor).await;
    let changed = app
        .query_as(&other, "mutation($id: ID!) { recordTaskUpdate(taskId: $id, update: { status: IN_PROGRESS, note: \"bên kia\" }) { version } }", json!({ "id": task }))
        .await;
    assert!(changed.get("errors").is_none(), "{changed}");
    let refused = browser
        .post(
            &format!("/app/tasks/{task}/progress"),
            &[
                ("csrf", &csrf),
                ("version", &version),
                ("loaded_at", &loaded_at),
                ("status", "DONE"),
                ("note", "ghi chú của tôi"),
            ],
        )
        .await;
    assert_eq!(refused.status, 409, "{}", refused.body);
    assert!(refused.body.contains("vừa được người khác thay đổi"), "{}", refused.body);
    assert!(refused.body.contains("ghi chú của tôi"), "the entries are kept");
    assert!(refused.body.contains("other"), "the change made meanwhile is shown with its author");
    let updates = app
        .data("query($id: ID!) { node(id: $id) { ... on Task { status updates { note } } } }", json!({ "id": task }))
        .await;
    assert_eq!(updates["node"]["status"], "IN_PROGRESS", "nothing was overwritten");
    assert!(!updates.to_string().contains("ghi chú của tôi"));
}

#[tokio::test]
async fn forms_need_the_sessions_secret_and_a_role_that_may_write() {
    let app = spawn_demo().await;
    let board = Browser::new(&app).get("/app").await;
    let task = first_overdue_task(&board.body);
    // Nobody: sent to sign in.
    let mut anonymous = Browser::new(&app);
    let sent = anonymous.post(&format!("/app/tasks/{task}/progress"), &[("status", "DONE")]).await;
    assert_eq!(sent.status, 303);
    assert!(sent.location().starts_with("/app/sign-in?next="));
    // An editor's session without the form's secret, or with another: refused.
    let editor = app.token("editor", Role::Editor).await;
    let mut browser = Browser::new(&app);
    browser.sign_in(&editor).await;
    for secret in ["", "not-the-secret"] {
        let refused =
            browser.post(&format!("/app/tasks/{task}/progress"), &[("csrf", secret), ("status", "DONE")]).await;
        assert_eq!(refused.status, 403, "{}", refused.body);
    }
    // A sign-in form without its cookie's secret is refused too.
    let mut stranger = Browser::new(&app);
    let refused = stranger.post("/app/sign-in", &[("form_secret", "x"), ("token", &editor)]).await;
    assert_eq!(refused.status, 403);
    // A READER reads but reaches no form.
    let reader = app.token("reader", Role::Reader).await;
    let mut browser = Browser::new(&app);
    browser.sign_in(&reader).await;
    let page = browser.get(&format!("/app/tasks/{task}")).await;
    assert_eq!(page.status, 200);
    assert!(!page.body.contains("/progress\""), "no progress form for a reader");
    assert!(!page.body.contains("href=\"/app/report\""), "no report link for a reader");
    assert_eq!(browser.get("/app/report").await.status, 403);
    assert_eq!(browser.get("/app/record").await.status, 403);
    let csrf = browser.csrf().await;
    let refused = browser.post(&format!("/app/tasks/{task}/progress"), &[("csrf", &csrf), ("status", "DONE")]).await;
    assert_eq!(refused.status, 403);
    let status = app.data("query($id: ID!) { node(id: $id) { ... on Task { status } } }", json!({ "id": task })).await;
    assert_eq!(status["node"]["status"], "OPEN", "nothing changed");
    // A wrong token is refused with the form shown again.
    let mut browser = Browser::new(&app);
    let form = browser.get("/app/sign-in").await;
    let refused =
        browser.post("/app/sign-in", &[("form_secret", &form.field("form_secret")), ("token", "gt_wrong")]).await;
    assert_eq!(refused.status, 401);
    assert!(!browser.cookies.contains_key("gt_session"));
}

#[tokio::test]
async fn what_users_wrote_is_shown_as_text_never_run() {
    let app = spawn_app().await;
    let editor = app.token("editor", Role::Editor).await;
    let hostile = "<script>alert(1)</script>\"onmouseover=alert(2) x=\"";
    let created = app
        .query_as(
            &editor,
            "mutation($t: String!) { createConference(input: { title: $t, kind: MEETING, date: \"2024-03-05\",
               participants: [{ newOfficial: { name: $t }, role: CHAIR }] }) { id chairs { id } } }",
            json!({ "t": hostile }),
        )
        .await;
    assert!(created.get("errors").is_none(), "{created}");
    let conference = created["data"]["createConference"]["id"].as_str().unwrap().to_owned();
    let official = created["data"]["createConference"]["chairs"][0]["id"].as_str().unwrap().to_owned();
    let task = app
        .query_as(
            &editor,
            "mutation($t: String!, $c: ID!, $o: ID!) { createTask(input: { title: $t, dueOn: \"2024-04-01\", conference: $c, assignees: [$o] }) { id } }",
            json!({ "t": hostile, "c": conference, "o": official }),
        )
        .await;
    let task = task["data"]["createTask"]["id"].as_str().unwrap_or_else(|| panic!("{task}")).to_owned();
    let mut browser = Browser::new(&app);
    for path in [
        format!("/app/conferences/{conference}"),
        format!("/app/tasks/{task}"),
        format!("/app/officials/{official}"),
        "/app".into(),
        "/app/search?q=script".into(),
    ] {
        let page = browser.get(&path).await;
        assert_eq!(page.status, 200, "{path}");
        assert!(!page.body.contains("<script>alert"), "{path} prints a script");
        assert!(!page.body.contains("\"onmouseover"), "{path} prints an attribute");
        assert!(page.body.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;"), "{path}: {}", page.body);
        let policy = page.headers.get("content-security-policy").unwrap().to_str().unwrap();
        assert!(policy.contains("script-src 'self'"), "{policy}");
    }
}

#[tokio::test]
async fn lists_download_as_csv_with_a_byte_order_mark_and_the_filters_applied() {
    let app = spawn_demo().await;
    let mut browser = Browser::new(&app);
    let all = browser.get("/app/board.csv").await;
    assert_eq!(all.status, 200);
    assert!(all.headers.get("content-type").unwrap().to_str().unwrap().starts_with("text/csv"));
    assert!(all.body.starts_with('\u{feff}'), "UTF-8 with a BOM");
    let mut reader = csv::Reader::from_reader(all.body.trim_start_matches('\u{feff}').as_bytes());
    let headings = reader.headers().unwrap().clone();
    assert_eq!(&headings[1], "Nhiệm vụ");
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    let owed = app.data("{ tasks(filter: { status: [OPEN, IN_PROGRESS] }) { totalCount } }", json!({})).await;
    assert_eq!(rows.len() as u64, owed["tasks"]["totalCount"].as_u64().unwrap(), "every owed task, once");
    // With a directive chosen, only its tasks.
    let directive = app.data("{ directives(filter: { text: \"06\" }, first: 1) { nodes { id } } }", json!({})).await;
    let directive = directive["directives"]["nodes"][0]["id"].as_str().unwrap().to_owned();
    let filtered = browser.get(&format!("/app/board.csv?directive={directive}")).await;
    let expected = app
        .data(
            "query($d: ID!) { tasks(filter: { directive: $d, status: [OPEN, IN_PROGRESS] }) { totalCount } }",
            json!({ "d": directive }),
        )
        .await;
    assert_eq!(filtered.body.lines().count() - 1, expected["tasks"]["totalCount"].as_u64().unwrap() as usize);
    // A page's own list, in English when asked.
    browser.language = "en";
    let official = app.data("{ officials(filter: { text: \"Tran Manh Loi\" }) { nodes { id } } }", json!({})).await;
    let official = official["officials"]["nodes"][0]["id"].as_str().unwrap().to_owned();
    let posts = browser.get(&format!("/app/officials/{official}?csv=posts")).await;
    assert!(posts.body.starts_with("\u{feff}Post,"), "{}", posts.body);
    assert!(posts.body.contains("Trưởng Ban Dân vận Tỉnh ủy"));
}

#[tokio::test]
async fn pages_are_vietnamese_by_default_and_english_when_asked() {
    let app = spawn_demo().await;
    let mut browser = Browser::new(&app);
    browser.language = "fr";
    let page = browser.get("/app").await;
    assert!(page.body.contains("<html lang=\"vi\">") && page.body.contains("Bảng theo dõi nhiệm vụ"));
    browser.language = "en-GB,en;q=0.8";
    let page = browser.get("/app").await;
    assert!(page.body.contains("<html lang=\"en\">") && page.body.contains("Follow-up board"), "{}", page.body);
    // The switch is remembered.
    let page = browser.get("/app?lang=vi").await;
    assert!(page.body.contains("<html lang=\"vi\">"));
    assert_eq!(browser.cookies.get("gt_lang").map(String::as_str), Some("vi"));
    let page = browser.get("/app/search?q=dan+van").await;
    assert!(page.body.contains("<html lang=\"vi\">"), "the chosen language outweighs the browser's");
}

#[tokio::test]
async fn a_pasted_report_is_drafted_with_its_words_marked_corrected_and_saved_citing_it() {
    let app = spawn_app().await;
    let editor = app.token("editor", Role::Editor).await;
    let mut browser = Browser::new(&app);
    browser.sign_in(&editor).await;
    let csrf = browser.get("/app/report").await.field("csrf");
    let text =
        std::fs::read_to_string(format!("{}/tests/fixtures/reports/two-chairs-online.txt", env!("CARGO_MANIFEST_DIR")))
            .unwrap();
    let url = "https://baotinhmau.example.vn/hoi-nghi-02";
    let review = browser
        .post("/app/report", &[("csrf", &csrf), ("text", &text), ("url", url), ("published_on", "2024-03-06")])
        .await;
    assert_eq!(review.status, 200, "{}", review.body);
    assert!(review.body.contains("<mark data-marks="), "the facts' words are marked");
    assert!(review.body.contains("Lò Văn Mạnh"));
    let points = &review.body[review.body.find("class=\"points\"").expect("the review list")..];
    let points = &points[..points.find("</ul>").unwrap()];
    // The points are worded in the page's language, with the values they name.
    assert!(points.contains("năm được suy ra từ ngày đăng ghi trên trang, 05&#x2f;03&#x2f;2024"), "{points}");
    assert!(points.contains("Cơ quan mới &quot;Tỉnh uỷ&quot;, loại Cấp uỷ"), "{points}");
    assert!(!points.contains("inferred from") && !points.contains("a new body"), "{points}");
    // The form as a browser sends it, with the conference's title corrected.
    let fields = form_fields(&review.body, "review-form");
    let mut sent: Vec<(String, String)> = fields.into_iter().filter(|(k, _)| k != "f:conferences.0.title").collect();
    sent.push(("f:conferences.0.title".into(), "Hội nghị sơ kết Đề án 02 (đã sửa)".into()));
    let pairs: Vec<(&str, &str)> = sent.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let saved = browser.post("/app/report/save", &pairs).await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    assert!(saved.location().starts_with("/app/conferences/"));
    let id = saved.location().trim_start_matches("/app/conferences/").split('?').next().unwrap().to_owned();
    let stored = app
        .data(
            "query($id: ID!) { node(id: $id) { ... on Conference { title chairs { name } citations { quote source { url } } } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(stored["node"]["title"], "Hội nghị sơ kết Đề án 02 (đã sửa)");
    let chairs: Vec<&str> =
        stored["node"]["chairs"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert!(chairs.contains(&"Lò Văn Mạnh"), "{chairs:?}");
    assert_eq!(stored["node"]["citations"][0]["source"]["url"], url, "the records cite the report");
    // The new conference is on its chair's page.
    let chair = app.data("{ officials(filter: { text: \"Lo Van Manh\" }) { nodes { id } } }", json!({})).await;
    let chair = chair["officials"]["nodes"][0]["id"].as_str().unwrap().to_owned();
    let page = browser.get(&format!("/app/officials/{chair}")).await;
    assert!(page.body.contains("Hội nghị sơ kết Đề án 02 (đã sửa)"));
}

/// The fields a browser sends with the form `id` of a page: inputs (checked boxes only),
/// selects (the selected option), text areas.
fn form_fields(page: &str, id: &str) -> Vec<(String, String)> {
    let start = page.find(&format!("id=\"{id}\"")).expect("form");
    let form = &page[start..start + page[start..].find("</form>").expect("form ends")];
    let attribute = |tag: &str, name: &str| -> Option<String> {
        let marker = format!("{name}=\"");
        let at = tag.find(&marker)? + marker.len();
        Some(html_unescape(&tag[at..at + tag[at..].find('"')?]))
    };
    let mut fields = Vec::new();
    let mut rest = form;
    while let Some(at) = rest.find('<') {
        rest = &rest[at..];
        let end = rest.find('>').unwrap();
        let tag = &rest[..=end];
        if tag.starts_with("<input") {
            let checkbox = tag.contains("type=\"checkbox\"");
            if let Some(name) = attribute(tag, "name")
                && (!checkbox || tag.contains(" checked"))
            {
                fields.push((name, attribute(tag, "value").unwrap_or_else(|| "on".into())));
            }
        } else if tag.starts_with("<select") {
            let name = attribute(tag, "name").unwrap();
            let close = rest.find("</select>").unwrap();
            let options = &rest[..close];
            let chosen = options
                .split("<option")
                .skip(1)
                .find(|o| o.contains(" selected"))
                .or_else(|| options.split("<option").nth(1))
                .unwrap();
            fields.push((name, attribute(chosen, "value").unwrap()));
        } else if tag.starts_with("<textarea") {
            let name = attribute(tag, "name").unwrap();
            let close = rest.find("</textarea>").unwrap();
            fields.push((name, html_unescape(&rest[end + 1..close])));
        }
        rest = &rest[end..];
    }
    fields
}

#[tokio::test]
async fn a_conference_is_recorded_by_hand_with_people_found_by_name_and_new_ones() {
    let app = spawn_demo().await;
    let editor = app.token("editor", Role::Editor).await;
    let mut browser = Browser::new(&app);
    browser.sign_in(&editor).await;
    let form = browser.get("/app/record").await;
    assert_eq!(form.status, 200);
    assert!(form.body.contains("<option value=\"UNKNOWN\" selected>"), "the format is unknown until someone says");
    let csrf = form.field("csrf");
    let saved = browser
        .post(
            "/app/record",
            &[
                ("csrf", &csrf),
                ("rows", "3"),
                ("title", "Hội nghị giao ban công tác dân vận quý IV"),
                ("date", "2026-11-20"),
                ("kind", "MEETING"),
                ("format", "IN_PERSON"),
                ("part_of_day", "MORNING"),
                ("person.0", "Trần Mạnh Lợi"),
                ("role.0", "CHAIR"),
                ("person.1", "Nguyễn Văn Mới"),
                ("role.1", "ATTENDEE"),
                ("person.2", ""),
                ("directive.0", "06-ĐA/TU"),
                ("relation.0", "REVIEWS"),
                ("task.0", "Báo cáo kết quả quý IV"),
                ("assignee.0", "Ban Dân vận Tỉnh ủy"),
                ("due.0", "2026-12-15"),
            ],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let id = saved.location().trim_start_matches("/app/conferences/").split('?').next().unwrap().to_owned();
    let stored = app
        .data(
            "query($id: ID!) { node(id: $id) { ... on Conference { title partOfDay participants { role official { name } }
               directives { relation directive { code } } tasks { title dueOn assignees { ... on Organization { name } } } } } }",
            json!({ "id": id }),
        )
        .await;
    let node = &stored["node"];
    assert_eq!(node["partOfDay"], "MORNING");
    let people: Vec<String> = node["participants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| format!("{} {}", p["role"], p["official"]["name"]))
        .collect();
    assert!(people.contains(&"\"CHAIR\" \"Trần Mạnh Lợi\"".to_owned()), "{people:?}");
    assert!(people.contains(&"\"ATTENDEE\" \"Nguyễn Văn Mới\"".to_owned()), "{people:?}");
    let officials = app.data("{ officials(filter: { text: \"Tran Manh Loi\" }) { totalCount } }", json!({})).await;
    assert_eq!(officials["officials"]["totalCount"], 1, "the stored official was picked, not made again");
    assert_eq!(node["directives"][0]["relation"], "REVIEWS");
    assert_eq!(node["tasks"][0]["dueOn"], "2026-12-15");
    assert_eq!(node["tasks"][0]["assignees"][0]["name"], "Ban Dân vận Tỉnh ủy Hà Giang");
    // A date that is not one is refused with the form kept.
    let refused =
        browser.post("/app/record", &[("csrf", &csrf), ("title", "Họp"), ("date", "13/13/2021"), ("rows", "1")]).await;
    assert_eq!(refused.status, 400);
    assert!(refused.body.contains("value=\"Họp\""));
}

const RECORDED: &str = "query($id: ID!) { node(id: $id) { ... on Conference { version
  participants { id version role capacity official { id name } }
  directives { relation directive { id label } citations { quote locator source { id } } }
  tasks { title dueOn assignees { ... on Organization { name } } } } } }";

#[tokio::test]
async fn a_recorded_conference_gains_and_loses_people_and_directives_and_gains_tasks() {
    let app = spawn_demo().await;
    let editor = app.token("editor", Role::Editor).await;
    let mut browser = Browser::new(&app);
    browser.sign_in(&editor).await;
    // A conference of the demo with one directive link whose words the report gives.
    let found = app
        .data(
            "{ conferences(first: 50) { nodes { id version directives { relation } } } directives(first: 50) { nodes { id label } }
               sources(first: 1) { nodes { id } } }",
            json!({}),
        )
        .await;
    let conference = found["conferences"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["directives"].as_array().unwrap().is_empty())
        .expect("a conference without directives")
        .clone();
    let id = conference["id"].as_str().unwrap().to_owned();
    let directives = found["directives"]["nodes"].as_array().unwrap();
    let cited = json!([{ "relation": "REVIEWS", "directive": directives[0]["id"],
        "citations": [{ "source": found["sources"]["nodes"][0]["id"], "quote": "sơ kết 6 tháng", "locator": "chars 10-24" }] }]);
    let set = app
        .query_as(
            &editor,
            "mutation($id: ID!, $v: Int!, $d: [ConferenceDirectiveInput!]) { updateConference(id: $id, expectedVersion: $v, input: { directives: $d }) { id } }",
            json!({ "id": id, "v": conference["version"], "d": cited }),
        )
        .await;
    assert!(set.get("errors").is_none(), "{set}");
    let before = app.data(RECORDED, json!({ "id": id })).await["node"].clone();
    let edit = browser.get(&format!("/app/conferences/{id}/edit")).await;
    assert_eq!(edit.status, 200, "{}", edit.body);
    assert!(edit.body.contains("Thêm người") && edit.body.contains("Thêm văn bản"), "{}", edit.body);
    let csrf = edit.field("csrf");

    // A person nobody recorded is recorded with the participation; a stored one is picked.
    let path = format!("/app/conferences/{id}/participants");
    let added = browser
        .post(
            &path,
            &[("csrf", &csrf), ("person", "Hoàng Thị Thử"), ("role", "ATTENDEE"), ("capacity", "Giám đốc Sở Tư pháp")],
        )
        .await;
    assert_eq!(added.status, 303, "{}", added.body);
    assert_eq!(added.location(), format!("/app/conferences/{id}/edit?done=participant"));
    let added = browser.post(&path, &[("csrf", &csrf), ("person", "Trần Mạnh Lợi"), ("role", "SPEAKER")]).await;
    assert_eq!(added.status, 303, "{}", added.body);
    let after = app.data(RECORDED, json!({ "id": id })).await["node"].clone();
    let people = after["participants"].as_array().unwrap();
    let new = people.iter().find(|p| p["official"]["name"] == "Hoàng Thị Thử").expect("the new person takes part");
    assert_eq!(new["capacity"], "Giám đốc Sở Tư pháp");
    assert!(people.iter().any(|p| p["official"]["name"] == "Trần Mạnh Lợi" && p["role"] == "SPEAKER"));
    let officials = app.data("{ officials(filter: { text: \"Tran Manh Loi\" }) { totalCount } }", json!({})).await;
    assert_eq!(officials["officials"]["totalCount"], 1, "the stored official was picked, not made again");
    // Nobody named: refused, nothing written.
    let refused = browser.post(&path, &[("csrf", &csrf), ("person", " "), ("role", "ATTENDEE")]).await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert!(refused.body.contains("cần ghi một tên"), "said in the page's language: {}", refused.body);
    assert_eq!(app.data(RECORDED, json!({ "id": id })).await["node"]["participants"], after["participants"]);

    // Taking the new person off, against the version shown.
    let remove = format!("/app/conferences/{id}/participants/{}/remove", new["id"].as_str().unwrap());
    let stale = browser.post(&remove, &[("csrf", &csrf), ("version", "99")]).await;
    assert_eq!(stale.status, 409, "{}", stale.body);
    let removed = browser.post(&remove, &[("csrf", &csrf), ("version", &new["version"].to_string())]).await;
    assert_eq!(removed.status, 303, "{}", removed.body);
    let after = app.data(RECORDED, json!({ "id": id })).await["node"].clone();
    assert!(!after["participants"].as_array().unwrap().iter().any(|p| p["official"]["name"] == "Hoàng Thị Thử"));

    // A directive linked and unlinked; the links it had keep their evidence throughout.
    let other = app.data("{ directives(first: 50) { nodes { id label } } }", json!({})).await["directives"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| !before["directives"].as_array().unwrap().iter().any(|l| l["directive"]["id"] == d["id"]))
        .expect("a directive the conference did not handle")
        .clone();
    let (other_id, label) = (other["id"].as_str().unwrap(), other["label"].as_str().unwrap());
    let version = after["version"].to_string();
    let link = format!("/app/conferences/{id}/directives");
    let linked = browser
        .post(
            &link,
            &[
                ("csrf", &csrf),
                ("version", &version),
                ("directive", label),
                ("directive_id", other_id),
                ("directive_shown", label),
                ("relation", "DEPLOYS"),
            ],
        )
        .await;
    assert_eq!(linked.status, 303, "{}", linked.body);
    let after = app.data(RECORDED, json!({ "id": id })).await["node"].clone();
    let links = after["directives"].as_array().unwrap();
    assert!(links.iter().any(|l| l["directive"]["id"] == other_id && l["relation"] == "DEPLOYS"), "{links:?}");
    assert_eq!(before["directives"][0]["citations"][0]["quote"], "sơ kết 6 tháng");
    assert!(links.contains(&before["directives"][0]), "kept with its citation: {links:?}");
    // The version the page showed is now stale: refused, the entries kept, nothing changed.
    let stale = browser
        .post(
            &link,
            &[
                ("csrf", &csrf),
                ("version", &version),
                ("directive_id", other_id),
                ("directive", label),
                ("directive_shown", label),
                ("relation", "REVIEWS"),
            ],
        )
        .await;
    assert_eq!(stale.status, 409, "{}", stale.body);
    assert_eq!(app.data(RECORDED, json!({ "id": id })).await["node"]["directives"], after["directives"]);
    let unlinked = browser
        .post(
            &format!("{link}/remove"),
            &[
                ("csrf", &csrf),
                ("version", &after["version"].to_string()),
                ("directive", other_id),
                ("relation", "DEPLOYS"),
            ],
        )
        .await;
    assert_eq!(unlinked.status, 303, "{}", unlinked.body);
    assert_eq!(app.data(RECORDED, json!({ "id": id })).await["node"]["directives"], before["directives"]);

    // A task assigned there.
    let task = browser
        .post(
            &format!("/app/conferences/{id}/tasks"),
            &[
                ("csrf", &csrf),
                ("task", "Tổng hợp ý kiến góp ý"),
                ("assignee", "Ban Dân vận Tỉnh ủy"),
                ("due", "2026-12-20"),
            ],
        )
        .await;
    assert_eq!(task.status, 303, "{}", task.body);
    let after = app.data(RECORDED, json!({ "id": id })).await["node"].clone();
    let task =
        after["tasks"].as_array().unwrap().iter().find(|t| t["title"] == "Tổng hợp ý kiến góp ý").expect("the task");
    assert_eq!(task["dueOn"], "2026-12-20");
    assert_eq!(task["assignees"][0]["name"], "Ban Dân vận Tỉnh ủy Hà Giang");
    // A READER's session reaches none of these forms.
    let reader = app.token("reader", Role::Reader).await;
    let mut reading = Browser::new(&app);
    reading.sign_in(&reader).await;
    assert_eq!(reading.get(&format!("/app/conferences/{id}/edit")).await.status, 403);
    let csrf = reading.csrf().await;
    let refused = reading.post(&path, &[("csrf", &csrf), ("person", "Người Đọc"), ("role", "ATTENDEE")]).await;
    assert_eq!(refused.status, 403);
}

#[tokio::test]
async fn a_participation_names_one_official_stored_or_new() {
    let app = spawn_demo().await;
    let editor = app.token("editor", Role::Editor).await;
    let ids =
        app.data("{ conferences(first: 1) { nodes { id } } officials(first: 1) { nodes { id } } }", json!({})).await;
    let (conference, official) = (&ids["conferences"]["nodes"][0]["id"], &ids["officials"]["nodes"][0]["id"]);
    let create =
        "mutation($input: CreateParticipationInput!) { createParticipation(input: $input) { official { name } } }";
    for input in [
        json!({ "conference": conference, "role": "ATTENDEE" }),
        json!({ "conference": conference, "role": "ATTENDEE", "official": official, "newOfficial": { "name": "Hai Người" } }),
    ] {
        let refused = app.query_as(&editor, create, json!({ "input": input })).await;
        assert_eq!(refused["errors"][0]["extensions"]["code"], "BAD_USER_INPUT", "{refused}");
        assert_eq!(refused["errors"][0]["extensions"]["field"], "input.official", "{refused}");
    }
    let made = app
        .query_as(
            &editor,
            create,
            json!({ "input": { "conference": conference, "role": "ATTENDEE", "newOfficial": { "name": "" } } }),
        )
        .await;
    assert_eq!(made["errors"][0]["extensions"]["field"], "input.newOfficial.name", "{made}");
    let count = app.data("{ officials { totalCount } }", json!({})).await;
    let made = app
        .query_as(&editor, create, json!({ "input": { "conference": conference, "role": "ATTENDEE", "newOfficial": { "name": "Lò Văn Mới" } } }))
        .await;
    assert_eq!(made["data"]["createParticipation"]["official"]["name"], "Lò Văn Mới", "{made}");
    let after = app.data("{ officials { totalCount } }", json!({})).await;
    assert_eq!(after["officials"]["totalCount"], count["officials"]["totalCount"].as_i64().unwrap() + 1);
}

#[tokio::test]
async fn a_server_that_restricts_reads_sends_visitors_to_sign_in() {
    let app =
        spawn(Setup { restrict_reads: true, dataset: Some(govtrail::dataset::DEMO.to_owned()), ..Setup::default() })
            .await;
    let mut browser = Browser::new(&app);
    let page = browser.get("/app/search?q=x").await;
    assert_eq!(page.status, 303);
    assert_eq!(page.location(), "/app/sign-in?next=%2Fapp%2Fsearch%3Fq%3Dx");
    assert_eq!(browser.get("/app/board.csv").await.status, 303);
    let reader = app.token("reader", Role::Reader).await;
    browser.sign_in(&reader).await;
    assert_eq!(browser.get("/app/search?q=x").await.status, 200);
}

#[tokio::test]
async fn tasks_filter_by_a_body_with_those_under_it_and_by_area() {
    let app = spawn_with(json!({
        "areas": [{ "key": "tinh", "name": "Tỉnh Mẫu", "kind": "PROVINCE" }, { "key": "huyen", "name": "Huyện Một", "kind": "DISTRICT", "parent": "tinh" }],
        "organizations": [
            { "key": "so", "name": "Sở Nội vụ", "kind": "DEPARTMENT", "area": "tinh" },
            { "key": "phong", "name": "Phòng Tổ chức", "kind": "OTHER", "parent": "so", "area": "tinh" },
            { "key": "khac", "name": "Sở Khác", "kind": "DEPARTMENT" }
        ],
        "conferences": [{ "key": "hop", "title": "Họp huyện", "kind": "MEETING", "date": "2024-01-02", "area": "huyen" }],
        "tasks": [
            { "key": "t1", "title": "Việc của phòng", "assignees": [{ "organization": "phong" }] },
            { "key": "t2", "title": "Việc của sở khác", "assignees": [{ "organization": "khac" }] },
            { "key": "t3", "title": "Việc giao ở huyện", "conference": "hop", "assignees": [{ "organization": "khac" }], "dueOn": "2024-02-01" }
        ]
    }))
    .await;
    let id = |key: &'static str, kind: &'static str| {
        let app = &app;
        async move {
            app.data(
                "query($t: KeyedType!, $k: String!) { nodeByKey(type: $t, key: $k) { id } }",
                json!({ "t": kind, "k": key }),
            )
            .await["nodeByKey"]["id"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    };
    let titles = |data: &Value| -> Vec<String> {
        data["tasks"]["nodes"].as_array().unwrap().iter().map(|t| t["title"].as_str().unwrap().to_owned()).collect()
    };
    let query = "query($f: TaskFilter) { tasks(filter: $f, orderBy: [TITLE_ASC]) { nodes { title } } }";
    let so = id("so", "ORGANIZATION").await;
    let by_body = app.data(query, json!({ "f": { "organization": so } })).await;
    assert_eq!(titles(&by_body), ["Việc của phòng"], "the section's task is the department's");
    let tinh = id("tinh", "AREA").await;
    let by_area = app.data(query, json!({ "f": { "area": tinh } })).await;
    assert_eq!(
        titles(&by_area),
        ["Việc của phòng", "Việc giao ở huyện"],
        "bodies of the area and conferences held inside it"
    );
    let undated = app.data(query, json!({ "f": { "hasDueDate": false } })).await;
    assert_eq!(titles(&undated), ["Việc của phòng", "Việc của sở khác"]);
    let stats = app
        .data(
            "query($f: TaskFilter) { taskStats(filter: $f, groupBy: [STATUS]) { total } }",
            json!({ "f": { "organization": so } }),
        )
        .await;
    assert_eq!(stats["taskStats"][0]["total"], 1, "the statistics read the same filter");
}
