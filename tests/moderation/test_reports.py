"""Reporting posts, topics and members: the form, who may report, one report per reporter and target,
reports gathering into one weighted case, the rate limit, auto-hide after trusted reports, and newcomers'
held posts waiting in the same queue."""
from datetime import timedelta

import pytest
from django.utils import timezone

from boards import services as board_services
from boards.models import BoardModerator, Post
from members.models import User
from moderation import services
from moderation.models import Case, ModerationAction, Report
from tests.factories import BoardFactory, UserFactory, fresh, make_post, make_topic, newcomer_rank, rank_at
from tests.helpers import login, messages_in, page

pytestmark = pytest.mark.django_db

LOGIN_URL = "/accounts/login/"
SECRET = "The secret crumb recipe"


def reporter_of(order: int, name: str | None = None) -> User:
    kwargs = {"rank": rank_at(order)}
    if name:
        kwargs["username"] = name
    return UserFactory(**kwargs)


@pytest.fixture
def reply(topic):
    return make_post(topic=topic, author=UserFactory(username="bob"), body=SECRET)


@pytest.fixture
def reporter(db):
    return UserFactory(username="carol")


@pytest.fixture
def carol_client(client, reporter):
    return login(client, reporter)


def report_url(kind: str, target) -> str:
    key = target.username if kind == "member" else target.pk
    return f"/report/{kind}/{key}/"


# --- the form --------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["post", "topic", "member"])
def test_the_report_form_is_offered_for_posts_topics_and_members(carol_client, kind, reply, topic):
    target = {"post": reply, "topic": topic, "member": reply.author}[kind]
    response = carol_client.get(report_url(kind, target))
    assert response.status_code == 200
    content = page(response)
    for reason in ("spam", "abuse", "off_topic", "illegal", "other"):
        assert f'value="{reason}"' in content, reason
    assert 'value="approval"' not in content  # not a reason a member can give
    assert 'name="note"' in content
    assert 'name="csrfmiddlewaretoken"' in content


@pytest.mark.parametrize("kind", ["post", "topic", "member"])
def test_posting_the_form_files_a_report_in_a_case(carol_client, reporter, kind, reply, topic, board):
    target = {"post": reply, "topic": topic, "member": reply.author}[kind]
    response = carol_client.post(report_url(kind, target), {"reason": "spam", "note": "Selling bread machines."},
                                 follow=True)
    assert response.status_code == 200
    assert any("Thank you" in m for m in messages_in(response)), messages_in(response)
    report = Report.objects.select_related("case").get()
    assert (report.reporter_id, report.reason, report.note) == (reporter.pk, "spam", "Selling bread machines.")
    case = report.case
    assert case.kind == kind and case.state == Case.State.OPEN and not case.is_approval
    assert case.report_count == 1 and case.weight == 1  # a Member's report weighs 1
    if kind == "post":
        assert (case.post_id, case.topic_id, case.member_id, case.board_id) == (reply.pk, topic.pk, reply.author_id,
                                                                                board.pk)
    elif kind == "topic":
        assert (case.post_id, case.topic_id, case.member_id, case.board_id) == (None, topic.pk, topic.author_id,
                                                                                board.pk)
    else:
        # reports on a member belong to no board: only global moderators handle them
        assert (case.post_id, case.topic_id, case.member_id, case.board_id) == (None, None, reply.author_id, None)


def test_the_note_is_optional(carol_client, reply):
    response = carol_client.post(report_url("post", reply), {"reason": "off_topic"})
    assert response.status_code == 302
    assert Report.objects.get().note == ""


def test_other_needs_a_note_with_a_readable_error(carol_client, reply):
    response = carol_client.post(report_url("post", reply), {"reason": "other", "note": "   "})
    assert response.status_code == 200
    assert "Say what is wrong when the reason is “Other”." in page(response)
    assert not Report.objects.exists() and not Case.objects.exists()

    response = carol_client.post(report_url("post", reply), {"reason": "other", "note": "Copied from a book."})
    assert response.status_code == 302
    assert Report.objects.get().note == "Copied from a book."


