"""Reads on a PostgreSQL streaming replica, when DATABASE_REPLICA_URL names one.

settings registers ReplicaRouter (DATABASE_ROUTERS) and the "replica" database only when that variable is set;
without it nothing here runs. A read goes to the replica only when all of these hold:

- it is made while serving a GET or HEAD request that forum.middleware.ReplicaReadsMiddleware let through:
  Celery tasks, management commands and every POST read the primary;
- that client has not written in the last DATABASE_REPLICA_PIN_SECONDS (the middleware's signed cookie), so
  a member sees their own post, edit or login at once (read-your-writes);
- no transaction is open on the primary: what a transaction reads decides what it writes;
- the model is not one that authentication and permissions rest on (PRIMARY_APPS, PRIMARY_MODELS): sessions,
  accounts and two-factor data, members and ranks, boards and their moderators, a member's read positions;
- the replica answers and lags behind the primary by at most DATABASE_REPLICA_MAX_LAG_SECONDS. Each process
  asks it at most every DATABASE_REPLICA_CHECK_SECONDS; while it is down or lagging, reads go to the
  primary, and every change of state is logged once.

Writes and migrations always go to the primary.
"""
import contextvars
import logging
import threading
import time

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

logger = logging.getLogger(__name__)

REPLICA = "replica"
DATABASES = {DEFAULT_DB_ALIAS, REPLICA}

# app labels and "app_label.model" names whose rows are read from the primary only
PRIMARY_APPS = frozenset({"auth", "sessions", "account", "mfa", "members", "contenttypes", "admin"})
PRIMARY_MODELS = frozenset({"boards.board", "boards.boardmoderator", "boards.topicread"})

# The lag in seconds. When the replica has replayed everything it received, it is not behind, however long
# ago the primary's last transaction was (an idle forum); otherwise, how old the last replayed one is.
LAG_SQL = (
    "SELECT CASE WHEN NOT pg_is_in_recovery() THEN NULL"
    " WHEN pg_last_wal_receive_lsn() IS NOT DISTINCT FROM pg_last_wal_replay_lsn() THEN 0.0"
    " ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 1e9) END"
)

_replica_allowed: contextvars.ContextVar[bool] = contextvars.ContextVar("hearth_replica_allowed", default=False)
_replica_used: contextvars.ContextVar[bool] = contextvars.ContextVar("hearth_replica_used", default=False)


def allow_replica_reads(allowed: bool) -> tuple[contextvars.Token, contextvars.Token]:
    """Let (or stop) this request's reads go to the replica; reset with the tokens when the request ends."""
    return _replica_allowed.set(allowed), _replica_used.set(False)


def reset_replica_reads(tokens: tuple[contextvars.Token, contextvars.Token]) -> None:
    _replica_allowed.reset(tokens[0])
    _replica_used.reset(tokens[1])


def replica_used() -> bool:
    """Was a read of this request sent to the replica?"""
    return _replica_used.get()


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


class ReplicaHealth:
    """Whether this process may read from the replica: asked at most every check interval, the answer kept
    for the whole process (one thread asks; the others keep using the last answer meanwhile)."""

    _lock = threading.Lock()
    _usable = False
    _state = "unknown"          # "ok", "down", "lagging" or "unknown" (not asked yet)
    _next_check = 0.0

    @classmethod
    def usable(cls) -> bool:
        if time.monotonic() >= cls._next_check and cls._lock.acquire(blocking=False):
            try:
                if time.monotonic() >= cls._next_check:
                    cls._check()
            finally:
                cls._lock.release()
        return cls._usable

    @classmethod
    def state(cls) -> str:
        """"ok", "down" or "lagging", asked now (for /healthz)."""
        with cls._lock:
            cls._check()
        return cls._state

    @classmethod
    def failed(cls) -> None:
        """A read on the replica failed in a request: stop using it until the next check says otherwise."""
        with cls._lock:
            cls._set("down", usable=False, detail="a query on it failed")
            cls._next_check = 0.0

    @classmethod
    def reset(cls) -> None:
        with cls._lock:
            cls._usable, cls._state, cls._next_check = False, "unknown", 0.0

    @classmethod
    def _check(cls) -> None:
        max_lag = settings.DATABASE_REPLICA_MAX_LAG_SECONDS
        replica = connections[REPLICA]
        try:
            with replica.cursor() as cursor:
                cursor.execute(LAG_SQL)
                (lag,) = cursor.fetchone()
        except Exception as exc:
            replica.close()  # the next check connects afresh
            cls._set("down", usable=False, detail=f"{type(exc).__name__}: {str(exc).strip()[:200]}")
        else:
            if lag is None:
                cls._set("down", usable=False, detail="it is not a standby (pg_is_in_recovery() is false)")
            elif float(lag) > max_lag:
                cls._set("lagging", usable=False, detail=f"{float(lag):.1f} s behind, more than {max_lag} s")
            else:
                cls._set("ok", usable=True, detail=f"{float(lag):.1f} s behind")
        cls._next_check = time.monotonic() + settings.DATABASE_REPLICA_CHECK_SECONDS

    @classmethod
    def _set(cls, state: str, *, usable: bool, detail: str) -> None:
        if state != cls._state:
            if usable:
                logger.info("replica %s: reads go to the replica (%s)",
                            "in use" if cls._state == "unknown" else "usable again", detail,
                            extra={"replica_state": state})
            else:
                logger.warning("replica %s: reads go to the primary (%s)", state, detail,
                               extra={"replica_state": state})
        cls._usable, cls._state = usable, state


class ReplicaRouter:
    """See the module's docstring."""

    def db_for_read(self, model, **hints):
        if not _replica_allowed.get():
            return DEFAULT_DB_ALIAS
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        meta = model._meta
        if meta.app_label in PRIMARY_APPS or meta.label_lower in PRIMARY_MODELS:
            return DEFAULT_DB_ALIAS
        if not ReplicaHealth.usable():
            return DEFAULT_DB_ALIAS
        _replica_used.set(True)
        return REPLICA

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # the replica holds the primary's rows: an object read there may be linked to one read on the primary
        return obj1._state.db in DATABASES and obj2._state.db in DATABASES

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS
