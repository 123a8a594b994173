//! The command line: schema, import (in one transaction, idempotent, with clear refusals).

use sea_orm::{EntityTrait, PaginatorTrait};
use std::process::{Command, Output};

fn govtrail(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_govtrail")).args(args).output().expect("run govtrail")
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
    let url = format!("sqlite://{}/cli.db?mode=rwc", dir.path().display());
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
    let url = format!("sqlite://{}/cli.db?mode=rwc", dir.path().display());
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

#[tokio::test]
async fn export_import_export_is_identical() {
    let dir = tempfile::tempdir().unwrap();
    let first_db = format!("sqlite://{}/first.db?mode=rwc", dir.path().display());
    let second_db = format!("sqlite://{}/second.db?mode=rwc", dir.path().display());
    let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/data/ha-giang-2021-07-13.json");
    let (a, b) = (dir.path().join("a.json"), dir.path().join("b.json"));
    assert!(govtrail(&["import", demo, "--database", &first_db]).status.success());
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
    let url = format!("sqlite://{}/t.db?mode=rwc", dir.path().display());
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
    let url = format!("sqlite://{}/dry.db?mode=rwc", dir.path().display());
    let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/data/ha-giang-2021-07-13.json");
    let out = govtrail(&["import", demo, "--dry-run", "--database", &url]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let said = text(&out.stdout);
    assert!(said.contains("would be") && said.contains("nothing changed") && !said.contains(" 0 created"), "{said}");
    assert_eq!(count_areas(&url).await, 0);
}
