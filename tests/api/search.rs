//! `search`: ranked, diacritic-insensitive, across types, backed by the full-text index.

use crate::helpers::*;
use govtrail::auth::Role;
use serde_json::{Value, json};

async fn hits(app: &TestApp, text: &str, types: Value) -> Vec<Value> {
    let data = app
        .data(
            "query($t: String!, $types: [SearchType!]) { search(text: $t, types: $types, first: 20) { totalCount edges { cursor node { score type node { __typename id
                ... on Directive { code } ... on Official { name } ... on Organization { name } ... on Conference { title } ... on Task { title } ... on Post { title } } } } } }",
            json!({ "t": text, "types": types }),
        )
        .await;
    data["search"]["edges"].as_array().unwrap().iter().map(|e| e["node"].clone()).collect()
}

#[tokio::test]
async fn the_scheme_ranks_first_however_its_code_is_written() {
    let app = spawn_demo().await;
    for text in ["de an 06", "Đề án 06", "06-ĐA/TU", "06-DA/TU", "06 da tu"] {
        let found = hits(&app, text, Value::Null).await;
        assert!(found.len() > 1, "{text}: the conference and task that name it match too");
        assert_eq!(found[0]["node"]["code"], "06-ĐA/TU", "{text}: {:?}", found.first());
        assert_eq!(found[0]["type"], "DIRECTIVE");
        let scores: Vec<f64> = found.iter().map(|h| h["score"].as_f64().unwrap()).collect();
        assert!(scores.windows(2).all(|w| w[0] >= w[1]), "best first: {scores:?}");
    }
}

#[tokio::test]
async fn search_covers_every_type_and_narrows_by_type() {
    let app = spawn_demo().await;
    let found = hits(&app, "tran manh loi", Value::Null).await;
    assert_eq!(found[0]["node"]["name"], "Trần Mạnh Lợi");
    let types: Vec<String> = hits(&app, "dan van", Value::Null)
        .await
        .iter()
        .map(|h| h["node"]["__typename"].as_str().unwrap().to_owned())
        .collect();
    for expected in ["Organization", "Post", "Conference", "Task", "Directive"] {
        assert!(types.iter().any(|t| t == expected), "{expected} missing from {types:?}");
    }
    let only_posts = hits(&app, "dan van", json!(["POST"])).await;
    assert!(!only_posts.is_empty());
    assert!(only_posts.iter().all(|h| h["node"]["__typename"] == "Post"));
    assert!(hits(&app, "khong co gi nhu the nay", Value::Null).await.is_empty());
}

