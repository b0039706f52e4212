from django.urls import path
from django.views.generic import RedirectView

from notices import views

app_name = "notices"

urlpatterns = [
    path("notifications/", views.notice_list, name="notice_list"),
    path("notifications/read/", views.notices_read, name="notices_read"),
    path("notifications/<str:notice_id>/read/", views.notice_read, name="notice_read"),
    path("notifications/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    # the page's first address
    path("notices/", RedirectView.as_view(pattern_name="notices:notice_list", permanent=True)),
    path("notices/read/", views.notices_read),
]
