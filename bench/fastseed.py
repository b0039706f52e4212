"""The bench's forum, loaded in bulk on PostgreSQL: 100,000 posts in seconds, 1,000,000 in a few minutes.

The forum is boards.demo.plan_large's, the one `seed_demo --posts …` loads through the ORM (same seed, same
forum); only the loading differs. Python plans it and streams one small row per post (ids, position, author,
which body, time) with COPY; PostgreSQL does the heavy part set-based: the bodies are joined in from a table
of the few hundred distinct ones, every counter is recounted from the rows (so they are exact by
construction, not by bookkeeping), and the search index is filled from one document per distinct body (a
topic's first post, which carries the title, gets its own). Secondary indexes of the two big tables are
dropped for the load and rebuilt once at the end, which is far cheaper than keeping them up row by row.

Posts are numbered in time order (ids grow with time, as on the live site) and stored in id order. The
whole load is one transaction; VACUUM ANALYZE afterwards leaves the tables as a live site's would be
(visibility map set, planner statistics fresh).

PostgreSQL only (bench/run.sh runs on its own PostgreSQL). Nothing else listens to
boards.signals.posts_loaded here: the search index is written directly, and it equals what
search.services.reindex would write (tests/bench/test_fastseed.py checks both).

    from bench.fastseed import seed_forum, scale_sizes
    seed_forum(**scale_sizes(10))   # 8 boards, 4,000 members, 40,000 topics, 1,000,000 posts
"""
import time
from collections.abc import Callable

from django.db import connection, transaction
from django.db.models import NOT_PROVIDED

from boards import demo
from boards.models import Board, Post, Topic
from boards.rendering import render_markdown
from boards.services import make_slug
from search.documents import Document, plain_text
from search.normalise import units

BASE_SIZES = {"boards": 8, "users": 400, "topics": 4000, "posts": 100_000, "long_topic": 4000}
# the tables loaded here whose secondary indexes are rebuilt after the load rather than kept up during it
BULK_TABLES = ("boards_post", "search_postdocument")
LOADED_TABLES = ("boards_board", "boards_topic", "boards_post", "search_postdocument", "members_user",
                 "account_emailaddress")


def scale_sizes(scale: int) -> dict:
    """The bench forum at `scale`: 1 is 100,000 posts in 4,000 topics by 400 members in 8 boards; 10 is ten
    times the members, topics and posts (the boards stay 8, so each board lists ten times the topics, and the
    long topic grows with the rest: its page 200 is deep in 40,000 posts)."""
    if scale < 1:
        raise ValueError("the scale is a whole number from 1")
    return {"boards": BASE_SIZES["boards"], "users": BASE_SIZES["users"] * scale,
            "topics": BASE_SIZES["topics"] * scale, "posts": BASE_SIZES["posts"] * scale,
            "long_topic": BASE_SIZES["long_topic"] * scale, "seed": 1}


def _defaults(model, explicit: set[str]) -> tuple[list[str], list]:
    """Every other concrete column of `model` with its field's default, so the INSERT below keeps working
    when a field is added to the model."""
    columns, values = [], []
    for field in model._meta.concrete_fields:
        if field.column in explicit or field.attname in explicit:
            continue
        if field.db_default is not NOT_PROVIDED:  # the database fills it
            continue
        columns.append(connection.ops.quote_name(field.column))
        values.append(field.get_db_prep_save(field.get_default(), connection))
    return columns, values


def _secondary_indexes(cursor, tables) -> list[tuple[str, str]]:
    """(name, CREATE INDEX statement) of the indexes on `tables` that back no constraint."""
    cursor.execute(
        "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
        "JOIN pg_class t ON t.oid = x.indrelid WHERE t.relname = ANY(%s) AND t.relnamespace = 'public'::regnamespace "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid) ORDER BY i.relname",
        [list(tables)])
    return cursor.fetchall()


def _foreign_keys(cursor, tables) -> list[tuple[str, str, str]]:
    """(table, name, definition) of the foreign keys of `tables`."""
    cursor.execute(
        "SELECT t.relname, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
        "JOIN pg_class t ON t.oid = c.conrelid WHERE c.contype = 'f' AND t.relname = ANY(%s) "
        "AND t.relnamespace = 'public'::regnamespace ORDER BY t.relname, c.conname", [list(tables)])
    return cursor.fetchall()


