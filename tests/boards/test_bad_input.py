"""Bad input and forbidden actions: a readable form error, a redirect or a 403/404 page, never a 500,
and never anything half-saved."""
import re

import pytest
from django.test import Client

from boards.models import Board, Post, PostRevision, Topic
from members.models import User
from tests.factories import BoardFactory, UserFactory, make_post, make_topic, wait_for_fresh_rate_window
from tests.helpers import html, topic_url

pytestmark = pytest.mark.django_db

NOT_FOUND_TEXT = "We couldn't find that page"


def counters(board, topic=None, user=None):
    """Every denormalized counter a write could touch, to prove a refused write changed none."""
    board = Board.objects.get(pk=board.pk)
    state = {"board": (board.topic_count, board.post_count, board.last_post_id),
             "topics": Topic.objects.count(), "posts": Post.objects.count()}
    if topic is not None:
        t = Topic.objects.get(pk=topic.pk)
        state["topic"] = (t.post_count, t.last_post_id, t.last_post_at)
    if user is not None:
        u = User.objects.get(pk=user.pk)
        state["user"] = (u.post_count, u.topic_count)
    return state


def lower_limit(settings, **changes):
    settings.HEARTH = {**settings.HEARTH, **changes}


# --- starting a topic with bad input -------------------------------------------------------------


@pytest.mark.parametrize(("title", "message"), [
    ("", "Give the topic a title."),
    ("   \t  ", "Give the topic a title."),
    ("x" * 151, "Keep the title under 150 characters."),
])
def test_a_bad_title_gets_a_form_error_and_creates_nothing(member_client, board, member, title, message):
    before = counters(board, user=member)

    response = member_client.post("/b/sourdough/new/", {"title": title, "body": "A fine body."})

    assert response.status_code == 200
    assert message in response.context["form"].errors["title"]
    assert message in html(response)
    assert counters(board, user=member) == before


def test_a_title_of_exactly_150_characters_is_accepted(member_client, board):
    response = member_client.post("/b/sourdough/new/", {"title": "x" * 150, "body": "A fine body."})

    assert response.status_code == 302
    assert Topic.objects.get().title == "x" * 150


@pytest.mark.parametrize("body", ["", "   \n\t  \n"])
def test_an_empty_topic_body_gets_a_form_error_and_creates_nothing(member_client, board, member, body):
    before = counters(board, user=member)

    response = member_client.post("/b/sourdough/new/", {"title": "A title", "body": body})

    assert response.status_code == 200
    assert "Write something before posting." in response.context["form"].errors["body"]
    assert counters(board, user=member) == before


def test_an_over_long_topic_body_gets_a_form_error_and_creates_nothing(member_client, board, member, settings):
    lower_limit(settings, BODY_MAX_CHARS=100)
    before = counters(board, user=member)

    response = member_client.post("/b/sourdough/new/", {"title": "A title", "body": "y" * 101})

    assert response.status_code == 200
    assert "Posts can be at most 100 characters; this one has 101." in html(response)
    assert counters(board, user=member) == before
    assert member_client.post("/b/sourdough/new/", {"title": "A title", "body": "y" * 100}).status_code == 302


def test_a_null_character_gets_a_form_error_not_a_server_error(member_client, board, topic, member):
    before = counters(board, topic, member)

    new_topic = member_client.post("/b/sourdough/new/", {"title": "Nul\x00", "body": "bo\x00dy"})
    reply = member_client.post(f"/t/{topic.pk}/reply/", {"body": "bo\x00dy"})

    assert new_topic.status_code == 200 and reply.status_code == 200
    assert new_topic.context["form"].errors and reply.context["form"].errors
    assert counters(board, topic, member) == before


# --- replying with bad input ---------------------------------------------------------------------


@pytest.mark.parametrize("body", ["", "  \n  "])
def test_an_empty_reply_gets_a_form_error_and_creates_nothing(member_client, board, topic, member, body):
    before = counters(board, topic, member)

    response = member_client.post(f"/t/{topic.pk}/reply/", {"body": body})

    assert response.status_code == 200
    assert "Write something before posting." in html(response)
    assert counters(board, topic, member) == before


def test_an_over_long_reply_gets_a_form_error_and_creates_nothing(member_client, board, topic, member, settings):
    lower_limit(settings, BODY_MAX_CHARS=100)
    before = counters(board, topic, member)

    response = member_client.post(f"/t/{topic.pk}/reply/", {"body": "z" * 101})

    assert response.status_code == 200
    assert "Posts can be at most 100 characters; this one has 101." in html(response)
    assert counters(board, topic, member) == before


