"""Boards by rank leak nothing. Every URL of a board's content answers 404 to a member below its rank to
read and to visitors (or sends visitors to log in first, as it does for any URL), and works for the members
who may read it, so that a page answering 404 to everyone fails here too. Every list (the index, a board's
forum-wide pins, 精华, profiles, search, feeds, the sitemap, the notification settings) leaves the board's
name, titles and text out for those below the rank and shows them to those at or above it; fan-out,
likes and the digest tell nobody below the rank anything about it; a visitor's cached copy of the index
does not outlive a board becoming one by rank."""
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.http import HttpResponse
from django.test import Client
from django.utils import timezone

from boards import services as board_services
from boards.models import Board, Topic
from members.models import User
from moderation import services as moderation_services
from notices.models import Notice
from notifications import digest
from notifications.models import BoardWatch, TopicWatch
from tests.factories import BoardFactory, UserFactory, fresh, make_board_moderator, make_post, make_topic, rank_at
from tests.helpers import login
from tests.moderation.test_no_leaks import LOGIN, outcome

pytestmark = pytest.mark.django_db

LOUNGE = "Regulars' lounge"
TITLE = "Plans for the quince bake-off"
SECRET = "Zanzibar quince marmalade 榅桲酱"
REPLY = "Bring the copper pan."
VIEWERS = ["anonymous", "member", "regular", "lounge_mod"]
BELOW = ["anonymous", "member"]


@dataclass
class World:
    lounge: Board
    public: Board
    topic: Topic
    reply: object
    public_topic: Topic
    users: dict


@pytest.fixture
def world(db, admin_user) -> World:
    public = BoardFactory(name="Sourdough", slug="sourdough", description="All about starters.")
    lounge = BoardFactory(name=LOUNGE, slug="lounge", description="A quiet room for the regulars.")
    users = {
        "anonymous": None,
        "member": UserFactory(username="plainmember", rank=rank_at(1)),
        "regular": UserFactory(username="regular", rank=rank_at(2)),
        "regular2": UserFactory(username="regular2", rank=rank_at(2)),
        "lounge_mod": make_board_moderator(lounge, "loungemod"),
        "admin": admin_user,
    }
    public_topic = make_topic(board=public, author=users["member"], title="An open question about rye")
    topic = make_topic(board=lounge, author=users["regular"], title=TITLE, body=SECRET)
    reply = make_post(topic=topic, author=users["regular2"], body=REPLY)
    # what a member below the rank may have had from when the board was open: watches
    BoardWatch.objects.create(member=users["member"], board=lounge, level=BoardWatch.Level.WATCHING)
    TopicWatch.objects.create(member=users["member"], topic=topic, level=TopicWatch.Level.WATCHING)
    BoardWatch.objects.create(member=users["regular"], board=lounge, level=BoardWatch.Level.WATCHING)
    Board.objects.filter(pk=lounge.pk).update(view_rank=rank_at(2), version=lounge.version + 1)
    lounge.refresh_from_db()
    moderation_services.act_directly(actor=fresh(users["lounge_mod"]), action="feature", level=2,
                                     reason="A plan worth reading.", topic=topic)
    moderation_services.act_directly(actor=fresh(admin_user), action="pin", scope="forum",
                                     reason="For everyone who may read it.", topic=topic)
    topic.refresh_from_db()
    assert topic.is_pinned_forum_wide and topic.featured_level == 2
    return World(lounge=lounge, public=public, topic=topic, reply=reply, public_topic=public_topic, users=users)


def client_for(client, world: World, viewer: str) -> Client:
    user = world.users[viewer]
    return login(client, None if user is None else User.objects.get(pk=user.pk))


def hides_everything(content: str) -> bool:
    return LOUNGE not in content and TITLE not in content and SECRET not in content and REPLY not in content


# --- the board's own URLs --------------------------------------------------------------------------------------


