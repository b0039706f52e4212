"""How a term is written, and the text folding that makes matching work for Chinese and English alike.

Text and terms are folded the same way before they are compared: each character decomposed by NFKD and
case folded (full-width ＡＢＣ and half-width abc, 广 and ⼴, ｶﾞ and ガ compare equal). Character by character,
so that each folded character points back at the one it came from (replacement works on the original text).
A term matches anywhere in the text,
inside words too: Chinese has no spaces. `{n}` in a term allows up to n characters in its place
(广{1}告 matches 广告 and 广x告); a term written /like this/ is a regular expression over the folded text.
"""
import re
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext as _

MAX_SKIP = 20
_SKIP = re.compile(r"\{(\d{1,2})\}")
_FOLD_CACHE_LIMIT = 100_000


class SyntaxProblem(ValueError):
    pass


class _FoldTable(dict):
    """str.translate's table: each character's folded form, computed once per character."""

    def __missing__(self, codepoint: int) -> str:
        folded = unicodedata.normalize("NFKD", chr(codepoint)).casefold()
        if len(self) < _FOLD_CACHE_LIMIT:
            self[codepoint] = folded
        return folded


_FOLD = _FoldTable()


def fold(text: str) -> str:
    return (text or "").translate(_FOLD)


def fold_offsets(text: str) -> list[int]:
    """For each character of fold(text), the index of the character of text it came from."""
    offsets = []
    for index, char in enumerate(text):
        offsets.extend([index] * len(_FOLD[ord(char)]))
    return offsets


@dataclass(frozen=True)
class Parsed:
    literal: str | None  # the folded term, for plain terms
    regex: str | None    # the regular expression, for {n} and /…/ terms


def parse_term(term: str) -> Parsed:
    term = (term or "").strip()
    if not term:
        raise SyntaxProblem(_("Write a term."))
    if len(term) > 2 and term.startswith("/") and term.endswith("/"):
        source = term[1:-1]
        try:
            compiled = re.compile(source, re.IGNORECASE | re.DOTALL)
        except re.error as error:
            raise SyntaxProblem(_("This regular expression does not compile: %(error)s") % {"error": error}) from None
        if compiled.groups:
            raise SyntaxProblem(_("Use (?:…) instead of capturing groups in a regular expression."))
        if compiled.match(""):
            raise SyntaxProblem(_("This regular expression matches empty text, so it would match everything."))
        return Parsed(literal=None, regex=source)
    pieces = _SKIP.split(term)
    if len(pieces) == 1:
        return Parsed(literal=fold(term), regex=None)
    parts = []
    for index, piece in enumerate(pieces):
        if index % 2:
            count = int(piece)
            if not 0 < count <= MAX_SKIP:
                raise SyntaxProblem(_("Skip between 1 and %(max)d characters with {n}.") % {"max": MAX_SKIP})
            parts.append(f".{{0,{count}}}")
        else:
            parts.append(re.escape(fold(piece)))
    if not pieces[0] or not pieces[-1]:
        raise SyntaxProblem(_("A term cannot start or end with {n}."))
    return Parsed(literal=None, regex="".join(parts))
