"""Reads of the review dialogue: the reviewer's comments on single questions, what the
supplier submitted each time (``Submission`` snapshots), what changed in the current round,
and the last decision (accept or return) with its comment.

The audit is fetched and authorized by the caller (``audit_get_for``); these read its rows."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from accounts.models import Membership
from activity.events import Verb
from activity.models import ActivityEvent
from audits.models import Answer, Audit, Evidence, QuestionComment, Submission

Status = Audit.Status

# Statuses in which the answers now are those of the latest submission: the round's changes
# are then measured against the submission before it.
REVIEWED_STATES = (Status.SUBMITTED, Status.ACCEPTED)
DECISIONS = (Verb.AUDIT_RETURNED, Verb.AUDIT_ACCEPTED)


def is_audit_buyer_member(user, audit: Audit) -> bool:
    """Whether ``user`` belongs to the buyer that issued ``audit`` (not its supplier, nor a
    buyer it was shared with)."""
    return Membership.objects.filter(user=user, organization_id=audit.buyer_id).exists()


def question_comments_for(audit: Audit) -> QuerySet[QuestionComment]:
    """Every comment on the audit's questions, oldest first."""
    return (
        QuestionComment.objects.filter(audit=audit)
        .select_related("author", "resolved_by", "submission")
        .order_by("created_at", "pk")
    )


def open_question_comments(audit: Audit) -> QuerySet[QuestionComment]:
    """The comments the reviewer has not resolved yet."""
    return question_comments_for(audit).filter(resolved_at__isnull=True)


def question_comment_get_for(*, audit: Audit, comment_id: int) -> QuestionComment:
    """A comment of ``audit`` (already authorized), else 404."""
    comment = question_comments_for(audit).filter(pk=comment_id).first()
    if comment is None:
        raise Http404
    return comment


def comments_by_question(comments: list[QuestionComment]) -> dict[str, list[QuestionComment]]:
    grouped: dict[str, list[QuestionComment]] = {}
    for comment in comments:
        grouped.setdefault(comment.question_code, []).append(comment)
    return grouped


def answers_snapshot(audit: Audit) -> dict[str, dict[str, Any]]:
    """The audit's answers and evidence files now, per question code (two queries): what a
    ``Submission`` keeps."""
    snapshot: dict[str, dict[str, Any]] = {}
    for code, value, na in Answer.objects.filter(audit=audit).values_list(
        "question__code", "value", "not_applicable"
    ):
        snapshot[code] = {"value": value, "not_applicable": na, "files": []}
    files = (
        Evidence.objects.filter(audit=audit, question__isnull=False)
        .order_by("created_at", "pk")
        .values_list("question__code", "pk", "original_name")
    )
    for code, pk, name in files:
        entry = snapshot.setdefault(code, {"value": None, "not_applicable": False, "files": []})
        entry["files"].append({"id": pk, "name": name})
    return snapshot


def baseline_submission(audit: Audit) -> Submission | None:
    """The submission this round is compared with: the one before the latest while the audit
    is submitted or accepted (the answers now are the latest), else the latest (the supplier
    is changing it)."""
    latest = list(Submission.objects.filter(audit=audit).order_by("-number")[:2])
    if audit.status in REVIEWED_STATES:
        return latest[1] if len(latest) > 1 else None
    return latest[0] if latest else None


def _entry_changes(before: dict | None, after: dict | None) -> dict | None:
    empty: dict[str, Any] = {"value": None, "not_applicable": False, "files": []}
    before, after = before or empty, after or empty
    before_files = {f["id"]: f for f in before["files"]}
    after_files = {f["id"]: f for f in after["files"]}
    added = [f for pk, f in after_files.items() if pk not in before_files]
    removed = [f for pk, f in before_files.items() if pk not in after_files]
    answer_changed = (before["value"], before["not_applicable"]) != (
        after["value"],
        after["not_applicable"],
    )
    if not (answer_changed or added or removed):
        return None
    return {
        "before": {"value": before["value"], "not_applicable": before["not_applicable"]},
        "after": {"value": after["value"], "not_applicable": after["not_applicable"]},
        "answer_changed": answer_changed,
        "files_added": added,
        "files_removed": removed,
    }


def audit_changes(audit: Audit, order: list[str] | None = None) -> dict | None:
    """What changed since the baseline submission (``baseline_submission``): per question
    whose answer or files differ, the answer before and after and the files added or removed
    (by id). None when there is nothing to compare with (a first submission). ``order``:
    question codes in questionnaire order (others follow, sorted)."""
    baseline = baseline_submission(audit)
    if baseline is None:
        return None
    now = answers_snapshot(audit)
    codes = set(baseline.snapshot) | set(now)
    position = {code: i for i, code in enumerate(order or [])}
    changes = []
    for code in sorted(codes, key=lambda c: (position.get(c, len(position)), c)):
        change = _entry_changes(baseline.snapshot.get(code), now.get(code))
        if change is not None:
            changes.append({"question": code, **change})
    return {
        "since": {"number": baseline.number, "submitted_at": baseline.submitted_at},
        "questions": changes,
    }


def last_decision(audit: Audit) -> ActivityEvent | None:
    """The latest accept or return of the audit, with the reviewer's comment (both sides read
    it)."""
    return (
        ActivityEvent.objects.filter(audit=audit, verb__in=[v.value for v in DECISIONS])
        .order_by("-created_at", "-pk")
        .first()
    )
