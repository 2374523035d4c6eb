"""Daily reminders (DESIGN section 4): 7 days and 1 day before the due date, and when overdue,
at most once per audit per day. The daily job that also reminds of corrective actions is
``flows.services.send_daily_reminders``.

A reminder is claimed (a ``ReminderLog`` row) in the transaction that hands its mail over
(``remind``): when the mail system refuses it, the claim rolls back, the run goes on with the
next item, and a later run the same day tries again.
"""

from __future__ import annotations

import datetime
import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.mail import HANDOVER_ERRORS, notify_now
from accounts.models import User
from activity.models import ReminderLog
from audits.models import Audit
from audits.services.common import mail_context, supplier_admins

logger = logging.getLogger(__name__)

REASONS = {7: "due_7d", 1: "due_1d"}


def reminder_reason(due_date: datetime.date, today: datetime.date) -> str | None:
    """Why an item due on ``due_date`` gets a reminder today, or None."""
    if due_date < today:
        return "overdue"
    return REASONS.get((due_date - today).days)


def claim_reminder(
    *, kind: str, object_id: int, reason: str, today: datetime.date, recipients: int
) -> bool:
    """Log today's reminder for one item; False when a run already did (at most one a day).
    Call it inside the transaction that hands the mail over (``remind`` does)."""
    try:
        with transaction.atomic():
            ReminderLog.objects.create(
                kind=kind, object_id=object_id, reason=reason, sent_on=today, recipients=recipients
            )
    except IntegrityError:
        return False  # a parallel or earlier run logged this item today: it sends the mail
    return True


def remind(
    *,
    kind: str,
    object_id: int,
    reason: str,
    today: datetime.date,
    recipients: list[User],
    template: str,
    context: dict,
) -> int:
    """Claim today's reminder for one item and hand its mail over, in one transaction: returns
    the number of recipients mailed, 0 when the item was already reminded today or when the
    mail could not be handed over (logged; the claim is rolled back for a later run)."""
    try:
        with transaction.atomic():
            if not claim_reminder(
                kind=kind,
                object_id=object_id,
                reason=reason,
                today=today,
                recipients=len(recipients),
            ):
                return 0
            return notify_now(recipients, template, context)
    except HANDOVER_ERRORS:
        logger.exception(
            "Reminder %s %s (%s) not sent; it stays due today", kind, object_id, reason
        )
        return 0


def _recipients(audit: Audit, admins: dict[int, list[User]]) -> list[User]:
    """The assigned respondents, or the supplier's admins when nobody is assigned."""
    respondents = [u for u in audit.respondents.all() if u.is_active]
    return respondents or admins.get(audit.supplier_id, [])


def send_reminders(*, today: datetime.date | None = None) -> int:
    """Mail the audit reminders due ``today`` (default: the local date); returns the number of
    mails scheduled. Running it twice on one day sends nothing more: ``ReminderLog`` holds one
    row per audit and day."""
    today = today or timezone.localdate()
    due_days = [today + datetime.timedelta(days=d) for d in REASONS]
    audits = list(
        (
            Audit.objects.overdue(today)
            | Audit.objects.filter(status__in=Audit.OVERDUE_STATES, due_date__in=due_days)
        )
        .exclude(
            pk__in=ReminderLog.objects.filter(kind=ReminderLog.Kind.AUDIT, sent_on=today).values(
                "object_id"
            )
        )
        .select_related("buyer", "supplier", "questionnaire_version")
        .prefetch_related("respondents")
    )
    admins = supplier_admins(list({a.supplier_id for a in audits}))
    sent = 0
    for audit in audits:
        reason = reminder_reason(audit.due_date, today)
        if reason is None:
            continue
        sent += remind_audit(
            audit, reason=reason, today=today, recipients=_recipients(audit, admins)
        )
    return sent


def remind_audit(audit: Audit, *, reason: str, today: datetime.date, recipients: list[User]) -> int:
    """Claim today's reminder of ``audit`` and mail it (``remind``); 0 when it was already
    reminded today. ``reason``: due_7d, due_1d, overdue, or manual (a buyer's "remind now")."""
    return remind(
        kind=ReminderLog.Kind.AUDIT,
        object_id=audit.pk,
        reason=reason,
        today=today,
        recipients=recipients,
        template="audits/email/audit_reminder",
        context=mail_context(audit, reason=reason, days_overdue=(today - audit.due_date).days),
    )


def audits_remind_now(audits: list[Audit], *, today: datetime.date | None = None) -> list[int]:
    """A buyer's "remind now" for ``audits`` (the caller checked the right and the states):
    each one at most once a day, counting the daily run's reminders; returns the ids
    reminded. Each reminder is its own transaction, so a refused mail leaves the others sent."""
    today = today or timezone.localdate()
    admins = supplier_admins(list({a.supplier_id for a in audits}))
    reminded = []
    for audit in audits:
        reason = "overdue" if audit.due_date < today else "manual"
        if remind_audit(audit, reason=reason, today=today, recipients=_recipients(audit, admins)):
            reminded.append(audit.pk)
    return reminded
