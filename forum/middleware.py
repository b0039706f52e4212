from django.conf import settings


class SecurityHeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy (settings.CSP, settings.PERMISSIONS_POLICY) on every
    response that does not set its own. Django's debug pages (DEBUG, errors) are inline-styled and
    scripted, so they go without the policy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not (settings.DEBUG and response.status_code >= 400):
            response.headers.setdefault("Content-Security-Policy", settings.CSP)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response
