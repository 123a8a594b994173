"""schemathesis hooks of govtrail: strategies for its scalars, and the check that an answer may
refuse bad input (BAD_USER_INPUT, NOT_FOUND, CONFLICT, LIMIT_EXCEEDED...) but never fail inside
(an HTTP 5xx status, or a GraphQL error with code INTERNAL)."""

import schemathesis
from hypothesis import strategies as st
from schemathesis.graphql import nodes

# Valid values and near misses alike: the server must refuse the misses with a code.
dates = st.one_of(st.dates().map(str), st.sampled_from(["2021-02-30", "2021-13-01", "13/07/2021", ""]), st.text(max_size=12))
schemathesis.graphql.scalar("Date", dates.map(nodes.String))
schemathesis.graphql.scalar(
    "DateTime",
    st.one_of(
        st.datetimes().map(lambda d: d.isoformat() + "Z"),
        st.sampled_from(["2021-07-13T08:00:00+07:00", "2021-07-13 08:00", "yesterday"]),
        st.text(max_size=25),
    ).map(nodes.String),
)
schemathesis.graphql.scalar(
    "PartialDate",
    st.one_of(st.sampled_from(["2021", "2021-07", "2021-07-13", "2021-00", "0000-01-01"]), dates).map(nodes.String),
)
schemathesis.graphql.scalar(
    "TimeZone",
    st.one_of(st.sampled_from(["Asia/Ho_Chi_Minh", "UTC", "Europe/Paris", "Asia/Saigon", "Mars/Olympus"]), st.text(max_size=20)).map(
        nodes.String
    ),
)
# A JSON request cannot carry a file; a string where one belongs must be refused cleanly.
schemathesis.graphql.scalar("Upload", st.text(max_size=20).map(nodes.String))


@schemathesis.check
def no_server_failure(ctx, response, case):
    """No 5xx status and no GraphQL error with code INTERNAL."""
    if response.status_code >= 500:
        raise AssertionError(f"HTTP {response.status_code}: {response.text[:300]}")
    try:
        body = response.json()
    except ValueError:
        raise AssertionError(f"the answer is not JSON: {response.text[:300]}")
    answers = body if isinstance(body, list) else [body]
    for answer in answers:
        for error in (answer or {}).get("errors") or []:
            if ((error or {}).get("extensions") or {}).get("code") == "INTERNAL":
                raise AssertionError(f"INTERNAL error: {error.get('message')}")
    return None
