//! `govtrail generate` and the benchmark queries (bench/queries): a generated dataset imports,
//! and each query returns the rows the tables hold, read back without the API.

use crate::helpers::*;
use entity::*;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet, HashMap};

const Q1: &str = include_str!("../../bench/queries/q1.graphql");
const Q2: &str = include_str!("../../bench/queries/q2.graphql");
const Q3: &str = include_str!("../../bench/queries/q3.graphql");
const Q4: &str = include_str!("../../bench/queries/q4.graphql");
const Q5: &str = include_str!("../../bench/queries/q5.graphql");

async fn ask(address: &str, query: &str, variables: Value) -> Value {
    let body = json!({ "query": query, "variables": variables });
    let response: Value = reqwest::Client::new()
        .post(format!("http://{address}/graphql"))
        .json(&body)
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("JSON");
    assert!(response.get("errors").is_none(), "{response}");
    response["data"].clone()
}

/// Every page of a connection query, following `endCursor` (Q6 is Q1's second page).
async fn all_pages(address: &str, query: &str, field: &str, mut variables: Value) -> (i64, Vec<Value>) {
    let mut nodes = Vec::new();
    loop {
        let data = ask(address, query, variables.clone()).await;
        let connection = &data[field];
        nodes.extend(connection["edges"].as_array().expect("edges").iter().map(|e| e["node"].clone()));
        if connection["pageInfo"]["hasNextPage"] != true {
            return (connection["totalCount"].as_i64().expect("totalCount"), nodes);
        }
        variables["after"] = connection["pageInfo"]["endCursor"].clone();
    }
}

fn held_on(t: &tenure::Model, day: &str) -> bool {
    t.started_on.as_deref().is_none_or(|s| s <= day) && t.ended_on.as_deref().is_none_or(|e| e >= day)
}

async fn check_q1(address: &str, db: &DatabaseConnection) {
    let (from, to) = ("2021-01-01", "2021-12-31");
    let (total, pages) = all_pages(address, Q1, "conferences", json!({ "from": from, "to": to, "first": 7 })).await;
    let stored: Vec<conference::Model> = conference::Entity::find()
        .filter(
            conference::Column::Date
                .between(from.parse::<chrono::NaiveDate>().unwrap(), to.parse::<chrono::NaiveDate>().unwrap()),
        )
        .all(db)
        .await
        .unwrap();
    assert!(stored.len() > 7, "the year should span several pages: {}", stored.len());
    assert_eq!(total, stored.len() as i64);
    let keys: Vec<&str> = pages.iter().map(|n| n["key"].as_str().unwrap()).collect();
    let unique: BTreeSet<&str> = keys.iter().copied().collect();
    assert_eq!(unique.len(), keys.len(), "a conference on two pages");
    assert_eq!(unique, stored.iter().map(|c| c.key.as_str()).collect());
    let dates: Vec<&str> = pages.iter().map(|n| n["date"].as_str().unwrap()).collect();
    assert!(dates.windows(2).all(|w| w[0] <= w[1]), "earliest first: {dates:?}");

    let officials: HashMap<i32, String> =
        official::Entity::find().all(db).await.unwrap().into_iter().map(|o| (o.id, o.key)).collect();
    let posts: HashMap<i32, String> =
        post::Entity::find().all(db).await.unwrap().into_iter().map(|p| (p.id, p.key)).collect();
    let tenures = tenure::Entity::find().all(db).await.unwrap();
    for conference in &stored {
        let page = pages.iter().find(|n| n["key"] == conference.key.as_str()).unwrap();
        let chairs = participation::Entity::find()
            .filter(participation::Column::ConferenceId.eq(conference.id))
            .filter(participation::Column::Role.eq("CHAIR"))
            .all(db)
            .await
            .unwrap();
        let expected: BTreeMap<String, BTreeSet<String>> = chairs
            .iter()
            .map(|p| {
                let day = conference.date.to_string();
                let held = tenures.iter().filter(|t| t.official_id == p.official_id && held_on(t, &day));
                (officials[&p.official_id].clone(), held.map(|t| posts[&t.post_id].clone()).collect())
            })
            .collect();
        let answered: BTreeMap<String, BTreeSet<String>> = page["participants"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                let held =
                    p["postsHeld"].as_array().unwrap().iter().map(|t| t["post"]["key"].as_str().unwrap().to_owned());
                (p["official"]["key"].as_str().unwrap().to_owned(), held.collect())
            })
            .collect();
        assert_eq!(answered, expected, "chairs of {}", conference.key);
    }
}

