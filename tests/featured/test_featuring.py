"""精华: featuring a topic (who may, what it changes, the counter, the notice, the log), the lists that show
it, and the expiry of pins and 精华 marks."""
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from boards import services as board_services
from boards.models import Board, Topic
from members.models import User
from moderation import services as moderation_services
from moderation.models import ModerationAction
from notices.models import Notice
from tests.factories import BoardFactory, UserFactory, make_board_moderator, make_topic
from tests.helpers import page_text, topic_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def board():
    return BoardFactory(name="Sourdough", slug="sourdough")


@pytest.fixture
def keeper(board):
    return make_board_moderator(board, "keeper")


@pytest.fixture
def author():
    return UserFactory(username="baker")


def feature(actor, topic, level=2, until=None, reason="A fine recipe."):
    return moderation_services.act_directly(actor=actor, action="feature", reason=reason, topic=topic,
                                            level=level, until=until)


def test_a_board_moderator_features_a_topic_logged_told_and_counted(board, keeper, author):
    topic = make_topic(board=board, author=author, title="Rye starter")
    versions = (topic.version, Board.objects.get(pk=board.pk).version)
    outcome = feature(keeper, topic, level=3)
    topic.refresh_from_db()
    assert topic.featured_level == 3 and topic.featured_at is not None and topic.featured_until is None
    assert (topic.version, Board.objects.get(pk=board.pk).version) > versions
    assert "3" in outcome
    assert User.objects.get(pk=author.pk).featured_topics == 1
    entry = ModerationAction.objects.get(action="feature")
    assert (entry.actor, entry.topic, entry.reason, entry.after) == (keeper, topic, "A fine recipe.", "3")
    notice = Notice.objects.get(recipient=author, verb="topic_featured")
    assert notice.params["level"] == 3 and notice.url == topic.get_absolute_url()


def test_featuring_again_changes_the_level_without_counting_twice_and_unfeaturing_uncounts(board, keeper, author):
    topic = make_topic(board=board, author=author)
    feature(keeper, topic, level=1)
    feature(keeper, topic, level=2)
    assert Topic.objects.get(pk=topic.pk).featured_level == 2
    assert User.objects.get(pk=author.pk).featured_topics == 1
    moderation_services.act_directly(actor=keeper, action="unfeature", reason="Outdated.", topic=topic)
    topic.refresh_from_db()
    assert (topic.featured_level, topic.featured_at) == (0, None)
    assert User.objects.get(pk=author.pk).featured_topics == 0
    assert ModerationAction.objects.filter(action="unfeature", actor=keeper).count() == 1
    with pytest.raises(ValidationError):
        moderation_services.act_directly(actor=keeper, action="unfeature", reason="Again.", topic=topic)


@pytest.mark.parametrize("level", [None, 0, 4])
def test_the_level_is_1_to_3(board, keeper, author, level):
    topic = make_topic(board=board, author=author)
    with pytest.raises(ValidationError):
        feature(keeper, topic, level=level)
    assert Topic.objects.get(pk=topic.pk).featured_level == 0
    assert not ModerationAction.objects.filter(action="feature").exists()


def test_an_until_in_the_past_is_refused(board, keeper, author):
    topic = make_topic(board=board, author=author)
    with pytest.raises(ValidationError):
        feature(keeper, topic, until=timezone.now() - timedelta(hours=1))


def test_a_reason_is_required(board, keeper, author):
    topic = make_topic(board=board, author=author)
    with pytest.raises(ValidationError):
        feature(keeper, topic, reason=" ")


@pytest.mark.parametrize("who", ["member", "other_board_mod"])
def test_only_moderators_of_the_board_feature(board, author, who):
    topic = make_topic(board=board, author=author)
    actor = UserFactory() if who == "member" else make_board_moderator(BoardFactory(), "elsewhere")
    with pytest.raises(PermissionDenied):
        feature(actor, topic)
    with pytest.raises(PermissionDenied):  # the service itself refuses too
        board_services.topic_feature(topic=topic, actor=actor, level=1)
    assert Topic.objects.get(pk=topic.pk).featured_level == 0


def test_a_board_moderator_may_feature_a_topic_by_an_admin(board, keeper):
    """Featuring is not a sanction: the author's role does not matter."""
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    topic = make_topic(board=board, author=admin)
    feature(keeper, topic)
    assert Topic.objects.get(pk=topic.pk).featured_level == 2


