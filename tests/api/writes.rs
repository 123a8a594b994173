//! The write path: tokens and roles, versioned updates, history.

use crate::helpers::*;
use govtrail::auth::Role;
use serde_json::{Value, json};

const CREATE: &str = "mutation($i: CreateOfficialInput!) { createOfficial(input: $i) { id version name key } }";
const UPDATE: &str = "mutation($id: ID!, $v: Int!, $i: UpdateOfficialInput!) { updateOfficial(id: $id, expectedVersion: $v, input: $i) { version name } }";

fn code(response: &Value) -> &str {
    response["errors"][0]["extensions"]["code"].as_str().unwrap_or("none")
}

#[tokio::test]
async fn writes_need_an_editor_token() {
    let app = spawn_demo().await;
    let input = json!({ "i": { "name": "Kiểm Tra Viên" } });
    assert_eq!(code(&app.query(CREATE, input.clone()).await), "UNAUTHENTICATED");
    let reader = app.token("reader", Role::Reader).await;
    assert_eq!(code(&app.query_as(&reader, CREATE, input.clone()).await), "FORBIDDEN");
    assert_eq!(
        code(&app.query_as("gt_not-a-token", "{ officials { totalCount } }", json!({})).await),
        "UNAUTHENTICATED"
    );
    let editor = app.token("editor", Role::Editor).await;
    let made = app.query_as(&editor, CREATE, input.clone()).await;
    assert_eq!(made["data"]["createOfficial"]["version"], 1, "{made}");
    assert_eq!(made["data"]["createOfficial"]["key"], "kiem-tra-vien");
    let admin = app.token("admin", Role::Admin).await;
    let again = app.query_as(&admin, CREATE, input).await;
    assert_eq!(again["data"]["createOfficial"]["key"], "kiem-tra-vien-2", "keys stay unique");
    let found = app.data("{ officials(filter: { text: \"kiem tra vien\" }) { totalCount } }", json!({})).await;
    assert_eq!(found["officials"]["totalCount"], 2);
}

