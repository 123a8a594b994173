//! Mutations of every kind staff edit: creation, partial updates, deletion with versions,
//! validation naming the input field, nested conference creation in one transaction, history
//! and revert.

use crate::helpers::*;
use govtrail::auth::Role;
use serde_json::{Value, json};

/// A server with an editor's token.
struct Staff {
    app: TestApp,
    token: String,
}

impl Staff {
    async fn new() -> Staff {
        let app = spawn_app().await;
        let token = app.token("staff", Role::Editor).await;
        Staff { app, token }
    }

    async fn run(&self, query: &str, variables: Value) -> Value {
        self.app.query_as(&self.token, query, variables).await
    }

    /// The data of a mutation that must succeed.
    async fn ok(&self, query: &str, variables: Value) -> Value {
        let response = self.run(query, variables).await;
        assert!(response.get("errors").is_none(), "unexpected errors: {}", response["errors"]);
        response["data"].clone()
    }

    /// The code and field of a mutation that must fail.
    async fn refused(&self, query: &str, variables: Value) -> (String, String) {
        let response = self.run(query, variables).await;
        let error = &response["errors"][0];
        assert!(error.is_object(), "expected an error, got {response}");
        let text = |v: &Value| v.as_str().unwrap_or("").to_owned();
        (text(&error["extensions"]["code"]), text(&error["extensions"]["field"]))
    }

    /// Creates a node through `mutation(input: $i) { id version }` and returns its id.
    async fn create(&self, mutation: &str, input_type: &str, input: Value) -> String {
        let query = format!("mutation($i: {input_type}!) {{ {mutation}(input: $i) {{ id version }} }}");
        let data = self.ok(&query, json!({ "i": input })).await;
        assert_eq!(data[mutation]["version"], 1);
        data[mutation]["id"].as_str().expect("id").to_owned()
    }

    /// A new online meeting on 13 July 2021.
    async fn meeting(&self) -> String {
        let input = json!({ "title": "Hội nghị", "kind": "MEETING", "format": "ONLINE", "date": "2021-07-13" });
        self.create("createConference", "CreateConferenceInput", input).await
    }

    async fn history(&self, id: &str) -> Value {
        let query = "query($id: ID!) { node(id: $id) { ... on Area { history { nodes { id action operation actor fields { field before after } } } } ... on Organization { history { nodes { id action operation fields { field before after } } } } ... on Post { history { nodes { id action operation } } } ... on Tenure { history { nodes { id action fields { field before after } } } } ... on Directive { history { nodes { id action operation } } } ... on Conference { history { nodes { id action operation } } } ... on Source { history { nodes { id action } } } ... on Participation { history { nodes { id action } } } } }";
        self.app.data(query, json!({ "id": id })).await["node"]["history"]["nodes"].clone()
    }
}

const UPDATE_AREA: &str = "mutation($id: ID!, $v: Int!, $i: UpdateAreaInput!) { updateArea(id: $id, expectedVersion: $v, input: $i) { name version parent { name } } }";
const UPDATE_ORG: &str = "mutation($id: ID!, $v: Int!, $i: UpdateOrganizationInput!) { updateOrganization(id: $id, expectedVersion: $v, input: $i) { name shortName version endedOn successor { name } } }";

#[tokio::test]
async fn areas_nest_without_cycles_and_updates_are_partial() {
    let staff = Staff::new().await;
    let province =
        staff.create("createArea", "CreateAreaInput", json!({ "name": "Hà Giang", "kind": "PROVINCE" })).await;
    let district = staff
        .create("createArea", "CreateAreaInput", json!({ "name": "Quản Bạ", "kind": "DISTRICT", "parent": province }))
        .await;
    let (code, field) =
        staff.refused(UPDATE_AREA, json!({ "id": province, "v": 1, "i": { "parent": district } })).await;
    assert_eq!((code.as_str(), field.as_str()), ("BAD_USER_INPUT", "input.parent"));
    let (code, field) = staff.refused(UPDATE_AREA, json!({ "id": district, "v": 1, "i": { "name": "  " } })).await;
    assert_eq!((code.as_str(), field.as_str()), ("BAD_USER_INPUT", "input.name"));

    let renamed = staff.ok(UPDATE_AREA, json!({ "id": district, "v": 1, "i": { "name": "Huyện Quản Bạ" } })).await;
    assert_eq!(
        renamed["updateArea"],
        json!({ "name": "Huyện Quản Bạ", "version": 2, "parent": { "name": "Hà Giang" } })
    );
    let cleared = staff.ok(UPDATE_AREA, json!({ "id": district, "v": 2, "i": { "parent": null } })).await;
    assert_eq!(cleared["updateArea"]["parent"], Value::Null, "null clears");
    assert_eq!(cleared["updateArea"]["name"], "Huyện Quản Bạ", "omitted fields stay");

    let history = staff.history(&district).await;
    assert_eq!(history.as_array().map(Vec::len), Some(3), "{history}");
    assert_eq!(
        history[0]["fields"],
        json!([{ "field": "parent", "before": format!("\"{province}\""), "after": "null" }]),
        "references show as global ids"
    );
    assert_eq!(
        history[1]["fields"],
        json!([{ "field": "name", "before": "\"Quản Bạ\"", "after": "\"Huyện Quản Bạ\"" }])
    );

    let delete = "mutation($id: ID!, $v: Int!) { deleteArea(id: $id, expectedVersion: $v) { id } }";
    let (code, _) = staff.refused(delete, json!({ "id": district, "v": 2 })).await;
    assert_eq!(code, "CONFLICT");
    staff.ok(delete, json!({ "id": district, "v": 3 })).await;
    let gone = staff.app.data("query($id: ID!) { node(id: $id) { id } }", json!({ "id": district })).await;
    assert_eq!(gone["node"], Value::Null);
}

