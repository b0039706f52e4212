from django.conf import settings
from django.core.cache import cache


def site(request):
    context = {"SITE_NAME": settings.HEARTH["SITE_NAME"]}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and (
            user.is_superuser or user.is_global_moderator or user.is_board_moderator):
        context["is_moderator_anywhere"] = True
        context["mod_open_count"] = _open_cases(user)
    return context


def _open_cases(user) -> int:
    """Open cases in the moderator's boards, for the header: cached half a minute, not counted per page."""
    from moderation.selectors import open_count

    return cache.get_or_set(f"mod-open:{user.pk}", lambda: open_count(user), 30)
