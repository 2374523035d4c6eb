"""Reads for the campaign pages: each campaign's audits counted by status (one query for a page
of campaigns) and, per campaign, its suppliers' audits with their answers and reminders
counted (one query per page of rows)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from activity.models import ReminderLog
from audits.models import Audit, Campaign, PendingRespondent

Status = Audit.Status
RESPONDED = (Status.SUBMITTED, Status.ACCEPTED)


def campaign_status_counts(campaigns: Sequence[Campaign]) -> dict[int, dict[str, Any]]:
    """``{campaign id: {"by_status": {status: n}, "total": n, "responded": n, "rate": %}}``;
    the response rate counts submitted and accepted audits among those not cancelled."""
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    rows = (
        Audit.objects.filter(campaign_id__in=[c.pk for c in campaigns])
        .values_list("campaign_id", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    for campaign_id, status, n in rows:
        counts[campaign_id][status] = n
    result = {}
    for campaign in campaigns:
        by_status = counts.get(campaign.pk, {})
        live = sum(n for s, n in by_status.items() if s != Status.CANCELLED)
        responded = sum(by_status.get(s, 0) for s in RESPONDED)
        result[campaign.pk] = {
            "by_status": by_status,
            "total": sum(by_status.values()),
            "responded": responded,
            "rate": round(100 * responded / live) if live else None,
        }
    return result


def campaign_audits(campaign: Campaign) -> QuerySet[Audit]:
    """The campaign's audits with their supplier and reminders counted, in supplier order
    (paginate it: one query per page; the portal adds each page's progress)."""
    reminders = (
        ReminderLog.objects.filter(kind=ReminderLog.Kind.AUDIT, object_id=OuterRef("pk"))
        .order_by()
        .values("object_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    return (
        Audit.objects.filter(campaign=campaign)
        .select_related("supplier", "questionnaire_version")
        .annotate(
            reminders_sent=Coalesce(Subquery(reminders, output_field=IntegerField()), Value(0)),
        )
        .order_by("supplier__name", "pk")
    )


def pending_audit_ids(audits: Sequence[Audit]) -> set[int]:
    """Which of ``audits`` wait for a named respondent to accept their invitation."""
    return set(
        PendingRespondent.objects.filter(audit__in=audits).values_list("audit_id", flat=True)
    )
