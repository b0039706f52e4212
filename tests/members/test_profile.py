"""Member pages: the public profile, and signing up, confirming an email and logging in (allauth)."""
import re
from datetime import UTC, datetime
from urllib.parse import quote

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from boards.models import Post, Topic
from members.models import User
from tests.factories import UserFactory, make_post, make_topic
from tests.helpers import html, human_signup_fields

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"  # tests.factories.UserFactory's


def dd_after(page: str, label: str) -> str:
    """The <dd> that follows <dt>label</dt> on the profile."""
    match = re.search(rf"<dt>{label}</dt><dd>(.*?)</dd>", page, re.S)
    assert match, f"no {label} on the page"
    return match.group(1)


# --- the profile ---------------------------------------------------------------------------------


def test_a_profile_shows_when_the_member_joined_and_how_much_they_posted(client, board, member):
    User.objects.filter(pk=member.pk).update(date_joined=datetime(2023, 5, 6, 7, 8, tzinfo=UTC))
    topic = make_topic(board=board, author=member, title="Crumb shots", body="Show me.")
    make_post(topic=topic, author=member, body="Here is mine.")
    make_topic(board=board, author=member, title="Flour brands", body="Which one?")

    response = client.get("/u/alice/")

    assert response.status_code == 200
    page = html(response)
    assert "<h1>alice" in page
    assert 'datetime="2023-05-06T07:08:00+00:00"' in dd_after(page, "Joined")
    assert dd_after(page, "Posts") == "3"
    assert dd_after(page, "Topics") == "2"


def test_a_profile_lists_recent_posts_newest_first_with_links(client, board, member):
    first = make_topic(board=board, author=member, title="Crumb shots", body="Show me your crumb.")
    reply = make_post(topic=first, author=member, body="Here is mine.")
    second = make_topic(board=board, author=member, title="Flour brands", body="Which flour do you use?")

    response = client.get("/u/alice/")

    posts = response.context["recent_posts"]
    assert [p.pk for p in posts] == [second.first_post.pk, reply.pk, first.first_post.pk]
    page = html(response)
    assert f'<a href="/p/{second.first_post.pk}/">Flour brands</a>' in page
    assert f'<a href="/p/{reply.pk}/">Crumb shots</a>' in page
    assert "Here is mine." in page and "Which flour do you use?" in page
    assert page.index("Which flour do you use?") < page.index("Here is mine.") < page.index("Show me your crumb.")


def test_a_profile_shows_at_most_ten_recent_posts(client, board, member):
    topic = make_topic(board=board, author=member, title="Diary", body="Day 0")
    for day in range(1, 12):
        make_post(topic=topic, author=member, body=f"Day {day}")

    posts = client.get("/u/alice/").context["recent_posts"]

    assert [p.body for p in posts] == [f"Day {day}" for day in range(11, 1, -1)]


def test_hidden_posts_and_posts_in_hidden_topics_stay_off_the_profile(client, board, member):
    shown = make_topic(board=board, author=member, title="Public topic", body="Public words.")
    hidden_post = make_post(topic=shown, author=member, body="Rude words.")
    Post.objects.filter(pk=hidden_post.pk).update(is_hidden=True, hidden_reason="rude")
    hidden_topic = make_topic(board=board, author=member, title="Secret topic", body="Secret words.")
    make_post(topic=hidden_topic, author=member, body="More secret words.")
    Topic.objects.filter(pk=hidden_topic.pk).update(is_hidden=True)

    for viewer in (None, member, UserFactory(username="mod2", is_global_moderator=True)):
        if viewer is not None:
            client.force_login(viewer)
        page = html(client.get("/u/alice/"))
        assert "Public words." in page
        assert "Rude words." not in page
        assert "Secret" not in page


def test_a_member_who_has_not_posted_gets_an_empty_state(client, member):
    page = html(client.get("/u/alice/"))

    assert "alice has not posted yet." in page
    assert dd_after(page, "Posts") == "0"


