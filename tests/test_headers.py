"""Security headers: the Content-Security-Policy and Permissions-Policy on every response, and pages that
need nothing the policy forbids (no inline script, event handler or style attribute)."""
from html.parser import HTMLParser

import pytest

from tests.factories import make_board_moderator, make_post, rank_at

pytestmark = pytest.mark.django_db

POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https:; object-src 'none'; "
          "base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
PERMISSIONS = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


def test_every_kind_of_response_carries_both_policies(client, topic):
    responses = [client.get("/"), client.get(topic.get_absolute_url()), client.get("/accounts/login/"),
                 client.get("/admin/"), client.get("/no-such-page/"), client.post("/accounts/login/", {}),
                 client.get("/healthz")]
    for response in responses:
        assert response["Content-Security-Policy"] == POLICY, response.status_code
        assert response["Permissions-Policy"] == PERMISSIONS
        assert response["X-Frame-Options"] == "DENY"


def test_the_429_page_carries_them_too(client, settings, member):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "1/m/ip"}
    client.post("/accounts/login/", {"login": member.username, "password": "x"})
    response = client.post("/accounts/login/", {"login": member.username, "password": "x"})
    assert response.status_code == 429 and response["Content-Security-Policy"] == POLICY
    assert "Slow down a little" in response.content.decode()


def test_djangos_debug_pages_go_without_the_policy(client, settings):
    settings.DEBUG = True
    response = client.get("/no-such-page/")
    assert response.status_code == 404 and "Content-Security-Policy" not in response
    assert client.get("/")["Content-Security-Policy"] == POLICY


class InlineFinder(HTMLParser):
    """Collects what the policy would block: inline <script>, on* handlers, style attributes and <style>."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        if tag == "script" and "src" not in names and names.get("type") != "application/json":
            self.found.append("inline <script>")
        if tag == "style":
            self.found.append("<style>")
        self.found += [f"{tag} {name}=" for name, _ in attrs if name == "style" or name.startswith("on")]
        if any((value or "").strip().lower().startswith("javascript:") for name, value in attrs
               if name in ("href", "src", "action")):
            self.found.append(f"{tag} javascript: URL")


def inline_parts(html: str) -> list[str]:
    finder = InlineFinder()
    finder.feed(html)
    return finder.found


@pytest.mark.parametrize("who", ["anonymous", "member", "board_mod", "admin"])
def test_pages_have_no_inline_script_or_style(client, who, topic, board, member, admin_user):
    author = topic.author
    author.rank = rank_at(3)
    author.save(update_fields=["rank"])
    make_post(topic=topic, body="A reply with a [link](https://example.com/).")
    users = {"member": member, "board_mod": make_board_moderator(board, "breadmod"), "admin": admin_user}
    if who in users:
        client.force_login(users[who])
    urls = ["/", board.get_absolute_url(), topic.get_absolute_url(), f"/u/{author.username}/", "/members/",
            "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/", "/no-such-page/"]
    if who != "anonymous":
        urls += ["/settings/", "/standing/", "/notifications/", f"/t/{topic.pk}/reply/", f"/b/{board.slug}/new/",
                 f"/report/post/{topic.first_post_id}/", "/accounts/email/", "/accounts/password/change/",
                 "/accounts/2fa/", "/accounts/2fa/recovery-codes/"]
    if who in ("board_mod", "admin"):
        urls += ["/mod/", "/mod/log/", "/mod/approvals/"]
    if who == "admin":
        urls += ["/promotions/", "/freshness/", "/seed/", "/admin/", "/admin/members/user/",
                 f"/admin/members/user/{member.pk}/change/", "/admin/boards/board/add/"]
    for url in urls:
        response = client.get(url, follow=True)
        assert response.status_code in (200, 403, 404), url
        assert inline_parts(response.content.decode()) == [], url


def test_the_inline_finder_finds_what_the_policy_blocks():
    html = ('<p style="color:red" onclick="go()">x</p><script>alert(1)</script><style>p{}</style>'
            '<a href="javascript:go()">y</a><script src="/static/js/site.js"></script>'
            '<script type="application/json">{}</script><span data-colour="#fff">z</span>')
    assert inline_parts(html) == ["p style=", "p onclick=", "inline <script>", "<style>", "a javascript: URL"]
