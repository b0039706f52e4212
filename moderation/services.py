"""Reporting and moderating. Every action is one transaction that also writes its ModerationAction row,
so nothing bypasses the log; a case is locked while it is acted on, so two moderators cannot both
resolve it."""
import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from boards import permissions as board_permissions
from boards.models import Board, Post, Topic
from members.models import User
from members.services import notice_create
from moderation import permissions
from moderation.models import Case, CaseNote, ModerationAction, Reason, Report

logger = logging.getLogger(__name__)

Action = ModerationAction.Action
UPHOLDING = {"hide", "delete", "warn", "suspend", "ban", "reject", "hide_topic"}
TOPIC_ACTIONS = {"lock", "unlock", "pin", "unpin", "hide_topic", "unhide_topic", "move"}
POST_ACTIONS = {"hide", "unhide", "delete", "restore", "approve", "reject"}
MEMBER_ACTIONS = {"warn", "suspend", "ban", "unban"}
ALL_ACTIONS = {"dismiss"} | TOPIC_ACTIONS | POST_ACTIONS | MEMBER_ACTIONS


class AlreadyResolved(ValidationError):
    def __init__(self, case: Case):
        # loaded here, not joined to the locked row: after waiting on the lock PostgreSQL re-reads the
        # case but not rows joined to it, which would still say nobody resolved it
        resolver = User.objects.filter(pk=case.resolved_by_id).first() if case.resolved_by_id else None
        who = resolver.username if resolver else _("the system")
        super().__init__(_("%(who)s already resolved this case: %(outcome)s") % {
            "who": who, "outcome": case.resolution or case.get_state_display()})


def log(*, actor, action: str, reason: str = "", rule: str = "", board=None, case=None, post=None, topic=None,
        member=None, before: str = "", after: str = "") -> ModerationAction:
    return ModerationAction.objects.create(
        actor=actor, action=action, reason=reason[:500], rule=rule[:300], board=board, case=case, post=post,
        topic=topic, member=member, before=before, after=after)


def _check_rule(rule: str, board: Board | None) -> None:
    if rule and rule not in board_rules(board):
        raise ValidationError({"rule": _("Pick one of the board's published rules.")})


def board_rules(board: Board | None) -> list[str]:
    """The board's published rules, one per line, for citing in a decision."""
    if board is None or not board.rules:
        return []
    return [line.strip() for line in board.rules.splitlines() if line.strip()]


# ---------------------------------------------------------------- reporting

def _target(kind: str, *, post=None, topic=None, member=None):
    if kind == Case.Kind.POST:
        return {"post": post, "topic": post.topic, "member": post.author, "board": post.topic.board}
    if kind == Case.Kind.TOPIC:
        return {"post": None, "topic": topic, "member": topic.author, "board": topic.board}
    return {"post": None, "topic": None, "member": member, "board": None}


def _open_case_for(kind: str, target: dict, *, is_approval: bool = False) -> Case:
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
    refusal = board_permissions.write_refusal(reporter)
    if refusal:
        raise PermissionDenied(refusal)
    if reason not in Reason.values or reason == Reason.APPROVAL:
        raise ValidationError({"reason": _("Pick a reason.")})
    note = (note or "").strip()
    if reason == Reason.OTHER and not note:
        raise ValidationError({"note": _("Say what is wrong when the reason is “Other”.")})
    if len(note) > 1000:
        raise ValidationError({"note": _("Keep the note under 1000 characters.")})
    target = _target(kind, post=post, topic=topic, member=member)
    if target["member"].pk == reporter.pk:
        raise ValidationError(_("You can't report yourself or your own posts."))
    case = _open_case_for(kind, target)
    from members.ranks import effective_rank

    rank = effective_rank(reporter)
    weight = rank.report_weight if rank else 1
    try:
        with transaction.atomic():
            report = Report.objects.create(case=case, reporter=reporter, reason=reason, note=note, weight=weight,
                                           reporter_rank_order=rank.order if rank else 0)
    except IntegrityError:
        raise ValidationError(_("You have reported this already; the moderators have it.")) from None
    Case.objects.filter(pk=case.pk).update(report_count=F("report_count") + 1, weight=F("weight") + weight)
    case.refresh_from_db()
    if kind == Case.Kind.POST:
        _maybe_auto_hide(case)
    logger.info("report filed", extra={"case_id": case.pk, "by": reporter.pk})
    return report


