"""Boards by rank: every kind of viewer, in every account state and at every rank, against boards that set a
rank to read, to start topics and to reply, with one oracle (`expected`) for reading a board, the new-topic
and reply forms, and sending them (a forged POST included). Below the rank to read the board does not
exist (404); below the rank to write, the board's own message (or one naming the rank) with a 403. The
board's moderators, global moderators and admins always pass, whatever their rank; visitors have none."""
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from boards import permissions
from boards import services as board_services
from boards.models import Board, BoardModerator, Post, Topic
from members.models import User
from tests.factories import BoardFactory, UserFactory, make_topic, rank_at
from tests.helpers import page

pytestmark = pytest.mark.django_db

LOGIN, DONE = "login", "done"
# state -> the rank order of the account (None: no rank set, standing on the first step)
STATES = {"anonymous": None, "unranked": None, "newcomer": 0, "member": 1, "regular": 2, "veteran": 3,
          "banned_regular": 2, "suspended_regular": 2, "unverified_regular": 2,
          "board_mod": 1, "other_mod": 1, "global_mod": 1, "admin": 0}
REFUSED_ACCOUNTS = {"banned_regular", "suspended_regular", "unverified_regular"}
GATED_MESSAGE = "Starting topics here is for our regulars, replying for members; ask a moderator to help."
# board -> (rank to read, rank to start topics, rank to reply), as orders (None: no limit)
BOARDS = {"public": (None, None, None), "lounge": (2, 3, None), "gated": (None, 2, 1), "inner": (3, None, 4)}
ACTIONS = ["view", "topic_page", "start_form", "start", "reply_form", "reply"]


def rank_order(state: str) -> int | None:
    return 0 if state == "unranked" else STATES[state]


def passes(state: str, board: str, minimum: int | None) -> bool:
    """Does `state` stand at or above `minimum` in `board`? Moderators of the board (board_mod moderates
    every board but the public one), global moderators and admins always do; visitors never."""
    if minimum is None:
        return True
    if state in ("global_mod", "admin") or (state == "board_mod" and board != "public"):
        return True
    if state == "anonymous":
        return False
    return rank_order(state) >= minimum


def expected(state: str, board: str, action: str):
    """The oracle: what `state` gets from `action` in `board`."""
    view, start, reply = BOARDS[board]
    sees = passes(state, board, view)
    if action in ("view", "topic_page"):
        return 200 if sees else 404
    if state == "anonymous":
        return LOGIN  # the forms ask visitors to log in before anything else, for any board or none
    if not sees:
        return 404
    if state in REFUSED_ACCOUNTS:
        return 403
    allowed = passes(state, board, start if action.startswith("start") else reply)
    if not allowed:
        return 403
    return 200 if action.endswith("_form") else DONE


def refusal_words(board: str, action: str) -> str:
    """What the 403 for a rank says (the board's own message, or one naming the rank)."""
    if board == "gated":  # its own message, for every refusal it makes
        return GATED_MESSAGE
    view, start, reply = BOARDS[board]
    name = {1: "Member", 2: "Regular", 3: "Veteran", 4: "Moderator"}
    if action.startswith("start"):
        return f"Starting topics in this board takes the rank {name[start]} or higher."
    return f"Replying in this board takes the rank {name[reply]} or higher."


@dataclass
class World:
    boards: dict
    topics: dict
    users: dict


@pytest.fixture
def world(db) -> World:
    def rank(order):
        return None if order is None else rank_at(order)

    boards = {}
    for name, (view, start, reply) in BOARDS.items():
        boards[name] = BoardFactory(name=name.title(), slug=name, view_rank=rank(view), start_rank=rank(start),
                                    reply_rank=rank(reply), refusal_message=GATED_MESSAGE if name == "gated" else "")
    users = {}
    for state, order in STATES.items():
        if state == "anonymous":
            continue
        users[state] = UserFactory(username=state, rank=rank(order), email_verified=state != "unverified_regular",
                                   is_global_moderator=state == "global_mod", is_superuser=state == "admin",
                                   is_staff=state == "admin", is_banned=state == "banned_regular")
    User.objects.filter(pk=users["suspended_regular"].pk).update(suspended_until=timezone.now() + timedelta(days=3))
    for name in ("lounge", "gated", "inner"):
        BoardModerator.objects.create(board=boards[name], member=users["board_mod"])
    BoardModerator.objects.create(board=boards["public"], member=users["other_mod"])
    topics = {name: make_topic(board=board, author=users["admin"], title=f"Welcome to {name}")
              for name, board in boards.items()}
    return World(boards=boards, topics=topics, users=users)


def client_for(world: World, state: str) -> Client:
    client = Client()
    if state != "anonymous":
        client.force_login(User.objects.get(pk=world.users[state].pk))
    return client


