from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from boards import services
from boards.models import Board, Post, PostRevision, Topic
from boards.services import posting
from members.models import User
from tests.factories import BoardFactory, UserFactory, make_post, make_topic
from tests.helpers import run_in_threads

pytestmark = pytest.mark.django_db


def assert_counters_exact(board: Board) -> None:
    """Every denormalized counter equals what a COUNT over the rows says."""
    board.refresh_from_db()
    topics = Topic.objects.filter(board=board)
    posts = Post.objects.filter(topic__board=board)
    assert board.topic_count == topics.count()
    assert board.post_count == posts.count()
    newest = posts.order_by("-created_at", "-id").first()
    assert board.last_post_id == (newest.pk if newest else None)
    for topic in topics:
        rows = list(topic.posts.order_by("position"))
        assert topic.post_count == len(rows)
        assert [p.position for p in rows] == list(range(1, len(rows) + 1))
        assert topic.first_post_id == rows[0].pk
        assert topic.last_post_id == rows[-1].pk
        assert topic.last_post_at == rows[-1].created_at
    for user in User.objects.filter(posts__topic__board=board).distinct():
        assert user.post_count == Post.objects.filter(author=user).count()
        assert user.topic_count == Topic.objects.filter(author=user).count()


def test_topic_create_makes_first_post_and_counts_it(board, member):
    topic = services.topic_create(board=board, author=member, title="  Hello   world ", body="First!")
    assert topic.title == "Hello world"
    assert topic.slug == "hello-world"
    assert topic.post_count == 1
    post = topic.posts.get()
    assert post.position == 1 and post.body_html == "<p>First!</p>"
    assert_counters_exact(board)
    member.refresh_from_db()
    assert (member.post_count, member.topic_count) == (1, 1)


def test_chinese_title_gets_a_readable_slug(board, member):
    topic = services.topic_create(board=board, author=member, title="第一次做欧包，求指导", body="内容")
    assert topic.slug == "第一次做欧包求指导"


def test_title_of_only_punctuation_still_gets_a_slug(board, member):
    assert services.topic_create(board=board, author=member, title="!!!", body="x").slug == "topic"


def test_post_create_numbers_posts_and_moves_last_post(topic, member):
    board = topic.board
    second = make_post(topic=topic)
    third = make_post(topic=topic, reply_to=second)
    topic.refresh_from_db()
    assert (second.position, third.position) == (2, 3)
    assert topic.last_post_id == third.pk
    assert third.reply_to_id == second.pk
    assert_counters_exact(board)


def test_reply_to_a_post_of_another_topic_is_refused(board, member):
    one = make_topic(board=board)
    other = make_topic(board=board)
    with pytest.raises(ValidationError):
        services.post_create(topic=one, author=member, body="x", reply_to=other.first_post)
    assert one.posts.count() == 1


def test_same_reply_twice_within_the_window_creates_one_post(topic, member):
    first = services.post_create(topic=topic, author=member, body="Same words")
    again = services.post_create(topic=topic, author=member, body="Same words")
    assert again.pk == first.pk
    assert topic.posts.count() == 2
    assert_counters_exact(topic.board)


def test_same_reply_after_the_window_is_a_new_post(topic, member, settings):
    first = services.post_create(topic=topic, author=member, body="Same words")
    Post.objects.filter(pk=first.pk).update(created_at=timezone.now() - timedelta(seconds=60))
    again = services.post_create(topic=topic, author=member, body="Same words")
    assert again.pk != first.pk


def test_same_topic_twice_creates_one_topic(board, member):
    first = services.topic_create(board=board, author=member, title="Twice", body="Body")
    again = services.topic_create(board=board, author=member, title="Twice", body="Body")
    assert first.pk == again.pk
    assert_counters_exact(board)


@pytest.mark.parametrize("title,body,field", [
    ("", "body", "title"), ("   ", "body", "title"), ("x" * 151, "body", "title"),
    ("ok", "", "body"), ("ok", "   \n ", "body"),
])
def test_invalid_topics_are_refused_and_nothing_is_saved(board, member, title, body, field):
    with pytest.raises(ValidationError) as err:
        services.topic_create(board=board, author=member, title=title, body=body)
    assert field in err.value.message_dict
    assert Topic.objects.count() == 0 and Post.objects.count() == 0


