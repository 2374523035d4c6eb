"""Whose register, and which suppliers: the buyer a user may export for, the filters, the
relationships they select."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Organization
from accounts.permissions import has_org_perm, organizations_with_perm
from suppliers.models import SupplierRelationship

from ..columns import PRIORITIES, RATINGS
from ..tables import FILTER_KEYS

EXPORT_PERM = "accounts.export_register"
ONLY_BUYER_STAFF = gettext_lazy(
    "Only buyer administrators and procurement officers export the register."
)
CRITICALITIES = tuple(SupplierRelationship.Criticality.values)


# ---------------------------------------------------------------------------------------------
# Who may export which buyer's register
# ---------------------------------------------------------------------------------------------


def register_buyer_for(*, user, buyer_id: int | str | None = None) -> Organization:
    """The buyer whose register ``user`` may export.

    With ``buyer_id``: that organization if the user is a member (else 404) and holds
    ``accounts.export_register`` on it (else 403). Without: the user's only buyer organization
    with that permission; none -> 403; several -> 400 asking for ``buyer``."""
    if buyer_id not in (None, ""):
        try:
            pk = int(buyer_id)
        except (TypeError, ValueError):
            raise ValidationError({"buyer": [_("A buyer organization id is a number.")]}) from None
        org = Organization.objects.visible_to(user).filter(pk=pk).first()
        if org is None:
            raise Http404(_("No such organization."))
        if not org.is_buyer or not has_org_perm(user, EXPORT_PERM, org):
            raise PermissionDenied(str(ONLY_BUYER_STAFF))
        return org
    buyers = list(
        organizations_with_perm(user, EXPORT_PERM).filter(kind=Organization.Kind.BUYER)[:2]
    )
    if not buyers:
        raise PermissionDenied(str(ONLY_BUYER_STAFF))
    if len(buyers) > 1:
        raise ValidationError(
            {"buyer": [_("You export for several buyers: choose one with ?buyer=<id>.")]}
        )
    return buyers[0]


# ---------------------------------------------------------------------------------------------
# Filters
# ---------------------------------------------------------------------------------------------


def register_filters_clean(raw: Mapping[str, Any]) -> dict[str, list[str]]:
    """Validate register filters (``rating``, ``priority``, ``country``, ``category``,
    ``criticality``; each a value or a list of values) into ``{key: [values]}``.

    Raises ``ValidationError`` with one message per bad field; unknown keys are errors too, so
    a misspelt filter never silently exports everything."""
    errors: dict[str, list[str]] = {}
    clean: dict[str, list[str]] = {}
    allowed = {
        "rating": RATINGS,
        "priority": PRIORITIES,
        "criticality": CRITICALITIES,
    }
    for key, value in raw.items():
        if key not in FILTER_KEYS:
            errors[key] = [_("Unknown filter. Use one of: %s.") % ", ".join(FILTER_KEYS)]
            continue
        if value is not None and not isinstance(value, str | list | tuple):
            errors[key] = [_("Give a value or a list of values.")]
            continue
        values = [value] if isinstance(value, str) else list(value or [])
        if any(not isinstance(v, str) for v in values):
            errors[key] = [_("Each value must be text.")]
            continue
        values = [v.strip() for v in values if isinstance(v, str) and v.strip()]
        if key == "country":
            values = [v.upper() for v in values]
            bad = [v for v in values if len(v) != 2 or not v.isalpha()]
            if bad:
                errors[key] = [_("Not an ISO 3166 two-letter country code: %s.") % ", ".join(bad)]
                continue
        elif key in allowed:
            bad = [v for v in values if v not in allowed[key]]
            if bad:
                errors[key] = [
                    _("Unknown value(s) %(bad)s. Use one of: %(ok)s.")
                    % {"bad": ", ".join(bad), "ok": ", ".join(allowed[key])}
                ]
                continue
        if values:
            clean[key] = values
    if errors:
        raise ValidationError(errors)
    return clean


def register_relationships(
    *, buyer: Organization, filters: Mapping[str, list[str]] | None = None
) -> QuerySet[SupplierRelationship]:
    """The buyer's active supplier relationships, narrowed by the filters the database can
    apply (country, category, criticality); rating and priority are computed, so they are
    applied by ``build_tables``."""
    filters = filters or {}
    rels = SupplierRelationship.objects.filter(buyer=buyer, active=True)
    if filters.get("country"):
        rels = rels.filter(supplier__country__in=filters["country"])
    if filters.get("category"):
        rels = rels.filter(category__in=filters["category"])
    if filters.get("criticality"):
        rels = rels.filter(criticality__in=filters["criticality"])
    return rels


def direct_limit(fmt: str = "xlsx") -> int:
    """Largest register (suppliers) served in ``fmt`` straight from ``GET``; larger ones go
    through an export job. JSON streams a chunk of rows at a time, so its limit is its own
    (``FAIRLINK_REGISTER_JSON_LIMIT``); CSV and XLSX share ``FAIRLINK_REGISTER_DIRECT_LIMIT``."""
    if fmt == "json":
        return int(getattr(settings, "FAIRLINK_REGISTER_JSON_LIMIT", 20000))
    return int(getattr(settings, "FAIRLINK_REGISTER_DIRECT_LIMIT", 2000))