#[tokio::test]
async fn organizations_posts_and_tenures_are_checked_field_by_field() {
    let staff = Staff::new().await;
    let party = staff
        .create(
            "createOrganization",
            "CreateOrganizationInput",
            json!({ "name": "Tỉnh ủy Hà Giang", "kind": "PARTY_COMMITTEE" }),
        )
        .await;
    let refused = staff
        .refused(
            "mutation($i: CreateOrganizationInput!) { createOrganization(input: $i) { id } }",
            json!({ "i": { "name": "Ban X", "kind": "PARTY_COMMITTEE", "startedOn": "2020", "endedOn": "2019-05" } }),
        )
        .await;
    assert_eq!(refused, ("BAD_USER_INPUT".to_owned(), "input.endedOn".to_owned()));
    let (code, field) =
        staff.refused(UPDATE_ORG, json!({ "id": party, "v": 1, "i": { "successor": party, "endedOn": "2025" } })).await;
    assert_eq!((code.as_str(), field.as_str()), ("BAD_USER_INPUT", "input.successor"));
    let short = staff.ok(UPDATE_ORG, json!({ "id": party, "v": 1, "i": { "shortName": "TU" } })).await;
    assert_eq!(short["updateOrganization"]["shortName"], "TU");

    // A reference to a node of the wrong type, and to one that does not exist.
    let create_post =
        "mutation($i: CreatePostInput!) { createPost(input: $i) { id title seats organization { name } } }";
    let area = staff.create("createArea", "CreateAreaInput", json!({ "name": "Hà Giang", "kind": "PROVINCE" })).await;
    let wrong = staff.refused(create_post, json!({ "i": { "title": "Bí thư", "organization": area } })).await;
    assert_eq!(wrong, ("BAD_USER_INPUT".to_owned(), "input.organization".to_owned()));
    let deleted_org =
        staff.create("createOrganization", "CreateOrganizationInput", json!({ "name": "Tạm", "kind": "OTHER" })).await;
    staff
        .ok(
            "mutation($id: ID!) { deleteOrganization(id: $id, expectedVersion: 1) { id } }",
            json!({ "id": deleted_org }),
        )
        .await;
    let missing = staff.refused(create_post, json!({ "i": { "title": "Bí thư", "organization": deleted_org } })).await;
    assert_eq!(missing, ("BAD_USER_INPUT".to_owned(), "input.organization".to_owned()));

    let post =
        staff.ok(create_post, json!({ "i": { "title": "Bí thư Tỉnh ủy", "organization": party, "seats": 1 } })).await;
    assert_eq!(post["createPost"]["organization"]["name"], "Tỉnh ủy Hà Giang");
    let post = post["createPost"]["id"].as_str().expect("id").to_owned();
    let official = staff.create("createOfficial", "CreateOfficialInput", json!({ "name": "Trần Văn Thử" })).await;
    let source = staff
        .create(
            "createSource",
            "CreateSourceInput",
            json!({ "title": "Báo Hà Giang", "url": "https://baohagiang.vn/a" }),
        )
        .await;
    let bad_url = staff
        .refused(
            "mutation($i: CreateSourceInput!) { createSource(input: $i) { id } }",
            json!({ "i": { "title": "X", "url": "javascript:alert(1)" } }),
        )
        .await;
    assert_eq!(bad_url.1, "input.url");

    let create_tenure = "mutation($i: CreateTenureInput!) { createTenure(input: $i) { id startedOn endedOn citations { quote source { title } } } }";
    let backwards = staff
        .refused(
            create_tenure,
            json!({ "i": { "official": official, "post": post, "startedOn": "2021-07", "endedOn": "2020" } }),
        )
        .await;
    assert_eq!(backwards.1, "input.endedOn");
    let tenure = staff
        .ok(
            create_tenure,
            json!({ "i": { "official": official, "post": post, "startedOn": "2020-10",
                    "citations": [{ "source": source, "quote": "Bí thư Tỉnh ủy" }] } }),
        )
        .await;
    assert_eq!(
        tenure["createTenure"]["citations"],
        json!([{ "quote": "Bí thư Tỉnh ủy", "source": { "title": "Báo Hà Giang" } }])
    );
    let tenure = tenure["createTenure"]["id"].as_str().expect("id").to_owned();
    let held = staff
        .app
        .data(
            "query($id: ID!) { node(id: $id) { ... on Official { tenures(asOf: \"2021-07-13\", minCertainty: POSSIBLE) { post { title } } } } }",
            json!({ "id": official }),
        )
        .await;
    assert_eq!(held["node"]["tenures"], json!([{ "post": { "title": "Bí thư Tỉnh ủy" } }]));
    let ended = staff
        .ok(
            "mutation($id: ID!, $i: UpdateTenureInput!) { updateTenure(id: $id, expectedVersion: 1, input: $i) { endedOn version citations { quote } } }",
            json!({ "id": tenure, "i": { "endedOn": "2021-06" } }),
        )
        .await;
    assert_eq!(ended["updateTenure"]["version"], 2);
    assert_eq!(ended["updateTenure"]["citations"].as_array().map(Vec::len), Some(1), "citations stay when omitted");

    // Deleting the source deletes its citations; deleting the organization, its posts and tenures.
    staff.ok("mutation($id: ID!) { deleteSource(id: $id, expectedVersion: 1) { id } }", json!({ "id": source })).await;
    let cited = staff
        .app
        .data("query($id: ID!) { node(id: $id) { ... on Tenure { citations { quote } } } }", json!({ "id": tenure }))
        .await;
    assert_eq!(cited["node"]["citations"], json!([]));
    staff
        .ok("mutation($id: ID!) { deleteOrganization(id: $id, expectedVersion: 2) { id } }", json!({ "id": party }))
        .await;
    let left = staff.app.data("query($id: ID!) { node(id: $id) { id } }", json!({ "id": tenure })).await;
    assert_eq!(left["node"], Value::Null);
}