async fn check_q3(address: &str, db: &DatabaseConnection) {
    let as_of = "2024-06-30";
    let data = ask(address, Q3, json!({ "asOf": as_of })).await;
    let day: chrono::NaiveDate = as_of.parse().unwrap();
    let mut overdue: Vec<task::Model> = task::Entity::find()
        .filter(task::Column::Status.is_in(["OPEN", "IN_PROGRESS"]))
        .filter(task::Column::DueOn.lt(day))
        .all(db)
        .await
        .unwrap();
    overdue.sort_by_key(|t| (t.due_on, t.id));
    assert_eq!(data["tasks"]["totalCount"].as_i64().unwrap(), overdue.len() as i64);
    let page: Vec<&str> =
        data["tasks"]["edges"].as_array().unwrap().iter().map(|e| e["node"]["key"].as_str().unwrap()).collect();
    let expected: Vec<&str> = overdue.iter().take(50).map(|t| t.key.as_str()).collect();
    assert_eq!(page, expected, "soonest due first, ties by id");
    let organizations: HashMap<i32, organization::Model> =
        organization::Entity::find().all(db).await.unwrap().into_iter().map(|o| (o.id, o)).collect();
    let directives: HashMap<i32, directive::Model> =
        directive::Entity::find().all(db).await.unwrap().into_iter().map(|d| (d.id, d)).collect();
    let assignees = task_assignee::Entity::find().all(db).await.unwrap();
    for (edge, task) in data["tasks"]["edges"].as_array().unwrap().iter().zip(&overdue) {
        let node = &edge["node"];
        let expected: BTreeSet<(String, Option<String>)> = assignees
            .iter()
            .filter(|a| a.task_id == task.id)
            .filter_map(|a| a.organization_id)
            .map(|id| {
                let o = &organizations[&id];
                (o.key.clone(), o.parent_id.map(|p| organizations[&p].key.clone()))
            })
            .collect();
        let answered: BTreeSet<(String, Option<String>)> = node["assignees"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| (a["key"].as_str().unwrap().to_owned(), a["parent"]["key"].as_str().map(str::to_owned)))
            .collect();
        assert_eq!(answered, expected, "assignees of {}", task.key);
        let directive = task.directive_id.map(|id| &directives[&id]);
        assert_eq!(node["directive"]["key"].as_str(), directive.map(|d| d.key.as_str()));
        let issuer = directive.and_then(|d| d.issuer_id).map(|id| organizations[&id].key.as_str());
        assert_eq!(node["directive"]["issuer"]["key"].as_str(), issuer);
    }
}

async fn check_q4(address: &str, db: &DatabaseConnection) {
    let data = ask(address, Q4, json!({ "asOf": "2024-06-30" })).await;
    let organizations: HashMap<i32, String> =
        organization::Entity::find().all(db).await.unwrap().into_iter().map(|o| (o.id, o.key)).collect();
    let tasks: HashMap<i32, String> =
        task::Entity::find().all(db).await.unwrap().into_iter().map(|t| (t.id, t.status)).collect();
    let mut expected: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    for a in task_assignee::Entity::find().all(db).await.unwrap() {
        let Some(org) = a.organization_id else { continue };
        let counts = expected.entry(organizations[&org].clone()).or_default();
        counts.0 += 1;
        counts.1 += i64::from(tasks[&a.task_id] == "DONE");
    }
    let answered: BTreeMap<String, (i64, i64)> = data["taskStats"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            let key = b["key"][0]["node"]["key"].as_str().unwrap().to_owned();
            (key, (b["total"].as_i64().unwrap(), b["done"].as_i64().unwrap()))
        })
        .collect();
    assert_eq!(answered, expected);
}

