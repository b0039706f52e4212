"""Ranks in the pages: the members list, My standing, the promotions page and its decisions, appointing
moderators from a profile, rank badges beside authors (at a fixed query cost), and the board's moderators."""
import re
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from boards import services
from boards.models import BoardModerator, Post
from members.models import MemberVisit, PromotionProposal, User
from members.services import visit_record
from standing.promotions import propose_moderators
from tests.factories import BoardFactory, UserFactory, make_topic, rank_at
from tests.helpers import messages_in, page_text

pytestmark = pytest.mark.django_db

LOGIN_URL = "/accounts/login/"


def listed_usernames(content: str) -> list[str]:
    return re.findall(r'<tr><td><a href="/u/([^/]+)/">', content)


# --- the members list --------------------------------------------------------------------------------------------


@pytest.fixture
def ranked_members(db):
    now = timezone.now()
    rows = [  # username, rank, posts, joined days ago
        ("ann", 3, 5, 10),
        ("ben", 3, 9, 30),
        ("cat", 1, 50, 1),
        ("dan", 0, 0, 100),
    ]
    for username, order, posts, days in rows:
        member = UserFactory(username=username, rank=rank_at(order))
        User.objects.filter(pk=member.pk).update(post_count=posts, date_joined=now - timedelta(days=days))


@pytest.mark.parametrize(("sort", "expected"), [
    ("rank", ["ben", "ann", "cat", "dan"]),
    ("posts", ["cat", "ben", "ann", "dan"]),
    ("joined", ["cat", "ann", "ben", "dan"]),
])
def test_the_members_list_sorts(client, ranked_members, sort, expected):
    response = client.get(f"/members/?sort={sort}")

    assert response.status_code == 200
    assert listed_usernames(response.content.decode()) == expected
    assert '<span class="rank-badge" data-colour="#b45309">Veteran</span>' in response.content.decode()


def test_the_members_list_sorts_by_rank_by_default(client, ranked_members):
    response = client.get("/members/")
    assert listed_usernames(response.content.decode()) == ["ben", "ann", "cat", "dan"]


@pytest.mark.parametrize("sort", ["nonsense", "", "-rank", "rank_order"])
def test_an_unknown_sort_redirects_to_the_default(client, ranked_members, sort):
    response = client.get(f"/members/?sort={sort}")
    assert response.status_code == 302
    assert response["Location"] == "/members/?sort=rank"


# --- My standing -------------------------------------------------------------------------------------------------


def criteria_rows(content: str) -> dict[str, tuple[str, str]]:
    """{criterion label: (have, need)} from the standing table."""
    return {label: (have, need) for label, have, need in re.findall(
        r'<td>([^<]+)</td><td class="num">([^<]+)</td><td class="num">([^<]+)</td>', content)}


@pytest.fixture
def standing_member(member):
    """alice, a Member with a little activity towards Regular."""
    today = timezone.localdate()
    MemberVisit.objects.bulk_create([MemberVisit(member=member, day=today - timedelta(days=d)) for d in range(3)])
    User.objects.filter(pk=member.pk).update(topics_entered=7, posts_read=40, days_visited=3, last_visit_on=today)
    topic = make_topic(board=BoardFactory(), author=UserFactory(), title="Somebody's topic")
    for i in range(2):
        services.post_create(topic=topic, author=member, body=f"Reply {i}")
    member.refresh_from_db()
    return member


