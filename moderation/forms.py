from datetime import datetime, time

from django import forms
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _

from boards.forms import TitleField
from boards.models import Board, Topic
from boards.permissions import visible_boards
from forum.numbers import parse_id, parse_int
from moderation.models import ModerationAction, Reason

REPORT_REASONS = [(value, label) for value, label in Reason.choices if value not in (Reason.APPROVAL, Reason.SIGNUP)]


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
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("Any action")), *ModerationAction.Action.choices]


class TopicManageForm(forms.Form):
    title = TitleField()
    board = forms.ModelChoiceField(label=_("Board"), queryset=Board.objects.none(), empty_label=None)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # the boards the member may see: a board they may not see is not named to them, even here
        self.fields["board"].queryset = (visible_boards(user).filter(is_archived=False)
                                         .select_related("view_rank", "start_rank", "reply_rank")
                                         .order_by("position", "id"))


def action_fields(data) -> dict:
    """reason, rule, days, board, level, until and a pin's scope from an action form; malformed numbers,
    dates and scopes count as missing."""
    board_id = parse_id(data.get("board", ""))
    scope = data.get("scope", "")
    return {"reason": data.get("reason", ""), "rule": data.get("rule", ""),
            "days": parse_int(data.get("days", ""), maximum=10_000),
            "board": Board.objects.filter(pk=board_id).first() if board_id else None,
            "level": parse_int(data.get("level", ""), maximum=3),
            "until": parse_until(data.get("until", "")),
            "scope": scope if scope in Topic.PinScope.values else None}


def parse_until(raw: str) -> datetime | None:
    """A date (YYYY-MM-DD) from the form: the end of that day in the viewer's time zone; else None."""
    try:
        day = parse_date((raw or "").strip()[:10])
    except ValueError:
        return None
    if day is None:
        return None
    return timezone.make_aware(datetime.combine(day, time.max.replace(microsecond=0)))


def case_ids(data) -> list[int]:
    return [i for i in (parse_id(value) for value in data.getlist("cases")) if i is not None]