#[tokio::test]
async fn a_stale_version_is_a_conflict_and_the_history_holds_both_changes() {
    let app = spawn_app().await;
    let editor = app.token("staff-1", Role::Editor).await;
    let made = app.query_as(&editor, CREATE, json!({ "i": { "name": "Trần Văn Một" } })).await;
    let id = made["data"]["createOfficial"]["id"].clone();
    let first = app.query_as(&editor, UPDATE, json!({ "id": id, "v": 1, "i": { "name": "Trần Văn Hai" } })).await;
    assert_eq!(first["data"]["updateOfficial"]["version"], 2, "{first}");
    let stale = app.query_as(&editor, UPDATE, json!({ "id": id, "v": 1, "i": { "name": "Trần Văn Ba" } })).await;
    assert_eq!(code(&stale), "CONFLICT");
    let query = "query($id: ID!) { node(id: $id) { ... on Official { name version history { totalCount nodes { action operation actor at fields { field before after } } } } } }";
    let anonymous = app.data(query, json!({ "id": id })).await;
    assert_eq!(anonymous["node"]["history"]["nodes"][0]["actor"], Value::Null, "actors are for staff who write");
    let reader = app.token("reader", Role::Reader).await;
    let read = app.query_as(&reader, query, json!({ "id": id })).await;
    assert_eq!(read["data"]["node"]["history"]["nodes"][0]["actor"], Value::Null);
    let history = app.query_as(&editor, query, json!({ "id": id })).await["data"].clone();
    let node = &history["node"];
    assert_eq!(node["name"], "Trần Văn Hai", "the stale update changed nothing");
    assert_eq!(node["history"]["totalCount"], 2);
    let latest = &node["history"]["nodes"][0];
    assert_eq!(latest["action"], "UPDATE");
    assert_eq!(latest["operation"], "updateOfficial");
    assert_eq!(latest["actor"], "staff-1");
    assert_eq!(
        latest["fields"],
        json!([{ "field": "name", "before": "\"Trần Văn Một\"", "after": "\"Trần Văn Hai\"" }])
    );
    assert_eq!(node["history"]["nodes"][1]["action"], "CREATE");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn of_two_editors_racing_exactly_one_wins() {
    let app = spawn_app().await;
    let editor = app.token("e", Role::Editor).await;
    let id =
        app.query_as(&editor, CREATE, json!({ "i": { "name": "Người Thử" } })).await["data"]["createOfficial"]["id"]
            .clone();
    for round in 1..=5 {
        let a = app.query_as(&editor, UPDATE, json!({ "id": id, "v": round, "i": { "name": format!("A {round}") } }));
        let b = app.query_as(&editor, UPDATE, json!({ "id": id, "v": round, "i": { "name": format!("B {round}") } }));
        let (a, b) = tokio::join!(a, b);
        let wins = [&a, &b].iter().filter(|r| r["errors"].is_null()).count();
        let conflicts = [&a, &b].iter().filter(|r| code(r) == "CONFLICT").count();
        assert_eq!((wins, conflicts), (1, 1), "round {round}: {a} {b}");
    }
    let node = app
        .data(
            "query($id: ID!) { node(id: $id) { ... on Official { version history { totalCount } } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(node["node"]["version"], 6);
    assert_eq!(node["node"]["history"]["totalCount"], 6);
}

#[tokio::test]
async fn bad_input_changes_nothing_and_deletes_are_versioned() {
    let app = spawn_demo().await;
    let editor = app.token("e", Role::Editor).await;
    let empty = app.query_as(&editor, CREATE, json!({ "i": { "name": "   " } })).await;
    assert_eq!(code(&empty), "BAD_USER_INPUT");
    assert_eq!(empty["errors"][0]["extensions"]["field"], "input.name");
    assert_eq!(app.data("{ officials { totalCount } }", json!({})).await["officials"]["totalCount"], 7);
    let loi = id_of(&app, "officials", "Trần Mạnh Lợi").await;
    let delete = "mutation($id: ID!, $v: Int!) { deleteOfficial(id: $id, expectedVersion: $v) { id } }";
    assert_eq!(code(&app.query_as(&editor, delete, json!({ "id": loi, "v": 7 })).await), "CONFLICT");
    let citations = || async {
        use sea_orm::{EntityTrait, PaginatorTrait};
        let db = govtrail::database::connect(&app.database_url).await.unwrap();
        entity::citation::Entity::find().count(&db).await.unwrap()
    };
    let cited_before = citations().await;
    let done = app.query_as(&editor, delete, json!({ "id": loi, "v": 1 })).await;
    assert_eq!(
        cited_before - citations().await,
        4,
        "the citations of his two tenures and two participations go with him"
    );
    assert_eq!(done["data"]["deleteOfficial"]["id"], loi);
    assert_eq!(app.data("query($id: ID!) { node(id: $id) { id } }", json!({ "id": loi })).await["node"], Value::Null);
    let search = app.data("{ search(text: \"tran manh loi\", types: [OFFICIAL]) { totalCount } }", json!({})).await;
    assert_eq!(search["search"]["totalCount"], 0);
    let chairs =
        app.data("{ conferences(orderBy: [DATE_DESC], first: 1) { nodes { chairs { name } } } }", json!({})).await;
    assert_eq!(chairs["conferences"]["nodes"][0]["chairs"], json!([{ "name": "Nguyễn Mạnh Dũng" }]));
    assert_eq!(code(&app.query_as(&editor, delete, json!({ "id": loi, "v": 1 })).await), "NOT_FOUND");
}

#[tokio::test]
async fn revoked_tokens_stop_working_and_reads_can_be_restricted() {
    let app = spawn(Setup { restrict_reads: true, ..Setup::default() }).await;
    assert_eq!(code(&app.query("{ officials { totalCount } }", json!({})).await), "UNAUTHENTICATED");
    let reader = app.token("reader", Role::Reader).await;
    let read = app.query_as(&reader, "{ officials { totalCount } }", json!({})).await;
    assert_eq!(read["data"]["officials"]["totalCount"], 0);
    let db = govtrail::database::connect(&app.database_url).await.unwrap();
    govtrail::auth::revoke_token(&db, "reader").await.map_err(|e| e.message()).unwrap();
    assert_eq!(code(&app.query_as(&reader, "{ officials { totalCount } }", json!({})).await), "UNAUTHENTICATED");
}

const CREATE_TASK: &str = "mutation($i: CreateTaskInput!) { createTask(input: $i) { id version title status dueOn timeZone
    assignees { ... on Organization { shortName } } assignedBy { ... on Official { name } } assignedAt { date } directive { code } } }";

