"""The audit lifecycle (DESIGN section 4): answer, submit, review, prefill. Issuing is in
``issuing``, campaigns in ``campaigns``; this module re-exports them so that callers have one
import path for the audit services.

Every status change is a move of ``audits.services.transitions.AUDITS``, the one table that
says which moves exist and which permission (hence which role, see ``audits.permissions``) may
make each one; ``backend.workflow`` checks permission, then state, then input and writes the
event in the transaction of the change. Mail is scheduled with ``backend.mail.notify`` and
leaves after commit. ``actor=None`` is the system (background jobs); API views and portal pages
always pass the request's user.

Errors: ``ValidationError`` (400, a message per field or question code), ``PermissionDenied``
(403), ``InvalidTransition`` / ``Conflict`` (409).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from activity.events import Verb, record
from audits.answers import AnswerError, clean_answer, has_answer
from audits.models import Answer, Audit, Evidence
from audits.services.campaigns import campaign_create, campaign_process
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
from audits.services.evidence import evidence_delete_files_on_commit
from audits.services.issuing import audit_issue, audit_send, resolve_buyer
from audits.services.locks import audit_lock_for_content
from audits.services.transitions import AUDITS, START_MOVE, allowed_moves, can_move
from backend.errors import Conflict, InvalidTransition
from backend.mail import notify
from questionnaires.models import Question

Status = Audit.Status


# ---------------------------------------------------------------------------------------------
# Answers
# ---------------------------------------------------------------------------------------------


def _not_editable(audit: Audit) -> Conflict:
    return Conflict(
        _("Answers can only change while the audit is being answered (it is %(status)s).")
        % {"status": audit.status},
        code="audit_not_editable",
    )


def _clean_batch(
    audit: Audit, items: Sequence[Mapping[str, Any]]
) -> list[tuple[Question, Any, bool]]:
    if not isinstance(items, list | tuple) or not items:
        raise ValidationError({"answers": [_("Send a list of answers.")]})
    questions = {
        q.code: q for q in Question.objects.filter(version_id=audit.questionnaire_version_id)
    }
    errors: dict[str, list[str]] = {}
    cleaned: list[tuple[Question, Any, bool]] = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        if not isinstance(item, Mapping) or not isinstance(item.get("question"), str):
            errors.setdefault(f"answers[{index}]", []).append(
                _("Each answer needs a question code.")
            )
            continue
        code = item["question"]
        question = questions.get(code)
        if question is None:
            errors.setdefault(code, []).append(_("No such question in this audit."))
            continue
        if code in seen:
            errors.setdefault(code, []).append(_("Answered twice in one request."))
            continue
        seen.add(code)
        not_applicable = bool(item.get("not_applicable", False))
        try:
            value = clean_answer(question, item.get("value"), not_applicable)
        except AnswerError as exc:
            errors.setdefault(code, []).append(str(exc))
            continue
        cleaned.append((question, value, not_applicable))
    if errors:
        raise ValidationError(errors)
    return cleaned


def answers_save(
    *, audit: Audit, answers: Sequence[Mapping[str, Any]], actor: User | None
) -> list[Answer]:
    """Upsert a batch of answers ``[{"question": code, "value": ..., "not_applicable": bool}]``.

    All or nothing: any bad value rejects the batch with a message per question code. A null /
    empty value without N/A clears the answer. The first save moves a ``sent`` or ``returned``
    audit to ``in_progress``. Each answer is one row (unique per audit and question) written
    with an upsert, so concurrent saves of different questions all survive; on the same
    question the last write wins. ``actor=None`` is the system (seeding).
    """
    if actor is not None and not actor.has_perm("audits.respond_audit", audit):
        raise PermissionDenied(_("Only the supplier's respondents answer this audit."))
    if not audit.is_editable:
        raise _not_editable(audit)
    cleaned = _clean_batch(audit, answers)
    with transaction.atomic():
        if audit.status in START_MOVE:
            # The first save changes the audit row: take it exclusively (only this once).
            row = locked(audit)
            if row.status in START_MOVE:
                AUDITS.perform(row, START_MOVE[row.status], actor=actor)
            audit.status = row.status
        else:
            audit_lock_for_content(audit)
        if audit.status not in Audit.EDITABLE_STATES:
            raise _not_editable(audit)
        _write_answers(audit, cleaned, actor=actor)
    return list(
        Answer.objects.filter(
            audit=audit, question__in=[q for q, _v, _na in cleaned]
        ).select_related("question", "updated_by")
    )


def _write_answers(
    audit: Audit, cleaned: Sequence[tuple[Question, Any, bool]], *, actor: User | None
) -> None:
    """Upsert the answers with a value (or N/A), delete the cleared ones, record the event."""
    now = timezone.now()
    upserts = [
        Answer(
            audit=audit,
            question=question,
            value=value,
            not_applicable=na,
            updated_by=actor,
            updated_at=now,
        )
        for question, value, na in cleaned
        if value is not None or na
    ]
    cleared = [question.pk for question, value, na in cleaned if value is None and not na]
    if cleared:
        Answer.objects.filter(audit=audit, question_id__in=cleared).delete()
    if upserts:
        Answer.objects.bulk_create(
            upserts,
            update_conflicts=True,
            unique_fields=["audit", "question"],
            update_fields=["value", "not_applicable", "updated_by", "updated_at"],
        )
    record(
        Verb.ANSWERS_SAVED,
        actor=actor,
        audit=audit,
        data={"questions": [q.code for q, _v, _na in cleaned]},
    )


# ---------------------------------------------------------------------------------------------
# Submit and review
# ---------------------------------------------------------------------------------------------


def missing_for_submit(audit: Audit) -> dict[str, list[str]]:
    """What stops ``audit`` from being submitted: a message list per question code (visible
    required questions without an answer, required evidence not uploaded)."""
    answers = answer_values(audit)
    visible = visible_codes(audit, answers)
    with_evidence = set(
        Evidence.objects.filter(audit=audit, question__isnull=False).values_list(
            "question__code", flat=True
        )
    )
    errors: dict[str, list[str]] = {}
    for question in Question.objects.filter(version_id=audit.questionnaire_version_id).order_by(
        "section__position", "position"
    ):
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
            message=_("An audit that is %(from)s cannot be submitted.") % {"from": audit.status},
        )
    errors = missing_for_submit(audit)
    if errors:
        raise ValidationError(errors)
    visible = visible_codes(audit)
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
    notify(buyer_recipients(audit), "audits/email/submitted", mail_context(audit))
    return audit


@transaction.atomic
def audit_return(*, audit: Audit, comment: str, actor: User) -> Audit:
    """Send a submitted audit back to the supplier with the changes requested (comment
    required)."""
    audit = locked(audit)
    AUDITS.perform(audit, "return", actor=actor, comment=comment)
    notify(
        supplier_recipients(audit),
        "audits/email/returned",
        mail_context(audit, comment=comment.strip()),
    )
    return audit


@transaction.atomic
def audit_accept(*, audit: Audit, actor: User, comment: str = "") -> Audit:
    """Accept a submitted audit (the move alone: ``flows.services.audit_accept`` adds the final
    score and the corrective actions)."""
    audit = locked(audit)
    AUDITS.perform(audit, "accept", actor=actor, comment=comment)
    notify(supplier_recipients(audit), "audits/email/accepted", mail_context(audit))
    return audit


@transaction.atomic
def audit_cancel(*, audit: Audit, reason: str, actor: User) -> Audit:
    """Cancel an audit that is not accepted yet (reason required)."""
    audit = locked(audit)
    AUDITS.perform(audit, "cancel", actor=actor, comment=reason)
    return audit


# ---------------------------------------------------------------------------------------------
# Prefill
# ---------------------------------------------------------------------------------------------


def prefill_source(audit: Audit) -> Audit | None:
    """The supplier's latest submitted (or accepted) audit of the same questionnaire code,
    whichever buyer it went to."""
    return (
        Audit.objects.filter(
            supplier_id=audit.supplier_id,
            questionnaire_version__questionnaire__code=(
                audit.questionnaire_version.questionnaire.code
            ),
            status__in=[Status.SUBMITTED, Status.ACCEPTED],
        )
        .exclude(pk=audit.pk)
        .filter(submitted_at__isnull=False)
        .order_by("-submitted_at", "-pk")
        .first()
    )


@transaction.atomic
def audit_prefill(*, audit: Audit, actor: User | None) -> dict[str, Any]:
    """Copy the supplier's own answers from ``prefill_source`` into the questions of ``audit``
    that are still unanswered.

    Returns ``{"source": {...}, "copied": [codes], "skipped": {code: reason}}``: a question the
    new version no longer has, a value that no longer fits the question, or a question already
    answered here is reported, not copied. The source's buyer is never revealed: only the
    supplier's side may call this (``respond_audit``)."""
    if actor is not None and not actor.has_perm("audits.respond_audit", audit):
        raise PermissionDenied(_("Only the supplier's respondents prefill answers."))
    if not audit.is_editable:
        raise _not_editable(audit)
    source = prefill_source(audit)
    if source is None:
        return {"source": None, "copied": [], "skipped": {}}
    questions = {
        q.code: q for q in Question.objects.filter(version_id=audit.questionnaire_version_id)
    }
    existing = set(Answer.objects.filter(audit=audit).values_list("question__code", flat=True))
    batch: list[dict[str, Any]] = []
    skipped: dict[str, str] = {}
    for code, value, na in Answer.objects.filter(audit=source).values_list(
        "question__code", "value", "not_applicable"
    ):
        question = questions.get(code)
        if question is None:
            skipped[code] = _("This questionnaire version no longer asks it.")
            continue
        if code in existing:
            skipped[code] = _("Already answered in this audit.")
            continue
        try:
            clean_answer(question, value, na)
        except AnswerError as exc:
            skipped[code] = _("The earlier answer no longer fits: %(reason)s") % {"reason": exc}
            continue
        batch.append({"question": code, "value": value, "not_applicable": na})
    if batch:
        answers_save(audit=audit, answers=batch, actor=actor)
    record(
        Verb.ANSWERS_PREFILLED,
        actor=actor,
        audit=audit,
        # The source may be another buyer's audit: the receiving buyer reads this event, so it
        # names the copied questions and the version, never the source audit.
        data={
            "source_version": source.questionnaire_version.number,
            "copied": [b["question"] for b in batch],
        },
    )
    return {
        "source": {
            "audit": source.pk,
            "questionnaire_version": source.questionnaire_version.number,
            "submitted_at": source.submitted_at,
        },
        "copied": [b["question"] for b in batch],
        "skipped": skipped,
    }


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
