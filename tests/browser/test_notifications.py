"""In a real browser: member A watches a board, member B starts a topic there and mentions A; A sees the
count in the header, opens the notification, lands on the post, and the count drops."""
from pathlib import Path

import pytest
from playwright.sync_api import expect

from boards.models import Topic
from tests.factories import BoardFactory, UserFactory
from tests.helpers import log_in_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OUTPUT = Path(__file__).resolve().parents[2] / "test-results"


def test_a_watched_board_and_a_mention_reach_the_member(live_server, browser):
    BoardFactory(name="Sourdough", slug="sourdough")
    UserFactory(username="anna")
    UserFactory(username="ben")

    a_context, a = log_in_browser(browser, live_server, "anna")
    b_context, b = log_in_browser(browser, live_server, "ben")
    try:
        a.goto(f"{live_server.url}/b/sourdough/")
        a.get_by_label("Follow this board").select_option("watching")
        a.get_by_role("button", name="Save").click()
        expect(a.get_by_text("Saved: how you follow this board.")).to_be_visible()

        b.goto(f"{live_server.url}/b/sourdough/new/")
        b.get_by_label("Title").fill("Rye starter smells of acetone")
        b.get_by_label("Message").fill("Is this normal, @anna? You wrote about rye last week.")
        b.get_by_role("button", name="Post topic").click()
        expect(b.get_by_role("heading", name="Rye starter smells of acetone")).to_be_visible()
        expect(b.locator("a.mention")).to_have_attribute("href", "/u/anna/")

        a.goto(f"{live_server.url}/")
        header = a.get_by_role("link", name="Notifications 1 unread")
        expect(header).to_be_visible()
        header.click()
        a.get_by_role("link", name="ben mentioned you in “Rye starter smells of acetone”").click()
        topic = Topic.objects.get(title="Rye starter smells of acetone")
        expect(a).to_have_url(f"{live_server.url}{topic.get_absolute_url()}#p{topic.first_post_id}")
        expect(a.locator(f"#p{topic.first_post_id}")).to_contain_text("Is this normal")
        expect(a.get_by_role("link", name="Notifications", exact=True)).to_be_visible()  # the count dropped
        OUTPUT.mkdir(exist_ok=True)
        a.screenshot(path=str(OUTPUT / "notification-opened.png"), full_page=True)
    finally:
        a_context.close()
        b_context.close()
