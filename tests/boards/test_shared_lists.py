"""The post and topic lists are rendered once per viewer class and shared through the cache
(boards/fragments.py, forum/fragments.py). Each test fills the cache as one viewer and then reads the same
page as another: nothing a moderator, an admin or an author may see reaches anyone else through a shared
list, a CSRF token is never shared, and every member still gets their own controls and tags (likes, edit,
report, New/Unread) from the one list. Every "is not there" is paired with a viewer who does get it."""
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from boards import services
from boards.models import Board
from moderation import services as moderation
from notifications.models import TopicWatch
from tests.factories import BoardFactory, UserFactory, fresh, make_post, make_topic, rank_at
from tests.helpers import page, page_of

pytestmark = pytest.mark.django_db

SECRET = "Zebra-striped sourdough secret"
HELD_NOTE = "only you and the moderators see it"
DECISION = "A moderator usually decides"


@pytest.fixture
def bob(db):
    return UserFactory(username="bob")


@pytest.fixture
def carol(db):
    return UserFactory(username="carol")


@pytest.fixture
def thread(board, member, bob):
    """alice's topic with a reply by bob."""
    topic = make_topic(board=board, author=member, title="Starter schedules", body="How often do you feed?")
    make_post(topic=topic, author=bob, body="Twice a day.")
    return topic


def post_list(response) -> str:
    """The topic page's list of posts, entities unescaped."""
    text = page(response)
    return text[text.index('<div class="posts">'):text.index('<section class="reply-box"')]


def loads_the_posts(client, url) -> bool:
    """Whether viewing `url` ran the posts' query (False: the list came from the cache)."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return any('"boards_post"."position" <=' in q["sql"] for q in queries.captured_queries)


def hide(post, moderator, action="hide"):
    moderation.act_directly(actor=fresh(moderator), action=action, reason="Moderated", post=post)


# --- what only some may see --------------------------------------------------------------------------------------


@pytest.mark.parametrize("staff", ["global moderator", "board moderator", "admin"])
def test_a_moderators_list_is_never_a_members(client, thread, bob, carol, moderator, board_mod, admin_user,
                                             pastry_mod, staff):
    """A moderator's list shows hidden posts and the moderation forms; read first by them, the cache must
    give members, a moderator of another board and visitors the list of their own class."""
    secret = make_post(topic=thread, author=bob, body=SECRET)
    hide(secret, moderator)
    url = thread.get_absolute_url()
    reader = {"global moderator": moderator, "board moderator": board_mod, "admin": admin_user}[staff]

    staff_list = post_list(page_of(client, reader, url))
    assert SECRET in staff_list and f'action="/mod/post/{secret.pk}/act/"' in staff_list
    assert "<summary>Moderate</summary>" in staff_list

    for who, viewer in {"member": carol, "the post's author": bob, "another board's moderator": pastry_mod,
                        "visitor": None}.items():
        shown = post_list(page_of(client, viewer, url))
        assert "/mod/post/" not in shown and "<summary>Moderate</summary>" not in shown, who
        assert f'id="p{secret.pk}"' in shown, who  # the post keeps its place
        assert (SECRET in shown) == (viewer == bob), who  # its author still reads it


def test_a_deleted_post_shown_to_an_admin_is_not_shown_to_a_moderator_after(client, thread, bob, carol,
                                                                           moderator, admin_user):
    secret = make_post(topic=thread, author=bob, body=SECRET)
    hide(secret, admin_user, action="delete")
    url = thread.get_absolute_url()

    assert SECRET in post_list(page_of(client, admin_user, url))
    for who, viewer in {"global moderator": moderator, "author": bob, "member": carol}.items():
        shown = post_list(page_of(client, viewer, url))
        assert SECRET not in shown and "This post was deleted by a moderator." in shown, who


def test_a_held_post_read_by_its_author_first_is_not_shown_to_another_member(client, thread, newbie, carol):
    held = services.post_create(topic=thread, author=newbie, body=SECRET)
    assert held.is_awaiting_approval
    url = thread.get_absolute_url()

    own = post_list(page_of(client, newbie, url))
    assert SECRET in own and HELD_NOTE in own and DECISION in own

    other = post_list(page_of(client, carol, url))
    assert SECRET not in other and HELD_NOTE not in other and DECISION not in other
    assert f'id="p{held.pk}"' in other

    again = post_list(page_of(client, newbie, url))  # after the member's list was cached
    assert SECRET in again and DECISION in again


def test_a_hidden_post_is_still_read_by_its_author_after_others_filled_the_cache(client, thread, bob, carol,
                                                                                moderator):
    secret = make_post(topic=thread, author=bob, body=SECRET)
    hide(secret, moderator)
    url = thread.get_absolute_url()

    assert SECRET not in post_list(page_of(client, carol, url))
    assert SECRET in post_list(page_of(client, bob, url))
    assert SECRET not in post_list(page_of(client, carol, url))


# --- language, time zone, changes ----------------------------------------------------------------------------------


def test_each_language_gets_its_own_list(client, thread, carol):
    url = thread.get_absolute_url()
    client.force_login(carol)

    zh = post_list(client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans"))
    en = post_list(client.get(url, HTTP_ACCEPT_LANGUAGE="en"))
    zh_again = post_list(client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans"))

    assert 'title="此帖子的链接"' in zh and ">引用</a>" in zh and "Link to this post" not in zh
    assert 'title="Link to this post"' in en and ">Quote</a>" in en and "此帖子的链接" not in en
    assert without_tokens(zh_again) == without_tokens(zh)


def without_tokens(html: str) -> str:
    """The CSRF token is masked afresh for every response."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_each_time_zone_gets_its_own_list(client, thread, carol):
    url = thread.get_absolute_url()
    shanghai = UserFactory(username="mei", timezone="Asia/Shanghai")

    site = post_list(page_of(client, carol, url))
    local = post_list(page_of(client, shanghai, url))

    assert re.search(r'<time [^>]*title="[\d-]+ [\d:]+ UTC"', site)
    assert re.search(r'<time [^>]*title="[\d-]+ [\d:]+ CST"', local) and " UTC\"" not in local


