"""The bench behind `make bench`; see bench/run.sh. Prints a table and writes var/bench/results.json.

It runs only against its own PostgreSQL database (bench/guard.py): DATABASE_URL must name `hearth_bench`
(`hearth_bench_x10` for BENCH_SCALE=10: bench/fastseed.py) on loopback, answer, and carry the bench's marker;
otherwise it refuses before migrating or flushing.
"""
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
import tomllib
import urllib.parse
import urllib.request
from pathlib import Path

from guard import BenchRefused, check_bench_database, scale_from_env

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
SECONDS = int(os.environ.get("BENCH_SECONDS", "12"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "4"))
PORT = int(os.environ.get("BENCH_PORT", "8131"))
ROUNDS = max(1, int(os.environ.get("BENCH_ROUNDS", "4")))
SCALE = scale_from_env()  # BENCH_SCALE: 1 is 100,000 posts, 10 is 1,000,000 (bench/fastseed.py scale_sizes)

ENV = {
    **os.environ,
    "DJANGO_SETTINGS_MODULE": "forum.settings.base",
    "DEBUG": "0",
    "SECRET_KEY": "bench-only-secret-key-long-enough-for-the-production-settings-check-0123456789",
    "SECURE_SSL_REDIRECT": "0",
    "SECURE_COOKIES": "0",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "LOG_LEVEL": "WARNING",
    "SEARCH_IP_RATE_COUNT": "100000000",  # wrk searches from one address far faster than anyone would
}
# Searches (the seed gives a fifth of the posts a Chinese paragraph: boards/demo.py ZH_WORDS), measured one
# request at a time, so that the latency is the server's time for the page: it must stay under 100 ms.
SEARCHES = [
    ("search 1 char: 面", "面"),
    ("search 2 chars: 发酵", "发酵"),
    ("search 4 chars: 面包酵种", "面包酵种"),
    ("search English: crumb", "crumb"),
    ("search English: 2 words", "brioche honey"),
    ("search newest: 发酵", "发酵&order=newest"),
    ("search mixed: 温度 oven", "温度 oven"),
]
SEARCH_LIMIT_MS = 100
WORKER_RSS_LIMIT_MIB = 72  # each gunicorn worker's resident memory after the run (issue 13)
# Issue 13: signed-in pages at least this share of the same page's visitor throughput, measured in one run
SIGNED_IN_SHARE = 0.60
P99_OVER_P50 = 3.0
# the pages measured for visitors and signed-in members alike (the deep page is page 200 of the long topic)
MEMBER_PAGES = ["index", "board page", "topic page (20 posts)", "long topic, page 200"]


def manage(*args: str, capture: bool = False, env: dict | None = None) -> str:
    out = subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env or ENV, check=True,
                         capture_output=capture, text=True)
    return out.stdout if capture else ""


def shell(code: str, env: dict | None = None) -> str:
    return manage("shell", "-v", "0", "-c", code, capture=True, env=env).strip()


def seed(env: dict | None = None) -> None:
    """The forum of SCALE, loaded in bulk (bench/seed_forum.py; BENCH_REUSE=1 keeps one already there)."""
    out = subprocess.run([PY, str(ROOT / "bench" / "seed_forum.py")], cwd=ROOT, env=env or ENV, check=True,
                         capture_output=True, text=True)
    print(out.stdout.strip())


def targets(env: dict | None = None) -> list[tuple[str, str]]:
    code = (
        "from boards.models import Board, Topic\n"
        "long = Topic.objects.order_by('-post_count').first()\n"
        "normal = Topic.objects.filter(post_count__gte=20).exclude(pk=long.pk).order_by('id').first()\n"
        "board = Board.objects.order_by('-topic_count').first()\n"
        "print(board.get_absolute_url()); print(normal.get_absolute_url()); print(long.get_absolute_url())\n"
        "from django.conf import settings; print(-(-long.post_count // settings.HEARTH['POSTS_PER_PAGE']))\n"
    )
    board, normal, long_topic, last_page = shell(code, env).splitlines()[-4:]
    return [
        ("index", "/"),
        ("board page", board),
        ("topic page (20 posts)", normal),
        ("long topic, page 1", long_topic),
        ("long topic, page 200", f"{long_topic}?page=200"),
        ("long topic, last page", f"{long_topic}?page={last_page}"),
    ]


