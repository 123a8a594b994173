//! The command line: schema, import (in one transaction, idempotent, with clear refusals).

use crate::helpers::Running;
use sea_orm::{EntityTrait, PaginatorTrait};
use std::process::{Command, Output};

fn govtrail(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_govtrail")).args(args).output().expect("run govtrail")
}

/// A new, migrated SQLite database named `name` in `dir`: only `migrate` and `serve --demo`
/// make a database.
fn migrated(dir: &tempfile::TempDir, name: &str) -> String {
    let url = format!("sqlite://{}/{name}.db?mode=rwc", dir.path().display());
    let out = govtrail(&["migrate", "--database", &url]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    url
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn schema_command_prints_the_committed_sdl() {
    let out = govtrail(&["schema"]);
    assert!(out.status.success());
    let committed =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql")).expect("schema.graphql");
    assert_eq!(text(&out.stdout), committed);
}

/// Imports `json` as a file into a fresh database: the folder (kept alive), the database URL
/// and what the command did.
fn import_text(json: &str) -> (tempfile::TempDir, String, Output) {
    let dir = tempfile::tempdir().unwrap();
    let url = migrated(&dir, "cli");
    let file = dir.path().join("dataset.json");
    std::fs::write(&file, json).unwrap();
    let out = govtrail(&["import", file.to_str().unwrap(), "--database", &url]);
    (dir, url, out)
}

async fn count_areas(url: &str) -> u64 {
    let db = govtrail::database::open(url).await.expect("open");
    entity::area::Entity::find().count(&db).await.expect("count")
}

#[tokio::test]
async fn a_broken_file_is_refused_with_its_place_and_nothing_changes() {
    let (_dir, url, out) = import_text(r#"{"conferences": [ {"title": 42, "#);
    assert!(!out.status.success());
    let message = text(&out.stderr);
    assert!(message.contains("conferences[0].title") && message.contains("line 1"), "{message}");
    assert!(message.contains("nothing changed"), "{message}");
    assert_eq!(count_areas(&url).await, 0);
}

#[tokio::test]
async fn a_file_with_a_bad_reference_imports_nothing() {
    let (_dir, url, out) = import_text(
        r#"{ "areas": [{ "key": "hg", "name": "Hà Giang", "kind": "PROVINCE" }],
             "organizations": [{ "key": "tu", "name": "Tỉnh ủy", "kind": "PARTY_COMMITTEE", "area": "hg" }],
             "conferences": [{ "key": "c", "title": "Hội nghị", "kind": "CONFERENCE", "format": "ONLINE", "date": "2021-07-13",
                               "organizers": ["tu", "khong-co"] }] }"#,
    );
    assert!(!out.status.success());
    let message = text(&out.stderr);
    assert!(message.contains("conferences[0].organizers[1]") && message.contains("khong-co"), "{message}");
    assert_eq!(count_areas(&url).await, 0, "the areas before the bad reference were rolled back");
}

#[tokio::test]
async fn rule_breaking_records_are_all_listed() {
    let (_dir, url, out) = import_text(
        r#"{ "areas": [{ "key": "a", "name": "A", "kind": "PROVINCE" }, { "key": "a", "name": "B", "kind": "PLANET" }],
             "tasks": [{ "key": "t", "title": "T", "dueOn": "2021-12-32", "timeZone": "Asia/Hanoi", "assignees": [] }] }"#,
    );
    assert!(!out.status.success());
    let message = text(&out.stderr);
    for place in ["areas[1].key", "areas[1].kind", "tasks[0].dueOn", "tasks[0].timeZone", "tasks[0].assignees"] {
        assert!(message.contains(place), "{place} missing: {message}");
    }
    assert_eq!(count_areas(&url).await, 0);
}

#[tokio::test]
async fn importing_the_same_file_twice_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let url = migrated(&dir, "cli");
    let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/data/ha-giang-2021-07-13.json");
    let first = govtrail(&["import", demo, "--database", &url]);
    assert!(first.status.success(), "{}", text(&first.stderr));
    assert!(text(&first.stdout).contains(" 0 updated, 0 unchanged"), "{}", text(&first.stdout));
    let second = govtrail(&["import", demo, "--database", &url]);
    assert!(second.status.success());
    assert!(text(&second.stdout).contains(": 0 created, 0 updated,"), "{}", text(&second.stdout));
    assert!(text(&second.stdout).contains("0 removed"));
    assert_eq!(count_areas(&url).await, 4);
}

