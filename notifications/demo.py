"""A few unread notifications for the demo members, so that `make run` shows the header's count and the
notifications page at once. Connected to boards.signals.demo_seeded. Deterministic."""
from boards.models import Post, Topic
from forum import links
from notices.models import Notice
from notices.services import NewNotice, deliver
from notifications.fanout import excerpt
from notifications.models import BoardWatch, TopicWatch


def add_demo_notifications(sender=None, *, users, **kwargs) -> None:
    items = []
    for member in users[:4]:
        topics = list(Topic.objects.filter(author=member, is_hidden=False).order_by("-last_post_at", "-id")[:3])
        for topic in topics:
            TopicWatch.objects.get_or_create(member=member, topic=topic, defaults={"level": TopicWatch.Level.WATCHING})
            reply = (Post.objects.filter(topic=topic, position__gt=1, is_hidden=False, deleted_at__isnull=True)
                     .exclude(author=member).select_related("author").order_by("-position").first())
            if reply is None:
                continue
            items.append(NewNotice(recipient_id=member.pk, kind=Notice.Kind.REPLY, verb="replied_topic",
                                   params={"actor": reply.author.username, "topic": topic.title,
                                           "excerpt": excerpt(reply)},
                                   url=links.post_url(reply.pk), actor_id=reply.author_id, topic_key=topic.pk,
                                   dedupe_key=f"post:{reply.pk}"))
        first_board = topics[0].board_id if topics else None
        if first_board:
            BoardWatch.objects.get_or_create(member=member, board_id=first_board,
                                             defaults={"level": BoardWatch.Level.NEW_TOPICS})
    deliver(items=items)
