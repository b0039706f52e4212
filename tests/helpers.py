"""Helpers shared by the test modules: reading a response, logging a test client in, racing threads
against one database, the URLs and data several modules build, and counting a page's queries."""
import html as html_entities
import re
import threading
from datetime import timedelta
from urllib.parse import quote

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

# --- reading a response -------------------------------------------------------------------------------------------

MESSAGE_RE = re.compile(r'<p class="message[^"]*">(.*?)</p>', re.S)


def html(response) -> str:
    """The response's body as sent: markup, with its HTML entities (&#x27;, &amp;) left as they are."""
    return response.content.decode()


def page(response) -> str:
    """The response's body with its HTML entities unescaped, so that "don't" reads as it does on screen."""
    return html_entities.unescape(html(response))


def page_text(response) -> str:
    """The page as text, tags dropped and blanks squeezed, for reading sentences across tags."""
    text = re.sub(r"<[^>]+>", " ", html(response))
    return " ".join(text.split())


def messages_in(response_or_content) -> list[str]:
    """The flash messages on a page (a response, or its content as text), entities unescaped, trimmed."""
    content = response_or_content if isinstance(response_or_content, str) else html(response_or_content)
    return [html_entities.unescape(message).strip() for message in MESSAGE_RE.findall(content)]


# --- logging in ---------------------------------------------------------------------------------------------------


def login(client, user):
    """Log `client` out, then in as `user` (None: stay a visitor); return the client, for chaining."""
    client.logout()
    if user is not None:
        client.force_login(user)
    return client


def page_of(client, user, url):
    """`url` fetched by `user` (None: a visitor)."""
    return login(client, user).get(url)


PASSWORD = "correct horse battery staple"  # tests.factories.UserFactory's


def log_in_browser(browser, live_server, username_or_email, password=PASSWORD):
    """A new browser context logged in through the real login form; returns (context, page)."""
    context = browser.new_context()
    tab = context.new_page()
    tab.goto(f"{live_server.url}/accounts/login/")
    tab.get_by_label("Username or email").fill(username_or_email)
    tab.get_by_label("Password:", exact=True).fill(password)
    tab.get_by_role("button", name="Sign In").click()
    return context, tab


def open_staff_menu(tab):
    """Opens the header's "Moderation" menu (a <details>) if it is closed."""
    menu = tab.locator("details.staff-menu")
    if menu.get_attribute("open") is None:
        menu.locator("summary").click()
    return menu


# --- races --------------------------------------------------------------------------------------------------------


def run_in_threads(target, count: int | None = None, *, args=None, timeout: float = 60) -> list[Exception]:
    """Race `target` in threads released together by a barrier: `count` threads calling target(), or one
    thread per tuple in `args` calling target(*that_tuple). Each thread has its own database connection
    (closed when it ends). Returns what the threads raised (a target catches the errors it expects itself);
    fails if a thread is still running `timeout` seconds after the join began."""
    if (count is None) == (args is None):
        raise TypeError("give either count or args")
    calls = [()] * count if args is None else [tuple(a) for a in args]
    barrier = threading.Barrier(len(calls))
    errors = []

    def run(*call_args):
        try:
            barrier.wait(timeout=10)
            target(*call_args)
        except Exception as exc:  # noqa: BLE001 - reported to the caller
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=call_args) for call_args in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    return errors


def pager_link(response, rel: str) -> str | None:
    """The href of the page's pagination link rel="next" or rel="prev" (there is at most one), unescaped; None
    when the page has none (a list read by key at either end)."""
    found = re.findall(rf'<a href="([^"]+)" rel="{rel}">', response.content.decode())
    assert len(found) <= 1
    return html_entities.unescape(found[0]) if found else None


# --- URLs and data ------------------------------------------------------------------------------------------------


def topic_url(topic, page=1):
    url = f"/t/{topic.pk}/{quote(topic.slug)}/"
    return url if page == 1 else f"{url}?page={page}"


def soon(minutes: int = 60):
    return timezone.now() + timedelta(minutes=minutes)


def schedule(author, board, *, title="Weekend bake-along", body="Who is baking this weekend?", publish_at=None):
    """A scheduled seed topic, due `soon()` unless told otherwise."""
    from boards import services

    return services.scheduled_topic_create(author=author, board=board, title=title, body=body,
                                           publish_at=publish_at or soon())


def age(case, hours):
    """Make a moderation case `hours` old."""
    from moderation.models import Case

    Case.objects.filter(pk=case.pk).update(created_at=timezone.now() - timedelta(hours=hours))


# --- query counts -------------------------------------------------------------------------------------------------


def queries_for(client, url) -> tuple[int, int]:
    """Queries for one page view with an empty cache, then for the same view again (warm cache)."""
    cache.clear()
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200, url
        counts.append(len(ctx.captured_queries))
    return counts[0], counts[1]


def assert_constant(small: tuple[int, int], large: tuple[int, int], what: str, *, most: int) -> None:
    """The (cold, warm) query counts of queries_for are the same for a small and a large data set, and the
    larger of them is at most `most`."""
    print(f"{what}: cold/warm {small} for the small data set, {large} for the large one")  # shown with -s
    assert small == large, f"{what}: (cold, warm) queries {small} for the small data set, {large} for the large one"
    assert max(large) <= most, f"{what}: {large} queries"


# --- signing up as a person ---------------------------------------------------------------------------------------


def human_signup_fields(seconds_ago: float = 10) -> dict:
    """The signup form's bot-check fields as a person sends them back: an empty honeypot and a token
    made `seconds_ago` (members.signup)."""
    import time
    from unittest import mock

    from members import signup

    with mock.patch("time.time", return_value=time.time() - seconds_ago):
        token = signup.make_token()
    return {signup.HONEYPOT_FIELD: "", signup.TOKEN_FIELD: token}
