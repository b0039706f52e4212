"""Newcomers: their first posts wait for a board moderator, links and images are limited, the approval queue;
and Veterans who retitle and move topics in the boards they are active in."""
import re

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from boards import permissions, services
from boards.models import Board, Post, Topic
from members.models import User
from members.services import visit_record
from moderation import services as moderation_services
from notices.models import Notice
from tests.factories import (
    UserFactory,
    fresh,
    make_post,
    make_topic,
    newcomer_rank,
    rank_at,
    wait_for_fresh_rate_window,
)
from tests.helpers import messages_in, page_of

pytestmark = pytest.mark.django_db

LOGIN_URL = "/accounts/login/"
PLACEHOLDER = "post is waiting for a moderator"  # "A new member's post is waiting for a moderator's approval."
AUTHOR_NOTE = "only you and the moderators see it"
SECRET = "My secret sourdough tip"


def topic_titles(content: str) -> list[str]:
    return re.findall(r'<a class="topic-title" href="[^"]+">([^<]+)</a>', content)


@pytest.fixture
def held_reply(topic, newbie):
    post = services.post_create(topic=topic, author=newbie, body=SECRET)
    assert post.is_awaiting_approval
    return post


@pytest.fixture
def held_topic(board, newbie):
    topic = services.topic_create(board=board, author=newbie, title="Hello from a newcomer", body=SECRET)
    assert topic.is_hidden and topic.first_post.is_awaiting_approval
    return topic


# --- held replies ------------------------------------------------------------------------------------------------


def test_a_newcomers_reply_from_the_page_waits_for_approval(client, newbie, topic):
    client.force_login(newbie)

    response = client.post(f"/t/{topic.pk}/reply/", {"body": SECRET})

    post = Post.objects.get(author=newbie)
    assert response.status_code == 302
    assert response["Location"].endswith(f"#p{post.pk}")
    assert post.is_awaiting_approval and post.position == 2
    assert Topic.objects.get(pk=topic.pk).post_count == 2


def test_a_held_reply_shows_a_placeholder_to_all_but_its_author_and_moderators(client, held_reply, newbie, board_mod,
                                                                               pastry_mod, moderator):
    url = held_reply.topic.get_absolute_url()
    others = {"visitor": None, "member": UserFactory(username="bob"), "other board's moderator": pastry_mod}
    for who, user in others.items():
        content = page_of(client, user, url).content.decode()
        assert SECRET not in content, who
        assert PLACEHOLDER in content, who
        assert f'id="p{held_reply.pk}"' in content, who  # it holds its place in the topic

    for who, user in {"author": newbie, "board moderator": board_mod, "global moderator": moderator}.items():
        content = page_of(client, user, url).content.decode()
        assert SECRET in content, who
        assert AUTHOR_NOTE in content, who
    assert f'action="/p/{held_reply.pk}/approve/"' in page_of(client, board_mod, url).content.decode()
    assert f'action="/p/{held_reply.pk}/approve/"' not in page_of(client, newbie, url).content.decode()


# --- held topics -------------------------------------------------------------------------------------------------


def test_a_newcomers_new_topic_from_the_page_is_held(client, newbie, board):
    client.force_login(newbie)

    response = client.post("/b/sourdough/new/", {"title": "Hello from a newcomer", "body": SECRET})

    topic = Topic.objects.get(author=newbie)
    assert response.status_code == 302 and response["Location"] == topic.get_absolute_url()
    assert topic.is_hidden and topic.first_post.is_awaiting_approval
    author_view = client.get(topic.get_absolute_url())
    assert author_view.status_code == 200 and SECRET in author_view.content.decode()


def test_a_held_topic_is_off_the_board_until_approved(client, board, held_topic, newbie, board_mod):
    board.refresh_from_db()
    assert (board.topic_count, board.post_count, board.last_post_id) == (0, 0, None)
    for user in (None, UserFactory(username="bob")):
        response = page_of(client, user, "/b/sourdough/")
        assert "Hello from a newcomer" not in response.content.decode()
        assert page_of(client, user, held_topic.get_absolute_url()).status_code == 404
    assert page_of(client, board_mod, held_topic.get_absolute_url()).status_code == 200


def test_approving_a_held_topic_publishes_it(client, board, held_topic, newbie, board_mod):
    client.get("/b/sourdough/")  # a visitor's cached board page, from before

    moderation_services.post_approve(post=held_topic.first_post, moderator=board_mod)

    topic = Topic.objects.get(pk=held_topic.pk)
    assert not topic.is_hidden and not topic.first_post.is_awaiting_approval
    board.refresh_from_db()
    assert (board.topic_count, board.post_count, board.last_post_id) == (1, 1, topic.first_post_id)
    assert User.objects.get(pk=newbie.pk).approved_posts == 1
    assert Notice.objects.filter(recipient=newbie, title__contains="Hello from a newcomer").exists()
    assert topic_titles(client.get("/b/sourdough/").content.decode()) == ["Hello from a newcomer"]
    assert SECRET in client.get(topic.get_absolute_url()).content.decode()


