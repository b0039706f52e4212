"""Reporting and moderating.

  reports     reports gather into cases; auto-hide; held posts wait as cases
  actions     every act on content and members, as a table of verbs; resolving cases; bulk
  approvals   deciding on held posts (new accounts waiting to join: verbs approve_member, refuse_member)
  cases       claiming a case, internal notes
  reminders   cases left open too long
  spammers    delete a spammer in one action, and undo it
  log         the append-only log and the board rules a decision cites
"""
from moderation.services.actions import (
    ALL_ACTIONS,
    MEMBER_ACTIONS,
    POST_ACTIONS,
    TOPIC_ACTIONS,
    UPHOLDING,
    VERBS,
    AlreadyResolved,
    act_directly,
    bulk_act,
    case_act,
    expire_pins_and_features,
)
from moderation.services.approvals import post_approve, post_reject
from moderation.services.cases import case_add_note, case_claim
from moderation.services.log import board_rules, check_rule, log
from moderation.services.reminders import remind_stale_cases, stale_cases
from moderation.services.reports import (
    case_target,
    hold_for_approval,
    open_case_for,
    report_create,
    signup_case_open,
)
from moderation.services.spammers import can_undo, spammer_delete, spammer_refusal, spammer_undo, undo_deadline

__all__ = [
    "ALL_ACTIONS", "MEMBER_ACTIONS", "POST_ACTIONS", "TOPIC_ACTIONS", "UPHOLDING", "VERBS", "AlreadyResolved",
    "act_directly", "board_rules", "bulk_act", "case_act", "case_add_note", "case_claim", "case_target",
    "check_rule", "hold_for_approval", "log", "open_case_for", "post_approve", "post_reject",
    "remind_stale_cases", "report_create", "spammer_delete", "spammer_refusal", "spammer_undo", "stale_cases",
    "can_undo", "undo_deadline", "expire_pins_and_features", "signup_case_open",
]
