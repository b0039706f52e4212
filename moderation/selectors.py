from datetime import timedelta

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from boards import permissions as board_permissions
from boards.models import Board, Post
from boards.permissions import moderated_filter
from boards.selectors import post_in_page_url
from forum import links
from forum.numbers import parse_id
from forum.pagination import rows_between
from members.models import SignupRecord, User
from moderation.models import Case, CaseNote, ModerationAction, Report, SpammerRemoval


def cases_for(viewer) -> QuerySet[Case]:
    """The cases a moderator may see: their boards' (global moderators and admins: all)."""
    return Case.objects.filter(moderated_filter(viewer))


QUEUE_LIMIT = 200  # the heaviest first: a moderator works from the top; filters narrow the rest


def queue(*, viewer, board_id=None, reason="", state="", limit=QUEUE_LIMIT) -> list[Case]:
    """The queue, heaviest first, then oldest: a fixed number of queries however many cases."""
    cases = cases_for(viewer)
    cases = cases.filter(state=state) if state else cases.exclude(state=Case.State.RESOLVED)
    if board_id:
        cases = cases.filter(board_id=board_id)
    if reason == "approval":
        cases = cases.filter(is_approval=True)
    elif reason == "signup":
        cases = cases.filter(kind=Case.Kind.SIGNUP)
    elif reason:
        cases = cases.filter(reports__reason=reason).distinct()
    order = ("-resolved_at", "-id") if state == Case.State.RESOLVED else ("-weight", "created_at", "id")
    cases = list(cases.select_related("board", "member__rank", "assignee", "post__topic", "topic")
                 .defer("post__body", "post__body_html").prefetch_related(
                     Prefetch("reports", queryset=Report.objects.select_related("reporter").order_by("created_at")))
                 .order_by(*order)[:limit])
    for case in cases:
        case.url = links.case_url(case.pk)
        case.target_url = case_target_url(case)
    return cases


def approvals(*, viewer, limit=QUEUE_LIMIT) -> list[Case]:
    """Held posts waiting in the viewer's boards, each with its post's text: heaviest (reported) first, then
    oldest."""
    cases = list(cases_for(viewer).filter(kind=Case.Kind.POST, is_approval=True, post__deleted_at__isnull=True)
                 .exclude(state=Case.State.RESOLVED)
                 .select_related("board", "post__topic__board", "post__author__rank")
                 .order_by("-weight", "created_at", "id")[:limit])
    for case in cases:
        case.url = links.case_url(case.pk)
        case.post.permalink = links.post_url(case.post_id)
    return cases


def signups_waiting(*, viewer, limit=QUEUE_LIMIT) -> list[Case]:
    """New accounts waiting to be let in (registration by approval), oldest first, each with what it said
    at signup. Global moderators and admins only: the cases have no board."""
    cases = list(cases_for(viewer).filter(kind=Case.Kind.SIGNUP).exclude(state=Case.State.RESOLVED)
                 .select_related("member__signup_record").order_by("created_at", "id")[:limit])
    for case in cases:
        case.url = links.case_url(case.pk)
    return cases


def approvals_page(*, viewer) -> dict:
    return {"cases": approvals(viewer=viewer), "signups": signups_waiting(viewer=viewer)}


def case_target_url(case) -> str:
    if case.post_id:
        return links.post_url(case.post_id)
    if case.topic_id:
        return case.topic.get_absolute_url()
    return links.member_url(case.member.username)


def reports_by(*, member, limit: int = 50):
    reports = list(member.reports_filed.select_related("case__post__topic", "case__topic", "case__member")
                   .order_by("-created_at", "-id")[:limit])
    for report in reports:
        report.target_url = case_target_url(report.case)
    return reports


def report_target_or_404(viewer, kind: str, object_id: str):
    """What is being reported, if the viewer may read it: a post, a topic or a member (by username)."""
    if kind == Case.Kind.POST:
        return board_permissions.readable_post_or_404(viewer, parse_id(object_id))
    if kind == Case.Kind.TOPIC:
        topic_id = parse_id(object_id)
        if topic_id is None:
            raise Http404(_("Nothing to report here."))
        return board_permissions.topic_for_viewer_or_404(viewer, topic_id, with_author=True)
    if kind == Case.Kind.MEMBER:
        member = User.objects.filter(username=object_id, is_active=True).first()
        if member is not None:
            return member
    raise Http404(_("Nothing to report here."))


