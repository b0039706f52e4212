"""The signup challenge (honeypot + signed time stamp), disposable addresses, addresses close to a banned
member's, and where an account signed up from."""
import pytest

from members.models import BlockedSignupCount, DisposableEmailDomain, SignupRecord, User
from members.signup import edit_distance
from tests.factories import BoardFactory, UserFactory
from tests.helpers import human_signup_fields

pytestmark = pytest.mark.django_db

PASSWORD = "rising-crumb-4827"


def signup(client, username="breadhead", email="breadhead@example.com", **fields):
    data = {"username": username, "email": email, "password1": PASSWORD, "password2": PASSWORD}
    data.update(fields)
    return client.post("/accounts/signup/", data, REMOTE_ADDR="203.0.113.7")


def blocked_today() -> int:
    return sum(BlockedSignupCount.objects.values_list("count", flat=True))


def test_the_signup_form_carries_a_honeypot_and_a_token(client):
    body = client.get("/accounts/signup/").content.decode()
    assert 'name="website"' in body and 'name="signup_token"' in body


def test_a_person_who_took_their_time_signs_up_and_their_address_is_kept(client):
    response = signup(client, **human_signup_fields())
    assert response.status_code == 302
    user = User.objects.get(username="breadhead")
    assert SignupRecord.objects.get(member=user).ip == "203.0.113.7"
    assert blocked_today() == 0


@pytest.mark.parametrize("fields", [
    {"website": "http://spam.example"},  # the honeypot filled
    "fast",  # sent back within a second
    {"signup_token": "forged:token:here"},
    {},  # no token at all
])
def test_a_bot_is_answered_like_a_success_but_nothing_is_created(client, fields):
    if fields == "fast":
        fields = human_signup_fields(seconds_ago=1)
    elif "website" in fields:
        fields = {**human_signup_fields(), **fields}
    response = signup(client, **fields)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert not User.objects.filter(username="breadhead").exists()
    assert blocked_today() == 1
    assert "email" in client.get(response["Location"]).content.decode().lower()


def test_a_disposable_address_is_refused_and_the_list_is_shipped_and_editable(client):
    from members.services import disposable_domains_load

    disposable_domains_load()  # the migration loaded it; a transaction=True test before may have flushed it
    assert DisposableEmailDomain.objects.filter(domain="mailinator.com").exists()
    response = signup(client, email="me@mailinator.com", **human_signup_fields())
    assert response.status_code == 200
    assert "throwaway" in response.content.decode()
    DisposableEmailDomain.objects.create(domain="Junk.Example")
    assert signup(client, email="me@mail.junk.example", **human_signup_fields()).status_code == 200
    assert not User.objects.filter(username="breadhead").exists()
    assert signup(client, email="me@bakers.example", **human_signup_fields()).status_code == 302


def test_edit_distance():
    assert edit_distance("spammer@x.com", "spammer@x.com", 2) == 0
    assert edit_distance("spammer1@x.com", "spammer@x.com", 2) == 1
    assert edit_distance("spam.mer12@x.com", "spammer@x.com", 2) == 3
    assert edit_distance("abc", "xyz", 2) == 3


def test_an_address_close_to_a_banned_members_holds_the_new_accounts_posts(client):
    UserFactory(username="villain", email="villain99@example.com", is_banned=True)
    assert signup(client, email="villain98@example.com", **human_signup_fields()).status_code == 302
    user = User.objects.get(username="breadhead")
    record = SignupRecord.objects.get(member=user)
    assert "villain" in record.held_reason
    User.objects.filter(pk=user.pk).update(email_verified=True)
    from boards import services

    topic = services.topic_create(board=BoardFactory(), author=User.objects.get(pk=user.pk), title="Hello",
                                  body="Just arrived.")
    assert topic.first_post.is_awaiting_approval and topic.is_hidden
    # a distant address is not held
    client.logout()
    signup(client, username="kind", email="somebody.else@example.com", **human_signup_fields())
    assert SignupRecord.objects.get(member__username="kind").held_reason == ""
