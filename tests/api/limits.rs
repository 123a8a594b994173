//! The limits that refuse abuse (docs/security.md), each proven with a request just under and
//! just over it; GraphQL over HTTP (media types, status codes, methods); the production mode;
//! and errors that never show the server's inside.

use crate::helpers::*;
use govtrail::auth::Role;
use govtrail::limits::Limits;
use serde_json::{Value, json};

/// A server over the demo dataset with these limits (rate limits off unless given).
async fn limited(limits: Limits) -> TestApp {
    spawn(Setup { dataset: Some(govtrail::dataset::DEMO.to_owned()), limits, ..Setup::default() }).await
}

fn no_rates() -> Limits {
    Limits { anonymous_per_minute: 0, token_per_minute: 0, ..Limits::default() }
}

/// Status, headers and JSON body of a POST to /graphql with `body` as it is.
async fn post(
    app: &TestApp,
    headers: &[(&str, &str)],
    body: impl Into<reqwest::Body>,
) -> (u16, reqwest::header::HeaderMap, Value) {
    let mut request = app.client.post(app.url("/graphql")).body(body);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.expect("request");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().await.expect("body");
    (status, headers, serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}")))
}

/// The answer to `query` sent without a token to the server process at `address`.
async fn anonymous(address: &str, query: &str) -> Value {
    let response =
        reqwest::Client::new().post(format!("http://{address}/graphql")).json(&json!({ "query": query })).send();
    response.await.expect("send").json().await.expect("JSON")
}

const JSON: (&str, &str) = ("content-type", "application/json");
const GRAPHQL_RESPONSE: (&str, &str) = ("accept", "application/graphql-response+json");

/// The code, limit name and message of a refused response's first error.
fn refusal(response: &Value) -> (String, String, String) {
    let error = &response["errors"][0];
    assert!(response.get("data").is_none(), "a refused request has no data entry: {response}");
    (
        error["extensions"]["code"].as_str().unwrap_or("").to_owned(),
        error["extensions"]["limit"].as_str().unwrap_or("").to_owned(),
        error["message"].as_str().unwrap_or("").to_owned(),
    )
}

/// Sends `query` and returns the refusal, after checking that no SQL ran for it.
async fn refused_without_sql(app: &TestApp, query: &str) -> (String, String, String) {
    let before = app.statements_seen();
    let response = app.query(query, json!({})).await;
    assert!(app.statements_since(before).is_empty(), "a refused query ran SQL: {:?}", app.statements_since(before));
    refusal(&response)
}

#[tokio::test]
async fn depth_is_limited() {
    let app = limited(Limits { max_depth: 5, ..no_rates() }).await;
    // conferences > edges > node > chairs > name: five deep.
    app.data("{ conferences { edges { node { chairs { name } } } } }", json!({})).await;
    let (code, limit, message) =
        refused_without_sql(&app, "{ conferences { edges { node { chairs { tenures { startedOn } } } } } }").await;
    assert_eq!((code.as_str(), limit.as_str()), ("LIMIT_EXCEEDED", "depth"), "{message}");
    assert!(message.contains("more than 5"), "{message}");
}

#[tokio::test]
async fn the_default_depth_admits_a_full_introspection_query() {
    let app = spawn_app().await;
    let data = app.data(INTROSPECTION, json!({})).await;
    assert!(data["__schema"]["types"].as_array().is_some_and(|t| t.len() > 50));
}

#[tokio::test]
async fn complexity_scales_with_the_page_size() {
    let app = limited(Limits { max_complexity: 300, ..no_rates() }).await;
    // A page costs its size times (edges 1 + node 1 + title 1), plus 1.
    let query = "query($n: Int) { conferences(first: $n) { edges { node { title } } } }";
    let under = app.query(query, json!({ "n": 99 })).await;
    assert!(under.get("errors").is_none(), "{under}");
    let before = app.statements_seen();
    let over = app.query(query, json!({ "n": 100 })).await;
    assert!(app.statements_since(before).is_empty());
    let (code, limit, message) = refusal(&over);
    assert_eq!((code.as_str(), limit.as_str()), ("LIMIT_EXCEEDED", "complexity"));
    assert!(message.contains("more than 300"), "{message}");
    // Unpaged relation lists count five items each: chairs { name } costs 1 + 5 * 1.
    let lists = "query($n: Int) { conferences(first: $n) { edges { node { chairs { name } } } } }";
    assert!(app.query(lists, json!({ "n": 37 })).await.get("errors").is_none());
    assert_eq!(refusal(&app.query(lists, json!({ "n": 38 })).await).1, "complexity");
}