#[tokio::test]
async fn staff_record_a_task_its_progress_and_reopen_it() {
    let app = spawn_demo().await;
    let editor = app.token("ban-dan-van", Role::Editor).await;
    let ban = id_of(&app, "organizations", "Ban Dân vận Tỉnh ủy Hà Giang").await;
    let dung = id_of(&app, "officials", "Nguyễn Mạnh Dũng").await;
    let de_an = id_of(&app, "directives", "06-ĐA/TU").await;
    let conference = nodes(&app.data("{ conferences(orderBy: [DATE_DESC], first: 1) { edges { node { id } } } }", json!({})).await["conferences"])[0]["id"].clone();
    let input = json!({ "i": { "title": "Dự thảo Đề án 06 giai đoạn 2021-2025", "dueOn": "2021-10-31", "assignees": [ban],
                               "assignedBy": dung, "conference": conference, "directive": de_an } });
    let made = app.query_as(&editor, CREATE_TASK, input).await;
    let task = &made["data"]["createTask"];
    assert_eq!(task["version"], 1, "{made}");
    assert_eq!(task["status"], "OPEN");
    assert_eq!(task["timeZone"], "Asia/Ho_Chi_Minh");
    assert_eq!(task["assignees"][0]["shortName"], "Ban Dân vận Tỉnh ủy");
    assert_eq!(task["assignedBy"]["name"], "Nguyễn Mạnh Dũng");
    assert_eq!(task["directive"]["code"], "06-ĐA/TU");
    let id = task["id"].clone();
    let record =
        "mutation($id: ID!, $u: TaskProgressInput!) { recordTaskUpdate(taskId: $id, update: $u) { status version } }";
    let working = app.query_as(&editor, record, json!({ "id": id, "u": { "date": "2021-08-15", "status": "IN_PROGRESS", "progressPercent": 40, "note": "Đã có đề cương" } })).await;
    assert_eq!(working["data"]["recordTaskUpdate"], json!({ "status": "IN_PROGRESS", "version": 2 }), "{working}");
    let done = app
        .query_as(
            &editor,
            record,
            json!({ "id": id, "u": { "date": "2021-10-20", "status": "DONE", "progressPercent": 100 } }),
        )
        .await;
    assert_eq!(done["data"]["recordTaskUpdate"]["status"], "DONE");
    let late_note = app
        .query_as(&editor, record, json!({ "id": id, "u": { "date": "2021-09-01", "status": "IN_PROGRESS" } }))
        .await;
    assert_eq!(late_note["data"]["recordTaskUpdate"]["status"], "DONE", "the status follows the latest update by date");
    let reopen = "mutation($id: ID!) { reopenTask(id: $id, note: \"Bổ sung theo ý kiến BTV\") { status version updates { date status progressPercent note } } }";
    let reopened = app.query_as(&editor, reopen, json!({ "id": id })).await;
    assert_eq!(reopened["data"]["reopenTask"]["status"], "OPEN", "{reopened}");
    assert_eq!(reopened["data"]["reopenTask"]["updates"].as_array().unwrap().len(), 4);
    assert_eq!(reopened["data"]["reopenTask"]["updates"][0]["progressPercent"], 40);
    // An open task is not reopened: nothing is written.
    let again = app.query_as(&editor, reopen, json!({ "id": id })).await;
    assert_eq!(again["errors"][0]["extensions"]["code"], "CONFLICT", "{again}");
    let history = app
        .query_as(
            &editor,
            "query($id: ID!) { node(id: $id) { ... on Task { history { totalCount nodes { operation actor } } } } }",
            json!({ "id": id }),
        )
        .await["data"]
        .clone();
    assert_eq!(history["node"]["history"]["totalCount"], 5);
    assert_eq!(history["node"]["history"]["nodes"][0]["operation"], "reopenTask");
    assert_eq!(history["node"]["history"]["nodes"][0]["actor"], "ban-dan-van");
    let stats = app.data("{ taskStats(groupBy: [STATUS]) { key { value } total } }", json!({})).await;
    assert_eq!(stats["taskStats"][0]["total"], 13);
}

