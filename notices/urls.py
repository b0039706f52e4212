from django.urls import path

from notices import views

app_name = "notices"

urlpatterns = [
    path("notices/", views.notice_list, name="notice_list"),
    path("notices/read/", views.notices_read, name="notices_read"),
]
