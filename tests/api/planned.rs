//! Planned reads against field-by-field loading: generated queries over every relation the
//! planner follows (and some it does not), with filters, orders, page directions, `asOf` and
//! certainty, answered by two servers over one generated database, one planning and one not;
//! the answers must be the same, errors included, and the planned one must take fewer
//! statements.

use crate::helpers::*;
use serde_json::{Value, json};

/// What the nodes of a page of conferences select: the benchmark's shape, and shapes that
/// judge certainty from attestations, go through unions and fragments, or reach relations the
/// planner leaves to the loaders.
const CONFERENCE_NODES: [&str; 5] = [
    "key title date participants(role: CHAIR) { official { key name } postsHeld(minCertainty: POSSIBLE) { post { key title organization { key name } } } }",
    "key chairs { name tenures { startedOn endedOn post { title organization { name parent { name } } } } }",
    "id participants { role capacity organization { name parent { name } } official { name } postsHeld { certainty post { title } } }",
    "...C fragment_spread: participants { official { tenures(asOf: \"2022-03-01\", minCertainty: LIKELY) { certainty evidence { on origin } post { title } } } }",
    "key organizers { name } directives { relation directive { code issuer { name } } } tasks { title assignees { ... on Organization { name } } } participants { conference { title } }",
];

/// What the nodes of a page of tasks select.
const TASK_NODES: [&str; 3] = [
    "key title dueOn status assignees { ... on Organization { key name parent { key name } } ... on Official { key name } } directive { key code issuer { key name } }",
    "id assignees { __typename ... on Official { tenures { post { organization { name } } } } } assignments { organization { name } } directive { title }",
    "key conference { title chairs { name } } directive { issuer { parent { name } } }",
];

const CONFERENCE_FILTERS: [&str; 3] =
    ["{}", "{ from: \"2021-01-01\", to: \"2022-06-30\" }", "{ kind: [CONFERENCE], not: [{ format: [ONLINE] }] }"];
const TASK_FILTERS: [&str; 3] =
    ["{}", "{ overdueAsOf: \"2023-01-01\" }", "{ status: [OPEN, IN_PROGRESS], hasDueDate: true }"];

/// The queries of one list: each filter, order and selection, first and last pages, and the
/// pages after and before their cursors.
async fn pages(
    planned: &TwinServers,
    list: &str,
    filters: &[&str],
    orders: &[&str],
    nodes: &[&str],
    fragment: &str,
) -> usize {
    let mut asked = 0;
    for filter in filters {
        for order in orders {
            for selection in nodes {
                let selection = selection.replace("fragment_spread: ", "");
                for (size, cursor) in [("first: 7", "after"), ("last: 7", "before")] {
                    let query = |at: &str| {
                        format!(
                            "query {{ {list}(filter: {filter}, orderBy: [{order}], {size}{at}) {{ totalCount pageInfo {{ hasNextPage hasPreviousPage startCursor endCursor }} edges {{ cursor node {{ {selection} }} }} }} }} {fragment}"
                        )
                    };
                    let first = planned.same(&query(""), json!({})).await;
                    asked += 1;
                    let info = &first["data"][list]["pageInfo"];
                    let at = if cursor == "after" { &info["endCursor"] } else { &info["startCursor"] };
                    if let Some(at) = at.as_str() {
                        planned.same(&query(&format!(", {cursor}: \"{at}\"")), json!({})).await;
                        asked += 1;
                    }
                }
            }
        }
    }
    asked
}

/// Two servers over one database: one plans its reads, one loads field by field.
struct TwinServers {
    client: reqwest::Client,
    planned: std::net::SocketAddr,
    unplanned: std::net::SocketAddr,
    _stop: Vec<tokio::sync::oneshot::Sender<()>>,
}

impl TwinServers {
    async fn start(database: &str, setup: &Setup) -> Self {
        let (planned, a) = serve_on(database, setup, true, None).await;
        let (unplanned, b) = serve_on(database, setup, false, None).await;
        TwinServers { client: reqwest::Client::new(), planned, unplanned, _stop: vec![a, b] }
    }

    async fn ask(&self, at: std::net::SocketAddr, query: &str, variables: &Value) -> Value {
        post_graphql(&self.client, at, None, query, variables).await.json().await.expect("JSON")
    }

    /// The planned answer, after checking that the other is the same.
    async fn same(&self, query: &str, variables: Value) -> Value {
        let planned = self.ask(self.planned, query, &variables).await;
        let unplanned = self.ask(self.unplanned, query, &variables).await;
        assert_eq!(planned, unplanned, "the answers differ for {query}");
        planned
    }

    /// The same, up to where the budget ran out (see [`same_answers`]); whether it did.
    async fn same_up_to_the_budget(&self, query: &str) -> bool {
        let planned = self.ask(self.planned, query, &json!({})).await;
        let unplanned = self.ask(self.unplanned, query, &json!({})).await;
        same_answers(&planned, &unplanned, query);
        planned.get("errors").is_some() || unplanned.get("errors").is_some()
    }
}

