"""Who hears about a post, and what: each event, each watch level, mutes, visibility, mentions, bursts,
likes batched per day."""
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from boards import services as board_services
from boards.models import Post
from moderation import services as moderation_services
from notices.models import Notice
from notifications import services
from notifications.fanout import fan_out
from notifications.models import BoardWatch, FanoutMark, TopicWatch
from tests.factories import BoardFactory, UserFactory, fresh, make_topic, newcomer_rank

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice(db):
    return UserFactory(username="alice")


@pytest.fixture
def bob(db):
    return UserFactory(username="bob")


@pytest.fixture
def carol(db):
    return UserFactory(username="carol")


def notices_of(user, **filters):
    return list(Notice.objects.filter(recipient=user, **filters).order_by("id"))


def reply(committed, topic, author, body="A reply.", reply_to=None):
    return committed(lambda: board_services.post_create(topic=topic, author=author, body=body, reply_to=reply_to))


def start(committed, board, author, title="A topic", body="The first post."):
    return committed(lambda: board_services.topic_create(board=board, author=author, title=title, body=body))


# --- the events -------------------------------------------------------------------------------------------------


def test_a_reply_to_your_topic(committed, board, alice, bob):
    topic = start(committed, board, alice, title="Starter help")
    post = reply(committed, topic, bob)
    (notice,) = notices_of(alice)
    assert (notice.kind, notice.verb, notice.actor_id, notice.topic_key) == ("reply", "replied_topic", bob.pk, topic.pk)
    assert notice.url == f"/p/{post.pk}/"
    assert notice.text().title == "bob replied to your topic “Starter help”"
    assert fresh(alice).unread_notice_count == 1


def test_a_reply_to_your_post_and_a_quote(committed, board, alice, bob, carol):
    topic = start(committed, board, alice)
    bobs = reply(committed, topic, bob, "My view.")
    reply(committed, topic, carol, "I disagree.", reply_to=bobs)
    reply(committed, topic, carol, "**bob** wrote:\n> My view.\n\nStill no.", reply_to=bobs)
    verbs = [n.verb for n in notices_of(bob)]
    assert verbs == ["replied_post", "quoted"]


def test_one_notice_per_post_the_most_direct_kind_winning(committed, board, alice, bob):
    topic = start(committed, board, alice)
    reply(committed, topic, bob, "Thanks @alice, see above.")  # a reply to her topic that also mentions her
    assert [n.verb for n in notices_of(alice)] == ["mentioned"]


def test_a_mention_links_the_profile_and_notifies(committed, board, alice, bob):
    topic = start(committed, board, bob)
    post = reply(committed, topic, bob, "Ping @alice and @nobody-here.")
    assert '<a class="mention" href="/u/alice/"' in post.body_html and "@nobody-here" in post.body_html
    assert [n.verb for n in notices_of(alice)] == ["mentioned"]


def test_mentions_in_code_or_quotes_do_not_count(committed, board, alice, bob):
    topic = start(committed, board, bob)
    post = reply(committed, topic, bob, "`@alice` and\n\n    @alice\n\n> @alice said so")
    assert "mention" not in post.body_html
    assert notices_of(alice) == []


def test_at_most_ten_mentions_notify_and_two_for_newcomers(committed, board, bob):
    names = [UserFactory(username=f"m{i}").username for i in range(12)]
    topic = start(committed, board, bob)
    post = reply(committed, topic, bob, " ".join(f"@{n}" for n in names))
    assert post.body_html.count('class="mention"') == 10 and post.mentions_dropped == ["m10", "m11"]
    assert Notice.objects.filter(verb="mentioned").count() == 10
    newbie = UserFactory(username="newbie", rank=newcomer_rank(), approved_posts=5)
    post = reply(committed, topic, newbie, " ".join(f"@{n}" for n in names[:4]))
    assert post.body_html.count('class="mention"') == 2 and post.mentions_dropped == ["m2", "m3"]


def test_the_writer_is_told_which_mentions_stay_text(client, board, bob):
    for i in range(3):
        UserFactory(username=f"x{i}")
    newbie = UserFactory(username="newbie", rank=newcomer_rank(), approved_posts=5)
    topic = make_topic(board=board, author=bob)
    client.force_login(newbie)
    response = client.post(f"/t/{topic.pk}/reply/", {"body": "@x0 @x1 @x2"}, follow=True)
    assert "these stay plain text: @x2" in response.content.decode()


def test_watching_a_board_new_topics_and_every_post(committed, board, alice, bob, carol):
    services.board_watch_set(member=alice, board=board, level="new_topics")
    services.board_watch_set(member=carol, board=board, level="watching")
    topic = start(committed, board, bob, title="Rye ratios")
    assert [n.verb for n in notices_of(alice)] == ["new_topic"]
    assert notices_of(alice)[0].text().title == f"bob started “Rye ratios” in {board.name}"
    reply(committed, topic, bob, "And another thing.")
    assert len(notices_of(alice)) == 1  # new topics only
    assert [n.verb for n in notices_of(carol)] == ["new_topic", "topic_activity"]


