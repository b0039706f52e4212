from allauth.account.views import SignupView as BaseSignupView
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from members import services, signup
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
    email") and nothing is created; the day's counter records it."""

    def post(self, request, *args, **kwargs):
        if signup.looks_like_a_bot(request.POST):
            services.signup_blocked_count()
            return redirect("account_email_verification_sent")
        return super().post(request, *args, **kwargs)


signup_view = SignupView.as_view()
