from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from forum import admin_login, views

# The project's composition root: the one module of `forum` that names the apps above it. moderation
# and notifications come before boards: their t/<id>/manage/ and t/<id>/watch/ must win over the slugged
# topic URL.
urlpatterns = [
    path("", include("moderation.urls")),
    path("", include("notifications.urls")),
    path("", include("boards.urls")),
    path("", include("members.urls")),
    path("", include("notices.urls")),
    path("", include("standing.urls")),
    path("", include("search.urls")),
    path("", include("stats.urls")),
    # allauth.urls without its 2FA part, which members.mfa_urls replaces (the same URLs, its heavy views lazy)
    path("accounts/", include("allauth.account.urls")),
    path("accounts/2fa/", include("members.mfa_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("admin/login/", admin_login.admin_login),  # before the admin's own: the site's login, its limits and MFA
    path("admin/", admin.site.urls),
]

handler500 = "forum.views.server_error"  # a database outage answers 503 (forum/outage.py)

if settings.DEBUG:
    # Let `make run` show the custom error pages at /__errors/404 etc.
    urlpatterns += [path("__errors/<int:code>", views.error_preview)]
