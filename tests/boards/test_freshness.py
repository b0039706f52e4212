"""Quiet boards and the daily freshness reminder: the rules at their boundaries, who is reminded of what,
and that every recipient gets one reminder, one notice and one email a day however often the check runs.

The clock is never frozen: every check is made for an explicit `DAY`, and every timestamp that matters
(board creation, topics, posts) is set relative to `freshness.as_of(DAY)`.
"""
import re
import smtplib
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.mail.backends.locmem import EmailBackend as LocmemEmailBackend
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from boards import freshness, services
from boards.models import Board, BoardModerator, FreshnessReminder, Post, Topic
from boards.tasks import check_freshness, send_reminder_email
from members.models import User
from notices.models import Notice
from tests.factories import BoardFactory, UserFactory, make_topic
from tests.helpers import run_in_threads

pytestmark = pytest.mark.django_db

DAY = date(2026, 11, 10)
SITE_URL = "https://hearth.example.org"


# --- helpers -------------------------------------------------------------------------------------------------------


def moment(day: date = DAY):
    return freshness.as_of(day)


def ago(days: float = 0, *, hours: float = 0, minutes: float = 0, day: date = DAY):
    return moment(day) - timedelta(days=days, hours=hours, minutes=minutes)


def set_hearth(settings, **values) -> dict:
    settings.HEARTH = {**settings.HEARTH, **values}
    return settings.HEARTH


def launch(settings, on: bool) -> tuple[int, int]:
    """Switch the launch phase on or off; returns the (topic, post) thresholds then in force."""
    hearth = set_hearth(settings, LAUNCH_MEMBERS=10_000 if on else 0)
    if on:
        return hearth["LAUNCH_QUIET_TOPIC_DAYS"], hearth["LAUNCH_QUIET_POST_DAYS"]
    return hearth["QUIET_TOPIC_DAYS"], hearth["QUIET_POST_DAYS"]


def make_board(*, created=None, **kwargs) -> Board:
    """A board made long ago (60 days before DAY unless told), so that its age never makes it quiet by itself
    unless a test means it to."""
    board = BoardFactory(**kwargs)
    Board.objects.filter(pk=board.pk).update(created_at=created or ago(60))
    board.refresh_from_db()
    return board


def poster() -> User:
    """Someone whose posts go out at once, whatever the rank ladder holds back for newcomers."""
    return UserFactory(is_global_moderator=True)


def topic_at(board, when, *, author=None, title=None, hidden=False) -> Topic:
    """A topic (made through services, so counters are right) dated `when`, its first post too."""
    topic = make_topic(board=board, author=author or poster(), title=title or f"Topic made {when:%Y-%m-%d %H:%M}")
    Topic.objects.filter(pk=topic.pk).update(created_at=when, last_post_at=when, is_hidden=hidden)
    Post.objects.filter(topic=topic).update(created_at=when)
    topic.refresh_from_db()
    return topic


def reply_at(topic, when, *, author=None) -> Post:
    post = services.post_create(topic=topic, author=author or poster(), body=f"A reply at {when:%H:%M:%S.%f}")
    Post.objects.filter(pk=post.pk).update(created_at=when)
    Topic.objects.filter(pk=topic.pk).update(last_post_at=when)
    topic.refresh_from_db()
    return post


def state(board, day: date = DAY) -> freshness.BoardFreshness | None:
    return next((item for item in freshness.board_freshness(day) if item.board.pk == board.pk), None)


def quiet_board(name: str, *, days: int = 20, **kwargs) -> Board:
    """A board whose only topic (and post) is `days` old: quiet under any threshold used here."""
    board = make_board(name=name, **kwargs)
    topic_at(board, ago(days), title=f"Old news in {name}")
    return board


def fresh_board(name: str, **kwargs) -> Board:
    board = make_board(name=name, **kwargs)
    topic_at(board, ago(hours=1), title=f"Fresh news in {name}")
    return board


def moderate(member, board) -> BoardModerator:
    return BoardModerator.objects.create(board=board, member=member)


def send(capture, day: date = DAY, **kwargs):
    """send_freshness_reminders with its on-commit email queueing run, as it is after a real commit."""
    with capture(execute=True):
        return freshness.send_freshness_reminders(day, **kwargs)


def counts(user) -> tuple[int, int]:
    return (FreshnessReminder.objects.filter(recipient=user).count(),
            Notice.objects.filter(recipient=user, kind="freshness").count())


def emails_to(mailoutbox, user) -> list:
    return [m for m in mailoutbox if m.to == [user.email]]


@pytest.fixture
def site(settings):
    set_hearth(settings, SITE_URL=SITE_URL)
    return SITE_URL


