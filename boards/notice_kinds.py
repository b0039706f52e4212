"""The notices the boards layer sends, put into words when they are shown (see notices.kinds)."""
from django.utils.translation import gettext as _

from boards.emails import reminder_title
from boards.freshness import board_line
from notices.kinds import Text, register


def _published(params: dict) -> Text:
    return Text(_("Your post in “%(topic)s” is published") % {"topic": params["topic"]})


def _refused(params: dict) -> Text:
    return Text(_("Your post in “%(topic)s” was not published") % {"topic": params["topic"]}, params["reason"])


def _freshness(params: dict) -> Text:
    boards = params["boards"]
    return Text(reminder_title(boards), "\n".join(board_line(b) for b in boards))


def register_all() -> None:
    register("post_published", _published)
    register("post_refused", _refused)
    register("freshness", _freshness)
