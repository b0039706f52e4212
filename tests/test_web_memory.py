"""A web worker that serves pages stays small (issue 13: ≤ 72 MiB RSS after warm-up, `make bench` reports it):
it never imports what only Celery, management commands or rare pages need. Celery and the tasks modules load
with the first queued task (forum.lazy.enqueue), the Markdown renderer with the first write or preview
(boards.markup), allauth's 2FA views, feeds and sitemaps with their first request (forum.lazy.lazy_view).
These tests keep them from creeping back in, and check that the lazily found tasks are real ones."""
import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.factories import BoardFactory, UserFactory, make_topic

ROOT = Path(__file__).resolve().parent.parent

# Top-level packages a page-serving worker must not load, and why each is heavy or out of place.
HEAVY_PACKAGES = {
    "celery": "Celery itself, with the packages below (~9 MiB a worker): only queueing a task needs it",
    "kombu": "Celery's messaging", "billiard": "Celery's pool", "amqp": "kombu's", "vine": "kombu's",
    "click": "Celery's command line", "yaml": "kombu's serializers",
    "fido2": "WebAuthn, imported by allauth's 2FA base views; Hearth offers TOTP only",
    "bleach": "the Markdown renderer's sanitizer: only writes and previews render",
    "markdown": "the Markdown renderer",
}
# Modules under packages that pages do need.
HEAVY_MODULES = {
    "cryptography.hazmat": "OpenSSL bindings (redis-py imports only the `cryptography` package's name)",
    "allauth.mfa.webauthn": "allauth's WebAuthn flows", "allauth.mfa.base.views": "the 2FA pages",
    "django.contrib.syndication": "RSS/Atom feeds", "django.contrib.sitemaps.views": "sitemap.xml",
    "boards.rendering": "the Markdown renderer", "forum.celery": "the Celery app",
}

WORKER = r"""
import json, sys

from forum.wsgi import application  # as gunicorn imports it

from django.contrib.auth import get_user_model
from django.test import Client

given = json.loads(sys.argv[1])
heavy_packages, heavy_modules = set(given["packages"]), given["modules"] + given["tasks"]


def heavy():
    return sorted(name for name in sys.modules
                  if name.split(".")[0] in heavy_packages
                  or any(name == m or name.startswith(m + ".") for m in heavy_modules))


statuses = {}
client = Client()
for path in given["visitor_pages"]:
    statuses[path] = client.get(path).status_code
client.force_login(get_user_model().objects.get(username=given["member"]))
for path in given["member_pages"]:
    statuses["member " + path] = client.get(path).status_code
after_reading = heavy()

# a member's topic page straight through the WSGI application, as gunicorn calls it: once the response is
# closed, nothing of the request is left for a later full collection (forum.wsgi collects it)
import gc, io
from django.core.handlers.wsgi import WSGIRequest

gc.collect()
requests_before = sum(isinstance(o, WSGIRequest) for o in gc.get_objects())  # the test client's last one, if any
environ = {"REQUEST_METHOD": "GET", "PATH_INFO": given["member_pages"][2], "QUERY_STRING": "",
           "SERVER_NAME": "testserver", "SERVER_PORT": "80", "HTTP_HOST": "testserver", "wsgi.url_scheme": "http",
           "wsgi.input": io.BytesIO(), "wsgi.errors": sys.stderr,
           "HTTP_COOKIE": "sessionid=" + client.cookies["sessionid"].value}
wsgi_status = []
body = application(environ, lambda status, headers, exc_info=None: wsgi_status.append(status))
b"".join(body)
body.close()
del body
requests_left = sum(isinstance(o, WSGIRequest) for o in gc.get_objects()) - requests_before

reply = client.post(given["reply_url"], {"body": "A reply with *Markdown*."})
print(json.dumps({"statuses": statuses, "after_reading": after_reading, "wsgi_status": wsgi_status,
                  "requests_left": requests_left, "reply": reply.status_code, "after_writing": heavy()}))
"""


