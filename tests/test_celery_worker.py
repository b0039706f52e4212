"""A real Celery worker, in its own process, on the real Redis broker, against the test database:
the daily freshness check delivers each reminder exactly once even when beat fires twice."""
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from boards import freshness
from boards.models import Board, FreshnessReminder
from forum.celery import app as celery_app
from notices.models import Notice
from tests.factories import BoardFactory, UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

ROOT = Path(__file__).resolve().parent.parent


def database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.fixture
def worker(tmp_path):
    """`celery -A forum worker` on a queue of its own; stopped by its pid."""
    queue = f"hearth-test-{os.getpid()}-{time.monotonic_ns()}"
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "forum.settings.test",
        "DATABASE_URL": database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "HEARTH_CELERY_EAGER": "0",
        "HEARTH_CELERY_QUEUE": queue,
        "HEARTH_TEST_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "HEARTH_TEST_EMAIL_DIR": str(mail_dir),
    }
    log = (tmp_path / "worker.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "forum", "worker", "-Q", queue, "--pool=solo",
         "--without-heartbeat", "--without-gossip", "--without-mingle", "-l", "info"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    previous = (celery_app.conf.task_always_eager, celery_app.conf.task_default_queue)
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_default_queue = queue
    try:
        yield {"queue": queue, "mail_dir": mail_dir, "log": tmp_path / "worker.log"}
    finally:
        celery_app.conf.task_always_eager, celery_app.conf.task_default_queue = previous
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        log.close()


def wait_for(condition, timeout=60.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def test_a_real_worker_delivers_the_daily_reminder_exactly_once(worker, settings):
    settings.HEARTH = {**settings.HEARTH, "LAUNCH_MEMBERS": 0}
    admin = UserFactory(username="keeper", is_superuser=True, is_staff=True)
    board = BoardFactory(name="Quiet corner")
    day = freshness.today()
    Board.objects.filter(pk=board.pk).update(created_at=freshness.as_of(day) - timedelta(days=30))

    # beat fires twice (or two beats run): two tasks for the same day reach the worker
    first = celery_app.send_task("boards.tasks.check_freshness", kwargs={"day": day.isoformat()},
                                 queue=worker["queue"])
    second = celery_app.send_task("boards.tasks.check_freshness", kwargs={"day": day.isoformat()},
                                  queue=worker["queue"])
    # (disable_sync_subtasks: an earlier in-process task run may have marked this thread as a worker)
    assert first.get(timeout=60, disable_sync_subtasks=False) == 1
    assert second.get(timeout=60, disable_sync_subtasks=False) == 1

    wait_for(lambda: FreshnessReminder.objects.filter(emailed_at__isnull=False).exists(), what="the email")
    time.sleep(1.0)  # give a wrongly duplicated email task the chance to run
    reminder = FreshnessReminder.objects.get()
    assert reminder.recipient == admin and reminder.day == day
    assert list(reminder.boards.all()) == [board]
    assert Notice.objects.filter(recipient=admin, kind="freshness").count() == 1
    mails = list(worker["mail_dir"].iterdir())
    assert len(mails) == 1, worker["log"].read_text()
    text = mails[0].read_text()
    assert "Quiet corner" in text and "To: keeper@example.com" in text
    log = worker["log"].read_text()
    assert "succeeded" in log
    # the worker logs through the project's LOGGING: the app's own lines, with their extra fields
    assert "INFO boards.tasks freshness check done reminders=1" in log, log


def test_a_real_worker_notifies_and_emails_each_member_once(worker):
    """The fan-out and the email task, each sent twice (a retry, a second beat): one notice per watcher,
    one email per member."""
    from boards import services as board_services
    from notices.models import Notice
    from notifications.models import FanoutMark, TopicWatch

    board = BoardFactory(name="Crumb")
    author = UserFactory(username="writer")
    topic = board_services.topic_create(board=board, author=author, title="Open crumb", body="How?")
    wait_for(lambda: FanoutMark.objects.filter(post_id=topic.first_post_id).exists(), what="the first fan-out")
    watchers = [UserFactory(username=f"watcher{i}") for i in range(3)]
    for watcher in watchers:
        TopicWatch.objects.create(member=watcher, topic=topic, level="watching")
    Notice.objects.all().delete()
    post = board_services.post_create(topic=topic, author=UserFactory(username="helper"), body="Like this.")
    for _ in range(2):  # fire and forget (no result kept): wait for its effect
        celery_app.send_task("notifications.fan_out", args=[post.pk], queue=worker["queue"])
    wait_for(lambda: Notice.objects.filter(dedupe_key=f"post:{post.pk}").count() == 4, what="the fan-out")
    time.sleep(1.0)  # give a wrongly repeated fan-out the chance to run
    assert Notice.objects.filter(dedupe_key=f"post:{post.pk}").count() == 4  # three watchers and the author
    # the watchers' notices wait for the digest (the default for watched topics); the author's reply is due
    Notice.objects.filter(email_state="pending").update(email_due_at=timezone.now() - timedelta(minutes=1))
    for _ in range(2):
        celery_app.send_task("notices.send_due_emails", queue=worker["queue"]).get(timeout=60,
                                                                                  disable_sync_subtasks=False)
    mails = list(worker["mail_dir"].iterdir())
    assert len(mails) == 1, worker["log"].read_text()
    assert "To: writer@example.com" in mails[0].read_text()
