"""Buyer pages: shared helpers, the dashboard, the supplier network and a supplier's page.

Every page reads through the apps' selectors (``*_get_for`` / ``visible_to``) and writes through
their services, so the portal and the API cannot disagree about who may do what. A page is for
the buyer organization the user acts for (``request.organization``): a supplier organization
gets 404, and an object of another buyer is 404 even when the user could see it elsewhere.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.languages import request_language
from accounts.permissions import has_org_perm
from actions.selectors import buyer_overdue_action_count, buyer_overdue_actions
from audits.models import Audit
from audits.selectors.audits import audits_to_review, buyer_audit_counts
from portal.http import PortalRequest
from questionnaires.models import Category
from rulesets.models import Rating
from scoring.selectors import mark_score_expiry, with_latest_score
from suppliers.imports import suppliers_import
from suppliers.models import SupplierRelationship
from suppliers.selectors import relationship_list_for

from ._helpers import action_rows, buyer_page, run
from .lists import Column, sorted_rows

PAGE_SIZE = 50
RATING_ORDER = ("low", "medium", "high", "critical", "not_rated")
NOT_ASSESSED = "not_assessed"


# ---------------------------------------------------------------------------------------------
# Shared helpers
# ---------------------------------------------------------------------------------------------


def require_org_perm(request: PortalRequest, perm: str) -> None:
    """403 when the user's role in the active buyer lacks ``perm`` (a visible page, a role
    that may not use it)."""
    if not has_org_perm(request.user, perm, request.organization):
        raise PermissionDenied(_("Your role does not allow this page."))


def paginate(request: PortalRequest, queryset) -> Any:
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def query_without_page(request: PortalRequest) -> str:
    """The current filters as a query string, for pagination links."""
    pairs = [(k, v) for k, values in request.GET.lists() if k != "page" for v in values]
    return urlencode(pairs)


def rating_label(value: str | None) -> str:
    if value in (None, NOT_ASSESSED):
        return _("Not yet assessed")
    return str(Rating(value).label) if value in Rating.values else value


def category_label(value: str) -> str:
    return str(Category(value).label) if value in Category.values else value


# ---------------------------------------------------------------------------------------------
# Dashboard
# ---------------------------------------------------------------------------------------------


def _rating_bars(request: PortalRequest) -> list[dict] | None:
    """Suppliers of the active buyer by latest rating, as bars (None: role cannot see the
    network)."""
    if not has_org_perm(request.user, "accounts.view_suppliers", request.organization):
        return None
    rels = with_latest_score(
        relationship_list_for(user=request.user).filter(buyer=request.organization, active=True)
    )
    counts = {
        row["latest_rating"] or NOT_ASSESSED: row["n"]
        for row in rels.order_by().values("latest_rating").annotate(n=Count("pk"))
    }
    total = sum(counts.values()) or 1
    order = [*RATING_ORDER, NOT_ASSESSED]
    return [
        {
            "rating": key,
            "label": rating_label(key),
            "count": counts.get(key, 0),
            "percent": round(100 * counts.get(key, 0) / total),
        }
        for key in order
    ]


# Rows of each of the dashboard's lists (waiting for review, overdue actions).
DASHBOARD_ROWS = 10


@buyer_page
def dashboard(request: PortalRequest) -> HttpResponse:
    org = request.organization
    by_status, overdue_audits = buyer_audit_counts(user=request.user, buyer=org)
    statuses = [
        {"value": value, "label": label, "count": by_status.get(value, 0)}
        for value, label in Audit.Status.choices
    ]
    to_review = audits_to_review(user=request.user, buyer=org, limit=DASHBOARD_ROWS)
    overdue = buyer_overdue_actions(user=request.user, buyer=org, limit=DASHBOARD_ROWS)
    overdue_actions = action_rows(overdue, lang=request_language(request))
    overdue_count = len(overdue_actions)
    if overdue_count == DASHBOARD_ROWS:  # there may be more: count them
        overdue_count = buyer_overdue_action_count(user=request.user, buyer=org)
    return render(
        request,
        "portal/buyer/dashboard.html",
        {
            "statuses": statuses,
            "overdue_audits": overdue_audits,
            "to_review": to_review,
            "overdue_actions": overdue_actions,
            "overdue_count": overdue_count,
            "rating_bars": _rating_bars(request),
        },
    )


# ---------------------------------------------------------------------------------------------
# Suppliers
# ---------------------------------------------------------------------------------------------

SUPPLIER_FILTERS = ("country", "criticality", "category", "rating", "search")


def supplier_rows(request: PortalRequest) -> tuple[QuerySet, dict[str, str]]:
    """The active buyer's relationships with the filters of the query string applied."""
    org = request.organization
    params = {key: request.GET.get(key, "").strip() for key in SUPPLIER_FILTERS}
    rels = with_latest_score(
        relationship_list_for(user=request.user).filter(buyer=org, active=True)
    )
    if params["country"]:
        rels = rels.filter(supplier__country__iexact=params["country"])
    if params["criticality"]:
        rels = rels.filter(criticality=params["criticality"])
    if params["category"]:
        rels = rels.filter(category__iexact=params["category"])
    if params["rating"] == NOT_ASSESSED:
        rels = rels.filter(latest_rating__isnull=True)
    elif params["rating"]:
        rels = rels.filter(latest_rating=params["rating"])
    if params["search"]:
        value = params["search"]
        rels = rels.filter(
            Q(supplier__name__icontains=value)
            | Q(supplier__legal_id__icontains=value)
            | Q(buyer_ref__icontains=value)
        )
    return rels.order_by("supplier__name", "pk"), params


