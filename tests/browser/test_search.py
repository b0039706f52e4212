"""A visitor, in a real browser: searches from the header box of the front page, narrows the results to one
board with the filters, opens a result and lands on the post, on its page of the topic, at its anchor."""
import re

import pytest
from playwright.sync_api import expect

from tests.factories import BoardFactory, UserFactory, make_post, make_topic

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_search_from_the_header_filter_by_board_and_open_the_post(live_server, page):
    sourdough = BoardFactory(name="Sourdough", slug="sourdough")
    pastry = BoardFactory(name="Pastry", slug="pastry")
    mara, bao = UserFactory(username="mara"), UserFactory(username="bao")
    topic = make_topic(board=sourdough, author=mara, title="Feeding schedules", body="Twice a day works.")
    for i in range(22):
        make_post(topic=topic, author=bao if i % 2 else mara, body=f"Reply {i}: feeding notes.")
    target = make_post(topic=topic, author=bao, body="My 黑麦酵种 doubled overnight at 26 °C.")  # on page 2
    make_topic(board=pastry, author=mara, title="Rye croissants", body="A 黑麦酵种 in the dough? Why not.")

    page.goto(f"{live_server.url}/")
    header = page.get_by_role("search")
    header.get_by_label("Search the forum").fill("黑麦酵种")
    header.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="Search", exact=True)).to_be_visible()
    results = page.locator("li.result")
    expect(results).to_have_count(2)
    expect(page.locator("li.result mark").first).to_have_text("黑麦酵种")

    page.get_by_text("Filters", exact=True).click()
    page.get_by_label("Board").select_option("sourdough")
    page.get_by_role("button", name="Apply filters").click()
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text("Feeding schedules")
    expect(results.first).to_contain_text("doubled overnight")

    results.first.get_by_role("link", name="Feeding schedules").click()
    expect(page).to_have_url(re.compile(rf"/t/{topic.pk}/feeding-schedules/\?page=2#p{target.pk}$"))
    post = page.locator(f"#p{target.pk}")
    expect(post).to_be_visible()
    expect(post).to_contain_text("doubled overnight")
    expect(post).to_be_in_viewport()
