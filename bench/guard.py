"""The bench's safety catch: `make bench` runs only against its own PostgreSQL database, never another.

The bench flushes its database and seeds 100,000 posts into it (bench.py), then adds 100,000 members
(ranks.py). Before either writes anything, check_bench_database() makes sure that DATABASE_URL

- is set (unset, Django would fall back to the `make run` forum in var/hearth.sqlite3),
- is a PostgreSQL URL on loopback naming the bench's own database, `hearth_bench` (or, for the larger
  forums of BENCH_SCALE=10 and the like, `hearth_bench_x10`, and for the stats step's forum
  `hearth_bench_stats_x10`: one database per scale and step, see bench_db_name),
- answers, and is that database (current_database()),
- and belongs to the bench: it holds the marker table the bench writes into it when it first finds it
  freshly created (no tables at all). A database that has tables but no marker was not made by the
  bench, and the bench neither flushes it nor writes into it.

Anything else raises BenchRefused, whose message says what is wrong and what to do. Nothing here reads or
writes files (in particular nothing under var/), and it needs no Django settings.

Run as a script (bench/run.sh does, before the bench), it checks DATABASE_URL, marks a fresh database,
and exits 0, or prints the refusal and exits 2.
"""
import os
import sys
import warnings

BENCH_DB_NAME = "hearth_bench"
MARKER_TABLE = "hearth_bench_marker"
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
HOW_TO_RUN = "Run the bench with `make bench` (bench/run.sh), which starts its private PostgreSQL."


def bench_db_name(scale: int = 1, kind: str | None = None) -> str:
    """The bench's database for a forum of `scale` times 100,000 posts: hearth_bench, hearth_bench_x10, ...;
    `kind` names a step's own forum (BENCH_DB_KIND by default): hearth_bench_stats_x10 for the stats step."""
    if not isinstance(scale, int) or scale < 1:
        raise ValueError(f"a bench scale is a whole number from 1, not {scale!r}")
    kind = os.environ.get("BENCH_DB_KIND", "") if kind is None else kind
    if kind and not kind.isalpha():
        raise ValueError(f"BENCH_DB_KIND is a word like stats, not {kind!r}")
    return BENCH_DB_NAME + (f"_{kind}" if kind else "") + (f"_x{scale}" if scale > 1 else "")


def scale_from_env() -> int:
    """The scale this bench process measures: BENCH_SCALE (one number here; bench/run.sh splits a list)."""
    raw = os.environ.get("BENCH_SCALE", "1").strip() or "1"
    if not raw.isdigit() or int(raw) < 1:
        raise ValueError(f"BENCH_SCALE must be a whole number from 1 (or a list like 1,10 for make bench), not {raw!r}")
    return int(raw)


class BenchRefused(Exception):
    """The bench will not run against this database; the message says why."""


def _where(config: dict) -> str:
    """The database a config points at, without its password."""
    return f"postgres://{config.get('USER') or ''}@{config.get('HOST') or ''}:{config.get('PORT') or ''}/" \
           f"{config.get('NAME') or ''}"


