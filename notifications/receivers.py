"""What the notifications app does when the boards layer tells it something (boards.signals)."""
import logging
import time

from django.db import transaction
from django.utils import timezone

from boards.models import Post
from boards.permissions import can_see_topic
from forum import links
from forum.lazy import enqueue
from notices.models import Notice
from notices.services import notice_add_one
from notifications import services
from notifications.models import Mute

logger = logging.getLogger(__name__)

# After the broker refused a fan-out, the web stops trying for a while; the sweeper (the task
# notifications.fan_out_missed) catches up.
BROKER_REST_SECONDS = 10
_broker_down_until = 0.0


def queue_fan_out(post_id: int) -> None:
    """Queue a post's fan-out from a web request, never holding the request up: one quick try at the
    broker; when Redis is down the post is posted all the same and `fan_out_missed` notifies later."""
    global _broker_down_until
    if time.monotonic() < _broker_down_until:
        return
    try:
        enqueue("notifications.tasks.fan_out_post", args=[post_id], retry=False)
    except Exception:
        _broker_down_until = time.monotonic() + BROKER_REST_SECONDS
        logger.warning("broker unavailable: the post's notifications wait for the sweeper",
                       extra={"post_id": post_id})


def post_published(sender, *, post: Post, created: bool, **kwargs) -> None:
    services.watch_on_post(post=post, created=created)
    post_id = post.pk
    transaction.on_commit(lambda: queue_fan_out(post_id), robust=True)


def post_liked(sender, *, post: Post, member, **kwargs) -> None:
    """One notice per post per day, counting its likers ("3 people liked your post")."""
    if post.author_id == member.pk or Mute.objects.filter(member_id=post.author_id, muted=member).exists():
        return
    if not can_see_topic(post.author, post.topic):  # their rank fell below the board's since they wrote it
        return
    day = timezone.localdate()
    notice_add_one(recipient_id=post.author_id, kind=Notice.Kind.LIKE, verb="liked", url=links.post_url(post.pk),
                   params={"actor": member.username, "topic": post.topic.title}, actor_id=member.pk,
                   topic_key=post.topic_id, dedupe_key=f"like:{post.pk}:{day.isoformat()}")


def board_topics_moved(sender, *, source, target, **kwargs) -> None:
    """No fan-out: moved topics are not new. Watchers of the old board follow its topics to the new one."""
    services.board_watches_follow(source=source, target=target)
