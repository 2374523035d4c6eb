"""Writes for the supply network: add a supplier by legal id, edit, deactivate.

A supplier organization is identified by its legal id: a buyer adding a legal id already on
Fairlink links that organization (its profile stays the supplier's own); otherwise the
organization is created and its administrator invited by mail.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Membership, Organization, User
from accounts.permissions import has_org_perm
from accounts.services import membership_add, organization_create
from activity.events import Verb, organization_event
from backend.errors import Conflict

from .models import SupplierRelationship

BUYER_FIELDS = ("buyer_ref", "criticality", "category")


def _log(*, actor: User | None, buyer: Organization, verb: str, data: dict) -> None:
    organization_event(Verb(verb), actor=actor, organization=buyer, data=data)


def normalize_legal_id(value: object) -> str:
    """Legal ids compare without surrounding spaces and case (USCC codes are upper case)."""
    return str(value or "").strip().upper()


def _require_manager(actor: User | None, buyer: Organization) -> None:
    if not buyer.is_buyer:
        raise ValidationError({"buyer": _("Only a buyer organization has a supplier network.")})
    if actor is not None and not has_org_perm(actor, "accounts.manage_suppliers", buyer):
        raise PermissionDenied(_("You may not manage this buyer's suppliers."))


def _check_owner(owner: User | None, buyer: Organization) -> None:
    if owner is not None and not Membership.objects.filter(user=owner, organization=buyer).exists():
        raise ValidationError({"owner": _("The owner must be a member of the buyer.")})


@dataclass(frozen=True)
class SupplierAddResult:
    relationship: SupplierRelationship
    outcome: str  # created | linked | updated | unchanged


@transaction.atomic
def supplier_add(
    *,
    buyer: Organization,
    legal_id: str,
    actor: User | None,
    name: str = "",
    country: str = "",
    industry: str = "",
    size_class: str = "",
    headcount: int | None = None,
    province: str = "",
    buyer_ref: str = "",
    criticality: str = SupplierRelationship.Criticality.MEDIUM,
    category: str = "",
    owner: User | None = None,
    admin_email: str = "",
    admin_name: str = "",
    admin_language: str = "",
    on_existing: str = "error",
) -> SupplierAddResult:
    """Add a supplier to ``buyer``'s network by legal id.

    * the legal id belongs to a supplier organization already on Fairlink: link it (its
      profile is untouched; the profile arguments are ignored) -> ``linked``;
    * otherwise create the organization from the profile arguments and invite its
      administrator (``admin_email`` required) -> ``created``;
    * the buyer already has this supplier: ``on_existing="error"`` raises a ValidationError on
      ``legal_id``; ``"update"`` (imports) sets the buyer's own fields and reactivates ->
      ``updated``, or ``unchanged`` when nothing differs.
    """
    _require_manager(actor, buyer)
    _check_owner(owner, buyer)
    legal_id = normalize_legal_id(legal_id)
    if not legal_id:
        raise ValidationError({"legal_id": _("This field is required.")})
    supplier = (
        Organization.objects.suppliers().select_for_update().filter(legal_id=legal_id).first()
    )
    buyer_fields = {"buyer_ref": buyer_ref, "criticality": criticality, "category": category}
    if supplier is not None:
        return _add_known_supplier(
            buyer, supplier, buyer_fields, owner=owner, actor=actor, on_existing=on_existing
        )

    profile = {
        "name": name,
        "country": country,
        "industry": industry,
        "size_class": size_class,
        "headcount": headcount,
        "province": province,
    }
    admin = _first_admin(email=admin_email, full_name=admin_name, language=admin_language)
    return _add_new_supplier(
        buyer, legal_id, profile, admin, buyer_fields, owner=owner, actor=actor
    )


def _first_admin(*, email: str, full_name: str, language: str) -> dict[str, str | None]:
    """The invitation of a new supplier's first administrator: an email is required."""
    if not email:
        raise ValidationError(
            {"admin_email": _("Required for a supplier that is not yet on Fairlink.")}
        )
    return {"email": email, "full_name": full_name, "preferred_language": language or None}


