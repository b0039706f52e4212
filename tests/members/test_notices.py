"""A member's notices (the unread count in the header, marking them read) and the reminder preferences."""
import re

import pytest

from boards.models import BoardModerator
from members.models import User
from notices.models import Notice
from notices.services import notice_create, notices_mark_read
from tests.factories import BoardFactory, UserFactory

pytestmark = pytest.mark.django_db

LOGIN_URL = "/accounts/login/"


def header_count(content: str) -> str | None:
    """The unread count next to "Notifications" in the header, or None when there is none."""
    match = re.search(r'href="/notifications/">Notifications'
                      r'(?: <span class="count" aria-label="([^"]*)">(\d+)</span>)?</a>', content)
    assert match, "no Notifications link in the header"
    return match.group(2) and f"{match.group(2)}|{match.group(1)}"


def fields(content: str) -> set[str]:
    """The fields of the settings form (not the header's or the footer's forms)."""
    form = re.search(r'<form method="post" novalidate>.*?</form>', content, re.S)
    assert form, "no settings form"
    return set(re.findall(r'<(?:input|select)[^>]*name="([^"]+)"', form.group(0))) - {"csrfmiddlewaretoken"}


@pytest.fixture
def other(db):
    return UserFactory(username="bob")


@pytest.fixture
def board_mod(db):
    mod = UserFactory(username="breadmod")
    BoardModerator.objects.create(board=BoardFactory(), member=mod)
    return mod


# --- services ------------------------------------------------------------------------------------------------------


def test_notice_create_counts_unread(member):
    notice = notice_create(recipient=member, title="t" * 250, body="Body", url="/x/", kind="freshness")
    member.refresh_from_db()
    assert member.unread_notice_count == 1
    assert notice.kind == "freshness" and len(notice.title) == 200 and notice.read_at is None
    notice_create(recipient=member, title="Second")
    member.refresh_from_db()
    assert member.unread_notice_count == 2


def test_notices_mark_read_touches_only_the_members_own(member, other):
    notice_create(recipient=member, title="Mine")
    notice_create(recipient=other, title="Theirs")
    assert notices_mark_read(user=member) == 1
    assert member.unread_notice_count == 0
    member.refresh_from_db()
    other.refresh_from_db()
    assert member.unread_notice_count == 0 and other.unread_notice_count == 1
    assert Notice.objects.get(title="Theirs").read_at is None
    assert Notice.objects.get(title="Mine").read_at is not None
    assert notices_mark_read(user=member) == 0


# --- /notifications/ ------------------------------------------------------------------------------------------


