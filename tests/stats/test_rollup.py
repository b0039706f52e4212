"""Each figure's definition on hand-built history, with exact numbers, and the rollup's idempotency."""
from datetime import timedelta

import pytest
from django.core.management import call_command

from boards.models import Post
from members.models import User
from moderation.models import Case
from stats import definitions as d
from stats.models import Audience, DailyStat, MemberCohort, PosterDay, TopicResponse
from stats.rollup import catch_up_range, rollup_catch_up, rollup_day, rollup_range
from tests.factories import BoardFactory
from tests.stats.helpers import at, days_ago, like_at, member, reply_at, topic_at, visit

pytestmark = pytest.mark.django_db


def row(day, audience=Audience.MEMBERS, board=None) -> DailyStat:
    rows = DailyStat.objects.filter(day=day, audience=audience)
    return rows.get(board__isnull=True) if board is None else rows.get(board=board)


def test_signups_leave_out_spam_and_unverified_accounts_older_than_seven_days():
    recent, old = days_ago(3), days_ago(10)
    for name in ("ann", "ben"):
        member(name, joined=at(recent))
    member("spammer", joined=at(recent), is_banned=True)
    member("waiting", joined=at(recent), email_verified=False)  # 3 days old: still counts
    member("admin1", joined=at(recent), is_superuser=True, is_staff=True)
    member("gone", joined=at(old), email_verified=False)  # 10 days old, never verified
    member("kept", joined=at(old))
    rollup_range(old, recent)

    assert row(recent).signups == 3  # ann, ben, waiting
    assert row(recent, Audience.EVERYONE).signups == 4  # and the admin
    assert row(old).signups == 1  # kept


def test_dau_mau_and_stickiness_on_the_first_day_of_data_and_after():
    first = days_ago(5)
    ann, ben, cat = member("ann"), member("ben"), member("cat")
    visit(ann, first, first + timedelta(days=1))
    visit(ben, first)
    visit(cat, first + timedelta(days=1))
    rollup_range(first, first + timedelta(days=1))

    day1, day2 = row(first), row(first + timedelta(days=1))
    assert (day1.active, day1.active_30) == (2, 2)  # the first day: MAU is just that day's visitors
    assert (day2.active, day2.active_30, day2.active_7) == (2, 3, 3)


def test_posting_members_topics_replies_likes_and_new_contributors():
    board = BoardFactory(slug="bread")
    day, earlier = days_ago(2), days_ago(20)
    veteran, newbie, helper = member("veteran"), member("newbie"), member("helper")
    old_topic = topic_at(at(earlier), board=board, author=veteran)  # veteran posted before: not new
    topic = topic_at(at(day, 9), board=board, author=newbie)
    first_reply = reply_at(topic, at(day, 10), author=helper)
    reply_at(topic, at(day, 11), author=veteran)
    reply_at(topic, at(day, 12), author=helper, is_hidden=True)  # hidden: not counted
    reply_at(old_topic, at(day, 13), author=newbie)
    like_at(first_reply, newbie, at(day, 14))
    like_at(first_reply, veteran, at(day, 15))
    rollup_range(earlier, day)

    forum, in_board = row(day), row(day, board=board)
    assert (forum.posting, forum.new_topics, forum.replies, forum.likes) == (3, 1, 3, 2)
    assert forum.new_contributors == 2  # newbie and helper; veteran's first post was 20 days ago
    assert (in_board.posting, in_board.new_topics, in_board.replies, in_board.likes) == (3, 1, 3, 2)
    assert in_board.posters_30 == 3 and in_board.posters_7 == 3
    assert row(earlier).new_contributors == 1


def test_staff_posts_count_only_with_staff_included():
    board = BoardFactory(slug="bread")
    day = days_ago(1)
    admin = member("boss", is_superuser=True, is_staff=True)
    topic_at(at(day), board=board, author=admin)
    rollup_day(day)
    assert (row(day).new_topics, row(day).posting) == (0, 0)
    assert (row(day, Audience.EVERYONE).new_topics, row(day, Audience.EVERYONE).posting) == (1, 1)


def test_first_reply_ignores_the_authors_own_and_hidden_replies():
    board = BoardFactory(slug="bread")
    day = days_ago(4)
    asker, other = member("asker"), member("other")
    topic = topic_at(at(day, 8), board=board, author=asker)
    reply_at(topic, at(day, 9), author=asker)  # the author's own reply
    reply_at(topic, at(day, 10), author=other, is_hidden=True)
    reply_at(topic, at(day, 11), author=other, deleted_at=at(day, 12))
    reply_at(topic, at(day, 12), author=other, is_awaiting_approval=True)
    reply_at(topic, at(day, 14), author=other)  # the first that counts: 6 hours
    rollup_day(day)
    response = TopicResponse.objects.get(topic=topic)
    assert response.first_reply_at == at(day, 14)
    assert response.wait_seconds == 6 * 3600


