"""Focus: the forum has more boards than it has activity for, said on the admins' freshness page and on
/stats/ (never to anyone else); and moving every topic of a board into another as one admin action that
keeps every counter exact (checked against a recount from scratch)."""
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from boards import selectors, services
from boards.models import Board, Post, Topic
from moderation import services as moderation_services
from moderation.models import Case, ModerationAction, Reason
from notifications.models import BoardWatch
from search.query import parse_query
from search.selectors import Criteria, search_post_ids
from tests.factories import BoardFactory, UserFactory, make_post, make_topic
from tests.helpers import messages_in, page, run_in_threads, schedule
from tests.spam.test_delete_spammer import assert_counters_exact, stored_counters

pytestmark = pytest.mark.django_db


def set_hearth(settings, **values) -> None:
    settings.HEARTH = {**settings.HEARTH, **values}


def made_ago(board: Board, days: float) -> Board:
    """The board was created `days` ago (boards younger than a window are not judged by it)."""
    Board.objects.filter(pk=board.pk).update(created_at=timezone.now() - timedelta(days=days))
    board.refresh_from_db()
    return board


def backdate(topic: Topic, days: float) -> Topic:
    """The topic and its posts were written `days` ago."""
    when = timezone.now() - timedelta(days=days)
    Topic.objects.filter(pk=topic.pk).update(created_at=when, last_post_at=when)
    Post.objects.filter(topic=topic).update(created_at=when)
    return topic


def old_board(name: str, *, days: float = 200) -> Board:
    return made_ago(BoardFactory(name=name), days)


# --- the advice ----------------------------------------------------------------------------------------------------


def test_more_than_three_boards_without_a_new_topic_in_30_days_are_named(settings):
    author = UserFactory()
    lively = old_board("Lively")
    make_topic(board=lively, author=author)
    idle = [old_board(f"Idle {i}") for i in range(4)]
    for board in idle:  # a topic, but 31 days ago; replies since do not make a new topic
        topic = backdate(make_topic(board=board, author=author), 31)
        make_post(topic=topic, author=author)
    advice = selectors.focus_advice()
    assert advice.too_many_idle and advice.needed
    assert [b.name for b in advice.named] == [b.name for b in idle]

    # three idle boards are not too many
    Board.objects.filter(pk=idle[0].pk).update(is_archived=True)  # an archived board is never idle
    advice = selectors.focus_advice()
    assert len(advice.idle) == 3 and not advice.too_many_idle and not advice.needed

    # the limit and the window are settings
    set_hearth(settings, FOCUS_IDLE_BOARDS=2)
    assert [b.name for b in selectors.focus_advice().named] == [b.name for b in idle[1:]]
    set_hearth(settings, FOCUS_IDLE_DAYS=40)
    assert not selectors.focus_advice().needed


def test_a_board_younger_than_the_window_is_not_idle_yet():
    for i in range(4):
        made_ago(BoardFactory(name=f"New {i}"), 29)
    advice = selectors.focus_advice()
    assert advice.idle == [] and not advice.needed
    for board in Board.objects.all():
        made_ago(board, 31)
    assert len(selectors.focus_advice().named) == 4


def test_a_board_with_under_2_percent_of_the_posts_is_named_once_the_forum_has_enough(settings):
    set_hearth(settings, FOCUS_SHARE_MIN_POSTS=100)
    author = UserFactory()
    busy, thin = old_board("Busy"), old_board("Thin")
    make_topic(board=busy, author=author, replies=98)  # 99 posts
    make_topic(board=thin, author=author)  # 1 post: 1 % of 100
    advice = selectors.focus_advice()
    assert advice.forum_posts == 100 and advice.share_judged
    assert [b.name for b in advice.thin] == ["Thin"] and [b.name for b in advice.named] == ["Thin"]
    assert advice.named[0].recent_posts == 1 and advice.named[0].share_percent == 1.0

    # under the floor the share is not judged at all
    set_hearth(settings, FOCUS_SHARE_MIN_POSTS=101)
    advice = selectors.focus_advice()
    assert not advice.share_judged and advice.thin == [] and not advice.needed

    # 2 posts of 101 is 1.98 %: still under; 3 of 102 is 2.9 %: not
    make_post(topic=Topic.objects.get(board=thin), author=author, body="Second post.")
    advice = selectors.focus_advice()
    assert advice.forum_posts == 101 and [b.name for b in advice.thin] == ["Thin"]
    make_post(topic=Topic.objects.get(board=thin), author=author, body="Third post.")
    assert selectors.focus_advice().thin == []


