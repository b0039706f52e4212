"""In a real browser, under the Content-Security-Policy: logging in, previewing and posting a reply,
switching the language, a rank badge's colour, the two-factor set-up page and the admin all work, and
the browser reports no CSP violation on any of them."""
import re

import pytest
from playwright.sync_api import expect

from boards.models import Post
from tests.factories import BoardFactory, UserFactory, make_topic, rank_at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"


def watch_for_csp_violations(page) -> list[str]:
    """Every console message or page error that mentions the Content Security Policy."""
    seen: list[str] = []
    page.on("console", lambda message: seen.append(f"{message.type}: {message.text}")
            if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text else None)
    page.on("pageerror", lambda error: seen.append(f"pageerror: {error}"))
    # the browser also fires an event for each violation, console or not
    page.add_init_script("document.addEventListener('securitypolicyviolation', e => console.error("
                         "'Content Security Policy violation: ' + e.violatedDirective + ' ' + e.blockedURI));")
    return seen


def test_pages_work_under_the_policy_with_no_violation(live_server, page):
    violations = watch_for_csp_violations(page)
    board = BoardFactory(name="Sourdough", slug="sourdough")
    baker = UserFactory(username="baker", rank=rank_at(3), rank_order=3)  # Veteran: #b45309
    topic = make_topic(board=board, author=baker, title="Rye starter at 60%?", body="Mine smells of **apples**.")

    response = page.goto(f"{live_server.url}/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy

    # a form submit: log in
    page.get_by_role("link", name="Log in").click()
    page.get_by_label("Username or email").fill("baker")
    page.get_by_label("Password:", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("link", name="baker")).to_be_visible()

    # the rank badge gets its colour from the script, with no style attribute
    page.goto(f"{live_server.url}{topic.get_absolute_url()}")
    badge = page.locator(".rank-badge").first
    expect(badge).to_have_text("Veteran")
    assert badge.evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(180, 83, 9)"

    # the post preview, then the post
    page.get_by_label("Message").fill("Try a **warmer** spot.")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator(".preview strong")).to_have_text("warmer")
    page.get_by_role("button", name="Post reply").click()
    expect(page.get_by_text("Try a warmer spot.")).to_be_visible()
    assert Post.objects.filter(topic=topic, body="Try a **warmer** spot.").count() == 1

    # the language switch
    page.get_by_label("Language").select_option("zh-hans")
    page.get_by_role("button", name="Change").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_role("link", name="设置")).to_be_visible()
    page.get_by_label("语言").select_option("en")
    page.get_by_role("button", name="切换").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")

    assert violations == []


def test_the_two_factor_set_up_and_the_admin_work_under_the_policy(live_server, page):
    violations = watch_for_csp_violations(page)
    UserFactory(username="keeper", is_staff=True, is_superuser=True)

    # the admin's login is the site's
    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Username or email").fill("keeper")
    page.get_by_label("Password:", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))
    expect(page.get_by_role("link", name="Members").first).to_be_visible()
    page.goto(f"{live_server.url}/admin/members/user/")
    expect(page.get_by_text("keeper").first).to_be_visible()

    # the set-up page: confirm the password, then the QR code, drawn inline
    page.goto(f"{live_server.url}/settings/")
    page.get_by_role("link", name="Two-factor authentication").click()
    page.get_by_role("link", name="Activate").first.click()
    page.get_by_label("Password:", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator(".totp-qr svg")).to_be_visible()

    assert violations == []
