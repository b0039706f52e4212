"""How the forum's costs grow with its size: the last measurements of each scale side by side, with PASS/FAIL
lines (`make bench BENCH_SCALE=1,10` ends with it; `python bench/compare.py 1 10` reprints it).

- Pages (var/bench/pages-x<scale>.json, from bench/scale.py or bench.py): each p50 at the larger scale
  within PAGE_RATIO (1.2x) of the smallest scale's. When bench/scale.py measured the scales in turn, the
  ratio is the median of each round's ratio (the two measurements of a round ran seconds apart, under the
  same load; on a shared machine the load can change fivefold between rounds); otherwise the ratio of the
  p50s.
- Searches: each under bench.py's SEARCH_LIMIT_MS (100 ms, issue 12) at every scale. A search finds ten
  times the posts in a forum ten times the size, so its cost is held by that bound and by the ranking
  window (search.selectors.RANK_WINDOW), not by the ratio: a growth past PAGE_RATIO is printed as GROWS
  and listed, but does not fail.
- The jobs (var/bench/steps-x<scale>.json, from ranks.py, freshness.py, stats.py): each within its bound at
  every scale, the bounds the issues set: the rank recompute of 100,000 members under 30 s (issue 4), a
  day's stats rollup under 5 s and /stats/ under 1 s (issue 10), and the freshness check under 0.5 s (it
  runs inside the first /stats/ view every ten minutes). Their growth is printed beside them; the first
  /stats/ view of a fresh process (templates, translations and the freshness check loaded) is printed too.

Exits 1 when a line fails or a scale has no measurements.
"""
import os
import statistics
import sys

from results import load

PAGE_RATIO = 1.2
SEARCH_LIMIT_MS = 100
# (step, figure, label, bound in seconds)
JOB_BOUNDS = [
    ("ranks", "first_s", "rank recompute, first run", 30.0),
    ("ranks", "steady_s", "rank recompute, steady night", 30.0),
    ("freshness", "check_s", "freshness check (board ages)", 0.5),
    ("freshness", "job_s", "freshness job, all boards quiet", 0.5),
    ("stats", "nightly_worst_s", "stats rollup of one day", 5.0),
    ("stats", "page_median_s", "/stats/ (slowest period, median)", 1.0),
    ("stats", "page_first_s", "/stats/ (first view of a process)", None),
]


def scales_from(argv: list[str]) -> list[int]:
    raw = argv or os.environ.get("BENCH_SCALE", "1,10").split(",")
    return sorted({int(part) for part in raw if part.strip()})


def ratio_of(small: dict, large: dict, paired: bool) -> float:
    """large's p50 over small's: the median of the rounds' ratios when the rounds were measured in turn."""
    rounds = list(zip(small.get("rounds", []), large.get("rounds", []), strict=False))
    if paired and len(rounds) > 1:
        return statistics.median(b["p50_ms"] / a["p50_ms"] for a, b in rounds)
    return large["p50_ms"] / small["p50_ms"]


def paired(pages: dict, base: int, scale: int) -> bool:
    """Both scales' rounds were measured in turn, in one run of bench/scale.py."""
    return all(set(pages[s].get("interleaved_with", [])) >= {base, scale} for s in (base, scale)) and (
        pages[base].get("measured_at") == pages[scale].get("measured_at"))


