from datetime import date

from django.core.management.base import BaseCommand, CommandError

from boards import freshness


class Command(BaseCommand):
    help = ("Run the daily freshness check by hand: remind admins (and opted-in board moderators) of quiet "
            "boards. Each recipient gets at most one reminder a day, however often this runs.")

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Print what would be sent; store and send nothing.")
        parser.add_argument("--date", help="The day to check, YYYY-MM-DD (default: today in the site's time zone).")

    def handle(self, *args, dry_run, date: str | None, **options):
        try:
            day = date_from(date) if date else freshness.today()
        except ValueError as exc:
            raise CommandError(f"--date must look like 2026-11-24 ({exc})") from exc
        plans = freshness.send_freshness_reminders(day, dry_run=dry_run)
        if not plans:
            self.stdout.write(f"{day}: no board is quiet; nothing to send.")
            return
        for plan in plans:
            verb = "would remind" if dry_run else "reminded" if plan.created else "had already reminded"
            names = ", ".join(b["name"] for b in plan.boards)
            self.stdout.write(f"{day}: {verb} {plan.recipient.username} <{plan.recipient.email}> of: {names}")
            if plan.newcomers:
                self.stdout.write(f"    and {len(plan.newcomers)} members who have not posted yet")
        if dry_run:
            self.stdout.write("Dry run: nothing was stored or sent.")


def date_from(text: str) -> date:
    return date.fromisoformat(text)
