#!/usr/bin/env bash
# scripts/test.sh — Hearth's whole check, as `make test` and CI (.ci/run) run it.
#
#   1. .venv with the dev dependencies   (pip install -e '.[dev]'; redone only when pyproject.toml
#                                          is newer than .venv/.stamp-dev)
#   2. Debian's chromium for the browser tests (apt-get when missing and we are root)
#   3. a private PostgreSQL 15 + Redis on loopback (scripts/services.sh), stopped again on exit if
#      started here; no further step runs unless that database answers (never another database)
#   4. ruff check .
#   5. lint-imports + scripts/check_imports.py  (the apps stand in layers; no cycles; see pyproject.toml)
#   6. makemigrations --check --dry-run   (fails when a model change has no migration)
#   7. pytest                              (config in pyproject.toml; tests in tests/), in TEST_WORKERS
#                                          processes (pytest-xdist, 2; each a test database and a Redis
#                                          database of its own), a test module's tests in one of them
#   8. the cluster check (scripts/cluster_test.sh, about 2 minutes): two web nodes behind nginx, a primary
#      and a streaming replica, two Celery workers and beat, on servers of its own; run with the whole
#      suite (no PYTEST_ARGS, no arguments), or always with CLUSTER_TEST=1, never with CLUSTER_TEST=0
#
# The exit code is pytest's (or that of the first earlier step that failed), else the cluster check's.
#
# Settings (environment):
#   PYTEST_ARGS     extra pytest arguments, shell-quoted:  PYTEST_ARGS='-x -m "not browser"'
#                   (arguments given to this script are passed to pytest too)
#   TEST_WORKERS    pytest processes (default 2; 0 runs the tests in this process, one after the other).
#                   On 2 cores the suite takes about 7 minutes with 2 and over 20 with 0.
#   PYTHON          interpreter used to create .venv   (default: python3.11, else python3 >= 3.11)
#   CHROMIUM_PATH   browser used by the Playwright tests (default /usr/bin/chromium)
#   SKIP_CHROMIUM=1 do not require chromium (then deselect the browser tests: -m "not browser")
#   KEEP_SERVICES=1 leave PostgreSQL/Redis running afterwards (faster re-runs)
#   ALLOW_NO_TESTS=1 treat pytest's exit 5 ("no tests collected") as success (.ci/run sets it)
#   SERVICES_DIR, PGPORT, REDIS_PORT, SKIP_APT ...  passed on to scripts/services.sh

# shellcheck disable=SC2317  # print_timings/cleanup are called from traps
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$PWD"

log() { printf '[test] %s\n' "$*" >&2; }
die() { printf '[test] ERROR: %s\n' "$*" >&2; exit 1; }
is_root() { [ "$(id -u)" -eq 0 ]; }

# ---------------------------------------------------------------- step timing
# begin NAME ... end: records how long each step took; the summary is printed on exit,
# also when a step fails (set -e), so a CI log always shows where the time went.
now_us() { local t="${EPOCHREALTIME//[.,]/}"; echo "$t"; }
T_ALL="$(now_us)"
STEP=""
STEP_T0=0
TIMINGS=()
fmt_secs() { local us="$1"; printf '%d.%01d s' $((us / 1000000)) $(((us % 1000000) / 100000)); }
begin() {
  STEP="$1"; STEP_T0="$(now_us)"
  printf '\n[test] ==> %s\n' "$STEP" >&2
}
end() {
  local dt=$(( $(now_us) - STEP_T0 ))
  TIMINGS+=("$(printf '%-16s %s' "$STEP" "$(fmt_secs "$dt")")")
  log "<== $STEP done in $(fmt_secs "$dt")"
  STEP=""
}
fail_step() {  # a step that is still open when we exit is the one that failed (or was interrupted)
  [ -n "$STEP" ] || return 0
  TIMINGS+=("$(printf '%-16s %s  (FAILED here)' "$STEP" "$(fmt_secs $(( $(now_us) - STEP_T0 )))")")
  STEP=""
}
print_timings() {
  local line
  printf '\n[test] timings:\n' >&2
  for line in "${TIMINGS[@]}"; do printf '[test]   %s\n' "$line" >&2; done
  printf '[test]   %-16s %s\n' "total" "$(fmt_secs $(( $(now_us) - T_ALL )))" >&2
}

