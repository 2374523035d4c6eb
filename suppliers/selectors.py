"""Reads for the supply network and its fetch-and-authorize helper."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.models import Organization, User
from accounts.permissions import has_org_perm, organizations_with_perm

from .models import SupplierRelationship


def relationship_list_for(*, user: User) -> QuerySet[SupplierRelationship]:
    """Relationships of every buyer where ``user`` may view the supplier network."""
    return SupplierRelationship.objects.visible_to(user).select_related(
        "buyer", "supplier", "owner"
    )


def relationship_get_for(
    *, user: User, relationship_id: int, perm: str | None = None
) -> SupplierRelationship:
    """The relationship if ``user`` may see its buyer's network (else 404) and holds ``perm``
    on the buyer (else 403)."""
    rel = relationship_list_for(user=user).filter(pk=relationship_id).first()
    if rel is None:
        raise Http404(_("No such supplier."))
    if perm is not None and not has_org_perm(user, perm, rel.buyer):
        raise PermissionDenied(_("You may not manage this buyer's suppliers."))
    return rel


def buyer_for(*, user: User, buyer_id: int | None, perm: str) -> Organization:
    """The buyer a supplier-network write applies to.

    With ``buyer_id``: that buyer if the user is a member (else 404) and holds ``perm`` (else
    403). Without: the one buyer where the user holds ``perm``; 403 when none, 400 when the
    user manages several (then ``buyer`` must be given)."""
    if buyer_id is not None:
        buyer = Organization.objects.visible_to(user).buyers().filter(pk=buyer_id).first()
        if buyer is None:
            raise Http404(_("No such buyer."))
        if not has_org_perm(user, perm, buyer):
            raise PermissionDenied(_("You may not manage this buyer's suppliers."))
        return buyer
    buyers = list(organizations_with_perm(user, perm).filter(kind=Organization.Kind.BUYER)[:2])
    if not buyers:
        raise PermissionDenied(_("You may not manage a supplier network."))
    if len(buyers) > 1:
        raise ValidationError({"buyer": _("You belong to several buyers: say which one.")})
    return buyers[0]


def existing_supplier_legal_ids(*, legal_ids: list[str]) -> set[str]:
    """The legal ids, among ``legal_ids``, of supplier organizations already on Fairlink."""
    return set(
        Organization.objects.suppliers()
        .filter(legal_id__in=legal_ids)
        .values_list("legal_id", flat=True)
    )


def supplier_text_matches(text: str) -> Q:
    """For a list of the buyer's audits or corrective actions (rows with ``buyer_id`` and
    ``supplier_id``): the supplier's name, legal id, or the row buyer's own reference for that
    supplier contains ``text`` (case-insensitive)."""
    references = SupplierRelationship.objects.filter(
        buyer_id=OuterRef("buyer_id"),
        supplier_id=OuterRef("supplier_id"),
        buyer_ref__icontains=text,
    )
    return (
        Q(supplier__name__icontains=text)
        | Q(supplier__legal_id__icontains=text)
        | Q(Exists(references))
    )