def test_the_share_counts_visible_posts_of_the_last_90_days_only(settings, newbie):
    set_hearth(settings, FOCUS_SHARE_MIN_POSTS=50)
    author = UserFactory()
    busy, thin = old_board("Busy"), old_board("Thin")
    make_topic(board=busy, author=author, replies=59)  # 60 posts
    old = backdate(make_topic(board=thin, author=author, replies=20), 91)  # 21 posts, 91 days ago
    fresh = make_topic(board=thin, author=author)  # 1 post now
    services.post_create(topic=fresh, author=newbie, body="Held: not counted until approved.")
    hidden = make_post(topic=fresh, author=author)
    services.post_hide(post=hidden, actor=None, reason="x")
    advice = selectors.focus_advice()
    thin_row = next(b for b in advice.boards if b.pk == thin.pk)
    assert (advice.forum_posts, thin_row.recent_posts) == (61, 1)
    assert [b.name for b in advice.thin] == ["Thin"]  # the old topic's 21 posts were left out
    assert Post.objects.filter(topic=old).count() == 21
    # a board younger than 90 days is not judged by its share
    made_ago(thin, 80)
    assert selectors.focus_advice().thin == []


def test_the_advice_is_two_queries_however_many_boards(django_assert_num_queries):
    author = UserFactory()
    for i in range(3):
        make_topic(board=old_board(f"B{i}"), author=author, replies=2)
    with django_assert_num_queries(2):
        small = selectors.focus_advice()
        assert len(small.boards) == 3
    for i in range(12):
        make_topic(board=old_board(f"More {i}"), author=author, replies=2)
    with django_assert_num_queries(2):
        large = selectors.focus_advice()
        assert len(large.boards) == 15 and [b.recent_posts for b in large.boards] == [3] * 15


# --- where it is said, and to whom ---------------------------------------------------------------------------------


@pytest.fixture
def unfocused(db, settings):
    """Five old boards; four of them had no new topic for over 30 days, one had 1 post of the forum's 100."""
    set_hearth(settings, FOCUS_SHARE_MIN_POSTS=100)
    author = UserFactory(username="writer")
    busy = old_board("Busy bakery")
    make_topic(board=busy, author=author, replies=98)
    boards = [old_board(name) for name in ("Gluten free", "Cakes", "Equipment", "Events")]
    for board in boards:
        backdate(make_topic(board=board, author=author), 95)
    make_topic(board=boards[0], author=author, title="Recent but not new")  # 1 recent post of 100
    Topic.objects.filter(board=boards[0], title="Recent but not new").update(
        created_at=timezone.now() - timedelta(days=35))
    return boards


def test_admins_see_the_advice_on_the_freshness_page_and_on_stats(unfocused, admin_client):
    for url in ("/freshness/", "/stats/"):
        text = page(admin_client.get(url))
        assert "More boards than activity" in text, url
        for board in unfocused:
            assert board.name in text
            assert f"/freshness/boards/{board.pk}/move-topics/" in text
        assert "4 boards had no new topic in the last 30 days." in text
        # one wrote 1 post of the 100, the others none
        assert "4 boards had under 2 % of the forum's 100 posts in the last 90 days." in text
        assert "1 post in 90 days (1 %)" in text and "0 posts in 90 days (0 %)" in text
        assert f"/admin/boards/board/{unfocused[0].pk}/change/" in text


def test_nobody_but_admins_sees_the_advice(unfocused, client, member, board_mod, moderator):
    assert "More boards than activity" not in page(client.get("/"))
    assert client.get("/freshness/").status_code == 302  # to the login page
    for user in (member, board_mod, moderator):
        client.force_login(user)
        assert client.get("/freshness/").status_code == 403, user.username
        assert client.get("/stats/").status_code == 404, user.username
        for url in ("/", unfocused[0].get_absolute_url()):
            assert "More boards than activity" not in page(client.get(url)), (user.username, url)