# ---------------------------------------------------------------- cleanup
# Stop the services we started — by PID, through services.sh — whatever way we leave:
# normal end, a failed step (set -e), Ctrl-C (INT) or TERM. INT/TERM exit, which runs the EXIT trap.
SERVICES_STARTED_HERE=0
PYTEST_LOG=""
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  fail_step
  if [ "$SERVICES_STARTED_HERE" = 1 ]; then
    if [ "${KEEP_SERVICES:-0}" = 1 ]; then
      log "KEEP_SERVICES=1: leaving PostgreSQL/Redis running (stop: bash scripts/services.sh stop)"
    else
      begin "services stop"
      bash "$ROOT/scripts/services.sh" stop || log "warning: stopping the services failed"
      end
    fi
  fi
  print_timings
  # repeat pytest's closing summary line last, so it ends the log (CI reads the closing lines)
  if [ -n "$PYTEST_LOG" ] && [ -s "$PYTEST_LOG" ]; then
    grep -E '^=+ .* in [0-9.]+s( \([0-9:]+\))? =+$' "$PYTEST_LOG" | tail -n 1 || true
  fi
  [ -n "$PYTEST_LOG" ] && rm -f "$PYTEST_LOG"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------- 1. virtualenv
# shellcheck source=scripts/venv.sh
source "$ROOT/scripts/venv.sh"

begin "venv"
ensure_venv '.[dev]' .stamp-dev
touch .venv/.stamp-run  # the dev install includes the runtime deps: scripts/run.sh needn't reinstall
end

# ---------------------------------------------------------------- 2. chromium (and gettext)
begin "chromium"
# gettext: the i18n test re-extracts the translatable strings to prove the catalogue covers them all
if ! command -v xgettext >/dev/null 2>&1; then
  if is_root && [ "${SKIP_APT:-0}" != 1 ]; then
    log "apt-get install gettext ..."
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends gettext >&2
  else
    die "gettext is missing (the i18n test needs xgettext): sudo apt-get install -y --no-install-recommends gettext"
  fi
fi
# nginx: tests/test_compose.py checks the proxy's config with `nginx -t` (make cluster-test uses it too)
if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
  if is_root && [ "${SKIP_APT:-0}" != 1 ]; then
    log "apt-get install nginx-light ..."
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx-light >&2
  else
    die "nginx is missing (tests/test_compose.py runs nginx -t): sudo apt-get install -y --no-install-recommends nginx-light"
  fi
fi
export CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"   # read by tests/conftest.py
if [ -x "$CHROMIUM_PATH" ]; then
  log "chromium present: $CHROMIUM_PATH"
elif [ "${SKIP_CHROMIUM:-0}" = 1 ]; then
  log "warning: no chromium at $CHROMIUM_PATH and SKIP_CHROMIUM=1: browser tests will fail unless deselected"
elif [ "$CHROMIUM_PATH" = /usr/bin/chromium ] && is_root && [ "${SKIP_APT:-0}" != 1 ]; then
  log "apt-get install chromium (about 35 s on a fresh machine) ..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends chromium >&2
  [ -x "$CHROMIUM_PATH" ] || die "chromium installed but $CHROMIUM_PATH is missing"
else
  die "no chromium at $CHROMIUM_PATH (needed by the browser tests). Install it once as root:
    sudo apt-get update && sudo apt-get install -y --no-install-recommends chromium
  or point CHROMIUM_PATH at a Chromium binary, or run without the browser tests:
    SKIP_CHROMIUM=1 PYTEST_ARGS='-m \"not browser\"' make test"
fi
end

