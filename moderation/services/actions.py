"""Acting on content and members. Every action is one transaction that also writes its ModerationAction
row, so nothing bypasses the log; a case is locked while it is acted on, so two moderators cannot both
resolve it. The verbs are a table: what each needs (a post, a topic or a member), what it does (through
the boards and members services: moderation never writes their rows itself) and how its outcome reads."""
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from boards import permissions as board_permissions
from boards import services as board_services
from boards.models import Board, Post, Topic
from members import services as member_services
from members.models import User
from moderation import permissions
from moderation.models import Case, ModerationAction
from moderation.outcomes import outcome_params, outcome_text
from moderation.services.log import check_rule, log
from notices.services import notice_create

logger = logging.getLogger(__name__)

Action = ModerationAction.Action
UPHOLDING = {"hide", "delete", "warn", "suspend", "ban", "reject", "hide_topic"}


class AlreadyResolved(ValidationError):
    def __init__(self, case: Case):
        # loaded here, not joined to the locked row: after waiting on the lock PostgreSQL re-reads the
        # case but not rows joined to it, which would still say nobody resolved it
        resolver = User.objects.filter(pk=case.resolved_by_id).first() if case.resolved_by_id else None
        who = resolver.username if resolver else _("the system")
        super().__init__(_("%(who)s already resolved this case: %(outcome)s") % {
            "who": who, "outcome": case.resolution or case.get_state_display()})


@dataclass
class Act:
    """One action being applied: who, what on, with which reason, and what the log row records."""

    actor: User
    action: str
    reason: str
    rule: str
    case: Case | None
    post: Post | None
    topic: Topic | None
    member: User | None
    days: int | None = None
    board: Board | None = None  # the destination of a move
    level: int | None = None  # 精华 level 1–3
    until: datetime | None = None  # when a pin or a 精华 mark runs out (None: never)
    scope: str | None = None  # where a pin shows: this board (None, "board") or the whole forum ("forum")
    log_fields: dict = field(default_factory=dict)
    outcome: dict = field(default_factory=dict)  # the facts the outcome is told from (outcome_text)


# ---------------------------------------------------------------- the verbs

def _dismiss(act: Act) -> None:
    """Nothing to act on: a reported post the moderator keeps is cleared (its reporters so far cannot
    hide it again by reporting), and a hide pending review is lifted."""
    if act.case is not None and act.case.post_id is not None and act.case.report_count:
        board_services.post_clear(post=act.case.post, actor=act.actor, unhide=True)


def _approve(act: Act) -> None:
    board_services.post_publish_held(post=act.post, actor=act.actor)


def _reject(act: Act) -> None:
    board_services.post_refuse_held(post=act.post, actor=act.actor, reason=act.reason)


def _hide(act: Act) -> None:
    board_services.post_hide(post=act.post, actor=act.actor, reason=act.reason)


def _unhide(act: Act) -> None:
    board_services.post_unhide(post=act.post, actor=act.actor)


def _delete(act: Act) -> None:
    board_services.post_delete(post=act.post, actor=act.actor, reason=act.reason)


def _restore(act: Act) -> None:
    board_services.post_restore(post=act.post, actor=act.actor)


def _topic_flag(act: Act) -> None:
    pinning = act.action == "pin"
    scope = (act.scope or Topic.PinScope.BOARD) if pinning else Topic.PinScope.BOARD
    board_services.topic_set_flag(topic=act.topic, actor=act.actor, verb=act.action,
                                  until=act.until if pinning else None, scope=scope)
    if pinning:
        after = [scope] if scope == Topic.PinScope.FORUM else []
        if act.until is not None:
            after.append(act.until.isoformat())
        if after:
            act.log_fields["after"] = " ".join(after)
        act.outcome["scope"] = scope


def _feature(act: Act) -> None:
    topic = board_services.topic_feature(topic=act.topic, actor=act.actor, level=act.level, until=act.until)
    act.log_fields["after"] = f"{topic.featured_level}" + (f" {act.until.isoformat()}" if act.until else "")
    act.outcome["level"] = topic.featured_level
    notice_create(recipient=topic.author, verb="topic_featured", url=topic.get_absolute_url(),
                  params={"topic": topic.title, "level": topic.featured_level, "reason": act.reason})


def _unfeature(act: Act) -> None:
    board_services.topic_unfeature(topic=act.topic, actor=act.actor)


