//! Deeply nested input never ends the process: literals (objects, lists, a filter's `not`, `and`
//! and `or`), selection sets, variable types, directive arguments, fragments, variables and
//! upload contents, at depths up to 10,000, over POST, GET and WebSocket. Up to the nesting
//! limit they are answered as usual; past it they are refused with `LIMIT_EXCEEDED`
//! (`limit: "nesting"`) before anything parses them; the server keeps answering throughout.

use crate::helpers::*;
use govtrail::auth::Role;
use govtrail::limits::MAX_NESTING;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use serde_json::{Value, json};

const DEPTHS: [usize; 7] = [1, 10, MAX_NESTING - 8, MAX_NESTING + 1, 200, 1_000, 10_000];

/// `open` `depth` times, `middle`, then `close` as often.
fn nested(open: &str, middle: &str, close: &str, depth: usize) -> String {
    format!("{}{middle}{}", open.repeat(depth), close.repeat(depth))
}

/// Queries whose brackets nest about `depth` deep, each through another part of the language.
fn nested_queries(depth: usize) -> Vec<(&'static str, String)> {
    vec![
        (
            "a filter's not",
            format!("{{ conferences(filter: {}) {{ totalCount }} }}", nested("{not: ", "{}", "}", depth)),
        ),
        (
            "a filter's and",
            format!("{{ tasks(filter: {}) {{ totalCount }} }}", nested("{and: [", "{}", "]}", depth / 2 + 1)),
        ),
        ("a filter's or", format!("{{ officials(filter: {}) {{ totalCount }} }}", nested("{or: ", "{}", "}", depth))),
        ("a list literal", format!("{{ node(id: {}) {{ id }} }}", nested("[", "1", "]", depth))),
        ("an object literal", format!("{{ search(text: {}) {{ totalCount }} }}", nested("{a: ", "1", "}", depth))),
        (
            "a selection set",
            format!(
                "{{ {}__typename{} }}",
                "conferences { edges { node { ".repeat(depth / 3 + 1),
                " } } }".repeat(depth / 3 + 1)
            ),
        ),
        ("a variable's type", format!("query($v: {}) {{ __typename }}", nested("[", "Int", "]", depth))),
        ("a directive's argument", format!("{{ __typename @include(if: {}) }}", nested("[", "true", "]", depth))),
        ("parentheses", format!("{{ __typename{} }}", "(".repeat(depth))),
        ("unclosed braces", "{".repeat(depth)),
    ]
}

/// The first error's code and `limit` of an answer (empty when absent).
fn first_error(answer: &Value) -> (String, String) {
    let error = &answer["errors"][0]["extensions"];
    (error["code"].as_str().unwrap_or("").to_owned(), error["limit"].as_str().unwrap_or("").to_owned())
}

/// Checks an answer to a query nesting `depth` deep: refused for nesting past the limit, and
/// never an internal error.
fn check(how: &str, what: &str, depth: usize, answer: &Value) {
    let (code, limit) = first_error(answer);
    assert_ne!(code, "INTERNAL", "{what} {depth} deep over {how}: {answer}");
    if depth > MAX_NESTING + 2 {
        assert_eq!(
            (code.as_str(), limit.as_str()),
            ("LIMIT_EXCEEDED", "nesting"),
            "{what} {depth} deep over {how}: {answer}"
        );
    } else if depth <= MAX_NESTING - 8 {
        assert_ne!(limit, "nesting", "{what} {depth} deep over {how} is within the limit: {answer}");
    }
}