def test_an_edit_with_an_empty_or_over_long_body_changes_nothing(member_client, topic, member, settings):
    lower_limit(settings, BODY_MAX_CHARS=100)
    reply = make_post(topic=topic, author=member, body="Original.")

    empty = member_client.post(f"/p/{reply.pk}/edit/", {"body": "   "})
    too_long = member_client.post(f"/p/{reply.pk}/edit/", {"body": "w" * 101})
    no_title = member_client.post(f"/p/{topic.first_post.pk}/edit/", {"title": " ", "body": "Help please."})

    assert empty.status_code == too_long.status_code == no_title.status_code == 200
    assert "Write something before posting." in html(empty)
    assert "Posts can be at most 100 characters" in html(too_long)
    assert "Give the topic a title." in html(no_title)
    reply.refresh_from_db()
    assert (reply.body, reply.edit_count, reply.edited_at) == ("Original.", 0, None)
    assert Topic.objects.get(pk=topic.pk).title == "My starter is sluggish"
    assert not PostRevision.objects.exists()


# --- posting where it isn't allowed --------------------------------------------------------------


def test_replying_to_a_locked_topic_is_forbidden_and_creates_nothing(member_client, board, topic, member):
    Topic.objects.filter(pk=topic.pk).update(is_locked=True)
    before = counters(board, topic, member)

    get = member_client.get(f"/t/{topic.pk}/reply/")
    post = member_client.post(f"/t/{topic.pk}/reply/", {"body": "Let me in."})

    assert get.status_code == 403 and post.status_code == 403
    assert "This topic is locked." in html(post)
    assert counters(board, topic, member) == before


def test_a_moderator_can_still_reply_to_a_locked_topic(client, topic, moderator):
    Topic.objects.filter(pk=topic.pk).update(is_locked=True)
    client.force_login(moderator)

    response = client.post(f"/t/{topic.pk}/reply/", {"body": "Locked: answered in the FAQ."})

    assert response.status_code == 302
    assert Post.objects.filter(topic=topic, author=moderator).exists()


def test_posting_in_an_archived_board_is_forbidden_and_creates_nothing(member_client, board, topic, member):
    Board.objects.filter(pk=board.pk).update(is_archived=True)
    before = counters(board, topic, member)

    new_form = member_client.get("/b/sourdough/new/")
    new_topic = member_client.post("/b/sourdough/new/", {"title": "Late", "body": "Too late."})
    reply = member_client.post(f"/t/{topic.pk}/reply/", {"body": "Too late."})

    assert new_form.status_code == new_topic.status_code == reply.status_code == 403
    assert "This board is archived and takes no new posts." in html(new_topic)
    assert "This board is archived and takes no new posts." in html(reply)
    assert counters(board, topic, member) == before


def test_an_unverified_member_is_told_to_confirm_their_email(client, board, topic, unverified_member):
    client.force_login(unverified_member)
    before = counters(board, topic, unverified_member)

    new_topic = client.post("/b/sourdough/new/", {"title": "Hello", "body": "First post!"})
    reply = client.post(f"/t/{topic.pk}/reply/", {"body": "First post!"})

    for response in (new_topic, reply):
        assert response.status_code == 403
        assert "Confirm your email address before posting." in html(response)
    assert counters(board, topic, unverified_member) == before
    topic_page = html(client.get(topic_url(topic)))
    assert "Confirm your email address before posting." in topic_page  # instead of the reply box


def test_a_visitor_is_sent_to_log_in_before_starting_a_topic(client, board):
    for slug in ("sourdough", "x"):
        response = client.get(f"/b/{slug}/new/")
        assert response.status_code == 302
        assert response["Location"] == f"/accounts/login/?next=/b/{slug}/new/"


def test_a_visitor_posting_a_reply_is_sent_to_log_in_and_nothing_is_saved(client, board, topic):
    before = counters(board, topic)

    response = client.post(f"/t/{topic.pk}/reply/", {"body": "Drive-by."})

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next=/t/{topic.pk}/reply/"
    assert counters(board, topic) == before


def test_a_member_cannot_see_or_reply_to_a_hidden_topic(client, topic):
    """Anyone but its author and the moderators (the author sees their own held or hidden topic)."""
    Topic.objects.filter(pk=topic.pk).update(is_hidden=True)
    client.force_login(UserFactory(username="bystander"))

    for response in (client.get(topic_url(topic)), client.get(f"/t/{topic.pk}/"),
                     client.get(f"/p/{topic.first_post.pk}/"),
                     client.post(f"/t/{topic.pk}/reply/", {"body": "Hello?"})):
        assert response.status_code == 404
        assert NOT_FOUND_TEXT in html(response)
    assert Post.objects.count() == 1


# --- things that don't exist ---------------------------------------------------------------------


