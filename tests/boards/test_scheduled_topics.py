"""Scheduled seed topics: who may write them, what is refused, and the publisher that posts each due one
exactly once (also with two publishers at once), and gives up on the ones that can no longer be posted."""
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from boards import services
from boards.models import Board, BoardModerator, Post, ScheduledTopic, Topic
from boards.tasks import publish_scheduled_topics
from members.models import User
from tests.factories import BoardFactory, UserFactory
from tests.helpers import run_in_threads, schedule, soon

pytestmark = pytest.mark.django_db


def make_due(item, when=None) -> ScheduledTopic:
    """Move an item's time into the past (services refuse past times, the clock has simply moved on)."""
    ScheduledTopic.objects.filter(pk=item.pk).update(publish_at=when or timezone.now() - timedelta(minutes=1))
    item.refresh_from_db()
    return item


def field_errors(exc: ValidationError) -> dict:
    return exc.message_dict if hasattr(exc, "error_dict") else {}


# --- writing them: permissions and validation ----------------------------------------------------------------------


def test_admin_schedules_a_topic(admin_user, board):
    when = soon(90)
    item = schedule(admin_user, board, title="  Weekend   bake-along ", publish_at=when)
    assert item.pk and item.board == board and item.author == admin_user
    assert item.title == "Weekend bake-along"  # cleaned like any title
    assert item.publish_at == when
    assert item.published_at is None and item.published_topic is None and item.last_error == ""
    assert not item.is_published


def test_board_moderator_schedules_for_their_own_board(board_mod, board):
    assert schedule(board_mod, board).board == board


def test_global_moderator_schedules_anywhere(moderator, board, tea):
    assert schedule(moderator, tea).board == tea


def test_board_moderator_is_refused_for_another_board(board_mod, tea):
    with pytest.raises(PermissionDenied):
        schedule(board_mod, tea)
    assert not ScheduledTopic.objects.exists()


def test_member_is_refused(member, board):
    with pytest.raises(PermissionDenied):
        schedule(member, board)
    assert not ScheduledTopic.objects.exists()


@pytest.mark.parametrize("minutes", [-60, -1, 0])
def test_publish_time_in_the_past_is_refused_on_its_field(admin_user, board, minutes):
    with pytest.raises(ValidationError) as info:
        schedule(admin_user, board, publish_at=timezone.now() + timedelta(minutes=minutes))
    assert field_errors(info.value) == {"publish_at": ["Pick a time in the future."]}
    assert not ScheduledTopic.objects.exists()


def test_over_long_title_is_refused(admin_user, board, settings):
    limit = settings.HEARTH["TITLE_MAX_CHARS"]
    with pytest.raises(ValidationError) as info:
        schedule(admin_user, board, title="x" * (limit + 1))
    assert list(field_errors(info.value)) == ["title"]
    assert str(limit) in field_errors(info.value)["title"][0]
    assert schedule(admin_user, board, title="x" * limit).title == "x" * limit
    assert ScheduledTopic.objects.count() == 1


@pytest.mark.parametrize(("title", "body", "field"), [("", "Body", "title"), ("   ", "Body", "title"),
                                                      ("Title", "", "body"), ("Title", " \n ", "body")])
def test_empty_title_or_body_is_refused(admin_user, board, title, body, field):
    with pytest.raises(ValidationError) as info:
        schedule(admin_user, board, title=title, body=body)
    assert list(field_errors(info.value)) == [field]


def test_archived_board_is_refused(admin_user, board):
    Board.objects.filter(pk=board.pk).update(is_archived=True)
    board.refresh_from_db()
    with pytest.raises(ValidationError) as info:
        schedule(admin_user, board)
    assert list(field_errors(info.value)) == ["board"]


def test_a_board_moderator_cannot_rewrite_an_admins_scheduled_topic(board_mod, admin_user, board):
    """It would publish under the admin's name: only its author or an admin changes it."""
    item = schedule(admin_user, board)
    with pytest.raises(PermissionDenied, match="Only its author or an admin"):
        services.scheduled_topic_update(item=item, editor=board_mod, board=board, title="New title",
                                        body="Buy my bread machine", publish_at=soon(300))
    with pytest.raises(PermissionDenied, match="Only its author or an admin"):
        services.scheduled_topic_delete(item=item, by=board_mod)
    item.refresh_from_db()
    assert item.title != "New title" and item.updated_by is None


