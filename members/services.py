import logging
import secrets

from django.db import transaction

from members.models import User

logger = logging.getLogger(__name__)


def user_mark_email_verified(*, user: User) -> User:
    if not user.email_verified:
        User.objects.filter(pk=user.pk).update(email_verified=True)
        user.email_verified = True
        logger.info("email verified", extra={"user_id": user.pk})
    return user


@transaction.atomic
def admin_ensure(*, username: str, email: str, password: str | None = None) -> tuple[User, str | None]:
    """Create the site admin once. Returns (user, password) with the password only when created."""
    from allauth.account.models import EmailAddress

    existing = User.objects.filter(username=username).first()
    if existing is not None:
        return existing, None
    password = password or secrets.token_urlsafe(12)
    user = User.objects.create_superuser(username=username, email=email, password=password)
    user.email_verified = True
    user.save(update_fields=["email_verified"])
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
    return user, password


def user_update_preferences(*, user: User, timezone: str) -> User:
    User.objects.filter(pk=user.pk).update(timezone=timezone)
    user.timezone = timezone
    return user
