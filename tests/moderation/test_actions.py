"""Acting on cases: every action, its reason and rule, exactly one log row each, the case's resolution,
the notices to the member and the reporters, concurrent resolution, bulk actions, reminders for stale
cases, and the append-only log."""
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from boards import services as board_services
from boards.models import Board, BoardModerator, Post, Topic
from members.models import User
from moderation import services
from moderation.models import Case, ModerationAction
from notices.models import Notice
from tests.factories import BoardFactory, UserFactory, fresh, make_post, make_topic, rank_at
from tests.helpers import age, login, messages_in, page, run_in_threads

pytestmark = pytest.mark.django_db

SECRET = "Buy my bread machine at spam.example"
RULES = "1. Be kind.\n2. No advertising.\n\n3. Stay on topic."
RULE = "2. No advertising."


def act(client, case, **data):
    return client.post(f"/mod/case/{case.pk}/act/", data, follow=True)


def logged(action: str):
    return ModerationAction.objects.filter(action=action)


@pytest.fixture
def board(db):
    return BoardFactory(name="Sourdough", slug="sourdough", rules=RULES)


@pytest.fixture
def reply(topic, bob):
    return make_post(topic=topic, author=bob, body=SECRET)


@pytest.fixture
def reporters(db):
    return [UserFactory(username="carol", rank=rank_at(2)), UserFactory(username="dave", rank=rank_at(1))]


@pytest.fixture
def case(reply, reporters):
    for who in reporters:
        services.report_create(reporter=who, kind="post", reason="spam", note=f"{who.username} saw it", post=reply)
    return Case.objects.get(post=reply)


@pytest.fixture
def topic_case(topic, reporters):
    services.report_create(reporter=reporters[0], kind="topic", reason="off_topic", topic=topic)
    return Case.objects.get(topic=topic, post__isnull=True)


@pytest.fixture
def mod_client(client, board_mod):
    return login(client, board_mod)


@pytest.fixture
def global_client(client, moderator):
    return login(client, moderator)


@pytest.fixture
def held(topic, newbie):
    post = board_services.post_create(topic=topic, author=newbie, body="Hello, I am new here.")
    assert post.is_awaiting_approval
    return post


@pytest.fixture
def approval_case(held):
    return Case.objects.get(post=held)


# --- dismiss ----------------------------------------------------------------------------------------


def test_dismiss_resolves_the_case_without_upholding_it(mod_client, case, board_mod, bob, reporters, reply):
    response = act(mod_client, case, action="dismiss")
    assert response.status_code == 200
    assert any("Resolved: No action needed" in m for m in messages_in(response))
    case.refresh_from_db()
    assert case.state == Case.State.RESOLVED and not case.upheld
    assert case.resolved_by_id == board_mod.pk and case.resolved_at is not None
    assert case.resolution == "No action needed"
    entry = logged("dismiss").get()
    assert (entry.actor_id, entry.case_id, entry.post_id) == (board_mod.pk, case.pk, reply.pk)
    assert ModerationAction.objects.count() == 1
    assert fresh(bob).upheld_reports == 0
    assert [fresh(r).accurate_reports for r in reporters] == [0, 0]
    for who in reporters:
        assert Notice.objects.filter(recipient=who, title__contains="Your report was resolved: No action needed")\
            .count() == 1
    assert not Notice.objects.filter(recipient=bob).exists()
    reply.refresh_from_db()
    assert not reply.is_hidden


# --- approving and rejecting held posts -----------------------------------------------------------


def test_approve_publishes_a_held_post(mod_client, approval_case, held, newbie, board_mod):
    response = act(mod_client, approval_case, action="approve")
    assert any("Resolved: Published" in m for m in messages_in(response)), messages_in(response)
    held.refresh_from_db()
    assert not held.is_awaiting_approval
    approval_case.refresh_from_db()
    assert approval_case.state == Case.State.RESOLVED and approval_case.resolved_by_id == board_mod.pk
    entry = logged("approve").get()
    assert (entry.actor_id, entry.post_id, entry.case_id) == (board_mod.pk, held.pk, approval_case.pk)
    assert Notice.objects.filter(recipient=newbie, title__contains="is published").exists()
    assert fresh(newbie).approved_posts == 1
    assert fresh(newbie).upheld_reports == 0