def seed_forum(*, boards: int, users: int, topics: int, posts: int, seed: int = 1, long_topic: int = 4000,
               progress: Callable[[str], None] | None = None) -> dict[str, float]:
    """Load plan_large's forum into an empty PostgreSQL forum. Returns the seconds each stage took."""
    if connection.vendor != "postgresql":
        raise RuntimeError("bench.fastseed loads PostgreSQL only (seed_demo loads any database)")
    if Board.objects.exists() or Post.objects.exists():
        raise RuntimeError("bench.fastseed fills an empty forum only (flush the bench's database first)")
    say = progress or (lambda message: None)
    timings: dict[str, float] = {}
    clock = time.monotonic()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.monotonic()
        timings[stage] = now - clock
        say(f"{stage}: {now - clock:.1f} s")
        clock = now

    plan = demo.plan_large(boards=boards, users=users, topics=topics, posts=posts, seed=seed,
                           long_topic=long_topic)
    lap("plan")
    with transaction.atomic():
        _load(plan, lap)
    with connection.cursor() as cursor:  # outside the transaction: VACUUM cannot run inside one
        cursor.execute(f"VACUUM ANALYZE {', '.join(LOADED_TABLES)}")
    lap("vacuum analyze")
    return timings


def _load(plan: demo.LargePlan, lap: Callable[[str], None]) -> None:
    members = demo.make_users(plan.usernames, joined=plan.joined)
    Board.objects.bulk_create([
        Board(name=name, slug=slug, description=focus, rules=rules, rules_html=render_markdown(rules), position=i)
        for i, (name, slug, focus, rules) in enumerate(plan.boards)])
    board_ids = list(Board.objects.order_by("position", "id").values_list("id", flat=True))
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(max(id), 0) FROM boards_topic")
        topic_base = cursor.fetchone()[0]
        cursor.execute("SELECT COALESCE(max(id), 0) FROM boards_post")
        post_base = cursor.fetchone()[0]
    topic_rows = [
        Topic(pk=topic_base + t + 1, board_id=board_ids[spec.board], author_id=members[spec.posts[0].author].pk,
              title=spec.title, slug=make_slug(spec.title), is_pinned=spec.pinned, created_at=spec.posts[0].at,
              last_post_at=spec.posts[-1].at, post_count=len(spec.posts))
        for t, spec in enumerate(plan.topics)]
    Topic.objects.bulk_create(topic_rows, batch_size=5000)
    lap("members, boards, topics")

    # every post gets its id in time order (as _load of seed_large inserts them), then rows go out by COPY
    flat = sorted((planned.at, t, position) for t, spec in enumerate(plan.topics)
                  for position, planned in enumerate(spec.posts, start=1))
    post_id = {(t, position): post_base + n for n, (_, t, position) in enumerate(flat, start=1)}
    body_no: dict[str, int] = {}
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE seed_post (id bigint, topic_id bigint, author_id bigint, position int, "
                       "body_no int, created_at timestamptz, reply_to_id bigint) ON COMMIT DROP")
        with cursor.copy("COPY seed_post FROM STDIN") as copy:
            for at, t, position in flat:
                planned = plan.topics[t].posts[position - 1]
                number = body_no.setdefault(planned.body, len(body_no))
                reply = post_id[(t, planned.reply_to + 1)] if planned.reply_to is not None else None
                copy.write_row((post_id[(t, position)], topic_base + t + 1, members[planned.author].pk, position,
                                number, at, reply))
        lap(f"plan streamed ({len(flat):,} posts, {len(body_no)} distinct bodies)")

        # the bodies, each rendered once, and each one's search document (as a reply's: no title)
        body_units = {}
        cursor.execute("CREATE TEMP TABLE seed_body (body_no int PRIMARY KEY, body text, body_html text, "
                       "document tsvector) ON COMMIT DROP")
        with cursor.copy("COPY seed_body FROM STDIN") as copy:
            for body, number in body_no.items():
                html = render_markdown(body)
                body_units[number] = units(plain_text(html))
                copy.write_row((number, body, html, Document(title=[], body=body_units[number]).tsvector()))

        # checked row by row, 3,000,000 foreign-key checks would cost more than the load: they are dropped
        # with the secondary indexes and added back at the end, where each is validated in one query
        # (from here on constraints are checked at once: a table with checks pending cannot be altered)
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        dropped = _secondary_indexes(cursor, BULK_TABLES)
        keys = _foreign_keys(cursor, BULK_TABLES)
        for table, name, _ in keys:
            cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
        for name, _ in dropped:
            cursor.execute(f'DROP INDEX "{name}"')
        columns, values = _defaults(Post, {"id", "topic_id", "author_id", "position", "body", "body_html",
                                           "reply_to_id", "created_at"})
        extra_columns = "".join(f", {c}" for c in columns)
        extra_values = "".join(", %s" for _ in values)
        # S608: the column names come from the model's fields, every value is a parameter
        cursor.execute(
            f"INSERT INTO boards_post (id, topic_id, author_id, position, body, body_html, reply_to_id, "  # noqa: S608
            f"created_at{extra_columns}) SELECT s.id, s.topic_id, s.author_id, s.position, b.body, b.body_html, "
            f"s.reply_to_id, s.created_at{extra_values} FROM seed_post s JOIN seed_body b USING (body_no) "
            "ORDER BY s.id", values)
        lap("posts inserted")

        # counters, recounted from the rows: topics, then boards and members from those
        cursor.execute(
            "UPDATE boards_topic t SET post_count = a.n, first_post_id = a.first_id, last_post_id = a.last_id, "
            "created_at = a.first_at, last_post_at = a.last_at FROM (SELECT topic_id, count(*) AS n, "
            "min(id) AS first_id, max(id) AS last_id, min(created_at) AS first_at, max(created_at) AS last_at "
            "FROM boards_post GROUP BY topic_id) a WHERE a.topic_id = t.id")
        cursor.execute(
            "UPDATE boards_board b SET topic_count = a.topics, post_count = a.posts, last_post_id = a.last_id "
            "FROM (SELECT board_id, count(*) AS topics, sum(post_count) AS posts, max(last_post_id) AS last_id "
            "FROM boards_topic GROUP BY board_id) a WHERE a.board_id = b.id")
        cursor.execute(
            "UPDATE members_user u SET post_count = COALESCE(p.n, 0), topic_count = COALESCE(t.n, 0) "
            "FROM members_user m LEFT JOIN (SELECT author_id, count(*) AS n FROM boards_post GROUP BY author_id) p "
            "ON p.author_id = m.id LEFT JOIN (SELECT author_id, count(*) AS n FROM boards_topic GROUP BY author_id) t "
            "ON t.author_id = m.id WHERE m.id = u.id AND u.id = ANY(%s)", [[m.pk for m in members]])
        lap("counters")

        # the search index: replies share their body's document; first posts carry their topic's title
        cursor.execute("CREATE TEMP TABLE seed_first_doc (post_id bigint, document text) ON COMMIT DROP")
        with cursor.copy("COPY seed_first_doc FROM STDIN") as copy:
            for t, spec in enumerate(plan.topics):
                number = body_no[spec.posts[0].body]
                copy.write_row((post_id[(t, 1)],
                                Document(title=units(spec.title), body=body_units[number]).tsvector()))
        cursor.execute(
            "INSERT INTO search_postdocument (post_id, document) SELECT id, document FROM ("
            "SELECT s.id, b.document FROM seed_post s JOIN seed_body b USING (body_no) WHERE s.position > 1 "
            "UNION ALL SELECT post_id, document::tsvector FROM seed_first_doc) d ORDER BY id")
        lap("search index")

        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _, create in dropped:
            cursor.execute(create)
        for table, name, definition in keys:
            cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
        for table in ("boards_topic", "boards_post"):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence(%s, 'id'), (SELECT max(id) FROM {table}))",  # noqa: S608 - a constant table name
                           [table])
        lap(f"{len(dropped)} indexes rebuilt, {len(keys)} foreign keys validated")


