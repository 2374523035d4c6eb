"""Reads for accounts, and the fetch-and-authorize helpers the API and portal use.

Objects the caller may not see raise ``Http404``; a visible object with a forbidden action
raises ``PermissionDenied`` (DESIGN section 8).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from .models import Membership, Organization, User
from .permissions import has_org_perm


def organization_list_for(*, user: User) -> QuerySet[Organization]:
    """The organizations ``user`` belongs to."""
    return Organization.objects.visible_to(user).order_by("name", "pk")


def organization_get_for(
    *, user: User, organization_id: int, perm: str | None = None
) -> Organization:
    """The organization if ``user`` is a member (else 404) and holds ``perm`` on it (else 403)."""
    organization = Organization.objects.visible_to(user).filter(pk=organization_id).first()
    if organization is None:
        raise Http404(_("No such organization."))
    if perm is not None and not has_org_perm(user, perm, organization):
        raise PermissionDenied(_("You do not have permission to perform this action."))
    return organization


def membership_list(*, organization: Organization) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(organization=organization)
        .select_related("user", "organization")
        .order_by("user__email")
    )


def membership_get_for(
    *, user: User, organization_id: int, membership_id: int, perm: str | None = None
) -> Membership:
    """One membership of an organization ``user`` belongs to (else 404), with ``perm`` checked
    on the organization (else 403)."""
    organization = organization_get_for(user=user, organization_id=organization_id)
    membership = membership_list(organization=organization).filter(pk=membership_id).first()
    if membership is None:
        raise Http404(_("No such member."))
    if perm is not None and not has_org_perm(user, perm, organization):
        raise PermissionDenied(_("Only the organization's administrators manage its members."))
    return membership


def user_memberships(*, user: User) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=user)
        .select_related("organization")
        .order_by("organization__name", "pk")
    )