def test_reject_needs_a_reason(mod_client, approval_case, held):
    response = act(mod_client, approval_case, action="reject", reason="  ")
    assert any("Give a reason" in m for m in messages_in(response)), messages_in(response)
    held.refresh_from_db()
    assert held.is_awaiting_approval and not held.is_hidden
    approval_case.refresh_from_db()
    assert approval_case.state == Case.State.OPEN
    assert not logged("reject").exists()


def test_reject_keeps_a_held_post_out_with_the_reason(mod_client, approval_case, held, newbie, board_mod):
    act(mod_client, approval_case, action="reject", reason="Please introduce yourself in the welcome board.")
    held.refresh_from_db()
    assert not held.is_awaiting_approval and held.is_hidden
    assert held.hidden_reason == "Please introduce yourself in the welcome board."
    approval_case.refresh_from_db()
    assert approval_case.state == Case.State.RESOLVED
    entry = logged("reject").get()
    assert entry.actor_id == board_mod.pk and entry.reason.startswith("Please introduce")
    notice = Notice.objects.get(recipient=newbie, title__contains="was not published")
    assert "welcome board" in notice.body


def test_approving_from_the_post_page_resolves_the_approval_case(mod_client, approval_case, held):
    response = mod_client.post(f"/p/{held.pk}/approve/", {"action": "approve"})
    assert response.status_code == 302
    approval_case.refresh_from_db()
    assert approval_case.state == Case.State.RESOLVED
    assert logged("approve").count() == 1


def test_rejecting_from_the_post_page_resolves_the_approval_case(mod_client, approval_case, held):
    mod_client.post(f"/p/{held.pk}/approve/", {"action": "reject", "reason": "Not yet."})
    approval_case.refresh_from_db()
    assert approval_case.state == Case.State.RESOLVED
    assert logged("reject").count() == 1


# --- hiding and deleting posts --------------------------------------------------------------------


def test_hide_shows_the_author_why_and_others_a_placeholder(client, case, reply, bob, board_mod, topic):
    login(client, board_mod)
    act(client, case, action="hide", reason="Advertising is not allowed here.")
    reply.refresh_from_db()
    assert reply.is_hidden and reply.hidden_reason == "Advertising is not allowed here."
    entry = logged("hide").get()
    # the log points at the post and copies none of its text (its readers may not all see it)
    assert entry.post_id == reply.pk and SECRET not in entry.before + entry.after
    assert entry.reason == "Advertising is not allowed here."
    case.refresh_from_db()
    assert case.state == Case.State.RESOLVED and case.upheld and case.resolution == "Post hidden"

    login(client, bob)
    own = page(client.get(topic.get_absolute_url()))
    assert SECRET in own and "Advertising is not allowed here." in own

    login(client, UserFactory(username="reader"))
    other = page(client.get(topic.get_absolute_url()))
    assert SECRET not in other and "This post was hidden by a moderator." in other
    client.logout()
    anonymous = page(client.get(topic.get_absolute_url()))
    assert SECRET not in anonymous and "This post was hidden by a moderator." in anonymous

    notice = Notice.objects.get(recipient=bob)
    assert "Post hidden" in notice.title and "Advertising is not allowed here." in notice.body


def test_delete_is_soft_and_only_admins_still_see_the_post(client, case, reply, bob, board_mod, moderator,
                                                           admin_user, topic):
    login(client, board_mod)
    act(client, case, action="delete", reason="Spam.")
    reply.refresh_from_db()
    assert reply.deleted_at is not None
    assert Post.objects.filter(pk=reply.pk).exists()  # soft: the row stays
    entry = logged("delete").get()
    assert entry.post_id == reply.pk and SECRET not in entry.before + entry.after  # the log copies no text
    for viewer in (bob, UserFactory(username="reader"), board_mod, moderator):
        login(client, viewer)
        content = page(client.get(topic.get_absolute_url()))
        assert SECRET not in content, viewer.username
        assert "This post was deleted by a moderator." in content, viewer.username
    client.logout()
    assert SECRET not in page(client.get(topic.get_absolute_url()))
    login(client, admin_user)
    assert SECRET in page(client.get(topic.get_absolute_url()))


