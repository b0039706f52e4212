"""Email: per kind, at once (after ten minutes, only when away, at most 20 a day), in the daily digest at
the member's own hour, or never; one-click unsubscribe (RFC 8058); each email once."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone

from boards import services as board_services
from members.activity import mark_seen
from notices.emails import DAILY_EMAIL_CAP, send_due_emails, unsubscribe_url
from notices.models import Notice, Preferences
from notices.services import preferences_save
from notifications import services
from notifications.digest import send_digests
from tests.factories import UserFactory, make_topic

pytestmark = pytest.mark.django_db

LATER = timedelta(minutes=11)


@pytest.fixture
def alice(db):
    return UserFactory(username="alice")


def reply_to_alice(committed, alice, body="A reply.", author=None, topic=None):
    topic = topic or make_topic(author=alice, title="Crumb shots")
    return committed(lambda: board_services.post_create(topic=topic, author=author or UserFactory(), body=body))


def test_a_reply_is_emailed_after_ten_minutes_when_away(committed, alice):
    reply_to_alice(committed, alice, body="Lovely crumb!")
    notice = Notice.objects.get(recipient=alice)
    assert notice.email_state == "pending"
    assert send_due_emails(now=timezone.now())["sent"] == 0  # not yet due
    assert send_due_emails(now=timezone.now() + LATER)["sent"] == 1
    (message,) = mail.outbox
    assert message.to == ["alice@example.com"] and "replied to your topic “Crumb shots”" in message.subject
    assert "Lovely crumb!" in message.body and message.alternatives[0][1] == "text/html"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    header = message.extra_headers["List-Unsubscribe"]
    assert header.startswith("<http") and "/notifications/unsubscribe/" in header
    notice.refresh_from_db()
    assert notice.email_state == "sent" and notice.emailed_at is not None
    assert send_due_emails(now=timezone.now() + LATER + LATER)["sent"] == 0  # once


def test_no_email_when_read_on_the_site_in_the_meantime(committed, alice):
    reply_to_alice(committed, alice)
    Notice.objects.filter(recipient=alice).update(read_at=timezone.now())
    assert send_due_emails(now=timezone.now() + LATER) == {"sent": 0, "read": 1, "active": 0, "capped": 0}
    assert mail.outbox == []


def test_no_email_but_the_digest_when_active_on_the_site(committed, alice):
    reply_to_alice(committed, alice)
    mark_seen(alice)  # a request of hers just now
    assert send_due_emails(now=timezone.now() + LATER)["active"] == 1
    assert mail.outbox == [] and Notice.objects.get(recipient=alice).email_state == "digest"


def test_at_most_twenty_emails_a_day_then_the_digest(committed, alice):
    topic = make_topic(author=alice)
    for i in range(DAILY_EMAIL_CAP + 3):
        reply_to_alice(committed, alice, body=f"Reply {i}", topic=topic, author=UserFactory())
    counts = send_due_emails(now=timezone.now() + LATER)
    assert (counts["sent"], counts["capped"]) == (DAILY_EMAIL_CAP, 3)
    assert len(mail.outbox) == DAILY_EMAIL_CAP
    assert Notice.objects.filter(recipient=alice, email_state="digest").count() == 3


def test_choices_per_kind(committed, alice):
    preferences_save(member=alice, email={"reply": "never"}, digest_hour=8, watch_replied_topics=True)
    reply_to_alice(committed, alice)
    assert Notice.objects.get(recipient=alice).email_state == ""
    preferences_save(member=alice, email={"reply": "digest"}, digest_hour=8, watch_replied_topics=True)
    reply_to_alice(committed, alice)
    assert Notice.objects.filter(recipient=alice, email_state="digest").count() == 1
    assert Preferences(member=alice).email_choice("like") == "never"  # the default for likes
    assert Preferences(member=alice).email_choice("watched_board") == "digest"


def at(zone: str, hour: int) -> datetime:
    return datetime(2026, 12, 1, hour, 5, tzinfo=ZoneInfo(zone))


def test_the_digest_comes_at_the_members_own_hour(committed, alice):
    shanghai = UserFactory(username="mei", timezone="Asia/Shanghai")
    for member in (alice, shanghai):
        preferences_save(member=member, email={"reply": "digest"}, digest_hour=8, watch_replied_topics=True)
        reply_to_alice(committed, member)
    assert send_digests(now=at("Asia/Shanghai", 8)) == 1  # 08:05 in Shanghai: Mei's digest only
    (message,) = mail.outbox
    assert message.to == ["mei@example.com"]
    assert send_digests(now=at("Asia/Shanghai", 8)) == 0  # once a day
    assert send_digests(now=at("UTC", 8)) == 1  # 08:05 UTC: Alice's (site zone)
    assert mail.outbox[-1].to == ["alice@example.com"]
    assert "List-Unsubscribe" in mail.outbox[-1].extra_headers


def test_no_digest_when_there_is_nothing_new(alice):
    services.board_watch_set(member=alice, board=make_topic().board, level="new_topics")
    Notice.objects.all().delete()
    # 08:05 UTC two days on: the watched board's topic, made now, is no longer new (a fixed date would make this
    # test fail on the day before it, when the topic counts as a new topic of the last 24 hours)
    later = (timezone.now() + timedelta(days=2)).replace(hour=8, minute=5, tzinfo=ZoneInfo("UTC"))
    assert send_digests(now=later) == 0 and mail.outbox == []


def test_the_digest_speaks_the_members_language(committed):
    mei = UserFactory(username="mei", timezone="Asia/Shanghai", language="zh-hans")
    preferences_save(member=mei, email={"reply": "digest"}, digest_hour=8, watch_replied_topics=True)
    reply_to_alice(committed, mei)
    send_digests(now=at("Asia/Shanghai", 8))
    assert "你的每日摘要" in mail.outbox[0].subject and "回复了你的主题" in mail.outbox[0].body


def test_one_click_unsubscribe_post_changes_get_does_not(client, committed, alice):
    url = unsubscribe_url(alice.pk, "reply")
    path = url[url.index("/notifications/"):]
    response = client.get(path)
    assert response.status_code == 200 and "Stop emails about" in response.content.decode()
    assert Preferences.objects.filter(member=alice).count() == 0  # a GET changes nothing
    response = client.post(path, {"List-Unsubscribe": "One-Click"})  # a mail client, no login, no CSRF token
    assert response.status_code == 200 and "Done" in response.content.decode()
    assert Preferences.objects.get(member=alice).email_choice("reply") == "never"
    reply_to_alice(committed, alice)
    assert Notice.objects.get(recipient=alice).email_state == ""


def test_a_forged_or_cut_token_changes_nothing(client, alice):
    path = unsubscribe_url(alice.pk, "reply").split("/notifications/", 1)[1]
    assert client.post("/notifications/" + path[:-10] + "xxxxxxxxx/").status_code == 404
    assert client.post("/notifications/unsubscribe/not-a-token/").status_code == 404
    assert not Preferences.objects.filter(member=alice).exists()


def test_unsubscribing_from_the_digest_turns_off_every_digest_kind(client, alice):
    path = "/notifications/" + unsubscribe_url(alice.pk, "digest").split("/notifications/", 1)[1]
    client.post(path)
    prefs = Preferences.objects.get(member=alice)
    assert prefs.email_choice("watched_board") == "never" and prefs.email_choice("watched_topic") == "never"
    assert prefs.email_choice("reply") == "immediately"
