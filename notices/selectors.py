from django.utils.translation import gettext as _

from forum.pagination import rows_between
from notices.models import Notice

NOTICES_PER_PAGE = 50


def notices_page(*, member, number: int = 1) -> tuple[list[Notice], bool]:
    """One page of the member's notices, newest first, each worded in the active language; and whether
    there is a next page (one row more, no COUNT)."""
    start = (number - 1) * NOTICES_PER_PAGE
    listed = Notice.objects.filter(recipient=member).order_by("-created_at", "-id")
    rows = list(rows_between(listed, start, start + NOTICES_PER_PAGE + 1).select_related("actor")
                .order_by("-created_at", "-id"))
    for notice in rows:
        notice.words = notice.text()
    return rows[:NOTICES_PER_PAGE], len(rows) > NOTICES_PER_PAGE


def own_notice(*, member, notice_id: int | None) -> Notice | None:
    if notice_id is None:
        return None
    return Notice.objects.filter(pk=notice_id, recipient=member).first()


def kind_label(kind: str) -> str:
    if kind == "digest":
        return _("the daily digest")
    if kind == "general":
        return _("news about your account (approvals, promotions, moderators' decisions)")
    return str(Notice.Kind(kind).label) if kind in Notice.Kind.values else kind
