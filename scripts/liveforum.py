"""Real processes on loopback for the tests that need them: PostgreSQL clusters (a primary, a streaming
replica made with pg_basebackup -R), Redis, gunicorn nodes, nginx in front, Celery workers and beat.

Used by scripts/cluster_check.py (`make cluster-test`) and tests/test_outages.py. Every process is started
here, in its own process group, remembered by its pid and stopped by that pid (never by name): Services.stop_all()
stops whatever is still running, newest first, and is safe to call twice. As root, PostgreSQL and Redis run
as the postgres user through runuser, like scripts/services.sh. The clusters are throwaway: fsync off.
"""
import contextlib
import http.client
import http.cookies
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
VENV_BIN = ROOT / ".venv" / "bin"
PGBIN = Path(os.environ.get("PGBIN", "/usr/lib/postgresql/15/bin"))
REDIS_SERVER = os.environ.get("REDIS_SERVER", "/usr/bin/redis-server")
PG_OS_USER = os.environ.get("PG_OS_USER", "postgres")
DB_NAME, DB_USER, DB_PASSWORD = "hearth", "hearth", "hearth-live-password"
REPLICATION_USER, REPLICATION_PASSWORD = "replicator", "hearth-replication-password"
SECRET_KEY = "live-forum-only-" + "k3y-long-enough-for-the-production-settings-check-0123456789"
CSRF_TOKEN = "livecsrftokenlivecsrftokenlive01"  # 32 characters: an unmasked CSRF secret, cookie and form alike


def log(message: str) -> None:
    print(f"[live] {message}", file=sys.stderr, flush=True)


def is_root() -> bool:
    return os.geteuid() == 0


def as_service_user(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", PG_OS_USER, "--", *cmd] if is_root() else cmd


def port_free(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
    except OSError:
        return True
    return False


def free_ports(first: int, count: int, last: int) -> list[int]:
    """`count` free loopback ports from `first` up to `last`, looked for from a random place in that range:
    two processes starting at once (the test suite's workers under pytest-xdist) would otherwise both find
    the first free port and both try to listen on it."""
    ports = list(range(first, last + 1))
    start = secrets.randbelow(len(ports))
    found = [p for p in ports[start:] + ports[:start] if port_free(p)][:count]
    if len(found) < count:
        raise RuntimeError(f"fewer than {count} free ports in {first}-{last}")
    return found


def wait_until(condition, timeout: float, what: str, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


class Process:
    """One started program, in a process group of its own."""

    def __init__(self, name: str, cmd: list[str], *, env: dict | None = None, log_path: Path, cwd: Path = ROOT):
        self.name, self.log_path = name, log_path
        self._log = log_path.open("ab")
        self.popen = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=self._log, stderr=subprocess.STDOUT,
                                      stdin=subprocess.DEVNULL, start_new_session=True)
        self.pid = self.popen.pid

    def running(self) -> bool:
        return self.popen.poll() is None

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 15.0) -> None:
        if self.running():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.pid, sig)
            try:
                self.popen.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                log(f"{self.name} (pid {self.pid}) still running after {timeout:.0f} s: SIGKILL")
                os.killpg(self.pid, signal.SIGKILL)
                self.popen.wait(timeout=10)
        self._log.close()

    def tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