#[tokio::test]
async fn directives_read_their_kind_from_the_code_and_link_to_others() {
    let staff = Staff::new().await;
    let create = "mutation($i: CreateDirectiveInput!) { createDirective(input: $i) { id kind number code status related { relation direction directive { code } } } }";
    let made =
        staff.ok(create, json!({ "i": { "title": "Đề án tăng cường công tác dân vận", "code": "06-ĐA/TU" } })).await;
    assert_eq!(made["createDirective"]["kind"], "SCHEME");
    assert_eq!(made["createDirective"]["number"], "06");
    assert_eq!(made["createDirective"]["status"], "UNKNOWN");
    let scheme = made["createDirective"]["id"].as_str().expect("id").to_owned();
    let plan = staff
        .ok(
            create,
            json!({ "i": { "title": "Kế hoạch thực hiện", "code": "15-KH/TU",
                    "links": [{ "relation": "IMPLEMENTS", "directive": scheme }] } }),
        )
        .await;
    assert_eq!(plan["createDirective"]["related"][0]["directive"], json!({ "code": "06-ĐA/TU" }));
    assert_eq!(plan["createDirective"]["related"][0]["relation"], "IMPLEMENTS");
    let plan = plan["createDirective"]["id"].as_str().expect("id").to_owned();
    let update = "mutation($id: ID!, $v: Int!, $i: UpdateDirectiveInput!) { updateDirective(id: $id, expectedVersion: $v, input: $i) { version related { relation } } }";
    let own = staff
        .refused(update, json!({ "id": plan, "v": 1, "i": { "links": [{ "relation": "AMENDS", "directive": plan }] } }))
        .await;
    assert_eq!(own, ("BAD_USER_INPUT".to_owned(), "input.links[0].directive".to_owned()));
    let unlinked = staff.ok(update, json!({ "id": plan, "v": 1, "i": { "links": [] } })).await;
    assert_eq!(unlinked["updateDirective"], json!({ "version": 2, "related": [] }));

    let found = staff
        .app
        .data("{ search(text: \"de an 06\") { edges { node { node { ... on Directive { code } } } } } }", json!({}))
        .await;
    assert_eq!(nodes(&found["search"])[0]["node"]["code"], "06-ĐA/TU", "a new directive is searchable at once");
}