async fn check_q2_and_q5(address: &str, db: &DatabaseConnection) {
    // The official with the most participations.
    let parts = participation::Entity::find().all(db).await.unwrap();
    let mut conferences: HashMap<i32, BTreeSet<i32>> = HashMap::new();
    for p in &parts {
        conferences.entry(p.official_id).or_default().insert(p.conference_id);
    }
    let (official, attended) = conferences.iter().max_by_key(|(id, c)| (c.len(), -**id)).unwrap();
    let tenures = tenure::Entity::find().filter(tenure::Column::OfficialId.eq(*official)).all(db).await.unwrap();
    let given = task::Entity::find().filter(task::Column::AssignedByOfficialId.eq(*official)).all(db).await.unwrap();
    let expected = attended.len()
        + tenures.iter().filter(|t| t.started_on.is_some()).count()
        + tenures.iter().filter(|t| t.ended_on.is_some()).count()
        + given.iter().filter(|t| t.conference_id.is_some()).count();
    let id = govtrail::graphql::ids::encode(govtrail::graphql::ids::NodeType::Official, *official);
    let (total, entries) = all_pages(address, Q2, "timeline", json!({ "official": id, "first": 25 })).await;
    assert_eq!(total as usize, expected);
    assert_eq!(entries.len(), expected);

    let data = ask(address, Q5, json!({ "text": "chuyen doi so" })).await;
    let with_topic = directive::Entity::find()
        .filter(directive::Column::SearchFolded.contains("chuyen doi so"))
        .all(db)
        .await
        .unwrap();
    assert!(!with_topic.is_empty());
    assert!(data["search"]["totalCount"].as_i64().unwrap() >= with_topic.len() as i64, "{data}");
    let scores: Vec<f64> =
        data["search"]["edges"].as_array().unwrap().iter().map(|e| e["node"]["score"].as_f64().unwrap()).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "best first: {scores:?}");
}

#[tokio::test]
async fn a_generated_dataset_answers_the_benchmark_queries_with_its_rows() {
    let dir = tempfile::tempdir().unwrap();
    let database = fresh_database(&dir).await;
    let generated = std::process::Command::new(env!("CARGO_BIN_EXE_govtrail"))
        .args(["generate", "--scale", "0.02", "--seed", "11", "--database", &database])
        .output()
        .expect("govtrail generate");
    assert!(generated.status.success(), "{}", String::from_utf8_lossy(&generated.stderr));
    let report = String::from_utf8_lossy(&generated.stdout);
    assert!(report.contains("created"), "{report}");
    let (_server, address) = serve_process(&database, &[]);
    let db = govtrail::database::connect(&database).await.unwrap();
    assert_eq!(official::Entity::find().all(&db).await.unwrap().len(), 200);
    assert_eq!(conference::Entity::find().all(&db).await.unwrap().len(), 1000);
    if database.starts_with("postgres") {
        // A load this large refreshes the planner's statistics at once.
        use sea_orm::{ConnectionTrait, Statement};
        let analyzed = db
            .query_one_raw(Statement::from_string(
                sea_orm::DatabaseBackend::Postgres,
                "SELECT count(*) AS n FROM pg_stat_user_tables WHERE relname = 'participation' AND last_analyze IS NOT NULL",
            ))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(analyzed.try_get::<i64>("", "n").unwrap(), 1);
    }
    check_q1(&address, &db).await;
    check_q2_and_q5(&address, &db).await;
    check_q3(&address, &db).await;
    check_q4(&address, &db).await;
}

#[test]
fn the_same_seed_writes_the_same_file() {
    let run = |seed: &str| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_govtrail"))
            .args(["generate", "--scale", "0.005", "--seed", seed, "--output", "-"])
            .output()
            .expect("govtrail generate");
        assert!(out.status.success());
        out.stdout
    };
    assert_eq!(run("4"), run("4"));
    assert_ne!(run("4"), run("5"));
}
