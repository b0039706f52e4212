"""The Django admin for ranks and moderators: pages load, and changes go through the same services."""
import pytest

from boards.models import BoardModerator
from members.models import PromotionProposal, RankChange
from moderation.models import ModerationAction
from notices.models import Notice
from tests.factories import BoardFactory, UserFactory, rank_at

pytestmark = pytest.mark.django_db




@pytest.mark.parametrize("url", [
    "/admin/members/rank/", "RANK", "/admin/members/rankchange/",
    "/admin/members/promotionproposal/", "/admin/boards/boardmoderator/", "/admin/boards/boardmoderator/add/",
    "/admin/moderation/moderationaction/", "/admin/moderation/case/", "/admin/members/user/",
])
def test_admin_pages_load(admin_client, url):
    if url == "RANK":  # a rank's change page; ids differ once transaction tests have reinstalled the ladder
        url = f"/admin/members/rank/{rank_at(0).pk}/change/"
    assert admin_client.get(url).status_code == 200


def test_appointing_in_the_admin_is_recorded_logged_and_told(admin_client, admin_user):
    board, member = BoardFactory(), UserFactory(username="carer")
    response = admin_client.post("/admin/boards/boardmoderator/add/",
                                 {"board": board.pk, "member": member.pk, "reason": "Knows the board."})
    assert response.status_code == 302
    appointment = BoardModerator.objects.get(board=board, member=member)
    assert appointment.granted_by == admin_user
    assert RankChange.objects.filter(member=member, kind="granted", board=board).exists()
    assert ModerationAction.objects.filter(action="appoint", member=member, actor=admin_user).exists()
    assert Notice.objects.filter(recipient=member, title__contains=board.name).exists()


def test_the_admin_refuses_to_appoint_a_banned_member_with_a_message(admin_client):
    board, member = BoardFactory(), UserFactory(username="trouble", is_banned=True)
    response = admin_client.post("/admin/boards/boardmoderator/add/",
                                 {"board": board.pk, "member": member.pk, "reason": "Why not."})
    assert response.status_code == 200
    assert "banned" in response.content.decode()
    assert not BoardModerator.objects.exists()


def test_the_admin_needs_a_reason(admin_client):
    board, member = BoardFactory(), UserFactory(username="carer")
    response = admin_client.post("/admin/boards/boardmoderator/add/",
                                 {"board": board.pk, "member": member.pk, "reason": ""})
    assert response.status_code == 200 and not BoardModerator.objects.exists()


def test_removing_in_the_admin_is_recorded_and_logged(admin_client, admin_user):
    board, member = BoardFactory(), UserFactory(username="carer")
    admin_client.post("/admin/boards/boardmoderator/add/", {"board": board.pk, "member": member.pk, "reason": "x"})
    appointment = BoardModerator.objects.get()
    response = admin_client.post(f"/admin/boards/boardmoderator/{appointment.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not BoardModerator.objects.exists()
    assert ModerationAction.objects.filter(action="remove_moderator", member=member).exists()
    member.refresh_from_db()
    assert not member.is_board_moderator


def test_a_proposal_can_be_approved_from_the_admin(admin_client, admin_user):
    board, member = BoardFactory(), UserFactory(username="carer")
    proposal = PromotionProposal.objects.create(member=member, board=board)
    response = admin_client.post("/admin/members/promotionproposal/",
                                 {"action": "approve", "_selected_action": [proposal.pk]})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == "approved" and BoardModerator.objects.filter(member=member, board=board).exists()
