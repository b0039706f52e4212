"""axe-core (WCAG 2.1 A and AA rules) over every page of the forum, as a visitor, a member and an admin:
0 violations. The pages come from tests/browser/site_pages.py, and a test here fails when a named URL
pattern is neither checked nor excluded there with a reason, so a new page cannot slip by.

axe runs in Debian's chromium through axe-playwright-python, which ships axe.min.js (no network). Every
<details> on a page is opened first, so that what it folds away (the staff menu, a board's rules, the
search filters) is checked too."""
import re
import time
from urllib.parse import urlsplit

import pytest
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse
from playwright.sync_api import expect

from members.models import User
from tests.browser.site_pages import (
    ADMIN,
    MEMBER,
    NOT_CHECKED_NAMESPACES,
    NOT_PAGES,
    PAGES,
    ROLES,
    USERNAMES,
    VISITOR,
    build_forum,
    named_patterns,
    not_yet_classified,
    pages_for,
)
from tests.helpers import PASSWORD, log_in_browser

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_21_AA}, "resultTypes": ["violations"]}
OPEN_EVERY_DETAILS = "document.querySelectorAll('details').forEach((d) => { d.open = true; })"
SECONDS_PER_PAGE = 8  # a page (load and axe together) taking longer than this is a failure of its own

# The error pages a test cannot reach by a request without breaking something on purpose: rendered here
# and served at a made-up address under the live server (their stylesheet comes from the server).
RENDERED = {"429": "429.html", "500": "500.html", "503": "503.html"}


# ---------------------------------------------------------------- the catalogue covers the URLconf


def test_every_named_url_pattern_is_checked_or_excluded_with_a_reason():
    missing = not_yet_classified()
    assert not missing, (
        "These named URL patterns are neither checked by axe nor excluded: add each to PAGES (the "
        "addresses and roles) or NOT_PAGES (why it is not a page) in tests/browser/site_pages.py: "
        + ", ".join(missing))


def test_the_catalogue_names_only_url_patterns_that_exist():
    known = set(named_patterns())
    stale = sorted(name for name in [*PAGES, *NOT_PAGES] if name not in known)
    assert not stale, f"tests/browser/site_pages.py names URL patterns the URLconf no longer has: {stale}"
    assert all(pages or name == "account_signup" for name, pages in PAGES.items())
    assert all(entry.reason for entry in NOT_PAGES.values()) and all(NOT_CHECKED_NAMESPACES.values())


@pytest.mark.django_db
def test_the_lists_read_by_key_are_checked_past_their_first_page():
    """The checker accepts a redirect that stays on the same path, and a cursor that leads nowhere sends the
    reader to the first page: the pages past the first must really show the pagination's links."""
    forum = build_forum()
    clients = {MEMBER: Client(), ADMIN: Client()}
    clients[MEMBER].force_login(forum.alice)
    clients[ADMIN].force_login(forum.keeper)
    for name in ("standing:member_list", "notices:notice_list"):
        past_the_first = [page for page in PAGES[name] if "before=" in page.url(forum) or "newer=" in page.url(forum)]
        assert len(past_the_first) == 1, name
        page = past_the_first[0]
        response = clients[MEMBER if MEMBER in page.roles else ADMIN].get(page.url(forum))
        assert response.status_code == 200, name
        assert '<nav class="pagination" aria-label=' in response.content.decode() and 'rel="next"' in (
            response.content.decode()), name


@pytest.mark.django_db
def test_what_is_excluded_is_indeed_not_a_page():
    """Each exclusion says what a GET gets (405 for a POST-only view, a redirect, a feed's content type…);
    if that changes (a view starts answering GET with a page), the exclusion is wrong and this fails."""
    forum = build_forum()
    clients = {VISITOR: Client(), MEMBER: Client(), ADMIN: Client()}
    clients[MEMBER].force_login(forum.alice)
    clients[ADMIN].force_login(forum.keeper)
    wrong = []
    for name, entry in NOT_PAGES.items():
        url = entry.url(forum)
        response = clients[entry.role].get(url)
        content_type = response.get("Content-Type", "")
        if response.status_code != entry.status:
            wrong.append(f"{name}: GET {url} as {entry.role} answered {response.status_code}, not {entry.status}")
        elif entry.content_type and not content_type.startswith(entry.content_type):
            wrong.append(f"{name}: GET {url} answered {content_type}, not {entry.content_type}")
        elif entry.status == 200 and content_type.startswith("text/html"):
            wrong.append(f"{name}: GET {url} answered an HTML page: check it with axe instead")
    assert not wrong, "\n".join(wrong)


# ---------------------------------------------------------------- axe over every page


def describe(violations: list[dict], where: str) -> list[str]:
    lines = []
    for violation in violations:
        lines.append(f"{where}: {violation['id']} ({violation['impact']}): {violation['help']} "
                     f"[{violation['helpUrl']}]")
        for node in violation["nodes"]:
            summary = " ".join((node.get("failureSummary") or "").split())
            lines.append(f"    target {', '.join(map(str, node['target']))}: {summary}")
    return lines


