"""Events the members layer sends upward (higher apps connect receivers in their AppConfig.ready())."""
from django.dispatch import Signal

# An admin changed a member's powers or standing in the Django admin. kwargs: member, actor, changed
# (field names), after (the new values, as text)
member_standing_changed = Signal()

# A new account waits for a moderator to let it in (registration by approval), sent inside the signup's
# transaction. kwargs: member, held_terms (word filter "hold" terms found in the reason, as text)
member_waiting_to_join = Signal()
