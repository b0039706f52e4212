"""Delete spammer: one action that bans, removes everything and keeps every counter exact (checked against
a recount from scratch), logged, undoable within 7 days; and sock puppets shown together, their reports
counted once."""
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Max
from django.utils import timezone

from boards import services as board_services
from boards.models import Board, Post, PostLike, Topic
from members.models import SignupRecord, User
from moderation import services
from moderation.models import Case, ModerationAction, Report, SpammerRemoval
from tests.factories import BoardFactory, UserFactory, make_post
from tests.helpers import login

pytestmark = pytest.mark.django_db


def visible(posts):
    return posts.filter(is_hidden=False, is_awaiting_approval=False, deleted_at__isnull=True)


def recount_from_scratch() -> dict:
    """Every denormalized counter, computed afresh from the rows."""
    expected = {}
    for board in Board.objects.all():
        topics = Topic.objects.filter(board=board, is_hidden=False)
        last = visible(Post.objects.filter(topic__board=board, topic__is_hidden=False)).order_by("-id").first()
        expected[("board", board.pk)] = (topics.count(), sum(t.posts.count() for t in topics),
                                         last.pk if last else None)
    for topic in Topic.objects.all():
        posts = topic.posts.all()
        last = visible(posts).order_by("-position").first()
        expected[("topic", topic.pk)] = (posts.count(), posts.aggregate(m=Max("position"))["m"],
                                         posts.get(position=1).pk, last.pk if last else None)
    for post in Post.objects.all():
        expected[("post", post.pk)] = post.likes.count()
    for user in User.objects.all():
        expected[("member", user.pk)] = (Post.objects.filter(author=user).count(),
                                         Post.objects.filter(author=user, position=1).count(),
                                         PostLike.objects.filter(member=user).count(),
                                         PostLike.objects.filter(post__author=user).count())
    return expected


def stored_counters() -> dict:
    stored = {}
    for board in Board.objects.all():
        stored[("board", board.pk)] = (board.topic_count, board.post_count, board.last_post_id)
    for topic in Topic.objects.all():
        stored[("topic", topic.pk)] = (topic.post_count, topic.post_count, topic.first_post_id, topic.last_post_id)
    for post in Post.objects.all():
        stored[("post", post.pk)] = post.like_count
    for user in User.objects.all():
        stored[("member", user.pk)] = (user.post_count, user.topic_count, user.likes_given, user.likes_received)
    return stored


def assert_counters_exact():
    expected, stored = recount_from_scratch(), stored_counters()
    wrong = {key: (stored[key], value) for key, value in expected.items() if stored[key] != value}
    assert not wrong, wrong


@pytest.fixture
def spam_world(db):
    """A spammer across 5 boards and 30 topics: 30 topics of their own, replies in others' topics (in the
    middle of them), likes given; and honest members around them."""
    boards = [BoardFactory() for _ in range(5)]
    honest = [UserFactory(username=f"honest{i}") for i in range(4)]
    spammer = UserFactory(username="spammer")
    honest_topics = []
    for i, board in enumerate(boards):
        for j in range(2):
            topic = board_services.topic_create(board=board, author=honest[(i + j) % 4], title=f"Honest {i}-{j}",
                                                body="A real question.")
            honest_topics.append(topic)
    spam_topics = []
    for n in range(30):
        topic = board_services.topic_create(board=boards[n % 5], author=spammer, title=f"Cheap pills {n}",
                                            body=f"Buy now {n}", dedupe=False)
        spam_topics.append(topic)
        if n % 3 == 0:  # honest members answer some spam topics
            make_post(topic=topic, author=honest[n % 4], body=f"Is this spam? {n}")
    for k, topic in enumerate(honest_topics):
        make_post(topic=topic, author=honest[k % 4], body="First honest reply")
        spam = make_post(topic=topic, author=spammer, body=f"Spam reply {k}")
        make_post(topic=topic, author=honest[(k + 1) % 4], body="Second honest reply", reply_to=spam)
        board_services.post_like(post=topic.first_post, member=spammer)
        board_services.post_like(post=spam, member=honest[k % 4])
    return {"boards": boards, "honest": honest, "spammer": spammer, "honest_topics": honest_topics,
            "spam_topics": spam_topics}