# ---------------------------------------------------------------- 3. services
begin "services"
# The tests run only against the PostgreSQL/Redis of scripts/services.sh: never a DATABASE_URL inherited
# from the shell, never the `make run` SQLite database. If they do not start and answer, we stop here.
unset DATABASE_URL REDIS_URL
status_rc=0
bash scripts/services.sh status 2>/dev/null || status_rc=$?
if [ "$status_rc" = 0 ]; then
  # someone (make services-start) already runs them: use them, and leave them running
  log "PostgreSQL/Redis already running; using them and leaving them up"
elif [ "$status_rc" = 3 ]; then
  SERVICES_STARTED_HERE=1   # none ran: ours to stop. Set before starting, so a half-started pair is stopped too
else
  log "PostgreSQL/Redis of this SERVICES_DIR partly running: starting what is missing, leaving them up afterwards"
fi
# two steps on purpose: `eval "$(cmd)"` would hide a failure of cmd from set -e
services_env="$(bash scripts/services.sh start)" ||
  die "the tests' PostgreSQL/Redis did not start (see above); the tests run only against their own database"
eval "$services_env"
[[ "${DATABASE_URL:-}" == postgres://* ]] && [ -n "${REDIS_URL:-}" ] ||
  die "scripts/services.sh printed no PostgreSQL DATABASE_URL/REDIS_URL; the tests run only against their own database"
export DATABASE_URL REDIS_URL
log "DATABASE_URL=$DATABASE_URL"
log "REDIS_URL=$REDIS_URL"
.venv/bin/python - "$DATABASE_URL" <<'PY' || die "the tests' database $DATABASE_URL does not answer (see above)"
import sys

import psycopg

psycopg.connect(sys.argv[1], connect_timeout=5).close()
PY
end

# ---------------------------------------------------------------- 4. lint
begin "ruff"
.venv/bin/ruff check .
end

# ---------------------------------------------------------------- 5. layers
begin "layers"
PYTHONPATH=scripts .venv/bin/lint-imports --no-cache
.venv/bin/python scripts/check_imports.py
end

# ---------------------------------------------------------------- 6. migrations
begin "migrations"
DJANGO_SETTINGS_MODULE=forum.settings.test .venv/bin/python manage.py makemigrations --check --dry-run
end

# ---------------------------------------------------------------- 7. pytest
# PYTEST_ARGS is split like a shell command line, so quoted words stay whole: -m "not browser"
pytest_args=()
eval "pytest_args=(${PYTEST_ARGS:-})"
color=()
[ -t 1 ] && color=(--color=yes)   # output goes through tee below; keep colours on a terminal
PYTEST_LOG="$(mktemp)"
begin "pytest"
log "pytest ${pytest_args[*]} $*"
set +e
# --dist loadscope keeps a module's tests in one process: the modules that load a big forum (tests/perf) or
# start servers of their own (tests/test_outages.py) do it once; PYTEST_ARGS='-n 0' or TEST_WORKERS=0 runs
# everything here, one test after the other
workers=(-n "${TEST_WORKERS:-2}" --dist loadscope)
.venv/bin/pytest "${color[@]}" "${workers[@]}" "${pytest_args[@]}" "$@" 2>&1 | tee "$PYTEST_LOG"
rc=${PIPESTATUS[0]}
set -e
end
if [ "$rc" = 5 ] && [ "${ALLOW_NO_TESTS:-0}" = 1 ]; then
  log "pytest collected no tests (exit 5); ALLOW_NO_TESTS=1 turns that into success"
  rc=0
fi
log "pytest exit code: $rc"

# ---------------------------------------------------------------- 8. cluster
run_cluster="${CLUSTER_TEST:-auto}"
if [ "$run_cluster" = auto ]; then
  run_cluster=0
  [ -z "${PYTEST_ARGS:-}" ] && [ "$#" -eq 0 ] && run_cluster=1
fi
if [ "$run_cluster" = 1 ]; then
  begin "cluster"
  cluster_rc=0
  bash scripts/cluster_test.sh || cluster_rc=$?
  end
  log "cluster check exit code: $cluster_rc"
  [ "$rc" = 0 ] && rc=$cluster_rc
else
  log "cluster check skipped (it runs with the whole suite, or with CLUSTER_TEST=1; make cluster-test runs it alone)"
fi
exit "$rc"
