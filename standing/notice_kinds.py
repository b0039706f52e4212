"""The notices the standing app sends, put into words when they are shown (see notices.kinds)."""
from django.utils.translation import gettext as _

from notices.kinds import Text, register


def _promoted(params: dict) -> Text:
    return Text(_("You are now %(rank)s") % {"rank": params["rank"]},
                _("Your activity earned a new rank. See what it allows, and what comes next, on your standing page."))


def _dropped(params: dict) -> Text:
    return Text(_("Your rank is now %(rank)s") % {"rank": params["rank"]},
                _("Your activity fell below what %(rank)s takes. Your standing page shows how to earn it back.")
                % {"rank": params["previous"]})


def _proposed(params: dict) -> Text:
    return Text(_("You have been proposed as a moderator of %(board)s") % {"board": params["board"]},
                _("Thank you for caring for this board. An admin will decide soon."))


def _declined(params: dict) -> Text:
    return Text(_("Not a moderator of %(board)s this time") % {"board": params["board"]},
                params.get("reason") or _("Thank you for your care for the board; keep it up."))


def _appointed(params: dict) -> Text:
    return Text(_("You are now a moderator of %(board)s") % {"board": params["board"]},
                _("You can now hide, lock and tidy up posts in this board. Thank you!"))


def _removed(params: dict) -> Text:
    return Text(_("You no longer moderate %(board)s") % {"board": params["board"]}, params.get("reason", ""))


def register_all() -> None:
    register("rank_promoted", _promoted)
    register("rank_dropped", _dropped)
    register("moderator_proposed", _proposed)
    register("proposal_declined", _declined)
    register("moderator_appointed", _appointed)
    register("moderator_removed", _removed)