@pytest.mark.parametrize("path", [
    "/b/no-such-board/",
    "/t/999999/",
    "/t/999999/some-slug/",
    "/t/99999999999999999999/",
    "/p/999999/",
    "/p/99999999999999999999/",
    "/u/nobody/",
])
def test_a_missing_page_gets_the_friendly_404_page(client, board, path):
    response = client.get(path)

    assert response.status_code == 404
    assert NOT_FOUND_TEXT in html(response)


def test_missing_things_behind_a_login_also_get_the_404_page(member_client, board):
    for path in ("/b/no-such-board/new/", "/t/999999/reply/", "/p/999999/edit/", "/p/999999/revisions/"):
        response = member_client.get(path)
        assert response.status_code == 404, path
        assert NOT_FOUND_TEXT in html(response)


def test_a_deactivated_members_profile_is_not_found(client):
    UserFactory(username="gone", is_active=False)

    assert client.get("/u/gone/").status_code == 404


# --- page numbers --------------------------------------------------------------------------------


@pytest.fixture
def long_board(board, member):
    for i in range(30):  # two pages of 25
        make_topic(board=board, author=member, title=f"Topic {i}", body=f"Body {i}")
    return Board.objects.get(pk=board.pk)


@pytest.mark.parametrize(("raw", "expected"), [
    ("abc", "/b/sourdough/"),
    ("0", "/b/sourdough/"),
    ("-1", "/b/sourdough/"),
    ("1.5", "/b/sourdough/"),
    ("999", "/b/sourdough/?page=2"),
    ("99999999999999999999999", "/b/sourdough/?page=2"),
])
def test_a_bad_board_page_number_redirects_to_a_real_page(client, long_board, raw, expected):
    response = client.get(f"/b/sourdough/?page={raw}")

    assert response.status_code == 302
    assert response["Location"] == expected


@pytest.mark.parametrize(("raw", "page"), [("abc", 1), ("0", 1), ("-1", 1), ("999", 3)])
def test_a_bad_topic_page_number_redirects_to_a_real_page(client, board, member, raw, page):
    topic = make_topic(board=board, author=member, title="Long thread", body="Post one.", replies=44)  # 3 pages

    response = client.get(f"{topic_url(topic)}?page={raw}")

    assert response.status_code == 302
    assert response["Location"] == topic_url(topic, page)


def test_page_two_of_an_empty_board_redirects_to_page_one(client, board):
    response = client.get("/b/sourdough/?page=2")

    assert response.status_code == 302
    assert response["Location"] == "/b/sourdough/"


# --- replying to the wrong post ------------------------------------------------------------------


def test_replying_to_a_post_from_another_topic_is_not_found(member_client, board, topic, member):
    elsewhere = make_topic(board=board, author=UserFactory(username="bob"), title="Other", body="Other body.")
    before = counters(board, topic, member)

    get_to = member_client.get(f"/t/{topic.pk}/reply/?to={elsewhere.first_post.pk}")
    get_quote = member_client.get(f"/t/{topic.pk}/reply/?quote={elsewhere.first_post.pk}")
    post = member_client.post(f"/t/{topic.pk}/reply/",
                              {"body": "Crossed wires.", "reply_to": str(elsewhere.first_post.pk)})

    assert get_to.status_code == get_quote.status_code == post.status_code == 404
    assert "Other body." not in html(get_quote)
    assert counters(board, topic, member) == before


@pytest.mark.parametrize("target", ["abc", "999999", "99999999999999999999", "-3"])
def test_replying_to_a_nonsense_post_id_is_not_found(member_client, topic, target):
    assert member_client.get(f"/t/{topic.pk}/reply/?to={target}").status_code == 404
    assert member_client.post(f"/t/{topic.pk}/reply/", {"body": "Hm.", "reply_to": target}).status_code == 404
    assert Post.objects.count() == 1


# --- methods and CSRF ----------------------------------------------------------------------------


def test_other_http_methods_are_not_allowed(member_client, topic, member):
    reply = make_post(topic=topic, author=member, body="Mine.")
    paths = ["/", "/b/sourdough/", "/b/sourdough/new/", f"/t/{topic.pk}/", topic_url(topic),
             f"/t/{topic.pk}/reply/", f"/p/{reply.pk}/", f"/p/{reply.pk}/edit/", f"/p/{reply.pk}/revisions/",
             "/u/alice/"]

    for path in paths:
        assert member_client.put(path, "body=x", content_type="application/x-www-form-urlencoded").status_code \
            == 405, path
        assert member_client.delete(path).status_code == 405, path
    assert Post.objects.count() == 2
    assert Post.objects.get(pk=reply.pk).body == "Mine."


