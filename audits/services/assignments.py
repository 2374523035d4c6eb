"""Assigning respondents (supplier side) and reviewers (buyer side) to an audit.

Both kinds work the same way, so one table says what differs: who may assign, which members
qualify, which permissions an assignment grants, and whether the event is buyer-internal."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.mail import notify
from accounts.models import Membership, Organization, User
from activity.events import Verb, assignees_changed
from audits import permissions as audit_perms
from audits.models import Audit
from audits.services.common import check_members, mail_context
from backend.errors import Conflict

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

Role = Membership.Role


@dataclass(frozen=True)
class _Kind:
    field: str  # the Audit many-to-many
    side: str  # which organization of the audit its members come from
    perm: str  # needed to assign or unassign
    roles: tuple[str, ...]
    grant: Callable
    revoke: Callable
    internal: bool  # reviewer assignments are the buyer's business
    refused: StrOrPromise  # the 403 message


RESPONDENTS = _Kind(
    field="respondents",
    side="supplier",
    perm="audits.assign_respondents",
    roles=(Role.ADMIN, Role.RESPONDENT),
    grant=audit_perms.grant_respondent,
    revoke=audit_perms.revoke_respondent,
    internal=False,
    refused=gettext_lazy("Only the supplier's administrators assign respondents."),
)
REVIEWERS = _Kind(
    field="reviewers",
    side="buyer",
    perm="audits.assign_reviewers",
    roles=(Role.ADMIN, Role.OFFICER, Role.REVIEWER),
    grant=audit_perms.grant_reviewer,
    revoke=audit_perms.revoke_reviewer,
    internal=True,
    refused=gettext_lazy("Only the buyer's administrators assign reviewers."),
)


def _require(kind: _Kind, audit: Audit, actor: User | None) -> None:
    if actor is not None and not actor.has_perm(kind.perm, audit):
        raise PermissionDenied(str(kind.refused))


def assign(kind: _Kind, *, audit: Audit, users: Sequence[User], actor: User | None) -> list:
    """Assign ``users`` (members of the kind's side); returns those newly assigned, whom
    the caller mails. ``actor=None``: the system (a campaign naming its contact)."""
    _require(kind, audit, actor)
    if audit.status == Audit.Status.CANCELLED:
        raise Conflict(_("A cancelled audit takes no assignments."), code="audit_cancelled")
    organization = audit.supplier if kind.side == "supplier" else audit.buyer
    users = check_members(organization, users, "users", list(kind.roles))
    related = getattr(audit, kind.field)
    current = set(related.values_list("pk", flat=True))
    new = [u for u in users if u.pk not in current]
    if new:
        related.add(*new)
        for user in new:
            kind.grant(audit, user)
        assignees_changed(
            Verb(f"audit.{kind.field}_assigned"),
            actor=actor,
            audit=audit,
            users=new,
            internal=kind.internal,
        )
    return new


def _unassign(kind: _Kind, *, audit: Audit, users: Sequence[User], actor: User | None) -> None:
    _require(kind, audit, actor)
    related = getattr(audit, kind.field)
    current = set(related.values_list("pk", flat=True))
    gone = [u for u in users if u.pk in current]
    for user in gone:
        related.remove(user)
        kind.revoke(audit, user)
    if gone:
        assignees_changed(
            Verb(f"audit.{kind.field}_unassigned"),
            actor=actor,
            audit=audit,
            users=gone,
            internal=kind.internal,
        )


@transaction.atomic
def audit_assign_respondents(*, audit: Audit, users: Sequence[User], actor: User | None) -> Audit:
    """Supplier admins assign respondents (members of the supplier); each gets view and
    respond permissions on the audit and the invitation mail (``flows.services`` adds its
    corrective actions)."""
    new = assign(RESPONDENTS, audit=audit, users=users, actor=actor)
    if new and audit.is_editable:
        notify(new, "audits/email/issued", mail_context(audit, message=audit.message))
    return audit


@transaction.atomic
def audit_unassign_respondents(*, audit: Audit, users: Sequence[User], actor: User | None) -> Audit:
    """Remove respondents and the permissions their assignment granted."""
    _unassign(RESPONDENTS, audit=audit, users=users, actor=actor)
    return audit


@transaction.atomic
def audit_assign_reviewers(*, audit: Audit, users: Sequence[User], actor: User | None) -> Audit:
    """Buyer admins assign reviewers (members of the buyer); each gets view and review
    permissions on the audit (``flows.services`` adds its corrective actions)."""
    assign(REVIEWERS, audit=audit, users=users, actor=actor)
    return audit


@transaction.atomic
def audit_unassign_reviewers(*, audit: Audit, users: Sequence[User], actor: User | None) -> Audit:
    """Remove reviewers and the permissions their assignment granted."""
    _unassign(REVIEWERS, audit=audit, users=users, actor=actor)
    return audit


@transaction.atomic
def revoke_user_assignments(*, user: User, organization: Organization) -> None:
    """Drop ``user`` from every audit of ``organization`` they are assigned to (membership
    removal): both the assignment and the object permissions it granted."""
    for audit in Audit.objects.filter(supplier=organization, respondents=user):
        audit.respondents.remove(user)
        audit_perms.revoke_respondent(audit, user)
    for audit in Audit.objects.filter(buyer=organization, reviewers=user):
        audit.reviewers.remove(user)
        audit_perms.revoke_reviewer(audit, user)
