"""Cases left open too long: first their board's moderators are reminded, a day later the admins."""
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from boards.models import BoardModerator
from members.models import User
from moderation.models import Case
from notices.services import notice_create


def stale_cases(*, now=None):
    """Open cases older than CASE_REMINDER_HOURS: first their board's moderators, a day later the admins."""
    now = now or timezone.now()
    limit = now - timedelta(hours=settings.HEARTH["CASE_REMINDER_HOURS"])
    return Case.objects.exclude(state=Case.State.RESOLVED).filter(created_at__lt=limit).filter(
        Q(reminded_moderators_at__isnull=True) | Q(reminded_admins_at__isnull=True))


@transaction.atomic
def remind_stale_cases(*, now=None) -> int:
    """Part of the daily task: cases left open too long remind their board's moderators; a day later, if
    still open (or when the board has no moderators), the admins. One notice per person per run."""
    now = now or timezone.now()
    later = now - timedelta(hours=settings.HEARTH["CASE_REMINDER_HOURS"] + 24)
    todo: dict[int, list[Case]] = {}
    admins = list(User.objects.filter(is_superuser=True, is_active=True))
    for case in stale_cases(now=now).select_related("board").select_for_update(of=("self",)):
        if case.reminded_moderators_at is None:
            moderators = [m.member for m in BoardModerator.objects.filter(board_id=case.board_id)
                          .select_related("member")] if case.board_id else []
            for person in moderators or admins:
                todo.setdefault(person.pk, [person]).append(case)
            Case.objects.filter(pk=case.pk).update(reminded_moderators_at=now,
                                                   reminded_admins_at=None if moderators else now)
        elif case.reminded_admins_at is None and case.created_at < later:
            for person in admins:
                todo.setdefault(person.pk, [person]).append(case)
            Case.objects.filter(pk=case.pk).update(reminded_admins_at=now)
    for person, *cases in todo.values():
        notice_create(recipient=person, verb="cases_waiting", url="/mod/", email=True,
                      params={"count": len(cases), "hours": settings.HEARTH["CASE_REMINDER_HOURS"],
                              "lines": [f"#{c.pk} {c.board.name if c.board else ''}" for c in cases]})
    return len(todo)
