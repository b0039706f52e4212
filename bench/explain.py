"""Every query of the forum's pages, explained on the bench's large forum: after `make bench BENCH_SCALE=10
KEEP_SERVICES=1` has seeded it, `DATABASE_URL=<its hearth_bench_x10> BENCH_SCALE=10 python bench/explain.py
[page names]` (the URL is in $SERVICES_DIR/env.sh, with the database's name changed).

Fetches each page as a visitor, a member and an admin with Django's test client, captures its SQL, runs
EXPLAIN (ANALYZE, BUFFERS) on each statement and prints, per page, the slowest statements with the nodes
that grow with the forum: sequential scans of the big tables, sorts, and how many rows each read
(EXPLAIN_SLOW_MS, 2: statements faster than that and without such nodes are left out; EXPLAIN_FULL=1
prints whole statements). Reads only, except what the pages themselves write (a member's read position)
and one admin account it adds (explain-admin).

Like the other bench scripts it runs only against the bench's own, marked database (bench/guard.py).
"""
import json
import os
import re
import sys

from djangoenv import setup_bench_django  # noqa: E402

setup_bench_django(env={"ALLOWED_HOSTS": "testserver", "DEBUG": "0"})

import logging  # noqa: E402

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from boards.models import Board, Post, Topic  # noqa: E402
from members.models import User  # noqa: E402
from standing.selectors import MEMBERS_PER_PAGE, SORTS  # noqa: E402

BIG_TABLES = {"boards_post", "boards_topic", "members_user", "search_postdocument", "boards_postlike",
              "members_membervisit", "notices_notice", "boards_topicread"}
FULL = os.environ.get("EXPLAIN_FULL") == "1"  # print whole statements
SLOW_MS = float(os.environ.get("EXPLAIN_SLOW_MS", "2"))