#[tokio::test]
async fn aliases_are_limited_with_fragments_expanded() {
    let app = limited(Limits { max_aliases: 3, ..no_rates() }).await;
    app.data("{ a: __typename b: __typename c: __typename }", json!({})).await;
    let (code, limit, _) =
        refused_without_sql(&app, "{ a: __typename b: __typename c: __typename d: __typename }").await;
    assert_eq!((code.as_str(), limit.as_str()), ("LIMIT_EXCEEDED", "aliases"));
    // Two aliases in a fragment spread twice are four.
    let spread = "fragment F on Query { a: __typename b: __typename } query { ...F ... on Query { ...F } }";
    assert_eq!(refused_without_sql(&app, spread).await.1, "aliases");
}

#[tokio::test]
async fn repeated_fields_and_fragment_bombs_are_limited() {
    let app = limited(Limits { max_fields: 5, ..no_rates() }).await;
    app.data("{ __typename __typename __typename __typename __typename }", json!({})).await;
    let (code, limit, _) =
        refused_without_sql(&app, "{ __typename __typename __typename __typename __typename __typename }").await;
    assert_eq!((code.as_str(), limit.as_str()), ("LIMIT_EXCEEDED", "fields"));
    // Each fragment spreads the one below twice: 2^40 fields if expanded, counted at once.
    let mut bomb = String::from("query { ...F0 }\nfragment F40 on Query { __typename }\n");
    for level in 0..40 {
        bomb.push_str(&format!("fragment F{level} on Query {{ ...F{next} ...F{next} }}\n", next = level + 1));
    }
    let started = std::time::Instant::now();
    let (code, limit, message) = refused_without_sql(&app, &bomb).await;
    assert_eq!((code.as_str(), limit.as_str()), ("LIMIT_EXCEEDED", "fields"), "{message}");
    assert!(started.elapsed() < std::time::Duration::from_secs(5), "a fragment bomb must be refused at once");
    // A chain of fragments deeper than anything a real query needs is refused, not walked.
    let mut chain = String::from("query { ...C0 }\nfragment C500 on Query { __typename }\n");
    for level in 0..500 {
        chain.push_str(&format!("fragment C{level} on Query {{ ...C{} }}\n", level + 1));
    }
    assert_eq!(refused_without_sql(&app, &chain).await.1, "nesting");
}

#[tokio::test]
async fn batches_are_limited() {
    let app = limited(Limits { max_batch: 2, ..no_rates() }).await;
    let one = json!({ "query": "{ __typename }" });
    let (status, _, answers) = post(&app, &[JSON], json!([one, one]).to_string()).await;
    assert_eq!(status, 200);
    assert_eq!(answers.as_array().map(Vec::len), Some(2), "{answers}");
    assert_eq!(answers[1]["data"]["__typename"], "Query");
    let (status, _, refused) = post(&app, &[JSON], json!([one, one, one]).to_string()).await;
    assert_eq!(status, 400);
    assert_eq!(refusal(&refused).1, "batch");
    let (status, _, empty) = post(&app, &[JSON], "[]").await;
    assert_eq!((status, refusal(&empty).0.as_str()), (400, "BAD_REQUEST"));
}

#[tokio::test]
async fn request_bodies_are_limited() {
    let app = limited(Limits { max_body_bytes: 200, ..no_rates() }).await;
    // {"query":"{ __typename }"} padded with spaces inside the query to an exact size.
    let body = |size: usize| {
        let bare = json!({ "query": "{ __typename }" }).to_string();
        json!({ "query": format!("{{ __typename {}}}", " ".repeat(size - bare.len())) }).to_string()
    };
    assert_eq!(body(200).len(), 200);
    let (status, _, answer) = post(&app, &[JSON], body(200)).await;
    assert_eq!(status, 200, "{answer}");
    let (status, _, refused) = post(&app, &[JSON], body(201)).await;
    assert_eq!((status, refusal(&refused).0.as_str()), (413, "PAYLOAD_TOO_LARGE"));
}

#[tokio::test]
async fn queries_are_stopped_at_the_time_limit_and_mutations_are_not() {
    use crate::statements::{NESTED, large_dataset};
    let dataset = Some(large_dataset(120).to_string());
    let patient = spawn(Setup { dataset: dataset.clone(), limits: no_rates(), ..Setup::default() }).await;
    patient.data(NESTED, json!({ "n": 100 })).await;
    // Five levels of statements and a hundred conferences take longer than a millisecond.
    let limits = Limits { time_limit: std::time::Duration::from_millis(1), ..no_rates() };
    let hasty = spawn(Setup { dataset, limits, ..Setup::default() }).await;
    let timed_out = hasty.query(NESTED, json!({ "n": 100 })).await;
    assert_eq!(refusal(&timed_out).0, "TIMEOUT", "{timed_out}");
    hasty.data("{ __typename }", json!({})).await;
    // A mutation is never cut between its commit and its answer.
    let editor = hasty.token("editor", Role::Editor).await;
    let created = hasty
        .query_as(&editor, "mutation { createOfficial(input: { name: \"Lò Văn Giờ\" }) { name } }", json!({}))
        .await;
    assert_eq!(created["data"]["createOfficial"]["name"], "Lò Văn Giờ", "{created}");
}