def test_a_focused_forum_gets_no_advice(admin_client):
    author = UserFactory()
    for name in ("One", "Two"):
        make_topic(board=old_board(name), author=author)
    for url in ("/freshness/", "/stats/"):
        assert "More boards than activity" not in page(admin_client.get(url))


# --- moving every topic of a board ---------------------------------------------------------------------------------


@pytest.fixture
def two_boards(db, newbie):
    """A quiet board with listed, hidden and held topics, held replies, likes, a report, watchers and a
    seed topic waiting; and the lively board it is merged into."""
    target = BoardFactory(name="Bread", slug="bread")
    source = BoardFactory(name="Cakes", slug="cakes")
    alice, bob = UserFactory(username="alice"), UserFactory(username="bob")
    make_topic(board=target, author=alice, title="Lively topic", replies=3)
    topics = [make_topic(board=source, author=bob, title=f"Sponge {i}", body=f"Victoria sponge {i}", replies=i)
              for i in range(4)]
    services.post_create(topic=topics[1], author=newbie, body="A held reply, newest of all.")
    services.post_like(post=topics[2].first_post, member=alice)
    hidden = make_topic(board=source, author=bob, title="Hidden topic")
    services.topic_set_hidden(topic=hidden, actor=None, hidden=True)
    held = services.topic_create(board=source, author=newbie, title="Held topic", body="Hello, first post.")
    report = moderation_services.report_create(reporter=alice, kind="post", reason=Reason.SPAM,
                                               post=topics[3].posts.get(position=2))
    return {"source": source, "target": target, "topics": topics, "hidden": hidden, "held": held,
            "case": report.case, "alice": alice, "bob": bob}


def test_moving_all_topics_keeps_every_counter_exact(two_boards, admin_user):
    source, target = two_boards["source"], two_boards["target"]
    source.refresh_from_db()
    target.refresh_from_db()
    assert_counters_exact()
    before = stored_counters()
    versions = {b.pk: b.version for b in Board.objects.all()}
    topic_versions = dict(Topic.objects.filter(board=source).values_list("pk", "version"))
    listed_topics, listed_posts = source.topic_count, source.post_count
    target_before = (target.topic_count, target.post_count)

    moved = services.board_topics_move(source=source, target=target, actor=admin_user)

    assert (moved.topics, moved.posts, moved.unlisted, moved.archived) == (listed_topics, listed_posts, 2, False)
    assert not Topic.objects.filter(board=source).exists()
    assert Topic.objects.filter(board=target).count() == 1 + 4 + 2
    assert_counters_exact()
    source.refresh_from_db()
    target.refresh_from_db()
    assert (source.topic_count, source.post_count, source.last_post_id) == (0, 0, None)
    assert (target.topic_count, target.post_count) == (target_before[0] + listed_topics,
                                                       target_before[1] + listed_posts)
    held_reply = Post.objects.get(is_awaiting_approval=True, position__gt=1)
    assert target.last_post_id != held_reply.pk  # the newest post is held: not the board's last post
    assert not source.is_archived
    # members' counters (posts, topics, likes) did not change
    after = stored_counters()
    assert {k: v for k, v in after.items() if k[0] == "member"} == {k: v for k, v in before.items()
                                                                     if k[0] == "member"}
    # cached fragments of both boards and of every moved topic go stale
    assert source.version > versions[source.pk] and target.version > versions[target.pk]
    for pk, version in Topic.objects.filter(pk__in=topic_versions).values_list("pk", "version"):
        assert version == topic_versions[pk] + 1


