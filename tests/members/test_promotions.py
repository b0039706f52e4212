"""Growing board moderators: who is proposed, the approval, decline and automatic paths, appointing and
removing by hand, and moderators who have gone quiet."""
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from boards import permissions, services
from boards.models import BoardModerator, Post
from members.models import PromotionProposal, RankChange, User
from notices.models import Notice
from standing.promotions import (
    appoint_moderator,
    approve_proposal,
    decline_proposal,
    inactive_moderators,
    propose_moderators,
    remove_moderator,
)
from tests.factories import BoardFactory, UserFactory, fresh, make_topic, rank_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def board_a(db):
    return BoardFactory(name="Sourdough", slug="sourdough")


@pytest.fixture
def board_b(db):
    return BoardFactory(name="Pastry", slug="pastry")


def write_posts(member: User, board, n: int) -> None:
    """n replies by `member` in a topic someone else started in `board`."""
    if not n:
        return
    topic = make_topic(board=board, author=UserFactory(), title=f"A topic in {board.name}")
    for i in range(n):
        services.post_create(topic=topic, author=member, body=f"Reply {i} by {member.username} in {board.slug}")


def top_member(username="carer", *, account_days=61, **kwargs) -> User:
    member = UserFactory(username=username, rank=rank_at(4), **kwargs)
    User.objects.filter(pk=member.pk).update(date_joined=timezone.now() - timedelta(days=account_days))
    member.refresh_from_db()
    return member


@pytest.fixture
def carer(board_a, board_b):
    """A top-rank member with three of their four recent posts in board A."""
    member = top_member()
    write_posts(member, board_a, 3)
    write_posts(member, board_b, 1)
    return member




# --- who is proposed ---------------------------------------------------------------------------------------------


def test_a_top_rank_member_is_proposed_for_the_board_they_care_for(carer, board_a):
    made = propose_moderators(now=timezone.now())

    assert len(made) == 1
    proposal = PromotionProposal.objects.get()
    assert (proposal.member, proposal.board, proposal.status) == (carer, board_a, PromotionProposal.Status.PENDING)
    assert proposal.numbers["posts_in_board"] == 3 and proposal.numbers["posts_everywhere"] == 4
    assert proposal.numbers["share"] == 0.75
    assert proposal.numbers["account_days"] >= 60
    assert not BoardModerator.objects.exists()  # nothing changes until an admin approves
    change = RankChange.objects.get(member=carer)
    assert change.kind == RankChange.Kind.MODERATOR_PROPOSED and change.board == board_a
    notice = Notice.objects.get(recipient=carer)
    assert "proposed" in notice.title and board_a.name in notice.title


@pytest.mark.parametrize(("in_a", "in_b", "in_c", "proposed"), [
    (1, 1, 0, True),    # exactly half: enough (MODERATOR_MIN_BOARD_SHARE is 0.5)
    (2, 1, 1, True),    # half again
    (1, 1, 1, False),   # a third: no board they care for most
    (2, 2, 1, False),   # 40%
])
def test_most_recent_posts_must_be_in_one_board(in_a, in_b, in_c, proposed, board_a, board_b):
    member = top_member()
    board_c = BoardFactory()
    write_posts(member, board_a, in_a)
    write_posts(member, board_b, in_b)
    write_posts(member, board_c, in_c)

    made = propose_moderators(now=timezone.now())

    assert len(made) == (1 if proposed else 0)
    if proposed:
        assert made[0].board == board_a


def test_posts_outside_the_window_do_not_count(board_a, board_b):
    member = top_member()
    write_posts(member, board_a, 3)
    write_posts(member, board_b, 2)
    Post.objects.filter(author=member, topic__board=board_a).update(created_at=timezone.now() - timedelta(days=200))

    made = propose_moderators(now=timezone.now())

    assert [(p.member, p.board) for p in made] == [(member, board_b)]


def test_only_the_top_rank_is_proposed(board_a):
    member = UserFactory(username="veteran", rank=rank_at(3))
    User.objects.filter(pk=member.pk).update(date_joined=timezone.now() - timedelta(days=400))
    write_posts(member, board_a, 5)

    assert propose_moderators(now=timezone.now()) == []