def test_update_by_its_author_and_by_an_admin_records_who(board_mod, admin_user, board):
    item = schedule(board_mod, board)
    when = soon(300)
    services.scheduled_topic_update(item=item, editor=board_mod, board=board, title="Mine", body="Mine",
                                    publish_at=when)
    item.refresh_from_db()
    assert (item.title, item.updated_by) == ("Mine", board_mod)
    updated = services.scheduled_topic_update(item=item, editor=admin_user, board=board, title="New title",
                                              body="New body", publish_at=when)
    item.refresh_from_db()
    assert (item.title, item.body, item.publish_at) == ("New title", "New body", when)
    assert updated.pk == item.pk and item.author == board_mod  # the author stays who wrote it
    assert item.updated_by == admin_user  # and the last change says who made it


def test_update_refusals(board_mod, tea_mod, member, admin_user, board, tea):
    item = schedule(admin_user, board)
    kwargs = {"title": "Changed", "body": "Changed", "publish_at": soon()}
    with pytest.raises(PermissionDenied):
        services.scheduled_topic_update(item=item, editor=member, board=board, **kwargs)
    with pytest.raises(PermissionDenied):
        services.scheduled_topic_update(item=item, editor=tea_mod, board=board, **kwargs)
    with pytest.raises(PermissionDenied):  # may edit it, but not move it to a board they do not moderate
        services.scheduled_topic_update(item=item, editor=board_mod, board=tea, **kwargs)
    with pytest.raises(ValidationError) as info:
        services.scheduled_topic_update(item=item, editor=admin_user, board=board, title="Changed", body="Changed",
                                        publish_at=timezone.now() - timedelta(hours=1))
    assert list(field_errors(info.value)) == ["publish_at"]
    item.refresh_from_db()
    assert item.title == "Weekend bake-along" and item.board == board


def test_admin_moves_an_item_to_another_board(admin_user, board, tea):
    item = schedule(admin_user, board)
    services.scheduled_topic_update(item=item, editor=admin_user, board=tea, title=item.title,
                                    body=item.body, publish_at=item.publish_at)
    item.refresh_from_db()
    assert item.board == tea


def test_delete_by_its_author_and_refusals(board_mod, tea_mod, member, admin_user, board):
    item = schedule(board_mod, board)
    for someone in (member, tea_mod):
        with pytest.raises(PermissionDenied):
            services.scheduled_topic_delete(item=item, by=someone)
    assert ScheduledTopic.objects.filter(pk=item.pk).exists()
    services.scheduled_topic_delete(item=item, by=board_mod)
    assert not ScheduledTopic.objects.filter(pk=item.pk).exists()
    services.scheduled_topic_delete(item=schedule(board_mod, board), by=admin_user)  # admins may too


def test_published_item_can_no_longer_be_edited_or_deleted(admin_user, board):
    item = make_due(schedule(admin_user, board))
    assert services.scheduled_topics_publish_due() == 1
    with pytest.raises(ValidationError):
        services.scheduled_topic_update(item=item, editor=admin_user, board=board, title="Too late",
                                        body="Too late", publish_at=soon())
    with pytest.raises(ValidationError):
        services.scheduled_topic_delete(item=item, by=admin_user)
    item.refresh_from_db()
    assert item.title == "Weekend bake-along" and item.is_published
    assert Topic.objects.get().title == "Weekend bake-along"


# --- publishing ----------------------------------------------------------------------------------------------------


