from django.utils.translation import gettext as _

from forum.pagination import Keyset, SeekPage
from notices.models import Notice

NOTICES_PER_PAGE = 50
# newest first, by the member's index (members_notice_recipient_idx: recipient, -created_at, -id)
NOTICE_ORDER = Keyset(Notice, ("created_at", "id"))


def notices_page(*, member, older: str | None = None, newer: str | None = None) -> SeekPage:
    """One page of the member's notices, newest first, each worded in the active language: the first page, the
    notices just older than the cursor `older` or just newer than `newer` (a link's text, from the page before).
    One query however deep the page; NotAPage for a cursor that is not one, or with nothing beyond it."""
    page = NOTICE_ORDER.page(Notice.objects.filter(recipient=member), after=older, before=newer,
                             per_page=NOTICES_PER_PAGE, select_related=("actor",))
    for notice in page.rows:
        notice.words = notice.text()
    return page


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
