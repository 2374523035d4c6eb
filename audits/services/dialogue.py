"""Writes of the review dialogue: what each submission held, the reviewer's comments on single
questions (made when returning an audit) and their resolution.

``audit_submit`` calls :func:`submission_record` and ``audit_return`` calls
:func:`question_comments_clean` and :func:`question_comments_create` in their transactions;
:func:`question_comment_resolve` is a business write of its own."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from activity.events import Verb, record
from audits.models import Audit, QuestionComment, Submission
from audits.selectors.dialogue import answers_snapshot
from audits.services.common import locked, visible_codes
from audits.services.transitions import REVIEW
from backend.errors import Conflict
from questionnaires.spec import questions_for_version

MAX_COMMENT = 2000


def submission_record(*, audit: Audit, actor: User | None) -> Submission:
    """Keep what ``audit`` holds now as its next submission (call inside the submit's
    transaction, after the hidden answers were dropped)."""
    last = Submission.objects.filter(audit=audit).order_by("-number").first()
    return Submission.objects.create(
        audit=audit,
        number=(last.number + 1) if last else 1,
        snapshot=answers_snapshot(audit),
        submitted_by=actor if actor is not None and actor.is_authenticated else None,
        submitted_at=audit.submitted_at or timezone.now(),
    )


def question_comments_clean(
    audit: Audit, items: Sequence[Mapping[str, Any]]
) -> tuple[list[tuple[str, str]], dict[str, list[str]]]:
    """The ``(question code, text)`` pairs of a return, and a 400 message per bad item, keyed
    ``question_comments.<i>.question`` / ``.text``: a code that is not a question of the
    audit's questionnaire, a question not asked of this supplier (hidden), an empty text."""
    questions = questions_for_version(audit.questionnaire_version)
    visible = visible_codes(audit) if items else frozenset()
    cleaned: list[tuple[str, str]] = []
    errors: dict[str, list[str]] = {}
    for i, item in enumerate(items):
        code = str(item.get("question") or "").strip()
        text = str(item.get("text") or "").strip()
        where = f"question_comments.{i}"
        if code not in questions:
            errors[f"{where}.question"] = [
                _("%(code)s is not a question of this questionnaire.") % {"code": code or "—"}
            ]
        elif code not in visible:
            errors[f"{where}.question"] = [
                _("%(code)s was not asked of this supplier.") % {"code": code}
            ]
        if not text:
            errors[f"{where}.text"] = [_("Write the comment.")]
        elif len(text) > MAX_COMMENT:
            errors[f"{where}.text"] = [
                _("At most %(n)s characters.") % {"n": MAX_COMMENT},
            ]
        if f"{where}.question" not in errors and f"{where}.text" not in errors:
            cleaned.append((code, text))
    return cleaned, errors


def question_comments_create(
    *, audit: Audit, comments: Sequence[tuple[str, str]], actor: User
) -> list[QuestionComment]:
    """Store a return's comments, tied to the submission the reviewer read."""
    submission = Submission.objects.filter(audit=audit).order_by("-number").first()
    now = timezone.now()
    return QuestionComment.objects.bulk_create(
        QuestionComment(
            audit=audit,
            submission=submission,
            question_code=code,
            text=text,
            author=actor,
            created_at=now,
        )
        for code, text in comments
    )


@transaction.atomic
def question_comment_resolve(*, comment: QuestionComment, actor: User) -> QuestionComment:
    """Mark a comment resolved: the buyer side's reviewers only (403 for anyone else), 409
    when it is resolved already. The event is written in the same transaction."""
    audit = locked(comment.audit)
    if not actor.has_perm(REVIEW, audit):
        raise PermissionDenied(_("Only the audit's reviewers resolve comments on questions."))
    comment = QuestionComment.objects.select_for_update().get(pk=comment.pk)
    if comment.resolved_at is not None:
        raise Conflict(_("This comment is resolved already."), code="already_resolved")
    comment.resolved_by = actor
    comment.resolved_at = timezone.now()
    comment.save(update_fields=["resolved_by", "resolved_at"])
    record(
        Verb.QUESTION_COMMENT_RESOLVED,
        actor=actor,
        audit=audit,
        data={"question": comment.question_code, "comment": comment.pk},
    )
    return comment
