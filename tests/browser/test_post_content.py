"""In a real browser: a held post's own list looks in the approval queue as it does in its topic (plain
bullets, not the queue's cards)."""
from pathlib import Path

import pytest
from playwright.sync_api import expect

from boards import services as board_services
from tests.factories import BoardFactory, UserFactory, make_topic, newcomer_rank
from tests.helpers import log_in_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OUTPUT = Path(__file__).resolve().parents[2] / "test-results"


def test_a_post_list_in_the_approval_queue_is_not_drawn_as_cards(live_server, browser):
    board = BoardFactory(name="Sourdough", slug="sourdough")
    topic = make_topic(board=board, author=UserFactory(), title="Rye")
    board_services.post_create(topic=topic, author=UserFactory(rank=newcomer_rank()),
                               body="My steps:\n\n- feed the starter\n- wait a day\n")
    UserFactory(username="keeper", is_superuser=True, is_staff=True)
    context, tab = log_in_browser(browser, live_server, "keeper")
    try:
        tab.goto(f"{live_server.url}/mod/approvals/")
        nested = tab.locator(".recent-posts > li .prose li").first
        expect(nested).to_have_text("feed the starter")
        style = nested.evaluate("e => [getComputedStyle(e).borderTopWidth, getComputedStyle(e).display,"
                                " getComputedStyle(e.parentElement).listStyleType]")
        assert style == ["0px", "list-item", "disc"]
        card = tab.locator(".recent-posts > li").first
        assert card.evaluate("e => getComputedStyle(e).borderTopWidth") == "1px"
        OUTPUT.mkdir(exist_ok=True)
        tab.screenshot(path=str(OUTPUT / "approvals-prose.png"), full_page=True)
    finally:
        context.close()
