"""Every write URL against every state an account can be in, with one oracle (`expected`) that says what
each should get: sent to log in, 403, 404, or the write done (and the effect checked in the database).
For acts on a member or their posts, the target's role is a dimension too: admin > global moderator >
board moderator (of that board) > member; nobody acts on themselves; only admins act on admins."""
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from boards import services as board_services
from boards.models import BoardModerator, Post, PostLike, ScheduledTopic, Topic
from members.models import InviteCode, JoinStatus, PromotionProposal, User
from moderation import services as moderation_services
from moderation.models import Case, ModerationAction, Report
from notices.models import Notice
from notices.services import notice_create
from tests.factories import BoardFactory, UserFactory, make_post, make_topic, newcomer_rank, rank_at

pytestmark = pytest.mark.django_db

STATES = ["anonymous", "unverified", "waiting", "refused", "newcomer", "suspended", "banned", "member", "veteran",
          "other_mod", "board_mod", "global_mod", "admin"]
TARGETS = ["member", "board_mod", "global_mod", "admin"]  # whose post or account an act is on
LOGIN = "login"
DONE = "done"
# "waiting": signed up while registration was by approval, not let in yet; "refused": a moderator said no
REFUSED_ACCOUNTS = {"unverified", "waiting", "refused", "suspended", "banned"}
MODERATORS = {"board_mod", "global_mod", "admin"}  # of the board where everything happens
LEVEL = {"member": 0, "board_mod": 1, "global_mod": 2, "admin": 3}


@dataclass
class World:
    board: object
    pastry: object
    users: dict  # state -> the account in that state
    authors: dict  # target role -> an account of that role (never the same account as the actor)
    topics: dict  # target role -> a topic by that author in `board`
    posts: dict  # target role -> a reply by that author in `board`
    held: Post  # a newcomer's post waiting for approval
    item: ScheduledTopic  # a seed topic written by the board moderator


@pytest.fixture
def world(db) -> World:
    board = BoardFactory(name="Sourdough", slug="sourdough", rules="1. Be kind.")
    pastry = BoardFactory(name="Pastry", slug="pastry")
    soon = timezone.now() + timedelta(days=1)
    users = {
        "anonymous": None,
        "unverified": UserFactory(username="unverified", email_verified=False),
        "waiting": UserFactory(username="waiting", join_status=JoinStatus.WAITING),
        "refused": UserFactory(username="refused", join_status=JoinStatus.REFUSED),
        "newcomer": UserFactory(username="newcomer", rank=newcomer_rank()),
        "suspended": UserFactory(username="suspended"),
        "banned": UserFactory(username="banned"),
        "member": UserFactory(username="member"),
        "veteran": UserFactory(username="veteran", rank=rank_at(3)),
        "other_mod": UserFactory(username="pastrymod"),
        "board_mod": UserFactory(username="breadmod"),
        "global_mod": UserFactory(username="globalmod", is_global_moderator=True),
        "admin": UserFactory(username="root", is_staff=True, is_superuser=True),
    }
    BoardModerator.objects.create(board=pastry, member=users["other_mod"])
    BoardModerator.objects.create(board=board, member=users["board_mod"])
    authors = {
        "member": UserFactory(username="alice"),
        "board_mod": UserFactory(username="breadmod2"),
        "global_mod": UserFactory(username="globalmod2", is_global_moderator=True),
        "admin": UserFactory(username="root2", is_staff=True, is_superuser=True),
    }
    BoardModerator.objects.create(board=board, member=authors["board_mod"])
    topics = {role: make_topic(board=board, author=author, title=f"A topic by the {role}")
              for role, author in authors.items()}
    posts = {role: make_post(topic=topics["member"], author=author, body=f"A reply by the {role}.")
             for role, author in authors.items()}
    make_post(topic=topics["member"], author=users["veteran"])  # a Veteran active in the board may move topics
    held = board_services.post_create(topic=topics["member"], author=UserFactory(rank=newcomer_rank()),
                                      body="Hello, I am new.")
    item = board_services.scheduled_topic_create(author=users["board_mod"], board=board, title="Seed",
                                                 body="A seed topic.", publish_at=soon)
    User.objects.filter(pk=users["suspended"].pk).update(suspended_until=timezone.now() + timedelta(days=3))
    User.objects.filter(pk=users["banned"].pk).update(is_banned=True)
    return World(board=board, pastry=pastry, users=users, authors=authors, topics=topics, posts=posts, held=held,
                 item=item)


