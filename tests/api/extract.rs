//! From a report's text to records: `extractReport` (EDITOR) and `govtrail extract` draft the
//! facts with their words; the draft imports (add and update) and answers questions; a second
//! report's draft matches what is stored; two people of one name in different provinces are
//! never matched by name alone.

use crate::helpers::*;
use govtrail::auth::Role;
use serde_json::{Value, json};
use std::process::Command;

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!("{}/tests/fixtures/reports/{name}", env!("CARGO_MANIFEST_DIR"))).expect("fixture")
}

const EXTRACT: &str = r#"query($text: String!, $source: ReportSourceInput) {
  extractReport(text: $text, source: $source) {
    text
    meetings {
      date dateInferred dateNote partOfDay format dateWords { text start end }
      organizers { text }
      chairs { name { text start end } role titles { text } roleWords { text } }
      participants { name { text } role leads }
      documents { code kind issuer relation words { text start end } }
      tasks { assignees { text } dueOn dueWords { text } }
    }
    dataset
    review { place kind message quote }
  }
}"#;

async fn extract_as(app: &TestApp, token: &str, text: &str, source: Value) -> Value {
    app.query_as(token, EXTRACT, json!({ "text": text, "source": source })).await
}

#[tokio::test]
async fn an_editor_drafts_a_report_with_each_facts_words_and_imports_it() {
    let app = spawn_app().await;
    let editor = app.token("editor", Role::Editor).await;
    let text = fixture("two-chairs-online.txt");
    let answer = extract_as(&app, &editor, &text, json!({ "publisher": "Báo Tỉnh Mẫu" })).await;
    assert!(answer.get("errors").is_none(), "{answer}");
    let report = &answer["data"]["extractReport"];
    let meeting = &report["meetings"][0];
    assert_eq!(meeting["date"], "2024-03-05");
    assert_eq!(meeting["dateInferred"], true);
    assert_eq!(meeting["partOfDay"], "AFTERNOON");
    assert_eq!(meeting["format"], "ONLINE");
    let chairs: Vec<&str> =
        meeting["chairs"].as_array().unwrap().iter().map(|c| c["name"]["text"].as_str().unwrap()).collect();
    assert_eq!(chairs, ["Lò Văn Mạnh", "Mùa Thị Hoa"]);
    // Offsets are characters of the text as read: the words stand there.
    let read: Vec<char> = report["text"].as_str().unwrap().chars().collect();
    for words in [&meeting["chairs"][0]["name"], &meeting["dateWords"], &meeting["documents"][0]["words"]] {
        let (start, end) = (words["start"].as_u64().unwrap() as usize, words["end"].as_u64().unwrap() as usize);
        assert_eq!(read[start..end].iter().collect::<String>(), words["text"].as_str().unwrap(), "{words}");
    }
    assert_eq!(meeting["documents"][0]["code"], "02-ĐA/TU");
    assert_eq!(meeting["tasks"][0]["dueOn"], "2024-12-31");
    assert!(
        report["review"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["kind"] == "INFERRED" && r["place"] == "conferences[0].date"),
        "the inferred year is for review: {}",
        report["review"]
    );
    assert_eq!(
        app.data("{ conferences { totalCount } }", json!({})).await["conferences"]["totalCount"],
        0,
        "nothing written"
    );

    // Applying the reviewed draft is an import.
    let admin = app.token("admin", Role::Admin).await;
    let imported = upload(&app, &admin, report["dataset"].as_str().unwrap(), false).await;
    assert!(imported.get("errors").is_none(), "{imported}");
    let asked = app
        .data(
            r#"{ conferences(filter: { from: "2024-03-05", to: "2024-03-05" }) { nodes {
                 format partOfDay dateInferred chairs { name }
                 participants(role: CHAIR) { capacity }
                 citations { quote locator source { publisher } }
                 tasks { dueOn assignees { ... on Organization { name } } }
                 directives { relation directive { code } } } } }"#,
            json!({}),
        )
        .await;
    let conference = &asked["conferences"]["nodes"][0];
    assert_eq!(conference["chairs"], json!([{ "name": "Lò Văn Mạnh" }, { "name": "Mùa Thị Hoa" }]), "{asked}");
    assert_eq!(
        conference["participants"][0]["capacity"],
        "Phó Bí thư Tỉnh uỷ, Trưởng Ban chỉ đạo Quy chế dân chủ của tỉnh"
    );
    assert!(conference["citations"][0]["quote"].as_str().unwrap().starts_with("TM - Chiều 5.3"), "{conference}");
    assert_eq!(conference["citations"][0]["source"]["publisher"], "Báo Tỉnh Mẫu");
    assert_eq!(conference["directives"][0], json!({ "relation": "REVIEWS", "directive": { "code": "02-ĐA/TU" } }));
    let task = conference["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["dueOn"] == "2024-12-31")
        .cloned()
        .expect("a task due");
    assert_eq!(task["assignees"][0]["name"], "các cấp, ngành");
    // The titles printed attest the posts on the meeting's day.
    let held = app
        .data(
            r#"{ officials(filter: { text: "Lo Van Manh" }) { nodes { tenures(asOf: "2024-03-05") { certainty post { title } } } } }"#,
            json!({}),
        )
        .await;
    let tenures = held["officials"]["nodes"][0]["tenures"].as_array().cloned().unwrap_or_default();
    assert!(
        tenures.iter().any(|t| t["post"]["title"] == "Phó Bí thư Tỉnh uỷ" && t["certainty"] == "ATTESTED"),
        "{held}"
    );
}