const CREATE_CONFERENCE: &str = "mutation($i: CreateConferenceInput!) { createConference(input: $i) { id title version organizers { name } chairs { name } participants { role official { name } } directives { relation directive { code } } tasks { title assignees { ... on Organization { name } } } } }";

async fn counts(app: &TestApp) -> Value {
    app.data("{ conferences { totalCount } officials { totalCount } tasks { totalCount } }", json!({})).await
}

#[tokio::test]
async fn a_conference_is_recorded_with_its_participants_and_tasks_at_once_or_not_at_all() {
    let staff = Staff::new().await;
    let committee = staff
        .create(
            "createOrganization",
            "CreateOrganizationInput",
            json!({ "name": "Ban Dân vận Tỉnh ủy", "kind": "PARTY_COMMITTEE" }),
        )
        .await;
    let known = staff.create("createOfficial", "CreateOfficialInput", json!({ "name": "Trần Mạnh Lợi" })).await;
    let scheme = staff
        .create("createDirective", "CreateDirectiveInput", json!({ "title": "Đề án 06", "code": "06-ĐA/TU" }))
        .await;
    let conference = |last_assignee: &str| {
        json!({ "i": {
            "title": "Hội nghị tổng kết Đề án 06", "kind": "CONFERENCE", "format": "IN_PERSON", "date": "2021-07-13",
            "organizers": [committee],
            "participants": [
                { "official": known, "role": "CHAIR" },
                { "newOfficial": { "name": "Nguyễn Văn Mới" }, "role": "ATTENDEE", "capacity": "Trưởng ban" }
            ],
            "directives": [{ "relation": "REVIEWS", "directive": scheme }],
            "tasks": [
                { "title": "Tham mưu tiếp tục thực hiện Đề án 06", "assignees": [committee], "directive": scheme },
                { "title": "Báo cáo kết quả", "assignees": [last_assignee] }
            ]
        } })
    };
    let before = counts(&staff.app).await;
    // The last task names a directive as its assignee: the whole report is refused.
    let (code, field) = staff.refused(CREATE_CONFERENCE, conference(&scheme)).await;
    assert_eq!((code.as_str(), field.as_str()), ("BAD_USER_INPUT", "input.tasks[1].assignees[0]"));
    assert_eq!(counts(&staff.app).await, before, "nothing of a refused report is kept");
    // An assignee that is an official deleted meanwhile fails inside the transaction.
    let gone = staff.create("createOfficial", "CreateOfficialInput", json!({ "name": "Đã Xóa" })).await;
    staff.ok("mutation($id: ID!) { deleteOfficial(id: $id, expectedVersion: 1) { id } }", json!({ "id": gone })).await;
    let (code, field) = staff.refused(CREATE_CONFERENCE, conference(&gone)).await;
    assert_eq!((code.as_str(), field.as_str()), ("BAD_USER_INPUT", "input.tasks[1].assignees[0]"));
    assert_eq!(counts(&staff.app).await, before, "a failure in the last task leaves nothing behind");

    let made = staff.ok(CREATE_CONFERENCE, conference(&committee)).await["createConference"].clone();
    assert_eq!(made["organizers"], json!([{ "name": "Ban Dân vận Tỉnh ủy" }]));
    assert_eq!(made["chairs"], json!([{ "name": "Trần Mạnh Lợi" }]));
    assert_eq!(made["participants"].as_array().map(Vec::len), Some(2));
    assert_eq!(made["directives"], json!([{ "relation": "REVIEWS", "directive": { "code": "06-ĐA/TU" } }]));
    assert_eq!(made["tasks"].as_array().map(Vec::len), Some(2), "{made}");
    let after = counts(&staff.app).await;
    assert_eq!(after["officials"]["totalCount"], before["officials"]["totalCount"].as_i64().unwrap_or(0) + 1);

    // The same official twice in one conference in the same role is refused.
    let twice = staff
        .refused(
            "mutation($i: CreateParticipationInput!) { createParticipation(input: $i) { id } }",
            json!({ "i": { "conference": made["id"], "official": known, "role": "CHAIR" } }),
        )
        .await;
    assert_eq!(twice, ("BAD_USER_INPUT".to_owned(), "input.official".to_owned()));
    let history = staff.history(made["id"].as_str().expect("id")).await;
    assert_eq!(history[0]["operation"], "createConference");

    // Deleting the conference removes its participations; its tasks stay, with no conference.
    staff
        .ok("mutation($id: ID!) { deleteConference(id: $id, expectedVersion: 1) { id } }", json!({ "id": made["id"] }))
        .await;
    let left = counts(&staff.app).await;
    assert_eq!(left["tasks"]["totalCount"], after["tasks"]["totalCount"]);
    assert_eq!(left["conferences"]["totalCount"], before["conferences"]["totalCount"]);
}

