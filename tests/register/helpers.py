"""Register test data straight through the ORM (audits, final scores, findings, actions), so
these tests do not depend on the audit and scoring services."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from actions.models import CorrectiveAction
from audits.models import Audit
from scoring.models import Finding, Score

TODAY = datetime.date(2025, 3, 10)

# The workbook's sheets in English, in order.
SHEETS_EN = [
    "Summary",
    "Heat map",
    "Register",
    "Findings",
    "Corrective actions",
    "History",
    "Method",
]


def at(day: datetime.date) -> datetime.datetime:
    """Noon local time on ``day``."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12, 0)))


def accepted_audit(
    *,
    buyer,
    supplier,
    version,
    ruleset,
    accepted_on: datetime.date,
    overall: str | None,
    rating: str,
    categories: dict | None = None,
    findings: list[tuple] = (),
) -> Audit:
    """An accepted audit with a final score. ``findings``: ``(rule_code, severity, category,
    action_status or None, due_date or None, title_en)``; a status makes a corrective action."""
    audit = Audit.objects.create(
        buyer=buyer,
        supplier=supplier,
        questionnaire_version=version,
        ruleset=ruleset,
        status=Audit.Status.ACCEPTED,
        due_date=accepted_on,
        accepted_at=at(accepted_on),
        score_released=True,
    )
    score = Score.objects.create(
        audit=audit,
        ruleset=ruleset,
        overall=None if overall is None else Decimal(overall),
        categories=categories or {},
        rating=rating,
        final=True,
    )
    for code, severity, category, status, due, title in findings:
        finding = Finding.objects.create(
            audit=audit,
            score=score,
            rule_code=code,
            severity=severity,
            category=category,
            title={"en": title, "zh-Hans": f"中文 {title}"},
        )
        if status is not None:
            CorrectiveAction.objects.create(
                finding=finding,
                audit=audit,
                buyer=buyer,
                supplier=supplier,
                severity=severity,
                status=status,
                due_date=due,
                original_due_date=due,
                responsible_person="Li Wei",
            )
    return audit
