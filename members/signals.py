"""Events the members layer sends upward (higher apps connect receivers in their AppConfig.ready())."""
from django.dispatch import Signal

# An admin changed a member's powers or standing in the Django admin. kwargs: member, actor, changed
# (field names), after (the new values, as text)
member_standing_changed = Signal()