#[tokio::test]
async fn a_change_is_reverted_unless_its_fields_changed_since() {
    let staff = Staff::new().await;
    let org = staff
        .create("createOrganization", "CreateOrganizationInput", json!({ "name": "Sở Nội vụ", "kind": "DEPARTMENT" }))
        .await;
    staff.ok(UPDATE_ORG, json!({ "id": org, "v": 1, "i": { "name": "Sở Nội vụ tỉnh", "shortName": "SNV" } })).await;
    staff.ok(UPDATE_ORG, json!({ "id": org, "v": 2, "i": { "name": "Sở Nội vụ tỉnh Hà Giang" } })).await;
    let history = staff.history(&org).await;
    let revert = "mutation($id: ID!) { revertChange(id: $id) { id action operation fields { field before after } } }";
    // The first update set the name, which the second changed again: refused.
    let first_update = history[1]["id"].clone();
    let (code, _) = staff.refused(revert, json!({ "id": first_update })).await;
    assert_eq!(code, "CONFLICT");
    // The latest can go back; then the first one can too.
    let undone = staff.ok(revert, json!({ "id": history[0]["id"] })).await;
    assert_eq!(undone["revertChange"]["operation"], "revertChange");
    assert_eq!(
        undone["revertChange"]["fields"],
        json!([{ "field": "name", "before": "\"Sở Nội vụ tỉnh Hà Giang\"", "after": "\"Sở Nội vụ tỉnh\"" }])
    );
    staff.ok(revert, json!({ "id": first_update })).await;
    let now = staff
        .app
        .data(
            "query($id: ID!) { node(id: $id) { ... on Organization { name shortName version } } }",
            json!({ "id": org }),
        )
        .await;
    assert_eq!(now["node"], json!({ "name": "Sở Nội vụ", "shortName": null, "version": 5 }));

    // Reverting a deletion brings the node back under its id; reverting a creation deletes it.
    staff
        .ok("mutation($id: ID!) { deleteOrganization(id: $id, expectedVersion: 5) { id } }", json!({ "id": org }))
        .await;
    let deletion = staff
        .app
        .query_as(
            &staff.app.token("admin", Role::Admin).await,
            "{ auditLog(filter: { operation: \"deleteOrganization\" }) { nodes { id } } }",
            json!({}),
        )
        .await["data"]["auditLog"]["nodes"][0]["id"]
        .clone();
    staff.ok(revert, json!({ "id": deletion })).await;
    let back = staff
        .app
        .data("query($id: ID!) { node(id: $id) { ... on Organization { name version } } }", json!({ "id": org }))
        .await;
    assert_eq!(back["node"], json!({ "name": "Sở Nội vụ", "version": 1 }));
    // The first creation set the fields the node has again, so undoing it deletes the node;
    // the recreation cannot be undone after that.
    let history = staff.history(&org).await;
    let created = history.as_array().and_then(|h| h.last().cloned()).expect("creation");
    assert_eq!(created["action"], "CREATE");
    let recreation = history[0]["id"].clone();
    staff.ok(revert, json!({ "id": created["id"] })).await;
    let gone = staff.app.data("query($id: ID!) { node(id: $id) { id } }", json!({ "id": org })).await;
    assert_eq!(gone["node"], Value::Null);
    let (code, _) = staff.refused(revert, json!({ "id": recreation })).await;
    assert_eq!(code, "CONFLICT");

    let (code, field) = staff.refused(revert, json!({ "id": "999999" })).await;
    assert_eq!((code.as_str(), field.as_str()), ("NOT_FOUND", ""));
}

#[tokio::test]
async fn readers_and_anonymous_callers_cannot_edit_any_kind() {
    let staff = Staff::new().await;
    let reader = staff.app.token("reader", Role::Reader).await;
    let area = staff.create("createArea", "CreateAreaInput", json!({ "name": "Hà Giang", "kind": "PROVINCE" })).await;
    let attempts = [
        ("mutation { createArea(input: { name: \"X\", kind: PROVINCE }) { id } }", json!({})),
        (
            "mutation($id: ID!) { updateArea(id: $id, expectedVersion: 1, input: { name: \"Y\" }) { id } }",
            json!({ "id": area }),
        ),
        ("mutation($id: ID!) { deleteArea(id: $id, expectedVersion: 1) { id } }", json!({ "id": area })),
        ("mutation { createSource(input: { title: \"X\" }) { id } }", json!({})),
        (
            "mutation { createConference(input: { title: \"X\", kind: MEETING, format: IN_PERSON, date: \"2021-01-01\" }) { id } }",
            json!({}),
        ),
        ("mutation { revertChange(id: \"1\") { id } }", json!({})),
    ];
    for (query, variables) in attempts {
        let as_reader = staff.app.query_as(&reader, query, variables.clone()).await;
        assert_eq!(as_reader["errors"][0]["extensions"]["code"], "FORBIDDEN", "{query}: {as_reader}");
        let anonymous = staff.app.query(query, variables).await;
        assert_eq!(anonymous["errors"][0]["extensions"]["code"], "UNAUTHENTICATED", "{query}: {anonymous}");
    }
    let unchanged = staff
        .app
        .data("query($id: ID!) { node(id: $id) { ... on Area { name version } } }", json!({ "id": area }))
        .await;
    assert_eq!(unchanged["node"], json!({ "name": "Hà Giang", "version": 1 }));
}

