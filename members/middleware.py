import zoneinfo

from django.utils import timezone, translation

from members import services


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
        return self.get_response(request)
