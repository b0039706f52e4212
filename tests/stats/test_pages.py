"""The health pages: who may see them, exact figures on the page and in the CSVs, the edges of each
definition, and a query count that does not grow with the period or the data."""
import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from boards.models import Topic
from members.models import RankChange
from stats import definitions as d
from stats.models import MemberCohort
from stats.rollup import rollup_range
from stats.selectors import Period, cohort_table, first_reply_spreads, period_from, unanswered_topics
from tests.factories import BoardFactory, UserFactory, make_board_moderator, rank_at
from tests.stats.helpers import at, days_ago, like_at, member, reply_at, today, topic_at, visit
from tests.test_headers import inline_parts

pytestmark = pytest.mark.django_db


def period(days=30, staff=False) -> Period:
    return Period(days=days, staff=staff, today=today())


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


# ---------------------------------------------------------------- who sees what


def test_admins_see_the_forum_page_and_every_board(admin_client, board, pastry):
    assert admin_client.get("/stats/").status_code == 200
    assert admin_client.get(f"/stats/b/{board.slug}/").status_code == 200
    assert admin_client.get(f"/stats/b/{pastry.slug}/").status_code == 200


def test_a_board_moderator_sees_only_their_boards(client, board, pastry, board_mod):
    client.force_login(board_mod)
    assert client.get(f"/stats/b/{board.slug}/").status_code == 200
    assert client.get(f"/stats/b/{pastry.slug}/").status_code == 404
    assert client.get(f"/stats/b/{pastry.slug}/csv/daily.csv").status_code == 404
    assert client.get("/stats/").status_code == 404
    assert client.get("/stats/csv/daily.csv").status_code == 404


def test_members_get_404_and_visitors_are_asked_to_log_in(member_client, board):
    assert member_client.get("/stats/").status_code == 404
    assert member_client.get(f"/stats/b/{board.slug}/").status_code == 404
    assert Client().get("/stats/")["Location"].startswith("/accounts/login/")


def test_links_in_the_admins_nav_and_on_moderated_board_pages(client, admin_client, board, pastry, board_mod):
    assert 'href="/stats/"' in admin_client.get("/").content.decode()
    client.force_login(board_mod)
    assert f'href="/stats/b/{board.slug}/"' in client.get(board.get_absolute_url()).content.decode()
    assert "/stats/b/" not in client.get(pastry.get_absolute_url()).content.decode()
    assert 'href="/stats/"' not in client.get("/").content.decode()


# ---------------------------------------------------------------- the period


@pytest.mark.parametrize(("query", "days", "staff"), [
    ({}, 30, False), ({"days": "7"}, 7, False), ({"days": "365", "staff": "1"}, 365, True),
    ({"days": "12"}, 30, False), ({"days": "x"}, 30, False)])
def test_the_period_selector(query, days, staff):
    chosen = period_from(query)
    assert (chosen.days, chosen.staff) == (days, staff)
    assert chosen.end == today() - timedelta(days=1)
    assert chosen.start == chosen.end - timedelta(days=days - 1)
    assert chosen.prev_end == chosen.start - timedelta(days=1)


# ---------------------------------------------------------------- response times


def test_median_and_p90_of_hours_to_first_reply_leave_out_unanswered_topics():
    board = BoardFactory(slug="bread")
    asker, helper = member("asker"), member("helper")
    day = days_ago(5)
    for i, hours in enumerate([1, 2, 3, 10]):
        topic = topic_at(at(day, 6), board=board, author=asker, title=f"Q{i}")
        reply_at(topic, at(day, 6) + timedelta(hours=hours), author=helper)
    topic_at(at(day, 7), board=board, author=asker, title="Never answered")
    rollup_range(day, days_ago(1))
    spread = first_reply_spreads(period(), by_board=False)[(1,)]
    assert (spread.count, spread.median / 3600, spread.p90 / 3600) == (4, 2.5, 10)
    odd = topic_at(at(day, 8), board=board, author=asker, title="Q5")
    reply_at(odd, at(day, 8) + timedelta(hours=4), author=helper)
    rollup_range(day, days_ago(1))
    spread = first_reply_spreads(period(), by_board=False)[(1,)]
    assert (spread.count, spread.median / 3600, spread.p90 / 3600) == (5, 3, 10)