#[tokio::test]
async fn tasks_gain_and_lose_assignees_and_their_changes_revert() {
    let staff = Staff::new().await;
    let committee = staff
        .create("createOrganization", "CreateOrganizationInput", json!({ "name": "Ban Dân vận", "kind": "COMMISSION" }))
        .await;
    let office = staff
        .create(
            "createOrganization",
            "CreateOrganizationInput",
            json!({ "name": "Văn phòng Tỉnh ủy", "kind": "OTHER" }),
        )
        .await;
    let task = staff
        .create(
            "createTask",
            "CreateTaskInput",
            json!({ "title": "Tham mưu tiếp tục Đề án 06", "assignees": [committee] }),
        )
        .await;
    let assign = "mutation($t: ID!, $v: Int!, $a: ID!) { assignTask(taskId: $t, expectedVersion: $v, assignee: $a) { version assignees { ... on Organization { name } } } }";
    let unassign = "mutation($t: ID!, $v: Int!, $a: ID!) { unassignTask(taskId: $t, expectedVersion: $v, assignee: $a) { version assignees { ... on Organization { name } } } }";
    let both = staff.ok(assign, json!({ "t": task, "v": 1, "a": office })).await;
    assert_eq!(both["assignTask"]["version"], 2);
    assert_eq!(both["assignTask"]["assignees"].as_array().map(Vec::len), Some(2));
    let twice = staff.refused(assign, json!({ "t": task, "v": 2, "a": office })).await;
    assert_eq!(twice, ("BAD_USER_INPUT".to_owned(), "assignee".to_owned()));
    let stale = staff.refused(assign, json!({ "t": task, "v": 1, "a": office })).await;
    assert_eq!(stale.0, "CONFLICT");
    let one = staff.ok(unassign, json!({ "t": task, "v": 2, "a": committee })).await;
    assert_eq!(one["unassignTask"]["assignees"], json!([{ "name": "Văn phòng Tỉnh ủy" }]));
    let last = staff.refused(unassign, json!({ "t": task, "v": 3, "a": office })).await;
    assert_eq!(last.1, "assignee", "a task keeps one assignee");

    // Undo the unassignment, then a title change.
    let history = "query($id: ID!) { node(id: $id) { ... on Task { title version assignees { ... on Organization { name } } history { nodes { id operation } } } } }";
    let revert = "mutation($id: ID!) { revertChange(id: $id) { operation } }";
    let before = staff.app.data(history, json!({ "id": task })).await;
    assert_eq!(before["node"]["history"]["nodes"][0]["operation"], "unassignTask");
    staff.ok(revert, json!({ "id": before["node"]["history"]["nodes"][0]["id"] })).await;
    staff
        .ok(
            "mutation($id: ID!, $v: Int!) { updateTask(id: $id, expectedVersion: $v, input: { title: \"Đổi tên\" }) { version } }",
            json!({ "id": task, "v": 4 }),
        )
        .await;
    let progress = staff
        .ok(
            "mutation($id: ID!) { recordTaskUpdate(taskId: $id, update: { status: IN_PROGRESS }) { version } }",
            json!({ "id": task }),
        )
        .await;
    assert_eq!(progress["recordTaskUpdate"]["version"], 6);
    let after = staff.app.data(history, json!({ "id": task })).await;
    let changes = after["node"]["history"]["nodes"].clone();
    assert_eq!(changes[0]["operation"], "recordTaskUpdate");
    let (code, _) = staff.refused(revert, json!({ "id": changes[0]["id"] })).await;
    assert_eq!(code, "BAD_USER_INPUT", "progress is undone by another update, not a revert");
    staff.ok(revert, json!({ "id": changes[1]["id"] })).await;
    let now = staff.app.data(history, json!({ "id": task })).await;
    assert_eq!(now["node"]["title"], "Tham mưu tiếp tục Đề án 06");
    assert_eq!(now["node"]["version"], 7);
    assert_eq!(now["node"]["assignees"].as_array().map(Vec::len), Some(2), "the unassignment was undone");
}

