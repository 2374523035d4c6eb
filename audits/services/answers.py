"""The supplier's answers (DESIGN section 4): saving a batch, and prefilling from the
supplier's latest earlier audit of the same questionnaire. Answers change only while the audit
is being answered (``sent``, ``in_progress``, ``returned``); the first save moves it to
``in_progress``.

Errors: ``ValidationError`` (400, a message per question code), ``PermissionDenied`` (403),
``Conflict`` (409 when the audit is not being answered).
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
from audits import permissions as audit_perms
from audits.answers import AnswerError, clean_answer
from audits.models import Answer, Audit
from audits.services.common import locked
from audits.services.locks import audit_lock_for_content, audit_not_editable
from audits.services.transitions import AUDITS, START_MOVE
from questionnaires.models import Question
from questionnaires.spec import questions_for_version

Status = Audit.Status


# ---------------------------------------------------------------------------------------------
# Answers
# ---------------------------------------------------------------------------------------------


def _clean_batch(
    audit: Audit, items: Sequence[Mapping[str, Any]]
) -> list[tuple[Question, Any, bool]]:
    if not isinstance(items, list | tuple) or not items:
        raise ValidationError({"answers": [_("Send a list of answers.")]})
    questions = questions_for_version(audit.questionnaire_version)
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
    if actor is not None and not audit_perms.holds(actor, "audits.respond_audit", audit):
        raise PermissionDenied(_("Only the supplier's respondents answer this audit."))
    if not audit.is_editable:
        raise audit_not_editable(audit, "answers")
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
            raise audit_not_editable(audit, "answers")
        return _write_answers(audit, cleaned, actor=actor)


def _write_answers(
    audit: Audit, cleaned: Sequence[tuple[Question, Any, bool]], *, actor: User | None
) -> list[Answer]:
    """Upsert the answers with a value (or N/A) in one statement, delete the cleared ones,
    record the event; returns the answers as written (the cleared ones are not)."""
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
    return upserts


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
        raise audit_not_editable(audit, "answers")
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
