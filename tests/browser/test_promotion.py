"""In a real browser: an admin approves a promotion proposal on the Promotions page, and the member
then moderates their board (approves a newcomer's held post there)."""
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from boards.models import BoardModerator, Post
from members.models import User
from standing.promotions import propose_moderators
from tests.factories import BoardFactory, UserFactory, make_post, make_topic, newcomer_rank, rank_at
from tests.helpers import log_in_browser, open_staff_menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OUTPUT = Path(__file__).resolve().parents[2] / "test-results"


def test_admin_approves_a_promotion_and_the_member_moderates_their_board(live_server, browser):
    sourdough = BoardFactory(name="Sourdough", slug="sourdough")
    other = BoardFactory(name="Pastry", slug="pastry")
    UserFactory(username="keeper", is_superuser=True, is_staff=True)
    carer = UserFactory(username="carer", rank=rank_at(4), rank_order=4, rank_locked=True)
    User.objects.filter(pk=carer.pk).update(date_joined=timezone.now() - timedelta(days=400), days_visited=90)
    topic = make_topic(board=sourdough, title="Reviving an old starter")
    for i in range(5):
        make_post(topic=topic, author=carer, body=f"Helpful answer {i}")
    make_post(topic=make_topic(board=other), author=carer, body="A pastry tip")
    newcomer = UserFactory(username="fresh", rank=newcomer_rank(), rank_order=0)
    held = make_post(topic=topic, author=newcomer, body="My very first reply here!")
    assert held.is_awaiting_approval

    proposals = propose_moderators()  # the nightly job
    assert [(p.member.username, p.board.name) for p in proposals] == [("carer", "Sourdough")]

    admin_context, admin = log_in_browser(browser, live_server, "keeper")
    try:
        open_staff_menu(admin).get_by_role("link", name="Promotions").click()
        proposal = admin.locator(".proposal").filter(has_text="carer")
        expect(proposal).to_contain_text("Posts in this board")
        expect(proposal).to_contain_text("5 / 6")
        proposal.get_by_role("button", name="Approve: moderate Sourdough").click()
        expect(admin.get_by_text("carer now moderates Sourdough.")).to_be_visible()
    finally:
        admin_context.close()
    assert BoardModerator.objects.filter(member=carer, board=sourdough, granted_by__username="keeper").exists()

    member_context, page = log_in_browser(browser, live_server, "carer")
    try:
        expect(page.get_by_role("link", name="Notifications 2 unread")).to_be_visible()  # proposed, then appointed
        page.get_by_role("link", name="Notifications 2 unread").click()
        expect(page.get_by_text("You are now a moderator of Sourdough")).to_be_visible()
        page.goto(f"{live_server.url}{topic.get_absolute_url()}")
        held_post = page.locator(f"#p{held.pk}")
        expect(held_post).to_contain_text("My very first reply here!")
        held_post.get_by_role("button", name="Approve").click()
        expect(page.get_by_text("The post is published.")).to_be_visible()
        page.goto(f"{live_server.url}/b/sourdough/")
        expect(page.get_by_text("Moderators: carer")).to_be_visible()
        OUTPUT.mkdir(exist_ok=True)
        page.screenshot(path=str(OUTPUT / "promoted-member-moderates.png"), full_page=True)
    finally:
        member_context.close()
    held.refresh_from_db()
    assert not held.is_awaiting_approval
    assert not Post.objects.filter(is_awaiting_approval=True).exists()