def why(module: str) -> str:
    if module.split(".")[0] in HEAVY_PACKAGES:
        return HEAVY_PACKAGES[module.split(".")[0]]
    return next((reason for name, reason in HEAVY_MODULES.items() if module.startswith(name)), "a tasks module")


def app_packages() -> list[str]:
    sys.path.insert(0, str(ROOT / "scripts"))
    from check_imports import layered_apps

    return layered_apps(ROOT)


def database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_a_web_worker_serving_pages_loads_no_celery_renderer_or_2fa_internals():
    board = BoardFactory(name="Crumb", slug="crumb")
    member = UserFactory(username="reader")
    topic = make_topic(board=board, author=UserFactory(username="writer"), title="Open crumb", body="How?",
                       replies=3)
    given = {
        "packages": sorted(HEAVY_PACKAGES), "modules": sorted(HEAVY_MODULES),
        "tasks": [f"{app}.tasks" for app in app_packages()],
        "visitor_pages": ["/", board.get_absolute_url(), topic.get_absolute_url(), "/accounts/login/",
                          "/search/?q=crumb", "/healthz"],
        "member_pages": ["/", board.get_absolute_url(), topic.get_absolute_url(), "/notifications/", "/settings/"],
        "member": member.username,
        "reply_url": f"/t/{topic.pk}/reply/",
    }
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "forum.settings.test", "DATABASE_URL": database_url(),
           "REDIS_URL": settings.REDIS_URL, "PYTHONPATH": str(ROOT), "ALLOWED_HOSTS": "testserver"}
    result = subprocess.run([sys.executable, "-c", WORKER, json.dumps(given)], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])

    assert set(report["statuses"].values()) == {200}, report["statuses"]
    assert report["after_reading"] == [], "imported by a page-serving worker: " + "; ".join(
        sorted({f"{name.split('.')[0]}… ({why(name)})" for name in report["after_reading"]}))
    assert report["wsgi_status"] == ["200 OK"]
    assert report["requests_left"] == 0, "a finished request's reference cycles wait for a full collection"
    # the same worker's first write loads what it needs, when it needs it: the check above can see them
    assert report["reply"] == 302
    assert {"celery", "kombu", "forum.celery", "notifications.tasks", "bleach", "markdown",
            "boards.rendering"} <= set(report["after_writing"])


def _enqueued_paths() -> list[tuple[str, str]]:
    """(task path, where) of every enqueue("…") in the apps' code."""
    found = []
    for app in app_packages():
        for path in sorted((ROOT / app).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                name = getattr(node, "func", None) and getattr(node.func, "id", getattr(node.func, "attr", ""))
                if name == "enqueue" and node.args and isinstance(node.args[0], ast.Constant):
                    found.append((node.args[0].value, f"{path.relative_to(ROOT)}:{node.lineno}"))
    return found


def test_every_queued_task_path_names_a_registered_celery_task():
    from celery.app.task import Task

    from forum.celery import app
    from forum.lazy import load

    paths = _enqueued_paths()
    assert {p for p, _ in paths} >= {"notices.tasks.send_notice_email", "boards.tasks.send_reminder_email",
                                      "notifications.tasks.fan_out_post"}
    for path, where in paths:
        task = load(path)
        assert isinstance(task, Task), f"{where}: {path} is not a Celery task"
        assert task.name in app.tasks, where


def test_every_scheduled_task_is_found_by_the_workers_and_its_schedule_is_celerys():
    from celery.schedules import crontab

    from forum.celery import app

    app.loader.import_default_modules()  # what a worker or beat does at start: autodiscover the tasks modules
    schedule = app.conf.beat_schedule
    assert schedule.keys() == settings.CELERY_BEAT_SCHEDULE.keys()
    for name, entry in schedule.items():
        assert entry["task"] in app.tasks, name
        assert isinstance(entry["schedule"], crontab | float), name
    assert schedule["ranks-nightly"]["schedule"] == crontab(hour=settings.HEARTH["RANKS_HOUR"], minute=15)