#[tokio::test]
async fn requests_are_rate_limited_per_address_and_per_token() {
    // 10 a minute: one every six seconds, bursts of 5.
    let app = limited(Limits { anonymous_per_minute: 10, token_per_minute: 10, ..Limits::default() }).await;
    let query = r#"{"query":"{ __typename }"}"#;
    for _ in 0..5 {
        let (status, _, answer) = post(&app, &[JSON], query).await;
        assert_eq!(status, 200, "{answer}");
    }
    let (status, headers, refused) = post(&app, &[JSON], query).await;
    assert_eq!((status, refusal(&refused).0.as_str()), (429, "RATE_LIMITED"));
    let retry: u64 = headers["retry-after"].to_str().expect("text").parse().expect("seconds");
    assert!((1..=6).contains(&retry), "Retry-After: {retry}");
    assert_eq!(refused["errors"][0]["extensions"]["retryAfter"], retry);
    // The calendar feeds draw on the same allowance.
    let feed = app.client.get(app.url("/calendar/tasks.ics")).send().await.expect("feed");
    assert_eq!(feed.status().as_u16(), 429);
    assert!(feed.headers().contains_key("retry-after"));
    // A token has its own allowance, whatever its address has used...
    let reader = app.token("reader", Role::Reader).await;
    let auth = format!("Bearer {reader}");
    for _ in 0..5 {
        assert_eq!(post(&app, &[JSON, ("authorization", auth.as_str())], query).await.0, 200);
    }
    assert_eq!(post(&app, &[JSON, ("authorization", auth.as_str())], query).await.0, 429);
    // ...and a batch costs one request per operation.
    let other = app.token("other", Role::Reader).await;
    let auth = format!("Bearer {other}");
    let four = json!(vec![json!({ "query": "{ __typename }" }); 4]).to_string();
    assert_eq!(post(&app, &[JSON, ("authorization", auth.as_str())], four.clone()).await.0, 200);
    assert_eq!(post(&app, &[JSON, ("authorization", auth.as_str())], four).await.0, 429);
}

#[tokio::test]
async fn bad_tokens_count_against_the_address() {
    let app = limited(Limits { anonymous_per_minute: 10, ..Limits::default() }).await;
    let query = r#"{"query":"{ __typename }"}"#;
    for i in 0..5 {
        let auth = format!("Bearer guess-{i}");
        let (status, _, refused) = post(&app, &[JSON, ("authorization", auth.as_str())], query).await;
        assert_eq!((status, refusal(&refused).0.as_str()), (200, "UNAUTHENTICATED"));
    }
    let (status, _, refused) = post(&app, &[JSON, ("authorization", "Bearer guess-6")], query).await;
    assert_eq!((status, refusal(&refused).0.as_str()), (429, "RATE_LIMITED"));
}