def test_only_admins_restore_a_deleted_post(client, case, reply, board_mod, moderator, admin_user, topic):
    services.case_act(case=case, actor=board_mod, action="delete", reason="Spam.")
    for who in (board_mod, moderator):
        login(client, who)
        response = client.post(f"/mod/post/{reply.pk}/act/", {"action": "restore", "reason": "Oops"})
        assert response.status_code == 403, who.username
        assert "Only admins can restore deleted posts." in page(response)
        reply.refresh_from_db()
        assert reply.deleted_at is not None
    assert not logged("restore").exists()

    login(client, admin_user)
    response = client.post(f"/mod/post/{reply.pk}/act/", {"action": "restore", "reason": "Not spam after all"})
    assert response.status_code == 302
    reply.refresh_from_db()
    assert reply.deleted_at is None and not reply.is_hidden
    entry = logged("restore").get()
    assert entry.actor_id == admin_user.pk and entry.post_id == reply.pk
    login(client, UserFactory(username="reader"))
    assert SECRET in page(client.get(topic.get_absolute_url()))


def test_restore_is_refused_on_a_case_to_a_global_moderator(case, moderator):
    with pytest.raises(PermissionDenied):
        services.case_act(case=case, actor=fresh(moderator), action="restore", reason="x")


# --- topics: lock, pin, hide, move ------------------------------------------------------------------


def test_lock_and_unlock(client, topic_case, topic, board_mod, member):
    login(client, board_mod)
    act(client, topic_case, action="lock", reason="Going in circles.")
    topic.refresh_from_db()
    assert topic.is_locked
    assert logged("lock").get().topic_id == topic.pk
    topic_case.refresh_from_db()
    assert topic_case.state == Case.State.RESOLVED

    login(client, UserFactory(username="reader"))
    assert client.post(f"/t/{topic.pk}/reply/", {"body": "Me too"}).status_code == 403

    login(client, board_mod)
    response = client.post(f"/mod/topic/{topic.pk}/act/", {"action": "unlock", "reason": "Cooled down."})
    assert response.status_code == 302
    topic.refresh_from_db()
    assert not topic.is_locked
    assert logged("unlock").count() == 1


def test_pin_and_unpin(client, topic_case, topic, board_mod, board):
    other = make_topic(board=board, title="A later topic")
    login(client, board_mod)
    act(client, topic_case, action="pin", reason="Useful for everyone.")
    topic.refresh_from_db()
    assert topic.is_pinned
    listing = page(client.get(f"/b/{board.slug}/"))
    assert listing.index(topic.title) < listing.index(other.title)
    client.post(f"/mod/topic/{topic.pk}/act/", {"action": "unpin", "reason": "Outdated."})
    topic.refresh_from_db()
    assert not topic.is_pinned
    assert logged("pin").count() == 1 and logged("unpin").count() == 1


def test_hide_topic_takes_it_off_the_board_and_its_counts(client, board, member, reporters, board_mod):
    earlier = make_topic(board=board, author=member, title="An earlier topic", replies=1)
    spam = make_topic(board=board, author=UserFactory(username="spammer"), title="Cheap watches", replies=2)
    board.refresh_from_db()
    assert board.last_post_id == spam.last_post_id
    counts = (board.topic_count, board.post_count)
    services.report_create(reporter=reporters[0], kind="topic", reason="spam", topic=spam)
    case = Case.objects.get(topic=spam)

    login(client, board_mod)
    act(client, case, action="hide_topic", reason="Spam thread.")
    spam.refresh_from_db()
    board.refresh_from_db()
    assert spam.is_hidden
    assert (board.topic_count, board.post_count) == (counts[0] - 1, counts[1] - spam.post_count)
    assert board.last_post_id == earlier.last_post_id
    assert logged("hide_topic").count() == 1

    login(client, UserFactory(username="reader"))
    assert "Cheap watches" not in page(client.get(f"/b/{board.slug}/"))
    assert "Cheap watches" not in page(client.get("/"))
    assert client.get(spam.get_absolute_url()).status_code == 404


