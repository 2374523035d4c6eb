"""Buyer pages for corrective actions: the list to review and verify, and one action with its
plan, evidence, thread (internal notes marked) and the moves the buyer may make now."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.languages import pick, request_language
from actions import services as services
from actions.models import CorrectiveAction
from actions.selectors import action_detail_for, action_list, action_thread
from portal.http import PortalRequest
from scoring.models import Severity

from ._helpers import action_rows, own
from .buyer import buyer_page, paginate, query_without_page, run
from .buyer_actions_bulk import can_bulk
from .lists import Column, sorted_rows

Status = CorrectiveAction.Status


ACTION_COLUMNS = [
    Column("finding", gettext_lazy("Finding"), ("finding__rule_code",)),
    Column("supplier", gettext_lazy("Supplier"), ("supplier__name",)),
    Column("severity", gettext_lazy("Severity"), ("severity",)),
    Column("status", gettext_lazy("Status"), ("status",)),
    Column("due", gettext_lazy("Due"), ("due_date",)),
]


@buyer_page
def actions(request: PortalRequest) -> HttpResponse:
    filters: dict[str, Any] = {}
    statuses = [s for s in request.GET.getlist("status") if s in Status.values]
    severities = [s for s in request.GET.getlist("severity") if s in Severity.values]
    if statuses:
        filters["status"] = statuses
    if severities:
        filters["severity"] = severities
    overdue = request.GET.get("overdue") == "1"
    if overdue:
        filters["overdue"] = "true"
    suggested = request.GET.get("suggested") == "1"
    if suggested:
        filters["suggested_verification"] = "true"
    search = request.GET.get("q", "").strip()
    if search:
        filters["search"] = search
    qs = action_list(user=request.user, filters=filters).filter(buyer=request.organization)
    rows, header = sorted_rows(request, qs, ACTION_COLUMNS, default="due")
    page = paginate(request, rows)
    return render(
        request,
        "portal/buyer/actions.html",
        {
            "page": page,
            "rows": action_rows(
                page.object_list, lang=request_language(request), today=timezone.localdate()
            ),
            "query": query_without_page(request),
            "header": header,
            "search": search,
            "statuses": Status.choices,
            "severities": Severity.choices,
            "selected_status": statuses,
            "selected_severity": severities,
            "overdue": overdue,
            "suggested": suggested,
            "bulk": can_bulk(request),
        },
    )


def _action(request: PortalRequest, action_id: int) -> CorrectiveAction:
    return own(request, action_detail_for(user=request.user, action_id=action_id))


def _detail_context(request: PortalRequest, action: CorrectiveAction, **extra: Any) -> dict:
    lang = request_language(request)
    moves = set(services.allowed_moves(action=action, user=request.user))
    context = {
        "action": action,
        "title": pick(action.finding.title, lang),
        "guidance": pick(action.finding.guidance, lang),
        "evidence": list(action.evidence.all()),
        "thread": list(action_thread(user=request.user, action=action)),
        "moves": moves,
        "can_comment": request.user.has_perm(services.REVIEW, action),
        "overdue": action.is_overdue(),
        "errors": {},
        "conflict": None,
        "posted": {},
    }
    context.update(extra)
    return context


@buyer_page
def action_detail(request: PortalRequest, action_id: int) -> HttpResponse:
    action = _action(request, action_id)
    return render(request, "portal/buyer/action_detail.html", _detail_context(request, action))


def _date(value: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        raise ValidationError({"due_date": [_("Enter a valid date.")]}) from None


@require_POST
@buyer_page
def action_move(request: PortalRequest, action_id: int, move: str) -> HttpResponse:
    """One buyer move through the corrective-action services; errors shown on its form."""
    action = _action(request, action_id)
    post = request.POST
    user = request.user
    comment = post.get("comment", "")
    calls = {
        "accept_plan": lambda: services.action_accept_plan(
            action=action, actor=user, comment=comment
        ),
        "reject_plan": lambda: services.action_reject_plan(
            action=action, actor=user, comment=comment
        ),
        "verify": lambda: services.action_verify(action=action, actor=user, comment=comment),
        "reject_evidence": lambda: services.action_reject_evidence(
            action=action, actor=user, comment=comment
        ),
        "cancel": lambda: services.action_cancel(
            action=action, actor=user, reason=post.get("reason", "")
        ),
        "extend": lambda: services.action_extend_due_date(
            action=action,
            actor=user,
            due_date=_date(post.get("due_date", "")),
            reason=post.get("reason", ""),
        ),
        "comment": lambda: services.action_comment(
            action=action,
            actor=user,
            text=post.get("text", ""),
            internal=bool(post.get("internal")),
        ),
    }
    if move not in calls:
        raise Http404
    result, errors, conflict, status = run(calls[move])
    if result is not None:
        messages.success(request, _("Saved."))
        return redirect("portal:buyer_action", action_id=action.pk)
    action = _action(request, action_id)
    context = _detail_context(
        request, action, errors={move: errors or {}}, conflict=conflict, posted={move: post}
    )
    return render(request, "portal/buyer/action_detail.html", context, status=status)
