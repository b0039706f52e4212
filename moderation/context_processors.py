from django.core.cache import cache

from boards.permissions import is_admin, is_global_moderator, is_moderator_anywhere
from moderation.selectors import open_count


def moderation_nav(request):
    """The staff links of the header: which to show, from flags on the member's row (no query), and the
    open-case count, cached half a minute rather than counted on every page."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    context = {"nav_admin_pages": is_admin(user), "nav_scheduled": is_global_moderator(user)}
    if is_moderator_anywhere(user):
        context["is_moderator_anywhere"] = True
        context["mod_open_count"] = cache.get_or_set(f"mod-open:{user.pk}", lambda: open_count(user), 30)
    return context
