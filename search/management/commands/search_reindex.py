import sys
import time

from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS

from search import services


class Command(BaseCommand):
    help = ("Rebuild the search index of every post, in batches (each its own transaction), showing progress. "
            "Safe to run on a live forum: posts written meanwhile index themselves.")

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=services.REINDEX_BATCH)
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, **opts):
        started = time.monotonic()
        show = self.stdout.isatty() if hasattr(self.stdout, "isatty") else False
        width = 30

        def progress(done: int, total: int) -> None:
            share = done / total if total else 1.0
            filled = int(width * share)
            bar = f"[{'#' * filled}{'-' * (width - filled)}] {done:,}/{total:,} posts ({share:.0%})"
            if show:
                self.stdout.write(f"\r{bar}", ending="")
                self.stdout.flush()
            else:
                self.stdout.write(bar)

        count = services.reindex(using=opts["database"], batch_size=max(1, opts["batch_size"]), progress=progress)
        if show:
            self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Indexed {count:,} posts in {time.monotonic() - started:.1f} s."))
        sys.stdout.flush()
