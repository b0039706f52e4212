"""A member whose post is held sees when to expect a decision (after posting, and on the held post for
its author), worded from CASE_REMINDER_HOURS; while the forum is in its launch phase the admins are told
of every held post at once."""
import pytest
from django.utils import translation

from boards import services
from boards.presenters import decision_expected
from notices.kinds import Text, render
from notices.models import Notice
from tests.helpers import messages_in, page_of

pytestmark = pytest.mark.django_db

BODY = "My secret sourdough tip"


@pytest.fixture
def hours(settings):
    def set_hours(value: int) -> None:
        settings.HEARTH = {**settings.HEARTH, "CASE_REMINDER_HOURS": value}
    return set_hours


def test_after_posting_a_held_reply_its_author_is_told_when_to_expect_a_decision(client, newbie, topic, hours):
    hours(48)
    client.force_login(newbie)
    response = client.post(f"/t/{topic.pk}/reply/", {"body": BODY}, follow=True)
    told = " ".join(messages_in(response))
    assert "waits for a moderator's approval" in told
    assert "A moderator usually decides within 2 days." in told


def test_after_starting_a_held_topic_its_author_is_told_too(client, newbie, board, hours):
    hours(24)
    client.force_login(newbie)
    response = client.post("/b/sourdough/new/", {"title": "Hello from a newcomer", "body": BODY}, follow=True)
    assert "A moderator usually decides within a day." in " ".join(messages_in(response))


def test_a_published_post_tells_nothing_of_the_kind(client, member, topic):
    client.force_login(member)
    response = client.post(f"/t/{topic.pk}/reply/", {"body": BODY}, follow=True)
    assert not any("usually decides" in m for m in messages_in(response))


def test_the_held_post_shows_its_author_when_to_expect_a_decision_and_only_its_author(client, newbie, topic,
                                                                                     board_mod, hours):
    hours(36)
    post = services.post_create(topic=topic, author=newbie, body=BODY)
    url = topic.get_absolute_url()
    assert "A moderator usually decides within 36 hours." in page_of(client, newbie, url).content.decode()
    assert "usually decides" not in page_of(client, board_mod, url).content.decode()
    assert post.is_awaiting_approval


def test_the_wording_is_in_chinese_too(hours):
    hours(48)
    with translation.override("zh-hans"):
        assert decision_expected() == "版主通常会在 2 天内作出决定。"
    hours(12)
    with translation.override("zh-hans"):
        assert decision_expected() == "版主通常会在一天内作出决定。"


def test_in_the_launch_phase_the_admins_hear_of_a_held_post_at_once(newbie, topic, admin_user, board_mod):
    services.post_create(topic=topic, author=newbie, body=BODY)
    notice = Notice.objects.get(recipient=admin_user)
    assert notice.verb == "post_held_launch" and notice.url == "/mod/approvals/"
    assert notice.params == {"author": "newbie", "topic": topic.title, "board": topic.board.name}
    assert not Notice.objects.filter(recipient=board_mod).exists()  # board moderators see it in their queue
    text = render(notice.verb, notice.params, fallback=Text("", ""))
    assert "newbie" in text.title and topic.title in text.body
    with translation.override("zh-hans"):
        assert "newbie" in render(notice.verb, notice.params, fallback=Text("", "")).title


def test_after_the_launch_phase_the_admins_wait_for_the_reminder(newbie, topic, admin_user, settings):
    settings.HEARTH = {**settings.HEARTH, "LAUNCH_MEMBERS": 1}
    services.post_create(topic=topic, author=newbie, body=BODY)
    assert not Notice.objects.filter(recipient=admin_user).exists()