class FlakyEmailBackend(LocmemEmailBackend):
    """The locmem backend behind a mail server that is down for the next `failures` sends."""

    failures = 0
    attempts = 0

    def send_messages(self, messages):
        cls = type(self)
        cls.attempts += 1
        if cls.failures > 0:
            cls.failures -= 1
            raise smtplib.SMTPException("451 mail server is having a moment")
        return super().send_messages(messages)


@pytest.fixture
def flaky_mail(settings):
    FlakyEmailBackend.failures = 0
    FlakyEmailBackend.attempts = 0
    settings.EMAIL_BACKEND = f"{FlakyEmailBackend.__module__}.{FlakyEmailBackend.__qualname__}"
    yield FlakyEmailBackend
    FlakyEmailBackend.failures = 0


# --- 1. quiet-board rules at their boundaries ----------------------------------------------------------------------


@pytest.mark.parametrize("launch_on", [False, True], ids=["normal", "launch"])
@pytest.mark.parametrize(("offset", "quiet"), [(-1, False), (0, True), (1, True)], ids=["N-1", "N", "N+1"])
def test_topic_threshold_boundary(settings, launch_on, offset, quiet):
    topic_days, post_days = launch(settings, launch_on)
    assert post_days >= 1  # the fresh reply below keeps the post rule out of it
    board = make_board()
    topic = topic_at(board, ago(topic_days + offset))
    reply_at(topic, ago(hours=1))

    item = state(board)
    assert item.topic_days == topic_days
    assert item.days_since_topic == topic_days + offset
    assert item.days_since_post == 0
    assert item.is_quiet is quiet


@pytest.mark.parametrize("launch_on", [False, True], ids=["normal", "launch"])
def test_topic_threshold_is_whole_days_a_minute_short_is_not_quiet(settings, launch_on):
    topic_days, _post_days = launch(settings, launch_on)
    board = make_board()
    topic = topic_at(board, ago(topic_days, minutes=-1))  # N days less one minute
    reply_at(topic, ago(hours=1))
    item = state(board)
    assert item.days_since_topic == topic_days - 1
    assert not item.is_quiet


@pytest.mark.parametrize("launch_on", [False, True], ids=["normal", "launch"])
@pytest.mark.parametrize(("offset", "quiet"), [(-1, False), (0, True), (1, True)], ids=["M-1", "M", "M+1"])
def test_post_threshold_boundary(settings, launch_on, offset, quiet):
    topic_days, post_days = launch(settings, launch_on)
    board = make_board()
    topic = topic_at(board, ago(post_days + offset, hours=1))
    reply_at(topic, ago(post_days + offset))  # the last post is exactly M+offset days old

    item = state(board)
    assert item.post_days == post_days
    assert item.days_since_post == post_days + offset
    assert item.is_quiet is quiet
    if offset < 0:
        assert item.days_since_topic < topic_days  # not quiet by the topic rule either


def test_default_thresholds_are_the_site_settings(settings):
    set_hearth(settings, LAUNCH_MEMBERS=0, QUIET_TOPIC_DAYS=11, QUIET_POST_DAYS=5)
    board = make_board()
    item = state(board)
    assert (item.topic_days, item.post_days) == (11, 5)
    set_hearth(settings, LAUNCH_MEMBERS=10_000, LAUNCH_QUIET_TOPIC_DAYS=4, LAUNCH_QUIET_POST_DAYS=2)
    item = state(board)
    assert (item.topic_days, item.post_days) == (4, 2)


def test_launch_phase_follows_the_number_of_active_members(settings):
    UserFactory.create_batch(3)
    UserFactory(is_active=False)
    active = User.objects.filter(is_active=True).count()
    set_hearth(settings, LAUNCH_MEMBERS=active)
    assert not freshness.in_launch_phase()
    set_hearth(settings, LAUNCH_MEMBERS=active + 1)
    assert freshness.in_launch_phase()


def test_board_overrides_replace_the_site_defaults(settings):
    launch(settings, False)
    board = make_board(quiet_topic_days=10, quiet_post_days=5)
    topic = topic_at(board, ago(9))
    reply = reply_at(topic, ago(4))
    item = state(board)
    assert (item.topic_days, item.post_days) == (10, 5)
    assert (item.days_since_topic, item.days_since_post) == (9, 4)
    assert not item.is_quiet  # 9 days would be quiet by the site's 7, 4 by its 3

    Post.objects.filter(pk=reply.pk).update(created_at=ago(5))
    item = state(board)
    assert (item.days_since_topic, item.days_since_post) == (9, 5)
    assert item.is_quiet


def test_board_topic_override_boundary(settings):
    launch(settings, False)
    board = make_board(quiet_topic_days=10)
    topic = topic_at(board, ago(9))
    reply_at(topic, ago(hours=2))
    assert not state(board).is_quiet
    Topic.objects.filter(pk=topic.pk).update(created_at=ago(10))
    assert state(board).is_quiet


