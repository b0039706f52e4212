"""Events the boards layer sends upward, inside the write's transaction. Higher layers connect receivers
in their AppConfig.ready() (moderation opens approval cases and logs moderators' edits); boards never
imports them."""
from django.dispatch import Signal

# A post was written (a topic's first post, or a reply; held or not). kwargs: post (its topic loaded)
post_created = Signal()

# Posts were bulk-loaded without a post_created each (the demo and bench forums). No kwargs.
posts_loaded = Signal()

# A post was held for a moderator's approval. kwargs: post
post_held = Signal()

# A post's text (or its topic's title) was changed. kwargs: post, editor, before, after, title_before,
# title_after
post_edited = Signal()

# The demo forum of `seed_demo` was loaded (inside its transaction): higher layers add their own demo
# history. kwargs: users (the demo members, oldest first)
demo_seeded = Signal()

# A topic was retitled or moved. kwargs: topic, actor, before, after, log_it (False when the caller logs
# it itself)
topic_moved = Signal()

# Every topic of a board was moved into another at once (an admin's move; hidden and held topics too).
# kwargs: source, target (the boards, counters already moved), actor, topic_ids, topics and posts (what the
# boards' lists counted), archived (the emptied board was archived too), reason
board_topics_moved = Signal()

# A post became visible to everyone who may read its board: written (not held), or approved. Sent inside
# the transaction; receivers that reach many members queue their work with transaction.on_commit.
# kwargs: post, created (False: approved later)
post_published = Signal()

# A member liked a post. kwargs: post, member
post_liked = Signal()
