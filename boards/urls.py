from django.urls import path

from boards import views, views_seeding

app_name = "boards"

urlpatterns = [
    path("", views.board_index, name="board_index"),
    path("b/<str:slug>/", views.board_detail, name="board_detail"),
    path("b/<str:slug>/new/", views.topic_create, name="topic_create"),
    path("t/<int:topic_id>/", views.topic_redirect, name="topic_redirect"),
    path("t/<int:topic_id>/reply/", views.post_create, name="post_create"),
    path("t/<int:topic_id>/<str:slug>/", views.topic_detail, name="topic_detail"),
    path("p/<int:post_id>/", views.post_redirect, name="post_redirect"),
    path("p/<int:post_id>/edit/", views.post_edit, name="post_edit"),
    path("p/<int:post_id>/revisions/", views.post_revisions, name="post_revisions"),
    path("freshness/", views_seeding.freshness_overview, name="freshness"),
    path("freshness/boards/<int:board_id>/snooze/", views_seeding.board_snooze, name="board_snooze"),
    path("seed/", views_seeding.scheduled_list, name="scheduled_list"),
    path("seed/new/", views_seeding.scheduled_create, name="scheduled_create"),
    path("seed/<int:item_id>/edit/", views_seeding.scheduled_edit, name="scheduled_edit"),
    path("seed/<int:item_id>/delete/", views_seeding.scheduled_delete, name="scheduled_delete"),
]
