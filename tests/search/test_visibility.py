"""Search finds nothing a viewer may not read, like every other page (tests/moderation/test_no_leaks.py):
hidden, auto-hidden, held and deleted posts and hidden topics, for every kind of viewer, both by a word of
the post and by a word of the title. Moderators find what they may moderate."""
import html

import pytest
from django.test import Client
from django.utils import timezone

from boards import services as board_services
from boards.models import Post, Topic
from moderation import services
from tests.factories import UserFactory, fresh, make_post, make_topic, newcomer_rank, rank_at
from tests.search.conftest import Forum

pytestmark = pytest.mark.django_db

SECRET = "Zebrastripe sourdough secret 斑马酵种"
TITLE = "Quarantined thread 隔离帖"

# who finds a post in each state (the topic page's rules: tests/moderation/test_no_leaks.py), and who
# does not. The author of a hidden or held post reads it on the topic page but does not find it here.
EVERYONE = ["anonymous", "reader", "author", "pastry_mod", "board_mod", "global_mod", "admin"]
FINDERS = {
    "public": set(EVERYONE),
    "hidden": {"board_mod", "global_mod", "admin"},
    "auto_hidden": {"board_mod", "global_mod", "admin"},
    "held": {"board_mod", "global_mod", "admin"},
    "deleted": {"admin"},
    "hidden_topic": {"board_mod", "global_mod", "admin"},
    "held_topic": {"board_mod", "global_mod", "admin"},
}
CASES = [(state, viewer) for state in FINDERS for viewer in EVERYONE]


def make_state(state, *, board, bob, moderator):
    """A post whose text is SECRET (in a topic titled TITLE for the topic states), in `state`."""
    if state == "held_topic":
        newbie = UserFactory(username="newbie", rank=newcomer_rank())
        topic = board_services.topic_create(board=board, author=newbie, title=TITLE, body=SECRET)
        assert topic.is_hidden
        return topic.first_post
    if state == "hidden_topic":
        topic = make_topic(board=board, author=bob, title=TITLE, body=SECRET)
        services.act_directly(actor=fresh(moderator), action="hide_topic", reason="Scam", topic=topic)
        return topic.first_post
    topic = make_topic(board=board, author=UserFactory(username="opener"), title="Open thread",
                       body="Nothing to see.")
    if state == "held":
        newbie = UserFactory(username="newbie", rank=newcomer_rank())
        post = board_services.post_create(topic=topic, author=newbie, body=SECRET)
        assert post.is_awaiting_approval
        return post
    post = make_post(topic=topic, author=bob, body=SECRET)
    if state == "auto_hidden":
        for _ in range(3):
            services.report_create(reporter=UserFactory(rank=rank_at(2)), kind="post", reason="spam", post=post)
    elif state in ("hidden", "deleted"):
        services.act_directly(actor=fresh(moderator), action={"hidden": "hide", "deleted": "delete"}[state],
                              reason="Moderated", post=post)
    post.refresh_from_db()
    return post


def results(response) -> str:
    """The results list of a search page (the page also repeats the query in its form and title)."""
    assert response.status_code == 200
    content = response.content.decode()
    start = content.find('<ol class="result-list">')
    return html.unescape(content[start:content.index("</ol>", start)]) if start >= 0 else ""


def found(client, q: str) -> bool:
    text = results(client.get("/search/", {"q": q}))
    return "Zebrastripe" in text or "斑马" in text or "Quarantined" in text or "隔离" in text


@pytest.mark.parametrize(("state", "viewer"), CASES)
def test_search_finds_only_what_the_viewer_may_read(state, viewer, board, moderator, board_mod, pastry_mod,
                                                    admin_user):
    bob = UserFactory(username="bob")
    post = make_state(state, board=board, bob=bob, moderator=moderator)
    user = {"anonymous": None, "reader": UserFactory(username="reader"), "author": post.author,
            "pastry_mod": pastry_mod, "board_mod": board_mod, "global_mod": fresh(moderator),
            "admin": admin_user}[viewer]
    client = Client()
    if user is not None:
        client.force_login(user)
    queries = ["zebrastripe board:sourdough", "斑", '"sourdough secret" 斑马酵种']
    if state.endswith("topic"):
        queries += ["in:title 隔离"]
    expected = viewer in FINDERS[state]
    for q in queries:
        assert found(client, q) == expected, f"{state} post, {viewer}, {q!r}: found={not expected}"


def test_a_held_post_is_found_once_approved_without_touching_the_index(client, board, moderator):
    post = make_state("held", board=board, bob=None, moderator=moderator)
    assert not found(client, "zebrastripe")
    services.act_directly(actor=fresh(moderator), action="approve", reason="", post=post)
    assert found(client, "zebrastripe")


def test_a_hidden_post_is_found_again_once_unhidden(client, board, moderator):
    post = make_state("hidden", board=board, bob=UserFactory(username="bob"), moderator=moderator)
    assert not found(client, "斑马")
    services.act_directly(actor=fresh(moderator), action="unhide", reason="Fine after all", post=post)
    assert found(client, "斑马")


@pytest.mark.django_db(databases=["default", "search_sqlite"])
def test_the_sqlite_backend_applies_the_same_rule():
    """The visibility clause is plain SQL over the posts and topics: the same on SQLite (anonymous here;
    the full matrix above runs on PostgreSQL)."""
    forum = Forum(engine="sqlite", using="search_sqlite")
    board = forum.board("b")
    author = forum.member("writer")
    topic = forum.topic("open", board=board, author=author, title="Open", body="visible words 可见")
    forum.reply("hidden", topic=topic, author=author, body="visible words 可见 but hidden")
    forum.reply("held", topic=topic, author=author, body="visible words 可见 but held")
    forum.reply("deleted", topic=topic, author=author, body="visible words 可见 but deleted")
    posts = Post.objects.using("search_sqlite")
    posts.filter(pk=forum.posts["hidden"].pk).update(is_hidden=True)
    posts.filter(pk=forum.posts["held"].pk).update(is_awaiting_approval=True)
    posts.filter(pk=forum.posts["deleted"].pk).update(deleted_at=timezone.now())
    assert forum.found("可见") == {"open"}
    Topic.objects.using("search_sqlite").filter(pk=topic.pk).update(is_hidden=True)
    assert forum.found("可见") == set()
