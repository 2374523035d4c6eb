"""The buyer's campaigns: the list with response rates, and on a campaign's page its suppliers
one row each (status, answers given, reminders sent, last activity)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.models import Membership, User
from accounts.permissions import has_org_perm
from audits.models import Audit, Campaign
from audits.progress import files_missing, progress_of
from audits.selectors.audits import (
    answers_by_audit,
    campaign_get_for,
    campaign_list_for,
    evidence_codes_by_audit,
)
from audits.selectors.campaigns import (
    campaign_audits,
    campaign_status_counts,
    pending_audit_ids,
)
from audits.services.audits import campaign_create, visible_codes
from audits.services.campaigns import campaign_resume
from questionnaires.spec import questions_for_version

from ..http import PortalRequest
from ._helpers import add_errors, own
from .buyer import buyer_page, query_without_page, require_org_perm, run
from .buyer_forms import CampaignForm
from .lists import Column, sorted_rows

PAGE_SIZE = 50
STATUS_COLUMNS = [s for s in Audit.Status if s != Audit.Status.DRAFT]


def _campaign_columns() -> list[Column]:
    return [
        Column("name", gettext_lazy("Campaign"), ("name",)),
        Column("created", gettext_lazy("Started"), ("created_at",)),
        Column("due", gettext_lazy("Due date"), ("due_date",)),
        Column("suppliers", gettext_lazy("Suppliers"), ("total",)),
        Column("rate", gettext_lazy("Response rate")),
        *(Column(s.value, s.label) for s in STATUS_COLUMNS),
    ]


@buyer_page
def campaigns(request: PortalRequest) -> HttpResponse:
    require_org_perm(request, "accounts.view_all_audits")
    rows = campaign_list_for(user=request.user).filter(buyer=request.organization)
    search = request.GET.get("q", "").strip()
    if search:
        rows = rows.filter(Q(name__icontains=search) | Q(title__icontains=search))
    rows, header = sorted_rows(request, rows, _campaign_columns(), default="-created")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = campaign_status_counts(list(page.object_list))
    context = {
        "page": page,
        "rows": [
            {
                "campaign": c,
                **counts[c.pk],
                "cells": [counts[c.pk]["by_status"].get(s, 0) for s in STATUS_COLUMNS],
            }
            for c in page.object_list
        ],
        "statuses": STATUS_COLUMNS,
        "header": header,
        "search": search,
        "query": query_without_page(request),
    }
    return render(request, "portal/buyer/campaigns.html", context)


def progress_rows(audits: list[Audit], campaign: Campaign) -> list[dict[str, Any]]:
    """Each audit with its progress by the one rule (``audits.progress``), its missing files
    and who answers (the contact the campaign named, or its administrators), in two queries
    for the page whatever its length (three when the campaign named contacts)."""
    answers = answers_by_audit(audits)
    files = evidence_codes_by_audit(audits)
    questions = questions_for_version(campaign.questionnaire_version)
    contacts = campaign.contacts or {}
    # Only a campaign that named contacts asks which of them have not joined yet.
    waiting = pending_audit_ids(audits) if contacts else set()
    rows = []
    for audit in audits:
        values = answers.get(audit.pk, {})
        visible = visible_codes(audit, values)
        with_files = files.get(audit.pk, set())
        progress = progress_of(visible, questions=questions, answers=values, with_files=with_files)
        missing = files_missing(visible, questions=questions, answers=values, with_files=with_files)
        contact = contacts.get(str(audit.supplier_id))
        rows.append(
            {
                "audit": audit,
                "progress": progress,
                "files_missing": missing,
                "contact": contact and {**contact, "pending": audit.pk in waiting},
            }
        )
    return rows


def campaign_overview(request: PortalRequest, campaign: Campaign) -> dict[str, Any]:
    """What the campaign's page shows under its progress: counts by status, the response rate
    and a page of its suppliers' audits."""
    page = Paginator(campaign_audits(campaign), PAGE_SIZE).get_page(request.GET.get("page"))
    counts = campaign_status_counts([campaign])[campaign.pk]
    return {
        "counts": counts,
        "statuses": [(s, counts["by_status"].get(s, 0)) for s in STATUS_COLUMNS],
        "page": page,
        "rows": progress_rows(list(page.object_list), campaign),
    }


# ---------------------------------------------------------------------------------------------
# Starting, following and resuming a campaign
# ---------------------------------------------------------------------------------------------


