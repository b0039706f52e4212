"""Writes to boards, topics and posts. Each function is one transaction and keeps every denormalized
counter (board and topic counts, last posts, post positions, member counts) exact.

  posting      start a topic, reply, edit (validation, rank limits, posting rate)
  engagement   likes and read positions
  topics       retitle and move; move all of a board's topics into another
  content      moderators' changes of state: hide, delete, restore, lock, pin, held posts
  scheduling   seed topics written ahead, and their publisher
  moderators   who moderates which board
  spam         a spammer's content taken off at once, and put back
  counters     the counters and fragment versions every write above keeps
"""
from boards.services.content import (
    FEATURED_LEVELS,
    TOPIC_FLAGS,
    post_clear,
    post_delete,
    post_hide,
    post_publish_held,
    post_refuse_held,
    post_restore,
    post_unhide,
    topic_feature,
    topic_set_flag,
    topic_set_hidden,
    topic_unfeature,
    topics_expired,
)
from boards.services.engagement import like_refusal, post_like, post_unlike, topic_mark_read
from boards.services.moderators import board_moderator_add, board_moderator_remove
from boards.services.posting import (
    RESERVED_SLUGS,
    board_render_rules,
    check_posting_rate,
    make_slug,
    post_create,
    post_edit,
    topic_create,
    validate_body,
    validate_title,
)
from boards.services.scheduling import (
    scheduled_topic_create,
    scheduled_topic_delete,
    scheduled_topic_update,
    scheduled_topics_publish_due,
)
from boards.services.spam import member_content_remove, member_content_restore
from boards.services.topics import board_topics_move, check_move_target, topic_retitle_move

__all__ = [
    "FEATURED_LEVELS", "topic_feature", "topic_unfeature", "topics_expired", "board_topics_move", "check_move_target",
    "RESERVED_SLUGS", "TOPIC_FLAGS", "board_moderator_add", "board_moderator_remove", "board_render_rules",
    "check_posting_rate", "like_refusal", "make_slug", "member_content_remove", "member_content_restore",
    "post_clear", "post_create", "post_delete", "post_edit",
    "post_hide", "post_like", "post_publish_held", "post_refuse_held", "post_restore", "post_unhide", "post_unlike",
    "scheduled_topic_create", "scheduled_topic_delete", "scheduled_topic_update", "scheduled_topics_publish_due",
    "topic_create", "topic_mark_read", "topic_retitle_move", "topic_set_flag", "topic_set_hidden",
    "validate_body", "validate_title",
]
