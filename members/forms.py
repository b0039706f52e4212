from django import forms
from django.utils.translation import gettext_lazy as _

from members.models import User, timezone_choices


class PreferencesForm(forms.ModelForm):
    timezone = forms.ChoiceField(label=_("Time zone"), choices=timezone_choices, required=False,
                                 help_text=_("Times on the site are shown in this zone."))

    class Meta:
        model = User
        fields = ["timezone"]
