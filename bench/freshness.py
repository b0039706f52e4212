"""Time the daily freshness check on the bench's forum (part of `make bench`), on the forum of BENCH_SCALE.

Two figures, each the median of 5 runs: the check itself (boards.freshness.board_freshness, what /stats/
also asks every ten minutes), and the whole daily job as a dry run on a day a month ahead, when every board
is quiet: the check, then each board's section of the reminder (its unanswered and most replied topics, its
drafts) and the recipients. Reads only.

Like the other bench scripts it runs only against the bench's own, marked database (bench/guard.py).
"""
import statistics
import time
from datetime import timedelta

from djangoenv import setup_bench_django  # noqa: E402
from guard import scale_from_env  # noqa: E402
from results import record_step  # noqa: E402

setup_bench_django()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from boards import freshness  # noqa: E402
from boards.models import Post  # noqa: E402


def timed(call) -> tuple[float, int, object]:
    """Median seconds of 5 runs, the queries of the last, and its answer."""
    seconds = []
    for _ in range(5):
        with CaptureQueriesContext(connection) as ctx:
            started = time.monotonic()
            answer = call()
            seconds.append(time.monotonic() - started)
    return statistics.median(seconds), len(ctx.captured_queries), answer


def main() -> None:
    today = freshness.today()
    check, check_queries, boards = timed(lambda: freshness.board_freshness(today))
    ahead = today + timedelta(days=30)
    job, job_queries, plans = timed(lambda: freshness.send_freshness_reminders(ahead, dry_run=True))
    quiet = sum(1 for item in freshness.board_freshness(ahead) if item.is_quiet)
    posts = Post.objects.count()
    print(f"[bench] freshness: check of {len(boards)} boards on {posts:,} posts {check * 1000:.1f} ms "
          f"({check_queries} queries); the daily job with all {quiet} boards quiet {job * 1000:.1f} ms "
          f"({job_queries} queries, {len(plans)} reminders planned, dry run)")
    record_step(scale_from_env(), "freshness", {"posts": posts, "check_s": check, "job_s": job,
                                                "quiet_boards": quiet})


if __name__ == "__main__":
    main()
