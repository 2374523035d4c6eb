"""Reads of corrective actions: fetch-and-authorize, the filtered list, the comment thread and
the per-supplier figures the risk register needs."""

from __future__ import annotations

import datetime
from typing import Any

import django_filters
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, Organization
from accounts.permissions import sees_every_audit
from actions.models import (
    ActionEvidence,
    ActionTally,
    CorrectiveAction,
    CorrectiveActionQuerySet,
    action_visibility_buyers,
)
from activity.models import ActivityEvent
from backend.api.filters import FilterSet, tallied_filters
from backend.workflow import overdue_q
from scoring.models import Severity
from suppliers.selectors import supplier_text_matches

Status = CorrectiveAction.Status


def _base() -> CorrectiveActionQuerySet:
    return CorrectiveAction.objects.select_related("finding", "buyer", "supplier")


def action_get_for(*, user, action_id: int, perm: str | None = None) -> CorrectiveAction:
    """The action if ``user`` may see it (else 404) and, when ``perm`` is given, holds it on
    the action (else 403)."""
    action = _base().visible_to(user).filter(pk=action_id).first()
    if action is None:
        raise Http404
    if perm is not None and not user.has_perm(perm, action):
        raise PermissionDenied(_("You may not do this on this corrective action."))
    return action


# Strict booleans: an unknown value is a 400, not silently "no filter".
_BOOL = [(v, v) for v in ("true", "false", "1", "0")]
_TRUE = {"true", "1"}


class CorrectiveActionFilter(FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Status.choices)
    severity = django_filters.MultipleChoiceFilter(choices=Severity.choices)
    supplier = django_filters.NumberFilter(field_name="supplier_id")
    buyer = django_filters.NumberFilter(field_name="buyer_id")
    audit = django_filters.NumberFilter(field_name="audit_id")
    overdue = django_filters.ChoiceFilter(choices=_BOOL, method="filter_overdue")
    suggested_verification = django_filters.ChoiceFilter(choices=_BOOL, method="filter_suggested")
    due_before = django_filters.DateFilter(field_name="due_date", lookup_expr="lte")
    due_after = django_filters.DateFilter(field_name="due_date", lookup_expr="gte")
    search = django_filters.CharFilter(
        method="filter_search",
        help_text="Supplier name, legal id, the buyer's supplier reference or the finding's code.",
    )

    class Meta:
        model = CorrectiveAction
        fields: list[str] = []

    def filter_overdue(self, queryset, name, value):
        overdue = overdue_q(CorrectiveAction.OPEN_STATES)
        return queryset.filter(overdue) if value in _TRUE else queryset.exclude(overdue)

    def filter_search(self, queryset, name, value):
        text = (value or "").strip()
        if not text:
            return queryset
        return queryset.filter(supplier_text_matches(text) | Q(finding__rule_code__icontains=text))

    def filter_suggested(self, queryset, name, value):
        return queryset.filter(suggested_verification=value in _TRUE)


def action_list(*, user, filters: dict[str, Any] | None = None) -> QuerySet[CorrectiveAction]:
    """The actions ``user`` may see, filtered by ``status`` and ``severity`` (repeatable),
    ``supplier``, ``buyer``, ``audit``, ``overdue``, ``suggested_verification``, ``due_before``,
    ``due_after``. Bad filter values raise ``ValidationError`` per parameter. The queryset
    carries what the list serializer reads, so a page costs the same number of queries
    whatever its length."""
    qs = _base().visible_to(user).order_by("due_date", "pk")
    fs = CorrectiveActionFilter(filters or {}, queryset=qs)
    if not fs.is_valid():
        raise ValidationError({k: list(v) for k, v in fs.errors.items()})
    return fs.qs


def action_list_count(*, user, params) -> int | None:
    """How many actions the API's list filtered by ``params`` counts, from the tally when it
    can tell (``action_visibility_buyers``, ``TallyQuerySet.count_for``); None: count them."""
    buyers, filters = action_visibility_buyers(user), tallied_filters(params)
    if buyers is None or filters is None:
        return None
    return ActionTally.objects.count_for(buyers, **filters)


