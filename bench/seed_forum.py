"""Seed the bench's forum of one scale into its own database (part of `make bench`; bench/bench.py and
bench/scale.py run it): `python bench/seed_forum.py` with DATABASE_URL naming the database of BENCH_SCALE
(hearth_bench, hearth_bench_x10, ...).

Migrates, then keeps the forum when it is already the one of this scale and BENCH_REUSE=1; otherwise
flushes the database (only the bench's own, marked one: bench/guard.py) and loads the forum with
bench/fastseed.py, then checks every counter against a recount. Prints one [bench] line.
"""
import os
import sys
import time

from djangoenv import setup_bench_django  # noqa: E402
from guard import check_bench_database, scale_from_env  # noqa: E402

setup_bench_django()

from django.core.management import call_command  # noqa: E402
from fastseed import check_counters, scale_sizes, seed_forum  # noqa: E402

from boards.models import Post, Topic  # noqa: E402
from members.models import User  # noqa: E402


def is_seeded(sizes: dict) -> bool:
    """The database holds this scale's forum (the bench's steps may have added members and likes since)."""
    return (Post.objects.count() == sizes["posts"] and Topic.objects.count() == sizes["topics"]
            and User.objects.filter(username__startswith="member").count() == sizes["users"])


def main() -> int:
    scale = scale_from_env()
    sizes = scale_sizes(scale)
    call_command("migrate", "--noinput", verbosity=0)
    if os.environ.get("BENCH_REUSE") == "1" and is_seeded(sizes):
        print(f"[bench] x{scale}: reusing the seeded forum of {sizes['posts']:,} posts (BENCH_REUSE=1)")
        return 0
    check_bench_database(os.environ.get("DATABASE_URL"))  # flush only the bench's own, marked database
    call_command("flush", "--noinput", verbosity=0)
    started = time.monotonic()
    timings = seed_forum(**sizes, progress=lambda line: print(f"[seed x{scale}] {line}", file=sys.stderr))
    problems = check_counters()
    if problems:
        print(f"[bench] x{scale}: counters wrong after seeding: {'; '.join(problems)}")
        return 1
    slowest = max(timings, key=timings.get)
    print(f"[bench] x{scale}: seeded {sizes['posts']:,} posts, {sizes['topics']:,} topics, {sizes['users']:,} "
          f"members (and their search index) in {time.monotonic() - started:.0f} s, counters exact "
          f"(longest stage: {slowest}, {timings[slowest]:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