def test_stricter_board_override_applies_in_the_launch_phase_and_looser_ones_do_not(settings):
    launch_topic_days, _ = launch(settings, True)
    strict = make_board(quiet_topic_days=1)
    loose = make_board(quiet_topic_days=30)
    for board in (strict, loose):
        reply_at(topic_at(board, ago(1)), ago(hours=1))
    assert state(strict).topic_days == 1 and state(strict).is_quiet
    assert state(loose).topic_days == launch_topic_days
    assert state(loose).is_quiet is (launch_topic_days <= 1)


def test_archived_boards_are_never_quiet_or_reminded(settings, admin_user, mailoutbox,
                                                     django_capture_on_commit_callbacks):
    launch(settings, False)
    board = quiet_board("Attic", days=90)
    Board.objects.filter(pk=board.pk).update(is_archived=True)
    assert state(board) is None
    assert send(django_capture_on_commit_callbacks) == []
    assert not FreshnessReminder.objects.exists() and not mailoutbox


def test_snoozed_board_is_not_reminded_until_the_snooze_ends(settings, admin_user, mailoutbox,
                                                             django_capture_on_commit_callbacks):
    launch(settings, False)
    board = quiet_board("Sleepy")
    Board.objects.filter(pk=board.pk).update(reminders_snoozed_until=DAY + timedelta(days=2))

    for day in (DAY, DAY + timedelta(days=1), DAY + timedelta(days=2)):  # the last snoozed day included
        item = state(board, day)
        assert item.snoozed and not item.is_quiet
        assert send(django_capture_on_commit_callbacks, day) == []
    assert not FreshnessReminder.objects.exists() and not mailoutbox

    after = DAY + timedelta(days=3)
    assert not state(board, after).snoozed
    plans = send(django_capture_on_commit_callbacks, after)
    assert [p.recipient for p in plans] == [admin_user]
    assert FreshnessReminder.objects.get().day == after
    assert len(mailoutbox) == 1


def test_snooze_of_one_board_leaves_the_others_reminded(settings, admin_user, django_capture_on_commit_callbacks):
    launch(settings, False)
    sleepy, loud = quiet_board("Sleepy"), quiet_board("Loud")
    Board.objects.filter(pk=sleepy.pk).update(reminders_snoozed_until=DAY)
    (plan,) = send(django_capture_on_commit_callbacks)
    assert plan.quiet_board_ids == [loud.pk]


def test_board_without_topics_counts_from_its_creation(settings):
    topic_days, post_days = launch(settings, False)
    young = make_board(created=ago(min(topic_days, post_days) - 1))
    old = make_board(created=ago(topic_days))
    item = state(young)
    assert (item.days_since_topic, item.days_since_post) == (min(topic_days, post_days) - 1,) * 2
    assert not item.is_quiet
    item = state(old)
    assert item.days_since_topic == topic_days and item.days_since_post == topic_days
    assert item.is_quiet


def test_board_created_after_the_day_checked_is_not_quiet(settings):
    launch(settings, False)
    board = make_board(created=ago(-3))  # made three days after DAY: a look back at DAY sees it brand new
    item = state(board)
    assert (item.days_since_topic, item.days_since_post) == (0, 0)
    assert not item.is_quiet


def test_hidden_topic_does_not_make_a_board_fresh_by_the_topic_rule(settings):
    topic_days, _ = launch(settings, False)
    board = make_board()
    visible = topic_at(board, ago(topic_days + 2))
    reply_at(visible, ago(hours=3))
    topic_at(board, ago(hours=1), hidden=True)
    item = state(board)
    assert item.days_since_topic == topic_days + 2
    assert item.is_quiet


def test_only_a_hidden_topic_counts_from_the_boards_creation(settings):
    topic_days, _ = launch(settings, False)
    board = make_board(created=ago(topic_days + 5))
    topic_at(board, ago(hours=1), hidden=True)
    item = state(board)
    assert item.days_since_topic == topic_days + 5
    assert item.is_quiet


def test_hidden_topic_does_not_make_a_board_fresh_by_the_post_rule(settings):
    """A spam topic that a moderator hid is not activity: the board's last *visible* post decides.

    The board has a visible topic with its last post 4 days ago (quiet by the 3-day post rule, fresh by the
    7-day topic rule) and a hidden topic from an hour ago. board_freshness takes the post age from
    board.last_post, which is the hidden topic's post, so the board looks fresh.
    """
    topic_days, post_days = launch(settings, False)
    assert post_days < post_days + 1 < topic_days
    board = make_board()
    topic_at(board, ago(post_days + 1))
    topic_at(board, ago(hours=1), hidden=True)
    item = state(board)
    assert item.days_since_topic == post_days + 1
    assert item.days_since_post == post_days + 1
    assert item.is_quiet


