"""forum.fragments (shared HTML with slots) and forum.lookups (a page's tiny lookups without the ORM)."""
import pytest
from django.core.cache import cache
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from boards.models import PostLike, TopicRead
from forum import lookups
from forum.fragments import Slots, fill, fragment, fragments, unshared
from members.models import Rank
from tests.factories import UserFactory, make_topic

pytestmark = pytest.mark.django_db


def request():
    return RequestFactory().get("/")


def test_a_fragment_is_rendered_once_then_served_from_the_cache():
    renders = []

    def render(slots):
        renders.append(slots.nonce)
        return f"<p>{slots('name', 7)}</p>"

    first = fragment("test:f", render)
    second = fragment("test:f", render)

    assert renders == [first.nonce] and second == first
    assert str(fill(second, lambda kind, args: f"{kind}={'+'.join(args)}", request())) == "<p>name=7</p>"


def test_fragments_of_one_page_are_asked_of_the_cache_at_once():
    fragment("test:a", lambda slots: "A")
    made = fragments({"test:a": lambda slots: "never rendered", "test:b": lambda slots: "B"})

    assert (made["test:a"].html, made["test:b"].html) == ("A", "B")
    assert cache.get("test:b") == (made["test:b"].nonce, "B")


def test_only_this_renders_slots_are_filled():
    """Each render draws its nonce: a slot written by anyone else (a post's text) is left as it is."""
    made = unshared(lambda slots: f"{slots('post', 1)}<!--0123456789abcdef:post:2-->")

    filled = str(fill(made, lambda kind, args: f"[{args[0]}]", request()))

    assert filled == "[1]<!--0123456789abcdef:post:2-->"
    assert made.slot_args("post") == [["1"]]


@pytest.mark.parametrize("bad", ["a b", "<x>", "a:b", "-->", "é\n"])
def test_a_slot_holds_only_words_numbers_dots_and_dashes(bad):
    with pytest.raises(ValueError):
        Slots("abc")("post", bad)
    with pytest.raises(ValueError):
        Slots("abc")(bad)


def test_the_csrf_stand_in_becomes_the_requests_token():
    made = unshared(lambda slots: f'<input name="csrfmiddlewaretoken" value="{slots.csrf_token}">')
    asked = request()

    filled = str(fill(made, lambda kind, args: "", asked))

    token = filled.split('value="')[1].rstrip('">')
    assert made.nonce not in filled and len(token) == 64
    assert asked.META["CSRF_COOKIE"]  # the token is the request's own: its cookie goes out with the response


def test_a_fragment_with_no_cache_is_rendered_for_each_request(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    renders = []
    for _ in range(2):
        fragment("test:f", lambda slots: renders.append(1) or "x")
    assert len(renders) == 2


def test_lookups_answer_as_the_orm_does(board):
    member, other = UserFactory(), UserFactory()
    topics = [make_topic(board=board, title=f"T{i}") for i in range(3)]
    TopicRead.objects.create(member=member, topic=topics[0], last_position=1)
    TopicRead.objects.create(member=member, topic=topics[2], last_position=1)
    TopicRead.objects.create(member=other, topic=topics[1], last_position=1)
    PostLike.objects.create(member=member, post=topics[1].first_post)

    ids = [t.pk for t in topics]
    assert sorted(lookups.values(TopicRead, ["topic_id", "last_position"], member_id=member.pk, topic_id__in=ids)) \
        == sorted(TopicRead.objects.filter(member=member, topic_id__in=ids).values_list("topic_id", "last_position"))
    assert lookups.values(PostLike, ["post_id"], member_id=member.pk, post_id__in=[topics[1].first_post_id]) \
        == [(topics[1].first_post_id,)]
    assert lookups.values(TopicRead, ["last_position"], member_id=other.pk, topic_id=topics[0].pk) == []


def test_an_empty_in_asks_nothing():
    with CaptureQueriesContext(connection) as queries:
        assert lookups.values(TopicRead, ["topic_id"], member_id=1, topic_id__in=[]) == []
    assert len(queries.captured_queries) == 0


def test_the_smallest_value_of_a_column():
    assert lookups.smallest(Rank, "order") == Rank.objects.order_by("order").values_list("order", flat=True).first()
    Rank.objects.all().delete()
    assert lookups.smallest(Rank, "order") is None