def test_delete_spammer_keeps_every_counter_exact_and_can_be_undone(spam_world, admin_user):
    spammer = spam_world["spammer"]
    assert_counters_exact()
    before = stored_counters()
    removal = services.spammer_delete(actor=admin_user, member=spammer, reason="Pills")
    spammer.refresh_from_db()
    assert spammer.is_banned
    assert removal.topic_count == 30 and removal.post_count == 40
    assert not Post.objects.filter(author=spammer, deleted_at__isnull=True).exists()
    assert not Topic.objects.filter(author=spammer, is_hidden=False).exists()
    assert_counters_exact()
    for board in spam_world["boards"]:
        board.refresh_from_db()
        assert board.topic_count == 2
        assert board.last_post.author_id != spammer.pk
    assert ModerationAction.objects.filter(action="delete_spammer", member=spammer, actor=admin_user).exists()

    # the honest topics' pages and permalinks still work, for a visitor too
    from django.test import Client
    client = Client()
    for topic in spam_world["honest_topics"]:
        assert client.get(topic.get_absolute_url()).status_code == 200
        last = topic.posts.order_by("-position").first()
        response = client.get(last.get_absolute_url())
        assert response.status_code == 302
        assert client.get(response["Location"]).status_code == 200
    assert client.get(spam_world["spam_topics"][0].get_absolute_url()).status_code == 404

    services.spammer_undo(actor=admin_user, removal=removal)
    spammer.refresh_from_db()
    assert not spammer.is_banned
    assert_counters_exact()
    assert stored_counters() == before
    assert ModerationAction.objects.filter(action="undo_spammer", member=spammer).exists()
    with pytest.raises(ValidationError):
        services.spammer_undo(actor=admin_user, removal=removal)


def test_undo_is_refused_after_seven_days(spam_world, admin_user):
    removal = services.spammer_delete(actor=admin_user, member=spam_world["spammer"], reason="Spam")
    SpammerRemoval.objects.filter(pk=removal.pk).update(created_at=timezone.now() - timedelta(days=7, minutes=1))
    removal.refresh_from_db()
    with pytest.raises(ValidationError, match="too late"):
        services.spammer_undo(actor=admin_user, removal=removal)


def test_who_may_delete_a_spammer(db, admin_user, moderator, board):
    spammer = UserFactory(username="sp")
    board_mod = UserFactory(username="boardmod")
    board_services.board_moderator_add(board=board, member=board_mod, granted_by=admin_user, reason="test")
    with pytest.raises(PermissionDenied):
        services.spammer_delete(actor=UserFactory(username="plain"), member=spammer, reason="x")
    with pytest.raises(PermissionDenied):
        services.spammer_delete(actor=User.objects.get(pk=board_mod.pk), member=spammer, reason="x")
    with pytest.raises(PermissionDenied):  # a global moderator does not act on an admin, nor on another one
        services.spammer_delete(actor=moderator, member=admin_user, reason="x")
    with pytest.raises(PermissionDenied):
        services.spammer_delete(actor=moderator, member=UserFactory(username="gm2", is_global_moderator=True),
                                reason="x")
    services.spammer_delete(actor=moderator, member=spammer, reason="x")


def test_the_case_page_offers_delete_spammer_and_shows_accounts_from_one_address(client, admin_user, topic):
    puppets = [UserFactory(username=f"puppet{i}") for i in range(3)]
    for user in puppets:
        SignupRecord.objects.create(member=user, ip="198.51.100.9")
    SignupRecord.objects.filter(member=puppets[2]).update(created_at=timezone.now() - timedelta(days=3))
    spam = make_post(topic=topic, author=puppets[0], body="Spam!")
    services.report_create(reporter=topic.author, kind="post", reason="spam", post=spam)
    case = Case.objects.get(post=spam)
    body = login(client, admin_user).get(f"/mod/case/{case.pk}/").content.decode()
    assert "puppet1" in body and "puppet2" not in body  # puppet2 signed up three days apart
    assert f"/mod/member/{puppets[0].pk}/delete-spammer/" in body
    response = client.post(f"/mod/member/{puppets[0].pk}/delete-spammer/", {"reason": "Spam"})
    assert response.status_code == 302 and response["Location"] == "/mod/spammers/"
    assert User.objects.get(pk=puppets[0].pk).is_banned
    case.refresh_from_db()
    assert case.state == Case.State.RESOLVED
    listing = client.get("/mod/spammers/").content.decode()
    assert "puppet0" in listing and "/undo/" in listing
    removal = SpammerRemoval.objects.get()
    assert client.post(f"/mod/spammers/{removal.pk}/undo/").status_code == 302
    assert not User.objects.get(pk=puppets[0].pk).is_banned
    # a board moderator or a member cannot reach it
    assert login(client, UserFactory(username="nobody")).post(
        f"/mod/member/{puppets[1].pk}/delete-spammer/").status_code == 403


def test_reports_from_accounts_sharing_an_address_count_once(db, topic):
    author = UserFactory(username="author")
    SignupRecord.objects.create(member=author, ip="192.0.2.1")
    post = make_post(topic=topic, author=author, body="Questionable")
    puppets = [UserFactory(username=f"p{i}") for i in range(3)]
    for user in puppets:
        SignupRecord.objects.create(member=user, ip="192.0.2.1")
    others = [UserFactory(username=f"o{i}") for i in range(2)]
    SignupRecord.objects.create(member=others[0], ip="192.0.2.50")
    SignupRecord.objects.create(member=others[1], ip="192.0.2.50")
    for reporter in [*puppets, *others, topic.author]:
        services.report_create(reporter=reporter, kind="post", reason="spam", post=post)
    case = Case.objects.get(post=post)
    assert Report.objects.filter(case=case).count() == 6
    assert case.report_count == 3  # one for the author's address, one for 192.0.2.50, one without a record
    assert Report.objects.filter(case=case, counted=True).count() == 3