@pytest.mark.parametrize("flag", ["is_hidden", "is_awaiting_approval"])
def test_hidden_or_held_replies_do_not_make_a_board_fresh(settings, flag):
    _, post_days = launch(settings, False)
    board = make_board()
    topic = topic_at(board, ago(post_days + 1))
    reply = reply_at(topic, ago(hours=1))
    assert state(board).days_since_post == 0
    Post.objects.filter(pk=reply.pk).update(**{flag: True})
    item = state(board)
    assert item.days_since_post == post_days + 1
    assert item.is_quiet


def test_looking_back_ignores_what_was_posted_after_the_day(settings):
    topic_days, post_days = launch(settings, False)
    board = make_board()
    topic = topic_at(board, ago(post_days))
    later = topic_at(board, ago(-2))  # two days after DAY
    reply_at(later, ago(-1))
    reply_at(topic, ago(-1, hours=1))
    item = state(board)
    assert (item.days_since_topic, item.days_since_post) == (post_days, post_days)
    assert item.is_quiet


def test_board_freshness_costs_a_fixed_number_of_queries(settings):
    launch(settings, False)
    used = []
    for total in (1, 6):
        while Board.objects.count() < total:
            quiet_board(f"Board {Board.objects.count()}")
        with CaptureQueriesContext(connection) as ctx:
            assert len(freshness.board_freshness(DAY, launch=False)) == total
        used.append(len(ctx.captured_queries))
    assert used[0] == used[1] <= 3, used


# --- 2. who is reminded of what ------------------------------------------------------------------------------------


def test_nothing_quiet_sends_nothing(settings, admin_user, mailoutbox, django_capture_on_commit_callbacks):
    launch(settings, False)
    mod = UserFactory(board_freshness_reminders=True)
    moderate(mod, fresh_board("Lively"))
    fresh_board("Busy")
    assert send(django_capture_on_commit_callbacks) == []
    assert not FreshnessReminder.objects.exists()
    assert not Notice.objects.exists()
    assert not mailoutbox
    admin_user.refresh_from_db()
    assert admin_user.unread_notice_count == 0


@pytest.fixture
def forum(settings, site, admin_user):
    """Two quiet boards (one with unanswered and popular topics and a scheduled draft), one fresh board,
    and the moderators around them."""
    launch(settings, False)
    bread = make_board(name="Bread", description="Loaves and starters.")
    lonely = topic_at(bread, ago(12), title="Anyone baking rye?")
    popular = topic_at(bread, ago(11), title="Best flour for baguettes")
    reply_at(popular, ago(10, hours=2))
    reply_at(popular, ago(10))
    services.scheduled_topic_create(author=admin_user, board=bread, title="Weekend bake-along", body="Who is in?",
                                    publish_at=timezone.now() + timedelta(days=2))
    tea = quiet_board("Tea", days=8)
    garden = fresh_board("Garden")

    bread_mod = UserFactory(username="breadmod", board_freshness_reminders=True)
    moderate(bread_mod, bread)
    tea_mod_quiet = UserFactory(username="teamod", board_freshness_reminders=False)  # did not opt in
    moderate(tea_mod_quiet, tea)
    garden_mod = UserFactory(username="gardenmod", board_freshness_reminders=True)  # their board is fresh
    moderate(garden_mod, garden)
    return {"bread": bread, "tea": tea, "garden": garden, "lonely": lonely, "popular": popular,
            "bread_mod": bread_mod, "tea_mod": tea_mod_quiet, "garden_mod": garden_mod}


def test_admin_report_lists_every_quiet_board_with_its_details(forum, admin_user, site):
    plans = freshness.plan_reminders(DAY)
    admin_plan = next(p for p in plans if p.recipient == admin_user)
    assert [b["name"] for b in admin_plan.boards] == ["Bread", "Tea"]
    assert admin_plan.quiet_board_ids == [forum["bread"].pk, forum["tea"].pk]
    bread, tea = admin_plan.boards
    assert (bread["days_since_topic"], bread["days_since_post"]) == (11, 10)
    assert (tea["days_since_topic"], tea["days_since_post"]) == (8, 8)
    assert bread["url"] == f"{site}/b/{forum['bread'].slug}/"
    assert bread["focus"] == "Loaves and starters."
    assert [t["title"] for t in bread["unanswered"]] == ["Anyone baking rye?"]
    assert bread["unanswered"][0]["url"] == site + forum["lonely"].get_absolute_url()
    assert [(t["title"], t["posts"]) for t in bread["popular"]] == [("Best flour for baguettes", 3)]
    assert [d["title"] for d in bread["drafts"]] == ["Weekend bake-along"]
    assert tea["drafts"] == [] and tea["popular"] == []
    assert not admin_plan.launch_phase and admin_plan.newcomers == []


