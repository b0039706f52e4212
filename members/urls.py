from django.urls import path

from members import views

app_name = "members"

urlpatterns = [
    path("u/<str:username>/", views.profile, name="profile"),
    path("settings/", views.preferences, name="preferences"),
    path("notices/", views.notices, name="notices"),
    path("notices/read/", views.notices_read, name="notices_read"),
]
