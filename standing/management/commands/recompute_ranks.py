from django.core.management.base import BaseCommand

from standing.promotions import propose_moderators
from standing.ranks import recompute_ranks


class Command(BaseCommand):
    help = "Recompute every member's rank (set-based; idempotent), then propose moderators from the top rank."

    def add_arguments(self, parser):
        parser.add_argument("--no-proposals", action="store_true", help="Only recompute ranks.")

    def handle(self, *args, no_proposals, **options):
        result = recompute_ranks()
        self.stdout.write(f"{result.members} members measured in {result.seconds:.1f} s: {result.promoted} promoted, "
                          f"{result.dropped} dropped, {result.pending_drop} below their rank (grace period).")
        if not no_proposals:
            proposals = propose_moderators()
            self.stdout.write(f"{len(proposals)} new moderator proposals.")
