#!/bin/bash
# The postgres-replica service (docker-compose.yml, profile "replica"): on first start, copy the primary with
# pg_basebackup -R (which also writes the settings that make this a standby following the primary), then run
# PostgreSQL as a read-only hot standby. Runs as the postgres user.
set -euo pipefail
: "${PGDATA:=/var/lib/postgresql/data/pgdata}"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  echo "[replica] waiting for the primary at ${PRIMARY_HOST:-postgres}" >&2
  until pg_isready -q -h "${PRIMARY_HOST:-postgres}" -p 5432; do sleep 1; done
  echo "[replica] pg_basebackup from ${PRIMARY_HOST:-postgres}" >&2
  mkdir -p "$PGDATA"
  chmod 0700 "$PGDATA"
  PGPASSWORD="${REPLICATION_PASSWORD:-replicator}" pg_basebackup -h "${PRIMARY_HOST:-postgres}" -p 5432 \
    -U replicator -D "$PGDATA" -R -X stream -c fast
fi
exec postgres -D "$PGDATA" -c hot_standby=on -c hot_standby_feedback=on -c listen_addresses='*'