@pytest.mark.parametrize(("account_days", "proposed"), [(59, False), (61, True)])
def test_the_account_must_be_old_enough(account_days, proposed, board_a):
    member = top_member(account_days=account_days)
    write_posts(member, board_a, 2)

    assert len(propose_moderators(now=timezone.now())) == (1 if proposed else 0)


@pytest.mark.parametrize(("record", "proposed"), [
    ({}, True),
    ({"upheld_reports": 1, "last_upheld_report_at": 30}, False),
    ({"upheld_reports": 1, "last_upheld_report_at": 200}, True),
    ({"last_suspended_at": 30}, False),
    ({"last_suspended_at": 200}, True),
    ({"suspended_until": -3}, False),  # suspended right now
    ({"is_active": False}, False),
])
def test_a_clean_record_for_six_months(record, proposed, board_a):
    now = timezone.now()
    values = {key: (now - timedelta(days=value) if key.endswith("_at") or key == "suspended_until" else value)
              for key, value in record.items()}
    member = top_member()
    write_posts(member, board_a, 2)
    User.objects.filter(pk=member.pk).update(**values)

    assert len(propose_moderators(now=now)) == (1 if proposed else 0)


def test_not_proposed_for_a_board_they_already_moderate(carer, board_a, board_b):
    BoardModerator.objects.create(board=board_a, member=carer)
    assert propose_moderators(now=timezone.now()) == []

    BoardModerator.objects.filter(board=board_a).delete()
    BoardModerator.objects.create(board=board_b, member=carer)
    assert [p.board for p in propose_moderators(now=timezone.now())] == [board_a]


def test_not_proposed_twice(carer):
    assert len(propose_moderators(now=timezone.now())) == 1
    assert propose_moderators(now=timezone.now()) == []
    assert PromotionProposal.objects.count() == 1
    assert Notice.objects.filter(recipient=carer).count() == 1


def test_not_proposed_again_within_the_cooldown_after_a_decline(carer, admin_user, settings):
    settings.HEARTH = {**settings.HEARTH, "PROPOSAL_COOLDOWN_DAYS": 30}
    proposal = propose_moderators(now=timezone.now())[0]
    decline_proposal(proposal=proposal, actor=admin_user, reason="Not yet.")
    now = timezone.now()

    assert propose_moderators(now=now) == []
    assert propose_moderators(now=now + timedelta(days=29)) == []
    again = propose_moderators(now=now + timedelta(days=31))

    assert len(again) == 1 and again[0].pk != proposal.pk
    assert PromotionProposal.objects.filter(status=PromotionProposal.Status.PENDING).count() == 1


# --- deciding ----------------------------------------------------------------------------------------------------


def test_an_admin_approves_and_the_member_moderates_that_board_only(carer, board_a, board_b, admin_user):
    proposal = propose_moderators(now=timezone.now())[0]

    approve_proposal(proposal=proposal, actor=admin_user)

    proposal.refresh_from_db()
    assert proposal.status == PromotionProposal.Status.APPROVED
    assert proposal.decided_by == admin_user and proposal.decided_at is not None and not proposal.is_automatic
    appointment = BoardModerator.objects.get()
    assert (appointment.board, appointment.member, appointment.granted_by) == (board_a, carer, admin_user)
    assert appointment.is_automatic is False
    granted = RankChange.objects.get(member=carer, kind=RankChange.Kind.MODERATOR_GRANTED)
    assert granted.board == board_a and granted.actor == admin_user
    assert Notice.objects.filter(recipient=carer, title__contains="You are now a moderator of Sourdough").exists()
    member = fresh(carer)
    assert member.is_board_moderator
    assert permissions.can_moderate(member, board_a)
    assert not permissions.can_moderate(member, board_b)


def test_approving_twice_is_refused_and_appoints_once(carer, admin_user):
    proposal = propose_moderators(now=timezone.now())[0]
    approve_proposal(proposal=proposal, actor=admin_user)

    with pytest.raises(ValidationError, match="already decided"):
        approve_proposal(proposal=proposal, actor=admin_user)

    assert BoardModerator.objects.count() == 1
    assert RankChange.objects.filter(kind=RankChange.Kind.MODERATOR_GRANTED).count() == 1


