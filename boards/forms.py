from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from boards.services import validate_body, validate_title


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


class PostEditForm(forms.Form):
    title = TitleField()
    body = BodyField()

    def __init__(self, *args, with_title: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_title:
            del self.fields["title"]