def test_my_standing_shows_the_next_rank_as_have_and_need(client, standing_member):
    client.force_login(standing_member)

    response = client.get("/standing/")

    assert response.status_code == 200
    content = response.content.decode()
    assert "My standing" in content
    assert 'Rank now: <span class="rank-badge" data-colour="#2563eb">Member</span>' in content
    assert 'Next: <span class="rank-badge" data-colour="#047857">Regular</span>' in content
    rows = criteria_rows(content)
    assert rows["days visited"] == ("3", "15")
    assert rows["posts written"] == ("2", "10")
    assert rows["distinct topics replied to"] == ("1", "3")
    assert rows["topics entered"] == ("7", "20")
    assert rows["posts read"] == ("40", "100")
    assert rows["likes received"] == ("0", "1")
    assert rows["likes given"] == ("0", "1")
    assert rows["upheld reports against you (six months)"] == ("0", "≤ 2")
    text = page_text(response)
    assert "Still missing: 12 more days visited, 8 more posts written, 2 more distinct topics replied to" in text
    assert "the last 100 days" in content and "all time" in content


def test_my_standing_explains_what_would_cause_a_drop(client, standing_member):
    client.force_login(standing_member)

    text = page_text(client.get("/standing/"))

    assert "What would cause a drop" in text
    assert "stays there for 14 days, and never within 14 days of a promotion" in text
    assert "days visited below 2 (now 3)" in text
    assert "topics entered below 5 (now 7)" in text
    assert "posts read below 27 (now 40)" in text


def test_the_top_rank_has_no_next_step(client):
    top = UserFactory(username="top", rank=rank_at(4))
    client.force_login(top)
    response = client.get("/standing/")
    assert response.status_code == 200
    assert "This is the top rank." in response.content.decode()


def test_another_members_standing_is_for_admins_only(client, member, admin_user):
    UserFactory(username="bob")

    client.force_login(member)
    assert client.get("/u/bob/standing/").status_code == 403
    assert client.get("/u/alice/standing/").status_code == 200  # their own, by name

    client.force_login(admin_user)
    response = client.get("/u/bob/standing/")
    assert response.status_code == 200
    assert "Standing of bob" in response.content.decode()
    assert client.get("/u/nobody/standing/").status_code == 404


@pytest.mark.parametrize("url", ["/standing/", "/u/alice/standing/", "/promotions/"])
def test_visitors_are_sent_to_log_in(client, member, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN_URL}?next={quote(url)}"


# --- the promotions page -----------------------------------------------------------------------------------------


@pytest.fixture
def proposal(db):
    """carer, of the top rank, proposed for Sourdough where three of their four posts are."""
    sourdough = BoardFactory(name="Sourdough", slug="sourdough")
    pastry = BoardFactory(name="Pastry", slug="pastry")
    carer = UserFactory(username="carer", rank=rank_at(4))
    User.objects.filter(pk=carer.pk).update(date_joined=timezone.now() - timedelta(days=90))
    for board, n in ((sourdough, 3), (pastry, 1)):
        topic = make_topic(board=board, author=UserFactory(), title=f"In {board.name}")
        for i in range(n):
            services.post_create(topic=topic, author=carer, body=f"Reply {i} in {board.slug}")
    return propose_moderators(now=timezone.now())[0]


def test_the_promotions_page_shows_the_numbers_and_the_choices(admin_client, proposal):
    response = admin_client.get("/promotions/")

    assert response.status_code == 200
    text = page_text(response)
    assert "carer" in text and "→ Sourdough" in text
    assert "Posts in this board 3 / 4" in text
    assert "Share of their activity 75%" in text
    assert "Approve: moderate Sourdough" in text
    assert f'action="/promotions/{proposal.pk}/"' in response.content.decode()
    assert 'value="decline"' in response.content.decode()


def test_the_promotions_page_is_for_admins_only(client, member, proposal):
    board_mod = UserFactory(username="boardmod")
    BoardModerator.objects.create(board=proposal.board, member=board_mod)
    global_mod = UserFactory(username="globalmod", is_global_moderator=True)

    for user in (member, board_mod, global_mod):
        client.force_login(user)
        assert client.get("/promotions/").status_code == 403, user.username
        assert client.post(f"/promotions/{proposal.pk}/", {"decision": "approve"}).status_code == 403
    assert not BoardModerator.objects.filter(member=proposal.member).exists()


