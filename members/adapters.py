from allauth.account.adapter import DefaultAccountAdapter

from members import services


class AccountAdapter(DefaultAccountAdapter):
    """Hooks allauth into Hearth: a confirmed email makes the member able to post."""

    def confirm_email(self, request, email_address):
        result = super().confirm_email(request, email_address)
        services.user_mark_email_verified(user=email_address.user)
        return result
