"""Supplier pages: shared helpers, the dashboard and the released score.

Every read goes through the apps' selectors (``audit_get_for``, ``action_detail_for``,
``score_get_for`` ...) and every write through their services, so the portal and the API
cannot disagree about who may do what or which answer is valid: a view only turns form posts
into service arguments and the services' exceptions into messages. A page is for the supplier
the user acts for (``request.organization``): a buyer organization gets 404, and an audit or
action of another supplier is 404 even when the user could see it while acting for it.

Answering an audit is in ``supplier_audits`` (views) and ``supplier_answer_page`` (what the
page shows); corrective actions in ``supplier_actions``.
"""

from __future__ import annotations

from typing import Any, TypeGuard

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from accounts.languages import pick
from actions.models import CorrectiveAction
from actions.selectors import action_list
from audits.answers import has_answer
from audits.models import Audit
from audits.progress import progress_of
from audits.selectors.audits import (
    answers_by_audit,
    audit_get_for,
    audit_list_for,
    evidence_codes_by_audit,
)
from audits.services.audits import visible_codes
from audits.services.certified import certified_answers, certified_codes
from audits.services.evidence import ALLOWED_TYPES
from backend.errors import Conflict
from portal.http import PortalRequest
from questionnaires.models import Category
from questionnaires.spec import questions_for_version
from scoring.engine import AnswerValue
from scoring.models import Severity
from scoring.selectors import findings_for, score_get_for
from suppliers.certificates import held_certificates

from ._helpers import action_rows, content_language, own, supplier_page

Status = Audit.Status

ActionStatus = CorrectiveAction.Status
OPEN_ACTION_STATES = [s for s in ActionStatus.values if s not in CorrectiveAction.CLOSED_STATES]
SEVERITY_ORDER = {s: i for i, s in enumerate(Severity.values)}
ACCEPT = ",".join(
    [".pdf", ".png", ".jpg", ".jpeg", ".docx", ".xlsx", *ALLOWED_TYPES.keys()]
)  # a hint for the file picker; the service checks the content


# ---------------------------------------------------------------------------------------------
# Shared
# ---------------------------------------------------------------------------------------------


def supplier_audit(request: PortalRequest, audit_id: int, *, answering: bool = False) -> Audit:
    """A visible audit of the active supplier; drafts do not exist for the supplier yet.
    ``answering``: see ``audit_get_for``."""
    audit = own(request, audit_get_for(user=request.user, audit_id=audit_id, answering=answering))
    if audit.status == Status.DRAFT:
        raise Http404
    return audit


def audit_title(audit: Audit, lang: str) -> str:
    version = audit.questionnaire_version
    return audit.title or pick(version.title, lang, version.languages)


def is_answered(answer: AnswerValue | None) -> TypeGuard[AnswerValue]:
    return answer is not None and has_answer(answer.value, answer.not_applicable)


# ---------------------------------------------------------------------------------------------
# Dashboard
# ---------------------------------------------------------------------------------------------


@supplier_page
def dashboard(request: PortalRequest) -> HttpResponse:
    """Audits to answer (due date, status, progress, overdue first) and open corrective
    actions; past audits below. A constant number of queries whatever the number of audits."""
    org = request.organization
    lang = content_language(request)
    today = timezone.localdate()
    audits = list(
        audit_list_for(user=request.user)
        .filter(supplier_id=org.pk)
        .exclude(status=Status.DRAFT)
        .select_related("ruleset")
    )
    editable = [a for a in audits if a.is_editable]
    # The supplier's certificates matter only under a rule set that recognises some.
    recognizes = any(a.ruleset and a.ruleset.document.get("equivalences") for a in editable)
    held = held_certificates(org.pk) if recognizes else ()
    answers_of = answers_by_audit(editable)
    files_by_audit = evidence_codes_by_audit(editable)
    to_answer, past = [], []
    for audit in audits:
        row: dict[str, Any] = {
            "audit": audit,
            "title": audit_title(audit, lang),
            "overdue": audit.is_overdue(today),
        }
        if audit.is_editable:
            own = answers_of.get(audit.pk, {})
            # What the supplier's certificates answer counts, as on the answer page.
            given = certified_answers(audit, own, certificates=held)
            answers = given.answers
            progress = progress_of(
                visible_codes(audit, answers),
                questions=questions_for_version(audit.questionnaire_version),
                answers=answers,
                with_files={*files_by_audit.get(audit.pk, ()), *certified_codes(given)},
            )
            row.update(answered=progress.done, total=progress.total, percent=progress.percent)
            to_answer.append(row)
        else:
            past.append(row)
    to_answer.sort(key=lambda r: (not r["overdue"], r["audit"].due_date, r["audit"].pk))
    actions = action_rows(
        action_list(user=request.user, filters={"status": OPEN_ACTION_STATES}).filter(
            supplier_id=org.pk
        ),
        lang=lang,
        today=today,
    )
    return render(
        request,
        "portal/supplier/dashboard.html",
        {"to_answer": to_answer, "past": past, "actions": actions},
    )


# ---------------------------------------------------------------------------------------------
# Score
# ---------------------------------------------------------------------------------------------


@supplier_page
def audit_score(request: PortalRequest, audit_id: int) -> HttpResponse:
    """The released score, category scores and findings with guidance in the user's language;
    a friendly note while it is not released."""
    audit = supplier_audit(request, audit_id)
    lang = content_language(request)
    languages = audit.questionnaire_version.languages
    score = None
    try:
        _audit_again, score = score_get_for(request.user, audit.pk)
    except (PermissionDenied, Conflict):
        score = None
    categories: list[dict] = []
    findings: list[dict] = []
    if score is not None:
        labels = dict(Category.choices)
        for code, value in (score.categories or {}).items():
            categories.append(
                {
                    "code": code,
                    "label": labels.get(code, code),
                    "value": value,
                    "percent": float(value) if value is not None else 0,
                }
            )
        rows = findings_for(request.user).filter(audit=audit, score=score)
        for finding in rows:
            try:
                action = finding.action
            except CorrectiveAction.DoesNotExist:
                action = None
            findings.append(
                {
                    "finding": finding,
                    "title": pick(finding.title, lang, languages),
                    "guidance": pick(finding.guidance, lang, languages),
                    "category": labels.get(finding.category, finding.category),
                    "action": action,
                }
            )
        findings.sort(key=lambda f: (SEVERITY_ORDER.get(f["finding"].severity, 9), f["title"]))
    return render(
        request,
        "portal/supplier/score.html",
        {
            "audit": audit,
            "audit_title": audit_title(audit, lang),
            "score": score,
            "categories": categories,
            "findings": findings,
        },
    )
