"""The benchmark queries as each target asks them, and what their answers must agree on.

Three targets answer Q1 to Q6 over the same tables: govtrail (bench/queries), PostGraphile
(bench/postgraphile/q*.graphql, over the SQL functions of bench/postgraphile/schema.sql) and
the hand-written SQL floor (bench/sql, one statement each, run by pgbench). `rows()` turns any
target's answer into the same plain structure, so that bench/run can check the targets return
the same rows before it measures them.
"""

import base64
import json
import os
import re
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
QUERIES = ["Q1", "Q2", "Q3", "Q4", "Q5", "Q6"]

# The variables every target is measured with (Q6 adds the first page's cursor).
MONTH = {"from": "2021-03-01", "to": "2021-03-31"}
OFFICIAL = 1
AS_OF = "2024-06-30"
TEXT = "chuyen doi so"


def read(*parts):
    with open(os.path.join(HERE, *parts), encoding="utf-8") as f:
        return f.read()


def global_id(kind, id_):
    return base64.urlsafe_b64encode(f"{kind}:{id_}".encode()).decode().rstrip("=")


def post(url, body, timeout=120):
    request = urllib.request.Request(url, json.dumps(body).encode(), {"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            answer = json.loads(response.read())
    except urllib.error.HTTPError as err:
        raise RuntimeError(f"{body.get('operationName')} at {url}: HTTP {err.code}: {err.read()[:2000]!r}") from None
    if answer.get("errors"):
        raise RuntimeError(f"{body.get('operationName')} at {url}: {answer['errors']}")
    return answer["data"]


def govtrail_bodies(url):
    """Request bodies for govtrail; Q6 needs Q1's first page to find its cursor."""
    q1 = read("queries", "q1.graphql")
    bodies = {
        "Q1": {"query": q1, "variables": dict(MONTH)},
        "Q2": {"query": read("queries", "q2.graphql"), "variables": {"official": global_id("Official", OFFICIAL)}},
        "Q3": {"query": read("queries", "q3.graphql"), "variables": {"asOf": AS_OF}},
        "Q4": {"query": read("queries", "q4.graphql"), "variables": {"asOf": AS_OF}},
        "Q5": {"query": read("queries", "q5.graphql"), "variables": {"text": TEXT}},
    }
    first = post(url, {**bodies["Q1"], "operationName": "Q1"})["conferences"]
    if not first["pageInfo"]["hasNextPage"]:
        raise RuntimeError("Q1 has a single page at this scale; Q6 needs a second")
    bodies["Q6"] = {"query": q1, "variables": {**MONTH, "after": first["pageInfo"]["endCursor"]}}
    for name, body in bodies.items():
        body["operationName"] = "Q1" if name == "Q6" else name
    return bodies


def postgraphile_bodies(url):
    """Request bodies for PostGraphile, in its own schema."""
    q1 = read("postgraphile", "q1.graphql")
    bodies = {
        "Q1": {"query": q1, "variables": dict(MONTH)},
        "Q2": {"query": read("postgraphile", "q2.graphql"), "variables": {"official": OFFICIAL}},
        "Q3": {"query": read("postgraphile", "q3.graphql"), "variables": {"asOf": AS_OF}},
        "Q4": {"query": read("postgraphile", "q4.graphql"), "variables": {"asOf": AS_OF}},
        "Q5": {"query": read("postgraphile", "q5.graphql"), "variables": {"text": TEXT}},
    }
    first = post(url, {**bodies["Q1"], "operationName": "Q1"})["allConferences"]
    bodies["Q6"] = {"query": q1, "variables": {**MONTH, "after": first["pageInfo"]["endCursor"]}}
    for name, body in bodies.items():
        body["operationName"] = "Q1" if name == "Q6" else name
    return bodies


FIRST_PAGE = {"after_date": "0001-01-01", "after_rank": "-1", "after_id": "0"}


def sql_variables(first_page):
    """pgbench variables of each hand-written query (bench/sql; Q1 and Q6 share q1.sql); Q6's
    come from Q1's first page (its last row's date, part-of-day rank and id)."""
    last = first_page["nodes"][-1]
    return {
        "Q1": {**MONTH, **FIRST_PAGE},
        "Q2": {"official": str(OFFICIAL)},
        "Q3": {"as_of": AS_OF},
        "Q4": {"as_of": AS_OF},
        "Q5": {"text": TEXT, "first": "20"},
        "Q6": {**MONTH, "after_date": last["date"], "after_rank": str(last["rank"]), "after_id": str(last["id"])},
    }


def sql_file(name):
    return "q1.sql" if name == "Q6" else f"{name.lower()}.sql"


def sql_text(name, variables):
    """The hand-written statement with its variables written in as literals (for psql)."""
    text = read("sql", sql_file(name))
    return re.sub(r"(?<!:):([a-z_]+)\b",
                  lambda m: "'" + variables[m.group(1)].replace("'", "''") + "'" if m.group(1) in variables else m.group(0),
                  text)


# Each target's answer, as the same plain structure.


def _org(o):
    return (o["key"], o["name"]) if o else None


def _q1_rows(total, nodes):
    return {"totalCount": total, "nodes": nodes}


def _timeline_rows(total, nodes):
    return {"totalCount": total, "nodes": [(n["date"], n["kind"], n["summary"]) for n in nodes]}


def _task_rows(total, nodes):
    """Q3's rows from tasks shaped as govtrail and the SQL floor answer them."""
    return {"totalCount": total, "nodes": [
        (n["key"], n["title"], n["dueOn"], n["status"],
         sorted((a["key"], a["name"], _org(a.get("parent"))) for a in n["assignees"]),
         (n["directive"]["key"], n["directive"]["code"], _org(n["directive"]["issuer"])) if n["directive"] else None)
        for n in nodes or []]}


def rows(target, name, data):
    """The rows of one answer, target-independent; lists inside a row are sorted, pages keep
    their order."""
    q = "Q1" if name == "Q6" else name
    if target == "govtrail":
        return _govtrail(q, data)
    if target == "postgraphile":
        return _postgraphile(q, data)
    return _sql(q, data)


def _govtrail(q, data):
    if q == "Q1":
        c = data["conferences"]
        return _q1_rows(c["totalCount"], [
            (n["key"], n["title"], n["date"], sorted(
                (p["official"]["key"], p["official"]["name"], sorted(
                    (h["post"]["key"], h["post"]["title"], _org(h["post"]["organization"])) for h in p["postsHeld"]))
                for p in n["participants"]))
            for n in (e["node"] for e in c["edges"])])
    if q == "Q2":
        t = data["timeline"]
        return _timeline_rows(t["totalCount"], [e["node"] for e in t["edges"]])
    if q == "Q3":
        t = data["tasks"]
        return _task_rows(t["totalCount"], [e["node"] for e in t["edges"]])
    if q == "Q4":
        buckets = []
        for b in data["taskStats"]:
            node = b["key"][0]["node"]
            if node is None:
                continue  # tasks without an assignee: a bucket of govtrail's only
            kind = base64.urlsafe_b64decode(node["id"] + "==").decode().split(":")[0]
            buckets.append((kind, node["key"], node["name"], b["total"], b["open"], b["inProgress"], b["done"],
                            b["cancelled"], b["overdue"]))
        return sorted(buckets)
    if q == "Q5":
        s = data["search"]
        hits = []
        for e in s["edges"]:
            kind, id_ = base64.urlsafe_b64decode(e["node"]["node"]["id"] + "==").decode().split(":")
            hits.append((kind, int(id_)))
        return {"totalCount": s["totalCount"], "hits": hits}
    raise KeyError(q)


# The most search results govtrail ranks (it counts all of them).
SEARCH_CAP = 500

# Every row of the search index that holds each of the query's words at the start of a word
# (as a comma-separated list of row ids), for psql.
SEARCH_MATCHES = """SELECT coalesce(string_agg(s.rowid::text, ','), '') FROM public.search_index s,
  (SELECT to_tsquery('simple', string_agg(w || ':*', ' & ')) AS q
   FROM regexp_split_to_table(lower('{text}'), '[^[:alnum:]]+') AS w WHERE w <> '') q
WHERE s.vector @@ q.q"""


def search_matches(psql_answer):
    """The (type, id) of every match, from SEARCH_MATCHES's answer."""
    return set(_hits(int(r) for r in psql_answer.split(",") if r))


SEARCH_TYPES = {1: "Official", 2: "Organization", 3: "Post", 4: "Directive", 5: "Conference", 6: "Task"}


def _hits(rowids):
    return [(SEARCH_TYPES[r % 8], r // 8) for r in rowids]


def _postgraphile(q, data):
    if q == "Q1":
        c = data["allConferences"]
        return _q1_rows(c["totalCount"], [
            (n["key"], n["title"], n["date"], sorted(
                (p["officialByOfficialId"]["key"], p["officialByOfficialId"]["name"], sorted(
                    (t["postByPostId"]["key"], t["postByPostId"]["title"], _org(t["postByPostId"]["organizationByOrganizationId"]))
                    for t in p["tenuresHeld"]["nodes"]))
                for p in n["participationsByConferenceId"]["nodes"]))
            for n in c["nodes"]])
    if q == "Q2":
        t = data["benchOfficialTimeline"]
        return _timeline_rows(t["totalCount"], t["nodes"])
    if q == "Q3":
        t = data["allTasks"]
        nodes = []
        for n in t["nodes"]:
            assignees = []
            for a in n["taskAssigneesByTaskId"]["nodes"]:
                org = a["organizationByOrganizationId"]
                if org:
                    assignees.append((org["key"], org["name"], _org(org["organizationByParentId"])))
                else:
                    assignees.append((a["officialByOfficialId"]["key"], a["officialByOfficialId"]["name"], None))
            d = n["directiveByDirectiveId"]
            nodes.append((n["key"], n["title"], n["dueOn"], n["status"], sorted(assignees),
                          (d["key"], d["code"], _org(d["organizationByIssuerId"])) if d else None))
        return {"totalCount": t["totalCount"], "nodes": nodes}
    if q == "Q4":
        return _stats(data["benchTaskStatsByAssignee"]["nodes"], "organizationKey", "organizationName", "officialKey",
                      "officialName", "inProgress")
    if q == "Q5":
        s = data["benchSearchHits"]
        return {"totalCount": s["totalCount"], "hits": _hits(int(n["rowid"]) for n in s["nodes"])}
    raise KeyError(q)


def _stats(rows_, org_key, org_name, off_key, off_name, in_progress):
    buckets = []
    for r in rows_:
        if r[org_key] is not None:
            who = ("Organization", r[org_key], r[org_name])
        else:
            who = ("Official", r[off_key], r[off_name])
        buckets.append((*who, r["total"], r["open"], r[in_progress], r["done"], r["cancelled"], r["overdue"]))
    return sorted(buckets)


def _sql(q, data):
    if q == "Q1":
        return _q1_rows(data["totalCount"], [
            (n["key"], n["title"], n["date"], sorted(
                (c["key"], c["name"], sorted((p["key"], p["title"], _org(p["organization"])) for p in c["posts"]))
                for c in n["chairs"]))
            for n in data["nodes"] or []])
    if q == "Q2":
        return _timeline_rows(data["totalCount"], data["nodes"])
    if q == "Q3":
        return _task_rows(data["totalCount"], data["nodes"])
    if q == "Q4":
        return _stats(data, "organization_key", "organization_name", "official_key", "official_name", "in_progress")
    if q == "Q5":
        return {"totalCount": data["totalCount"], "hits": _hits(n["rowid"] for n in data["nodes"])}
    raise KeyError(q)


def agree(name, reference, other, matches=None):
    """Whether two targets' rows agree. Search hits are ranked differently (govtrail picks its
    500 candidates by its own index's BM25 and re-ranks them by its own relevance, and pages at
    most 100): they agree when the counts match and every hit is a match (`matches`, all of
    them, when given); under the cap of 500, where every match is a candidate for both, the
    shorter list of hits must be part of the longer (bench/run asks for all of them it can)."""
    if name == "Q5":
        small, large = sorted([set(reference["hits"]), set(other["hits"])], key=len)
        capped = reference["totalCount"] > SEARCH_CAP
        every_hit_matches = matches is None or (small | large) <= matches
        return reference["totalCount"] == other["totalCount"] and every_hit_matches and (capped or small <= large)
    return reference == other
