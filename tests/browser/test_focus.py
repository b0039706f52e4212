"""In a real browser: an admin reads the focus advice on the freshness page, follows it to move every topic
of a quiet board into a livelier one (a form, a page to confirm), and the board is archived and empty."""
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from boards.models import Board, Topic
from tests.factories import BoardFactory, UserFactory, make_topic
from tests.helpers import log_in_browser, open_staff_menu
from tests.spam.test_delete_spammer import assert_counters_exact

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OUTPUT = Path(__file__).resolve().parents[2] / "test-results"


def test_admin_follows_the_focus_advice_and_merges_a_quiet_board(live_server, browser, settings):
    settings.HEARTH = {**settings.HEARTH, "FOCUS_SHARE_MIN_POSTS": 20}
    bread = BoardFactory(name="Bread", slug="bread")
    cakes = BoardFactory(name="Cakes", slug="cakes")
    Board.objects.update(created_at=timezone.now() - timedelta(days=120))
    author = UserFactory(username="writer")
    make_topic(board=bread, author=author, title="Rye ratios", replies=59)
    quiet = make_topic(board=cakes, author=author, title="Victoria sponge")
    UserFactory(username="keeper", is_superuser=True, is_staff=True)

    context, page = log_in_browser(browser, live_server, "keeper")
    try:
        open_staff_menu(page).get_by_role("link", name="Freshness").click()
        advice = page.locator(".focus-advice")
        expect(advice).to_contain_text("More boards than activity")
        expect(advice).to_contain_text("1 board had under 2 % of the forum's 61 posts in the last 90 days.")
        OUTPUT.mkdir(exist_ok=True)
        page.screenshot(path=str(OUTPUT / "focus-advice.png"), full_page=True)
        advice.get_by_role("link", name="Move its topics into another board").click()

        expect(page.get_by_role("heading", name="Move all topics of Cakes")).to_be_visible()
        page.get_by_label("Move them into").select_option(label="Bread")
        expect(page.get_by_label("Archive this board once it is empty")).to_be_checked()
        page.get_by_label("Reason (for the moderation log)").fill("Too few cakes")
        page.get_by_role("button", name="Review the move").click()

        expect(page.get_by_text("Move 1 topic from Cakes into Bread?")).to_be_visible()
        expect(page.get_by_text("Cakes will be archived once it is empty.")).to_be_visible()
        assert Topic.objects.get(pk=quiet.pk).board_id == cakes.pk  # not yet
        page.screenshot(path=str(OUTPUT / "focus-move-confirm.png"), full_page=True)
        page.get_by_role("button", name="Move the topics").click()

        expect(page.get_by_text("Moved 1 topic from Cakes into Bread. Cakes is archived.")).to_be_visible()
        expect(page.locator(".focus-advice")).to_have_count(0)  # one board left: nothing to say
        page.screenshot(path=str(OUTPUT / "focus-board-merged.png"), full_page=True)
        page.goto(f"{live_server.url}/b/bread/")
        expect(page.get_by_role("link", name="Victoria sponge")).to_be_visible()
    finally:
        context.close()
    assert Topic.objects.get(pk=quiet.pk).board_id == bread.pk
    assert Board.objects.get(pk=cakes.pk).is_archived
    assert_counters_exact()
