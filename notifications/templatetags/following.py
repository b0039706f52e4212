"""The watch forms on topic and board pages and the mute button on profiles: one query each, and only
for signed-in members."""
from django import template
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from members.permissions import write_refusal
from notifications import selectors
from notifications.models import BoardWatch, TopicWatch

register = template.Library()


def _watch_form(context, *, current, choices, action: str, target_kind: str) -> str:
    """The watch form, built here rather than in a template: it is on every topic and board page a member
    opens, and this costs a tenth of rendering one."""
    request = context["request"]
    user = request.user
    if not user.is_authenticated or write_refusal(user):  # banned, suspended, unverified: no write controls
        return ""
    level = current(user)
    options = format_html_join("", '<option value="{}"{}>{}</option>',
                               ((value, " selected" if value == level else "", label) for value, label in choices))
    label = _("Follow this topic") if target_kind == "topic" else _("Follow this board")
    return format_html(
        '<form method="post" action="{}" class="watch-form"><input type="hidden" name="csrfmiddlewaretoken" '
        'value="{}">\n  <label for="watch-{}">{}</label>\n  <select name="level" id="watch-{}">{}</select>\n'
        '  <button type="submit" class="button small secondary">{}</button>\n</form>',
        action, context.get("csrf_token") or get_token(request), target_kind, label, target_kind, options, _("Save"))


@register.simple_tag(takes_context=True)
def topic_watch_form(context, topic):
    return _watch_form(context, current=lambda user: selectors.topic_level(user, topic),
                       choices=TopicWatch.Level.choices, action=reverse("notifications:watch_topic",
                                                                        kwargs={"topic_id": topic.pk}),
                       target_kind="topic")


@register.simple_tag(takes_context=True)
def board_watch_form(context, board):
    return _watch_form(context, current=lambda user: selectors.board_level(user, board),
                       choices=BoardWatch.Level.choices, action=reverse("notifications:watch_board",
                                                                        kwargs={"slug": board.slug}),
                       target_kind="board")


@register.inclusion_tag("notifications/_mute_form.html", takes_context=True)
def mute_form(context, member):
    user = context["request"].user
    if write_refusal(user):
        return {"user": None}
    return {"request": context["request"], "user": user, "member": member,
            "muted": selectors.is_muted(user, member)}
