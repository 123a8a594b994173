#!/usr/bin/env bash
# The GraphiQL check: starts govtrail over a fresh demo database with the GraphiQL files that
# the build put in the binary (build.rs), and drives GraphiQL in headless Chromium (Debian's
# package) with every non-loopback request refused: a query, then a subscription.
set -euo pipefail
cd "$(dirname "$0")/../.."

if ! command -v chromium >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
(cd tests/browser && npm ci --no-audit --no-fund >/dev/null)
cargo build --quiet

work=$(mktemp -d)
source tests/serve.sh
serve_govtrail "$work/server.log" --database "sqlite://$work/graphiql.db?mode=rwc" --demo
shot=${SCREENSHOT:-$work/graphiql.png}
mkdir -p "$(dirname "$shot")"
node tests/browser/graphiql.mjs "http://127.0.0.1:$port" "$shot"
