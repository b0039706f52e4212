"""allauth.mfa's URLs at /accounts/2fa/, the same routes and names as allauth/mfa/urls.py (and the urls.py of
its base, totp and recovery_codes packages) lay them out, but every view loads on its first request: these
are pages a member opens once or twice, and their modules weigh on every web worker, the base views most
(they import allauth's WebAuthn flows, with fido2 and cryptography's OpenSSL bindings, about 9 MiB, for a
method Hearth does not offer: MFA_SUPPORTED_TYPES is TOTP and recovery codes).
tests/test_mfa.py checks that the routes, names and views match allauth's own."""
from allauth.mfa import app_settings
from django.urls import include, path

from forum.lazy import lazy_view

urlpatterns = [
    path("", lazy_view("allauth.mfa.base.views.index"), name="mfa_index"),
    path("authenticate/", lazy_view("allauth.mfa.base.views.authenticate"), name="mfa_authenticate"),
    path("reauthenticate/", lazy_view("allauth.mfa.base.views.reauthenticate"), name="mfa_reauthenticate"),
]
if app_settings._TRUST_STAGE_ENABLED:  # as allauth/mfa/base/urls.py decides it
    urlpatterns.append(path("trust/", lazy_view("allauth.mfa.base.views.trust"), name="mfa_trust"))
if "totp" in app_settings.SUPPORTED_TYPES:
    urlpatterns.append(path("totp/", include([
        path("activate/", lazy_view("allauth.mfa.totp.views.activate_totp"), name="mfa_activate_totp"),
        path("deactivate/", lazy_view("allauth.mfa.totp.views.deactivate_totp"), name="mfa_deactivate_totp"),
    ])))
if "recovery_codes" in app_settings.SUPPORTED_TYPES:
    urlpatterns.append(path("recovery-codes/", include([
        path("", lazy_view("allauth.mfa.recovery_codes.views.view_recovery_codes"), name="mfa_view_recovery_codes"),
        path("generate/", lazy_view("allauth.mfa.recovery_codes.views.generate_recovery_codes"),
             name="mfa_generate_recovery_codes"),
        path("download/", lazy_view("allauth.mfa.recovery_codes.views.download_recovery_codes"),
             name="mfa_download_recovery_codes"),
    ])))
if "webauthn" in app_settings.SUPPORTED_TYPES:  # not offered; were it ever, its views load with the URLconf
    urlpatterns.append(path("webauthn/", include("allauth.mfa.webauthn.urls")))
