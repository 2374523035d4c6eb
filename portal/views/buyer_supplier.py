"""A buyer's page of one supplier: profile, our records, score trend, audits, and its shared
assessments: ask for the latest accepted one, follow the requests and shares, withdraw an
open request."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import has_org_perm
from audits.models import Audit
from audits.selectors.audits import audit_list_for
from audits.selectors.shares import share_list_for, share_request_get_for, share_request_list_for
from audits.services.shares import BUYER_PERM, share_request_create, share_request_withdraw
from portal.http import PortalRequest
from questionnaires.models import Questionnaire
from scoring.models import Score
from suppliers.certificates import certificate_list_for
from suppliers.models import SupplierRelationship
from suppliers.selectors import relationship_get_for, relationship_list_for

from ._helpers import buyer_page, own, run
from .buyer import PAGE_SIZE, require_org_perm


def trend_chart(points: list[tuple[datetime.date, Decimal | None]]) -> dict | None:
    """An inline-SVG line of overall scores (0..100) by acceptance date, computed here so the
    page needs no chart script."""
    values = [(d, float(v)) for d, v in points if v is not None]
    if not values:
        return None
    width, height, pad_x, pad_y = 600, 220, 40, 20
    inner_w, inner_h = width - 2 * pad_x, height - 2 * pad_y
    step = inner_w / (len(values) - 1) if len(values) > 1 else 0
    dots = []
    for i, (day, value) in enumerate(values):
        x = pad_x + (i * step if len(values) > 1 else inner_w / 2)
        y = pad_y + (100 - value) * inner_h / 100
        dots.append({"x": round(x, 1), "y": round(y, 1), "value": value, "date": day})
    grid = [
        {"value": v, "y": round(pad_y + (100 - v) * inner_h / 100, 1)} for v in (0, 40, 60, 80, 100)
    ]
    return {
        "width": width,
        "height": height,
        "pad_x": pad_x,
        "right": width - pad_x,
        "label_y": height - 2,
        "polyline": " ".join(f"{d['x']},{d['y']}" for d in dots),
        "dots": dots,
        "grid": grid,
    }


def _share_context(request: PortalRequest, rel: SupplierRelationship) -> dict:
    """This buyer's requests to the supplier and the assessments it shares with the buyer."""
    user, buyer = request.user, request.organization
    return {
        "share_requests": list(
            share_request_list_for(user=user).filter(buyer=buyer, supplier_id=rel.supplier_id)[
                :PAGE_SIZE
            ]
        ),
        "shares": list(
            share_list_for(user=user).filter(buyer=buyer, audit__supplier_id=rel.supplier_id)[
                :PAGE_SIZE
            ]
        ),
        "questionnaires": list(
            Questionnaire.objects.filter(Q(owner__isnull=True) | Q(owner=buyer)).order_by("code")
        ),
        "can_ask": has_org_perm(user, BUYER_PERM, buyer),
        "share_errors": {},
        "share_conflict": None,
    }


def _supplier_page(
    request: PortalRequest, rel: SupplierRelationship, *, status: int = 200, **extra
) -> HttpResponse:
    audits = list(
        audit_list_for(user=request.user)
        .filter(buyer=request.organization, supplier_id=rel.supplier_id)
        .order_by("-created_at", "-pk")[:PAGE_SIZE]
    )
    accepted = [a for a in audits if a.status == Audit.Status.ACCEPTED]
    finals: dict[int, Score] = {}
    for score in Score.objects.filter(final=True, audit_id__in=[a.pk for a in accepted]).order_by(
        "created_at", "pk"
    ):
        finals[score.audit_id] = score  # the newest final score of each audit wins
    trend = sorted(
        (
            (timezone.localdate(a.accepted_at), finals[a.pk].overall)
            for a in accepted
            if a.pk in finals and a.accepted_at
        ),
        key=lambda p: p[0],
    )
    context = {
        "rel": rel,
        "supplier": rel.supplier,
        "audits": [{"audit": a, "final_score": finals.get(a.pk)} for a in audits],
        "chart": trend_chart(trend),
        "trend": trend,
        "can_issue": has_org_perm(request.user, "accounts.issue_audits", request.organization),
        "certificates": certificate_list_for(user=request.user, supplier_id=rel.supplier_id),
        "can_verify": has_org_perm(request.user, "accounts.manage_suppliers", request.organization),
        **_share_context(request, rel),
        **extra,
    }
    return render(request, "portal/buyer/supplier_detail.html", context, status=status)


def _relationship(request: PortalRequest, relationship_id: int) -> SupplierRelationship:
    return own(request, relationship_get_for(user=request.user, relationship_id=relationship_id))


@buyer_page
def supplier_detail(request: PortalRequest, relationship_id: int) -> HttpResponse:
    return _supplier_page(request, _relationship(request, relationship_id))


@require_POST
@buyer_page
def share_request_new(request: PortalRequest, relationship_id: int) -> HttpResponse:
    """Ask the supplier for its latest accepted assessment on the chosen questionnaire."""
    rel = _relationship(request, relationship_id)
    require_org_perm(request, BUYER_PERM)
    raw = request.POST.get("questionnaire", "")
    questionnaire = (
        Questionnaire.objects.filter(pk=int(raw)).first() if raw.strip().isdigit() else None
    )
    if questionnaire is None:
        missing = {"questionnaire": [_("Choose a questionnaire.")]}
        return _supplier_page(request, rel, status=400, share_errors=missing)
    result, errors, conflict, status = run(
        lambda: share_request_create(
            actor=request.user,
            buyer=request.organization,
            supplier=rel.supplier,
            questionnaire=questionnaire,
            message=request.POST.get("message", "").strip(),
        )
    )
    if result is not None:
        messages.success(request, _("Your request was sent to the supplier."))
        return redirect("portal:buyer_supplier", relationship_id=rel.pk)
    return _supplier_page(
        request, rel, status=status, share_errors=errors or {}, share_conflict=conflict
    )


@require_POST
@buyer_page
def share_request_withdraw_view(request: PortalRequest, request_id: int) -> HttpResponse:
    share_request = own(request, share_request_get_for(user=request.user, request_id=request_id))
    rel = (
        relationship_list_for(user=request.user)
        .filter(buyer=request.organization, supplier_id=share_request.supplier_id)
        .first()
    )
    if rel is None:
        raise Http404
    result, _errors, conflict, status = run(
        lambda: share_request_withdraw(actor=request.user, request=share_request)
    )
    if result is not None:
        messages.success(request, _("Your request was withdrawn."))
        return redirect("portal:buyer_supplier", relationship_id=rel.pk)
    return _supplier_page(request, rel, status=status, share_conflict=conflict)