def test_a_missing_or_unknown_reason_is_a_readable_error(carol_client, reply):
    missing = carol_client.post(report_url("post", reply), {"note": "x"})
    assert missing.status_code == 200 and "Pick a reason." in page(missing)
    unknown = carol_client.post(report_url("post", reply), {"reason": "approval"})
    assert unknown.status_code == 200 and "has-error" in page(unknown)
    assert not Report.objects.exists()


def test_a_note_over_1000_characters_is_refused(carol_client, reply):
    response = carol_client.post(report_url("post", reply), {"reason": "spam", "note": "x" * 1001})
    assert response.status_code == 200
    assert "Keep the note under 1000 characters." in page(response)
    assert not Report.objects.exists()


def test_report_links_show_for_members_on_others_content_only(client, member, reporter, reply, topic):
    login(client, reporter)
    content = page(client.get(topic.get_absolute_url()))
    assert f'href="/report/post/{reply.pk}/"' in content
    assert f'href="/report/topic/{topic.pk}/"' in content
    profile = page(client.get(f"/u/{member.username}/"))
    assert f'href="/report/member/{member.username}/"' in profile

    login(client, member)  # the topic's author: no link on their own topic, first post or profile
    content = page(client.get(topic.get_absolute_url()))
    assert f'href="/report/topic/{topic.pk}/"' not in content
    assert f'href="/report/post/{topic.first_post_id}/"' not in content
    assert f'href="/report/post/{reply.pk}/"' in content
    assert f'href="/report/member/{member.username}/"' not in page(client.get(f"/u/{member.username}/"))

    client.logout()
    assert "/report/" not in page(client.get(topic.get_absolute_url()))


# --- one report per reporter and target; cases gather reports --------------------------------------


def test_a_second_report_on_the_same_target_adds_nothing(carol_client, reply):
    first = carol_client.post(report_url("post", reply), {"reason": "spam"})
    assert first.status_code == 302
    second = carol_client.post(report_url("post", reply), {"reason": "abuse", "note": "again"})
    assert second.status_code == 200
    assert "You have reported this already; the moderators have it." in page(second)
    assert Report.objects.count() == 1
    case = Case.objects.get()
    assert (case.report_count, case.weight) == (1, 1)


def test_reports_on_one_target_gather_into_one_weighted_case(client, reply):
    ranks = {0: "Newcomer", 1: "Member", 2: "Regular", 3: "Veteran"}
    weights = {order: rank_at(order).report_weight for order in ranks}
    assert (weights[1], weights[2], weights[3]) == (1, 2, 3)
    for order in (1, 2, 3):
        login(client, reporter_of(order, f"rep{order}"))
        assert client.post(report_url("post", reply), {"reason": "spam"}).status_code == 302
    case = Case.objects.get()
    assert case.report_count == 3
    assert case.weight == 1 + 2 + 3
    assert sorted(case.reports.values_list("weight", flat=True)) == [1, 2, 3]


def test_post_topic_and_member_reports_are_separate_cases(client, reply, topic):
    login(client, reporter_of(1))
    client.post(report_url("post", reply), {"reason": "spam"})
    client.post(report_url("topic", topic), {"reason": "spam"})
    client.post(report_url("member", reply.author), {"reason": "spam"})
    assert Case.objects.count() == 3
    assert sorted(Case.objects.values_list("kind", flat=True)) == ["member", "post", "topic"]


def test_reports_on_two_posts_of_a_topic_are_two_cases(client, topic, reply):
    other = make_post(topic=topic, author=reply.author, body="Another one.")
    login(client, reporter_of(1))
    client.post(report_url("post", reply), {"reason": "spam"})
    client.post(report_url("post", other), {"reason": "spam"})
    assert Case.objects.count() == 2


