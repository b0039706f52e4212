"""Who may do what to the content of the boards, and the loaders that fetch and authorize at once.

`*_refusal` returns the reason a person can read (or None), `can_*` answers, `check_*` raises
PermissionDenied. A viewer who may not see an object gets 404 from the loaders, never a 403 that would
confirm it exists. Account state (banned, suspended, unverified) is members.permissions.
"""
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from boards.models import Board, BoardModerator, Post, ScheduledTopic, Topic
from members.models import Rank
from members.permissions import (  # noqa: F401 - re-exported: the boards' gate speaks for account state too
    check_admin,
    check_can_write,
    is_admin,
    is_global_moderator,
    is_moderator_anywhere,
    is_suspended,
    write_refusal,
)
from members.ranks import lowest_rank, lowest_rank_order

_MODERATED = "_hearth_moderated_board_ids"


def moderated_board_ids(user) -> frozenset[int]:
    """The boards this member moderates by appointment: one query, at most once per user object (a
    request). Members who moderate nothing (the flag on their row says so) cost no query."""
    if not (user.is_authenticated and user.is_board_moderator):
        return frozenset()
    ids = user.__dict__.get(_MODERATED)
    if ids is None:
        ids = frozenset(BoardModerator.objects.filter(member_id=user.pk).values_list("board_id", flat=True))
        user.__dict__[_MODERATED] = ids
    return ids


def forget_moderated_boards(user) -> None:
    """After an appointment or a removal: the cached answer is stale."""
    user.__dict__.pop(_MODERATED, None)


def prime_moderated_boards(users) -> None:
    """Load the appointments of many members in one query (a page's authors), so that role checks on
    each of them cost nothing more."""
    pending = {u.pk: u for u in users if u.is_authenticated and u.is_board_moderator
               and _MODERATED not in u.__dict__}
    if not pending:
        return
    found: dict[int, set[int]] = {pk: set() for pk in pending}
    for member_id, board_id in BoardModerator.objects.filter(member_id__in=pending).values_list("member_id",
                                                                                              "board_id"):
        found[member_id].add(board_id)
    for pk, user in pending.items():
        user.__dict__[_MODERATED] = frozenset(found[pk])


# ---------------------------------------------------------------- boards by rank
#
# A board may set the lowest rank that reads it, starts topics in it and replies in it. Below the rank to
# read, the board does not exist for the member: it is on no list, and every page of it answers 404. The
# board's moderators, global moderators and admins always pass; visitors have no rank. This is the one
# home of the rule: can_see_board (a loaded board), visible_boards_q (the same rule as a filter, for lists),
# board_rank_refusal (starting and replying), board_visibility_key (for caches).

BOARD_RANKS = ("view_rank", "start_rank", "reply_rank")  # select_related these with a board to check it
_LOWEST = "_hearth_lowest_rank_order"


def member_rank_order(user) -> int | None:
    """Where `user` stands on the ladder for the boards by rank: their rank's order. A member not ranked yet
    stands on the first step (as members.ranks.effective_rank says); visitors and disabled accounts have no
    rank (None: below any minimum). The request's user comes with their rank (members.backends): no query."""
    if not (user.is_authenticated and user.is_active):
        return None
    if user.rank_id:
        return user.rank.order
    if _LOWEST not in user.__dict__:
        user.__dict__[_LOWEST] = lowest_rank_order()
    return user.__dict__[_LOWEST]


def prime_board_access(users) -> None:
    """Make can_see_board cost no query per member for many members at once (a fan-out's recipients,
    loaded with their rank): one query for the first step of the ladder, one for their appointments."""
    unranked = [u for u in users if u.is_authenticated and not u.rank_id and _LOWEST not in u.__dict__]
    if unranked:
        lowest = lowest_rank()
        for user in unranked:
            user.__dict__[_LOWEST] = lowest.order if lowest else 0
    prime_moderated_boards(users)


def _meets(user, rank_id, rank) -> bool:
    if rank_id is None:
        return True
    order = member_rank_order(user)
    return order is not None and order >= rank.order


def can_see_board(user, board) -> bool:
    """May `user` know that `board` exists? Everyone, when it sets no rank to read it; else members at or
    above that rank, its moderators, global moderators and admins. Load the board with BOARD_RANKS, or
    checking a board that sets a rank costs a query."""
    if board.view_rank_id is None:
        return True
    return can_moderate(user, board) or _meets(user, board.view_rank_id, board.view_rank)


