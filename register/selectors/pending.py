"""What is pending per supplier: the audit in progress, the next assessment due and whether
the latest score has expired (its re-assessment interval has passed)."""

from __future__ import annotations

import datetime

import pandas as pd
from django.db.models import QuerySet

from accounts.models import Organization
from audits.models import Audit
from audits.services.policy import policy_get
from suppliers.models import SupplierRelationship

from ..columns import PRIORITIES
from .reading import read_frame

#: Audits that are with the supplier or with the buyer's reviewers (a draft is not sent yet).
IN_PROGRESS_STATES = tuple(str(s) for s in Audit.OPEN_STATES if s != Audit.Status.DRAFT)
_OVERDUE_STATES = frozenset(str(s) for s in Audit.OVERDUE_STATES)


def add_pending(
    reg: pd.DataFrame,
    *,
    buyer: Organization,
    rels: QuerySet[SupplierRelationship],
    today: datetime.date,
) -> pd.DataFrame:
    """``audit_status``, ``audit_due_date`` and ``audit_days_overdue`` of the audit in progress
    (the one due first when there are several), then ``next_assessment_due`` and ``expired``."""
    audits = read_frame(
        Audit.objects.filter(
            buyer_id=buyer.pk,
            supplier_id__in=rels.values("supplier_id"),
            status__in=IN_PROGRESS_STATES,
        )
        .order_by("supplier_id", "due_date", "pk")
        .values_list("supplier_id", "status", "due_date"),
        ["supplier_id", "audit_status", "audit_due_date"],
    ).drop_duplicates("supplier_id", keep="first")
    reg = reg.merge(audits, on="supplier_id", how="left")
    due = pd.to_datetime(reg["audit_due_date"], errors="coerce")
    late = (pd.Timestamp(today) - due).dt.days
    waiting_on_supplier = reg["audit_status"].isin(_OVERDUE_STATES)
    reg["audit_days_overdue"] = late.where(waiting_on_supplier & (late > 0), 0).where(
        reg["audit_status"].notna()
    )
    reg["audit_due_date"] = due
    add_next_assessment(reg, months=reassessment_months(buyer), today=today)
    return reg


def reassessment_months(buyer: Organization) -> dict[str, int]:
    """Months between assessments per priority: the buyer's re-assessment policy, else the
    policy's defaults (P1 12, P2 18, P3 24, P4 36)."""
    policy = policy_get(buyer)
    return {p: policy.months(p) for p in PRIORITIES}


def add_next_assessment(reg: pd.DataFrame, *, months: dict[str, int], today: datetime.date) -> None:
    """``next_assessment_due`` = the last accepted audit's date plus the interval of the
    supplier's priority (empty when never assessed); ``expired`` when that date has passed."""
    last = pd.to_datetime(reg["last_audit_accepted_at"], errors="coerce")
    due = pd.Series(pd.NaT, index=reg.index, dtype="datetime64[ns]")
    for priority, interval in months.items():
        rows = reg["priority"] == priority
        if rows.any():
            due[rows] = last[rows] + pd.DateOffset(months=interval)
    reg["next_assessment_due"] = due
    reg["expired"] = (due < pd.Timestamp(today)).fillna(False).astype(bool)
