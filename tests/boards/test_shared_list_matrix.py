"""The topic page's shared post list (boards/fragments.py) against every kind of viewer and every state a post
can be in, whoever filled the cache: for each state, each viewer in turn renders the list first (the cache
emptied before), then every viewer reads the page, from the cache or as their own list. One oracle
(`expected`) says what each viewer must see of the post, with the rules the list was built on before it was
shared (boards.permissions: can_see_post_body, can_edit; members.permissions: write_refusal): its text, the
moderation forms, the admin's deleted-post note, the held post's note to its author, and the viewer's own
controls (like, report, edit). Nothing another viewer's render put in the cache may show, and nothing a
viewer is due may be missing."""
import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from boards import permissions
from boards import services as board_services
from moderation import services as moderation
from tests.factories import (
    BoardFactory,
    UserFactory,
    fresh,
    make_board_moderator,
    make_post,
    make_topic,
    rank_at,
)
from tests.helpers import page

pytestmark = pytest.mark.django_db

SECRET = "Zebra-striped sourdough secret"
REASON = "Off-topic rant, moved along"
STATES = ["open", "hidden", "held", "deleted"]
VIEWERS = ["visitor", "member", "suspended", "author", "other_mod", "board_mod", "global_mod", "admin"]
MODERATORS = {"board_mod", "global_mod", "admin"}  # of the topic's board
WRITERS = {"member", "author", "other_mod", "board_mod", "global_mod", "admin"}  # may like, report, edit
SEEN = ["body", "reason", "moderate", "approve", "admin_note", "author_note", "like", "report"]


def expected(viewer: str, state: str) -> dict[str, bool]:
    """What `viewer` sees of a reply in `state` (its author is "author")."""
    moderator, author = viewer in MODERATORS, viewer == "author"
    body = {"open": True, "hidden": moderator or author, "held": moderator or author,
            "deleted": viewer == "admin"}[state]
    return {
        "body": body,
        "reason": body and state in ("hidden", "deleted"),  # the moderator's reason, beside the text
        "moderate": moderator and state != "held",  # the Moderate menu (hide, delete, restore)
        "approve": moderator and state == "held",
        "admin_note": viewer == "admin" and state == "deleted",
        "author_note": author and state == "held",  # when to expect a moderator's decision
        "like": viewer in WRITERS and not author and state == "open",
        "report": viewer in WRITERS and not author and body,
    }


def seen(article: str, post) -> dict[str, bool]:
    return {
        "body": SECRET in article,
        "reason": REASON in article,
        "moderate": f'action="/mod/post/{post.pk}/act/"' in article,
        "approve": f'action="/p/{post.pk}/approve/"' in article,
        "admin_note": "Deleted (only admins see it)." in article,
        "author_note": "A moderator usually decides" in article,
        "like": f'action="/p/{post.pk}/like/"' in article,
        "report": f'href="/report/post/{post.pk}/"' in article,
    }


@pytest.fixture
def world(board, bob, newbie, member, pastry_mod, board_mod, moderator, admin_user):
    suspended = UserFactory(username="sus", suspended_until=timezone.now() + timedelta(days=3))
    topic = make_topic(board=board, author=member, title="Starter schedules", body="How often do you feed?")
    users = {"visitor": None, "member": UserFactory(username="carol"), "suspended": suspended,
             "other_mod": pastry_mod, "board_mod": board_mod, "global_mod": moderator, "admin": admin_user}
    return topic, users, bob, newbie


def make_state(state: str, topic, bob, newbie, admin_user):
    """A reply whose text is SECRET, in `state`; and its author."""
    if state == "held":
        post = board_services.post_create(topic=topic, author=newbie, body=SECRET)
        assert post.is_awaiting_approval
        return post, newbie
    post = make_post(topic=topic, author=bob, body=SECRET)
    if state != "open":
        moderation.act_directly(actor=fresh(admin_user), action={"hidden": "hide", "deleted": "delete"}[state],
                                reason=REASON, post=post)
        post.refresh_from_db()
    return post, bob


def article_of(response, post) -> str:
    assert response.status_code == 200
    text = page(response)
    start = text.index(f'id="p{post.pk}"')
    return text[start:text.index("</article>", start)]


def read(users, viewer, url):
    client = Client()
    if users[viewer] is not None:
        client.force_login(users[viewer])
    return client.get(url)


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("first", VIEWERS)
def test_the_shared_post_list_matrix(world, admin_user, state, first):
    topic, users, bob, newbie = world
    post, author = make_state(state, topic, bob, newbie, admin_user)
    users = {**users, "author": author}
    url = topic.get_absolute_url()
    cache.clear()
    read(users, first, url)  # this viewer's class list is the one in the cache

    wrong = {}
    for viewer in VIEWERS:
        response = read(users, viewer, url)
        raw = response.content.decode()
        assert not re.search(r"<!--[0-9a-f]{16}:|[0-9a-f]{16}-csrf", raw), f"{viewer}: a slot left unfilled"
        got, due = seen(article_of(response, post), post), expected(viewer, state)
        edit = f'href="/p/{post.pk}/edit/"' in raw
        may_edit = users[viewer] is not None and permissions.can_edit(fresh(users[viewer]), post)
        if got != due or edit != may_edit:
            wrong[viewer] = {key: got[key] for key in SEEN if got[key] != due[key]} | (
                {"edit": edit} if edit != may_edit else {})
    assert not wrong, f"{state} post, list first rendered for {first}: {wrong}"


