//! One rule, every door: each kind's invalid values are refused alike by its mutation and by an
//! import, with the field named, and neither door writes anything.

use crate::helpers::*;
use govtrail::auth::Role;
use serde_json::{Value, json};

/// What both doors start from: a source, an area, two organizations, a post and an official.
fn base() -> Value {
    json!({
        "sources": [{ "key": "s", "title": "Báo tỉnh, tin hội nghị", "publishedOn": "2024-03-05" }],
        "areas": [{ "key": "a", "name": "Tỉnh Mẫu", "kind": "PROVINCE" }],
        "organizations": [
            { "key": "o", "name": "Tỉnh ủy Mẫu", "kind": "PARTY_COMMITTEE", "area": "a" },
            { "key": "o2", "name": "Ban Dân vận Tỉnh ủy Mẫu", "kind": "COMMISSION", "parent": "o" }
        ],
        "posts": [{ "key": "p", "title": "Bí thư Tỉnh ủy", "organization": "o" }],
        "officials": [{ "key": "x", "name": "Lò Văn Mẫu", "tenures": [] }]
    })
}

/// One invalid record, as a mutation and as a dataset record.
struct Case {
    /// What is wrong.
    name: &'static str,
    /// The mutation and its variables, with `$o`, `$o2`, `$p`, `$x`, `$s` standing for the base
    /// records' global ids.
    mutation: &'static str,
    variables: Value,
    /// The dataset section and the record added to it (appended after the base's records).
    section: &'static str,
    record: Value,
    /// The field at fault, as the mutation's input and the record name it.
    input_field: &'static str,
    record_field: &'static str,
    /// Words of the refusal both doors give.
    says: &'static str,
}

