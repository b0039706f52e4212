"""Celery entry points of the notices app (autodiscovered): the email task is defined in notices.emails."""
from notices.emails import send_notice_email

__all__ = ["send_notice_email"]