def test_moderators_are_reminded_only_when_opted_in_and_only_of_their_boards(forum, admin_user):
    plans = {p.recipient.username: p for p in freshness.plan_reminders(DAY)}
    assert set(plans) == {"root", "breadmod"}
    assert [b["name"] for b in plans["breadmod"].boards] == ["Bread"]
    assert plans["breadmod"].quiet_board_ids == [forum["bread"].pk]


def test_moderator_of_two_quiet_boards_gets_one_reminder_listing_both(forum, admin_user, mailoutbox,
                                                                       django_capture_on_commit_callbacks):
    moderate(forum["bread_mod"], forum["tea"])
    send(django_capture_on_commit_callbacks)
    reminder = FreshnessReminder.objects.get(recipient=forum["bread_mod"])
    assert {b.name for b in reminder.boards.all()} == {"Bread", "Tea"}
    assert len(emails_to(mailoutbox, forum["bread_mod"])) == 1


def test_opted_out_admins_and_inactive_members_get_nothing(forum, admin_user, mailoutbox,
                                                           django_capture_on_commit_callbacks):
    User.objects.filter(pk=admin_user.pk).update(freshness_reminders=False)
    User.objects.filter(pk=forum["bread_mod"].pk).update(is_active=False)
    UserFactory(username="retired-admin", is_superuser=True, is_active=False)
    assert send(django_capture_on_commit_callbacks) == []
    assert not FreshnessReminder.objects.exists() and not Notice.objects.exists() and not mailoutbox


def test_every_opted_in_admin_gets_their_own_reminder(forum, admin_user, mailoutbox,
                                                      django_capture_on_commit_callbacks):
    second = UserFactory(username="root2", is_superuser=True)
    send(django_capture_on_commit_callbacks)
    for user in (admin_user, second, forum["bread_mod"]):
        assert counts(user) == (1, 1)
        assert len(emails_to(mailoutbox, user)) == 1
    assert len(mailoutbox) == 3


def test_admin_who_also_moderates_gets_only_the_admin_reminder(forum, admin_user, django_capture_on_commit_callbacks):
    User.objects.filter(pk=admin_user.pk).update(board_freshness_reminders=True)
    moderate(admin_user, forum["bread"])
    plans = send(django_capture_on_commit_callbacks)
    assert [p.recipient.username for p in plans].count("root") == 1
    assert FreshnessReminder.objects.get(recipient=admin_user).boards.count() == 2


def test_admin_who_opted_out_still_gets_the_moderator_reminder_for_their_board(
        forum, admin_user, django_capture_on_commit_callbacks):
    User.objects.filter(pk=admin_user.pk).update(freshness_reminders=False, board_freshness_reminders=True)
    moderate(admin_user, forum["tea"])
    send(django_capture_on_commit_callbacks)
    assert list(FreshnessReminder.objects.get(recipient=admin_user).boards.values_list("name", flat=True)) == ["Tea"]


def test_launch_phase_admins_see_newcomers_and_moderators_do_not(forum, admin_user, settings, site):
    set_hearth(settings, LAUNCH_MEMBERS=10_000)
    shy = UserFactory(username="shy")
    plans = {p.recipient.username: p for p in freshness.plan_reminders(DAY)}
    admin_plan, mod_plan = plans["root"], plans["breadmod"]
    assert admin_plan.launch_phase and mod_plan.launch_phase
    names = [m["username"] for m in admin_plan.newcomers]
    assert "shy" in names
    assert {"root"}.isdisjoint(names)  # admins are not newcomers
    posters = set(User.objects.filter(post_count__gt=0).values_list("username", flat=True))
    assert posters and posters.isdisjoint(names)  # members who posted are not newcomers
    shy_entry = next(m for m in admin_plan.newcomers if m["username"] == "shy")
    assert shy_entry["url"] == f"{site}/u/shy/"
    assert mod_plan.newcomers == []
    assert mod_plan.as_report()["newcomers"] == []
    assert shy.pk  # joined and never posted


def test_no_newcomers_outside_the_launch_phase(forum, admin_user):
    UserFactory(username="shy")
    (admin_plan,) = [p for p in freshness.plan_reminders(DAY) if p.recipient == admin_user]
    assert admin_plan.newcomers == []


