"""The database's side of search: writing documents and matching terms, for PostgreSQL (a tsvector with a
GIN index, ranked by ts_rank_cd) and SQLite (FTS5, ranked by bm25). Both are fed the same tokens by
search.normalise, so they find the same posts.

Everything from a visitor reaches the SQL as parameters: the tsquery and the FTS5 query are built here
from normalised tokens (letters and digits only), each quoted, never from the typed text.
"""
from dataclasses import dataclass

from search.documents import Document
from search.query import Term

# ts_rank_cd's weights, in the order D, C, B, A: a match in the title (A, and its characters B) counts
# two and a half times one in the body (C, D).
PG_RANK_WEIGHTS = "{0.4,0.4,1.0,1.0}"
# bm25's weights for the FTS5 columns title, title_chars, body, body_chars
FTS_RANK_WEIGHTS = "2.5, 2.5, 1.0, 1.0"


class SearchUnavailable(Exception):
    """The database is neither PostgreSQL nor SQLite."""


@dataclass(frozen=True)
class Match:
    """How a backend finds the terms: joined to the posts as `p` and topics as `t`."""
    from_sql: str  # the index, joined to boards_post p and boards_topic t
    where_sql: str
    params: list
    id_sql: str  # the post id on the index's side (its primary key: newest first walks it backwards)
    carry_sql: str  # what the inner query hands to the ranking
    rank_order_sql: str  # the outer ORDER BY, best first, over the carried column `c.ranked`
    rank_params: list


def tsquery(terms: list[Term], *, in_title: bool) -> str:
    """The tsquery text: terms ANDed; a phrase's tokens at consecutive positions (<->); weights keep
    phrases in the stream (A, C) and `in_title` in the title (A, B)."""
    parts = []
    for term in terms:
        if len(term.tokens) == 1:
            weights = ("AB" if term.one_char else "A") if in_title else ""
            parts.append(_lexeme(term.tokens[0]) + (f":{weights}" if weights else ""))
        else:
            weights = "A" if in_title else "AC"
            parts.append("(" + " <-> ".join(f"{_lexeme(token)}:{weights}" for token in term.tokens) + ")")
    return " & ".join(parts)


def fts_query(terms: list[Term], *, in_title: bool) -> str:
    """The FTS5 query: each term a quoted phrase restricted to the columns it may be found in."""
    parts = []
    for term in terms:
        if term.one_char:
            columns = "{title title_chars}" if in_title else "{title title_chars body body_chars}"
        else:
            columns = "{title}" if in_title else "{title body}"
        phrase = '"' + " ".join(token.replace('"', '""') for token in term.tokens) + '"'
        parts.append(f"{columns} : {phrase}")
    return " AND ".join(parts)


def _lexeme(token: str) -> str:
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


class PostgresBackend:
    vendor = "postgresql"

    def save(self, cursor, documents: list[tuple[int, Document]]) -> None:
        if not documents:
            return
        cursor.execute(
            "INSERT INTO search_postdocument (post_id, document) "
            "SELECT u.id, u.document::tsvector FROM unnest(%s::bigint[], %s::text[]) AS u(id, document) "
            "ON CONFLICT (post_id) DO UPDATE SET document = EXCLUDED.document",
            [[post_id for post_id, _ in documents], [document.tsvector() for _, document in documents]])

    def match(self, terms: list[Term], *, in_title: bool) -> Match:
        query = tsquery(terms, in_title=in_title)
        return Match(
            from_sql="search_postdocument d JOIN boards_post p ON p.id = d.post_id "
                     "JOIN boards_topic t ON t.id = p.topic_id",
            where_sql="d.document @@ %s::tsquery", params=[query], id_sql="d.post_id",
            carry_sql="d.document",
            rank_order_sql=f"ts_rank_cd('{PG_RANK_WEIGHTS}'::real[], c.ranked, %s::tsquery) DESC",
            rank_params=[query])

    def statement_timeout_sql(self, milliseconds: int) -> str | None:
        return f"SET LOCAL statement_timeout = {int(milliseconds)}"


class SqliteBackend:
    vendor = "sqlite"

    def save(self, cursor, documents: list[tuple[int, Document]]) -> None:
        if not documents:
            return
        ids = [(post_id,) for post_id, _ in documents]
        cursor.executemany(
            "INSERT INTO search_postdocument (post_id) VALUES (%s) ON CONFLICT (post_id) DO NOTHING", ids)
        cursor.executemany("DELETE FROM search_fts WHERE rowid = %s", ids)
        cursor.executemany(
            "INSERT INTO search_fts (rowid, title, title_chars, body, body_chars) VALUES (%s, %s, %s, %s, %s)",
            [(post_id, *document.fts_columns()) for post_id, document in documents])

    def match(self, terms: list[Term], *, in_title: bool) -> Match:
        return Match(
            from_sql="search_fts JOIN boards_post p ON p.id = search_fts.rowid "
                     "JOIN boards_topic t ON t.id = p.topic_id",
            where_sql="search_fts MATCH %s", params=[fts_query(terms, in_title=in_title)],
            id_sql="search_fts.rowid", carry_sql=f"bm25(search_fts, {FTS_RANK_WEIGHTS})",
            rank_order_sql="c.ranked ASC", rank_params=[])

    def statement_timeout_sql(self, milliseconds: int) -> str | None:
        return None  # SQLite runs in-process, for development: the small forum of `make run`


BACKENDS = {"postgresql": PostgresBackend(), "sqlite": SqliteBackend()}


def backend_for(connection):
    backend = BACKENDS.get(connection.vendor)
    if backend is None:
        raise SearchUnavailable(connection.vendor)
    return backend
