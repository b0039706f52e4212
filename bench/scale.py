"""`make bench BENCH_SCALE=1,10`: the same pages on forums of several sizes, measured side by side.

Each scale has its own database (hearth_bench, hearth_bench_x10: bench/guard.py bench_db_name), seeded by
bench/seed_forum.py (BENCH_REUSE=1 keeps a forum already there) and served by its own gunicorn (2 sync
workers, on BENCH_PORT, BENCH_PORT+1, ...). The pages are bench.py's (index, board, topic, the long topic's
first, 200th and last page), each as a visitor and as a signed-in member, and its searches. On a shared
machine two runs minutes apart differ by ±20%, more than the 1.2x this compares, so the scales are not
measured one after the other: every page is measured on each scale in turn, for BENCH_ROUNDS rounds
(3; the order of the scales alternates), and each figure is the median of the rounds.

Prints each scale's table as bench.py does and writes var/bench/pages-x<scale>.json; bench/compare.py
then prints the ratios with their PASS/FAIL lines (bench/run.sh runs it after the other steps).
"""
import json
import os
import signal
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

from guard import BenchRefused, bench_db_name, check_bench_database

import bench as single

ROOT = Path(__file__).resolve().parent.parent
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))


def scales_from_env() -> list[int]:
    raw = [part.strip() for part in os.environ.get("BENCH_SCALES", os.environ.get("BENCH_SCALE", "1,10")).split(",")]
    if not raw or not all(part.isdigit() and int(part) >= 1 for part in raw):
        raise SystemExit(f"[bench] BENCH_SCALE must be scales like 1,10, not {os.environ.get('BENCH_SCALE')!r}")
    return sorted({int(part) for part in raw})


def scale_env(scale: int) -> dict:
    """bench.py's environment, pointed at the database of `scale` on the same PostgreSQL."""
    parts = urllib.parse.urlsplit(single.ENV["DATABASE_URL"])
    url = parts._replace(path=f"/{bench_db_name(scale)}").geturl()
    return {**single.ENV, "DATABASE_URL": url, "BENCH_SCALE": str(scale)}


def measured_pages(env: dict) -> list[tuple[str, str, str | None]]:
    """(name, path, session cookie or None): every page as a visitor, then as a signed-in member."""
    pages = single.targets(env)
    cookie = single.member_cookie(env)
    return [(name, path, None) for name, path in pages] + [(f"{name}, signed in", path, cookie)
                                                           for name, path in pages]


def fetch(url: str, cookie: str | None = None) -> None:
    headers = {"Cookie": f"sessionid={cookie}"} if cookie else {}
    urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30).read()  # noqa: S310


def median_of(runs: list[dict]) -> dict:
    return {"rps": statistics.median(r["rps"] for r in runs), "p50_ms": statistics.median(r["p50_ms"] for r in runs),
            "p99_ms": statistics.median(r["p99_ms"] for r in runs), "errors": sum(r["errors"] for r in runs),
            "rounds": [{"rps": r["rps"], "p50_ms": r["p50_ms"], "p99_ms": r["p99_ms"]} for r in runs]}


def print_table(scale: int, pages: list[dict], searches: list[dict]) -> None:
    print(f"\nx{scale}: {100_000 * scale:,} posts (median of {ROUNDS} rounds)")
    print(f"{'page':<36} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'p99/p50':>8}")
    for r in pages:
        print(f"{r['page']:<36} {r['rps']:8.1f} {r['p50_ms']:8.2f} {r['p99_ms']:8.2f} {r['p99_ms'] / r['p50_ms']:8.2f}")
    print(f"{'search (1 connection)':<36} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}")
    for r in searches:
        print(f"{r['page']:<36} {r['rps']:8.1f} {r['p50_ms']:8.2f} {r['p99_ms']:8.2f}")


def main() -> int:
    scales = scales_from_env()
    if not single.ENV.get("DATABASE_URL"):
        print("[bench] REFUSED: DATABASE_URL is not set; run the bench with `make bench`", file=sys.stderr)
        return 2
    envs = {scale: scale_env(scale) for scale in scales}
    for scale, env in envs.items():
        try:  # bench/run.sh created and marked each; refuse anything else before seeding
            check_bench_database(env["DATABASE_URL"], name=bench_db_name(scale))
        except BenchRefused as refusal:
            print(f"[bench] REFUSED: {refusal}", file=sys.stderr)
            return 2
    for env in envs.values():
        single.seed(env)
    single.manage("collectstatic", "--noinput", "-v0")
    pages = {scale: measured_pages(env) for scale, env in envs.items()}
    servers = {}
    try:
        for i, (scale, env) in enumerate(envs.items()):
            servers[scale] = (f"http://127.0.0.1:{single.PORT + i}", subprocess.Popen(
                [str(ROOT / ".venv" / "bin" / "gunicorn"), "forum.wsgi:application", "-w", "2", "-b",
                 f"127.0.0.1:{single.PORT + i}", "--access-logfile", "/dev/null", "--error-logfile", "-",
                 "--log-level", "warning"], cwd=ROOT, env=env, start_new_session=True))
        for scale, (base, _) in servers.items():
            single.wait_http(f"{base}/healthz")
            for _, path, cookie in pages[scale]:  # warm each worker; a member's first view writes their read
                for _ in range(10):
                    fetch(f"{base}{path}", cookie)
        runs = {scale: {name: [] for name, _, _ in pages[scale]} for scale in scales}
        search_runs = {scale: {name: [] for name, _ in single.SEARCHES} for scale in scales}
        for round_no in range(ROUNDS):
            order = scales if round_no % 2 == 0 else scales[::-1]
            for index in range(len(pages[scales[0]])):
                for scale in order:
                    name, path, cookie = pages[scale][index]
                    runs[scale][name].append(single.run_wrk(f"{servers[scale][0]}{path}", cookie))
                print(f"[bench] round {round_no + 1}/{ROUNDS} {name:<36} " + "   ".join(
                    f"x{s} p50 {runs[s][name][-1]['p50_ms']:7.2f} ms" for s in scales), flush=True)
            for name, query in single.SEARCHES:
                path = "/search/?q=" + urllib.parse.quote(query, safe="&=")
                for scale in order:
                    if round_no == 0:
                        for _ in range(5):
                            fetch(f"{servers[scale][0]}{path}")
                    result = single.run_wrk(f"{servers[scale][0]}{path}", connections=1)
                    search_runs[scale][name].append({**result, "path": path})
    finally:
        for _, server in servers.values():
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)

    out = ROOT / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    errors = 0
    run_at = time.strftime("%Y-%m-%d %H:%M:%S")  # one stamp for the run: compare.py pairs its rounds
    for scale in scales:
        results = [{"page": name, "path": path, **median_of(runs[scale][name])} for name, path, _ in pages[scale]]
        searches = [{"page": name, "path": search_runs[scale][name][0]["path"], **median_of(search_runs[scale][name])}
                    for name, _ in single.SEARCHES]
        errors += sum(r["errors"] for r in results + searches)
        print_table(scale, results, searches)
        (out / f"pages-x{scale}.json").write_text(json.dumps({
            "scale": scale, "pages": results, "searches": searches, "rounds": ROUNDS,
            "connections": single.CONNECTIONS, "seconds": single.SECONDS, "interleaved_with": scales,
            "measured_at": run_at}, indent=2))
    print(f"({single.CONNECTIONS} connections, {single.SECONDS} s per measurement, gunicorn 2 sync workers per "
          f"scale, wrk on the same {os.cpu_count()} cores; the scales measured in turn, page by page)")
    if errors:
        print(f"[bench] {errors} responses were errors")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
