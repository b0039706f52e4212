from allauth.account.forms import LoginForm as BaseLoginForm
from allauth.account.forms import SignupForm as BaseSignupForm
from django import forms
from django.utils.translation import gettext_lazy as _

from members import signup
from members.models import User, timezone_choices
from members.permissions import is_moderator_anywhere


class PreferencesForm(forms.ModelForm):
    timezone = forms.ChoiceField(label=_("Time zone"), choices=timezone_choices, required=False,
                                 help_text=_("Times on the site are shown in this zone."))

    class Meta:
        model = User
        fields = ["timezone", "email_notices", "freshness_reminders", "board_freshness_reminders"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.instance
        if not user.is_superuser:
            del self.fields["freshness_reminders"]
        if not is_moderator_anywhere(user):
            del self.fields["board_freshness_reminders"]


class LoginForm(BaseLoginForm):
    """allauth's login form, with a label that says what the field takes."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].label = _("Username or email")
        self.fields["login"].widget.attrs["placeholder"] = _("Username or email")


class SignupForm(BaseSignupForm):
    """allauth's signup form with the bot checks of members.signup: a honeypot people never see (site.css
    moves it off screen; its label tells screen-reader users to leave it empty) and a signed time stamp."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[signup.HONEYPOT_FIELD] = forms.CharField(
            label=_("Leave this field empty"), required=False,
            widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}))
        self.fields[signup.TOKEN_FIELD] = forms.CharField(required=False, widget=forms.HiddenInput,
                                                          initial=signup.make_token)
