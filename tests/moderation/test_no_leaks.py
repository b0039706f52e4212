"""Nothing moderated leaks. Hidden, deleted and held posts never show their text to those who may not read
it, wherever a post's text can appear; hidden topics stay off every list; and suspended or banned members
are refused on every write path, one path at a time.

A leak check proves nothing on a page that is broken for everyone: "the secret is not on this page" holds
for an error page too. So every page is read through `outcome`, which wants the exact status each viewer is
due (200 for a page without the secret, 403 or 404 for a refusal, a redirect to log in for visitors), and
every leak test also reads the same pages as someone who may read the post, who must get them whole, the
secret included. test_outcome_fails_for_a_403_or_404_where_a_200_is_due and
test_the_leak_check_fails_for_a_surface_broken_for_everyone show that these checks fail for a page that
answers 403 or 404 to everyone."""
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import quote, urlsplit

import pytest
from django.http import HttpResponse
from django.test import Client
from django.utils import timezone

from boards import freshness
from boards import services as board_services
from boards.models import BoardModerator, Post, PostLike, ScheduledTopic
from members.models import User
from moderation import services
from moderation.models import Case, Report
from tests.factories import UserFactory, fresh, make_post, make_topic, newcomer_rank, rank_at
from tests.helpers import login, page

pytestmark = pytest.mark.django_db

SECRET = "Zebra-striped sourdough secret"
TOPIC_TITLE = "Quarantined thread about scams"
LOGIN_URL = "/accounts/login/"
LOGIN = "a redirect to log in"  # an outcome, beside the status codes


def outcome(response, expected: int | str, where: str) -> str:
    """`response`, checked to be exactly `expected` (a status code, or LOGIN), as its page with entities
    unescaped ("" for the redirect). A 403 or 404 where a 200 is due fails here: it does not pass for a page
    that shows nothing."""
    if expected == LOGIN:
        location = response.get("Location", "")
        assert response.status_code == 302 and location.startswith(LOGIN_URL), (
            f"{where}: expected {LOGIN}, got {response.status_code} {location}")
        return ""
    assert response.status_code == expected, f"{where}: expected {expected}, got {response.status_code}"
    return page(response)


def make_state(state: str, topic, bob, moderator) -> Post:
    """A reply whose text is SECRET, in the given state."""
    if state == "held":
        author = UserFactory(username="newbie", rank=newcomer_rank())
        post = board_services.post_create(topic=topic, author=author, body=SECRET)
        assert post.is_awaiting_approval
        return post
    post = make_post(topic=topic, author=bob, body=SECRET)
    if state == "auto_hidden":
        for _ in range(3):
            services.report_create(reporter=UserFactory(rank=rank_at(2)), kind="post", reason="spam", post=post)
    else:
        action = {"hidden": "hide", "deleted": "delete"}[state]
        services.act_directly(actor=fresh(moderator), action=action, reason="Moderated", post=post)
    post.refresh_from_db()
    assert post.is_hidden
    return post


STATES = ["hidden", "auto_hidden", "deleted", "held"]
# who may not read the post: everyone but its author and the board's moderators; for a deleted post,
# everyone but admins
BASE_VIEWERS = ["anonymous", "reader", "pastry_mod"]
CANNOT_READ = [(state, viewer) for state in STATES for viewer in BASE_VIEWERS] + [
    ("deleted", viewer) for viewer in ("author", "board_mod", "global_mod")]


@dataclass(frozen=True)
class Surface:
    """A page where a post's text can appear."""

    url: Callable[[Post], str]
    shows_text: bool  # whoever may read the post reads its text here
    visitor: int | str  # what a visitor gets
    refused: int  # what a member who may not read the post gets: 200 is the page, without the post
    marker: Callable[[Post], str] | None = None  # text every 200 of the page shows, whoever looks


def topic_page(post) -> str:
    return f"/t/{post.topic.pk}/{quote(post.topic.slug)}/"