def member_cookie(env: dict | None = None) -> str:
    """A signed-in member's session (a plain member: no moderator), to measure pages as members see them."""
    code = (
        "from django.conf import settings\n"
        "from django.contrib.auth import get_user_model\n"
        "from django.test import Client\n"
        "client = Client()\n"
        "client.force_login(get_user_model().objects.filter(is_active=True, is_superuser=False, is_staff=False,\n"
        "    is_global_moderator=False, is_board_moderator=False).order_by('id').first())\n"
        "print(client.cookies[settings.SESSION_COOKIE_NAME].value)\n"
    )
    return shell(code, env).splitlines()[-1]


def wait_http(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback only
                if response.status == 200:
                    return
        except OSError:
            if time.monotonic() > deadline:
                raise
        time.sleep(0.2)


def port_taken(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def to_ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def search_index_facts() -> str:
    """The index's size and how many posts hold each searched word, from the bench's database."""
    words = [q.split("&")[0] for _, q in SEARCHES]
    code = (
        "from django.db import connection\n"
        "from search.query import parse_query\n"
        "from search.backends import tsquery\n"
        "c = connection.cursor()\n"
        "c.execute(\"SELECT pg_size_pretty(pg_relation_size('search_postdocument_document_gin')), "
        "pg_size_pretty(pg_total_relation_size('search_postdocument'))\")\n"
        "print('GIN index %s, table with index %s' % c.fetchone())\n"
        "for q in words:\n"
        "    c.execute('SELECT count(*) FROM search_postdocument WHERE document @@ %s::tsquery',"
        " [tsquery(parse_query(q).terms, in_title=False)])\n"
        "    print('  %s: %d posts' % (q, c.fetchone()[0]))\n"
    )
    return shell(f"words = {words!r}\n{code}")


def run_wrk(url: str, cookie: str | None = None, connections: int | None = None, seconds: int | None = None) -> dict:
    headers = ["-H", f"Cookie: sessionid={cookie}"] if cookie else []
    out = subprocess.run(["wrk", "-t1", f"-c{connections or CONNECTIONS}", f"-d{seconds or SECONDS}s", "--latency",
                          *headers,
                          url],
                         check=True, capture_output=True, text=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = to_ms(re.search(r"^\s*50%\s+(\S+)", out, re.MULTILINE).group(1))
    p99 = to_ms(re.search(r"^\s*99%\s+(\S+)", out, re.MULTILINE).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rps, "p50_ms": p50, "p99_ms": p99, "errors": int(non2xx.group(1)) if non2xx else 0}


def compile_bytecode() -> None:
    """Compile the project's modules, as the Docker image does: with PYTHONDONTWRITEBYTECODE set and no .pyc,
    every gunicorn worker would compile them from source, which costs each one memory the site would not
    spend in production."""
    apps = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]["root_packages"]
    subprocess.run([PY, "-m", "compileall", "-q", *apps, "manage.py"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)


def worker_memory(master_pid: int) -> list[dict]:
    """Each gunicorn worker's memory now (after the run): VmRSS from /proc/PID/status, the figure the bound is
    on, and its proportional (PSS) and unique (USS) share from /proc/PID/smaps_rollup."""
    workers = []
    for pid in sorted(int(p) for p in Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()):
        status = Path(f"/proc/{pid}/status").read_text()
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()

        def kib(field: str, text: str = rollup) -> int:
            return int(re.search(rf"^{field}:\s+(\d+) kB", text, re.MULTILINE).group(1))

        workers.append({"pid": pid, "rss_mib": kib("VmRSS", status) / 1024, "pss_mib": kib("Pss") / 1024,
                        "uss_mib": (kib("Private_Clean") + kib("Private_Dirty")) / 1024})
    return workers


def report_memory(workers: list[dict]) -> bool:
    """Print the workers' memory; False (and a FAIL line) when one is over WORKER_RSS_LIMIT_MIB or none was found."""
    print(f"\n{'gunicorn worker':<24} {'RSS MiB':>8} {'PSS MiB':>8} {'USS MiB':>8}  RSS <= {WORKER_RSS_LIMIT_MIB} MiB")
    for w in workers:
        ok = "yes" if w["rss_mib"] <= WORKER_RSS_LIMIT_MIB else "NO"
        print(f"{'pid ' + str(w['pid']):<24} {w['rss_mib']:8.1f} {w['pss_mib']:8.1f} {w['uss_mib']:8.1f}  {ok}")
    over = [w for w in workers if w["rss_mib"] > WORKER_RSS_LIMIT_MIB]
    if over or not workers:
        print("[bench] FAIL: gunicorn worker memory after the run: "
              + (", ".join(f"pid {w['pid']} {w['rss_mib']:.1f} MiB RSS" for w in over) or "no worker found")
              + f" (bound {WORKER_RSS_LIMIT_MIB} MiB each)")
        return False
    return True


def main() -> int:
    try:  # before anything touches a database: never the `make run` forum, never a database not ours
        check_bench_database(ENV.get("DATABASE_URL"), may_mark=True)
    except BenchRefused as refusal:
        print(f"[bench] REFUSED: {refusal}", file=sys.stderr)
        return 2
    seed()
    manage("collectstatic", "--noinput", "-v0")
    compile_bytecode()
    pages = targets()
    cookie = member_cookie()
    if port_taken(PORT):  # else wrk would measure whatever listens there, and not say so
        print(f"[bench] ERROR: something already listens on 127.0.0.1:{PORT}; choose another BENCH_PORT",
              file=sys.stderr)
        return 2
    server = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "forum.wsgi:application", "-w", "2", "-b", f"127.0.0.1:{PORT}",
         "--access-logfile", "/dev/null", "--error-logfile", "-", "--log-level", "warning"],
        cwd=ROOT, env=ENV, start_new_session=True)
    results, searches = [], []
    try:
        base = f"http://127.0.0.1:{PORT}"
        wait_http(f"{base}/healthz")
        if server.poll() is not None:
            raise SystemExit(f"[bench] gunicorn stopped (exit {server.returncode}); is 127.0.0.1:{PORT} free?")
        for _, path in pages:  # warm every worker's caches and connections, for visitors and the member
            for headers in ({}, {"Cookie": f"sessionid={cookie}"}):
                for _ in range(20):
                    request = urllib.request.Request(f"{base}{path}", headers=headers)  # noqa: S310
                    body = urllib.request.urlopen(request, timeout=10).read()  # noqa: S310
                    if headers and b'action="/accounts/logout/"' not in body:
                        raise SystemExit(f"[bench] the member's session does not sign in on {path}: "
                                         "their pages would be measured as a visitor's")
        measured = []  # each page a visitor's, then (for MEMBER_PAGES) the member's, side by side in time
        for name, path in pages:
            measured.append((name, path, None))
            if name in MEMBER_PAGES:
                measured.append((f"{name}, signed in", path, cookie))
        # Pages are compared with each other (signed in / visitor, board / topic) on a machine others load
        # too: every page is measured in ROUNDS turns of SECONDS / ROUNDS, all pages one after the other in
        # each turn (every other turn in the reverse order), so that a change of load weighs on the pages
        # compared alike. A page's numbers are the means of its turns; a comparison is the median of the
        # comparisons made within each turn.
        runs = {name: [] for name, _, _ in measured}
        for turn in range(ROUNDS):
            for name, path, session in measured if turn % 2 == 0 else measured[::-1]:
                result = run_wrk(f"{base}{path}", session, seconds=max(2, round(SECONDS / ROUNDS)))
                runs[name].append(result)
                print(f"[bench] {name:<36} {result['rps']:8.1f} req/s   p50 {result['p50_ms']:7.2f} ms   "
                      f"p99 {result['p99_ms']:7.2f} ms   errors {result['errors']}"
                      + (f"   (turn {turn + 1} of {ROUNDS})" if ROUNDS > 1 else ""), flush=True)
        for name, path, session in measured:
            turns = runs[name]
            results.append({"page": name, "path": path, "signed_in": bool(session),
                            **{key: sum(r[key] for r in turns) / len(turns) for key in ("rps", "p50_ms", "p99_ms")},
                            "errors": sum(r["errors"] for r in turns)})
        for name, query in SEARCHES if os.environ.get("BENCH_SEARCHES", "1") == "1" else []:
            path = "/search/?q=" + urllib.parse.quote(query, safe="&=")
            for _ in range(10):
                urllib.request.urlopen(f"{base}{path}", timeout=10).read()  # noqa: S310
            result = run_wrk(f"{base}{path}", connections=1)
            searches.append({"page": name, "path": path, **result})
            print(f"[bench] {name:<24} {result['rps']:8.1f} req/s   p50 {result['p50_ms']:7.2f} ms   "
                  f"p99 {result['p99_ms']:7.2f} ms   errors {result['errors']}", flush=True)
        memory = worker_memory(server.pid)  # after every page and search above: the workers' warm state
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    by_name = {r["page"]: r for r in results}
    deep_ratio = by_name["long topic, page 200"]["p50_ms"] / by_name["long topic, page 1"]["p50_ms"]
    checks = []  # (what, passed)

    def in_turns(name: str, other: str | None = None, *, key=lambda r: r["rps"]) -> float:
        """The median over the turns of `name`'s figure (divided by `other`'s of the same turn)."""
        return statistics.median(key(mine) / (key(theirs) if other else 1)
                                 for mine, theirs in zip(runs[name], runs[other or name], strict=True))

    print(f"\n{'page':<36} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'p99/p50':>8}  p99 <= {P99_OVER_P50:g}x p50")
    for r in results:
        spread = in_turns(r["page"], key=lambda run: run["p99_ms"] / run["p50_ms"])
        r["p99_over_p50"] = spread
        checks.append((f"p99/p50 of {r['page']}", spread <= P99_OVER_P50))
        print(f"{r['page']:<36} {r['rps']:8.1f} {r['p50_ms']:8.2f} {r['p99_ms']:8.2f} {spread:8.2f}  "
              f"{'PASS' if spread <= P99_OVER_P50 else 'FAIL'}")
    print(f"\npage 200 / page 1 of the long topic (p50): {deep_ratio:.2f}x")
    print(f"\n{'signed in / visitor':<36} {'visitor':>8} {'member':>8} {'share':>8}  at least {SIGNED_IN_SHARE:.0%}")
    shares = {}
    for name in MEMBER_PAGES:
        visitor, member = by_name[name]["rps"], by_name[f"{name}, signed in"]["rps"]
        shares[name] = in_turns(f"{name}, signed in", name)
        checks.append((f"signed-in share of {name}", shares[name] >= SIGNED_IN_SHARE))
        print(f"{name:<36} {visitor:8.1f} {member:8.1f} {shares[name]:8.0%}  "
              f"{'PASS' if shares[name] >= SIGNED_IN_SHARE else 'FAIL'}")
    board, topic = by_name["board page"]["rps"], by_name["topic page (20 posts)"]["rps"]
    board_share = in_turns("board page", "topic page (20 posts)")
    checks.append(("visitor board page at least as fast as the visitor topic page", board_share >= 1))
    print(f"{'visitor board page / topic page':<36} {topic:8.1f} {board:8.1f} {board_share:8.0%}  "
          f"at least 100%: {'PASS' if board_share >= 1 else 'FAIL'}")
    print(f"(share: the median over the {ROUNDS} turns of the two pages' req/s measured one after the other)")
    if searches:
        print(f"\n{'search (1 connection)':<24} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}  "
              f"under {SEARCH_LIMIT_MS} ms (p50)")
        for r in searches:
            ok = "yes" if r["p50_ms"] < SEARCH_LIMIT_MS else "NO"
            print(f"{r['page']:<24} {r['rps']:8.1f} {r['p50_ms']:8.2f} {r['p99_ms']:8.2f}  {ok}")
        print(search_index_facts())
    memory_ok = report_memory(memory)
    print(f"({CONNECTIONS} connections, {SECONDS} s a page in {ROUNDS} turns, gunicorn 2 sync workers, "
          f"wrk on the same {os.cpu_count()} cores)")
    out = ROOT / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps({"results": results, "searches": searches,
                                                  "deep_page_ratio": deep_ratio, "signed_in_shares": shares,
                                                  "workers": memory,
                                                  "checks": dict(checks), "turns": runs,
                                                  "connections": CONNECTIONS, "seconds": SECONDS}, indent=2))
    save_scale_results(out, results, searches)
    slow = [r["page"] for r in searches if r["p50_ms"] >= SEARCH_LIMIT_MS]
    if slow:
        print(f"[bench] searches slower than {SEARCH_LIMIT_MS} ms: {', '.join(slow)}")
    failed = [what for what, passed in checks if not passed]
    print(f"[bench] page targets: {len(checks) - len(failed)} of {len(checks)} met"
          + (f"; missed: {'; '.join(failed)}" if failed else ""))
    return 1 if any(r["errors"] for r in results + searches) or slow or failed or not memory_ok else 0


def save_scale_results(out: Path, results: list[dict], searches: list[dict]) -> None:
    """This scale's pages for bench/compare.py (var/bench/pages-x10.json ...)."""
    (out / f"pages-x{SCALE}.json").write_text(json.dumps({
        "scale": SCALE, "pages": results, "searches": searches, "rounds": ROUNDS, "connections": CONNECTIONS,
        "seconds": SECONDS, "measured_at": time.strftime("%Y-%m-%d %H:%M:%S")}, indent=2))


if __name__ == "__main__":
    sys.exit(main())