def test_approving_from_the_page_makes_the_moderator(admin_client, proposal):
    response = admin_client.post(f"/promotions/{proposal.pk}/", {"decision": "approve"}, follow=True)

    assert response.redirect_chain == [("/promotions/", 302)]
    assert BoardModerator.objects.filter(member=proposal.member, board=proposal.board).exists()
    assert "carer now moderates Sourdough." in messages_in(response.content.decode())
    assert "No proposals waiting." in response.content.decode()

    again = admin_client.post(f"/promotions/{proposal.pk}/", {"decision": "approve"}, follow=True)
    assert again.status_code == 200
    assert "This proposal was already decided." in messages_in(again.content.decode())
    assert BoardModerator.objects.count() == 1


def test_declining_from_the_page(admin_client, proposal):
    response = admin_client.post(f"/promotions/{proposal.pk}/", {"decision": "decline", "reason": "Later."},
                                 follow=True)

    assert response.status_code == 200
    proposal.refresh_from_db()
    assert proposal.status == PromotionProposal.Status.DECLINED
    assert not BoardModerator.objects.exists()
    assert "Declined: carer will not moderate Sourdough." in messages_in(response.content.decode())


def test_a_decision_is_a_post(admin_client, proposal):
    assert admin_client.get(f"/promotions/{proposal.pk}/").status_code == 405
    assert admin_client.post("/promotions/999999/", {"decision": "approve"}).status_code == 404


# --- appointing from a profile ----------------------------------------------------------------------------------


def test_an_admin_appoints_and_removes_from_the_profile(admin_client, board):
    helper = UserFactory(username="helper")

    profile = admin_client.get("/u/helper/")
    assert "Board moderation (admins)" in profile.content.decode()

    response = admin_client.post("/u/helper/moderation/", {"board": board.pk, "reason": "Knows a lot.",
                                                           "action": "appoint"}, follow=True)
    assert response.redirect_chain == [("/u/helper/", 302)]
    assert "helper now moderates Sourdough." in messages_in(response.content.decode())
    appointment = BoardModerator.objects.get(member=helper)
    assert appointment.board == board and appointment.reason == "Knows a lot."
    assert "Moderates" in page_text(response)

    response = admin_client.post("/u/helper/moderation/", {"board": board.pk, "reason": "Stepped back.",
                                                           "action": "remove"}, follow=True)
    assert "helper no longer moderates Sourdough." in messages_in(response.content.decode())
    assert not BoardModerator.objects.filter(member=helper).exists()


def test_appointing_without_a_reason_shows_an_error(admin_client, board):
    UserFactory(username="helper")

    response = admin_client.post("/u/helper/moderation/", {"board": board.pk, "reason": "  ", "action": "appoint"},
                                 follow=True)

    assert response.status_code == 200
    assert "Say why, for the member's history." in messages_in(response.content.decode())
    assert not BoardModerator.objects.exists()


def test_removing_a_non_moderator_from_the_page_is_refused_with_a_message(admin_client, board):
    UserFactory(username="helper")
    response = admin_client.post("/u/helper/moderation/", {"board": board.pk, "reason": "Tidy up.",
                                                           "action": "remove"}, follow=True)
    assert response.status_code == 200
    assert "helper does not moderate Sourdough." in messages_in(response.content.decode())


@pytest.mark.parametrize(("values", "message"), [
    ({"suspended_until": True}, "This member is suspended."),
    ({"is_active": False}, "This account is banned or disabled."),
])
def test_appointing_a_suspended_or_banned_member_is_refused_with_a_message(admin_client, board, values, message):
    if "suspended_until" in values:
        values = {"suspended_until": timezone.now() + timedelta(days=3)}
    UserFactory(username="trouble", **values)

    response = admin_client.post("/u/trouble/moderation/", {"board": board.pk, "reason": "Why not.",
                                                            "action": "appoint"}, follow=True)

    assert message in messages_in(response.content.decode())
    assert not BoardModerator.objects.exists()


