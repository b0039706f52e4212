"""A search as typed: words, "exact phrases" and filter words (board:slug, @name or author:name,
after:2026-01-01, before:2026-02-01, in:title, no:replies), parsed without touching the database.

The words become *terms*, each of which a post must contain (search.normalise cuts them exactly as the
index was cut): an English word is one token; a Han run is a phrase over its bigrams; a single Han
character is looked for among the characters too; a quoted phrase is the phrase of its tokens.
"""
import re
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _

from search.normalise import is_single_character, stream, units

MAX_QUERY_CHARS = 200
MAX_TERMS = 12
MAX_PHRASE_TOKENS = 32

_PHRASES = re.compile(r'"([^"]*)"|“([^”]*)”|「([^」]*)」')
_QUOTES = re.compile(r'["“”「」]')
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
MIN_YEAR, MAX_YEAR = 1970, 2999


@dataclass(frozen=True)
class Term:
    tokens: tuple[str, ...]  # consecutive stream tokens (search.normalise.stream)
    one_char: bool = False  # a single Han character: also found inside longer runs


@dataclass
class ParsedQuery:
    terms: list[Term] = field(default_factory=list)
    highlights: list[str] = field(default_factory=list)  # the normalised words and Han runs, for snippets
    board: str = ""
    author: str = ""
    after: date | None = None
    before: date | None = None
    in_title: bool = False
    no_replies: bool = False
    errors: list[str] = field(default_factory=list)

    def add_text(self, text: str, *, phrase: bool) -> None:
        text_units = units(text)
        if not text_units:
            return
        self.highlights += [u.text for u in text_units]
        if phrase:
            if is_single_character(text_units):
                self._add(Term((text_units[0].text,), one_char=True))
            else:
                self._add(Term(tuple(stream(text_units))[:MAX_PHRASE_TOKENS]))
            return
        for unit in text_units:
            one_char = unit.is_han and len(unit.text) == 1
            self._add(Term(tuple(stream([unit]))[:MAX_PHRASE_TOKENS], one_char=one_char))

    def _add(self, term: Term) -> None:
        if term not in self.terms and len(self.terms) < MAX_TERMS:
            self.terms.append(term)


def parse_date(text: str) -> date | None:
    """YYYY-MM-DD, a real day between 1970 and 2999, or None."""
    if not _DATE.fullmatch(text):
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None
    return day if MIN_YEAR <= day.year <= MAX_YEAR else None


def parse_query(text: str) -> ParsedQuery:
    """The query typed in the search box. Never raises: what it cannot read becomes an error message
    (a bad date) or plain words (an unknown `word:`), and unbalanced quotes are ignored."""
    parsed = ParsedQuery()
    text = (text or "")[:MAX_QUERY_CHARS]
    phrases = []

    def take_phrase(match):
        phrases.append(next(group for group in match.groups() if group is not None))
        return " "

    rest = _QUOTES.sub(" ", _PHRASES.sub(take_phrase, text))
    words = []
    for word in rest.split():
        if not _take_filter(parsed, word):
            words.append(word)
    parsed.add_text(" ".join(words), phrase=False)
    for phrase in phrases:
        parsed.add_text(phrase, phrase=True)
    return parsed


def _take_filter(parsed: ParsedQuery, word: str) -> bool:
    """Apply `word` if it is a filter word; False when it is an ordinary word."""
    lowered = word.casefold().replace("：", ":")
    name, colon, value = lowered.partition(":")
    raw_value = word[len(name) + 1:] if colon else ""
    if word.startswith("@") and len(word) > 1:
        parsed.author = word[1:]
        return True
    if not colon or not value:
        return False
    if name == "board":
        parsed.board = raw_value
    elif name == "author":
        parsed.author = raw_value
    elif name in ("after", "before"):
        day = parse_date(value)
        if day is None:
            parsed.errors.append(_("Write dates as YYYY-MM-DD, for example %(example)s.") % {"example": "2026-01-31"})
        setattr(parsed, name, day)
    elif name == "in" and value == "title":
        parsed.in_title = True
    elif name == "no" and value == "replies":
        parsed.no_replies = True
    else:
        return False
    return True
