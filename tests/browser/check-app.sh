#!/usr/bin/env bash
# The staff's web app in headless Chromium (Debian's package): starts govtrail over a fresh
# demo database with an EDITOR and a READER token, and walks through the staff's day
# (tests/browser/app.mjs) with every request leaving the machine refused. The screenshots of
# the board and of the draft review are kept in target/browser-artifacts/ (ARTIFACTS=dir).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
artifacts=${ARTIFACTS:-$root/target/browser-artifacts}
mkdir -p "$artifacts"

if ! command -v chromium >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
(cd tests/browser && npm ci --no-audit --no-fund >/dev/null)
cargo build --quiet

# The report the demo comes from, where the shared material is beside the project; else a
# report written for the tests in the same style.
report=${SEED_REPORT:-$root/../shared/seed/ha-giang-2021-07-13.txt}
[ -f "$report" ] || report=$root/tests/fixtures/reports/two-chairs-online.txt

work=$(mktemp -d)
database="sqlite://$work/app.db?mode=rwc"
target/debug/govtrail migrate --database "$database" >/dev/null 2>&1
editor=$(target/debug/govtrail token create --name "can-bo-theo-doi" --role editor --database "$database" 2>/dev/null | grep -o 'gt_[A-Za-z0-9_-]*' | head -1)
reader=$(target/debug/govtrail token create --name "nguoi-xem" --role reader --database "$database" 2>/dev/null | grep -o 'gt_[A-Za-z0-9_-]*' | head -1)
source tests/serve.sh
serve_govtrail "$work/server.log" --database "$database" --demo
EDITOR_TOKEN=$editor READER_TOKEN=$reader REPORT="$report" ARTIFACTS="$artifacts" \
  node tests/browser/app.mjs "http://127.0.0.1:$port"
echo "screenshots: $artifacts/board.png, $artifacts/review.png, $artifacts/edit.png, $artifacts/board-phone.png"
