"""Checking text against the word filter, and keeping the term list (import and export as text)."""
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from wordfilter import engine
from wordfilter.models import FilterSettings, Term
from wordfilter.syntax import SyntaxProblem, parse_term


def filter_settings() -> FilterSettings:
    row, _created = FilterSettings.objects.get_or_create(pk=1)
    return row


def bump_version() -> None:
    """The terms changed: every process rebuilds its matcher before its next check."""
    engine.reset()
    if not FilterSettings.objects.filter(pk=1).update(terms_version=F("terms_version") + 1):
        FilterSettings.objects.get_or_create(pk=1, defaults={"terms_version": 1})


def _rules() -> list[engine.Rule]:
    return [engine.Rule(term, action, replacement or "**")
            for term, action, replacement in Term.objects.values_list("term", "action", "replacement")]


def current_matcher(row: FilterSettings | None = None) -> engine.Matcher:
    row = row or filter_settings()
    return engine.matcher_for(row.terms_version, _rules)


@dataclass
class Screened:
    texts: dict[str, str]
    held_terms: list[str] = field(default_factory=list)

    @property
    def held(self) -> bool:
        return bool(self.held_terms)

    @property
    def hold_reason(self) -> str:
        """The terms that matched, as the approval case shows them."""
        return ", ".join(f"“{t}”" for t in self.held_terms)


def _block_message(field_name: str, hit: engine.Hit) -> str:
    if field_name == "title":
        return _("The title contains “%(word)s”, which this forum does not allow (word filter rule “%(rule)s”).") % {
            "word": hit.matched, "rule": hit.rule.term}
    return _("This text contains “%(word)s”, which this forum does not allow (word filter rule “%(rule)s”).") % {
        "word": hit.matched, "rule": hit.rule.term}


def screen(texts: dict[str, str], *, rank_order: int | None, may_skip_hold: bool = False) -> Screened:
    """Check each named text (title, body, reason...). A "block" term raises ValidationError naming the field
    and the rule, whoever writes; "replace" terms are replaced in the returned texts; "hold" terms are
    listed, unless the writer is exempt: `may_skip_hold` (a moderator of the place) or a rank at or above
    the admin's FilterSettings.hold_exempt_rank."""
    row = FilterSettings.objects.select_related("hold_exempt_rank").filter(pk=1).first() or filter_settings()
    matcher = current_matcher(row)
    errors, out, held = {}, {}, []
    for name, text in texts.items():
        outcome = engine.check(matcher, text)
        if outcome.blocked:
            errors[name] = _block_message(name, outcome.blocked[0])
        out[name] = outcome.text
        for hit in outcome.held:
            if hit.rule.term not in held:
                held.append(hit.rule.term)
    if errors:
        raise ValidationError(errors)
    exempt_rank = row.hold_exempt_rank
    if may_skip_hold or (exempt_rank is not None and rank_order is not None and rank_order >= exempt_rank.order):
        held = []
    return Screened(texts=out, held_terms=held)


def check_name(name: str) -> None:
    """A username with any filtered term in it (whatever the term's action) is refused."""
    hits = current_matcher().hits(engine.fold(name)) if name else []
    if hits:
        raise ValidationError(_("This username contains “%(word)s”, which this forum does not allow.")
                              % {"word": hits[0].matched})


# import and export: one term a line, Discuz!-style. "term" replaces with **, "term=text" replaces with
# text, "term={BLOCK}" blocks and "term={HOLD}" holds. Empty lines and lines starting with # are skipped.
ACTION_MARKS = {"{BLOCK}": Term.Action.BLOCK, "{BANNED}": Term.Action.BLOCK, "{HOLD}": Term.Action.HOLD,
                "{MOD}": Term.Action.HOLD}


def export_text() -> str:
    lines = []
    for term in Term.objects.order_by("term"):
        if term.action == Term.Action.BLOCK:
            lines.append(f"{term.term}={{BLOCK}}")
        elif term.action == Term.Action.HOLD:
            lines.append(f"{term.term}={{HOLD}}")
        elif term.replacement in ("", "**"):
            lines.append(term.term)
        else:
            lines.append(f"{term.term}={term.replacement}")
    return "\n".join(lines) + ("\n" if lines else "")


def parse_line(line: str) -> tuple[str, str, str] | None:
    line = line.strip()
    if not line or line.startswith("#"):
        return None
    term, action, replacement = line, Term.Action.REPLACE, "**"
    if "=" in line and not line.endswith("/"):
        head, _sep, tail = line.rpartition("=")
        if head.strip():
            term = head.strip()
            tail = tail.strip()
            if tail.upper() in ACTION_MARKS:
                action = ACTION_MARKS[tail.upper()]
            else:
                replacement = tail or "**"
    return term, action, replacement


@transaction.atomic
def import_text(text: str) -> tuple[int, int]:
    """Add or update the terms of `text`; every line is checked first, and nothing is saved if one is
    wrong. Returns (added, updated)."""
    parsed, errors = [], []
    for number, line in enumerate((text or "").splitlines(), start=1):
        entry = parse_line(line)
        if entry is None:
            continue
        if len(entry[0]) > 200 or len(entry[2]) > 100:
            errors.append(_("line %(n)d: too long") % {"n": number})
            continue
        try:
            parse_term(entry[0])
        except SyntaxProblem as problem:
            errors.append(_("line %(n)d: %(problem)s") % {"n": number, "problem": problem})
            continue
        parsed.append(entry)
    if errors:
        raise ValidationError(errors)
    added = updated = 0
    for term, action, replacement in parsed:
        _obj, created = Term.objects.update_or_create(term=term, defaults={"action": action,
                                                                           "replacement": replacement})
        added += created
        updated += not created
    bump_version()
    return added, updated


def held_terms_in(*texts: str) -> set[str]:
    """The "hold" terms found in these texts (an edit is held again only for a term the text did not have)."""
    matcher = current_matcher()
    return {hit.rule.term for text in texts for hit in matcher.hits(engine.fold(text)) if hit.rule.action == "hold"}
