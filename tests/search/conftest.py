"""Search on both databases: `forum` builds the same little forum in PostgreSQL (through boards.services,
so the index is written by the real signals) or in SQLite (the `search_sqlite` alias, created and
migrated by the test run: real FTS5, rows written directly and indexed with search.services), and
searches it through the same form, selectors and backends."""
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from boards import services as board_services
from boards.models import Board, Post, Topic
from boards.rendering import render_markdown
from members.models import User
from search import selectors
from search import services as search_services
from search.forms import SearchForm
from tests.factories import BoardFactory, UserFactory

ENGINES = ["postgresql", "sqlite"]
ALIASES = {"postgresql": "default", "sqlite": "search_sqlite"}


@dataclass
class Forum:
    engine: str
    using: str
    posts: dict[str, Post] = field(default_factory=dict)  # by label

    def board(self, slug: str, name: str | None = None) -> Board:
        if self.using == "default":
            return BoardFactory(slug=slug, name=name or slug.title())
        return Board.objects.using(self.using).create(slug=slug, name=name or slug.title(), description="A board.")

    def member(self, username: str) -> User:
        if self.using == "default":
            return UserFactory(username=username)
        return User.objects.db_manager(self.using).create(username=username, email=f"{username}@example.com")

    def topic(self, label: str, *, board: Board, author: User, title: str, body: str, days_ago: int = 0) -> Topic:
        if self.using == "default":
            topic = board_services.topic_create(board=board, author=author, title=title, body=body)
            post = topic.first_post
        else:
            at = timezone.now()
            topic = Topic.objects.using(self.using).create(board=board, author=author, title=title, slug="t",
                                                           created_at=at, last_post_at=at, post_count=1)
            post = self._post(topic, author, body, 1)
        self.posts[label] = post
        if days_ago:
            self._age(post, days_ago)
        return topic

    def reply(self, label: str, *, topic: Topic, author: User, body: str, days_ago: int = 0) -> Post:
        if self.using == "default":
            post = board_services.post_create(topic=topic, author=author, body=body)
        else:
            position = Post.objects.using(self.using).filter(topic=topic).count() + 1
            post = self._post(topic, author, body, position)
            Topic.objects.using(self.using).filter(pk=topic.pk).update(post_count=position)
        self.posts[label] = post
        if days_ago:
            self._age(post, days_ago)
        return post

    def _post(self, topic, author, body, position) -> Post:
        post = Post.objects.using(self.using).create(topic=topic, author=author, position=position, body=body,
                                                     body_html=render_markdown(body), created_at=timezone.now())
        search_services.index_post(post=post, title=topic.title, using=self.using)
        return post

    def _age(self, post: Post, days: int) -> None:
        Post.objects.using(self.using).filter(pk=post.pk).update(created_at=timezone.now() - timedelta(days=days))

    def search(self, q: str = "", *, viewer=None, **fields) -> list[str]:
        """The labels of the posts found, in order (the first page)."""
        boards = selectors.board_choices(viewer=viewer or AnonymousUser(), using=self.using)
        form = SearchForm({"q": q, **fields}, boards=boards)
        assert form.is_valid(), form.errors
        criteria, problems = selectors.criteria_for(form.cleaned_data, boards=boards, using=self.using)
        assert not problems, problems
        page = selectors.search_page(criteria, viewer=viewer or AnonymousUser(), using=self.using)
        by_id = {post.pk: label for label, post in self.posts.items()}
        return [by_id[post.pk] for post in page.posts]

    def found(self, q: str = "", **kwargs) -> set[str]:
        return set(self.search(q, **kwargs))


@pytest.fixture(params=ENGINES)
def forum(request):
    return Forum(engine=request.param, using=ALIASES[request.param])
