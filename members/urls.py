from django.urls import path

from members import views

app_name = "members"

urlpatterns = [
    path("u/<str:username>/", views.profile, name="profile"),
    path("settings/", views.preferences, name="preferences"),
]
