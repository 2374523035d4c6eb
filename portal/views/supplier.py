"""Supplier pages: the dashboard, answering an audit, the released score, corrective actions.

Every read goes through the apps' selectors (``audit_get_for``, ``action_detail_for``,
``score_get_for`` ...) and every write through their services, so the portal and the API
cannot disagree about who may do what or which answer is valid: a view only turns form posts
into service arguments and the services' exceptions into messages. A page is for the supplier
the user acts for (``request.organization``): a buyer organization gets 404, and an audit or
action of another supplier is 404 even when the user could see it while acting for it.

Answering is progressively enhanced: each question is its own small form that posts to the
answer URL. With htmx the form saves on ``change`` and the response is the question again,
plus out-of-band swaps of the progress bar and of the questions whose visibility the answer
changed (computed by ``visible_codes``); without JavaScript the same form posts normally and
the view redirects back to the question.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, TypeGuard, cast
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from accounts.languages import pick
from actions import services as action_services
from actions.models import CorrectiveAction
from actions.selectors import action_detail_for, action_evidence_get_for, action_list, action_thread
from activity.labels import ACTION_EVENT_LABELS, event_label
from audits.answers import has_answer
from audits.http import evidence_response
from audits.models import Audit
from audits.selectors.audits import (
    answer_rows_by_audit,
    audit_get_for,
    audit_list_for,
    events_for,
    evidence_for,
    evidence_get_for,
)
from audits.services.audits import (
    answer_values,
    answers_save,
    audit_prefill,
    missing_for_submit,
    prefill_source,
    visible_codes,
)
from audits.services.evidence import ALLOWED_TYPES, evidence_delete, evidence_upload
from backend.errors import Conflict
from flows.services import audit_submit
from portal.http import PortalRequest
from questionnaires.models import Category, Question
from questionnaires.render import render_version
from scoring.engine import AnswerValue
from scoring.models import Severity
from scoring.selectors import findings_for, score_get_for

from ._helpers import (
    apply_errors,
    content_language,
    error_map,
    own,
    supplier_page,
)

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


def _audit(request: PortalRequest, audit_id: int) -> Audit:
    """A visible audit of the active supplier; drafts do not exist for the supplier yet."""
    audit = own(request, audit_get_for(user=request.user, audit_id=audit_id))
    if audit.status == Status.DRAFT:
        raise Http404
    return audit


def _title(audit: Audit, lang: str) -> str:
    version = audit.questionnaire_version
    return audit.title or pick(version.title, lang, version.languages)


def _percent(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 100


def _answered(answer: AnswerValue | None) -> TypeGuard[AnswerValue]:
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
        audit_list_for(user=request.user).filter(supplier_id=org.pk).exclude(status=Status.DRAFT)
    )
    rows_by_audit = answer_rows_by_audit([a for a in audits if a.is_editable])
    to_answer, past = [], []
    for audit in audits:
        row: dict[str, Any] = {
            "audit": audit,
            "title": _title(audit, lang),
            "overdue": audit.is_overdue(today),
        }
        if audit.is_editable:
            answers = {
                code: AnswerValue(value=value, not_applicable=na)
                for code, value, na in rows_by_audit.get(audit.pk, [])
            }
            visible = visible_codes(audit, answers)
            answered = sum(1 for code in visible if _answered(answers.get(code)))
            row.update(answered=answered, total=len(visible))
            row["percent"] = _percent(answered, len(visible))
            to_answer.append(row)
        else:
            past.append(row)
    to_answer.sort(key=lambda r: (not r["overdue"], r["audit"].due_date, r["audit"].pk))
    actions = list(
        action_list(user=request.user, filters={"status": OPEN_ACTION_STATES}).filter(
            supplier_id=org.pk
        )
    )
    for action in actions:
        # Display-only attributes for the template, not model fields.
        cast(Any, action).title_text = pick(action.finding.title, lang)
        cast(Any, action).overdue_now = action.is_overdue(today)
    return render(
        request,
        "portal/supplier/dashboard.html",
        {"to_answer": to_answer, "past": past, "actions": actions},
    )


# ---------------------------------------------------------------------------------------------
# The answer page
# ---------------------------------------------------------------------------------------------


class AuditPage:
    """What the answer page shows of one audit: the questionnaire in the user's language, the
    answers, which questions are visible, the evidence files and who may edit."""

    def __init__(self, request: PortalRequest, audit: Audit):
        self.request = request
        self.audit = audit
        self.lang = content_language(request)
        self.rendered = render_version(audit.questionnaire_version, self.lang)
        self.sections = self.rendered["sections"]
        self.where: dict[str, tuple[dict, dict]] = {
            q["code"]: (s, q) for s in self.sections for q in s["questions"]
        }
        self.can_respond = request.user.has_perm("audits.respond_audit", audit)
        self.editable = audit.is_editable and self.can_respond
        self.load_answers()
        self.evidence: dict[str, list] = defaultdict(list)
        for item in evidence_for(audit):
            if item.question is not None:
                self.evidence[item.question.code].append(item)

    def load_answers(self) -> None:
        self.answers = answer_values(self.audit)
        self.visible = visible_codes(self.audit, self.answers)

    def section(self, code: str | None) -> dict:
        for section in self.sections:
            if section["code"] == code:
                return section
        if not self.sections:
            raise Http404
        return self.sections[0]

    def done(self, code: str) -> bool:
        """Answered, with its file when the question requires evidence (as submit checks it):
        a section is not shown complete while a required file is missing."""
        answer = self.answers.get(code)
        if not _answered(answer):
            return False
        needs_file = self.where[code][1].get("evidence") == "required"
        return not needs_file or answer.not_applicable or bool(self.evidence.get(code))

    def progress(self, current: dict | None = None) -> dict:
        sections = []
        answered_all = total_all = 0
        for s in self.sections:
            codes = [q["code"] for q in s["questions"] if q["code"] in self.visible]
            answered = sum(1 for c in codes if self.done(c))
            answered_all += answered
            total_all += len(codes)
            sections.append(
                {
                    "code": s["code"],
                    "title": s["title"],
                    "answered": answered,
                    "total": len(codes),
                    "current": current is not None and s["code"] == current["code"],
                    "complete": answered == len(codes),
                }
            )
        return {
            "answered": answered_all,
            "total": total_all,
            "percent": _percent(answered_all, total_all),
            "sections": sections,
        }

    def question(
        self,
        q: dict,
        *,
        errors: list[str] | None = None,
        evidence_errors: list[str] | None = None,
        missing: list[str] | None = None,
        posted: Any = None,
        saved: bool = False,
    ) -> dict:
        """The template context of one question (``_question.html``)."""
        code = q["code"]
        answer = self.answers.get(code)
        value = posted if posted is not None else (answer.value if answer else None)
        if posted is None:
            na = bool(answer and answer.not_applicable)
        else:
            na = self.request.POST.get("not_applicable") in ("1", "on", "true")
        if isinstance(value, list):
            chosen = {str(v) for v in value}
        elif value is None or value == "":
            chosen = set()
        else:
            chosen = {str(value)}
        choices = [
            {**c, "checked": str(c["value"]) in chosen, "id": f"a-{code}-{i}"}
            for i, c in enumerate(q.get("choices") or [], start=1)
        ]
        step: str = "any"
        if q["type"] == Question.Type.NUMBER and q.get("integer"):
            step = "1"
        return {
            "q": q,
            "code": code,
            "visible": code in self.visible,
            "answered": _answered(answer),
            "display": self._display(q, answer),
            "value": "" if value is None or isinstance(value, list) else str(value),
            "na": na,
            "choices": choices,
            "step": step,
            "errors": errors or [],
            "evidence_errors": evidence_errors or [],
            "missing": missing or [],
            "invalid": bool(errors or missing),
            "evidence": self.evidence.get(code, []),
            "takes_evidence": q["evidence"] != Question.Evidence.NONE,
            "saved": saved,
        }

    def _display(self, q: dict, answer: AnswerValue | None) -> str:
        """The answer as read-only text."""
        if answer is None:
            return ""
        if answer.not_applicable:
            return _("Not applicable")
        labels = {str(c["value"]): c["label"] for c in q.get("choices") or []}
        if isinstance(answer.value, list):
            return ", ".join(labels.get(str(v), str(v)) for v in answer.value) or _("None")
        if answer.value is None:
            return ""
        text = labels.get(str(answer.value), str(answer.value))
        if q.get("unit"):
            text = f"{text} {q['unit']}"
        return text

    def missing_items(self, missing: dict[str, list[str]], *, check: bool = True) -> list[dict]:
        items = []
        for code, msgs in missing.items():
            found = self.where.get(code)
            if found is None:
                continue
            section, q = found
            items.append(
                {
                    "code": code,
                    "text": q["text"],
                    "messages": msgs,
                    "url": self.url(section["code"], check=check) + f"#q-{code}",
                }
            )
        return items

    def url(self, section_code: str, *, check: bool = False) -> str:
        query = {"section": section_code}
        if check:
            query["check"] = "1"
        return reverse("portal:supplier_audit", args=[self.audit.pk]) + "?" + urlencode(query)


def _render_page(
    request: PortalRequest,
    page: AuditPage,
    section: dict,
    *,
    missing: dict[str, list[str]] | None = None,
    errors: dict[str, list[str]] | None = None,
    posted: dict[str, Any] | None = None,
    check: bool = False,
    status: int = 200,
) -> HttpResponse:
    missing = missing or {}
    errors = errors or {}
    posted = posted or {}
    questions = [
        page.question(
            q,
            missing=missing.get(q["code"]),
            errors=errors.get(q["code"]),
            posted=posted.get(q["code"]),
        )
        for q in section["questions"]
    ]
    index = page.sections.index(section)
    audit = page.audit
    returned = None
    if audit.status == Status.RETURNED:
        returned = events_for(user=request.user, audit=audit).filter(verb="audit.returned").last()
    context = {
        "audit": audit,
        "title": page.rendered["title"],
        "audit_title": _title(audit, page.lang),
        "page": page,
        "section": section,
        "questions": questions,
        "progress": page.progress(section),
        "missing_items": page.missing_items(missing),
        "editable": page.editable,
        "check": check,
        "previous": page.sections[index - 1] if index > 0 else None,
        "next": page.sections[index + 1] if index + 1 < len(page.sections) else None,
        "can_prefill": page.editable and prefill_source(audit) is not None,
        "returned": returned,
        "overdue": audit.is_overdue(),
        "accept": ACCEPT,
    }
    return render(request, "portal/supplier/audit_answer.html", context, status=status)


@supplier_page
def audit_answer(request: PortalRequest, audit_id: int) -> HttpResponse:
    """One section of the questionnaire (``?section=CODE``); ``?check=1`` marks what still
    stops submission. Read-only once the audit is submitted or for users who cannot answer."""
    audit = _audit(request, audit_id)
    page = AuditPage(request, audit)
    section = page.section(request.GET.get("section"))
    check = page.editable and request.GET.get("check") == "1"
    missing = missing_for_submit(audit) if check else {}
    return _render_page(request, page, section, missing=missing, check=check)


def _posted_value(q: dict, data) -> Any:
    if q["type"] == Question.Type.MULTI_CHOICE:
        return data.getlist("value")
    return data.get("value", "")


def _question_response(
    request: PortalRequest,
    page: AuditPage,
    code: str,
    *,
    before: frozenset | None = None,
    errors: list[str] | None = None,
    evidence_errors: list[str] | None = None,
    posted: Any = None,
    saved: bool = False,
    status: int = 200,
) -> HttpResponse:
    """The question's partial, then out-of-band: the progress bar, the questions of the same
    section whose visibility changed, and (while checking) the list of what is missing."""
    section, q = page.where[code]
    check = page.editable and request.POST.get("check") == "1"
    missing = missing_for_submit(page.audit) if check else {}
    parts = [
        render_to_string(
            "portal/supplier/_question.html",
            {
                "item": page.question(
                    q,
                    errors=errors,
                    evidence_errors=evidence_errors,
                    missing=missing.get(code),
                    posted=posted,
                    saved=saved,
                ),
                "audit": page.audit,
                "editable": page.editable,
                "section": section,
                "check": check,
                "accept": ACCEPT,
            },
            request=request,
        )
    ]
    if before is not None:
        for other in section["questions"]:
            if other["code"] != code and (other["code"] in before) != (
                other["code"] in page.visible
            ):
                parts.append(
                    render_to_string(
                        "portal/supplier/_question.html",
                        {
                            "item": page.question(other, missing=missing.get(other["code"])),
                            "audit": page.audit,
                            "editable": page.editable,
                            "section": section,
                            "check": check,
                            "accept": ACCEPT,
                            "oob": True,
                        },
                        request=request,
                    )
                )
    parts.append(
        render_to_string(
            "portal/supplier/_progress.html",
            {"progress": page.progress(section), "page": page, "check": check, "oob": True},
            request=request,
        )
    )
    if check:
        parts.append(
            render_to_string(
                "portal/supplier/_missing.html",
                {"missing_items": page.missing_items(missing), "oob": True},
                request=request,
            )
        )
    return HttpResponse("".join(parts), status=status)


def _back_to(page: AuditPage, code: str, request: PortalRequest) -> HttpResponse:
    section, _q = page.where[code]
    check = request.POST.get("check") == "1"
    return redirect(page.url(section["code"], check=check) + f"#q-{code}")


@supplier_page
@require_POST
def answer_save(request: PortalRequest, audit_id: int, code: str) -> HttpResponse:
    """Save one answer through ``answers_save`` (400 with the question's message, 409 when the
    audit is no longer editable)."""
    audit = _audit(request, audit_id)
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
        answers_save(audit=audit, answers=[item], actor=request.user)
    except ValidationError as exc:
        found = error_map(exc)
        errors = found.get(code) or [m for msgs in found.values() for m in msgs]
        status = 400
    except Conflict as exc:
        errors = [str(exc)]
        status = 409
    if errors:
        if not request.htmx:
            return _render_page(
                request,
                page,
                page.where[code][0],
                errors={code: errors},
                posted={code: posted},
                check=request.POST.get("check") == "1",
                status=status,
            )
        return _question_response(request, page, code, errors=errors, posted=posted, status=status)
    if not request.htmx:
        messages.success(request, _("Answer saved."))
        return _back_to(page, code, request)
    page.load_answers()
    return _question_response(request, page, code, before=before, saved=True)


@supplier_page
@require_POST
def evidence_add(request: PortalRequest, audit_id: int, code: str) -> HttpResponse:
    """Upload an evidence file to a question (``evidence_upload`` checks size and type)."""
    audit = _audit(request, audit_id)
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
        return _back_to(page, code, request)
    if not errors:
        page = AuditPage(request, audit)
    return _question_response(request, page, code, evidence_errors=errors, status=status)


@supplier_page
@require_POST
def evidence_remove(request: PortalRequest, audit_id: int, evidence_id: int) -> HttpResponse:
    audit = _audit(request, audit_id)
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
        return _back_to(page, code, request)
    return _question_response(request, page, code, evidence_errors=errors, status=status)


@supplier_page
def evidence_download(request: PortalRequest, audit_id: int, evidence_id: int) -> FileResponse:
    audit = _audit(request, audit_id)
    evidence = evidence_get_for(audit=audit, evidence_id=evidence_id)
    return evidence_response(evidence)


@supplier_page
@require_POST
def audit_prefill_view(request: PortalRequest, audit_id: int) -> HttpResponse:
    """Copy answers from the supplier's last submission into the unanswered questions."""
    audit = _audit(request, audit_id)
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
    audit = _audit(request, audit_id)
    try:
        audit_submit(audit=audit, actor=request.user)
    except ValidationError as exc:
        missing = error_map(exc)
        page = AuditPage(request, audit)
        first = next((page.where[c][0] for c in missing if c in page.where), page.section(None))
        return _render_page(request, page, first, missing=missing, check=True, status=400)
    except Conflict as exc:
        messages.error(request, str(exc))
        return redirect("portal:supplier_audit", audit_id=audit.pk)
    messages.success(
        request, _("Thank you, your answers were submitted. The buyer will review them.")
    )
    return redirect("portal:supplier_dashboard")


