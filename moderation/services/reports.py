"""Reporting: reports gather into one open case per target; trusted reports can hide a post at once; a
held post waits in the same queue as a case."""
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from boards import services as board_services
from boards.models import Post, Topic
from boards.permissions import BOARD_MODERATOR, role_level
from members.models import SignupRecord, User
from members.permissions import check_can_write
from members.ranks import effective_rank
from moderation.models import Case, ModerationAction, Reason, Report
from moderation.services.log import log

logger = logging.getLogger(__name__)


def case_target(kind: str, *, post=None, topic=None, member=None) -> dict:
    if kind == Case.Kind.POST:
        return {"post": post, "topic": post.topic, "member": post.author, "board": post.topic.board}
    if kind == Case.Kind.TOPIC:
        return {"post": None, "topic": topic, "member": topic.author, "board": topic.board}
    return {"post": None, "topic": None, "member": member, "board": None}


def signup_case_open(*, member: User, held_terms: str = "") -> Case:
    """A new account waits to be let in (registration by approval): a case of its own kind, with no board,
    so global moderators and admins decide. One open case per account."""
    case = Case.objects.filter(member=member, kind=Case.Kind.SIGNUP).exclude(state=Case.State.RESOLVED).first()
    if case is None:
        case = Case.objects.create(kind=Case.Kind.SIGNUP, member=member, board=None, is_approval=True,
                                   held_because=held_terms[:300])
    logger.info("signup waits for approval", extra={"case_id": case.pk, "user_id": member.pk})
    return case


def open_case_for(kind: str, target: dict, *, is_approval: bool = False) -> Case:
    lookup = {"post": target["post"]} if kind == Case.Kind.POST else (
        {"topic": target["topic"], "post__isnull": True} if kind == Case.Kind.TOPIC
        else {"member": target["member"], "kind": Case.Kind.MEMBER})
    case = Case.objects.select_for_update(of=("self",)).filter(**lookup).exclude(state=Case.State.RESOLVED).first()
    if case is not None:
        return case
    try:
        with transaction.atomic():
            return Case.objects.create(kind=kind, is_approval=is_approval, **target)
    except IntegrityError:  # opened by a concurrent report
        return Case.objects.select_for_update(of=("self",)).filter(**lookup).exclude(
            state=Case.State.RESOLVED).get()


@transaction.atomic
def report_create(*, reporter: User, kind: str, reason: str, note: str = "", post: Post | None = None,
                  topic: Topic | None = None, member: User | None = None) -> Report:
    check_can_write(reporter)
    if reason not in Reason.values or reason in (Reason.APPROVAL, Reason.SIGNUP):
        raise ValidationError({"reason": _("Pick a reason.")})
    note = (note or "").strip()
    if reason == Reason.OTHER and not note:
        raise ValidationError({"note": _("Say what is wrong when the reason is “Other”.")})
    if len(note) > 1000:
        raise ValidationError({"note": _("Keep the note under 1000 characters.")})
    target = case_target(kind, post=post, topic=topic, member=member)
    if target["member"].pk == reporter.pk:
        raise ValidationError(_("You can't report yourself or your own posts."))
    case = open_case_for(kind, target)
    rank = effective_rank(reporter)
    weight = rank.report_weight if rank else 1
    counted = _counts(case, reporter)
    try:
        with transaction.atomic():
            report = Report.objects.create(case=case, reporter=reporter, reason=reason, note=note, weight=weight,
                                           reporter_rank_order=rank.order if rank else 0, counted=counted)
    except IntegrityError:
        raise ValidationError(_("You have reported this already; the moderators have it.")) from None
    if counted:
        Case.objects.filter(pk=case.pk).update(report_count=F("report_count") + 1, weight=F("weight") + weight)
    case.refresh_from_db()
    if kind == Case.Kind.POST:
        _maybe_auto_hide(case)
    logger.info("report filed", extra={"case_id": case.pk, "by": reporter.pk})
    return report


def _counts(case: Case, reporter: User) -> bool:
    """Accounts that signed up from one address count once on a case: the first report from the author's
    address, or from an address an earlier counted reporter signed up from, is the only one that does."""
    address = SignupRecord.objects.filter(member=reporter, ip__isnull=False).values_list("ip", flat=True).first()
    if address is None:
        return True
    return not SignupRecord.objects.filter(ip=address).filter(
        member__reports_filed__case=case, member__reports_filed__counted=True).exists()


def _maybe_auto_hide(case: Case) -> None:
    """Several reports from members of a trusted rank hide a post at once, pending review. Never a staff
    member's post; and once a moderator has cleared a post, the members who reported it before do not
    count again."""
    hearth = settings.HEARTH
    post = Post.objects.select_for_update(of=("self",)).select_related("author", "topic__board").get(pk=case.post_id)
    if post.is_hidden or role_level(post.author, post.topic.board) >= BOARD_MODERATOR:
        return
    earlier = Report.objects.filter(case__post=post, case__state=Case.State.RESOLVED).values("reporter_id")
    trusted = (case.reports.filter(counted=True, reporter_rank_order__gte=hearth["AUTO_HIDE_MIN_RANK_ORDER"])
               .exclude(reporter_id__in=earlier).count())
    if trusted >= hearth["AUTO_HIDE_REPORTS"]:
        reason = _("Hidden pending review after several reports.")
        post = board_services.post_hide(post=post, actor=None, reason=reason)
        log(actor=None, action=ModerationAction.Action.AUTO_HIDE, reason=reason, case=case, post=post,
            topic=post.topic, board=case.board)


def hold_for_approval(post: Post, reason: str = "") -> Case:
    """A held post (a newcomer's, or one the word filter held: `reason` names the terms) waits in the queue
    as a case (an open case about it, from reports, becomes its approval case)."""
    case = open_case_for(Case.Kind.POST, case_target(Case.Kind.POST, post=post), is_approval=True)
    changes = {}
    if not case.is_approval:
        changes["is_approval"] = case.is_approval = True
    if reason and reason != case.held_because:
        changes["held_because"] = case.held_because = reason[:300]
    if changes:
        Case.objects.filter(pk=case.pk).update(**changes)
    return case
