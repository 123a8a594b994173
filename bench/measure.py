#!/usr/bin/env python3
"""Measures the benchmark queries (bench/queries) against one running govtrail: checks that
each answers without errors, then runs wrk for each query and number of connections, several
rounds, and prints one JSON object a line: target, query, connections, round, requests/s, p50
and p99 in milliseconds, and the server's peak resident memory when its pid is given.

    bench/measure.py --url http://127.0.0.1:18080/graphql --label sqlite-s1 \
        --connections 1 16 --duration 10 --rounds 3 [--pid PID]
"""

import argparse
import base64
import json
import os
import re
import subprocess
import sys
import tempfile
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))


def query_text(name):
    with open(os.path.join(HERE, "queries", f"{name}.graphql"), encoding="utf-8") as f:
        return f.read()


def post(url, body):
    request = urllib.request.Request(url, json.dumps(body).encode(), {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=120) as response:
        answer = json.loads(response.read())
    if answer.get("errors"):
        sys.exit(f"{body.get('operationName')}: {answer['errors']}")
    return answer["data"]


def cases(url):
    """The request body of each benchmark query (Q6 is Q1's second page, by cursor)."""
    official = base64.b64encode(b"Official:1").decode()
    bodies = {
        "Q1": {"query": query_text("q1"), "variables": {"from": "2021-03-01", "to": "2021-03-31"}},
        "Q2": {"query": query_text("q2"), "variables": {"official": official}},
        "Q3": {"query": query_text("q3"), "variables": {"asOf": "2024-06-30"}},
        "Q4": {"query": query_text("q4"), "variables": {"asOf": "2024-06-30"}},
        "Q5": {"query": query_text("q5"), "variables": {"text": "chuyen doi so"}},
    }
    first = post(url, bodies["Q1"])["conferences"]
    if not first["pageInfo"]["hasNextPage"]:
        sys.exit("Q1 has a single page at this scale; Q6 needs a second")
    bodies["Q6"] = {
        "query": query_text("q1"),
        "variables": {"from": "2021-03-01", "to": "2021-03-31", "after": first["pageInfo"]["endCursor"]},
    }
    for name, body in bodies.items():
        body["operationName"] = "Q1" if name == "Q6" else name
        post(url, body)
    return bodies


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def milliseconds(text):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text.strip()).groups()
    return float(number) * UNITS[unit]


def wrk(url, body, connections, duration):
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as f:
        json.dump(body, f)
        body_file = f.name
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False, encoding="utf-8") as f:
        f.write('wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n')
        f.write(f'local file = io.open("{body_file}", "r")\nwrk.body = file:read("*a")\nfile:close()\n')
        script = f.name
    threads = min(connections, 2)
    out = subprocess.run(
        ["wrk", "--latency", "--timeout", "60s", "-t", str(threads), "-c", str(connections), "-d", f"{duration}s",
         "-s", script, url],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    os.unlink(body_file)
    os.unlink(script)
    if "Non-2xx" in out:
        sys.exit(f"wrk saw failed requests:\n{out}")
    if re.search(r"^\s+0 requests in", out, re.M):
        # Not one request finished within the run: a result too (its time is above the run's).
        return 0.0, None, None
    p50 = milliseconds(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))
    p99 = milliseconds(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    return rps, p50, p99


def drain(url):
    """Waits until the server has finished what wrk left behind: requests whose clients went away
    still run to their end, and would otherwise slow the next measurement."""
    post(url, {"query": "{ areas(first: 1) { totalCount } }"})


def peak_memory_mib(pid):
    with open(f"/proc/{pid}/status", encoding="utf-8") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True)
    parser.add_argument("--label", required=True)
    parser.add_argument("--connections", type=int, nargs="+", default=[1, 16, 32])
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--queries", nargs="+", default=["Q1", "Q2", "Q3", "Q4", "Q5", "Q6"])
    parser.add_argument("--pid", type=int)
    args = parser.parse_args()
    bodies = cases(args.url)
    for round_ in range(1, args.rounds + 1):
        for name in args.queries:
            for connections in args.connections:
                rps, p50, p99 = wrk(args.url, bodies[name], connections, args.duration)
                drain(args.url)
                row = {"target": args.label, "query": name, "connections": connections, "round": round_,
                       "rps": rps, "p50_ms": p50, "p99_ms": p99}
                if args.pid:
                    row["peak_rss_mib"] = peak_memory_mib(args.pid)
                print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