def test_a_47_hour_old_topic_is_not_unanswered_and_a_49_hour_old_one_is():
    board = BoardFactory(slug="bread")
    asker = member("asker")
    now = timezone.now()
    young = topic_at(now - timedelta(hours=47), board=board, author=asker, title="Young")
    old = topic_at(now - timedelta(hours=49), board=board, author=asker, title="Old")
    own = topic_at(now - timedelta(hours=60), board=board, author=asker, title="Own reply only")
    reply_at(own, now - timedelta(hours=59), author=asker)
    hidden = topic_at(now - timedelta(hours=70), board=board, author=asker, title="Hidden reply only")
    reply_at(hidden, now - timedelta(hours=69), author=member("helper"), is_hidden=True)
    answered = topic_at(now - timedelta(hours=80), board=board, author=asker, title="Answered")
    reply_at(answered, now - timedelta(hours=79), author=member("other"))
    assert Topic.objects.filter(pk=young.pk).exists()
    titles = list(unanswered_topics(period()).order_by("created_at").values_list("title", flat=True))
    assert titles == ["Hidden reply only", "Own reply only", "Old"]
    assert old.pk in set(unanswered_topics(period()).values_list("pk", flat=True))
    rollup_range(days_ago(5), days_ago(1))  # with the rollup: only its unanswered topics (and newer) are checked
    rolled = unanswered_topics(period(), rolled_until=days_ago(1)).order_by("created_at")
    assert list(rolled.values_list("title", flat=True)) == titles


def test_unanswered_topics_are_listed_oldest_first_with_links(admin_client):
    board = BoardFactory(slug="bread")
    now = timezone.now()
    first = topic_at(now - timedelta(hours=100), board=board, author=member("a"), title="Oldest question")
    topic_at(now - timedelta(hours=50), board=board, author=member("b"), title="Newer question")
    html = admin_client.get("/stats/").content.decode()
    assert html.index("Oldest question") < html.index("Newer question")
    assert f'href="{first.get_absolute_url()}"' in html
    rows = csv_rows(admin_client.get("/stats/csv/unanswered.csv"))
    assert [r[0] for r in rows[1:]] == ["Oldest question", "Newer question"]
    assert rows[1][1] == first.get_absolute_url()


# ---------------------------------------------------------------- retention


def test_a_cohort_one_day_short_of_a_window_shows_a_dash_never_zero():
    monday = d.monday(days_ago(30))
    ann = member("ann", joined=at(monday))
    member("ben", joined=at(monday + timedelta(days=6)))  # the cohort's youngest member joined on Sunday
    visit(ann, monday + timedelta(days=2))
    rollup_range(monday, days_ago(1))
    assert MemberCohort.objects.count() == 2
    chosen = period()
    # window 1-7 ends for the youngest on Sunday + 7 = monday + 13
    short = cohort_table(chosen, as_of=monday + timedelta(days=12))
    cells = next(r for r in short.rows if r[0] == monday)
    assert cells[1] == 2 and str(cells[2]) == "—" and cells[2].csv() == ""
    ready = cohort_table(chosen, as_of=monday + timedelta(days=13))
    cells = next(r for r in ready.rows if r[0] == monday)
    assert str(cells[2]) == "50% (1/2)" and cells[2].shade == 5
    assert str(cells[5]) == "0% (0/2)"  # posted on days 1-7: nobody, and old enough to say so
    assert str(cells[3]) == "—"  # days 8-30 not over yet


# ---------------------------------------------------------------- the page's figures and CSVs


@pytest.fixture
def history(db):
    """Three days of history ending yesterday, rolled up."""
    board = BoardFactory(name="Bread", slug="bread")
    yesterday = days_ago(1)
    ann = member("ann", joined=at(days_ago(3)))
    ben = member("ben", joined=at(days_ago(2)))
    boss = member("boss", joined=at(days_ago(2)), is_superuser=True, is_staff=True)
    visit(ann, days_ago(3), days_ago(2), yesterday)
    visit(ben, yesterday)
    visit(boss, yesterday)
    topic = topic_at(at(days_ago(2), 8), board=board, author=ann, title="Crumb question")
    reply = reply_at(topic, at(days_ago(2), 12), author=ben)
    like_at(reply, ann, at(yesterday))
    RankChange.objects.create(member=ben, kind=RankChange.Kind.PROMOTED, from_rank=rank_at(0), to_rank=rank_at(1))
    RankChange.objects.filter(member=ben).update(created_at=at(yesterday))
    rollup_range(days_ago(3), yesterday)
    return board


def test_the_forum_page_shows_the_figures(admin_client, history):
    response = admin_client.get("/stats/?days=7")
    html = response.content.decode()
    summary = {f.key: f for f in response.context["summary"]}
    assert summary["signups"].value == 2  # ann and ben; the admin is staff
    assert summary["active"].value == 2 and summary["mau"].value == 2
    assert summary["posting"].value == 2
    assert (summary["new_topics"].value, summary["replies"].value, summary["likes"].value) == (1, 1, 1)
    assert summary["new_contributors"].value == 2
    responses = {f.key: f for f in response.context["responses"]}
    assert responses["first_reply_median"].value == 4.0 and responses["first_reply_p90"].value == 4.0
    assert "<svg" in html and 'viewBox="0 0 320 120"' in html and "<table" in html
    assert "Growing" in response.context["headline"].text
    staff = {f.key: f for f in admin_client.get("/stats/?days=7&staff=1").context["summary"]}
    assert staff["signups"].value == 3 and staff["active"].value == 3


