from django import forms
from django.utils.translation import gettext_lazy as _

from notices.models import Notice, Preferences


class PreferencesForm(forms.Form):
    """Per kind of notification: email at once, in the digest, or never; the digest's hour; auto-watch."""

    digest_hour = forms.TypedChoiceField(label=_("Send the daily digest at"), coerce=int,
                                         choices=[(h, f"{h:02d}:00") for h in range(24)],
                                         help_text=_("In your time zone (Settings)."))
    watch_replied_topics = forms.BooleanField(label=_("Watch the topics I reply to"), required=False)

    def __init__(self, *args, preferences: Preferences, **kwargs):
        initial = {"digest_hour": preferences.digest_hour, "watch_replied_topics": preferences.watch_replied_topics,
                   **{f"email_{kind}": preferences.email_choice(kind) for kind in Preferences.DEFAULTS}}
        super().__init__(*args, initial=initial, **kwargs)
        for kind in Preferences.DEFAULTS:
            self.fields[f"email_{kind}"] = forms.ChoiceField(label=Notice.Kind(kind).label,
                                                             choices=Preferences.Choice.choices)
        self.order_fields([f"email_{kind}" for kind in Preferences.DEFAULTS])

    def email_choices(self) -> dict:
        return {kind: self.cleaned_data[f"email_{kind}"] for kind in Preferences.DEFAULTS}


class LevelForm(forms.Form):
    level = forms.CharField(max_length=16)