def test_only_admins_appoint_from_the_page(client, member, moderator, board):
    UserFactory(username="helper")
    for user in (member, moderator):
        client.force_login(user)
        response = client.post("/u/helper/moderation/", {"board": board.pk, "reason": "Me too.",
                                                         "action": "appoint"})
        assert response.status_code == 403
    client.logout()
    response = client.post("/u/helper/moderation/", {"board": board.pk, "reason": "Me too."})
    assert response.status_code == 302 and response["Location"].startswith(LOGIN_URL)
    assert not BoardModerator.objects.exists()


# --- rank badges on topic pages ----------------------------------------------------------------------------------


def authors_with_badges(content: str) -> list[tuple[str, str]]:
    return re.findall(r'<a class="author-name" href="/u/[^/]+/">([^<]+)</a>\s*'
                      r'<span class="rank-badge" data-colour="#[0-9a-f]{6}">([^<]+)</span>', content)


def ranked_author(n: int) -> User:
    order = n % 5
    return UserFactory(username=f"author{n}", rank=rank_at(order), approved_posts=2)  # newcomers post freely


def topic_with_ranked_authors(board, count: int, title: str):
    """`count` posts, each by a different author, the ranks in turn from Newcomer to Moderator."""
    first = count * 100
    topic = make_topic(board=board, author=ranked_author(first), title=title)
    for i in range(1, count):
        services.post_create(topic=topic, author=ranked_author(first + i), body=f"Reply {i}")
    topic.refresh_from_db()
    return topic


def test_the_rank_badge_shows_beside_each_author(client, board):
    topic = topic_with_ranked_authors(board, 5, "Badges")

    response = client.get(topic.get_absolute_url())

    shown = authors_with_badges(response.content.decode())
    expected = [(p.author.username, p.author.rank.name)
                for p in Post.objects.filter(topic=topic).select_related("author__rank").order_by("position")]
    assert shown == expected
    assert {rank for _name, rank in shown} == {"Newcomer", "Member", "Regular", "Veteran", "Moderator"}


def queries_for(client, url) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    assert authors_with_badges(response.content.decode())
    return len(ctx.captured_queries)


@pytest.mark.parametrize("viewer", ["anonymous", "member"])
def test_badges_cost_no_query_per_post(client, board, viewer):
    if viewer == "member":
        user = UserFactory(username="viewer")
        visit_record(user=user, day=timezone.localdate())
        client.force_login(user)
    small = topic_with_ranked_authors(board, 3, "Small")
    large = topic_with_ranked_authors(board, 15, "Large")

    few, many = queries_for(client, small.get_absolute_url()), queries_for(client, large.get_absolute_url())

    assert few == many, f"{few} queries for 3 posts, {many} for 15"
    assert many <= 12


# --- the board's moderators --------------------------------------------------------------------------------------


def test_the_board_page_lists_its_moderators(client, board, admin_user):
    other = BoardFactory(name="Pastry", slug="pastry")
    helper = UserFactory(username="helper")
    BoardModerator.objects.create(board=board, member=helper, granted_by=admin_user)
    BoardModerator.objects.create(board=other, member=UserFactory(username="pastrymod"))

    text = page_text(client.get("/b/sourdough/"))

    assert "Moderators: helper" in text
    assert "pastrymod" not in text
    assert 'href="/u/helper/"' in client.get("/b/sourdough/").content.decode()


def test_a_new_moderator_shows_on_the_cached_board_page_at_once(client, board, admin_user):
    """Visitors see a cached board page; appointing bumps the board's version."""
    from standing.promotions import appoint_moderator

    client.get("/b/sourdough/")
    appoint_moderator(member=UserFactory(username="helper"), board=board, actor=admin_user, reason="Helps.")

    assert "Moderators: helper" in page_text(client.get("/b/sourdough/"))