def _maybe_auto_hide(case: Case) -> None:
    """Several reports from members of a trusted rank hide a post at once, pending review."""
    hearth = settings.HEARTH
    trusted = case.reports.filter(reporter_rank_order__gte=hearth["AUTO_HIDE_MIN_RANK_ORDER"]).count()
    post = Post.objects.select_for_update().get(pk=case.post_id)
    if trusted >= hearth["AUTO_HIDE_REPORTS"] and not post.is_hidden:
        reason = _("Hidden pending review after several reports.")
        _hide_post(post, reason)
        log(actor=None, action=Action.AUTO_HIDE, reason=reason, case=case, post=post, topic=post.topic,
            board=case.board)


def hold_for_approval(post: Post) -> Case:
    """A newcomer's held post waits in the queue as a case."""
    target = _target(Case.Kind.POST, post=post)
    return _open_case_for(Case.Kind.POST, target, is_approval=True)


# ---------------------------------------------------------------- acting on content and members

def _bump(topic_id: int, board_id: int | None = None) -> None:
    Topic.objects.filter(pk=topic_id).update(version=F("version") + 1)
    if board_id:
        Board.objects.filter(pk=board_id).update(version=F("version") + 1)


def _hide_post(post: Post, reason: str) -> None:
    Post.objects.filter(pk=post.pk).update(is_hidden=True, hidden_reason=reason[:300])
    post.is_hidden, post.hidden_reason = True, reason[:300]
    _bump(post.topic_id, post.topic.board_id)


def _set_topic_hidden(topic: Topic, hidden: bool) -> None:
    """Hiding a topic takes it off its board's list and counts; unhiding puts it back."""
    from boards.services import _recount_last_post

    if topic.is_hidden == hidden:
        return
    Topic.objects.filter(pk=topic.pk).update(is_hidden=hidden, version=F("version") + 1)
    sign = -1 if hidden else 1
    Board.objects.filter(pk=topic.board_id).update(
        topic_count=F("topic_count") + sign, post_count=F("post_count") + sign * topic.post_count,
        version=F("version") + 1)
    _recount_last_post(topic.board_id)
    topic.is_hidden = hidden


