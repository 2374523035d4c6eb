"""Accepting an invitation (``accounts``) and the audits waiting for the new member
(``audits``): a respondent a campaign named before they were a member of the supplier becomes
the respondent of those audits when they join, by whichever path they accept (the mailed
link with a token, the open invitations page, the API, or setting a first password).
Withdrawing the invitation drops the waiting assignments: the audits stay with the supplier's
administrators."""

from __future__ import annotations

from django.db import transaction

from accounts import invitations
from accounts.models import Invitation, Membership, User
from audits.models import Audit, PendingRespondent
from flows.services import audit_assign_respondents


def pending_respondents_assign(*, membership: Membership) -> list[Audit]:
    """Make the member the respondent of the audits of their organization that wait for
    their email (not the cancelled ones), and forget those waits. The system assigns: the
    member gets the usual mail of an issued audit."""
    pending = PendingRespondent.objects.filter(
        audit__supplier_id=membership.organization_id, email=membership.user.email.lower()
    )
    audits = list(
        Audit.objects.filter(pk__in=pending.values("audit_id"))
        .exclude(status=Audit.Status.CANCELLED)
        .select_related("buyer", "supplier", "questionnaire_version")
        .order_by("pk")
    )
    for audit in audits:
        audit_assign_respondents(audit=audit, users=[membership.user], actor=None)
    pending.delete()
    return audits


@transaction.atomic
def invitation_accept(*, user: User, token: str) -> Membership:
    """``accounts.invitations.invitation_accept``, then the audits waiting for the member."""
    membership = invitations.invitation_accept(user=user, token=token)
    pending_respondents_assign(membership=membership)
    return membership


@transaction.atomic
def invitation_accept_open(*, user: User, invitation_id: int) -> Membership:
    """``accounts.invitations.invitation_accept_open``, then the audits waiting for the
    member."""
    membership = invitations.invitation_accept_open(user=user, invitation_id=invitation_id)
    pending_respondents_assign(membership=membership)
    return membership


@transaction.atomic
def invitations_accept_on_first_password(*, user: User) -> list[Membership]:
    """``accounts.invitations.invitations_accept_on_first_password``, then, for each
    organization joined, the audits waiting for the member."""
    memberships = invitations.invitations_accept_on_first_password(user=user)
    for membership in memberships:
        pending_respondents_assign(membership=membership)
    return memberships


@transaction.atomic
def invitation_withdraw(*, invitation: Invitation, actor: User) -> None:
    """``accounts.invitations.invitation_withdraw``; the audits that waited for the address
    stay with the supplier's administrators."""
    invitations.invitation_withdraw(invitation=invitation, actor=actor)
    PendingRespondent.objects.filter(
        audit__supplier_id=invitation.organization_id, email=invitation.email.lower()
    ).delete()