def client_for(world: World, state: str) -> Client:
    client = Client()
    if world.users[state] is not None:
        client.force_login(User.objects.get(pk=world.users[state].pk))
    return client


# --- the oracle ---------------------------------------------------------------------------------------------


def outranks(state: str, target: str) -> bool:
    """May an account in `state` act on a `target`-role member in the board? (Never the same account.)"""
    if state not in MODERATORS:
        return False
    if target == "admin":
        return state == "admin"
    return LEVEL[state] > LEVEL[target]


def expected(state: str, url: str, target: str = "member"):
    """What `state` gets from the write `url` (on something of a `target`-role member)."""
    if state == "anonymous":
        return LOGIN
    if url in ("settings", "notices_read"):  # the member's own things: any signed-in account
        return DONE
    if url in ("schedule_edit", "schedule_delete"):  # the board moderator's seed topic
        if state in REFUSED_ACCOUNTS or state not in MODERATORS:
            return 404  # it is not theirs to know of
        return DONE if state in ("board_mod", "admin") else 403  # its author, or an admin
    if state in REFUSED_ACCOUNTS:
        return 403
    if url in ("new_topic", "reply", "report", "like"):
        return DONE
    if url == "feature":  # not a sanction: any moderator of the board, whoever wrote the topic
        return DONE if state in MODERATORS else 403
    if url == "edit":
        return DONE if outranks(state, target) else 403
    if url == "retitle":
        if state in MODERATORS:
            return DONE if outranks(state, target) else 403
        return DONE if state == "veteran" and target == "member" else 403
    if url in ("approve", "act_direct"):
        if state not in MODERATORS:
            return 403
        return DONE if url == "approve" or outranks(state, target) else 403
    if url == "case_act":
        if state == "other_mod":
            return 404  # a case outside their boards
        if state not in MODERATORS:
            return 403
        return DONE if outranks(state, target) else 403
    if url == "schedule_new":  # another board's moderator may schedule, but only in their boards: a form error
        return DONE if state in MODERATORS else (200 if state == "other_mod" else 403)
    if url in ("snooze", "appoint", "decide", "move_topics"):
        return DONE if state == "admin" else 403
    if url == "invite":  # a code for registration by invite: as the rank allows (Veterans 5 a month), admins always
        return DONE if state in ("veteran", "admin") else 403
    raise AssertionError(url)


# --- the requests and their effects -------------------------------------------------------------------------