def _apply(*, actor: User, action: str, case: Case | None, post: Post | None, topic: Topic | None,
           member: User | None, reason: str, rule: str, days: int | None, board: Board | None) -> str:
    """Do one action and log it. Returns the outcome in words (for the case and the notices)."""
    entry = {"actor": actor, "action": action, "reason": reason, "rule": rule, "case": case, "post": post,
             "topic": topic, "member": member, "board": (topic.board if topic else None) or (case.board if case
                                                                                               else None)}
    now = timezone.now()
    if action == "dismiss":
        log(**entry)
        return _("No action needed")
    if action in POST_ACTIONS:
        if post is None:
            raise ValidationError(_("This action needs a post."))
        post = Post.objects.select_for_update(of=("self",)).select_related("topic__board", "author").get(pk=post.pk)
        entry["post"], entry["topic"] = post, post.topic
        if action in ("approve", "reject"):
            from boards import services as board_services

            if action == "approve":
                board_services.publish_held_post(post=post, moderator=actor)
            else:
                board_services.refuse_held_post(post=post, moderator=actor, reason=reason)
            log(**entry)
            return _("Published") if action == "approve" else _("Not published")
        if action == "hide":
            _hide_post(post, reason)
            log(**entry, before=post.body)
            return _("Post hidden")
        if action == "unhide":
            Post.objects.filter(pk=post.pk).update(is_hidden=False, hidden_reason="")
            _bump(post.topic_id, post.topic.board_id)
            log(**entry)
            return _("Post shown again")
        if action == "delete":
            Post.objects.filter(pk=post.pk).update(deleted_at=now, is_hidden=True, hidden_reason=reason[:300])
            _bump(post.topic_id, post.topic.board_id)
            log(**entry, before=post.body)
            return _("Post deleted")
        if action == "restore":
            Post.objects.filter(pk=post.pk).update(deleted_at=None, is_hidden=False, hidden_reason="")
            _bump(post.topic_id, post.topic.board_id)
            log(**entry, after=post.body)
            return _("Post restored")
    if action in TOPIC_ACTIONS:
        if topic is None:
            raise ValidationError(_("This action needs a topic."))
        topic = Topic.objects.select_for_update(of=("self",)).select_related("board").get(pk=topic.pk)
        entry["topic"], entry["board"] = topic, topic.board
        flags = {"lock": ("is_locked", True), "unlock": ("is_locked", False), "pin": ("is_pinned", True),
                 "unpin": ("is_pinned", False)}
        if action in flags:
            field, value = flags[action]
            Topic.objects.filter(pk=topic.pk).update(**{field: value})
            _bump(topic.pk, topic.board_id)
            log(**entry)
            return ModerationAction.Action(action).label
        if action in ("hide_topic", "unhide_topic"):
            _set_topic_hidden(topic, action == "hide_topic")
            log(**entry)
            return ModerationAction.Action(action).label
        if action == "move":
            if board is None:
                raise ValidationError({"board": _("Pick the board to move the topic to.")})
            if not board_permissions.can_moderate(actor, board):
                raise PermissionDenied(_("You can only move topics into boards you moderate."))
            from boards import services as board_services

            before = f"{topic.board.name}: {topic.title}"
            board_services.topic_retitle_move(topic=topic, actor=actor, title=topic.title, board=board,
                                              log_action=False)
            log(**entry, before=before, after=f"{board.name}: {topic.title}")
            return _("Moved to %(board)s") % {"board": board.name}
    if action in MEMBER_ACTIONS:
        member = User.objects.select_for_update().get(pk=(member or case.member).pk)
        entry["member"] = member
        if action == "warn":
            User.objects.filter(pk=member.pk).update(warning_count=F("warning_count") + 1)
            log(**entry)
            return _("Member warned")
        if action == "suspend":
            days = days or 0
            if not 1 <= days <= 365:
                raise ValidationError({"days": _("Suspend for 1 to 365 days.")})
            until = now + timedelta(days=days)
            User.objects.filter(pk=member.pk).update(suspended_until=until, last_suspended_at=now)
            log(**entry, after=until.isoformat())
            return _("Member suspended for %(days)d days") % {"days": days}
        if action == "ban":
            User.objects.filter(pk=member.pk).update(is_banned=True, last_suspended_at=now)
            log(**entry)
            return _("Member banned")
        if action == "unban":
            User.objects.filter(pk=member.pk).update(is_banned=False, suspended_until=None)
            log(**entry)
            return _("Ban or suspension lifted")
    raise ValidationError(_("Unknown action."))


