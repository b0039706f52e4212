"""In a real browser: a member reports a post, the board's moderator hides it from the queue, and the
member sees the outcome."""
from pathlib import Path

import pytest
from playwright.sync_api import expect

from boards.models import BoardModerator, Post
from moderation.models import Case, ModerationAction
from tests.factories import BoardFactory, UserFactory, make_post, make_topic
from tests.helpers import log_in_browser, open_staff_menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OUTPUT = Path(__file__).resolve().parents[2] / "test-results"


def test_a_member_reports_a_post_the_moderator_hides_it_and_the_member_sees_the_outcome(live_server, browser):
    board = BoardFactory(name="Sourdough", slug="sourdough", rules="1. Be kind.\n2. No selling.")
    keeper = UserFactory(username="keeper")
    BoardModerator.objects.create(board=board, member=keeper)
    spammer = UserFactory(username="spammer")
    topic = make_topic(board=board, title="Best flour for rye?")
    spam = make_post(topic=topic, author=spammer, body="BUY CHEAP FLOUR at my shop!!!")
    UserFactory(username="reader")

    reader_context, reader = log_in_browser(browser, live_server, "reader")
    try:
        reader.goto(f"{live_server.url}{topic.get_absolute_url()}")
        reader.locator(f"#p{spam.pk}").get_by_role("link", name="Report").click()
        reader.get_by_label("Spam").check()
        reader.get_by_label("Note for the moderators").fill("Selling flour in every topic.")
        reader.get_by_role("button", name="Send report").click()
        expect(reader.get_by_text("Thank you. The moderators will look at it")).to_be_visible()

        mod_context, mod = log_in_browser(browser, live_server, "keeper")
        try:
            open_staff_menu(mod).get_by_role("link", name="Moderation queue").click()
            mod.get_by_role("link", name="Post: Best flour for rye?").click()
            expect(mod.get_by_text("Selling flour in every topic.")).to_be_visible()
            expect(mod.locator("article.reported")).to_contain_text("BUY CHEAP FLOUR")
            mod.get_by_label("Reason (the member sees it)").fill("Advertising is not allowed here.")
            mod.get_by_label("Rule applied").select_option("2. No selling.")
            mod.get_by_role("button", name="Hide post").click()
            expect(mod.get_by_text("Resolved: Post hidden")).to_be_visible()
            mod.goto(f"{live_server.url}/mod/log/")
            expect(mod.get_by_role("cell", name="Hid post")).to_be_visible()
        finally:
            mod_context.close()

        reader.goto(f"{live_server.url}/notifications/")
        expect(reader.get_by_text("Your report was resolved: Post hidden")).to_be_visible()
        reader.goto(f"{live_server.url}{topic.get_absolute_url()}")
        expect(reader.locator(f"#p{spam.pk}")).to_contain_text("This post was hidden by a moderator.")
        expect(reader.locator(f"#p{spam.pk}")).not_to_contain_text("BUY CHEAP FLOUR")
        OUTPUT.mkdir(exist_ok=True)
        reader.screenshot(path=str(OUTPUT / "reported-post-hidden.png"), full_page=True)
    finally:
        reader_context.close()

    spam.refresh_from_db()
    assert spam.is_hidden and spam.hidden_reason == "Advertising is not allowed here."
    assert Case.objects.get(post=spam).state == Case.State.RESOLVED
    entry = ModerationAction.objects.get(action="hide")
    assert (entry.actor, entry.post, entry.rule) == (keeper, spam, "2. No selling.")
    assert Post.objects.filter(pk=spam.pk, is_hidden=True).exists()