def import_error_rows(errors: dict[str, list[str]]) -> list[dict]:
    """``{"row 3": ["country: 'XX' is not ..."]}`` -> one table row per problem: row number,
    column and reason (file-level problems have no row)."""
    rows = []
    for key, msgs in errors.items():
        number = None
        if key.startswith("row "):
            try:
                number = int(key[4:])
            except ValueError:
                number = None
        for message in msgs:
            column, sep, reason = message.partition(": ")
            if not sep or " " in column:
                column, reason = ("" if number is not None else key), message
            rows.append({"row": number, "column": column, "reason": reason})
    rows.sort(key=lambda r: (r["row"] is not None, r["row"] or 0))
    return rows


def _supplier_columns() -> list[Column]:
    return [
        Column("supplier", _("Supplier"), ("supplier__name",)),
        Column("reference", _("Reference"), ("buyer_ref",)),
        Column("country", _("Country"), ("supplier__country",)),
        Column("criticality", _("Criticality"), ("criticality",)),
        Column("category", _("Category"), ("category",)),
        Column("score", _("Latest score"), ("latest_overall",)),
        Column("rating", _("Rating"), ("latest_rating",)),
        Column("next", _("Next assessment")),
    ]


def _suppliers_context(request: PortalRequest) -> dict:
    rels, params = supplier_rows(request)
    rels, header = sorted_rows(request, rels, _supplier_columns(), default="supplier")
    page = paginate(request, rels)
    rows = list(page.object_list)
    for rel in rows:
        rel.rating_text = rating_label(rel.latest_rating)
    mark_score_expiry(rows, buyer=request.organization, today=timezone.localdate())
    page.object_list = rows
    categories = list(
        SupplierRelationship.objects.filter(buyer=request.organization, active=True)
        .exclude(category="")
        .order_by("category")
        .values_list("category", flat=True)
        .distinct()
    )
    return {
        "page": page,
        "params": params,
        "header": header,
        "query": query_without_page(request),
        "criticalities": SupplierRelationship.Criticality.choices,
        "ratings": [(r, rating_label(r)) for r in (*RATING_ORDER, NOT_ASSESSED)],
        "categories": categories,
        "can_manage": has_org_perm(request.user, "accounts.manage_suppliers", request.organization),
        "can_issue": has_org_perm(request.user, "accounts.issue_audits", request.organization),
    }


@buyer_page
def suppliers(request: PortalRequest) -> HttpResponse:
    require_org_perm(request, "accounts.view_suppliers")
    return render(request, "portal/buyer/suppliers.html", _suppliers_context(request))


@require_POST
@buyer_page
def suppliers_import_view(request: PortalRequest) -> HttpResponse:
    """Upload a CSV / XLSX of suppliers; a bad file shows every bad row, a good one the
    counts. htmx requests get the result fragment, others the whole page."""
    require_org_perm(request, "accounts.manage_suppliers")
    upload = request.FILES.get("file")
    errors: dict[str, list[str]] | None
    if upload is None:
        summary, errors, conflict, status = None, {"file": [_("Choose a file.")]}, None, 400
    else:
        summary, errors, conflict, status = run(
            lambda: suppliers_import(buyer=request.organization, file=upload, actor=request.user)
        )
    result = {
        "summary": summary.as_dict() if summary else None,
        "error_rows": import_error_rows(errors) if errors else [],
        "conflict": conflict,
    }
    if request.htmx:
        return render(request, "portal/buyer/_import_result.html", result, status=status)
    context = {**_suppliers_context(request), **result}
    return render(request, "portal/buyer/suppliers.html", context, status=status)
