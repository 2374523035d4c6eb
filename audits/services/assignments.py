"""Assigning respondents (supplier side) and reviewers (buyer side) to an audit."""

from __future__ import annotations

from django.db import transaction

from accounts.models import Organization, User
from audits.models import Audit
from audits.permissions import revoke_respondent, revoke_reviewer


@transaction.atomic
def revoke_user_assignments(*, user: User, organization: Organization) -> None:
    """Drop ``user`` from every audit of ``organization`` they are assigned to (membership
    removal): both the assignment and the object permissions it granted."""
    for audit in Audit.objects.filter(supplier=organization, respondents=user):
        audit.respondents.remove(user)
        revoke_respondent(audit, user)
    for audit in Audit.objects.filter(buyer=organization, reviewers=user):
        audit.reviewers.remove(user)
        revoke_reviewer(audit, user)


def __getattr__(name: str):
    # The assignment services live with the rest of the lifecycle (they share its checks);
    # they are reachable from here too, lazily, to avoid an import cycle.
    if name in {
        "audit_assign_respondents",
        "audit_unassign_respondents",
        "audit_assign_reviewers",
        "audit_unassign_reviewers",
    }:
        from audits.services import audits

        return getattr(audits, name)
    raise AttributeError(name)
