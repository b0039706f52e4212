from django.conf import settings


def site(request):
    return {"SITE_NAME": settings.HEARTH["SITE_NAME"], "SITE_URL": settings.HEARTH["SITE_URL"]}
