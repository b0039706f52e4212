#!/usr/bin/env bash
# scripts/services.sh — Hearth's private PostgreSQL 15 + Redis on loopback for tests/CI (Debian 12).
#
# Usage:
#   bash services.sh [start]   install (apt-get, only if missing) + start both, create role/db,
#                              wait until both answer, print `export ...` lines on stdout
#   bash services.sh stop      stop both via their pid files (kill by PID, never by name)
#   bash services.sh status    say what is running: exit 0 if both answer, 3 if neither of this
#                              SERVICES_DIR's servers runs, 1 otherwise (one down, or on another port)
#   bash services.sh env       print the export lines again
#   bash services.sh wipe      stop, then delete the services folder (only one this script made)
#
#   env="$(bash services.sh start)" && eval "$env"   # then $DATABASE_URL and $REDIS_URL are set
#   (two steps: in `eval "$(bash services.sh start)"` a failed start goes unnoticed, even under set -e)
#
# Settings (environment):
#   SERVICES_DIR   folder for data, logs, sockets, pid files   (default /tmp/hearth-services)
#   PGPORT         PostgreSQL TCP port on 127.0.0.1            (default: chosen, see Ports)
#   REDIS_PORT     Redis TCP port on 127.0.0.1                 (default: chosen, see Ports)
#   PGPORT_DEFAULT / REDIS_PORT_DEFAULT   first ports tried when PGPORT / REDIS_PORT are unset
#                                                              (default 54329 / 63799)
#   DB_NAME / DB_USER / DB_PASSWORD                            (default hearth / hearth / hearth)
#   PG_OS_USER     OS user that runs postgres when we are root (default postgres)
#   REDIS_OS_USER  OS user that runs redis when we are root    (default redis, else PG_OS_USER)
#   SKIP_APT=1     never call apt-get (fail if binaries are missing)
#
# Ports: a PGPORT / REDIS_PORT you set is used as it is; if something else listens there, start fails
# and names the port (it never moves silently). Unset, start keeps the port of a server of this
# SERVICES_DIR that is already running, else reuses the port of the last start if it is free, else the
# default if free, else the next free port above the default, and says so. The ports chosen are kept in
# $SERVICES_DIR/ports (and in the URLs of the export lines and of $SERVICES_DIR/env.sh), so that status,
# env and the next start use them; stop needs no port (it goes by pid files).
#
# Progress goes to stderr; stdout carries only the export lines (so eval works).
# Postgres refuses to run as root: as root we run it (and redis) through `runuser -u USER`.
# The cluster is throwaway: fsync/synchronous_commit/full_page_writes are off for speed.
set -euo pipefail

SERVICES_DIR="${SERVICES_DIR:-/tmp/hearth-services}"
# ports the user chose (respected as they are) and the defaults tried first otherwise; see "Ports" above
PGPORT_EXPLICIT="${PGPORT:-}"
REDIS_PORT_EXPLICIT="${REDIS_PORT:-}"
PGPORT_DEFAULT="${PGPORT_DEFAULT:-54329}"
REDIS_PORT_DEFAULT="${REDIS_PORT_DEFAULT:-63799}"
PGPORT=""       # set by choose_ports (start) or current_ports (status, env)
REDIS_PORT=""
DB_NAME="${DB_NAME:-hearth}"
DB_USER="${DB_USER:-hearth}"
DB_PASSWORD="${DB_PASSWORD:-hearth}"
PG_OS_USER="${PG_OS_USER:-postgres}"
PGBIN="${PGBIN:-/usr/lib/postgresql/15/bin}"
REDIS_SERVER="${REDIS_SERVER:-/usr/bin/redis-server}"
REDIS_CLI="${REDIS_CLI:-/usr/bin/redis-cli}"