def test_move_to_a_board_the_moderator_moderates(client, topic_case, topic, board, pastry, moderator):
    board.refresh_from_db()
    before = (board.topic_count, board.post_count)
    login(client, moderator)
    response = act(client, topic_case, action="move", board=str(pastry.pk), reason="This is about pastry.")
    assert any("Moved to Pastry" in m for m in messages_in(response)), messages_in(response)
    topic.refresh_from_db()
    board.refresh_from_db()
    pastry.refresh_from_db()
    assert topic.board_id == pastry.pk
    assert (board.topic_count, board.post_count) == (before[0] - 1, before[1] - topic.post_count)
    assert (pastry.topic_count, pastry.post_count) == (1, topic.post_count)
    entry = logged("move").get()
    assert entry.before.startswith("Sourdough") and entry.after.startswith("Pastry")
    assert ModerationAction.objects.exclude(action="move").count() == 0  # not logged twice


def test_move_into_a_board_one_does_not_moderate_is_refused(client, topic_case, topic, pastry, board_mod):
    login(client, board_mod)
    response = client.post(f"/mod/case/{topic_case.pk}/act/", {"action": "move", "board": str(pastry.pk),
                                                                "reason": "Pastry."}, follow=True)
    assert response.status_code in (200, 403)
    assert "You can only move topics into boards you moderate." in page(response)
    topic.refresh_from_db()
    assert topic.board.slug == "sourdough"
    topic_case.refresh_from_db()
    assert topic_case.state == Case.State.OPEN
    assert not logged("move").exists()


def test_a_moderator_of_both_boards_can_move(topic_case, topic, pastry, board_mod):
    BoardModerator.objects.create(board=pastry, member=board_mod)
    services.case_act(case=topic_case, actor=fresh(board_mod), action="move", reason="Pastry.", board=pastry)
    topic.refresh_from_db()
    assert topic.board_id == pastry.pk


def test_move_without_a_board_is_a_readable_error(mod_client, topic_case, topic):
    response = act(mod_client, topic_case, action="move", reason="Somewhere else.")
    assert any("Pick the board to move the topic to." in m for m in messages_in(response)), messages_in(response)
    topic_case.refresh_from_db()
    assert topic_case.state == Case.State.OPEN


def test_a_malformed_board_id_is_not_a_server_error(topic_case, board_mod):
    from django.test import Client

    client = Client(raise_request_exception=False)
    client.force_login(board_mod)
    response = client.post(f"/mod/case/{topic_case.pk}/act/", {"action": "move", "board": "pastry",
                                                                "reason": "x"})
    assert response.status_code < 500
    response = client.post(f"/mod/case/{topic_case.pk}/act/", {"action": "suspend", "days": "-3", "reason": "x"})
    assert response.status_code < 500


# --- members: warn, suspend, ban --------------------------------------------------------------------


def test_warn_tells_the_member_and_counts(mod_client, case, bob, board_mod):
    response = act(mod_client, case, action="warn", reason="Please stop advertising.", rule=RULE)
    assert any("Resolved: Member warned" in m for m in messages_in(response)), messages_in(response)
    assert fresh(bob).warning_count == 1
    notice = Notice.objects.get(recipient=bob)
    assert "Please stop advertising." in notice.body
    assert f"Rule applied: {RULE}" in notice.body
    entry = logged("warn").get()
    assert (entry.member_id, entry.rule, entry.actor_id) == (bob.pk, RULE, board_mod.pk)


def test_a_rule_must_be_one_of_the_boards_rules(mod_client, case, bob):
    response = act(mod_client, case, action="warn", reason="Stop.", rule="7. Made up rule.")
    assert any("Pick one of the board's published rules." in m for m in messages_in(response)), \
        messages_in(response)
    assert fresh(bob).warning_count == 0
    assert not logged("warn").exists() and not Notice.objects.filter(recipient=bob).exists()
    case.refresh_from_db()
    assert case.state == Case.State.OPEN


def test_every_rule_line_of_the_board_can_be_cited(case, board_mod):
    assert services.board_rules(case.board) == ["1. Be kind.", "2. No advertising.", "3. Stay on topic."]
    services.case_act(case=case, actor=board_mod, action="hide", reason="Ads.", rule="3. Stay on topic.")
    assert logged("hide").get().rule == "3. Stay on topic."


