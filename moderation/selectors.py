from django.db.models import Prefetch, Q, QuerySet

from boards.models import Board, Post
from boards.permissions import is_global_moderator
from moderation.models import Case, CaseNote, ModerationAction, Report


def cases_for(viewer) -> QuerySet[Case]:
    """The cases a moderator may see: their boards' (global moderators and admins: all)."""
    cases = Case.objects.all()
    if not is_global_moderator(viewer):
        cases = cases.filter(board_id__in=viewer.moderated_board_ids)
    return cases


QUEUE_LIMIT = 200  # the heaviest first: a moderator works from the top; filters narrow the rest


def queue(*, viewer, board_id=None, reason="", state="", limit=QUEUE_LIMIT) -> list[Case]:
    """The queue, heaviest first, then oldest: a fixed number of queries however many cases."""
    cases = cases_for(viewer)
    cases = cases.filter(state=state) if state else cases.exclude(state=Case.State.RESOLVED)
    if board_id:
        cases = cases.filter(board_id=board_id)
    if reason == "approval":
        cases = cases.filter(is_approval=True)
    elif reason:
        cases = cases.filter(reports__reason=reason).distinct()
    order = ("-resolved_at", "-id") if state == Case.State.RESOLVED else ("-weight", "created_at", "id")
    return list(cases.select_related("board", "member__rank", "assignee", "post__topic", "topic")
                .defer("post__body", "post__body_html").prefetch_related(
                    Prefetch("reports", queryset=Report.objects.select_related("reporter").order_by("created_at")))
                .order_by(*order)[:limit])


def open_count(viewer) -> int:
    return cases_for(viewer).exclude(state=Case.State.RESOLVED).count()


def case_detail(*, viewer, case_id) -> Case | None:
    return (cases_for(viewer).select_related("board", "member__rank", "assignee", "resolved_by", "post__topic__board",
                                             "post__author", "topic__board")
            .prefetch_related(Prefetch("reports", queryset=Report.objects.select_related("reporter__rank")
                                       .order_by("created_at")),
                              Prefetch("notes", queryset=CaseNote.objects.select_related("author")
                                       .order_by("created_at")))
            .filter(pk=case_id).first())


def neighbours(post: Post) -> list[Post]:
    """The post with the one before and after it, for context."""
    return list(Post.objects.filter(topic_id=post.topic_id, position__gte=post.position - 1,
                                    position__lte=post.position + 1).select_related("author").order_by("position"))


def member_record(member) -> list[ModerationAction]:
    """What moderators did about this member before: warnings, suspensions, hidden posts."""
    return list(ModerationAction.objects.filter(member=member).exclude(action__in=["claim", "note"])
                .select_related("actor").order_by("-created_at", "-id")[:20])


def case_history(case) -> list[ModerationAction]:
    return list(case.actions.select_related("actor").order_by("created_at", "id"))


def log_for(viewer, *, action="", actor="", board_id=None) -> QuerySet[ModerationAction]:
    entries = ModerationAction.objects.select_related("actor", "board", "member", "topic", "post")
    if not is_global_moderator(viewer):
        entries = entries.filter(board_id__in=viewer.moderated_board_ids)
    if action:
        entries = entries.filter(action=action)
    if actor:
        entries = entries.filter(Q(actor__username=actor))
    if board_id:
        entries = entries.filter(board_id=board_id)
    return entries.order_by("-created_at", "-id")


def moderated_boards(viewer) -> list[Board]:
    boards = Board.objects.order_by("position", "id")
    if not is_global_moderator(viewer):
        boards = boards.filter(pk__in=viewer.moderated_board_ids)
    return list(boards)