def test_rollup_is_idempotent_and_catches_up():
    board = BoardFactory(slug="bread")
    ann = member("ann", joined=at(days_ago(6)))
    topic = topic_at(at(days_ago(3)), board=board, author=ann)
    reply_at(topic, at(days_ago(2)), author=member("ben"))
    visit(ann, days_ago(3), days_ago(2))
    Case.objects.create(kind=Case.Kind.MEMBER, member=ann)

    rollup_range(days_ago(6), days_ago(1))
    first = list(DailyStat.objects.order_by("day", "board", "audience").values())
    cohorts = list(MemberCohort.objects.values())
    posters = list(PosterDay.objects.order_by("id").values("day", "board", "member", "is_staff"))
    responses = list(TopicResponse.objects.values())
    rollup_range(days_ago(6), days_ago(1))
    again = list(DailyStat.objects.order_by("day", "board", "audience").values())
    strip = [{k: v for k, v in r.items() if k not in ("id", "computed_at")} for r in first]
    assert strip == [{k: v for k, v in r.items() if k not in ("id", "computed_at")} for r in again]
    assert list(MemberCohort.objects.values()) == cohorts
    assert list(PosterDay.objects.order_by("id").values("day", "board", "member", "is_staff")) == posters
    assert list(TopicResponse.objects.values()) == responses

    DailyStat.objects.filter(day__gte=days_ago(3)).delete()  # missed nights
    result = rollup_catch_up()
    assert result.days[-1] == days_ago(1) and days_ago(3) in result.days
    assert DailyStat.objects.filter(board__isnull=True, day=days_ago(3)).count() == 2


def test_catch_up_starts_at_the_first_signup_and_rerolls_the_last_days():
    member("ann", joined=at(days_ago(30)))
    assert catch_up_range() == (days_ago(30), days_ago(1))
    rollup_range(days_ago(30), days_ago(1))
    assert catch_up_range() == (days_ago(d.REROLL_DAYS), days_ago(1))


def test_rollup_stats_command_takes_from_and_to(capsys):
    call_command("rollup_stats", "--from", str(days_ago(3)), "--to", str(days_ago(2)))
    assert "2 days rolled up" in capsys.readouterr().out
    assert set(DailyStat.objects.values_list("day", flat=True)) == {days_ago(3), days_ago(2)}


def test_cohort_windows_are_marked_by_visits_and_posts():
    board = BoardFactory(slug="bread")
    joined = days_ago(40)
    ann, ben = member("ann", joined=at(joined)), member("ben", joined=at(joined))
    visit(ann, joined + timedelta(days=1), joined + timedelta(days=35))
    visit(ben, joined + timedelta(days=8))
    topic_at(at(joined + timedelta(days=7)), board=board, author=ben)
    rollup_range(joined, days_ago(1))
    flags = {c.member_id: c for c in MemberCohort.objects.all()}
    assert (flags[ann.pk].visited_1_7, flags[ann.pk].visited_8_30, flags[ann.pk].visited_31_90) == (True, False, True)
    assert (flags[ben.pk].visited_1_7, flags[ben.pk].visited_8_30, flags[ben.pk].posted_1_7) == (False, True, True)
    assert flags[ann.pk].cohort == d.monday(joined)


def test_moderation_counts_reports_and_cases_per_day():
    board = BoardFactory(slug="bread")
    day = days_ago(2)
    author = member("author")
    topic = topic_at(at(day), board=board, author=author)
    opened = Case.objects.create(kind=Case.Kind.TOPIC, topic=topic, member=author, board=board)
    resolved = Case.objects.create(kind=Case.Kind.POST, post=Post.objects.get(pk=topic.first_post_id), member=author,
                                   board=board, state=Case.State.RESOLVED, resolved_at=at(day, 15))
    Case.objects.create(kind=Case.Kind.POST, member=author, board=board, is_approval=True)  # not a report
    Case.objects.filter(pk__in=[opened.pk, resolved.pk]).update(created_at=at(day, 10))
    Case.objects.filter(is_approval=True).update(created_at=at(day, 10))
    rollup_day(day)
    assert (row(day).cases_opened, row(day).cases_resolved) == (2, 1)
    assert (row(day, board=board).cases_opened, row(day, board=board).cases_resolved) == (2, 1)
    assert User.objects.count() == 1
