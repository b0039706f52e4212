"""In a real browser: a Regular finds the Regulars' lounge on the index and enters it; a Member sees no
trace of it, and its address answers "not found"."""
import pytest
from playwright.sync_api import expect

from tests.factories import BoardFactory, UserFactory, make_topic, rank_at
from tests.helpers import log_in_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_regular_enters_the_lounge_that_a_member_cannot_see(live_server, browser):
    BoardFactory(name="Sourdough", slug="sourdough", description="All about starters.")
    lounge = BoardFactory(name="Regulars' lounge", slug="lounge", description="A quiet room for the regulars.",
                          view_rank=rank_at(2))
    regular = UserFactory(username="regular", rank=rank_at(2))
    UserFactory(username="plain", rank=rank_at(1))
    make_topic(board=lounge, author=regular, title="A baking day for the regulars?")

    context, page = log_in_browser(browser, live_server, "regular")
    try:
        page.goto(f"{live_server.url}/")
        page.get_by_role("link", name="Regulars' lounge").click()
        expect(page.get_by_role("heading", name="Regulars' lounge")).to_be_visible()
        page.get_by_role("link", name="A baking day for the regulars?").click()
        expect(page.get_by_role("heading", name="A baking day for the regulars?")).to_be_visible()
        page.locator(".reply-box").get_by_label("Message").fill("Count me in, I'll bring rye.")
        page.get_by_role("button", name="Post reply").click()
        expect(page.get_by_text("Count me in, I'll bring rye.")).to_be_visible()
    finally:
        context.close()

    context, page = log_in_browser(browser, live_server, "plain")
    try:
        page.goto(f"{live_server.url}/")
        expect(page.get_by_role("link", name="Sourdough")).to_be_visible()
        expect(page.get_by_text("Regulars' lounge")).to_have_count(0)
        response = page.goto(f"{live_server.url}/b/lounge/")
        assert response.status == 404
        expect(page.get_by_text("Regulars' lounge")).to_have_count(0)
        expect(page.get_by_text("A baking day")).to_have_count(0)
    finally:
        context.close()