def _topic_hidden(act: Act) -> None:
    board_services.topic_set_hidden(topic=act.topic, actor=act.actor, hidden=act.action == "hide_topic")


def _move(act: Act) -> None:
    board = act.board
    if board is None:
        raise ValidationError({"board": _("Pick the board to move the topic to.")})
    if not board_permissions.can_moderate(act.actor, board):
        raise PermissionDenied(_("You can only move topics into boards you moderate."))
    topic = act.topic
    before = f"{topic.board.name}: {topic.title}"
    board_services.topic_retitle_move(topic=topic, actor=act.actor, title=topic.title, board=board,
                                      log_action=False)
    act.log_fields.update(before=before, after=f"{board.name}: {topic.title}")
    act.outcome["board"] = board.name


def _warn(act: Act) -> None:
    member_services.member_warn(member=act.member)


def _suspend(act: Act) -> None:
    days = act.days or 0
    if not 1 <= days <= 365:
        raise ValidationError({"days": _("Suspend for 1 to 365 days.")})
    now = timezone.now()
    until = now + timedelta(days=days)
    member_services.member_suspend(member=act.member, until=until, now=now)
    act.log_fields["after"] = until.isoformat()
    act.outcome["days"] = days


def _ban(act: Act) -> None:
    member_services.member_ban(member=act.member, now=timezone.now())


def _unban(act: Act) -> None:
    member_services.member_unban(member=act.member)


def _signup_case(act: Act) -> Case:
    if act.case is None or act.case.kind != Case.Kind.SIGNUP:
        raise ValidationError(_("Only an account waiting to join is let in or refused, from its case."))
    return act.case


def _approve_member(act: Act) -> None:
    """Let a new account in (registration by approval); the member is told, by email too, in their language."""
    _signup_case(act)
    member_services.member_admit(member=act.member)
    notice_create(recipient=act.member, verb="signup_approved", email=True, url="/", params={})


def _refuse_member(act: Act) -> None:
    """Refuse a new account: it keeps reading but never writes; the member is told why."""
    _signup_case(act)
    member_services.member_refuse(member=act.member)
    notice_create(recipient=act.member, verb="signup_refused", email=True, url="/", params={"reason": act.reason})


@dataclass(frozen=True)
class Verb:
    target: str | None  # "post", "topic", "member" or None (dismiss)
    apply: Callable[[Act], None]


VERBS: dict[str, Verb] = {
    "dismiss": Verb(None, _dismiss),
    "approve": Verb("post", _approve),
    "reject": Verb("post", _reject),
    "hide": Verb("post", _hide),
    "unhide": Verb("post", _unhide),
    "delete": Verb("post", _delete),
    "restore": Verb("post", _restore),
    "lock": Verb("topic", _topic_flag),
    "unlock": Verb("topic", _topic_flag),
    "pin": Verb("topic", _topic_flag),
    "unpin": Verb("topic", _topic_flag),
    "feature": Verb("topic", _feature),
    "unfeature": Verb("topic", _unfeature),
    "hide_topic": Verb("topic", _topic_hidden),
    "unhide_topic": Verb("topic", _topic_hidden),
    "move": Verb("topic", _move),
    "warn": Verb("member", _warn),
    "suspend": Verb("member", _suspend),
    "ban": Verb("member", _ban),
    "unban": Verb("member", _unban),
    "approve_member": Verb("member", _approve_member),
    "refuse_member": Verb("member", _refuse_member),
}
ALL_ACTIONS = set(VERBS)
POST_ACTIONS = {name for name, verb in VERBS.items() if verb.target == "post"}
TOPIC_ACTIONS = {name for name, verb in VERBS.items() if verb.target == "topic"}
MEMBER_ACTIONS = {name for name, verb in VERBS.items() if verb.target == "member"}
SIGNUP_ACTIONS = {"approve_member", "refuse_member"}  # only on a case of kind "signup", and only these there
# the approvals page and the bulk form say approve and reject: for a new account they mean these
SIGNUP_SYNONYMS = {"approve": "approve_member", "reject": "refuse_member"}


