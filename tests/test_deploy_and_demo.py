"""Production settings pass Django's deployment checks; the demo seeds are deterministic with exact counters."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from boards.models import Board, Post, Topic
from members.models import User
from tests.boards.test_services import assert_counters_exact

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
    for board in Board.objects.all():
        assert_counters_exact(board)


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
