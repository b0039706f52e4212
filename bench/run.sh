#!/usr/bin/env bash
# make bench: seed the large forum into a private PostgreSQL, serve it with gunicorn (2 workers) on
# 127.0.0.1, and measure requests/second and p50/p99 latency with wrk for the index, a board page,
# a topic page and page 200 of the 4,000-post topic. Everything runs on loopback and stops by PID.
#
# Settings: BENCH_SECONDS (10), BENCH_CONNECTIONS (4), BENCH_PORT (8131), BENCH_REUSE=1 (keep the
# seeded database from the last run), KEEP_SERVICES=1.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

log() { printf '[bench] %s\n' "$*" >&2; }

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

already_up=0
DB_NAME=hearth_bench bash scripts/services.sh status >/dev/null 2>&1 && already_up=1
eval "$(DB_NAME=hearth_bench bash scripts/services.sh start)"
cleanup() {
  if [ "$already_up" = 0 ] && [ "${KEEP_SERVICES:-0}" != 1 ]; then bash scripts/services.sh stop || true; fi
}
trap cleanup EXIT

export DATABASE_URL REDIS_URL
exec_status=0
.venv/bin/python bench/bench.py || exec_status=$?
# the nightly rank recompute over 100,000 members (BENCH_RANKS=0 skips it)
if [ "${BENCH_RANKS:-1}" = 1 ]; then
  DEBUG=1 .venv/bin/python bench/ranks.py 2>/dev/null | grep '^\[bench\]' || exec_status=$?
fi
exit "$exec_status"
