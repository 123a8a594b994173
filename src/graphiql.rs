//! The GraphiQL page at `/`. Its browser files (React 18 and the GraphiQL 4 UMD build) are in
//! the binary (build.rs puts them there from the npm registry), or come from a local folder
//! given at start, or, in a build made without them, from a public CDN.

include!(concat!(env!("OUT_DIR"), "/graphiql_bundle.rs"));

/// Where the page loads its scripts and styles from.
pub enum AssetSource {
    /// The files in the binary, served under [`BUNDLE_PREFIX`].
    Bundled,
    /// The folder served at `/graphiql-assets/`, filled by `npm install --prefix`.
    Local,
    /// The unpkg CDN.
    Cdn,
}

/// The URL prefix the local asset folder is served under.
pub const LOCAL_PREFIX: &str = "/graphiql-assets";
/// The URL prefix of the files in the binary: `/graphiql/NAME@VERSION/FILE`.
pub const BUNDLE_PREFIX: &str = "/graphiql";

/// Where the page's files come from when no folder is given.
pub fn default_source() -> AssetSource {
    if BUNDLE.is_empty() { AssetSource::Cdn } else { AssetSource::Bundled }
}

/// A file in the binary by its path under [`BUNDLE_PREFIX`] (`NAME@VERSION/FILE`), with its
/// content type.
pub fn bundled(path: &str) -> Option<(&'static str, &'static [u8])> {
    let (package, file) = path.split_once('/')?;
    let (name, version) = package.rsplit_once('@')?;
    BUNDLE.iter().find(|(n, v, f, _)| *n == name && *v == version && *f == file).map(|(_, _, f, bytes)| {
        let kind = if f.ends_with(".css") { "text/css; charset=utf-8" } else { "text/javascript; charset=utf-8" };
        (kind, *bytes)
    })
}

/// The URL of a file in the binary, by its package and name.
fn bundled_url(name: &str, file: &str) -> String {
    let version = BUNDLE.iter().find(|(n, _, f, _)| *n == name && *f == file).map_or("", |(_, v, _, _)| *v);
    format!("{BUNDLE_PREFIX}/{name}@{version}/{file}")
}

/// The HTML of the GraphiQL page, talking to `endpoint` and running subscriptions over
/// `endpoint`/ws. A `query` URL parameter, when given, is put in the editor.
pub fn page(endpoint: &str, assets: AssetSource) -> String {
    let script_origin = match assets {
        AssetSource::Cdn => "unpkg.com",
        AssetSource::Local => LOCAL_PREFIX,
        AssetSource::Bundled => BUNDLE_PREFIX,
    };
    let (react, react_dom, graphiql_js, graphiql_css) = match assets {
        AssetSource::Bundled => (
            bundled_url("react", "react.production.min.js"),
            bundled_url("react-dom", "react-dom.production.min.js"),
            bundled_url("graphiql", "graphiql.min.js"),
            bundled_url("graphiql", "graphiql.min.css"),
        ),
        AssetSource::Cdn => (
            "https://unpkg.com/react@18/umd/react.production.min.js".to_owned(),
            "https://unpkg.com/react-dom@18/umd/react-dom.production.min.js".to_owned(),
            "https://unpkg.com/graphiql@4/graphiql.min.js".to_owned(),
            "https://unpkg.com/graphiql@4/graphiql.min.css".to_owned(),
        ),
        AssetSource::Local => (
            format!("{LOCAL_PREFIX}/node_modules/react/umd/react.production.min.js"),
            format!("{LOCAL_PREFIX}/node_modules/react-dom/umd/react-dom.production.min.js"),
            format!("{LOCAL_PREFIX}/node_modules/graphiql/graphiql.min.js"),
            format!("{LOCAL_PREFIX}/node_modules/graphiql/graphiql.min.css"),
        ),
    };
    format!(
        r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>govtrail GraphiQL</title>
<link rel="stylesheet" href="{graphiql_css}">
<style>body {{ margin: 0; height: 100vh; }} #graphiql {{ height: 100vh; }}</style>
</head>
<body>
<div id="graphiql">Loading GraphiQL…</div>
<script crossorigin src="{react}"></script>
<script crossorigin src="{react_dom}"></script>
<script crossorigin src="{graphiql_js}"></script>
<script>
  const params = new URLSearchParams(window.location.search);
  const example = `# Who chaired what on 13 July 2021?
{{
  conferences(filter: {{ from: "2021-07-13", to: "2021-07-13" }}, first: 20) {{
    totalCount
    nodes {{ title date partOfDay chairs {{ name }} }}
  }}
}}
`;
  if (typeof GraphiQL === "undefined" || typeof ReactDOM === "undefined") {{
    // The scripts did not load (a network that reaches no CDN): say why instead of waiting.
    document.getElementById("graphiql").textContent =
      "GraphiQL's scripts did not load from {script_origin}. On a network that reaches no CDN, " +
      "start govtrail with --graphiql-assets or use a build that has them (docs/graphiql.md); /graphql answers queries meanwhile.";
  }} else {{
    // Subscriptions go over graphql-ws to the same server; the headers tab's Authorization
    // travels in the connection's first message, as browsers set no headers on a WebSocket.
    const socket = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "{endpoint}/ws";
    const fetcher = GraphiQL.createFetcher({{ url: "{endpoint}", subscriptionUrl: socket }});
    const root = ReactDOM.createRoot(document.getElementById("graphiql"));
    root.render(React.createElement(GraphiQL, {{
      fetcher,
      defaultQuery: example,
      query: params.get("query") || undefined,
    }}));
  }}
</script>
</body>
</html>
"#
    )
}