def test_the_case_page_offers_the_boards_rules(mod_client, case):
    content = page(mod_client.get(f"/mod/case/{case.pk}/"))
    for rule in ("1. Be kind.", RULE, "3. Stay on topic."):
        assert f'<option value="{rule}">' in content


def test_a_rule_cited_from_the_topic_page_must_be_a_board_rule_too(mod_client, reply):
    response = mod_client.post(f"/mod/post/{reply.pk}/act/", {"action": "hide", "reason": "Ads.",
                                                              "rule": "9. Not a rule."}, follow=True)
    assert "Pick one of the board's published rules." in page(response)
    reply.refresh_from_db()
    assert not reply.is_hidden
    assert not logged("hide").exists()


def test_suspend_lets_the_member_read_but_not_write(client, case, bob, moderator, topic, reply):
    login(client, moderator)
    response = act(client, case, action="suspend", days="5", reason="Repeated advertising.")
    assert any("suspended for 5 days" in m for m in messages_in(response)), messages_in(response)
    bob = fresh(bob)
    expected = timezone.now() + timedelta(days=5)
    assert abs((bob.suspended_until - expected).total_seconds()) < 60
    entry = logged("suspend").get()
    assert entry.member_id == bob.pk and entry.after

    login(client, bob)
    assert client.get(topic.get_absolute_url()).status_code == 200
    assert client.post(f"/t/{topic.pk}/reply/", {"body": "Let me explain"}).status_code == 403
    assert client.post(f"/b/{topic.board.slug}/new/", {"title": "Hi", "body": "Hi"}).status_code == 403
    assert client.post(f"/p/{topic.first_post_id}/like/", {"action": "like"}).status_code == 403
    assert client.post(f"/report/post/{topic.first_post_id}/", {"reason": "spam"}).status_code == 403
    assert topic.posts.count() == 2 and not topic.first_post.likes.exists()


@pytest.mark.parametrize("days", ["0", "366", ""])
def test_suspend_needs_1_to_365_days(global_client, case, bob, days):
    response = act(global_client, case, action="suspend", days=days, reason="Advertising.")
    assert any("Suspend for 1 to 365 days." in m for m in messages_in(response)), messages_in(response)
    assert fresh(bob).suspended_until is None
    assert not logged("suspend").exists()


def test_ban_refuses_every_write(client, case, bob, moderator, topic):
    login(client, moderator)
    act(client, case, action="ban", reason="Spammer.")
    assert fresh(bob).is_banned
    assert logged("ban").get().member_id == bob.pk
    login(client, bob)
    assert client.get(topic.get_absolute_url()).status_code == 200
    assert client.post(f"/t/{topic.pk}/reply/", {"body": "Unfair"}).status_code == 403
    assert client.post(f"/b/{topic.board.slug}/new/", {"title": "Hi", "body": "Hi"}).status_code == 403
    assert client.post(f"/p/{topic.first_post_id}/like/", {"action": "like"}).status_code == 403
    assert client.post(f"/report/topic/{topic.pk}/", {"reason": "spam"}).status_code == 403


@pytest.mark.parametrize("action", ["suspend", "ban"])
def test_board_moderators_cannot_suspend_or_ban(mod_client, case, bob, action):
    response = mod_client.post(f"/mod/case/{case.pk}/act/", {"action": action, "days": "3", "reason": "x"})
    assert response.status_code == 403
    assert "Only global moderators and admins can suspend or ban members." in page(response)
    bob = fresh(bob)
    assert bob.suspended_until is None and not bob.is_banned
    assert not logged(action).exists()


# --- reasons, log rows, outcomes --------------------------------------------------------------------

NEEDS_REASON = ["hide", "delete", "lock", "unlock", "pin", "unpin", "hide_topic", "move", "warn", "suspend",
                "ban"]


@pytest.mark.parametrize("action", NEEDS_REASON)
def test_every_action_but_approve_and_dismiss_needs_a_reason(global_client, case, pastry, action):
    response = act(global_client, case, action=action, reason="", days="3", board=str(pastry.pk))
    assert response.status_code == 200
    assert any("Give a reason: the member sees it." in m for m in messages_in(response)), messages_in(response)
    case.refresh_from_db()
    assert case.state == Case.State.OPEN
    assert not ModerationAction.objects.exclude(action="auto_hide").exists()


