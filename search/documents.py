"""What the index holds for a post: its readable text (and, for a topic's first post, the topic's title),
cut into tokens by search.normalise, laid out for each database."""
from dataclasses import dataclass
from html.parser import HTMLParser

from search.normalise import Unit, characters, stream, stream_with_characters, units

# PostgreSQL keeps positions up to 16,383 and at most 256 of them per lexeme; past those a phrase in a
# very long post may go unfound (its words still are).
MAX_POSITION = 16383
MAX_POSITIONS_PER_LEXEME = 255
TITLE_WEIGHT, TITLE_CHARS_WEIGHT, BODY_WEIGHT, BODY_CHARS_WEIGHT = "A", "B", "C", "D"

_BLOCKS = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "blockquote", "table",
           "tr", "td", "th", "hr", "dd", "dt", "img"}


class _TextExtractor(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in _BLOCKS:
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in _BLOCKS:
            self.parts.append(" ")

    def handle_data(self, data):
        self.parts.append(data)


def plain_text(body_html: str) -> str:
    """The text a reader sees in a post (its rendered, sanitised HTML without the tags), whitespace
    collapsed: what is indexed and what snippets are cut from."""
    extractor = _TextExtractor()
    extractor.feed(body_html or "")
    extractor.close()
    return " ".join("".join(extractor.parts).split())


@dataclass(frozen=True)
class Document:
    title: list[Unit]  # only a topic's first post carries the title
    body: list[Unit]

    def tsvector(self) -> str:
        """The PostgreSQL tsvector, written out as its input syntax: every lexeme and position chosen
        here, none left to PostgreSQL's parser (which would keep a whole Chinese sentence as one word).
        The title's stream is weighted A and its characters B, the body's C and D; a position is left out
        between title and body, so no phrase runs from one into the other."""
        positions: dict[str, list[str]] = {}
        position = 1
        for text_units, weight, chars_weight in ((self.title, TITLE_WEIGHT, TITLE_CHARS_WEIGHT),
                                                 (self.body, BODY_WEIGHT, BODY_CHARS_WEIGHT)):
            for token, chars in stream_with_characters(text_units):
                at = min(position, MAX_POSITION)
                _add(positions, token, f"{at}{weight}")
                for char in chars:
                    _add(positions, char, f"{at}{chars_weight}")
                position += 1
            position += 1
        return " ".join(f"{_quote(lexeme)}:{','.join(places)}" for lexeme, places in positions.items())

    def fts_columns(self) -> tuple[str, str, str, str]:
        """The four columns of SQLite's FTS5 table: title stream, title characters, body stream, body
        characters, each its tokens separated by spaces."""
        return (" ".join(stream(self.title)), " ".join(characters(self.title)),
                " ".join(stream(self.body)), " ".join(characters(self.body)))


def _add(positions: dict[str, list[str]], lexeme: str, place: str) -> None:
    places = positions.setdefault(lexeme, [])
    if len(places) < MAX_POSITIONS_PER_LEXEME:
        places.append(place)


def _quote(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def document_for(*, title: str | None, body_html: str) -> Document:
    return Document(title=units(title or ""), body=units(plain_text(body_html)))