def test_due_item_is_published_once_with_counters_right(board_mod, board):
    item = make_due(schedule(board_mod, board))
    before = timezone.now()
    assert services.scheduled_topics_publish_due() == 1
    after = timezone.now()
    assert services.scheduled_topics_publish_due() == 0

    topic = Topic.objects.get()
    item.refresh_from_db()
    assert item.published_topic == topic and item.is_published and item.last_error == ""
    assert before <= item.published_at <= after
    assert (topic.board, topic.author, topic.title) == (board, board_mod, "Weekend bake-along")
    assert not topic.is_hidden
    assert before <= topic.created_at <= after  # posted "now", at the publish time, not when it was written
    assert topic.last_post_at == topic.created_at
    post = Post.objects.get(topic=topic)
    assert post.body == "Who is baking this weekend?" and post.position == 1 and post.created_at == topic.created_at
    assert topic.post_count == 1 and topic.first_post == post and topic.last_post == post

    board.refresh_from_db()
    assert (board.topic_count, board.post_count, board.last_post_id) == (1, 1, post.pk)
    board_mod.refresh_from_db()
    assert (board_mod.topic_count, board_mod.post_count) == (1, 1)


def test_published_topic_joins_the_boards_counts(board_mod, board, member):
    services.topic_create(board=board, author=board_mod, title="Hand-written", body="Hello")
    item = make_due(schedule(board_mod, board))
    services.scheduled_topics_publish_due()
    board.refresh_from_db()
    item.refresh_from_db()
    assert (board.topic_count, board.post_count) == (2, 2)
    assert board.last_post == item.published_topic.first_post


def test_item_waits_until_its_time(admin_user, board):
    item = schedule(admin_user, board, publish_at=soon(30))
    assert services.scheduled_topics_publish_due() == 0
    assert services.scheduled_topics_publish_due(now=item.publish_at - timedelta(seconds=1)) == 0
    assert not Topic.objects.exists()
    assert services.scheduled_topics_publish_due(now=item.publish_at) == 1
    assert Topic.objects.count() == 1
    assert services.scheduled_topics_publish_due(now=item.publish_at + timedelta(hours=1)) == 0
    assert Topic.objects.count() == 1


def test_due_items_are_published_soonest_first_and_later_ones_wait(admin_user, board, tea):
    first = schedule(admin_user, board, title="First", publish_at=soon(10))
    second = schedule(admin_user, tea, title="Second", publish_at=soon(5))
    later = schedule(admin_user, board, title="Later", publish_at=soon(120))
    assert services.scheduled_topics_publish_due(now=soon(60)) == 2
    assert list(Topic.objects.order_by("id").values_list("title", flat=True)) == ["Second", "First"]
    later.refresh_from_db()
    assert not later.is_published
    assert {first.pk, second.pk} == set(ScheduledTopic.objects.filter(published_at__isnull=False)
                                        .values_list("pk", flat=True))


def test_publisher_task_publishes(admin_user, board):
    make_due(schedule(admin_user, board))
    result = publish_scheduled_topics.apply()
    assert result.successful() and result.get() == 1
    assert publish_scheduled_topics.apply().get() == 0
    assert Topic.objects.count() == 1


def test_author_who_lost_moderator_rights_is_not_published_and_not_retried(board_mod, board):
    item = make_due(schedule(board_mod, board))
    BoardModerator.objects.filter(member=board_mod).delete()
    assert services.scheduled_topics_publish_due() == 0
    item.refresh_from_db()
    assert not item.is_published and item.published_topic is None
    assert "no longer moderates" in item.last_error
    assert not Topic.objects.exists()
    stamp = item.updated_at

    assert services.scheduled_topics_publish_due() == 0  # the second run neither loops nor retries it
    item.refresh_from_db()
    assert item.updated_at == stamp and not Topic.objects.exists()


def test_archived_board_is_not_published_and_not_retried(admin_user, board):
    item = make_due(schedule(admin_user, board))
    Board.objects.filter(pk=board.pk).update(is_archived=True)
    assert services.scheduled_topics_publish_due() == 0
    item.refresh_from_db()
    assert "archived" in item.last_error and not item.is_published
    assert services.scheduled_topics_publish_due() == 0
    assert not Topic.objects.exists()