fn cases() -> Vec<Case> {
    let long = |n: usize| "đ".repeat(n);
    vec![
        Case {
            name: "a source title past its length",
            mutation: "mutation($input: CreateSourceInput!) { createSource(input: $input) { id } }",
            variables: json!({ "input": { "title": long(1001) } }),
            section: "sources",
            record: json!({ "key": "s2", "title": long(1001) }),
            input_field: "input.title",
            record_field: "sources[1].title",
            says: "at most 1000 characters",
        },
        Case {
            name: "a source address that is not a web address",
            mutation: "mutation($input: CreateSourceInput!) { createSource(input: $input) { id } }",
            variables: json!({ "input": { "title": "Tin", "url": "ftp://bao.example/tin" } }),
            section: "sources",
            record: json!({ "key": "s2", "title": "Tin", "url": "ftp://bao.example/tin" }),
            input_field: "input.url",
            record_field: "sources[1].url",
            says: "an http or https address",
        },
        Case {
            name: "an official's name of blanks",
            mutation: "mutation($input: CreateOfficialInput!) { createOfficial(input: $input) { id } }",
            variables: json!({ "input": { "name": "   " } }),
            section: "officials",
            record: json!({ "key": "y", "name": "   " }),
            input_field: "input.name",
            record_field: "officials[1].name",
            says: "must not be empty",
        },
        Case {
            name: "an organization that ended as merged without an end",
            mutation: "mutation($input: CreateOrganizationInput!) { createOrganization(input: $input) { id } }",
            variables: json!({ "input": { "name": "Sở Mẫu", "kind": "DEPARTMENT", "endedAs": "MERGED" } }),
            section: "organizations",
            record: json!({ "key": "o3", "name": "Sở Mẫu", "kind": "DEPARTMENT", "endedAs": "MERGED" }),
            input_field: "input.endedAs",
            record_field: "organizations[2].endedAs",
            says: "needs endedOn",
        },
        Case {
            name: "an organization with a successor but no end",
            mutation: "mutation($input: CreateOrganizationInput!) { createOrganization(input: $input) { id } }",
            variables: json!({ "input": { "name": "Sở Mẫu", "kind": "DEPARTMENT", "successor": "$o" } }),
            section: "organizations",
            record: json!({ "key": "o3", "name": "Sở Mẫu", "kind": "DEPARTMENT", "successor": "o" }),
            input_field: "input.successor",
            record_field: "organizations[2].successor",
            says: "needs endedOn",
        },
        Case {
            name: "a post without a seat",
            mutation: "mutation($input: CreatePostInput!) { createPost(input: $input) { id } }",
            variables: json!({ "input": { "title": "Phó Bí thư", "organization": "$o", "seats": 0 } }),
            section: "posts",
            record: json!({ "key": "p2", "title": "Phó Bí thư", "organization": "o", "seats": 0 }),
            input_field: "input.seats",
            record_field: "posts[1].seats",
            says: "at least one seat",
        },
        Case {
            name: "a tenure that ends before it starts",
            mutation: "mutation($input: CreateTenureInput!) { createTenure(input: $input) { id } }",
            variables: json!({ "input": { "official": "$x", "post": "$p", "startedOn": "2021", "endedOn": "2020" } }),
            section: "officials",
            record: json!({ "key": "y", "name": "Lò Thị Mẫu",
                            "tenures": [{ "post": "p", "startedOn": "2021", "endedOn": "2020" }] }),
            input_field: "input.endedOn",
            record_field: "officials[1].tenures[0].endedOn",
            says: "is before the start",
        },
        Case {
            name: "a tenure citing one source twice",
            mutation: "mutation($input: CreateTenureInput!) { createTenure(input: $input) { id } }",
            variables: json!({ "input": { "official": "$x", "post": "$p",
                                          "citations": [{ "source": "$s" }, { "source": "$s", "quote": "Bí thư" }] } }),
            section: "officials",
            record: json!({ "key": "y", "name": "Lò Thị Mẫu",
                            "tenures": [{ "post": "p", "sources": ["s", { "source": "s", "quote": "Bí thư" }] }] }),
            input_field: "input.citations[1].source",
            record_field: "officials[1].tenures[0].sources[1].source",
            says: "cited twice",
        },
        Case {
            name: "a conference that starts in the afternoon of a morning",
            mutation: "mutation($input: CreateConferenceInput!) { createConference(input: $input) { id } }",
            variables: json!({ "input": { "title": "Hội nghị", "kind": "CONFERENCE", "format": "IN_PERSON",
                                          "date": "2024-03-05", "partOfDay": "MORNING",
                                          "startsAt": "2024-03-05T07:30:00Z" } }),
            section: "conferences",
            record: json!({ "key": "c", "title": "Hội nghị", "kind": "CONFERENCE", "format": "IN_PERSON",
                            "date": "2024-03-05", "partOfDay": "MORNING", "startsAt": "2024-03-05T07:30:00Z" }),
            input_field: "input.startsAt",
            record_field: "conferences[0].startsAt",
            says: "14:30 in Asia/Ho_Chi_Minh is in the afternoon",
        },
        Case {
            name: "a conference that starts on another day than its date",
            mutation: "mutation($input: CreateConferenceInput!) { createConference(input: $input) { id } }",
            variables: json!({ "input": { "title": "Hội nghị", "kind": "CONFERENCE", "format": "IN_PERSON",
                                          "date": "2024-03-05", "startsAt": "2024-03-05T20:00:00Z" } }),
            section: "conferences",
            record: json!({ "key": "c", "title": "Hội nghị", "kind": "CONFERENCE", "format": "IN_PERSON",
                            "date": "2024-03-05", "startsAt": "2024-03-05T20:00:00Z" }),
            input_field: "input.startsAt",
            record_field: "conferences[0].startsAt",
            says: "falls on 2024-03-06",
        },
        Case {
            name: "a task naming one assignee twice",
            mutation: "mutation($input: CreateTaskInput!) { createTask(input: $input) { id } }",
            variables: json!({ "input": { "title": "Tham mưu tiếp tục thực hiện Đề án", "assignees": ["$o2", "$o2"] } }),
            section: "tasks",
            record: json!({ "key": "t", "title": "Tham mưu tiếp tục thực hiện Đề án",
                            "assignees": [{ "organization": "o2" }, { "organization": "o2" }] }),
            input_field: "input.assignees",
            record_field: "tasks[0].assignees",
            says: "named twice",
        },
        Case {
            name: "a task title past its length",
            mutation: "mutation($input: CreateTaskInput!) { createTask(input: $input) { id } }",
            variables: json!({ "input": { "title": long(2001), "assignees": ["$o2"] } }),
            section: "tasks",
            record: json!({ "key": "t", "title": long(2001), "assignees": [{ "organization": "o2" }] }),
            input_field: "input.title",
            record_field: "tasks[0].title",
            says: "at most 2000 characters",
        },
    ]
}

