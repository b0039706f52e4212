"""Pins have a scope: this board, or the whole forum (全局置顶). Only admins pin for the whole forum, or
change or take off such a pin (a board or global moderator is refused with a 403, and nothing changes);
a forum-wide pin shows above the first page of every other board's list, to those who may see its board;
it is logged like other pins, and the expiry task takes it off like them."""
from datetime import timedelta

import pytest
from django.utils import timezone

from boards.models import Board, Topic
from members.services import visit_record
from moderation import services as moderation_services
from moderation.models import Case, ModerationAction
from notices.models import Notice
from tests.factories import BoardFactory, UserFactory, fresh, make_board_moderator, make_topic, rank_at
from tests.helpers import assert_constant, login, page, queries_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def board():
    return BoardFactory(name="Sourdough", slug="sourdough")


@pytest.fixture
def other():
    return BoardFactory(name="Pastry", slug="pastry")


@pytest.fixture
def keeper(board):
    return make_board_moderator(board, "keeper")


@pytest.fixture
def notice(board):
    return make_topic(board=board, author=UserFactory(username="baker"), title="House rules for everyone")


def pin(client, topic, **data):
    return client.post(f"/mod/topic/{topic.pk}/act/", {"action": "pin", "reason": "Read first.", **data})


def forum_pins(content: str) -> str:
    """The forum-wide pins section of a board page ("" when there is none)."""
    start = content.find('<section class="forum-pins"')
    return content[start:content.index("</section>", start)] if start >= 0 else ""


def test_an_admin_pins_for_the_whole_forum_from_the_topic_page(client, board, other, notice, admin_user):
    login(client, admin_user)
    form = page(client.get(notice.get_absolute_url()))
    assert 'name="scope"' in form and "The whole forum" in form
    response = pin(client, notice, scope="forum")
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.is_pinned and notice.pin_scope == Topic.PinScope.FORUM
    entry = ModerationAction.objects.get(action="pin", topic=notice)
    assert (entry.actor, entry.after) == (admin_user, "forum")
    # above the other board's list, marked, with its board; in its own board's list, marked too
    login(client, UserFactory(username="reader"))
    pins = forum_pins(page(client.get("/b/pastry/")))
    assert "House rules for everyone" in pins and "Pinned for the whole forum" in pins and "Sourdough" in pins
    own = page(client.get("/b/sourdough/"))
    assert not forum_pins(own) and "Pinned for the whole forum" in own
    # and to visitors, whose lists come from the cache
    login(client, None)
    assert "House rules for everyone" in forum_pins(page(client.get("/b/pastry/")))


def test_forum_wide_pins_show_on_the_first_page_of_the_plain_list_only(client, board, other, notice, admin_user):
    moderation_services.act_directly(actor=fresh(admin_user), action="pin", scope="forum", reason="x", topic=notice)
    for i in range(30):
        make_topic(board=other, author=UserFactory(), title=f"Pastry topic {i}")
    assert "House rules" in forum_pins(page(client.get("/b/pastry/")))
    assert not forum_pins(page(client.get("/b/pastry/?page=2")))
    assert "Pastry topic" in page(client.get("/b/pastry/?page=2"))
    assert not forum_pins(page(client.get("/b/pastry/?featured=1")))


@pytest.mark.parametrize("who", ["keeper", "global_mod"])
def test_only_admins_pin_for_the_whole_forum(client, board, notice, keeper, moderator, who):
    actor = keeper if who == "keeper" else moderator
    login(client, actor)
    assert 'name="scope"' not in page(client.get(notice.get_absolute_url()))
    response = pin(client, notice, scope="forum")
    assert response.status_code == 403
    assert "Only admins pin topics for the whole forum" in page(response)
    notice.refresh_from_db()
    assert not notice.is_pinned and notice.pin_scope == Topic.PinScope.BOARD
    assert not ModerationAction.objects.filter(action="pin").exists()
    # a pin for the board is theirs to make
    assert pin(client, notice, scope="board").status_code == 302
    assert Topic.objects.get(pk=notice.pk).is_pinned


