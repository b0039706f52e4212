#!/usr/bin/env bash
# make bench: seed the large forum into a private PostgreSQL, serve it with gunicorn (2 workers) on
# 127.0.0.1, and measure requests/second and p50/p99 latency with wrk for the index, a board page,
# a topic page and page 200 of the 4,000-post topic. Everything runs on loopback and stops by PID.
#
# Settings: BENCH_SECONDS (10), BENCH_CONNECTIONS (4), BENCH_PORT (8131), BENCH_REUSE=1 (keep the
# seeded database from the last run), BENCH_RANKS=0 / BENCH_STATS=0 / BENCH_WORDFILTER=0 (skip those steps), BENCH_STATS_REUSE=1
# (keep the 1,000,000-post forum of the last stats step), KEEP_SERVICES=1; SERVICES_DIR, PGPORT, REDIS_PORT, ... go to
# scripts/services.sh.
#
# The bench flushes and reseeds its database, so it runs only on its own: the database hearth_bench of
# the private PostgreSQL that scripts/services.sh starts (on a free port if the default is taken). If that
# does not start or answer, the bench stops with a message and a non-zero exit; it never falls back to the
# `make run` forum (SQLite in var/) or to a DATABASE_URL from your shell, and bench/guard.py refuses any
# database that is not hearth_bench on loopback carrying the bench's marker.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

log() { printf '[bench] %s\n' "$*" >&2; }
die() { printf '[bench] ERROR: %s\n' "$*" >&2; exit 1; }

# only the URLs scripts/services.sh prints below count: never one inherited from the shell
unset DATABASE_URL REDIS_URL

if ! command -v wrk >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ]; then
    log "installing wrk (load generator) with apt-get"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk >&2
  else
    log "wrk is missing: sudo apt-get install -y wrk"; exit 1
  fi
fi

if [ ! -x .venv/bin/gunicorn ]; then
  log "creating .venv"
  [ -x .venv/bin/python ] || python3 -m venv .venv
  .venv/bin/python -m pip install --disable-pip-version-check -q -e '.[dev]'
fi

# stop the services afterwards only when none of them ran before (status exit 3): never stop what
# someone else started
status_rc=0
DB_NAME=hearth_bench bash scripts/services.sh status >/dev/null 2>&1 || status_rc=$?
started_here=0
[ "$status_rc" = 3 ] && started_here=1
cleanup() {
  if [ "$started_here" = 1 ] && [ "${KEEP_SERVICES:-0}" != 1 ]; then bash scripts/services.sh stop || true; fi
}
trap cleanup EXIT   # set before starting, so that a half-started pair is stopped too

# two steps on purpose: `eval "$(cmd)"` would hide a failure of cmd, even under set -e
services_env="$(DB_NAME=hearth_bench bash scripts/services.sh start)" ||
  die "the bench's PostgreSQL/Redis did not start (see above); nothing was benched, no database was touched"
eval "$services_env"
[ -n "${DATABASE_URL:-}" ] && [ -n "${REDIS_URL:-}" ] ||
  die "scripts/services.sh printed no DATABASE_URL/REDIS_URL; refusing to run without the bench's own database"
export DATABASE_URL REDIS_URL

# the bench's own database, answering and marked as the bench's (bench.py and ranks.py check it again)
.venv/bin/python bench/guard.py || die "refusing to run the bench against that database (see above)"

exec_status=0
.venv/bin/python bench/bench.py || exec_status=$?
# run one bench script: only its [bench] lines on stdout; its stderr (Django's logging) only when it fails
step() {
  local err; err="$(mktemp)"
  if ! "$@" 2>"$err" | grep '^\[bench\]'; then
    tail -n 30 "$err" >&2
    exec_status=1
  fi
  rm -f "$err"
}
# the nightly rank recompute over 100,000 members (BENCH_RANKS=0 skips it)
[ "${BENCH_RANKS:-1}" = 1 ] && DEBUG=1 step .venv/bin/python bench/ranks.py
# a reply to a topic with 5,000 watchers: the web request (the fan-out is in the task) (BENCH_NOTIFY=0 skips it)
[ "${BENCH_NOTIFY:-1}" = 1 ] && step .venv/bin/python bench/notifications.py
# the word filter: 5,000 terms against a 30,000-character post, in-process (BENCH_WORDFILTER=0 skips it)
[ "${BENCH_WORDFILTER:-1}" = 1 ] && step .venv/bin/python bench/wordfilter.py
# community health on 1,000,000 posts and 10,000 members: the nightly rollup and /stats/ (BENCH_STATS=0 skips
# it; it reseeds the database, so the next bench seeds its 100,000 posts again)
[ "${BENCH_STATS:-1}" = 1 ] && step .venv/bin/python bench/stats.py
exit "$exec_status"