# ---------------------------------------------------------------------------------------------
# Score
# ---------------------------------------------------------------------------------------------


@supplier_page
def audit_score(request: PortalRequest, audit_id: int) -> HttpResponse:
    """The released score, category scores and findings with guidance in the user's language;
    a friendly note while it is not released."""
    audit = _audit(request, audit_id)
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
            "audit_title": _title(audit, lang),
            "score": score,
            "categories": categories,
            "findings": findings,
        },
    )


# ---------------------------------------------------------------------------------------------
# Corrective actions
# ---------------------------------------------------------------------------------------------


@supplier_page
def actions(request: PortalRequest) -> HttpResponse:
    """The supplier's corrective actions: open ones first (overdue highlighted), then closed."""
    lang = content_language(request)
    today = timezone.localdate()
    rows = list(action_list(user=request.user).filter(supplier_id=request.organization.pk))
    for action in rows:
        # Display-only attributes for the template, not model fields.
        cast(Any, action).title_text = pick(action.finding.title, lang)
        cast(Any, action).overdue_now = action.is_overdue(today)
    open_rows = [a for a in rows if a.status not in CorrectiveAction.CLOSED_STATES]
    open_rows.sort(key=lambda a: (not a.is_overdue(today), a.due_date, a.pk))
    closed = [a for a in rows if a.status in CorrectiveAction.CLOSED_STATES]
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
            "evidence": action._evidence,
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
    url = reverse("portal:supplier_action", args=[action.pk])
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)


def _conflict(request: PortalRequest, action: CorrectiveAction, exc: Conflict) -> HttpResponse:
    messages.error(request, str(exc))
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
            apply_errors(form, exc)
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
        apply_errors(form, exc)
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
def action_file_download(request: PortalRequest, action_id: int, evidence_id: int) -> FileResponse:
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
        apply_errors(form, exc)
        return _action_page(request, action, comment_form=form, status=400)
    return _done(request, action, _("Your message was added."))
