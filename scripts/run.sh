#!/usr/bin/env bash
# scripts/run.sh — run Hearth locally (`make run`, `make run PORT=9000`).
#
#   1. .venv with the runtime dependencies (pip install -e .; skipped while .venv/.stamp-run —
#      or .stamp-dev, written by scripts/test.sh — is newer than pyproject.toml)
#   2. migrate, load the demo content into an empty database, make sure an admin exists
#      (ensure_admin prints the admin's random password the first time)
#   3. exec Django's development server on 127.0.0.1:$PORT
#
# Without DATABASE_URL the data lives in SQLite under var/. DEBUG defaults to 1 here.
# Settings (environment): PORT (default 8000), PYTHON (interpreter for a new .venv), DEBUG, DATABASE_URL ...
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

log() { printf '[run] %s\n' "$*" >&2; }
die() { printf '[run] ERROR: %s\n' "$*" >&2; exit 1; }
is_root() { [ "$(id -u)" -eq 0 ]; }

PORT="${PORT:-8000}"
[[ "$PORT" =~ ^[0-9]+$ ]] || die "PORT must be a number, got '$PORT'"

# ---------------------------------------------------------------- virtualenv
# (the same logic as in scripts/test.sh)
find_python() {
  local c
  for c in ${PYTHON:-} python3.11 python3; do
    command -v "$c" >/dev/null 2>&1 || continue
    if "$c" -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1; then
      echo "$c"; return 0
    fi
  done
  die "no Python >= 3.11 found (tried: ${PYTHON:-} python3.11 python3); set PYTHON=/path/to/python3.11"
}

make_venv() {
  local py; py="$(find_python)"
  log "creating .venv with $(command -v "$py") ($("$py" --version 2>&1))"
  if "$py" -m venv .venv; then return 0; fi
  rm -rf .venv
  if is_root && command -v apt-get >/dev/null 2>&1; then
    log "python -m venv failed; installing python3-venv with apt-get"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-venv >&2
    "$py" -m venv .venv && return 0
    rm -rf .venv
  fi
  die "could not create .venv with $py. On Debian: sudo apt-get install python3-venv (or use pyenv's 3.11)"
}

if [ -e .venv ] && ! .venv/bin/python -m pip --version >/dev/null 2>&1; then
  log ".venv is unusable (no working python/pip); recreating it"
  rm -rf .venv
fi
[ -x .venv/bin/python ] || make_venv
if { [ -f .venv/.stamp-run ] && [ .venv/.stamp-run -nt pyproject.toml ]; } ||
   { [ -f .venv/.stamp-dev ] && [ .venv/.stamp-dev -nt pyproject.toml ]; }; then
  log "dependencies up to date"
else
  log "pip install -e . ..."
  .venv/bin/python -m pip install --disable-pip-version-check -q -e .
  touch .venv/.stamp-run
fi

# ---------------------------------------------------------------- database + admin
mkdir -p var
export DEBUG="${DEBUG:-1}"
PY=.venv/bin/python

log "migrate"
"$PY" manage.py migrate --noinput
log "seed_demo --if-empty"
"$PY" manage.py seed_demo --if-empty
log "ensure_admin"
"$PY" manage.py ensure_admin

# ---------------------------------------------------------------- serve
log "serving on http://127.0.0.1:$PORT/  (Ctrl-C stops)"
exec "$PY" manage.py runserver "127.0.0.1:$PORT"
