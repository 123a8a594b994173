#!/usr/bin/env python3
"""Turns a bench/run results file (.jsonl) into the Markdown tables of BENCHMARKS.md: imports;
SQL statements per request; on PostgreSQL, govtrail beside PostGraphile and the hand-written SQL
floor for each query and number of connections, with the ratios; on SQLite, govtrail at each
scale; and each server's peak resident memory. Figures are the medians of the rounds.

    bench/report.py bench/.work/results-20261127T193000Z.jsonl [more results files]
"""

import collections
import json
import statistics
import sys


def median(runs, key):
    values = [r[key] for r in runs if r.get(key) is not None]
    return statistics.median(values) if values else None


def ms(value):
    return "-" if value is None else f"{value:.1f}"


def ratio(a, b):
    return "-" if not a or not b else f"{a / b:.2f}"


def main():
    rows = [json.loads(line) for path in sys.argv[1:] for line in open(path, encoding="utf-8") if line.strip()]
    by_kind = collections.defaultdict(list)
    for row in rows:
        by_kind[row["kind"]].append(row)

    for run in by_kind["run"]:
        print(f"Run: commit {run['commit']}, PostgreSQL scale {run['scale']}, SQLite scales "
              f"{' '.join(run['sqlite_scales'])}, seed {run['seed']}, {run['rounds']} rounds of {run['duration']} s.\n")

    print("| import | time | records | rate | size | peak memory |")
    print("|---|---:|---:|---:|---:|---:|")
    imports = {r["target"]: r for r in by_kind["import"]}  # a dataset reused by a later run: once
    for r in imports.values():
        rate = f"{r['records'] / r['seconds']:,.0f} records/s" if r.get("records") else "-"
        records = f"{r['records']:,}" if r.get("records") else "-"
        print(f"| {r['target']} | {r['seconds']:.1f} s | {records} | {rate} | {r.get('size_mb', '-')} MB | "
              f"{r['peak_rss_mib']} MiB |")
    print()

    statements = collections.OrderedDict()
    for r in by_kind["statements"]:
        statements.setdefault(r["query"], {})[r["target"].split("-")[0]] = r["per_request"]
    if statements:
        targets = list(next(iter(statements.values())))
        print("| SQL statements per request | " + " | ".join(targets) + " |")
        print("|---|" + "---:|" * len(targets))
        for query, counts in statements.items():
            cells = ["-" if counts.get(t) is None else f"{counts[t]:.1f}" for t in targets]
            print(f"| {query} | " + " | ".join(cells) + " |")
        print()

    groups = collections.defaultdict(list)
    peaks = collections.defaultdict(float)
    for r in by_kind["load"]:
        groups[(r["target"], r["query"], r["connections"])].append(r)
        if r.get("peak_rss_mib"):
            peaks[r["target"]] = max(peaks[r["target"]], r["peak_rss_mib"])

    def figures(target, query, connections):
        runs = groups.get((target, query, connections), [])
        return median(runs, "rps"), median(runs, "p50_ms"), median(runs, "p99_ms"), len(runs)

    postgres = sorted({t.split("-", 1)[1] for t, _, _ in groups if t.startswith("postgraphile-")})
    for label in postgres:
        print(f"| {label} | conn. | govtrail req/s | p50 | p99 | PostGraphile req/s | p50 | p99 | SQL tx/s | p50 | p99 "
              f"| govtrail / PostGraphile | govtrail / SQL |")
        print("|---|---:|" + "---:|" * 11)
        keys = sorted({(q, c) for t, q, c in groups if t.endswith(label)})
        for query, connections in keys:
            g = figures(f"govtrail-{label}", query, connections)
            p = figures(f"postgraphile-{label}", query, connections)
            s = figures(f"sql-{label}", query, connections)
            print(f"| {query} | {connections} | {g[0]:.0f} | {ms(g[1])} | {ms(g[2])} | {p[0]:.0f} | {ms(p[1])} | "
                  f"{ms(p[2])} | {s[0]:.0f} | {ms(s[1])} | {ms(s[2])} | {ratio(g[0], p[0])} | {ratio(g[0], s[0])} |")
        print()

    sqlite = sorted({t for t, _, _ in groups if t.startswith("govtrail-sqlite")})
    for target in sqlite:
        print(f"| {target} | connections | requests/s | p50 ms | p99 ms | rounds |")
        print("|---|---:|---:|---:|---:|---:|")
        for query, connections in sorted({(q, c) for t, q, c in groups if t == target}):
            rps, p50, p99, n = figures(target, query, connections)
            print(f"| {query} | {connections} | {rps:.0f} | {ms(p50)} | {ms(p99)} | {n} |")
        print()

    for target, mib in sorted(peaks.items()):
        print(f"- {target}: peak resident memory {mib:.0f} MiB")


if __name__ == "__main__":
    main()
