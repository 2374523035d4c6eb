"""The audit workflow (DESIGN section 4): the one table of moves and who may make them.

``draft -> sent -> in_progress -> submitted -> accepted``, ``submitted -> returned ->
in_progress`` (changes requested, comment required) and ``cancelled`` (reason required) from
any state before ``accepted``. The permissions map to roles in ``audits.permissions``; the
mechanism (order of the checks, event, ``update_fields``) is ``backend.workflow``.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from activity.events import Verb, record
from audits.models import Audit
from backend.workflow import Change, Comment, Move, Workflow

Status = Audit.Status

RESPOND = "audits.respond_audit"
REVIEW = "audits.review_audit"


def _event(change: Change) -> None:
    record(
        Verb(change.move.event),
        actor=change.actor,
        audit=change.obj,
        from_status=change.from_status,
        to_status=change.to_status,
        comment=change.comment,
        data=change.data,
    )


def _denied(move: Move, audit: Audit) -> str:
    return _("Your role does not allow this on this audit (needs %(perm)s).") % {
        "perm": move.permission.split(".", 1)[1]
    }


def status_text(status: str) -> str:
    """A status in the reader's words, for the middle of a sentence (never its code)."""
    return str(Status(status).label).lower()


def _conflict(move: Move, audit: Audit) -> str:
    if move.to_state is None:
        return _("The due date of an audit that is %(status)s cannot change.") % {
            "status": status_text(audit.status)
        }
    return _("An audit that is %(from)s cannot become %(to)s.") % {
        "from": status_text(audit.status),
        "to": status_text(move.to_state),
    }


AUDITS = Workflow(
    entity="audit",
    moves=(
        Move(
            "issue",
            (Status.DRAFT,),
            Status.SENT,
            "buyer",
            "accounts.issue_audits",
            Verb.AUDIT_ISSUED,
            timestamp="issued_at",
            permission_on="buyer",
        ),
        Move("start", (Status.SENT,), Status.IN_PROGRESS, "supplier", RESPOND, Verb.AUDIT_STARTED),
        Move(
            "reopen",
            (Status.RETURNED,),
            Status.IN_PROGRESS,
            "supplier",
            RESPOND,
            Verb.AUDIT_REOPENED,
        ),
        Move(
            "submit",
            (Status.IN_PROGRESS,),
            Status.SUBMITTED,
            "supplier",
            RESPOND,
            Verb.AUDIT_SUBMITTED,
            timestamp="submitted_at",
        ),
        Move(
            "return",
            (Status.SUBMITTED,),
            Status.RETURNED,
            "buyer",
            REVIEW,
            Verb.AUDIT_RETURNED,
            comment=Comment.REQUIRED,
        ),
        Move(
            "accept",
            (Status.SUBMITTED,),
            Status.ACCEPTED,
            "buyer",
            REVIEW,
            Verb.AUDIT_ACCEPTED,
            comment=Comment.OPTIONAL,
            timestamp="accepted_at",
        ),
        Move(
            "cancel",
            tuple(Audit.OPEN_STATES),
            Status.CANCELLED,
            "buyer",
            "audits.cancel_audit",
            Verb.AUDIT_CANCELLED,
            comment=Comment.REQUIRED,
            timestamp="cancelled_at",
        ),
        # A later due date, with the reason the supplier reads; the status stays.
        Move(
            "extend",
            (Status.SENT, Status.IN_PROGRESS, Status.RETURNED),
            None,
            "buyer",
            "accounts.issue_audits",
            Verb.AUDIT_DUE_DATE_EXTENDED,
            comment=Comment.REQUIRED,
            comment_field="reason",
            permission_on="buyer",
        ),
    ),
    on_event=_event,
    denied=_denied,
    conflict=_conflict,
    comment_required=gettext_lazy("A comment is required."),
)

# The move that brings an audit being answered to ``in_progress`` (first save, or submit).
START_MOVE: dict[str, str] = {Status.SENT: "start", Status.RETURNED: "reopen"}


def can_move(user: User, audit: Audit, to_status: str) -> bool:
    """Whether ``user`` may move ``audit`` to ``to_status`` now (state and permission)."""
    return any(
        AUDITS.can(audit, move.name, user)
        for move in AUDITS
        if move.to_state == to_status and audit.status in move.from_states
    )


def allowed_moves(*, audit: Audit, user: User) -> list[str]:
    """The names of the moves ``user`` may make on ``audit`` now."""
    return AUDITS.allowed_moves(audit, user)