def pages() -> list[tuple[str, str]]:
    board = Board.objects.order_by("-topic_count").first()
    long_topic = Topic.objects.order_by("-post_count").first()
    normal = Topic.objects.filter(post_count__gte=20).exclude(pk=long_topic.pk).order_by("id").first()
    last_page = -(-long_topic.post_count // settings.HEARTH["POSTS_PER_PAGE"])
    board_pages = -(-board.topic_count // settings.HEARTH["TOPICS_PER_PAGE"])
    member = User.objects.filter(post_count__gt=0).order_by("id").first()
    post = Post.objects.filter(topic=long_topic, position=long_topic.post_count // 2).first()
    by_join = User.objects.filter(is_active=True).order_by("-date_joined", "-id")  # the members list's last page:
    above_the_last = by_join[max(by_join.count() - MEMBERS_PER_PAGE - 1, 0)]  # after the key of the row above it
    return [
        ("index", "/"),
        ("board", board.get_absolute_url()),
        ("board, last page", f"{board.get_absolute_url()}?page={board_pages}"),
        ("board, featured", f"{board.get_absolute_url()}?featured=1"),
        ("featured", "/featured/"),
        ("topic", normal.get_absolute_url()),
        ("long topic", long_topic.get_absolute_url()),
        ("long topic, page 200", f"{long_topic.get_absolute_url()}?page=200"),
        ("long topic, last page", f"{long_topic.get_absolute_url()}?page={last_page}"),
        ("unread", f"/t/{long_topic.pk}/unread/"),
        ("post link", f"/p/{post.pk}/"),
        ("profile", f"/u/{member.username}/"),
        ("standing", f"/u/{member.username}/standing/"),
        ("members", "/members/"),
        ("members by posts", "/members/?sort=posts"),
        ("members by join, last page",
         f"/members/?sort=joined&after={SORTS['joined'].encode(SORTS['joined'].key_of(above_the_last))}"),
        ("search crumb", "/search/?q=crumb"),
        ("search 发酵", "/search/?q=%E5%8F%91%E9%85%B5"),
        ("search 发酵 newest", "/search/?q=%E5%8F%91%E9%85%B5&order=newest"),
        ("search by author", f"/search/?author={member.username}"),
        ("search in board", f"/search/?q=crumb&board={board.slug}"),
        ("notifications", "/notifications/"),
        ("my reports", "/reports/"),
        ("mod queue", "/mod/"),
        ("mod approvals", "/mod/approvals/"),
        ("mod log", "/mod/log/"),
        ("spammers", "/mod/spammers/"),
        ("member moderation", f"/u/{member.username}/moderation/"),
        ("freshness", "/freshness/"),
        ("seed list", "/seed/"),
        ("promotions", "/promotions/"),
        ("stats", "/stats/?days=30"),
        ("board stats", f"/stats/b/{board.slug}/?days=30"),
        ("feed latest", "/feeds/latest.rss"),
        ("feed board", f"/b/{board.slug}/feed.rss"),
        ("feed topic", f"/t/{long_topic.pk}/feed.rss"),
        ("sitemap", "/sitemap.xml"),
    ]


def walk(node, found):
    found.append(node)
    for child in node.get("Plans", []):
        walk(child, found)
    return found


def explain(sql: str, params) -> tuple[float, list[str]]:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    plan = plan[0] if isinstance(plan, list) else json.loads(plan)[0]
    notes = []
    for node in walk(plan["Plan"], []):
        kind = node["Node Type"]
        relation = node.get("Relation Name", "")
        rows = node.get("Actual Rows", 0) * node.get("Actual Loops", 1)
        if kind == "Seq Scan" and relation in BIG_TABLES:
            notes.append(f"SEQ SCAN {relation} ({rows} rows)")
        elif kind in ("Sort", "Incremental Sort"):
            notes.append(f"{kind.upper()} {node.get('Sort Key')} ({rows} rows out)")
        elif kind in ("Aggregate", "HashAggregate", "GroupAggregate") and rows:
            pass
        elif relation in BIG_TABLES and rows > 1000:
            notes.append(f"{kind} {relation} {node.get('Index Name', '')} ({rows} rows)")
    return plan["Execution Time"], notes


def main() -> None:
    logging.getLogger("django.request").setLevel(logging.CRITICAL)  # the 403s and 404s of the wrong viewer
    admin, _ = User.objects.get_or_create(username="explain-admin", defaults={
        "is_superuser": True, "is_staff": True, "email_verified": True, "email": "explain@example.com"})
    member = User.objects.filter(post_count__gt=0, is_superuser=False).order_by("id").first()
    only = sys.argv[1:]
    for label, path in pages():
        if only and not any(o in label for o in only):
            continue
        for who, user in (("visitor", None), ("member", member), ("admin", admin)):
            client = Client()
            if user is not None:
                client.force_login(user)
            client.get(path)  # warm: the member's first view writes, caches fill
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(path)
            if response.status_code != 200:
                print(f"{label:<28} {who:<8} {path} -> {response.status_code}")
                continue
            rows = []
            for query in ctx.captured_queries:
                sql = query["sql"]
                if not re.match(r"\s*(SELECT|WITH)", sql, re.I):
                    continue
                try:
                    ms, notes = explain(sql, None)
                except Exception as error:  # noqa: BLE001 - a statement with %-signs: report and go on
                    rows.append((0.0, sql[:160], [f"(not explained: {type(error).__name__})"]))
                    connection.rollback() if not connection.get_autocommit() else None
                    continue
                rows.append((ms, sql, notes))
            total = sum(r[0] for r in rows)
            print(f"{label:<28} {who:<8} {len(ctx.captured_queries):3d} queries {total:8.1f} ms SQL  {path}")
            for ms, sql, notes in sorted(rows, key=lambda r: -r[0]):
                if ms >= SLOW_MS or notes:
                    print(f"      {ms:8.2f} ms  {(sql if FULL else sql[:300])}")
                    for note in notes:
                        print(f"                   - {note}")


if __name__ == "__main__":
    main()