def request(world: World, board: str, action: str):
    """(method, path, data, a function telling whether the write was done)."""
    topic = world.topics[board]
    if action == "view":
        return "get", f"/b/{board}/", None, None
    if action == "topic_page":
        return "get", topic.get_absolute_url(), None, None
    if action == "start_form":
        return "get", f"/b/{board}/new/", None, None
    if action == "start":
        return ("post", f"/b/{board}/new/", {"title": "A fresh topic", "body": "Something to say."},
                lambda: Topic.objects.filter(title="A fresh topic").exists())
    if action == "reply_form":
        return "get", f"/t/{topic.pk}/reply/", None, None
    if action == "reply":
        return ("post", f"/t/{topic.pk}/reply/", {"body": "A fresh reply."},
                lambda: Post.objects.filter(body="A fresh reply.").exists())
    raise AssertionError(action)


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("board", list(BOARDS))
@pytest.mark.parametrize("state", list(STATES))
def test_the_rank_matrix(world, state, board, action):
    method, path, data, done = request(world, board, action)
    client = client_for(world, state)
    response = client.get(path) if method == "get" else client.post(path, data)
    outcome = expected(state, board, action)
    where = (state, board, action, response.status_code)
    if outcome == LOGIN:
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), where
    elif outcome == DONE:
        assert response.status_code == 302, where
        assert done(), where
    else:
        assert response.status_code == outcome, where
        if outcome == 200:
            assert world.boards[board].name in page(response), where
        if action == "view" and outcome == 200 and state != "anonymous" and state not in REFUSED_ACCOUNTS:
            # the board says why there is no "Start a topic" button, or offers it
            may_start = passes(state, board, BOARDS[board][1])
            assert ("Start a topic" in page(response)) is may_start, where
            if not may_start:
                assert refusal_words(board, "start") in page(response), where
        if outcome == 403 and state not in REFUSED_ACCOUNTS:
            assert refusal_words(board, action) in page(response), where
        if outcome == 404:  # not a word of the board
            assert world.boards[board].name not in page(response) and "Welcome to" not in page(response), where
    if done is not None and outcome != DONE:
        assert not done(), where


@pytest.mark.parametrize("state", [s for s in STATES if s != "anonymous"])
def test_the_services_refuse_what_the_pages_refuse(world, state):
    """A forged call that skips the pages (a script, a task) meets the same rule in the services."""
    user = User.objects.select_related("rank").get(pk=world.users[state].pk)
    for board in BOARDS:
        for action, call in (("start", lambda b=board: board_services.topic_create(
                board=world.boards[b], author=user, title=f"Forged {b}", body="Forged.")),
                             ("reply", lambda b=board: board_services.post_create(
                                 topic=world.topics[b], author=user, body=f"Forged reply {b}."))):
            if expected(state, board, action) == DONE:
                assert call().pk
            else:
                with pytest.raises(PermissionDenied):
                    call()
    started = set(Topic.objects.filter(title__startswith="Forged").values_list("board__slug", flat=True))
    assert started == {board for board in BOARDS if expected(state, board, "start") == DONE}


@pytest.mark.parametrize("state", list(STATES))
def test_lists_and_the_python_rule_agree(world, state):
    """visible_boards_q (the lists' filter) and can_see_board (the pages' check) give the same answer,
    and both give the oracle's."""
    user = AnonymousUser() if state == "anonymous" else User.objects.select_related("rank").get(
        pk=world.users[state].pk)
    listed = set(Board.objects.filter(permissions.visible_boards_q(user)).values_list("slug", flat=True))
    checked = {slug for slug, board in world.boards.items()
               if permissions.can_see_board(user, Board.objects.select_related("view_rank").get(pk=board.pk))}
    oracle = {board for board in BOARDS if expected(state, board, "view") == 200}
    assert listed == checked == oracle


def test_the_oracle_is_not_trivial():
    """Each outcome occurs, so the matrix tells the rule apart from "everyone may" and "nobody may"."""
    outcomes = {expected(s, b, a) for s in STATES for b in BOARDS for a in ACTIONS}
    assert outcomes == {200, 403, 404, LOGIN, DONE}
    assert expected("member", "lounge", "view") == 404 and expected("regular", "lounge", "view") == 200
    assert expected("regular", "lounge", "start") == 403 and expected("veteran", "lounge", "start") == DONE
    assert expected("admin", "inner", "reply") == DONE and expected("veteran", "inner", "reply") == 403


def test_viewers_with_the_same_visibility_key_see_the_same_boards(world):
    """board_visibility_key is what a cache of per-viewer lists is keyed by: two viewers with one key see the
    same boards, and viewers who see different boards have different keys."""
    seen = {}
    for state in STATES:
        user = AnonymousUser() if state == "anonymous" else User.objects.select_related("rank").get(
            pk=world.users[state].pk)
        boards = frozenset(Board.objects.filter(permissions.visible_boards_q(user)).values_list("slug", flat=True))
        seen.setdefault(permissions.board_visibility_key(user), set()).add(boards)
    assert all(len(sets) == 1 for sets in seen.values()), seen
    assert len({next(iter(sets)) for sets in seen.values()}) > 2
