"""Two-factor authentication for staff (allauth.mfa): with STAFF_MFA_REQUIRED, admins and global
moderators use moderation and admin pages only with an authenticator app, whose code allauth asks for at
every login, the admin's included; recovery codes stand in for a lost phone; members are never asked."""
import time
from urllib.parse import quote

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.test import Client
from django.urls import get_resolver

from tests.factories import make_board_moderator

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
ENROL = "/accounts/2fa/totp/activate/"
STAFF_PAGES = ["/mod/", "/mod/log/", "/mod/approvals/", "/promotions/", "/freshness/", "/seed/", "/admin/",
               "/admin/members/user/"]


@pytest.fixture(autouse=True)
def mfa_required(settings):
    settings.STAFF_MFA_REQUIRED = True


def code_for(secret: str) -> str:
    """What the authenticator app shows now."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def with_totp(user) -> str:
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def logged_in_as(client):
    return client.session.get("_auth_user_id")


@pytest.mark.parametrize("url", STAFF_PAGES)
def test_an_admin_without_an_authenticator_is_sent_to_set_one_up(admin_client, url):
    response = admin_client.get(url)
    assert response.status_code == 302 and response["Location"] == ENROL


@pytest.mark.parametrize("url", ["/mod/", "/mod/approvals/", "/seed/"])
def test_a_global_moderator_without_an_authenticator_is_sent_to_set_one_up(client, moderator, url):
    client.force_login(moderator)
    response = client.get(url, follow=True)
    assert response.redirect_chain[0] == (ENROL, 302)
    assert "Moderation and admin pages need two-factor authentication." in response.content.decode()


def test_members_and_board_moderators_are_never_asked(client, member, board):
    client.force_login(member)
    for url in ["/", "/settings/", "/mod/", "/promotions/"]:
        response = client.get(url)
        assert response.get("Location") != ENROL, url
    client.force_login(make_board_moderator(board, "breadmod"))
    assert client.get("/mod/").status_code == 200


def test_staff_use_the_rest_of_the_site_without_an_authenticator(admin_client, topic):
    for url in ["/", topic.get_absolute_url(), "/settings/", "/accounts/2fa/"]:
        assert admin_client.get(url).status_code == 200, url


def test_without_the_setting_nothing_is_asked(admin_client, settings):
    settings.STAFF_MFA_REQUIRED = False
    assert admin_client.get("/mod/").status_code == 200
    assert admin_client.get("/admin/").status_code == 200


def test_an_admin_with_an_authenticator_passes_after_the_code_step(admin_user):
    secret = with_totp(admin_user)
    client = Client()
    response = client.post("/accounts/login/", {"login": admin_user.username, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/accounts/2fa/authenticate/"
    assert logged_in_as(client) is None  # the password alone does not sign in
    assert client.get("/mod/").status_code == 302

    response = client.post("/accounts/2fa/authenticate/", {"code": "000000" if code_for(secret) != "000000"
                                                           else "111111"})
    assert response.status_code == 200 and logged_in_as(client) is None  # a wrong code does not either

    response = client.post("/accounts/2fa/authenticate/", {"code": code_for(secret)})
    assert response.status_code == 302 and logged_in_as(client) == str(admin_user.pk)
    assert client.get("/mod/").status_code == 200
    assert client.get("/admin/").status_code == 200


def test_the_admin_login_asks_for_the_code_too(admin_user):
    secret = with_totp(admin_user)
    client = Client()
    response = client.post("/admin/login/", {"username": admin_user.username, "password": PASSWORD,
                                             "next": "/admin/"})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/2fa/authenticate/")
    assert logged_in_as(client) is None
    response = client.post("/accounts/2fa/authenticate/", {"code": code_for(secret)})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_recovery_code_stands_in_for_the_app_once(moderator):
    with_totp(moderator)
    codes = RecoveryCodes.activate(moderator).generate_codes()
    assert len(codes) == 10

    def log_in(code):
        client = Client()
        client.post("/accounts/login/", {"login": moderator.username, "password": PASSWORD})
        client.post("/accounts/2fa/authenticate/", {"code": code})
        return client

    client = log_in(codes[0])
    assert logged_in_as(client) == str(moderator.pk)
    assert client.get("/mod/").status_code == 200
    assert logged_in_as(log_in(codes[0])) is None  # spent
    assert logged_in_as(log_in(codes[1])) == str(moderator.pk)


def test_staff_enrol_through_the_pages_and_get_recovery_codes(admin_user):
    client = Client()
    client.post("/accounts/login/", {"login": admin_user.username, "password": PASSWORD})
    assert logged_in_as(client) == str(admin_user.pk)  # no authenticator yet: the password signs in
    response = client.get("/mod/", follow=True)
    assert response.redirect_chain == [(ENROL, 302), (f"/accounts/reauthenticate/?next={quote(ENROL, safe='')}", 302)]
    # allauth has them confirm their password before a second factor is added
    response = client.post(response.redirect_chain[-1][0], {"password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == ENROL
    page = client.get(ENROL).content.decode()
    assert "<svg" in page and "data:image" not in page  # the QR code inline: the CSP allows no data: images
    secret = client.session["mfa.totp.secret"]
    assert secret in page  # also as text, to type into the app

    response = client.post(ENROL, {"code": code_for(secret)})
    assert response.status_code == 302 and response["Location"] == "/accounts/2fa/recovery-codes/"
    assert Authenticator.objects.filter(user=admin_user, type=Authenticator.Type.TOTP).exists()
    codes = RecoveryCodes(Authenticator.objects.get(user=admin_user, type=Authenticator.Type.RECOVERY_CODES))
    page = client.get("/accounts/2fa/recovery-codes/").content.decode()
    assert all(code in page for code in codes.get_unused_codes())
    assert client.get("/mod/").status_code == 200
    assert client.get("/admin/").status_code == 200

    # from now on the login asks for the code
    again = Client()
    response = again.post("/accounts/login/", {"login": admin_user.username, "password": PASSWORD})
    assert response["Location"] == "/accounts/2fa/authenticate/" and logged_in_as(again) is None


REMINDER = "As staff, set up two-factor authentication"


def test_staff_without_an_authenticator_are_reminded_at_login(admin_user, member):
    client = Client()
    response = client.post("/accounts/login/", {"login": admin_user.username, "password": PASSWORD}, follow=True)
    assert REMINDER in response.content.decode()
    other = Client()
    response = other.post("/accounts/login/", {"login": member.username, "password": PASSWORD}, follow=True)
    assert REMINDER not in response.content.decode()


def test_a_new_global_moderator_is_asked_as_soon_as_they_are_made_one(client, member):
    client.force_login(member)
    assert client.get("/mod/").get("Location") != ENROL
    member.is_global_moderator = True
    member.save(update_fields=["is_global_moderator"])
    assert client.get("/mod/")["Location"] == ENROL


def _routes(patterns, prefix=""):
    """(route, name, view) of every URL under `patterns`; a lazily loaded view as the view it loads."""
    from django.urls import URLResolver

    from forum.lazy import load

    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            view = pattern.callback
            view = load(view.lazy_path) if hasattr(view, "lazy_path") else view
            yield prefix + str(pattern.pattern), pattern.name, view


def test_the_2fa_urls_are_allauths_own_with_views_loaded_on_first_use():
    """members.mfa_urls lays out allauth.mfa's URLs itself (so that their views load lazily): the same routes,
    names and views as allauth's own, so that an allauth upgrade that changes them fails here."""
    import allauth.mfa.urls
    from allauth.mfa.totp import views as totp_views

    from members import mfa_urls

    ours = sorted(_routes(mfa_urls.urlpatterns), key=str)
    assert ours == sorted(_routes(allauth.mfa.urls.urlpatterns), key=str)
    assert ("totp/activate/", "mfa_activate_totp", totp_views.activate_totp) in ours
    resolver = get_resolver(mfa_urls)
    assert all(hasattr(resolver.resolve("/" + route).func, "lazy_path")
               for route, _name, _view in ours)


def test_a_lazily_loaded_2fa_view_answers_like_allauths(client, member):
    client.force_login(member)
    page = client.get("/accounts/2fa/")
    assert page.status_code == 200 and page.resolver_match.url_name == "mfa_index"
    assert "/accounts/2fa/totp/activate/" in page.content.decode()
