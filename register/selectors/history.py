"""The History sheet: one row per accepted (and scored) audit of each supplier and category,
with the change of the category score since the supplier's accepted audit before it."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import pandas as pd
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import Organization
from suppliers.models import SupplierRelationship

from ..columns import CATEGORIES
from .details import by_code_point
from .latest import ranked_scores
from .reading import as_text, category_columns, floats, local, read_frames

_HISTORY_COLUMNS = {
    "audit__supplier_id": "supplier_id",
    "audit_rank": "audit_rank",
    "audit_id": "audit_id",
    "accepted_text": "accepted_at",
    "ruleset__code": "rs_code",
    "ruleset__version": "rs_version",
    "overall": "overall",
    "rating": "rating",
    **{f"cat_{cat}": f"cat_{cat}" for cat in CATEGORIES},
}


def register_history(
    *,
    rels: QuerySet[SupplierRelationship],
    buyer: Organization,
    names: Mapping[int, str],
) -> pd.DataFrame:
    """Every accepted audit of the suppliers in ``rels`` (its newest final score; one window
    query), newest first per supplier, as one row per category that has a score; the change is
    against the same category of the audit just before (empty when it had no score there)."""
    return next(history_frames(rels=rels, buyer=buyer, names=names))


def history_frames(
    *,
    rels: QuerySet[SupplierRelationship],
    buyer: Organization,
    names: Mapping[int, str],
    size: int | None = None,
) -> Iterator[pd.DataFrame]:
    """``register_history`` as frames of the rows of about ``size`` audits (one frame when
    None), each with every audit of its suppliers: the audits come ordered by supplier name
    (by code point, as Python compares them), supplier and rank."""
    rows = (
        ranked_scores(buyer, rels, depth=None)
        .annotate(accepted_text=as_text("audit__accepted_at"), **category_columns())
        .order_by(by_code_point("audit__supplier__name"), "audit__supplier_id", "audit_rank")
        .values_list(*_HISTORY_COLUMNS)
    )
    for audits in read_frames(
        rows, list(_HISTORY_COLUMNS.values()), size=size, group="supplier_id"
    ):
        yield _history_rows(audits, names)


def _history_rows(audits: pd.DataFrame, names: Mapping[int, str]) -> pd.DataFrame:
    """The rows of the audits of whole suppliers: one per audit and scored category."""
    audits["supplier_name"] = audits["supplier_id"].map(names)
    audits["accepted_at"] = local(
        audits["accepted_at"], timezone.get_default_timezone(), date_only=True
    )
    audits["ruleset"] = [
        f"{code}@{version}"
        for code, version in zip(audits["rs_code"], audits["rs_version"], strict=True)
    ]
    audits["overall_score"] = floats(audits["overall"])
    scores = {cat: floats(audits.pop(f"cat_{cat}")) for cat in CATEGORIES}
    parts = [audits.assign(category=cat, category_score=score) for cat, score in scores.items()]
    history = pd.concat(parts, ignore_index=True)
    if history.empty:
        return history
    history = history.sort_values(
        ["supplier_name", "supplier_id", "category", "audit_rank"], kind="stable"
    )
    # The next row of the same supplier and category is the audit before (rank + 1).
    earlier = history.groupby(["supplier_id", "category"])["category_score"].shift(-1)
    history["category_delta"] = (history["category_score"] - earlier).round(1)
    history = history[history["category_score"].notna()]
    order = {cat: i for i, cat in enumerate(CATEGORIES)}
    history["_cat"] = history["category"].map(order)
    return (
        history.sort_values(["supplier_name", "supplier_id", "audit_rank", "_cat"], kind="stable")
        .drop(columns="_cat")
        .reset_index(drop=True)
    )