def test_the_topic_page_form_features_with_level_and_until(client, board, keeper, author):
    topic = make_topic(board=board, author=author)
    client.force_login(keeper)
    response = client.get(topic_url(topic))
    assert 'name="level"' in response.content.decode() and 'value="feature"' in response.content.decode()
    day = (timezone.localdate() + timedelta(days=7)).isoformat()
    response = client.post(f"/mod/topic/{topic.pk}/act/", {"action": "feature", "level": "2", "until": day,
                                                          "reason": "Great."})
    assert response.status_code == 302
    topic.refresh_from_db()
    assert topic.featured_level == 2
    assert timezone.localtime(topic.featured_until).date().isoformat() == day
    text = page_text(client.get(topic_url(topic)))
    assert "精华 2" in text and "Unfeature" in text


def test_a_bad_level_from_the_form_is_an_error_message_not_a_crash(client, board, keeper, author):
    topic = make_topic(board=board, author=author)
    client.force_login(keeper)
    response = client.post(f"/mod/topic/{topic.pk}/act/", {"action": "feature", "level": "9", "reason": "x"},
                           follow=True)
    assert response.status_code == 200
    assert "Pick a featured level from 1 to 3." in page_text(response)
    assert Topic.objects.get(pk=topic.pk).featured_level == 0


def test_badges_board_filter_featured_page_and_profile(client, board, keeper, author):
    plain = make_topic(board=board, author=author, title="Plain loaf")
    older = make_topic(board=board, author=author, title="Older gem")
    newer = make_topic(board=BoardFactory(name="Pastry", slug="pastry"), author=author, title="Newer gem")
    hidden = make_topic(board=board, author=author, title="Hidden gem")
    feature(keeper, older, level=1)
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    feature(admin, newer, level=3)
    feature(keeper, hidden, level=2)
    board_services.topic_set_hidden(topic=hidden, actor=keeper, hidden=True)

    board_page = page_text(client.get("/b/sourdough/"))
    assert "精华 1" in board_page and "Plain loaf" in board_page
    filtered = page_text(client.get("/b/sourdough/?featured=1"))
    assert "Older gem" in filtered and "Plain loaf" not in filtered and "Hidden gem" not in filtered
    # the visitors' cached list changes as soon as a topic is featured
    feature(keeper, plain, level=2)
    assert "精华 2" in page_text(client.get("/b/sourdough/"))

    listing = client.get("/featured/")
    text = page_text(listing)
    assert text.index("Plain loaf") < text.index("Newer gem") < text.index("Older gem")
    assert "Hidden gem" not in text and "Pastry" in text
    assert client.get("/featured/?page=9").status_code == 302

    # four featured, one of them hidden: it does not count (tests/featured/test_featured_count.py)
    assert User.objects.get(pk=author.pk).featured_topics == 3
    profile = page_text(client.get(f"/u/{author.username}/"))
    assert "Featured topics (精华) 3" in profile


def test_expired_pins_and_featured_marks_come_off_and_are_logged_as_the_system(board, keeper, author):
    lasting = make_topic(board=board, author=author, title="Lasting")
    passing = make_topic(board=board, author=author, title="Passing")
    soon = timezone.now() + timedelta(hours=1)
    moderation_services.act_directly(actor=keeper, action="pin", reason="Read me.", topic=passing, until=soon)
    moderation_services.act_directly(actor=keeper, action="pin", reason="Read me.", topic=lasting)
    feature(keeper, passing, until=soon)
    feature(keeper, lasting)
    assert Topic.objects.get(pk=passing.pk).pinned_until == soon

    assert moderation_services.expire_pins_and_features(now=timezone.now()) == 0
    assert moderation_services.expire_pins_and_features(now=soon + timedelta(seconds=1)) == 2
    passing.refresh_from_db()
    lasting.refresh_from_db()
    assert (passing.is_pinned, passing.pinned_until, passing.featured_level) == (False, None, 0)
    assert (lasting.is_pinned, lasting.featured_level) == (True, 2)
    assert User.objects.get(pk=author.pk).featured_topics == 1
    expired = ModerationAction.objects.filter(action="expire", topic=passing)
    assert expired.count() == 2 and not expired.filter(actor__isnull=False).exists()
    assert sorted(expired.values_list("before", flat=True)) == ["feature", "pin"]


def test_the_expiry_task_is_scheduled():
    from django.conf import settings

    from moderation.tasks import expire_pins_and_featured

    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "moderation.tasks.expire_pins_and_featured" in tasks
    assert expire_pins_and_featured() == 0


def test_unpinning_clears_the_until(board, keeper, author):
    topic = make_topic(board=board, author=author)
    moderation_services.act_directly(actor=keeper, action="pin", reason="x", topic=topic,
                                     until=timezone.now() + timedelta(days=1))
    moderation_services.act_directly(actor=keeper, action="unpin", reason="x", topic=topic)
    assert Topic.objects.get(pk=topic.pk).pinned_until is None
