"""Account security against real PostgreSQL and Redis: failed logins locked per account whatever the Host
header or the login page, client addresses behind and without a proxy, and limits that survive Redis."""
import pytest
from django.test import Client

from tests.factories import UserFactory
from tests.helpers import human_signup_fields

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


def post_reply(client, topic, body, **extra):
    return client.post(f"/t/{topic.pk}/reply/", {"body": body}, **extra)


@pytest.fixture
def tight_post_ip_budget(settings):
    from tests.factories import wait_for_fresh_rate_window

    settings.HEARTH = {**settings.HEARTH, "POST_IP_RATE": (3, 60), "POST_RATE": (100, 60)}
    wait_for_fresh_rate_window()


def test_hearths_per_address_limit_ignores_a_forged_header_without_a_proxy(tight_post_ip_budget, settings, topic):
    settings.TRUSTED_PROXY_COUNT = 0
    clients = []
    for name in ("one", "two"):
        c = Client()
        c.force_login(UserFactory(username=name))
        clients.append(c)
    for i in range(3):
        assert post_reply(clients[0], topic, f"Reply {i}", HTTP_X_FORWARDED_FOR=f"198.51.100.{i}").status_code == 302
    response = post_reply(clients[1], topic, "From the same address", HTTP_X_FORWARDED_FOR="198.51.100.50")
    assert response.status_code == 429


def test_hearths_per_address_limit_separates_clients_behind_a_proxy(tight_post_ip_budget, settings, topic):
    settings.TRUSTED_PROXY_COUNT = 1
    first, second = Client(), Client()
    first.force_login(UserFactory(username="one"))
    second.force_login(UserFactory(username="two"))
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for i in range(3):
        assert post_reply(first, topic, f"Reply {i}", HTTP_X_FORWARDED_FOR="198.51.100.1", **proxy).status_code == 302
    assert post_reply(first, topic, "One more", HTTP_X_FORWARDED_FOR="198.51.100.1", **proxy).status_code == 429
    assert post_reply(second, topic, "Me too", HTTP_X_FORWARDED_FOR="198.51.100.2", **proxy).status_code == 302


# --- previews, likes, reports and moves: per member and per address ----------------------------------


@pytest.fixture
def budgets(settings):
    from tests.factories import wait_for_fresh_rate_window

    def set_budgets(**rates):
        settings.HEARTH = {**settings.HEARTH, **rates}
        wait_for_fresh_rate_window()
    return set_budgets


def member_on(address: str, username: str) -> Client:
    client = Client(REMOTE_ADDR=address)
    client.force_login(UserFactory(username=username))
    return client


def preview(client, topic):
    return client.post(f"/t/{topic.pk}/reply/", {"body": "Does **this** look right?", "preview": "1"})


