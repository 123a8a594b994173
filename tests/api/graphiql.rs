//! GraphiQL at `/`, with the files in the binary or from a local asset folder; `/healthz` and
//! `/readyz`.

use crate::helpers::*;

#[tokio::test]
async fn graphiql_page_and_health() {
    let app = spawn_app().await;
    let page = app.client.get(app.url("/")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("GraphiQL") && html.contains("/graphql"));
    assert!(!html.contains("unpkg.com"), "build.rs puts GraphiQL's files in the binary (it warns when it could not)");
    assert!(html.contains("/graphql/ws"), "subscriptions run over the server's WebSocket");
    let urls: Vec<&str> = html.split('"').filter(|s| s.starts_with("/graphiql/")).collect();
    assert_eq!(urls.len(), 4, "React, ReactDOM, GraphiQL's script and its styles: {urls:?}");
    for url in urls {
        let file = app.client.get(app.url(url)).send().await.unwrap();
        assert_eq!(file.status(), 200, "{url}");
        let kind = file.headers()["content-type"].to_str().unwrap().to_owned();
        assert!(kind.starts_with(if url.ends_with(".css") { "text/css" } else { "text/javascript" }), "{url}: {kind}");
        assert!(file.headers()["cache-control"].to_str().unwrap().contains("immutable"));
        assert!(file.bytes().await.unwrap().len() > 1000, "{url} has its contents");
    }
    let unknown = app.client.get(app.url("/graphiql/graphiql@0.0.0/graphiql.min.js")).send().await.unwrap();
    assert_eq!(unknown.status(), 404, "only the pinned versions are served");
    let health = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);
    assert_eq!(health.text().await.unwrap(), "ok");
}

#[tokio::test]
async fn graphiql_assets_from_a_local_folder() {
    let assets = tempfile::tempdir().unwrap();
    let script = assets.path().join("node_modules/graphiql");
    std::fs::create_dir_all(&script).unwrap();
    std::fs::write(script.join("graphiql.min.js"), "/* local graphiql */").unwrap();
    let app = spawn(Setup { graphiql_assets: Some(assets.path().to_owned()), ..Setup::default() }).await;
    let html = app.client.get(app.url("/")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("/graphiql-assets/node_modules/graphiql/graphiql.min.js"));
    assert!(!html.contains("unpkg.com"), "no request leaves the network");
    let js = app.client.get(app.url("/graphiql-assets/node_modules/graphiql/graphiql.min.js")).send().await.unwrap();
    assert_eq!(js.status(), 200);
    assert_eq!(js.text().await.unwrap(), "/* local graphiql */");
    let missing = app.client.get(app.url("/graphiql-assets/nothing.js")).send().await.unwrap();
    assert_eq!(missing.status(), 404);
}

#[tokio::test]
async fn graphql_over_get_answers_queries() {
    let app = spawn_demo().await;
    let response = app.client.get(app.url("/graphql?query=%7Bofficials%7BtotalCount%7D%7D")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["data"]["officials"]["totalCount"], 7);
}

#[tokio::test]
async fn ready_only_while_the_schema_is_current() {
    use sea_orm::ConnectionTrait;
    let app = spawn_app().await;
    let ready = app.client.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(ready.status(), 200);
    assert_eq!(ready.text().await.unwrap(), "ready");
    // As if the binary were newer than the database: its last migration is not applied.
    let db = govtrail::database::connect(&app.database_url).await.unwrap();
    db.execute_unprepared("DELETE FROM seaql_migrations WHERE version = (SELECT MAX(version) FROM seaql_migrations)")
        .await
        .unwrap();
    let behind = app.client.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(behind.status(), 503);
    assert!(behind.text().await.unwrap().contains("1 migrations are pending"));
    let health = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200, "the process is still up");
}