def test_a_burst_of_posts_is_one_notice_until_the_topic_is_opened(client, committed, board, alice, bob):
    topic = start(committed, board, alice)
    carol = UserFactory(username="carol")
    services.topic_watch_set(member=carol, topic=topic, level="watching")
    for i in range(5):
        reply(committed, topic, bob, f"Post {i}.")
    (notice,) = notices_of(carol)
    assert notice.count == 5 and notice.text().title == "5 new posts in “A topic”"
    assert fresh(carol).unread_notice_count == 1
    client.force_login(carol)
    assert client.get(topic.get_absolute_url()).status_code == 200  # opening it reads it
    notice.refresh_from_db()
    assert notice.read_at is not None and fresh(carol).unread_notice_count == 0
    reply(committed, topic, bob, "One more.")
    assert [n.count for n in notices_of(carol)] == [5, 1]  # a new burst starts


def test_starting_or_replying_watches_the_topic_unless_turned_off(committed, board, alice, bob):
    from notices.services import preferences_save

    topic = start(committed, board, alice)
    assert TopicWatch.objects.get(member=alice, topic=topic).level == "watching"
    reply(committed, topic, bob)
    assert TopicWatch.objects.get(member=bob, topic=topic).level == "watching"
    carol = UserFactory(username="carol")
    preferences_save(member=carol, email={}, digest_hour=8, watch_replied_topics=False)
    reply(committed, topic, carol)
    assert not TopicWatch.objects.filter(member=carol, topic=topic).exists()


@pytest.mark.parametrize(("topic_level", "board_level", "told"), [
    ("watching", "normal", True), ("normal", "watching", False), ("muted", "watching", False),
    (None, "watching", True), (None, "muted", False), (None, "new_topics", False), (None, "normal", False)])
def test_watch_levels_decide_a_watchers_notice(committed, board, alice, bob, topic_level, board_level, told):
    topic = start(committed, board, alice)
    carol = UserFactory(username="carol")
    if topic_level:
        services.topic_watch_set(member=carol, topic=topic, level=topic_level)
    services.board_watch_set(member=carol, board=board, level=board_level)
    reply(committed, topic, bob)
    assert bool(notices_of(carol)) is told


def test_a_muted_topic_stops_even_replies_and_mentions(committed, board, alice, bob):
    topic = start(committed, board, alice)
    services.topic_watch_set(member=alice, topic=topic, level="muted")
    reply(committed, topic, bob, "@alice look.")
    assert notices_of(alice) == []


def test_nothing_from_a_muted_member(committed, board, alice, bob):
    services.member_mute(member=alice, other=bob, mute=True)
    topic = start(committed, board, alice)
    post = reply(committed, topic, bob, "@alice hello")
    board_services.post_like(member=bob, post=topic.first_post)
    assert notices_of(alice) == []
    services.member_mute(member=alice, other=bob, mute=False)
    reply(committed, topic, bob, "Again.", reply_to=post)
    assert len(notices_of(alice)) == 1


def test_never_for_your_own_actions(committed, board, alice):
    services.board_watch_set(member=alice, board=board, level="watching")
    topic = start(committed, board, alice)
    reply(committed, topic, alice, "Talking to myself, @alice.")
    assert notices_of(alice) == []


def test_never_about_what_the_recipient_may_not_see(committed, board, alice, bob, board_mod):
    services.board_watch_set(member=alice, board=board, level="watching")
    newbie = UserFactory(username="newbie", rank=newcomer_rank())
    held_topic = start(committed, board, newbie, title="Held")
    topic = start(committed, board, bob)
    held = reply(committed, topic, newbie, "Held reply @alice")
    assert [n.verb for n in notices_of(alice)] == ["new_topic"]  # bob's topic only: held ones wait
    committed(lambda: moderation_services.post_approve(post=held, moderator=board_mod))
    committed(lambda: moderation_services.post_approve(post=held_topic.first_post, moderator=board_mod))
    assert [n.verb for n in notices_of(alice)] == ["new_topic", "mentioned", "new_topic"]  # told once approved
    # a post hidden before the fan-out ran tells nobody
    hidden = board_services.post_create(topic=topic, author=bob, body="Soon hidden @alice")
    board_services.post_hide(post=hidden, actor=board_mod, reason="x")
    assert fan_out(hidden.pk) == 0


def test_likes_are_one_notice_per_post_per_day(committed, board, alice):
    topic = start(committed, board, alice)
    for name in ("l1", "l2", "l3"):
        board_services.post_like(member=UserFactory(username=name), post=topic.first_post)
    (notice,) = notices_of(alice, kind="like")
    assert notice.count == 3 and notice.text().title == "3 people liked your post in “A topic”"
    assert fresh(alice).unread_notice_count == 1
    Notice.objects.filter(pk=notice.pk).update(read_at=timezone.now())
    board_services.post_like(member=UserFactory(username="l4"), post=topic.first_post)
    notice.refresh_from_db()  # the same day's notice counts on, unread again
    assert (notice.count, notice.read_at) == (4, None) and Notice.objects.filter(kind="like").count() == 1