def target_url(target) -> str:
    """Where a reported post, topic or member is shown."""
    if isinstance(target, Post):
        return post_in_page_url(target)
    return target.get_absolute_url()


def open_count(viewer) -> int:
    return cases_for(viewer).exclude(state=Case.State.RESOLVED).count()


def case_detail(*, viewer, case_id) -> Case | None:
    return (cases_for(viewer).select_related("board", "member__rank", "member__signup_record", "assignee",
                                             "resolved_by", "post__topic__board", "post__author", "topic__board")
            .prefetch_related(Prefetch("reports", queryset=Report.objects.select_related("reporter__rank")
                                       .order_by("created_at")),
                              Prefetch("notes", queryset=CaseNote.objects.select_related("author")
                                       .order_by("created_at")))
            .filter(pk=case_id).first())


def neighbours(post: Post, *, viewer) -> list[Post]:
    """The post with the one before and after it, for context; `shown` says whether the viewer may read
    each one's text (a deleted post's only admins)."""
    posts = list(Post.objects.filter(topic_id=post.topic_id, position__gte=post.position - 1,
                                     position__lte=post.position + 1).select_related("author").order_by("position"))
    for item in posts:
        item.permalink = links.post_url(item.pk)
        item.shown = board_permissions.can_see_post_body(viewer, item, is_moderator=True)
    return posts


def member_record(member) -> list[ModerationAction]:
    """What moderators did about this member before: warnings, suspensions, hidden posts."""
    return list(ModerationAction.objects.filter(member=member).exclude(action__in=["claim", "note"])
                .select_related("actor").order_by("-created_at", "-id")[:20])


def case_history(case) -> list[ModerationAction]:
    return list(case.actions.select_related("actor").order_by("created_at", "id"))


LOG_RELATED = ("actor", "board", "member", "topic", "post")


def log_for(viewer, *, action="", actor="", board_id=None) -> QuerySet[ModerationAction]:
    entries = ModerationAction.objects.select_related(*LOG_RELATED).filter(moderated_filter(viewer))
    if action:
        entries = entries.filter(action=action)
    if actor:
        entries = entries.filter(Q(actor__username=actor))
    if board_id:
        entries = entries.filter(board_id=board_id)
    return entries.order_by("-created_at", "-id")


# entries that once copied a post's text (before the log stopped copying it): only admins see that text
TEXT_ACTIONS = {"hide", "delete", "restore", "edit", "auto_hide"}
LOG_PER_PAGE = 50


def log_page(viewer, *, number: int, action="", actor="") -> tuple[list[ModerationAction], bool]:
    """One page of the log and whether there is a next one (one row more, not a COUNT over the log)."""
    entries = log_for(viewer, action=action, actor=actor)
    # a deep page costs what the first does: the page's ids from the log's index, then only those rows
    rows = list(rows_between(entries, (number - 1) * LOG_PER_PAGE, number * LOG_PER_PAGE + 1)
                .select_related(*LOG_RELATED).order_by("-created_at", "-id"))
    is_admin = board_permissions.is_admin(viewer)
    for entry in rows:
        entry.shows_text = is_admin or entry.action not in TEXT_ACTIONS
    return rows[:LOG_PER_PAGE], len(rows) > LOG_PER_PAGE


def moderated_boards(viewer) -> list[Board]:
    return list(Board.objects.moderated_by(viewer).order_by("position", "id"))


def same_address_accounts(member, *, limit: int = 20) -> list[User]:
    """Other accounts that signed up from `member`'s address within a day of them: likely the same person."""
    record = SignupRecord.objects.filter(member=member, ip__isnull=False).first()
    if record is None:
        return []
    day = timedelta(days=1)
    return list(User.objects.filter(
        signup_record__ip=record.ip, signup_record__created_at__gte=record.created_at - day,
        signup_record__created_at__lte=record.created_at + day).exclude(pk=member.pk)
        .select_related("rank").order_by("date_joined", "pk")[:limit])


def spammer_removals(*, limit: int = 50) -> list[SpammerRemoval]:
    return list(SpammerRemoval.objects.select_related("member", "actor", "undone_by")
                .order_by("-created_at", "-id")[:limit])