@pytest.mark.parametrize("action", ["unpin", "pin"])
def test_a_board_moderator_does_not_change_a_forum_wide_pin(client, board, notice, keeper, admin_user, action):
    moderation_services.act_directly(actor=fresh(admin_user), action="pin", scope="forum", reason="x", topic=notice)
    login(client, keeper)
    assert "Unpin" not in page(client.get(notice.get_absolute_url()))
    response = client.post(f"/mod/topic/{notice.pk}/act/", {"action": action, "reason": "Mine now.", "scope": "board"})
    assert response.status_code == 403
    assert Topic.objects.get(pk=notice.pk).is_pinned_forum_wide
    # the admin takes it off: back to an unpinned topic with no scope left over
    moderation_services.act_directly(actor=fresh(admin_user), action="unpin", reason="Done.", topic=notice)
    notice.refresh_from_db()
    assert (notice.is_pinned, notice.pin_scope) == (False, Topic.PinScope.BOARD)


def test_a_made_up_scope_counts_as_none(client, board, notice, keeper):
    login(client, keeper)
    assert pin(client, notice, scope="galaxy").status_code == 302
    notice.refresh_from_db()
    assert notice.is_pinned and notice.pin_scope == Topic.PinScope.BOARD


def test_the_expiry_task_takes_a_forum_wide_pin_off_and_logs_it(client, board, other, notice, admin_user):
    soon = timezone.now() + timedelta(hours=1)
    moderation_services.act_directly(actor=fresh(admin_user), action="pin", scope="forum", reason="x", topic=notice,
                                     until=soon)
    assert ModerationAction.objects.get(action="pin").after == f"forum {soon.isoformat()}"
    assert moderation_services.expire_pins_and_features(now=soon + timedelta(seconds=1)) == 1
    notice.refresh_from_db()
    assert (notice.is_pinned, notice.pin_scope, notice.pinned_until) == (False, Topic.PinScope.BOARD, None)
    entry = ModerationAction.objects.get(action="expire", topic=notice)
    assert entry.actor is None and entry.before == "pin"
    assert not forum_pins(page(client.get("/b/pastry/")))


def test_a_forum_wide_pin_from_a_board_by_rank_shows_only_to_those_who_may_see_it(client, other, admin_user):
    lounge = BoardFactory(name="Regulars' lounge", slug="lounge", view_rank=rank_at(2))
    topic = make_topic(board=lounge, author=admin_user, title="Lounge plans")
    moderation_services.act_directly(actor=fresh(admin_user), action="pin", scope="forum", reason="x", topic=topic)
    for viewer, shown in ((None, False), (UserFactory(username="plain", rank=rank_at(1)), False),
                          (UserFactory(username="regular", rank=rank_at(2)), True)):
        login(client, viewer)
        content = page(client.get("/b/pastry/"))
        assert "Pastry" in content
        assert ("Lounge plans" in content) is shown, viewer
        assert ("Regulars' lounge" in content) is shown, viewer


@pytest.mark.parametrize("viewer", ["anonymous", "member"])
def test_a_board_page_costs_the_same_with_1_or_8_forum_wide_pins(client, board, other, admin_user, viewer):
    if viewer == "member":
        reader = UserFactory(username="reader")
        visit_record(user=reader, day=timezone.localdate())  # the day's first request writes once: not here
        client.force_login(reader)
    boards = [BoardFactory() for _ in range(4)]

    def add_pins(count):
        for i in range(count):
            topic = make_topic(board=boards[i % 4], author=UserFactory(), title=f"Pinned {Topic.objects.count()}")
            moderation_services.act_directly(actor=fresh(admin_user), action="pin", scope="forum", reason="x",
                                             topic=topic)

    make_topic(board=other, author=UserFactory(), title="A pastry topic")
    add_pins(1)
    small = queries_for(client, "/b/pastry/")
    add_pins(7)
    large = queries_for(client, "/b/pastry/")
    assert page(client.get("/b/pastry/")).count('<span class="tag">Pinned for the whole forum</span>') == 8
    assert_constant(small, large, "board page with forum-wide pins", most=10)
    assert Board.objects.count() == 6


def test_a_forum_wide_pin_that_resolves_a_case_says_so(board, notice, admin_user):
    reporter = UserFactory(username="reporter")
    moderation_services.report_create(reporter=reporter, kind="topic", reason="other", note="Worth pinning.",
                                      topic=notice)
    moderation_services.act_directly(actor=fresh(admin_user), action="pin", scope="forum", reason="x", topic=notice)
    case = Case.objects.get(topic=notice)
    assert case.resolution == "Pinned for the whole forum"
    told = Notice.objects.get(recipient=reporter, verb="report_resolved")
    assert "Pinned for the whole forum" in told.text().title
