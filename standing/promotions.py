"""Growing active members into board moderators: proposals, decisions, and appointments by hand.

Every step is recorded in the member's rank history and told to the member."""
import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from boards import services as board_services
from boards.models import Board, BoardModerator, Post
from members.models import PromotionProposal, RankChange, User
from members.permissions import check_admin
from moderation.services import log
from notices.services import notice_create

logger = logging.getLogger(__name__)

SIX_MONTHS = timedelta(days=182)


def _check_admin(user) -> None:
    check_admin(user, _("Only admins can appoint or remove moderators."))


def promotable_refusal(member: User, now: datetime | None = None) -> str | None:
    now = now or timezone.now()
    if not member.is_active or member.is_banned:
        return _("This account is banned or disabled.")
    if member.suspended_until and member.suspended_until > now:
        return _("This member is suspended.")
    return None


def _moderator_url(board) -> str:
    return board.get_absolute_url()


def propose_moderators(*, now: datetime | None = None) -> list[PromotionProposal]:
    """The nightly job: top-rank members with most of their recent activity in one board, a clean record
    and an account old enough, become proposals (or moderators at once, with AUTO_PROMOTE)."""
    now = now or timezone.now()
    hearth = settings.HEARTH
    candidates = {u.pk: u for u in User.objects.filter(
        is_active=True, is_banned=False, rank__grants_moderation=True,
        date_joined__lte=now - timedelta(days=hearth["MODERATOR_MIN_ACCOUNT_DAYS"]),
        accurate_reports__gte=hearth["MODERATOR_MIN_ACCURATE_REPORTS"],
    ).filter(Q(last_upheld_report_at__isnull=True) | Q(last_upheld_report_at__lt=now - SIX_MONTHS))
        .filter(Q(last_suspended_at__isnull=True) | Q(last_suspended_at__lt=now - SIX_MONTHS))
        .filter(Q(suspended_until__isnull=True) | Q(suspended_until__lt=now))
        .select_related("rank")}
    if not candidates:
        return []
    window = timedelta(days=max(u.rank.window_days for u in candidates.values()) or 100)
    per_board: dict[int, dict[int, int]] = {}
    for author_id, board_id, n in (Post.objects.filter(author_id__in=candidates, created_at__gte=now - window,
                                                       is_hidden=False)
                                   .values_list("author_id", "topic__board_id").annotate(n=Count("id"))):
        per_board.setdefault(author_id, {})[board_id] = n
    existing = set(BoardModerator.objects.filter(member_id__in=candidates).values_list("member_id", "board_id"))
    cooldown = now - timedelta(days=hearth["PROPOSAL_COOLDOWN_DAYS"])
    blocked = set(PromotionProposal.objects.filter(member_id__in=candidates).filter(
        Q(status=PromotionProposal.Status.PENDING) | Q(decided_at__gte=cooldown)).values_list("member_id", "board_id"))

    boards = {b.pk: b for b in Board.objects.filter(is_archived=False)}
    made = []
    for member_id, counts in per_board.items():
        total = sum(counts.values())
        board_id, n = max(counts.items(), key=lambda item: (item[1], -item[0]))
        if board_id not in boards or total == 0 or n / total < hearth["MODERATOR_MIN_BOARD_SHARE"]:
            continue
        if (member_id, board_id) in existing or (member_id, board_id) in blocked:
            continue
        member = candidates[member_id]
        numbers = {"posts_in_board": n, "posts_everywhere": total, "share": round(n / total, 2),
                   "window_days": window.days, "rank": member.rank.name, "accurate_reports": member.accurate_reports,
                   "account_days": (now - member.date_joined).days, "days_visited": member.days_visited,
                   "likes_received": member.likes_received}
        proposal = _propose(member=member, board=boards[board_id], numbers=numbers)
        if proposal is None:
            continue
        made.append(proposal)
        if hearth["AUTO_PROMOTE"]:
            approve_proposal(proposal=proposal, actor=None)
    return made


@transaction.atomic
def _propose(*, member: User, board, numbers: dict) -> PromotionProposal | None:
    try:
        with transaction.atomic():
            proposal = PromotionProposal.objects.create(member=member, board=board, numbers=numbers)
    except IntegrityError:  # a pending proposal exists already (a concurrent run)
        return None
    RankChange.objects.create(member=member, kind=RankChange.Kind.MODERATOR_PROPOSED, board=board,
                              to_rank=member.rank, reason=_("Most of their recent activity is in this board."))
    if not settings.HEARTH["AUTO_PROMOTE"]:
        notice_create(recipient=member, verb="moderator_proposed", params={"board": board.name},
                      url=board.get_absolute_url(), email=True)
    return proposal