def test_a_like_or_an_edit_shows_at_once(client, thread, bob, carol):
    reply = thread.posts.get(author=bob)
    url = thread.get_absolute_url()
    assert "like-count" not in post_list(page_of(client, carol, url))

    services.post_like(member=carol, post=reply)
    services.post_edit(post=reply, editor=bob, body="Three times a day in summer.")

    likers_view = post_list(page_of(client, carol, url))
    assert "Three times a day in summer." in likers_view and "Twice a day." not in likers_view
    assert 'aria-pressed="true"' in likers_view and '<span class="like-count">1</span>' in likers_view
    others_view = post_list(page_of(client, UserFactory(username="dave"), url))
    assert 'aria-pressed="true"' not in others_view and '<span class="like-count">1</span>' in others_view


# --- each member's own controls from one list ----------------------------------------------------------------------


def test_members_get_their_own_controls_from_one_cached_list(client, thread, member, bob, carol):
    """alice wrote the first post, bob the reply: each may edit their own and like and report the other's;
    the second and third readers get the list the first one's request rendered."""
    first, reply = thread.posts.order_by("position")
    url = thread.get_absolute_url()

    assert loads_the_posts(login_as(client, carol), url)
    for viewer, own, others in ((member, first, reply), (bob, reply, first)):
        assert not loads_the_posts(login_as(client, viewer), url)
        shown = post_list(client.get(url))
        assert f'href="/p/{own.pk}/edit/"' in shown and f'href="/p/{others.pk}/edit/"' not in shown
        assert f'action="/p/{others.pk}/like/"' in shown and f'action="/p/{own.pk}/like/"' not in shown
        assert f"/report/post/{others.pk}/" in shown and f"/report/post/{own.pk}/" not in shown
        assert f"?quote={own.pk}" in shown and f"?quote={others.pk}" in shown
    carols = post_list(page_of(client, carol, url))
    assert "/edit/" not in carols and carols.count('class="link-button like-button"') == 2


def login_as(client, user):
    client.force_login(user)
    return client


def test_a_member_who_may_not_write_gets_no_controls_from_the_shared_list(client, thread, carol, bob):
    url = thread.get_absolute_url()
    assert "like-button" in post_list(page_of(client, carol, url))
    bob.is_banned = True
    bob.save(update_fields=["is_banned"])

    shown = post_list(page_of(client, bob, url))

    assert "like-button" not in shown and "/report/" not in shown and "?quote=" not in shown


def test_no_csrf_token_is_shared(client, thread, bob, moderator):
    """The forms of a cached list (a moderator's) carry a stand-in in the cache and each request's own token
    on the page; a token from the page works."""
    secret = make_post(topic=thread, author=bob, body=SECRET)
    hide(secret, moderator)
    url = thread.get_absolute_url()
    tokens = []
    for viewer in (moderator, UserFactory(username="mod2", is_global_moderator=True)):
        strict = Client(enforce_csrf_checks=True)
        strict.force_login(viewer)
        shown = post_list(strict.get(url))
        found = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', shown))
        assert found and not any(token.endswith("-csrf") for token in found)
        tokens.append((strict, found))
    strict, found = tokens[1]
    response = strict.post(f"/mod/post/{secret.pk}/act/", {"action": "unhide", "reason": "Fine after all",
                                                           "csrfmiddlewaretoken": next(iter(found))})
    assert response.status_code == 302

    stored = [value for key in cache._cache.get_client().keys("*lists:posts:*")
              if (value := cache.get(key.decode().split(":", 2)[-1]))]
    assert stored
    for _nonce, html in stored:
        assert set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)) <= {f"{_nonce}-csrf"}


