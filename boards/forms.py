from django import forms
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from boards.models import Board
from boards.services import check_move_target, validate_body, validate_title


class BodyField(forms.CharField):
    widget = forms.Textarea

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Message"))
        kwargs.setdefault("strip", False)
        kwargs.setdefault("help_text", _("Markdown: **bold**, *italic*, > quote, `code`, [link](https://…), lists."))
        kwargs.setdefault("error_messages", {"required": _("Write something before posting.")})
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update({"rows": "10", "maxlength": str(settings.HEARTH["BODY_MAX_CHARS"])})
        return attrs

    def clean(self, value):
        value = super().clean(value)
        return _single_error(validate_body, value, "body")


class TitleField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Title"))
        kwargs.setdefault("error_messages", {"required": _("Give the topic a title.")})
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update({"maxlength": str(settings.HEARTH["TITLE_MAX_CHARS"]), "autocomplete": "off"})
        return attrs

    def clean(self, value):
        value = super().clean(value)
        return _single_error(validate_title, value, "title")


def add_service_errors(form, exc: forms.ValidationError) -> None:
    """Show a services ValidationError on the form: on its field when it names one, else at the top."""
    if not hasattr(exc, "error_dict"):
        for message in exc.messages:
            form.add_error(None, message)
        return
    for field, messages in exc.message_dict.items():
        for message in messages:
            form.add_error(field if field in form.fields else None, message)


def _single_error(validator, value, key):
    """Run a services validator and turn its field-keyed error into this field's error."""
    try:
        return validator(value)
    except forms.ValidationError as exc:
        messages = exc.message_dict.get(key) if hasattr(exc, "error_dict") else exc.messages
        raise forms.ValidationError(messages) from None


class TopicForm(forms.Form):
    title = TitleField()
    body = BodyField()


class ReplyForm(forms.Form):
    body = BodyField()
    reply_to = forms.IntegerField(required=False, widget=forms.HiddenInput)


_blank_reply_fields: dict[tuple, str] = {}


def blank_reply_fields_html() -> str:
    """The fields of the reply box under a topic, as an empty ReplyForm renders them: the same for every
    topic and member, so each process renders them once per language (and body limit)."""
    key = (translation.get_language(), settings.HEARTH["BODY_MAX_CHARS"])
    html = _blank_reply_fields.get(key)
    if html is None:
        html = _blank_reply_fields[key] = render_to_string("_form_fields.html", {"form": ReplyForm()})
    return html


class PostEditForm(forms.Form):
    title = TitleField()
    body = BodyField()

    def __init__(self, *args, with_title: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_title:
            del self.fields["title"]


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class ScheduledTopicForm(forms.Form):
    board = forms.ModelChoiceField(label=_("Board"), queryset=None, empty_label=None)
    title = TitleField()
    body = BodyField()
    publish_at = forms.DateTimeField(
        label=_("Publish at"), widget=DateTimeLocalInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        help_text=_("In your time zone. The topic appears within a minute of this time."),
        error_messages={"required": _("Pick when the topic should appear."),
                        "invalid": _("Enter a date and time, like 2026-12-01 09:00.")})

    def __init__(self, *args, boards, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["board"].queryset = boards


class SnoozeForm(forms.Form):
    days = forms.IntegerField(label=_("Snooze reminders for (days)"), min_value=0, max_value=90, initial=7,
                              help_text=_("0 turns reminders for this board back on."),
                              error_messages={"min_value": _("Enter 0 or more days."),
                                              "max_value": _("Snooze for at most 90 days."),
                                              "required": _("Enter a number of days."),
                                              "invalid": _("Enter a whole number of days.")})


class MoveTopicsForm(forms.Form):
    """Move every topic of `source` into another board. Sent twice: first to review what would move, then
    with `confirmed` to do it."""

    target = forms.ModelChoiceField(
        queryset=Board.objects.all(), label=_("Move them into"), empty_label=_("Choose a board"),
        error_messages={"required": _("Pick the board to move the topics into."),
                        "invalid_choice": _("There is no such board. Pick one from the list.")})
    archive = forms.BooleanField(
        label=_("Archive this board once it is empty"), required=False, initial=True,
        help_text=_("An archived board stays readable but takes no new topics; reopen it in the admin."))
    reason = forms.CharField(label=_("Reason (for the moderation log)"), required=False, max_length=300,
                             error_messages={"max_length": _("Keep the reason under 300 characters.")})
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, source: Board, **kwargs):
        super().__init__(*args, **kwargs)
        self.source = source
        # any board's id is checked (so the same board, or an archived one, gets its own message); only
        # the open boards besides this one are offered
        field = self.fields["target"]
        field.choices = [("", field.empty_label)] + [
            (b.pk, b.name) for b in Board.objects.filter(is_archived=False).exclude(pk=source.pk)
            .order_by("position", "id")]

    def clean_target(self):
        target = self.cleaned_data["target"]
        try:
            check_move_target(source=self.source, target=target)
        except forms.ValidationError as exc:
            raise forms.ValidationError(exc.message_dict["target"]) from None
        return target
