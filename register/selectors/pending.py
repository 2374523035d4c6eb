"""What is pending per supplier: the audit in progress, the next assessment due and whether
the latest score has expired (its re-assessment interval has passed)."""

from __future__ import annotations

import datetime
from collections.abc import Mapping

import pandas as pd
from django.db.models import QuerySet

from accounts.models import Organization
from audits.models import Audit
from audits.services.policy import policy_months
from scoring.risk import next_assessment_due, score_expired
from suppliers.models import SupplierRelationship

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
    add_next_assessment(reg, months=policy_months(buyer), today=today)
    return reg


def add_next_assessment(
    reg: pd.DataFrame, *, months: Mapping[str, int], today: datetime.date
) -> None:
    """``next_assessment_due`` and ``expired`` (``scoring.risk.next_assessment_due`` and
    ``score_expired``), worked out once per distinct acceptance date and priority."""
    last = pd.to_datetime(reg["last_audit_accepted_at"], errors="coerce")
    keys = list(zip([None if pd.isna(d) else d.date() for d in last], reg["priority"], strict=True))
    due_of = {key: next_assessment_due(key[0], key[1], months) for key in set(keys)}
    due = [due_of[key] for key in keys]
    reg["next_assessment_due"] = pd.to_datetime(pd.Series(due, index=reg.index, dtype=object))
    reg["expired"] = [score_expired(d, today) for d in due]
