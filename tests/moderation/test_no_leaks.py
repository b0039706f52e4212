"""Nothing moderated leaks. Hidden, deleted and held posts never show their text to those who may not read
it, wherever a post's text can appear; hidden topics stay off every list; and suspended or banned members
are refused on every write path, one path at a time."""
import html
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.test import Client
from django.utils import timezone

from boards import freshness
from boards import services as board_services
from boards.models import BoardModerator, Post, PostLike, ScheduledTopic
from members.models import User
from moderation import services
from moderation.models import Case, Report
from tests.factories import UserFactory, fresh, make_post, make_topic, newcomer_rank, rank_at

pytestmark = pytest.mark.django_db

SECRET = "Zebra-striped sourdough secret"
TOPIC_TITLE = "Quarantined thread about scams"


def page(response) -> str:
    if response.status_code in (302, 403, 404):
        return ""
    assert response.status_code == 200, response.status_code
    return html.unescape(response.content.decode())


def login(client, user):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client


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


def surfaces(client, post, author) -> dict[str, str]:
    topic = post.topic
    slug = quote(topic.slug)
    return {
        "topic page": page(client.get(f"/t/{topic.pk}/{slug}/")),
        "anonymous-cached topic page": page(client.get(f"/t/{topic.pk}/{slug}/")),
        "author's profile": page(client.get(f"/u/{author.username}/")),
        "reply form ?quote=": page(client.get(f"/t/{topic.pk}/reply/?quote={post.pk}")),
        "reply form ?to=": page(client.get(f"/t/{topic.pk}/reply/?to={post.pk}")),
        "report form": page(client.get(f"/report/post/{post.pk}/")),
        "board index": page(client.get("/")),
        "board page": page(client.get(f"/b/{topic.board.slug}/")),
        "members list": page(client.get("/members/")),
        "edit form": page(client.get(f"/p/{post.pk}/edit/")),
        "revisions": page(client.get(f"/p/{post.pk}/revisions/")),
    }


@pytest.mark.parametrize(("state", "viewer"), CANNOT_READ)
def test_a_moderated_posts_text_shows_nowhere(client, state, viewer, topic, bob, moderator, board_mod, pastry_mod):
    # anonymous visitors may have the topic page cached from before the post was moderated
    client.get(topic.get_absolute_url())
    post = make_state(state, topic, bob, moderator)
    author = post.author
    user = {"anonymous": None, "reader": UserFactory(username="reader"), "pastry_mod": pastry_mod,
            "author": author, "board_mod": board_mod, "global_mod": fresh(moderator)}[viewer]
    login(client, user)
    leaks = [where for where, content in surfaces(client, post, author).items() if SECRET in content]
    assert not leaks, f"the {state} post's text shows to {viewer} on: {', '.join(leaks)}"


@pytest.mark.parametrize("state", ["hidden", "held"])
def test_the_author_and_the_boards_moderators_still_read_a_hidden_post(client, state, topic, bob, moderator,
                                                                       board_mod):
    post = make_state(state, topic, bob, moderator)
    for who in (post.author, board_mod, fresh(moderator)):
        login(client, who)
        assert SECRET in page(client.get(topic.get_absolute_url())), who.username


def test_admins_still_read_a_deleted_post(client, topic, bob, moderator, admin_user):
    post = make_state("deleted", topic, bob, moderator)
    login(client, admin_user)
    assert SECRET in page(client.get(topic.get_absolute_url()))
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
    overview = page(admin_client.get("/freshness/"))
    assert TOPIC_TITLE not in overview and SECRET not in overview


def test_a_hidden_post_is_not_the_board_index_text(client, board, topic, bob, moderator):
    make_state("hidden", topic, bob, moderator)
    login(client, UserFactory(username="reader"))
    assert SECRET not in page(client.get("/"))


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
def test_a_hidden_topic_appears_on_no_list(client, how, viewer, board, bob, replier, moderator, pastry_mod):
    earlier = make_topic(board=board, author=UserFactory(), title="An older visible topic")
    # visitors may have the board page cached from before
    client.get(f"/b/{board.slug}/")
    client.get("/")
    topic = hidden_topic(how, board, bob, replier, moderator)
    user = {"anonymous": None, "reader": UserFactory(username="reader"), "pastry_mod": pastry_mod}[viewer]
    login(client, user)
    places = {
        "board page": f"/b/{board.slug}/",
        "board index": "/",
        "author's profile": f"/u/{topic.author.username}/",
        "replier's profile": f"/u/{replier.username}/",
        "members list": "/members/",
        "members list by posts": "/members/?sort=posts",
    }
    leaks = [where for where, url in places.items() if TOPIC_TITLE in page(client.get(url))]
    assert not leaks, f"the hidden topic ({how}) shows to {viewer} on: {', '.join(leaks)}"
    for url in (topic.get_absolute_url(), f"/t/{topic.pk}/", f"/p/{topic.first_post_id}/",
                f"/t/{topic.pk}/reply/", f"/report/topic/{topic.pk}/"):
        response = client.get(url)
        assert response.status_code in (302, 404), (url, response.status_code)
        if response.status_code == 302:
            assert "/accounts/login/" in response["Location"], url
    board.refresh_from_db()
    assert "An older visible topic" in page(client.get(f"/b/{board.slug}/"))
    assert board.last_post_id == earlier.last_post_id


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
    content = page(client.get(topic.get_absolute_url()))
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