@pytest.mark.parametrize("action", NEEDS_REASON + ["dismiss"])
def test_each_action_writes_exactly_one_log_row(case, moderator, pastry, reply, bob, action):
    actor = fresh(moderator)
    services.case_act(case=case, actor=actor, action=action, reason=f"Because {action}", days=3, board=pastry)
    rows = list(ModerationAction.objects.all())
    assert len(rows) == 1, [r.action for r in rows]
    entry = rows[0]
    assert (entry.actor_id, entry.action, entry.case_id) == (actor.pk, action, case.pk)
    assert entry.reason == f"Because {action}"
    if action in ("hide", "delete"):
        assert entry.post_id == reply.pk and SECRET not in entry.before + entry.after
    if action in ("lock", "unlock", "pin", "unpin", "hide_topic", "move"):
        assert entry.topic_id == reply.topic_id
    if action in ("warn", "suspend", "ban"):
        assert entry.member_id == bob.pk
    case.refresh_from_db()
    assert case.state == Case.State.RESOLVED and case.resolution and case.resolved_by_id == actor.pk


UPHELD = ["hide", "delete", "warn", "suspend", "ban", "hide_topic"]


@pytest.mark.parametrize("action", UPHELD)
def test_upheld_actions_count_for_the_member_and_the_reporters(case, moderator, bob, reporters, action):
    services.case_act(case=case, actor=fresh(moderator), action=action, reason="Spam.", days=2)
    case.refresh_from_db()
    assert case.upheld
    assert fresh(bob).upheld_reports == 1
    assert [fresh(r).accurate_reports for r in reporters] == [1, 1]
    for who in reporters:
        notice = Notice.objects.get(recipient=who)
        assert notice.title == f"Your report was resolved: {case.resolution}"
    member_notice = Notice.objects.get(recipient=bob)
    assert case.resolution in member_notice.title and "Spam." in member_notice.body


@pytest.mark.parametrize("action", ["dismiss", "lock", "pin"])
def test_actions_that_do_not_uphold_count_nothing(case, moderator, bob, reporters, action):
    services.case_act(case=case, actor=fresh(moderator), action=action, reason="Fine.")
    assert fresh(bob).upheld_reports == 0
    assert [fresh(r).accurate_reports for r in reporters] == [0, 0]
    assert Notice.objects.filter(recipient__in=reporters).count() == 2  # still told how it ended


def test_a_resolved_case_cannot_be_acted_on_again(mod_client, case, board_mod):
    services.case_act(case=case, actor=board_mod, action="dismiss")
    response = act(mod_client, case, action="hide", reason="Changed my mind")
    assert any("breadmod already resolved this case: No action needed" in m for m in messages_in(response)), \
        messages_in(response)
    assert not logged("hide").exists()


def test_an_unknown_action_is_a_readable_error(mod_client, case):
    response = act(mod_client, case, action="explode", reason="x")
    assert any("Unknown action." in m for m in messages_in(response))
    case.refresh_from_db()
    assert case.state == Case.State.OPEN


def test_a_direct_action_resolves_the_open_case_on_the_same_post(mod_client, case, reply):
    response = mod_client.post(f"/mod/post/{reply.pk}/act/", {"action": "hide", "reason": "Ads."})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == Case.State.RESOLVED and case.resolution == "Post hidden"
    assert logged("hide").count() == 1


# --- two moderators at once -------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_moderators_resolving_one_case_at_once():
    board = BoardFactory(rules="1. Be kind.")
    topic = make_topic(board=board)
    post = make_post(topic=topic, author=UserFactory(username="offender"), body=SECRET)
    services.report_create(reporter=UserFactory(), kind="post", reason="spam", post=post)
    case = Case.objects.get()
    mods = [UserFactory(username="mod-a", is_global_moderator=True),
            UserFactory(username="mod-b", is_global_moderator=True)]
    done, refused = [], []

    def resolve(mod):
        try:
            done.append((mod.username, services.case_act(case=case, actor=mod, action="hide", reason="Spam")))
        except services.AlreadyResolved as exc:
            refused.append((mod.username, " ".join(exc.messages)))

    errors = run_in_threads(resolve, args=[(mod,) for mod in mods], timeout=30)
    assert not errors, errors
    assert len(done) == 1 and len(refused) == 1, (done, refused)
    winner = done[0][0]
    assert refused[0][1].startswith(f"{winner} already resolved this case")
    assert ModerationAction.objects.filter(action="hide").count() == 1
    case.refresh_from_db()
    assert case.resolved_by.username == winner
    assert User.objects.get(username="offender").upheld_reports == 1


