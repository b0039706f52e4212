"""Reporters see what they reported and how it was resolved."""
import pytest

from moderation import services
from moderation.models import Case
from tests.factories import UserFactory, make_post, make_topic

pytestmark = pytest.mark.django_db


def test_a_reporter_sees_their_reports_and_the_outcome(client, board):
    reader, moderator = UserFactory(username="reader"), UserFactory(username="mod", is_global_moderator=True)
    topic = make_topic(board=board, title="Flour talk")
    post = make_post(topic=topic, body="spam spam")
    services.report_create(reporter=reader, kind=Case.Kind.POST, post=post, reason="spam")
    client.force_login(reader)

    page = client.get("/reports/").content.decode()
    assert "Flour talk" in page and "Spam" in page and "Open" in page

    services.case_act(case=Case.objects.get(post=post), actor=moderator, action="hide", reason="Spam.")
    page = client.get("/reports/").content.decode()
    assert "Post hidden" in page


def test_my_reports_is_for_signed_in_members(client):
    response = client.get("/reports/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_member_without_reports_gets_an_explanation(client, member):
    client.force_login(member)
    assert "You have not reported anything" in client.get("/reports/").content.decode()


def test_hiding_from_the_topic_page_tells_the_author_why(client, board):
    from notices.models import Notice
    from tests.factories import UserFactory as Users

    author, moderator = Users(username="writer"), Users(username="gm", is_global_moderator=True)
    post = make_post(topic=make_topic(board=board), author=author, body="rude words")
    services.act_directly(actor=moderator, action="hide", reason="Be kind.", post=post)
    notice = Notice.objects.get(recipient=author)
    assert notice.title == "A moderator acted on your content: Post hidden" and "Be kind." in notice.body


def test_the_queue_says_when_it_shows_only_the_heaviest_cases(client, board, settings, monkeypatch):
    from moderation import selectors

    monkeypatch.setattr(selectors, "QUEUE_LIMIT", 2)
    moderator = UserFactory(username="gm2", is_global_moderator=True)
    topic = make_topic(board=board)
    for i in range(3):
        services.report_create(reporter=UserFactory(username=f"r{i}"), kind=Case.Kind.POST,
                               post=make_post(topic=topic), reason="spam")
    client.force_login(moderator)
    page = client.get("/mod/").content.decode()
    assert "Showing the 2 heaviest cases" in page
