"""Account security against real PostgreSQL and Redis: failed logins locked per account whatever the Host
header or the login page, client addresses behind and without a proxy, and limits that survive Redis."""
import pytest
from django.test import Client

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
TOO_MANY = "Too many failed login attempts"


def site_login(client, login, password, **extra):
    return client.post("/accounts/login/", {"login": login, "password": password}, **extra)


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


# --- one lockout per account ------------------------------------------------------------------------


def test_the_lockout_counts_per_account_whatever_port_the_host_header_names(member):
    for port in (8000, 8000, 8000, 8001, 8001):
        site_login(Client(), member.username, "wrong password", HTTP_HOST=f"127.0.0.1:{port}")
    for host in ("127.0.0.1:8001", "127.0.0.1:8002", "localhost", "testserver"):
        client = Client()
        response = site_login(client, member.username, PASSWORD, HTTP_HOST=host, REMOTE_ADDR="10.0.0.9")
        assert response.status_code == 200 and TOO_MANY in response.content.decode(), host
        assert not logged_in(client)


def test_the_username_and_the_email_share_one_count(member):
    for login in (member.username, member.email, member.username.upper(), member.email, member.username):
        site_login(Client(), login, "wrong password")
    client = Client()
    assert TOO_MANY in site_login(client, member.email, PASSWORD, REMOTE_ADDR="10.0.0.9").content.decode()
    assert not logged_in(client)


def test_a_few_wrong_passwords_do_not_lock_the_member_out(member):
    for _ in range(4):
        site_login(Client(), member.username, "wrong password", HTTP_HOST="127.0.0.1:8000")
    client = Client()
    assert site_login(client, member.username, PASSWORD, HTTP_HOST="127.0.0.1:8001").status_code == 302
    assert logged_in(client)


def test_another_account_is_not_locked_by_someone_elses_failures(member):
    other = UserFactory(username="bystander")
    for _ in range(6):
        site_login(Client(), member.username, "wrong password")
    client = Client()
    assert site_login(client, other.username, PASSWORD).status_code == 302


# --- the admin login is the site's login ------------------------------------------------------------


def test_admin_login_page_sends_to_the_site_login_keeping_next(client):
    response = client.get("/admin/login/?next=/admin/members/user/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2Fmembers%2Fuser%2F"
    assert client.get("/admin/", follow=True).redirect_chain[-1][0] == "/accounts/login/?next=%2Fadmin%2F"


def test_25_wrong_passwords_on_the_admin_login_then_the_right_one_does_not_get_in(admin_user):
    for _ in range(25):
        response = Client().post("/admin/login/?next=/admin/", {"username": admin_user.username,
                                                                 "password": "not the password"})
        assert response.status_code in (200, 429)
    client = Client()
    client.post("/admin/login/?next=/admin/", {"username": admin_user.username, "password": PASSWORD})
    assert not logged_in(client)
    assert client.get("/admin/").status_code == 302
    # and the site's own login is locked for that account too
    site = Client()  # from another address: the account is locked, not just the address
    assert TOO_MANY in site_login(site, admin_user.username, PASSWORD, REMOTE_ADDR="10.0.0.9").content.decode()
    assert not logged_in(site)


def test_the_admin_login_lets_staff_in_with_the_right_password(admin_user):
    client = Client()
    response = client.post("/admin/login/", {"username": admin_user.username, "password": PASSWORD,
                                             "next": "/admin/"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_failures_on_the_site_login_lock_the_admin_login_too(admin_user):
    for _ in range(5):
        site_login(Client(), admin_user.username, "wrong password")
    client = Client()
    client.post("/admin/login/", {"username": admin_user.username, "password": PASSWORD, "next": "/admin/"},
                REMOTE_ADDR="10.0.0.9")
    assert not logged_in(client)


def test_a_signed_in_member_who_is_not_staff_is_refused_without_a_redirect_loop(member_client):
    assert member_client.get("/admin/login/?next=/admin/").status_code == 403


def test_signed_in_staff_on_the_admin_login_go_to_the_admin(admin_client):
    response = admin_client.get("/admin/login/")
    assert response.status_code == 302 and response["Location"] == "/admin/"


# --- the client's address, with and without a proxy -------------------------------------------------


@pytest.mark.parametrize(("proxies", "forwarded", "expected"), [
    (0, "", "203.0.113.7"),
    (0, "198.51.100.1", "203.0.113.7"),  # no proxy of ours: the header is the client's own invention
    (1, "198.51.100.1", "198.51.100.1"),
    (1, "6.6.6.6, 198.51.100.1", "198.51.100.1"),  # the forged part is left of what our proxy appended
    (2, "6.6.6.6, 198.51.100.1, 10.0.0.2", "198.51.100.1"),
    (2, "198.51.100.1", "203.0.113.7"),  # fewer hops than proxies: not through our proxies
    (1, "not-an-address", "203.0.113.7"),
    (1, "2001:db8::5", "2001:db8::5"),
])
def test_client_ip_trusts_exactly_the_configured_proxies(rf, settings, proxies, forwarded, expected):
    from forum.clientip import client_ip

    settings.TRUSTED_PROXY_COUNT = proxies
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    assert client_ip(rf.get("/", REMOTE_ADDR="203.0.113.7", **extra)) == expected


def test_allauth_counts_the_address_hearth_counts(rf, settings):
    from allauth.account.adapter import get_adapter

    settings.TRUSTED_PROXY_COUNT = 1
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.1")
    assert get_adapter(request).get_client_ip(request) == "198.51.100.1"


def fail_logins(n, **extra):
    """n failed logins, each for an account of its own (so only the per-address limit can stop them)."""
    return [site_login(Client(), f"nobody{i}", "wrong password", **extra) for i in range(n)]


def test_without_a_proxy_a_forged_forwarded_for_does_not_buy_a_fresh_login_budget(db, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    for i in range(10):
        site_login(Client(), f"nobody{i}", "wrong password", HTTP_X_FORWARDED_FOR=f"198.51.100.{i}")
    response = site_login(Client(), "nobody-else", "wrong password", HTTP_X_FORWARDED_FOR="198.51.100.99")
    assert TOO_MANY in response.content.decode()


def test_behind_one_proxy_two_clients_get_separate_login_budgets(db, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    fail_logins(10, HTTP_X_FORWARDED_FOR="198.51.100.1", **proxy)
    assert TOO_MANY in fail_logins(1, HTTP_X_FORWARDED_FOR="198.51.100.1", **proxy)[0].content.decode()
    # a second client behind the same proxy still has its own budget
    other = fail_logins(1, HTTP_X_FORWARDED_FOR="198.51.100.2", **proxy)[0].content.decode()
    assert TOO_MANY not in other and "not correct" in other
    # and forging the header does not move the first client into a new bucket
    forged = fail_logins(1, HTTP_X_FORWARDED_FOR="198.51.100.77, 198.51.100.1", **proxy)[0].content.decode()
    assert TOO_MANY in forged
