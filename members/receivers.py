"""What happens when someone logs in (connected in MembersConfig.ready)."""
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils.translation import gettext as _

from members.middleware import needs_second_factor


@receiver(user_logged_in)
def remind_staff_of_two_factor(sender, request, user, **kwargs):
    if request is not None and settings.STAFF_MFA_REQUIRED and needs_second_factor(user):
        messages.info(request, _("As staff, set up two-factor authentication (Settings, then Two-factor "
                                 "authentication) before you use moderation and admin pages."), fail_silently=True)