#[tokio::test]
async fn task_updates_are_partial_and_versioned() {
    let app = spawn_demo().await;
    let editor = app.token("e", Role::Editor).await;
    let ban = id_of(&app, "organizations", "Ban Dân vận Tỉnh ủy Hà Giang").await;
    let mttq = id_of(&app, "organizations", "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh Hà Giang").await;
    let made = app
        .query_as(
            &editor,
            CREATE_TASK,
            json!({ "i": { "title": "Việc Zeta", "description": "Mô tả", "dueOn": "2022-03-31", "assignees": [ban] } }),
        )
        .await;
    let id = made["data"]["createTask"]["id"].clone();
    let update = "mutation($id: ID!, $v: Int!, $i: UpdateTaskInput!) { updateTask(id: $id, expectedVersion: $v, input: $i) { version title description dueOn assignees { ... on Organization { shortName } } } }";
    let changed = app
        .query_as(&editor, update, json!({ "id": id, "v": 1, "i": { "dueOn": null, "assignees": [mttq, ban] } }))
        .await;
    let task = &changed["data"]["updateTask"];
    assert_eq!(task["version"], 2, "{changed}");
    assert_eq!(task["title"], "Việc Zeta", "omitted fields stay");
    assert_eq!(task["description"], "Mô tả");
    assert_eq!(task["dueOn"], Value::Null, "null clears");
    assert_eq!(task["assignees"].as_array().unwrap().len(), 2);
    assert_eq!(
        code(&app.query_as(&editor, update, json!({ "id": id, "v": 1, "i": { "title": "Việc B" } })).await),
        "CONFLICT"
    );
    let delete = "mutation($id: ID!, $v: Int!) { deleteTask(id: $id, expectedVersion: $v) { id } }";
    assert_eq!(app.query_as(&editor, delete, json!({ "id": id, "v": 2 })).await["data"]["deleteTask"]["id"], id);
    assert_eq!(
        app.data("{ tasks { totalCount } search(text: \"viec zeta\", types: [TASK]) { totalCount } }", json!({})).await,
        json!({ "tasks": { "totalCount": 12 }, "search": { "totalCount": 0 } })
    );
}

#[tokio::test]
async fn a_rejected_task_changes_nothing() {
    let app = spawn_demo().await;
    let editor = app.token("e", Role::Editor).await;
    let ban = id_of(&app, "organizations", "Ban Dân vận Tỉnh ủy Hà Giang").await;
    let de_an = id_of(&app, "directives", "06-ĐA/TU").await;
    let cases = [
        (json!({ "title": "X", "assignees": [] }), "input.assignees"),
        (json!({ "title": " ", "assignees": [ban] }), "input.title"),
        (json!({ "title": "X", "assignees": [de_an] }), "input.assignees[0]"),
        (json!({ "title": "X", "assignees": [ban, ban] }), "input.assignees"),
        (json!({ "title": "X", "assignees": [ban], "conference": "Q29uZmVyZW5jZTo5OTk5" }), "input.conference"),
        (json!({ "title": "X", "assignees": [ban], "directive": ban }), "input.directive"),
    ];
    for (input, field) in cases {
        let response = app.query_as(&editor, CREATE_TASK, json!({ "i": input })).await;
        assert_eq!(code(&response), "BAD_USER_INPUT", "{input}: {response}");
        assert_eq!(response["errors"][0]["extensions"]["field"], field, "{input}");
    }
    let zone = app
        .query_as(
            &editor,
            CREATE_TASK,
            json!({ "i": { "title": "X", "assignees": [ban], "timeZone": "Asia/Hanoi_Typo" } }),
        )
        .await;
    assert_eq!(code(&zone), "BAD_USER_INPUT");
    assert_eq!(app.data("{ tasks { totalCount } }", json!({})).await["tasks"]["totalCount"], 12);
}

#[tokio::test]
async fn the_audit_log_is_for_admins() {
    let app = spawn_app().await;
    let editor = app.token("staff-a", Role::Editor).await;
    let admin = app.token("admin", Role::Admin).await;
    let made = app.query_as(&editor, CREATE, json!({ "i": { "name": "Đặng Văn Ghi" } })).await;
    let id = made["data"]["createOfficial"]["id"].clone();
    app.query_as(&editor, UPDATE, json!({ "id": id, "v": 1, "i": { "name": "Đặng Văn Chép" } })).await;
    app.query_as(&admin, CREATE, json!({ "i": { "name": "Lý Thị Kiểm" } })).await;
    let query =
        "query($f: AuditFilter) { auditLog(filter: $f) { totalCount nodes { actor operation nodeType nodeId } } }";
    assert_eq!(code(&app.query(query, json!({})).await), "UNAUTHENTICATED");
    assert_eq!(code(&app.query_as(&editor, query, json!({})).await), "FORBIDDEN");
    let all = app.query_as(&admin, query, json!({})).await;
    assert_eq!(all["data"]["auditLog"]["totalCount"], 3, "{all}");
    assert_eq!(all["data"]["auditLog"]["nodes"][0]["actor"], "admin", "newest first");
    let by_staff =
        app.query_as(&admin, query, json!({ "f": { "actor": "staff-a", "operation": "updateOfficial" } })).await;
    assert_eq!(by_staff["data"]["auditLog"]["totalCount"], 1);
    assert_eq!(by_staff["data"]["auditLog"]["nodes"][0]["nodeId"], id);
    let later = app.query_as(&admin, query, json!({ "f": { "from": "2999-01-01T00:00:00Z" } })).await;
    assert_eq!(later["data"]["auditLog"]["totalCount"], 0);
}