def test_reminder_becomes_a_notice(forum, admin_user, site, django_capture_on_commit_callbacks):
    send(django_capture_on_commit_callbacks)
    admin_user.refresh_from_db()
    assert admin_user.unread_notice_count == 1
    notice = Notice.objects.get(recipient=admin_user)
    assert notice.kind == "freshness" and notice.read_at is None
    assert "Bread" in notice.title and "Tea" in notice.title
    assert "Bread: 11 days since the last topic, 10 since the last post" in notice.body
    assert notice.url == f"{site}/freshness/"

    mod_notice = Notice.objects.get(recipient=forum["bread_mod"])
    assert "Bread" in mod_notice.title and "Tea" not in mod_notice.title
    assert mod_notice.url == f"{site}/b/{forum['bread'].slug}/"
    forum["bread_mod"].refresh_from_db()
    assert forum["bread_mod"].unread_notice_count == 1


def test_reminder_email_has_text_and_html_with_absolute_links(forum, admin_user, site, settings, mailoutbox,
                                                              django_capture_on_commit_callbacks):
    set_hearth(settings, LAUNCH_MEMBERS=10_000)
    UserFactory(username="shy")
    send(django_capture_on_commit_callbacks)
    (message,) = emails_to(mailoutbox, admin_user)
    assert "Bread" in message.subject and "Tea" in message.subject
    assert message.subject.startswith(f"[{settings.HEARTH['SITE_NAME']}]")
    text = message.body
    for expected in ("Hello root", "Bread", "Tea", "11 days since the last topic, 10 days since the last post",
                     "Anyone baking rye?", "Best flour for baguettes (3)", "Weekend bake-along", "shy",
                     f"{site}/seed/", f"{site}/settings/"):
        assert expected in text, expected
    assert "<a " not in text and "<p>" not in text  # plain text, no markup

    assert len(message.alternatives) == 1
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "<a href=" in html and "Anyone baking rye?" in html and "shy" in html
    links = re.findall(r'href="([^"]*)"', html)
    assert links and all(link.startswith(site + "/") for link in links), links
    text_links = re.findall(r"https?://\S+", text)
    assert text_links and all(link.startswith(site + "/") for link in text_links), text_links

    (mod_message,) = emails_to(mailoutbox, forum["bread_mod"])
    assert "Bread" in mod_message.subject and "Tea" not in mod_message.subject
    assert "shy" not in mod_message.body and "shy" not in mod_message.alternatives[0][0]


def test_board_names_are_escaped_in_the_html_email_only(settings, site, admin_user, mailoutbox,
                                                       django_capture_on_commit_callbacks):
    launch(settings, False)
    quiet_board("Tea & <Biscuits>")
    send(django_capture_on_commit_callbacks)
    (message,) = mailoutbox
    html = message.alternatives[0][0]
    assert "Tea &amp; &lt;Biscuits&gt;" in html and "<Biscuits>" not in html
    assert "== Tea & <Biscuits> (" in message.body
    assert "Tea & <Biscuits>" in message.subject


def test_reminder_is_stored_with_its_boards_and_report(forum, admin_user, django_capture_on_commit_callbacks):
    send(django_capture_on_commit_callbacks)
    reminder = FreshnessReminder.objects.get(recipient=admin_user)
    assert reminder.day == DAY
    assert {b.name for b in reminder.boards.all()} == {"Bread", "Tea"}
    assert [b["name"] for b in reminder.report["boards"]] == ["Bread", "Tea"]
    assert reminder.emailed_at is not None


def test_recipient_without_an_email_address_gets_the_notice_only(forum, admin_user, mailoutbox,
                                                                 django_capture_on_commit_callbacks):
    User.objects.filter(pk=admin_user.pk).update(email="")
    send(django_capture_on_commit_callbacks)
    assert counts(admin_user) == (1, 1)
    assert FreshnessReminder.objects.get(recipient=admin_user).emailed_at is not None
    assert [m.to for m in mailoutbox] == [[forum["bread_mod"].email]]


# --- 3. exactly once -----------------------------------------------------------------------------------------------


def test_sending_twice_on_one_day_reminds_each_recipient_once(forum, admin_user, mailoutbox,
                                                              django_capture_on_commit_callbacks):
    first = send(django_capture_on_commit_callbacks)
    second = send(django_capture_on_commit_callbacks)
    assert [p.created for p in first] == [True, True]
    assert [p.created for p in second] == [False, False]
    for user in (admin_user, forum["bread_mod"]):
        assert counts(user) == (1, 1)
        assert len(emails_to(mailoutbox, user)) == 1
        user.refresh_from_db()
        assert user.unread_notice_count == 1
    assert len(mailoutbox) == 2


def test_two_runs_before_the_first_commits_its_callbacks_still_email_once(forum, admin_user, mailoutbox,
                                                                         django_capture_on_commit_callbacks):
    """Both runs queue the email (the second finds the reminder unsent); the claim lets one through."""
    with django_capture_on_commit_callbacks(execute=True):
        freshness.send_freshness_reminders(DAY)
        freshness.send_freshness_reminders(DAY)
    assert len(emails_to(mailoutbox, admin_user)) == 1
    assert len(emails_to(mailoutbox, forum["bread_mod"])) == 1


