"""The admins' freshness page with its snooze form, and the scheduled seed topic pages: who gets in,
what they see, the readable errors, and a fixed number of queries whatever the page lists."""
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from boards import freshness, services
from boards.models import Board, FreshnessReminder, ScheduledTopic, Topic
from tests.factories import BoardFactory, UserFactory, make_topic
from tests.helpers import login, schedule, soon

pytestmark = pytest.mark.django_db

MAX_QUERIES = 12
LOGIN_URL = "/accounts/login/"


def local_input(when) -> str:
    """What a datetime-local input sends, in the site's zone (members here have none of their own)."""
    return timezone.localtime(when, timezone.get_default_timezone()).strftime("%Y-%m-%dT%H:%M")


def publish(item) -> ScheduledTopic:
    ScheduledTopic.objects.filter(pk=item.pk).update(publish_at=timezone.now() - timedelta(minutes=1))
    services.scheduled_topics_publish_due()
    item.refresh_from_db()
    assert item.is_published
    return item


def row_for(content: str, name: str) -> str:
    """The table row that names `name`."""
    rows = [row for row in re.split(r"<tr[ >]", content) if f">{name}<" in row]
    assert len(rows) == 1, f"{name}: {len(rows)} rows"
    return rows[0]


def board_options(content: str) -> set[str]:
    select = re.search(r'<select name="board".*?</select>', content, re.S)
    assert select, "no board choice on the page"
    return set(re.findall(r"<option[^>]*>([^<]*)</option>", select.group(0)))


# --- /freshness/ ---------------------------------------------------------------------------------------------------