def test_over_long_body_is_refused(topic, member, settings):
    settings.HEARTH = {**settings.HEARTH, "BODY_MAX_CHARS": 50}
    with pytest.raises(ValidationError) as err:
        services.post_create(topic=topic, author=member, body="x" * 51)
    assert "at most 50 characters" in err.value.message_dict["body"][0]


def test_locked_topic_refuses_members_but_not_moderators(topic, member, moderator):
    Topic.objects.filter(pk=topic.pk).update(is_locked=True)
    with pytest.raises(PermissionDenied, match="locked"):
        services.post_create(topic=topic, author=member, body="let me in")
    services.post_create(topic=topic, author=moderator, body="moderator note")
    assert topic.posts.count() == 2


def test_archived_board_refuses_new_topics_and_replies(topic, member):
    Board.objects.filter(pk=topic.board_id).update(is_archived=True)
    with pytest.raises(PermissionDenied, match="archived"):
        services.topic_create(board=Board.objects.get(pk=topic.board_id), author=member, title="t", body="b")
    with pytest.raises(PermissionDenied, match="archived"):
        services.post_create(topic=topic, author=member, body="b")


def test_unverified_member_cannot_post(board, unverified_member):
    with pytest.raises(PermissionDenied, match="Confirm your email"):
        services.topic_create(board=board, author=unverified_member, title="t", body="b")
    assert Topic.objects.count() == 0


def test_edit_keeps_a_revision_and_marks_the_post(topic, member):
    post = topic.first_post
    services.post_edit(post=post, editor=member, body="Better words", title="Better title")
    post.refresh_from_db()
    topic.refresh_from_db()
    assert post.body == "Better words" and post.edit_count == 1 and post.edited_at is not None
    assert topic.title == "Better title" and topic.slug == "better-title"
    revision = PostRevision.objects.get(post=post)
    assert revision.body == "Help please." and revision.editor == member


def test_edit_without_changes_keeps_no_revision(topic, member):
    services.post_edit(post=topic.first_post, editor=member, body="Help please.")
    assert PostRevision.objects.count() == 0


def test_edit_window_closes_for_authors_but_not_moderators(topic, member, moderator, settings):
    Post.objects.filter(pk=topic.first_post_id).update(created_at=timezone.now() - timedelta(days=2))
    settings.HEARTH = {**settings.HEARTH, "EDIT_WINDOW_MINUTES": 60}
    post = Post.objects.get(pk=topic.first_post_id)
    with pytest.raises(PermissionDenied, match="60 minutes"):
        services.post_edit(post=post, editor=member, body="late edit")
    services.post_edit(post=post, editor=moderator, body="moderator fix")


def test_another_member_cannot_edit(topic):
    with pytest.raises(PermissionDenied):
        services.post_edit(post=topic.first_post, editor=UserFactory(), body="mine now")


def test_failed_write_leaves_nothing_half_saved(board, member, monkeypatch):
    """If anything fails after the topic row is inserted, the whole write rolls back."""
    def boom(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(posting, "count_new_post", boom)  # the counter step of topic_create
    with pytest.raises(RuntimeError):
        services.topic_create(board=board, author=member, title="t", body="b")
    assert Topic.objects.count() == 0 and Post.objects.count() == 0
    board.refresh_from_db()
    assert board.topic_count == 0


@pytest.mark.django_db(transaction=True)
def test_concurrent_replies_keep_every_counter_exact():
    """Eight threads, each with its own database connection, reply to two topics of one board at once."""
    board = BoardFactory()
    topics = [make_topic(board=board), make_topic(board=board)]
    authors = [UserFactory() for _ in range(8)]
    per_thread = 6

    def worker(i, author):
        for n in range(per_thread):
            services.post_create(topic=topics[(i + n) % 2], author=author, body=f"reply {n} from {i}")

    errors = run_in_threads(worker, args=enumerate(authors))
    assert not errors, errors
    board.refresh_from_db()
    assert board.post_count == 2 + len(authors) * per_thread
    assert_counters_exact(board)


@pytest.mark.django_db(transaction=True)
def test_concurrent_double_submit_creates_one_post():
    """The same reply sent twice at the same moment (a double click) becomes one post."""
    topic = make_topic()
    author = UserFactory()
    results = []

    def submit():
        results.append(services.post_create(topic=topic, author=author, body="double click").pk)

    errors = run_in_threads(submit, 2, timeout=30)
    assert not errors, errors
    assert len(set(results)) == 1
    assert topic.posts.filter(body="double click").count() == 1
