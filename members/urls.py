from django.urls import path

from members import views

app_name = "members"

urlpatterns = [
    path("settings/", views.preferences, name="preferences"),
    path("settings/invites/", views.invites, name="invites"),
    # before allauth's own (forum/urls.py includes this first): the bot checks of members.signup
    path("accounts/signup/", views.signup_view, name="signup"),
]
