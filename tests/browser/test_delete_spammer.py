"""In a real browser: an admin deletes a spammer from the case page. The spammer's topics leave the boards and
their replies leave the topics (a placeholder keeps each place, so permalinks still land right), the numbers
on the board index and board pages match a recount from the rows, and Undo (within 7 days) brings all of it
back; a removal older than that can no longer be undone."""
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from boards import services as board_services
from boards.models import Board, Post, Topic
from moderation import services as moderation_services
from moderation.models import SpammerRemoval
from tests.factories import BoardFactory, UserFactory, make_post, make_topic
from tests.helpers import log_in_browser, open_staff_menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SPAM = ("Cheap flour sale", "Flour deals every day", "Buy cheap flour at my shop", "Wholesale flour, DM me")


def recount(board: Board) -> dict:
    """What the board's pages should show, counted from the rows: the topics on the board, the places in
    them (a deleted post keeps its place), and who wrote the newest post everyone may read."""
    topics = Topic.objects.filter(board=board, is_hidden=False)
    readable = Post.objects.filter(topic__in=topics, is_hidden=False, is_awaiting_approval=False,
                                   deleted_at__isnull=True)
    last = readable.select_related("author").order_by("-id").first()
    return {"topics": topics.count(), "posts": Post.objects.filter(topic__in=topics).count(),
            "last_author": last.author.username if last else None,
            "replies": {topic.title: topic.posts.count() - 1 for topic in topics}}


def board_card_numbers(tab, name: str) -> tuple[int, int]:
    card = tab.locator(".board-card").filter(has=tab.get_by_role("link", name=name, exact=True))

    def number(label: str) -> int:
        return int(card.locator(f"xpath=.//dt[normalize-space()='{label}']/following-sibling::dd").inner_text())

    return number("Topics"), number("Posts")


def check_boards_match_the_rows(tab, live_server, boards) -> dict:
    """Index and board pages show what a recount from the rows says; returns the recounts."""
    counted = {board.name: recount(board) for board in boards}
    tab.goto(f"{live_server.url}/")
    for board in boards:
        expected = counted[board.name]
        assert board_card_numbers(tab, board.name) == (expected["topics"], expected["posts"]), board.name
    for board in boards:
        expected = counted[board.name]
        tab.goto(f"{live_server.url}{board.get_absolute_url()}")
        topics = "topic" if expected["topics"] == 1 else "topics"
        expect(tab.locator(".board-header")).to_contain_text(f"{expected['topics']} {topics} · "
                                                             f"{expected['posts']} posts")
        rows = tab.locator(".topic-table tbody tr")
        expect(rows).to_have_count(expected["topics"])
        for title, replies in expected["replies"].items():
            row = rows.filter(has=tab.get_by_role("link", name=title, exact=True))
            expect(row.locator("td.num")).to_have_text(str(replies))
        newest = rows.first  # the board lists the topic with the newest activity first
        expect(newest.locator("td").last).to_contain_text(expected["last_author"])
    return counted