def test_next_day_is_a_new_reminder(forum, admin_user, mailoutbox, django_capture_on_commit_callbacks):
    send(django_capture_on_commit_callbacks)
    send(django_capture_on_commit_callbacks, DAY + timedelta(days=1))
    assert counts(admin_user) == (2, 2)
    assert len(emails_to(mailoutbox, admin_user)) == 2


def test_check_freshness_task_twice_reminds_once(forum, admin_user, mailoutbox, django_capture_on_commit_callbacks):
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            result = check_freshness.apply(kwargs={"day": DAY.isoformat()})
        assert result.successful(), result.traceback
        assert result.get() == 2
    with django_capture_on_commit_callbacks(execute=True):
        check_freshness.delay(day=DAY.isoformat())
    for user in (admin_user, forum["bread_mod"]):
        assert counts(user) == (1, 1)
        assert len(emails_to(mailoutbox, user)) == 1


def test_check_freshness_task_without_a_day_checks_today(settings, site, admin_user, mailoutbox,
                                                         django_capture_on_commit_callbacks):
    launch(settings, False)
    board = make_board(created=timezone.now() - timedelta(days=60))
    assert state(board, freshness.today()).is_quiet
    with django_capture_on_commit_callbacks(execute=True):
        assert check_freshness.apply().get() == 1
    assert FreshnessReminder.objects.get().day == freshness.today()
    assert len(mailoutbox) == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_runs_remind_each_recipient_once(settings, mailoutbox):
    launch(settings, False)
    set_hearth(settings, SITE_URL=SITE_URL)
    admin = UserFactory(username="root", is_superuser=True)
    mod = UserFactory(username="breadmod", board_freshness_reminders=True)
    bread = quiet_board("Bread")
    quiet_board("Tea")
    moderate(mod, bread)

    errors = run_in_threads(lambda: freshness.send_freshness_reminders(DAY), 4)
    assert not errors, errors
    for user in (admin, mod):
        assert counts(user) == (1, 1)
        assert len(emails_to(mailoutbox, user)) == 1
        user.refresh_from_db()
        assert user.unread_notice_count == 1
    assert FreshnessReminder.objects.filter(emailed_at__isnull=True).count() == 0
    assert len(mailoutbox) == 2


@pytest.mark.django_db(transaction=True)
def test_concurrent_task_runs_remind_each_recipient_once(settings, mailoutbox):
    launch(settings, False)
    admin = UserFactory(username="root", is_superuser=True)
    quiet_board("Bread")
    states = []

    def run_task():
        states.append(check_freshness.apply(kwargs={"day": DAY.isoformat()}).state)

    errors = run_in_threads(run_task, 3)
    assert not errors, errors
    assert states == ["SUCCESS"] * 3
    assert counts(admin) == (1, 1)
    assert len(mailoutbox) == 1


def test_failed_email_is_released_then_sent_once_by_the_task(forum, admin_user, flaky_mail, mailoutbox,
                                                             django_capture_on_commit_callbacks):
    User.objects.filter(pk=forum["bread_mod"].pk).update(board_freshness_reminders=False)  # one recipient
    flaky_mail.failures = 1
    send(django_capture_on_commit_callbacks)  # the queued email fails; the run itself does not

    assert counts(admin_user) == (1, 1)
    reminder = FreshnessReminder.objects.get(recipient=admin_user)
    assert reminder.emailed_at is None
    assert reminder.email_claimed_at is None  # the claim was given back for the retry
    assert mailoutbox == []
    assert flaky_mail.attempts == 1

    assert send_reminder_email.delay(reminder_id=reminder.pk).get() is True
    assert len(mailoutbox) == 1
    reminder.refresh_from_db()
    assert reminder.emailed_at is not None

    assert send_reminder_email.delay(reminder_id=reminder.pk).get() is False
    assert len(mailoutbox) == 1
    assert freshness.claim_reminder_email(reminder.pk) is None
    assert counts(admin_user) == (1, 1)


def test_failed_email_is_sent_once_by_the_next_daily_run(forum, admin_user, flaky_mail, mailoutbox,
                                                         django_capture_on_commit_callbacks):
    flaky_mail.failures = 1  # the first of the two emails fails
    send(django_capture_on_commit_callbacks)
    assert len(mailoutbox) == 1
    assert FreshnessReminder.objects.filter(emailed_at__isnull=True).count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        assert check_freshness.apply(kwargs={"day": DAY.isoformat()}).get() == 2
    assert len(mailoutbox) == 2
    assert FreshnessReminder.objects.filter(emailed_at__isnull=True).count() == 0
    for user in (admin_user, forum["bread_mod"]):
        assert len(emails_to(mailoutbox, user)) == 1
        assert counts(user) == (1, 1)

    with django_capture_on_commit_callbacks(execute=True):
        check_freshness.apply(kwargs={"day": DAY.isoformat()})
    assert len(mailoutbox) == 2