@buyer_page
def campaign_new(request: PortalRequest) -> HttpResponse:
    require_org_perm(request, "accounts.issue_audits")
    buyer = request.organization
    # The supplier list's "Start a campaign for the ticked suppliers" comes with their ids.
    ticked = [v for v in request.GET.getlist("suppliers") if v.isdigit()]
    form = CampaignForm(
        request.POST or None, user=request.user, buyer=buyer, initial={"suppliers": ticked}
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            campaign, errors, conflict, status = run(
                lambda: campaign_create(
                    actor=request.user,
                    buyer=buyer,
                    name=data["name"],
                    title=data["title"],
                    message=data["message"],
                    questionnaire_version=data["questionnaire_version"],
                    ruleset=data["ruleset"],
                    due_date=data["due_date"],
                    supplier_ids=[s.pk for s in data["suppliers"]] or None,
                    filters=form.filters(),
                    contacts=form.contacts(),
                )
            )
            if campaign is not None:
                return redirect("portal:buyer_campaign", campaign_id=campaign.pk)
            if errors:
                errors = {("suppliers" if k == "supplier_ids" else k): v for k, v in errors.items()}
                add_errors(form, ValidationError(errors))
            if conflict:
                form.add_error(None, conflict)
    return render(request, "portal/buyer/campaign_new.html", {"form": form}, status=status)


def campaign_of(request: PortalRequest, campaign_id: int) -> Campaign:
    return own(request, campaign_get_for(user=request.user, campaign_id=campaign_id))


def _campaign_context(request: PortalRequest, campaign: Campaign) -> dict[str, Any]:
    # A failed campaign is finished too: the page stops polling and offers to resume it.
    failed = campaign.status == Campaign.Status.FAILED
    return {
        "campaign": campaign,
        "finished": failed or campaign.status == Campaign.Status.DONE,
        "can_resume": failed
        and has_org_perm(request.user, "accounts.issue_audits", campaign.buyer),
    }


@buyer_page
def campaign_detail(request: PortalRequest, campaign_id: int) -> HttpResponse:
    campaign = campaign_of(request, campaign_id)
    context = {
        **_campaign_context(request, campaign),
        **campaign_overview(request, campaign),
        **bulk_context(request, campaign),
    }
    return render(request, "portal/buyer/campaign_detail.html", context)


@buyer_page
def campaign_progress(request: PortalRequest, campaign_id: int) -> HttpResponse:
    """The progress fragment; it carries the polling trigger only while work remains."""
    campaign = campaign_of(request, campaign_id)
    return render(
        request,
        "portal/buyer/_campaign_progress.html",
        _campaign_context(request, campaign),
    )


@require_POST
@buyer_page
def campaign_resume_view(request: PortalRequest, campaign_id: int) -> HttpResponse:
    """Queue a failed campaign again (the button on its page); it issues only the rest."""
    campaign = campaign_of(request, campaign_id)
    _result, _errors, conflict, _status = run(
        lambda: campaign_resume(campaign=campaign, actor=request.user)
    )
    if conflict:
        messages.error(request, conflict)
    else:
        messages.success(request, _("The campaign was resumed."))
    return redirect("portal:buyer_campaign", campaign_id=campaign.pk)


# ---------------------------------------------------------------------------------------------
# Bulk actions (the form posts to ``buyer_campaign_bulk``)
# ---------------------------------------------------------------------------------------------

REVIEWER_ROLES = (Membership.Role.ADMIN, Membership.Role.OFFICER, Membership.Role.REVIEWER)


def reviewers_of(buyer_id: int):
    """The buyer's members who may review, for the reviewer list."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__organization_id=buyer_id,
            memberships__role__in=REVIEWER_ROLES,
        )
        .distinct()
        .order_by("email")
    )


def bulk_context(request: PortalRequest, campaign: Campaign) -> dict:
    """What the campaign page needs for its bulk actions (nothing for roles that cannot)."""
    if not has_org_perm(request.user, "accounts.issue_audits", campaign.buyer):
        return {"bulk": None}
    # Reviewers are assigned by the buyer's administrators (``AUDIT_GROUP_PERMS``).
    membership = request.membership
    can_assign = membership is not None and membership.role == Membership.Role.ADMIN
    return {
        "bulk": {
            "reviewers": list(reviewers_of(campaign.buyer_id)) if can_assign else [],
            "can_assign": can_assign,
        }
    }
