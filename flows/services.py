"""Cross-app steps (DESIGN section 2). Each runs in one transaction: all of it or nothing.

- submit: the audit is submitted (``audits``), then scored preliminarily (``scoring``);
- accept: the audit is accepted, scored finally, and corrective actions are opened from the
  findings the engine stored on the score, with follow-up of earlier actions (``actions``);
- score release: a withheld score is released, and the supplier is told of its corrective
  actions only then;
- assignment: respondents and reviewers are assigned to an audit or unassigned (``audits``),
  and so gain or lose access to its corrective actions (``actions``);
- member removal: the membership ends (``accounts``) and the user's assignments on the
  organization's audits go with it (``audits``), with what they granted on the audits'
  corrective actions (``actions``);
- the daily reminders: audits (``audits``), then corrective actions (``actions``).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from accounts.models import Membership, User
from accounts.services import membership_remove as _membership_remove
from actions import permissions as action_perms
from actions.services import (
    actions_notify_released,
    actions_open_for_audit,
    send_action_reminders,
)
from audits.models import Audit
from audits.services import assignments
from audits.services.audits import audit_accept as _audit_accept
from audits.services.audits import audit_submit as _audit_submit
from audits.services.reminders import send_reminders as send_audit_reminders
from scoring.services import score_audit
from scoring.services import score_release as _score_release
from suppliers.certificates import send_certificate_reminders


@transaction.atomic
def audit_submit(*, audit: Audit, actor: User) -> Audit:
    """Submit ``audit`` (every visible required answer and file present, else 400) and record
    its preliminary score."""
    audit = _audit_submit(audit=audit, actor=actor)
    score_audit(audit=audit, final=False, actor=actor)
    return audit


@transaction.atomic
def audit_accept(*, audit: Audit, actor: User, comment: str = "") -> Audit:
    """Accept a submitted audit: final score, findings, corrective actions, in one
    transaction."""
    audit = _audit_accept(audit=audit, actor=actor, comment=comment)
    score_audit(audit=audit, final=True, actor=actor)
    actions_open_for_audit(audit=audit, actor=actor)
    return audit


@transaction.atomic
def membership_remove(*, membership: Membership, actor: User | None) -> None:
    """Remove a member; the user loses the role's access on the next request, and the per-object
    grants made to them in this organization (assignments) with it."""
    action_perms.revoke_assignments_of(user=membership.user, organization=membership.organization)
    assignments.revoke_user_assignments(user=membership.user, organization=membership.organization)
    _membership_remove(membership=membership, actor=actor)


@transaction.atomic
def audit_assign_respondents(*, audit: Audit, users: Sequence[User], actor: User | None) -> Audit:
    """Assign respondents (``audits.services.assignments``); they respond to the audit's
    corrective actions too."""
    audit = assignments.audit_assign_respondents(audit=audit, users=users, actor=actor)
    action_perms.grant_respondents(audit, users)
    return audit


@transaction.atomic
def audit_unassign_respondents(*, audit: Audit, users: Sequence[User], actor: User | None) -> Audit:
    """Unassign respondents, from the audit and from its corrective actions."""
    audit = assignments.audit_unassign_respondents(audit=audit, users=users, actor=actor)
    action_perms.revoke_respondents(audit, users)
    return audit


@transaction.atomic
def audit_set_respondents(*, audit: Audit, users: Sequence[User], actor: User | None) -> Audit:
    """Make ``users`` exactly the audit's respondents, in one transaction: the new ones are
    assigned (and mailed), the others unassigned."""
    current = {user.pk: user for user in audit.respondents.all()}
    wanted = {user.pk for user in users}
    gone = [user for pk, user in current.items() if pk not in wanted]
    new = [user for user in users if user.pk not in current]
    if gone:
        audit_unassign_respondents(audit=audit, users=gone, actor=actor)
    if new:
        audit_assign_respondents(audit=audit, users=new, actor=actor)
    return audit


@transaction.atomic
def audit_assign_reviewers(*, audit: Audit, users: Sequence[User], actor: User | None) -> Audit:
    """Assign reviewers; they review the audit's corrective actions too."""
    audit = assignments.audit_assign_reviewers(audit=audit, users=users, actor=actor)
    action_perms.grant_reviewers(audit, users)
    return audit


@transaction.atomic
def audit_unassign_reviewers(*, audit: Audit, users: Sequence[User], actor: User | None) -> Audit:
    """Unassign reviewers, from the audit and from its corrective actions."""
    audit = assignments.audit_unassign_reviewers(audit=audit, users=users, actor=actor)
    action_perms.revoke_reviewers(audit, users)
    return audit


@transaction.atomic
def score_release(*, audit: Audit, actor: User) -> Audit:
    """Release a withheld final score; only now does the supplier side hear of the corrective
    actions it raised (they were opened on acceptance, out of the supplier's sight)."""
    audit = _score_release(audit=audit, actor=actor)
    actions_notify_released(audit=audit)
    return audit


def send_daily_reminders(*, today: datetime.date | None = None) -> int:
    """The daily reminder job: audits, then corrective actions, due ``today`` (default: the
    local date), then certificates that expire soon. Returns the number of mails scheduled; at
    most one per item and day (per validity for certificates), so running it twice on one day
    sends nothing more."""
    today = today or timezone.localdate()
    return (
        send_audit_reminders(today=today)
        + send_action_reminders(today=today)
        + send_certificate_reminders(today=today)
    )