def visible_boards_q(user, field: str = "") -> Q:
    """can_see_board as a filter: over boards themselves (`field` ""), or over rows whose board is `field`
    ("board" for topics, "topic__board" for posts). Global moderators and admins: no filter at all."""
    if is_global_moderator(user):
        return Q()
    prefix = f"{field}__" if field else ""
    allowed = Q(**{f"{prefix}view_rank__isnull": True})
    order = member_rank_order(user)
    if order is not None:
        allowed |= Q(**{f"{prefix}view_rank__order__lte": order})
    moderated = moderated_board_ids(user)
    if moderated:
        allowed |= Q(**{f"{field}__in" if field else "pk__in": sorted(moderated)})
    return allowed


def visible_boards(user):
    """The boards `user` may see (a query not yet run)."""
    return Board.objects.filter(visible_boards_q(user))


def board_visibility_key(user) -> str:
    """What decides which boards `user` sees, as a short string for cache keys: viewers with the same key see
    the same boards (together with the boards' versions, which a change of a board's ranks bumps)."""
    if is_global_moderator(user):
        return "all"
    order = member_rank_order(user)
    key = "visitor" if order is None else f"rank{order}"
    moderated = moderated_board_ids(user)
    return key + ("-mod" + ".".join(str(pk) for pk in sorted(moderated)) if moderated else "")


def board_rank_refusal(user, board, *, replying: bool) -> str | None:
    """Why `user`'s rank keeps them from starting a topic (or, `replying`, from replying) in `board`, or
    None: the board's own message, else one naming the rank it takes. Its moderators always pass."""
    if can_moderate(user, board):
        return None
    rank_id, rank = (board.reply_rank_id, board.reply_rank) if replying else (board.start_rank_id, board.start_rank)
    if can_see_board(user, board) and _meets(user, rank_id, rank):
        return None
    if board.refusal_message.strip():
        return board.refusal_message.strip()
    needed = rank if rank_id is not None and not _meets(user, rank_id, rank) else board.view_rank
    if replying:
        return _("Replying in this board takes the rank %(rank)s or higher.") % {"rank": needed.name}
    return _("Starting topics in this board takes the rank %(rank)s or higher.") % {"rank": needed.name}


# Roles, from the top. Moderators act only on members below them; only admins act on admins.
ADMIN, GLOBAL_MODERATOR, BOARD_MODERATOR, MEMBER = 3, 2, 1, 0


def role_level(user, board=None) -> int:
    """The user's role where `board` is (None: site-wide, where board moderators have no role)."""
    if is_admin(user):
        return ADMIN
    if is_global_moderator(user):
        return GLOBAL_MODERATOR
    if board is not None and user.is_authenticated and user.is_active and board.pk in moderated_board_ids(user):
        return BOARD_MODERATOR
    return MEMBER


def authority_refusal(actor, member, board=None) -> str | None:
    """Why `actor` may not act on `member` (their account or their posts) where `board` is, or None:
    nobody acts on themselves, only admins act on admins, everyone else only on members below them."""
    if member is None:
        return None
    if actor.pk == member.pk:
        return _("You can't moderate yourself or your own posts.")
    if is_admin(member):
        return None if is_admin(actor) else _("Only admins can act on an admin.")
    if role_level(actor, board) <= role_level(member, board):
        return _("You can only act on members whose role is below yours.")
    return None


def can_moderate(user, board) -> bool:
    """Admins and global moderators moderate every board; board moderators their own boards."""
    if is_global_moderator(user):
        return True
    return bool(user.is_authenticated and user.is_active and board.pk in moderated_board_ids(user))


def can_schedule_topics(user, board=None) -> bool:
    """Admins and moderators write seed topics ahead, for the boards they moderate."""
    if write_refusal(user):
        return False
    if board is None:
        return is_global_moderator(user) or bool(moderated_board_ids(user))
    return can_moderate(user, board)


def can_edit_scheduled(user, item: ScheduledTopic) -> bool:
    """A scheduled topic publishes under its author's name: only its author (while they may still
    schedule in its board) and admins change it."""
    return can_schedule_topics(user, item.board) and (item.author_id == user.pk or is_admin(user))


def posting_refusal(user, board, topic=None) -> str | None:
    """Why `user` may not post in `board` (or reply to `topic`), or None when they may."""
    refusal = write_refusal(user, posting=True)
    if refusal:
        return refusal
    if board.is_archived:
        return _("This board is archived and takes no new posts.")
    refusal = board_rank_refusal(user, board, replying=topic is not None)
    if refusal:
        return refusal
    if topic is not None and topic.is_locked and not can_moderate(user, board):
        return _("This topic is locked.")
    if topic is not None and topic.is_hidden and not can_moderate(user, board):
        return _("This topic is hidden.")
    return None


def can_start_topic(user, board) -> bool:
    return posting_refusal(user, board) is None


def can_reply(user, topic) -> bool:
    return posting_refusal(user, topic.board, topic) is None


