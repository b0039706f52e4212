#!/usr/bin/env bash
# scripts/cluster_test.sh — `make cluster-test`: Hearth on two web nodes behind nginx, with a PostgreSQL primary
# and a streaming replica, Redis, two Celery workers and one beat, all started on 127.0.0.1 in a temporary
# folder and checked by scripts/cluster_check.py (its docstring lists the checks). Takes about 2 minutes.
#
# Needs PostgreSQL 15 and Redis (as scripts/services.sh installs them), nginx and wrk: as root, whatever is
# missing is installed with apt-get; as another user it says what to install. Nothing already running is
# used or touched: every server is new, on free ports in 56000-56999 and 64000-64399, and is stopped by its
# pid at the end, also when a check fails or the run is interrupted.
#
# Settings: CLUSTER_LOAD_SECONDS (30), CLUSTER_LOAD_CONNECTIONS (8), CLUSTER_KEEP=1 (keep the logs' folder),
# SKIP_APT=1 (never call apt-get).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

log() { printf '[cluster] %s\n' "$*" >&2; }
die() { printf '[cluster] ERROR: %s\n' "$*" >&2; exit 1; }
is_root() { [ "$(id -u)" -eq 0 ]; }

need=()
[ -x /usr/lib/postgresql/15/bin/pg_basebackup ] && [ -x /usr/lib/postgresql/15/bin/postgres ] || need+=(postgresql-15)
[ -x /usr/bin/redis-server ] || need+=(redis-server)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
command -v wrk >/dev/null 2>&1 || need+=(wrk)
if [ "${#need[@]}" -gt 0 ]; then
  if is_root && [ "${SKIP_APT:-0}" != 1 ]; then
    log "apt-get install ${need[*]} ..."
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    # policy-rc.d or not: the packages' own services are not what we run (ours run on private ports)
    apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
  else
    die "missing: ${need[*]}. Install them once: sudo apt-get install -y --no-install-recommends ${need[*]}"
  fi
fi
is_root && ! id postgres >/dev/null 2>&1 &&
  useradd --system --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin postgres

# shellcheck source=scripts/venv.sh
source scripts/venv.sh
ensure_venv '.[dev]' .stamp-dev

exec .venv/bin/python scripts/cluster_check.py
