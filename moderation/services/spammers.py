"""Delete spammer: one action that bans the account and takes all its topics, posts and likes off the
forum (boards.services.member_content_remove keeps every counter exact), resolves the cases about it,
and is logged; undoable for SPAMMER_UNDO_DAYS."""
import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from boards import services as board_services
from members import services as member_services
from members.models import User
from moderation import permissions
from moderation.models import Case, ModerationAction, SpammerRemoval
from moderation.services.log import log

logger = logging.getLogger(__name__)


def spammer_refusal(actor: User, member: User) -> str | None:
    """Why `actor` may not delete `member` as a spammer: it is a ban, so global moderators and admins
    only, and only over members they outrank."""
    return permissions.action_refusal(actor, None, "ban", member=member)


@transaction.atomic
def spammer_delete(*, actor: User, member: User, reason: str) -> SpammerRemoval:
    member = User.objects.select_for_update().get(pk=member.pk)
    refusal = spammer_refusal(actor, member)
    if refusal:
        raise PermissionDenied(refusal)
    reason = (reason or "").strip() or _("Spam")
    now = timezone.now()
    member_services.member_ban(member=member, now=now)
    removed = board_services.member_content_remove(member=member, actor=actor, reason=reason)
    removal = SpammerRemoval.objects.create(member=member, actor=actor, reason=reason[:300], removed=removed,
                                            post_count=len(removed["posts"]), topic_count=len(removed["topics"]))
    resolution = _("Deleted as a spammer")
    Case.objects.filter(member=member).exclude(state=Case.State.RESOLVED).update(
        state=Case.State.RESOLVED, resolved_at=now, resolved_by=actor, resolution=resolution, upheld=True)
    log(actor=actor, action=ModerationAction.Action.DELETE_SPAMMER, reason=reason, member=member,
        after=_("%(posts)d posts, %(topics)d topics") % {"posts": removal.post_count, "topics": removal.topic_count})
    logger.info("spammer deleted", extra={"member_id": member.pk, "by": actor.pk})
    return removal


def undo_deadline(removal: SpammerRemoval):
    return removal.created_at + timedelta(days=settings.HEARTH["SPAMMER_UNDO_DAYS"])


def can_undo(removal: SpammerRemoval, now=None) -> bool:
    return removal.undone_at is None and (now or timezone.now()) < undo_deadline(removal)


@transaction.atomic
def spammer_undo(*, actor: User, removal: SpammerRemoval) -> SpammerRemoval:
    removal = SpammerRemoval.objects.select_for_update().select_related("member").get(pk=removal.pk)
    member = User.objects.select_for_update().get(pk=removal.member_id)
    refusal = spammer_refusal(actor, member)
    if refusal:
        raise PermissionDenied(refusal)
    if removal.undone_at is not None:
        raise ValidationError(_("This was undone already."))
    if not can_undo(removal):
        raise ValidationError(_("It is too late to undo this: it can be undone for %(days)d days.")
                              % {"days": settings.HEARTH["SPAMMER_UNDO_DAYS"]})
    member_services.member_unban(member=member)
    board_services.member_content_restore(member=member, actor=actor, removed=removal.removed)
    removal.undone_at, removal.undone_by = timezone.now(), actor
    removal.save(update_fields=["undone_at", "undone_by"])
    log(actor=actor, action=ModerationAction.Action.UNDO_SPAMMER, reason=removal.reason, member=member)
    return removal
