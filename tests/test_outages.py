"""Outages under load, for real: a live gunicorn (production settings, persistent connections) on a private
PostgreSQL cluster and Redis that this module starts in a temporary folder (never the suite's shared ones),
24 members posting at once, and in the middle

- PostgreSQL restarted (`pg_ctl restart -m fast`): no request answers 500; every post that was answered with
  a redirect exists once; a post answered 503 exists at most once; every counter matches a recount;
- Redis stopped: every post goes through and pages keep answering.

Everything started here is stopped by its pid (scripts/liveforum.py)."""
import random
import shutil
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

import psycopg
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import liveforum  # noqa: E402

pytestmark = pytest.mark.slow

MEMBERS = 24
POSTS_EACH = 9          # 216 posts a round: two replies, then a new topic, three times over
TOPICS = 4


@pytest.fixture(scope="module")
def forum():
    folder = Path(tempfile.mkdtemp(prefix="hearth-outages-", dir="/tmp"))
    folder.chmod(0o755)  # the postgres user must reach its cluster's folder
    services = liveforum.Services(folder)
    try:
        (pg_port,) = liveforum.free_ports(56400, 1, 56499)
        (redis_port,) = liveforum.free_ports(64400, 1, 64499)
        (web_port,) = liveforum.free_ports(56500, 1, 56599)
        pg = services.add("postgres", liveforum.Postgres(folder / "pg", pg_port))
        pg.init_primary()
        pg.start()
        pg.create_app_database()
        redis = services.add("redis", liveforum.Redis(folder / "redis", redis_port))
        redis.start()
        env = liveforum.app_env(database_url=pg.url(), redis_url=redis.url(), mail_dir=folder / "mail",
                                CONN_MAX_AGE="60", LOG_LEVEL="WARNING")
        liveforum.manage(env, "migrate", "--noinput", "-v", "0")
        liveforum.manage(env, "collectstatic", "--noinput", "-v", "0")
        data = liveforum.setup_forum(env, members=MEMBERS, topics=TOPICS)
        web = services.add("gunicorn", liveforum.start_gunicorn("web", web_port, env, folder, workers=3))
        yield SimpleNamespace(pg=pg, redis=redis, web=web, port=web_port, data=data, folder=folder)
    finally:
        services.stop_all()
        shutil.rmtree(folder, ignore_errors=True)


def run_load(forum, *, tag: str, interrupt, after: int):
    """MEMBERS members post POSTS_EACH times each, at once, while two readers load pages; `interrupt()` runs
    once `after` posts were answered. Returns the posts (kind, text, status, location), the readers' statuses,
    how many posts were answered after the interruption ended, and what interrupt() returned."""
    posts, pages = [], []
    lock = threading.Lock()
    answered = threading.Semaphore(0)
    done = threading.Event()
    board, topics = forum.data["board"], forum.data["topics"]

    def member(index: int, session: str) -> None:
        client = liveforum.Client(forum.port, session=session)
        rnd = random.Random(f"{tag}{index}")
        for i in range(POSTS_EACH):
            text = f"{tag} m{index} n{i} {liveforum.secret(4)}"
            if i % 3 == 2:
                kind, path, form = "topic", f"/b/{board}/new/", {"title": f"Topic {text}", "body": f"Body {text}"}
            else:
                kind, path, form = "reply", f"/t/{rnd.choice(topics)}/reply/", {"body": f"Reply {text}"}
            try:
                status, headers, _body = client.post(path, form)
                location = headers.get("Location", "")
            except OSError as exc:
                status, location = f"connection error: {exc}", ""
            with lock:
                posts.append((kind, form.get("title") or form["body"], status, location, time.monotonic()))
            answered.release()
        client.close()

    def reader() -> None:
        client = liveforum.Client(forum.port)
        paths = ["/", f"/b/{board}/", *[f"/t/{t}/" for t in topics]]
        while not done.is_set():
            path = random.choice(paths)
            try:
                status, headers, _body = client.get(path)
                if status in (301, 302):
                    status, headers, _body = client.get(headers["Location"])
            except OSError as exc:
                status = f"connection error: {exc}"
            with lock:
                pages.append((path, status))
        client.close()

    threads = [threading.Thread(target=member, args=(i, m["session"]))
               for i, m in enumerate(forum.data["members"])]
    readers = [threading.Thread(target=reader) for _ in range(2)]
    for thread in threads + readers:
        thread.start()
    for _ in range(after):
        answered.acquire(timeout=120)
    outcome = interrupt()
    interrupted_until = time.monotonic()
    for thread in threads:
        thread.join(timeout=300)
    done.set()
    for thread in readers:
        thread.join(timeout=60)
    later = sum(1 for p in posts if p[4] > interrupted_until)
    return posts, pages, later, outcome


def db_rows(forum, query: str, params=()):
    with psycopg.connect(forum.pg.url(), connect_timeout=10) as conn:
        return conn.execute(query, params).fetchall()


