"""Working on a case: claiming it and keeping internal notes."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from members.models import User
from moderation import permissions
from moderation.models import Case, CaseNote, ModerationAction
from moderation.services.actions import AlreadyResolved
from moderation.services.log import log

Action = ModerationAction.Action


@transaction.atomic
def case_claim(*, case: Case, actor: User) -> Case:
    case = (Case.objects.select_for_update(of=("self",)).select_related("board", "post__topic__board", "topic__board")
            .get(pk=case.pk))
    if case.state == Case.State.RESOLVED:
        raise AlreadyResolved(case)
    refusal = permissions.handle_refusal(actor, case)
    if refusal:
        raise PermissionDenied(refusal)
    if case.assignee_id and case.assignee_id != actor.pk:
        raise ValidationError(_("%(who)s is already on this case.") % {"who": case.assignee.username})
    Case.objects.filter(pk=case.pk).update(assignee=actor, state=Case.State.IN_PROGRESS)
    log(actor=actor, action=Action.CLAIM, case=case, board=case.board)
    case.refresh_from_db()
    return case


@transaction.atomic
def case_add_note(*, case: Case, actor: User, text: str) -> CaseNote:
    refusal = permissions.handle_refusal(actor, case)
    if refusal:
        raise PermissionDenied(refusal)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the note first.")})
    note = CaseNote.objects.create(case=case, author=actor, text=text[:5000])
    log(actor=actor, action=Action.NOTE, case=case, board=case.board, after=text[:5000])
    return note