def check_start_topic(user, board) -> None:
    reason = posting_refusal(user, board)
    if reason:
        raise PermissionDenied(reason)


def check_reply(user, topic) -> None:
    reason = posting_refusal(user, topic.board, topic)
    if reason:
        raise PermissionDenied(reason)


def edit_refusal(user, post) -> str | None:
    board = post.topic.board
    refusal = write_refusal(user)
    if refusal:
        return refusal
    if post.deleted_at is not None and not is_admin(user):
        return _("This post was deleted.")
    is_author = post.author_id == user.pk
    if can_moderate(user, board) and not is_author:
        return authority_refusal(user, post.author, board)  # a moderator edits only below their role
    if can_moderate(user, board):
        return None
    if not is_author:
        return _("Only the author or a moderator can edit this post.")
    if post.moderator_edited_at is not None:
        return _("A moderator edited this post, so it can no longer be edited. Report it if you disagree.")
    reason = posting_refusal(user, board, post.topic)
    if reason:
        return reason
    if post.is_hidden:
        return _("This post is hidden.")
    window = timedelta(minutes=settings.HEARTH["EDIT_WINDOW_MINUTES"])
    if timezone.now() - post.created_at > window:
        return _("Posts can be edited for %(minutes)d minutes after posting; this one can no longer be edited.") % {
            "minutes": settings.HEARTH["EDIT_WINDOW_MINUTES"]
        }
    return None


def can_edit(user, post) -> bool:
    return edit_refusal(user, post) is None


def check_edit(user, post) -> None:
    reason = edit_refusal(user, post)
    if reason:
        raise PermissionDenied(reason)


def can_see_topic(user, topic) -> bool:
    """A topic in a board the user may not see does not exist for them. Hidden topics (held for approval,
    or hidden by a moderator) are seen by moderators and their author."""
    if not can_see_board(user, topic.board):
        return False
    if not topic.is_hidden:
        return True
    return can_moderate(user, topic.board) or (user.is_authenticated and topic.author_id == user.pk)


def class_sees_post_body(post, *, is_moderator: bool, is_admin: bool) -> bool:
    """Whether every viewer of a class sees the post's body, whoever wrote it: hidden and held posts the
    board's moderators, deleted ones admins only. (Their author sees a hidden or held post too:
    can_see_post_body.)"""
    if post.deleted_at is not None:
        return is_admin
    if not (post.is_hidden or post.is_awaiting_approval):
        return True
    return is_moderator


def can_see_post_body(user, post, *, is_moderator: bool) -> bool:
    """Hidden posts: moderators and the author; deleted ones: admins only."""
    if class_sees_post_body(post, is_moderator=is_moderator, is_admin=is_admin(user)):
        return True
    return post.deleted_at is None and user.is_authenticated and post.author_id == user.pk


def sees_own_post_apart(user, post) -> bool:
    """Whether `user` sees `post` otherwise than the rest of their viewer class: it is their own, and held
    (they are told when to expect a decision) or hidden (they still read it)."""
    return (user.is_authenticated and post.author_id == user.pk and post.deleted_at is None
            and (post.is_hidden or post.is_awaiting_approval))


# Viewer classes: everyone in one sees the same lists of a board's pages, but for their own controls
# (forum/fragments.py). A moderator of one board is a plain member on another.
VISITOR_CLASS, MEMBER_CLASS, MODERATOR_CLASS, ADMIN_CLASS = "visitor", "member", "moderator", "admin"


def viewer_class(user, board) -> str:
    if not user.is_authenticated:
        return VISITOR_CLASS
    if is_admin(user):
        return ADMIN_CLASS
    if can_moderate(user, board):
        return MODERATOR_CLASS
    return MEMBER_CLASS


def can_retitle_and_move(user, topic) -> bool:
    return can_retitle_in_board(user, topic.board)


def can_retitle_in_board(user, board) -> bool:
    """Moderators, and members whose rank allows it in a board they are active in (they posted there
    within their rank's window). Moving a topic needs this on both boards."""
    if write_refusal(user):  # banned, suspended or unverified: no powers at all
        return False
    if can_moderate(user, board):
        return True
    if board_rank_refusal(user, board, replying=False):  # as if starting a topic there (or a board they can't see)
        return False
    if not (user.is_authenticated and user.is_active and user.rank_id and user.rank.can_retitle_and_move):
        return False
    since = timezone.now() - timedelta(days=user.rank.window_days or 3650)
    return Post.objects.filter(author=user, topic__board_id=board.pk, created_at__gte=since,
                               is_hidden=False).exists()