def test_a_report_after_the_case_was_resolved_opens_a_new_case(client, reply, moderator):
    first = reporter_of(1, "first")
    login(client, first)
    client.post(report_url("post", reply), {"reason": "spam"})
    case = Case.objects.get()
    services.case_act(case=case, actor=fresh(moderator), action="dismiss")
    login(client, reporter_of(1, "second"))
    assert client.post(report_url("post", reply), {"reason": "abuse"}).status_code == 302
    assert Case.objects.count() == 2
    new = Case.objects.exclude(pk=case.pk).get()
    assert new.state == Case.State.OPEN and new.report_count == 1
    # and the first reporter may report it again, in the new case
    login(client, first)
    assert client.post(report_url("post", reply), {"reason": "abuse"}).status_code == 302
    new.refresh_from_db()
    assert new.report_count == 2


# --- who may report -------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["post", "topic", "member"])
def test_reporting_yourself_or_your_own_content_is_refused(client, member, kind, topic):
    target = {"post": topic.first_post, "topic": topic, "member": member}[kind]
    login(client, member)
    response = client.post(report_url(kind, target), {"reason": "spam"})
    assert response.status_code in (200, 403)
    assert "You can't report yourself or your own posts." in page(response)
    assert not Report.objects.exists() and not Case.objects.exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_visitors_are_sent_to_log_in(client, reply, method):
    response = getattr(client, method)(report_url("post", reply), {"reason": "spam"} if method == "post" else None)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)
    assert not Report.objects.exists()


@pytest.mark.parametrize("who", ["unverified", "suspended", "banned"])
@pytest.mark.parametrize("kind", ["post", "topic", "member"])
def test_unverified_suspended_and_banned_members_are_refused(client, who, kind, reply, topic):
    user = {
        "unverified": lambda: UserFactory(username="newbie", email_verified=False),
        "suspended": lambda: UserFactory(username="sus", suspended_until=timezone.now() + timedelta(days=3)),
        "banned": lambda: UserFactory(username="banned", is_banned=True),
    }[who]()
    target = {"post": reply, "topic": topic, "member": reply.author}[kind]
    login(client, user)
    assert client.get(report_url(kind, target)).status_code == 403
    response = client.post(report_url(kind, target), {"reason": "spam"})
    assert response.status_code == 403
    expected = {"unverified": "Confirm your email address", "suspended": "suspended until",
                "banned": "banned"}[who]
    assert expected in page(response)
    assert not Report.objects.exists() and not Case.objects.exists()


def test_a_suspension_that_has_ended_no_longer_stops_reports(client, reply):
    user = UserFactory(suspended_until=timezone.now() - timedelta(minutes=1))
    login(client, user)
    assert client.post(report_url("post", reply), {"reason": "spam"}).status_code == 302
    assert Report.objects.count() == 1


def test_the_service_refuses_suspended_and_banned_reporters_too(reply):
    for user in (UserFactory(is_banned=True), UserFactory(suspended_until=timezone.now() + timedelta(hours=1))):
        with pytest.raises(Exception) as caught:
            services.report_create(reporter=user, kind="post", reason="spam", post=reply)
        assert type(caught.value).__name__ == "PermissionDenied"
    assert not Report.objects.exists()


def test_a_hidden_topic_you_cannot_see_cannot_be_reported(client, board, reply, topic, moderator):
    services.act_directly(actor=fresh(moderator), action="hide_topic", reason="Spam thread", topic=topic)
    login(client, reporter_of(1))
    for url in (report_url("topic", topic), report_url("post", reply)):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"reason": "spam"}).status_code == 404, url
    assert not Report.objects.exists()


def test_a_held_topic_cannot_be_reported_by_others(client, board):
    newbie = UserFactory(username="newbie", rank=newcomer_rank())
    held = board_services.topic_create(board=board, author=newbie, title="Hello", body=SECRET)
    login(client, reporter_of(1))
    assert client.get(report_url("topic", held)).status_code == 404
    assert client.get(report_url("post", held.first_post)).status_code == 404


