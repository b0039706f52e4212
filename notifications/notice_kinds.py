"""How members' notifications read, worded when shown (see notices.kinds)."""
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from notices.kinds import Text, register


def _replied_topic(p: dict) -> Text:
    return Text(_("%(actor)s replied to your topic “%(topic)s”") % p, p.get("excerpt", ""))


def _replied_post(p: dict) -> Text:
    return Text(_("%(actor)s replied to your post in “%(topic)s”") % p, p.get("excerpt", ""))


def _quoted(p: dict) -> Text:
    return Text(_("%(actor)s quoted your post in “%(topic)s”") % p, p.get("excerpt", ""))


def _mentioned(p: dict) -> Text:
    return Text(_("%(actor)s mentioned you in “%(topic)s”") % p, p.get("excerpt", ""))


def _topic_activity(p: dict) -> Text:
    return Text(ngettext("%(count)d new post in “%(topic)s”", "%(count)d new posts in “%(topic)s”", p["count"])
                % p, p.get("excerpt", "") if p["count"] == 1 else "")


def _new_topic(p: dict) -> Text:
    return Text(_("%(actor)s started “%(topic)s” in %(board)s") % p, p.get("excerpt", ""))


def _liked(p: dict) -> Text:
    if p["count"] == 1:
        return Text(_("%(actor)s liked your post in “%(topic)s”") % p)
    return Text(ngettext("%(count)d person liked your post in “%(topic)s”",
                         "%(count)d people liked your post in “%(topic)s”", p["count"]) % p)


def register_all() -> None:
    register("replied_topic", _replied_topic)
    register("replied_post", _replied_post)
    register("quoted", _quoted)
    register("mentioned", _mentioned)
    register("topic_activity", _topic_activity)
    register("new_topic", _new_topic)
    register("liked", _liked)