#[test]
fn migrate_creates_the_schema() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/m.db?mode=rwc", dir.path().display());
    let out = govtrail(&["migrate", "--database", &url]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(govtrail(&["migrate", "--database", &url]).status.success(), "migrating twice is harmless");
}

/// A folder with two databases: the first holds the demo, the second nothing yet.
fn demo_and_empty() -> (tempfile::TempDir, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let first_db = migrated(&dir, "first");
    let second_db = migrated(&dir, "second");
    let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/data/ha-giang-2021-07-13.json");
    assert!(govtrail(&["import", demo, "--database", &first_db]).status.success());
    (dir, first_db, second_db)
}

#[tokio::test]
async fn export_import_export_is_identical() {
    let (dir, first_db, second_db) = demo_and_empty();
    let (a, b) = (dir.path().join("a.json"), dir.path().join("b.json"));
    let out = govtrail(&["export", a.to_str().unwrap(), "--database", &first_db]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let again = govtrail(&["import", a.to_str().unwrap(), "--database", &first_db]);
    assert!(
        text(&again.stdout).contains(": 0 created, 0 updated,"),
        "the export matches what is stored: {}",
        text(&again.stdout)
    );
    assert!(govtrail(&["import", a.to_str().unwrap(), "--database", &second_db]).status.success());
    assert!(govtrail(&["export", b.to_str().unwrap(), "--database", &second_db]).status.success());
    let (a, b) = (std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    assert!(a == b, "the second export differs from the first");
    let exported: serde_json::Value = serde_json::from_slice(&a).unwrap();
    assert_eq!(exported["tasks"].as_array().unwrap().len(), 12);
    assert_eq!(exported["conferences"][0]["participants"][0]["official"], "nguyen-manh-dung");
    let stdout = govtrail(&["export", "-", "--database", &second_db]);
    assert_eq!(stdout.stdout, a, "export to standard output");
}

#[test]
fn tokens_are_created_listed_and_revoked() {
    let dir = tempfile::tempdir().unwrap();
    let url = migrated(&dir, "t");
    let created = govtrail(&["token", "create", "--name", "staff", "--role", "editor", "--database", &url]);
    assert!(created.status.success(), "{}", text(&created.stderr));
    let token = text(&created.stdout).trim().to_owned();
    assert!(token.starts_with("gt_") && token.len() > 40, "{token}");
    let twice = govtrail(&["token", "create", "--name", "staff", "--role", "admin", "--database", &url]);
    assert!(!twice.status.success(), "names are unique");
    let bad_role = govtrail(&["token", "create", "--name", "x", "--role", "boss", "--database", &url]);
    assert!(!bad_role.status.success() && text(&bad_role.stderr).contains("READER, EDITOR, ADMIN"));
    let listed = text(&govtrail(&["token", "list", "--database", &url]).stdout);
    assert!(listed.contains("staff\tEDITOR") && listed.contains("active"), "{listed}");
    assert!(!listed.contains(&token), "the token itself is never shown again");
    assert!(govtrail(&["token", "revoke", "staff", "--database", &url]).status.success());
    assert!(text(&govtrail(&["token", "list", "--database", &url]).stdout).contains("revoked"));
    assert!(!govtrail(&["token", "revoke", "nobody", "--database", &url]).status.success());
}

#[tokio::test]
async fn a_dry_run_reports_and_keeps_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let url = migrated(&dir, "dry");
    let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/data/ha-giang-2021-07-13.json");
    let out = govtrail(&["import", demo, "--dry-run", "--database", &url]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let said = text(&out.stdout);
    assert!(said.contains("would be") && said.contains("nothing changed") && !said.contains(" 0 created"), "{said}");
    assert_eq!(count_areas(&url).await, 0);
}

/// The named sections of a dataset export, with what Popolo does not hold taken out.
fn popolo_held(export: &[u8]) -> serde_json::Value {
    let mut ds: serde_json::Value = serde_json::from_slice(export).unwrap();
    for official in ds["officials"].as_array_mut().unwrap() {
        for tenure in official["tenures"].as_array_mut().into_iter().flatten() {
            // Demo sources have no address, and Popolo cites sources by address only.
            tenure.as_object_mut().unwrap().remove("sources");
        }
    }
    for post in ds["posts"].as_array_mut().unwrap() {
        post.as_object_mut().unwrap().remove("seats");
    }
    for organization in ds["organizations"].as_array_mut().unwrap() {
        let organization = organization.as_object_mut().unwrap();
        organization.remove("endedAs");
        organization.remove("successor");
    }
    serde_json::json!({ "officials": ds["officials"], "organizations": ds["organizations"], "posts": ds["posts"], "areas": ds["areas"] })
}

#[tokio::test]
async fn popolo_export_and_import_give_back_officials_organizations_posts_and_tenures() {
    let (dir, first_db, second_db) = demo_and_empty();
    let (a, b) = (dir.path().join("a.json"), dir.path().join("b.json"));
    let out = govtrail(&["export", "--format", "popolo", a.to_str().unwrap(), "--database", &first_db]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let popolo: serde_json::Value = serde_json::from_slice(&std::fs::read(&a).unwrap()).unwrap();
    assert_eq!(popolo["persons"].as_array().map(Vec::len), Some(7));
    assert!(popolo["memberships"][0]["person_id"].is_string() && popolo["memberships"][0]["post_id"].is_string());
    assert!(popolo["events"][0]["attendees"].is_array());

    // Laid over the database it came from, the file changes nothing: chairs stay chairs.
    let over = govtrail(&["import", "--format", "popolo", a.to_str().unwrap(), "--database", &first_db]);
    assert!(text(&over.stdout).contains(": 0 created, 0 updated,"), "{}", text(&over.stdout));

    // Into an empty database and out again: the same file, and the same people, bodies,
    // posts and tenures.
    let into = govtrail(&["import", "--format", "popolo", a.to_str().unwrap(), "--database", &second_db]);
    assert!(into.status.success(), "{}", text(&into.stderr));
    assert!(
        govtrail(&["export", "--format", "popolo", b.to_str().unwrap(), "--database", &second_db]).status.success()
    );
    assert!(std::fs::read(&a).unwrap() == std::fs::read(&b).unwrap(), "the second Popolo export differs");
    let first = govtrail(&["export", "-", "--database", &first_db]).stdout;
    let second = govtrail(&["export", "-", "--database", &second_db]).stdout;
    assert_eq!(popolo_held(&first), popolo_held(&second));
}

#[tokio::test]
async fn a_popolo_file_from_elsewhere_is_read_with_its_roles_and_instants() {
    let (_dir, url, out) = import_text("{}");
    assert!(out.status.success());
    let file = _dir.path().join("popolo.json");
    let popolo = serde_json::json!({
        "persons": [{ "id": "p1", "name": "Lò Văn Thử", "gender": "male" }],
        "organizations": [{ "id": "o1", "name": "Hội đồng nhân dân tỉnh", "classification": "peoples council" }],
        "memberships": [{ "person_id": "p1", "organization_id": "o1", "role": "Chủ tịch", "start_date": "2021-06",
                          "sources": [{ "url": "https://example.vn/tin", "note": "Tin" }] }],
        "events": [{ "id": "e1", "name": "Kỳ họp thứ nhất", "start_date": "2021-06-29T01:30:00Z",
                     "organization_id": "o1", "attendees": [{ "id": "p1" }] }]
    });
    std::fs::write(&file, popolo.to_string()).unwrap();
    let out = govtrail(&["import", "--format", "popolo", file.to_str().unwrap(), "--database", &url]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let export: serde_json::Value =
        serde_json::from_slice(&govtrail(&["export", "-", "--database", &url]).stdout).unwrap();
    assert_eq!(export["posts"][0]["title"], "Chủ tịch", "a role in an organization is a post there");
    assert_eq!(export["organizations"][0]["kind"], "PEOPLES_COUNCIL");
    assert_eq!(export["officials"][0]["tenures"][0]["startedOn"], "2021-06");
    assert_eq!(export["officials"][0]["tenures"][0]["sources"][0], "popolo-https-example-vn-tin");
    assert_eq!(export["conferences"][0]["date"], "2021-06-29");
    assert_eq!(export["conferences"][0]["startsAt"], "2021-06-29T01:30:00Z");
    assert_eq!(export["conferences"][0]["participants"][0]["role"], "ATTENDEE");

    std::fs::write(&file, r#"{ "memberships": [{ "person_id": "nobody", "post_id": "x" }] }"#).unwrap();
    let refused = govtrail(&["import", "--format", "popolo", file.to_str().unwrap(), "--database", &url]);
    assert!(!refused.status.success());
    assert!(text(&refused.stderr).contains("memberships"), "{}", text(&refused.stderr));
}

#[tokio::test]
async fn json_logs_name_each_request_and_never_its_token() {
    use std::io::{BufRead, BufReader};
    let dir = tempfile::tempdir().unwrap();
    let url = migrated(&dir, "logs");
    let mut server = Running(
        Command::new(env!("CARGO_BIN_EXE_govtrail"))
            .args(["serve", "--log-format", "json", "--listen", "127.0.0.1:0", "--database", &url])
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("start the server"),
    );
    let mut lines = BufReader::new(server.0.stderr.take().expect("stderr")).lines();
    let mut address = None;
    for line in lines.by_ref().take(50) {
        let line = line.expect("a log line");
        let entry: serde_json::Value = serde_json::from_str(&line).unwrap_or_else(|_| panic!("not JSON: {line}"));
        let message = entry["fields"]["message"].as_str().unwrap_or("");
        if let Some(rest) = message.split("http://").nth(1) {
            address = rest.split_whitespace().next().map(str::to_owned);
            break;
        }
    }
    let address = address.expect("the server says where it listens");
    let secret = "gt_this-token-must-not-be-logged";
    let response = reqwest::Client::new()
        .post(format!("http://{address}/graphql"))
        .bearer_auth(secret)
        .json(&serde_json::json!({ "query": "query WhoChaired { conferences { totalCount } }", "operationName": "WhoChaired" }))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 200);
    let mut logged = None;
    for line in lines.by_ref().take(20) {
        let line = line.expect("a log line");
        assert!(!line.contains(secret), "a token reached the log: {line}");
        let entry: serde_json::Value = serde_json::from_str(&line).expect("JSON");
        if entry["fields"]["message"] == "graphql request" {
            logged = Some(entry);
            break;
        }
    }
    let entry = logged.expect("the request is logged");
    // Refused before its body was read: its operation name is not known.
    assert_eq!(entry["fields"]["operation"], "-");
    assert_eq!(entry["fields"]["outcome"], "UNAUTHENTICATED");
    let response = reqwest::Client::new()
        .post(format!("http://{address}/graphql"))
        .json(&serde_json::json!({ "query": "query WhoChaired { conferences { totalCount } }", "operationName": "WhoChaired" }))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 200);
    let named = lines
        .by_ref()
        .take(20)
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(&line.expect("a log line")).ok())
        .find(|entry| entry["fields"]["message"] == "graphql request")
        .expect("the second request is logged");
    drop(server);
    assert_eq!(named["fields"]["operation"], "WhoChaired");
    assert_eq!(named["fields"]["outcome"], "ok");
    assert!(entry["fields"]["duration_ms"].as_f64().is_some(), "{entry}");
}

#[test]
fn only_migrate_the_demo_and_loading_a_dataset_make_a_database() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/missing.db?mode=rwc", dir.path().display());
    let exported = dir.path().join("out.json");
    let backup = dir.path().join("copy.db");
    for args in [
        vec!["token", "create", "--name", "staff", "--role", "editor"],
        vec!["token", "list"],
        vec!["export", exported.to_str().unwrap()],
        vec!["backup", backup.to_str().unwrap()],
        vec!["serve", "--listen", "127.0.0.1:0"],
    ] {
        let out = govtrail(&[args.as_slice(), &["--database", &url]].concat());
        assert!(!out.status.success(), "{args:?} ran on a database that does not exist");
        let said = text(&out.stderr);
        assert!(said.contains("there is no database at") && said.contains("missing.db"), "{args:?}: {said}");
        assert!(!dir.path().join("missing.db").exists(), "{args:?} made a database");
    }
    // Commands say which database they used.
    let made = migrated(&dir, "made");
    let out = govtrail(&["token", "list", "--database", &made]);
    assert!(text(&out.stderr).contains(&format!("SQLite file {}", dir.path().join("made.db").display())));
}

#[tokio::test]
async fn after_an_import_the_database_file_alone_holds_everything() {
    let dir = tempfile::tempdir().unwrap();
    let url = migrated(&dir, "alone");
    let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/data/ha-giang-2021-07-13.json");
    assert!(govtrail(&["import", demo, "--database", &url]).status.success());
    // A copy of the .db file without its -wal companion, as a user would make with cp.
    let copy = dir.path().join("copy.db");
    std::fs::copy(dir.path().join("alone.db"), &copy).unwrap();
    assert_eq!(count_areas(&format!("sqlite://{}", copy.display())).await, 4);
}

#[tokio::test]
async fn a_backup_of_a_live_database_restores_to_the_same_facts() {
    let dir = tempfile::tempdir().unwrap();
    let database = crate::helpers::fresh_database(&dir).await;
    let (_server, address) = crate::helpers::serve_process(&database, &["--demo"]);
    let editor = crate::helpers::cli_token(&database, "editor", "EDITOR");
    // A write through the running server just before the backup is in it.
    let made: serde_json::Value = reqwest::Client::new()
        .post(format!("http://{address}/graphql"))
        .bearer_auth(&editor)
        .json(&serde_json::json!({ "query": "mutation { createOfficial(input: { name: \"Hầu A Lềnh\" }) { name } }" }))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("JSON");
    assert_eq!(made["data"]["createOfficial"]["name"], "Hầu A Lềnh", "{made}");
    let file = dir.path().join("backup");
    let out = govtrail(&["backup", file.to_str().unwrap(), "--database", &database]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(!govtrail(&["backup", file.to_str().unwrap(), "--database", &database]).status.success(), "no overwrite");
    let restored = if database.starts_with("postgres") {
        // Restored into a database of its own on the same server.
        let restored = crate::helpers::fresh_database(&tempfile::tempdir().unwrap()).await;
        let status = Command::new("pg_restore")
            .args(["--no-owner", "--clean", "--if-exists", "--dbname", &restored])
            .arg(&file)
            .status()
            .expect("pg_restore");
        assert!(status.success());
        restored
    } else {
        format!("sqlite://{}", file.display())
    };
    let original = govtrail(&["export", "-", "--database", &database]).stdout;
    let copy = govtrail(&["export", "-", "--database", &restored]).stdout;
    assert!(!original.is_empty());
    assert_eq!(text(&copy), text(&original));
    assert!(text(&copy).contains("Hầu A Lềnh"));
}