def test_a_moderators_profile_shows_their_role(client, moderator, admin_user):
    assert dd_after(html(client.get("/u/mod/")), "Role") == "Moderator"
    assert dd_after(html(client.get("/u/root/")), "Role") == "Administrator"
    assert "<dt>Role</dt>" not in html(client.get(f"/u/{UserFactory(username='plain').username}/"))


def test_a_member_with_a_chinese_username_has_a_working_profile_link(client, board):
    lihua = UserFactory(username="李华")
    topic = make_topic(board=board, author=lihua, title="你好", body="大家好")

    assert lihua.get_absolute_url() == f"/u/{quote('李华')}/"
    response = client.get(lihua.get_absolute_url())
    assert response.status_code == 200
    assert "大家好" in html(response)
    assert f'href="/u/{quote("李华")}/"' in html(client.get(topic.get_absolute_url()))


# --- accounts: signup, email confirmation, login -------------------------------------------------


def test_the_signup_page_renders_inside_the_site_layout(client):
    response = client.get("/accounts/signup/")

    assert response.status_code == 200
    page = html(response)
    assert 'class="skip-link" href="#main"' in page
    assert 'class="site-header"' in page
    assert 'class="brand" href="/">Hearth</a>' in page
    assert 'name="username"' in page and 'name="email"' in page and 'name="password1"' in page


def signup(client, username="breadhead", email="breadhead@example.com"):
    return client.post("/accounts/signup/", {
        "username": username, "email": email,
        "password1": "rising-crumb-4827", "password2": "rising-crumb-4827", **human_signup_fields(),
    })


def confirmation_path(message) -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_signing_up_creates_an_unverified_member_and_sends_a_confirmation_email(client):
    response = signup(client)

    assert response.status_code == 302
    user = User.objects.get(username="breadhead")
    assert user.email == "breadhead@example.com"
    assert user.email_verified is False
    assert EmailAddress.objects.get(user=user).verified is False
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["breadhead@example.com"]
    assert message.subject.startswith("[Hearth] ")
    assert confirmation_path(message)


def test_following_the_confirmation_link_verifies_the_email(client, board):
    signup(client)
    path = confirmation_path(mail.outbox[0])

    shown = client.get(path)
    assert shown.status_code == 200
    assert f'action="{path}"' in html(shown)  # a form to confirm; a GET alone confirms nothing
    assert User.objects.get(username="breadhead").email_verified is False

    confirmed = client.post(path)

    assert confirmed.status_code == 302
    user = User.objects.get(username="breadhead")
    assert user.email_verified is True
    assert EmailAddress.objects.get(user=user).verified is True
    # ... and now they can post.
    client.force_login(user)
    created = client.post("/b/sourdough/new/", {"title": "Hello from a new baker", "body": "Hi all."})
    assert created.status_code == 302
    assert Topic.objects.filter(author=user).count() == 1


def test_a_new_member_cannot_post_before_confirming(client, board):
    signup(client)
    client.force_login(User.objects.get(username="breadhead"))

    response = client.post("/b/sourdough/new/", {"title": "Too soon", "body": "Hi all."})

    assert response.status_code == 403
    assert "Confirm your email address before posting." in html(response)
    assert not Topic.objects.exists()


@pytest.mark.parametrize("login", ["alice", "alice@example.com"])
def test_a_member_can_log_in_with_username_or_email(client, member, login):
    response = client.post("/accounts/login/", {"login": login, "password": PASSWORD})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(member.pk)
    assert 'href="/u/alice/">alice</a>' in html(client.get("/"))


def test_a_wrong_password_gets_a_form_error_and_no_session(client, member):
    response = client.post("/accounts/login/", {"login": "alice", "password": "not the password"})

    assert response.status_code == 200
    assert response.context["form"].errors
    assert "_auth_user_id" not in client.session
