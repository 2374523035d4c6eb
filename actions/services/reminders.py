"""The daily corrective-action reminders (a job: it acts as the system)."""

from __future__ import annotations

import datetime

from django.db.models import Q

from actions.models import CorrectiveAction
from activity.models import ReminderLog
from audits.services.reminders import remind, reminder_reason

from .transitions import mail_context, recipients

Status = CorrectiveAction.Status


def _whose_move(action: CorrectiveAction) -> str:
    # A plan or evidence waiting for review is the buyer's to move; everything else the
    # supplier's.
    if action.status in (Status.PLAN_SUBMITTED, Status.EVIDENCE_SUBMITTED):
        return "buyer"
    return "supplier"


def send_action_reminders(*, today: datetime.date) -> int:
    """Mail reminders for corrective actions due in 7 days, in 1 day, or overdue, at most once
    per action per day (``ReminderLog``), each claimed with its mail handed over (``remind``).
    Returns the number of mails scheduled.

    The reminder goes to the side whose move it is (the supplier for open / plan accepted, the
    buyer for a plan or evidence awaiting review)."""
    due_soon = [today + datetime.timedelta(days=7), today + datetime.timedelta(days=1)]
    already = ReminderLog.objects.filter(kind=ReminderLog.Kind.ACTION, sent_on=today).values_list(
        "object_id", flat=True
    )
    actions = CorrectiveAction.objects
    candidates = (
        (actions.overdue(today) | actions.open().filter(Q(due_date__in=due_soon)))
        .exclude(pk__in=already)
        .select_related("finding", "audit", "buyer", "supplier")
        .order_by("due_date", "pk")
    )
    sent = 0
    for action in candidates:
        reason = reminder_reason(action.due_date, today)
        if reason is None:
            continue
        sent += remind(
            kind=ReminderLog.Kind.ACTION,
            object_id=action.pk,
            reason=reason,
            today=today,
            recipients=recipients(action, _whose_move(action)),
            template="actions/email/action_reminder",
            context=mail_context(
                action,
                reason=reason,
                days_left=(action.due_date - today).days,
                days_overdue=max((today - action.due_date).days, 0),
            ),
        )
    return sent
