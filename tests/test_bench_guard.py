"""The bench runs only against its own database (bench/guard.py), never the `make run` forum.

`make bench` flushes its database and seeds 100,000 posts into it. When its PostgreSQL did not start,
DATABASE_URL stayed unset and it did so to var/hearth.sqlite3, the user's own forum. These tests hold
the guard to refusing every database but the bench's own, and check that nothing under var/ is touched.
"""
import hashlib
import os
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest

from bench.guard import (
    BENCH_DB_NAME,
    MARKER_TABLE,
    BenchRefused,
    bench_database_config,
    bench_db_name,
    check_bench_database,
    scale_from_env,
)

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"


def var_snapshot() -> dict[str, tuple[int, int, str]] | None:
    """Every file under var/ with its size, mtime and digest (None: there is no var/)."""
    if not VAR.exists():
        return None
    return {str(path.relative_to(VAR)): (path.stat().st_size, path.stat().st_mtime_ns,
                                         hashlib.sha256(path.read_bytes()).hexdigest())
            for path in sorted(VAR.rglob("*")) if path.is_file()}


@pytest.fixture
def var_untouched():
    before = var_snapshot()
    yield
    assert var_snapshot() == before, "the bench guard must not touch anything under var/"


def with_database(url: str, name: str) -> str:
    return urlsplit(url)._replace(path=f"/{name}").geturl()


SUITE_URL = os.environ.get("DATABASE_URL", "postgres://hearth:hearth@127.0.0.1:54329/hearth")


@pytest.mark.parametrize(("url", "reason"), [
    (None, "DATABASE_URL is not set"),
    ("", "DATABASE_URL is not set"),
    (f"sqlite:///{VAR / 'hearth.sqlite3'}", "is SQLite"),
    ("mysql://hearth:hearth@127.0.0.1:3306/hearth_bench", "not PostgreSQL"),
    ("not a url", "not PostgreSQL"),
    (SUITE_URL, "not the bench's own 'hearth_bench'"),  # a PostgreSQL that answers, but not the bench's
    ("postgres://hearth:hearth@db.example.org:5432/hearth_bench", "loopback"),
    ("postgres:///hearth_bench", "loopback"),
])
def test_refuses_anything_but_the_benchs_own_postgres_database(url, reason, var_untouched):
    with pytest.raises(BenchRefused, match=reason):
        check_bench_database(url, may_mark=True)


def test_refuses_a_database_that_does_not_answer(var_untouched):
    with pytest.raises(BenchRefused, match="does not answer"):
        check_bench_database(f"postgres://hearth:hearth@127.0.0.1:1/{BENCH_DB_NAME}", may_mark=True)


@pytest.fixture
def scratch_database():
    """Make empty databases on the suite's PostgreSQL (not named hearth_bench: a bench may use that one)."""
    made = []

    def make() -> str:
        name = f"guard_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(SUITE_URL, autocommit=True) as connection:
            connection.execute(f"CREATE DATABASE {name}")
        made.append(name)
        return name

    yield make
    with psycopg.connect(SUITE_URL, autocommit=True) as connection:
        for name in made:
            connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def has_marker(url: str) -> bool:
    with psycopg.connect(url) as connection:
        return connection.execute("SELECT to_regclass(%s) IS NOT NULL", [MARKER_TABLE]).fetchone()[0]


def test_marks_a_fresh_empty_database_and_then_accepts_it(scratch_database, var_untouched):
    name = scratch_database()
    url = with_database(SUITE_URL, name)

    with pytest.raises(BenchRefused, match="no bench marker"):  # ranks.py and the flush never mark
        check_bench_database(url, name=name)
    assert not has_marker(url)
    assert check_bench_database(url, name=name, may_mark=True) == "marked now"
    assert has_marker(url)
    assert check_bench_database(url, name=name) == "marked"
    assert check_bench_database(url, name=name, may_mark=True) == "marked"


def test_never_takes_over_a_database_with_tables_it_did_not_mark(scratch_database, var_untouched):
    name = scratch_database()
    url = with_database(SUITE_URL, name)
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("CREATE TABLE boards_post (id bigint PRIMARY KEY, body text)")
        connection.execute("INSERT INTO boards_post VALUES (1, 'my own post')")

    with pytest.raises(BenchRefused, match="the bench did not create it, so it will not flush it"):
        check_bench_database(url, name=name, may_mark=True)

    assert not has_marker(url)
    with psycopg.connect(url) as connection:
        assert connection.execute("SELECT body FROM boards_post").fetchall() == [("my own post",)]


@pytest.mark.parametrize("script", ["bench/bench.py", "bench/ranks.py", "bench/seed_forum.py", "bench/scale.py",
                                    "bench/freshness.py", "bench/stats.py", "bench/explain.py"])
@pytest.mark.parametrize("database_url", [None, f"sqlite:///{VAR / 'hearth.sqlite3'}"])
def test_the_bench_scripts_refuse_before_touching_any_database(script, database_url, var_untouched):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    if database_url:
        env["DATABASE_URL"] = database_url

    result = subprocess.run([sys.executable, script], cwd=ROOT, env={**env, "DEBUG": "1"}, capture_output=True,
                            text=True, timeout=60, check=False)

    assert result.returncode == 2, result.stdout + result.stderr
    assert "[bench] REFUSED:" in result.stderr
    assert "seeded" not in result.stdout


def test_each_scale_and_step_has_a_database_of_its_own(monkeypatch):
    monkeypatch.delenv("BENCH_DB_KIND", raising=False)
    assert bench_db_name(1) == BENCH_DB_NAME == "hearth_bench"
    assert bench_db_name(10) == "hearth_bench_x10"
    assert bench_db_name(10, kind="stats") == "hearth_bench_stats_x10"
    assert bench_db_name(1, kind="stats") == "hearth_bench_stats"
    for wrong in (0, -1, "10"):
        with pytest.raises(ValueError):
            bench_db_name(wrong)
    with pytest.raises(ValueError):
        bench_db_name(1, kind="stats; DROP")


@pytest.mark.parametrize(("scale", "kind", "accepted"), [
    ("1", "", "hearth_bench"), ("10", "", "hearth_bench_x10"), ("10", "stats", "hearth_bench_stats_x10")])
def test_the_guard_accepts_only_the_database_of_the_scale_it_runs_at(monkeypatch, scale, kind, accepted):
    monkeypatch.setenv("BENCH_SCALE", scale)
    monkeypatch.setenv("BENCH_DB_KIND", kind)
    for name in ("hearth_bench", "hearth_bench_x10", "hearth_bench_stats_x10", "hearth"):
        url = f"postgres://hearth:hearth@127.0.0.1:5432/{name}"
        if name == accepted:
            assert bench_database_config(url)["NAME"] == name
        else:
            with pytest.raises(BenchRefused, match="not the bench's own"):
                bench_database_config(url)


@pytest.mark.parametrize("scale", ["0", "x", "1,10", "-3"])
def test_a_scale_that_is_not_a_whole_number_is_refused(monkeypatch, scale):
    monkeypatch.setenv("BENCH_SCALE", scale)
    with pytest.raises(ValueError, match="BENCH_SCALE"):
        scale_from_env()