def test_the_daily_csv_has_the_tables_numbers(admin_client, history):
    rows = csv_rows(admin_client.get("/stats/csv/daily.csv?days=7"))
    assert rows[0][:4] == ["Day", "Signups", "Active members (DAU)", "Active in 30 days (MAU)"]
    by_day = {r[0]: r for r in rows[1:]}
    assert by_day[str(days_ago(3))][1:4] == ["1", "1", "1"]
    assert by_day[str(days_ago(1))][1:4] == ["0", "2", "2"]
    assert by_day[str(days_ago(1))][4] == "100.0"  # stickiness
    assert len(rows) == 1 + 7 + 1  # header, seven days, today (live)
    assert rows[-1][0].endswith("(today, live)")


def test_every_table_downloads(admin_client, history, board_mod):
    for name in ("daily", "boards", "cohorts", "responses", "unanswered", "pipeline", "moderation"):
        assert len(csv_rows(admin_client.get(f"/stats/csv/{name}.csv"))) >= 1, name
    boards = csv_rows(admin_client.get("/stats/csv/boards.csv?days=7"))
    bread = next(r for r in boards if r[0] == "Bread")
    assert bread[1:5] == ["1", "1", "2", "4.0"]
    assert bread[6] == "100.0"
    pipeline = csv_rows(admin_client.get("/stats/csv/pipeline.csv?days=7"))
    assert next(r for r in pipeline if r[0] == rank_at(1).name)[1] == "1"
    assert admin_client.get("/stats/csv/nothing.csv").status_code == 404
    for name in ("daily", "responses", "unanswered", "moderation"):
        assert len(csv_rows(admin_client.get(f"/stats/b/bread/csv/{name}.csv"))) >= 1, name


def test_the_board_page_shows_its_own_figures(client, history):
    client.force_login(make_board_moderator(history, "breadkeeper"))
    response = client.get("/stats/b/bread/?days=7")
    assert response.status_code == 200
    summary = {f.key: f for f in response.context["summary"]}
    assert (summary["new_topics"].value, summary["replies"].value, summary["posting"].value) == (1, 1, 2)


def test_today_is_measured_live(admin_client, history):
    topic_at(timezone.now(), board=history, author=UserFactory(username="fresh"), title="Posted today")
    live = admin_client.get("/stats/").context["live"]
    assert live["new_topics"] == 1 and live["posting"] == 1
    assert "today, live" in admin_client.get("/stats/").content.decode()


def test_no_rollup_yet_says_so(admin_client, db):
    html = admin_client.get("/stats/?days=7").content.decode()
    assert "7 days of this period have no rollup yet" in html
    assert "Not enough data yet" in html


# ---------------------------------------------------------------- bounded queries


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_pages_query_count_does_not_grow_with_the_period_or_the_data(admin_client, history):
    admin_client.get("/stats/")  # warm the freshness cache
    counts = {days: queries_for(admin_client, f"/stats/?days={days}") for days in (7, 30, 90, 365)}
    assert len(set(counts.values())) == 1, counts
    baseline = counts[30]
    assert baseline <= 30
    for i in range(5):
        board = BoardFactory()
        author = member(f"more{i}", joined=at(days_ago(10 + i)))
        topic = topic_at(at(days_ago(4 + i)), board=board, author=author, title=f"More {i}")
        reply_at(topic, at(days_ago(3 + i)), author=member(f"helper{i}"))
    rollup_range(days_ago(20), days_ago(1))
    admin_client.get("/stats/")
    assert queries_for(admin_client, "/stats/?days=30") == baseline
    board_counts = {days: queries_for(admin_client, f"/stats/b/bread/?days={days}") for days in (7, 365)}
    assert len(set(board_counts.values())) == 1 and board_counts[7] <= 25, board_counts


def test_the_pages_speak_chinese_and_need_nothing_the_policy_forbids(admin_client, history):
    html = admin_client.get("/stats/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "<h1>社区健康</h1>" in html and "按注册批次的留存" in html and "首次回复中位时间（小时）" in html
    assert "今天到目前为止" in html and "各项指标的含义" in html
    for url in ("/stats/", "/stats/?days=365&staff=1", "/stats/b/bread/"):
        assert inline_parts(admin_client.get(url).content.decode()) == [], url
    rows = csv_rows(admin_client.get("/stats/csv/boards.csv", HTTP_ACCEPT_LANGUAGE="zh-hans"))
    assert rows[0][0] == "版块"