def retitle_refusal(user, topic) -> str | None:
    """Whose topics a member may retitle or move: moderators those of members below their role; members
    whose rank allows it (Veterans) only plain members' topics, never staff's."""
    if topic.author_id == user.pk:
        return None
    if can_moderate(user, topic.board):
        return authority_refusal(user, topic.author, topic.board)
    if role_level(topic.author, topic.board) > MEMBER:
        return _("Only moderators above its author's role can retitle or move this topic.")
    return None


def pin_scope_refusal(user, topic, scope: str) -> str | None:
    """Forum-wide pins (全局置顶) are the admins': pinning a topic for the whole forum, and changing or taking
    off such a pin. `user` None: the system (a pin that ran out)."""
    if user is None:
        return None
    if (scope == Topic.PinScope.FORUM or topic.is_pinned_forum_wide) and not is_admin(user):
        return _("Only admins pin topics for the whole forum, or change such a pin.")
    return None


def can_pin_forum_wide(user) -> bool:
    return is_admin(user)


def can_see_revisions(user, board) -> bool:
    return can_moderate(user, board)


# ---------------------------------------------------------------- loaders: fetch and authorize


_BOARD_WITH_RANKS = tuple(f"board__{name}" for name in BOARD_RANKS)
_TOPIC_BOARD_WITH_RANKS = tuple(f"topic__board__{name}" for name in BOARD_RANKS)


def board_for_viewer_or_404(viewer, slug: str) -> Board:
    """The board, with what its rank checks read; a board the viewer may not see does not exist (404).
    The ranks it sets come in a second query, and only when it sets any: joining the three ranks to every
    board cost more to compile than the page's other queries (the board page is the most viewed after the
    topic page)."""
    board = next(iter(Board.objects.filter(slug=slug)[:1]), None)
    if board is None:
        raise Http404(_("No such board."))
    ranks = {getattr(board, f"{field}_id") for field in BOARD_RANKS} - {None}
    found = Rank.objects.in_bulk(ranks) if ranks else {}
    for field in BOARD_RANKS:
        setattr(board, field, found.get(getattr(board, f"{field}_id")))
    if not can_see_board(viewer, board):
        raise Http404(_("No such board."))
    return board


def topic_for_viewer_or_404(viewer, topic_id: int, *, with_author: bool = False,
                            with_first_post: bool = False) -> Topic:
    topics = Topic.objects.select_related("board", *_BOARD_WITH_RANKS)
    if with_author:
        topics = topics.select_related("author")
    if with_first_post:  # the page's description and Open Graph tags quote it
        topics = topics.select_related("first_post")
    topic = topics.filter(pk=topic_id).first()
    if topic is None or not can_see_topic(viewer, topic):
        raise Http404(_("No such topic."))
    return topic


def post_for_viewer_or_404(viewer, post_id: int) -> Post:
    """A post whose topic the viewer may see (its body may still be hidden from them: see
    can_see_post_body)."""
    post = Post.objects.select_related("topic__board", *_TOPIC_BOARD_WITH_RANKS, "author").filter(pk=post_id).first()
    if post is None or not can_see_topic(viewer, post.topic):
        raise Http404(_("No such post."))
    return post


def readable_post_or_404(viewer, post_id: int | None, *, topic: Topic | None = None) -> Post:
    """A post the viewer may read in full (to reply to, quote or report it)."""
    if post_id is None:
        raise Http404(_("No such post."))
    posts = Post.objects.select_related("topic__board", *_TOPIC_BOARD_WITH_RANKS, "author")
    if topic is not None:
        posts = posts.filter(topic=topic)
    post = posts.filter(pk=post_id).first()
    if (post is None or not can_see_topic(viewer, post.topic)
            or not can_see_post_body(viewer, post, is_moderator=can_moderate(viewer, post.topic.board))):
        raise Http404(_("No such post."))
    return post


def scheduled_item_for_editor_or_404(user, item_id: int) -> ScheduledTopic:
    """A scheduled topic the user may change. Another board's draft is not shown to them at all (404),
    so its existence leaks to nobody."""
    item = ScheduledTopic.objects.select_related("board").filter(pk=item_id).first()
    if item is None or not can_schedule_topics(user, item.board):
        raise Http404(_("No such scheduled topic."))
    if not can_edit_scheduled(user, item):
        raise PermissionDenied(_("Only its author or an admin can change a scheduled topic."))
    if item.published_at is not None:
        raise PermissionDenied(_("This topic has been published already; edit the topic itself."))
    return item


def moderated_filter(user, field: str = "board") -> Q:
    """A filter for rows that belong to the boards `user` moderates (`field` names the row's board):
    everything for admins and global moderators, the appointed boards' rows for board moderators,
    nothing for anyone else."""
    if is_global_moderator(user):
        return Q()
    return Q(**{f"{field}__in": moderated_board_ids(user)})
