import zoneinfo

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from members import activity, services


class MemberTimezoneMiddleware:
    """Shows times in the member's own time zone when they chose one, else in the site's; counts the
    member's visit once a day; remembers the language they use the site in."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        tzname = ""
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            tzname = user.timezone
        if tzname:
            try:
                timezone.activate(zoneinfo.ZoneInfo(tzname))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        if user is not None and user.is_authenticated:
            today = timezone.localdate()
            if user.last_visit_on != today:  # the first request of the member's day writes once
                services.visit_record(user=user, day=today)
            if request.method == "POST":  # a write anyway: remember the language emails should speak
                services.user_record_language(user=user, language=translation.get_language() or "")
            activity.mark_seen(user)  # in the cache: "only when away" emails ask it
        return self.get_response(request)


# Moderation and admin pages; a staff member without a second factor is sent to set one up first.
STAFF_PATHS = ("/mod/", "/promotions/", "/freshness/", "/seed/", "/stats/", "/admin/")


def needs_second_factor(user) -> bool:
    """Admins, global moderators and anyone who may open the admin, without an authenticator app yet."""
    if not (user.is_authenticated and (user.is_superuser or user.is_global_moderator or user.is_staff)):
        return False
    return not is_mfa_enabled(user, [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN])


class StaffMFAMiddleware:
    """With STAFF_MFA_REQUIRED, staff use moderation and admin pages only once their account has an
    authenticator app: allauth then asks them for its code at every login (the admin's included, since
    /admin/login/ is the site's login). Members are never asked."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (settings.STAFF_MFA_REQUIRED and request.path.startswith(STAFF_PATHS)
                and needs_second_factor(request.user)):
            messages.warning(request, _("Moderation and admin pages need two-factor authentication. Set up an "
                                        "authenticator app to continue, and keep your recovery codes safe."))
            return redirect("mfa_activate_totp")
        return self.get_response(request)
