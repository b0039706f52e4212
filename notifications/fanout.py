"""Who hears about a post, and what. Run by a Celery task after the post is committed (never in the web
request: a topic with 5,000 watchers must not slow the reply), in chunks, each chunk once.

Per recipient one notice per post, the most direct kind winning: a mention, a quote of their post, a reply
to their post, a reply to their topic, then a new post in a topic they watch (folded into their unread
"N new posts in …" until they open the topic), then a new topic or post in a board they watch. Never to the
post's author, never to a member who muted the author, the topic or the board, never about a post the
recipient may not read."""
import html
import re
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from boards.mentions import mentioned_ids
from boards.models import Post
from boards.permissions import can_see_topic, prime_board_access
from forum import links
from members.models import User
from notices.models import Notice
from notices.services import NewNotice, deliver
from notifications.models import BoardWatch, FanoutMark, Mute, TopicWatch

CHUNK = 500
_TAGS = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class Reason:
    rank: int  # lower wins
    kind: str
    verb: str
    burst: bool = False


MENTION = Reason(1, Notice.Kind.MENTION, "mentioned")
QUOTE = Reason(2, Notice.Kind.QUOTE, "quoted")
REPLY_TO_POST = Reason(3, Notice.Kind.REPLY, "replied_post")
REPLY_TO_TOPIC = Reason(4, Notice.Kind.REPLY, "replied_topic")
WATCHED_TOPIC = Reason(5, Notice.Kind.WATCHED_TOPIC, "topic_activity", burst=True)
NEW_TOPIC = Reason(6, Notice.Kind.WATCHED_BOARD, "new_topic")
BOARD_ACTIVITY = Reason(7, Notice.Kind.WATCHED_BOARD, "topic_activity", burst=True)


def excerpt(post: Post, length: int = 140) -> str:
    text = " ".join(html.unescape(_TAGS.sub(" ", post.body_html)).split())
    return text if len(text) <= length else text[: length - 1] + "…"


def is_public(post: Post) -> bool:
    return not (post.is_hidden or post.is_awaiting_approval or post.deleted_at or post.topic.is_hidden)


def recipients_for(post: Post) -> dict[int, Reason]:
    """{member id: why they hear of it}, after every rule. A fixed number of queries, whatever the count."""
    topic, board, author_id = post.topic, post.topic.board, post.author_id
    reasons: dict[int, Reason] = {}

    def offer(member_id, reason):
        if member_id and member_id != author_id and (member_id not in reasons or reason.rank < reasons[member_id].rank):
            reasons[member_id] = reason

    for member_id in mentioned_ids(post.body_html):
        offer(member_id, MENTION)
    parent = post.reply_to
    if parent is not None:
        offer(parent.author_id, QUOTE if "<blockquote>" in post.body_html else REPLY_TO_POST)
    if post.position > 1:
        offer(topic.author_id, REPLY_TO_TOPIC)
    topic_levels = dict(TopicWatch.objects.filter(topic=topic).values_list("member_id", "level"))
    for member_id, level in topic_levels.items():
        if level == TopicWatch.Level.WATCHING:
            offer(member_id, WATCHED_TOPIC)
    board_levels = dict(BoardWatch.objects.filter(board=board).exclude(level=BoardWatch.Level.NORMAL)
                        .values_list("member_id", "level"))
    for member_id, level in board_levels.items():
        if post.position == 1 and level in (BoardWatch.Level.WATCHING, BoardWatch.Level.NEW_TOPICS):
            offer(member_id, NEW_TOPIC)
        elif level == BoardWatch.Level.WATCHING and topic_levels.get(member_id) != TopicWatch.Level.NORMAL:
            offer(member_id, BOARD_ACTIVITY)

    # the mutes: of the author; of the topic or the board (nothing from there, mentions included)
    muted = set(Mute.objects.filter(muted_id=author_id, member_id__in=list(reasons)).values_list("member_id",
                                                                                             flat=True))
    muted |= {m for m, level in topic_levels.items() if level == TopicWatch.Level.MUTED}
    muted |= {m for m, level in board_levels.items() if level == BoardWatch.Level.MUTED}
    for member_id in muted:
        reasons.pop(member_id, None)
    # who may read it: active accounts that can see the topic, in a board they may see (a mention of a
    # member below the board's rank tells them nothing); a fixed number of queries for any count
    readers = list(User.objects.filter(pk__in=list(reasons), is_active=True).select_related("rank").only(
        "id", "is_active", "is_superuser", "is_global_moderator", "is_board_moderator", "rank_id", "rank__order"))
    if board.view_rank_id is not None:
        prime_board_access(readers)
    readable = {user.pk for user in readers if can_see_topic(user, topic)}
    return {member_id: reason for member_id, reason in reasons.items() if member_id in readable}


def notices_for(post: Post, reasons: dict[int, Reason]) -> list[NewNotice]:
    topic = post.topic
    params = {"actor": post.author.username, "topic": topic.title, "board": topic.board.name,
              "excerpt": excerpt(post)}
    items = []
    for member_id, reason in reasons.items():
        url = links.topic_unread_url(topic.pk) if reason.burst else links.post_url(post.pk)
        items.append(NewNotice(recipient_id=member_id, kind=reason.kind, verb=reason.verb, params=params, url=url,
                               actor_id=post.author_id, topic_key=topic.pk, dedupe_key=f"post:{post.pk}",
                               burst=reason.burst))
    return items


def fan_out(post_id: int) -> int:
    """Notify everyone who should hear of the post, CHUNK recipients per transaction; each chunk is marked
    done in its own transaction, so a retry (or a second worker) skips it. Returns notices made."""
    post = (Post.objects.select_related("topic__board__view_rank", "author", "reply_to").filter(pk=post_id).first())
    if post is None or not is_public(post):
        return 0
    reasons = recipients_for(post)
    ordered = sorted(reasons)
    made = 0
    for number, start in enumerate(range(0, max(len(ordered), 1), CHUNK)):  # an empty fan-out is marked done too
        chunk = {member_id: reasons[member_id] for member_id in ordered[start:start + CHUNK]}
        try:
            with transaction.atomic():
                FanoutMark.objects.create(post=post, chunk=number)
                made += deliver(items=notices_for(post, chunk))
        except IntegrityError:
            continue  # done before (a retried task, or another worker)
    return made
