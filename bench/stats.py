"""Time the community-health pages and the nightly rollup on 1,000,000 posts and 10,000 members (part of
`make bench`).

Seeds the large forum (once; BENCH_STATS_REUSE=1 keeps it) with visits and likes, rolls up the last
BENCH_STATS_DAYS days (90) as a first run would, then times the nightly rollup of one day (yesterday) and
/stats/ for each period, with its query count.

Its forum has its own database, hearth_bench_stats_x10 (BENCH_DB_KIND=stats), so that the pages' forum stays
for BENCH_REUSE. Its size follows BENCH_SCALE, 10 unless bench/run.sh compares scales: 100,000 posts and
1,000 members a scale (BENCH_STATS_POSTS and BENCH_STATS_MEMBERS set them outright). The bounds it is held
to (issue 10): a day's rollup under 5 s and /stats/ under 1 s; bench/compare.py prints them.

Like bench.py it runs only against the bench's own, marked PostgreSQL database (bench/guard.py), and checks
that before Django is even set up.
"""
import os
import random
import statistics
import time
from datetime import timedelta

from djangoenv import setup_bench_django  # noqa: E402
from guard import check_bench_database, scale_from_env  # noqa: E402
from results import record_step  # noqa: E402

setup_bench_django()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from fastseed import seed_forum  # noqa: E402

from boards.models import Post, PostLike  # noqa: E402
from members.default_ladder import ensure_default_ladder  # noqa: E402
from members.models import MemberVisit, Rank, User  # noqa: E402
from stats import definitions as d  # noqa: E402
from stats.rollup import rollup_range  # noqa: E402

SCALE = scale_from_env()
POSTS = int(os.environ.get("BENCH_STATS_POSTS", str(100_000 * SCALE)))
MEMBERS = int(os.environ.get("BENCH_STATS_MEMBERS", str(1_000 * SCALE)))
LIKES = 30_000 * SCALE
DAYS = int(os.environ.get("BENCH_STATS_DAYS", "90"))


def seed(rng: random.Random) -> None:
    if (os.environ.get("BENCH_STATS_REUSE") == "1" and Post.objects.count() == POSTS
            and User.objects.filter(username__startswith="member").count() == MEMBERS):
        print("[bench] stats: reusing the seeded forum (BENCH_STATS_REUSE=1)")
        return
    check_bench_database(os.environ.get("DATABASE_URL"))  # flush only the bench's own, marked database
    call_command("flush", "--noinput", verbosity=0)
    started = time.monotonic()
    seed_forum(boards=8, users=MEMBERS, topics=POSTS // 25, posts=POSTS, seed=1)
    seeded = time.monotonic() - started
    now = timezone.now()
    ids = list(User.objects.values_list("id", flat=True))
    with transaction.atomic():
        visits = [MemberVisit(member_id=m, day=(now - timedelta(days=day)).date())
                  for m in ids for day in rng.sample(range(365), rng.randint(0, 60))]
        MemberVisit.objects.bulk_create(visits, batch_size=20000, ignore_conflicts=True)
        top = Post.objects.order_by("-id").values_list("id", flat=True).first()
        likes = {(rng.randint(1, top), rng.choice(ids)) for _ in range(LIKES)}
        PostLike.objects.bulk_create([PostLike(post_id=p, member_id=m) for p, m in likes], batch_size=20000,
                                     ignore_conflicts=True)
        with connection.cursor() as cursor:  # each like an hour after its post
            cursor.execute("UPDATE boards_postlike l SET created_at = p.created_at + interval '1 hour' "
                           "FROM boards_post p WHERE p.id = l.post_id")
    User.objects.create(username="stats-bench-admin", is_superuser=True, is_staff=True, email_verified=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"[bench] stats: seeded {POSTS:,} posts and {MEMBERS:,} members in {seeded:.0f} s, then "
          f"{len(visits):,} visits and {len(likes):,} likes in {time.monotonic() - started - seeded:.0f} s")


def main() -> None:
    call_command("migrate", "--noinput", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)  # the production settings serve from the manifest
    seed(random.Random(1))
    ensure_default_ladder(Rank)  # the flush removed it
    yesterday = d.today() - timedelta(days=1)
    first = rollup_range(yesterday - timedelta(days=DAYS - 1), yesterday)
    print(f"[bench] stats: first rollup of {DAYS} days: {first.seconds:.1f} s "
          f"({first.seconds / DAYS:.2f} s a day)")
    nightly = [rollup_range(yesterday, yesterday).seconds for _ in range(3)]
    print(f"[bench] stats: rollup of one day (the nightly run): {min(nightly):.2f} s best, "
          f"{max(nightly):.2f} s worst of 3")
    client = Client()
    client.force_login(User.objects.get(username="stats-bench-admin"))
    pages = {}
    for days in d.PERIODS:
        times = []
        for _ in range(5):
            with CaptureQueriesContext(connection) as ctx:
                started = time.monotonic()
                response = client.get(f"/stats/?days={days}")
                times.append(time.monotonic() - started)
            assert response.status_code == 200, response.status_code
        print(f"[bench] stats: /stats/?days={days:<3} first {times[0] * 1000:6.0f} ms, median "
              f"{statistics.median(times) * 1000:6.0f} ms, {len(ctx.captured_queries)} queries")
        pages[days] = {"first_s": times[0], "median_s": statistics.median(times)}
    board = client.get("/stats/b/board-1/?days=30")
    assert board.status_code == 200
    record_step(SCALE, "stats", {"posts": POSTS, "members": MEMBERS, "first_rollup_day_s": first.seconds / DAYS,
                                 "nightly_best_s": min(nightly), "nightly_worst_s": max(nightly),
                                 "page_median_s": max(p["median_s"] for p in pages.values()),
                                 "page_first_s": max(p["first_s"] for p in pages.values()), "pages": pages})


if __name__ == "__main__":
    main()
