"""The corrective-action workflow (DESIGN section 4): the one table of moves, who is mailed
about them, and the row lock every move takes.

``open -> plan_submitted -> plan_accepted -> evidence_submitted -> verified``, with
``plan_submitted -> open`` (plan rejected, comment required), ``evidence_submitted ->
plan_accepted`` (evidence rejected, comment required), ``cancelled`` (reason required) and the
due-date extension (reason required, no state change). The supplier side holds ``RESPOND``, the
buyer side ``REVIEW``; each move mails the other side. The mechanism (order of the checks,
event, ``update_fields``) is ``backend.workflow``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django.utils.translation import gettext_lazy as _

from accounts.languages import pick
from accounts.mail import notify
from accounts.models import Membership, User
from actions.models import CorrectiveAction
from activity.events import Verb, record
from backend.workflow import Change, Comment, Move, Workflow

Status = CorrectiveAction.Status
Role = Membership.Role

RESPOND = "actions.respond_correctiveaction"  # the supplier side
REVIEW = "actions.review_correctiveaction"  # the buyer side

OPEN_STATES: tuple[str, ...] = CorrectiveAction.OPEN_STATES

# Evidence files may be added while the supplier works on the accepted plan (also after the
# buyer rejected earlier evidence, which moves the action back to plan_accepted).
EVIDENCE_UPLOAD_STATES: tuple[str, ...] = (Status.PLAN_ACCEPTED,)


def _event(change: Change) -> None:
    action = change.obj
    record(
        Verb(change.move.event),
        actor=change.actor,
        audit_id=action.audit_id,
        corrective_action=action,
        organization_id=action.buyer_id,
        from_status=change.from_status,
        to_status=change.to_status,
        comment=change.comment,
        data=change.data,
    )


def _denied(move: Move, action: CorrectiveAction) -> str:
    return str(_("You may not do this on this corrective action."))


def _conflict(move: Move, action: CorrectiveAction) -> str:
    return str(
        _("This corrective action is '%(status)s'; it cannot be changed that way now.")
        % {"status": action.get_status_display()}
    )


ACTIONS = Workflow(
    entity="corrective action",
    moves=(
        Move(
            "submit_plan",
            (Status.OPEN,),
            Status.PLAN_SUBMITTED,
            "supplier",
            RESPOND,
            Verb.ACTION_PLAN_SUBMITTED,
        ),
        Move(
            "accept_plan",
            (Status.PLAN_SUBMITTED,),
            Status.PLAN_ACCEPTED,
            "buyer",
            REVIEW,
            Verb.ACTION_PLAN_ACCEPTED,
            comment=Comment.OPTIONAL,
        ),
        Move(
            "reject_plan",
            (Status.PLAN_SUBMITTED,),
            Status.OPEN,
            "buyer",
            REVIEW,
            Verb.ACTION_PLAN_REJECTED,
            comment=Comment.REQUIRED,
        ),
        Move(
            "submit_evidence",
            (Status.PLAN_ACCEPTED,),
            Status.EVIDENCE_SUBMITTED,
            "supplier",
            RESPOND,
            Verb.ACTION_EVIDENCE_SUBMITTED,
        ),
        Move(
            "verify",
            (Status.EVIDENCE_SUBMITTED,),
            Status.VERIFIED,
            "buyer",
            REVIEW,
            Verb.ACTION_VERIFIED,
            comment=Comment.OPTIONAL,
            timestamp="verified_at",
        ),
        Move(
            "reject_evidence",
            (Status.EVIDENCE_SUBMITTED,),
            Status.PLAN_ACCEPTED,
            "buyer",
            REVIEW,
            Verb.ACTION_EVIDENCE_REJECTED,
            comment=Comment.REQUIRED,
        ),
        Move(
            "cancel",
            OPEN_STATES,
            Status.CANCELLED,
            "buyer",
            REVIEW,
            Verb.ACTION_CANCELLED,
            comment=Comment.REQUIRED,
            comment_field="reason",
            timestamp="cancelled_at",
        ),
        Move(
            "extend",
            OPEN_STATES,
            None,
            "buyer",
            REVIEW,
            Verb.ACTION_DUE_DATE_EXTENDED,
            comment=Comment.REQUIRED,
            comment_field="reason",
        ),
    ),
    on_event=_event,
    denied=_denied,
    conflict=_conflict,
    comment_required=_("This field is required."),
)

# The mail each move sends to the other side, after commit.
MAIL: dict[str, str] = {
    "submit_plan": "actions/email/action_plan_submitted",
    "accept_plan": "actions/email/action_plan_accepted",
    "reject_plan": "actions/email/action_plan_rejected",
    "submit_evidence": "actions/email/action_evidence_submitted",
    "verify": "actions/email/action_verified",
    "reject_evidence": "actions/email/action_evidence_rejected",
    "cancel": "actions/email/action_cancelled",
    "extend": "actions/email/action_extended",
}


def allowed_moves(*, action: CorrectiveAction, user) -> list[str]:
    """The move names ``user`` may apply to ``action`` now (for clients to show buttons)."""
    return ACTIONS.allowed_moves(action, user)


def locked(action: CorrectiveAction) -> CorrectiveAction:
    """Re-read ``action`` with a row lock (held until the transaction ends)."""
    return (
        CorrectiveAction.objects.select_for_update(of=("self",))
        .select_related("finding", "audit", "buyer", "supplier")
        .get(pk=action.pk)
    )


# --- recipients and mail ----------------------------------------------------------------------


def _org_users(organization_id: int, roles: Iterable[str]) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True,
            memberships__organization_id=organization_id,
            memberships__role__in=list(roles),
        ).distinct()
    )


def supplier_recipients(action: CorrectiveAction) -> list[User]:
    """Who acts for the supplier: the audit's respondents and the supplier's admins."""
    users = {u.pk: u for u in action.audit.respondents.filter(is_active=True)}
    users.update({u.pk: u for u in _org_users(action.supplier_id, [Role.ADMIN])})
    return list(users.values())


def buyer_recipients(action: CorrectiveAction) -> list[User]:
    """Who acts for the buyer: the audit's reviewers and its issuer; when the audit has neither
    (issuer left, nobody assigned), the buyer's officers and admins so nothing is lost."""
    audit = action.audit
    users = {u.pk: u for u in audit.reviewers.filter(is_active=True)}
    if (
        audit.issued_by_id
        and Membership.objects.filter(
            user_id=audit.issued_by_id, organization_id=action.buyer_id
        ).exists()
    ):
        users.setdefault(audit.issued_by_id, cast(User, audit.issued_by))
    if not users:
        users = {u.pk: u for u in _org_users(action.buyer_id, [Role.ADMIN, Role.OFFICER])}
    return list(users.values())


def recipients(action: CorrectiveAction, side: str) -> list[User]:
    return supplier_recipients(action) if side == "supplier" else buyer_recipients(action)


def mail_context(action: CorrectiveAction, **extra: Any) -> dict[str, Any]:
    finding = action.finding
    return {
        "action_id": action.pk,
        "audit_id": action.audit_id,
        "status": action.status,
        "severity": action.severity,
        "rule_code": finding.rule_code,
        "title_en": pick(finding.title, "en"),
        "title_zh": pick(finding.title, "zh-Hans"),
        "buyer_name": action.buyer.name,
        "supplier_name": action.supplier.name,
        "due_date": action.due_date,
        "path": f"/actions/{action.pk}/",
        **extra,
    }


def notify_other_side(
    action: CorrectiveAction, name: str, *, actor, comment: str = "", **extra: Any
) -> int:
    """Mail the side that did not make move ``name`` (after commit)."""
    other = "buyer" if ACTIONS[name].side == "supplier" else "supplier"
    return notify(
        recipients(action, other),
        MAIL[name],
        mail_context(
            action,
            comment=comment,
            actor_name=str(actor) if actor is not None else "",
            **extra,
        ),
    )
