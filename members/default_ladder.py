"""The default rank ladder, learned from Discourse's trust levels and phpBB's ranks (see README, "Ranks").

Plain data, shared by the migration that installs it and by `ensure_default_ladder()`. Admins edit
the installed ladder in the Django admin.
"""

LADDER = [
    dict(order=0, name="Newcomer", badge_colour="#6b7280", window_days=0,
         description="Welcome! Your first posts wait for a moderator, and links and images are limited.",
         approval_posts=2, max_links=2, max_images=1, posts_per_minute=3, report_weight=1),
    dict(order=1, name="Member", badge_colour="#2563eb", window_days=0,
         description="Has read around: posts go out at once.",
         min_days_visited=2, min_topics_entered=5, min_posts_read=30,
         posts_per_minute=10, report_weight=1),
    dict(order=2, name="Regular", badge_colour="#047857", window_days=100,
         description="Takes part week after week; reports weigh more.",
         min_days_visited=15, min_posts=10, min_topics_replied=3, min_topics_entered=20, min_posts_read=100,
         min_likes_received=1, min_likes_given=1, max_upheld_reports=2,
         posts_per_minute=10, report_weight=2, invites_per_month=2),
    dict(order=3, name="Veteran", badge_colour="#b45309", window_days=100,
         description="A pillar of the community: may retitle and move topics in the boards they are active in.",
         min_days_visited=50, min_posts=30, min_topics_replied=10, min_topics_entered=50, min_posts_read=500,
         min_likes_received=20, min_distinct_likers=5, min_likes_given=30, max_upheld_reports=1,
         requires_clean_record=True, posts_per_minute=10, report_weight=3, can_retitle_and_move=True,
         invites_per_month=5),
    dict(order=4, name="Moderator", badge_colour="#b4471f", window_days=100,
         description="Trusted to look after the board they care for.",
         min_days_visited=70, min_posts=60, min_topics_replied=20, min_topics_entered=100, min_posts_read=1000,
         min_likes_received=50, min_distinct_likers=10, min_likes_given=50, max_upheld_reports=0,
         requires_clean_record=True, posts_per_minute=10, report_weight=4, can_retitle_and_move=True,
         grants_moderation=True, invites_per_month=10),
]

# fields added to Rank after the migration that installs the ladder: migrations that run before theirs
# leave them out, and members/migrations/0013_rank_invite_quotas sets them
INVITE_QUOTAS = {step["order"]: step.get("invites_per_month", 0) for step in LADDER}


def ensure_default_ladder(rank_model) -> None:
    """Install the ladder when there is none (a fresh database, or a test database just flushed)."""
    if rank_model.objects.exists():
        return
    known = {f.name for f in rank_model._meta.get_fields()}  # a migration's historical model may lack some
    for step in LADDER:
        rank_model.objects.create(**{key: value for key, value in step.items() if key in known})
