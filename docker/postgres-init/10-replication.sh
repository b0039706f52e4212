#!/bin/bash
# Runs once, when the postgres service initialises its volume (/docker-entrypoint-initdb.d): the role the
# optional streaming replica (docker-compose.yml, profile "replica") copies and follows the primary with.
# On a volume made before this script existed, run the same two steps by hand (psql, then edit pg_hba.conf).
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v pw="${REPLICATION_PASSWORD:-replicator}" <<'SQL'
CREATE ROLE replicator WITH LOGIN REPLICATION PASSWORD :'pw';
SQL
echo "host replication replicator all scram-sha-256" >> "$PGDATA/pg_hba.conf"