def _add_new_supplier(
    buyer: Organization,
    legal_id: str,
    profile: dict,
    admin: dict,
    buyer_fields: dict,
    *,
    owner: User | None,
    actor: User | None,
) -> SupplierAddResult:
    """``supplier_add`` for a supplier not yet on Fairlink: create the organization, invite
    its administrator, link it."""
    supplier = organization_create(
        kind=Organization.Kind.SUPPLIER, legal_id=legal_id, actor=actor, **profile
    )
    membership_add(
        organization=supplier,
        role=Membership.Role.ADMIN,
        actor=None,  # the buyer is not a manager of the supplier: the system invites
        **admin,
    )
    rel = _link(buyer, supplier, buyer_fields, owner=owner)
    _log(
        actor=actor,
        buyer=buyer,
        verb="supplier.created",
        data={"supplier": supplier.pk, "legal_id": legal_id, "admin_email": admin["email"]},
    )
    return SupplierAddResult(rel, "created")


def _add_known_supplier(
    buyer: Organization,
    supplier: Organization,
    buyer_fields: dict,
    *,
    owner: User | None,
    actor: User | None,
    on_existing: str,
) -> SupplierAddResult:
    """``supplier_add`` for a supplier already on Fairlink: link it, or (already linked)
    refuse or update the buyer's own fields as ``on_existing`` says."""
    rel = (
        SupplierRelationship.objects.select_for_update()
        .filter(buyer=buyer, supplier=supplier)
        .first()
    )
    if rel is not None:
        if on_existing == "error" and rel.active:
            raise ValidationError({"legal_id": _("This supplier is already in your network.")})
        return _apply_buyer_fields(rel, buyer_fields, actor=actor)
    rel = _link(buyer, supplier, buyer_fields, owner=owner)
    _log(
        actor=actor,
        buyer=buyer,
        verb="supplier.linked",
        data={"supplier": supplier.pk, "legal_id": supplier.legal_id},
    )
    return SupplierAddResult(rel, "linked")


def _link(
    buyer: Organization, supplier: Organization, fields: dict, *, owner: User | None
) -> SupplierRelationship:
    rel = SupplierRelationship(buyer=buyer, supplier=supplier, owner=owner, **fields)
    rel.full_clean(validate_unique=False, validate_constraints=False)
    rel.save()
    return rel


def _apply_buyer_fields(
    rel: SupplierRelationship, fields: dict, *, actor: User | None
) -> SupplierAddResult:
    changed = [name for name, value in fields.items() if getattr(rel, name) != value]
    if not rel.active:
        changed.append("active")
    if not changed:
        return SupplierAddResult(rel, "unchanged")
    for name, value in fields.items():
        setattr(rel, name, value)
    rel.active = True
    _save_changed(rel, changed, actor=actor)
    return SupplierAddResult(rel, "updated")


@transaction.atomic
def relationship_update(
    *, relationship: SupplierRelationship, actor: User | None, **changes
) -> SupplierRelationship:
    """Change the buyer's own fields of a relationship (reference, criticality, category,
    owner, active). The supplier's profile is the supplier's and is never changed here."""
    _require_manager(actor, relationship.buyer)
    allowed = {*BUYER_FIELDS, "owner", "active"}
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise ValidationError({name: [_("This field cannot be changed.")] for name in unknown})
    if "owner" in changes:
        _check_owner(changes["owner"], relationship.buyer)
    rel = SupplierRelationship.objects.select_for_update().get(pk=relationship.pk)
    changed = [name for name, value in changes.items() if getattr(rel, name) != value]
    for name in changed:
        setattr(rel, name, changes[name])
    if changed:
        _save_changed(rel, changed, actor=actor)
    return rel


def _save_changed(rel: SupplierRelationship, changed: list[str], *, actor: User | None) -> None:
    """Validate and save the ``changed`` fields of a relationship; log ``supplier.updated``."""
    rel.full_clean(validate_unique=False, validate_constraints=False)
    rel.save(update_fields=[*changed, "updated_at"])
    _log(
        actor=actor,
        buyer=rel.buyer,
        verb="supplier.updated",
        data={"relationship": rel.pk, "fields": changed},
    )


@transaction.atomic
def relationship_deactivate(
    *, relationship: SupplierRelationship, actor: User | None
) -> SupplierRelationship:
    """Take a supplier out of the buyer's active network (history and audits are kept)."""
    _require_manager(actor, relationship.buyer)
    rel = SupplierRelationship.objects.select_for_update().get(pk=relationship.pk)
    if not rel.active:
        raise Conflict(_("This supplier is already inactive."), code="already_inactive")
    rel.active = False
    rel.save(update_fields=["active", "updated_at"])
    _log(
        actor=actor,
        buyer=rel.buyer,
        verb="supplier.deactivated",
        data={"relationship": rel.pk, "supplier": rel.supplier_id},
    )
    return rel