@pytest.mark.parametrize("url", ["/report/post/999999/", "/report/topic/999999/", "/report/member/nobody/",
                                 "/report/board/1/", "/report/post/abc/", "/report/post/99999999999999999999/",
                                 "/report/topic/-1/", "/report/post/1.5/"])
def test_nothing_to_report_is_a_404(carol_client, url):
    assert carol_client.get(url).status_code == 404


def test_an_inactive_member_cannot_be_reported(carol_client):
    gone = UserFactory(username="gone", is_active=False)
    assert carol_client.get(report_url("member", gone)).status_code == 404


# --- rate limit -----------------------------------------------------------------------------------


def test_the_report_rate_limit_gives_a_readable_error(settings, carol_client, topic):
    settings.HEARTH = {**settings.HEARTH, "REPORT_RATE": (2, 3600)}
    posts = [make_post(topic=topic, author=UserFactory(), body=f"Spam {i}") for i in range(3)]
    for post in posts[:2]:
        assert carol_client.post(report_url("post", post), {"reason": "spam"}).status_code == 302
    response = carol_client.post(report_url("post", posts[2]), {"reason": "spam"})
    assert response.status_code == 200
    assert "You have sent many reports in a short time. Try again later." in page(response)
    assert Report.objects.count() == 2
    assert not Case.objects.filter(post=posts[2]).exists()


def test_the_rate_limit_is_per_reporter(settings, client, topic):
    settings.HEARTH = {**settings.HEARTH, "REPORT_RATE": (2, 3600)}
    posts = [make_post(topic=topic, author=UserFactory(), body=f"Spam {i}") for i in range(3)]
    login(client, reporter_of(1, "busy"))
    for post in posts:
        client.post(report_url("post", post), {"reason": "spam"})
    login(client, reporter_of(1, "calm"))
    assert client.post(report_url("post", posts[2]), {"reason": "spam"}).status_code == 302
    assert Report.objects.filter(reporter__username="calm").count() == 1


# --- auto-hide ------------------------------------------------------------------------------------


def file_reports(post, orders):
    for order in orders:
        services.report_create(reporter=reporter_of(order), kind="post", reason="spam", post=post)


def test_enough_trusted_reports_hide_a_post_at_once(settings, reply, client):
    settings.HEARTH = {**settings.HEARTH, "AUTO_HIDE_REPORTS": 3, "AUTO_HIDE_MIN_RANK_ORDER": 2}
    file_reports(reply, [2, 3])
    reply.refresh_from_db()
    assert not reply.is_hidden
    assert not ModerationAction.objects.filter(action="auto_hide").exists()

    file_reports(reply, [2])
    reply.refresh_from_db()
    assert reply.is_hidden and reply.hidden_reason
    entry = ModerationAction.objects.get(action="auto_hide")
    assert entry.actor is None
    assert (entry.post_id, entry.topic_id, entry.board_id) == (reply.pk, reply.topic_id, reply.topic.board_id)
    assert entry.case_id == Case.objects.get(post=reply).pk
    # the case stays open for a moderator to review
    assert Case.objects.get(post=reply).state == Case.State.OPEN

    # a further trusted report does not hide (or log) it twice
    file_reports(reply, [3])
    assert ModerationAction.objects.filter(action="auto_hide").count() == 1

    # and others now see a placeholder
    login(client, UserFactory(username="reader"))
    assert SECRET not in page(client.get(reply.topic.get_absolute_url()))