#[tokio::test]
async fn search_pages_and_refuses_empty_text() {
    let app = spawn_demo().await;
    let query = "query($c: String) { search(text: \"tinh\", first: 3, after: $c) { totalCount edges { cursor node { type node { id } } } pageInfo { hasNextPage hasPreviousPage endCursor } } }";
    let first = app.data(query, json!({ "c": null })).await;
    let total = first["search"]["totalCount"].as_u64().unwrap();
    assert!(total > 3);
    let mut seen = Vec::new();
    let mut cursor = Value::Null;
    loop {
        let page = app.data(query, json!({ "c": cursor })).await;
        for edge in page["search"]["edges"].as_array().unwrap() {
            seen.push(edge["node"]["node"]["id"].clone());
        }
        if page["search"]["pageInfo"]["hasNextPage"] != true {
            break;
        }
        cursor = page["search"]["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(seen.len() as u64, total);
    assert_eq!(app.error_code("{ search(text: \"  --  \") { totalCount } }", json!({})).await, "BAD_USER_INPUT");
    assert_eq!(app.error_code("{ search(text: \"x\", first: 101) { totalCount } }", json!({})).await, "BAD_USER_INPUT");
    let quotes = app.data("{ search(text: \"\\\" OR 1=1 --\") { totalCount } }", json!({})).await;
    assert_eq!(quotes["search"]["totalCount"], 0);
}

#[tokio::test]
async fn reimporting_keeps_one_index_entry_per_node() {
    let app = spawn_with(json!({ "officials": [{ "key": "a", "name": "Hoàng Văn Một" }] })).await;
    assert_eq!(hits(&app, "hoang van mot", Value::Null).await.len(), 1);
}

#[tokio::test]
async fn on_postgresql_search_and_text_filters_use_indexes() {
    use sea_orm::{EntityTrait, QueryFilter, QueryTrait};
    let app = spawn_demo().await;
    if !app.database_url.starts_with("postgres") {
        return; // SQLite: FTS5 is the index, and it is the only way to query the search table.
    }
    // `search` as the server runs it while its ranked index is built, with its one parameter.
    let search = govtrail::store::search::database_statement(
        sea_orm::DatabaseBackend::Postgres,
        &["nguyen".to_owned()],
        &[1, 2],
    );
    let values = search.values.map(|v| v.0).unwrap_or_default();
    let search_plan = plan(&app.database_url, &search.sql, values, &["enable_seqscan"]).await;
    assert!(search_plan.contains("ix_search_index_vector"), "{search_plan}");
    // A list's text filter, with the condition the server builds.
    let filter = govtrail::store::filters::OfficialFilter { text: Some("nguyen manh".to_owned()) };
    let list = entity::official::Entity::find().filter(filter.condition()).build(sea_orm::DatabaseBackend::Postgres);
    let values = list.values.map(|v| v.0).unwrap_or_default();
    let list_plan = plan(&app.database_url, &list.sql, values, &["enable_seqscan"]).await;
    assert!(list_plan.contains("ix_official_name_folded_trgm"), "{list_plan}");
    assert!(!list_plan.contains("Seq Scan"), "{list_plan}");
}

#[tokio::test]
async fn documents_are_found_as_the_reports_word_them() {
    let app = spawn_with(json!({
        "organizations": [{ "key": "tu", "name": "Tỉnh ủy Thử", "kind": "PARTY_COMMITTEE" }],
        "directives": [
            { "key": "da-02", "kind": "SCHEME", "number": "02", "title": "Phát triển du lịch cộng đồng", "issuer": "tu" },
            { "key": "nq-26", "kind": "RESOLUTION", "number": "26", "title": "Về chuyển đổi số tỉnh", "issuer": "tu" },
            { "key": "nq-06", "code": "06-NQ/TU", "title": "Về xây dựng nông thôn mới", "issuer": "tu" }
        ],
        "conferences": [
            { "key": "hn-1", "title": "Hội nghị sơ kết Đề án số 02 về phát triển du lịch", "kind": "CONFERENCE", "date": "2024-05-02" },
            { "key": "hn-2", "title": "Hội nghị triển khai Nghị quyết số 26 về chuyển đổi số", "kind": "CONFERENCE", "date": "2024-06-10" }
        ]
    }))
    .await;
    for (text, key) in [
        ("Đề án số 02", "da-02"),
        ("de an so 02", "da-02"),
        ("ĐA 02", "da-02"),
        ("Nghị quyết số 26", "nq-26"),
        ("NQ 26", "nq-26"),
        ("NQ 06", "nq-06"),
        ("nghi quyet so 06", "nq-06"),
    ] {
        let data = app
            .data(
                "query($t: String!) { search(text: $t, first: 5) { edges { node { type node { ... on Directive { key } ... on Conference { key } } } } } }",
                json!({ "t": text }),
            )
            .await;
        let found: Vec<Value> = data["search"]["edges"].as_array().unwrap().iter().map(|e| e["node"].clone()).collect();
        assert_eq!(found.first().map(|h| h["node"]["key"].clone()), Some(json!(key)), "{text}: {found:?}");
        assert_eq!(found[0]["type"], "DIRECTIVE", "{text}: the directive above the conferences that name it");
    }
    let listed = app.data("{ directives(filter: { text: \"Đề án số 02\" }) { totalCount } }", json!({})).await;
    assert_eq!(listed["directives"]["totalCount"], 1, "the text filter reads the same way");
    let digital = app.data("{ search(text: \"chuyển đổi số\") { totalCount } }", json!({})).await;
    assert_eq!(digital["search"]["totalCount"], 2, "a title's own \"số\" is still searched");
}

/// The names found by a search for `text` on the server at `address`.
async fn names_at(address: std::net::SocketAddr, text: &str) -> Vec<String> {
    let answer: Value = post_graphql(
        &reqwest::Client::new(),
        address,
        None,
        "query($t: String!) { search(text: $t, types: [OFFICIAL]) { edges { node { node { ... on Official { name } } } } } }",
        &json!({ "t": text }),
    )
    .await
    .json()
    .await
    .expect("JSON");
    let edges = answer["data"]["search"]["edges"].as_array().unwrap_or_else(|| panic!("{answer}")).clone();
    edges.iter().map(|e| e["node"]["node"]["name"].as_str().unwrap_or("").to_owned()).collect()
}

/// Waits (at most 10 s) until the searches of the server at `address` read its ranked index,
/// which it builds when it starts.
async fn await_ranked(address: std::net::SocketAddr) {
    let sample = "govtrail_searches_total{source=\"index\"}";
    for _ in 0..200 {
        let before = metric(&address.to_string(), sample).await;
        names_at(address, "a").await;
        if metric(&address.to_string(), sample).await > before {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the ranked index of {address} was not built");
}

#[tokio::test]
async fn every_server_s_ranked_index_follows_the_writes_of_every_server() {
    let app = spawn_app().await;
    let (other, _stop_other) = serve_on(&app.database_url, &Setup::default(), true, None).await;
    await_ranked(app.address).await;
    await_ranked(other).await;
    let from_database = |at: std::net::SocketAddr| async move {
        metric(&at.to_string(), "govtrail_searches_total{source=\"database\"}").await
    };
    let before = (from_database(app.address).await, from_database(other).await);
    let admin = app.token("admin", Role::Admin).await;
    let made = app
        .query_as(&admin, r#"mutation { createOfficial(input: { name: "Phạm Thị Khảo" }) { id version } }"#, json!({}))
        .await;
    let id = made["data"]["createOfficial"]["id"].as_str().unwrap_or_else(|| panic!("{made}")).to_owned();
    for at in [app.address, other] {
        assert_eq!(names_at(at, "pham thi khao").await, ["Phạm Thị Khảo"], "created, asked at {at}");
    }

    let renamed = app
        .query_as(
            &admin,
            r#"mutation($id: ID!) { updateOfficial(id: $id, expectedVersion: 1, input: { name: "Phạm Thị Khảo Sát" }) { version } }"#,
            json!({ "id": id }),
        )
        .await;
    assert!(renamed.get("errors").is_none(), "{renamed}");
    for at in [app.address, other] {
        assert_eq!(names_at(at, "khao sat").await, ["Phạm Thị Khảo Sát"], "renamed, asked at {at}");
        assert_eq!(names_at(at, "pham thi khao").await, ["Phạm Thị Khảo Sát"], "one entry for the official");
    }

    let file = json!({ "officials": [{ "key": "k1", "name": "Lò Văn Nhập" }, { "key": "k2", "name": "Lò Thị Nhập" }] });
    let done = upload(&app, &admin, &file.to_string(), false).await;
    assert!(done.get("errors").is_none(), "{done}");
    for at in [app.address, other] {
        let mut found = names_at(at, "lo nhap").await;
        found.sort();
        assert_eq!(found, ["Lò Thị Nhập", "Lò Văn Nhập"], "imported, asked at {at}");
    }

    let deleted = app
        .query_as(
            &admin,
            "mutation($id: ID!) { deleteOfficial(id: $id, expectedVersion: 2) { id } }",
            json!({ "id": id }),
        )
        .await;
    assert!(deleted.get("errors").is_none(), "{deleted}");
    for at in [app.address, other] {
        assert!(names_at(at, "khao").await.is_empty(), "deleted, asked at {at}");
    }
    let after = (from_database(app.address).await, from_database(other).await);
    assert_eq!(before, after, "every search after the first built index read it");
}

#[tokio::test]
async fn a_write_committed_after_a_later_one_still_reaches_the_ranked_index() {
    use govtrail::store::search::{self, SearchType};
    use sea_orm::TransactionTrait;
    let app = spawn_app().await;
    await_ranked(app.address).await;
    let count = |text: &'static str| {
        let address = app.address;
        async move {
            let query = "query($t: String!) { search(text: $t) { totalCount } }";
            let answer: Value = post_graphql(&reqwest::Client::new(), address, None, query, &json!({ "t": text }))
                .await
                .json()
                .await
                .expect("JSON");
            answer["data"]["search"]["totalCount"].as_u64().unwrap_or_else(|| panic!("{answer}"))
        }
    };
    let db = govtrail::database::open(&app.database_url).await.expect("database");
    let first = db.begin().await.expect("begin");
    search::add(&first, SearchType::Official, 900_001, "truoc sau").await.expect("written");
    assert_eq!(count("truoc").await, 0, "not committed yet");
    if app.database_url.starts_with("postgres") {
        // A second writer begins after the first and commits before it (SQLite has one writer
        // at a time, so this happens on PostgreSQL only).
        let second = db.begin().await.expect("begin");
        search::add(&second, SearchType::Official, 900_002, "sau truoc").await.expect("written");
        second.commit().await.expect("commit");
        assert_eq!(count("truoc").await, 1, "the later transaction is seen");
    }
    first.commit().await.expect("commit");
    let expected = if app.database_url.starts_with("postgres") { 2 } else { 1 };
    assert_eq!(count("truoc").await, expected, "the earlier transaction is seen once it commits");
    assert_eq!(count("truoc").await, expected, "and counted once");
    db.close().await.expect("close");
}

#[tokio::test]
async fn the_count_is_of_every_match_and_the_best_500_are_ranked() {
    use govtrail::store::{ranked::Ranked, search};
    let long = "a".repeat(28);
    let mut officials: Vec<Value> =
        (0..620).map(|i| json!({ "key": format!("o{i}"), "name": format!("Nguyễn Văn Thử {i}") })).collect();
    officials.push(json!({ "key": "long-b", "name": format!("Lò {long}b") }));
    officials.push(json!({ "key": "long-c", "name": format!("Lò {long}c") }));
    let app = spawn_with(json!({ "officials": officials })).await;
    await_ranked(app.address).await;
    let query = "query($t: String!, $c: String) { search(text: $t, first: 100, after: $c) { totalCount rankedCount edges { cursor } pageInfo { hasNextPage endCursor } } }";
    let mut paged = 0;
    let mut cursor = Value::Null;
    loop {
        let page = app.data(query, json!({ "t": "nguyen van thu", "c": cursor })).await;
        assert_eq!(page["search"]["totalCount"], 620, "every match is counted");
        assert_eq!(page["search"]["rankedCount"], 500, "the best 500 are ranked");
        paged += page["search"]["edges"].as_array().unwrap().len();
        if page["search"]["pageInfo"]["hasNextPage"] != true {
            break;
        }
        cursor = page["search"]["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(paged, 500, "the ranked ones are paged through");
    // A word longer than the prefixes the ranked index holds matches only the texts it starts
    // a word of, counted as the hits are.
    let found = app.data(query, json!({ "t": format!("lo {long}b"), "c": null })).await;
    assert_eq!((found["search"]["totalCount"].clone(), found["search"]["rankedCount"].clone()), (json!(1), json!(1)));

    // The database's full-text index, which searches read until the ranked one is built,
    // counts the same.
    let db = govtrail::database::open(&app.database_url).await.expect("database");
    let ranked = Ranked::new().expect("index");
    let asked = std::time::Instant::now();
    let before = search::search(&db, &ranked, asked, "nguyen van thu", &[]).await.expect("search");
    assert!(!before.from_index);
    ranked.build(&db).await.expect("built");
    let after = search::search(&db, &ranked, std::time::Instant::now(), "nguyen van thu", &[]).await.expect("search");
    assert!(after.from_index);
    assert_eq!((before.total, before.hits.len()), (620, 500));
    assert_eq!((after.total, after.hits.len()), (620, 500));
    let short = search::search(&db, &ranked, std::time::Instant::now(), "thu 61", &[]).await.expect("search");
    assert_eq!(short.total, 11, "61 and 610 to 619");
    // The ranked index holds words by their first letters: the database looks the long one up.
    let long =
        search::search(&db, &ranked, std::time::Instant::now(), &format!("lo {long}c"), &[]).await.expect("search");
    assert!(!long.from_index);
    assert_eq!((long.total, long.hits.len()), (1, 1));
    db.close().await.expect("close");
}

#[tokio::test]
async fn each_server_keeps_its_ranked_index_in_files_it_removes_when_it_stops_as_those_others_left() {
    let dir = tempfile::tempdir().unwrap();
    let database = fresh_database(&dir).await;
    let temporary = tempfile::tempdir().unwrap();
    // What a killed server leaves: its directory, with the lock nobody holds any longer; and a
    // running server's, whose lock is held (here by the test).
    let abandoned = temporary.path().join("govtrail-search-abandoned");
    std::fs::create_dir(&abandoned).unwrap();
    std::fs::write(abandoned.join("govtrail.lock"), "").unwrap();
    std::fs::write(abandoned.join("meta.json"), "{}").unwrap();
    let running = temporary.path().join("govtrail-search-running");
    std::fs::create_dir(&running).unwrap();
    let held = std::fs::File::create(running.join("govtrail.lock")).unwrap();
    held.try_lock().expect("the test holds the running server's lock");

    let (mut server, address) = serve_process_with(&database, &["--demo"], &[("TMPDIR", temporary.path())]);
    let indexes = || -> Vec<std::path::PathBuf> {
        std::fs::read_dir(temporary.path())
            .expect("the temporary directory")
            .map(|entry| entry.expect("an entry").path())
            .filter(|path| path.file_name().is_some_and(|name| name.to_string_lossy().starts_with("govtrail-search-")))
            .collect()
    };
    let address: std::net::SocketAddr = address.parse().expect("an address");
    await_ranked(address).await;
    let mine: Vec<_> = indexes().into_iter().filter(|path| *path != running).collect();
    assert_eq!(mine.len(), 1, "the abandoned directory is removed, the running one's kept, one made: {:?}", indexes());
    assert!(!abandoned.exists(), "a directory whose lock nobody holds is removed");
    assert!(running.exists(), "a directory whose lock is held is left alone");
    let files = std::fs::read_dir(&mine[0]).expect("the index's directory").count();
    assert!(files > 2, "the built index is in its files (meta.json and segments), found {files}");
    assert_eq!(names_at(address, "manh dung").await, ["Nguyễn Mạnh Dũng"], "the index answers");

    let pid = server.0.id().to_string();
    assert!(std::process::Command::new("kill").args(["-TERM", &pid]).status().expect("kill").success());
    let status = tokio::task::spawn_blocking(move || server.0.wait().expect("wait")).await.expect("join");
    assert_eq!(status.code(), Some(0), "the server exits 0");
    assert_eq!(indexes(), [running], "the server removes its index's files when it stops");
    drop(held);
}
