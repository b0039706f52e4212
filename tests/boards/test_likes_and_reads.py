"""Likes (once per member and post, refused where they should be, exact under concurrency, rate limited),
read positions (topics entered, posts read, New/Unread markers, jumping to the first unread post), and the
days a member visited."""
import contextlib
import re
import time
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from boards import services
from boards.models import Post, PostLike, Topic, TopicRead
from members.models import MemberVisit, User
from tests.factories import UserFactory, make_post, make_topic, newcomer_rank
from tests.helpers import messages_in, run_in_threads

pytestmark = pytest.mark.django_db

LOGIN_URL = "/accounts/login/"


@pytest.fixture
def author(db):
    return UserFactory(username="bob")


@pytest.fixture
def post(board, author):
    """bob's first post in a topic of his."""
    return make_topic(board=board, author=author, title="Crumb shots", body="Look at this crumb.").first_post


def like(client, post, action="like", **kwargs):
    return client.post(f"/p/{post.pk}/like/", {"action": action}, **kwargs)


def counts(post, liker, author) -> tuple[int, int, int]:
    return (Post.objects.get(pk=post.pk).like_count, User.objects.get(pk=liker.pk).likes_given,
            User.objects.get(pk=author.pk).likes_received)


# --- likes --------------------------------------------------------------------------------------------------------


def test_a_like_counts_once_everywhere(member_client, member, author, post):
    response = like(member_client, post)

    assert response.status_code == 302
    assert response["Location"] == f"{post.topic.get_absolute_url()}#p{post.pk}"
    assert counts(post, member, author) == (1, 1, 1)
    assert PostLike.objects.filter(post=post, member=member).count() == 1
    page = member_client.get(post.topic.get_absolute_url()).content.decode()
    assert 'aria-pressed="true"' in page and "Liked" in page
    assert '<span class="like-count">1</span>' in page


def test_a_second_like_is_refused_with_a_message(member_client, member, author, post):
    like(member_client, post)

    response = like(member_client, post, follow=True)

    assert response.status_code == 200
    assert "You already like this post." in messages_in(response.content.decode())
    assert counts(post, member, author) == (1, 1, 1)
    assert PostLike.objects.count() == 1


def test_unlike_puts_the_counts_back(member_client, member, author, post):
    like(member_client, post)

    like(member_client, post, action="unlike")

    assert counts(post, member, author) == (0, 0, 0)
    assert not PostLike.objects.exists()
    response = like(member_client, post, action="unlike", follow=True)
    assert "You don't like this post yet." in messages_in(response.content.decode())
    assert counts(post, member, author) == (0, 0, 0)


def test_liking_your_own_post_is_refused(client, author, post):
    client.force_login(author)

    response = like(client, post)

    assert response.status_code == 403
    assert "You can&#x27;t like your own post." in response.content.decode()
    assert counts(post, author, author) == (0, 0, 0)
    with pytest.raises(PermissionDenied):
        services.post_like(member=author, post=post)


@pytest.mark.parametrize("state", ["hidden", "awaiting"])
def test_a_hidden_or_held_post_cannot_be_liked(member_client, member, author, topic, state):
    reply = make_post(topic=topic, author=author, body="A reply.")
    if state == "hidden":
        Post.objects.filter(pk=reply.pk).update(is_hidden=True, hidden_reason="Spam.")
    else:
        Post.objects.filter(pk=reply.pk).update(is_awaiting_approval=True)

    response = like(member_client, reply)

    assert response.status_code == 403
    assert "You can&#x27;t like a hidden post." in response.content.decode()
    assert counts(reply, member, author) == (0, 0, 0)


def test_a_post_in_a_held_topic_cannot_be_liked(member_client, board):
    held = services.topic_create(board=board, author=UserFactory(username="new", rank=newcomer_rank()),
                                 title="Hello all", body="My first topic.")
    assert held.is_hidden
    assert like(member_client, held.first_post).status_code == 404
    assert not PostLike.objects.exists()


