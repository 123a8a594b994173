#!/usr/bin/env bash
# The HTTP checks: the GraphQL-over-HTTP audit of the graphql-http package (every MUST and
# SHOULD must pass), then schemathesis fuzzing the GraphQL API for a bounded time with an ADMIN
# token (no 5xx, no INTERNAL error; see hooks.py). The server runs in production mode (no
# --demo) over a database the demo dataset was imported into; it must still be up at the end
# and its log must hold no panic.
set -euo pipefail
cd "$(dirname "$0")/../.."
venv=${SCHEMATHESIS_VENV:-$(pwd)/target/schemathesis}
seconds=${FUZZ_SECONDS:-60}

(cd tests/http && npm ci --no-audit --no-fund >/dev/null)
# A virtual environment names its own path inside; one that was moved or copied no longer runs.
if ! "$venv/bin/st" --version >/dev/null 2>&1; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet -r tests/http/requirements.txt
fi
cargo build --quiet

work=$(mktemp -d)
database="sqlite://$work/http.db?mode=rwc"
target/debug/govtrail migrate --database "$database" >/dev/null
target/debug/govtrail import data/ha-giang-2021-07-13.json --database "$database" >/dev/null
token=$(target/debug/govtrail token create --name fuzz --role ADMIN --database "$database" 2>/dev/null)
source tests/serve.sh
serve_govtrail "$work/server.log" --database "$database" --rate-limit-anonymous 0 --rate-limit-token 0

echo "== graphql-http server audit"
node tests/http/audit.mjs "http://127.0.0.1:$port/graphql"

echo "== schemathesis, $seconds s"
PYTHONPATH=tests/http SCHEMATHESIS_HOOKS=hooks "$venv/bin/st" run "http://127.0.0.1:$port/graphql" \
  -H "Authorization: Bearer $token" --checks no_server_failure --max-time "$seconds" --workers 2 \
  --warnings off --no-color

kill -0 $server 2>/dev/null || { echo "the server died during the checks"; tail -50 "$work/server.log"; exit 1; }
if grep -q "panicked" "$work/server.log"; then
  echo "the server panicked during the checks:"; grep -A5 "panicked" "$work/server.log" | head -40; exit 1
fi
echo "HTTP checks passed"
