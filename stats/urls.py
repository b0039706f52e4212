from django.urls import path

from stats import views

app_name = "stats"

urlpatterns = [
    path("stats/", views.forum_stats, name="forum_stats"),
    path("stats/csv/<slug:table>.csv", views.forum_stats_csv, name="forum_stats_csv"),
    path("stats/b/<str:slug>/", views.board_stats, name="board_stats"),
    path("stats/b/<str:slug>/csv/<slug:table>.csv", views.board_stats_csv, name="board_stats_csv"),
]