def test_freshness_page_shows_each_boards_state(admin_client, admin_user, settings):
    settings.HEARTH = {**settings.HEARTH, "LAUNCH_MEMBERS": 0}
    # 30 days before the moment the page checks from (today's FRESHNESS_HOUR), not before now: after that hour
    # "now minus 30 days" is 29.9 days before it, and the test failed every day from 09:00
    long_ago = freshness.as_of(freshness.today()) - timedelta(days=30)
    quiet = BoardFactory(name="Quiet corner")
    snoozed = BoardFactory(name="Sleepy hollow", reminders_snoozed_until=freshness.today() + timedelta(days=3))
    archived = BoardFactory(name="Old attic", is_archived=True)
    Board.objects.filter(pk__in=[quiet.pk, snoozed.pk, archived.pk]).update(created_at=long_ago)
    lively = BoardFactory(name="Lively")
    make_topic(board=lively, author=UserFactory(is_global_moderator=True), title="Just now")

    response = admin_client.get("/freshness/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "Quiet</strong>" in row_for(content, "Quiet corner")
    assert "30 <span" in row_for(content, "Quiet corner")  # days since a topic, from the board's creation
    assert "Fresh" in row_for(content, "Lively") and "Quiet<" not in row_for(content, "Lively")
    sleepy = row_for(content, "Sleepy hollow")
    assert "Snoozed" in sleepy and "until " in sleepy and 'name="days" min="0" max="90" value="0"' in sleepy
    assert "Old attic" not in content
    assert "No reminders yet" in content


def test_freshness_page_lists_the_reminders_sent(admin_client, admin_user, board, tea):
    mod = UserFactory(username="breadmod")
    sent = FreshnessReminder.objects.create(recipient=admin_user, day=date(2026, 11, 9),
                                            emailed_at=timezone.now() - timedelta(hours=2))
    sent.boards.set([board, tea])
    pending = FreshnessReminder.objects.create(recipient=mod, day=date(2026, 11, 10))
    pending.boards.set([board])

    content = admin_client.get("/freshness/").content.decode()
    history = content.split("Reminders sent", 1)[1]
    first, second = (row for row in re.split(r"<tr>", history) if "<td>" in row)
    assert "2026-11-10" in first and "breadmod" in first and "Sourdough" in first and "pending" in first
    assert "2026-11-09" in second and "root" in second and "Sourdough, Tea" in second and "sent" in second


@pytest.mark.parametrize("who", ["member", "board_mod", "moderator"])
def test_freshness_page_is_for_admins_only(client, request, who):
    user = request.getfixturevalue(who)
    response = login(client, user).get("/freshness/")
    assert response.status_code == 403
    assert "Only admins" in response.content.decode()


def test_freshness_page_sends_visitors_to_log_in(client):
    response = client.get("/freshness/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)


def test_snooze_for_a_week_and_back_on(admin_client, board):
    response = admin_client.post(f"/freshness/boards/{board.pk}/snooze/", {"days": "7"})
    assert response.status_code == 302 and response["Location"] == "/freshness/"
    board.refresh_from_db()
    assert board.reminders_snoozed_until == freshness.today() + timedelta(days=7)
    page = admin_client.get("/freshness/").content.decode()
    assert "Reminders for Sourdough are snoozed until" in page

    response = admin_client.post(f"/freshness/boards/{board.pk}/snooze/", {"days": "0"}, follow=True)
    board.refresh_from_db()
    assert board.reminders_snoozed_until is None
    assert "Reminders for Sourdough are on again." in response.content.decode()


@pytest.mark.parametrize(("days", "message"), [("-1", "Enter 0 or more days."), ("500", "Snooze for at most 90 days."),
                                               ("91", "Snooze for at most 90 days."),
                                               ("abc", "Enter a whole number of days."),
                                               ("2.5", "Enter a whole number of days."),
                                               ("", "Enter a number of days.")])
def test_snooze_refuses_bad_numbers_readably(admin_client, board, days, message):
    before = freshness.today() + timedelta(days=2)
    Board.objects.filter(pk=board.pk).update(reminders_snoozed_until=before)
    response = admin_client.post(f"/freshness/boards/{board.pk}/snooze/", {"days": days}, follow=True)
    assert response.status_code == 200
    assert message in response.content.decode()
    board.refresh_from_db()
    assert board.reminders_snoozed_until == before


def test_snooze_at_the_limit_is_accepted(admin_client, board):
    admin_client.post(f"/freshness/boards/{board.pk}/snooze/", {"days": "90"})
    board.refresh_from_db()
    assert board.reminders_snoozed_until == freshness.today() + timedelta(days=90)


def test_snooze_is_post_only(admin_client, board):
    assert admin_client.get(f"/freshness/boards/{board.pk}/snooze/").status_code == 405


def test_snooze_is_for_admins_only(client, board_mod, board):
    response = login(client, board_mod).post(f"/freshness/boards/{board.pk}/snooze/", {"days": "7"})
    assert response.status_code == 403
    board.refresh_from_db()
    assert board.reminders_snoozed_until is None


def test_snooze_sends_visitors_to_log_in(client, board):
    response = client.post(f"/freshness/boards/{board.pk}/snooze/", {"days": "7"})
    assert response.status_code == 302 and response["Location"].startswith(LOGIN_URL)
    board.refresh_from_db()
    assert board.reminders_snoozed_until is None


def test_snooze_of_an_unknown_board_is_404(admin_client):
    assert admin_client.post("/freshness/boards/999999/snooze/", {"days": "7"}).status_code == 404


# --- /seed/ --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["admin_user", "board_mod", "moderator"])
@pytest.mark.parametrize("url", ["/seed/", "/seed/new/"])
def test_seed_pages_open_to_admins_and_moderators(client, request, who, url):
    response = login(client, request.getfixturevalue(who)).get(url)
    assert response.status_code == 200


@pytest.mark.parametrize("url", ["/seed/", "/seed/new/"])
def test_seed_pages_are_closed_to_members(member_client, url):
    response = member_client.get(url)
    assert response.status_code == 403
    assert "Only admins and board moderators" in response.content.decode()


@pytest.mark.parametrize("url", ["/seed/", "/seed/new/"])
def test_seed_pages_send_visitors_to_log_in(client, url):
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(LOGIN_URL)


def test_member_cannot_post_a_scheduled_topic(member_client, board):
    response = member_client.post("/seed/new/", {"board": board.pk, "title": "Sneaky", "body": "Hi",
                                                 "publish_at": local_input(soon(120))})
    assert response.status_code == 403
    assert not ScheduledTopic.objects.exists()


def test_moderator_chooses_only_among_their_boards(client, board_mod, board, tea):
    BoardFactory(name="Attic", is_archived=True)
    content = login(client, board_mod).get("/seed/new/").content.decode()
    assert board_options(content) == {"Sourdough"}


def test_admin_chooses_among_every_open_board(admin_client, board, tea):
    BoardFactory(name="Attic", is_archived=True)
    assert board_options(admin_client.get("/seed/new/").content.decode()) == {"Sourdough", "Tea"}


def test_list_shows_a_moderator_only_their_boards_items(client, board_mod, admin_user, board, tea):
    schedule(admin_user, board, title="Bread seed")
    schedule(admin_user, tea, title="Tea seed")
    content = login(client, board_mod).get("/seed/").content.decode()
    assert "Bread seed" in content and "Tea seed" not in content


def test_list_shows_an_admin_everything_with_errors_and_published_items(admin_client, admin_user, board, tea):
    schedule(admin_user, board, title="Bread seed")
    failed = schedule(admin_user, tea, title="Tea seed")
    ScheduledTopic.objects.filter(pk=failed.pk).update(last_error="This board is archived and takes no new posts.")
    done = publish(schedule(admin_user, board, title="Already out"))
    content = admin_client.get("/seed/").content.decode()
    assert "Bread seed" in content and "Tea seed" in content
    assert "Not published: This board is archived and takes no new posts." in content
    published = content.split("<h2>Published</h2>", 1)[1]
    assert f'href="{done.published_topic.get_absolute_url()}">Already out</a>' in published
    assert f"/seed/{done.pk}/edit/" not in content  # no edit link for a published one


def test_schedule_a_topic_through_the_form(client, board_mod, board):
    when = soon(24 * 60).replace(second=0, microsecond=0)
    response = login(client, board_mod).post("/seed/new/", {
        "board": board.pk, "title": "Weekend bake-along", "body": "Who is in?", "publish_at": local_input(when)})
    assert response.status_code == 302 and response["Location"] == "/seed/"
    item = ScheduledTopic.objects.get()
    assert (item.board, item.author, item.title, item.body) == (board, board_mod, "Weekend bake-along", "Who is in?")
    assert item.publish_at == when
    assert "The topic is scheduled." in client.get("/seed/").content.decode()


def test_form_time_is_read_in_the_members_own_zone(client, board_mod, board):
    board_mod.timezone = "Asia/Shanghai"
    board_mod.save(update_fields=["timezone"])
    login(client, board_mod).post("/seed/new/", {"board": board.pk, "title": "Morning tea", "body": "Hello",
                                                 "publish_at": "2030-01-15T09:00"})
    item = ScheduledTopic.objects.get()
    assert item.publish_at == datetime(2030, 1, 15, 1, 0, tzinfo=UTC)


@pytest.mark.parametrize(("change", "message"), [
    ({"title": ""}, "Give the topic a title."),
    ({"title": "x" * 151}, "Keep the title under 150 characters."),
    ({"body": ""}, "Write something before posting."),
    ({"publish_at": ""}, "Pick when the topic should appear."),
    ({"publish_at": "next tuesday"}, "Enter a date and time, like 2026-12-01 09:00."),
    ({"publish_at": "2030-02-30T09:00"}, "Enter a date and time, like 2026-12-01 09:00."),
    ({"publish_at": "past"}, "Pick a time in the future."),
])
def test_invalid_form_shows_readable_errors(admin_client, board, change, message):
    data = {"board": board.pk, "title": "Weekend bake-along", "body": "Who is in?", "publish_at": local_input(soon())}
    data.update(change)
    if data["publish_at"] == "past":
        data["publish_at"] = local_input(timezone.now() - timedelta(hours=2))
    response = admin_client.post("/seed/new/", data)
    assert response.status_code == 200
    content = response.content.decode()
    errors = re.findall(r'<div class="field-errors"[^>]*>(.*?)</div>', content, re.S)
    assert any(message in e for e in errors), (message, errors)
    assert not ScheduledTopic.objects.exists()


def test_board_of_another_moderator_is_refused_in_the_form(client, board_mod, tea):
    response = login(client, board_mod).post("/seed/new/", {
        "board": tea.pk, "title": "Sneaky", "body": "Hi", "publish_at": local_input(soon())})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not ScheduledTopic.objects.exists()


def test_edit_through_the_form(client, board_mod, admin_user, board):
    item = schedule(board_mod, board)
    login(client, board_mod)
    page = client.get(f"/seed/{item.pk}/edit/")
    assert page.status_code == 200
    assert 'value="Weekend bake-along"' in page.content.decode()
    when = soon(600).replace(second=0, microsecond=0)
    response = client.post(f"/seed/{item.pk}/edit/", {"board": board.pk, "title": "Sunday bake-along",
                                                      "body": "Who?", "publish_at": local_input(when)})
    assert response.status_code == 302 and response["Location"] == "/seed/"
    item.refresh_from_db()
    assert (item.title, item.body, item.publish_at) == ("Sunday bake-along", "Who?", when)


def test_another_boards_draft_is_not_found_for_others(client, tea_mod, member, admin_user, board):
    """Another board's scheduled draft does not exist for them: 404, never a 403 that confirms it does."""
    item = schedule(admin_user, board)
    for user in (tea_mod, member):
        login(client, user)
        assert client.get(f"/seed/{item.pk}/edit/").status_code == 404
        assert client.post(f"/seed/{item.pk}/edit/", {"board": board.pk, "title": "X", "body": "X",
                                                      "publish_at": local_input(soon())}).status_code == 404
        assert client.post(f"/seed/{item.pk}/delete/").status_code == 404
    item.refresh_from_db()
    assert item.title == "Weekend bake-along"


def test_unknown_item_is_404(admin_client):
    assert admin_client.get("/seed/999999/edit/").status_code == 404
    assert admin_client.post("/seed/999999/delete/").status_code == 404


def test_a_board_moderator_may_not_change_an_admins_draft(client, board_mod, admin_user, board):
    """They see it listed (it is their board), so refusing is a 403, with no edit or delete buttons."""
    item = schedule(admin_user, board)
    login(client, board_mod)
    listing = client.get("/seed/").content.decode()
    assert "Weekend bake-along" in listing and f"/seed/{item.pk}/edit/" not in listing
    assert client.get(f"/seed/{item.pk}/edit/").status_code == 403
    assert client.post(f"/seed/{item.pk}/edit/", {"board": board.pk, "title": "X", "body": "X",
                                                  "publish_at": local_input(soon())}).status_code == 403
    assert client.post(f"/seed/{item.pk}/delete/").status_code == 403
    item.refresh_from_db()
    assert item.title == "Weekend bake-along"


def test_delete_is_post_only_and_deletes(client, board_mod, admin_user, board):
    item = schedule(board_mod, board)
    login(client, board_mod)
    assert client.get(f"/seed/{item.pk}/delete/").status_code == 405
    assert ScheduledTopic.objects.filter(pk=item.pk).exists()
    response = client.post(f"/seed/{item.pk}/delete/")
    assert response.status_code == 302 and response["Location"] == "/seed/"
    assert not ScheduledTopic.objects.filter(pk=item.pk).exists()


def test_delete_refused_for_others(client, tea_mod, member, admin_user, board):
    item = schedule(admin_user, board)
    for user in (tea_mod, member):  # another board's draft: not found for them
        assert login(client, user).post(f"/seed/{item.pk}/delete/").status_code == 404
    assert ScheduledTopic.objects.filter(pk=item.pk).exists()


def test_published_item_cannot_be_edited_or_deleted(admin_client, admin_user, board):
    item = publish(schedule(admin_user, board))
    assert admin_client.get(f"/seed/{item.pk}/edit/").status_code == 403
    response = admin_client.post(f"/seed/{item.pk}/edit/", {"board": board.pk, "title": "Too late", "body": "X",
                                                            "publish_at": local_input(soon())})
    assert response.status_code == 403
    assert "published already" in response.content.decode()
    assert admin_client.post(f"/seed/{item.pk}/delete/").status_code == 403
    item.refresh_from_db()
    assert item.title == "Weekend bake-along"
    assert Topic.objects.get().title == "Weekend bake-along"


# --- a fixed number of queries -------------------------------------------------------------------------------------


def queries(client, url: str) -> int:
    assert client.get(url).status_code == 200  # warm: sessions, per-process URL patterns
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def add_reminders(count: int, boards) -> None:
    start = FreshnessReminder.objects.count()
    for i in range(start, start + count):
        reminder = FreshnessReminder.objects.create(
            recipient=UserFactory(), day=date(2026, 1, 1) + timedelta(days=i),
            emailed_at=timezone.now() if i % 2 else None)
        reminder.boards.set(boards)


def test_freshness_page_queries_do_not_grow_with_reminders(admin_client, board, tea):
    add_reminders(2, [board, tea])
    small = queries(admin_client, "/freshness/")
    add_reminders(8, [board, tea])
    assert FreshnessReminder.objects.count() == 10
    large = queries(admin_client, "/freshness/")
    print(f"queries: {small} with a few, {large} with many")  # shown with -s
    assert small == large, (small, large)
    assert large <= MAX_QUERIES


def add_items(count: int, author, boards) -> None:
    for i in range(count):
        item = schedule(author, boards[i % len(boards)], title=f"Seed {ScheduledTopic.objects.count()}")
        if i % 2:
            publish(item)


@pytest.mark.parametrize("who", ["admin_user", "board_mod"])
def test_seed_list_queries_do_not_grow_with_items(client, request, admin_user, board, tea, who):
    login(client, request.getfixturevalue(who))
    add_items(2, admin_user, [board])
    small = queries(client, "/seed/")
    add_items(8, admin_user, [board, tea])
    assert ScheduledTopic.objects.filter(board=board).count() >= 6
    large = queries(client, "/seed/")
    print(f"queries: {small} with a few, {large} with many")  # shown with -s
    assert small == large, (small, large)
    assert large <= MAX_QUERIES
