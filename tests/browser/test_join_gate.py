"""In a real browser: joining by invite (a Regular makes a code, a newcomer signs up with it, the Regular
sees who joined), and joining by approval (the newcomer says why, waits, and a global moderator lets them
in from the queue)."""
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from members import services
from members.models import InviteCode, JoinStatus, RegistrationMode, User
from moderation.models import ModerationAction
from tests.factories import BoardFactory, UserFactory, rank_at
from tests.helpers import log_in_browser, open_staff_menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OUTPUT = Path(__file__).resolve().parents[2] / "test-results"
PASSPHRASE = "a sturdy passphrase 42"


def fill_signup(page, username):
    page.get_by_label("Username").fill(username)
    page.get_by_label("Email").fill(f"{username}@example.com")
    page.get_by_label("Password:", exact=True).fill(PASSPHRASE)
    page.get_by_label(re.compile("Password \\(again\\)")).fill(PASSPHRASE)


def test_a_regular_invites_a_newcomer_who_signs_up_with_the_code(live_server, browser, page):
    services.site_settings_update(registration_mode=RegistrationMode.INVITE)
    UserFactory(username="mara", rank=rank_at(2))

    # The Regular makes a code from their profile's invites page.
    context, mara = log_in_browser(browser, live_server, "mara")
    try:
        mara.goto(f"{live_server.url}/u/mara/")
        mara.get_by_role("link", name="My invites").click()
        mara.get_by_role("button", name="Make an invite code").click()
        expect(mara.get_by_text("A new invite code is ready")).to_be_visible()
        code = mara.locator("table.invites code").first.inner_text()
        assert InviteCode.objects.get(created_by__username="mara").code == code

        # With a wrong code the form says so.
        page.goto(f"{live_server.url}/")
        page.get_by_role("link", name="Sign up").click()
        expect(page.get_by_text("Joining is by invitation: a member gives you a code.")).to_be_visible()
        page.get_by_label("Invite code").fill(("y" if code[0] == "x" else "x") + code[1:])
        fill_signup(page, "newbaker")
        page.wait_for_timeout(3200)  # a person takes a few seconds (members.signup)
        page.get_by_role("button", name="Sign Up").click()
        expect(page.get_by_text("This invite code is not valid.")).to_be_visible()
        assert not User.objects.filter(username="newbaker").exists()

        # With the code: in, at once.
        page.get_by_label("Invite code").fill(code)
        page.get_by_label("Password:", exact=True).fill(PASSPHRASE)
        page.get_by_label(re.compile("Password \\(again\\)")).fill(PASSPHRASE)
        page.get_by_role("button", name="Sign Up").click()
        expect(page.get_by_text("Confirm your email address to start posting.")).to_be_visible()
        newbaker = User.objects.get(username="newbaker")
        assert newbaker.join_status == JoinStatus.APPROVED
        assert InviteCode.objects.get(code=code).used_by == newbaker

        # The Regular sees who joined with their code.
        mara.reload()
        row = mara.locator("table.invites tbody tr").first
        expect(row).to_contain_text("Used")
        expect(row.get_by_role("link", name="newbaker")).to_be_visible()
        OUTPUT.mkdir(exist_ok=True)
        mara.screenshot(path=str(OUTPUT / "invites.png"), full_page=True)
    finally:
        context.close()


def test_a_newcomer_says_why_waits_and_a_moderator_lets_them_in_from_the_queue(live_server, browser, page):
    services.site_settings_update(registration_mode=RegistrationMode.APPROVAL)
    board = BoardFactory(name="Sourdough", slug="sourdough")
    UserFactory(username="keeper", is_global_moderator=True)

    page.goto(f"{live_server.url}/accounts/signup/")
    fill_signup(page, "newbaker")
    page.get_by_label("Why do you want to join?").fill("短短")
    page.wait_for_timeout(3200)
    page.get_by_role("button", name="Sign Up").click()
    expect(page.get_by_text("Tell us a little more: at least 10 characters.")).to_be_visible()
    page.get_by_label("Why do you want to join?").fill("I bake rye every week and want to learn levain timing.")
    page.get_by_label("Password:", exact=True).fill(PASSPHRASE)
    page.get_by_label(re.compile("Password \\(again\\)")).fill(PASSPHRASE)
    page.get_by_role("button", name="Sign Up").click()
    expect(page.get_by_text("Your account is waiting for a moderator's approval.")).to_be_visible()
    User.objects.filter(username="newbaker").update(email_verified=True)  # as if confirmed: only the gate is left

    # Reading is fine; writing answers 403 and says why.
    page.goto(f"{live_server.url}{board.get_absolute_url()}")
    expect(page.get_by_role("heading", name="Sourdough")).to_be_visible()
    page.goto(f"{live_server.url}/b/sourdough/new/")
    expect(page.get_by_text("Your account is waiting for a moderator's approval: until then")).to_be_visible()

    context, mod = log_in_browser(browser, live_server, "keeper")
    try:
        open_staff_menu(mod).get_by_role("link", name="Moderation queue").click()
        mod.get_by_role("link", name="New account waiting to join: newbaker").click()
        expect(mod.get_by_text("I bake rye every week")).to_be_visible()
        expect(mod.get_by_text("newbaker@example.com")).to_be_visible()
        OUTPUT.mkdir(exist_ok=True)
        mod.screenshot(path=str(OUTPUT / "signup-case.png"), full_page=True)
        mod.get_by_role("button", name="Let them in").click()
        expect(mod.get_by_text("Resolved: Account let in")).to_be_visible()
    finally:
        context.close()
    newbaker = User.objects.get(username="newbaker")
    assert newbaker.join_status == JoinStatus.APPROVED
    assert ModerationAction.objects.filter(action="approve_member", member=newbaker, actor__username="keeper").exists()

    # Now the newcomer writes.
    page.goto(f"{live_server.url}/b/sourdough/new/")
    page.get_by_label("Title").fill("Hello from a rye baker")
    page.get_by_label("Message").fill("Glad to be in.")
    page.get_by_role("button", name="Post topic").click()
    expect(page.get_by_role("heading", name="Hello from a rye baker")).to_be_visible()