#[tokio::test]
async fn merging_a_duplicate_moves_every_reference() {
    let app = spawn_with(json!({
        "organizations": [{ "key": "bdv", "name": "Ban Dân vận Tỉnh ủy", "kind": "COMMISSION" }],
        "posts": [{ "key": "tb", "title": "Trưởng Ban Dân vận", "organization": "bdv" }],
        "officials": [
            { "key": "loi", "name": "Trần Mạnh Lợi", "tenures": [{ "post": "tb", "startedOn": "2020-10" }] },
            { "key": "loi-2", "name": "Tran Manh Loi", "tenures": [] }
        ],
        "conferences": [
            { "key": "a", "title": "Hội nghị A", "kind": "CONFERENCE", "format": "ONLINE", "date": "2021-07-13",
              "participants": [{ "official": "loi", "role": "CHAIR" }, { "official": "loi-2", "role": "CHAIR" }, { "official": "loi-2", "role": "REPORTER" }] },
            { "key": "b", "title": "Hội nghị B", "kind": "CONFERENCE", "format": "ONLINE", "date": "2021-08-01",
              "participants": [{ "official": "loi-2", "role": "ATTENDEE" }] }
        ],
        "tasks": [{ "key": "t", "title": "Việc", "assignees": [{ "official": "loi-2" }], "assignedBy": { "official": "loi-2" } }]
    }))
    .await;
    let editor = app.token("e", Role::Editor).await;
    let keep = id_of(&app, "officials", "Trần Mạnh Lợi").await;
    let remove = id_of(&app, "officials", "Tran Manh Loi").await;
    let merge = "mutation($k: ID!, $r: ID!, $kv: Int!, $rv: Int!) { mergeOfficials(keep: $k, keepVersion: $kv, remove: $r, removeVersion: $rv) {
        version participations { role conference { title } } tenures { post { title } } tasks { title } tasksGiven { title } history { nodes { operation fields { field after } } } } }";
    assert_eq!(
        code(&app.query_as(&editor, merge, json!({ "k": keep, "r": remove, "kv": 1, "rv": 9 })).await),
        "CONFLICT"
    );
    assert_eq!(
        code(&app.query_as(&editor, merge, json!({ "k": keep, "r": keep, "kv": 1, "rv": 1 })).await),
        "BAD_USER_INPUT"
    );
    let merged = app.query_as(&editor, merge, json!({ "k": keep, "r": remove, "kv": 1, "rv": 1 })).await;
    let official = &merged["data"]["mergeOfficials"];
    assert_eq!(official["version"], 2, "{merged}");
    let roles: Vec<String> = official["participations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| format!("{} {}", p["conference"]["title"].as_str().unwrap(), p["role"].as_str().unwrap()))
        .collect();
    assert_eq!(roles.len(), 3, "the duplicate chair goes: {roles:?}");
    for expected in ["Hội nghị A CHAIR", "Hội nghị A REPORTER", "Hội nghị B ATTENDEE"] {
        assert!(roles.iter().any(|r| r == expected), "{expected} missing: {roles:?}");
    }
    assert_eq!(official["tasks"][0]["title"], "Việc");
    assert_eq!(official["tasksGiven"][0]["title"], "Việc");
    assert_eq!(official["history"]["nodes"][0]["operation"], "mergeOfficials");
    assert_eq!(
        app.data("query($id: ID!) { node(id: $id) { id } }", json!({ "id": remove })).await["node"],
        Value::Null
    );
    assert_eq!(app.data("{ officials { totalCount } }", json!({})).await["officials"]["totalCount"], 1);
}
