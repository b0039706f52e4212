"""The full-text part of the index, in each database's own terms (see search/models.py):

- PostgreSQL: a tsvector column and its GIN index (stock PostgreSQL, no extension);
- SQLite: an FTS5 table holding the normalised tokens, and a trigger that empties it with its row.

Other databases get nothing, and search says it is not available. The index is filled when posts are
written; `manage.py search_reindex` rebuilds it (and search fills an empty index after `migrate`).
"""
from django.db import migrations

POSTGRESQL = [
    "ALTER TABLE search_postdocument ADD COLUMN document tsvector NOT NULL DEFAULT ''::tsvector",
    # fastupdate off: each write goes straight into the index instead of a pending list that every search
    # would scan until VACUUM merges it (a forum writes rarely and searches often)
    "CREATE INDEX search_postdocument_document_gin ON search_postdocument USING gin (document) "
    "WITH (fastupdate = off)",
]
POSTGRESQL_REVERSE = [
    "DROP INDEX IF EXISTS search_postdocument_document_gin",
    "ALTER TABLE search_postdocument DROP COLUMN IF EXISTS document",
]
# The stored text is already normalised (search.normalise): tokens separated by spaces. unicode61 splits
# it there again and keeps accents (remove_diacritics 0), as the PostgreSQL side does.
SQLITE = [
    "CREATE VIRTUAL TABLE search_fts USING fts5(title, title_chars, body, body_chars, "
    "tokenize = 'unicode61 remove_diacritics 0')",
    "CREATE TRIGGER search_fts_forget AFTER DELETE ON search_postdocument "
    "BEGIN DELETE FROM search_fts WHERE rowid = old.post_id; END",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS search_fts_forget",
    "DROP TABLE IF EXISTS search_fts",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)
    return run


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(_run({"postgresql": POSTGRESQL, "sqlite": SQLITE}),
                             _run({"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE})),
    ]