#[tokio::test]
async fn a_second_reports_draft_matches_the_stored_records_and_adds_no_duplicates() {
    let app = spawn_app().await;
    let editor = app.token("editor", Role::Editor).await;
    let admin = app.token("admin", Role::Admin).await;
    let first = extract_as(&app, &editor, &fixture("two-chairs-online.txt"), json!({})).await;
    let imported = upload(&app, &admin, first["data"]["extractReport"]["dataset"].as_str().unwrap(), false).await;
    assert!(imported.get("errors").is_none(), "{imported}");
    let before = app.data("{ officials { totalCount } organizations { totalCount } }", json!({})).await;

    let later = "URL: https://baotinhmau.example.vn/thoi-su/202405/giao-ban-67890/\n\nChiều 14-5, Tỉnh uỷ tổ chức hội nghị giao ban. Đồng chí Lò Văn Mạnh, Phó Bí thư Tỉnh ủy chủ trì hội nghị.";
    let second = extract_as(&app, &editor, later, json!({})).await;
    let review = second["data"]["extractReport"]["review"].as_array().cloned().expect("review");
    assert!(
        review.iter().any(|r| r["kind"] == "MATCHED" && r["place"].as_str().unwrap().starts_with("officials[")),
        "the official is matched by name and a post he holds: {review:?}"
    );
    let imported = upload(&app, &admin, second["data"]["extractReport"]["dataset"].as_str().unwrap(), false).await;
    assert!(imported.get("errors").is_none(), "{imported}");
    let after = app.data("{ officials { totalCount } organizations { totalCount } }", json!({})).await;
    assert_eq!(after["officials"], before["officials"], "no second Lò Văn Mạnh");
    assert_eq!(after["organizations"], before["organizations"], "no second Tỉnh ủy");
    let chaired =
        app.data(r#"{ officials(filter: { text: "Lo Van Manh" }) { nodes { chaired { title } } } }"#, json!({})).await;
    assert_eq!(chaired["officials"]["nodes"][0]["chaired"].as_array().map(Vec::len), Some(2), "{chaired}");
}

#[tokio::test]
async fn two_people_of_one_name_in_two_provinces_are_never_matched_by_name_alone() {
    let dataset = json!({
        "areas": [
            { "key": "vn", "name": "Việt Nam", "kind": "COUNTRY" },
            { "key": "tinh-a", "name": "Tỉnh Mẫu", "kind": "PROVINCE", "parent": "vn" },
            { "key": "tinh-b", "name": "Tỉnh Khác", "kind": "PROVINCE", "parent": "vn" }
        ],
        "organizations": [
            { "key": "tu-a", "name": "Tỉnh ủy Tỉnh Mẫu", "shortName": "Tỉnh ủy", "kind": "PARTY_COMMITTEE", "area": "tinh-a" },
            { "key": "tu-b", "name": "Tỉnh ủy Tỉnh Khác", "shortName": "Tỉnh ủy", "kind": "PARTY_COMMITTEE", "area": "tinh-b" }
        ],
        "posts": [
            { "key": "pbt-a", "title": "Phó Bí thư Tỉnh ủy", "organization": "tu-a" },
            { "key": "pbt-b", "title": "Phó Bí thư Tỉnh ủy", "organization": "tu-b" }
        ],
        "officials": [
            { "key": "nva-a", "name": "Nguyễn Văn An", "tenures": [{ "post": "pbt-a" }] },
            { "key": "nva-b", "name": "Nguyễn Văn An", "tenures": [{ "post": "pbt-b" }] }
        ]
    });
    let app = spawn_with(dataset).await;
    let editor = app.token("editor", Role::Editor).await;
    let text = "Sáng 2/6, Tỉnh ủy tổ chức hội nghị. Đồng chí Nguyễn Văn An, Phó Bí thư Tỉnh ủy chủ trì hội nghị.";
    let place_of = |answer: &Value| -> (String, String) {
        let review = answer["data"]["extractReport"]["review"].as_array().cloned().unwrap_or_default();
        let item =
            review.into_iter().find(|r| r["place"].as_str().unwrap_or("").starts_with("officials[")).expect("reviewed");
        (item["kind"].as_str().unwrap().to_owned(), item["message"].as_str().unwrap().to_owned())
    };
    let nowhere = extract_as(&app, &editor, text, json!({})).await;
    let (kind, message) = place_of(&nowhere);
    assert_eq!(kind, "AMBIGUOUS", "no area: the name and the title fit both ({message})");
    assert!(message.contains("nva-a") && message.contains("nva-b"), "{message}");
    let dataset: Value = serde_json::from_str(nowhere["data"]["extractReport"]["dataset"].as_str().unwrap()).unwrap();
    assert!(
        !["nva-a", "nva-b"].contains(&dataset["officials"][0]["key"].as_str().unwrap()),
        "drafted as new: {dataset}"
    );

    let in_b = extract_as(&app, &editor, text, json!({ "area": "tinh-b" })).await;
    let (kind, message) = place_of(&in_b);
    assert_eq!(kind, "MATCHED", "{message}");
    let dataset: Value = serde_json::from_str(in_b["data"]["extractReport"]["dataset"].as_str().unwrap()).unwrap();
    assert_eq!(dataset["officials"][0]["key"], "nva-b", "{dataset}");
    assert_eq!(dataset["conferences"][0]["organizers"], json!(["tu-b"]), "the body of that province");
}

#[tokio::test]
async fn drafting_is_for_editors_and_bounded() {
    let app = spawn_app().await;
    let anonymous = app.query(EXTRACT, json!({ "text": "Sáng 2/6, Tỉnh ủy họp." })).await;
    assert!(
        matches!(anonymous["errors"][0]["extensions"]["code"].as_str(), Some("UNAUTHENTICATED" | "FORBIDDEN")),
        "{anonymous}"
    );
    let reader = app.token("reader", Role::Reader).await;
    let refused = extract_as(&app, &reader, "Sáng 2/6, Tỉnh ủy họp.", json!({})).await;
    assert_eq!(refused["errors"][0]["extensions"]["code"], "FORBIDDEN", "{refused}");
    let editor = app.token("editor", Role::Editor).await;
    let long = "Sáng 2/6, Tỉnh ủy họp. ".repeat(10_000);
    let too_long = extract_as(&app, &editor, &long, json!({})).await;
    assert_eq!(too_long["errors"][0]["extensions"]["code"], "LIMIT_EXCEEDED", "{too_long}");
    let bad_url = extract_as(&app, &editor, "Sáng 2/6.", json!({ "url": "javascript:alert(1)" })).await;
    assert_eq!(bad_url["errors"][0]["extensions"]["code"], "BAD_USER_INPUT", "{bad_url}");
}

#[test]
fn the_command_line_prints_the_facts_and_a_draft_that_a_dry_run_import_accepts() {
    let file = format!("{}/tests/fixtures/reports/listing.txt", env!("CARGO_MANIFEST_DIR"));
    let facts = Command::new(env!("CARGO_BIN_EXE_govtrail"))
        .args(["extract", "--format", "facts", &file])
        .output()
        .expect("run");
    assert!(facts.status.success(), "{}", String::from_utf8_lossy(&facts.stderr));
    let facts: Value = serde_json::from_slice(&facts.stdout).expect("JSON");
    let conferences = facts["conferences"].as_array().expect("conferences");
    assert_eq!(conferences.len(), 2);
    assert_eq!(conferences[1]["chairs"][0]["name"], "Phạm Quốc Bảo");
    assert_eq!(conferences[1]["date"], "2024-03-05");

    let dir = tempfile::tempdir().expect("dir");
    let draft_path = dir.path().join("draft.json");
    let draft = Command::new(env!("CARGO_BIN_EXE_govtrail")).args(["extract", &file]).output().expect("run");
    assert!(draft.status.success());
    std::fs::write(&draft_path, &draft.stdout).expect("write");
    let database = format!("sqlite://{}?mode=rwc", dir.path().join("g.db").display());
    let tried = Command::new(env!("CARGO_BIN_EXE_govtrail"))
        .args(["import", "--dry-run", "--database", &database, draft_path.to_str().unwrap()])
        .output()
        .expect("run");
    assert!(tried.status.success(), "{}", String::from_utf8_lossy(&tried.stderr));
    let without_year = Command::new(env!("CARGO_BIN_EXE_govtrail"))
        .args(["extract", &format!("{}/tests/fixtures/reports/no-year.txt", env!("CARGO_MANIFEST_DIR"))])
        .output()
        .expect("run");
    let draft: Value = serde_json::from_slice(&without_year.stdout).expect("JSON");
    assert!(
        draft["review"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["kind"] == "MISSING" && r["place"] == "conferences[0].date"),
        "a date without a year is for the reviewer to complete: {draft}"
    );
}
