import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from boards import demo
from boards.models import Board


class Command(BaseCommand):
    help = ("Load demo content. Without sizes: a small, pleasant forum. With sizes: a deterministic large "
            "forum for benchmarks, e.g. --boards 8 --users 400 --topics 4000 --posts 100000 --seed 1.")

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="Do nothing when boards already exist.")
        parser.add_argument("--boards", type=int)
        parser.add_argument("--users", type=int)
        parser.add_argument("--topics", type=int)
        parser.add_argument("--posts", type=int)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--long-topic", type=int, default=4000,
                            help="Posts in the first topic of the large forum (for deep-page tests).")

    def handle(self, *args, **opts):
        if Board.objects.exists():
            if opts["if_empty"]:
                self.stdout.write("Demo content already there; leaving it as it is.")
                return
            raise CommandError("The forum already has boards; seed_demo fills an empty database only.")
        sizes = [opts[k] for k in ("boards", "users", "topics", "posts")]
        started = time.monotonic()
        if any(s is not None for s in sizes):
            if any(s is None for s in sizes):
                raise CommandError("Give all of --boards, --users, --topics and --posts, or none of them.")
            try:
                demo.seed_large(boards=opts["boards"], users=opts["users"], topics=opts["topics"],
                                posts=opts["posts"], seed=opts["seed"], long_topic=opts["long_topic"])
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
        else:
            demo.seed_small()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE boards_board, boards_topic, boards_post, members_user")  # fresh planner stats
        self.stdout.write(self.style.SUCCESS(
            f"Demo forum loaded in {time.monotonic() - started:.1f} s. "
            f"Demo members log in with password '{demo.DEMO_PASSWORD}'."))
