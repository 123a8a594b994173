# Sourced by the check scripts. serve_govtrail LOG ARGS... starts `target/debug/govtrail serve`
# on a free loopback port with ARGS and its log in LOG, sets $port and $server, stops the server
# when the script exits, and returns once /healthz answers (or prints LOG and fails if the
# server dies first).
serve_govtrail() {
  local log=$1
  shift
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  target/debug/govtrail serve --listen "127.0.0.1:$port" "$@" >"$log" 2>&1 &
  server=$!
  trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true' EXIT
  for _ in $(seq 1 100); do
    python3 -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1], timeout=2)" \
      "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && return 0
    kill -0 "$server" 2>/dev/null || { cat "$log"; return 1; }
    sleep 0.2
  done
  echo "govtrail did not answer /healthz in 20 s"; cat "$log"; return 1
}