def test_a_failed_item_does_not_hold_up_the_others(board_mod, admin_user, board, tea):
    doomed = make_due(schedule(board_mod, board, title="Doomed"), timezone.now() - timedelta(minutes=5))
    fine = make_due(schedule(admin_user, tea, title="Fine"))
    BoardModerator.objects.filter(member=board_mod).delete()
    assert services.scheduled_topics_publish_due() == 1
    doomed.refresh_from_db()
    fine.refresh_from_db()
    assert doomed.last_error and not doomed.is_published
    assert fine.is_published and fine.published_topic.title == "Fine"


def test_editing_a_failed_item_clears_its_error_so_it_is_tried_again(board_mod, admin_user, board):
    item = make_due(schedule(board_mod, board))
    Board.objects.filter(pk=board.pk).update(is_archived=True)
    services.scheduled_topics_publish_due()
    item.refresh_from_db()
    assert item.last_error
    Board.objects.filter(pk=board.pk).update(is_archived=False)
    board.refresh_from_db()
    when = soon(5)
    services.scheduled_topic_update(item=item, editor=admin_user, board=board, title=item.title, body=item.body,
                                    publish_at=when)
    item.refresh_from_db()
    assert item.last_error == ""
    assert services.scheduled_topics_publish_due(now=when) == 1


def test_limit_bounds_one_run(admin_user, board):
    for i in range(3):
        make_due(schedule(admin_user, board, title=f"Seed {i}"))
    assert services.scheduled_topics_publish_due(limit=2) == 2
    assert services.scheduled_topics_publish_due(limit=2) == 1
    assert Topic.objects.count() == 3


def test_two_identical_items_due_together_do_not_break_the_run(board_mod, admin_user, board, tea):
    """A double-clicked "Schedule" makes two identical items (nothing refuses the second). When they fall due
    together, topic_create's double-submit check hands the second one the first one's topic, and saving it as
    the second item's published_topic (a OneToOneField) raises IntegrityError: the whole run fails, and the
    later, unrelated item in the same run is not published."""
    when = soon(10)
    first = schedule(board_mod, board, publish_at=when)
    ScheduledTopic.objects.create(board=board, author=board_mod, title=first.title, body=first.body,
                                  publish_at=when)  # the second submit of the same form
    other = schedule(admin_user, tea, title="Unrelated", publish_at=when + timedelta(minutes=1))

    services.scheduled_topics_publish_due(now=when + timedelta(minutes=2))

    other.refresh_from_db()
    assert other.is_published
    pending = ScheduledTopic.objects.filter(published_at__isnull=True, last_error="")
    assert not pending.exists(), "every due item was either published or given up on"


@pytest.mark.django_db(transaction=True)
def test_concurrent_publishers_publish_each_item_once():
    admin = UserFactory(username="root", is_superuser=True)
    boards = [BoardFactory(), BoardFactory()]
    items = [make_due(schedule(admin, boards[i % 2], title=f"Seed {i}")) for i in range(6)]
    published = []

    def publisher():
        published.append(services.scheduled_topics_publish_due())

    errors = run_in_threads(publisher, 3)
    assert not errors, errors
    assert sum(published) == len(items)
    assert Topic.objects.count() == len(items)
    assert ScheduledTopic.objects.filter(published_at__isnull=True).count() == 0
    assert len(set(ScheduledTopic.objects.values_list("published_topic", flat=True))) == len(items)
    for board in boards:
        board.refresh_from_db()
        assert board.topic_count == 3 and board.post_count == 3
    admin.refresh_from_db()
    assert admin.topic_count == len(items) == User.objects.get(pk=admin.pk).post_count


@pytest.mark.django_db(transaction=True)
def test_concurrent_publishers_with_one_item_make_one_topic():
    admin = UserFactory(username="root", is_superuser=True)
    item = make_due(schedule(admin, BoardFactory()))
    published = []

    def publisher():
        published.append(services.scheduled_topics_publish_due())

    errors = run_in_threads(publisher, 2, timeout=30)
    assert not errors, errors
    assert sorted(published) == [0, 1]
    assert Topic.objects.count() == 1
    item.refresh_from_db()
    assert item.published_topic == Topic.objects.get()