class Checker:
    """Opens pages in one browser tab and runs axe on each, collecting what fails and how long it took."""

    def __init__(self, tab, live_server, role):
        self.tab, self.base, self.role = tab, live_server.url, role
        self.axe = Axe()
        self.failures: list[str] = []
        self.timings: list[tuple[float, str]] = []

    def check(self, path: str, *, status: int = 200, name: str = "", same_path: bool = True) -> None:
        started = time.monotonic()
        where = f"{self.role} {path} ({name})" if name else f"{self.role} {path}"
        response = self.tab.goto(self.base + path)
        if response is None or response.status != status:
            self.failures.append(f"{where}: answered {response and response.status}, not {status}")
            return
        if same_path and urlsplit(self.tab.url).path != urlsplit(path).path:
            self.failures.append(f"{where}: ended at {self.tab.url}")
            return
        self.run_axe(where, started)

    def run_axe(self, where: str, started: float | None = None) -> None:
        started = started or time.monotonic()
        self.tab.evaluate(OPEN_EVERY_DETAILS)
        results = self.axe.run(self.tab, options=AXE_OPTIONS)
        self.failures.extend(describe(results.response["violations"], where))
        took = time.monotonic() - started
        self.timings.append((took, where))
        if took > SECONDS_PER_PAGE:
            self.failures.append(f"{where}: took {took:.1f} s (at most {SECONDS_PER_PAGE} s)")

    def report(self) -> str:
        total = sum(took for took, _ in self.timings)
        slowest = ", ".join(f"{where} {took:.2f} s" for took, where in sorted(self.timings, reverse=True)[:3])
        print(f"\naxe as {self.role}: {len(self.timings)} pages in {total:.1f} s; slowest: {slowest}")
        return "\n".join(self.failures)


def serve_rendered_error_pages(tab, live_server) -> None:
    request = RequestFactory().get("/")
    request.user = AnonymousUser()

    def answer(code: str, body: str):
        return lambda route: route.fulfill(status=int(code), body=body, content_type="text/html; charset=utf-8")

    for code, template in RENDERED.items():
        tab.route(f"{live_server.url}/__error_page__/{code}", answer(code, render_to_string(template, request=request)))


def reauthenticate(tab, live_server) -> None:
    tab.goto(live_server.url + reverse("account_reauthenticate") + "?next=" + reverse("mfa_index"))
    tab.get_by_label("Password:", exact=True).fill(PASSWORD)
    tab.get_by_role("button", name="Confirm").click()
    expect(tab).to_have_url(live_server.url + reverse("mfa_index"))


def turn_on_totp(user: User) -> None:
    TOTP.activate(user, generate_totp_secret())
    RecoveryCodes.activate(user)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", ROLES)
def test_every_page_passes_axe(live_server, browser, role):
    forum = build_forum()
    if role == VISITOR:
        context = browser.new_context()
        tab = context.new_page()
    else:
        context, tab = log_in_browser(browser, live_server, USERNAMES[role])
        expect(tab.get_by_role("button", name="Log out")).to_be_visible()
        reauthenticate(tab, live_server)  # the two-factor pages ask for it
    checker = Checker(tab, live_server, role)
    try:
        for name, path, page in pages_for(role, forum):
            # allauth moves the reset key out of the address (into the session) before it shows the form
            checker.check(path, status=page.status, name=name, same_path=name != "account_reset_password_from_key")
        if role == VISITOR:
            check_visitor_only_pages(checker, forum, live_server)
        if role == MEMBER:
            check_member_only_states(checker, forum)
    finally:
        context.close()
    failures = checker.report()
    assert not failures, f"axe (WCAG 2.1 A/AA) as {role}:\n{failures}"


def check_visitor_only_pages(checker: Checker, forum, live_server) -> None:
    tab = checker.tab
    serve_rendered_error_pages(tab, live_server)
    for code in RENDERED:
        checker.check(f"/__error_page__/{code}", status=int(code), name=f"{code} page")
    # a form with errors: a wrong password
    tab.goto(live_server.url + reverse("account_login"))
    tab.get_by_label("Username or email").fill("bob")
    tab.get_by_label("Password:", exact=True).fill("not the password")
    tab.get_by_role("button", name="Sign In").click()
    expect(tab.get_by_text(re.compile("password you specified are not correct"))).to_be_visible()
    checker.run_axe("visitor login form with an error")
    # the form-expired page, for real: a login form sent without its CSRF cookie
    tab.goto(live_server.url + reverse("account_login"))
    tab.context.clear_cookies()
    tab.get_by_label("Username or email").fill("bob")
    tab.get_by_label("Password:", exact=True).fill("wrong")
    with tab.expect_response(lambda r: r.request.method == "POST") as sent:
        tab.get_by_role("button", name="Sign In").click()
    assert sent.value.status == 403
    checker.run_axe("visitor 403 form expired (CSRF)")
    # the second step of logging in, for a member with TOTP on
    turn_on_totp(forum.bob)
    tab.goto(live_server.url + reverse("account_login"))
    tab.get_by_label("Username or email").fill("bob")
    tab.get_by_label("Password:", exact=True).fill(PASSWORD)
    tab.get_by_role("button", name="Sign In").click()
    expect(tab).to_have_url(live_server.url + reverse("mfa_authenticate"))
    checker.run_axe("visitor mfa_authenticate")


def check_member_only_states(checker: Checker, forum) -> None:
    """A flash message after saving, and the pages of a member who has turned two-factor authentication on."""
    tab = checker.tab
    tab.goto(checker.base + reverse("members:preferences"))
    tab.get_by_role("button", name="Save").click()
    expect(tab.get_by_text("Your settings were saved.")).to_be_visible()
    checker.run_axe("member preferences, saved (a flash message)")
    # reauthenticating by an emailed code: asking for one leads to the page to enter it
    tab.goto(checker.base + reverse("account_request_reauthentication_code"))
    tab.get_by_role("button", name="Request Code").click()
    expect(tab).to_have_url(checker.base + reverse("account_confirm_reauthentication_code"))
    checker.run_axe("member account_confirm_reauthentication_code")
    turn_on_totp(forum.alice)
    for name in ("mfa_index", "mfa_deactivate_totp", "mfa_view_recovery_codes", "mfa_generate_recovery_codes",
                 "mfa_reauthenticate"):
        checker.check(reverse(name), name=name)
