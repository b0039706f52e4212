"""In a real browser: the signup form's bot checks (members.signup). A person who fills the form in and
sends it after a few seconds gets an account; a bot that fills the hidden honeypot field, or sends the form
back within SIGNUP_MIN_SECONDS, is shown the "verify your email" page like a success, but no account and no
email are made, and the day's blocked-signup counter (shown in the admin) records each."""
import time

import pytest
from django.conf import settings
from playwright.sync_api import expect

from members.models import BlockedSignupCount, User
from tests.factories import UserFactory
from tests.helpers import log_in_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "rising-crumb-4827"


def open_signup(browser, live_server):
    context = browser.new_context()
    tab = context.new_page()
    tab.goto(f"{live_server.url}/accounts/signup/")
    return context, tab, time.monotonic()


def fill_in(tab, username):
    tab.get_by_label("Username:").fill(username)
    tab.get_by_label("Email:").fill(f"{username}@example.com")
    tab.get_by_label("Password:", exact=True).fill(PASSWORD)
    tab.get_by_label("Password (again):").fill(PASSWORD)


def wait_past_minimum(opened_at: float) -> None:
    """A person takes longer than SIGNUP_MIN_SECONDS: let that much time pass since the form was served."""
    remaining = settings.HEARTH["SIGNUP_MIN_SECONDS"] + 0.5 - (time.monotonic() - opened_at)
    if remaining > 0:
        time.sleep(remaining)


def blocked_today() -> int:
    return sum(BlockedSignupCount.objects.values_list("count", flat=True))


def expect_answered_like_a_success(tab, live_server):
    expect(tab).to_have_url(f"{live_server.url}/accounts/confirm-email/")
    expect(tab.get_by_role("heading", name="Verify Your Email Address")).to_be_visible()
    expect(tab.get_by_text("We have sent an email to you for verification.")).to_be_visible()


def test_a_person_signs_up_and_bots_are_answered_like_a_success_but_get_nothing(live_server, browser, mailoutbox):
    UserFactory(username="keeper", is_staff=True, is_superuser=True)

    # a person: never sees the honeypot (off screen, skipped by Tab), takes their time, gets an account
    context, tab, opened_at = open_signup(browser, live_server)
    try:
        honeypot = tab.locator("#id_website")
        box = honeypot.bounding_box()
        assert box is not None and box["x"] + box["width"] <= 0, f"the honeypot is on screen: {box}"
        fill_in(tab, "breadhead")
        tab.get_by_label("Password (again):").focus()
        tab.keyboard.press("Tab")
        expect(tab.get_by_role("button", name="Sign Up")).to_be_focused()
        wait_past_minimum(opened_at)
        tab.get_by_role("button", name="Sign Up").click()
        expect(tab.get_by_text("Confirmation email sent to breadhead@example.com.")).to_be_visible()
        expect(tab.get_by_role("link", name="breadhead", exact=True)).to_be_visible()  # signed in
    finally:
        context.close()
    assert User.objects.filter(username="breadhead", email="breadhead@example.com").exists()
    assert [message.to for message in mailoutbox] == [["breadhead@example.com"]]
    assert blocked_today() == 0

    # a bot that fills every field it finds, the honeypot too, even after waiting
    context, tab, opened_at = open_signup(browser, live_server)
    try:
        fill_in(tab, "cheapflour")
        tab.locator("#id_website").fill("https://cheap-flour.example")
        wait_past_minimum(opened_at)
        tab.get_by_role("button", name="Sign Up").click()
        expect_answered_like_a_success(tab, live_server)
        expect(tab.get_by_role("button", name="Log out")).to_have_count(0)
    finally:
        context.close()
    assert not User.objects.filter(username="cheapflour").exists()
    assert blocked_today() == 1

    # a bot that leaves the honeypot empty but sends the form back at once
    context, tab, opened_at = open_signup(browser, live_server)
    try:
        fill_in(tab, "fastflour")
        tab.get_by_role("button", name="Sign Up").click()
        sent_after = time.monotonic() - opened_at
        expect_answered_like_a_success(tab, live_server)
    finally:
        context.close()
    assert sent_after < settings.HEARTH["SIGNUP_MIN_SECONDS"], f"the form went back after {sent_after:.1f} s"
    assert not User.objects.filter(username="fastflour").exists()
    assert blocked_today() == 2
    assert len(mailoutbox) == 1  # the person's only

    # the admin sees the day's count
    context, tab = log_in_browser(browser, live_server, "keeper")
    try:
        tab.goto(f"{live_server.url}/admin/members/blockedsignupcount/")
        expect(tab.locator("#result_list tbody tr")).to_have_count(1)
        expect(tab.locator("#result_list tbody tr td").last).to_have_text("2")
    finally:
        context.close()