# --- bulk -------------------------------------------------------------------------------------------


def make_cases(board, n, reporter):
    topic = make_topic(board=board, author=UserFactory())
    cases = []
    for i in range(n):
        post = make_post(topic=topic, author=UserFactory(), body=f"Spam {i}")
        services.report_create(reporter=reporter, kind="post", reason="spam", post=post)
        cases.append(Case.objects.get(post=post))
    return cases


def test_bulk_resolves_every_ticked_case(mod_client, board, reporters, board_mod):
    cases = make_cases(board, 3, reporters[1])
    response = mod_client.post("/mod/bulk/", {"cases": [c.pk for c in cases], "action": "hide",
                                              "reason": "Spam wave"}, follow=True)
    assert any("3 cases resolved." in m for m in messages_in(response)), messages_in(response)
    assert Case.objects.filter(pk__in=[c.pk for c in cases], state=Case.State.RESOLVED).count() == 3
    assert logged("hide").count() == 3
    assert Post.objects.filter(body__startswith="Spam ", is_hidden=True).count() == 3


def test_bulk_refuses_cases_outside_the_moderators_boards_with_a_message(mod_client, board, pastry, reporters):
    mine = make_cases(board, 2, reporters[1])
    theirs = make_cases(pastry, 1, reporters[1])[0]
    response = mod_client.post("/mod/bulk/", {"cases": [c.pk for c in mine] + [theirs.pk], "action": "dismiss",
                                              "reason": "Fine"}, follow=True)
    texts = messages_in(response)
    assert any("2 cases resolved." in m for m in texts), texts
    assert any(f"#{theirs.pk}" in m for m in texts), f"no message about case {theirs.pk}: {texts}"
    theirs.refresh_from_db()
    assert theirs.state == Case.State.OPEN
    assert logged("dismiss").count() == 2


def test_bulk_without_a_reason_reports_each_case_and_resolves_none(mod_client, board, reporters):
    cases = make_cases(board, 2, reporters[1])
    response = mod_client.post("/mod/bulk/", {"cases": [c.pk for c in cases], "action": "hide", "reason": ""},
                               follow=True)
    texts = messages_in(response)
    for c in cases:
        assert any(f"#{c.pk}" in m and "Give a reason" in m for m in texts), texts
    assert not Case.objects.filter(state=Case.State.RESOLVED).exists()


def test_bulk_with_nothing_ticked_says_so(mod_client):
    response = mod_client.post("/mod/bulk/", {"action": "dismiss"}, follow=True)
    assert any("Tick the cases to handle first." in m for m in messages_in(response))


# --- the 48-hour reminder ---------------------------------------------------------------------------


def test_stale_cases_lists_open_cases_older_than_the_reminder_hours(settings, board, reporters, board_mod):
    settings.HEARTH = {**settings.HEARTH, "CASE_REMINDER_HOURS": 48}
    old, young, done = make_cases(board, 3, reporters[1])
    age(old, 49)
    age(young, 47)
    age(done, 72)
    services.case_act(case=done, actor=board_mod, action="dismiss")
    assert list(services.stale_cases().values_list("pk", flat=True)) == [old.pk]


def test_stale_cases_remind_the_boards_moderators_then_the_admins(settings, board, reporters, board_mod,
                                                                  admin_user):
    if not hasattr(services, "remind_stale_cases"):
        pytest.fail("no function sends the reminders for stale cases")
    settings.HEARTH = {**settings.HEARTH, "CASE_REMINDER_HOURS": 48}
    (old,) = make_cases(board, 1, reporters[1])
    age(old, 49)
    services.remind_stale_cases()
    assert Notice.objects.filter(recipient=board_mod, url="/mod/").count() == 1
    assert not Notice.objects.filter(recipient=admin_user).exists()
    services.remind_stale_cases()  # the same day again: nobody is told twice
    assert Notice.objects.filter(recipient=board_mod).count() == 1
    # a day later, still open: the admins
    services.remind_stale_cases(now=timezone.now() + timedelta(hours=25))
    assert Notice.objects.filter(recipient=admin_user, url="/mod/").count() == 1
    assert Notice.objects.filter(recipient=board_mod).count() == 1
    services.remind_stale_cases(now=timezone.now() + timedelta(hours=50))
    assert Notice.objects.filter(recipient=admin_user).count() == 1


