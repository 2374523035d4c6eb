"""Supplier pages: the corrective actions list and one action (plan, evidence, files, thread)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from accounts.languages import pick
from actions import services as action_services
from actions.models import CorrectiveAction
from actions.selectors import action_detail_for, action_evidence_get_for, action_list, action_thread
from activity.labels import ACTION_EVENT_LABELS, event_label
from audits.http import evidence_response
from backend.errors import Conflict
from portal.http import PortalRequest

from ._helpers import action_rows, add_errors, content_language, error_map, own, supplier_page
from .supplier import ACCEPT


@supplier_page
def actions(request: PortalRequest) -> HttpResponse:
    """The supplier's corrective actions: open ones first (overdue highlighted), then closed."""
    lang = content_language(request)
    today = timezone.localdate()
    rows = action_rows(
        action_list(user=request.user).filter(supplier_id=request.organization.pk),
        lang=lang,
        today=today,
    )
    open_rows = [r for r in rows if r.action.status not in CorrectiveAction.CLOSED_STATES]
    open_rows.sort(key=lambda r: (not r.overdue, r.action.due_date, r.action.pk))
    closed = [r for r in rows if r.action.status in CorrectiveAction.CLOSED_STATES]
    return render(
        request, "portal/supplier/actions.html", {"open_actions": open_rows, "closed": closed}
    )


class PlanForm(forms.Form):
    # Required-ness and the date rule are the service's; the form only parses.
    root_cause = forms.CharField(
        label=gettext_lazy("Root cause"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    plan = forms.CharField(
        label=gettext_lazy("Actions planned"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    responsible_person = forms.CharField(
        label=gettext_lazy("Responsible person"), required=False, max_length=150
    )
    target_date = forms.DateField(
        label=gettext_lazy("Target date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class EvidenceForm(forms.Form):
    completion_note = forms.CharField(
        label=gettext_lazy("What was done"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class CommentForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Your message"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


def _action(request: PortalRequest, action_id: int) -> CorrectiveAction:
    return own(request, action_detail_for(user=request.user, action_id=action_id))


def _action_page(
    request: PortalRequest,
    action: CorrectiveAction,
    *,
    plan_form: PlanForm | None = None,
    evidence_form: EvidenceForm | None = None,
    comment_form: CommentForm | None = None,
    file_errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    lang = content_language(request)
    moves = set(action_services.allowed_moves(action=action, user=request.user))
    can_respond = request.user.has_perm(action_services.RESPOND, action)
    thread = [
        {"event": e, "label": event_label(e.verb)}
        for e in action_thread(user=request.user, action=action)
        if e.comment or e.verb in ACTION_EVENT_LABELS
    ]
    if plan_form is None:
        plan_form = PlanForm(
            initial={
                "root_cause": action.root_cause,
                "plan": action.plan,
                "responsible_person": action.responsible_person,
                "target_date": action.target_date,
            }
        )
    return render(
        request,
        "portal/supplier/action_detail.html",
        {
            "action": action,
            "title": pick(action.finding.title, lang),
            "guidance": pick(action.finding.guidance, lang),
            "overdue": action.is_overdue(),
            "evidence": list(action.evidence.all()),
            "thread": thread,
            "can_plan": "submit_plan" in moves,
            "can_submit_evidence": "submit_evidence" in moves,
            "can_add_file": can_respond and action.status in action_services.EVIDENCE_UPLOAD_STATES,
            "can_comment": can_respond and action.status not in CorrectiveAction.CLOSED_STATES,
            "plan_form": plan_form,
            "evidence_form": evidence_form or EvidenceForm(),
            "comment_form": comment_form or CommentForm(),
            "file_errors": file_errors or [],
            "accept": ACCEPT,
        },
        status=status,
    )


def _done(request: PortalRequest, action: CorrectiveAction, message: str) -> HttpResponse:
    messages.success(request, message)
    return _back_to_action(request, action)


def _conflict(request: PortalRequest, action: CorrectiveAction, exc: Conflict) -> HttpResponse:
    messages.error(request, str(exc))
    return _back_to_action(request, action)


def _back_to_action(request: PortalRequest, action: CorrectiveAction) -> HttpResponse:
    url = reverse("portal:supplier_action", args=[action.pk])
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)


@supplier_page
def action_detail(request: PortalRequest, action_id: int) -> HttpResponse:
    return _action_page(request, _action(request, action_id))


@supplier_page
@require_POST
def action_plan(request: PortalRequest, action_id: int) -> HttpResponse:
    action = _action(request, action_id)
    form = PlanForm(request.POST)
    if form.is_valid():
        try:
            action_services.action_submit_plan(
                action=action, actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_errors(form, exc, name_other_fields=False)
        except Conflict as exc:
            return _conflict(request, action, exc)
        else:
            return _done(request, action, _("Your plan was sent to the buyer."))
    return _action_page(request, action, plan_form=form, status=400)


@supplier_page
@require_POST
def action_evidence(request: PortalRequest, action_id: int) -> HttpResponse:
    action = _action(request, action_id)
    form = EvidenceForm(request.POST)
    form.is_valid()
    try:
        action_services.action_submit_evidence(
            action=action,
            actor=request.user,
            completion_note=form.cleaned_data.get("completion_note", ""),
            files=request.FILES.getlist("files"),
        )
    except ValidationError as exc:
        add_errors(form, exc, name_other_fields=False)
        return _action_page(
            request,
            action,
            evidence_form=form,
            file_errors=error_map(exc).get("files"),
            status=400,
        )
    except Conflict as exc:
        return _conflict(request, action, exc)
    return _done(request, action, _("Your evidence was sent to the buyer for verification."))


@supplier_page
@require_POST
def action_file_add(request: PortalRequest, action_id: int) -> HttpResponse:
    action = _action(request, action_id)
    try:
        action_services.action_evidence_add(
            action=action, actor=request.user, file=request.FILES.get("file")
        )
    except ValidationError as exc:
        errors = [m for msgs in error_map(exc).values() for m in msgs]
        return _action_page(request, action, file_errors=errors, status=400)
    except Conflict as exc:
        return _conflict(request, action, exc)
    return _done(request, action, _("File uploaded."))


@supplier_page
def action_file_download(
    request: PortalRequest, action_id: int, evidence_id: int
) -> FileResponse | JsonResponse:
    _action(request, action_id)
    evidence = action_evidence_get_for(
        user=request.user, action_id=action_id, evidence_id=evidence_id
    )
    return evidence_response(evidence)


@supplier_page
@require_POST
def action_comment_view(request: PortalRequest, action_id: int) -> HttpResponse:
    action = _action(request, action_id)
    form = CommentForm(request.POST)
    form.is_valid()
    try:
        action_services.action_comment(
            action=action, actor=request.user, text=form.cleaned_data.get("text", "")
        )
    except ValidationError as exc:
        add_errors(form, exc, name_other_fields=False)
        return _action_page(request, action, comment_form=form, status=400)
    return _done(request, action, _("Your message was added."))