async fn still_answers(app: &TestApp) {
    assert_eq!(app.data("{ __typename }", json!({})).await["__typename"], "Query");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nested_literals_are_answered_or_refused_and_the_server_keeps_answering() {
    let app = spawn_demo().await;
    for depth in DEPTHS {
        for (what, query) in nested_queries(depth) {
            let post = app.query(&query, json!({})).await;
            check("POST", what, depth, &post);
            // A URL holds at most 64 KiB (the http crate's limit): the deepest ones go by POST only.
            let Ok(get) = app.client.get(app.url("/graphql")).query(&[("query", &query)]).send().await else {
                assert!(query.len() > 8_000, "GET {what} {depth} deep could not be sent");
                continue;
            };
            let status = get.status().as_u16();
            let text = get.text().await.expect("body");
            // A URL can be too long for the HTTP layer itself; any answer but a crash will do.
            if let Ok(answer) = serde_json::from_str::<Value>(&text) {
                check("GET", what, depth, &answer);
            } else {
                assert!((400..500).contains(&status), "GET {what} {depth} deep: HTTP {status} {text}");
            }
        }
        still_answers(&app).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nested_literals_over_websocket_are_refused_and_the_connection_keeps_working() {
    let app = spawn_demo().await;
    let address = app.address.to_string();
    let mut socket = Socket::connect(&address, json!({})).await.expect("connection");
    let mut id = 0;
    for depth in DEPTHS {
        for (what, query) in nested_queries(depth) {
            id += 1;
            socket.subscribe(&id.to_string(), &query, json!({})).await;
            let message = socket.message_within(std::time::Duration::from_secs(20)).await.expect("an answer");
            let answer = match message["type"].as_str() {
                Some("error") => json!({ "errors": message["payload"] }),
                Some("next") => message["payload"].clone(),
                _ => panic!("{what} {depth} deep over WebSocket: {message}"),
            };
            check("WebSocket", what, depth, &answer);
            if message["type"] == "next" {
                let done = socket.message_within(std::time::Duration::from_secs(20)).await.expect("complete");
                assert_eq!(done["type"], "complete", "{done}");
            }
        }
    }
    id += 1;
    socket.subscribe(&id.to_string(), "{ __typename }", json!({})).await;
    assert_eq!(socket.next().await["data"]["__typename"], "Query");
    still_answers(&app).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nested_variables_and_uploads_are_refused() {
    let app = spawn_demo().await;
    let query = "query($f: ConferenceFilter) { conferences(filter: $f) { totalCount } }";
    for depth in DEPTHS {
        // Written as text: the test's own serde_json would recurse as deeply as the server.
        let filter = nested("{\"not\": ", "{}", "}", depth);
        let body = format!("{{\"query\": {}, \"variables\": {{\"f\": {filter}}}}}", json!(query));
        let response = app.client.post(app.url("/graphql")).header("content-type", "application/json").body(body);
        let response = response.send().await.expect("send");
        let status = response.status().as_u16();
        let answer: Value = response.json().await.expect("JSON");
        if depth > MAX_NESTING {
            assert!(status == 400 || first_error(&answer).1 == "nesting", "{depth}: HTTP {status} {answer}");
        } else {
            assert_ne!(first_error(&answer).0, "INTERNAL", "{answer}");
        }
    }
    let admin = app.token("admin", Role::Admin).await;
    for depth in [200, 10_000] {
        let file = nested("{\"officials\": [", "{}", "]}", depth);
        let (_, answer) = crate::fuzz::upload(&app, &admin, file.into_bytes()).await;
        assert_eq!(first_error(&answer).0, "BAD_USER_INPUT", "{answer}");
    }
    still_answers(&app).await;
}

/// Text made of GraphQL's brackets, names, strings and comments, nesting up to 10,000 deep.
fn any_nesting() -> impl Strategy<Value = String> {
    let token = prop_oneof![
        Just("{".to_owned()),
        Just("}".to_owned()),
        Just("[".to_owned()),
        Just("]".to_owned()),
        Just("(".to_owned()),
        Just(")".to_owned()),
        Just("not: ".to_owned()),
        Just("\"{[(\" ".to_owned()),
        Just("\"\"\"{ [\"\"\" ".to_owned()),
        Just("# {[(\n".to_owned()),
        Just("...F ".to_owned()),
        Just("$v ".to_owned()),
        "[a-z]{1,8}: ".prop_map(|s| s),
    ];
    let body = prop::collection::vec(token, 0..40).prop_map(|t| t.concat());
    (body, prop::sample::select(vec!["{", "[", "(", "{not: ", "{a: ["]), 1..10_000usize, 0..3usize).prop_map(
        |(body, open, depth, form)| {
            let inner = format!("{}{body}", open.repeat(depth));
            match form {
                0 => format!("{{ conferences(filter: {inner}) {{ totalCount }} }}"),
                1 => format!("query($v: {inner}) {{ __typename }}"),
                _ => inner,
            }
        },
    )
}

#[test]
#[ignore = "slow (128 generated documents): `cargo test -- --include-ignored`, as CI does"]
fn any_nested_text_is_answered_with_a_code() {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    let app = runtime.block_on(spawn_demo());
    let seed: u64 = std::env::var("GOVTRAIL_FUZZ_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(1, |d| d.as_nanos() as u64)
    });
    eprintln!("fuzzing with GOVTRAIL_FUZZ_SEED={seed}");
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let config = Config { cases: 128, failure_persistence: None, ..Config::default() };
    let mut runner = TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &bytes));
    runner
        .run(&any_nesting(), |query| {
            runtime.block_on(async {
                let answer = app.query(&query, json!({})).await;
                let (code, _) = first_error(&answer);
                prop_assert!(!code.is_empty() || answer["data"].is_object(), "{answer}");
                prop_assert_ne!(code, "INTERNAL");
                Ok(())
            })
        })
        .unwrap_or_else(|failure| panic!("{failure}"));
    runtime.block_on(still_answers(&app));
}
