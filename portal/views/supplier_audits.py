"""Supplier pages: answering an audit (one section at a time, one answer per post), its
evidence files, copying earlier answers and submitting (``supplier_answer_page`` renders)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audits.http import evidence_response
from audits.selectors.audits import evidence_get_for
from audits.services.audits import answers_save, audit_prefill, missing_for_submit
from audits.services.evidence import evidence_delete, evidence_upload
from backend.errors import Conflict
from flows.services import audit_submit
from portal.http import PortalRequest
from questionnaires.models import Question
from scoring.engine import AnswerValue

from ._helpers import error_map, supplier_page
from .expired import take_pending_answers
from .supplier import supplier_audit
from .supplier_answer_page import AuditPage, back_to_question, question_response, render_answer_page


@supplier_page
def audit_answer(request: PortalRequest, audit_id: int) -> HttpResponse:
    """One section of the questionnaire (``?section=CODE``); ``?check=1`` marks what still
    stops submission. Read-only once the audit is submitted or for users who cannot answer."""
    audit = supplier_audit(request, audit_id)
    if save_pending_answers(request, audit):
        return redirect(request.get_full_path())
    page = AuditPage(request, audit)
    section = page.section(request.GET.get("section"))
    check = page.editable and request.GET.get("check") == "1"
    missing = missing_for_submit(audit) if check else {}
    return render_answer_page(request, page, section, missing=missing, check=check)


def _posted_value(q: dict, data) -> Any:
    if q["type"] == Question.Type.MULTI_CHOICE:
        return data.getlist("value")
    return data.get("value", "")


def save_pending_answers(request: PortalRequest, audit) -> bool:
    """Save the answers posted to ``audit`` while the session had expired (``expired``), now
    that the user is signed in again, and say what became of each; True when there were any."""
    pending = take_pending_answers(request, audit.pk)
    if not pending:
        return False
    page = AuditPage(request, audit)
    for kept in pending:
        code = kept["code"]
        found = page.where.get(code)
        if found is None:
            continue
        values = kept["value"]
        multi = found[1]["type"] == Question.Type.MULTI_CHOICE
        item = {
            "question": code,
            "value": values if multi else (values[0] if values else ""),
            "not_applicable": kept["not_applicable"],
        }
        try:
            answers_save(audit=audit, answers=[item], actor=request.user)
        except (ValidationError, Conflict, PermissionDenied) as exc:
            reason = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            messages.error(
                request,
                _("Your answer to %(code)s was not saved: %(reason)s Please enter it again.")
                % {"code": code, "reason": reason},
            )
        else:
            messages.success(
                request,
                _(
                    "Your session had expired; your answer to %(code)s was saved after you signed in."
                )
                % {"code": code},
            )
    return True


@supplier_page
@require_POST
def answer_save(request: PortalRequest, audit_id: int, code: str) -> HttpResponse:
    """Save one answer through ``answers_save`` (400 with the question's message, 409 when the
    audit is no longer editable)."""
    audit = supplier_audit(request, audit_id, answering=True)
    page = AuditPage(request, audit)
    if code not in page.where:
        raise Http404
    _section, q = page.where[code]
    before = page.visible
    posted = _posted_value(q, request.POST)
    item = {
        "question": code,
        "value": posted,
        "not_applicable": request.POST.get("not_applicable") in ("1", "on", "true"),
    }
    errors: list[str] = []
    status = 200
    try:
        saved = answers_save(audit=audit, answers=[item], actor=request.user)
    except ValidationError as exc:
        found = error_map(exc)
        errors = found.get(code) or [m for msgs in found.values() for m in msgs]
        status = 400
    except Conflict as exc:
        errors = [str(exc)]
        status = 409
    if errors:
        if not request.htmx:
            return render_answer_page(
                request,
                page,
                page.where[code][0],
                errors={code: errors},
                posted={code: posted},
                check=request.POST.get("check") == "1",
                status=status,
            )
        return question_response(request, page, code, errors=errors, posted=posted, status=status)
    if not request.htmx:
        messages.success(request, _("Answer saved."))
        return back_to_question(page, code, request)
    page.saved(
        code,
        AnswerValue(value=saved[0].value, not_applicable=saved[0].not_applicable)
        if saved
        else None,
    )
    return question_response(request, page, code, before=before, saved=True)


@supplier_page
@require_POST
def evidence_add(request: PortalRequest, audit_id: int, code: str) -> HttpResponse:
    """Upload an evidence file to a question (``evidence_upload`` checks size and type)."""
    audit = supplier_audit(request, audit_id)
    page = AuditPage(request, audit)
    if code not in page.where:
        raise Http404
    errors: list[str] = []
    status = 200
    try:
        evidence_upload(
            audit=audit, question_code=code, file=request.FILES.get("file"), actor=request.user
        )
    except ValidationError as exc:
        errors = [m for msgs in error_map(exc).values() for m in msgs]
        status = 400
    except Conflict as exc:
        errors = [str(exc)]
        status = 409
    if not request.htmx:
        if errors:
            for message in errors:
                messages.error(request, f"{code}: {message}")
        else:
            messages.success(request, _("File uploaded."))
        return back_to_question(page, code, request)
    if not errors:
        page = AuditPage(request, audit)
    return question_response(request, page, code, evidence_errors=errors, status=status)


@supplier_page
@require_POST
def evidence_remove(request: PortalRequest, audit_id: int, evidence_id: int) -> HttpResponse:
    audit = supplier_audit(request, audit_id)
    evidence = evidence_get_for(audit=audit, evidence_id=evidence_id)
    code = evidence.question.code if evidence.question is not None else None
    errors: list[str] = []
    status = 200
    try:
        evidence_delete(evidence=evidence, actor=request.user)
    except Conflict as exc:
        errors = [str(exc)]
        status = 409
    page = AuditPage(request, audit)
    if code is None or code not in page.where:
        return redirect("portal:supplier_audit", audit_id=audit.pk)
    if not request.htmx:
        if errors:
            messages.error(request, errors[0])
        else:
            messages.success(request, _("File removed."))
        return back_to_question(page, code, request)
    return question_response(request, page, code, evidence_errors=errors, status=status)


@supplier_page
def evidence_download(
    request: PortalRequest, audit_id: int, evidence_id: int
) -> FileResponse | JsonResponse:
    audit = supplier_audit(request, audit_id)
    evidence = evidence_get_for(audit=audit, evidence_id=evidence_id)
    return evidence_response(evidence)


@supplier_page
@require_POST
def audit_prefill_view(request: PortalRequest, audit_id: int) -> HttpResponse:
    """Copy answers from the supplier's last submission into the unanswered questions."""
    audit = supplier_audit(request, audit_id)
    try:
        result = audit_prefill(audit=audit, actor=request.user)
    except Conflict as exc:
        messages.error(request, str(exc))
    else:
        if result["source"] is None:
            messages.info(request, _("There is no earlier submission to copy answers from."))
        else:
            copied = len(result["copied"])
            skipped = len(result["skipped"])
            submitted = result["source"]["submitted_at"]
            messages.success(
                request,
                _(
                    "Copied %(copied)d answers from your submission of %(date)s; "
                    "%(skipped)d were left as they are. Please check them before you submit."
                )
                % {
                    "copied": copied,
                    "skipped": skipped,
                    "date": formats.date_format(timezone.localtime(submitted), "DATE_FORMAT")
                    if submitted
                    else "",
                },
            )
    return redirect("portal:supplier_audit", audit_id=audit.pk)


@supplier_page
@require_POST
def audit_submit_view(request: PortalRequest, audit_id: int) -> HttpResponse:
    """Submit; when something is missing, the page again (400) with the list at the top, on
    the first section that has a missing question, each one marked in place."""
    audit = supplier_audit(request, audit_id)
    try:
        audit_submit(audit=audit, actor=request.user)
    except ValidationError as exc:
        missing = error_map(exc)
        page = AuditPage(request, audit)
        first = next((page.where[c][0] for c in missing if c in page.where), page.section(None))
        return render_answer_page(request, page, first, missing=missing, check=True, status=400)
    except Conflict as exc:
        messages.error(request, str(exc))
        return redirect("portal:supplier_audit", audit_id=audit.pk)
    messages.success(
        request, _("Thank you, your answers were submitted. The buyer will review them.")
    )
    return redirect("portal:supplier_dashboard")
