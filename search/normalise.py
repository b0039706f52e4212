"""The one normaliser of search: the index (search.documents) and the queries (search.query) both cut
text into tokens here, so what a query asks for is always spelled as the index stores it.

Text is NFKC-normalised (full-width letters and digits become ASCII, compatibility ideographs the
unified ones) and case-folded, then cut into *units*:

- a Han run: consecutive Han characters (CJK Unified Ideographs and their extensions). Chinese has no
  spaces between words, so a run is indexed as overlapping bigrams (方鸿渐回到上海 → 方鸿 鸿渐 渐回 回到
  到上 上海) plus its single characters; a one-character run is just that character;
- a word: a run of other letters and digits (English, but also kana, Hangul, Cyrillic …).

Everything else (spaces, punctuation, symbols, emoji) separates units and is dropped.

From the units come two token lists:

- the *stream*: words and bigrams (the single character of a one-character run), in reading order.
  Consecutive bigrams of a run are consecutive in the stream, so a Han query becomes a phrase over
  its bigrams: 海上 asks for the bigram 海上, which 方鸿渐回到上海 does not contain (it has 上海);
  回到上海 asks for 回到, 到上, 上海 at consecutive places;
- the *characters*: every Han character, so that a one-character query (猫) finds the character inside
  longer runs (我的猫很乖).
"""
import re
import unicodedata
from typing import NamedTuple

# Han ideographs: Extension A, the Unified block, compatibility ideographs (NFKC maps most of them into
# the Unified block) and the supplementary planes' extensions B-H; 〇 counts as one too.
HAN = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_LETTERS_AND_DIGITS = re.compile(r"[^\W_]+")  # Han characters are letters too: split out below
_HAN_RUNS = re.compile(f"([{HAN}]+)")

MAX_WORD_CHARS = 60  # longer "words" (hashes, base64) are cut: PostgreSQL caps a lexeme at 2 KB


class Unit(NamedTuple):
    text: str
    is_han: bool


def units(text: str) -> list[Unit]:
    """The words and Han runs of `text`, normalised, in reading order."""
    text = unicodedata.normalize("NFKC", text or "").casefold()
    out = []
    for run in _LETTERS_AND_DIGITS.findall(text):
        if run.isascii():
            out.append(Unit(run[:MAX_WORD_CHARS], False))
            continue
        for i, part in enumerate(_HAN_RUNS.split(run)):  # odd places hold the Han runs
            if part:
                out.append(Unit(part, True) if i % 2 else Unit(part[:MAX_WORD_CHARS], False))
    return out


def unit_stream(unit: Unit) -> list[str]:
    """The stream tokens of one unit: the word, the bigrams of a Han run, or its one character."""
    if not unit.is_han or len(unit.text) == 1:
        return [unit.text]
    return [unit.text[i:i + 2] for i in range(len(unit.text) - 1)]


def stream(text_units: list[Unit]) -> list[str]:
    """Words and bigrams in reading order: what phrases are matched against."""
    return [token for unit in text_units for token in unit_stream(unit)]


def characters(text_units: list[Unit]) -> list[str]:
    """Every Han character, in reading order: what one-character queries are matched against."""
    return [char for unit in text_units if unit.is_han for char in unit.text]


def stream_with_characters(text_units: list[Unit]) -> list[tuple[str, list[str]]]:
    """Each stream token with the Han characters that share its place: the first character of each
    bigram, and both characters of a run's last bigram (PostgreSQL's index keeps them at the same
    positions, so that ranking by proximity sees them where they are)."""
    out: list[tuple[str, list[str]]] = []
    for unit in text_units:
        tokens = unit_stream(unit)
        if not unit.is_han:
            out.append((tokens[0], []))
        elif len(unit.text) == 1:
            out.append((tokens[0], [unit.text]))
        else:
            for i, token in enumerate(tokens):
                out.append((token, [token[0], token[1]] if i == len(tokens) - 1 else [token[0]]))
    return out


def is_single_character(text_units: list[Unit]) -> bool:
    return len(text_units) == 1 and text_units[0].is_han and len(text_units[0].text) == 1