def surfaces(world: World) -> dict:
    """Each URL of the lounge's content: (method, url, data, {viewer: what they get})."""
    t, r, b = world.topic, world.reply, world.lounge.slug
    page_ok = {"anonymous": 404, "member": 404, "regular": 200, "lounge_mod": 200}
    form_ok = {**page_ok, "anonymous": LOGIN}
    redirect = {"anonymous": 404, "member": 404, "regular": 302, "lounge_mod": 302}
    write = {**redirect, "anonymous": LOGIN}
    mod_only = {"anonymous": LOGIN, "member": 404, "regular": 403, "lounge_mod": 200}
    return {
        "board page": ("get", f"/b/{b}/", None, page_ok),
        "board's 精华 filter": ("get", f"/b/{b}/?featured=1", None, page_ok),
        "board RSS": ("get", f"/b/{b}/feed.rss", None, page_ok),
        "board Atom": ("get", f"/b/{b}/feed.atom", None, page_ok),
        "new topic form": ("get", f"/b/{b}/new/", None, form_ok),
        "topic page": ("get", t.get_absolute_url(), None, page_ok),
        "topic page 2": ("get", t.get_absolute_url() + "?page=2", None, redirect),
        "topic short URL": ("get", f"/t/{t.pk}/", None, {**redirect, "regular": 301, "lounge_mod": 301}),
        "topic RSS": ("get", f"/t/{t.pk}/feed.rss", None, page_ok),
        "topic Atom": ("get", f"/t/{t.pk}/feed.atom", None, page_ok),
        "first unread": ("get", f"/t/{t.pk}/unread/", None, {**redirect, "anonymous": LOGIN}),
        "reply form": ("get", f"/t/{t.pk}/reply/", None, form_ok),
        "quote form": ("get", f"/t/{t.pk}/reply/?quote={r.pk}", None, form_ok),
        "post permalink": ("get", f"/p/{r.pk}/", None, redirect),
        "post edit": ("get", f"/p/{r.pk}/edit/", None, {**mod_only}),
        "post revisions": ("get", f"/p/{r.pk}/revisions/", None, {**mod_only}),
        "report post": ("get", f"/report/post/{r.pk}/", None, form_ok),
        "report topic": ("get", f"/report/topic/{t.pk}/", None, form_ok),
        "retitle or move": ("get", f"/t/{t.pk}/manage/", None, mod_only),
        "board health": ("get", f"/stats/b/{b}/", None, {**mod_only, "regular": 404}),
        "like": ("post", f"/p/{r.pk}/like/", {"action": "like"}, write),
        "watch topic": ("post", f"/t/{t.pk}/watch/", {"level": "watching"}, write),
        "watch board": ("post", f"/b/{b}/watch/", {"level": "new_topics"}, write),
        "act on the topic": ("post", f"/mod/topic/{t.pk}/act/", {"action": "lock", "reason": "Calm down."},
                             {**write, "regular": 403}),
        "reply": ("post", f"/t/{t.pk}/reply/", {"body": "A reply from outside?"}, write),
        "new topic": ("post", f"/b/{b}/new/", {"title": "From outside", "body": "Hello?"}, write),
    }


@pytest.mark.parametrize("viewer", VIEWERS)
def test_every_url_of_the_board_is_404_below_its_rank_and_works_at_it(client, world, viewer):
    client_for(client, world, viewer)
    for where, (method, url, data, due) in surfaces(world).items():
        response = client.get(url) if method == "get" else client.post(url, data)
        content = outcome(response, due[viewer], f"{where} for {viewer}")
        if viewer in BELOW:
            assert hides_everything(content), f"{where} for {viewer}: the board shows"
        elif due[viewer] == 200 and method == "get" and "feed" not in url and where != "board health":
            assert not hides_everything(content), f"{where} for {viewer}: not the board's page"


def test_the_url_check_fails_for_a_page_broken_for_everyone(client, world):
    """An oracle that wanted 404 everywhere would pass a broken page: the allowed viewers' 200s make sure
    it does not."""
    due = {where: entry[3] for where, entry in surfaces(world).items()}
    assert all(d["regular"] != 404 or where == "board health" for where, d in due.items())
    assert all(d["lounge_mod"] != 404 for d in due.values())
    with pytest.raises(AssertionError, match="expected 200, got 404"):
        outcome(HttpResponse("Not found", status=404), due["board page"]["regular"], "board page")


# --- the lists -----------------------------------------------------------------------------------------------------


def lists(world: World) -> dict:
    """Each list: (url, a marker every viewer's page shows, whether those who may read the board see it there)."""
    word = SECRET.split()[0]
    return {
        "board index": ("/", "All about starters.", True),
        "another board's page (forum-wide pins)": (f"/b/{world.public.slug}/", "An open question about rye", True),
        "精华 page": ("/featured/", "<h1", True),
        "the author's profile": ("/u/regular/", "<h1>regular", True),
        "the replier's profile": ("/u/regular2/", "<h1>regular2", True),
        "the moderator's profile": ("/u/loungemod/", "<h1>loungemod", True),
        "search": (f"/search/?q={word}", "<h1", True),
        "search form's boards": ("/search/", "Sourdough", True),
        "latest topics RSS": ("/feeds/latest.rss", "An open question about rye", True),
        "latest topics Atom": ("/feeds/latest.atom", "An open question about rye", True),
        "sitemap of boards": ("/sitemap-boards.xml", "/b/sourdough/", False),
        "sitemap of topics": ("/sitemap-topics.xml", world.public_topic.get_absolute_url(), False),
        "members list": ("/members/", "regular2", False),
    }


