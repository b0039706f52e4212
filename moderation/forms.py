from django import forms
from django.utils.translation import gettext_lazy as _

from moderation.models import Reason

REPORT_REASONS = [(value, label) for value, label in Reason.choices if value != Reason.APPROVAL]


class ReportForm(forms.Form):
    reason = forms.ChoiceField(label=_("What is wrong?"), choices=REPORT_REASONS, widget=forms.RadioSelect,
                               error_messages={"required": _("Pick a reason.")})
    note = forms.CharField(label=_("Note for the moderators"), required=False, max_length=1000,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("Required when the reason is “Other”."),
                           error_messages={"max_length": _("Keep the note under 1000 characters.")})

    def clean(self):
        data = super().clean()
        if data.get("reason") == Reason.OTHER and not (data.get("note") or "").strip():
            self.add_error("note", _("Say what is wrong when the reason is “Other”."))
        return data


class QueueFilterForm(forms.Form):
    board = forms.IntegerField(required=False, widget=forms.HiddenInput)
    reason = forms.ChoiceField(label=_("Reason"), required=False, choices=[("", _("Any reason")), *Reason.choices])
    state = forms.ChoiceField(label=_("State"), required=False, choices=[
        ("", _("Open and in progress")), ("open", _("Open")), ("in_progress", _("In progress")),
        ("resolved", _("Resolved"))])


class LogFilterForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), required=False)
    actor = forms.CharField(label=_("Moderator"), required=False, max_length=150)

    def __init__(self, *args, **kwargs):
        from moderation.models import ModerationAction

        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("Any action")), *ModerationAction.Action.choices]
