"""The matcher: every plain term in one Aho–Corasick automaton, every {n} or /…/ term compiled once.

Built once per process from the term list and rebuilt when its version (FilterSettings.terms_version, bumped
whenever a term changes) moves on. Checking a 30,000-character post against 5,000 terms takes a few
milliseconds (bench/wordfilter.py measures it).
"""
import re
import threading
from dataclasses import dataclass
from typing import NamedTuple

import ahocorasick

from wordfilter.syntax import fold, fold_offsets, parse_term

STRENGTH = {"block": 3, "hold": 2, "replace": 1}


@dataclass(frozen=True)
class Rule:
    term: str
    action: str
    replacement: str


class Hit(NamedTuple):  # a tuple: a long post may have thousands
    rule: Rule
    start: int  # in the folded text
    end: int
    matched: str  # the folded text that matched


class Matcher:
    def __init__(self, rules: list[Rule]):
        self.automaton = None
        self.patterns: list[tuple[re.Pattern, Rule]] = []
        literals: dict[str, Rule] = {}
        for rule in rules:
            parsed = parse_term(rule.term)
            if parsed.literal is not None:
                known = literals.get(parsed.literal)
                if known is None or STRENGTH[rule.action] > STRENGTH[known.action]:
                    literals[parsed.literal] = rule
            else:
                self.patterns.append((re.compile(parsed.regex, re.IGNORECASE | re.DOTALL), rule))
        if literals:
            self.automaton = ahocorasick.Automaton()
            for key, rule in literals.items():
                self.automaton.add_word(key, (len(key), rule))
            self.automaton.make_automaton()

    def hits(self, folded: str) -> list[Hit]:
        found = []
        if self.automaton is not None:
            found = [Hit(rule, end + 1 - length, end + 1, folded[end + 1 - length:end + 1])
                     for end, (length, rule) in self.automaton.iter(folded)]
        # one scan per pattern: each starts with a literal, which re finds at C speed; one alternation of
        # them all would try every branch at every character
        for pattern, rule in self.patterns:
            for match in pattern.finditer(folded):
                found.append(Hit(rule, match.start(), match.end(), match.group()))
        return found


@dataclass
class Outcome:
    text: str              # the text to store: replace rules applied
    blocked: list[Hit]
    held: list[Hit]
    replaced: list[Hit]


def check(matcher: Matcher, text: str) -> Outcome:
    folded = fold(text)
    hits = matcher.hits(folded)
    blocked = [h for h in hits if h.rule.action == "block"]
    held = [h for h in hits if h.rule.action == "hold"]
    replaced = [h for h in hits if h.rule.action == "replace"]
    return Outcome(text=_replace(text, folded, replaced) if replaced else text, blocked=blocked, held=held,
                   replaced=replaced)


def _replace(text: str, folded: str, hits: list[Hit]) -> str:
    """Each replaced term's characters in the original text give way to its replacement; overlapping
    matches merge into the first one's."""
    # every character folds to at least one: when the lengths agree, each folded to exactly one
    offsets = None if len(folded) == len(text) else fold_offsets(text)
    spans = []
    for hit in sorted(hits, key=lambda h: (h.start, -h.end)):
        start, end = (hit.start, hit.end) if offsets is None else (offsets[hit.start], offsets[hit.end - 1] + 1)
        if spans and start < spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], end)
        else:
            spans.append([start, end, hit.rule.replacement])
    pieces, position = [], 0
    for start, end, replacement in spans:
        pieces.append(text[position:start])
        pieces.append(replacement)
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


_lock = threading.Lock()
_built: dict = {"version": None, "matcher": Matcher([])}


def matcher_for(version: int, load) -> Matcher:
    """The process's matcher for this version of the terms; `load()` gives the rules when it must be built."""
    if _built["version"] != version:
        with _lock:
            if _built["version"] != version:
                _built["matcher"] = Matcher(load())
                _built["version"] = version
    return _built["matcher"]


def reset() -> None:
    """Forget this process's matcher (the terms changed here); other processes see the version move on."""
    with _lock:
        _built["version"] = None
