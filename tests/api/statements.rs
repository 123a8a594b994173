//! Every relation batches through a DataLoader: the SQL statements of one nested query do not
//! grow with the page size.

use crate::helpers::*;
use serde_json::{Value, json};

pub(crate) fn large_dataset(conferences: usize) -> Value {
    let organizations: Vec<Value> = (0..10)
        .map(|i| json!({ "key": format!("o{i}"), "name": format!("Cơ quan {i}"), "kind": "DEPARTMENT" }))
        .collect();
    let posts: Vec<Value> =
        (0..20).map(|i| json!({ "key": format!("p{i}"), "title": format!("Chức vụ {i}"), "organization": format!("o{}", i % 10) })).collect();
    let officials: Vec<Value> = (0..300)
        .map(|i| {
            json!({ "key": format!("u{i}"), "name": format!("Cán bộ {i}"), "tenures": [
                { "post": format!("p{}", i % 20), "startedOn": "2015" },
                { "post": format!("p{}", (i + 7) % 20), "startedOn": "2020-10" }
            ] })
        })
        .collect();
    let conferences: Vec<Value> = (0..conferences)
        .map(|i| {
            json!({ "key": format!("c{i}"), "title": format!("Hội nghị {i}"), "kind": "CONFERENCE", "format": "ONLINE",
                    "date": format!("2021-{:02}-{:02}", 1 + i % 12, 1 + i % 28), "organizers": [format!("o{}", i % 10)],
                    "participants": [
                        { "official": format!("u{}", (2 * i) % 300), "role": "CHAIR" },
                        { "official": format!("u{}", (2 * i + 1) % 300), "role": "CHAIR" }
                    ] })
        })
        .collect();
    json!({ "organizations": organizations, "posts": posts, "officials": officials, "conferences": conferences })
}