def test_approving_a_held_reply_publishes_it(client, held_reply, newbie, board_mod, board):
    posts_before = Board.objects.get(pk=board.pk).post_count

    moderation_services.post_approve(post=held_reply, moderator=board_mod)

    assert not Post.objects.get(pk=held_reply.pk).is_awaiting_approval
    assert Board.objects.get(pk=board.pk).post_count == posts_before  # it was in its place all along
    assert User.objects.get(pk=newbie.pk).approved_posts == 1
    assert Notice.objects.filter(recipient=newbie).count() == 1
    assert SECRET in client.get(held_reply.topic.get_absolute_url()).content.decode()


def test_board_counters_stay_exact_when_a_moderator_replies_to_a_held_topic(board, held_topic, board_mod):
    """A moderator may answer a held topic before letting it out; the board must count that reply once."""
    reply = services.post_create(topic=held_topic, author=board_mod, body="Welcome! Which flour do you use?")
    board.refresh_from_db()
    while_held = (board.topic_count, board.post_count, board.last_post_id)

    moderation_services.post_approve(post=held_topic.first_post, moderator=board_mod)

    board.refresh_from_db()
    assert (board.topic_count, board.post_count) == (1, 2), "the reply is counted twice"
    assert board.last_post_id == reply.pk
    assert while_held == (0, 0, None), "a held topic's replies are not on the board yet"


def test_only_this_boards_moderators_approve(client, held_reply, held_topic, pastry_mod, newbie):
    for post in (held_reply, held_topic.first_post):
        with pytest.raises(PermissionDenied):
            moderation_services.post_approve(post=post, moderator=pastry_mod)
        with pytest.raises(PermissionDenied):
            moderation_services.post_reject(post=post, moderator=pastry_mod, reason="Not mine to judge.")

    client.force_login(pastry_mod)
    assert client.post(f"/p/{held_reply.pk}/approve/", {"action": "approve"}).status_code == 403
    # the held topic is not even visible to a moderator of another board
    assert client.post(f"/p/{held_topic.first_post_id}/approve/", {"action": "approve"}).status_code in (403, 404)
    client.force_login(newbie)  # nor may its author
    assert client.post(f"/p/{held_reply.pk}/approve/", {"action": "approve"}).status_code == 403

    assert Post.objects.filter(is_awaiting_approval=True).count() == 2
    assert User.objects.get(pk=newbie.pk).approved_posts == 0


def test_approving_twice_is_refused_with_a_clear_message(client, held_reply, board_mod, newbie):
    moderation_services.post_approve(post=held_reply, moderator=board_mod)

    with pytest.raises(ValidationError):
        moderation_services.post_approve(post=held_reply, moderator=board_mod)

    client.force_login(board_mod)
    response = client.post(f"/p/{held_reply.pk}/approve/", {"action": "approve"}, follow=True)
    assert response.status_code == 200
    assert any("already" in message for message in messages_in(response.content.decode()))
    assert User.objects.get(pk=newbie.pk).approved_posts == 1


def test_rejecting_needs_a_reason_and_keeps_the_post_hidden(client, held_reply, board_mod, newbie):
    with pytest.raises(ValidationError) as caught:
        moderation_services.post_reject(post=held_reply, moderator=board_mod, reason="   ")
    assert "reason" in caught.value.message_dict
    assert Post.objects.get(pk=held_reply.pk).is_awaiting_approval

    moderation_services.post_reject(post=held_reply, moderator=board_mod, reason="Please don't advertise.")

    post = Post.objects.get(pk=held_reply.pk)
    assert post.is_hidden and not post.is_awaiting_approval
    assert post.hidden_reason == "Please don't advertise."
    assert User.objects.get(pk=newbie.pk).approved_posts == 0
    assert Notice.objects.filter(recipient=newbie, body__contains="advertise").exists()
    client.force_login(newbie)
    content = client.get(post.topic.get_absolute_url()).content.decode()
    assert "advertise" in content  # the author sees why
    client.logout()
    assert SECRET not in client.get(post.topic.get_absolute_url()).content.decode()


def test_rejecting_from_the_page_without_a_reason_shows_an_error(client, held_reply, board_mod):
    client.force_login(board_mod)

    response = client.post(f"/p/{held_reply.pk}/approve/", {"action": "reject", "reason": ""}, follow=True)

    assert response.status_code == 200
    assert messages_in(response.content.decode())
    assert Post.objects.get(pk=held_reply.pk).is_awaiting_approval