def bench_database_config(url: str | None, name: str | None = None) -> dict:
    """Django's database settings for url (as forum.settings would read it), if it may be the bench's
    database: PostgreSQL, on loopback, called `name` (by default the database of BENCH_SCALE,
    bench_db_name). Raises BenchRefused otherwise. Connects to nothing."""
    name = name or bench_db_name(scale_from_env())
    if not url:
        raise BenchRefused(
            "DATABASE_URL is not set. Without it Django would use the `make run` forum in var/hearth.sqlite3, "
            f"which the bench must never flush or seed. {HOW_TO_RUN}")
    import environ

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # django-environ warns about URLs it cannot read; we say it better
        try:
            config = environ.Env.db_url_config(url)
        except Exception as error:  # any unreadable URL is a refusal
            raise BenchRefused(f"DATABASE_URL cannot be read as a database URL ({error}). {HOW_TO_RUN}") from None
    engine = config.get("ENGINE", "")
    if engine != "django.db.backends.postgresql":
        kind = "SQLite (like the `make run` forum in var/)" if "sqlite" in engine else (engine or "not a database")
        raise BenchRefused(f"DATABASE_URL is {kind}, not PostgreSQL: the bench runs only on its own PostgreSQL "
                           f"database {name!r}. {HOW_TO_RUN}")
    if config.get("NAME") != name:
        raise BenchRefused(f"DATABASE_URL names the database {config.get('NAME')!r}, not the bench's own {name!r}: "
                           f"the bench flushes its database, so it runs on no other. {HOW_TO_RUN}")
    if config.get("HOST") not in LOOPBACK_HOSTS:
        raise BenchRefused(f"DATABASE_URL points at host {config.get('HOST') or '(a unix socket)'!r}; the bench's "
                           f"database is on loopback (127.0.0.1). {HOW_TO_RUN}")
    return config


def check_bench_database(url: str | None, *, name: str | None = None, may_mark: bool = False) -> str:
    """Refuse (BenchRefused) unless url is the bench's own database, answering and marked as the bench's
    (`name`: by default the database of BENCH_SCALE, bench_db_name).

    may_mark: a database that answers and has no tables at all (just created for the bench by
    scripts/services.sh) gets the marker now. Returns "marked" (it already was) or "marked now".
    """
    name = name or bench_db_name(scale_from_env())
    config = bench_database_config(url, name)
    import psycopg
    from psycopg import sql

    where = _where(config)
    try:
        connection = psycopg.connect(
            host=config["HOST"], port=config.get("PORT") or 5432, dbname=config["NAME"], user=config.get("USER"),
            password=config.get("PASSWORD"), connect_timeout=5, autocommit=True)
    except psycopg.Error as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise BenchRefused(f"the bench's database {where} does not answer ({reason}). {HOW_TO_RUN}") from None
    with connection:
        current = connection.execute("SELECT current_database()").fetchone()[0]
        if current != name:
            raise BenchRefused(f"{where} is the database {current!r}, not {name!r}. {HOW_TO_RUN}")
        marked = connection.execute("SELECT to_regclass(%s) IS NOT NULL", [f"public.{MARKER_TABLE}"]).fetchone()[0]
        if marked:
            return "marked"
        if not may_mark:
            raise BenchRefused(f"{where} has no bench marker (table {MARKER_TABLE}): bench/bench.py has not prepared "
                               f"it, so nothing is written into it. {HOW_TO_RUN}")
        tables = connection.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') "
            "AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'").fetchone()[0]
        if tables:
            maintenance = _where({**config, "NAME": "postgres"})
            raise BenchRefused(
                f"{where} already holds tables ({tables} relations) but no bench marker (table {MARKER_TABLE}): "
                f"the bench did not create it, so it will not flush it. If it is a bench database from before "
                f"the marker existed and you can lose it, drop it (psql {maintenance} -c 'DROP DATABASE {name}') "
                "and run `make bench` again.")
        table = sql.Identifier("public", MARKER_TABLE)
        with connection.transaction():
            connection.execute(sql.SQL("CREATE TABLE {} (created_at timestamptz NOT NULL DEFAULT now(), "
                                       "note text NOT NULL)").format(table))
            connection.execute(sql.SQL("INSERT INTO {} (note) VALUES (%s)").format(table),
                               ["Hearth's bench (bench/bench.py) found this database empty and owns it: "
                                "it flushes and reseeds it on every run."])
        return "marked now"


def main() -> int:
    url = os.environ.get("DATABASE_URL")
    try:
        state = check_bench_database(url, may_mark=True)
    except (BenchRefused, ValueError) as refusal:  # ValueError: BENCH_SCALE is not a scale
        print(f"[bench] REFUSED: {refusal}", file=sys.stderr)
        return 2
    config = bench_database_config(url)
    print(f"[bench] database {_where(config)}: the bench's own ({state})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