class Postgres:
    """A PostgreSQL 15 cluster in `folder`, on 127.0.0.1:`port`; a primary (init) or a standby (basebackup)."""

    def __init__(self, folder: Path, port: int, name: str = "postgres"):
        self.folder, self.port, self.name = folder, port, name
        self.data, self.run, self.logfile = folder / "data", folder / "run", folder / "postgres.log"

    def _prepare(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.run.mkdir(exist_ok=True)
        self.folder.chmod(0o755)
        self.run.chmod(0o700)
        if is_root():
            shutil.chown(self.folder, PG_OS_USER)
            shutil.chown(self.run, PG_OS_USER)

    def _as_owner(self, cmd: list[str], **kwargs) -> subprocess.CompletedProcess:
        return subprocess.run(as_service_user(cmd), check=True, capture_output=True, text=True, **kwargs)

    def init_primary(self, *, replication: bool = False) -> None:
        self._prepare()
        pwfile = self.folder / ".pw"
        pwfile.write_text(DB_PASSWORD + "\n")
        if is_root():
            shutil.chown(pwfile, PG_OS_USER)
        self._as_owner([str(PGBIN / "initdb"), "-D", str(self.data), "-U", "postgres", f"--pwfile={pwfile}",
                        "--encoding=UTF8", "--locale=C.UTF-8", "--auth-local=trust", "--auth-host=scram-sha-256"])
        pwfile.unlink()
        settings = [
            "listen_addresses = '127.0.0.1'",
            "fsync = off", "synchronous_commit = off", "full_page_writes = off",
            "max_connections = 100", "shared_buffers = 64MB",
            "log_min_messages = warning", "log_line_prefix = '%m [%p] '",
        ]
        if replication:
            settings += ["wal_level = replica", "max_wal_senders = 5", "wal_keep_size = 256MB",
                         "hot_standby = on", "hot_standby_feedback = on",
                         # counts every statement, on the primary and on the standby: proves where reads ran
                         "shared_preload_libraries = 'pg_stat_statements'", "pg_stat_statements.track = all"]
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write("\n# --- liveforum.py (throwaway cluster) ---\n" + "\n".join(settings) + "\n")

    def init_standby_of(self, primary: "Postgres") -> None:
        """pg_basebackup -R: a copy of the primary that follows it by streaming replication."""
        self._prepare()
        env = {**os.environ, "PGPASSWORD": REPLICATION_PASSWORD}
        self._as_owner([str(PGBIN / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(primary.port),
                        "-U", REPLICATION_USER, "-D", str(self.data), "-R", "-X", "stream", "-c", "fast"], env=env)

    def start(self) -> None:
        self.logfile.touch()
        if is_root():
            shutil.chown(self.logfile, PG_OS_USER)
        self._as_owner([str(PGBIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.logfile),
                        "-o", f"-p {self.port} -k {self.run}", "-w", "-t", "60", "start"])
        wait_until(self.ready, 60, f"{self.name} on port {self.port}")

    def ctl(self, *args: str) -> None:
        self._as_owner([str(PGBIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.logfile),
                        "-o", f"-p {self.port} -k {self.run}", *args])

    def restart_fast(self) -> float:
        """pg_ctl restart -m fast; returns the seconds it took (the outage)."""
        started = time.monotonic()
        self.ctl("-m", "fast", "-w", "restart")
        return time.monotonic() - started

    def stop(self) -> None:
        pid = self.pid()
        if pid is None:
            return
        os.kill(pid, signal.SIGINT)  # fast shutdown, by the postmaster's pid
        deadline = time.monotonic() + 30
        while alive(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if alive(pid):
            os.kill(pid, signal.SIGQUIT)

    def pid(self) -> int | None:
        try:
            pid = int((self.data / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None
        return pid if alive(pid) else None

    def ready(self) -> bool:
        return subprocess.run([str(PGBIN / "pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(self.port)],
                              check=False).returncode == 0

    def sql(self, query: str, db: str = "postgres") -> str:
        """Run SQL as the superuser over the private socket; the result unaligned, tuples only."""
        return self._as_owner([str(PGBIN / "psql"), "-X", "-q", "-tA", "-v", "ON_ERROR_STOP=1", "-h", str(self.run),
                               "-p", str(self.port), "-U", "postgres", "-d", db, "-c", query]).stdout.strip()

    def create_app_database(self, *, replication: bool = False) -> None:
        self.sql(f"CREATE ROLE {DB_USER} LOGIN CREATEDB PASSWORD '{DB_PASSWORD}'")
        self.sql(f"CREATE DATABASE {DB_NAME} OWNER {DB_USER} ENCODING 'UTF8' TEMPLATE template0")
        if replication:
            self.sql(f"CREATE ROLE {REPLICATION_USER} LOGIN REPLICATION PASSWORD '{REPLICATION_PASSWORD}'")
            self.sql("CREATE EXTENSION pg_stat_statements", db=DB_NAME)

    def url(self) -> str:
        return f"postgres://{DB_USER}:{DB_PASSWORD}@127.0.0.1:{self.port}/{DB_NAME}"


class Redis:
    def __init__(self, folder: Path, port: int):
        self.folder, self.port = folder, port
        self.conf, self.pidfile = folder / "redis.conf", folder / "redis.pid"

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.folder.chmod(0o777)
        self.conf.write_text(f"bind 127.0.0.1\nport {self.port}\ndaemonize yes\npidfile {self.pidfile}\n"
                             f"logfile {self.folder / 'redis.log'}\ndir {self.folder}\nsave \"\"\nappendonly no\n")
        subprocess.run(as_service_user([REDIS_SERVER, str(self.conf)]), check=True)
        wait_until(self.ready, 20, f"redis on port {self.port}")

    def ready(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def pid(self) -> int | None:
        try:
            pid = int(self.pidfile.read_text().strip())
        except (OSError, ValueError):
            return None
        return pid if alive(pid) else None

    def stop(self) -> None:
        pid = self.pid()
        if pid is None:
            return
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        while alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        if alive(pid):
            os.kill(pid, signal.SIGKILL)

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"


def app_env(*, database_url: str, redis_url: str, mail_dir: Path, **extra: str) -> dict:
    """The production settings (DEBUG off) as a deployment would set them, on loopback, mail to files."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_", "HEARTH_", "PYTEST"))}
    env.update({
        "DJANGO_SETTINGS_MODULE": "forum.settings.base",
        "DEBUG": "0",
        "SECRET_KEY": SECRET_KEY,
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "STAFF_MFA_REQUIRED": "0",
        "LOG_LEVEL": "INFO",
        # the load comes from one address and a few members: lift the per-address and per-member limits
        "POST_RATE_COUNT": "100000", "TOPIC_RATE_COUNT": "100000",
        "POST_IP_RATE_COUNT": "100000", "TOPIC_IP_RATE_COUNT": "100000",
        "PYTHONUNBUFFERED": "1",
    })
    env.update(extra)
    return env


def manage(env: dict, *args: str, timeout: float = 300) -> str:
    out = subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, check=False,
                         capture_output=True, text=True, timeout=timeout)
    if out.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{out.stdout}\n{out.stderr}")
    return out.stdout


# Run inside `manage.py shell`: a board, a topic and members of rank Member with confirmed addresses, each with
# a session made directly (logging 50 members in through the form would trip the per-address login limit).
# They joined a month ago: a new account's first-day limits (boards.services.posting) are not what load tests.
SETUP_CODE = r"""
import json, sys
from datetime import timedelta
from django.utils import timezone
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.hashers import make_password
from django.contrib.sessions.backends.db import SessionStore
from members.models import User
from tests.factories import BoardFactory, UserFactory, make_topic
spec = json.loads(sys.stdin.read())
board = BoardFactory(name="Load board", slug="load")
hashed = make_password(spec["password"])
members = []
for i in range(spec["members"]):
    user = UserFactory(username=f"{spec['prefix']}{i}", password=None)
    User.objects.filter(pk=user.pk).update(password=hashed, date_joined=timezone.now() - timedelta(days=30))
    user.refresh_from_db()
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "members.backends.AuthenticationBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    members.append({"username": user.username, "session": session.session_key})
topics = [make_topic(board=board, author=User.objects.get(username=members[i % len(members)]["username"]),
                     title=f"Load topic {i}", body=f"Topic {i} opens.").pk for i in range(spec["topics"])]
print(json.dumps({"board": board.slug, "topics": topics, "members": members}))
"""


def setup_forum(env: dict, *, members: int, topics: int, prefix: str = "member",
                password: str = "correct horse battery staple") -> dict:
    out = subprocess.run([PY, "manage.py", "shell", "-v", "0", "-c", SETUP_CODE], cwd=ROOT, env=env,
                         input=json.dumps({"members": members, "topics": topics, "prefix": prefix,
                                           "password": password}),
                         capture_output=True, text=True, check=False, timeout=300)
    if out.returncode != 0:
        raise RuntimeError(f"setting up the forum failed:\n{out.stdout}\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def start_gunicorn(name: str, port: int, env: dict, folder: Path, workers: int = 2) -> Process:
    process = Process(name, [str(VENV_BIN / "gunicorn"), "forum.wsgi:application", "-b", f"127.0.0.1:{port}",
                             "-w", str(workers), "--timeout", "30", "--graceful-timeout", "5",
                             "--access-logfile", "-", "--error-logfile", "-"],
                      env=env, log_path=folder / f"{name}.log")
    wait_until(lambda: http_status("127.0.0.1", port, "/healthz") in (200, 503) or not process.running(), 60,
               f"{name} on port {port}")
    if not process.running():
        raise RuntimeError(f"{name} did not start:\n{process.tail()}")
    return process


def http_status(host: str, port: int, path: str) -> int | None:
    try:
        conn = http.client.HTTPConnection(host, port, timeout=5)
        conn.request("GET", path)
        status = conn.getresponse().status
        conn.close()
        return status
    except OSError:
        return None


class Client:
    """A browser-like HTTP client for one origin: keeps cookies, speaks CSRF, never follows redirects."""

    def __init__(self, port: int, *, session: str | None = None, timeout: float = 30.0):
        self.port, self.timeout = port, timeout
        self.cookies: dict[str, str] = {"csrftoken": CSRF_TOKEN}
        if session:
            self.cookies["sessionid"] = session
        self._conn: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, form: dict | None = None, port: int | None = None
                ) -> tuple[int, dict, str]:
        body = None
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), "Connection": "keep-alive"}
        if form is not None:
            body = urllib.parse.urlencode({**form, "csrfmiddlewaretoken": CSRF_TOKEN})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            conn = self._connection(port)
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                text = response.read().decode("utf-8", "replace")
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.close()  # a kept-alive connection the server had closed: once more on a new one
                if attempt == 2 or method != "GET":
                    raise
        if response.getheader("Connection", "").lower() == "close" or port is not None:
            self.close()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                morsel = http.cookies.SimpleCookie(value)
                for key, item in morsel.items():
                    if key == "csrftoken":
                        continue  # keep the fixed CSRF secret: the form field carries that one
                    if item.value:
                        self.cookies[key] = item.value
                    else:
                        self.cookies.pop(key, None)
        return response.status, dict(response.getheaders()), text

    def get(self, path: str, port: int | None = None):
        return self.request("GET", path, port=port)

    def post(self, path: str, form: dict, port: int | None = None):
        return self.request("POST", path, form, port=port)

    def _connection(self, port: int | None) -> http.client.HTTPConnection:
        if port is not None:
            return http.client.HTTPConnection("127.0.0.1", port, timeout=self.timeout)
        if self._conn is None:
            self._conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        return self._conn

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def login(self, username: str, password: str, port: int | None = None) -> None:
        status, headers, text = self.post("/accounts/login/", {"login": username, "password": password}, port=port)
        if status != 302:
            raise RuntimeError(f"login of {username} answered {status}: {text[:300]}")


def new_topic_id(location: str) -> int | None:
    match = re.search(r"/t/(\d+)/", location or "")
    return int(match.group(1)) if match else None


class Services:
    """Everything started for one run, stopped newest first by stop_all() (by pid; safe to call twice)."""

    def __init__(self, folder: Path):
        self.folder = folder
        self._stack: list[tuple[str, object]] = []
        self._lock = threading.Lock()

    def add(self, name: str, thing):
        with self._lock:
            self._stack.append((name, thing))
        return thing

    def stop_all(self) -> None:
        while self._stack:
            name, thing = self._stack.pop()
            try:
                thing.stop()
            except Exception as exc:  # keep stopping the rest
                log(f"stopping {name} failed: {exc}")


def secret(n: int = 8) -> str:
    return secrets.token_hex(n)
