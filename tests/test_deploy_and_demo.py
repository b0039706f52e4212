"""Production settings pass Django's deployment checks; the demo seeds are deterministic with exact counters."""
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

from boards.models import Board, FreshnessReminder, Post, ScheduledTopic, Topic
from boards.permissions import can_moderate
from boards.selectors import focus_advice
from members.models import PromotionProposal, RankChange, User
from members.services import admin_ensure
from moderation.models import Case, ModerationAction
from notices.models import Notice
from tests.boards.test_services import assert_counters_exact
from tests.helpers import page
from tests.spam.test_delete_spammer import assert_counters_exact as assert_counters_match_a_recount

ROOT = Path(__file__).resolve().parent.parent


def production_env(**changes) -> dict:
    """The environment of a deployment: without the test run's own variables (the browser tests set
    DJANGO_ALLOW_ASYNC_UNSAFE, which --deploy rightly refuses)."""
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE")}
    return {**env, "DJANGO_SETTINGS_MODULE": "forum.settings.base", **changes}


def test_check_deploy_reports_nothing_with_production_settings():
    env = production_env(DEBUG="0", SECRET_KEY="a-long-random-production-secret-key-that-is-not-real-0123456789abcdef",
                         ALLOWED_HOSTS="forum.example.org", SECURE_SSL_REDIRECT="1", SECURE_COOKIES="1")
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_without_a_secret_key_production_refuses_to_start_and_says_why():
    env = production_env(DEBUG="0", SECRET_KEY="")
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True,
                            text=True, check=False)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


@pytest.mark.django_db
def test_the_large_demo_is_deterministic_with_exact_counters():
    call_command("seed_demo", boards=3, users=20, topics=30, posts=300, seed=1, long_topic=60)
    first = list(Post.objects.order_by("id").values_list("topic__title", "author__username", "position", "body"))
    assert Post.objects.count() == 300 and Topic.objects.count() == 30 and User.objects.count() == 20
    assert Topic.objects.order_by("-post_count").first().post_count == 60
    for board in Board.objects.all():
        assert_counters_exact(board)

    Post.objects.all().delete()
    Topic.objects.all().delete()
    Board.objects.all().delete()
    User.objects.all().delete()
    call_command("seed_demo", boards=3, users=20, topics=30, posts=300, seed=1, long_topic=60)
    again = list(Post.objects.order_by("id").values_list("topic__title", "author__username", "position", "body"))
    assert again == first


@pytest.mark.django_db
def test_the_small_demo_loads_once():
    call_command("seed_demo", if_empty=True)
    boards = Board.objects.count()
    call_command("seed_demo", if_empty=True)
    assert Board.objects.count() == boards > 0
    # the demo holds a newcomer's post, so a naive recount (every post counted, the newest the last) would
    # be wrong: the recount from scratch leaves held posts and hidden topics where the services do
    assert_counters_match_a_recount()
    held = Post.objects.get(is_awaiting_approval=True)
    assert not Board.objects.filter(last_post=held).exists() and not Topic.objects.filter(last_post=held).exists()


def row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def first_run_facts() -> dict:
    """What a first run shows, in words that do not depend on ids or on the clock."""
    cases = (Case.objects.exclude(state=Case.State.RESOLVED).select_related("board", "assignee", "post", "topic")
             .order_by("board__slug", "kind", "post__body", "topic__title"))
    return {
        "cases": [(c.kind, c.board.slug, c.state, c.is_approval, c.assignee.username if c.assignee else None,
                   c.report_count, [n.text for n in c.notes.order_by("id")],
                   (c.post.body if c.post else c.topic.title)[:40]) for c in cases],
        "held": list(Post.objects.filter(is_awaiting_approval=True).values_list("author__username", "topic__title")),
        "proposals": list(PromotionProposal.objects.filter(status="pending").values_list(
            "member__username", "board__slug", "numbers__posts_in_board", "numbers__share")),
        "reminders": sorted((r.recipient.username, sorted(b.slug for b in r.boards.all()))
                            for r in FreshnessReminder.objects.all()),
        "scheduled": list(ScheduledTopic.objects.filter(published_at__isnull=True).values_list(
            "title", "board__slug", "author__username")),
        "unread": dict(User.objects.filter(unread_notice_count__gt=0).values_list("username", "unread_notice_count")),
        "focus": [b.slug for b in focus_advice().named],
    }


