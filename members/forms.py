from allauth.account.forms import LoginForm as BaseLoginForm
from django import forms
from django.utils.translation import gettext_lazy as _

from members.models import User, timezone_choices


class PreferencesForm(forms.ModelForm):
    timezone = forms.ChoiceField(label=_("Time zone"), choices=timezone_choices, required=False,
                                 help_text=_("Times on the site are shown in this zone."))

    class Meta:
        model = User
        fields = ["timezone"]


class LoginForm(BaseLoginForm):
    """allauth's login form, with a label that says what the field takes."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].label = _("Username or email")
        self.fields["login"].widget.attrs["placeholder"] = _("Username or email")
