#!/usr/bin/env bash
# The GraphiQL check: fills the local asset folder from the npm registry (docs/graphiql.md),
# starts govtrail with --graphiql-assets over a fresh demo database, and drives GraphiQL in
# headless Chromium (Debian's package) with every non-loopback request refused.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
assets=${GRAPHIQL_ASSETS:-$root/target/graphiql-assets}

if ! command -v chromium >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
if [ ! -f "$assets/node_modules/graphiql/graphiql.min.js" ]; then
  npm install --prefix "$assets" --no-audit --no-fund graphiql@4 react@18 react-dom@18 >/dev/null
fi
(cd tests/browser && npm ci --no-audit --no-fund >/dev/null)
cargo build --quiet

work=$(mktemp -d)
source tests/serve.sh
serve_govtrail "$work/server.log" --database "sqlite://$work/graphiql.db?mode=rwc" --demo --graphiql-assets "$assets"
node tests/browser/graphiql.mjs "http://127.0.0.1:$port" "${SCREENSHOT:-$work/graphiql.png}"
