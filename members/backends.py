from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend

from members.models import User


class AuthenticationBackend(AllauthBackend):
    """allauth's backend (log in with username or email), loading the member with their rank in the
    same query, since every page shows or checks it."""

    def get_user(self, user_id):
        user = User._default_manager.select_related("rank").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