def compare(scales: list[int]) -> tuple[list[str], list[str]]:
    """Prints the tables; returns the failures and the searches that grew more than PAGE_RATIO."""
    failures, grows = [], []
    pages = {scale: load("pages", scale) for scale in scales}
    steps = {scale: load("steps", scale) for scale in scales}
    for scale in scales:
        if not pages[scale]:
            failures.append(f"x{scale}: no page measurements (var/bench/pages-x{scale}.json)")
    base = scales[0]
    for scale in scales[1:]:
        if not (pages[base] and pages[scale]):
            continue
        print(f"\np50 from x{base} ({100_000 * base:,} posts) to x{scale} ({100_000 * scale:,} posts): "
              f"each within {PAGE_RATIO}x" + (" (ratio: the median of the rounds' ratios)"
                                               if paired(pages, base, scale) else ""))
        print(f"{'page':<36} {f'x{base} ms':>9} {f'x{scale} ms':>9} {'ratio':>7}")
        in_turn = paired(pages, base, scale)
        small = {r["page"]: r for r in pages[base]["pages"]}
        for row in pages[scale]["pages"]:
            if row["page"] not in small:
                continue
            ratio = ratio_of(small[row["page"]], row, in_turn)
            verdict = "PASS" if ratio <= PAGE_RATIO else "FAIL"
            print(f"{row['page']:<36} {small[row['page']]['p50_ms']:9.2f} {row['p50_ms']:9.2f} {ratio:7.2f}  {verdict}")
            if verdict == "FAIL":
                failures.append(f"{row['page']}: p50 {ratio:.2f}x at x{scale}")
        small = {r["page"]: r for r in pages[base].get("searches", [])}
        if small:
            print(f"{'search (1 connection)':<36} {f'x{base} ms':>9} {f'x{scale} ms':>9} {'ratio':>7}"
                  f"  (also under {SEARCH_LIMIT_MS} ms)")
        for row in pages[scale].get("searches", []):
            if row["page"] not in small:
                continue
            ratio = ratio_of(small[row["page"]], row, in_turn)
            fast = max(row["p50_ms"], small[row["page"]]["p50_ms"]) < SEARCH_LIMIT_MS
            verdict = "PASS" if fast else "FAIL"
            growth = "  GROWS" if ratio > PAGE_RATIO else ""
            print(f"{row['page']:<36} {small[row['page']]['p50_ms']:9.2f} {row['p50_ms']:9.2f} {ratio:7.2f}  "
                  f"{verdict}{growth}")
            if verdict == "FAIL":
                failures.append(f"{row['page']}: {row['p50_ms']:.0f} ms at x{scale}, over {SEARCH_LIMIT_MS} ms")
            if growth:
                grows.append(f"{row['page']}: p50 {ratio:.2f}x at x{scale} ({row['p50_ms']:.0f} ms)")
    if any(steps.values()):
        print(f"\n{'job (seconds)':<36} " + " ".join(f"{f'x{s}':>8}" for s in scales) + f" {'growth':>7} {'bound':>7}")
        for step, figure, label, bound in JOB_BOUNDS:
            values = [steps[s].get(step, {}).get(figure) for s in scales]
            if all(v is None for v in values):
                continue
            cells = " ".join(f"{v:8.3f}" if v is not None else f"{'-':>8}" for v in values)
            growth = values[-1] / values[0] if values[0] and values[-1] is not None else None
            growth_cell = f"{growth:.2f}x" if growth else "-"
            if bound is None:
                print(f"{label:<36} {cells} {growth_cell:>7}")
                continue
            verdict = "PASS" if all(v is not None and v < bound for v in values) else "FAIL"
            print(f"{label:<36} {cells} {growth_cell:>7} {bound:6.1f}s  {verdict}")
            if verdict == "FAIL":
                failures.append(f"{label}: over {bound} s (or not measured) at some scale")
        for s in scales:
            ranks, stats = steps[s].get("ranks", {}), steps[s].get("stats", {})
            print(f"  x{s}: ranks over {ranks.get('members', 0):,} members on {ranks.get('posts', 0):,} posts; "
                  f"stats on {stats.get('posts', 0):,} posts and {stats.get('members', 0):,} members")
    return failures, grows


def main(argv: list[str]) -> int:
    scales = scales_from(argv)
    if len(scales) < 2:
        print("[bench] compare needs two scales, e.g. python bench/compare.py 1 10")
        return 2
    failures, grows = compare(scales)
    for failure in failures:
        print(f"[bench] FAIL {failure}")
    for search in grows:
        print(f"[bench] GROWS (within its bound) {search}")
    print(f"[bench] {'PASS' if not failures else 'FAIL'}: growth from x{scales[0]} to x{scales[-1]} "
          f"({len(failures)} failing)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
