"""Reading PostgreSQL's plans in tests: EXPLAIN (FORMAT JSON) of a queryset or of the statements a call runs,
and the checks the plan tests make on them."""
import json
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

# tables that grow with the forum: none of them may be read whole by a page
BIG_TABLES = {"boards_post", "boards_topic", "members_user", "search_postdocument", "members_notice",
              "moderation_moderationaction", "moderation_case", "boards_postlike", "members_membervisit"}


def explain(sql: str, params=None, *, analyze: bool = False) -> dict:
    """The plan's root node (EXPLAIN without ANALYZE: the planner's choice, nothing runs; with it, the statement
    runs and each node tells the rows it gave and those it read and dropped)."""
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN ({'ANALYZE, ' if analyze else ''}FORMAT JSON) " + sql, params)
        raw = cursor.fetchone()[0]
    return (json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"]


def plan_of(queryset) -> dict:
    sql, params = queryset.query.sql_with_params()
    return explain(sql, params)


def statements(call, *, table: str) -> list[str]:
    """The SELECTs `call()` runs that read `table` (as Django ran them, values inlined)."""
    with CaptureQueriesContext(connection) as ctx:
        call()
    pattern = re.compile(rf'\bFROM "?{table}"?\b')
    return [q["sql"] for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith(("SELECT", "WITH"))
            and pattern.search(q["sql"])]


def the_plan(call, *, table: str, containing: str = "", analyze: bool = False) -> dict:
    """The plan of the one statement of `call()` that reads `table` (and contains `containing`); run again under
    EXPLAIN ANALYZE with `analyze`."""
    found = [sql for sql in statements(call, table=table) if containing in sql]
    assert len(found) == 1, f"expected one statement reading {table}, got {len(found)}: {found}"
    return explain(found[0], analyze=analyze)


def nodes(plan: dict) -> list[dict]:
    """Every node of the plan, subplans and init plans included."""
    out = [plan]
    for child in plan.get("Plans", []):
        out.extend(nodes(child))
    return out


def describe(plan: dict, depth: int = 0) -> str:
    """The plan as indented lines, for assertion messages."""
    node = plan
    line = "  " * depth + node["Node Type"]
    for key in ("Relation Name", "Index Name", "Sort Key", "Plan Rows"):
        if key in node:
            line += f" {key}={node[key]}"
    return "\n".join([line, *(describe(child, depth + 1) for child in node.get("Plans", []))])


def indexes_used(plan: dict) -> set[str]:
    return {node["Index Name"] for node in nodes(plan) if "Index Name" in node}


def assert_uses_index(plan: dict, *names: str) -> None:
    used = indexes_used(plan)
    missing = [name for name in names if name not in used]
    assert not missing, f"the plan does not use {missing}:\n{describe(plan)}"


def assert_uses_one_of(plan: dict, *names: str) -> None:
    """Any of these indexes serves the query (for instance two partial indexes over the same few rows)."""
    assert indexes_used(plan) & set(names), f"the plan uses none of {names}:\n{describe(plan)}"


def assert_no_seq_scan(plan: dict, tables=BIG_TABLES) -> None:
    scanned = [node["Relation Name"] for node in nodes(plan)
               if node["Node Type"] == "Seq Scan" and node.get("Relation Name") in tables]
    assert not scanned, f"sequential scan of {scanned}:\n{describe(plan)}"


def assert_no_big_sort(plan: dict, *, most: int) -> None:
    """No Sort reads more than `most` rows (a page's rows may be put in order; a table's may not)."""
    big = [node for node in nodes(plan) if node["Node Type"] in ("Sort", "Incremental Sort")
           and node["Plan Rows"] > most]
    assert not big, f"a sort over {[n['Plan Rows'] for n in big]} rows:\n{describe(plan)}"


def assert_starts_at_key(plan: dict, index: str) -> None:
    """The scan of `index` starts at the page's key: the row comparison (a, b, id) < (…) is in its Index Cond,
    not a Filter applied to every entry above the page (a plan from EXPLAIN ANALYZE, for assert_reads_at_most)."""
    scans = [node for node in nodes(plan) if node.get("Index Name") == index]
    assert scans and all("ROW(" in node.get("Index Cond", "") for node in scans), \
        f"{index} is not entered at the key:\n{describe(plan)}\n{[node.get('Index Cond') for node in scans]}"


def assert_reads_at_most(plan: dict, most: int, tables=BIG_TABLES) -> None:
    """No scan of a big table gives or drops more than `most` rows when it runs (EXPLAIN ANALYZE): a page that
    steps over the rows above it (an OFFSET, a filter) reads them all, whatever the planner estimated."""
    read = [(node["Relation Name"],
             (node["Actual Rows"] + node.get("Rows Removed by Filter", 0)) * node["Actual Loops"])  # both per loop
            for node in nodes(plan) if node.get("Relation Name") in tables]
    assert read and all(rows <= most for _, rows in read), f"rows read {read}:\n{describe(plan)}"