SURFACES = {
    "topic page": Surface(topic_page, True, 200, 200, marker=lambda post: post.topic.title),
    # the visitor's copy of the topic page may come from the cache, filled before the post was moderated
    "anonymous-cached topic page": Surface(topic_page, True, 200, 200, marker=lambda post: post.topic.title),
    "author's profile": Surface(lambda post: f"/u/{post.author.username}/", False, 200, 200,
                                marker=lambda post: f"<h1>{post.author.username}"),
    "reply form ?quote=": Surface(lambda post: f"/t/{post.topic.pk}/reply/?quote={post.pk}", True, LOGIN, 404),
    "reply form ?to=": Surface(lambda post: f"/t/{post.topic.pk}/reply/?to={post.pk}", True, LOGIN, 404),
    "report form": Surface(lambda post: f"/report/post/{post.pk}/", True, LOGIN, 404),
    "board index": Surface(lambda post: "/", False, 200, 200, marker=lambda post: post.topic.board.description),
    "board page": Surface(lambda post: f"/b/{post.topic.board.slug}/", False, 200, 200,
                          marker=lambda post: post.topic.title),
    "members list": Surface(lambda post: "/members/", False, 200, 200,
                            marker=lambda post: f'<tr><td><a href="/u/{post.author.username}/">'),
    "edit form": Surface(lambda post: f"/p/{post.pk}/edit/", True, LOGIN, 403),
    "revisions": Surface(lambda post: f"/p/{post.pk}/revisions/", True, LOGIN, 403),
}


def check_surfaces(client, post, viewer: str, *, may_read: bool, visitor: bool = False) -> None:
    """Every surface of `post` as `viewer` (logged in on `client`, or a visitor) gets it: for one who may read
    the post, each page whole with the post's text where it shows; for one who may not, exactly the status
    due, and the post's text nowhere."""
    leaks = []
    for where, surface in SURFACES.items():
        expected = 200 if may_read else surface.visitor if visitor else surface.refused
        content = outcome(client.get(surface.url(post)), expected, f"{where} for {viewer}")
        if expected == 200 and surface.marker is not None:
            assert surface.marker(post) in content, f"{where} for {viewer}: not the page, no {surface.marker(post)!r}"
        if may_read:
            assert SECRET in content or not surface.shows_text, f"{where} for {viewer}: the post is missing"
        elif SECRET in content:
            leaks.append(where)
    assert not leaks, f"the post's text shows to {viewer} on: {', '.join(leaks)}"


@pytest.mark.parametrize(("state", "viewer"), CANNOT_READ)
def test_a_moderated_posts_text_shows_nowhere(client, state, viewer, topic, bob, moderator, board_mod, pastry_mod,
                                              admin_user):
    # anonymous visitors may have the topic page cached from before the post was moderated
    client.get(topic.get_absolute_url())
    post = make_state(state, topic, bob, moderator)
    user = {"anonymous": None, "reader": UserFactory(username="reader"), "pastry_mod": pastry_mod,
            "author": post.author, "board_mod": board_mod, "global_mod": fresh(moderator)}[viewer]
    check_surfaces(login(client, user), post, f"{viewer} ({state} post)", may_read=False, visitor=user is None)
    # The same pages work: whoever may read the post (an admin, once it is deleted) reads it there. Checked
    # second, so that no page this reader fills a cache with can replace a stale copy the viewer would get.
    reader = admin_user if state == "deleted" else board_mod
    check_surfaces(login(client, reader), post, f"{reader.username} ({state} post)", may_read=True)


class BrokenPage:
    """A test client on which one page answers `status` to everyone, as a page broken for everyone would."""

    def __init__(self, client, path: str, status: int):
        self.client, self.path, self.status = client, path, status

    def get(self, url, *args, **kwargs):
        if urlsplit(url).path == self.path:
            return HttpResponse("<h1>Something went wrong</h1>", status=self.status)
        return self.client.get(url, *args, **kwargs)


@pytest.mark.parametrize("status", [403, 404])
def test_outcome_fails_for_a_403_or_404_where_a_200_is_due(status):
    response = HttpResponse("<h1>Something went wrong</h1>", status=status)
    with pytest.raises(AssertionError, match=f"expected 200, got {status}"):
        outcome(response, 200, "the topic page")
    with pytest.raises(AssertionError, match=f"got {status}"):
        outcome(response, LOGIN, "the reply form")
    assert outcome(response, status, "a refusal") == "<h1>Something went wrong</h1>"
    assert outcome(HttpResponse("<p>Don&#x27;t</p>"), 200, "a page") == "<p>Don't</p>"