PGDATA="$SERVICES_DIR/pg/data"
PGRUN="$SERVICES_DIR/pg/run"          # unix socket dir
PGLOG="$SERVICES_DIR/pg/postgres.log"
RDIR="$SERVICES_DIR/redis"
RCONF="$RDIR/redis.conf"
RPID="$RDIR/redis.pid"
RLOG="$RDIR/redis.log"
MARKER="$SERVICES_DIR/.hearth-services"
PORTS_FILE="$SERVICES_DIR/ports"      # PGPORT=… and REDIS_PORT=… of the last start

log() { printf '[services] %s\n' "$*" >&2; }
die() { printf '[services] ERROR: %s\n' "$*" >&2; exit 1; }

is_root() { [ "$(id -u)" -eq 0 ]; }

# run a command as the given OS user (only switches user when we are root)
as_user() {
  local user="$1"; shift
  if is_root; then runuser -u "$user" -- "$@"; else "$@"; fi
}

# is PID alive? A zombie counts as dead: here PID 1 may reap orphans only after a while, and
# kill -0 succeeds on a zombie (which made `stop` wait seconds and `start` see a dead server).
alive() {
  kill -0 "$1" 2>/dev/null || return 1
  local state; state="$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)"
  [ "$state" != Z ]
}

database_url() { printf 'postgres://%s:%s@127.0.0.1:%s/%s' "$DB_USER" "$DB_PASSWORD" "$PGPORT" "$DB_NAME"; }
redis_url() { printf 'redis://127.0.0.1:%s/0' "$REDIS_PORT"; }

print_env() {
  printf 'export DATABASE_URL=%q\n' "$(database_url)"
  printf 'export REDIS_URL=%q\n' "$(redis_url)"
}

# ---------------------------------------------------------------- ports
for _var in PGPORT_EXPLICIT REDIS_PORT_EXPLICIT PGPORT_DEFAULT REDIS_PORT_DEFAULT; do
  _val="${!_var}"
  if [ -n "$_val" ] && { ! [[ "$_val" =~ ^[0-9]{1,5}$ ]] || [ "$_val" -lt 1 ] || [ "$_val" -gt 65535 ]; }; then
    die "${_var%_EXPLICIT} must be a port number (1-65535), got '$_val'"
  fi
done
unset _var _val

# Is 127.0.0.1:$1 taken? Busy when it cannot be bound (a listener on 127.0.0.1, 0.0.0.0 or [::]) or when
# something accepts a connection there.
port_busy() {
  if command -v python3 >/dev/null 2>&1; then
    python3 - "$1" <<'PY'
import socket
import sys

port = int(sys.argv[1])
probe = socket.socket()
probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    probe.bind(("127.0.0.1", port))
except OSError:
    sys.exit(0)
finally:
    probe.close()
try:
    socket.create_connection(("127.0.0.1", port), timeout=1).close()
except OSError:
    sys.exit(1)
sys.exit(0)
PY
  else
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
  fi
}

# " (held by NAME pid N)" when ss can tell, for the messages; nothing otherwise
port_holder() {
  command -v ss >/dev/null 2>&1 || return 0
  local who
  who="$(ss -Hltnp "sport = :$1" 2>/dev/null | grep -o 'users:(("[^"]*",pid=[0-9]*' | head -n1 |
    sed 's/users:(("\([^"]*\)",pid=\([0-9]*\)/\1, pid \2/')" || true
  if [ -n "$who" ]; then printf ' (held by %s)' "$who"; fi
}

# the first free port in $1 .. $1+199 other than $2; fails when there is none
free_port_from() {
  local p
  for ((p = $1; p < $1 + 200 && p <= 65535; p++)); do
    [ "$p" = "${2:-}" ] && continue
    port_busy "$p" || { echo "$p"; return 0; }
  done
  return 1
}

remembered_port() {  # $1 = PGPORT | REDIS_PORT: the port of the last start (from $PORTS_FILE), or nothing
  [ -f "$PORTS_FILE" ] || return 0
  sed -n "s/^$1=\([0-9]\{1,5\}\)\$/\1/p" "$PORTS_FILE" | head -n1
}

