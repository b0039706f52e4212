from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from forum.clientip import client_ip
from members import joining, services
from members.models import RegistrationMode, User
from wordfilter.services import check_name


class AccountAdapter(DefaultAccountAdapter):
    """Hooks allauth into Hearth: a confirmed email makes the member able to post."""

    def confirm_email(self, request, email_address):
        result = super().confirm_email(request, email_address)
        services.user_mark_email_verified(user=email_address.user)
        return result

    def is_open_for_signup(self, request):
        """Closed registration (members.joining): the signup page says so, and nothing is made."""
        return joining.is_open(joining.registration_mode())

    def clean_username(self, username, shallow=False):
        """No filtered term (词语过滤) in a username, whatever the term's action."""
        username = super().clean_username(username, shallow=shallow)
        check_name(username)
        return username

    def clean_email(self, email):
        email = super().clean_email(email)
        if services.email_is_disposable(email):
            raise ValidationError(_("Addresses from throwaway mail services can't be used here. Use one you keep."))
        return email

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        if commit and user.pk:
            services.signup_record_create(user=user, ip=client_ip(request) if request is not None else None)
            admission = getattr(form, "admission", None)
            if admission is None:  # a form other than ours: it asked nothing, so a moderator decides
                mode = joining.registration_mode()
                admission = joining.Admission(mode=RegistrationMode.OPEN if mode == RegistrationMode.OPEN
                                              else RegistrationMode.APPROVAL)
            services.signup_admit(user=user, admission=admission)
        return user

    def get_client_ip(self, request):
        """allauth's per-address limits count the same address as Hearth's (TRUSTED_PROXY_COUNT)."""
        return client_ip(request)

    def _get_login_attempts_cache_key(self, request, **credentials):
        """Failed logins count per account. allauth's own key starts with the Host header's domain and port,
        so each name or port the site answers on had its own five tries; and a member's username and email
        name one account, so they share one count."""
        login = (credentials.get("email") or credentials.get("username") or "").strip().lower()
        account = (User.objects.filter(Q(username__iexact=login) | Q(email__iexact=login))
                   .order_by("pk").values_list("pk", flat=True).first()) if login else None
        return f"account:{account}" if account is not None else f"login:{login}"
