"""The notices app: a notice written before Notice moved out of members is readable after the move, and a
notice is worded when shown, in the reader's language, not in the language of whoever caused it."""
import pytest
from django.core import mail
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import translation

from boards import services as board_services
from moderation import services as moderation_services
from notices.emails import send_notice
from notices.models import Notice
from notices.services import notice_create
from tests.factories import UserFactory, make_topic, newcomer_rank

BEFORE_THE_MOVE = [("members", "0006_member_banned_warnings"), ("notices", None)]


@pytest.mark.django_db(transaction=True)
def test_a_notice_written_before_the_move_is_readable_after_it():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE_THE_MOVE)
    old = executor.loader.project_state([BEFORE_THE_MOVE[0]]).apps
    old_user = old.get_model("members", "User").objects.create(username="old-timer", email="old@example.com")
    old_notice = old.get_model("members", "Notice").objects.create(
        recipient=old_user, kind="freshness", title="Quiet boards need a seed today: Bread",
        body="Bread: 4 days since the last topic", url="/freshness/")

    executor = MigrationExecutor(connection)  # a fresh loader sees the migrations as applied now
    executor.migrate(executor.loader.graph.leaf_nodes())

    notice = Notice.objects.get(pk=old_notice.pk)
    assert (notice.recipient.username, notice.kind, notice.url) == ("old-timer", "freshness", "/freshness/")
    assert notice.verb == "" and notice.params == {}
    assert notice.text() == ("Quiet boards need a seed today: Bread", "Bread: 4 days since the last topic")
    with connection.cursor() as cursor:
        cursor.execute("SELECT app_label FROM django_content_type WHERE model = 'notice'")
        assert [row[0] for row in cursor.fetchall()] == ["notices"]


@pytest.mark.django_db
def test_a_notice_is_worded_in_the_readers_language(client):
    author = UserFactory(username="newbie", rank=newcomer_rank())
    moderator = UserFactory(username="gm", is_global_moderator=True)
    topic = make_topic(author=UserFactory(), title="Crumb shots")
    held = board_services.post_create(topic=topic, author=author, body="My first loaf!")
    with translation.override("en"):  # the moderator works in English
        moderation_services.post_approve(post=held, moderator=moderator)
    notice = Notice.objects.get(recipient=author)
    assert notice.verb == "post_published" and notice.params == {"topic": "Crumb shots"}
    assert notice.title == "Your post in “Crumb shots” is published"  # the admin's copy, in the site's language

    client.force_login(author)
    chinese = client.get("/notifications/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "你在“Crumb shots”中的帖子已发布" in chinese
    english = client.get("/notifications/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Your post in “Crumb shots” is published" in english


@pytest.mark.django_db
def test_a_notice_email_speaks_the_recipients_language():
    member = UserFactory(username="mei", language="zh-hans")
    with translation.override("en"):
        notice = notice_create(recipient=member, verb="moderator_appointed", params={"board": "Sourdough"})
    assert send_notice(notice) is True
    assert notice.title == "You are now a moderator of Sourdough"  # the stored copy is English
    assert mail.outbox[-1].subject == "[Hearth] 你现在是 Sourdough 的版主了"


@pytest.mark.django_db
def test_the_language_a_member_posts_in_is_remembered(client):
    member = UserFactory(username="mei")
    client.force_login(member)
    client.post("/settings/", {"timezone": ""}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    member.refresh_from_db()
    assert member.language == "zh-hans"


@pytest.mark.django_db
def test_an_unknown_verb_is_refused():
    with pytest.raises(ValueError, match="unknown notice verb"):
        notice_create(recipient=UserFactory(), verb="no_such_thing")