@transaction.atomic
def case_act(*, case: Case, actor: User, action: str, reason: str = "", rule: str = "", days: int | None = None,
             board: Board | None = None) -> Case:
    """Resolve a case with one action. A second moderator acting at the same time waits for the lock,
    then is told who resolved it; nothing is applied twice."""
    if action not in ALL_ACTIONS:
        raise ValidationError(_("Unknown action."))
    case = (Case.objects.select_for_update(of=("self",))
            .select_related("board", "post__topic__board", "topic__board", "member").get(pk=case.pk))
    if case.state == Case.State.RESOLVED:
        raise AlreadyResolved(case)
    refusal = permissions.action_refusal(actor, case.board, action)
    if refusal:
        raise PermissionDenied(refusal)
    reason = (reason or "").strip()
    if action not in ("approve", "dismiss") and not reason:
        raise ValidationError({"reason": _("Give a reason: the member sees it.")})
    _check_rule(rule, case.board)
    if case.is_approval and action == "dismiss":
        raise ValidationError(_("A held post is approved or rejected, not dismissed."))
    outcome = _apply(actor=actor, action=action, case=case, post=case.post,
                     topic=case.topic or (case.post.topic if case.post else None), member=case.member,
                     reason=reason, rule=rule, days=days, board=board)
    upheld = action in UPHOLDING
    Case.objects.filter(pk=case.pk).update(state=Case.State.RESOLVED, resolved_at=timezone.now(), resolved_by=actor,
                                           resolution=outcome[:300], upheld=upheld)
    _after_resolution(case=case, actor=actor, action=action, outcome=outcome, reason=reason, rule=rule,
                      upheld=upheld)
    case.refresh_from_db()
    return case


def _after_resolution(*, case: Case, actor, action: str, outcome: str, reason: str, rule: str, upheld: bool):
    if upheld and not case.is_approval:
        User.objects.filter(pk=case.member_id).update(upheld_reports=F("upheld_reports") + 1,
                                                      last_upheld_report_at=timezone.now())
        User.objects.filter(pk__in=case.reports.values("reporter_id")).update(
            accurate_reports=F("accurate_reports") + 1)
    link = case.post.get_absolute_url() if case.post_id else (
        case.topic.get_absolute_url() if case.topic_id else case.member.get_absolute_url())
    for report in case.reports.select_related("reporter"):
        notice_create(recipient=report.reporter, title=_("Your report was resolved: %(outcome)s") % {
            "outcome": outcome}, body=_("Thank you for helping keep the forum a good place."), url=link)
    if action in UPHOLDING and action != "reject":
        _tell_member(case.member, outcome=outcome, reason=reason, rule=rule, link=link)


def _tell_member(member: User, *, outcome: str, reason: str, rule: str, link: str) -> None:
    """The member learns what was done to their content, why, and which rule applied."""
    notice_create(recipient=member, title=_("A moderator acted on your content: %(outcome)s") % {"outcome": outcome},
                  body=reason + (f"\n{_('Rule applied:')} {rule}" if rule else ""), url=link, email=True)


@transaction.atomic
def act_directly(*, actor: User, action: str, reason: str, rule: str = "", post: Post | None = None,
                 topic: Topic | None = None, member: User | None = None, days: int | None = None,
                 board: Board | None = None) -> str:
    """A moderator acts without a case (lock or pin from the topic page, say). Still logged; an open case
    on the same target is resolved by it."""
    if action not in ALL_ACTIONS:
        raise ValidationError(_("Unknown action."))
    target_board = (topic.board if topic else None) or (post.topic.board if post else None)
    refusal = permissions.action_refusal(actor, target_board, action)
    if refusal:
        raise PermissionDenied(refusal)
    if action != "approve" and not (reason or "").strip():
        raise ValidationError({"reason": _("Give a reason: the member sees it.")})
    _check_rule(rule, target_board)
    open_case = None
    if post is not None:
        open_case = Case.objects.filter(post=post).exclude(state=Case.State.RESOLVED).first()
    elif topic is not None:
        open_case = Case.objects.filter(topic=topic, post__isnull=True).exclude(state=Case.State.RESOLVED).first()
    if open_case is not None:
        return case_act(case=open_case, actor=actor, action=action, reason=reason, rule=rule, days=days,
                        board=board).resolution
    member = member or (post.author if post else None) or (topic.author if topic else None)
    outcome = _apply(actor=actor, action=action, case=None, post=post, topic=topic or (post.topic if post else None),
                     member=member, reason=reason.strip(), rule=rule, days=days, board=board)
    if action in UPHOLDING and action != "reject" and member is not None:
        _tell_member(member, outcome=outcome, reason=reason.strip(), rule=rule,
                     link=post.get_absolute_url() if post else topic.get_absolute_url())
    return outcome


