"""/healthz against the real PostgreSQL and Redis, and the site's own error pages."""
import pytest
from django.test import RequestFactory
from django.views.defaults import server_error

from boards.models import Board
from tests.factories import UserFactory, make_topic
from tests.helpers import html

pytestmark = pytest.mark.django_db

UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1: a real refused connection


def assert_site_layout(page: str) -> None:
    assert 'class="skip-link" href="#main"' in page
    assert 'class="site-header"' in page
    assert 'class="brand" href="/">Hearth</a>' in page
    assert 'class="site-footer' in page


# --- /healthz ------------------------------------------------------------------------------------


def test_healthz_is_ok_when_the_database_and_redis_answer(client, settings):
    assert settings.REDIS_URL, "the test suite runs with REDIS_URL set"

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "database": "ok", "redis": "ok"}
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_healthz_is_unavailable_when_redis_is_unreachable(client, settings):
    settings.REDIS_URL = UNREACHABLE_REDIS

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "ok", "redis": "down"}


def test_healthz_checks_only_the_database_when_redis_is_not_configured(client, settings):
    settings.REDIS_URL = ""

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_only_answers_get(client):
    assert client.post("/healthz").status_code == 405


# --- error pages ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/no/such/page/", "/b/nope/", "/u/nobody/"])
def test_the_404_page_is_the_sites_own(client, path):
    response = client.get(path)

    assert response.status_code == 404
    page = html(response)
    assert "We couldn't find that page" in page
    assert_site_layout(page)


def test_a_forbidden_action_gets_the_sites_403_page_with_the_reason(client, board):
    topic = make_topic(board=board, author=UserFactory(username="alice"), title="Hello", body="Hi.")
    client.force_login(UserFactory(username="bob"))

    response = client.get(f"/p/{topic.first_post.pk}/revisions/")

    assert response.status_code == 403
    page = html(response)
    assert "You can't do that here" in page
    assert "Only moderators can see earlier versions of a post." in page
    assert_site_layout(page)
    assert 'href="/">Back to the boards</a>' in page


def test_the_403_page_explains_an_archived_board(client, board):
    Board.objects.filter(pk=board.pk).update(is_archived=True)
    client.force_login(UserFactory(username="alice"))

    response = client.get("/b/sourdough/new/")

    assert response.status_code == 403
    page = html(response)
    assert "This board is archived and takes no new posts." in page
    assert_site_layout(page)


def test_the_500_page_stands_alone_without_any_request_context():
    response = server_error(RequestFactory().get("/"))

    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong on our side" in page
    assert 'href="/">Back to the boards</a>' in page