def test_each_preview_spends_one_action_of_the_members_preview_budget(budgets, topic):
    budgets(PREVIEW_RATE=(3, 60), PREVIEW_IP_RATE=(100, 60))
    client = member_on("198.51.100.1", "previewer")
    statuses = [preview(client, topic).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert "<strong>this</strong>" in preview(member_on("198.51.100.2", "other"), topic).content.decode()
    # previews have a budget of their own: the member can still post
    assert post_reply(client, topic, "Posted after previewing.").status_code == 302


def test_previews_are_limited_per_address_across_members(budgets, topic, board):
    budgets(PREVIEW_RATE=(100, 60), PREVIEW_IP_RATE=(2, 60))
    first, second = member_on("198.51.100.1", "first"), member_on("198.51.100.1", "second")
    assert preview(first, topic).status_code == 200
    assert first.post(f"/b/{board.slug}/new/", {"title": "A title", "body": "Body", "preview": "1"}).status_code == 200
    assert preview(second, topic).status_code == 429
    assert preview(member_on("198.51.100.2", "third"), topic).status_code == 200


def test_a_preview_costs_no_more_than_a_post(budgets, topic):
    """A preview renders once, from a body the form has checked like a post's: one too long is refused
    before anything is rendered."""
    from django.conf import settings

    budgets(PREVIEW_RATE=(100, 60))
    client = member_on("198.51.100.1", "long")
    response = client.post(f"/t/{topic.pk}/reply/", {"body": "x" * (settings.HEARTH["BODY_MAX_CHARS"] + 1),
                                                    "preview": "1"})
    assert response.status_code == 200 and response.context["preview_html"] is None


def test_likes_are_limited_per_address(budgets, topic):
    from tests.factories import make_post

    budgets(LIKE_IP_RATE=(2, 60))
    posts = [make_post(topic=topic) for _ in range(3)]
    first, second = member_on("198.51.100.1", "liker1"), member_on("198.51.100.1", "liker2")
    assert first.post(f"/p/{posts[0].pk}/like/").status_code == 302
    assert second.post(f"/p/{posts[1].pk}/like/").status_code == 302
    assert second.post(f"/p/{posts[2].pk}/like/").status_code == 429
    assert member_on("198.51.100.2", "liker3").post(f"/p/{posts[2].pk}/like/").status_code == 302


def test_reports_are_limited_per_address(budgets, topic):
    from tests.factories import make_post

    budgets(REPORT_IP_RATE=(1, 3600))
    posts = [make_post(topic=topic) for _ in range(2)]
    first, second = member_on("198.51.100.1", "reporter1"), member_on("198.51.100.1", "reporter2")
    assert first.post(f"/report/post/{posts[0].pk}/", {"reason": "spam"}).status_code == 302
    assert second.post(f"/report/post/{posts[1].pk}/", {"reason": "spam"}).status_code == 429


def test_topic_moves_are_limited_per_member_and_per_address(budgets, topic, pastry, board):
    budgets(MOVE_RATE=(1, 60), MOVE_IP_RATE=(2, 60))
    mover = Client(REMOTE_ADDR="198.51.100.1")
    mover.force_login(UserFactory(username="gmod", is_global_moderator=True))
    url = f"/t/{topic.pk}/manage/"
    assert mover.post(url, {"title": "Moved once", "board": pastry.pk}).status_code == 302
    assert mover.post(url, {"title": "Moved twice", "board": board.pk}).status_code == 429  # the member's budget
    other = Client(REMOTE_ADDR="198.51.100.1")
    other.force_login(UserFactory(username="gmod2", is_global_moderator=True))
    assert other.post(url, {"title": "Moved by another", "board": board.pk}).status_code == 302
    third = Client(REMOTE_ADDR="198.51.100.1")
    third.force_login(UserFactory(username="gmod3", is_global_moderator=True))
    assert third.post(url, {"title": "One too many", "board": pastry.pk}).status_code == 429  # the address's


# --- passwords: twelve characters at least, the admin's included; the admin's file goes after use -----


def signup(client, password):
    return client.post("/accounts/signup/", {"username": "joiner", "email": "joiner@example.com",
                                             "password1": password, "password2": password,
                                             **human_signup_fields()})


def test_signup_refuses_a_password_under_twelve_characters(client):
    response = signup(client, "rye-flour-9")
    assert response.status_code == 200
    assert "at least 12 characters" in response.content.decode()
    assert signup(client, "rye-flour-92").status_code == 302


def test_changing_a_password_enforces_twelve_characters(member_client):
    response = member_client.post("/accounts/password/change/", {
        "oldpassword": PASSWORD, "password1": "rye-flour-9", "password2": "rye-flour-9"})
    assert "at least 12 characters" in response.content.decode()
    response = member_client.post("/accounts/password/change/", {
        "oldpassword": PASSWORD, "password1": "rye-flour-92", "password2": "rye-flour-92"})
    assert response.status_code == 302


def test_the_demo_members_still_log_in_with_the_documented_password(db):
    from django.core.management import call_command

    from boards.demo import DEMO_PASSWORD
    from members.models import User

    call_command("seed_demo", if_empty=True)
    demo = User.objects.exclude(is_superuser=True).order_by("pk").first()
    client = Client()
    assert site_login(client, demo.username, DEMO_PASSWORD).status_code == 302 and logged_in(client)


@pytest.fixture
def var_dir(settings, tmp_path, monkeypatch):
    settings.VAR_DIR = tmp_path
    monkeypatch.delenv("ADMIN_PASSWORD", raising=False)
    return tmp_path


def ensure_admin(**options) -> str:
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("ensure_admin", stdout=out, **options)
    return out.getvalue()


@pytest.mark.parametrize("weak", ["short-pw", "admin@example.com", "123456789012345", "password1234"])
def test_ensure_admin_refuses_a_weak_admin_password(var_dir, monkeypatch, weak):
    from django.core.management import CommandError

    from members.models import User

    monkeypatch.setenv("ADMIN_PASSWORD", weak)
    with pytest.raises(CommandError, match="ADMIN_PASSWORD is refused"):
        ensure_admin(username="admin", email="admin@example.com")
    assert not User.objects.filter(username="admin").exists()


def test_ensure_admin_takes_a_good_admin_password_and_writes_no_file(var_dir, monkeypatch):
    monkeypatch.setenv("ADMIN_PASSWORD", "a long and unusual passphrase")
    assert "Created admin account 'admin'." in ensure_admin(username="admin", email="admin@example.com")
    assert not (var_dir / "admin-credentials.txt").exists()
    monkeypatch.setenv("ADMIN_PASSWORD", "weak")  # a restart with the same (or any) variable changes nothing
    assert "already exists" in ensure_admin(username="admin", email="admin@example.com")


def test_the_generated_password_is_shown_once_and_its_file_goes_at_the_admins_first_login(var_dir):
    from django.contrib.auth.password_validation import validate_password

    output = ensure_admin(username="admin", email="admin@example.com")
    note = var_dir / "admin-credentials.txt"
    password = note.read_text().split("password: ")[1].strip()
    validate_password(password)
    assert output.count(password) == 1
    again = ensure_admin(username="admin", email="admin@example.com")
    assert password not in again and str(note) in again

    site_login(Client(), "someone-else", "wrong password")
    assert note.exists()
    client = Client()
    assert site_login(client, "admin", password).status_code == 302 and logged_in(client)
    assert not note.exists()
    assert str(note) not in ensure_admin(username="admin", email="admin@example.com")