@transaction.atomic
def case_claim(*, case: Case, actor: User) -> Case:
    case = Case.objects.select_for_update(of=("self",)).select_related("board").get(pk=case.pk)
    if case.state == Case.State.RESOLVED:
        raise AlreadyResolved(case)
    if not permissions.can_handle_case(actor, case):
        raise PermissionDenied(_("You don't moderate where this happened."))
    if case.assignee_id and case.assignee_id != actor.pk:
        raise ValidationError(_("%(who)s is already on this case.") % {"who": case.assignee.username})
    Case.objects.filter(pk=case.pk).update(assignee=actor, state=Case.State.IN_PROGRESS)
    log(actor=actor, action=Action.CLAIM, case=case, board=case.board)
    case.refresh_from_db()
    return case


@transaction.atomic
def case_add_note(*, case: Case, actor: User, text: str) -> CaseNote:
    if not permissions.can_handle_case(actor, case):
        raise PermissionDenied(_("You don't moderate where this happened."))
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the note first.")})
    note = CaseNote.objects.create(case=case, author=actor, text=text[:5000])
    log(actor=actor, action=Action.NOTE, case=case, board=case.board, after=text[:5000])
    return note


def bulk_act(*, cases, actor: User, action: str, reason: str) -> tuple[list[Case], list[str]]:
    """Handle several cases at once; each in its own transaction, so one refusal does not undo the rest."""
    done, problems = [], []
    for case in cases:
        try:
            done.append(case_act(case=case, actor=actor, action=action, reason=reason))
        except (ValidationError, PermissionDenied) as exc:
            problems.append(f"#{case.pk}: {' '.join(getattr(exc, 'messages', [str(exc)]))}")
    return done, problems


def stale_cases(*, now=None):
    """Open cases older than CASE_REMINDER_HOURS: first their board's moderators, a day later the admins."""
    now = now or timezone.now()
    limit = now - timedelta(hours=settings.HEARTH["CASE_REMINDER_HOURS"])
    return Case.objects.exclude(state=Case.State.RESOLVED).filter(created_at__lt=limit).filter(
        Q(reminded_moderators_at__isnull=True) | Q(reminded_admins_at__isnull=True))


@transaction.atomic
def remind_stale_cases(*, now=None) -> int:
    """Part of the daily task: cases left open too long remind their board's moderators; a day later, if
    still open (or when the board has no moderators), the admins. One notice per person per run."""
    from boards.models import BoardModerator

    now = now or timezone.now()
    later = now - timedelta(hours=settings.HEARTH["CASE_REMINDER_HOURS"] + 24)
    todo: dict[int, list[Case]] = {}
    admins = list(User.objects.filter(is_superuser=True, is_active=True))
    for case in stale_cases(now=now).select_related("board").select_for_update(of=("self",)):
        if case.reminded_moderators_at is None:
            moderators = [m.member for m in BoardModerator.objects.filter(board_id=case.board_id)
                          .select_related("member")] if case.board_id else []
            for person in moderators or admins:
                todo.setdefault(person.pk, [person]).append(case)
            Case.objects.filter(pk=case.pk).update(reminded_moderators_at=now,
                                                   reminded_admins_at=None if moderators else now)
        elif case.reminded_admins_at is None and case.created_at < later:
            for person in admins:
                todo.setdefault(person.pk, [person]).append(case)
            Case.objects.filter(pk=case.pk).update(reminded_admins_at=now)
    for person, *cases in todo.values():
        notice_create(recipient=person, kind="general", url="/mod/", email=True,
                      title=_("%(count)d moderation cases have waited more than %(hours)d hours") % {
                          "count": len(cases), "hours": settings.HEARTH["CASE_REMINDER_HOURS"]},
                      body="\n".join(f"#{c.pk} {c.board.name if c.board else ''}" for c in cases))
    return len(todo)