#[tokio::test]
async fn citations_and_directive_links_are_added_and_removed_one_at_a_time() {
    let staff = Staff::new().await;
    let source = staff.create("createSource", "CreateSourceInput", json!({ "title": "Báo Hà Giang, 13/7/2021" })).await;
    let scheme = staff
        .create("createDirective", "CreateDirectiveInput", json!({ "title": "Đề án 06", "code": "06-ĐA/TU" }))
        .await;
    let plan = staff
        .create("createDirective", "CreateDirectiveInput", json!({ "title": "Kế hoạch", "code": "15-KH/TU" }))
        .await;
    let cite = "mutation($s: ID!, $v: Int!, $src: ID!, $q: String) { citeSource(subject: $s, expectedVersion: $v, input: { source: $src, quote: $q }) { ... on Directive { version citations { quote source { title } } } } }";
    let cited = staff.ok(cite, json!({ "s": scheme, "v": 1, "src": source, "q": "Đề án số 06-ĐA/TU" })).await;
    assert_eq!(cited["citeSource"]["version"], 2);
    assert_eq!(cited["citeSource"]["citations"][0]["quote"], "Đề án số 06-ĐA/TU");
    let requoted = staff.ok(cite, json!({ "s": scheme, "v": 2, "src": source, "q": "Đề án 06" })).await;
    assert_eq!(requoted["citeSource"]["citations"].as_array().map(Vec::len), Some(1), "one citation per source");
    let stale = staff.refused(cite, json!({ "s": scheme, "v": 2, "src": source })).await;
    assert_eq!(stale.0, "CONFLICT");
    let uncite = "mutation($s: ID!, $v: Int!, $src: ID!) { removeCitation(subject: $s, expectedVersion: $v, source: $src) { ... on Directive { citations { quote } } } }";
    let removed = staff.ok(uncite, json!({ "s": scheme, "v": 3, "src": source })).await;
    assert_eq!(removed["removeCitation"]["citations"], json!([]));
    let area = staff.create("createArea", "CreateAreaInput", json!({ "name": "Hà Giang", "kind": "PROVINCE" })).await;
    let wrong = staff.refused(cite, json!({ "s": area, "v": 1, "src": source })).await;
    assert_eq!(wrong, ("BAD_USER_INPUT".to_owned(), "subject".to_owned()));

    let link = "mutation($d: ID!, $v: Int!, $o: ID!) { linkDirectives(directive: $d, expectedVersion: $v, input: { relation: IMPLEMENTS, directive: $o }) { version related { relation direction directive { code } } } }";
    let linked = staff.ok(link, json!({ "d": plan, "v": 1, "o": scheme })).await;
    assert_eq!(linked["linkDirectives"]["related"][0]["directive"]["code"], "06-ĐA/TU");
    let again = staff.refused(link, json!({ "d": plan, "v": 2, "o": scheme })).await;
    assert_eq!(again.0, "BAD_USER_INPUT");
    let unlink = "mutation($d: ID!, $v: Int!, $o: ID!) { unlinkDirectives(directive: $d, expectedVersion: $v, relation: IMPLEMENTS, other: $o) { related { relation } } }";
    let unlinked = staff.ok(unlink, json!({ "d": plan, "v": 2, "o": scheme })).await;
    assert_eq!(unlinked["unlinkDirectives"]["related"], json!([]));
    let history = staff.history(&plan).await;
    assert_eq!(history[0]["operation"], "unlinkDirectives");
    assert_eq!(history[1]["operation"], "linkDirectives");
}