@pytest.mark.parametrize("who", ["unverified", "suspended"])
def test_unverified_or_suspended_members_cannot_like(client, author, post, who):
    if who == "unverified":
        liker = UserFactory(username="newbie", email_verified=False)
        message = r"[Cc]onfirm your email address"
    else:
        liker = UserFactory(username="loud", suspended_until=timezone.now() + timedelta(days=2))
        message = r"suspended|cannot like"
    client.force_login(liker)

    response = like(client, post)

    assert response.status_code == 403
    assert re.search(message, response.content.decode())  # the reason, in words
    assert counts(post, liker, author) == (0, 0, 0)


def test_visitors_are_sent_to_log_in_and_get_is_not_allowed(client, member, post):
    response = client.post(f"/p/{post.pk}/like/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN_URL)

    client.force_login(member)
    assert client.get(f"/p/{post.pk}/like/").status_code == 405
    assert client.post("/p/999999/like/").status_code == 404
    assert not PostLike.objects.exists()


def test_liking_too_quickly_is_refused(member_client, member, author, topic, settings):
    settings.HEARTH = {**settings.HEARTH, "LIKE_RATE": (2, 60)}
    posts = [make_post(topic=topic, author=author, body=f"Reply {i}") for i in range(3)]
    if time.time() % 60 > 55:  # the limiter counts per clock minute: do not straddle two
        time.sleep(61 - time.time() % 60)

    like(member_client, posts[0])
    like(member_client, posts[1])
    response = like(member_client, posts[2], follow=True)

    assert "You are liking posts too quickly. Wait a minute and try again." in messages_in(response.content.decode())
    assert PostLike.objects.filter(member=member).count() == 2
    assert counts(posts[2], member, author) == (0, 2, 2)


@pytest.mark.django_db(transaction=True)
def test_concurrent_likes_keep_the_count_exact():
    author = UserFactory(username="bob")
    post = make_topic(author=author, title="Race", body="Like me.").first_post
    likers = [UserFactory(username=f"liker{i}") for i in range(6)]

    def run(liker):
        with contextlib.suppress(ValidationError):  # the second like of the same member
            services.post_like(member=liker, post=post)

    # two likes of the same member race too
    errors = run_in_threads(run, args=[(liker,) for liker in [*likers, likers[0]]], timeout=30)

    assert not errors
    assert PostLike.objects.filter(post=post).count() == 6
    assert Post.objects.get(pk=post.pk).like_count == 6
    assert User.objects.get(pk=author.pk).likes_received == 6
    assert sorted(User.objects.filter(username__startswith="liker").values_list("likes_given", flat=True)) == [1] * 6


# --- reads ----------------------------------------------------------------------------------------------------


@pytest.fixture
def long_topic(board, author):
    """25 posts: page 1 holds 20, page 2 holds 5."""
    topic = make_topic(board=board, author=author, title="A long one", body="Post 1.")
    for i in range(24):
        make_post(topic=topic, author=author if i % 2 else None, body=f"Post {i + 2}.")
    topic.refresh_from_db()
    assert topic.post_count == 25
    return topic


def reads_of(member) -> tuple[int, int]:
    member = User.objects.get(pk=member.pk)
    return member.topics_entered, member.posts_read


def test_opening_a_topic_records_what_was_read(member_client, member, topic):
    make_post(topic=topic, author=UserFactory(), body="Second.")
    make_post(topic=topic, author=UserFactory(), body="Third.")

    member_client.get(Topic.objects.get(pk=topic.pk).get_absolute_url())

    assert TopicRead.objects.get(member=member, topic=topic).last_position == 3
    assert reads_of(member) == (1, 3)

    member_client.get(topic.get_absolute_url())  # re-reading adds nothing
    assert reads_of(member) == (1, 3)


def test_reading_page_two_later_adds_only_the_new_posts(member_client, member, long_topic):
    url = long_topic.get_absolute_url()

    member_client.get(url)
    assert reads_of(member) == (1, 20)

    member_client.get(f"{url}?page=2")
    assert reads_of(member) == (1, 25)

    member_client.get(url)  # back to page 1: nothing new
    member_client.get(f"{url}?page=2")
    assert reads_of(member) == (1, 25)

    make_post(topic=long_topic, body="Post 26.")
    member_client.get(f"{url}?page=2")
    assert reads_of(member) == (1, 26)
    assert TopicRead.objects.get(member=member).last_position == 26


def test_visitors_leave_no_read_positions(client, topic):
    client.get(topic.get_absolute_url())
    assert not TopicRead.objects.exists()


def markers(content: str) -> dict[str, str]:
    """{topic title: "New" | "Unread" | ""} from the board page's list."""
    found = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", content, re.S):
        title = re.search(r'<a class="topic-title" href="[^"]+">([^<]+)</a>', row)
        if title:
            tag = re.search(r'class="tag (new|unread)"', row)
            found[title.group(1)] = {"new": "New", "unread": "Unread"}[tag.group(1)] if tag else ""
    return found


def test_the_board_page_marks_new_and_unread_topics_for_members_only(client, member, board, author, long_topic):
    make_topic(board=board, author=author, title="Never opened")
    read = make_topic(board=board, author=author, title="Read to the end")
    client.force_login(member)
    client.get(long_topic.get_absolute_url())  # page 1 only: 5 posts left
    client.get(read.get_absolute_url())

    found = markers(client.get("/b/sourdough/").content.decode())

    assert found == {"Never opened": "New", "A long one": "Unread", "Read to the end": ""}
    content = client.get("/b/sourdough/").content.decode()
    assert f'href="/t/{long_topic.pk}/unread/"' in content

    make_post(topic=read, author=author, body="Something new.")
    assert markers(client.get("/b/sourdough/").content.decode())["Read to the end"] == "Unread"

    client.logout()
    assert set(markers(client.get("/b/sourdough/").content.decode()).values()) == {""}


def test_unread_jumps_to_the_first_unread_post(member_client, long_topic):
    url = long_topic.get_absolute_url()
    positions = dict(Post.objects.filter(topic=long_topic).values_list("position", "pk"))

    response = member_client.get(f"/t/{long_topic.pk}/unread/")  # never opened: the first post
    assert response.status_code == 302
    assert response["Location"] == f"{url}#p{positions[1]}"

    member_client.get(url)  # read page 1 (posts 1-20)
    response = member_client.get(f"/t/{long_topic.pk}/unread/")
    assert response["Location"] == f"{url}?page=2#p{positions[21]}"

    member_client.get(f"{url}?page=2")  # read it all: the last post
    response = member_client.get(f"/t/{long_topic.pk}/unread/")
    assert response["Location"] == f"{url}?page=2#p{positions[25]}"


def test_unread_needs_a_login_and_a_visible_topic(client, member, board):
    held = services.topic_create(board=board, author=UserFactory(username="new", rank=newcomer_rank()),
                                 title="Held", body="Waiting.")
    response = client.get(f"/t/{held.pk}/unread/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN_URL)

    client.force_login(member)
    assert client.get(f"/t/{held.pk}/unread/").status_code == 404
    assert client.get("/t/999999/unread/").status_code == 404


# --- visits ----------------------------------------------------------------------------------------------------


def test_the_first_request_of_a_day_counts_a_visit(member_client, member):
    member_client.get("/")
    member_client.get("/members/")
    member_client.get("/standing/")

    member.refresh_from_db()
    assert member.days_visited == 1
    assert member.last_visit_on == timezone.localdate()
    assert list(MemberVisit.objects.filter(member=member).values_list("day", flat=True)) == [timezone.localdate()]


def test_a_new_day_counts_another_visit(member_client, member):
    yesterday = timezone.localdate() - timedelta(days=1)
    User.objects.filter(pk=member.pk).update(days_visited=4, last_visit_on=yesterday)
    MemberVisit.objects.create(member=member, day=yesterday)

    member_client.get("/")
    member_client.get("/")

    member.refresh_from_db()
    assert member.days_visited == 5
    assert MemberVisit.objects.filter(member=member).count() == 2


def test_visitors_count_no_visits(client, member):
    client.get("/")
    assert not MemberVisit.objects.exists()