def test_only_admins_decide(carer, board_a, moderator):
    proposal = propose_moderators(now=timezone.now())[0]
    board_mod = UserFactory(username="boardmod")
    BoardModerator.objects.create(board=board_a, member=board_mod)

    for actor in (fresh(board_mod), moderator, UserFactory(username="plain")):
        with pytest.raises(PermissionDenied):
            approve_proposal(proposal=proposal, actor=actor)
        with pytest.raises(PermissionDenied):
            decline_proposal(proposal=proposal, actor=actor, reason="no")

    proposal.refresh_from_db()
    assert proposal.status == PromotionProposal.Status.PENDING
    assert not BoardModerator.objects.filter(member=carer).exists()


def test_a_decline_is_recorded_and_told(carer, board_a, admin_user):
    proposal = propose_moderators(now=timezone.now())[0]

    decline_proposal(proposal=proposal, actor=admin_user, reason="Give it another season.")

    proposal.refresh_from_db()
    assert proposal.status == PromotionProposal.Status.DECLINED and proposal.decided_by == admin_user
    change = RankChange.objects.get(member=carer, kind=RankChange.Kind.MODERATOR_DECLINED)
    assert change.reason == "Give it another season." and change.board == board_a and change.actor == admin_user
    notice = Notice.objects.filter(recipient=carer).order_by("-id").first()
    assert board_a.name in notice.title and notice.body == "Give it another season."
    assert not BoardModerator.objects.exists()
    with pytest.raises(ValidationError):
        approve_proposal(proposal=proposal, actor=admin_user)


def test_a_member_banned_since_the_proposal_is_not_appointed(carer, admin_user):
    proposal = propose_moderators(now=timezone.now())[0]
    User.objects.filter(pk=carer.pk).update(is_active=False)

    with pytest.raises(ValidationError, match="banned"):
        approve_proposal(proposal=proposal, actor=admin_user)

    assert not BoardModerator.objects.exists()


def test_automatic_promotion_appoints_at_once(carer, board_a, settings):
    settings.HEARTH = {**settings.HEARTH, "AUTO_PROMOTE": True}

    made = propose_moderators(now=timezone.now())

    assert len(made) == 1
    appointment = BoardModerator.objects.get()
    assert (appointment.member, appointment.board) == (carer, board_a)
    assert appointment.is_automatic is True and appointment.granted_by is None
    proposal = PromotionProposal.objects.get()
    assert proposal.status == PromotionProposal.Status.APPROVED and proposal.is_automatic
    titles = list(Notice.objects.filter(recipient=carer).values_list("title", flat=True))
    assert titles == ["You are now a moderator of Sourdough"]
    assert permissions.can_moderate(fresh(carer), board_a)


# --- appointing and removing by hand ----------------------------------------------------------------------------


def test_an_admin_appoints_with_a_reason(board_a, admin_user):
    member = UserFactory(username="helper")

    appoint_moderator(member=member, board=board_a, actor=admin_user, reason="Knows starters inside out.")

    appointment = BoardModerator.objects.get()
    assert appointment.granted_by == admin_user and appointment.reason == "Knows starters inside out."
    assert not appointment.is_automatic
    change = RankChange.objects.get(member=member)
    assert change.kind == RankChange.Kind.MODERATOR_GRANTED and change.reason == "Knows starters inside out."
    assert Notice.objects.filter(recipient=member).count() == 1
    assert permissions.can_moderate(fresh(member), board_a)


def test_appointing_needs_a_reason(board_a, admin_user):
    member = UserFactory(username="helper")

    with pytest.raises(ValidationError) as caught:
        appoint_moderator(member=member, board=board_a, actor=admin_user, reason="   ")

    assert "reason" in caught.value.message_dict
    assert not BoardModerator.objects.exists()