def test_a_resolved_case_is_never_reminded(settings, board, reporters, board_mod):
    settings.HEARTH = {**settings.HEARTH, "CASE_REMINDER_HOURS": 48}
    (old,) = make_cases(board, 1, reporters[1])
    age(old, 100)
    services.case_act(case=old, actor=board_mod, action="dismiss")
    Notice.objects.all().delete()
    if hasattr(services, "remind_stale_cases"):
        services.remind_stale_cases()
    assert not Notice.objects.exists()


# --- the log is append-only -------------------------------------------------------------------------


def test_log_rows_cannot_be_changed_or_deleted(case, moderator):
    services.case_act(case=case, actor=fresh(moderator), action="dismiss")
    entry = logged("dismiss").get()
    entry.reason = "rewritten"
    with pytest.raises(ValueError, match="append-only"):
        entry.save()
    with pytest.raises(ValueError, match="append-only"):
        entry.delete()
    assert logged("dismiss").get().reason == ""


def test_the_admin_shows_the_log_read_only(client, case, moderator, admin_user):
    services.case_act(case=case, actor=fresh(moderator), action="hide", reason="Spam")
    entry = logged("hide").get()
    login(client, admin_user)
    listing = client.get("/admin/moderation/moderationaction/")
    assert listing.status_code == 200, "the log is not in the Django admin"
    change = client.get(f"/admin/moderation/moderationaction/{entry.pk}/change/")
    assert change.status_code == 200
    content = change.content.decode()
    assert 'name="_save"' not in content and 'name="_continue"' not in content
    assert "/delete/" not in content
    assert client.get(f"/admin/moderation/moderationaction/{entry.pk}/delete/").status_code == 403
    assert client.post(f"/admin/moderation/moderationaction/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    client.post(f"/admin/moderation/moderationaction/{entry.pk}/change/", {"reason": "rewritten"})
    # the changelist's bulk "delete selected" must not be offered either
    bulk = client.post("/admin/moderation/moderationaction/", {"action": "delete_selected",
                                                                "_selected_action": [entry.pk], "post": "yes"})
    assert bulk.status_code in (200, 302, 403)
    entry = ModerationAction.objects.get(pk=entry.pk)
    assert entry.reason == "Spam"
    assert client.get("/admin/moderation/moderationaction/add/").status_code == 403


def test_the_admin_offers_no_way_to_change_cases_or_notes(client, case, moderator, admin_user):
    services.case_add_note(case=case, actor=fresh(moderator), text="Looks like a bot.")
    login(client, admin_user)
    assert client.get(f"/admin/moderation/case/{case.pk}/delete/").status_code == 403
    note = case.notes.get()
    assert client.get(f"/admin/moderation/casenote/{note.pk}/delete/").status_code == 403
    assert Case.objects.filter(pk=case.pk).exists()


def test_services_refuse_actions_outside_the_moderators_boards(case, pastry):
    other = UserFactory(username="pastrymod")
    BoardModerator.objects.create(board=pastry, member=other)
    with pytest.raises(PermissionDenied):
        services.case_act(case=case, actor=fresh(other), action="dismiss")
    with pytest.raises(PermissionDenied):
        services.case_claim(case=case, actor=fresh(other))
    with pytest.raises(PermissionDenied):
        services.case_add_note(case=case, actor=fresh(other), text="x")
    assert not ModerationAction.objects.exclude(action="auto_hide").exists()


def test_validation_errors_leave_nothing_behind(case, moderator):
    with pytest.raises(ValidationError):
        services.case_act(case=case, actor=fresh(moderator), action="suspend", reason="x", days=0)
    assert not ModerationAction.objects.exists()
    case.refresh_from_db()
    assert case.state == Case.State.OPEN
    assert Board.objects.count() >= 1 and Topic.objects.count() >= 1