def request(world: World, url: str, target: str, state: str):
    """(path, data, a function that tells whether the write was done)."""
    post = world.posts[target]
    topic = world.topics[target]
    if url == "new_topic":
        return (f"/b/{world.board.slug}/new/", {"title": "Fresh topic", "body": "Something to say."},
                lambda: Topic.objects.filter(title="Fresh topic").exists())
    if url == "reply":
        return (f"/t/{topic.pk}/reply/", {"body": "A fresh reply."},
                lambda: Post.objects.filter(body="A fresh reply.").exists())
    if url == "report":
        return (f"/report/post/{post.pk}/", {"reason": "spam"}, lambda: Report.objects.filter(case__post=post).exists())
    if url == "like":
        return (f"/p/{post.pk}/like/", {}, lambda: PostLike.objects.filter(post=post).exists())
    if url == "edit":
        return (f"/p/{post.pk}/edit/", {"body": "Rewritten by someone."},
                lambda: Post.objects.get(pk=post.pk).body == "Rewritten by someone.")
    if url == "retitle":
        return (f"/t/{topic.pk}/manage/", {"title": "Retitled", "board": world.board.pk},
                lambda: Topic.objects.get(pk=topic.pk).title == "Retitled")
    if url == "approve":
        held = world.held
        return (f"/p/{held.pk}/approve/", {"action": "approve"},
                lambda: not Post.objects.get(pk=held.pk).is_awaiting_approval)
    if url == "act_direct":
        return (f"/mod/post/{post.pk}/act/", {"action": "hide", "reason": "Off topic."},
                lambda: Post.objects.get(pk=post.pk).is_hidden)
    if url == "feature":
        return (f"/mod/topic/{topic.pk}/act/", {"action": "feature", "level": "2", "reason": "Worth reading."},
                lambda: Topic.objects.get(pk=topic.pk).featured_level == 2)
    if url == "case_act":
        moderation_services.report_create(reporter=UserFactory(), kind="post", reason="spam", post=post)
        case = Case.objects.get(post=post)
        return (f"/mod/case/{case.pk}/act/", {"action": "warn", "reason": "Mind the rules."},
                lambda: User.objects.get(pk=post.author_id).warning_count == 1)
    if url == "schedule_new":
        board = world.board
        return ("/seed/new/", {"board": board.pk, "title": "Seed two", "body": "Another.",
                               "publish_at": (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")},
                lambda: ScheduledTopic.objects.filter(title="Seed two").exists())
    if url == "schedule_edit":
        item = world.item
        return (f"/seed/{item.pk}/edit/", {"board": world.board.pk, "title": "Seed changed", "body": "x",
                                           "publish_at": (timezone.localtime() + timedelta(days=2))
                                           .strftime("%Y-%m-%dT%H:%M")},
                lambda: ScheduledTopic.objects.get(pk=item.pk).title == "Seed changed")
    if url == "schedule_delete":
        item = world.item
        return (f"/seed/{item.pk}/delete/", {}, lambda: not ScheduledTopic.objects.filter(pk=item.pk).exists())
    if url == "snooze":
        return (f"/freshness/boards/{world.board.pk}/snooze/", {"days": "7"},
                lambda: world.board.__class__.objects.get(pk=world.board.pk).reminders_snoozed_until is not None)
    if url == "move_topics":  # every topic of the board into Pastry, confirmed
        return (f"/freshness/boards/{world.board.pk}/move-topics/", {"target": world.pastry.pk, "confirmed": "on"},
                lambda: not Topic.objects.filter(board=world.board).exists()
                and ModerationAction.objects.filter(action="move_all").exists())
    if url == "appoint":
        member = world.authors["member"]
        return (f"/u/{member.username}/moderation/", {"board": world.pastry.pk, "reason": "Cares."},
                lambda: BoardModerator.objects.filter(member=member, board=world.pastry).exists())
    if url == "decide":
        proposal = PromotionProposal.objects.create(member=world.authors["member"], board=world.pastry)
        return (f"/promotions/{proposal.pk}/", {"decision": "approve"},
                lambda: PromotionProposal.objects.get(pk=proposal.pk).status == "approved")
    if url == "invite":
        return ("/settings/invites/", {}, lambda: InviteCode.objects.exists())
    if url == "settings":
        return ("/settings/", {"timezone": "Europe/Berlin"},
                lambda: User.objects.filter(timezone="Europe/Berlin").exists())
    if url == "notices_read":
        notice = notice_create(recipient=world.users[state] or world.authors["member"], title="Hello")
        return ("/notifications/read/", {}, lambda: Notice.objects.get(pk=notice.pk).read_at is not None)
    raise AssertionError(url)


ON_A_MEMBER = ["edit", "retitle", "act_direct", "case_act", "feature"]
OTHER_WRITES = ["new_topic", "reply", "report", "like", "approve", "schedule_new", "schedule_edit",
                "schedule_delete", "snooze", "appoint", "decide", "invite", "settings", "notices_read",
                "move_topics"]


def check(world: World, state: str, url: str, target: str) -> None:
    path, data, done = request(world, url, target, state)
    response = client_for(world, state).post(path, data)
    outcome = expected(state, url, target)
    where = (state, url, target, response.status_code)
    if outcome == LOGIN:
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), where
        assert not done(), where
    elif outcome == DONE:
        assert response.status_code in (200, 302), where
        assert done(), where
    else:
        assert response.status_code == outcome, where
        assert not done(), where


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("url", OTHER_WRITES)
def test_writes(world, state, url):
    check(world, state, url, "member")


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("url", ON_A_MEMBER)
def test_acts_on_a_member(world, state, url, target):
    if world.users[state] is not None and world.users[state].username == world.authors[target].username:
        pytest.fail("the actor must not be the target")
    check(world, state, url, target)


def test_nobody_acts_on_their_own_account_or_posts(world):
    """The matrix's targets are other accounts; acting on oneself is refused for every moderator too."""
    for state in ("board_mod", "global_mod", "admin"):
        actor = world.users[state]
        own = make_post(topic=world.topics["member"], author=actor, body=f"My own words, {state}.")
        response = client_for(world, state).post(f"/mod/post/{own.pk}/act/", {"action": "hide", "reason": "x"})
        assert response.status_code == 403, state
        assert not Post.objects.get(pk=own.pk).is_hidden
        assert not ModerationAction.objects.filter(post=own).exists()
