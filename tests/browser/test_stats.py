"""In a real browser: an admin opens the community-health page, switches the period and downloads a CSV;
a board moderator opens their board's health page and is refused another board's."""
from pathlib import Path

import pytest
from playwright.sync_api import expect

from stats.rollup import rollup_range
from tests.factories import BoardFactory, UserFactory, make_board_moderator
from tests.helpers import open_staff_menu
from tests.stats.helpers import at, days_ago, member, reply_at, topic_at, visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OUTPUT = Path(__file__).resolve().parents[2] / "test-results"
PASSWORD = "correct horse battery staple"


def log_in(browser, live_server, login):
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username or email").fill(login)
    page.get_by_label("Password:", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    return context, page


def test_admin_reads_the_health_page_and_a_moderator_only_their_boards(live_server, browser):
    sourdough = BoardFactory(name="Sourdough", slug="sourdough")
    BoardFactory(name="Pastry", slug="pastry")
    UserFactory(username="keeper", is_superuser=True, is_staff=True)
    make_board_moderator(sourdough, "breadmod")
    ann = member("ann", joined=at(days_ago(5)))
    visit(ann, days_ago(5), days_ago(2))
    topic = topic_at(at(days_ago(3), 9), board=sourdough, author=ann, title="Sluggish starter")
    reply_at(topic, at(days_ago(3), 15), author=member("helper"))
    rollup_range(days_ago(6), days_ago(1))

    context, page = log_in(browser, live_server, "keeper")
    try:
        open_staff_menu(page).get_by_role("link", name="Health", exact=True).click()
        expect(page.get_by_role("heading", name="Community health", level=1)).to_be_visible()
        page.get_by_role("link", name="7 days").click()
        expect(page.get_by_role("link", name="7 days")).to_have_attribute("aria-current", "page")
        expect(page.locator(".stats-headline h2")).to_be_visible()
        expect(page.get_by_role("img", name="Signups, day by day")).to_be_visible()
        with page.expect_download() as download:
            page.get_by_role("link", name="Download “Boards” as CSV").click()
        text = Path(download.value.path()).read_text(encoding="utf-8-sig")
        assert text.splitlines()[0].startswith("Board,Topics,Replies,Distinct posters")
        assert "Sourdough,1,1,2,6.0" in text
        OUTPUT.mkdir(exist_ok=True)
        page.screenshot(path=str(OUTPUT / "stats-admin.png"), full_page=True)
    finally:
        context.close()

    context, page = log_in(browser, live_server, "breadmod")
    try:
        page.goto(f"{live_server.url}/b/sourdough/")
        page.get_by_role("link", name="Board health").click()
        expect(page.get_by_role("heading", name="Health of Sourdough")).to_be_visible()
        expect(page.get_by_text("Sluggish starter")).to_have_count(0)  # answered: not in the unanswered list
        response = page.goto(f"{live_server.url}/stats/b/pastry/")
        assert response.status == 404
        response = page.goto(f"{live_server.url}/stats/")
        assert response.status == 404
    finally:
        context.close()
