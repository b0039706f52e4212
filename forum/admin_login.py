"""The admin has no login of its own: /admin/login/ is the site's login (allauth's), so both share one set
of limits (failed attempts per account and per address) and staff pass the same two-factor step."""
from allauth.account.views import LoginView
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

site_login = LoginView.as_view()


def admin_login(request):
    if request.user.is_authenticated:
        if request.user.is_staff:
            return redirect("admin:index")
        raise PermissionDenied  # the admin sends members who may not use it here: no loop back to a login
    if request.method == "POST":
        # the admin's login form, or a script written against it, posts `username`; allauth's form says `login`
        data = request.POST.copy()
        data.setdefault("login", data.get("username", ""))
        request.POST = data
        return site_login(request)
    next_url = request.GET.get("next") or reverse("admin:index")
    return redirect(f"{reverse('account_login')}?{urlencode({'next': next_url})}")