def _apply(act: Act) -> str:
    """Load and lock the action's target, do it, log it. Returns the outcome in words."""
    verb = VERBS.get(act.action)
    if verb is None:
        raise ValidationError(_("Unknown action."))
    if verb.target == "post":
        if act.post is None:
            raise ValidationError(_("This action needs a post."))
        act.post = Post.objects.select_for_update(of=("self",)).select_related("topic__board", "author").get(
            pk=act.post.pk)
        act.topic = act.post.topic
    elif verb.target == "topic":
        if act.topic is None:
            raise ValidationError(_("This action needs a topic."))
        act.topic = Topic.objects.select_for_update(of=("self",)).select_related("board").get(pk=act.topic.pk)
    elif verb.target == "member":
        act.member = User.objects.select_for_update().get(pk=(act.member or act.case.member).pk)
    # authority is decided where the target is now, with its row locked
    board = act.topic.board if act.topic is not None else None
    target_member = act.member if verb.target == "member" else (
        act.post.author if act.post is not None else (act.topic.author if act.topic is not None else act.member))
    refusal = permissions.action_refusal(act.actor, board, act.action, member=target_member)
    if refusal:
        raise PermissionDenied(refusal)
    verb.apply(act)
    log(actor=act.actor, action=act.action, reason=act.reason, rule=act.rule, case=act.case, post=act.post,
        topic=act.topic, member=act.member, board=board, **act.log_fields)
    return outcome_text(act.action, **act.outcome)


def _tell_member(member: User, *, act: Act, link: str) -> None:
    """The member learns what was done to their content, why, and which rule applied."""
    notice_create(recipient=member, verb="content_acted_on", email=True, url=link,
                  params={"outcome": outcome_params(act.action, **act.outcome), "reason": act.reason,
                          "rule": act.rule})


@transaction.atomic
def case_act(*, case: Case, actor: User, action: str, reason: str = "", rule: str = "", days: int | None = None,
             board: Board | None = None, level: int | None = None, until: datetime | None = None,
             scope: str | None = None) -> Case:
    """Resolve a case with one action. A second moderator acting at the same time waits for the lock,
    then is told who resolved it; nothing is applied twice."""
    if action not in ALL_ACTIONS:
        raise ValidationError(_("Unknown action."))
    case = (Case.objects.select_for_update(of=("self",))
            .select_related("board", "post__topic__board", "post__author", "topic__board", "topic__author",
                            "member").get(pk=case.pk))
    if case.state == Case.State.RESOLVED:
        raise AlreadyResolved(case)
    if case.kind == Case.Kind.SIGNUP:
        action = SIGNUP_SYNONYMS.get(action, action)
        if action not in SIGNUP_ACTIONS:
            raise ValidationError(_("An account waiting to join is let in or refused."))
    elif action in SIGNUP_ACTIONS:
        raise ValidationError(_("Only an account waiting to join is let in or refused, from its case."))
    board_now = permissions.case_board_now(case)  # a topic may have moved since the case was opened
    refusal = permissions.action_refusal(actor, board_now, action, member=case.member)
    if refusal:
        raise PermissionDenied(refusal)
    reason = (reason or "").strip()
    if action not in ("approve", "dismiss", "approve_member") and not reason:
        raise ValidationError({"reason": _("Give a reason: the member sees it.")})
    check_rule(rule, board_now)
    if case.is_approval and action == "dismiss":
        raise ValidationError(_("A held post is approved or rejected, not dismissed."))
    act = Act(actor=actor, action=action, reason=reason, rule=rule, case=case, post=case.post,
              topic=case.topic or (case.post.topic if case.post else None), member=case.member, days=days,
              board=board, level=level, until=until, scope=scope)
    outcome = _apply(act)
    upheld = action in UPHOLDING
    Case.objects.filter(pk=case.pk).update(state=Case.State.RESOLVED, resolved_at=timezone.now(), resolved_by=actor,
                                           resolution=outcome[:300], upheld=upheld)
    _after_resolution(case=case, act=act, upheld=upheld)
    case.refresh_from_db()
    return case


def _case_link(case: Case) -> str:
    if case.post_id:
        return case.post.get_absolute_url()
    return case.topic.get_absolute_url() if case.topic_id else case.member.get_absolute_url()


def _after_resolution(*, case: Case, act: Act, upheld: bool) -> None:
    if upheld and not case.is_approval:
        member_services.member_count_upheld_report(member_id=case.member_id, now=timezone.now(),
                                                   reporter_ids=case.reports.values("reporter_id"))
    link = _case_link(case)
    for report in case.reports.select_related("reporter"):
        notice_create(recipient=report.reporter, verb="report_resolved", url=link,
                      params={"outcome": outcome_params(act.action, **act.outcome)})
    if act.action in UPHOLDING and act.action != "reject":
        _tell_member(case.member, act=act, link=link)