def test_the_move_takes_cases_watches_search_and_seed_topics_along_and_logs_once(two_boards, admin_user):
    source, target, alice = two_boards["source"], two_boards["target"], two_boards["alice"]
    watcher, chooser, muter = UserFactory(username="watcher"), UserFactory(username="chooser"), UserFactory()
    BoardWatch.objects.create(member=watcher, board=source, level=BoardWatch.Level.NEW_TOPICS)
    BoardWatch.objects.create(member=chooser, board=source, level=BoardWatch.Level.WATCHING)
    BoardWatch.objects.create(member=chooser, board=target, level=BoardWatch.Level.MUTED)  # their choice stands
    BoardWatch.objects.create(member=muter, board=source, level=BoardWatch.Level.MUTED)
    source_mod = UserFactory(username="cakemod")
    services.board_moderator_add(board=source, member=source_mod, granted_by=None, reason="x")
    draft = schedule(source_mod, source, title="Cake of the month")
    approval = Case.objects.get(post=two_boards["held"].first_post)

    services.board_topics_move(source=source, target=target, actor=admin_user, archive=True, reason="Too few cakes")

    for case in (two_boards["case"], approval):
        case.refresh_from_db()
        assert case.board_id == target.pk
    assert not Case.objects.filter(board=source).exists()
    entries = ModerationAction.objects.filter(action=ModerationAction.Action.MOVE_ALL)
    assert entries.count() == 1 and ModerationAction.objects.count() == 1
    entry = entries.get()
    assert (entry.actor, entry.board, entry.reason) == (admin_user, target, "Too few cakes")
    assert entry.before == "Cakes: 4 topics, 11 posts" and entry.after == "Bread; Cakes archived"
    watches = dict(BoardWatch.objects.filter(board=target).values_list("member__username", "level"))
    assert watches == {"watcher": "new_topics", "chooser": "muted"}
    draft.refresh_from_db()
    assert draft.board_id == target.pk
    source.refresh_from_db()
    assert source.is_archived
    # search finds the moved posts in their new board, and not in the old one
    criteria = Criteria(terms=parse_query("Victoria").terms, board_id=target.pk)
    assert len(search_post_ids(criteria, viewer=alice)) == 4
    criteria.board_id = source.pk
    assert search_post_ids(criteria, viewer=alice) == []
    # a reply to a moved topic counts on its new board
    services.post_create(topic=two_boards["topics"][0], author=alice, body="Still here!")
    assert_counters_exact()
    target.refresh_from_db()
    assert target.last_post.body == "Still here!"


def test_only_admins_may_move_and_only_into_another_open_board(two_boards, admin_user, moderator, board_mod):
    source, target = two_boards["source"], two_boards["target"]
    for actor in (moderator, board_mod, two_boards["alice"]):
        with pytest.raises(PermissionDenied):
            services.board_topics_move(source=source, target=target, actor=actor)
    with pytest.raises(ValidationError, match="in this one already"):
        services.board_topics_move(source=source, target=source, actor=admin_user)
    Board.objects.filter(pk=target.pk).update(is_archived=True)
    with pytest.raises(ValidationError, match="archived"):
        services.board_topics_move(source=source, target=target, actor=admin_user)
    assert Topic.objects.filter(board=source).count() == 6
    assert_counters_exact()
    assert not ModerationAction.objects.exists()


def test_an_emptied_board_takes_a_board_of_its_own_back(two_boards, admin_user):
    """Moving back and forth ends where it began, counters exact each time."""
    source, target = two_boards["source"], two_boards["target"]
    before = {b.pk: (b.topic_count, b.post_count, b.last_post_id) for b in Board.objects.all()}
    services.board_topics_move(source=source, target=target, actor=admin_user)
    services.board_topics_move(source=target, target=source, actor=admin_user)
    assert_counters_exact()
    assert Board.objects.get(pk=target.pk).topic_count == 0
    source.refresh_from_db()
    total = sum(v[0] for v in before.values())
    assert source.topic_count == total


# --- the form --------------------------------------------------------------------------------------------------------


def move_url(board) -> str:
    return f"/freshness/boards/{board.pk}/move-topics/"


