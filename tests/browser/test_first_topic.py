"""A new member, in a real browser: signs up, confirms the email, starts a topic (which, as a newcomer's
first post, waits for a moderator), the moderator approves it, and the member gets a reply."""
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from boards.models import Post, Topic
from members.models import User
from tests.factories import BoardFactory, UserFactory
from tests.helpers import log_in_browser, open_staff_menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OUTPUT = Path(__file__).resolve().parents[2] / "test-results"


def test_new_member_signs_up_verifies_starts_a_topic_and_gets_a_reply(live_server, page, browser, mailoutbox):
    BoardFactory(name="Sourdough starters", slug="sourdough-starters",
                 description="Raising and reviving starters.", rules="1. Say your flour.",
                 rules_html="<ol><li>Say your flour.</li></ol>")
    UserFactory(username="helper")
    UserFactory(username="keeper", is_superuser=True, is_staff=True)

    # Sign up.
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Sign up").click()
    page.get_by_label("Username").fill("newbaker")
    page.get_by_label("Email").fill("newbaker@example.com")
    page.get_by_label("Password:", exact=True).fill("a sturdy passphrase 42")
    page.get_by_label(re.compile("Password \\(again\\)")).fill("a sturdy passphrase 42")
    page.wait_for_timeout(3200)  # a person takes a few seconds; a form sent back sooner is a bot's (members.signup)
    page.get_by_role("button", name="Sign Up").click()

    # Not verified yet: the site says so, and posting is refused with the reason.
    expect(page.get_by_text("Confirm your email address to start posting.")).to_be_visible()
    page.goto(f"{live_server.url}/b/sourdough-starters/new/")
    expect(page.get_by_role("heading", name="You can't do that here")).to_be_visible()
    expect(page.get_by_text("Confirm your email address before posting")).to_be_visible()

    # Confirm the email with the link from the message.
    assert len(mailoutbox) == 1
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mailoutbox[0].body).group(0)
    page.goto(link.replace("http://testserver", live_server.url))
    page.get_by_role("button", name="Confirm").click()
    assert User.objects.get(username="newbaker").email_verified

    # Start a topic from the board page, which shows the board's focus and rules.
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Sourdough starters").click()
    expect(page.get_by_text("Raising and reviving starters.")).to_be_visible()
    expect(page.get_by_text("Say your flour.")).to_be_visible()
    page.get_by_role("link", name="Start a topic").click()
    page.get_by_label("Title").fill("My first starter")
    page.get_by_label("Message").fill("Day 3 and **bubbles** already. Is that normal?")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator(".preview strong")).to_have_text("bubbles")
    page.get_by_role("button", name="Post topic").click()
    expect(page.get_by_role("heading", name="My first starter")).to_be_visible()
    expect(page.get_by_text("Waiting for a moderator's approval")).to_be_visible()
    topic = Topic.objects.get(title="My first starter")
    assert topic.author.username == "newbaker" and topic.is_hidden

    # A moderator lets the newcomer's topic out from the approval queue.
    moderator_context, mod_page = log_in_browser(browser, live_server, "keeper")
    try:
        open_staff_menu(mod_page).get_by_role("link", name="Approvals").click()
        expect(mod_page.get_by_text("Day 3 and")).to_be_visible()
        mod_page.get_by_role("button", name="Approve").click()
        expect(mod_page.get_by_text("The post is published.")).to_be_visible()
    finally:
        moderator_context.close()
    topic.refresh_from_db()
    assert not topic.is_hidden

    # Another member replies from their own browser session, quoting the question.
    other, helper_page = log_in_browser(browser, live_server, "helper@example.com")
    try:
        helper_page.goto(f"{live_server.url}{topic.get_absolute_url()}")
        helper_page.get_by_role("link", name="Quote").first.click()
        body = helper_page.get_by_label("Message")
        expect(body).to_have_value(re.compile(r"^\*\*newbaker\*\* wrote:\n> Day 3"))
        body.fill(body.input_value() + "Yes! Early bubbles are normal; keep feeding.")
        helper_page.get_by_role("button", name="Post reply").click()
        expect(helper_page.get_by_text("keep feeding")).to_be_visible()
    finally:
        other.close()

    # The new member sees the reply, marked as a reply to their post.
    page.reload()
    reply = page.locator("article.post").nth(1)
    expect(reply).to_contain_text("keep feeding")
    expect(reply.get_by_role("link", name="in reply to newbaker")).to_be_visible()
    assert Post.objects.filter(topic=topic).count() == 2
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / "first-topic-with-reply.png"), full_page=True)
