"""scripts/services.sh when its ports are taken by a server that is not its own.

This is how `make bench` once flushed the `make run` forum: another PostgreSQL held port 54329, the
private one did not start, and nobody noticed. Now, with the default ports busy, start picks free ones
and says so; with a busy port the user chose, it fails naming that port. Each test starts (or tries to
start) real servers in a folder of its own, and stops them again by PID (`services.sh stop`).
"""
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import psycopg
import pytest
import redis
from psycopg.conninfo import conninfo_to_dict

ROOT = Path(__file__).resolve().parent.parent
SERVICES = ROOT / "scripts" / "services.sh"
OWN_SETTINGS = ("SERVICES_DIR", "PGPORT", "REDIS_PORT", "PGPORT_DEFAULT", "REDIS_PORT_DEFAULT", "DB_NAME",
                "DATABASE_URL", "REDIS_URL")


def run_services(command: str, services_dir: Path, **settings: str) -> subprocess.CompletedProcess:
    """services.sh COMMAND with its own folder; without the suite's own PGPORT, DATABASE_URL ..."""
    env = {k: v for k, v in os.environ.items() if k not in OWN_SETTINGS}
    env.update(SERVICES_DIR=str(services_dir), SKIP_APT="1", **settings)
    return subprocess.run(["bash", str(SERVICES), command], env=env, capture_output=True, text=True, timeout=180,
                          check=False)


@pytest.fixture
def services_dir():
    # under /tmp and traversable: as root, services.sh runs postgres as the postgres user
    path = Path(tempfile.mkdtemp(prefix="hearth-services-test-", dir="/tmp"))
    path.chmod(0o755)
    yield path
    stopped = run_services("stop", path)  # by the pid files, whatever the test left running
    assert stopped.returncode == 0, stopped.stderr
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def busy_port():
    """Occupy loopback ports with plain listening sockets (not ours to stop: they stay up throughout)."""
    sockets = []

    def occupy() -> int:
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        sockets.append(listener)
        return listener.getsockname()[1]

    yield occupy
    for listener in sockets:
        listener.close()


def exports(stdout: str) -> dict[str, str]:
    """The `export NAME=value` lines services.sh prints, as a dict."""
    found = {}
    for line in stdout.splitlines():
        assert line.startswith("export "), f"stdout must carry only export lines, got {line!r}"
        name, _, value = line.removeprefix("export ").partition("=")
        found[name] = value
    return found


def pids(services_dir: Path) -> list[int]:
    files = [services_dir / "pg" / "data" / "postmaster.pid", services_dir / "redis" / "redis.pid"]
    return [int(f.read_text().split()[0]) for f in files if f.exists()]


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def still_listening(port: int) -> bool:
    with socket.create_connection(("127.0.0.1", port), timeout=2):
        return True


@pytest.mark.slow
def test_busy_default_ports_are_avoided_and_the_chosen_ports_are_remembered(services_dir, busy_port):
    pg_default, redis_default = busy_port(), busy_port()
    defaults = {"PGPORT_DEFAULT": str(pg_default), "REDIS_PORT_DEFAULT": str(redis_default)}

    started = run_services("start", services_dir, **defaults)

    assert started.returncode == 0, started.stderr
    assert f"port {pg_default} is busy" in started.stderr and f"port {redis_default} is busy" in started.stderr
    env = exports(started.stdout)
    database_url, redis_url = env["DATABASE_URL"], env["REDIS_URL"]
    conninfo = conninfo_to_dict(database_url)
    pg_port, redis_port = int(conninfo["port"]), int(redis_url.rsplit(":", 1)[1].split("/")[0])
    assert {pg_port, redis_port}.isdisjoint({pg_default, redis_default}) and pg_port != redis_port
    with psycopg.connect(database_url, connect_timeout=5) as connection:  # the printed URL answers
        assert connection.execute("SELECT current_database(), current_setting('port')").fetchone() == (
            "hearth", str(pg_port))
    assert redis.Redis.from_url(redis_url, socket_timeout=5).ping()
    assert still_listening(pg_default) and still_listening(redis_default)  # the other servers: untouched

    # env.sh, env and status carry the ports chosen at start (the defaults are still busy)
    assert (services_dir / "env.sh").read_text() == started.stdout
    assert run_services("env", services_dir, **defaults).stdout == started.stdout
    assert run_services("env", services_dir).stdout == started.stdout
    status = run_services("status", services_dir, **defaults)
    assert status.returncode == 0, status.stderr
    assert f"port {pg_port}" in status.stderr and f"port {redis_port}" in status.stderr
    again = run_services("start", services_dir, **defaults)  # a second start keeps the running servers
    assert again.returncode == 0, again.stderr
    assert again.stdout == started.stdout

    running = pids(services_dir)
    assert len(running) == 2
    stopped = run_services("stop", services_dir)
    assert stopped.returncode == 0, stopped.stderr
    assert not any(alive(pid) for pid in running)
    assert run_services("status", services_dir).returncode == 3  # nothing of ours runs


def test_a_busy_port_the_user_chose_fails_naming_it_and_starts_nothing(services_dir, busy_port):
    taken = busy_port()

    result = run_services("start", services_dir, PGPORT=str(taken))

    assert result.returncode != 0
    assert result.stdout == ""  # no export lines that an eval could pick up
    assert f"port {taken} on 127.0.0.1 (PGPORT={taken}) is busy" in result.stderr
    assert "Choose another port, e.g. PGPORT=" in result.stderr
    assert pids(services_dir) == []
    assert still_listening(taken)


def test_a_busy_redis_port_fails_before_postgres_is_started(services_dir, busy_port):
    taken = busy_port()

    result = run_services("start", services_dir, REDIS_PORT=str(taken))

    assert result.returncode != 0 and result.stdout == ""
    assert f"port {taken} on 127.0.0.1 (REDIS_PORT={taken}) is busy" in result.stderr
    assert pids(services_dir) == []  # both ports are decided before either server starts
