from notices.models import Notice

NOTICES_PER_PAGE = 50


def notices_for(*, member, limit: int = NOTICES_PER_PAGE) -> list[Notice]:
    """The member's newest notices, each with its words in the active language."""
    notices = list(Notice.objects.filter(recipient=member).order_by("-created_at", "-id")[:limit])
    for notice in notices:
        notice.words = notice.text()
    return notices
