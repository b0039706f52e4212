"""/notifications/ read by key (forum.pagination.Keyset), newest first: Older and Newer links that carry the last or
first notice's (created_at, id), every notice of the reader's exactly once however the pages fall among notices
made at the same instant, one query on any page, and the first page for a cursor that is not one, leads nowhere,
or comes from an old ?page=N link."""
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from notices import selectors
from notices.models import Notice
from tests.factories import UserFactory
from tests.helpers import pager_link

pytestmark = pytest.mark.django_db


def titles(response) -> list[str]:
    assert response.status_code == 200, response.get("Location")
    return re.findall(r"<strong>([^<]+)</strong>", response.content.decode())


def link(response, rel: str) -> str | None:
    """The Older (rel="next") or Newer (rel="prev") link, or None."""
    href = pager_link(response, rel)
    return "/notifications/" + href if href else None


def expected(member) -> list[str]:
    return list(Notice.objects.filter(recipient=member).order_by("-created_at", "-id").values_list("title", flat=True))


@pytest.fixture
def inbox(member):
    """23 notices for the member, in fours made at the same instant (the id decides among them), and some of
    another member's at the same instants."""
    bob = UserFactory(username="bob")
    now = timezone.now()
    Notice.objects.bulk_create([Notice(recipient=member, title=f"n{i:02d}") for i in range(23)]
                               + [Notice(recipient=bob, title=f"bob{i:02d}") for i in range(10)])
    for notice in Notice.objects.all():
        number = int(notice.title[-2:])
        Notice.objects.filter(pk=notice.pk).update(created_at=now - timedelta(minutes=number // 4))
    return member


def test_older_and_newer_walk_every_notice_once_newest_first(member_client, inbox, monkeypatch):
    monkeypatch.setattr(selectors, "NOTICES_PER_PAGE", 5)
    response, pages = member_client.get("/notifications/"), []
    assert link(response, "prev") is None
    while True:
        pages.append(titles(response))
        older = link(response, "next")
        if older is None:
            break
        assert re.fullmatch(r"/notifications/\?older=[0-9]+_[0-9]+", older)
        response = member_client.get(older)
    assert [len(page) for page in pages] == [5, 5, 5, 5, 3]
    assert sum(pages, []) == expected(inbox)  # bob's are never listed

    back = []
    while (newer := link(response, "prev")) is not None:
        assert re.fullmatch(r"/notifications/\?newer=[0-9]+_[0-9]+", newer)
        response = member_client.get(newer)
        back.append(titles(response))
        assert link(response, "next") is not None
    assert back == pages[-2::-1]


def test_the_links_are_named_and_labelled_in_both_languages(member_client, inbox, monkeypatch):
    monkeypatch.setattr(selectors, "NOTICES_PER_PAGE", 5)
    second = member_client.get(link(member_client.get("/notifications/"), "next"))
    content = second.content.decode()
    assert '<nav class="pagination" aria-label="Older and newer notifications">' in content
    assert 'rel="prev">‹ Newer</a>' in content and 'rel="next">Older ›</a>' in content
    chinese = member_client.get(link(second, "next"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert '<nav class="pagination" aria-label="较早和较新的通知">' in chinese
    assert 'rel="prev">‹ 较新</a>' in chinese and 'rel="next">较早 ›</a>' in chinese


def test_a_page_after_a_notice_that_is_gone_starts_where_it_was(member_client, inbox, monkeypatch):
    monkeypatch.setattr(selectors, "NOTICES_PER_PAGE", 5)
    first = member_client.get("/notifications/")
    older = link(first, "next")
    Notice.objects.filter(recipient=inbox, title__in=titles(first)[-2:]).delete()

    response = member_client.get(older)

    assert titles(response) == expected(inbox)[3:8]
    newer = member_client.get(link(response, "prev"))
    assert titles(newer) == expected(inbox)[:3] and link(newer, "prev") is None


@pytest.mark.parametrize("query", [
    "older=x", "older=1", "older=1_2_3", "older=1__2", "older=_1", "older=-1_2", "older=1_-2", "older=²_1",
    "older=%201_2", "older=1_2%00", "older=" + "9" * 19 + "_1", "older=1_" + "9" * 19, "older=" + "1" * 5000,
    "older=253402300800000000_1",  # the year 10000
    "newer=x", "newer=1_2_3", "newer=253402300800000000_1", "older=1_2&newer=1_2",
])
def test_a_cursor_that_is_not_a_key_answers_with_the_first_page(member_client, inbox, query):
    response = member_client.get(f"/notifications/?{query}")
    assert response.status_code == 302 and response["Location"] == "/notifications/"


def test_a_cursor_past_either_end_answers_with_the_first_page(member_client, inbox):
    keyset = selectors.NOTICE_ORDER
    ordered = Notice.objects.filter(recipient=inbox).order_by("-created_at", "-id")
    oldest, newest = keyset.encode(keyset.key_of(ordered.last())), keyset.encode(keyset.key_of(ordered.first()))
    for query in (f"older={oldest}", f"newer={newest}", "older=0_1"):
        response = member_client.get(f"/notifications/?{query}")
        assert response.status_code == 302 and response["Location"] == "/notifications/", query


def test_another_members_cursor_only_places_the_readers_own_notices(member_client, inbox, monkeypatch):
    monkeypatch.setattr(selectors, "NOTICES_PER_PAGE", 5)
    keyset = selectors.NOTICE_ORDER
    theirs = Notice.objects.get(title="bob05")
    response = member_client.get(f"/notifications/?older={keyset.encode(keyset.key_of(theirs))}")
    # bob05 was made with the reader's n04-n07, after them (a larger id): the reader's from that instant on
    assert titles(response) == expected(inbox)[4:9] == ["n07", "n06", "n05", "n04", "n11"]


@pytest.mark.parametrize("query", ["page=2", "page=1", "page=999", "page=x", "page="])
def test_an_old_numbered_page_link_answers_with_the_first_page(member_client, inbox, query):
    response = member_client.get(f"/notifications/?{query}")
    assert response.status_code == 302 and response["Location"] == "/notifications/"


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_every_page_costs_the_same_queries(member_client, inbox, monkeypatch):
    """The member's account and one query for the page's notices (with who caused them), whichever page."""
    monkeypatch.setattr(selectors, "NOTICES_PER_PAGE", 5)
    member_client.get("/")  # the first request of the day records the visit
    deep = link(member_client.get(link(member_client.get("/notifications/"), "next")), "next")
    back = link(member_client.get(deep), "prev")
    assert [queries(member_client, url) for url in ("/notifications/", deep, back)] == [2, 2, 2]
