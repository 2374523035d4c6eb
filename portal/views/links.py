"""Links in mails name an audit or an action, not a side: send the reader to their own page.

The reader acts for the side of the object they belong to (the supplier or the buyer of that
audit); the active organization is switched to it so the page opens in the right context."""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect

from accounts.middleware import ActiveOrganizationMiddleware
from actions.selectors import action_get_for
from audits.selectors.audits import audit_get_for
from audits.selectors.shares import buyers_shared_with
from portal.http import SignedInRequest


def _side(request: SignedInRequest, obj, shared_with: Sequence[int] = ()) -> str:
    """``shared_with``: buyers the object is shared with, read as buyer's pages too."""
    member_of = {m.organization_id for m in request.memberships}
    sides = [("supplier", obj.supplier_id), ("buyer", obj.buyer_id)]
    sides += [("buyer", org_id) for org_id in shared_with]
    for side, org_id in sides:
        if org_id in member_of:
            request.session[ActiveOrganizationMiddleware.SESSION_KEY] = org_id
            return side
    raise Http404  # visible through a grant but no longer a member of either side


@login_required
def audit_link(request: SignedInRequest, audit_id: int) -> HttpResponse:
    audit = audit_get_for(user=request.user, audit_id=audit_id)
    member_of = [m.organization_id for m in request.memberships]
    shared = buyers_shared_with(audit_id=audit.pk, buyer_ids=member_of)
    side = _side(request, audit, shared)
    return redirect(f"portal:{side}_audit", audit.pk)


@login_required
def action_link(request: SignedInRequest, action_id: int) -> HttpResponse:
    action = action_get_for(user=request.user, action_id=action_id)
    side = _side(request, action)
    return redirect(f"portal:{side}_action", action.pk)


@login_required
def actions_link(request: SignedInRequest) -> HttpResponse:
    organization = request.organization
    if organization is None:
        raise Http404
    return redirect("portal:buyer_actions" if organization.is_buyer else "portal:supplier_actions")
