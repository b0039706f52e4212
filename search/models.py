"""The search index: one row per post.

The row's text columns are the database's own and are not Django fields (Django has no portable type
for them); the migrations add them (search/migrations/0002_fulltext.py):

- PostgreSQL: `search_postdocument.document`, a tsvector (title weighted above body) with a GIN index;
- SQLite: the FTS5 table `search_fts` (rowid = post id) beside this table, emptied by a trigger when a
  row here is deleted.

search.backends writes and reads them; search.documents builds what goes in.
"""
from django.db import models
from django.utils.translation import gettext_lazy as _

from boards.models import Post


class PostDocument(models.Model):
    """A post as the search index holds it. Deleted with its post."""

    post = models.OneToOneField(Post, verbose_name=_("post"), primary_key=True, on_delete=models.CASCADE,
                                related_name="search_document")

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")

    def __str__(self):
        return f"search document of post {self.post_id}"