pg_running_port() {  # the port of this SERVICES_DIR's running postmaster (line 4 of postmaster.pid)
  [ -n "$(pg_pid)" ] || return 0
  local port; port="$(sed -n 4p "$PGDATA/postmaster.pid" 2>/dev/null || true)"
  if [[ "$port" =~ ^[0-9]+$ ]]; then echo "$port"; fi
}

redis_running_port() {  # the port of this SERVICES_DIR's running redis (from the conf it was started with)
  [ -n "$(redis_pid)" ] || return 0
  sed -n 's/^port \([0-9]\{1,5\}\)$/\1/p' "$RCONF" 2>/dev/null | head -n1
}

# choose_port NAME EXPLICIT RUNNING DEFAULT [AVOID]: prints the port for NAME (PGPORT | REDIS_PORT)
choose_port() {
  local name="$1" explicit="$2" running="$3" default="$4" avoid="${5:-}" candidate port hint
  if [ -n "$running" ]; then
    if [ -n "$explicit" ] && [ "$explicit" != "$running" ]; then
      die "the server of $SERVICES_DIR already runs on port $running, not $name=$explicit:
  stop it first (SERVICES_DIR=$SERVICES_DIR bash $0 stop), or leave $name unset to use it"
    fi
    echo "$running"; return 0
  fi
  if [ -n "$explicit" ]; then
    [ "$explicit" != "$avoid" ] || die "PGPORT and REDIS_PORT are both $explicit: choose two different ports"
    if port_busy "$explicit"; then
      hint="$(free_port_from $((explicit + 1)) "$avoid" || true)"
      die "port $explicit on 127.0.0.1 ($name=$explicit) is busy$(port_holder "$explicit").
  Choose another port, e.g. $name=${hint:-<a free port>} bash $0 start,
  or leave $name unset to have a free port picked."
    fi
    echo "$explicit"; return 0
  fi
  for candidate in "$(remembered_port "$name")" "$default"; do
    [ -n "$candidate" ] && [ "$candidate" != "$avoid" ] || continue
    port_busy "$candidate" || { echo "$candidate"; return 0; }
  done
  port="$(free_port_from $((default + 1)) "$avoid")" ||
    die "port $default ($name) is busy$(port_holder "$default"), and so are the 200 above it: set $name=<a free port>"
  log "port $default is busy$(port_holder "$default"): using $port instead (set $name=... to choose one yourself)"
  echo "$port"
}

choose_ports() {  # start: decide both ports before starting anything, and remember them
  PGPORT="$(choose_port PGPORT "$PGPORT_EXPLICIT" "$(pg_running_port)" "$PGPORT_DEFAULT")"
  REDIS_PORT="$(choose_port REDIS_PORT "$REDIS_PORT_EXPLICIT" "$(redis_running_port)" "$REDIS_PORT_DEFAULT" "$PGPORT")"
  printf 'PGPORT=%s\nREDIS_PORT=%s\n' "$PGPORT" "$REDIS_PORT" >"$PORTS_FILE"
}

current_ports() {  # status / env: what the user set, else what runs, else what the last start chose
  PGPORT="${PGPORT_EXPLICIT:-$(pg_running_port)}"
  PGPORT="${PGPORT:-$(remembered_port PGPORT)}"
  PGPORT="${PGPORT:-$PGPORT_DEFAULT}"
  REDIS_PORT="${REDIS_PORT_EXPLICIT:-$(redis_running_port)}"
  REDIS_PORT="${REDIS_PORT:-$(remembered_port REDIS_PORT)}"
  REDIS_PORT="${REDIS_PORT:-$REDIS_PORT_DEFAULT}"
}

