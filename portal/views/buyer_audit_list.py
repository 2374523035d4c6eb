"""The buyer's list of audits: search, filters, sorting by column, the days left or overdue,
and bulk actions on the ticked rows (remind now, extend the due date, cancel), at a constant
number of queries."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from audits.models import Audit
from audits.selectors.audits import audit_list_for, audit_search
from flows.campaign_bulk import audits_bulk

from ..http import PortalRequest
from .buyer import buyer_page, paginate, query_without_page
from .buyer_audits import _can_issue
from .buyer_campaign_bulk import BulkForm, apply_bulk, show_errors, ticked_rows
from .lists import Column, back_to_list, due_words, sorted_rows

Status = Audit.Status

AUDIT_COLUMNS = [
    Column("id", gettext_lazy("Audit"), ("id",)),
    Column("supplier", gettext_lazy("Supplier"), ("supplier__name",)),
    Column("questionnaire", gettext_lazy("Questionnaire")),
    Column("status", gettext_lazy("Status"), ("status",)),
    Column("due", gettext_lazy("Due"), ("due_date",)),
    Column("submitted", gettext_lazy("Submitted"), ("submitted_at",)),
]


@buyer_page
def audits(request: PortalRequest) -> HttpResponse:
    """The buyer's audits: search, filters, sort by column, the days left or overdue, and
    (for those who issue audits) bulk actions on the ticked rows."""
    qs = audit_list_for(user=request.user).filter(buyer=request.organization)
    statuses = [s for s in request.GET.getlist("status") if s in Status.values]
    if statuses:
        qs = qs.filter(status__in=statuses)
    overdue = request.GET.get("overdue") == "1"
    if overdue:
        qs = qs.overdue()
    campaign = request.GET.get("campaign", "")
    if campaign.isdigit():
        qs = qs.filter(campaign_id=int(campaign))
    search = request.GET.get("q", "").strip()
    rows, header = sorted_rows(request, audit_search(qs, search), AUDIT_COLUMNS, default="-id")
    page = paginate(request, rows)
    today = timezone.localdate()
    for audit in page.object_list:
        audit.due_text = due_words(audit.due_date, today) if audit.is_editable else ""
    can_issue = _can_issue(request)
    return render(
        request,
        "portal/buyer/audits.html",
        {
            "page": page,
            "query": query_without_page(request),
            "header": header,
            "search": search,
            "statuses": Status.choices,
            "selected": statuses,
            "overdue": overdue,
            "can_issue": can_issue,
            "bulk": {"can_assign": False} if can_issue else None,
        },
    )


@require_POST
@buyer_page
def audits_bulk_view(request: PortalRequest) -> HttpResponse:
    """The list's bulk form: the ticked audits of the active buyer (a tick for an audit the
    user cannot see is an error, nothing changes)."""
    back = redirect(back_to_list(request, "portal:buyer_audits"))
    form = BulkForm(request.POST, buyer_id=request.organization.pk)
    if not form.is_valid():
        show_errors(request, form, form.errors)
        return back
    visible = audit_list_for(user=request.user).filter(buyer=request.organization)
    chosen = ticked_rows(
        request, form.cleaned_data["audits"], visible, none_ticked=_("Tick the audits to act on.")
    )
    if chosen is None:
        return back
    apply_bulk(
        request,
        form,
        lambda **common: audits_bulk(audits=chosen, **common),
    )
    return back