@pytest.mark.django_db(transaction=True)  # the forum is emptied (flush) between two first runs
def test_a_first_run_shows_everything_once_and_the_same_every_time(client):
    """As `make run` does it: the admin first, then the demo. A new admin finds open reports (one with notes,
    one claimed), a newcomer's post waiting, a moderator proposal, a quiet board that had its reminder (and
    a seed topic scheduled for it), unread notices, and the focus advice; made by the real services, so
    every counter matches a recount. A second run adds nothing; a run on an empty forum makes the same."""
    admin, _password = admin_ensure(username="admin", email="admin@example.com")
    call_command("seed_demo", if_empty=True, stdout=StringIO())
    facts = first_run_facts()

    reports = [c for c in facts["cases"] if not c[3]]
    assert len(reports) >= 3
    assert any(notes for *_, notes, _text in reports), "a case with a moderator's notes"
    claimed = Case.objects.get(state=Case.State.IN_PROGRESS)
    assert claimed.assignee.username == "mara" and can_moderate(claimed.assignee, claimed.board)
    approval = Case.objects.get(is_approval=True, state=Case.State.OPEN)
    assert approval.post.is_awaiting_approval and approval.post.author.post_count == 1  # their first post
    assert approval.post.author.rank is None  # a Newcomer: not ranked yet
    assert facts["proposals"] == [("bao", "sourdough-starters", 11, 0.46)]  # 11 of his 24 posts
    assert RankChange.objects.filter(kind=RankChange.Kind.MODERATOR_PROPOSED, member__username="bao").exists()
    quiet = Board.objects.get(slug="cakes-and-pastry")
    assert ("oskar", ["cakes-and-pastry"]) in facts["reminders"]
    assert any(who == "admin" and "cakes-and-pastry" in slugs for who, slugs in facts["reminders"])
    assert facts["scheduled"] == [("What is your favourite winter bake?", "cakes-and-pastry", "oskar")]
    assert ScheduledTopic.objects.get().publish_at > timezone.now()
    assert facts["focus"] == ["cakes-and-pastry"] and quiet.topic_count == 2
    assert facts["unread"]["admin"] == 2 and set(Notice.objects.filter(recipient=admin).values_list(
        "verb", flat=True)) == {"post_held_launch", "freshness"}
    assert facts["unread"]["bao"] >= 1 and facts["unread"]["oskar"] == 1
    for member in User.objects.filter(unread_notice_count__gt=0):
        assert Notice.objects.filter(recipient=member, read_at__isnull=True).count() == member.unread_notice_count
    assert ModerationAction.objects.filter(action="claim").count() == 1
    assert ModerationAction.objects.filter(action="note").count() == 2
    assert_counters_match_a_recount()

    # the admin's pages show it
    client.force_login(admin)
    assert "What is your favourite winter bake?" in page(client.get("/seed/"))
    freshness_page = page(client.get("/freshness/"))
    assert "More boards than activity" in freshness_page and "Cakes and pastry" in freshness_page
    assert "bao" in page(client.get("/promotions/"))
    assert "Hello from a first-time baker" in page(client.get("/mod/approvals/"))

    counts = row_counts()
    call_command("seed_demo", if_empty=True, stdout=StringIO())
    assert row_counts() == counts
    assert first_run_facts() == facts

    call_command("flush", interactive=False, verbosity=0)
    admin_ensure(username="admin", email="admin@example.com")
    call_command("seed_demo", if_empty=True, stdout=StringIO())
    assert first_run_facts() == facts


@pytest.mark.django_db
def test_the_small_demo_has_unread_notifications_for_its_members():
    from members.models import User
    from notices.models import Notice

    call_command("seed_demo", if_empty=True)
    told = User.objects.filter(unread_notice_count__gt=0)
    assert told.count() >= 2
    for member in told:  # the counter matches the notices
        assert Notice.objects.filter(recipient=member, read_at__isnull=True).count() == member.unread_notice_count
    assert Notice.objects.filter(verb="replied_topic").exists()


@pytest.mark.parametrize("weak", [
    "bench-only-secret-key",                                     # short
    "a" * 30 + "b" * 30,                                         # long but only two different characters
    "django-insecure-" + "k3y-made-by-startproject-0123456789abcdefghij",  # Django's development key
])
def test_a_weak_secret_key_is_refused_with_production_settings(weak):
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=production_env(
        DEBUG="0", SECRET_KEY=weak, ALLOWED_HOSTS="forum.example.org"), capture_output=True, text=True, check=False)
    assert result.returncode != 0
    assert "SECRET_KEY is too weak for production" in result.stderr


def test_a_weak_secret_key_is_fine_for_development():
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT,
                            env=production_env(DEBUG="1", SECRET_KEY="short"), capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0, result.stderr
