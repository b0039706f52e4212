"""In a real browser: a board moderator features a topic from its page, and it shows on /featured/ with
its 精华 badge."""
import pytest
from playwright.sync_api import expect

from boards.models import BoardModerator, Topic
from notices.models import Notice
from tests.factories import BoardFactory, UserFactory, make_topic
from tests.helpers import log_in_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_moderator_features_a_topic_that_then_shows_on_the_featured_page(live_server, browser):
    board = BoardFactory(name="Sourdough", slug="sourdough")
    keeper = UserFactory(username="keeper")
    BoardModerator.objects.create(board=board, member=keeper)
    author = UserFactory(username="baker")
    topic = make_topic(board=board, author=author, title="The perfect rye starter")
    make_topic(board=board, author=author, title="An ordinary loaf")

    context, page = log_in_browser(browser, live_server, "keeper")
    try:
        page.goto(f"{live_server.url}{topic.get_absolute_url()}")
        page.get_by_text("Moderate this topic").click()
        page.locator("#topic-mod-reason").fill("A recipe everyone should read.")
        page.get_by_label("Featured level").select_option("3")
        page.get_by_role("button", name="Feature (精华)").click()
        expect(page.get_by_text("Done: Featured (精华) at level 3")).to_be_visible()
        expect(page.locator(".topic-header .tag.featured")).to_have_text("精华 3")

        page.get_by_role("link", name="Featured (精华)").click()
        expect(page.get_by_role("heading", name="Featured topics (精华)")).to_be_visible()
        expect(page.get_by_role("link", name="The perfect rye starter")).to_be_visible()
        expect(page.get_by_text("An ordinary loaf")).to_have_count(0)
    finally:
        context.close()

    assert Topic.objects.get(pk=topic.pk).featured_level == 3
    assert Notice.objects.filter(recipient=author, verb="topic_featured").exists()
