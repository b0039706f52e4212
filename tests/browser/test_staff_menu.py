"""In a real browser on a phone-width screen (390 px): the header's "Moderation" menu opens without
script, lists the staff pages the member may open, follows a link, and nothing overflows sideways."""
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.factories import BoardFactory, UserFactory, make_board_moderator
from tests.helpers import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OUTPUT = Path(__file__).resolve().parents[2] / "test-results"
PHONE = {"width": 390, "height": 844}


def phone_log_in(browser, live_server, username, *, javascript=True):
    context = browser.new_context(viewport=PHONE, java_script_enabled=javascript)
    tab = context.new_page()
    tab.goto(f"{live_server.url}/accounts/login/")
    tab.get_by_label("Username or email").fill(username)
    tab.get_by_label("Password:", exact=True).fill(PASSWORD)
    tab.get_by_role("button", name="Sign In").click()
    expect(tab.locator("details.staff-menu > summary")).to_be_visible()
    return context, tab


def no_horizontal_overflow(tab) -> bool:
    return tab.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


@pytest.mark.parametrize("javascript", [True, False])
def test_an_admin_opens_the_menu_on_a_phone_and_follows_a_link(live_server, browser, javascript):
    BoardFactory(name="Sourdough", slug="sourdough")
    UserFactory(username="keeper", is_superuser=True, is_staff=True)
    context, tab = phone_log_in(browser, live_server, "keeper", javascript=javascript)
    try:
        menu = tab.locator("details.staff-menu")
        expect(menu.get_by_role("link", name="Promotions")).to_be_hidden()
        assert no_horizontal_overflow(tab)
        menu.locator("summary").click()
        for name in ("Moderation queue", "Moderation log", "Approvals", "Promotions", "Freshness", "Scheduled",
                     "Health"):
            link = menu.get_by_role("link", name=name, exact=True)
            expect(link).to_be_visible()
            box = link.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], name
        assert no_horizontal_overflow(tab)
        if javascript:
            OUTPUT.mkdir(exist_ok=True)
            tab.screenshot(path=str(OUTPUT / "staff-menu-390.png"))
        menu.get_by_role("link", name="Freshness").click()
        expect(tab).to_have_url(re.compile(r"/freshness/$"))
        assert no_horizontal_overflow(tab)
    finally:
        context.close()


def test_a_board_moderator_sees_only_their_pages(live_server, browser):
    make_board_moderator(BoardFactory(name="Sourdough", slug="sourdough"), "breadmod")
    context, tab = phone_log_in(browser, live_server, "breadmod")
    try:
        menu = tab.locator("details.staff-menu")
        menu.locator("summary").click()
        expect(menu.get_by_role("link", name="Approvals")).to_be_visible()
        expect(menu.get_by_role("link")).to_have_count(3)  # queue, log, approvals
        menu.get_by_role("link", name="Moderation log").click()
        assert tab.url.endswith("/mod/log/")
        assert no_horizontal_overflow(tab)
    finally:
        context.close()
