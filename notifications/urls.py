from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("t/<int:topic_id>/watch/", views.watch_topic, name="watch_topic"),
    path("b/<str:slug>/watch/", views.watch_board, name="watch_board"),
    path("u/<str:username>/mute/", views.mute_member, name="mute_member"),
    path("settings/notifications/", views.notification_settings, name="settings"),
]
