"""A buyer gives suppliers more time: an audit's due date moves later, with a reason the supplier
reads (DESIGN section 4). Reminders follow the new date, since the daily job reads ``due_date``.

One audit, or many at once (a campaign's stragglers): a bulk extension is all or nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.mail import notify
from accounts.models import User
from audits.models import Audit
from backend.errors import Conflict

from .common import locked, mail_context, supplier_recipients
from .transitions import AUDITS


def _clean(due_date: datetime.date | None):
    def clean(audit: Audit) -> dict[str, list[str]]:
        if due_date is None:
            return {"due_date": [_("This field is required.")]}
        if due_date <= audit.due_date:
            return {
                "due_date": [
                    _("The new due date must be after the current one (%(due)s).")
                    % {"due": audit.due_date.isoformat()}
                ]
            }
        if due_date < timezone.localdate():
            return {"due_date": [_("The new due date is in the past.")]}
        return {}

    return clean


def _extend(audit: Audit, *, actor: User | None, due_date, reason: str) -> Audit:
    audit = locked(audit)
    old = audit.due_date
    AUDITS.perform(
        audit,
        "extend",
        actor=actor,
        comment=reason,
        clean=_clean(due_date),
        changes={"due_date": due_date},
        data={
            "old_due_date": old.isoformat(),
            "new_due_date": due_date.isoformat() if due_date else None,
        },
    )
    notify(
        supplier_recipients(audit),
        "audits/email/due_date_extended",
        mail_context(audit, comment=(reason or "").strip(), old_due_date=old),
    )
    return audit


@transaction.atomic
def audit_extend_due_date(
    *, audit: Audit, actor: User | None, due_date: datetime.date | None, reason: str
) -> Audit:
    """Move ``audit``'s due date to ``due_date`` (later than the current one, not in the past)
    while the supplier still owes its answers; ``reason`` is required and reaches the
    supplier by mail and in the audit's history."""
    return _extend(audit, actor=actor, due_date=due_date, reason=reason)


@transaction.atomic
def audits_extend_due_date(
    *, audits: Iterable[Audit], actor: User | None, due_date: datetime.date | None, reason: str
) -> list[Audit]:
    """The same extension for several audits: all of them or, when one cannot move, none (the
    error names that audit). Rows are locked in id order, so two bulk extensions never wait on
    each other in a cycle."""
    done = []
    for audit in sorted(audits, key=lambda a: a.pk):
        try:
            done.append(_extend(audit, actor=actor, due_date=due_date, reason=reason))
        except ValidationError as exc:
            raise ValidationError(
                {
                    field: [f"#{audit.pk}: {m}" for m in messages]
                    for field, messages in exc.message_dict.items()
                }
            ) from exc
        except Conflict as exc:
            raise Conflict(f"#{audit.pk}: {exc.message}", code=exc.code) from exc
    return done