def test_a_slot_written_in_a_post_stays_text(client, thread, bob, carol):
    """Slots are marked with a nonce drawn for each render: text that looks like one is not filled."""
    make_post(topic=thread, author=bob, body="Look: `<!--0123abcd:post:1:2:0:0:0:-:-:0-->`")
    url = thread.get_absolute_url()

    for viewer in (carol, carol, None):  # rendering the list, then from the cache, then a visitor's
        raw = page_of(client, viewer, url).content.decode()
        assert "<code>&lt;!--0123abcd:post:1:2:0:0:0:-:-:0--&gt;</code>" in raw
        assert raw.count('<ul class="post-actions">') == 3


# --- the board page ------------------------------------------------------------------------------------------------


def test_new_and_unread_tags_are_each_members_own_from_one_cached_list(client, board, member, bob, carol):
    read_it = make_topic(board=board, author=bob, title="Read by alice")
    never = make_topic(board=board, author=bob, title="Opened by nobody")
    page_of(client, member, read_it.get_absolute_url())
    make_post(topic=read_it, author=bob, body="Something new.")  # now unread for alice
    url = board.get_absolute_url()

    visitor = page(page_of(client, None, url))
    assert "Read by alice" in visitor and 'class="tag new"' not in visitor and "tag unread" not in visitor

    alices = page(page_of(client, member, url))
    carols = page(page_of(client, carol, url))

    assert f'href="/t/{read_it.pk}/unread/"' in alices and alices.count('class="tag new"') == 1
    assert "tag unread" not in carols and carols.count('class="tag new"') == 2
    assert f'href="/t/{never.pk}/unread/"' not in alices


# --- boards by rank ------------------------------------------------------------------------------------------------


def test_lists_read_first_by_those_at_a_boards_rank_show_it_to_nobody_below(client, board, admin_user):
    """The index is cached per set of boards a viewer may see (boards.permissions.board_visibility_key); a
    board's own lists are only ever served to those who may open it; forum-wide pins stay out of the cache."""
    lounge = BoardFactory(name="Back room", slug="back-room")
    regular, member = UserFactory(username="regular", rank=rank_at(2)), UserFactory(username="plain", rank=rank_at(1))
    secret_topic = make_topic(board=lounge, author=regular, title="Quince bake-off plans", body=SECRET)
    Board.objects.filter(pk=lounge.pk).update(view_rank=rank_at(2), version=lounge.version + 1)
    moderation.act_directly(actor=fresh(admin_user), action="pin", scope="forum", reason="For all who may",
                            topic=secret_topic)
    make_topic(board=board, author=member, title="Rye question")
    urls = ["/", board.get_absolute_url()]

    assert "Back room" in page(page_of(client, regular, "/"))
    assert "Quince bake-off plans" in page(page_of(client, regular, board.get_absolute_url()))  # a forum-wide pin
    assert page_of(client, regular, secret_topic.get_absolute_url()).status_code == 200

    for who, viewer in {"member below the rank": member, "visitor": None}.items():
        for url in urls:
            shown = page(page_of(client, viewer, url))
            assert "Back room" not in shown and "Quince bake-off plans" not in shown, (who, url)
        assert page_of(client, viewer, secret_topic.get_absolute_url()).status_code in (302, 404), who


def test_each_members_watch_form_shows_their_own_level_in_their_language(client, thread, carol):
    """The watch form is put together once per level and language: it still shows each member's level, in
    their language, with their own CSRF token."""
    TopicWatch.objects.create(member=carol, topic=thread, level=TopicWatch.Level.WATCHING)
    url = thread.get_absolute_url()

    carols = page(page_of(client, carol, url))
    bobs = page(page_of(client, UserFactory(username="dave"), url))  # (bob replied: he watches the topic)
    bobs_zh = page(client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans"))

    assert '<option value="watching" selected>' in carols and '<option value="normal" selected>' in bobs
    assert f'action="/t/{thread.pk}/watch/"' in carols and ">Follow this topic</label>" in bobs
    assert ">关注此主题</label>" in bobs_zh and '<option value="normal" selected>' in bobs_zh
    token = re.search(r'class="watch-form"><input type="hidden" name="csrfmiddlewaretoken" value="([^"]+)"', bobs)
    assert token and len(token[1]) == 64
