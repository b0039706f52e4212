from django.urls import path

from boards import views, views_actions, views_seeding
from boards.sitemaps import SITEMAPS
from forum.lazy import lazy_view

app_name = "boards"

# Feeds and sitemaps (Django's syndication and sitemaps views, an XML writer) load on their first request.
urlpatterns = [
    path("", views.board_index, name="board_index"),
    path("feeds/latest.rss", lazy_view("boards.feeds.latest_topics"), name="feed_latest"),
    path("feeds/latest.atom", lazy_view("boards.feeds.latest_topics_atom"), name="feed_latest_atom"),
    path("sitemap.xml", lazy_view("django.contrib.sitemaps.views.index"),
         {"sitemaps": SITEMAPS, "sitemap_url_name": "boards:sitemap_section"}, name="sitemap"),
    path("sitemap-<section>.xml", lazy_view("django.contrib.sitemaps.views.sitemap"),
         {"sitemaps": SITEMAPS}, name="sitemap_section"),
    path("b/<str:slug>/feed.rss", lazy_view("boards.feeds.board_topics"), name="feed_board"),
    path("b/<str:slug>/feed.atom", lazy_view("boards.feeds.board_topics_atom"), name="feed_board_atom"),
    path("t/<int:topic_id>/feed.rss", lazy_view("boards.feeds.topic_posts"), name="feed_topic"),
    path("t/<int:topic_id>/feed.atom", lazy_view("boards.feeds.topic_posts_atom"), name="feed_topic_atom"),
    path("featured/", views.featured, name="featured"),
    path("b/<str:slug>/", views.board_detail, name="board_detail"),
    path("b/<str:slug>/new/", views.topic_create, name="topic_create"),
    path("t/<int:topic_id>/", views.topic_redirect, name="topic_redirect"),
    path("t/<int:topic_id>/reply/", views.post_create, name="post_create"),
    # before the slugged topic URL; make_slug never hands out these words as slugs ("manage" is moderation's)
    path("t/<int:topic_id>/unread/", views_actions.topic_unread, name="topic_unread"),
    path("t/<int:topic_id>/<str:slug>/", views.topic_detail, name="topic_detail"),
    path("p/<int:post_id>/", views.post_redirect, name="post_redirect"),
    path("p/<int:post_id>/edit/", views.post_edit, name="post_edit"),
    path("p/<int:post_id>/revisions/", views.post_revisions, name="post_revisions"),
    path("p/<int:post_id>/like/", views_actions.post_like, name="post_like"),
    path("freshness/", views_seeding.freshness_overview, name="freshness"),
    path("freshness/boards/<int:board_id>/snooze/", views_seeding.board_snooze, name="board_snooze"),
    path("freshness/boards/<int:board_id>/move-topics/", views_seeding.board_move_topics, name="board_move_topics"),
    path("seed/", views_seeding.scheduled_list, name="scheduled_list"),
    path("seed/new/", views_seeding.scheduled_create, name="scheduled_create"),
    path("seed/<int:item_id>/edit/", views_seeding.scheduled_edit, name="scheduled_edit"),
    path("seed/<int:item_id>/delete/", views_seeding.scheduled_delete, name="scheduled_delete"),
]