#[tokio::test]
async fn every_kind_updates_and_deletes_only_at_its_version() {
    let staff = Staff::new().await;
    let org = staff
        .create("createOrganization", "CreateOrganizationInput", json!({ "name": "Sở Tư pháp", "kind": "DEPARTMENT" }))
        .await;
    let post = staff.create("createPost", "CreatePostInput", json!({ "title": "Giám đốc", "organization": org })).await;
    let official = staff.create("createOfficial", "CreateOfficialInput", json!({ "name": "Hà Văn Thử" })).await;
    let conference = staff.meeting().await;
    // (kind, the creation's input, a change, the field it changes and its new value)
    let kinds = [
        (
            "Area",
            json!({ "name": "Bắc Mê", "kind": "DISTRICT" }),
            json!({ "name": "Huyện Bắc Mê" }),
            "name",
            json!("Huyện Bắc Mê"),
        ),
        (
            "Organization",
            json!({ "name": "Sở Y tế", "kind": "DEPARTMENT" }),
            json!({ "startedOn": "2008" }),
            "startedOn",
            json!("2008"),
        ),
        ("Post", json!({ "title": "Phó Giám đốc", "organization": org }), json!({ "seats": 3 }), "seats", json!(3)),
        (
            "Source",
            json!({ "title": "Tin" }),
            json!({ "url": "https://baohagiang.vn/x" }),
            "url",
            json!("https://baohagiang.vn/x"),
        ),
        ("Official", json!({ "name": "Lù Thị Thử" }), json!({ "name": "Lù Thị Thu" }), "name", json!("Lù Thị Thu")),
        (
            "Tenure",
            json!({ "official": official, "post": post }),
            json!({ "startedOn": "2019-03-01" }),
            "startedOn",
            json!("2019-03-01"),
        ),
        (
            "Participation",
            json!({ "conference": conference, "official": official, "role": "ATTENDEE" }),
            json!({ "capacity": "Giám đốc Sở" }),
            "capacity",
            json!("Giám đốc Sở"),
        ),
        (
            "Directive",
            json!({ "title": "Nghị quyết", "code": "12-NQ/TU" }),
            json!({ "status": "IN_EFFECT" }),
            "status",
            json!("IN_EFFECT"),
        ),
        (
            "Conference",
            json!({ "title": "Giao ban", "kind": "MEETING", "format": "ONLINE", "date": "2021-08-01" }),
            json!({ "venue": "Hội trường" }),
            "venue",
            json!("Hội trường"),
        ),
    ];
    for (kind, input, change, field, value) in kinds {
        let id = staff.create(&format!("create{kind}"), &format!("Create{kind}Input"), input).await;
        let update = format!(
            "mutation($id: ID!, $v: Int!, $i: Update{kind}Input!) {{ update{kind}(id: $id, expectedVersion: $v, input: $i) {{ version {field} }} }}"
        );
        let changed = staff.ok(&update, json!({ "id": id, "v": 1, "i": change })).await;
        assert_eq!(changed[format!("update{kind}")], json!({ "version": 2, field: value }), "{kind}");
        let (code, _) = staff.refused(&update, json!({ "id": id, "v": 1, "i": change })).await;
        assert_eq!(code, "CONFLICT", "{kind}: a stale update");
        let delete = format!("mutation($id: ID!, $v: Int!) {{ delete{kind}(id: $id, expectedVersion: $v) {{ id }} }}");
        let (code, _) = staff.refused(&delete, json!({ "id": id, "v": 1 })).await;
        assert_eq!(code, "CONFLICT", "{kind}: a stale deletion");
        staff.ok(&delete, json!({ "id": id, "v": 2 })).await;
        let gone = staff.app.data("query($id: ID!) { node(id: $id) { id } }", json!({ "id": id })).await;
        assert_eq!(gone["node"], Value::Null, "{kind} deleted");
        let (code, _) = staff.refused(&delete, json!({ "id": id, "v": 2 })).await;
        assert_eq!(code, "NOT_FOUND", "{kind}: deleted twice");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_editors_racing_on_one_task_or_conference_one_wins() {
    let staff = Staff::new().await;
    let second = staff.app.token("staff-2", Role::Editor).await;
    let org = staff
        .create("createOrganization", "CreateOrganizationInput", json!({ "name": "Ban Dân vận", "kind": "COMMISSION" }))
        .await;
    let task = staff.create("createTask", "CreateTaskInput", json!({ "title": "Báo cáo", "assignees": [org] })).await;
    let conference = staff.meeting().await;
    let races = [
        (
            "mutation($id: ID!, $v: Int!, $t: String) { updateTask(id: $id, expectedVersion: $v, input: { title: $t }) { version } }",
            &task,
        ),
        (
            "mutation($id: ID!, $v: Int!, $t: String) { updateConference(id: $id, expectedVersion: $v, input: { title: $t }) { version } }",
            &conference,
        ),
    ];
    for (mutation, id) in races {
        for round in 1..=3 {
            let a =
                staff.app.query_as(&staff.token, mutation, json!({ "id": id, "v": round, "t": format!("A {round}") }));
            let b = staff.app.query_as(&second, mutation, json!({ "id": id, "v": round, "t": format!("B {round}") }));
            let (a, b) = tokio::join!(a, b);
            let codes: Vec<&str> =
                [&a, &b].iter().map(|r| r["errors"][0]["extensions"]["code"].as_str().unwrap_or("OK")).collect();
            let mut sorted = codes.clone();
            sorted.sort();
            assert_eq!(sorted, ["CONFLICT", "OK"], "round {round}: {a} {b}");
        }
    }
}