# ---------------------------------------------------------------- install
install_packages() {
  local need=()
  [ -x "$PGBIN/postgres" ] && [ -x "$PGBIN/initdb" ] && [ -x "$PGBIN/pg_ctl" ] || need+=(postgresql-15)
  [ -x "$PGBIN/psql" ] && [ -x "$PGBIN/pg_isready" ] || need+=(postgresql-client-15)
  [ -x "$REDIS_SERVER" ] || need+=(redis-server)
  [ -x "$REDIS_CLI" ] || need+=(redis-tools)
  command -v runuser >/dev/null 2>&1 || need+=(util-linux)
  if [ "${#need[@]}" -eq 0 ]; then
    log "packages already installed"
    return 0
  fi
  [ "${SKIP_APT:-0}" = 1 ] && die "missing: ${need[*]} and SKIP_APT=1"
  is_root || die "missing packages: ${need[*]}. Install them once as root, e.g.
    sudo apt-get update && sudo apt-get install -y --no-install-recommends ${need[*]}
  (or run this script as root, and it will do so itself)"
  log "apt-get install ${need[*]} ..."
  local t0=$SECONDS
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
  log "apt-get done in $((SECONDS - t0)) s"
}

ensure_os_users() {
  is_root || return 0
  if ! id "$PG_OS_USER" >/dev/null 2>&1; then
    log "creating system user $PG_OS_USER"
    useradd --system --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin "$PG_OS_USER"
  fi
  if [ -z "${REDIS_OS_USER:-}" ]; then
    if id redis >/dev/null 2>&1; then REDIS_OS_USER=redis; else REDIS_OS_USER="$PG_OS_USER"; fi
  fi
}

# ---------------------------------------------------------------- postgres
pg_pid() {  # prints the live postmaster pid, or nothing
  [ -f "$PGDATA/postmaster.pid" ] || return 0
  local pid; pid="$(head -n1 "$PGDATA/postmaster.pid" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 0
  if alive "$pid" && grep -q postgres "/proc/$pid/comm" 2>/dev/null; then echo "$pid"; fi
}

pg_start() {
  local owner="${PG_OS_USER}"
  is_root || owner="$(id -un)"
  mkdir -p "$SERVICES_DIR/pg" "$PGRUN"
  if is_root; then
    chown "$owner": "$SERVICES_DIR/pg" "$PGRUN"
    # the service user must be able to reach the folder (e.g. not under /root, mode 0700)
    runuser -u "$owner" -- test -x "$SERVICES_DIR/pg" ||
      die "user $owner cannot enter $SERVICES_DIR (a parent folder is not traversable); pick another SERVICES_DIR"
  fi
  chmod 0700 "$PGRUN"
  if [ ! -s "$PGDATA/PG_VERSION" ]; then
    log "initdb $PGDATA"
    rm -rf "$PGDATA"
    mkdir -p "$PGDATA"
    is_root && chown "$owner": "$PGDATA"
    chmod 0700 "$PGDATA"
    local pwfile="$SERVICES_DIR/pg/.pw"
    ( umask 077; printf '%s\n' "$DB_PASSWORD" > "$pwfile" )
    is_root && chown "$owner": "$pwfile"
    as_user "$owner" "$PGBIN/initdb" -D "$PGDATA" -U postgres --pwfile="$pwfile" \
      --encoding=UTF8 --locale=C.UTF-8 --auth-local=trust --auth-host=scram-sha-256 >"$SERVICES_DIR/pg/initdb.log" 2>&1 ||
      { cat "$SERVICES_DIR/pg/initdb.log" >&2; die "initdb failed"; }
    rm -f "$pwfile"
    cat >>"$PGDATA/postgresql.conf" <<EOF

# --- added by services.sh (throwaway test cluster) ---
listen_addresses = '127.0.0.1'
unix_socket_directories = '$PGRUN'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 100
shared_buffers = 128MB
EOF
  fi
  # the port may change between runs: pass it on the command line, not in the conf
  local pid; pid="$(pg_pid)"
  if [ -n "$pid" ]; then
    log "postgres already running (pid $pid)"
  else
    log "starting postgres on 127.0.0.1:$PGPORT"
    touch "$PGLOG"; is_root && chown "$owner": "$PGLOG"
    as_user "$owner" "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGLOG" -o "-p $PGPORT" -w -t 60 start >&2 ||
      { tail -n 30 "$PGLOG" >&2; die "postgres did not start (port $PGPORT busy? see $PGLOG)"; }
  fi
  # wait until it answers on TCP
  local i
  for i in $(seq 1 120); do
    "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$PGPORT" && break
    sleep 0.5
  done
  "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$PGPORT" || { tail -n 30 "$PGLOG" >&2; die "postgres not answering on $PGPORT"; }
  pg_create_role_db "$owner"
}

