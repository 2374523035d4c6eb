"""A supplier administrator chooses who answers an audit: its respondents, picked among the
company's members. Each one gets access to the audit (and its corrective actions) and a mail;
someone unticked loses that access on the next request."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import User
from flows.services import audit_set_respondents

from ..http import PortalRequest
from ._helpers import supplier_page
from .buyer import run
from .supplier import supplier_audit
from .supplier_answer_page import ASSIGN_RESPONDENTS, AuditPage, render_answer_page


def _chosen_users(request: PortalRequest) -> list[User] | None:
    """The users ticked in the form; None when an id is not a number or not a user."""
    ids = request.POST.getlist("users")
    if not all(i.isdigit() for i in ids):
        return None
    users = list(User.objects.filter(pk__in={int(i) for i in ids}))
    return users if len(users) == len(set(ids)) else None


@supplier_page
@require_POST
def audit_respondents(request: PortalRequest, audit_id: int) -> HttpResponse:
    """POST ``users`` (ids, repeated): the respondents the audit should have. A problem
    re-renders the page with the message (400, or 409 for a cancelled audit)."""
    audit = supplier_audit(request, audit_id)
    if not request.user.has_perm(ASSIGN_RESPONDENTS, audit):
        raise PermissionDenied(_("Only the supplier's administrators assign respondents."))
    users = _chosen_users(request)
    if users is None:
        problems, status = [_("Choose people from the list.")], 400
    else:
        result, errors, conflict, status = run(
            lambda: audit_set_respondents(audit=audit, users=users, actor=request.user)
        )
        if result is not None:
            messages.success(request, _("The respondents of this audit were saved."))
            return redirect("portal:supplier_audit", audit_id=audit.pk)
        problems = [conflict] if conflict else [m for v in (errors or {}).values() for m in v]
    page = AuditPage(request, audit)
    return render_answer_page(
        request, page, page.section(None), respondent_errors=problems, status=status
    )