def test_the_form_reviews_then_moves(two_boards, admin_client):
    source, target = two_boards["source"], two_boards["target"]
    form = page(admin_client.get(move_url(source)))
    assert "Move all topics of Cakes" in form and "Bread" in form
    assert f'<option value="{source.pk}"' not in form  # the board itself is not offered

    review = admin_client.post(move_url(source), {"target": target.pk, "archive": "on", "reason": "Merge"})
    text = page(review)
    assert review.status_code == 200 and "Move 4 topics from Cakes into Bread?" in text
    assert "Cakes will be archived once it is empty." in text and "2 hidden or held topics move with them." in text
    assert Topic.objects.filter(board=source).count() == 6  # nothing moved yet

    done = admin_client.post(move_url(source), {"target": target.pk, "archive": "on", "reason": "Merge",
                                                "confirmed": "on"}, follow=True)
    assert done.redirect_chain[-1][0] == "/freshness/"
    assert "Moved 4 topics from Cakes into Bread. Cakes is archived." in messages_in(done)
    assert not Topic.objects.filter(board=source).exists()
    assert Board.objects.get(pk=source.pk).is_archived
    assert_counters_exact()


@pytest.mark.parametrize("bad, message", [
    ("same", "Pick another board: the topics are in this one already."),
    ("archived", "That board is archived and takes no topics. Pick an open board."),
    ("missing", "There is no such board. Pick one from the list."),
    ("nonsense", "There is no such board. Pick one from the list."),
    ("empty", "Pick the board to move the topics into."),
])
def test_bad_input_is_a_form_error(two_boards, admin_client, bad, message):
    source = two_boards["source"]
    archived = BoardFactory(name="Old", is_archived=True)
    target = {"same": source.pk, "archived": archived.pk, "missing": 999999, "nonsense": "abc", "empty": ""}[bad]
    for confirmed in ("", "on"):
        response = admin_client.post(move_url(source), {"target": target, "confirmed": confirmed})
        assert response.status_code == 200
        assert message in page(response).replace("&#x27;", "'")
    assert Topic.objects.filter(board=source).count() == 6
    assert not ModerationAction.objects.exists()


def test_a_missing_board_is_404_and_only_admins_get_the_form(two_boards, client, admin_client, member, moderator,
                                                             board_mod):
    source, target = two_boards["source"], two_boards["target"]
    assert admin_client.get("/freshness/boards/999999/move-topics/").status_code == 404
    assert admin_client.post("/freshness/boards/999999/move-topics/", {"target": target.pk,
                                                                        "confirmed": "on"}).status_code == 404
    assert admin_client.put(move_url(source)).status_code == 405
    anonymous = client.__class__()
    assert anonymous.post(move_url(source), {"target": target.pk, "confirmed": "on"}).status_code == 302
    for user in (member, moderator, board_mod):
        client.force_login(user)
        assert client.get(move_url(source)).status_code == 403
        assert client.post(move_url(source), {"target": target.pk, "confirmed": "on"}).status_code == 403
    assert Topic.objects.filter(board=source).count() == 6
    assert not ModerationAction.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_replies_and_new_topics_racing_the_move_keep_every_counter_exact():
    """Threads reply to the board's topics, edit them and start new ones while an admin moves them all: no
    deadlock, no reply or edit lost (a lock that joined the board would lose its row), and every counter
    matches a recount (a reply that waited for the move counts on the new board; a topic
    started meanwhile stays, counted, where it was started)."""
    source, target = BoardFactory(name="Cakes"), BoardFactory(name="Bread")
    topics = [make_topic(board=source, title=f"Cake {i}") for i in range(3)]
    make_topic(board=target, title="Bread")
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    authors = [UserFactory() for _ in range(4)]

    def work(i):
        if i == 0:
            services.board_topics_move(source=source, target=target, actor=admin)
        elif i == 1:
            for n in range(3):
                services.topic_create(board=source, author=authors[0], title=f"New cake {n}", body=f"Cake {n}")
        elif i == 4:
            for n in range(6):
                topic = topics[n % 3]
                services.post_edit(post=topic.first_post, editor=topic.author, body=f"Edited {n}")
        else:
            for n in range(6):
                services.post_create(topic=topics[(i + n) % 3], author=authors[i], body=f"reply {n} from {i}")

    errors = run_in_threads(work, args=[(i,) for i in range(5)])
    assert errors == []
    assert Post.objects.count() == 3 + 1 + 3 + 2 * 6
    assert not Topic.objects.filter(board=source, title__startswith="Cake ").exists()
    assert_counters_exact()
