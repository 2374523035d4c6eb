"""The Findings and Corrective actions sheets of the register, in their order from the database.

Each table is read whole (``register_findings``, ``register_actions``: the workbook) or as
frames of a few thousand rows (``finding_frames``, ``action_frames``: the JSON, which then
holds one frame at a time whatever the number of findings and actions). The order of the rows
(supplier name, audit, severity, code) is the query's: names and codes compared by code point,
as Python compares strings (``COLLATE "C"`` on PostgreSQL, SQLite's default), severities from
critical to observation, then the id.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Mapping

import pandas as pd
from django.db import connection
from django.db.models import Case, F, Q, QuerySet, TextField, Value, When
from django.db.models.expressions import Combinable
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce, Collate, NullIf
from django.utils import timezone

from accounts.models import Organization
from actions.models import CorrectiveAction, CorrectiveActionQuerySet
from audits.models import Audit
from scoring.models import Finding
from suppliers.models import SupplierRelationship

from ..columns import SEVERITIES
from .latest import latest_audit_ids
from .reading import as_text, local, read_frames

CLOSED_ACTION_STATES = tuple(str(s) for s in CorrectiveAction.CLOSED_STATES)

_FINDING_COLUMNS = {
    "audit__supplier_id": "supplier_id",
    "audit_id": "audit_id",
    "accepted_text": "accepted_at",
    "rule_code": "rule_code",
    "severity": "severity",
    "category": "category",
    "title_text": "title",
    "action__status": "action_status",
    "action__due_date": "due_date",
}


def register_findings(
    *,
    rels: QuerySet[SupplierRelationship],
    buyer: Organization,
    names: Mapping[int, str],
    language: str,
) -> pd.DataFrame:
    """The findings of the latest accepted audits, plus any older one whose action is open."""
    return next(finding_frames(rels=rels, buyer=buyer, names=names, language=language))


def finding_frames(
    *,
    rels: QuerySet[SupplierRelationship],
    buyer: Organization,
    names: Mapping[int, str],
    language: str,
    size: int | None = None,
) -> Iterator[pd.DataFrame]:
    """``register_findings`` as frames of about ``size`` rows (one frame when None)."""
    listed_finding = Q(audit_id__in=latest_audit_ids(buyer, rels)) | open_action()
    rows = (
        buyer_findings(buyer, rels)
        .filter(listed_finding)
        .annotate(title_text=_title_in(language), accepted_text=as_text("audit__accepted_at"))
        .order_by(*_in_order("audit__supplier__name", "audit_id", "rule_code"))
        .values_list(*_FINDING_COLUMNS)
    )
    tz = timezone.get_default_timezone()
    for fnd in read_frames(rows, list(_FINDING_COLUMNS.values()), size=size):
        fnd["supplier_name"] = fnd["supplier_id"].map(names)
        fnd["accepted_at"] = local(fnd["accepted_at"], tz, date_only=True)
        fnd["due_date"] = pd.to_datetime(fnd["due_date"], errors="coerce")
        yield fnd


_ACTION_COLUMNS = {
    "supplier_id": "supplier_id",
    "pk": "action_id",
    "audit_id": "audit_id",
    "finding__rule_code": "finding_code",
    "severity": "severity",
    "status": "status",
    "due_date": "due_date",
    "responsible_person": "responsible_person",
    "owner__full_name": "owner_name",
    "owner__email": "owner_email",
    "updated_text": "updated_at",
}


def register_actions(
    *,
    rels: QuerySet[SupplierRelationship],
    buyer: Organization,
    names: Mapping[int, str],
    today: datetime.date,
) -> pd.DataFrame:
    """The corrective actions of the latest accepted audits, plus any older one still open,
    with how many days each open one is overdue on ``today``."""
    return next(action_frames(rels=rels, buyer=buyer, names=names, today=today))


def action_frames(
    *,
    rels: QuerySet[SupplierRelationship],
    buyer: Organization,
    names: Mapping[int, str],
    today: datetime.date,
    size: int | None = None,
) -> Iterator[pd.DataFrame]:
    """``register_actions`` as frames of about ``size`` rows (one frame when None)."""
    rows = (
        buyer_actions(buyer, rels)
        .filter(Q(audit_id__in=latest_audit_ids(buyer, rels)) | ~Q(status__in=CLOSED_ACTION_STATES))
        .annotate(updated_text=as_text("updated_at"))
        .order_by(*_in_order("supplier__name", "audit_id", "finding__rule_code"))
        .values_list(*_ACTION_COLUMNS)
    )
    for act in read_frames(rows, list(_ACTION_COLUMNS.values()), size=size):
        yield _action_columns(act, names, today)


def _action_columns(
    act: pd.DataFrame, names: Mapping[int, str], today: datetime.date
) -> pd.DataFrame:
    act["supplier_name"] = act["supplier_id"].map(names)
    is_open = ~act["status"].isin(CLOSED_ACTION_STATES)
    due = pd.to_datetime(act["due_date"], errors="coerce")
    days_late = (pd.Timestamp(today) - due).dt.days
    act["overdue"] = (is_open & (days_late > 0)).astype(bool)
    act["days_overdue"] = days_late.where(act["overdue"], 0).fillna(0).astype("int64")
    act["due_date"] = due
    act["owner"] = [
        rp or name or email or None
        for rp, name, email in zip(
            act["responsible_person"], act["owner_name"], act["owner_email"], strict=True
        )
    ]
    act["updated_at"] = local(act["updated_at"], timezone.get_default_timezone(), date_only=False)
    return act


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------


def open_action() -> Q:
    """A finding whose corrective action is neither verified nor cancelled."""
    return Q(action__isnull=False) & ~Q(action__status__in=CLOSED_ACTION_STATES)


def buyer_findings(buyer: Organization, rels: QuerySet[SupplierRelationship]) -> QuerySet:
    """The findings of the buyer's accepted audits of the suppliers in ``rels``."""
    return Finding.objects.filter(
        audit__buyer_id=buyer.pk,
        audit__status=Audit.Status.ACCEPTED,
        audit__supplier_id__in=rels.values("supplier_id"),
    )


def buyer_actions(
    buyer: Organization, rels: QuerySet[SupplierRelationship]
) -> CorrectiveActionQuerySet:
    """The buyer's corrective actions of the suppliers in ``rels``."""
    return CorrectiveAction.objects.filter(
        buyer_id=buyer.pk, supplier_id__in=rels.values("supplier_id")
    )


def by_code_point(field: str) -> Combinable:
    """``field`` ordered as Python orders strings (by code point): the bytes of UTF-8 text,
    ``COLLATE "C"`` on PostgreSQL and SQLite's default ``BINARY``."""
    return Collate(F(field), "C") if connection.vendor == "postgresql" else F(field)


def _in_order(name: str, audit: str, code: str) -> list[Combinable]:
    """Supplier name, audit, severity (critical first, an unknown one last), code, then id."""
    severity = Case(
        *(When(severity=sev, then=Value(i)) for i, sev in enumerate(SEVERITIES)),
        default=Value(len(SEVERITIES)),
    )
    return [by_code_point(name), F(audit), severity, by_code_point(code), F("pk")]


def _title_in(language: str) -> Coalesce:
    """The finding title in ``language``, else English, else Chinese, extracted by the
    database (decoding 40,000 JSON titles in Python costs more than the rest of the query)."""
    order = [language, *(lang for lang in ("en", "zh-Hans") if lang != language)]
    text = TextField()
    return Coalesce(
        *(NullIf(KT(f"title__{lang}"), Value(""), output_field=text) for lang in order),
        output_field=text,
    )
