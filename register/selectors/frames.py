"""The register's three DataFrames and its method mapping, for one buyer (definitions in the
package docstring)."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import pandas as pd
from django.db.models import Count, Q, QuerySet
from django.db.models.fields.json import KT
from django.utils import timezone

from accounts.models import Organization
from rulesets.models import RuleSet
from suppliers.models import SupplierRelationship

from ..columns import CATEGORIES, SEVERITIES
from ..tables import DetailReader
from .details import action_frames, buyer_actions, buyer_findings, finding_frames, open_action
from .explain import add_priority, add_rating_reasons
from .history import history_frames
from .latest import latest_audit_ids, ranked_scores
from .method import method_for
from .pending import add_pending
from .reading import as_text, category_columns
from .reading import floats as _floats
from .reading import local as _local
from .reading import read_frame as _frame
from .scope import register_relationships


@dataclass(frozen=True)
class RegisterData:
    """The input of ``build_tables`` for one buyer."""

    register: pd.DataFrame
    findings: pd.DataFrame
    actions: pd.DataFrame
    method: dict[str, Any]
    history: pd.DataFrame = field(default_factory=pd.DataFrame)
    # Read later, one at a time (``details="later"``): per detail table, what reads its rows,
    # called with ``size``: whole (None) or in frames of about that many rows.
    loaders: Mapping[str, DetailReader] = field(default_factory=dict)


def register_data(
    *,
    buyer: Organization,
    filters: Mapping[str, list[str]] | None = None,
    language: str = "en",
    today: datetime.date | None = None,
    details: bool | str = True,
) -> RegisterData:
    """Build the register, findings and actions frames and the method mapping for ``buyer``.

    ``filters`` (already cleaned) narrow the suppliers in the database where possible;
    ``language`` picks the finding titles; ``today`` (default: the local date) decides what is
    overdue; ``details=False`` leaves the findings, actions and history frames empty (the CSV
    has the Register table only); ``details="later"`` leaves them empty too and gives instead
    ``loaders`` that read each of them when called, so that a writer going through the tables
    one after the other holds one of them at a time, not all three (the JSON). Runs a fixed
    number of queries (about ten) for any number of suppliers."""
    today = today or timezone.localdate()
    rels = register_relationships(buyer=buyer, filters=filters)
    reg = register_rows(rels=rels, buyer=buyer, today=today, language=language)
    frames: dict[str, pd.DataFrame] = {}
    loaders: dict[str, DetailReader] = {}
    if details:
        names = dict(zip(reg["supplier_id"], reg["supplier_name"], strict=True))
        loaders = {
            "findings": partial(
                finding_frames, rels=rels, buyer=buyer, names=names, language=language
            ),
            "actions": partial(action_frames, rels=rels, buyer=buyer, names=names, today=today),
            "history": partial(history_frames, rels=rels, buyer=buyer, names=names),
        }
        if details != "later":
            frames, loaders = {key: next(read()) for key, read in loaders.items()}, {}
    return RegisterData(
        register=reg,
        findings=frames.get("findings", pd.DataFrame()),
        actions=frames.get("actions", pd.DataFrame()),
        method=register_method(reg),
        history=frames.get("history", pd.DataFrame()),
        loaders=loaders,
    )


# ---------------------------------------------------------------------------------------------
# The Register sheet
# ---------------------------------------------------------------------------------------------

_REGISTER_COLUMNS = {
    "supplier_id": "supplier_id",
    "pk": "relationship_id",
    "buyer_ref": "buyer_ref",
    "supplier__name": "supplier_name",
    "supplier__legal_id": "legal_id",
    "supplier__country": "country",
    "supplier__industry": "industry",
    "supplier__size_class": "size_class",
    "criticality": "criticality",
    "category": "category",
}


def register_rows(
    *,
    rels: QuerySet[SupplierRelationship],
    buyer: Organization,
    today: datetime.date,
    language: str = "en",
) -> pd.DataFrame:
    """One row per supplier: who it is, its latest scores, rating and why (in ``language``),
    inherent risk and priority, what is pending, open findings by severity and open / overdue
    actions."""
    reg = _frame(rels.values_list(*_REGISTER_COLUMNS), list(_REGISTER_COLUMNS.values()))
    reg["country_code"] = reg["country"]
    reg["industry_code"] = reg["industry"]
    reg = _with_scores(reg, buyer, rels)
    add_priority(reg)
    reg = add_rating_reasons(reg, buyer=buyer, rels=rels, language=language)
    reg = add_pending(reg, buyer=buyer, rels=rels, today=today)
    return _with_open_work(reg, rels, buyer, today)


_SCORE_COLUMNS = {
    "audit__supplier_id": "supplier_id",
    "audit_rank": "audit_rank",
    "audit_id": "latest_audit_id",
    "audit__buyer_id": "audit_buyer_id",
    "overall": "overall",
    **{f"cat_{cat}": f"cat_{cat}" for cat in CATEGORIES},
    "rating": "rating",
    "ruleset_id": "ruleset_id",
    "ruleset__code": "rs_code",
    "ruleset__version": "rs_version",
    "accepted_text": "accepted_at",
    "audit__questionnaire_version__questionnaire__code": "q_code",
    "audit__questionnaire_version__number": "q_number",
    "trace_band": "band",
    "trace_floor": "floor",
}


def _with_scores(
    reg: pd.DataFrame, buyer: Organization, rels: QuerySet[SupplierRelationship]
) -> pd.DataFrame:
    """The latest final score of each supplier: overall, categories, change, rating."""
    scores = ranked_scores(buyer, rels).annotate(
        trace_band=KT("trace__rating__band"),
        trace_floor=KT("trace__rating__floor"),
        accepted_text=as_text("audit__accepted_at"),
        **category_columns(),
    )
    ranked = _frame(scores.values_list(*_SCORE_COLUMNS), list(_SCORE_COLUMNS.values()))
    latest = ranked[ranked["audit_rank"] == 1].drop(columns="audit_rank")
    kept = ["overall", "rating", *(f"cat_{cat}" for cat in CATEGORIES)]
    previous = ranked.loc[ranked["audit_rank"] == 2, ["supplier_id", *kept]].rename(
        columns={key: f"previous_{key}" for key in kept}
    )
    reg = reg.merge(latest, on="supplier_id", how="left").merge(
        previous, on="supplier_id", how="left"
    )
    tz = timezone.get_default_timezone()
    reg["last_audit_accepted_at"] = _local(reg["accepted_at"], tz, date_only=True)
    reg["questionnaire"] = [
        f"{code}@{int(number)}" if isinstance(code, str) else None
        for code, number in zip(reg["q_code"], reg["q_number"], strict=True)
    ]
    reg["ruleset"] = [
        f"{code}@{int(version)}" if isinstance(code, str) else None
        for code, version in zip(reg["rs_code"], reg["rs_version"], strict=True)
    ]
    reg["overall_score"] = _floats(reg["overall"])
    # Shared by the supplier: the latest assessment was issued by another buyer.
    reg["shared"] = [
        bool(pd.notna(issuer) and int(issuer) != buyer.pk) for issuer in reg["audit_buyer_id"]
    ]
    reg["previous_overall_score"] = _floats(reg["previous_overall"])
    reg["score_delta"] = (reg["overall_score"] - reg["previous_overall_score"]).round(1)
    reg["previous_rating"] = (
        reg["previous_rating"].astype(object).where(reg["previous_rating"].notna(), None)
    )
    for cat in CATEGORIES:
        reg[f"score_{cat}"] = _floats(reg[f"cat_{cat}"])
        earlier = _floats(reg[f"previous_cat_{cat}"])
        reg[f"delta_{cat}"] = (reg[f"score_{cat}"] - earlier).round(1)
    reg["rating"] = reg["rating"].astype(object).where(reg["rating"].notna(), None)
    return reg


def _with_open_work(
    reg: pd.DataFrame,
    rels: QuerySet[SupplierRelationship],
    buyer: Organization,
    today: datetime.date,
) -> pd.DataFrame:
    """Open findings by severity, open / overdue actions and the next due date."""
    open_finding = open_action() | Q(
        action__isnull=True, audit_id__in=latest_audit_ids(buyer, rels)
    )
    finding_counts = _frame(
        buyer_findings(buyer, rels)
        .filter(open_finding)
        .values("audit__supplier_id")
        .order_by()
        .annotate(**{sev: Count("pk", filter=Q(severity=sev)) for sev in SEVERITIES})
        .values_list("audit__supplier_id", *SEVERITIES),
        ["supplier_id", *(f"open_findings_{sev}" for sev in SEVERITIES)],
    )
    figures = ["open_actions", "overdue_actions", "overdue_critical", "next_due_date"]
    action_counts = _frame(
        buyer_actions(buyer, rels).figures_by_supplier(today).values_list("supplier_id", *figures),
        ["supplier_id", *figures],
    )
    reg = reg.merge(finding_counts, on="supplier_id", how="left").merge(
        action_counts, on="supplier_id", how="left"
    )
    for key in [*(f"open_findings_{sev}" for sev in SEVERITIES), "open_actions", "overdue_actions"]:
        reg[key] = reg[key].fillna(0).astype("int64")
    # The count for the summary (without reading the actions), the flag for the sheet.
    reg["overdue_critical_actions"] = reg["overdue_critical"].fillna(0).astype("int64")
    reg["overdue_critical"] = reg["overdue_critical_actions"] > 0
    reg["next_due_date"] = pd.to_datetime(reg["next_due_date"], errors="coerce")
    return reg


# ---------------------------------------------------------------------------------------------
# The Method sheet
# ---------------------------------------------------------------------------------------------


def register_method(reg: pd.DataFrame) -> dict[str, Any]:
    """The method mapping of the rule sets that produced the latest scores."""
    ruleset_ids = {int(x) for x in reg["ruleset_id"].dropna().unique()}
    rulesets = list(RuleSet.objects.filter(pk__in=ruleset_ids).order_by("code", "version"))
    return method_for(rulesets)