def test_a_post_without_a_csrf_token_is_rejected(board, topic, member):
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(member)
    before = counters(board, topic, member)

    reply = csrf_client.post(f"/t/{topic.pk}/reply/", {"body": "Forged."})
    new_topic = csrf_client.post("/b/sourdough/new/", {"title": "Forged", "body": "Forged."})
    edit = csrf_client.post(f"/p/{topic.first_post.pk}/edit/", {"title": "Forged", "body": "Forged."})

    assert reply.status_code == new_topic.status_code == edit.status_code == 403
    assert counters(board, topic, member) == before
    assert Post.objects.get(pk=topic.first_post.pk).body == "Help please."

    # With the token from the form the same reply goes through: the check is real, not broken.
    form = csrf_client.get(f"/t/{topic.pk}/reply/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html(form)).group(1)
    ok = csrf_client.post(f"/t/{topic.pk}/reply/", {"body": "Genuine.", "csrfmiddlewaretoken": token})
    assert ok.status_code == 302


# --- double submits and rate limits --------------------------------------------------------------


def test_submitting_the_same_reply_twice_creates_one_post(member_client, board, topic, member):
    first = member_client.post(f"/t/{topic.pk}/reply/", {"body": "Thanks!"})
    second = member_client.post(f"/t/{topic.pk}/reply/", {"body": "Thanks!"})

    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Post.objects.filter(topic=topic, body="Thanks!").count() == 1
    assert Topic.objects.get(pk=topic.pk).post_count == 2
    assert Board.objects.get(pk=board.pk).post_count == 2
    assert User.objects.get(pk=member.pk).post_count == 2


def test_submitting_the_same_new_topic_twice_creates_one_topic(member_client, board, member):
    data = {"title": "Oven spring", "body": "How do I get more?"}

    first = member_client.post("/b/sourdough/new/", data)
    second = member_client.post("/b/sourdough/new/", data)

    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Topic.objects.filter(title="Oven spring").count() == 1
    assert Post.objects.count() == 1
    assert Board.objects.get(pk=board.pk).topic_count == 1
    assert User.objects.get(pk=member.pk).topic_count == 1


def test_replying_too_quickly_gets_a_form_error_and_no_extra_post(member_client, topic, settings):
    lower_limit(settings, POST_RATE=(2, 60))
    wait_for_fresh_rate_window()

    responses = [member_client.post(f"/t/{topic.pk}/reply/", {"body": f"Reply {i}."}) for i in range(3)]

    assert [r.status_code for r in responses] == [302, 302, 200]
    assert "You are posting too quickly" in html(responses[2])
    assert "too quickly" in str(responses[2].context["form"].non_field_errors())
    assert responses[2].context["form"]["body"].value() == "Reply 2."  # what they typed is kept
    assert list(Post.objects.filter(topic=topic).values_list("body", flat=True).order_by("position")) == [
        "Help please.", "Reply 0.", "Reply 1.",
    ]


def test_the_reply_rate_limit_is_per_member(client, topic, settings):
    lower_limit(settings, POST_RATE=(1, 60))
    wait_for_fresh_rate_window()

    for name in ("bob", "carol"):
        client.force_login(UserFactory(username=name))
        assert client.post(f"/t/{topic.pk}/reply/", {"body": f"Hi from {name}."}).status_code == 302
    assert Post.objects.filter(topic=topic).count() == 3


def test_previews_do_not_use_up_the_rate_limit(member_client, topic, settings):
    lower_limit(settings, POST_RATE=(1, 60))
    wait_for_fresh_rate_window()

    for i in range(3):
        preview = member_client.post(f"/t/{topic.pk}/reply/", {"body": f"Draft {i}.", "preview": "1"})
        assert preview.status_code == 200 and "too quickly" not in html(preview)
    assert member_client.post(f"/t/{topic.pk}/reply/", {"body": "Final."}).status_code == 302


def test_starting_topics_too_quickly_gets_a_form_error_and_no_extra_topic(member_client, board, settings):
    lower_limit(settings, TOPIC_RATE=(1, 60))
    wait_for_fresh_rate_window()

    first = member_client.post("/b/sourdough/new/", {"title": "One", "body": "First."})
    second = member_client.post("/b/sourdough/new/", {"title": "Two", "body": "Second."})

    assert first.status_code == 302
    assert second.status_code == 200
    assert "You are starting topics too quickly" in html(second)
    assert list(Topic.objects.values_list("title", flat=True)) == ["One"]


def test_an_archived_board_made_after_a_form_loaded_still_refuses_the_post(member_client, board):
    form = member_client.get("/b/sourdough/new/")
    assert form.status_code == 200
    BoardFactory(name="Other", slug="other")
    Board.objects.filter(pk=board.pk).update(is_archived=True)

    response = member_client.post("/b/sourdough/new/", {"title": "Late", "body": "Too late."})

    assert response.status_code == 403
    assert not Topic.objects.exists()
