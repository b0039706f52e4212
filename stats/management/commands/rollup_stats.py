from datetime import date

from django.core.management.base import BaseCommand, CommandError

from stats.rollup import catch_up_range, rollup_range


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"not a date (YYYY-MM-DD): {value}") from exc


class Command(BaseCommand):
    help = ("Write the daily community-health rollups. Without dates: every day since the last rollup (and the "
            "last few again) up to yesterday. Idempotent: a day run twice gives the same rows.")

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="first", help="First day, YYYY-MM-DD (in the site's time zone).")
        parser.add_argument("--to", dest="last", help="Last day, YYYY-MM-DD (default: yesterday).")

    def handle(self, *args, first=None, last=None, **options):
        default_first, default_last = catch_up_range()
        first_day = _day(first) if first else default_first
        last_day = _day(last) if last else default_last
        if first_day > last_day:
            raise CommandError(f"--from {first_day} is after --to {last_day}")
        result = rollup_range(first_day, last_day)
        self.stdout.write(f"{len(result.days)} days rolled up ({first_day} to {last_day}), {result.rows} rows, "
                          f"in {result.seconds:.2f} s.")
