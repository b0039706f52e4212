"""The notices the moderation layer sends, put into words when they are shown (see notices.kinds)."""
from django.utils.translation import gettext as _

from moderation.outcomes import outcome_text
from notices.kinds import Text, register


def _outcome(params: dict) -> str:
    return outcome_text(**params["outcome"])


def _report_resolved(params: dict) -> Text:
    return Text(_("Your report was resolved: %(outcome)s") % {"outcome": _outcome(params)},
                _("Thank you for helping keep the forum a good place."))


def _content_acted_on(params: dict) -> Text:
    rule = params.get("rule") or ""
    return Text(_("A moderator acted on your content: %(outcome)s") % {"outcome": _outcome(params)},
                params.get("reason", "") + (f"\n{_('Rule applied:')} {rule}" if rule else ""))


def _topic_featured(params: dict) -> Text:
    return Text(_("Your topic “%(topic)s” was featured (精华), level %(level)d")
                % {"topic": params["topic"], "level": params["level"]}, params.get("reason", ""))


def _cases_waiting(params: dict) -> Text:
    return Text(_("%(count)d moderation cases have waited more than %(hours)d hours")
                % {"count": params["count"], "hours": params["hours"]}, "\n".join(params["lines"]))


def _post_held_launch(params: dict) -> Text:
    return Text(_("A post by %(author)s waits for approval") % {"author": params["author"]},
                _("In “%(topic)s” (%(board)s). While the forum is new, you hear of every held post at once.")
                % {"topic": params["topic"], "board": params["board"]})


def _signup_approved(params: dict) -> Text:
    return Text(_("Welcome! A moderator let your account in"),
                _("You can now post, reply, like and report. If you have not confirmed your email address yet, "
                  "do that first."))


def _signup_refused(params: dict) -> Text:
    reason = params.get("reason") or ""
    return Text(_("Your request to join was refused"),
                (_("A moderator's reason: %(reason)s") % {"reason": reason} + "\n" if reason else "")
                + _("You can still read the forum, but not post."))


def register_all() -> None:
    register("report_resolved", _report_resolved)
    register("content_acted_on", _content_acted_on)
    register("cases_waiting", _cases_waiting)
    register("post_held_launch", _post_held_launch)
    register("topic_featured", _topic_featured)
    register("signup_approved", _signup_approved)
    register("signup_refused", _signup_refused)