pub(crate) const NESTED: &str =
    "query($n: Int) { conferences(first: $n) { totalCount edges { node { title organizers { name }
    chairs { name tenures { startedOn post { title organization { name } } } } } } } }";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nested_query_statements_do_not_grow_with_the_page_size() {
    // No batch window: a batch runs when the request's resolvers can go no further, which
    // must gather a whole level of 100 rows however busy the machine is.
    let setup = Setup { dataset: Some(large_dataset(120).to_string()), ..Setup::default() };
    let app = spawn(setup).await;
    let small = app.statements_for(NESTED, json!({ "n": 10 })).await;
    let large = app.statements_for(NESTED, json!({ "n": 100 })).await;
    let shapes =
        |log: &[String]| log.iter().map(|sql| sql.split(" WHERE ").next().unwrap_or("").to_owned()).collect::<Vec<_>>();
    assert_eq!(small.len(), large.len(), "10 rows: {:#?}\n100 rows: {:#?}", shapes(&small), shapes(&large));
    // page + count + organizer links + organizers + participations + officials + tenures + posts + organizations
    assert!(large.len() <= 9, "{} statements for a query nested five deep: {:#?}", large.len(), shapes(&large));
    let data = app.data(NESTED, json!({ "n": 100 })).await;
    let first = &nodes(&data["conferences"])[0];
    assert_eq!(first["chairs"].as_array().unwrap().len(), 2);
    assert_eq!(first["chairs"][0]["tenures"].as_array().unwrap().len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_level_of_thousands_of_nodes_is_one_statement() {
    // taskStats answers every bucket at once: here 2,500 assignees, each an organization.
    let organizations: Vec<Value> = (0..2500)
        .map(|i| json!({ "key": format!("o{i}"), "name": format!("Cơ quan {i}"), "kind": "DEPARTMENT" }))
        .collect();
    let tasks: Vec<Value> = (0..2500)
        .map(|i| json!({ "key": format!("t{i}"), "title": format!("Nhiệm vụ {i}"), "assignees": [{ "organization": format!("o{i}") }] }))
        .collect();
    let app = spawn_with(json!({ "organizations": organizations, "tasks": tasks })).await;
    let query = "{ taskStats(groupBy: [ASSIGNEE]) { total key { node { ... on Organization { name } } } } }";
    let statements = app.statements_for(query, json!({})).await;
    // The counts, then the organizations of all the buckets.
    assert_eq!(statements.len(), 2, "{statements:#?}");
    let data = app.data(query, json!({})).await;
    let buckets = data["taskStats"].as_array().expect("buckets");
    assert_eq!(buckets.len(), 2500);
    assert!(buckets.iter().all(|b| b["total"] == 1 && b["key"][0]["node"]["name"].is_string()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nodes_by_id_are_looked_up_together() {
    let setup = Setup { dataset: Some(large_dataset(60).to_string()), ..Setup::default() };
    let app = spawn(setup).await;
    let page = app.data("{ conferences(first: 50) { edges { node { id chairs { id } } } } }", json!({})).await;
    let mut ids: Vec<Value> = Vec::new();
    for conference in nodes(&page["conferences"]) {
        ids.push(conference["id"].clone());
        ids.extend(conference["chairs"].as_array().unwrap().iter().map(|c| c["id"].clone()));
    }
    assert_eq!(ids.len(), 150);
    let query = "query($ids: [ID!]!) { nodes(ids: $ids) { ... on Conference { title } ... on Official { name } } }";
    let some = app.statements_for(query, json!({ "ids": &ids[..6] })).await;
    let many = app.statements_for(query, json!({ "ids": &ids[..100] })).await;
    // One statement per type of node, however many ids.
    assert_eq!(some.len(), 2, "{some:#?}");
    assert_eq!(many.len(), 2, "{many:#?}");
    let data = app.data(query, json!({ "ids": &ids[..100] })).await;
    let found = data["nodes"].as_array().unwrap();
    assert_eq!(found.len(), 100);
    assert!(found.iter().all(|n| n["title"].is_string() || n["name"].is_string()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_history_of_many_nodes_is_one_statement() {
    let app = spawn_app().await;
    let token = app.token("staff", govtrail::auth::Role::Editor).await;
    let mut ids = Vec::new();
    for i in 0..30 {
        let created = app
            .query_as(
                &token,
                "mutation($n: String!) { createOfficial(input: { name: $n }) { id } }",
                json!({ "n": format!("Cán bộ {i}") }),
            )
            .await;
        let id = created["data"]["createOfficial"]["id"].as_str().expect("created").to_owned();
        for (version, name) in [(1, format!("Cán bộ {i} A")), (2, format!("Cán bộ {i} B"))] {
            let update = "mutation($id: ID!, $v: Int!, $n: String!) { updateOfficial(id: $id, expectedVersion: $v, input: { name: $n }) { version } }";
            let updated = app.query_as(&token, update, json!({ "id": id, "v": version, "n": name })).await;
            assert_eq!(updated["data"]["updateOfficial"]["version"], version + 1, "{updated}");
        }
        ids.push(id);
    }
    let query = "query($ids: [ID!]!, $after: String) { nodes(ids: $ids) { ... on Official { name history(first: 2, after: $after) {
        totalCount pageInfo { hasNextPage hasPreviousPage endCursor } edges { node { operation fields { after } } } } } } }";
    let few = app.statements_for(query, json!({ "ids": &ids[..3] })).await;
    let many = app.statements_for(query, json!({ "ids": &ids })).await;
    // The officials, their histories, and one count a node (asked for here).
    assert_eq!(few.len(), 2 + 3, "{few:#?}");
    assert_eq!(many.len(), 2 + 30, "{many:#?}");
    let data = app.data(query, json!({ "ids": &ids })).await;
    for official in data["nodes"].as_array().unwrap() {
        let history = &official["history"];
        assert_eq!(history["totalCount"], 3);
        assert_eq!(history["pageInfo"]["hasNextPage"], true);
        let operations: Vec<&Value> =
            history["edges"].as_array().unwrap().iter().map(|e| &e["node"]["operation"]).collect();
        assert_eq!(operations, [&json!("updateOfficial"), &json!("updateOfficial")]);
        assert_eq!(
            history["edges"][0]["node"]["fields"][0]["after"],
            json!(format!("\"{}\"", official["name"].as_str().unwrap()))
        );
    }
    // The next page of one of them, from its cursor: the creation, and nothing after it.
    let cursor = data["nodes"][4]["history"]["pageInfo"]["endCursor"].clone();
    let next = app.data(query, json!({ "ids": [&ids[4]], "after": cursor })).await;
    let history = &next["nodes"][0]["history"];
    assert_eq!(history["edges"].as_array().unwrap().len(), 1);
    assert_eq!(history["edges"][0]["node"]["operation"], "createOfficial");
    assert_eq!(history["pageInfo"]["hasNextPage"], false);
    assert_eq!(history["pageInfo"]["hasPreviousPage"], true);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn judging_tenures_is_a_few_statements_for_the_whole_answer() {
    let setup = Setup { dataset: Some(large_dataset(120).to_string()), ..Setup::default() };
    let app = spawn(setup).await;
    let shapes =
        |log: &[String]| log.iter().map(|sql| sql.split(" WHERE ").next().unwrap_or("").to_owned()).collect::<Vec<_>>();
    // How sure: the evidence of every tenure of the answer is read together.
    let sure = "query($n: Int) { conferences(first: $n) { edges { node { participants(role: CHAIR) {
        postsHeld { certainty post { title organization { name } } } } } } } }";
    let small = app.statements_for(sure, json!({ "n": 10 })).await;
    let large = app.statements_for(sure, json!({ "n": 100 })).await;
    assert_eq!(small.len(), large.len(), "10 rows: {:#?}\n100 rows: {:#?}", shapes(&small), shapes(&large));
    // "Not ruled out", certainty unasked: the bounds only, from the loaders the answer uses anyway.
    let possible = "query($n: Int) { conferences(first: $n) { edges { node { participants(role: CHAIR) {
        postsHeld(minCertainty: POSSIBLE) { post { title organization { name } } } } } } } }";
    let bounds = app.statements_for(possible, json!({ "n": 100 })).await;
    // page + participations + conferences + tenures + posts + organizations, and the posts and
    // organizations of the answer again (the loaders batch within a level, they keep nothing)
    assert!(bounds.len() <= 8, "{} statements: {:#?}", bounds.len(), shapes(&bounds));
    assert!(bounds.len() < large.len(), "{:#?} against {:#?}", shapes(&bounds), shapes(&large));
    let data = app.data(possible, json!({ "n": 100 })).await;
    let held: usize = nodes(&data["conferences"])
        .iter()
        .flat_map(|c| c["participants"].as_array().unwrap().clone())
        .map(|p| p["postsHeld"].as_array().unwrap().len())
        .sum();
    assert!(held > 0, "open tenures are possible on the conference days");
}
