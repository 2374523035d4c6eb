"""Corrective-action services (DESIGN section 4): the workflow table (``transitions``), the
moves (``moves``), opening from an accepted audit (``opening``) and the daily reminders
(``reminders``). Callers import from here."""

from .bulk import BULK_MOVES, actions_bulk
from .moves import (
    action_accept_plan,
    action_cancel,
    action_comment,
    action_evidence_add,
    action_extend_due_date,
    action_reject_evidence,
    action_reject_plan,
    action_submit_evidence,
    action_submit_plan,
    action_verify,
)
from .opening import actions_notify_released, actions_open_for_audit
from .reminders import send_action_reminders
from .transitions import (
    ACTIONS,
    EVIDENCE_UPLOAD_STATES,
    OPEN_STATES,
    RESPOND,
    REVIEW,
    allowed_moves,
    buyer_recipients,
    supplier_recipients,
)

__all__ = [
    "ACTIONS",
    "BULK_MOVES",
    "EVIDENCE_UPLOAD_STATES",
    "OPEN_STATES",
    "RESPOND",
    "REVIEW",
    "action_accept_plan",
    "action_cancel",
    "action_comment",
    "action_evidence_add",
    "action_extend_due_date",
    "action_reject_evidence",
    "action_reject_plan",
    "action_submit_evidence",
    "action_submit_plan",
    "action_verify",
    "actions_bulk",
    "actions_notify_released",
    "actions_open_for_audit",
    "allowed_moves",
    "buyer_recipients",
    "send_action_reminders",
    "supplier_recipients",
]