def assert_nothing_lost_and_counters_exact(forum, posts):
    for kind, text, status, location, _at in posts:
        if kind == "reply":
            found = db_rows(forum, "SELECT count(*) FROM boards_post WHERE body = %s", (text,))[0][0]
        else:
            found = db_rows(forum, "SELECT count(*) FROM boards_topic WHERE title = %s", (text,))[0][0]
        if status == 302:
            assert found == 1, (kind, text, location)
            if kind == "topic":
                assert liveforum.new_topic_id(location) is not None, location
        else:
            assert status == 503 and found <= 1, (kind, text, status, found)
    # every counter matches a recount
    assert db_rows(forum, """
        SELECT t.id, t.post_count, count(p.id), max(p.position) FROM boards_topic t
        LEFT JOIN boards_post p ON p.topic_id = t.id GROUP BY t.id
        HAVING t.post_count <> count(p.id) OR max(p.position) <> count(p.id)""") == []
    board_counts = db_rows(forum, """
        SELECT b.topic_count, b.post_count,
               (SELECT count(*) FROM boards_topic t WHERE t.board_id = b.id AND NOT t.is_hidden),
               (SELECT count(*) FROM boards_post p JOIN boards_topic t ON t.id = p.topic_id
                 WHERE t.board_id = b.id AND NOT t.is_hidden)
        FROM boards_board b""")
    for topic_count, post_count, topics_counted, posts_counted in board_counts:
        assert (topic_count, post_count) == (topics_counted, posts_counted)
    assert db_rows(forum, """
        SELECT u.username, u.post_count, u.topic_count FROM members_user u
        WHERE u.post_count <> (SELECT count(*) FROM boards_post p WHERE p.author_id = u.id)
           OR u.topic_count <> (SELECT count(*) FROM boards_topic t WHERE t.author_id = u.id)""") == []


def summary(posts, pages) -> str:
    return (f"posts {dict(Counter(p[2] for p in posts))}, pages {dict(Counter(p[1] for p in pages))}")


def test_a_database_restart_under_load_answers_503_never_500_and_loses_nothing(forum):
    posts, pages, later, restart_seconds = run_load(
        forum, tag="restart", interrupt=forum.pg.restart_fast, after=MEMBERS * POSTS_EACH // 3)
    report = f"restart took {restart_seconds:.2f} s; {summary(posts, pages)}; {later} posts answered after it"
    print(f"\n[outage] PostgreSQL restart: {report}")
    assert len(posts) == MEMBERS * POSTS_EACH, report
    assert later > 0, f"the restart came after the load: {report}"
    assert all(p[2] in (302, 503) for p in posts), report
    assert all(status in (200, 503) for _path, status in pages), report
    assert_nothing_lost_and_counters_exact(forum, posts)
    # the site is whole again: a page, and the health check
    client = liveforum.Client(forum.port)
    assert client.get("/")[0] == 200
    assert client.get("/healthz")[0] == 200


def test_the_health_check_and_pages_say_503_while_the_database_is_down(forum):
    client = liveforum.Client(forum.port)
    assert client.get(f"/b/{forum.data['board']}/")[0] == 200
    forum.pg.stop()
    try:
        status, headers, body = client.get(f"/b/{forum.data['board']}/")
        assert status == 503, body[:500]
        assert headers["Retry-After"] == "5"
        assert "Back in a moment" in body and "cannot reach its database" in body
        chinese = liveforum.Client(forum.port)
        chinese.cookies["django_language"] = "zh-hans"
        status, headers, body = chinese.get("/")
        assert status == 503 and "马上回来" in body
        status, headers, body = client.get("/healthz")
        assert status == 503
        assert '"database": "down"' in body and '"redis": "ok"' in body
        member = liveforum.Client(forum.port, session=forum.data["members"][0]["session"])
        status, headers, body = member.post(f"/t/{forum.data['topics'][0]}/reply/", {"body": "While it is down."})
        assert status == 503, body[:500]
    finally:
        forum.pg.start()
    liveforum.wait_until(lambda: client.get("/")[0] == 200, 30, "the forum to answer again")


def test_with_redis_stopped_under_load_every_post_goes_through(forum):
    posts, pages, later, _ = run_load(forum, tag="redis", interrupt=forum.redis.stop, after=MEMBERS * POSTS_EACH // 3)
    report = f"{summary(posts, pages)}; {later} posts answered after Redis stopped"
    print(f"\n[outage] Redis stopped: {report}")
    try:
        assert later > 0, report
        assert [p for p in posts if p[2] != 302] == [], report
        assert all(status == 200 for _path, status in pages), report
        assert_nothing_lost_and_counters_exact(forum, posts)
        status, _headers, body = liveforum.Client(forum.port).get("/healthz")
        assert status == 503 and '"redis": "down"' in body and '"database": "ok"' in body
    finally:
        forum.redis.start()