pg_sql() {  # run SQL as the cluster superuser over the private unix socket
  local owner="$1"; shift
  as_user "$owner" "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PGRUN" -p "$PGPORT" -U postgres -d postgres "$@"
}

pg_create_role_db() {
  local owner="$1"
  # names are restricted so that they can be spliced into SQL safely
  [[ "$DB_USER" =~ ^[a-z_][a-z0-9_]*$ ]] || die "DB_USER must match [a-z_][a-z0-9_]*"
  [[ "$DB_NAME" =~ ^[a-z_][a-z0-9_]*$ ]] || die "DB_NAME must match [a-z_][a-z0-9_]*"
  local pw_sql="${DB_PASSWORD//\'/\'\'}"
  if [ "$(pg_sql "$owner" -tAc "SELECT 1 FROM pg_roles WHERE rolname='$DB_USER'")" != 1 ]; then
    log "creating role $DB_USER"
    pg_sql "$owner" -c "CREATE ROLE $DB_USER LOGIN CREATEDB PASSWORD '$pw_sql'"
  else
    pg_sql "$owner" -c "ALTER ROLE $DB_USER LOGIN CREATEDB PASSWORD '$pw_sql'"
  fi
  if [ "$(pg_sql "$owner" -tAc "SELECT 1 FROM pg_database WHERE datname='$DB_NAME'")" != 1 ]; then
    log "creating database $DB_NAME"
    pg_sql "$owner" -c "CREATE DATABASE $DB_NAME OWNER $DB_USER ENCODING 'UTF8' TEMPLATE template0"
  fi
  # prove the URL we print works (TCP + password auth)
  PGPASSWORD="$DB_PASSWORD" PGCONNECT_TIMEOUT=5 "$PGBIN/psql" -X -q -tA -h 127.0.0.1 -p "$PGPORT" -U "$DB_USER" -d "$DB_NAME" \
    -c "SELECT 1" >/dev/null || die "cannot log in as $DB_USER over TCP"
  log "postgres ready: $(database_url)"
}

pg_stop() {
  local pid; pid="$(pg_pid)"
  if [ -z "$pid" ]; then
    log "postgres not running"
    rm -f "$PGDATA/postmaster.pid" 2>/dev/null || true
    return 0
  fi
  log "stopping postgres pid $pid (fast shutdown, SIGINT)"
  kill -INT "$pid"
  local i
  for i in $(seq 1 300); do alive "$pid" || break; sleep 0.1; done
  if alive "$pid"; then
    log "postgres pid $pid still alive after 30 s: SIGQUIT"
    kill -QUIT "$pid" 2>/dev/null || true
    sleep 2
  fi
}

# ---------------------------------------------------------------- redis
redis_pid() {
  [ -f "$RPID" ] || return 0
  local pid; pid="$(head -n1 "$RPID" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 0
  if alive "$pid" && grep -q redis "/proc/$pid/comm" 2>/dev/null; then echo "$pid"; fi
}

