from django.urls import path

from standing import views

app_name = "standing"

urlpatterns = [
    path("u/<str:username>/", views.profile, name="profile"),
    path("u/<str:username>/standing/", views.standing, name="member_standing"),
    path("u/<str:username>/moderation/", views.member_moderation, name="member_moderation"),
    path("members/", views.member_list, name="member_list"),
    path("standing/", views.standing, name="standing"),
    path("promotions/", views.promotions_page, name="promotions"),
    path("promotions/<int:proposal_id>/", views.proposal_decide, name="proposal_decide"),
]