def test_an_admin_deletes_a_spammer_and_undoes_it(live_server, browser):
    keeper = UserFactory(username="keeper", is_superuser=True, is_staff=True)
    alice, bob, carol = (UserFactory(username=name) for name in ("alice", "bob", "carol"))
    spammer = UserFactory(username="cheapflour")
    sourdough = BoardFactory(name="Sourdough", slug="sourdough")
    pastry = BoardFactory(name="Pastry", slug="pastry")

    starter = make_topic(board=sourdough, author=alice, title="My starter is sluggish", body="Doubles in 12 hours.")
    make_post(topic=starter, author=bob, body="Try a warmer spot.")
    spam_reply = make_post(topic=starter, author=spammer, body=SPAM[2])
    after_spam = make_post(topic=starter, author=carol, body="Feed it twice a day.")
    spam_topic = make_topic(board=sourdough, author=spammer, title=SPAM[0], body="Best prices.")
    make_post(topic=spam_topic, author=bob, body="Is this allowed here?")
    croissants = make_topic(board=pastry, author=carol, title="Croissant basics", body="Cold butter, cold dough.")
    make_post(topic=croissants, author=spammer, body=SPAM[3])  # the newest post on Pastry
    make_topic(board=pastry, author=spammer, title=SPAM[1], body="Flour by the tonne.")
    board_services.post_like(member=spammer, post=starter.first_post)
    moderation_services.report_create(reporter=alice, kind="post", reason="spam", post=spam_reply,
                                      note="Selling flour in every topic.")
    boards = [sourdough, pastry]

    visitor_context = browser.new_context()
    visitor = visitor_context.new_page()
    admin_context, admin = log_in_browser(browser, live_server, "keeper")
    try:
        before = check_boards_match_the_rows(visitor, live_server, boards)
        assert (before["Sourdough"]["topics"], before["Pastry"]["topics"]) == (2, 2)
        visitor.goto(f"{live_server.url}{starter.get_absolute_url()}")
        expect(visitor.get_by_text(SPAM[2])).to_be_visible()

        # the admin deletes the spammer from the case about the reported reply
        open_staff_menu(admin).get_by_role("link", name="Moderation queue").click()
        admin.get_by_role("link", name="Post: My starter is sluggish").click()
        expect(admin.get_by_text("Selling flour in every topic.")).to_be_visible()
        admin.get_by_label("Reason for deleting as a spammer").fill("Flour spam in every board")
        admin.get_by_role("button", name="Delete spammer: ban and remove all their posts").click()
        expect(admin.get_by_text("cheapflour was banned; 4 posts and 2 topics were removed. You can undo this "
                                 "for 7 days.")).to_be_visible()
        row = admin.locator(".topic-table tbody tr").filter(has_text="cheapflour")
        expect(row).to_contain_text("4 posts, 2 topics")

        # the visitor: no spam anywhere, the numbers match the rows, permalinks still land
        after = check_boards_match_the_rows(visitor, live_server, boards)
        assert (after["Sourdough"]["topics"], after["Pastry"]["topics"]) == (1, 1)
        assert after["Pastry"]["last_author"] == "carol"
        for board in boards:
            visitor.goto(f"{live_server.url}{board.get_absolute_url()}")
            for text in SPAM[:2]:
                expect(visitor.get_by_text(text)).to_have_count(0)
        visitor.goto(f"{live_server.url}{starter.get_absolute_url()}")
        for text in SPAM:
            expect(visitor.get_by_text(text)).to_have_count(0)
        expect(visitor.locator(f"#p{spam_reply.pk} .placeholder")).to_have_text("This post was deleted by a "
                                                                                 "moderator.")
        visitor.goto(f"{live_server.url}/p/{after_spam.pk}/")
        expect(visitor.locator(f"#p{after_spam.pk}")).to_contain_text("Feed it twice a day.")
        expect(visitor.locator(f"#p{after_spam.pk} .permalink")).to_have_text("#4")
        assert visitor.goto(f"{live_server.url}{spam_topic.get_absolute_url()}").status == 404

        # Undo, within the 7 days: everything comes back, the numbers as they were
        admin.locator(".topic-table tbody tr").filter(has_text="cheapflour").get_by_role("button", name="Undo").click()
        expect(admin.get_by_text("Undone: cheapflour is no longer banned and their content is back.")).to_be_visible()
        expect(admin.locator(".topic-table tbody tr").filter(has_text="cheapflour")).to_contain_text("undone by keeper")
        assert check_boards_match_the_rows(visitor, live_server, boards) == before
        visitor.goto(f"{live_server.url}{starter.get_absolute_url()}")
        expect(visitor.get_by_text(SPAM[2])).to_be_visible()
        visitor.goto(f"{live_server.url}{spam_topic.get_absolute_url()}")
        expect(visitor.get_by_role("heading", name=SPAM[0])).to_be_visible()

        # deleted again, and 8 days later: too late to undo
        removal = moderation_services.spammer_delete(actor=keeper, member=spammer, reason="Spam again")
        SpammerRemoval.objects.filter(pk=removal.pk).update(created_at=removal.created_at - timedelta(days=8))
        admin.reload()
        late = admin.locator(".topic-table tbody tr").filter(has_text="too late to undo")
        expect(late).to_have_count(1)
        expect(late.get_by_role("button", name="Undo")).to_have_count(0)
    finally:
        admin_context.close()
        visitor_context.close()
