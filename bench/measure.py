"""Load generators for bench/run: wrk against a GraphQL server, pgbench against the SQL floor.
Each returns requests (or transactions) per second and the p50 and p99 latency in milliseconds;
a run in which nothing finished returns zero and no latencies (its time is above the run's).
"""

import glob
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

import cases

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def milliseconds(text):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text.strip()).groups()
    return float(number) * UNITS[unit]


def wrk(url, body, connections, duration):
    with tempfile.TemporaryDirectory() as tmp:
        body_file = os.path.join(tmp, "body.json")
        with open(body_file, "w", encoding="utf-8") as f:
            json.dump(body, f)
        script = os.path.join(tmp, "post.lua")
        with open(script, "w", encoding="utf-8") as f:
            f.write('wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n')
            f.write(f'local file = io.open("{body_file}", "r")\nwrk.body = file:read("*a")\nfile:close()\n')
        out = subprocess.run(
            ["wrk", "--latency", "--timeout", "60s", "-t", str(min(connections, 2)), "-c", str(connections),
             "-d", f"{duration}s", "-s", script, url],
            check=True, capture_output=True, text=True,
        ).stdout
    if "Non-2xx" in out:
        sys.exit(f"wrk saw failed requests:\n{out}")
    if re.search(r"^\s+0 requests in", out, re.M):
        return 0.0, None, None
    p50 = milliseconds(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))
    p99 = milliseconds(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    return rps, p50, p99


def drain(url, body, patience=600):
    """Waits until the server has finished what wrk left behind: requests whose clients went away
    may still run to their end, and would otherwise slow the next measurement. While they hold
    every database connection the server answers SERVER_BUSY (or, before it had that code,
    INTERNAL); it asks again until the answer is a plain one."""
    deadline = time.monotonic() + patience
    while True:
        try:
            cases.post(url, body, timeout=patience)
            return
        except RuntimeError:
            if time.monotonic() > deadline:
                raise
            time.sleep(1)


def pgbench(db_url, sql_file, variables, connections, duration):
    """The hand-written statement under pgbench (prepared, as the servers' drivers prepare),
    with per-transaction latencies read from its log for the percentiles."""
    with tempfile.TemporaryDirectory() as tmp:
        defines = [arg for key, value in variables.items() for arg in ("-D", f"{key}={value}")]
        out = subprocess.run(
            ["pgbench", "-n", "-M", "prepared", "-c", str(connections), "-j", str(min(connections, 2)),
             "-T", str(duration), "-l", "--log-prefix", os.path.join(tmp, "tx"), *defines, "-f", sql_file, db_url],
            check=True, capture_output=True, text=True,
        ).stdout
        latencies = []
        for log in glob.glob(os.path.join(tmp, "tx*")):
            with open(log, encoding="utf-8") as f:
                latencies += [int(line.split()[2]) / 1000 for line in f if line.strip()]
    tps = float(re.search(r"tps = ([\d.]+)", out).group(1))
    if not latencies:
        return 0.0, None, None
    cuts = statistics.quantiles(latencies, n=100)
    return tps, cuts[49], cuts[98]
