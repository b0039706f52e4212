"""The one-line verdict at the top of a health page, computed from its figures, with the figures that led
to it. The rules (also in the README):

- **growing** when active members (distinct visitors in the period) rose by 5% or more against the previous
  period, **shrinking** when they fell by 5% or more, **steady** otherwise; a board is judged by its posts;
- **engaged** when stickiness (mean DAU/MAU) is at least 20% and at least a quarter of the active members
  posted in the period; **quiet** otherwise;
- **newcomers are not posting** when there were at least 3 signups and fewer new contributors than a
  quarter of them;
- a board **answers** when it has no unanswered topic and a median first reply within 24 hours.
"""
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

GROWTH = 5.0  # %
STICKY = 20.0  # %
POSTING_SHARE = 0.25
NEWCOMER_SHARE = 0.25
MIN_SIGNUPS = 3
ANSWER_HOURS = 24.0


@dataclass
class Headline:
    text: str
    reasons: list[str] = field(default_factory=list)
    tone: str = "neutral"  # good, mixed, bad, neutral


def _trend(figure) -> str | None:
    if figure is None or figure.value is None:
        return None
    if not figure.previous:
        return "growing" if figure.value else None
    change = figure.change or 0
    return "growing" if change >= GROWTH else "shrinking" if change <= -GROWTH else "steady"


def _change_words(figure) -> str:
    if figure.change is None:
        return _("no previous period to compare")
    arrow = "▲" if figure.change > 0 else "▼" if figure.change < 0 else "="
    return _("%(arrow)s %(change)s%% against the previous period") % {"arrow": arrow, "change": abs(figure.change)}


def forum_headline(f: dict) -> Headline:
    active = f["active"]
    trend = _trend(active)
    if trend is None:
        return Headline(_("Not enough data yet: the figures fill in as the nightly rollup runs."))
    stickiness = f["stickiness"].value or 0
    posting = f["posting"].value or 0
    share = posting / active.value if active.value else 0
    engaged = stickiness >= STICKY and share >= POSTING_SHARE
    texts = {
        ("growing", True): _("Growing and engaged"), ("growing", False): _("Growing but quiet"),
        ("steady", True): _("Steady and engaged"), ("steady", False): _("Steady but quiet"),
        ("shrinking", True): _("Engaged but shrinking"), ("shrinking", False): _("Shrinking and quiet"),
    }
    text = texts[(trend, engaged)]
    signups, new = f["signups"].value or 0, f["new_contributors"].value or 0
    reasons = [
        _("Active members: %(value)s (%(change)s)") % {"value": active.display, "change": _change_words(active)},
        _("Stickiness: %(value)s") % {"value": f["stickiness"].display},
        _("Posting members: %(posting)s of %(active)s active (%(share)d%%)") % {
            "posting": posting, "active": active.display, "share": round(share * 100)},
        _("New contributors: %(new)s for %(signups)s signups") % {"new": new, "signups": signups},
    ]
    newcomers_silent = signups >= MIN_SIGNUPS and new < signups * NEWCOMER_SHARE
    if newcomers_silent:
        text = _("%(headline)s: newcomers are not posting") % {"headline": text}
    tone = "good" if trend == "growing" and engaged and not newcomers_silent else (
        "bad" if trend == "shrinking" and not engaged else "mixed")
    return Headline(text, reasons, tone)


def board_headline(f: dict) -> Headline:
    topics, replies = f["new_topics"], f["replies"]
    now = (topics.value or 0) + (replies.value or 0)
    before = (topics.previous or 0) + (replies.previous or 0)
    if not now and not before:
        return Headline(_("Not enough data yet: the figures fill in as the nightly rollup runs."))
    trend = "growing" if not before else (
        "growing" if (now - before) / before * 100 >= GROWTH else
        "shrinking" if (now - before) / before * 100 <= -GROWTH else "steady")
    median = f["first_reply_median"].value
    unanswered = f["unanswered"].value or 0
    answers = unanswered == 0 and (median is None or median <= ANSWER_HOURS)
    texts = {
        ("growing", True): _("Growing, and every question gets an answer"),
        ("growing", False): _("Growing, but questions wait for answers"),
        ("steady", True): _("Steady, and every question gets an answer"),
        ("steady", False): _("Steady, but questions wait for answers"),
        ("shrinking", True): _("Shrinking, though every question gets an answer"),
        ("shrinking", False): _("Shrinking, and questions wait for answers"),
    }
    reasons = [
        _("Posts: %(now)s, against %(before)s in the previous period") % {"now": now, "before": before},
        _("Median hours to first reply: %(value)s") % {"value": f["first_reply_median"].display},
        _("Unanswered topics: %(value)s") % {"value": unanswered},
    ]
    tone = "good" if answers and trend != "shrinking" else ("bad" if not answers and trend == "shrinking" else "mixed")
    return Headline(texts[(trend, answers)], reasons, tone)
