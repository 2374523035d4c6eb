"""What the supplier's answer page shows of one audit, and its htmx partials.

Answering is progressively enhanced: each question is its own small form that posts to the
answer URL. With htmx the form saves on ``change`` and the response is the question again,
plus out-of-band swaps of the progress bar and of the questions whose visibility the answer
changed (computed by ``visible_codes``); without JavaScript the same form posts normally and
the view redirects back to the question.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from audits import permissions as audit_perms
from audits.models import Audit
from audits.progress import Progress, progress_of
from audits.selectors.audits import events_for, evidence_for, respondent_choices
from audits.selectors.dialogue import comments_by_question, last_decision, open_question_comments
from audits.services.audits import answer_values, missing_for_submit, prefill_source, visible_codes
from audits.services.certified import certified_answers, certified_codes
from portal.http import PortalRequest
from questionnaires.models import Question
from questionnaires.render import rendered_version
from questionnaires.spec import questions_for_version
from scoring.engine import AnswerValue
from suppliers.models import kind_label

from ._helpers import answer_text, content_language
from .supplier import ACCEPT, Status, audit_title, is_answered


class AuditPage:
    """What the answer page shows of one audit: the questionnaire in the user's language, the
    answers, which questions are visible, the evidence files and who may edit."""

    def __init__(self, request: PortalRequest, audit: Audit):
        self.request = request
        self.audit = audit
        self.lang = content_language(request)
        self.rendered = rendered_version(audit.questionnaire_version, self.lang)
        self.sections = self.rendered["sections"]
        self.where: dict[str, tuple[dict, dict]] = {
            q["code"]: (s, q) for s in self.sections for q in s["questions"]
        }
        # No permission rows read for the organization's roles (``holds`` answers has_perm).
        self.can_respond = audit_perms.holds(request.user, "audits.respond_audit", audit)
        self.can_assign = audit_perms.holds(request.user, "audits.assign_respondents", audit)
        self.editable = audit.is_editable and self.can_respond
        self.load_answers()
        # The reviewer's open comments, shown at their questions and listed "to revisit";
        # none before a first submission (comments come with a return), and nothing read.
        comments = open_question_comments(audit) if audit.submitted_at else []
        self.comments = comments_by_question(list(comments))
        self.evidence: dict[str, list] = defaultdict(list)
        for item in evidence_for(audit):
            if item.question is not None:
                self.evidence[item.question.code].append(item)

    def load_answers(self) -> None:
        self.own = answer_values(self.audit)
        self._recognize()

    def _recognize(self) -> None:
        # ``answers``: the supplier's own, completed by what its valid certificates answer or
        # waive under the audit's rule set (``certified``: where each of those came from).
        self.recognition = certified_answers(self.audit, self.own)
        self.answers, self.certified = self.recognition.answers, self.recognition.sources
        self.visible = visible_codes(self.audit, self.answers)

    def saved(self, code: str, answer: AnswerValue | None) -> None:
        """Take the answer to ``code`` just saved (None: cleared) without reading them all
        again, and the questions visible with it."""
        self.own = {k: v for k, v in self.own.items() if k != code}
        if answer is not None:
            self.own[code] = answer
        self._recognize()

    def by_certificate(self, code: str) -> dict | None:
        """The certificate that answers or waives ``code`` now (not one the supplier's own
        answer overrides), with its type as people read it."""
        source = self.certified.get(code)
        if source is None or source["effect"] == "overridden":
            return None
        return {**source, "title": kind_label(source["kind"])}

    def section(self, code: str | None) -> dict:
        for section in self.sections:
            if section["code"] == code:
                return section
        if not self.sections:
            raise Http404
        return self.sections[0]

    def progress(self, current: dict | None = None) -> dict:
        """The audit's progress and each section's, by the one rule (``audits.progress``)."""
        questions = questions_for_version(self.audit.questionnaire_version)
        # A certificate stands for the evidence of what it answers.
        with_files = set(self.evidence) | certified_codes(self.recognition)

        def of(codes: list[str]) -> Progress:
            return progress_of(
                codes, questions=questions, answers=self.answers, with_files=with_files
            )

        sections = []
        for s in self.sections:
            part = of([q["code"] for q in s["questions"] if q["code"] in self.visible])
            sections.append(
                {
                    "code": s["code"],
                    "title": s["title"],
                    "answered": part.done,
                    "total": part.total,
                    "current": current is not None and s["code"] == current["code"],
                    "complete": part.complete,
                }
            )
        whole = of([code for code in self.where if code in self.visible])
        return {
            "answered": whole.done,
            "total": whole.total,
            "percent": whole.percent,
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
            "answered": is_answered(answer),
            "display": answer_text(q, answer),
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
            "saved_at": timezone.localtime() if saved else None,
            "certificate": self.by_certificate(code),
            "comments": self.comments.get(code, []),
        }

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

    def revisit_items(self) -> list[dict]:
        """The questions the reviewer commented on and has not resolved, in questionnaire
        order, each with a link to it."""
        return [
            {
                "code": code,
                "text": q["text"],
                "comments": self.comments[code],
                "url": self.url(section["code"]) + f"#q-{code}",
            }
            for code, (section, q) in self.where.items()
            if code in self.comments
        ]

    def url(self, section_code: str, *, check: bool = False) -> str:
        query = {"section": section_code}
        if check:
            query["check"] = "1"
        return reverse("portal:supplier_audit", args=[self.audit.pk]) + "?" + urlencode(query)


def _buyer_notes(request: PortalRequest, audit: Audit) -> tuple[Any, Any]:
    """The buyer's latest return (while returned) and due-date extension (while answering),
    read in one query: what the supplier must know before answering on."""
    if audit.status not in Audit.EDITABLE_STATES:
        return None, None
    latest = {
        event.verb: event
        for event in events_for(user=request.user, audit=audit).filter(
            verb__in=("audit.returned", "audit.due_date_extended")
        )
    }
    returned = latest.get("audit.returned") if audit.status == Status.RETURNED else None
    return returned, latest.get("audit.due_date_extended")


ASSIGN_RESPONDENTS = "audits.assign_respondents"


def respondents_panel(page: AuditPage) -> dict | None:
    """What the page shows an administrator who may assign respondents
    (``audits.selectors.audits.respondent_choices``); None for everyone else, without a
    query."""
    audit = page.audit
    if audit.status == Status.CANCELLED or not page.can_assign:
        return None
    return respondent_choices(audit)


def render_answer_page(
    request: PortalRequest,
    page: AuditPage,
    section: dict,
    *,
    missing: dict[str, list[str]] | None = None,
    errors: dict[str, list[str]] | None = None,
    posted: dict[str, Any] | None = None,
    check: bool = False,
    respondent_errors: list[str] | None = None,
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
    returned, extended = _buyer_notes(request, audit)
    days_left = (audit.due_date - timezone.localdate()).days if page.editable else None
    context = {
        "audit": audit,
        "title": page.rendered["title"],
        "introduction": page.rendered.get("description") or "",
        "first_section": index == 0,
        "max_upload": settings.FAIRLINK_EVIDENCE_MAX_BYTES,
        "audit_title": audit_title(audit, page.lang),
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
        "extended": extended,
        "overdue": audit.is_overdue(),
        # Days until the due date (negative once past), shown while the audit is answered.
        "days_left": days_left,
        "days_overdue": -days_left if days_left is not None and days_left < 0 else 0,
        "accept": ACCEPT,
        "respondents": respondents_panel(page),
        "respondent_errors": respondent_errors or [],
        # What to change before submitting again: only while the audit can be answered.
        "revisit": page.revisit_items() if audit.is_editable else [],
        "decision": last_decision(audit) if audit.status == Status.ACCEPTED else None,
    }
    return render(request, "portal/supplier/audit_answer.html", context, status=status)


def question_response(
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
    item = page.question(
        q,
        errors=errors,
        evidence_errors=evidence_errors,
        missing=missing.get(code),
        posted=posted,
        saved=saved,
    )
    parts = [_question_html(request, page, section, item, check=check)]
    if before is not None:
        for other in section["questions"]:
            other_code = other["code"]
            if other_code != code and (other_code in before) != (other_code in page.visible):
                item = page.question(other, missing=missing.get(other_code))
                parts.append(_question_html(request, page, section, item, check=check, oob=True))
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


def _question_html(
    request: PortalRequest, page: AuditPage, section: dict, item: dict, *, check: bool, oob=False
) -> str:
    """One question's partial (``_question.html``); ``oob`` for an out-of-band swap."""
    context = {
        "item": item,
        "audit": page.audit,
        "max_upload": settings.FAIRLINK_EVIDENCE_MAX_BYTES,
        "editable": page.editable,
        "section": section,
        "check": check,
        "accept": ACCEPT,
    }
    if oob:
        context["oob"] = True
    return render_to_string("portal/supplier/_question.html", context, request=request)


def back_to_question(page: AuditPage, code: str, request: PortalRequest) -> HttpResponse:
    section, _q = page.where[code]
    check = request.POST.get("check") == "1"
    return redirect(page.url(section["code"], check=check) + f"#q-{code}")