@transaction.atomic
def act_directly(*, actor: User, action: str, reason: str, rule: str = "", post: Post | None = None,
                 topic: Topic | None = None, member: User | None = None, days: int | None = None,
                 board: Board | None = None, level: int | None = None, until: datetime | None = None,
                 scope: str | None = None) -> str:
    """A moderator acts without a case (lock or pin from the topic page, say). Still logged; an open case
    on the same target is resolved by it."""
    if action not in ALL_ACTIONS or action in SIGNUP_ACTIONS:
        raise ValidationError(_("Unknown action."))
    # where the target is now, not where it was when the caller loaded it
    if post is not None:
        post = Post.objects.select_related("topic__board", "author").get(pk=post.pk)
    if topic is not None:
        topic = Topic.objects.select_related("board", "author").get(pk=topic.pk)
    target_board = (topic.board if topic else None) or (post.topic.board if post else None)
    target_member = member or (post.author if post else None) or (topic.author if topic else None)
    refusal = permissions.action_refusal(actor, target_board, action, member=target_member)
    if refusal:
        raise PermissionDenied(refusal)
    if action != "approve" and not (reason or "").strip():
        raise ValidationError({"reason": _("Give a reason: the member sees it.")})
    check_rule(rule, target_board)
    open_case = None
    if post is not None:
        open_case = Case.objects.filter(post=post).exclude(state=Case.State.RESOLVED).first()
    elif topic is not None:
        open_case = Case.objects.filter(topic=topic, post__isnull=True).exclude(state=Case.State.RESOLVED).first()
    if open_case is not None:
        return case_act(case=open_case, actor=actor, action=action, reason=reason, rule=rule, days=days,
                        board=board, level=level, until=until, scope=scope).resolution
    member = member or (post.author if post else None) or (topic.author if topic else None)
    act = Act(actor=actor, action=action, reason=reason.strip(), rule=rule, case=None, post=post,
              topic=topic or (post.topic if post else None), member=member, days=days, board=board,
              level=level, until=until, scope=scope)
    outcome = _apply(act)
    if action in UPHOLDING and action != "reject" and member is not None:
        _tell_member(member, act=act, link=post.get_absolute_url() if post else topic.get_absolute_url())
    return outcome


def bulk_act(*, cases, actor: User, action: str, reason: str) -> tuple[list[Case], list[str]]:
    """Handle several cases at once; each in its own transaction, so one refusal does not undo the rest."""
    done, problems = [], []
    for case in cases:
        try:
            done.append(case_act(case=case, actor=actor, action=action, reason=reason))
        except (ValidationError, PermissionDenied) as exc:
            problems.append(f"#{case.pk}: {' '.join(getattr(exc, 'messages', [str(exc)]))}")
    return done, problems


def expire_pins_and_features(*, now: datetime | None = None) -> int:
    """Take off the pins and 精华 marks whose "until" has passed; each is logged with no actor (the system,
    like an automatic hide). Each topic in its own transaction, re-checked on its locked row."""
    now = now or timezone.now()
    pins, features = board_services.topics_expired(now=now)
    done = 0
    for topic_id in pins:
        done += _expire_one(topic_id, now=now, pin=True)
    for topic_id in features:
        done += _expire_one(topic_id, now=now, pin=False)
    return done


@transaction.atomic
def _expire_one(topic_id: int, *, now: datetime, pin: bool) -> int:
    topic = Topic.objects.select_for_update(of=("self",)).select_related("board").filter(pk=topic_id).first()
    if topic is None:
        return 0
    if pin:
        if not (topic.is_pinned and topic.pinned_until and topic.pinned_until <= now):
            return 0  # unpinned or pinned again meanwhile
        board_services.topic_set_flag(topic=topic, actor=None, verb="unpin")
        before = "pin"
    else:
        if not (topic.featured_level and topic.featured_until and topic.featured_until <= now):
            return 0
        board_services.topic_unfeature(topic=topic, actor=None)
        before = "feature"
    log(actor=None, action=Action.EXPIRE, reason=_("Its time ran out."), topic=topic, member=topic.author,
        board=topic.board, before=before)
    return 1