redis_start() {
  local owner="${REDIS_OS_USER:-$(id -un)}"
  is_root || owner="$(id -un)"
  mkdir -p "$RDIR/data"
  local pid; pid="$(redis_pid)"
  if [ -n "$pid" ]; then
    log "redis already running (pid $pid)"
  else
    # the conf is rewritten only here: a running redis's conf tells its port (redis_running_port)
    cat >"$RCONF" <<EOF
# written by services.sh
bind 127.0.0.1
port $REDIS_PORT
protected-mode yes
daemonize yes
pidfile $RPID
logfile $RLOG
dir $RDIR/data
save ""
appendonly no
databases 16
EOF
    is_root && chown -R "$owner": "$RDIR"
    rm -f "$RPID"
    log "starting redis on 127.0.0.1:$REDIS_PORT"
    as_user "$owner" "$REDIS_SERVER" "$RCONF" >&2
  fi
  local i
  for i in $(seq 1 100); do
    [ "$("$REDIS_CLI" -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ] && break
    sleep 0.2
  done
  [ "$("$REDIS_CLI" -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ] ||
    { tail -n 30 "$RLOG" >&2 2>/dev/null; die "redis not answering on $REDIS_PORT (port busy? see $RLOG)"; }
  # a PONG from some other redis on that port is not ours
  [ -n "$(redis_pid)" ] || { tail -n 30 "$RLOG" >&2 2>/dev/null; die "redis did not start on port $REDIS_PORT (see $RLOG)"; }
  log "redis ready: $(redis_url) (pid $(redis_pid))"
}

redis_stop() {
  local pid; pid="$(redis_pid)"
  if [ -z "$pid" ]; then log "redis not running"; rm -f "$RPID"; return 0; fi
  log "stopping redis pid $pid (SIGTERM)"
  kill -TERM "$pid"
  local i
  for i in $(seq 1 100); do alive "$pid" || break; sleep 0.1; done
  if alive "$pid"; then log "redis pid $pid still alive: SIGKILL"; kill -KILL "$pid" || true; fi
  rm -f "$RPID"
}

# ---------------------------------------------------------------- main
cmd_start() {
  local t0=$SECONDS
  install_packages
  ensure_os_users
  mkdir -p "$SERVICES_DIR"
  chmod 0755 "$SERVICES_DIR"
  touch "$MARKER"
  choose_ports
  pg_start
  redis_start
  print_env | tee "$SERVICES_DIR/env.sh"
  log "all up in $((SECONDS - t0)) s; env also in $SERVICES_DIR/env.sh"
}

cmd_status() {
  local ok=0 pid
  current_ports
  pid="$(pg_pid)"
  if [ -n "$pid" ] && [ "$(pg_running_port)" != "$PGPORT" ]; then
    log "postgres: running, pid $pid, but on port $(pg_running_port), not PGPORT=$PGPORT"; ok=1
  elif [ -n "$pid" ] && "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$PGPORT"; then log "postgres: running, pid $pid, port $PGPORT"
  else log "postgres: not running/answering"; ok=1; fi
  pid="$(redis_pid)"
  if [ -n "$pid" ] && [ "$(redis_running_port)" != "$REDIS_PORT" ]; then
    log "redis: running, pid $pid, but on port $(redis_running_port), not REDIS_PORT=$REDIS_PORT"; ok=1
  elif [ -n "$pid" ] && [ "$("$REDIS_CLI" -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ]; then
    log "redis: running, pid $pid, port $REDIS_PORT"
  else log "redis: not running/answering"; ok=1; fi
  if [ -z "$(pg_pid)" ] && [ -z "$(redis_pid)" ]; then return 3; fi  # nothing of ours runs
  return $ok
}

cmd_wipe() {
  [ -n "$SERVICES_DIR" ] && [ "$SERVICES_DIR" != / ] || die "refusing to wipe '$SERVICES_DIR'"
  if [ -e "$SERVICES_DIR" ] && [ ! -f "$MARKER" ]; then die "$SERVICES_DIR was not made by services.sh; not deleting"; fi
  pg_stop; redis_stop
  rm -rf "$SERVICES_DIR"
  log "wiped $SERVICES_DIR"
}

case "${1:-start}" in
  start)  cmd_start ;;
  stop)   pg_stop; redis_stop ;;
  status) cmd_status ;;
  env)    current_ports; print_env ;;
  wipe)   cmd_wipe ;;
  -h|--help|help) sed -n '2,/^set -euo/p' "$0" | sed '$d' ;;
  *) die "unknown command '$1' (start|stop|status|env|wipe)" ;;
esac
