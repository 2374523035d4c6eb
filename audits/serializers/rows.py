"""Rows of the audit API's lists built directly from values (``AuditSerializer`` and
``AnswerSerializer``'s output without the generic field machinery, which cost more per row
than the database): the schemas stay those serializers', and tests hold both outputs equal."""

from __future__ import annotations

from django.utils import timezone

from audits.models import Audit
from backend.api.rows import moment_writer, moments_of
from backend.workflow import is_past_due

_MOMENTS = ("created_at", "issued_at", "submitted_at", "accepted_at", "cancelled_at")


def audit_list_rows(rows: list[dict], people: dict[int, dict[str, list[dict]]]) -> list[dict]:
    """``AuditSerializer``'s output for a page of the audit list, built directly from the rows
    read as values (``audit_api_list_for``) and their people (``audit_people``): a page is 50
    rows of 17 fields and 4 nested objects, and the generic field machinery cost more than the
    rows' database work. The schema is ``AuditSerializer``'s; a test holds both equal."""
    write = moment_writer()
    today = timezone.localdate()
    return [
        {
            "id": row["id"],
            "title": row["title"],
            "status": row["status"],
            "buyer": {"id": row["buyer_id"], "name": row["buyer__name"]},
            "supplier": {"id": row["supplier_id"], "name": row["supplier__name"]},
            "questionnaire": {
                "version_id": row["questionnaire_version_id"],
                "code": row["questionnaire_version__questionnaire__code"],
                "version": row["questionnaire_version__number"],
                "title": row["questionnaire_version__title"],
            },
            "ruleset": row["ruleset_id"],
            "campaign": row["campaign_id"],
            "due_date": row["due_date"].isoformat(),
            "overdue": is_past_due(row["status"], row["due_date"], Audit.OVERDUE_STATES, today),
            **people[row["id"]],
            **moments_of(row, _MOMENTS, write),
        }
        for row in rows
    ]


def answer_rows(answers: list[dict]) -> list[dict]:
    """``AnswerSerializer``'s output for answers read as values (``answer_values_for``),
    built directly: the answer API sends every answer of the audit after each save. A test
    holds both equal."""
    write = moment_writer()
    return [
        {
            "question": answer["question__code"],
            "value": answer["value"],
            "not_applicable": answer["not_applicable"],
            "updated_by": None
            if answer["updated_by_id"] is None
            else {
                "id": answer["updated_by_id"],
                "name": answer["updated_by__full_name"] or answer["updated_by__email"],
            },
            "updated_at": write(answer["updated_at"]),
        }
        for answer in answers
    ]
