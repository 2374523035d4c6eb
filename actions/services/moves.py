"""The moves of a corrective action, its evidence files and its comment thread.

Every function here is a business write: keyword-only arguments, the acting user passed as
``actor`` (``None`` is the system: only jobs pass it), one transaction, an ``ActivityEvent`` row
per change and notification mail after commit. Callers fetch the action with
``actions.selectors.action_get_for`` first (that is where "not visible" becomes a 404); the
workflow (``ACTIONS``) decides the rest, in this order:

* the actor lacks the permission of the move's side -> ``PermissionDenied`` (403)
* the action is not in a state the move starts from -> ``InvalidTransition`` (409)
* bad input -> ``ValidationError`` with a message per field (400)

so a wrong-state request is a 409 whatever its payload.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from actions.models import ActionEvidence, CorrectiveAction
from activity.events import Verb, record
from activity.models import ActivityEvent
from audits.services.evidence import atomic_with_files, evidence_store
from backend.errors import InvalidTransition

from .transitions import (
    ACTIONS,
    EVIDENCE_UPLOAD_STATES,
    RESPOND,
    REVIEW,
    locked,
    notify_other_side,
)

REQUIRED = _("This field is required.")


def _move(
    action: CorrectiveAction, name: str, *, actor: User | None, comment: str = ""
) -> CorrectiveAction:
    """A move that takes nothing but a comment: perform it and mail the other side."""
    action = locked(action)
    ACTIONS.perform(action, name, actor=actor, comment=comment)
    notify_other_side(action, name, actor=actor, comment=(comment or "").strip())
    return action


@transaction.atomic
def action_submit_plan(
    *,
    action: CorrectiveAction,
    actor: User | None,
    root_cause: str,
    plan: str,
    responsible_person: str,
    target_date: datetime.date | None,
) -> CorrectiveAction:
    """Supplier side: the root cause, the actions planned, who is responsible and by when.
    Every field is required; ``target_date`` may not be after the (possibly extended) due
    date."""
    values = {
        "root_cause": (root_cause or "").strip(),
        "plan": (plan or "").strip(),
        "responsible_person": (responsible_person or "").strip(),
    }

    def clean(action: CorrectiveAction) -> dict[str, list]:
        errors: dict[str, list] = {
            field: [REQUIRED] for field, value in values.items() if not value
        }
        if target_date is None:
            errors["target_date"] = [REQUIRED]
        elif target_date > action.due_date:
            errors["target_date"] = [
                _("The target date may not be after the due date (%(due)s).")
                % {"due": action.due_date.isoformat()}
            ]
        return errors

    action = locked(action)
    changes: dict[str, Any] = {**values, "target_date": target_date}
    if action.owner_id is None:
        changes["owner"] = actor
    ACTIONS.perform(
        action,
        "submit_plan",
        actor=actor,
        clean=clean,
        changes=changes,
        data={"target_date": target_date},
    )
    notify_other_side(action, "submit_plan", actor=actor)
    return action


@transaction.atomic
def action_accept_plan(
    *, action: CorrectiveAction, actor: User | None, comment: str = ""
) -> CorrectiveAction:
    """Buyer side: the plan is good; the supplier now carries it out."""
    return _move(action, "accept_plan", actor=actor, comment=comment)


@transaction.atomic
def action_reject_plan(
    *, action: CorrectiveAction, actor: User | None, comment: str
) -> CorrectiveAction:
    """Buyer side: the plan is not good enough (comment required); back to ``open``, the
    supplier's plan fields are kept for them to revise."""
    return _move(action, "reject_plan", actor=actor, comment=comment)


@atomic_with_files()
def action_evidence_add(*, action: CorrectiveAction, actor: User | None, file) -> ActionEvidence:
    """Supplier side: attach a completion evidence file (validated like audit evidence) while
    the plan is accepted. Not a move (the status stays), but checked in the same order."""
    if actor is not None and not actor.has_perm(RESPOND, action):
        raise PermissionDenied(_("You may not do this on this corrective action."))
    action = CorrectiveAction.objects.select_for_update(of=("self",)).get(pk=action.pk)
    if action.status not in EVIDENCE_UPLOAD_STATES:
        raise InvalidTransition(
            entity="corrective action",
            from_status=action.status,
            to_status=action.status,
            message=str(_("Evidence can be added only while the plan is accepted.")),
        )
    evidence = _store_evidence(action=action, actor=actor, file=file)
    record(
        Verb.ACTION_EVIDENCE_ADDED,
        actor=actor,
        audit_id=action.audit_id,
        corrective_action=action,
        organization_id=action.buyer_id,
        from_status=action.status,
        to_status=action.status,
        data={"evidence_id": evidence.pk, "name": evidence.original_name},
    )
    return evidence