def test_direct_task_call_raises_the_mail_error_and_releases_the_claim(forum, admin_user, flaky_mail, mailoutbox,
                                                                       django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):  # stored, email not queued yet
        freshness.send_freshness_reminders(DAY)
    reminder = FreshnessReminder.objects.get(recipient=admin_user)
    flaky_mail.failures = 1
    with pytest.raises(smtplib.SMTPException):
        send_reminder_email(reminder_id=reminder.pk)
    reminder.refresh_from_db()
    assert (reminder.emailed_at, reminder.email_claimed_at) == (None, None)
    assert send_reminder_email(reminder_id=reminder.pk) is True
    assert send_reminder_email(reminder_id=reminder.pk) is False
    assert len(emails_to(mailoutbox, admin_user)) == 1


def test_claim_is_taken_once_and_a_stale_claim_can_be_taken_again(forum, admin_user,
                                                                  django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        freshness.send_freshness_reminders(DAY)
    reminder = FreshnessReminder.objects.get(recipient=admin_user)
    claimed = freshness.claim_reminder_email(reminder.pk)
    assert claimed is not None and claimed.recipient == admin_user
    assert freshness.claim_reminder_email(reminder.pk) is None  # someone is sending it
    FreshnessReminder.objects.filter(pk=reminder.pk).update(email_claimed_at=timezone.now() - timedelta(minutes=11))
    assert freshness.claim_reminder_email(reminder.pk) is not None  # that worker died: take it over
    FreshnessReminder.objects.filter(pk=reminder.pk).update(emailed_at=timezone.now(), email_claimed_at=None)
    assert freshness.claim_reminder_email(reminder.pk) is None  # emailed already


# --- 4. the management command -------------------------------------------------------------------------------------


def run_command(*args) -> str:
    out = StringIO()
    call_command("send_freshness_reminders", *args, stdout=out)
    return out.getvalue()


def test_command_dry_run_prints_and_stores_nothing(forum, admin_user, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        out = run_command("--dry-run", "--date", DAY.isoformat())
    assert f"{DAY}: would remind root <{admin_user.email}> of: Bread, Tea" in out
    assert f"{DAY}: would remind breadmod <{forum['bread_mod'].email}> of: Bread" in out
    assert "Dry run: nothing was stored or sent." in out
    assert callbacks == []
    assert not FreshnessReminder.objects.exists() and not Notice.objects.exists() and not mailoutbox


def test_command_sends_then_says_it_had_already_reminded(forum, admin_user, mailoutbox,
                                                         django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        out = run_command("--date", DAY.isoformat())
    assert f"{DAY}: reminded root <{admin_user.email}> of: Bread, Tea" in out
    assert "Dry run" not in out
    assert counts(admin_user) == (1, 1) and len(mailoutbox) == 2

    with django_capture_on_commit_callbacks(execute=True):
        out = run_command("--date", DAY.isoformat())
    assert f"{DAY}: had already reminded root" in out
    assert f"{DAY}: had already reminded breadmod" in out
    assert counts(admin_user) == (1, 1) and len(mailoutbox) == 2


def test_command_mentions_newcomers_in_the_launch_phase(forum, admin_user, settings):
    set_hearth(settings, LAUNCH_MEMBERS=10_000)
    UserFactory(username="shy")
    out = run_command("--dry-run", "--date", DAY.isoformat())
    newcomers = [p for p in freshness.plan_reminders(DAY) if p.recipient == admin_user][0].newcomers
    assert f"and {len(newcomers)} members who have not posted yet" in out


def test_command_with_nothing_quiet_says_so(settings, admin_user):
    launch(settings, False)
    fresh_board("Busy")
    assert run_command("--date", DAY.isoformat()).strip() == f"{DAY}: no board is quiet; nothing to send."
    assert not FreshnessReminder.objects.exists()


def test_command_without_a_date_checks_today(settings, admin_user):
    launch(settings, False)
    make_board(created=timezone.now() - timedelta(days=60))
    out = run_command("--dry-run")
    assert f"{freshness.today()}: would remind root" in out


@pytest.mark.parametrize("bad", ["2026-13-01", "2026-02-30", "yesterday", "10/11/2026"])
def test_command_refuses_a_bad_date_clearly(admin_user, bad):
    with pytest.raises(CommandError, match=r"^--date must look like 2026-11-24 \(.+\)$"):
        run_command("--date", bad)
    assert not FreshnessReminder.objects.exists()
