"""Corrective actions (contract; the corrective-action work fills in the bodies)."""

from __future__ import annotations


def actions_open_for_audit(*, audit, actor=None) -> list:
    """Open a corrective action for every finding of ``audit``'s final score whose severity has
    an SLA (observations open none), due ``due_days`` or ``sla_days[severity]`` after
    acceptance; grant permissions; mark earlier open actions of the same supplier and
    questionnaire whose rule no longer fires as suggested for verification.
    Runs inside the caller's transaction (``audit_accept``). Returns the actions opened."""
    return []


def send_action_reminders(*, today) -> int:
    """Mail reminders for corrective actions due in 7 days, in 1 day, or overdue, at most once
    per action per day (``ReminderLog``). Returns the number of mails scheduled."""
    return 0
