"""Watching topics and boards, muting members."""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from boards.models import Board, Post, Topic
from members.models import User
from notices.services import preferences_for
from notifications.models import BoardWatch, Mute, TopicWatch


@transaction.atomic
def topic_watch_set(*, member: User, topic: Topic, level: str) -> TopicWatch:
    if level not in TopicWatch.Level.values:
        raise ValidationError(_("Pick how closely to follow this topic."))
    watch, _created = TopicWatch.objects.update_or_create(member=member, topic=topic, defaults={"level": level})
    return watch


@transaction.atomic
def board_watch_set(*, member: User, board: Board, level: str) -> BoardWatch:
    if level not in BoardWatch.Level.values:
        raise ValidationError(_("Pick how closely to follow this board."))
    watch, _created = BoardWatch.objects.update_or_create(member=member, board=board, defaults={"level": level})
    return watch


def board_watches_follow(*, source: Board, target: Board) -> int:
    """All of `source`'s topics moved into `target`: whoever watched `source` for new posts or new topics
    now watches `target` the same way, unless they already chose a level for `target` (muting it included).
    Mutes and the normal level are not carried: they ask for nothing. Two queries; returns how many
    members now watch `target`."""
    chosen = BoardWatch.objects.filter(board=target).values("member_id")
    carried = [BoardWatch(member_id=member_id, board=target, level=level) for member_id, level in
               BoardWatch.objects.filter(board=source, level__in=[BoardWatch.Level.WATCHING,
                                                                  BoardWatch.Level.NEW_TOPICS])
               .exclude(member_id__in=chosen).order_by("member_id").values_list("member_id", "level")]
    BoardWatch.objects.bulk_create(carried, ignore_conflicts=True)  # a watch set meanwhile stands
    return len(carried)


def watch_on_post(*, post: Post, created: bool) -> None:
    """Starting a topic watches it; replying watches it too, unless the member turned that off or chose a
    level for the topic before."""
    if not created:
        return
    if post.position == 1 or preferences_for([post.author_id])[post.author_id].watch_replied_topics:
        TopicWatch.objects.get_or_create(member_id=post.author_id, topic_id=post.topic_id,
                                         defaults={"level": TopicWatch.Level.WATCHING})


@transaction.atomic
def member_mute(*, member: User, other: User, mute: bool) -> bool:
    if other.pk == member.pk:
        raise ValidationError(_("You can't mute yourself."))
    if mute:
        Mute.objects.get_or_create(member=member, muted=other)
    else:
        Mute.objects.filter(member=member, muted=other).delete()
    return mute
