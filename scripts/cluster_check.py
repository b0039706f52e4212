#!/usr/bin/env python3
"""`make cluster-test` (scripts/cluster_test.sh runs this): Hearth on several nodes, for real, on loopback.

Starts, in a temporary folder, a PostgreSQL 15 primary and a streaming replica of it (pg_basebackup -R), Redis,
two gunicorn nodes (production settings, DATABASE_REPLICA_URL set), nginx in front of them, two Celery workers
and one Celery beat; then checks, in order:

  1. a login made through node A is valid on node B;
  2. reads go to the replica (its own pg_stat_statements counts them);
  3. with the replica's replay paused, a member sees their own new post at once through the balancer, while
     another member (reading the replica) does not yet; past DATABASE_REPLICA_MAX_LAG_SECONDS everyone reads
     the primary and the nodes log it; replay resumed, the others see it from the replica;
  4. with the replica stopped, pages and posting go on (the primary), /healthz says "replica": "down";
  5. with node B killed (SIGKILL) under load, no request through the balancer fails;
  6. the daily freshness check sent twice to the queue, with two workers: one reminder, one notice, one email;
  7. 30 s of load at 8 connections through the balancer (wrk): no error.

Everything started is stopped by its pid at the end, also when a check fails or on Ctrl-C. Exit 0 when every
check passed. Settings: CLUSTER_LOAD_SECONDS (30), CLUSTER_LOAD_CONNECTIONS (8), CLUSTER_KEEP=1 keeps the
folder (logs) afterwards.
"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import liveforum
from liveforum import Client, log, wait_until

LOAD_SECONDS = int(os.environ.get("CLUSTER_LOAD_SECONDS", "30"))
LOAD_CONNECTIONS = int(os.environ.get("CLUSTER_LOAD_CONNECTIONS", "8"))
MAX_LAG = 5.0
CHECK_EVERY = 0.5
PASSWORD = "correct horse battery staple"

RESULTS: list[tuple[str, str]] = []


def passed(name: str, detail: str) -> None:
    RESULTS.append((name, detail))
    print(f"[cluster] PASS {name}: {detail}", flush=True)


class CheckFailed(Exception):
    pass


def expect(condition, message: str) -> None:
    if not condition:
        raise CheckFailed(message)


EXTRA_SETUP = r"""
from datetime import timedelta
from boards import freshness
from boards.models import Board
from tests.factories import BoardFactory, UserFactory
UserFactory(username="keeper", is_superuser=True, is_staff=True, password=None)
quiet = BoardFactory(name="Quiet corner", slug="quiet")
Board.objects.filter(pk=quiet.pk).update(created_at=freshness.as_of(freshness.today()) - timedelta(days=30))
print(freshness.today().isoformat())
"""

SEND_TWICE = r"""
from forum.celery import app
for _ in range(2):  # beat firing twice, or two beats: two tasks for the same day
    app.send_task("boards.tasks.check_freshness", kwargs={{"day": "{day}"}})
"""

COUNT_REMINDERS = r"""
from boards.models import FreshnessReminder
from notices.models import Notice
print(FreshnessReminder.objects.count(), FreshnessReminder.objects.filter(emailed_at__isnull=False).count(),
      Notice.objects.filter(kind="freshness").count())
