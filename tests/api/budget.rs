//! What a request may read and send is bounded while it runs, whatever the data holds: the
//! nodes of relation lists and statistics buckets (each list statement reads at most one row
//! past what is left), and the bytes of a query's answer.

use crate::helpers::*;
use crate::statements::{NESTED, large_dataset};
use govtrail::auth::Role;
use govtrail::limits::Limits;
use serde_json::{Value, json};

async fn over(limits: Limits) -> TestApp {
    let limits = Limits { anonymous_per_minute: 0, token_per_minute: 0, ..limits };
    spawn(Setup { dataset: Some(large_dataset(120).to_string()), limits, ..Setup::default() }).await
}

/// The code and limit of the first error.
fn refusal(answer: &Value) -> (&str, &str) {
    let extensions = &answer["errors"][0]["extensions"];
    (extensions["code"].as_str().unwrap_or(""), extensions["limit"].as_str().unwrap_or(""))
}

#[tokio::test]
async fn nested_relation_lists_are_bounded_by_the_node_budget() {
    let app = over(Limits { max_nodes: 500, ..Limits::default() }).await;
    // Ten conferences hold about 180 nodes: answered whole.
    let small = app.data(NESTED, json!({ "n": 10 })).await;
    assert_eq!(nodes(&small["conferences"]).len(), 10);
    // A hundred hold about 1,800.
    let before = app.statements_seen();
    let large = app.query(NESTED, json!({ "n": 100 })).await;
    assert_eq!(refusal(&large), ("LIMIT_EXCEEDED", "nodes"), "{large}");
    let listed = app.statements_since(before);
    assert!(
        listed
            .iter()
            .filter(|sql| sql.contains(" IN ("))
            .all(|sql| !sql.contains("\"participation\"") || sql.contains("LIMIT")),
        "relation statements read at most what is left: {listed:#?}"
    );
    // The default budget answers it.
    let roomy = over(Limits::default()).await;
    assert_eq!(nodes(&roomy.data(NESTED, json!({ "n": 100 })).await["conferences"]).len(), 100);
}

#[tokio::test]
async fn statistics_buckets_are_bounded_by_the_node_budget() {
    let query = "{ conferenceStats(groupBy: [MONTH, ORGANIZER, CHAIR]) { count key { value } } }";
    let roomy = over(Limits::default()).await;
    let buckets = roomy.data(query, json!({})).await["conferenceStats"].as_array().map(Vec::len).unwrap_or(0);
    assert!(buckets > 100, "{buckets} buckets");
    let app = over(Limits { max_nodes: 100, ..Limits::default() }).await;
    let before = app.statements_seen();
    let refused = app.query(query, json!({})).await;
    assert_eq!(refusal(&refused), ("LIMIT_EXCEEDED", "nodes"), "{refused}");
    // Buckets are not paged: the refusal says what a client can change instead.
    let message = refused["errors"][0]["message"].as_str().unwrap_or("");
    assert!(message.contains("group by fewer dimensions") && !message.contains("first/after"), "{message}");
    let grouped = app.statements_since(before);
    assert!(grouped.iter().any(|sql| sql.contains("GROUP BY") && sql.contains("LIMIT")), "{grouped:#?}");
}

#[tokio::test]
async fn a_query_answer_is_bounded_in_bytes_and_a_mutation_answer_is_not() {
    let app = over(Limits { max_answer_bytes: 300, ..Limits::default() }).await;
    app.data("{ __typename }", json!({})).await;
    let refused = app.query("{ officials(first: 20) { edges { node { name } } } }", json!({})).await;
    assert_eq!(refusal(&refused), ("LIMIT_EXCEEDED", "bytes"), "{refused}");
    assert!(refused.get("data").is_none() || refused["data"].is_null(), "no part of the answer is sent");
    // A mutation may have committed: its answer is sent whatever its size.
    let editor = app.token("editor", Role::Editor).await;
    let long = "Lò Văn Giờ ".repeat(18);
    let long = long.trim();
    let create = "mutation($n: String!) { createOfficial(input: { name: $n }) { id version name key } }";
    let created = app.query_as(&editor, create, json!({ "n": long })).await;
    assert_eq!(created["data"]["createOfficial"]["name"], long, "{created}");
    assert!(created.to_string().len() > 300);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn heavy_answers_take_turns_and_all_finish() {
    // One turn for heavy answers: concurrent ones wait for it, none fails for it.
    let app = over(Limits { max_heavy: 1, ..Limits::default() }).await;
    let wide =
        "{ officials(first: 30) { edges { node { name tenures { post { title holders { official { name } } } } } } } }";
    let answers = futures::future::join_all((0..4).map(|_| app.query(wide, json!({})))).await;
    for answer in answers {
        assert!(answer.get("errors").is_none(), "{}", answer["errors"]);
        assert_eq!(nodes(&answer["data"]["officials"]).len(), 30);
    }
}

#[tokio::test]
async fn whole_table_reads_cost_what_they_scan_so_aliases_cannot_multiply_them() {
    let app = over(Limits::default()).await;
    let stats = |n: usize| {
        let one = |i: usize| format!("s{i}: taskStats(groupBy: [STATUS]) {{ total }}");
        format!("{{ {} }}", (0..n).map(one).collect::<Vec<_>>().join(" "))
    };
    assert!(app.data(&stats(4), json!({})).await["s3"].is_array());
    let refused = app.query(&stats(6), json!({})).await;
    assert_eq!(refusal(&refused), ("LIMIT_EXCEEDED", "complexity"), "{refused}");
    let checks = "{ a: dataIssues(first: 1) { total } b: dataIssues(first: 1) { total } c: dataIssues(first: 1) { total } \
                  d: dataIssues(first: 1) { total } e: dataIssues(first: 1) { total } f: dataIssues(first: 1) { total } }";
    assert_eq!(refusal(&app.query(checks, json!({})).await), ("LIMIT_EXCEEDED", "complexity"));
}