@pytest.mark.parametrize("viewer", VIEWERS)
def test_no_list_shows_the_board_below_its_rank(client, world, viewer):
    client_for(client, world, viewer)
    leaks, missing = [], []
    for where, (url, marker, shown_to_readers) in lists(world).items():
        content = outcome(client.get(url), 200, f"{where} for {viewer}")
        assert marker in content, f"{where} for {viewer}: not the page, no {marker!r}"
        if viewer in BELOW and not hides_everything(content):
            leaks.append(where)
        if viewer not in BELOW and shown_to_readers and LOUNGE not in content and TITLE not in content \
                and SECRET not in content:
            missing.append(where)
    assert not leaks, f"the lounge shows to {viewer} on: {', '.join(leaks)}"
    assert not missing, f"the lounge is missing for {viewer} (who may read it) on: {', '.join(missing)}"


@pytest.mark.parametrize("viewer", ["member", "regular"])
def test_the_notification_settings_list_only_watches_in_boards_one_may_see(client, world, viewer):
    client_for(client, world, viewer)
    content = outcome(client.get("/settings/notifications/"), 200, f"notification settings for {viewer}")
    assert "<h1" in content
    if viewer == "member":
        assert hides_everything(content)
    else:
        assert LOUNGE in content


def test_a_visitors_cached_index_does_not_outlive_the_board_becoming_one_by_rank(client, db):
    """The index's fragment for visitors is keyed by the boards' versions; the admin's change of a board's
    ranks bumps it."""
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    board = BoardFactory(name="Back room", slug="back-room", description="Soon for regulars only.")
    assert "Back room" in outcome(client.get("/"), 200, "the index, cached")
    assert "Back room" in outcome(client.get("/"), 200, "the index, from the cache")
    admin_client = Client()
    admin_client.force_login(admin)
    response = admin_client.post(f"/admin/boards/board/{board.pk}/change/", {
        "name": board.name, "slug": board.slug, "description": board.description, "rules": board.rules,
        "position": 0, "view_rank": rank_at(2).pk, "start_rank": "", "reply_rank": "", "refusal_message": ""})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Board.objects.get(pk=board.pk).view_rank == rank_at(2)
    content = outcome(client.get("/"), 200, "the index after the change")
    assert "Back room" not in content
    assert outcome(client.get("/b/back-room/"), 404, "the board after the change") is not None


# --- notifications and the digest -------------------------------------------------------------------------------


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a block's on-commit callbacks (the fan-out task, eager in tests) as a real commit would."""
    def run(block):
        with django_capture_on_commit_callbacks(execute=True):
            return block()
    return run


def test_a_mention_watch_or_reply_below_the_rank_notifies_nobody(world, committed):
    member, regular = world.users["member"], world.users["regular"]
    before = set(Notice.objects.values_list("pk", flat=True))
    committed(lambda: make_post(topic=world.topic, author=world.users["regular2"],
                                body="@plainmember and @regular, what do you think?"))
    told = Notice.objects.exclude(pk__in=before)
    assert not told.filter(recipient=member).exists(), "a member below the rank heard of the lounge"
    assert told.filter(recipient=regular).exists(), "the regular (mentioned, author, watcher) heard nothing"
    # a topic the member started while the board was open: a reply there tells them nothing either
    Board.objects.filter(pk=world.lounge.pk).update(view_rank=None)
    theirs = make_topic(board=world.lounge, author=member, title="My old question from before")
    Board.objects.filter(pk=world.lounge.pk).update(view_rank=rank_at(2))
    before = set(Notice.objects.values_list("pk", flat=True))
    committed(lambda: make_post(topic=Topic.objects.get(pk=theirs.pk), author=regular, body="An answer, late."))
    assert not Notice.objects.exclude(pk__in=before).filter(recipient=member).exists()


def test_a_like_on_a_post_whose_author_fell_below_the_rank_tells_them_nothing(world):
    member, regular = world.users["member"], world.users["regular"]
    Board.objects.filter(pk=world.lounge.pk).update(view_rank=None)
    post = make_post(topic=world.topic, author=member, body="Written while the lounge was open.")
    Board.objects.filter(pk=world.lounge.pk).update(view_rank=rank_at(2))
    board_services.post_like(member=fresh(regular), post=post)
    assert not Notice.objects.filter(recipient=member, verb="liked").exists()
    board_services.post_like(member=fresh(world.users["lounge_mod"]), post=world.reply)
    assert Notice.objects.filter(recipient=world.users["regular2"], verb="liked").exists()


def test_the_digest_lists_no_topic_from_a_board_below_the_rank(world):
    since = timezone.now() - timedelta(days=1)
    member = User.objects.select_related("rank").get(pk=world.users["member"].pk)
    regular = User.objects.select_related("rank").get(pk=world.users["regular2"].pk)
    BoardWatch.objects.create(member=regular, board=world.lounge, level=BoardWatch.Level.NEW_TOPICS)
    assert digest.popular_new_topics(member, since) == []
    assert [t.title for t in digest.popular_new_topics(regular, since)] == [TITLE]