def test_after_two_approved_posts_a_newcomer_posts_freely(topic, newbie, board_mod):
    for i in range(2):
        post = services.post_create(topic=topic, author=fresh(newbie), body=f"Held {i}")
        assert post.is_awaiting_approval
        moderation_services.post_approve(post=post, moderator=board_mod)

    free = services.post_create(topic=topic, author=fresh(newbie), body="Out at once")

    assert not free.is_awaiting_approval
    assert fresh(newbie).rank.order == 0  # still a Newcomer: it is the approvals that count


# --- links and images ---------------------------------------------------------------------------------------------


def links(n: int) -> str:
    return " ".join(f"[site {i}](https://example{i}.com/)" for i in range(n))


def images(n: int) -> str:
    return " ".join(f"![crumb {i}](https://img.example.com/{i}.jpg)" for i in range(n))


@pytest.mark.parametrize(("body", "error"), [
    (links(3), "As a Newcomer you can include at most 2 links in a post."),
    (images(2), "As a Newcomer you can include at most 1 image in a post."),
])
def test_too_many_links_or_images_are_refused_with_a_form_error(client, newbie, topic, body, error):
    client.force_login(newbie)

    response = client.post(f"/t/{topic.pk}/reply/", {"body": body})

    assert response.status_code == 200
    assert error in response.content.decode()
    assert 'class="field has-error"' in response.content.decode()  # on the message field
    assert not Post.objects.filter(author=newbie).exists()


def test_links_and_images_within_the_limits_are_fine(client, newbie, member, topic, board):
    client.force_login(newbie)
    response = client.post(f"/t/{topic.pk}/reply/", {"body": f"{links(2)} {images(1)}"})
    assert response.status_code == 302
    assert Post.objects.filter(author=newbie).count() == 1

    response = client.post("/b/sourdough/new/", {"title": "Links galore", "body": links(3)})
    assert response.status_code == 200 and "at most 2 links" in response.content.decode()

    client.force_login(member)  # a Member has no such limits
    assert client.post(f"/t/{topic.pk}/reply/", {"body": f"{links(5)} {images(3)}"}).status_code == 302


# --- the approval queue -------------------------------------------------------------------------------------------


def test_the_queue_lists_the_held_posts_of_the_moderators_boards(client, board, pastry, board_mod, moderator,
                                                                 held_reply, held_topic):
    pastry_topic = make_topic(board=pastry, author=UserFactory(), title="Croissants")
    other = services.post_create(topic=pastry_topic, author=UserFactory(username="new2", rank=newcomer_rank()),
                                 body="Pastry secret")

    content = page_of(client, board_mod, "/mod/approvals/").content.decode()
    assert SECRET in content and f'action="/p/{held_reply.pk}/approve/"' in content
    assert f'action="/p/{held_topic.first_post_id}/approve/"' in content
    assert "Pastry secret" not in content

    content = page_of(client, moderator, "/mod/approvals/").content.decode()
    assert "Pastry secret" in content and f'action="/p/{other.pk}/approve/"' in content


def test_approving_from_the_queue_comes_back_to_it(client, board_mod, held_reply):
    client.force_login(board_mod)
    response = client.post(f"/p/{held_reply.pk}/approve/", {"action": "approve", "next": "queue"})
    assert response.status_code == 302 and response["Location"] == "/mod/approvals/"
    assert "Nothing is waiting." in client.get("/mod/approvals/").content.decode()