"""

NGINX_CONF = """
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/nginx-error.log warn;
daemon off;
events {{ worker_connections 512; }}
http {{
    log_format upstream '$remote_addr "$request" $status upstream=$upstream_addr/$upstream_status $request_time';
    access_log {folder}/nginx-access.log upstream;
    client_body_temp_path {folder}/nginx-tmp/body;
    proxy_temp_path {folder}/nginx-tmp/proxy;
    fastcgi_temp_path {folder}/nginx-tmp/fastcgi;
    uwsgi_temp_path {folder}/nginx-tmp/uwsgi;
    scgi_temp_path {folder}/nginx-tmp/scgi;
    # the same upstream settings as docker/nginx.conf: passive health checks, a failed connect tried on the next
    upstream hearth_web {{
        server 127.0.0.1:{port_a} max_fails=1 fail_timeout=5s;
        server 127.0.0.1:{port_b} max_fails=1 fail_timeout=5s;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://hearth_web;
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_next_upstream error timeout http_502;
            proxy_next_upstream_tries 2;
            proxy_connect_timeout 2s;
            proxy_read_timeout 30s;
        }}
    }}
}}
"""

WRK_SCRIPT = """
local paths = {paths}
local cookie = "{cookie}"
local i = 0
request = function()
    i = i + 1
    local path = paths[(i % #paths) + 1]
    if i % 2 == 0 then
        return wrk.format("GET", path, {{["Cookie"] = cookie}})
    end
    return wrk.format("GET", path)
end
"""


class Cluster:
    def __init__(self, folder: Path):
        self.folder = folder
        self.services = liveforum.Services(folder)
        self.mail_dir = folder / "mail"
        self.mail_dir.mkdir()

    # ------------------------------------------------------------------ start
    def start(self) -> None:
        f = self.folder
        pg_port, replica_port = liveforum.free_ports(56000, 2, 56399)
        (redis_port,) = liveforum.free_ports(64000, 1, 64399)
        self.port_a, self.port_b, self.port = liveforum.free_ports(56600, 3, 56999)
        started = time.monotonic()
        self.primary = self.services.add("primary", liveforum.Postgres(f / "primary", pg_port, "primary"))
        self.primary.init_primary(replication=True)
        self.primary.start()
        self.primary.create_app_database(replication=True)
        self.replica = self.services.add("replica", liveforum.Postgres(f / "replica", replica_port, "replica"))
        self.replica.init_standby_of(self.primary)
        self.replica.start()
        expect(self.replica.sql("SELECT pg_is_in_recovery()") == "t", "the replica is not a standby")
        wait_until(lambda: self.primary.sql("SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")
                   == "1", 30, "the replica to stream")
        log(f"primary :{pg_port} and streaming replica :{replica_port} ({time.monotonic() - started:.1f} s)")
        self.redis = self.services.add("redis", liveforum.Redis(f / "redis", redis_port))
        self.redis.start()
        hour = (time.gmtime().tm_hour + 12) % 24  # beat must not fire the daily check by itself during the run
        self.env = liveforum.app_env(
            database_url=self.primary.url(), redis_url=self.redis.url(), mail_dir=self.mail_dir,
            DATABASE_REPLICA_URL=self.replica.url(),
            DATABASE_REPLICA_MAX_LAG_SECONDS=str(MAX_LAG), DATABASE_REPLICA_CHECK_SECONDS=str(CHECK_EVERY),
            CONN_MAX_AGE="60", TRUSTED_PROXY_COUNT="1", LAUNCH_MEMBERS="0", FRESHNESS_HOUR=str(hour),
            TIME_ZONE="UTC", SITE_URL=f"http://127.0.0.1:{self.port}")
        liveforum.manage(self.env, "migrate", "--noinput", "-v", "0")
        liveforum.manage(self.env, "collectstatic", "--noinput", "-v", "0")
        self.data = liveforum.setup_forum(self.env, members=6, topics=2, password=PASSWORD)
        self.day = liveforum.manage(self.env, "shell", "-v", "0", "-c", EXTRA_SETUP).strip().splitlines()[-1]
        log(f"migrated and seeded ({time.monotonic() - started:.1f} s)")
        self.node_a = self.services.add("web-a", liveforum.start_gunicorn("web-a", self.port_a, self.env, f))
        self.node_b = self.services.add("web-b", liveforum.start_gunicorn("web-b", self.port_b, self.env, f))
        (f / "nginx-tmp").mkdir()
        (f / "nginx-tmp").chmod(0o777)
        conf = f / "nginx.conf"
        conf.write_text(NGINX_CONF.format(folder=f, port=self.port, port_a=self.port_a, port_b=self.port_b))
        self.nginx = self.services.add("nginx", liveforum.Process(
            "nginx", [shutil.which("nginx") or "/usr/sbin/nginx", "-p", str(f), "-c", str(conf), "-e",
                      str(f / "nginx-error.log")], log_path=f / "nginx.log"))
        wait_until(lambda: liveforum.http_status("127.0.0.1", self.port, "/healthz") == 200, 30, "nginx")
        celery = [str(liveforum.VENV_BIN / "celery"), "-A", "forum"]
        self.workers = [self.services.add(name, liveforum.Process(
            name, [*celery, "worker", "-n", f"{name}@%h", "--pool=solo", "--without-gossip", "--without-mingle",
                   "-l", "info"], env=self.env, log_path=f / f"{name}.log")) for name in ("worker-1", "worker-2")]
        self.beat = self.services.add("beat", liveforum.Process(
            "beat", [*celery, "beat", "-l", "info", "--schedule", str(f / "celerybeat-schedule")],
            env=self.env, log_path=f / "beat.log"))
        for worker in self.workers:
            wait_until(lambda w=worker: "ready." in w.log_path.read_text(errors="replace") or not w.running(),
                       90, f"{worker.name} to be ready")
            expect(worker.running(), f"{worker.name} died:\n{worker.tail()}")
        log(f"all up in {time.monotonic() - started:.1f} s: nginx :{self.port} -> web-a :{self.port_a}, "
            f"web-b :{self.port_b}; 2 workers, 1 beat")

    def stop(self) -> None:
        self.services.stop_all()

    # ------------------------------------------------------------------ helpers
    def member(self, index: int) -> Client:
        return Client(self.port, session=self.data["members"][index]["session"])

    def replica_reads(self) -> int:
        """Statements that read the boards' topics and posts, run on the replica itself."""
        return int(self.replica.sql(
            "SELECT coalesce(sum(calls), 0) FROM pg_stat_statements WHERE query ILIKE 'SELECT%' AND "
            "(query LIKE '%boards_post%' OR query LIKE '%boards_topic%')", db=liveforum.DB_NAME))

    def caught_up(self) -> bool:
        target = self.primary.sql("SELECT pg_current_wal_lsn()")
        return self.replica.sql(f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn") == "t"

    def node_logs(self) -> str:
        return "\n".join(p.log_path.read_text(errors="replace") for p in (self.node_a, self.node_b))

    def topic_page(self, client: Client, topic: int) -> str:
        status, headers, body = client.get(f"/t/{topic}/")
        if status == 301:
            status, headers, body = client.get(headers["Location"])
        expect(status == 200, f"topic page answered {status}")
        return body

    # ------------------------------------------------------------------ checks
    def check_login_across_nodes(self) -> None:
        username = self.data["members"][5]["username"]
        client = Client(self.port_a)
        client.login(username, PASSWORD)
        status, headers, body = client.get("/settings/", port=self.port_b)
        expect(status == 200 and username in body, f"the session from node A is not valid on node B ({status})")
        status, headers, body = Client(self.port_b).get("/settings/")
        expect(status == 302, "without the session node B should ask for a login")
        passed("login across nodes", f"logged in through node A (:{self.port_a}), /settings/ 200 on node B "
                                     f"(:{self.port_b})")

    def check_reads_hit_the_replica(self) -> None:
        reader = self.member(1)
        before = self.replica_reads()
        for _ in range(10):
            self.topic_page(reader, self.data["topics"][0])
        after = self.replica_reads()
        expect(after - before >= 10, f"10 topic pages ran only {after - before} topic/post reads on the replica")
        passed("reads on the replica", f"10 topic pages through the balancer: {after - before} SELECTs on "
                                       f"topics/posts counted by the replica's pg_stat_statements")

    def check_read_your_writes(self) -> None:
        writer, other = self.member(2), self.member(3)
        topic = self.data["topics"][1]
        self.topic_page(other, topic)
        wait_until(self.caught_up, 30, "the replica to catch up")
        self.replica.sql("SELECT pg_wal_replay_pause()")
        paused_at = time.monotonic()
        try:
            text = f"Read your writes {liveforum.secret(4)}"
            status, headers, _ = writer.post(f"/t/{topic}/reply/", {"body": text})
            expect(status == 302, f"the reply answered {status}")
            status, _, page = writer.get(headers["Location"])
            expect(status == 200 and text in page, "the writer does not see their own post at once")
            before = self.replica_reads()
            other_page = self.topic_page(other, topic)
            seconds = time.monotonic() - paused_at
            expect(seconds < MAX_LAG, f"too slow to tell ({seconds:.1f} s): the replica may count as lagging")
            expect(text not in other_page, "another member saw the post although the replica had not replayed it: "
                                           "their read did not go to the replica")
            expect(self.replica_reads() > before, "the other member's page did not read the replica")
            passed("read your writes", f"replica replay paused: the writer saw their post at once (pinned to the "
                                       f"primary); another member, reading the replica, not yet ({seconds:.1f} s)")
            # past the lag bound everyone reads the primary, and the nodes say so
            wait_until(lambda: text in self.topic_page(other, topic), 30,
                       "reads to leave the lagging replica", interval=0.5)
            waited = time.monotonic() - paused_at
            expect("replica lagging: reads go to the primary" in self.node_logs(),
                   "no node logged that the replica lags")
            passed("lagging replica", f"{waited:.1f} s after the pause (bound {MAX_LAG:.0f} s) the other member "
                                      "saw the post from the primary; a node logged 'replica lagging'")
        finally:
            self.replica.sql("SELECT pg_wal_replay_resume()")
        wait_until(self.caught_up, 30, "the replica to catch up again")
        time.sleep(2 * CHECK_EVERY + 0.2)
        third = self.member(4)
        before = self.replica_reads()
        expect(text in self.topic_page(third, topic), "after replay resumed, others do not see the post")
        expect(self.replica_reads() > before, "after replay resumed, the page did not read the replica")
        passed("others see it once replicated", "replay resumed: a third member sees the post, read from the replica")

    def check_replica_stopped(self) -> None:
        self.replica.stop()
        statuses = Counter()
        member = self.member(0)
        visitor = Client(self.port)
        paths = ["/", f"/b/{self.data['board']}/", f"/t/{self.data['topics'][0]}/"]
        deadline = time.monotonic() + 4
        n = 0
        while time.monotonic() < deadline:
            n += 1
            for client in (member, visitor):
                status, headers, _ = client.get(paths[n % len(paths)])
                if status == 301:
                    status, headers, _ = client.get(headers["Location"])
                statuses[status] += 1
            if n % 3 == 0 and statuses["post 302"] < 6:  # (a member's rank allows 10 posts a minute)
                status, _, page = member.post(f"/t/{self.data['topics'][0]}/reply/",
                                              {"body": f"With the replica stopped {liveforum.secret(4)}"})
                statuses[f"post {status}"] += 1
                expect(status == 302, f"a post with the replica stopped answered {status}: {page[:2000]}")
        bad = {k: v for k, v in statuses.items() if k not in (200, "post 302")}
        expect(not bad, f"with the replica stopped: {dict(statuses)}")
        status, _, body = Client(self.port).get("/healthz")
        health = json.loads(body)
        expect(status == 200 and health.get("replica") == "down" and health["database"] == "ok", body)
        expect("replica down: reads go to the primary" in self.node_logs(), "no node logged that the replica is down")
        passed("replica stopped", f"{dict(statuses)}; /healthz {status} {body}")
        self.replica.start()
        wait_until(lambda: json.loads(Client(self.port).get("/healthz")[2]).get("replica") == "ok", 60,
                   "the replica to be used again", interval=0.5)

    def check_node_down(self) -> None:
        statuses = Counter()
        stop = threading.Event()
        lock = threading.Lock()
        paths = ["/", f"/b/{self.data['board']}/", f"/t/{self.data['topics'][0]}/", "/healthz"]

        def load(index: int) -> None:
            client = Client(self.port) if index % 2 else self.member(index)
            n = 0
            while not stop.is_set():
                n += 1
                try:
                    status = client.get(paths[n % len(paths)])[0]
                except OSError as exc:
                    status = f"error {type(exc).__name__}"
                with lock:
                    statuses[status] += 1

        threads = [threading.Thread(target=load, args=(i,)) for i in range(4)]
        for thread in threads:
            thread.start()
        time.sleep(2)
        before = sum(statuses.values())
        os.killpg(self.node_b.pid, signal.SIGKILL)  # a crash: no graceful shutdown
        self.node_b.popen.wait(timeout=10)
        time.sleep(4)
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        bad = {k: v for k, v in statuses.items() if k not in (200, 301)}
        expect(not bad, f"requests failed while node B went down: {dict(statuses)}")
        passed("a web node killed", f"{sum(statuses.values())} requests through the balancer ({before} before node B "
                                    f"was killed with SIGKILL), {dict(statuses)}: none failed")
        self.node_b = liveforum.start_gunicorn("web-b", self.port_b, self.env, self.folder)
        self.services.add("web-b again", self.node_b)

    def check_reminders_once(self) -> None:
        liveforum.manage(self.env, "shell", "-v", "0", "-c", SEND_TWICE.format(day=self.day))
        wait_until(lambda: sum(w.log_path.read_text(errors="replace").count("freshness check done")
                               for w in self.workers) >= 2, 90, "both freshness tasks to run", interval=0.5)
        wait_until(lambda: list(self.mail_dir.iterdir()), 60, "the reminder email", interval=0.5)
        time.sleep(2)  # room for a wrongly duplicated email task
        reminders, emailed, notices = liveforum.manage(self.env, "shell", "-v", "0", "-c", COUNT_REMINDERS).split()
        mails = [p for p in self.mail_dir.iterdir() if "Quiet corner" in p.read_text(errors="replace")]
        ran = {w.name: w.log_path.read_text(errors="replace").count("freshness check done") for w in self.workers}
        expect((reminders, emailed, notices, len(mails)) == ("1", "1", "1", 1),
               f"reminders {reminders}, emailed {emailed}, notices {notices}, emails {len(mails)}")
        expect(self.beat.running() and "beat: Starting" in self.beat.log_path.read_text(errors="replace"),
               "beat is not running")
        passed("reminders exactly once", f"the daily check sent twice, run by {ran}: 1 reminder, 1 notice, 1 email")

    def check_load(self) -> None:
        wrk = shutil.which("wrk")
        paths = ["/", f"/b/{self.data['board']}/", *[f"/t/{t}/" for t in self.data["topics"]],
                 f"/u/{self.data['members'][0]['username']}/"]
        # follow the slug redirects up front: the load asks for the pages themselves
        visitor = Client(self.port)
        pages = []
        for path in paths:
            status, headers, _ = visitor.get(path)
            pages.append(headers["Location"] if status == 301 else path)
        access_log = self.folder / "nginx-access.log"
        lines_before = len(access_log.read_text().splitlines())
        cookie = f"sessionid={self.data['members'][0]['session']}"
        expect(wrk, "wrk is missing (scripts/cluster_test.sh installs it)")
        script = self.folder / "load.lua"
        script.write_text(WRK_SCRIPT.format(paths="{" + ", ".join(f'"{p}"' for p in pages) + "}", cookie=cookie))
        out = subprocess.run([wrk, "-t", "2", "-c", str(LOAD_CONNECTIONS), "-d", f"{LOAD_SECONDS}s", "--latency",
                              "-s", str(script), f"http://127.0.0.1:{self.port}"],
                             capture_output=True, text=True, check=True, timeout=LOAD_SECONDS + 60).stdout
        requests = int(re.search(r"(\d+) requests in", out).group(1))
        errors = re.search(r"Socket errors:.*", out)
        non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
        latency = {q: re.search(rf"\s{q}%\s+(\S+)", out).group(1) for q in ("50", "90", "99")}
        rps = re.search(r"Requests/sec:\s+(\S+)", out).group(1)
        lines = access_log.read_text().splitlines()[lines_before:]
        statuses = Counter(line.split('" ')[1].split()[0] for line in lines if '" ' in line)
        upstreams = Counter(m.group(1) for line in lines if (m := re.search(r"upstream=\S+:(\d+)/", line)))
        detail = (f"{requests} requests in {LOAD_SECONDS} s at {LOAD_CONNECTIONS} connections ({rps} req/s), "
                  f"latency p50 {latency['50']} p90 {latency['90']} p99 {latency['99']}; statuses {dict(statuses)}; "
                  f"per node {dict(upstreams)}")
        # when the time is up wrk closes its connections with a request in flight: nginx logs those as 499
        cut_off = statuses.pop("499", 0)
        expect(not errors and not non_2xx and set(statuses) <= {"200"} and cut_off <= LOAD_CONNECTIONS,
               f"errors under load: {detail}\n{out}")
        expect(len(upstreams) == 2, f"the balancer did not use both nodes: {detail}")
        passed("30 s of load", detail)


def main() -> int:
    folder = Path(tempfile.mkdtemp(prefix="hearth-cluster-", dir="/tmp"))
    folder.chmod(0o755)
    cluster = Cluster(folder)
    started = time.monotonic()

    def on_signal(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, on_signal)
    failed = None
    try:
        cluster.start()
        for check in (cluster.check_login_across_nodes, cluster.check_reads_hit_the_replica,
                      cluster.check_read_your_writes, cluster.check_replica_stopped, cluster.check_node_down,
                      cluster.check_reminders_once, cluster.check_load):
            check()
    except (CheckFailed, RuntimeError, subprocess.SubprocessError, OSError, KeyboardInterrupt) as exc:
        failed = exc
        print(f"[cluster] FAIL: {type(exc).__name__}: {exc}", flush=True)
        for name in ("web-a.log", "web-b.log", "nginx-error.log", "worker-1.log", "beat.log",
                     "replica/postgres.log"):
            path = folder / name
            if path.exists():
                tail = "\n".join(path.read_text(errors="replace").splitlines()[-15:])
                print(f"[cluster] --- last lines of {name} ---\n{tail}", flush=True)
    finally:
        log("stopping everything (by pid)")
        cluster.stop()
        if os.environ.get("CLUSTER_KEEP") == "1" or failed:
            log(f"logs kept in {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    elapsed = time.monotonic() - started
    if failed:
        print(f"[cluster] FAILED after {elapsed:.0f} s ({len(RESULTS)} checks passed before)", flush=True)
        return 1
    print(f"[cluster] all {len(RESULTS)} checks passed in {elapsed:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
