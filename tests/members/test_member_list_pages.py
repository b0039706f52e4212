"""The members list's pages, read by key (forum.pagination.Keyset): Next and Previous links that carry the last or
first row's sort key, every member exactly once however the pages fall among ties, a fixed query count on any
page, and a clear answer (the order's first page) for a cursor that is not one or leads nowhere."""
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from members.models import JoinStatus, User
from standing import selectors
from tests.factories import UserFactory, rank_at
from tests.helpers import pager_link

pytestmark = pytest.mark.django_db

ORDERS = {  # the list's order for each sort, as the database would sort every active member
    "rank": ("-rank_order", "-post_count", "-id"),
    "posts": ("-post_count", "-id"),
    "joined": ("-date_joined", "-id"),
}


def listed(response) -> list[str]:
    assert response.status_code == 200, response.get("Location")
    return re.findall(r'<tr><td><a href="/u/([^/]+)/">', response.content.decode())


def link(response, rel: str) -> str | None:
    """The Next (rel="next") or Previous (rel="prev") link of the page's pagination, or None."""
    return pager_link(response, rel)


def expected(sort: str) -> list[str]:
    listed = User.objects.filter(is_active=True, join_status=JoinStatus.APPROVED)
    return list(listed.order_by(*ORDERS[sort]).values_list("username", flat=True))


