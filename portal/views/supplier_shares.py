"""The supplier's sharing page: buyers' requests for its latest accepted assessment (grant or
decline), the assessments it shares (revoke), and sharing one with a buyer unprompted. For
the supplier's administrators; the services decide who may and when."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Organization
from accounts.permissions import has_org_perm
from audits.models import Audit
from audits.selectors.audits import audit_list_for
from audits.selectors.shares import (
    share_get_for,
    share_list_for,
    share_request_get_for,
    share_request_list_for,
)
from audits.services.shares import (
    SUPPLIER_PERM,
    share_publish,
    share_request_decline,
    share_request_grant,
    share_revoke,
)
from portal.http import PortalRequest

from ._helpers import own, run, supplier_page

PAGE_SIZE = 50


def _require_admin(request: PortalRequest) -> None:
    if not has_org_perm(request.user, SUPPLIER_PERM, request.organization):
        raise PermissionDenied(_("Only the supplier's administrators share its assessments."))


def _page(request: PortalRequest, *, status: int = 200, **extra) -> HttpResponse:
    user, supplier = request.user, request.organization
    context = {
        "share_requests": list(
            share_request_list_for(user=user).filter(supplier=supplier)[:PAGE_SIZE]
        ),
        "shares": list(share_list_for(user=user).filter(audit__supplier=supplier)[:PAGE_SIZE]),
        "accepted": list(
            audit_list_for(user=user).filter(supplier=supplier, status=Audit.Status.ACCEPTED)[
                :PAGE_SIZE
            ]
        ),
        "buyers": list(
            Organization.objects.buyers()
            .filter(supplier_links__supplier=supplier, supplier_links__active=True)
            .order_by("name")
        ),
        "errors": {},
        "conflict": None,
        **extra,
    }
    return render(request, "portal/supplier/sharing.html", context, status=status)


def _done(request: PortalRequest, result, errors, conflict, status, message: str) -> HttpResponse:
    if result is not None:
        messages.success(request, message)
        return redirect("portal:supplier_sharing")
    return _page(request, status=status, errors=errors or {}, conflict=conflict)


@supplier_page
def sharing(request: PortalRequest) -> HttpResponse:
    _require_admin(request)
    return _page(request)


@require_POST
@supplier_page
def share_request_move(request: PortalRequest, request_id: int, move: str) -> HttpResponse:
    """Grant or decline (with an optional word for the buyer) a buyer's request."""
    _require_admin(request)
    share_request = own(request, share_request_get_for(user=request.user, request_id=request_id))
    if move == "grant":
        outcome = run(lambda: share_request_grant(actor=request.user, request=share_request))
        return _done(request, *outcome, _("Shared: the buyer now reads this assessment."))
    if move == "decline":
        comment = request.POST.get("comment", "").strip()
        outcome = run(
            lambda: share_request_decline(
                actor=request.user, request=share_request, comment=comment
            )
        )
        return _done(request, *outcome, _("The request was declined."))
    raise Http404


@require_POST
@supplier_page
def share_revoke_view(request: PortalRequest, share_id: int) -> HttpResponse:
    _require_admin(request)
    share = share_get_for(user=request.user, share_id=share_id)
    if share.audit.supplier_id != request.organization.pk:
        raise Http404
    outcome = run(lambda: share_revoke(actor=request.user, share=share))
    return _done(request, *outcome, _("The share was revoked: the buyer no longer reads it."))


@require_POST
@supplier_page
def share_publish_view(request: PortalRequest) -> HttpResponse:
    """Share an accepted assessment with a buyer of the supplier, unprompted."""
    _require_admin(request)
    audit_raw, buyer_raw = request.POST.get("audit", ""), request.POST.get("buyer", "")
    supplier = request.organization
    audits = audit_list_for(user=request.user).filter(supplier=supplier)
    audit = audits.filter(pk=int(audit_raw)).first() if audit_raw.isdigit() else None
    buyer = (
        Organization.objects.buyers().filter(pk=int(buyer_raw)).first()
        if buyer_raw.isdigit()
        else None
    )
    errors: dict[str, list[str]] = {}
    if audit is None:
        errors["audit"] = [_("Choose one of your accepted assessments.")]
    if buyer is None:
        errors["buyer"] = [_("Choose a buyer.")]
    if audit is None or buyer is None:
        return _page(request, status=400, errors=errors)
    outcome = run(lambda: share_publish(actor=request.user, audit=audit, buyer=buyer))
    return _done(request, *outcome, _("Shared: the buyer now reads this assessment."))