def test_reports_from_lower_ranks_do_not_hide_a_post(settings, reply):
    settings.HEARTH = {**settings.HEARTH, "AUTO_HIDE_REPORTS": 3, "AUTO_HIDE_MIN_RANK_ORDER": 2}
    file_reports(reply, [0, 1, 1, 1, 1, 2, 2])
    reply.refresh_from_db()
    assert not reply.is_hidden and reply.hidden_reason == ""
    assert not ModerationAction.objects.filter(action="auto_hide").exists()
    case = Case.objects.get(post=reply)
    assert case.report_count == 7


def test_reports_on_topics_and_members_never_auto_hide(settings, topic):
    settings.HEARTH = {**settings.HEARTH, "AUTO_HIDE_REPORTS": 1, "AUTO_HIDE_MIN_RANK_ORDER": 2}
    services.report_create(reporter=reporter_of(3), kind="topic", reason="spam", topic=topic)
    services.report_create(reporter=reporter_of(3), kind="member", reason="spam", member=topic.author)
    topic.refresh_from_db()
    assert not topic.is_hidden
    assert not Post.objects.filter(is_hidden=True).exists()


# --- newcomers' held posts in the same queue ------------------------------------------------------


def test_a_newcomers_held_reply_is_an_approval_case_in_the_queue(client, board, topic):
    newbie = UserFactory(username="newbie", rank=newcomer_rank())
    held = board_services.post_create(topic=topic, author=newbie, body=SECRET)
    assert held.is_awaiting_approval
    case = Case.objects.get(post=held)
    assert case.is_approval and case.state == Case.State.OPEN
    assert (case.kind, case.member_id, case.board_id) == ("post", newbie.pk, board.pk)

    mod = UserFactory(username="breadmod")
    BoardModerator.objects.create(board=board, member=mod)
    login(client, mod)
    response = client.get("/mod/")
    assert response.status_code == 200
    assert f'href="/mod/case/{case.pk}/"' in page(response)
    assert "Waiting for approval" in page(response)
    # approvals filter
    assert f"/mod/case/{case.pk}/" in page(client.get("/mod/?reason=approval", follow=True))
    assert f"/mod/case/{case.pk}/" not in page(client.get("/mod/?reason=spam"))


def test_a_newcomers_held_topic_is_an_approval_case(board):
    newbie = UserFactory(username="newbie", rank=newcomer_rank())
    held = board_services.topic_create(board=board, author=newbie, title="Hello", body=SECRET)
    case = Case.objects.get(post=held.first_post)
    assert case.is_approval and case.topic_id == held.pk and case.board_id == board.pk


def test_reports_on_a_held_post_join_its_approval_case(board, topic):
    newbie = UserFactory(username="newbie", rank=newcomer_rank())
    held = board_services.post_create(topic=topic, author=newbie, body="Buy cheap watches")
    services.report_create(reporter=reporter_of(2), kind="post", reason="spam", post=held)
    case = Case.objects.get(post=held)
    assert case.is_approval and case.report_count == 1 and case.weight == 2


def test_member_cases_only_reach_global_moderators(client, board, reply, moderator):
    services.report_create(reporter=reporter_of(1), kind="member", reason="abuse", member=reply.author)
    case = Case.objects.get(kind="member")
    mod = UserFactory(username="breadmod")
    BoardModerator.objects.create(board=board, member=mod)
    login(client, mod)
    assert f"/mod/case/{case.pk}/" not in page(client.get("/mod/"))
    assert client.get(f"/mod/case/{case.pk}/").status_code == 404
    login(client, moderator)
    assert f"/mod/case/{case.pk}/" in page(client.get("/mod/"))


def test_reports_in_other_boards_do_not_reach_a_board_moderator(client, board):
    pastry = BoardFactory(name="Pastry", slug="pastry")
    elsewhere = make_topic(board=pastry, author=UserFactory(), title="Croissants")
    services.report_create(reporter=reporter_of(1), kind="topic", reason="spam", topic=elsewhere)
    mod = UserFactory(username="breadmod")
    BoardModerator.objects.create(board=board, member=mod)
    login(client, mod)
    assert "Croissants" not in page(client.get("/mod/"))