@pytest.mark.parametrize(("values", "message"), [
    ({"is_active": False}, "banned"),
    ({"suspended_until": 3}, "suspended"),
])
def test_a_banned_or_suspended_member_is_not_appointed(values, message, board_a, admin_user):
    values = {k: (timezone.now() + timedelta(days=v) if k == "suspended_until" else v) for k, v in values.items()}
    member = UserFactory(username="trouble", **values)

    with pytest.raises(ValidationError, match=message):
        appoint_moderator(member=member, board=board_a, actor=admin_user, reason="Why not.")

    assert not BoardModerator.objects.exists()
    assert not User.objects.get(pk=member.pk).is_board_moderator


def test_only_admins_appoint_and_remove(board_a, moderator):
    member = UserFactory(username="helper")
    with pytest.raises(PermissionDenied):
        appoint_moderator(member=member, board=board_a, actor=moderator, reason="Because.")
    BoardModerator.objects.create(board=board_a, member=member)
    with pytest.raises(PermissionDenied):
        remove_moderator(member=member, board=board_a, actor=moderator, reason="Because.")
    assert BoardModerator.objects.filter(member=member).count() == 1


def test_an_admin_removes_with_a_reason(board_a, board_b, admin_user):
    member = UserFactory(username="helper")
    appoint_moderator(member=member, board=board_a, actor=admin_user, reason="Helpful.")
    appoint_moderator(member=member, board=board_b, actor=admin_user, reason="Helpful here too.")

    remove_moderator(member=member, board=board_a, actor=admin_user, reason="Stepped back.")

    member = fresh(member)
    assert not permissions.can_moderate(member, board_a)
    assert permissions.can_moderate(member, board_b)
    assert member.is_board_moderator  # still moderates board B
    change = RankChange.objects.get(member=member, kind=RankChange.Kind.MODERATOR_REMOVED)
    assert change.reason == "Stepped back." and change.board == board_a and change.actor == admin_user
    assert Notice.objects.filter(recipient=member, body="Stepped back.").exists()

    remove_moderator(member=member, board=board_b, actor=admin_user, reason="Stepped back entirely.")
    assert not fresh(member).is_board_moderator


def test_removing_someone_who_does_not_moderate_is_refused(board_a, board_b, admin_user):
    member = UserFactory(username="helper")
    BoardModerator.objects.create(board=board_b, member=member)

    with pytest.raises(ValidationError, match="does not moderate"):
        remove_moderator(member=member, board=board_a, actor=admin_user, reason="Cleaning up.")
    with pytest.raises(ValidationError) as caught:
        remove_moderator(member=member, board=board_b, actor=admin_user, reason="")
    assert "reason" in caught.value.message_dict

    assert not RankChange.objects.exists()
    assert BoardModerator.objects.filter(member=member, board=board_b).exists()


# --- quiet moderators -------------------------------------------------------------------------------------------


def test_moderators_who_have_not_posted_in_their_board_are_listed(board_a, board_b, settings):
    settings.HEARTH = {**settings.HEARTH, "INACTIVE_MODERATOR_DAYS": 60}
    now = timezone.now()

    def appointed(username, board, *, days_ago=100):
        member = UserFactory(username=username)
        BoardModerator.objects.create(board=board, member=member)
        BoardModerator.objects.filter(member=member).update(granted_at=now - timedelta(days=days_ago))
        return member

    quiet = appointed("quiet", board_a)
    write_posts(quiet, board_a, 1)
    Post.objects.filter(author=quiet).update(created_at=now - timedelta(days=70))
    busy = appointed("busy", board_a)
    write_posts(busy, board_a, 1)
    Post.objects.filter(author=busy).update(created_at=now - timedelta(days=10))
    elsewhere = appointed("elsewhere", board_a)  # active, but in another board
    write_posts(elsewhere, board_b, 2)
    appointed("silent", board_b)  # never posted in their board
    appointed("newmod", board_b, days_ago=5)  # just appointed: not yet expected to have posted

    rows = inactive_moderators(now=now)

    assert {(row.member.username, row.board.slug) for row in rows} == {
        ("quiet", "sourdough"), ("elsewhere", "sourdough"), ("silent", "pastry")}
    by_name = {row.member.username: row for row in rows}
    assert by_name["silent"].last_post_at is None
    assert by_name["quiet"].last_post_at < now - timedelta(days=60)
