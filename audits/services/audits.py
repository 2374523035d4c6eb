"""The audit lifecycle (DESIGN section 4): submit and review. Answers and prefill are in
``answers``, issuing in ``issuing``, campaigns in ``campaigns``; this module re-exports them so
that callers have one import path for the audit services.

Every status change is a move of ``audits.services.transitions.AUDITS``, the one table that
says which moves exist and which permission (hence which role, see ``audits.permissions``) may
make each one; ``backend.workflow`` checks permission, then state, then input and writes the
event in the transaction of the change. Mail is scheduled with ``accounts.mail.notify`` and
leaves after commit. ``actor=None`` is the system (background jobs); API views and portal pages
always pass the request's user.

Errors: ``ValidationError`` (400, a message per field or question code), ``PermissionDenied``
(403), ``InvalidTransition`` / ``Conflict`` (409).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.mail import notify
from accounts.models import User
from audits.answers import has_answer
from audits.models import Answer, Audit, Evidence
from audits.services.answers import answers_save, audit_prefill, prefill_source
from audits.services.campaigns import campaign_create, campaign_process
from audits.services.certified import certified_answers
from audits.services.common import (
    answer_values,
    buyer_recipients,
    compiled_questionnaire,
    locked,
    mail_context,
    questionnaire_titles,
    supplier_recipients,
    visible_codes,
)
from audits.services.dialogue import (
    question_comments_clean,
    question_comments_create,
    submission_record,
)
from audits.services.evidence import evidence_delete_files_on_commit
from audits.services.issuing import audit_issue, audit_send, resolve_buyer
from audits.services.transitions import AUDITS, START_MOVE, allowed_moves, can_move, status_text
from backend.errors import InvalidTransition
from questionnaires.models import Question
from questionnaires.spec import questions_for_version
from scoring.engine import AnswerValue

Status = Audit.Status


# ---------------------------------------------------------------------------------------------
# Submit and review
# ---------------------------------------------------------------------------------------------


def missing_for_submit(
    audit: Audit, answers: Mapping[str, AnswerValue] | None = None
) -> dict[str, list[str]]:
    """What stops ``audit`` from being submitted: a message list per question code (visible
    required questions without an answer, required evidence not uploaded). ``answers``: the
    audit's answers when the caller has read them already. A question a valid certificate
    answers or waives is answered, its certificate standing for the evidence."""
    recognition = certified_answers(audit, answers)
    answers, certified = recognition.answers, recognition.sources
    visible = visible_codes(audit, answers)
    with_evidence = set(
        Evidence.objects.filter(audit=audit, question__isnull=False).values_list(
            "question__code", flat=True
        )
    )
    errors: dict[str, list[str]] = {}
    for question in questions_for_version(audit.questionnaire_version).values():
        if question.code not in visible:
            continue
        answer = answers.get(question.code)
        answered = answer is not None and has_answer(answer.value, answer.not_applicable)
        if question.required and not answered:
            errors.setdefault(question.code, []).append(_("This question needs an answer."))
        if (
            question.evidence == Question.Evidence.REQUIRED
            and question.code not in with_evidence
            and not (answer is not None and answer.not_applicable)
            and certified.get(question.code, {}).get("effect") != "answered"
        ):
            errors.setdefault(question.code, []).append(_("This question needs evidence."))
    return errors


@transaction.atomic
def audit_submit(*, audit: Audit, actor: User) -> Audit:
    """Submit the supplier's answers: every visible required question answered and every
    required evidence uploaded, else 400 listing each question (nothing changes). Answers and
    evidence of hidden questions are dropped; a preliminary score is computed; the buyer's
    officers and the reviewers are mailed."""
    audit = locked(audit)
    AUDITS.check_permission(audit, "submit", actor=actor)
    # The supplier submits from any answering state: a sent or returned audit passes through
    # in_progress first (its own move and event), so the state rule here is "editable".
    if not audit.is_editable:
        raise InvalidTransition(
            entity="audit",
            from_status=audit.status,
            to_status=Status.SUBMITTED,
            message=_("An audit that is %(from)s cannot be submitted.")
            % {"from": status_text(audit.status)},
        )
    errors = missing_for_submit(audit)
    if errors:
        raise ValidationError(errors)
    # Visibility as the certificates' answers make it: they may show a follow-up question.
    visible = visible_codes(audit, certified_answers(audit).answers)
    hidden_answers = Answer.objects.filter(audit=audit).exclude(question__code__in=visible)
    dropped = sorted(hidden_answers.values_list("question__code", flat=True))
    hidden_answers.delete()
    evidence_delete_files_on_commit(
        Evidence.objects.filter(audit=audit, question__isnull=False).exclude(
            question__code__in=visible
        )
    )
    if audit.status in START_MOVE:
        AUDITS.perform(audit, START_MOVE[audit.status], actor=actor)
    AUDITS.perform(
        audit,
        "submit",
        actor=actor,
        data={"dropped_hidden_answers": dropped} if dropped else {},
    )
    submission_record(audit=audit, actor=actor)
    notify(buyer_recipients(audit), "audits/email/submitted", mail_context(audit))
    return audit


@transaction.atomic
def audit_return(
    *,
    audit: Audit,
    comment: str,
    actor: User,
    question_comments: Sequence[Mapping[str, Any]] = (),
) -> Audit:
    """Send a submitted audit back to the supplier with the changes requested (comment
    required) and, optionally, comments on single questions (``[{question, text}]``: a 400
    per item naming an unknown question, one not asked of this supplier, or an empty text).
    The supplier reads each comment at its question until the reviewer resolves it."""
    audit = locked(audit)
    cleaned: list[tuple[str, str]] = []

    def clean(obj: Audit) -> dict[str, list[str]]:
        pairs, errors = question_comments_clean(obj, question_comments)
        cleaned.extend(pairs)
        return errors

    comment = AUDITS.check(audit, "return", actor=actor, comment=comment, clean=clean)
    codes = [code for code, _text in cleaned]
    AUDITS.apply(
        audit,
        "return",
        actor=actor,
        comment=comment,
        data={"question_comments": codes} if codes else {},
    )
    question_comments_create(audit=audit, comments=cleaned, actor=actor)
    notify(
        supplier_recipients(audit),
        "audits/email/returned",
        mail_context(audit, comment=comment, question_comments=len(set(codes))),
    )
    return audit


@transaction.atomic
def audit_accept(*, audit: Audit, actor: User, comment: str = "") -> Audit:
    """Accept a submitted audit (the move alone: ``flows.services.audit_accept`` adds the final
    score and the corrective actions)."""
    audit = locked(audit)
    AUDITS.perform(audit, "accept", actor=actor, comment=comment)
    context = mail_context(audit, comment=(comment or "").strip())
    notify(supplier_recipients(audit), "audits/email/accepted", context)
    return audit


@transaction.atomic
def audit_cancel(*, audit: Audit, reason: str, actor: User) -> Audit:
    """Cancel an audit that is not accepted yet (reason required)."""
    audit = locked(audit)
    AUDITS.perform(audit, "cancel", actor=actor, comment=reason)
    return audit


__all__ = [
    "AUDITS",
    "allowed_moves",
    "answer_values",
    "answers_save",
    "audit_accept",
    "audit_cancel",
    "audit_issue",
    "audit_prefill",
    "audit_return",
    "audit_send",
    "audit_submit",
    "campaign_create",
    "campaign_process",
    "can_move",
    "compiled_questionnaire",
    "missing_for_submit",
    "prefill_source",
    "questionnaire_titles",
    "resolve_buyer",
    "visible_codes",
]
