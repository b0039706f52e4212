#!/usr/bin/env bash
# scripts/run.sh — run Hearth locally (`make run`, `make run PORT=9000`).
#
#   1. .venv with the runtime dependencies (pip install -e .; skipped while .venv/.stamp-run —
#      or .stamp-dev, written by scripts/test.sh — is newer than pyproject.toml)
#   2. migrate, make sure an admin exists (ensure_admin prints the admin's random password the
#      first time, and keeps it in var/admin-credentials.txt until the admin first logs in), then
#      load the demo content into an empty database (seed_demo --if-empty: open reports, a held
#      post, a proposal, a reminder and a seed topic waiting, some unread notices)
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
# shellcheck source=scripts/venv.sh
source scripts/venv.sh
if [ -f .venv/.stamp-dev ] && [ .venv/.stamp-dev -nt pyproject.toml ]; then
  log "dependencies up to date (the dev install has them all)"
else
  ensure_venv . .stamp-run
fi

# ---------------------------------------------------------------- database + admin
mkdir -p var
export DEBUG="${DEBUG:-1}"
PY=.venv/bin/python

log "migrate"
"$PY" manage.py migrate --noinput
# the admin first, so the demo's first run has something for them too (a reminder, a held post's notice)
log "ensure_admin"
"$PY" manage.py ensure_admin
log "seed_demo --if-empty"
"$PY" manage.py seed_demo --if-empty
log "rollup_stats (the community-health figures of the days since the last run; beat does it nightly)"
"$PY" manage.py rollup_stats

# ---------------------------------------------------------------- serve
log "serving on http://127.0.0.1:$PORT/  (Ctrl-C stops)"
exec "$PY" manage.py runserver "127.0.0.1:$PORT"