@pytest.mark.parametrize("status", [403, 404])
def test_the_leak_check_fails_for_a_surface_broken_for_everyone(client, status, topic, bob, moderator, board_mod):
    post = make_state("hidden", topic, bob, moderator)
    reader = UserFactory(username="reader")
    for surface in SURFACES.values():
        path = urlsplit(surface.url(post)).path
        with pytest.raises(AssertionError, match="for board_mod: expected 200"):
            check_surfaces(BrokenPage(login(client, board_mod), path, status), post, "board_mod", may_read=True)
        if surface.refused == 200:  # where the viewer gets the page, their own check fails too
            with pytest.raises(AssertionError, match="for reader: expected 200"):
                check_surfaces(BrokenPage(login(client, reader), path, status), post, "reader", may_read=False)
    # and on the pages as they are, both checks pass
    check_surfaces(login(client, board_mod), post, "board_mod", may_read=True)
    check_surfaces(login(client, reader), post, "reader", may_read=False)


@pytest.mark.parametrize("state", ["hidden", "held"])
def test_the_author_and_the_boards_moderators_still_read_a_hidden_post(client, state, topic, bob, moderator,
                                                                       board_mod):
    post = make_state(state, topic, bob, moderator)
    for who in (post.author, board_mod, fresh(moderator)):
        login(client, who)
        assert SECRET in outcome(client.get(topic.get_absolute_url()), 200, who.username)


def test_admins_still_read_a_deleted_post(client, topic, bob, moderator, admin_user):
    post = make_state("deleted", topic, bob, moderator)
    login(client, admin_user)
    assert SECRET in outcome(client.get(topic.get_absolute_url()), 200, "the topic page")
    assert post.deleted_at is not None


def test_the_freshness_report_carries_no_moderated_text_or_hidden_topic(board, topic, bob, moderator, admin_user,
                                                                        board_mod):
    User.objects.filter(pk=board_mod.pk).update(board_freshness_reminders=True)
    for state in ("hidden", "deleted"):
        make_state(state, topic, UserFactory(), moderator)
    hidden_topic = make_topic(board=board, author=bob, title=TOPIC_TITLE, body=SECRET)
    services.act_directly(actor=fresh(moderator), action="hide_topic", reason="Scam", topic=hidden_topic)
    newbie = UserFactory(username="newbie", rank=newcomer_rank())
    board_services.topic_create(board=board, author=newbie, title="Held " + TOPIC_TITLE, body=SECRET)
    plans = freshness.plan_reminders(freshness.today() + timedelta(days=30))
    assert plans, "the board should be quiet 30 days on"
    for plan in plans:
        report = str(plan.as_report())
        assert SECRET not in report and TOPIC_TITLE not in report, plan.recipient.username
    admin_client = Client()
    admin_client.force_login(admin_user)
    overview = outcome(admin_client.get("/freshness/"), 200, "the freshness page")
    assert f"{board.name}</" in overview, "the freshness page does not list the board"
    assert TOPIC_TITLE not in overview and SECRET not in overview


def test_a_hidden_post_is_not_the_board_index_text(client, board, topic, bob, moderator):
    make_state("hidden", topic, bob, moderator)
    login(client, UserFactory(username="reader"))
    content = outcome(client.get("/"), 200, "the board index")
    assert board.description in content, "the board index does not list the board"
    assert SECRET not in content


# --- hidden topics ---------------------------------------------------------------------------------


@pytest.fixture
def replier(db):
    return UserFactory(username="replier")


def hidden_topic(how: str, board, bob, replier, moderator) -> object:
    if how == "held":
        author = UserFactory(username="newbie", rank=newcomer_rank())
        topic = board_services.topic_create(board=board, author=author, title=TOPIC_TITLE, body=SECRET)
        assert topic.is_hidden
        return topic
    topic = make_topic(board=board, author=bob, title=TOPIC_TITLE, body=SECRET)
    make_post(topic=topic, author=replier, body=f"Reply to {TOPIC_TITLE}")
    if how == "by case":
        services.report_create(reporter=UserFactory(), kind="topic", reason="spam", topic=topic)
        services.case_act(case=Case.objects.get(topic=topic), actor=fresh(moderator), action="hide_topic",
                          reason="Scam")
    else:
        services.act_directly(actor=fresh(moderator), action="hide_topic", reason="Scam", topic=topic)
    topic.refresh_from_db()
    assert topic.is_hidden
    return topic


