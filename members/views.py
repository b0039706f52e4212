from allauth.account.views import SignupView as BaseSignupView
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from members import joining, services, signup
from members.forms import PreferencesForm


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    form = PreferencesForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        services.user_update_preferences(user=request.user, **form.cleaned_data)
        messages.success(request, _("Your settings were saved."))
        return redirect("members:preferences")
    return render(request, "members/preferences.html", {"form": form})


class SignupView(BaseSignupView):
    """allauth's signup, except that a bot (members.signup) is answered like a success ("check your
    email") and nothing is created; the day's counter records it. Closed registration (the adapter's
    is_open_for_signup) shows a page that says so, and refuses a POST with 403; `?invite=CODE` fills in
    the invite code."""

    def post(self, request, *args, **kwargs):
        if signup.looks_like_a_bot(request.POST):
            services.signup_blocked_count()
            return redirect("account_email_verification_sent")
        return super().post(request, *args, **kwargs)

    def closed(self):
        response = super().closed()
        if self.request.method != "GET":
            response.status_code = 403
        return response

    def get_initial(self):
        initial = super().get_initial()
        code = self.request.GET.get("invite", "").strip()
        if code and len(code) <= 40:
            initial["invite_code"] = code
        return initial

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except services.InviteUnavailable as exc:  # used by someone else since the form checked it
            form.add_error("invite_code", exc.messages[0])
            return self.form_invalid(form)


signup_view = SignupView.as_view()


@login_required
@require_http_methods(["GET", "POST"])
def invites(request):
    """The member's invite codes and who joined with each; a POST makes a new one (403 past the quota)."""
    if request.method == "POST":
        invite = services.invite_create(member=request.user)
        messages.success(request, _("A new invite code is ready: %(code)s") % {"code": invite.code})
        return redirect("members:invites")
    return render(request, "members/invites.html", joining.invites_page(
        member=request.user, signup_url=request.build_absolute_uri(reverse("account_signup"))))
