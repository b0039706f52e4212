"""Time the nightly rank recompute on 100,000 members (part of `make bench`), on the forum of BENCH_SCALE.

Adds 100,000 members with visits, read counters and likes to the bench database (once), then runs
members.ranks.recompute_ranks twice: the first run places everyone on the ladder, the second is the
steady nightly run. Prints both timings.

Like bench.py it runs only against the bench's own, marked PostgreSQL database (bench/guard.py), and
checks that before Django is even set up.
"""
import os
import random
import time
from datetime import timedelta

from djangoenv import setup_bench_django  # noqa: E402
from guard import scale_from_env  # noqa: E402
from results import record_step  # noqa: E402

setup_bench_django()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from boards.models import Post, PostLike  # noqa: E402
from members.default_ladder import ensure_default_ladder  # noqa: E402
from members.models import MemberVisit, Rank, User  # noqa: E402
from standing.ranks import recompute_ranks  # noqa: E402

MEMBERS = int(os.environ.get("BENCH_RANK_MEMBERS", "100000"))


def seed(rng: random.Random) -> None:
    existing = User.objects.filter(username__startswith="rank-bench-").count()
    if existing >= MEMBERS:
        return
    started = time.monotonic()
    now = timezone.now()
    password = make_password("bench")
    with transaction.atomic():
        users = [User(username=f"rank-bench-{i:06d}", email=f"rb{i}@example.com", password=password,
                      email_verified=True, date_joined=now - timedelta(days=rng.randint(1, 700)),
                      topics_entered=rng.randint(0, 300), posts_read=rng.randint(0, 3000),
                      days_visited=0) for i in range(existing, MEMBERS)]
        User.objects.bulk_create(users, batch_size=5000)
        ids = list(User.objects.filter(username__startswith="rank-bench-").values_list("id", flat=True))
        visits = []
        for member_id in ids:
            days = rng.sample(range(200), rng.randint(0, 40))
            visits.extend(MemberVisit(member_id=member_id, day=(now - timedelta(days=d)).date()) for d in days)
        MemberVisit.objects.bulk_create(visits, batch_size=10000, ignore_conflicts=True)
        post_ids = list(Post.objects.values_list("id", flat=True)[:100000])
        likes = {(rng.choice(post_ids), rng.choice(ids)) for _ in range(300000)}
        PostLike.objects.bulk_create([PostLike(post_id=p, member_id=m) for p, m in likes], batch_size=10000,
                                     ignore_conflicts=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE members_user, members_membervisit, boards_postlike, boards_post")
    print(f"[bench] ranks: added {MEMBERS - existing:,} members, {len(visits):,} visits, {len(likes):,} likes "
          f"in {time.monotonic() - started:.1f} s")


def main() -> None:
    ensure_default_ladder(Rank)  # `make bench` flushes the database, ladder included
    seed(random.Random(1))
    total = User.objects.count()
    first = recompute_ranks()
    second = recompute_ranks()
    print(f"[bench] ranks: recompute over {total:,} members: first run {first.seconds:.1f} s "
          f"({first.promoted} promoted), steady run {second.seconds:.1f} s ({second.promoted} promoted, "
          f"{second.dropped} dropped)")
    record_step(scale_from_env(), "ranks", {"members": total, "posts": Post.objects.count(),
                                            "first_s": first.seconds, "steady_s": second.seconds})


if __name__ == "__main__":
    main()
