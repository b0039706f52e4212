"""Holes found in a review of the shared lists (boards/fragments.py, forum/fragments.py, the board index's
cached fragment): each test fills a cache as one viewer, changes something through the path a person uses,
and reads the list as a viewer who must not see what was cached before the change. Every "is not there" is
paired with a read that shows the same thing where it is due, so that a page broken for everyone fails."""
import pytest
from django.forms.models import model_to_dict
from django.test import Client

from boards import services as board_services
from boards.models import Board
from members.models import Rank
from moderation import services as moderation
from tests.factories import BoardFactory, UserFactory, fresh, make_post, make_topic, rank_at
from tests.helpers import page, page_of

pytestmark = pytest.mark.django_db

LOUNGE = "Back room"
PINNED = "Quince bake-off plans"
SECRET = "Zebra-striped sourdough secret"


def admin_saves_rank(admin_user, rank: Rank, **changes) -> None:
    """The admin's change form for the rank, sent with `changes` (the ladder edited in the Django admin)."""
    data = {**model_to_dict(rank), **changes}
    # as a browser sends the form: an unticked box is left out, an empty number is ""
    data = {key: "on" if value is True else "" if value is None else value
            for key, value in data.items() if value is not False}
    admin = Client()
    admin.force_login(admin_user)
    response = admin.post(f"/admin/members/rank/{rank.pk}/change/", data)
    assert response.status_code == 302, page(response)[:3000]
    rank.refresh_from_db()
    for key, value in changes.items():
        assert getattr(rank, key) == value, key


def test_a_reordered_ladder_does_not_leave_a_board_by_rank_on_a_cached_list(client, board, admin_user):
    """Which boards by rank a member sees compares their rank's order with each board's rank to read; the index
    and the forum-wide pins are cached per member order (boards.permissions.board_visibility_key) and per the
    boards' versions. An admin who moves a rank up the ladder takes the board from members now below it: the
    lists cached before must not show it to them."""
    lounge = BoardFactory(name=LOUNGE, slug="back-room")
    Board.objects.filter(pk=lounge.pk).update(view_rank=rank_at(2), version=lounge.version + 1)
    veteran = UserFactory(username="veteran", rank=rank_at(3))
    pinned = make_topic(board=lounge, author=veteran, title=PINNED)
    moderation.act_directly(actor=fresh(admin_user), action="pin", scope="forum", reason="For all who may",
                            topic=pinned)
    make_topic(board=board, title="Rye question")
    assert LOUNGE in page(page_of(client, veteran, "/"))
    assert PINNED in page(page_of(client, veteran, board.get_absolute_url()))  # a forum-wide pin

    admin_saves_rank(admin_user, rank_at(2), order=9)  # the lounge's rank now stands above the Veteran's

    assert page_of(client, veteran, lounge.get_absolute_url()).status_code == 404
    assert LOUNGE not in page(page_of(client, veteran, "/"))
    assert PINNED not in page(page_of(client, veteran, board.get_absolute_url()))
    at_the_rank = UserFactory(username="climber", rank=Rank.objects.get(order=9))
    assert LOUNGE in page(page_of(client, at_the_rank, "/"))
    assert PINNED in page(page_of(client, at_the_rank, board.get_absolute_url()))


def moderators_view(client, viewer, topic, secret) -> tuple[bool, bool]:
    """(whether `viewer` reads the hidden post's text, whether they get its Moderate form) on the topic page."""
    shown = page(page_of(client, viewer, topic.get_absolute_url()))
    assert "Starter schedules" in shown
    return SECRET in shown, f'action="/mod/post/{secret.pk}/act/"' in shown


def test_a_moderators_list_follows_their_appointment_and_the_topics_board(client, board, pastry, member, bob,
                                                                          board_mod, pastry_mod, admin_user):
    """The viewer class is decided on each request: a moderator who steps down gets the members' list at once
    (not the moderators' list cached a moment before), one appointed gets the moderators', and a topic moved
    to another board is the other board's moderators' to moderate."""
    topic = make_topic(board=board, author=member, title="Starter schedules")
    secret = make_post(topic=topic, author=bob, body=SECRET)
    moderation.act_directly(actor=fresh(admin_user), action="hide", reason="Moderated", post=secret)
    assert moderators_view(client, board_mod, topic, secret) == (True, True)

    board_services.board_moderator_remove(board=board, member=fresh(board_mod))
    assert moderators_view(client, board_mod, topic, secret) == (False, False)
    board_services.board_moderator_add(board=board, member=fresh(board_mod), granted_by=admin_user, reason="Back")
    assert moderators_view(client, board_mod, topic, secret) == (True, True)

    assert moderators_view(client, pastry_mod, topic, secret) == (False, False)
    moderation.act_directly(actor=fresh(admin_user), action="move", reason="Belongs in pastry", topic=topic,
                            board=pastry)
    assert moderators_view(client, board_mod, topic, secret) == (False, False)
    assert moderators_view(client, pastry_mod, topic, secret) == (True, True)
