from django.conf import settings


def site(request):
    return {"SITE_NAME": settings.HEARTH["SITE_NAME"]}