@pytest.mark.parametrize("how", ["by case", "directly", "held"])
@pytest.mark.parametrize("viewer", ["anonymous", "reader", "pastry_mod"])
def test_a_hidden_topic_appears_on_no_list(client, how, viewer, board, bob, replier, moderator, pastry_mod,
                                           board_mod):
    earlier = make_topic(board=board, author=UserFactory(), title="An older visible topic")
    # visitors may have the board page cached from before
    client.get(f"/b/{board.slug}/")
    client.get("/")
    topic = hidden_topic(how, board, bob, replier, moderator)
    user = {"anonymous": None, "reader": UserFactory(username="reader"), "pastry_mod": pastry_mod}[viewer]
    login(client, user)
    places = {  # each list, and what it shows whoever looks
        "board page": (f"/b/{board.slug}/", "An older visible topic"),
        "board index": ("/", board.description),
        "author's profile": (f"/u/{topic.author.username}/", f"<h1>{topic.author.username}"),
        "replier's profile": (f"/u/{replier.username}/", f"<h1>{replier.username}"),
        "members list": ("/members/", f'<tr><td><a href="/u/{replier.username}/">'),
        "members list by posts": ("/members/?sort=posts", f'<tr><td><a href="/u/{replier.username}/">'),
    }
    leaks = []
    for where, (url, marker) in places.items():
        content = outcome(client.get(url), 200, f"{where} for {viewer}")
        assert marker in content, f"{where} for {viewer}: not the page, no {marker!r}"
        if TOPIC_TITLE in content:
            leaks.append(where)
    assert not leaks, f"the hidden topic ({how}) shows to {viewer} on: {', '.join(leaks)}"
    forms = LOGIN if viewer == "anonymous" else 404
    own_pages = {topic.get_absolute_url(): 404, f"/t/{topic.pk}/": 404, f"/p/{topic.first_post_id}/": 404,
                 f"/t/{topic.pk}/reply/": forms, f"/report/topic/{topic.pk}/": forms}
    for url, expected in own_pages.items():
        assert TOPIC_TITLE not in outcome(client.get(url), expected, f"{url} for {viewer}")
    board.refresh_from_db()
    assert board.last_post_id == earlier.last_post_id
    # the topic's own pages work for the board's moderators
    login(client, board_mod)
    for url in (topic.get_absolute_url(), f"/t/{topic.pk}/reply/", f"/report/topic/{topic.pk}/"):
        assert TOPIC_TITLE in outcome(client.get(url), 200, f"{url} for board_mod")
    for url, status in ((f"/t/{topic.pk}/", 301), (f"/p/{topic.first_post_id}/", 302)):
        response = client.get(url)
        assert response.status_code == status, (url, response.status_code)
        assert response["Location"].startswith(topic.get_absolute_url()), (url, response["Location"])


def test_a_hidden_topic_leaves_the_board_counts(board, bob, replier, moderator):
    make_topic(board=board, author=UserFactory(), title="Visible")
    board.refresh_from_db()
    before = (board.topic_count, board.post_count)
    topic = make_topic(board=board, author=bob, title=TOPIC_TITLE, body=SECRET)
    make_post(topic=topic, author=replier)
    services.act_directly(actor=fresh(moderator), action="hide_topic", reason="Scam", topic=topic)
    board.refresh_from_db()
    assert (board.topic_count, board.post_count) == before
    services.act_directly(actor=fresh(moderator), action="unhide_topic", reason="Fine after all", topic=topic)
    board.refresh_from_db()
    assert (board.topic_count, board.post_count) == (before[0] + 1, before[1] + 2)


# --- suspended and banned members write nothing ------------------------------------------------------


WRITE_PATHS = ["reply", "reply form", "new topic", "new topic form", "edit own post", "like", "report post",
               "report topic", "report member"]
MODERATOR_PATHS = ["edit others' post", "schedule topic", "schedule form", "act on a case", "act on a post"]


def restrict(user: User, state: str) -> User:
    if state == "suspended":
        User.objects.filter(pk=user.pk).update(suspended_until=timezone.now() + timedelta(days=3))
    else:
        User.objects.filter(pk=user.pk).update(is_banned=True)
    return fresh(user)


def snapshot():
    return (Post.objects.count(), PostLike.objects.count(), Report.objects.count(), ScheduledTopic.objects.count(),
            list(Post.objects.order_by("pk").values_list("body", flat=True)),
            list(Case.objects.order_by("pk").values_list("state", flat=True)))


ROLE_PATHS = [("member", path) for path in WRITE_PATHS] + [
    ("board moderator", path) for path in WRITE_PATHS + MODERATOR_PATHS]