def _buyer_actions(user, buyer: Organization) -> CorrectiveActionQuerySet:
    """The actions of ``buyer`` that ``user`` sees: all of them, without reading the user's
    grants, when the user's role sees every action of the buyer."""
    actions = CorrectiveAction.objects.filter(buyer=buyer)
    return actions if sees_every_audit(user, buyer) else actions.visible_to(user)


def buyer_overdue_actions(*, user, buyer: Organization, limit: int) -> list[CorrectiveAction]:
    """The first ``limit`` overdue actions of ``buyer`` that ``user`` sees, earliest due
    first, with the columns the dashboard shows (state, severity, due date, the supplier's
    name and the finding's title)."""
    overdue = _buyer_actions(user, buyer).overdue().select_related("finding", "supplier")
    columns = ("severity", "status", "due_date", "supplier__name", "finding__title")
    return list(overdue.only(*columns).order_by("due_date", "pk")[:limit])


def buyer_overdue_action_count(*, user, buyer: Organization) -> int:
    """How many overdue actions of ``buyer`` ``user`` sees: from the tally when the user's role
    sees every action of the buyer (``CorrectiveActionQuerySet.visible_to``), else counted."""
    if sees_every_audit(user, buyer):
        today = timezone.localdate()
        return ActionTally.objects.overdue(buyer.pk, CorrectiveAction.OPEN_STATES, today)
    return _buyer_actions(user, buyer).overdue().count()


# What the API's list sends (``ActionListRowSerializer``); the other columns are not read.
API_LIST_COLUMNS = (
    "audit_id",
    "finding_id",
    "buyer__name",
    "supplier__name",
    "finding__rule_code",
    "finding__category",
    "finding__title",
    "finding__guidance",
    "severity",
    "status",
    "due_date",
    "original_due_date",
    "target_date",
    "suggested_verification",
    "suggested_by_audit_id",
    "created_at",
    "updated_at",
    "verified_at",
    "cancelled_at",
)


def action_api_list(*, user, filters: dict[str, Any] | None = None) -> QuerySet[CorrectiveAction]:
    """``action_list`` reading only the columns the API's list sends."""
    return action_list(user=user, filters=filters).only(*API_LIST_COLUMNS)


def action_detail_for(*, user, action_id: int) -> CorrectiveAction:
    """``action_get_for`` with its evidence files read, oldest first, for the detail view:
    ``action.evidence.all()`` then needs no further query."""
    action = action_get_for(user=user, action_id=action_id)
    prefetch_related_objects(
        [action],
        Prefetch(
            "evidence",
            queryset=ActionEvidence.objects.select_related("uploaded_by").order_by(
                "created_at", "pk"
            ),
        ),
    )
    return action


def is_buyer_side(*, user, action: CorrectiveAction) -> bool:
    """Buyer members see buyer-internal notes; nobody else does."""
    return Membership.objects.filter(user=user, organization_id=action.buyer_id).exists()


def action_thread(*, user, action: CorrectiveAction) -> QuerySet[ActivityEvent]:
    """Every event of the action (moves with their comments, plain comments), oldest first;
    internal notes only for the buyer side."""
    qs = action.events.select_related("actor").order_by("created_at", "pk")
    if not is_buyer_side(user=user, action=action):
        qs = qs.filter(internal=False)
    return qs


def action_evidence_get_for(*, user, action_id: int, evidence_id: int) -> ActionEvidence:
    """An evidence file of a visible action (404 otherwise)."""
    action = action_get_for(user=user, action_id=action_id)
    evidence = ActionEvidence.objects.filter(pk=evidence_id, corrective_action=action).first()
    if evidence is None:
        raise Http404
    return evidence


def action_figures_by_supplier(
    *, buyer_id: int, today: datetime.date | None = None
) -> dict[int, dict[str, Any]]:
    """For the risk register: per supplier of ``buyer_id``, ``open_actions``,
    ``overdue_actions``, ``overdue_critical`` (an overdue critical action flags the supplier)
    and ``next_due_date`` (earliest due date of an open action). One query."""
    rows = CorrectiveAction.objects.filter(buyer_id=buyer_id).figures_by_supplier(today)
    return {
        r["supplier_id"]: {
            "open_actions": r["open_actions"],
            "overdue_actions": r["overdue_actions"],
            "overdue_critical": r["overdue_critical"] > 0,
            "next_due_date": r["next_due_date"],
        }
        for r in rows
    }
