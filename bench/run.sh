#!/usr/bin/env bash
# make bench: seed the large forum into a private PostgreSQL, serve it with gunicorn (2 workers) on
# 127.0.0.1, and measure requests/second and p50/p99 latency with wrk for the index, a board page,
# a topic page and pages 1, 200 and the last of the long topic, each page of issue 13 (index, board, topic,
# page 200) also as a signed-in member, and checks issue 13's targets: a signed-in page at least 60 % of the
# same page's visitor throughput, the visitor board page at least as fast as the visitor topic page, p99 at
# most 3x p50 (PASS/FAIL lines; exit 1 on a FAIL). Everything runs on loopback and stops by PID.
#
# Settings: BENCH_SECONDS (12 a page), BENCH_ROUNDS (4: the pages are measured in turns, BENCH_SECONDS /
# BENCH_ROUNDS at a time, so that a change of the machine's load weighs on the pages compared alike),
# BENCH_CONNECTIONS (4), BENCH_PORT (8131; the bench refuses a port something listens on), BENCH_SEARCHES=0
# (skip the searches), BENCH_REUSE=1 (keep the seeded database from the last run), BENCH_RANKS=0 /
# BENCH_STATS=0 / BENCH_WORDFILTER=0 / BENCH_FRESHNESS=0 / BENCH_NOTIFY=0 (skip those steps),
# BENCH_STATS_REUSE=1 (keep the stats step's forum of the last run), KEEP_SERVICES=1; SERVICES_DIR, PGPORT,
# REDIS_PORT, ... go to scripts/services.sh.
#
# BENCH_SCALE=10 measures the forum ten times as large (1,000,000 posts, 40,000 topics, 4,000 members;
# bench/fastseed.py loads it in a few minutes). BENCH_SCALE=1,10 measures both, page by page in turn
# (bench/scale.py: BENCH_ROUNDS rounds, 3, of BENCH_SECONDS, 5, each), runs the rank recompute, the
# freshness check and the stats step at each scale, and ends with bench/compare.py: every page's p50 within
# 1.2x across the scales and every job within its bound, as PASS/FAIL lines (exit 1 on a FAIL). Each scale
# has its own database (hearth_bench, hearth_bench_x10) and so does the stats step's forum
# (hearth_bench_stats_x10; its scale is BENCH_STATS_SCALE, 10, outside comparisons).
#
# The bench flushes and reseeds its databases, so it runs only on its own: databases named hearth_bench...
# of the private PostgreSQL that scripts/services.sh starts (on a free port if the default is taken). If that
# does not start or answer, the bench stops with a message and a non-zero exit; it never falls back to the
# `make run` forum (SQLite in var/) or to a DATABASE_URL from your shell, and bench/guard.py refuses any
# database that is not the bench's on loopback carrying the bench's marker.
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

# the bench's databases: pages of each scale, and the stats step's forum of each scale it runs at
IFS=, read -r -a SCALES <<<"${BENCH_SCALE:-1}"
for scale in "${SCALES[@]}"; do
  [[ "$scale" =~ ^[1-9][0-9]*$ ]] || die "BENCH_SCALE must be scales like 10 or 1,10, not '${BENCH_SCALE}'"
done
COMPARE=0
[ "${#SCALES[@]}" -gt 1 ] && COMPARE=1
if [ "$COMPARE" = 1 ]; then STATS_SCALES=("${SCALES[@]}"); else STATS_SCALES=("${BENCH_STATS_SCALE:-10}"); fi
db_name() {  # kind (pages or stats), scale: as bench/guard.py bench_db_name
  local name=hearth_bench
  [ "$1" = stats ] && name="${name}_stats"
  [ "$2" -gt 1 ] && name="${name}_x$2"
  printf '%s' "$name"
}
declare -A URLS
start_db() {  # kind, scale: start the services (once), create that database, mark it as the bench's
  local kind="$1" scale="$2" name env_out
  name="$(db_name "$kind" "$scale")"
  # two steps on purpose: `eval "$(cmd)"` would hide a failure of cmd, even under set -e
  env_out="$(DB_NAME="$name" bash scripts/services.sh start)" ||
    die "the bench's PostgreSQL/Redis did not start (see above); nothing was benched, no database was touched"
  eval "$env_out"
  [ -n "${DATABASE_URL:-}" ] && [ -n "${REDIS_URL:-}" ] ||
    die "scripts/services.sh printed no DATABASE_URL/REDIS_URL; refusing to run without the bench's own database"
  # the bench's own database, answering and marked as the bench's (every bench script checks it again)
  DATABASE_URL="$DATABASE_URL" BENCH_SCALE="$scale" BENCH_DB_KIND="${kind/pages/}" .venv/bin/python bench/guard.py ||
    die "refusing to run the bench against that database (see above)"
  URLS["$kind-$scale"]="$DATABASE_URL"
}
for scale in "${SCALES[@]}"; do start_db pages "$scale"; done
[ "${BENCH_STATS:-1}" = 1 ] && for scale in "${STATS_SCALES[@]}"; do start_db stats "$scale"; done
export REDIS_URL