/// Replaces the `$name` strings of `value` by the global ids of the base records.
fn with_ids(value: &Value, ids: &[(&str, String)]) -> Value {
    match value {
        Value::String(s) => match ids.iter().find(|(name, _)| s == name) {
            Some((_, id)) => Value::String(id.clone()),
            None => value.clone(),
        },
        Value::Array(items) => Value::Array(items.iter().map(|v| with_ids(v, ids)).collect()),
        Value::Object(map) => Value::Object(map.iter().map(|(k, v)| (k.clone(), with_ids(v, ids))).collect()),
        other => other.clone(),
    }
}

/// How many records of each kind the server holds.
async fn counts(app: &TestApp) -> Value {
    app.data(
        "{ sources { totalCount } officials { totalCount } organizations { totalCount } conferences { totalCount } tasks { totalCount } }",
        json!({}),
    )
    .await
}

#[tokio::test]
async fn a_mutation_and_an_import_refuse_the_same_values_naming_the_field() {
    let app = spawn_app().await;
    let admin = app.token("admin", Role::Admin).await;
    let loaded = upload(&app, &admin, &base().to_string(), false).await;
    assert!(loaded.get("errors").is_none(), "{loaded}");
    let mut ids = vec![
        ("$o", id_of(&app, "organizations", "Tỉnh ủy Mẫu").await),
        ("$o2", id_of(&app, "organizations", "Ban Dân vận Tỉnh ủy Mẫu").await),
        ("$x", id_of(&app, "officials", "Lò Văn Mẫu").await),
    ];
    let organization = json!({ "id": ids[0].1 });
    let post =
        app.data("query($id: ID!) { node(id: $id) { ... on Organization { posts { id } } } }", organization).await;
    let source = app.data("{ sources(first: 1) { nodes { id } } }", json!({})).await;
    ids.push(("$p", post["node"]["posts"][0]["id"].as_str().expect("the post").to_owned()));
    ids.push(("$s", source["sources"]["nodes"][0]["id"].as_str().expect("the source").to_owned()));
    let before = counts(&app).await;
    for case in cases() {
        let through_api = app.query_as(&admin, case.mutation, with_ids(&case.variables, &ids)).await;
        let error = &through_api["errors"][0];
        assert_eq!(error["extensions"]["code"], "BAD_USER_INPUT", "{}: the API took it: {through_api}", case.name);
        let message = error["message"].as_str().unwrap_or_default();
        assert!(
            message.contains(case.input_field) && message.contains(case.says),
            "{}: the API said {message:?}",
            case.name
        );

        let mut file = base();
        match file.get_mut(case.section).and_then(Value::as_array_mut) {
            Some(records) => records.push(case.record.clone()),
            None => file[case.section] = json!([case.record]),
        }
        let through_import = upload(&app, &admin, &file.to_string(), false).await;
        let error = &through_import["errors"][0];
        assert_eq!(
            error["extensions"]["code"], "BAD_USER_INPUT",
            "{}: the import took it: {through_import}",
            case.name
        );
        let message = error["message"].as_str().unwrap_or_default();
        assert!(
            message.contains(&format!("{}: ", case.record_field)) && message.contains(case.says),
            "{}: the import said {message:?}",
            case.name
        );
    }
    assert_eq!(counts(&app).await, before, "a refusal writes nothing");
}