def test_the_queue_is_for_moderators(client, member, held_reply):
    response = client.get("/mod/approvals/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN_URL)
    client.force_login(member)
    assert client.get("/mod/approvals/").status_code == 403


def test_a_board_moderator_finds_the_queue_from_the_header(client, board_mod):
    client.force_login(board_mod)
    content = client.get("/").content.decode()
    assert 'href="/mod/approvals/"' in content


def hold_posts(board, count: int) -> None:
    topic = make_topic(board=board, author=UserFactory(), title=f"Questions {count}")
    for i in range(count):
        author = UserFactory(rank=newcomer_rank())
        if i % 2:
            services.topic_create(board=board, author=author, title=f"Held topic {count} {i}", body=f"Body {i}")
        else:
            services.post_create(topic=topic, author=author, body=f"Held reply {count} {i}")


def test_the_queue_costs_the_same_queries_for_2_or_12_held_posts(client, board, board_mod):
    visit_record(user=board_mod, day=timezone.localdate())
    client.force_login(board_mod)

    def queries() -> int:
        cache.clear()  # the header's open-case count is cached for half a minute: measure it each time
        with CaptureQueriesContext(connection) as ctx:
            response = client.get("/mod/approvals/")
        assert response.status_code == 200
        return len(ctx.captured_queries)

    hold_posts(board, 2)
    few = queries()
    hold_posts(board, 10)
    many = queries()

    assert Post.objects.filter(is_awaiting_approval=True).count() == 12
    assert few == many, f"{few} queries for 2 held posts, {many} for 12"
    assert many <= 10


# --- retitling and moving -------------------------------------------------------------------------------------------


def assert_board_counts(board: Board) -> None:
    board.refresh_from_db()
    topics = Topic.objects.filter(board=board, is_hidden=False)
    assert board.topic_count == topics.count()
    assert board.post_count == Post.objects.filter(topic__in=topics).count()
    newest = Post.objects.filter(topic__in=topics, is_hidden=False).order_by("-id").first()
    assert board.last_post_id == (newest.pk if newest else None)


@pytest.fixture
def veteran(board, pastry):
    """A Veteran who has posted in both boards lately."""
    member = UserFactory(username="vet", rank=rank_at(3))
    for where in (board, pastry):
        make_topic(board=where, author=member, title=f"Vet in {where.name}")
    return fresh(member)


@pytest.fixture
def movable(board):
    return make_topic(board=board, author=UserFactory(), title="Wrong place", replies=2)


def test_a_veteran_retitles_and_moves_a_topic(client, veteran, movable, board, pastry):
    client.force_login(veteran)
    assert client.get(f"/t/{movable.pk}/manage/").status_code == 200

    response = client.post(f"/t/{movable.pk}/manage/", {"title": "In the right place", "board": pastry.pk})

    topic = Topic.objects.get(pk=movable.pk)
    assert response.status_code == 302 and response["Location"] == topic.get_absolute_url()
    assert (topic.title, topic.board_id) == ("In the right place", pastry.pk)
    assert_board_counts(board)
    assert_board_counts(pastry)
    assert Board.objects.get(pk=board.pk).topic_count == 1  # the veteran's own topic stays
    assert Board.objects.get(pk=pastry.pk).post_count == 4
    assert "In the right place" in topic_titles(client.get("/b/pastry/").content.decode())
    assert "In the right place" not in topic_titles(client.get("/b/sourdough/").content.decode())


def test_a_veteran_retitles_without_moving(client, veteran, movable, board):
    client.force_login(veteran)
    client.post(f"/t/{movable.pk}/manage/", {"title": "Better title", "board": board.pk})
    topic = Topic.objects.get(pk=movable.pk)
    assert (topic.title, topic.board_id) == ("Better title", board.pk)
    assert_board_counts(board)


def test_a_member_cannot_retitle_or_move(client, member, movable, board, pastry):
    make_post(topic=movable, author=member)  # active in the board, but only a Member
    client.force_login(member)

    assert client.get(f"/t/{movable.pk}/manage/").status_code == 403
    response = client.post(f"/t/{movable.pk}/manage/", {"title": "Mine now", "board": pastry.pk})

    assert response.status_code == 403
    assert Topic.objects.get(pk=movable.pk).title == "Wrong place"


def test_a_veteran_who_is_not_active_in_the_board_cannot(client, movable, pastry):
    stranger = UserFactory(username="stranger", rank=rank_at(3))
    client.force_login(stranger)
    assert client.get(f"/t/{movable.pk}/manage/").status_code == 403
    assert not permissions.can_retitle_and_move(fresh(stranger), movable)


def test_moving_into_an_archived_board_is_refused(client, veteran, movable, board, pastry):
    Board.objects.filter(pk=pastry.pk).update(is_archived=True)
    pastry.refresh_from_db()
    client.force_login(veteran)

    response = client.post(f"/t/{movable.pk}/manage/", {"title": "Wrong place", "board": pastry.pk})

    assert response.status_code == 200
    assert 'class="field has-error"' in response.content.decode()
    with pytest.raises(ValidationError):
        services.topic_retitle_move(topic=movable, actor=veteran, title="Wrong place", board=pastry)
    assert Topic.objects.get(pk=movable.pk).board_id == board.pk
    assert_board_counts(board)
    assert_board_counts(pastry)


def test_a_newcomer_posts_at_a_lower_rate_than_a_member(client, topic, settings):
    """Newcomer: 3 posts a minute (the default ladder); the site's limit (10) stays for members."""
    newcomer = UserFactory(username="quick-newbie", rank=newcomer_rank(), rank_order=0, approved_posts=5)
    client.force_login(newcomer)
    wait_for_fresh_rate_window()
    for i in range(3):
        assert client.post(f"/t/{topic.pk}/reply/", {"body": f"Reply {i}"}).status_code == 302
    response = client.post(f"/t/{topic.pk}/reply/", {"body": "One too many"})
    assert response.status_code == 200
    assert "You are posting too quickly" in response.content.decode()
    assert not Post.objects.filter(body="One too many").exists()

    member = UserFactory(username="steady-member")
    client.force_login(member)
    for i in range(4):
        assert client.post(f"/t/{topic.pk}/reply/", {"body": f"Member reply {i}"}).status_code == 302