def check_counters() -> list[str]:
    """What differs between the stored counters and a recount of the rows (nothing: an empty list)."""
    problems = []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t.id FROM boards_topic t LEFT JOIN (SELECT topic_id, count(*) AS n, max(id) AS last_id, "
            "max(position) AS last_position, min(id) FILTER (WHERE position = 1) AS first_id "
            "FROM boards_post GROUP BY topic_id) a ON a.topic_id = t.id "
            "WHERE (t.post_count, t.last_post_id, t.first_post_id) IS DISTINCT FROM (a.n, a.last_id, a.first_id) "
            "OR a.last_position IS DISTINCT FROM a.n LIMIT 5")
        problems += [f"topic {row[0]}: post_count, first/last post or positions" for row in cursor.fetchall()]
        cursor.execute(
            "SELECT b.slug FROM boards_board b LEFT JOIN (SELECT t.board_id, count(DISTINCT t.id) AS topics, "
            "count(p.id) AS posts, max(p.id) AS last_id FROM boards_topic t JOIN boards_post p ON p.topic_id = t.id "
            "GROUP BY t.board_id) a ON a.board_id = b.id "
            "WHERE (b.topic_count, b.post_count, b.last_post_id) IS DISTINCT FROM (a.topics, a.posts, a.last_id)")
        problems += [f"board {row[0]}: topic_count, post_count or last post" for row in cursor.fetchall()]
        cursor.execute(
            "SELECT u.username FROM members_user u "
            "WHERE u.post_count <> (SELECT count(*) FROM boards_post p WHERE p.author_id = u.id) "
            "OR u.topic_count <> (SELECT count(*) FROM boards_topic t WHERE t.author_id = u.id) LIMIT 5")
        problems += [f"member {row[0]}: post_count or topic_count" for row in cursor.fetchall()]
    return problems