exec_status=0
# run one bench script: only its [bench] lines on stdout; its stderr (Django's logging) only when it fails
step() {
  local err; err="$(mktemp)"
  if ! "$@" 2>"$err" | grep '^\[bench\]'; then
    tail -n 30 "$err" >&2
    exec_status=1
  fi
  rm -f "$err"
}
at() {  # kind scale command...: run a step against that scale's database
  local kind="$1" scale="$2"; shift 2
  DATABASE_URL="${URLS[$kind-$scale]}" BENCH_SCALE="$scale" BENCH_DB_KIND="${kind/pages/}" "$@"
}

if [ "$COMPARE" = 0 ]; then
  scale="${SCALES[0]}"
  at pages "$scale" .venv/bin/python bench/bench.py || exec_status=$?
  # the nightly rank recompute over 100,000 members (BENCH_RANKS=0 skips it)
  [ "${BENCH_RANKS:-1}" = 1 ] && DEBUG=1 step at pages "$scale" .venv/bin/python bench/ranks.py
  # a reply to a topic with 5,000 watchers: the web request (the fan-out is in the task) (BENCH_NOTIFY=0 skips it)
  [ "${BENCH_NOTIFY:-1}" = 1 ] && step at pages "$scale" .venv/bin/python bench/notifications.py
  # the word filter: 5,000 terms against a 30,000-character post, in-process (BENCH_WORDFILTER=0 skips it)
  [ "${BENCH_WORDFILTER:-1}" = 1 ] && step at pages "$scale" .venv/bin/python bench/wordfilter.py
  # the daily freshness check on the pages' forum (BENCH_FRESHNESS=0 skips it)
  [ "${BENCH_FRESHNESS:-1}" = 1 ] && step at pages "$scale" .venv/bin/python bench/freshness.py
  # community health on 1,000,000 posts and 10,000 members (BENCH_STATS_SCALE=10): the nightly rollup and
  # /stats/ (BENCH_STATS=0 skips it), in its own database
  [ "${BENCH_STATS:-1}" = 1 ] && step at stats "${STATS_SCALES[0]}" .venv/bin/python bench/stats.py
else
  # every page on every scale, in turn (bench/scale.py seeds what BENCH_REUSE=1 does not keep)
  all_scales="$(IFS=,; printf '%s' "${SCALES[*]}")"
  DATABASE_URL="${URLS[pages-${SCALES[0]}]}" BENCH_SCALE="${SCALES[0]}" BENCH_SCALES="$all_scales" \
    BENCH_SECONDS="${BENCH_SECONDS:-5}" .venv/bin/python bench/scale.py || exec_status=$?
  for scale in "${SCALES[@]}"; do
    [ "${BENCH_RANKS:-1}" = 1 ] && DEBUG=1 step at pages "$scale" .venv/bin/python bench/ranks.py
    [ "${BENCH_FRESHNESS:-1}" = 1 ] && step at pages "$scale" .venv/bin/python bench/freshness.py
    [ "${BENCH_STATS:-1}" = 1 ] && step at stats "$scale" .venv/bin/python bench/stats.py
  done
  .venv/bin/python bench/compare.py "${SCALES[@]}" || exec_status=1
fi
exit "$exec_status"
