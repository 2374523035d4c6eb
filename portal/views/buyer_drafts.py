"""Editing a draft audit from its page before it is sent (``audit_update_draft``)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audits.services.drafts import audit_update_draft

from ..http import PortalRequest
from ._helpers import add_errors
from .buyer import buyer_page, run
from .buyer_audits import _audit, _review_context
from .buyer_forms import DraftForm


@require_POST
@buyer_page
def audit_draft_edit(request: PortalRequest, audit_id: int) -> HttpResponse:
    audit = _audit(request, audit_id)
    form = DraftForm.for_audit(
        audit, user=request.user, buyer=request.organization, data=request.POST
    )
    conflict = None
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        result, errors, conflict, status = run(
            lambda: audit_update_draft(
                audit=audit,
                actor=request.user,
                title=data["title"],
                message=data["message"],
                due_date=data["due_date"],
                questionnaire_version=data["questionnaire_version"],
                ruleset=data["ruleset"],
                clear_ruleset=data["ruleset"] is None,
            )
        )
        if result is not None:
            messages.success(request, _("The draft was saved."))
            return redirect("portal:buyer_audit", audit_id=audit.pk)
        if errors:
            add_errors(form, ValidationError(errors))
    audit = _audit(request, audit_id)
    context = _review_context(request, audit, draft_form=form, conflict=conflict)
    return render(request, "portal/buyer/audit_review.html", context, status=status)