@pytest.fixture
def crowd(db):
    """21 active members, a deactivated one, one waiting for approval and a refused one, in many ties: 3 ranks,
    post counts 0-2, some joined at the same instant (the id decides among them)."""
    now = timezone.now()
    for i in range(24):
        member = UserFactory(username=f"m{i:02d}", rank=rank_at(i % 3))
        User.objects.filter(pk=member.pk).update(post_count=i % 3 // 2 + i % 2, rank_order=i % 3,
                                                 date_joined=now - timedelta(days=i // 4))
    User.objects.filter(username="m13").update(is_active=False)
    # registration by approval: one account still waiting, one refused (neither is listed)
    User.objects.filter(username="m07").update(join_status=JoinStatus.WAITING)
    User.objects.filter(username="m18").update(join_status=JoinStatus.REFUSED)


@pytest.mark.parametrize("sort", ORDERS)
def test_next_and_previous_walk_every_member_once_in_order(client, crowd, monkeypatch, sort):
    monkeypatch.setattr(selectors, "MEMBERS_PER_PAGE", 5)
    url, pages = f"/members/?sort={sort}", []
    response = client.get(url)
    assert link(response, "prev") is None
    while True:
        pages.append(listed(response))
        following = link(response, "next")
        if following is None:
            break
        assert following.startswith(f"/members/?sort={sort}&after=")
        response = client.get(following)
    assert [len(page) for page in pages] == [5, 5, 5, 5, 1]
    assert sum(pages, []) == expected(sort)
    assert "m13" not in sum(pages, [])  # deactivated members are not listed
    assert not {"m07", "m18"} & set(sum(pages, []))  # nor accounts waiting for approval or refused

    back = []  # from the last page back to the first by the Previous links
    while (previous := link(response, "prev")) is not None:
        assert previous.startswith(f"/members/?sort={sort}&before=")
        response = client.get(previous)
        back.append(listed(response))
        assert link(response, "next") is not None
    assert back == pages[-2::-1]


def test_the_first_page_is_a_full_page_and_links_to_the_next(client):
    for i in range(55):
        UserFactory(username=f"m{i:02d}")
    User.objects.filter(username="m54").update(is_active=False)

    first = client.get("/members/?sort=joined")
    second = client.get(link(first, "next"))

    assert len(listed(first)) == 50
    assert listed(second) == ["m03", "m02", "m01", "m00"]
    assert link(second, "next") is None
    assert listed(client.get(link(second, "prev"))) == listed(first)
    assert '<nav class="pagination" aria-label="Pages">' in first.content.decode()


def test_a_page_after_a_member_who_has_gone_starts_where_they_were(client, crowd, monkeypatch):
    monkeypatch.setattr(selectors, "MEMBERS_PER_PAGE", 5)
    first = client.get("/members/?sort=posts")
    following = link(first, "next")
    last_shown = listed(first)[-1]
    User.objects.filter(username=last_shown).delete()
    User.objects.filter(username=listed(first)[-2]).update(is_active=False)

    response = client.get(following)

    assert listed(response) == expected("posts")[3:8]
    before = client.get(link(response, "prev"))
    assert listed(before) == expected("posts")[:3]  # the rows still above it
    assert link(before, "prev") is None


NOT_KEYS = ["x", "1", "1_2_3_4", "1__2", "_1_2", "1_2_", "-1_2_3", "1_-2", "²_1_1", "1.5_2", " 1_2", "1_2 ", "0x1_2",
            "9" * 19 + "_1", "1_" + "9" * 19, "1" * 5000, "1_2\x00"]
OUT_OF_RANGE = {  # a key of the order's shape with a value past its column's range
    "rank": ["32768_1_1", "1_2147483648_1", "1_1_9223372036854775808"],  # smallint, integer, bigint
    "posts": ["2147483648_1", "-1_1"],
    "joined": ["253402300800000000_1"],  # the year 10000
}


@pytest.mark.parametrize(("sort", "cursor"), [(sort, cursor) for sort in ORDERS for cursor in NOT_KEYS]
                         + [(sort, cursor) for sort, cursors in OUT_OF_RANGE.items() for cursor in cursors])
def test_a_cursor_that_is_not_a_key_answers_with_the_first_page(client, crowd, sort, cursor):
    for param in ("after", "before"):
        response = client.get("/members/", {"sort": sort, param: cursor})
        assert response.status_code == 302, param
        assert response["Location"] == f"/members/?sort={sort}"


@pytest.mark.parametrize("param", ["after", "before"])
def test_an_empty_cursor_is_no_cursor(client, crowd, param):
    assert listed(client.get("/members/", {"sort": "posts", param: ""})) == expected("posts")


@pytest.mark.parametrize("sort", ORDERS)
def test_a_cursor_of_another_order_or_past_either_end_answers_with_the_first_page(client, crowd, monkeypatch, sort):
    monkeypatch.setattr(selectors, "MEMBERS_PER_PAGE", 5)
    others = {other: link(client.get(f"/members/?sort={other}"), "next").split("after=")[1] for other in ORDERS}
    keyset = selectors.SORTS[sort]
    last = User.objects.filter(is_active=True).order_by(*ORDERS[sort]).last()
    first = User.objects.filter(is_active=True).order_by(*ORDERS[sort]).first()
    for query in ({"after": keyset.encode(keyset.key_of(last))}, {"before": keyset.encode(keyset.key_of(first))},
                  {"after": others["rank"], "before": others["rank"]},
                  *({"after": cursor} for other, cursor in others.items() if len(cursor.split("_")) != len(
                      keyset.columns))):
        response = client.get("/members/", {"sort": sort, **query})
        assert response.status_code == 302, query
        assert response["Location"] == f"/members/?sort={sort}"


def test_a_cursor_from_a_link_with_the_same_shape_only_positions_the_list(client, crowd, monkeypatch):
    """A posts cursor read as a newest-first one is a time in 1970: nothing is older, so the first page."""
    monkeypatch.setattr(selectors, "MEMBERS_PER_PAGE", 5)
    cursor = link(client.get("/members/?sort=posts"), "next").split("after=")[1]
    response = client.get("/members/", {"sort": "joined", "after": cursor})
    assert response.status_code == 302 and response["Location"] == "/members/?sort=joined"
    response = client.get("/members/", {"sort": "joined", "before": cursor})  # every member is newer
    assert listed(response) == expected("joined")[-5:]


@pytest.mark.parametrize("query", ["page=2", "page=1", "page=9999", "page=x", "page="])
def test_an_old_numbered_page_link_answers_with_the_first_page(client, crowd, query):
    response = client.get(f"/members/?sort=joined&{query}")
    assert response.status_code == 302 and response["Location"] == "/members/?sort=joined"
    response = client.get(f"/members/?{query}")
    assert response.status_code == 302 and response["Location"] == "/members/?sort=rank"


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("sort", ORDERS)
@pytest.mark.parametrize("who", ["visitor", "member"])
def test_every_page_costs_the_same_queries(client, crowd, monkeypatch, sort, who):
    """One query for the page's members (and their ranks), whichever page, for a visitor; a member adds their
    account (the session is read through the cache). No count of the members."""
    monkeypatch.setattr(selectors, "MEMBERS_PER_PAGE", 5)
    if who == "member":
        client.force_login(UserFactory(username="viewer"))
        client.get("/")  # the first request of the day records the visit
    first = client.get(f"/members/?sort={sort}")
    deep = link(client.get(link(first, "next")), "next")
    back = link(client.get(deep), "prev")
    counts = [queries(client, url) for url in (f"/members/?sort={sort}", deep, back)]
    assert counts == ([1, 1, 1] if who == "visitor" else [2, 2, 2]), counts
