"""In a real browser: the word filter blocks a reply and says which rule, holds another, and the moderator
sees the term that matched in the approval case."""
import pytest
from playwright.sync_api import expect

from boards.models import BoardModerator
from tests.factories import BoardFactory, UserFactory, make_topic
from tests.helpers import log_in_browser
from wordfilter.models import Term

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_blocked_reply_names_the_rule_and_a_held_one_names_its_term_to_the_moderator(live_server, browser):
    board = BoardFactory(name="Sourdough", slug="sourdough")
    keeper = UserFactory(username="keeper")
    BoardModerator.objects.create(board=board, member=keeper)
    topic = make_topic(board=board, title="Best flour for rye?")
    UserFactory(username="writer")
    Term.objects.create(term="广告", action="block")
    Term.objects.create(term="代购", action="hold")

    context, page = log_in_browser(browser, live_server, "writer")
    try:
        page.goto(f"{live_server.url}{topic.get_absolute_url()}")
        page.get_by_label("Message").fill("免费广告在这里")
        page.get_by_role("button", name="Post reply").click()
        expect(page.get_by_text("which this forum does not allow")).to_be_visible()
        page.get_by_label("Message").fill("日本面粉ＤＡＩＧＯＵ，也可以代购")
        page.get_by_role("button", name="Post reply").click()
        expect(page.get_by_text("日本面粉")).to_be_visible()
    finally:
        context.close()

    context, mod = log_in_browser(browser, live_server, "keeper")
    try:
        mod.goto(f"{live_server.url}/mod/")
        expect(mod.get_by_text("word filter: “代购”")).to_be_visible()
        mod.get_by_role("link", name="Waiting for approval: Best flour for rye?").click()
        expect(mod.get_by_text("Held by the word filter: “代购”")).to_be_visible()
    finally:
        context.close()