@transaction.atomic
def approve_proposal(*, proposal: PromotionProposal, actor: User | None) -> PromotionProposal:
    """One click: the member moderates the board. Twice or concurrently: still one appointment."""
    if actor is not None:
        _check_admin(actor)
    proposal = PromotionProposal.objects.select_for_update().select_related("member", "board").get(pk=proposal.pk)
    if proposal.status != PromotionProposal.Status.PENDING:
        raise ValidationError(_("This proposal was already decided."))
    refusal = promotable_refusal(proposal.member)
    if refusal:
        raise ValidationError(refusal)
    proposal.status = PromotionProposal.Status.APPROVED
    proposal.decided_by = actor
    proposal.decided_at = timezone.now()
    proposal.is_automatic = actor is None
    proposal.save(update_fields=["status", "decided_by", "decided_at", "is_automatic"])
    _appoint(member=proposal.member, board=proposal.board, actor=actor, is_automatic=actor is None,
             reason=_("Proposed for their activity in this board."))
    return proposal


@transaction.atomic
def decline_proposal(*, proposal: PromotionProposal, actor: User, reason: str = "") -> PromotionProposal:
    _check_admin(actor)
    proposal = PromotionProposal.objects.select_for_update().select_related("member", "board").get(pk=proposal.pk)
    if proposal.status != PromotionProposal.Status.PENDING:
        raise ValidationError(_("This proposal was already decided."))
    proposal.status = PromotionProposal.Status.DECLINED
    proposal.decided_by = actor
    proposal.decided_at = timezone.now()
    proposal.save(update_fields=["status", "decided_by", "decided_at"])
    RankChange.objects.create(member=proposal.member, kind=RankChange.Kind.MODERATOR_DECLINED,
                              board=proposal.board, actor=actor, reason=reason[:300])
    notice_create(recipient=proposal.member, verb="proposal_declined",
                  params={"board": proposal.board.name, "reason": reason},
                  url=proposal.board.get_absolute_url(), email=True)
    return proposal


def _appoint(*, member: User, board, actor: User | None, is_automatic: bool, reason: str):
    appointment, created = board_services.board_moderator_add(board=board, member=member, granted_by=actor,
                                                              reason=reason, is_automatic=is_automatic)
    if not created:
        return appointment
    RankChange.objects.create(member=member, kind=RankChange.Kind.MODERATOR_GRANTED, board=board, actor=actor,
                              reason=reason[:300])
    PromotionProposal.objects.filter(member=member, board=board, status=PromotionProposal.Status.PENDING).update(
        status=PromotionProposal.Status.APPROVED, decided_by=actor, decided_at=timezone.now())
    log(actor=actor, action="appoint", board=board, member=member, reason=reason)
    notice_create(recipient=member, verb="moderator_appointed", params={"board": board.name},
                  url=board.get_absolute_url(), email=True)
    logger.info("moderator appointed", extra={"member": member.pk, "board": board.pk})
    return appointment


@transaction.atomic
def appoint_moderator(*, member: User, board, actor: User, reason: str):
    _check_admin(actor)
    member = User.objects.select_for_update().get(pk=member.pk)
    refusal = promotable_refusal(member)
    if refusal:
        raise ValidationError(refusal)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why, for the member's history.")})
    return _appoint(member=member, board=board, actor=actor, is_automatic=False, reason=reason)


@transaction.atomic
def remove_moderator(*, member: User, board, actor: User, reason: str) -> bool:
    _check_admin(actor)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why, for the member's history.")})
    if not board_services.board_moderator_remove(board=board, member=member):
        raise ValidationError(_("%(member)s does not moderate %(board)s.") % {"member": member.username,
                                                                          "board": board.name})
    RankChange.objects.create(member=member, kind=RankChange.Kind.MODERATOR_REMOVED, board=board, actor=actor,
                              reason=reason[:300])
    log(actor=actor, action="remove_moderator", board=board, member=member, reason=reason)
    notice_create(recipient=member, verb="moderator_removed", params={"board": board.name, "reason": reason},
                  url=board.get_absolute_url(), email=True)
    return True


def inactive_moderators(*, now: datetime | None = None) -> list:
    """Board moderators who have not posted in their board for INACTIVE_MODERATOR_DAYS."""
    now = now or timezone.now()
    limit = now - timedelta(days=settings.HEARTH["INACTIVE_MODERATOR_DAYS"])
    last_post = (Post.objects.filter(author_id=OuterRef("member_id"), topic__board_id=OuterRef("board_id"))
                 .order_by().values("author_id").annotate(last=Max("created_at")).values("last"))
    rows = (BoardModerator.objects.select_related("member", "board")
            .annotate(last_post_at=Subquery(last_post))
            .filter(Q(last_post_at__isnull=True) | Q(last_post_at__lt=limit), granted_at__lt=limit)
            .order_by("board__position", "member__username"))
    return list(rows)
