"""What happens when someone logs in (connected in MembersConfig.ready)."""
from pathlib import Path

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


@receiver(user_logged_in)
def forget_the_admin_password_file(sender, request, user, **kwargs):
    """ensure_admin's var/admin-credentials.txt has done its job once that admin has logged in."""
    note = Path(settings.VAR_DIR) / "admin-credentials.txt"
    if user.is_superuser and note.is_file() and f"username: {user.username}\n" in note.read_text(encoding="utf-8"):
        note.unlink(missing_ok=True)
