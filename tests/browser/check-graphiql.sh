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
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
target/debug/govtrail serve --database "sqlite://$work/graphiql.db?mode=rwc" --listen "127.0.0.1:$port" \
  --demo --graphiql-assets "$assets" >"$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  python3 -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1], timeout=2)" \
    "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  kill -0 $server 2>/dev/null || { cat "$work/server.log"; exit 1; }
  sleep 0.2
done
node tests/browser/graphiql.mjs "http://127.0.0.1:$port" "${SCREENSHOT:-$work/graphiql.png}"