@pytest.mark.parametrize("state", ["suspended", "banned"])
@pytest.mark.parametrize(("role", "path"), ROLE_PATHS)
def test_suspended_and_banned_members_are_refused(client, state, role, path, board, topic, bob):
    user = UserFactory(username="writer")
    own = make_post(topic=topic, author=user, body="My own words.")
    if role == "board moderator":
        BoardModerator.objects.create(board=board, member=user)
    others = make_post(topic=topic, author=bob, body="Bob's words.")
    services.report_create(reporter=UserFactory(), kind="post", reason="spam", post=others)
    case = Case.objects.get(post=others)
    user = restrict(user, state)
    login(client, user)
    before = snapshot()
    publish_at = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    requests = {
        "reply": lambda: client.post(f"/t/{topic.pk}/reply/", {"body": "Let me explain."}),
        "reply form": lambda: client.get(f"/t/{topic.pk}/reply/"),
        "new topic": lambda: client.post(f"/b/{board.slug}/new/", {"title": "Hello", "body": "Hello."}),
        "new topic form": lambda: client.get(f"/b/{board.slug}/new/"),
        "edit own post": lambda: client.post(f"/p/{own.pk}/edit/", {"body": "Rewritten."}),
        "like": lambda: client.post(f"/p/{others.pk}/like/", {"action": "like"}),
        "report post": lambda: client.post(f"/report/post/{others.pk}/", {"reason": "spam"}),
        "report topic": lambda: client.post(f"/report/topic/{topic.pk}/", {"reason": "spam"}),
        "report member": lambda: client.post(f"/report/member/{bob.username}/", {"reason": "spam"}),
        "edit others' post": lambda: client.post(f"/p/{others.pk}/edit/", {"body": "Rewritten by a mod."}),
        "schedule topic": lambda: client.post("/seed/new/", {"board": board.pk, "title": "Seed", "body": "Seed.",
                                                             "publish_at": publish_at}),
        "schedule form": lambda: client.get("/seed/new/"),
        "act on a case": lambda: client.post(f"/mod/case/{case.pk}/act/", {"action": "hide", "reason": "x"}),
        "act on a post": lambda: client.post(f"/mod/post/{own.pk}/act/", {"action": "hide", "reason": "x"}),
    }
    response = requests[path]()
    assert response.status_code == 403, f"{state} {role}: {path} answered {response.status_code}"
    assert snapshot() == before, f"{state} {role}: {path} changed something"
    # and they can still read
    assert client.get(topic.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("state", ["suspended", "banned"])
def test_the_topic_page_offers_no_write_controls_to_a_refused_member(client, state, topic, bob):
    others = make_post(topic=topic, author=bob, body="Bob's words.")
    user = restrict(UserFactory(username="writer"), state)
    login(client, user)
    content = outcome(client.get(topic.get_absolute_url()), 200, f"the topic page for a {state} member")
    assert 'action="/t/' not in content  # no reply form
    assert f'action="/p/{others.pk}/like/"' not in content
    assert ("suspended until" if state == "suspended" else "banned") in content


@pytest.mark.parametrize("state", ["suspended", "banned"])
def test_the_services_refuse_them_too(state, board, topic, bob):
    from django.core.exceptions import PermissionDenied

    user = restrict(UserFactory(username="writer"), state)
    others = make_post(topic=topic, author=bob, body="Bob's words.")
    calls = [
        lambda: board_services.post_create(topic=topic, author=user, body="x"),
        lambda: board_services.topic_create(board=board, author=user, title="x", body="x"),
        lambda: board_services.post_like(member=user, post=others),
        lambda: services.report_create(reporter=user, kind="post", reason="spam", post=others),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()
    assert not Report.objects.exists() and not PostLike.objects.exists()


@pytest.mark.parametrize("state", ["suspended", "banned"])
def test_a_refused_moderators_scheduled_topic_is_not_published(state, board):
    from boards.models import Topic

    mod = UserFactory(username="seeder")
    BoardModerator.objects.create(board=board, member=mod)
    item = board_services.scheduled_topic_create(author=fresh(mod), board=board, title="Seed", body="Seed.",
                                                 publish_at=timezone.now() + timedelta(minutes=5))
    restrict(mod, state)
    ScheduledTopic.objects.filter(pk=item.pk).update(publish_at=timezone.now() - timedelta(minutes=1))
    board_services.scheduled_topics_publish_due()
    item.refresh_from_db()
    assert item.published_at is None and item.last_error
    assert not Topic.objects.filter(title="Seed").exists()
