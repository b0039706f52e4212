from django.urls import path

from members import views, views_ranks

app_name = "members"

urlpatterns = [
    path("u/<str:username>/", views.profile, name="profile"),
    path("u/<str:username>/standing/", views_ranks.standing, name="member_standing"),
    path("u/<str:username>/moderation/", views_ranks.member_moderation, name="member_moderation"),
    path("members/", views_ranks.member_list, name="member_list"),
    path("standing/", views_ranks.standing, name="standing"),
    path("promotions/", views_ranks.promotions_page, name="promotions"),
    path("promotions/<int:proposal_id>/", views_ranks.proposal_decide, name="proposal_decide"),
    path("settings/", views.preferences, name="preferences"),
    path("notices/", views.notices, name="notices"),
    path("notices/read/", views.notices_read, name="notices_read"),
]
