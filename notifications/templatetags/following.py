"""The watch buttons on topic and board pages and the mute button on profiles: one query each, and only
for signed-in members."""
from django import template

from members.permissions import write_refusal
from notifications import selectors
from notifications.models import BoardWatch, TopicWatch

register = template.Library()


def _watch_form(context, *, current, choices, url_name: str, target, target_kind: str) -> dict:
    user = context["request"].user
    if write_refusal(user):  # banned, suspended, unverified: no write controls at all
        return {"user": None}
    return {"request": context["request"], "user": user, "current": current(user), "choices": choices,
            "url_name": url_name, "target": target, "target_kind": target_kind}


@register.inclusion_tag("notifications/_watch_form.html", takes_context=True)
def topic_watch_form(context, topic):
    return _watch_form(context, current=lambda user: selectors.topic_level(user, topic),
                       choices=TopicWatch.Level.choices, url_name="notifications:watch_topic", target=topic.pk,
                       target_kind="topic")


@register.inclusion_tag("notifications/_watch_form.html", takes_context=True)
def board_watch_form(context, board):
    return _watch_form(context, current=lambda user: selectors.board_level(user, board),
                       choices=BoardWatch.Level.choices, url_name="notifications:watch_board", target=board.slug,
                       target_kind="board")


@register.inclusion_tag("notifications/_mute_form.html", takes_context=True)
def mute_form(context, member):
    user = context["request"].user
    if write_refusal(user):
        return {"user": None}
    return {"request": context["request"], "user": user, "member": member,
            "muted": selectors.is_muted(user, member)}
