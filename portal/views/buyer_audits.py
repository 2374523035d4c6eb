"""Buyer pages for audits: the list, issuing one audit or a campaign (with its progress), and
the review page (answers, evidence, preliminary score with its trace, findings; accept, return,
cancel, assign reviewers)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.languages import request_language
from accounts.permissions import has_org_perm
from audits.models import Audit
from audits.selectors.audits import (
    answers_for,
    audit_get_for,
    events_for,
    evidence_for,
)
from audits.selectors.dialogue import question_comment_get_for
from audits.selectors.shares import shared_with
from audits.services.audits import (
    audit_cancel,
    audit_issue,
    audit_return,
    can_move,
    visible_codes,
)
from audits.services.certified import certified_answers, certified_codes
from audits.services.dialogue import question_comment_resolve
from audits.services.due_dates import audit_extend_due_date
from audits.services.issuing import audit_send
from audits.services.transitions import AUDITS
from flows.services import audit_accept, audit_assign_reviewers
from portal.http import PortalRequest
from questionnaires.render import render_version
from scoring.engine import AnswerValue
from suppliers.models import kind_label

from ._helpers import add_errors, answer_text, own
from .buyer import (
    buyer_page,
    require_org_perm,
    run,
)
from .buyer_dialogue import dialogue_context, posted_question_comments
from .buyer_forms import AuditIssueForm, DraftForm, ReviewersForm
from .buyer_score_panel import score_panel

Status = Audit.Status


# ---------------------------------------------------------------------------------------------
# List
# ---------------------------------------------------------------------------------------------


def _can_issue(request: PortalRequest) -> bool:
    return has_org_perm(request.user, "accounts.issue_audits", request.organization)


# ---------------------------------------------------------------------------------------------
# Issue one audit / a campaign
# ---------------------------------------------------------------------------------------------


@buyer_page
def audit_new(request: PortalRequest) -> HttpResponse:
    require_org_perm(request, "accounts.issue_audits")
    buyer = request.organization
    initial = {"supplier": request.GET.get("supplier")} if request.GET.get("supplier") else None
    form = AuditIssueForm(request.POST or None, initial=initial, user=request.user, buyer=buyer)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            audit, errors, conflict, status = run(
                lambda: audit_issue(
                    supplier=data["supplier"],
                    questionnaire_version=data["questionnaire_version"],
                    ruleset=data["ruleset"],
                    due_date=data["due_date"],
                    title=data["title"],
                    message=data["message"],
                    reviewers=list(data["reviewers"]),
                    buyer=buyer,
                    actor=request.user,
                )
            )
            if audit is not None:
                messages.success(request, _("The audit was sent to %(s)s.") % {"s": audit.supplier})
                return redirect("portal:buyer_audit", audit_id=audit.pk)
            if errors:
                add_errors(form, ValidationError(errors))
            if conflict:
                form.add_error(None, conflict)
    return render(request, "portal/buyer/audit_new.html", {"form": form}, status=status)


# ---------------------------------------------------------------------------------------------
# Review page
# ---------------------------------------------------------------------------------------------


def _sections(audit: Audit, lang: str) -> list[dict]:
    doc = render_version(audit.questionnaire_version, lang)
    answers: dict[str, Any] = {a.question.code: a for a in answers_for(audit)}
    # What the supplier's valid certificates answered in its place (rule-set equivalences).
    given = certified_answers(audit, {})
    by_certificate = certified_codes(given) - answers.keys()
    answers |= {code: given.answers[code] for code in by_certificate}
    files: dict[str, list] = defaultdict(list)
    for evidence in evidence_for(audit):
        if evidence.question is not None:
            files[evidence.question.code].append(evidence)
    # Questions the supplier was never shown (its size, its other answers) are kept apart:
    # they are "not asked", never "not answered".
    visible = visible_codes(
        audit,
        {
            code: AnswerValue(value=a.value, not_applicable=a.not_applicable)
            for code, a in answers.items()
        },
    )
    sections = []
    for section in doc["sections"]:
        questions, not_asked = [], []
        for q in section["questions"]:
            if q["code"] not in visible:
                not_asked.append(q)
                continue
            answer = answers.get(q["code"])
            questions.append(
                {
                    **q,
                    "answered": answer is not None,
                    "display": answer_text(q, answer),
                    "certificate": {
                        **given.sources[q["code"]],
                        "title": kind_label(given.sources[q["code"]]["kind"]),
                    }
                    if q["code"] in by_certificate
                    else None,
                    "evidence_files": files.get(q["code"], []),
                }
            )
        sections.append({**section, "questions": questions, "not_asked": not_asked})
    return sections


def _review_context(request: PortalRequest, audit: Audit, **extra: Any) -> dict:
    lang = request_language(request)
    user = request.user
    can = {
        "accept": can_move(user, audit, Status.ACCEPTED),
        "return": can_move(user, audit, Status.RETURNED),
        "cancel": can_move(user, audit, Status.CANCELLED),
        "extend": AUDITS.can(audit, "extend", user),
        "send": AUDITS.can(audit, "issue", user),
        "assign": audit.status != Status.CANCELLED
        and user.has_perm("audits.assign_reviewers", audit),
    }
    sections = _sections(audit, lang)
    questions = {q["code"]: q for section in sections for q in section["questions"]}
    events = list(events_for(user=user, audit=audit))
    returned = any(e.verb == "audit.returned" for e in events)
    context = {
        "audit": audit,
        "sections": sections,
        "score": score_panel(request, audit, lang, questions),
        "events": events,
        "reviewers": list(audit.reviewers.all()),
        "can": can,
        "overdue": audit.is_overdue(),
        "move_errors": {},
        "conflict": None,
        **dialogue_context(request, audit, sections, returned=returned),
    }
    if can["assign"] and "reviewers_form" not in extra:
        context["reviewers_form"] = ReviewersForm(buyer=request.organization)
    if can["send"] and "draft_form" not in extra:
        context["draft_form"] = DraftForm.for_audit(audit, user=user, buyer=request.organization)
    context.update(extra)
    return context


def _audit(request: PortalRequest, audit_id: int) -> Audit:
    return own(request, audit_get_for(user=request.user, audit_id=audit_id))


@buyer_page
def audit_review(request: PortalRequest, audit_id: int) -> HttpResponse:
    """The buyer's own audit, or one its supplier shared with it: read-only (no decision, no
    reviewers of the other buyer), said so at the top."""
    audit = audit_get_for(user=request.user, audit_id=audit_id)
    shared = audit.buyer_id != request.organization.pk
    if shared and not shared_with(buyer_id=request.organization.pk, audit_ids=[audit.pk]):
        raise Http404
    context = _review_context(request, audit, shared=shared)
    if shared:
        context["reviewers"] = []
    return render(request, "portal/buyer/audit_review.html", context)


def _posted_date(value: str) -> datetime.date | None:
    """A date typed into a form: None when empty, a 400 on ``due_date`` when unreadable."""
    if not value.strip():
        return None
    try:
        parsed = parse_date(value.strip())
    except ValueError:
        parsed = None
    if parsed is None:
        raise ValidationError({"due_date": [_("Enter a valid date.")]})
    return parsed


@require_POST
@buyer_page
def audit_move(request: PortalRequest, audit_id: int, move: str) -> HttpResponse:
    """Send a draft, accept, return (comment required), cancel (reason required) or extend
    the due date (reason required) through the services;
    their errors are shown on the form that was sent."""
    audit = _audit(request, audit_id)
    text = request.POST.get("comment", "")
    calls = {
        "accept": lambda: audit_accept(audit=audit, actor=request.user, comment=text),
        "return": lambda: audit_return(
            audit=audit,
            actor=request.user,
            comment=text,
            question_comments=posted_question_comments(request.POST),
        ),
        "cancel": lambda: audit_cancel(audit=audit, actor=request.user, reason=text),
        "send": lambda: audit_send(audit=audit, actor=request.user),
        "extend": lambda: audit_extend_due_date(
            audit=audit,
            actor=request.user,
            due_date=_posted_date(request.POST.get("due_date", "")),
            reason=text,
        ),
    }
    done_messages = {
        "accept": _("The audit was accepted; its final score and findings are recorded."),
        "return": _("The audit was returned to the supplier, with your comments."),
        "cancel": _("The audit was cancelled."),
        "send": _("The audit was sent to the supplier."),
        "extend": _("The due date was moved; the supplier has been told why."),
    }
    if move not in calls:
        raise Http404
    result, errors, conflict, status = run(calls[move])
    if result is not None:
        messages.success(request, done_messages[move])
        return redirect("portal:buyer_audit", audit_id=audit.pk)
    audit = _audit(request, audit_id)
    flat = [m for msgs in (errors or {}).values() for m in msgs]
    context = _review_context(request, audit, move_errors={move: flat}, conflict=conflict)
    return render(request, "portal/buyer/audit_review.html", context, status=status)


@require_POST
@buyer_page
def audit_reviewers(request: PortalRequest, audit_id: int) -> HttpResponse:
    audit = _audit(request, audit_id)
    form = ReviewersForm(request.POST, buyer=request.organization)
    status = 400
    if form.is_valid():
        result, errors, conflict, status = run(
            lambda: audit_assign_reviewers(
                audit=audit, users=list(form.cleaned_data["users"]), actor=request.user
            )
        )
        if result is not None:
            messages.success(request, _("Reviewers assigned."))
            return redirect("portal:buyer_audit", audit_id=audit.pk)
        if errors:
            add_errors(form, ValidationError(errors))
        if conflict:
            form.add_error(None, conflict)
    elif not request.user.has_perm("audits.assign_reviewers", audit):
        raise PermissionDenied(_("Only the buyer's administrators assign reviewers."))
    context = _review_context(request, audit, reviewers_form=form)
    return render(request, "portal/buyer/audit_review.html", context, status=status)


@require_POST
@buyer_page
def audit_comment_resolve(request: PortalRequest, audit_id: int, comment_id: int) -> HttpResponse:
    """Resolve a reviewer's comment on a question (the audit's reviewers; 409 once resolved)."""
    audit = _audit(request, audit_id)
    comment = question_comment_get_for(audit=audit, comment_id=comment_id)
    result, _errors, conflict, status = run(
        lambda: question_comment_resolve(comment=comment, actor=request.user)
    )
    if result is not None:
        messages.success(request, _("The comment is resolved."))
        url = reverse("portal:buyer_audit", args=[audit.pk])
        return redirect(f"{url}#aq-{comment.question_code}")
    context = _review_context(request, audit, conflict=conflict)
    return render(request, "portal/buyer/audit_review.html", context, status=status)
