//! The GraphiQL page at `/`. Its browser assets (React 18 and the GraphiQL 4 UMD build) come
//! from a public CDN by default, or from a local folder for closed networks.

/// Where the page loads its scripts and styles from.
pub enum AssetSource {
    /// The unpkg CDN.
    Cdn,
    /// The folder served at `/graphiql-assets/`, filled by `npm install --prefix`.
    Local,
}

/// The URL prefix the local asset folder is served under.
pub const LOCAL_PREFIX: &str = "/graphiql-assets";

/// The HTML of the GraphiQL page, talking to `endpoint`. A `query` URL parameter, when given,
/// is put in the editor.
pub fn page(endpoint: &str, assets: AssetSource) -> String {
    let script_origin = match assets {
        AssetSource::Cdn => "unpkg.com",
        AssetSource::Local => LOCAL_PREFIX,
    };
    let (react, react_dom, graphiql_js, graphiql_css) = match assets {
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
      "start govtrail with --graphiql-assets (docs/graphiql.md); /graphql answers queries meanwhile.";
  }} else {{
    const fetcher = GraphiQL.createFetcher({{ url: "{endpoint}" }});
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
