"""The same move on several corrective actions at once, from the buyer's list: extend the due
date or cancel, with the reason the suppliers read. All of them change or none: the first
action that cannot move stops the lot, and the error names it. Rows are handled in id order,
so two bulk moves never wait on each other in a cycle."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from actions.models import CorrectiveAction
from backend.errors import Conflict

from .moves import action_cancel, action_extend_due_date

BULK_MOVES = ("extend", "cancel")


@transaction.atomic
def actions_bulk(
    *,
    actions: Iterable[CorrectiveAction],
    actor: User,
    move: str,
    reason: str,
    due_date: datetime.date | None = None,
) -> list[CorrectiveAction]:
    """``move`` ("extend" or "cancel") on every one of ``actions``, or on none (400 or 409
    prefixed with the action's number)."""
    if move not in BULK_MOVES:
        raise ValidationError({"move": [_("Choose extend or cancel.")]})
    done = []
    for action in sorted(actions, key=lambda a: a.pk):
        try:
            if move == "extend":
                done.append(
                    action_extend_due_date(
                        action=action, actor=actor, due_date=due_date, reason=reason
                    )
                )
            else:
                done.append(action_cancel(action=action, actor=actor, reason=reason))
        except ValidationError as exc:
            raise ValidationError(
                {k: [f"#{action.pk}: {m}" for m in v] for k, v in exc.message_dict.items()}
            ) from exc
        except Conflict as exc:
            raise Conflict(f"#{action.pk}: {exc.message}", code=exc.code) from exc
    return done