#[tokio::test]
async fn status_codes_follow_the_accepted_media_type() {
    let app = spawn_demo().await;
    let bad = r#"{"query":"{ noSuchField }"}"#;
    let (status, headers, answer) = post(&app, &[JSON, GRAPHQL_RESPONSE], bad).await;
    assert_eq!(status, 400);
    assert!(headers["content-type"].to_str().unwrap().starts_with("application/graphql-response+json"));
    assert_eq!(refusal(&answer).0, "BAD_USER_INPUT");
    let (status, headers, _) = post(&app, &[JSON], bad).await;
    assert_eq!(status, 200, "application/json keeps 200 for a well-formed request");
    assert!(headers["content-type"].to_str().unwrap().starts_with("application/json"));
    // A bad token under the new media type: 401.
    let (status, _, _) =
        post(&app, &[JSON, GRAPHQL_RESPONSE, ("authorization", "Bearer nope")], r#"{"query":"{ __typename }"}"#).await;
    assert_eq!(status, 401);
    // A field error still has data: 200.
    let (status, _, answer) =
        post(&app, &[JSON, GRAPHQL_RESPONSE], r#"{"query":"{ node(id: \"bm90LWFuLWlk\") { id } }"}"#).await;
    assert_eq!(status, 200, "{answer}");
}

#[tokio::test]
async fn only_json_bodies_and_only_queries_over_get_are_accepted() {
    let app = spawn_app().await;
    let editor = app.token("editor", Role::Editor).await;
    let auth = format!("Bearer {editor}");
    let create = r#"{"query":"mutation { createOfficial(input: { name: \"Qua Biểu Mẫu\" }) { id } }"}"#;
    // A cross-site form can send text/plain, form-urlencoded or multipart without asking.
    for content_type in ["text/plain", "application/x-www-form-urlencoded", "text/plain;charset=utf-8"] {
        let (status, _, refused) =
            post(&app, &[("content-type", content_type), ("authorization", auth.as_str())], create).await;
        assert_eq!((status, refusal(&refused).0.as_str()), (415, "UNSUPPORTED_MEDIA_TYPE"), "{content_type}");
    }
    let (status, _, _) = post(&app, &[("authorization", auth.as_str())], create).await;
    assert_eq!(status, 415, "no Content-Type");
    let form = reqwest::multipart::Form::new().text("operations", create).text("map", "{}");
    let response = app.client.post(app.url("/graphql")).multipart(form).send().await.expect("send");
    assert_eq!(response.status().as_u16(), 415, "multipart without an Authorization header");
    let response = app
        .client
        .get(app.url("/graphql"))
        .query(&[("query", "mutation { createOfficial(input: { name: \"Qua GET\" }) { id } }")])
        .bearer_auth(&editor)
        .send()
        .await
        .expect("send");
    assert_eq!(response.status().as_u16(), 405);
    assert!(response.headers()["allow"].to_str().unwrap().contains("POST"));
    let data = app.data("{ officials { totalCount } }", json!({})).await;
    assert_eq!(data["officials"]["totalCount"], 0, "nothing refused was written");
    // Queries over GET work, variables as JSON text.
    let response = app
        .client
        .get(app.url("/graphql"))
        .query(&[("query", "query($n: Int) { officials(first: $n) { totalCount } }"), ("variables", r#"{"n": 1}"#)])
        .send()
        .await
        .expect("send");
    assert_eq!(response.status().as_u16(), 200);
    // Malformed JSON and parameters of the wrong type: 400.
    for body in
        ["{", r#"{"query": 1}"#, r#"{"query":"{ __typename }","variables":"x"}"#, r#"{"qeury":"{ __typename }"}"#]
    {
        let (status, _, refused) = post(&app, &[JSON], body).await;
        assert_eq!((status, refusal(&refused).0.as_str()), (400, "BAD_REQUEST"), "{body}");
    }
}

#[tokio::test]
async fn production_mode_gives_no_suggestions_and_can_hide_the_schema() {
    let app = spawn_demo().await;
    let answer = app.query("{ conferencs { totalCount } }", json!({})).await;
    let message = answer["errors"][0]["message"].as_str().unwrap_or("");
    assert!(message.contains("conferencs") && !message.contains("conferences"), "{message}");

    let dir = tempfile::tempdir().expect("dir");
    let database = fresh_database(&dir).await;
    let (_server, address) = serve_process(&database, &["--no-introspection", "--no-graphiql"]);
    let client = reqwest::Client::new();
    let ask =
        |query: &'static str| client.post(format!("http://{address}/graphql")).json(&json!({ "query": query })).send();
    let answer: Value = ask("{ __schema { types { name } } }").await.expect("send").json().await.expect("json");
    assert_eq!(answer["errors"][0]["extensions"]["limit"], "introspection", "{answer}");
    let answer: Value = ask("{ __typename }").await.expect("send").json().await.expect("json");
    assert_eq!(answer["data"]["__typename"], "Query");
    let page = client.get(format!("http://{address}/")).send().await.expect("send");
    assert_eq!(page.status().as_u16(), 404);

    // With --demo, a misspelt name gets its suggestion.
    let dir = tempfile::tempdir().expect("dir");
    let database = format!("sqlite://{}/demo.db?mode=rwc", dir.path().display());
    let (_demo, address) = serve_process(&database, &["--demo"]);
    let answer = anonymous(&address, "{ conferencs { totalCount } }").await;
    assert!(answer["errors"][0]["message"].as_str().unwrap_or("").contains("conferences"), "{answer}");
}

#[tokio::test]
async fn errors_never_show_sql_or_the_servers_inside() {
    let app = spawn_demo().await;
    // The table behind a list disappears under the running server.
    let db = govtrail::database::connect(&app.database_url).await.expect("connect");
    use sea_orm::ConnectionTrait;
    db.execute_unprepared("DROP TABLE area_alias").await.ok();
    db.execute_unprepared("ALTER TABLE area RENAME TO area_gone").await.expect("rename");
    let answer = app.query("{ areas { nodes { name } } }", json!({})).await;
    let text = answer.to_string().to_lowercase();
    assert_eq!(answer["errors"][0]["extensions"]["code"], "INTERNAL", "{answer}");
    for leak in ["select", "from", "table", "sqlite", "postgres", "area_gone", "no such", "/src/", ".rs", "panicked"] {
        assert!(!text.contains(leak), "the answer shows {leak:?}: {answer}");
    }
}

/// The introspection query GraphiQL and graphql-js send, all options on.
const INTROSPECTION: &str = r#"
query IntrospectionQuery {
  __schema {
    description
    queryType { name }
    mutationType { name }
    subscriptionType { name }
    types { ...FullType }
    directives { name description isRepeatable locations args(includeDeprecated: true) { ...InputValue } }
  }
}
fragment FullType on __Type {
  kind name description specifiedByURL isOneOf
  fields(includeDeprecated: true) {
    name description
    args(includeDeprecated: true) { ...InputValue }
    type { ...TypeRef }
    isDeprecated deprecationReason
  }
  inputFields(includeDeprecated: true) { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
  possibleTypes { ...TypeRef }
}
fragment InputValue on __InputValue {
  name description type { ...TypeRef } defaultValue isDeprecated deprecationReason
}
fragment TypeRef on __Type {
  kind name
  ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name
    ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } } }
}
"#;

#[tokio::test]
async fn pages_of_other_sites_are_refused_and_listed_ones_get_cors() {
    let dir = tempfile::tempdir().expect("dir");
    let database = fresh_database(&dir).await;
    let (_server, address) = serve_process(&database, &["--cors-origin", "https://dash.example.vn/"]);
    let editor = cli_token(&database, "editor", "EDITOR");
    let client = reqwest::Client::new();
    let create = json!({ "query": "mutation { createOfficial(input: { name: \"Từ Trang Lạ\" }) { id } }" });
    let from = |origin: &str| {
        client
            .post(format!("http://{address}/graphql"))
            .header("origin", origin)
            .bearer_auth(&editor)
            .json(&create)
            .send()
    };
    let refused = from("https://evil.example").await.expect("send");
    assert_eq!(refused.status().as_u16(), 403);
    assert!(refused.headers().get("access-control-allow-origin").is_none());
    let body: Value = refused.json().await.expect("json");
    assert_eq!(body["errors"][0]["extensions"]["code"], "FORBIDDEN_ORIGIN");
    // A page of the server itself (GraphiQL) passes, without CORS headers.
    let same = from(&format!("http://{address}")).await.expect("send");
    assert_eq!(same.status().as_u16(), 200);
    assert!(same.headers().get("access-control-allow-origin").is_none());
    // A listed origin: its preflight is answered, and its requests carry CORS headers.
    let preflight = client
        .request(reqwest::Method::OPTIONS, format!("http://{address}/graphql"))
        .header("origin", "https://dash.example.vn")
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "authorization, content-type")
        .send()
        .await
        .expect("preflight");
    assert_eq!(preflight.status().as_u16(), 204);
    assert_eq!(preflight.headers()["access-control-allow-origin"], "https://dash.example.vn");
    assert!(preflight.headers()["access-control-allow-headers"].to_str().unwrap().contains("authorization"));
    let listed = from("https://dash.example.vn").await.expect("send");
    assert_eq!(listed.status().as_u16(), 200);
    assert_eq!(listed.headers()["access-control-allow-origin"], "https://dash.example.vn");
    let count = anonymous(&address, "{ officials { totalCount } }").await;
    assert_eq!(count["data"]["officials"]["totalCount"], 2, "the refused one was not written");
    // A WebSocket opened by another site's page is refused at the upgrade.
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let mut upgrade = format!("ws://{address}/graphql/ws").into_client_request().expect("request");
    upgrade.headers_mut().insert("origin", "https://evil.example".parse().expect("header"));
    upgrade.headers_mut().insert("sec-websocket-protocol", "graphql-transport-ws".parse().expect("header"));
    match tokio_tungstenite::connect_async(upgrade).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => assert_eq!(response.status().as_u16(), 403),
        other => panic!("the upgrade was not refused: {:?}", other.map(|(_, r)| r.status())),
    }
}

#[tokio::test]
async fn a_connection_holds_at_most_its_subscriptions() {
    let app = limited(Limits { max_subscriptions: 2, max_fields: 4, ..no_rates() }).await;
    let address = app.address.to_string();
    let mut socket = Socket::connect(&address, json!({})).await.expect("connected");
    // The query limits hold for subscriptions too.
    socket.subscribe("wide", "subscription { taskChanged { kind taskId status previousStatus } }", json!({})).await;
    let refused = socket.message_within(std::time::Duration::from_secs(5)).await.expect("an answer");
    let errors = if refused["type"] == "error" { &refused["payload"] } else { &refused["payload"]["errors"] };
    assert_eq!(errors[0]["extensions"]["limit"], "fields", "{refused}");
    while socket.message_within(std::time::Duration::from_millis(200)).await.is_some() {}
    let query = "subscription { taskChanged { kind } }";
    socket.subscribe("a", query, json!({})).await;
    socket.subscribe("b", query, json!({})).await;
    socket.subscribe("c", query, json!({})).await;
    let refused = socket.message_within(std::time::Duration::from_secs(5)).await.expect("an answer");
    assert_eq!((refused["type"].as_str(), refused["id"].as_str()), (Some("error"), Some("c")), "{refused}");
    assert_eq!(refused["payload"][0]["extensions"]["code"], "LIMIT_EXCEEDED");
    assert_eq!(refused["payload"][0]["extensions"]["limit"], "subscriptions");
    // Completing one makes room: the new one gets events.
    socket.complete("a").await;
    socket.subscribe("d", query, json!({})).await;
    await_subscriptions(&address, "taskChanged", 2.0).await;
    let editor = app.token("editor", Role::Editor).await;
    let task = app.data("{ tasks(first: 1) { nodes { id version } } }", json!({})).await;
    let task = &task["tasks"]["nodes"][0];
    let changed = app
        .query_as(
            &editor,
            "mutation($id: ID!, $v: Int!) { updateTask(id: $id, expectedVersion: $v, input: { description: \"mới\" }) { version } }",
            json!({ "id": task["id"], "v": task["version"] }),
        )
        .await;
    assert!(changed.get("errors").is_none(), "{changed}");
    let mut ids = Vec::new();
    while ids.len() < 2 {
        let event = socket.message_within(std::time::Duration::from_secs(10)).await.expect("an event");
        match event["type"].as_str() {
            Some("next") => ids.push(event["id"].as_str().unwrap_or("").to_owned()),
            Some("complete") => assert_eq!(event["id"], "a", "only the completed one ends"),
            _ => panic!("{event}"),
        }
    }
    ids.sort();
    assert_eq!(ids, ["b", "d"]);
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_forwarded_client_has_its_own_allowance() {
    let dir = tempfile::tempdir().expect("dir");
    let database = fresh_database(&dir).await;
    let (_server, address) = serve_process(&database, &["--rate-limit-anonymous", "4", "--trust-forwarded-for"]);
    let client = reqwest::Client::new();
    let from = |forwarded: &'static str| {
        client
            .post(format!("http://{address}/graphql"))
            .header("x-forwarded-for", forwarded)
            .json(&json!({ "query": "{ __typename }" }))
            .send()
    };
    // 4 a minute: bursts of 2 for each client the proxy names (the last address it appended).
    for _ in 0..2 {
        assert_eq!(from("203.0.113.9, 198.51.100.1").await.expect("send").status().as_u16(), 200);
    }
    assert_eq!(from("203.0.113.9, 198.51.100.1").await.expect("send").status().as_u16(), 429);
    assert_eq!(from("198.51.100.1, 198.51.100.2").await.expect("send").status().as_u16(), 200);
}

#[tokio::test]
async fn a_client_holds_at_most_its_websocket_connections() {
    let app = limited(Limits { max_sockets_per_client: 2, ..no_rates() }).await;
    let address = app.address.to_string();
    let upgrade = || async {
        use tokio_tungstenite::tungstenite::client::IntoClientRequest;
        let mut request = format!("ws://{address}/graphql/ws").into_client_request().expect("request");
        request.headers_mut().insert("sec-websocket-protocol", "graphql-transport-ws".parse().expect("header"));
        match tokio_tungstenite::connect_async(request).await {
            Ok((socket, _)) => Ok(socket),
            Err(tokio_tungstenite::tungstenite::Error::Http(response)) => Err(response.status().as_u16()),
            Err(other) => panic!("{other}"),
        }
    };
    let first = Socket::connect(&address, json!({})).await.expect("first");
    let _second = upgrade().await.expect("second");
    assert_eq!(upgrade().await.err(), Some(429), "a third connection from the same address");
    // Closing one makes room.
    drop(first);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        match upgrade().await {
            Ok(_) => break,
            Err(429) if std::time::Instant::now() < deadline => {
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
            Err(status) => panic!("no room after a close: HTTP {status}"),
        }
    }
}

#[tokio::test]
async fn text_with_a_nul_character_is_refused_or_kept_never_a_failure() {
    // PostgreSQL can store no NUL in text; SQLite can. Either way, no INTERNAL and no half-write.
    let app = spawn_app().await;
    let editor = app.token("editor", Role::Editor).await;
    let created = app
        .query_as(
            &editor,
            "mutation($n: String!) { createOfficial(input: { name: $n }) { name } }",
            json!({ "n": "Lò\u{0}Văn" }),
        )
        .await;
    let searched =
        app.query("query($t: String!) { search(query: $t) { totalCount } }", json!({ "t": "a\u{0}b" })).await;
    let count = app.data("{ officials { totalCount } }", json!({})).await["officials"]["totalCount"].clone();
    for answer in [&created, &searched] {
        match answer["errors"][0]["extensions"]["code"].as_str() {
            None => {}
            Some(code) => assert_eq!(code, "BAD_USER_INPUT", "{answer}"),
        }
    }
    if created.get("errors").is_some() {
        assert!(created["errors"][0]["message"].as_str().unwrap_or("").contains("NUL"), "{created}");
        assert_eq!(count, 0, "a refused official was written");
    } else {
        assert_eq!(created["data"]["createOfficial"]["name"], "Lò\u{0}Văn");
        assert_eq!(count, 1);
    }
}

#[tokio::test]
async fn the_bearer_scheme_is_read_in_any_case() {
    let app = limited(no_rates()).await;
    let editor = app.token("desk", Role::Editor).await;
    for (n, scheme) in ["bearer", "BEARER", "Bearer"].into_iter().enumerate() {
        let auth = format!("{scheme} {editor}");
        let body =
            json!({ "query": format!("mutation {{ createOfficial(input: {{ name: \"Cán bộ {n}\" }}) {{ name }} }}") });
        let (status, _, answer) = post(&app, &[JSON, ("authorization", auth.as_str())], body.to_string()).await;
        assert_eq!(status, 200, "{answer}");
        assert_eq!(answer["data"]["createOfficial"]["name"], format!("Cán bộ {n}"), "{scheme}: {answer}");
    }
}

#[tokio::test]
async fn answers_keep_the_order_of_the_selection_set_at_every_level() {
    let app = limited(no_rates()).await;
    let query = "{ officials(first: 2) { totalCount edges { node { name id } cursor } pageInfo { hasNextPage } } \
                 __typename conferences(first: 2) { edges { cursor node { title date id } } totalCount } \
                 b: areas(first: 1) { totalCount } a: areas(first: 1) { totalCount } }";
    let expected = [
        "\"officials\"",
        "\"totalCount\"",
        "\"edges\"",
        "\"name\"",
        "\"id\"",
        "\"cursor\"",
        "\"pageInfo\"",
        "\"__typename\"",
        "\"conferences\"",
        "\"cursor\"",
        "\"title\"",
        "\"date\"",
        "\"id\"",
        "\"totalCount\"",
        "\"b\"",
        "\"a\"",
    ];
    for _ in 0..30 {
        let response =
            app.client.post(app.url("/graphql")).json(&json!({ "query": query })).send().await.expect("send");
        let text = response.text().await.expect("text");
        let mut from = 0;
        for key in expected {
            let at = text[from..].find(key).unwrap_or_else(|| panic!("{key} out of order in {text}"));
            from += at + key.len();
        }
    }
}

#[tokio::test]
async fn an_upload_is_refused_before_its_body_is_read_unless_an_admin_sends_it() {
    let app = limited(no_rates()).await;
    let reader = app.token("reader", Role::Reader).await;
    // A body that starts and never ends: the answer must come without it.
    let endless = || {
        use futures::StreamExt;
        futures::stream::once(async { Ok::<_, std::io::Error>(b"--x\r\n".to_vec()) }).chain(futures::stream::pending())
    };
    for (token, status) in [(reader.as_str(), 403), ("gt_forged", 401)] {
        let request = app
            .client
            .post(app.url("/graphql"))
            .bearer_auth(token)
            .header("accept", "application/graphql-response+json")
            .header("content-type", "multipart/form-data; boundary=x")
            .body(reqwest::Body::wrap_stream(endless()));
        let response = tokio::time::timeout(std::time::Duration::from_secs(10), request.send())
            .await
            .expect("answered without reading the body")
            .expect("send");
        assert_eq!(response.status().as_u16(), status);
    }
}

#[tokio::test]
async fn variable_definitions_count_and_errors_are_capped() {
    let app = limited(no_rates()).await;
    let definitions: Vec<String> = (0..1_000).map(|n| format!("$v{n}: Int")).collect();
    let query = format!("query({}) {{ __typename }}", definitions.join(", "));
    let (code, limit, _) = refused_without_sql(&app, &query).await;
    assert_eq!((code.as_str(), limit.as_str()), ("LIMIT_EXCEEDED", "fields"));
    // 900 unknown fields pass the shape checks and fail validation: the answer stays small.
    let query = format!("{{ {} }}", (0..900).map(|n| format!("nosuch{n}")).collect::<Vec<_>>().join(" "));
    let (_, _, answer) = post(&app, &[JSON], json!({ "query": query }).to_string()).await;
    let errors = answer["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), govtrail::limits::MAX_ERRORS + 1, "{}", errors.len());
    assert_eq!(errors.last().unwrap()["extensions"]["limit"], "errors");
}

#[tokio::test]
async fn requests_naming_another_host_are_refused() {
    let allowed_hosts = vec!["govtrail.example.vn".to_owned()];
    let app = spawn(Setup { limits: no_rates(), allowed_hosts, ..Setup::default() }).await;
    let port = app.address.port();
    let send = |host: String, path: &'static str| {
        let request =
            app.client.post(app.url(path)).header("host", host).header("accept", "application/graphql-response+json");
        request.json(&json!({ "query": "{ __typename }" })).send()
    };
    for host in [format!("localhost:{port}"), format!("127.0.0.1:{port}"), "govtrail.example.vn".to_owned()] {
        let response = send(host.clone(), "/graphql").await.expect("send");
        assert_eq!(response.status().as_u16(), 200, "{host}");
    }
    // A page whose name was rebound to this server's address sends its own name.
    let refused = send(format!("rebound.attacker.example:{port}"), "/graphql").await.expect("send");
    assert_eq!(refused.status().as_u16(), 421);
    let answer: Value = refused.json().await.expect("JSON");
    assert_eq!(refusal(&answer).0, "MISDIRECTED_HOST", "{answer}");
    let page = app.client.get(app.url("/")).header("host", "rebound.attacker.example").send().await.expect("send");
    assert_eq!(page.status().as_u16(), 421, "GraphiQL too");
    let health = app.client.get(app.url("/healthz")).header("host", "10.0.0.5").send().await.expect("send");
    assert_eq!(health.status().as_u16(), 200, "health checks by address pass");
}

/// Sends `body` to /graphql over a connection of its own and returns it without reading the
/// answer.
async fn send_and_keep(app: &TestApp, token: Option<&str>, body: Value) -> tokio::net::TcpStream {
    use tokio::io::AsyncWriteExt;
    let body = body.to_string();
    let authorization = token.map(|t| format!("Authorization: Bearer {t}\r\n")).unwrap_or_default();
    let head = format!(
        "POST /graphql HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n{authorization}Content-Length: {}\r\n\r\n",
        app.address,
        body.len()
    );
    let mut socket = tokio::net::TcpStream::connect(app.address).await.expect("connect");
    socket.write_all(format!("{head}{body}").as_bytes()).await.expect("send");
    socket
}

/// How many requests of `operation` ended with `outcome`, from /metrics.
async fn counted(app: &TestApp, operation: &str, outcome: &str) -> u64 {
    let text = reqwest::get(app.url("/metrics")).await.expect("metrics").text().await.expect("text");
    let line = format!("govtrail_graphql_requests_total{{operation=\"{operation}\",outcome=\"{outcome}\"}} ");
    text.lines().find_map(|l| l.strip_prefix(line.as_str())).map_or(0, |n| n.trim().parse().expect("a count"))
}

/// Waits (up to ten seconds) until `ready` holds.
async fn until<F: std::future::Future<Output = bool>>(what: &str, mut ready: impl FnMut() -> F) {
    for _ in 0..200 {
        if ready().await {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("waited ten seconds for {what}");
}

#[tokio::test]
async fn a_query_whose_client_goes_stops_and_a_mutation_runs_to_its_end() {
    use sea_orm::{ConnectionTrait, TransactionTrait};
    // A query must be caught while it waits: PostgreSQL lets the test hold a lock it waits on,
    // where SQLite's readers never wait in WAL mode.
    if std::env::var("TEST_DATABASE_URL").is_err() {
        return;
    }
    let app = limited(no_rates()).await;
    let editor = app.token("desk", Role::Editor).await;
    let other = sea_orm::Database::connect(app.database_url.clone()).await.expect("connect");
    let waiting = |n: usize| {
        let other = &other;
        async move {
            let rows = other
                .query_all_raw(sea_orm::Statement::from_string(
                    other.get_database_backend(),
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
                ))
                .await
                .expect("activity");
            rows.len() == n
        }
    };
    let locker = sea_orm::Database::connect(app.database_url.clone()).await.expect("connect");
    let lock = locker.begin().await.expect("begin");
    lock.execute_unprepared("LOCK TABLE conference, official IN ACCESS EXCLUSIVE MODE").await.expect("lock");

    let query = json!({ "query": "query Gone { conferences(first: 1) { totalCount } }", "operationName": "Gone" });
    let gone = send_and_keep(&app, None, query).await;
    let staying = app.client.post(app.url("/graphql")).json(&json!({
        "query": "query Stays { conferences(first: 1) { totalCount } }", "operationName": "Stays" }));
    let staying = tokio::spawn(staying.send());
    until("both queries to wait on the lock", || waiting(2)).await;
    drop(gone);
    // Counted under "-", as every request stopped before it answered.
    until("the query whose client went to stop", || async { counted(&app, "-", "CLIENT_GONE").await == 1 }).await;

    assert_eq!(counted(&app, "Stays", "ok").await, 0, "the other query still waits");

    let mutation = json!({ "query": "mutation Made { createOfficial(input: { name: \"Vàng Seo Thào\" }) { id } }",
                           "operationName": "Made" });
    let left = send_and_keep(&app, Some(&editor), mutation).await;
    // The statement of the query that went was sent before it went, and waits on.
    until("the mutation to wait on the lock too", || waiting(3)).await;
    drop(left);
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    lock.commit().await.expect("unlock");

    let answer: Value = staying.await.expect("task").expect("answer").json().await.expect("JSON");
    assert_eq!(answer["data"]["conferences"]["totalCount"], 4, "{answer}");
    until("the mutation to finish", || async { counted(&app, "Made", "ok").await == 1 }).await;
    let found = app.data(r#"{ officials(filter: { text: "Vàng Seo Thào" }) { totalCount } }"#, json!({})).await;
    assert_eq!(found["officials"]["totalCount"], 1, "the mutation ran to its end without its client: {found}");
}