def _store_evidence(*, action: CorrectiveAction, actor: User | None, file) -> ActionEvidence:
    # The one upload path of the project (size, type by content, sha256, random name).
    return evidence_store(
        file=file,
        actor=actor,
        audit_id=action.audit_id,
        model=ActionEvidence,
        corrective_action=action,
    )


@atomic_with_files()
def action_submit_evidence(
    *, action: CorrectiveAction, actor: User | None, completion_note: str, files: Iterable = ()
) -> CorrectiveAction:
    """Supplier side: the plan is carried out. ``completion_note`` is required; ``files`` are
    stored as evidence of the action (each validated; one bad file rejects the whole
    submission and stores nothing)."""
    note = (completion_note or "").strip()
    action = locked(action)
    ACTIONS.check(
        action,
        "submit_evidence",
        actor=actor,
        clean=lambda _action: {} if note else {"completion_note": [REQUIRED]},
    )
    stored = []
    for f in files:
        try:
            stored.append(_store_evidence(action=action, actor=actor, file=f))
        except ValidationError as exc:
            name = getattr(f, "name", "") or "file"
            raise ValidationError({"files": [f"{name}: {m}" for m in exc.messages]}) from exc
    ACTIONS.apply(
        action,
        "submit_evidence",
        actor=actor,
        changes={"completion_note": note},
        data={"evidence_ids": [e.pk for e in stored]},
    )
    notify_other_side(action, "submit_evidence", actor=actor)
    return action


@transaction.atomic
def action_verify(
    *, action: CorrectiveAction, actor: User | None, comment: str = ""
) -> CorrectiveAction:
    """Buyer side: the evidence shows the fix; the action is closed (``verified_at``)."""
    return _move(action, "verify", actor=actor, comment=comment)


@transaction.atomic
def action_reject_evidence(
    *, action: CorrectiveAction, actor: User | None, comment: str
) -> CorrectiveAction:
    """Buyer side: the evidence does not show the fix (comment required); back to
    ``plan_accepted`` for the supplier to complete it."""
    return _move(action, "reject_evidence", actor=actor, comment=comment)


@transaction.atomic
def action_cancel(*, action: CorrectiveAction, actor: User | None, reason: str) -> CorrectiveAction:
    """Buyer side: the action is no longer needed (reason required, 400 on ``reason``)."""
    return _move(action, "cancel", actor=actor, comment=reason)


@transaction.atomic
def action_extend_due_date(
    *, action: CorrectiveAction, actor: User | None, due_date: datetime.date | None, reason: str
) -> CorrectiveAction:
    """Buyer side: move the due date later (reason required); the event records old and new.
    The original due date is kept in ``original_due_date``."""

    def clean(action: CorrectiveAction) -> dict[str, list]:
        if due_date is None:
            return {"due_date": [REQUIRED]}
        if due_date <= action.due_date:
            return {
                "due_date": [
                    _("The new due date must be after the current one (%(due)s).")
                    % {"due": action.due_date.isoformat()}
                ]
            }
        return {}

    action = locked(action)
    old = action.due_date
    ACTIONS.perform(
        action,
        "extend",
        actor=actor,
        comment=reason,
        clean=clean,
        changes={"due_date": due_date},
        data={"old_due_date": old, "new_due_date": due_date},
    )
    notify_other_side(action, "extend", actor=actor, comment=reason.strip(), old_due_date=old)
    return action


@transaction.atomic
def action_comment(
    *, action: CorrectiveAction, actor: User | None, text: str, internal: bool = False
) -> ActivityEvent:
    """Add a comment to the action's thread. Either side may comment; ``internal`` notes are
    for the buyer side only and never shown to the supplier."""
    buyer_side = actor is None or actor.has_perm(REVIEW, action)
    supplier_side = actor is not None and actor.has_perm(RESPOND, action)
    if not (buyer_side or supplier_side):
        raise PermissionDenied(_("You may not comment on this corrective action."))
    if internal and not buyer_side:
        raise PermissionDenied(_("Only the buyer may write internal notes."))
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": [REQUIRED]})
    return record(
        Verb.ACTION_COMMENT,
        actor=actor,
        audit_id=action.audit_id,
        corrective_action=action,
        organization_id=action.buyer_id,
        from_status=action.status,
        to_status=action.status,
        comment=text,
        internal=bool(internal),
    )
