"""Risk register reads (DESIGN section 7): the three DataFrames and the method mapping that
``register.tables.build_tables`` turns into the export, for one buyer.

The number of queries is fixed, whatever the size of the supply network: one values() query
per table or aggregate, correlated subqueries for "latest" and "previous", and pandas merges.
Nothing here loops over suppliers with a query.

Definitions used by the register (also in docs/risk-register.md):

* a supplier of the buyer = an *active* ``SupplierRelationship``;
* the latest accepted audit = the buyer's accepted audit of that supplier with a final score,
  newest ``accepted_at`` first (ties: higher id); its newest final score gives overall,
  category scores, rating and questionnaire;
* change since the previous audit = overall of the latest minus overall of the accepted audit
  before it (null when either is unscored or there is none);
* an open finding = a finding whose corrective action is neither verified nor cancelled, or an
  observation (no action) of the latest accepted audit;
* an overdue action = open and due before today (the buyer's local date); ``overdue_critical``
  flags a supplier with at least one overdue critical action;
* the Findings and Corrective actions sheets list the latest accepted audit's findings and
  actions, plus any older one still open.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, TextField, Value
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce, NullIf
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Organization
from accounts.permissions import has_org_perm, organizations_with_perm
from actions.models import CorrectiveAction
from audits.models import Audit
from rulesets.models import RuleSet
from scoring.models import Finding, Score
from scoring.selectors import inherent_risk_map, relationship_final_scores, risk_priority
from suppliers.models import SupplierRelationship

from .columns import CATEGORIES, PRIORITIES, RATINGS, SEVERITIES
from .tables import FILTER_KEYS

EXPORT_PERM = "accounts.export_register"
ONLY_BUYER_STAFF = gettext_lazy(
    "Only buyer administrators and procurement officers export the register."
)
CRITICALITIES = tuple(SupplierRelationship.Criticality.values)
CLOSED_ACTION_STATES = tuple(str(s) for s in CorrectiveAction.CLOSED_STATES)

_SEVERITY_ORDER = {sev: i for i, sev in enumerate(SEVERITIES)}


# ---------------------------------------------------------------------------------------------
# Who may export which buyer's register
# ---------------------------------------------------------------------------------------------


def register_buyer_for(*, user, buyer_id: int | str | None = None) -> Organization:
    """The buyer whose register ``user`` may export.

    With ``buyer_id``: that organization if the user is a member (else 404) and holds
    ``accounts.export_register`` on it (else 403). Without: the user's only buyer organization
    with that permission; none -> 403; several -> 400 asking for ``buyer``."""
    if buyer_id not in (None, ""):
        try:
            pk = int(buyer_id)
        except (TypeError, ValueError):
            raise ValidationError({"buyer": [_("A buyer organization id is a number.")]}) from None
        org = Organization.objects.visible_to(user).filter(pk=pk).first()
        if org is None:
            raise Http404(_("No such organization."))
        if not org.is_buyer or not has_org_perm(user, EXPORT_PERM, org):
            raise PermissionDenied(str(ONLY_BUYER_STAFF))
        return org
    buyers = list(
        organizations_with_perm(user, EXPORT_PERM).filter(kind=Organization.Kind.BUYER)[:2]
    )
    if not buyers:
        raise PermissionDenied(str(ONLY_BUYER_STAFF))
    if len(buyers) > 1:
        raise ValidationError(
            {"buyer": [_("You export for several buyers: choose one with ?buyer=<id>.")]}
        )
    return buyers[0]


# ---------------------------------------------------------------------------------------------
# Filters
# ---------------------------------------------------------------------------------------------


def register_filters_clean(raw: Mapping[str, Any]) -> dict[str, list[str]]:
    """Validate register filters (``rating``, ``priority``, ``country``, ``category``,
    ``criticality``; each a value or a list of values) into ``{key: [values]}``.

    Raises ``ValidationError`` with one message per bad field; unknown keys are errors too, so
    a misspelt filter never silently exports everything."""
    errors: dict[str, list[str]] = {}
    clean: dict[str, list[str]] = {}
    allowed = {
        "rating": RATINGS,
        "priority": PRIORITIES,
        "criticality": CRITICALITIES,
    }
    for key, value in raw.items():
        if key not in FILTER_KEYS:
            errors[key] = [_("Unknown filter. Use one of: %s.") % ", ".join(FILTER_KEYS)]
            continue
        if value is not None and not isinstance(value, str | list | tuple):
            errors[key] = [_("Give a value or a list of values.")]
            continue
        values = [value] if isinstance(value, str) else list(value or [])
        if any(not isinstance(v, str) for v in values):
            errors[key] = [_("Each value must be text.")]
            continue
        values = [v.strip() for v in values if isinstance(v, str) and v.strip()]
        if key == "country":
            values = [v.upper() for v in values]
            bad = [v for v in values if len(v) != 2 or not v.isalpha()]
            if bad:
                errors[key] = [_("Not an ISO 3166 two-letter country code: %s.") % ", ".join(bad)]
                continue
        elif key in allowed:
            bad = [v for v in values if v not in allowed[key]]
            if bad:
                errors[key] = [
                    _("Unknown value(s) %(bad)s. Use one of: %(ok)s.")
                    % {"bad": ", ".join(bad), "ok": ", ".join(allowed[key])}
                ]
                continue
        if values:
            clean[key] = values
    if errors:
        raise ValidationError(errors)
    return clean


def register_relationships(
    *, buyer: Organization, filters: Mapping[str, list[str]] | None = None
) -> QuerySet[SupplierRelationship]:
    """The buyer's active supplier relationships, narrowed by the filters the database can
    apply (country, category, criticality); rating and priority are computed, so they are
    applied by ``build_tables``."""
    filters = filters or {}
    rels = SupplierRelationship.objects.filter(buyer=buyer, active=True)
    if filters.get("country"):
        rels = rels.filter(supplier__country__in=filters["country"])
    if filters.get("category"):
        rels = rels.filter(category__in=filters["category"])
    if filters.get("criticality"):
        rels = rels.filter(criticality__in=filters["criticality"])
    return rels


# ---------------------------------------------------------------------------------------------
# The three frames
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegisterData:
    """The input of ``build_tables`` for one buyer."""

    register: pd.DataFrame
    findings: pd.DataFrame
    actions: pd.DataFrame
    method: dict[str, Any]


def register_data(
    *,
    buyer: Organization,
    filters: Mapping[str, list[str]] | None = None,
    language: str = "en",
    today: datetime.date | None = None,
) -> RegisterData:
    """Build the register, findings and actions frames and the method mapping for ``buyer``.

    ``filters`` (already cleaned) narrow the suppliers in the database where possible;
    ``language`` picks the finding titles; ``today`` (default: the local date) decides what is
    overdue. Runs a fixed number of queries (about ten) for any number of suppliers."""
    today = today or timezone.localdate()
    tz = timezone.get_default_timezone()
    rels = register_relationships(buyer=buyer, filters=filters)

    final_scores = relationship_final_scores()
    rels = rels.annotate(
        latest_score_id=Subquery(final_scores.values("pk")[:1]),
        latest_audit_id=Subquery(final_scores.values("audit_id")[:1]),
    ).annotate(
        previous_overall=Subquery(
            final_scores.exclude(audit_id=OuterRef("latest_audit_id")).values("overall")[:1]
        )
    )

    # 1. One row per supplier.
    reg = _frame(
        rels.values_list(
            "supplier_id",
            "buyer_ref",
            "supplier__name",
            "supplier__legal_id",
            "supplier__country",
            "supplier__industry",
            "supplier__size_class",
            "criticality",
            "category",
            "latest_score_id",
            "latest_audit_id",
            "previous_overall",
        ),
        [
            "supplier_id",
            "buyer_ref",
            "supplier_name",
            "legal_id",
            "country",
            "industry",
            "size_class",
            "criticality",
            "category",
            "latest_score_id",
            "latest_audit_id",
            "previous_overall",
        ],
    )

    # 2. The latest final score of each supplier.
    latest_ids = rels.values("latest_score_id")
    scores = _frame(
        Score.objects.filter(pk__in=latest_ids).values_list(
            "pk",
            "overall",
            "categories",
            "rating",
            "ruleset_id",
            "audit__accepted_at",
            "audit__questionnaire_version__questionnaire__code",
            "audit__questionnaire_version__number",
        ),
        [
            "latest_score_id",
            "overall",
            "categories",
            "rating",
            "ruleset_id",
            "accepted_at",
            "q_code",
            "q_number",
        ],
    )
    reg = reg.merge(scores, on="latest_score_id", how="left")
    reg["last_audit_accepted_at"] = _local(reg["accepted_at"], tz, date_only=True)
    reg["questionnaire"] = [
        f"{code}@{int(number)}" if isinstance(code, str) else None
        for code, number in zip(reg["q_code"], reg["q_number"], strict=True)
    ]
    reg["overall_score"] = _floats(reg["overall"])
    categories = [c if isinstance(c, dict) else {} for c in reg["categories"]]
    for cat in CATEGORIES:
        reg[f"score_{cat}"] = _floats(pd.Series([c.get(cat) for c in categories], dtype=object))
    reg["score_delta"] = (reg["overall_score"] - _floats(reg["previous_overall"])).round(1)
    reg["rating"] = reg["rating"].astype(object).where(reg["rating"].notna(), None)

    # 3. Inherent risk and priority, each computed once per distinct combination.
    reg["inherent_risk"] = _inherent(reg)
    combos = {
        (r, i): risk_priority(r, i)
        for r, i in set(zip(reg["rating"], reg["inherent_risk"], strict=True))
    }
    reg["priority"] = [
        combos[(r, i)] for r, i in zip(reg["rating"], reg["inherent_risk"], strict=True)
    ]

    # 4. Open findings by severity, open / overdue actions, next due date.
    latest_audits = rels.filter(latest_audit_id__isnull=False).values("latest_audit_id")
    suppliers = rels.values("supplier_id")
    open_action = Q(action__isnull=False) & ~Q(action__status__in=CLOSED_ACTION_STATES)
    open_finding = open_action | Q(action__isnull=True, audit_id__in=latest_audits)
    buyer_findings = Finding.objects.filter(
        audit__buyer_id=buyer.pk,
        audit__status=Audit.Status.ACCEPTED,
        audit__supplier_id__in=suppliers,
    )
    finding_counts = _frame(
        buyer_findings.filter(open_finding)
        .values("audit__supplier_id")
        .order_by()
        .annotate(**{sev: Count("pk", filter=Q(severity=sev)) for sev in SEVERITIES})
        .values_list("audit__supplier_id", *SEVERITIES),
        ["supplier_id", *(f"open_findings_{sev}" for sev in SEVERITIES)],
    )
    buyer_actions = CorrectiveAction.objects.filter(buyer_id=buyer.pk, supplier_id__in=suppliers)
    action_counts = _frame(
        buyer_actions.figures_by_supplier(today).values_list(
            "supplier_id", "open_actions", "overdue_actions", "overdue_critical", "next_due_date"
        ),
        ["supplier_id", "open_actions", "overdue_actions", "overdue_critical", "next_due_date"],
    )
    reg = reg.merge(finding_counts, on="supplier_id", how="left").merge(
        action_counts, on="supplier_id", how="left"
    )
    for key in [*(f"open_findings_{sev}" for sev in SEVERITIES), "open_actions", "overdue_actions"]:
        reg[key] = reg[key].fillna(0).astype("int64")
    reg["overdue_critical"] = reg["overdue_critical"].fillna(0).astype("int64") > 0
    reg["next_due_date"] = pd.to_datetime(reg["next_due_date"], errors="coerce")

    names = dict(zip(reg["supplier_id"], reg["supplier_name"], strict=True))

    # 5. The Findings sheet.
    listed_finding = Q(audit_id__in=latest_audits) | open_action
    fnd = _frame(
        buyer_findings.filter(listed_finding)
        .annotate(title_text=_title_in(language))
        .values_list(
            "audit__supplier_id",
            "audit_id",
            "audit__accepted_at",
            "rule_code",
            "severity",
            "category",
            "title_text",
            "action__status",
            "action__due_date",
        ),
        [
            "supplier_id",
            "audit_id",
            "accepted_at",
            "rule_code",
            "severity",
            "category",
            "title",
            "action_status",
            "due_date",
        ],
    )
    fnd["supplier_name"] = fnd["supplier_id"].map(names)
    fnd["accepted_at"] = _local(fnd["accepted_at"], tz, date_only=True)
    fnd["due_date"] = pd.to_datetime(fnd["due_date"], errors="coerce")
    fnd = _sorted(fnd, ["supplier_name", "audit_id", "severity", "rule_code"])

    # 6. The Corrective actions sheet.
    act = _frame(
        buyer_actions.filter(
            Q(audit_id__in=latest_audits) | ~Q(status__in=CLOSED_ACTION_STATES)
        ).values_list(
            "supplier_id",
            "audit_id",
            "finding__rule_code",
            "severity",
            "status",
            "due_date",
            "responsible_person",
            "owner__full_name",
            "owner__email",
            "updated_at",
        ),
        [
            "supplier_id",
            "audit_id",
            "finding_code",
            "severity",
            "status",
            "due_date",
            "responsible_person",
            "owner_name",
            "owner_email",
            "updated_at",
        ],
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
    act["updated_at"] = _local(act["updated_at"], tz, date_only=False)
    act = _sorted(act, ["supplier_name", "audit_id", "severity", "finding_code"])

    # 7. The method: the rule sets that produced the latest scores.
    ruleset_ids = {int(x) for x in reg["ruleset_id"].dropna().unique()}
    rulesets = list(RuleSet.objects.filter(pk__in=ruleset_ids).order_by("code", "version"))
    return RegisterData(register=reg, findings=fnd, actions=act, method=method_for(rulesets))


def method_for(rulesets: Iterable[RuleSet]) -> dict[str, Any]:
    """The ``method`` mapping of the Method sheet from the rule sets in use.

    One rule set: its categories, rating bands, severity floors and SLA days. Several: every
    section they agree on once, the others per rule set with items prefixed ``code@version:``.
    No rule set (nothing assessed yet): only the priority formula."""
    docs = [(f"{rs.code}@{rs.version}", rs.document or {}) for rs in rulesets]
    if not docs:
        return {}

    def sections(doc: Mapping[str, Any]) -> dict[str, Any]:
        rating = doc.get("rating") or {}
        return {
            "categories": dict(doc.get("categories") or {}),
            "rating_bands": list(rating.get("bands") or []),
            "severity_floor": dict(rating.get("severity_floor") or {}),
            "sla_days": dict(doc.get("sla_days") or {}),
        }

    method: dict[str, Any] = {"ruleset": ", ".join(label for label, _doc in docs)}
    parts = [(label, sections(doc)) for label, doc in docs]
    for key in ("categories", "rating_bands", "severity_floor", "sla_days"):
        values = [p[key] for _label, p in parts]
        if all(v == values[0] for v in values):
            method[key] = values[0]
        elif key == "rating_bands":
            method[key] = [
                {**band, "rating": f"{label}: {band.get('rating', '')}"}
                for label, p in parts
                for band in p[key]
            ]
        else:
            method[key] = {f"{label}: {k}": v for label, p in parts for k, v in p[key].items()}
    return method


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------


def _title_in(language: str) -> Coalesce:
    """The finding title in ``language``, else English, else Chinese, extracted by the
    database (decoding 40,000 JSON titles in Python costs more than the rest of the query)."""
    order = [language, *(lang for lang in ("en", "zh-Hans") if lang != language)]
    text = TextField()
    return Coalesce(
        *(NullIf(KT(f"title__{lang}"), Value(""), output_field=text) for lang in order),
        output_field=text,
    )


def _frame(rows: Iterable[tuple], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame.from_records(list(rows), columns=columns)


def _floats(series: pd.Series) -> pd.Series:
    """Decimal / numeric strings / None -> float64 with NaN."""
    return pd.to_numeric(
        pd.Series([None if v is None else float(v) for v in series], dtype=object),
        errors="coerce",
    ).astype("float64")


def _local(series: pd.Series, tz, *, date_only: bool) -> pd.Series:
    """Aware datetimes (or None) -> naive wall-clock times in ``tz`` (dates when asked)."""
    parsed = pd.to_datetime(series, utc=True, errors="coerce")
    local = parsed.dt.tz_convert(tz).dt.tz_localize(None)
    return local.dt.normalize() if date_only else local


def _sorted(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    if frame.empty:
        return frame
    order = frame.assign(
        _sev=frame["severity"].map(_SEVERITY_ORDER), _name=frame["supplier_name"].fillna("")
    )
    keys = ["_name" if k == "supplier_name" else "_sev" if k == "severity" else k for k in keys]
    return order.sort_values(keys, kind="stable").drop(columns=["_sev", "_name"])


def _inherent(reg: pd.DataFrame) -> list[str | None]:
    """Inherent risk per row through ``scoring.selectors.inherent_risk_map`` (two queries),
    asked once per distinct (country, industry) pair rather than once per supplier."""
    pairs = sorted(set(zip(reg["country"].astype(str), reg["industry"].astype(str), strict=True)))
    if not pairs:
        return []
    probes = [Organization(pk=i + 1, country=c, industry=ind) for i, (c, ind) in enumerate(pairs)]
    levels = inherent_risk_map(probes)
    by_pair = {pair: levels[i + 1] for i, pair in enumerate(pairs)}
    return [
        by_pair[(c, ind)]
        for c, ind in zip(reg["country"].astype(str), reg["industry"].astype(str), strict=True)
    ]


def direct_limit() -> int:
    """Largest register (suppliers) served as CSV / XLSX straight from ``GET``."""
    return int(getattr(settings, "FAIRLINK_REGISTER_DIRECT_LIMIT", 2000))
