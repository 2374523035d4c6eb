"""The register's three DataFrames and its method mapping, for one buyer (definitions in the
package docstring)."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import pandas as pd
from django.db.models import Count, Q, QuerySet, TextField, Value
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone

from accounts.models import Organization
from actions.models import CorrectiveAction, CorrectiveActionQuerySet
from audits.models import Audit
from rulesets.models import RuleSet
from scoring.models import Finding
from suppliers.models import SupplierRelationship

from ..columns import CATEGORIES, SEVERITIES
from .explain import add_priority, add_rating_reasons
from .history import register_history
from .latest import latest_audit_ids, ranked_scores
from .method import method_for
from .pending import add_pending
from .reading import as_text, category_columns
from .reading import floats as _floats
from .reading import local as _local
from .reading import read_frame as _frame
from .scope import register_relationships

CLOSED_ACTION_STATES = tuple(str(s) for s in CorrectiveAction.CLOSED_STATES)

_SEVERITY_ORDER = {sev: i for i, sev in enumerate(SEVERITIES)}


@dataclass(frozen=True)
class RegisterData:
    """The input of ``build_tables`` for one buyer."""

    register: pd.DataFrame
    findings: pd.DataFrame
    actions: pd.DataFrame
    method: dict[str, Any]
    history: pd.DataFrame = field(default_factory=pd.DataFrame)
    # Read later, one at a time (``details="later"``): per detail table, what reads its frame.
    loaders: Mapping[str, Callable[[], pd.DataFrame]] = field(default_factory=dict)


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
    loaders: dict[str, Callable[[], pd.DataFrame]] = {}
    if details:
        names = dict(zip(reg["supplier_id"], reg["supplier_name"], strict=True))
        loaders = {
            "findings": partial(
                register_findings, rels=rels, buyer=buyer, names=names, language=language
            ),
            "actions": partial(register_actions, rels=rels, buyer=buyer, names=names, today=today),
            "history": partial(register_history, rels=rels, buyer=buyer, names=names),
        }
        if details != "later":
            frames, loaders = {key: load() for key, load in loaders.items()}, {}
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
    open_finding = _open_action() | Q(
        action__isnull=True, audit_id__in=latest_audit_ids(buyer, rels)
    )
    finding_counts = _frame(
        _buyer_findings(buyer, rels)
        .filter(open_finding)
        .values("audit__supplier_id")
        .order_by()
        .annotate(**{sev: Count("pk", filter=Q(severity=sev)) for sev in SEVERITIES})
        .values_list("audit__supplier_id", *SEVERITIES),
        ["supplier_id", *(f"open_findings_{sev}" for sev in SEVERITIES)],
    )
    figures = ["open_actions", "overdue_actions", "overdue_critical", "next_due_date"]
    action_counts = _frame(
        _buyer_actions(buyer, rels).figures_by_supplier(today).values_list("supplier_id", *figures),
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
# The Findings and Corrective actions sheets; the Method sheet
# ---------------------------------------------------------------------------------------------

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
    listed_finding = Q(audit_id__in=latest_audit_ids(buyer, rels)) | _open_action()
    fnd = _frame(
        _buyer_findings(buyer, rels)
        .filter(listed_finding)
        .annotate(title_text=_title_in(language), accepted_text=as_text("audit__accepted_at"))
        .values_list(*_FINDING_COLUMNS),
        list(_FINDING_COLUMNS.values()),
    )
    fnd["supplier_name"] = fnd["supplier_id"].map(names)
    fnd["accepted_at"] = _local(fnd["accepted_at"], timezone.get_default_timezone(), date_only=True)
    fnd["due_date"] = pd.to_datetime(fnd["due_date"], errors="coerce")
    return _sorted(fnd, ["supplier_name", "audit_id", "severity", "rule_code"])


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
    act = _frame(
        _buyer_actions(buyer, rels)
        .filter(Q(audit_id__in=latest_audit_ids(buyer, rels)) | ~Q(status__in=CLOSED_ACTION_STATES))
        .annotate(updated_text=as_text("updated_at"))
        .values_list(*_ACTION_COLUMNS),
        list(_ACTION_COLUMNS.values()),
    )
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
    act["updated_at"] = _local(act["updated_at"], timezone.get_default_timezone(), date_only=False)
    return _sorted(act, ["supplier_name", "audit_id", "severity", "finding_code"])


def register_method(reg: pd.DataFrame) -> dict[str, Any]:
    """The method mapping of the rule sets that produced the latest scores."""
    ruleset_ids = {int(x) for x in reg["ruleset_id"].dropna().unique()}
    rulesets = list(RuleSet.objects.filter(pk__in=ruleset_ids).order_by("code", "version"))
    return method_for(rulesets)


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------


def _open_action() -> Q:
    """A finding whose corrective action is neither verified nor cancelled."""
    return Q(action__isnull=False) & ~Q(action__status__in=CLOSED_ACTION_STATES)


def _buyer_findings(buyer: Organization, rels: QuerySet[SupplierRelationship]) -> QuerySet:
    """The findings of the buyer's accepted audits of the suppliers in ``rels``."""
    return Finding.objects.filter(
        audit__buyer_id=buyer.pk,
        audit__status=Audit.Status.ACCEPTED,
        audit__supplier_id__in=rels.values("supplier_id"),
    )


def _buyer_actions(
    buyer: Organization, rels: QuerySet[SupplierRelationship]
) -> CorrectiveActionQuerySet:
    """The buyer's corrective actions of the suppliers in ``rels``."""
    return CorrectiveAction.objects.filter(
        buyer_id=buyer.pk, supplier_id__in=rels.values("supplier_id")
    )


def _title_in(language: str) -> Coalesce:
    """The finding title in ``language``, else English, else Chinese, extracted by the
    database (decoding 40,000 JSON titles in Python costs more than the rest of the query)."""
    order = [language, *(lang for lang in ("en", "zh-Hans") if lang != language)]
    text = TextField()
    return Coalesce(
        *(NullIf(KT(f"title__{lang}"), Value(""), output_field=text) for lang in order),
        output_field=text,
    )


def _sorted(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    if frame.empty:
        return frame
    order = frame.assign(
        _sev=frame["severity"].map(_SEVERITY_ORDER), _name=frame["supplier_name"].fillna("")
    )
    keys = ["_name" if k == "supplier_name" else "_sev" if k == "severity" else k for k in keys]
    return order.sort_values(keys, kind="stable").drop(columns=["_sev", "_name"])