def test_notices_page_lists_only_the_members_own(member_client, member, other):
    notice_create(recipient=member, title="Quiet boards need a seed", body="Bread: 3 days\nTea: 5 days",
                  url="https://hearth.example.org/freshness/", kind="freshness")
    notice_create(recipient=member, title="Welcome aboard")
    notice_create(recipient=other, title="Bob's secret notice")
    response = member_client.get("/notifications/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "Welcome aboard" in content
    assert '<a href="https://hearth.example.org/freshness/">Quiet boards need a seed</a>' in content
    assert "Bread: 3 days<br>Tea: 5 days" in content
    assert "secret" not in content
    assert content.index("Welcome aboard") < content.index("Quiet boards need a seed")  # newest first
    assert content.count('class="unread"') == 2
    assert "Mark all as read" in content


def test_empty_notices_page(member_client):
    content = member_client.get("/notifications/").content.decode()
    assert "No notifications yet" in content and "Mark all as read" not in content


def test_header_shows_the_unread_count(member_client, member):
    assert header_count(member_client.get("/").content.decode()) is None
    notice_create(recipient=member, title="One")
    notice_create(recipient=member, title="Two")
    assert header_count(member_client.get("/").content.decode()) == "2|2 unread"
    assert header_count(member_client.get("/notifications/").content.decode()) == "2|2 unread"


def test_marking_read_zeroes_the_count(member_client, member, other):
    notice_create(recipient=member, title="One")
    notice_create(recipient=member, title="Two")
    notice_create(recipient=other, title="Bob's")
    response = member_client.post("/notifications/read/")
    assert response.status_code == 302 and response["Location"] == "/notifications/"
    member.refresh_from_db()
    assert member.unread_notice_count == 0
    assert not Notice.objects.filter(recipient=member, read_at__isnull=True).exists()
    assert Notice.objects.get(recipient=other).read_at is None
    content = member_client.get("/notifications/").content.decode()
    assert header_count(content) is None
    assert 'class="unread"' not in content and "Mark all as read" not in content
    assert "One" in content and "Two" in content  # read notices stay listed


def test_marking_read_is_post_only(member_client, member):
    notice_create(recipient=member, title="One")
    assert member_client.get("/notifications/read/").status_code == 405
    member.refresh_from_db()
    assert member.unread_notice_count == 1


@pytest.mark.parametrize(("method", "url"), [("get", "/notifications/"), ("post", "/notifications/read/"),
                                             ("get", "/settings/")])
def test_visitors_are_sent_to_log_in(client, method, url):
    response = getattr(client, method)(url)
    assert response.status_code == 302 and response["Location"].startswith(LOGIN_URL)


# --- /settings/ ----------------------------------------------------------------------------------------------------


def test_member_sees_neither_reminder_choice(member_client):
    assert fields(member_client.get("/settings/").content.decode()) == {"timezone", "email_notices"}


def test_board_moderator_sees_the_board_reminder_choice(client, board_mod):
    client.force_login(board_mod)
    assert fields(client.get("/settings/").content.decode()) == {"timezone", "email_notices",
                                                                 "board_freshness_reminders"}


def test_global_moderator_sees_the_board_reminder_choice(client, moderator):
    client.force_login(moderator)
    assert "board_freshness_reminders" in fields(client.get("/settings/").content.decode())
    assert "freshness_reminders" not in fields(client.get("/settings/").content.decode())


def test_admin_sees_both_reminder_choices(client, admin_user):
    client.force_login(admin_user)
    assert fields(client.get("/settings/").content.decode()) == {"timezone", "email_notices", "freshness_reminders",
                                                                 "board_freshness_reminders"}


def test_admin_saves_reminder_preferences(client, admin_user):
    client.force_login(admin_user)
    assert admin_user.freshness_reminders and not admin_user.board_freshness_reminders
    response = client.post("/settings/", {"timezone": "Europe/Berlin", "email_notices": "on",
                                          "board_freshness_reminders": "on"})  # freshness_reminders unticked
    assert response.status_code == 302 and response["Location"] == "/settings/"
    admin_user.refresh_from_db()
    assert admin_user.timezone == "Europe/Berlin"
    assert admin_user.email_notices and admin_user.board_freshness_reminders
    assert not admin_user.freshness_reminders
    assert "Your settings were saved." in client.get("/settings/").content.decode()

    client.post("/settings/", {"timezone": "", "freshness_reminders": "on"})
    admin_user.refresh_from_db()
    assert (admin_user.timezone, admin_user.freshness_reminders) == ("", True)
    assert not admin_user.email_notices and not admin_user.board_freshness_reminders


def test_board_moderator_opts_in(client, board_mod):
    client.force_login(board_mod)
    client.post("/settings/", {"timezone": "", "email_notices": "on", "board_freshness_reminders": "on"})
    board_mod.refresh_from_db()
    assert board_mod.board_freshness_reminders


def test_member_cannot_set_the_choices_they_are_not_shown(member_client, member):
    member_client.post("/settings/", {"timezone": "", "board_freshness_reminders": "on"})
    member.refresh_from_db()
    assert not member.board_freshness_reminders  # ignored: not theirs to set
    assert member.freshness_reminders == User._meta.get_field("freshness_reminders").default  # untouched
    assert not member.email_notices  # the one they did untick


def test_unknown_time_zone_is_refused(member_client, member):
    response = member_client.post("/settings/", {"timezone": "Mars/Olympus_Mons", "email_notices": "on"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    member.refresh_from_db()
    assert member.timezone == ""


def test_the_old_address_leads_to_the_notifications(member_client):
    response = member_client.get("/notices/")
    assert response.status_code == 301 and response["Location"] == "/notifications/"
