"""The watch forms on topic and board pages and the mute button on profiles: one query each, and only
for signed-in members."""
from functools import lru_cache

from django import template
from django.middleware.csrf import get_token
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from forum import links
from members.permissions import write_refusal
from notifications import selectors
from notifications.models import BoardWatch, TopicWatch

register = template.Library()


_ACTION, _TOKEN = "\x00", "\x01"  # stand-ins in a form's shell: no URL, token or word holds these characters


@lru_cache(maxsize=64)
def _watch_form_shell(target_kind: str, level: str, language: str) -> str:
    """The watch form with `level` chosen, in `language` (the active one), but for its action and token."""
    choices = TopicWatch.Level.choices if target_kind == "topic" else BoardWatch.Level.choices
    options = format_html_join("", '<option value="{}"{}>{}</option>',
                               ((value, " selected" if value == level else "", label) for value, label in choices))
    label = _("Follow this topic") if target_kind == "topic" else _("Follow this board")
    return format_html(
        '<form method="post" action="{}" class="watch-form"><input type="hidden" name="csrfmiddlewaretoken" '
        'value="{}">\n  <label for="watch-{}">{}</label>\n  <select name="level" id="watch-{}">{}</select>\n'
        '  <button type="submit" class="button small secondary">{}</button>\n</form>',
        _ACTION, _TOKEN, target_kind, label, target_kind, options, _("Save"))


def _watch_form(context, *, current, action: str, target_kind: str) -> str:
    """The watch form, built here rather than in a template: it is on every topic and board page a member
    opens. Its words and options are put together once per level and language in each process."""
    request = context["request"]
    user = request.user
    if not user.is_authenticated or write_refusal(user):  # banned, suspended, unverified: no write controls
        return ""
    shell = _watch_form_shell(target_kind, current(user), get_language())
    token = str(context.get("csrf_token") or get_token(request))
    return mark_safe(shell.replace(_ACTION, escape(action)).replace(_TOKEN, escape(token)))  # noqa: S308


@register.simple_tag(takes_context=True)
def topic_watch_form(context, topic):
    return _watch_form(context, current=lambda user: selectors.topic_level(user, topic),
                       action=links.watch_topic_url(topic.pk), target_kind="topic")


@register.simple_tag(takes_context=True)
def board_watch_form(context, board):
    return _watch_form(context, current=lambda user: selectors.board_level(user, board),
                       action=links.watch_board_url(board.slug), target_kind="board")


@register.inclusion_tag("notifications/_mute_form.html", takes_context=True)
def mute_form(context, member):
    user = context["request"].user
    if write_refusal(user):
        return {"user": None}
    return {"request": context["request"], "user": user, "member": member,
            "muted": selectors.is_muted(user, member)}
