"""A term added, changed or deleted (in the admin or anywhere): the matchers are rebuilt."""
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from wordfilter.models import Term
from wordfilter.services import bump_version


@receiver(post_save, sender=Term, dispatch_uid="wordfilter.term_saved")
@receiver(post_delete, sender=Term, dispatch_uid="wordfilter.term_deleted")
def term_changed(sender, **kwargs) -> None:
    bump_version()