def test_the_fan_out_runs_once_however_often_it_is_run(committed, board, alice, bob):
    topic = start(committed, board, alice)
    watchers = [UserFactory(username=f"w{i}") for i in range(7)]
    for watcher in watchers:
        services.topic_watch_set(member=watcher, topic=topic, level="watching")
    post = board_services.post_create(topic=topic, author=bob, body="Once.")  # its on-commit fan-out not run
    assert fan_out(post.pk) == 8  # seven watchers and alice
    assert fan_out(post.pk) == 0  # a retry, or a second worker
    assert Notice.objects.filter(dedupe_key=f"post:{post.pk}").count() == 8
    assert FanoutMark.objects.filter(post=post).count() == 1


def test_the_fan_out_costs_the_same_queries_for_5_or_300_watchers(board, alice, bob):
    """Constant per chunk of 500 recipients (each chunk is its own transaction)."""
    topic = make_topic(board=board, author=alice)

    def queries(n):
        for _ in range(n):
            TopicWatch.objects.create(member=UserFactory(), topic=topic, level="watching")
        post = board_services.post_create(topic=topic, author=bob, body=f"Post for {n}.")
        with CaptureQueriesContext(connection) as ctx:
            fan_out(post.pk)
        return len(ctx.captured_queries)

    assert queries(5) == queries(295)


def test_posting_does_not_grow_with_the_watchers(client, board, alice, bob):
    topic = make_topic(board=board, author=alice)
    client.force_login(bob)
    assert client.post(f"/t/{topic.pk}/reply/", {"body": "Warming up."}).status_code == 302

    def queries(n, body):
        for _ in range(n):
            BoardWatch.objects.create(member=UserFactory(), board=board, level="watching")
            TopicWatch.objects.create(member=UserFactory(), topic=topic, level="watching")
        with CaptureQueriesContext(connection) as ctx:
            assert client.post(f"/t/{topic.pk}/reply/", {"body": body}).status_code == 302
        return len(ctx.captured_queries)

    few = queries(3, "First reply.")
    assert queries(300, "Second reply.") == few  # the fan-out runs after commit, in the task


def test_the_header_and_topic_page_do_not_grow_with_notices_or_watchers(client, committed, board, alice, bob):
    from notices.services import notice_create

    topic = start(committed, board, alice)
    reply(committed, topic, bob)
    client.force_login(alice)

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(topic.get_absolute_url() + "?page=1").status_code == 200
        return len(ctx.captured_queries)

    queries()  # the first visit reads the reply's notice and sets the read position
    notice_create(recipient=alice, title="About something else")  # unread, so the page checks the topic's
    few = queries()
    for i in range(30):
        services.topic_watch_set(member=UserFactory(), topic=topic, level="watching")
        notice_create(recipient=alice, title=f"Another {i}")
    assert queries() == few
    assert fresh(alice).unread_notice_count == 31


def test_old_notices_are_pruned_and_leave_the_count(alice):
    from notices.services import notice_create, notices_prune

    old = notice_create(recipient=alice, title="Old")
    notice_create(recipient=alice, title="New")
    Notice.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=91))
    assert notices_prune() == 1
    assert fresh(alice).unread_notice_count == 1 and Notice.objects.filter(recipient=alice).count() == 1


def test_a_watch_needs_a_topic_the_member_can_see(client, board, alice, board_mod):
    topic = make_topic(board=board, author=UserFactory())
    board_services.topic_set_hidden(topic=topic, actor=board_mod, hidden=True)
    client.force_login(alice)
    assert client.post(f"/t/{topic.pk}/watch/", {"level": "watching"}).status_code == 404
    other = BoardFactory()
    assert client.post(f"/b/{other.slug}/watch/", {"level": "watching"}).status_code == 302
    assert BoardWatch.objects.get(member=alice, board=other).level == "watching"
    assert client.post(f"/b/{other.slug}/watch/", {"level": "loud"}).status_code == 302
    assert BoardWatch.objects.get(member=alice, board=other).level == "watching"
    assert Post.objects.count() == 1


def test_several_new_notices_for_one_member_count_each(alice):
    from notices.services import NewNotice, deliver

    items = [NewNotice(recipient_id=alice.pk, kind="reply", verb="replied_topic",
                       params={"actor": "x", "topic": f"T{i}"}, url="/", actor_id=None, topic_key=i,
                       dedupe_key=f"post:{i}") for i in range(3)]
    assert deliver(items=items) == 3
    assert fresh(alice).unread_notice_count == 3


def test_a_post_written_while_the_broker_was_down_is_fanned_out_by_the_sweeper(board, alice, bob):
    from datetime import timedelta as td

    from notifications.tasks import fan_out_missed

    topic = make_topic(board=board, author=alice)
    post = board_services.post_create(topic=topic, author=bob, body="Written while Redis was away.")
    Post.objects.filter(pk=post.pk).update(created_at=timezone.now() - td(minutes=5))  # its queueing failed
    assert fan_out_missed() >= 1
    assert [n.verb for n in notices_of(alice)] == ["replied_topic"]
    assert fan_out_missed() == 0  # done once
