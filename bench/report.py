#!/usr/bin/env python3
"""Turns bench/measure.py's lines (a .jsonl file) into a Markdown table: for each target,
query and number of connections, the median over the rounds of requests/s, p50 and p99 (ms),
and the server's peak resident memory over the whole run.

    bench/report.py bench/.work/results-20261127T173000Z.jsonl
"""

import collections
import json
import statistics
import sys


def main():
    rows = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8") if line.strip()]
    groups = collections.OrderedDict()
    peak = collections.defaultdict(float)
    for row in rows:
        groups.setdefault((row["target"], row["query"], row["connections"]), []).append(row)
        peak[row["target"]] = max(peak[row["target"]], row.get("peak_rss_mib") or 0.0)
    print("| target | query | connections | requests/s | p50 ms | p99 ms | rounds |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for (target, query, connections), runs in sorted(groups.items()):
        def median(key):
            values = [r[key] for r in runs if r[key] is not None]
            return f"{statistics.median(values):.2f}" if values else "none finished"

        rps = statistics.median(r["rps"] for r in runs)
        print(f"| {target} | {query} | {connections} | {rps:.0f} | {median('p50_ms')} | {median('p99_ms')} | {len(runs)} |")
    print()
    for target, mib in peak.items():
        print(f"- {target}: server peak resident memory {mib:.0f} MiB")


if __name__ == "__main__":
    main()