def test_the_oracle_is_not_trivial():
    """Each thing shown is shown to some and not to others, and the viewers fall into five kinds (a visitor and a
    suspended member see alike, as do a member and another board's moderator, and two moderators of the
    board)."""
    table = {(viewer, state): expected(viewer, state) for viewer in VIEWERS for state in STATES}
    for key in SEEN:
        assert {row[key] for row in table.values()} == {True, False}, key
    assert len({tuple(tuple(table[v, s].values()) for s in STATES) for v in VIEWERS}) == 5


# --- the lists of boards: the index and the forum-wide pins, cached per set of boards a viewer may see ----------

LOUNGE, LOUNGE_PIN = "Regulars' lounge", "Plans for the quince bake-off"
LIST_VIEWERS = {  # viewer -> whether they may see the lounge (its rank to read is Regular, order 2)
    "visitor": False, "unranked": False, "newcomer": False, "member": False, "banned_member": False,
    "regular": True, "veteran": True, "lounge_mod": True, "other_mod": False, "global_mod": True, "admin": True}


@pytest.fixture
def lists_world(board, pastry, admin_user, moderator):
    lounge = BoardFactory(name=LOUNGE, slug="lounge", view_rank=rank_at(2))
    users = {
        "visitor": None, "unranked": UserFactory(username="unranked", rank=None),
        "newcomer": UserFactory(username="newcomer", rank=rank_at(0)),
        "member": UserFactory(username="member1", rank=rank_at(1)),
        "banned_member": UserFactory(username="banned", rank=rank_at(1), is_banned=True),
        "regular": UserFactory(username="regular", rank=rank_at(2)),
        "veteran": UserFactory(username="veteran", rank=rank_at(3)),
        "lounge_mod": make_board_moderator(lounge, "loungemod"),
        "other_mod": make_board_moderator(pastry, "pastrymod"),
        "global_mod": moderator, "admin": admin_user}
    pinned = make_topic(board=lounge, author=users["regular"], title=LOUNGE_PIN)
    moderation.act_directly(actor=fresh(admin_user), action="pin", scope="forum", reason="For all who may",
                            topic=pinned)
    make_topic(board=board, title="An open question about rye")
    # each list, with what shows on it for everyone (a page broken for everyone shows the lounge to nobody)
    return users, {"/": "All about starters.", board.get_absolute_url(): "An open question about rye",
                   pastry.get_absolute_url(): "<h1>Pastry"}


@pytest.mark.parametrize("first", list(LIST_VIEWERS))
def test_the_lists_of_boards_matrix(lists_world, first):
    """Each viewer in turn fills the index and two boards' pins first; then every viewer reads them."""
    users, urls = lists_world
    cache.clear()
    for url in urls:
        assert read(users, first, url).status_code == 200

    wrong = []
    for viewer, may in LIST_VIEWERS.items():
        for url, marker in urls.items():
            shown = page(read(users, viewer, url))
            assert marker in shown, (viewer, url)
            if (LOUNGE in shown or LOUNGE_PIN in shown) != may:
                wrong.append((viewer, url))
    assert not wrong, f"lists first filled by {first}: {wrong}"


# --- the rule the lists are built on, split in two for them, answers as before ------------------------------------


def body_rule_before_the_split(user, post, *, is_moderator: bool) -> bool:
    """boards.permissions.can_see_post_body as it read before the lists were shared (commit ea24189^1)."""
    if post.deleted_at is not None:
        return permissions.is_admin(user)
    if not (post.is_hidden or post.is_awaiting_approval):
        return True
    return is_moderator or (user.is_authenticated and post.author_id == user.pk)


def test_who_reads_a_posts_text_is_decided_as_before(world, admin_user):
    """can_see_post_body (now class_sees_post_body, plus the author) and the class's answer that the shared list
    shows, against the rule before the split, for every viewer and state; and sees_own_post_apart is true
    exactly where a viewer reads what their class does not."""
    topic, users, bob, newbie = world
    for state in STATES:
        post, author = make_state(state, topic, bob, newbie, admin_user)
        for viewer, user in {**users, "author": author}.items():
            user = AnonymousUser() if user is None else fresh(user)
            moderator = permissions.can_moderate(user, topic.board)
            klass = permissions.viewer_class(user, topic.board)
            before = body_rule_before_the_split(user, post, is_moderator=moderator)
            assert permissions.can_see_post_body(user, post, is_moderator=moderator) == before, (viewer, state)
            for_class = permissions.class_sees_post_body(post, is_moderator=moderator,
                                                         is_admin=klass == permissions.ADMIN_CLASS)
            apart = permissions.sees_own_post_apart(user, post)
            assert (for_class or apart) == before, (viewer, state)
            assert not apart or viewer == "author", (viewer, state)