async fn generated(scale: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let database = fresh_database(&dir).await;
    let generated = std::process::Command::new(env!("CARGO_BIN_EXE_govtrail"))
        .args(["generate", "--scale", scale, "--seed", "5", "--database", &database])
        .output()
        .expect("govtrail generate");
    assert!(generated.status.success(), "{}", String::from_utf8_lossy(&generated.stderr));
    (dir, database)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn planned_and_field_by_field_answers_are_the_same() {
    let (_dir, database) = generated("0.01").await;
    let servers = TwinServers::start(&database, &Setup::default()).await;
    let fragment = "fragment C on Conference { title format }";
    let mut asked =
        pages(&servers, "conferences", &CONFERENCE_FILTERS, &["DATE_ASC", "TITLE_DESC"], &CONFERENCE_NODES, fragment)
            .await;
    asked += pages(&servers, "tasks", &TASK_FILTERS, &["DUE_ASC", "TITLE_ASC"], &TASK_NODES, "").await;
    assert!(asked > 100, "{asked} queries");
    // The same with variables, aliases, `nodes` and a field asked twice.
    let query = "query($from: Date, $n: Int) { a: conferences(filter: { from: $from }, first: $n) { nodes { key
        one: chairs { name } two: participants { official { key tenures(minCertainty: POSSIBLE, asOf: $from) { certainty } } } } }
        b: tasks(last: $n) { totalCount nodes { key assignees { ... on Organization { name } } } } }";
    let data = servers.same(query, json!({ "from": "2021-06-01", "n": 25 })).await;
    assert_eq!(data["data"]["a"]["nodes"].as_array().map(Vec::len), Some(25), "{data}");
    // Fields left out by @skip/@include are planned all the same (the plan reads more than the
    // answer needs, never less), and a role given by a variable narrows what is read under it.
    let query = "query($chairs: Boolean!, $role: ParticipationRole) { conferences(first: 30) { nodes {
        participants(role: $role) @include(if: $chairs) { official { name } postsHeld(minCertainty: POSSIBLE) { post { title } } }
        chairs @skip(if: $chairs) { name } } } }";
    for (chairs, role) in
        [(true, json!("CHAIR")), (true, json!("ATTENDEE")), (true, Value::Null), (false, json!("CHAIR"))]
    {
        servers.same(query, json!({ "chairs": chairs, "role": role })).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_budget_too_small_fails_the_same_on_both_paths() {
    let (_dir, database) = generated("0.01").await;
    // A budget that the pages fit and their nested lists pass: the planned read drops the
    // levels that pass it, and the loaders fail as they would have.
    let mut failed = Vec::new();
    for max_nodes in [40, 150, 600, 2_000] {
        let setup =
            Setup { limits: govtrail::limits::Limits { max_nodes, ..Setup::default().limits }, ..Setup::default() };
        let servers = TwinServers::start(&database, &setup).await;
        for nodes in CONFERENCE_NODES.iter().take(3) {
            let query = format!("{{ conferences(first: 40) {{ totalCount edges {{ node {{ {nodes} }} }} }} }}");
            failed.push(servers.same_up_to_the_budget(&query).await);
        }
        for nodes in TASK_NODES.iter().take(2) {
            let query = format!("{{ tasks(first: 40) {{ totalCount nodes {{ {nodes} }} }} }}");
            failed.push(servers.same_up_to_the_budget(&query).await);
        }
    }
    assert!(failed.iter().any(|f| *f) && !failed.iter().all(|f| *f), "the budgets were passed by {failed:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_benchmark_page_takes_two_statements() {
    let setup = Setup { dataset: Some(crate::statements::large_dataset(120).to_string()), ..Setup::default() };
    let app = spawn(setup).await;
    let q1 = include_str!("../../bench/queries/q1.graphql");
    let variables = json!({ "from": "2021-01-01", "to": "2021-12-31" });
    let statements = app.statements_for(q1, variables.clone()).await;
    // The page, then its count with every nested level.
    assert_eq!(statements.len(), 2, "{statements:#?}");
    let data = app.data(q1, variables).await;
    let first = &nodes(&data["conferences"])[0];
    assert_eq!(first["participants"].as_array().map(Vec::len), Some(2), "{data}");
    assert!(first["participants"][0]["postsHeld"].as_array().is_some_and(|p| !p.is_empty()), "{data}");

    // A relation the planner does not follow is loaded by its resolver in the same answer.
    let mixed = "{ conferences(first: 5) { nodes { bodies { role } organizers { name } chairs { name } } } }";
    let statements = app.statements_for(mixed, json!({})).await;
    assert_eq!(statements.len(), 3, "page, planned organizers and chairs, bodies: {statements:#?}");
    let data = app.data(mixed, json!({})).await;
    let first = &data["conferences"]["nodes"][0];
    assert_eq!(first["bodies"], json!([]), "{data}");
    assert!(first["organizers"][0]["name"].is_string() && first["chairs"][1]["name"].is_string(), "{data}");
}
