"""What the register says about why: the inherent risk (``unknown`` when the reference tables
cannot place a supplier) and the priority note, the score band and the rating reason."""

from __future__ import annotations

import pandas as pd
from django.db.models import Count, Q, QuerySet
from django.utils import translation

from accounts.models import Organization
from scoring.explain import rating_reason_text
from scoring.models import Finding
from scoring.risk import UNKNOWN, RatingReason, rating_reason
from scoring.selectors import inherent_risk_map, risk_priority
from suppliers.models import SupplierRelationship

from ..columns import PRIORITY_NOTE_INHERENT_UNKNOWN, SEVERITIES
from .latest import latest_audit_ids
from .reading import read_frame


def add_priority(reg: pd.DataFrame) -> None:
    """Inherent risk, priority and the priority note, each computed once per distinct
    combination. An unknown inherent risk counts as medium, and the note says so."""
    reg["inherent_risk"] = _inherent(reg)
    combos = {
        (r, i): risk_priority(r, i)
        for r, i in set(zip(reg["rating"], reg["inherent_risk"], strict=True))
    }
    reg["priority"] = [
        combos[(r, i)] for r, i in zip(reg["rating"], reg["inherent_risk"], strict=True)
    ]
    reg["priority_note"] = [
        PRIORITY_NOTE_INHERENT_UNKNOWN if i == UNKNOWN else None for i in reg["inherent_risk"]
    ]


def _inherent(reg: pd.DataFrame) -> list[str]:
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


def add_rating_reasons(
    reg: pd.DataFrame,
    *,
    buyer: Organization,
    rels: QuerySet[SupplierRelationship],
    language: str,
) -> pd.DataFrame:
    """``rating_band`` (the band of the overall score) and ``rating_reason`` (a sentence in
    ``language``: the band, or the findings that capped the rating), from the rating trace of
    the latest score (``band``, ``floor`` columns) and the findings of the latest audit by
    severity (one query). The sentence is made once per distinct reason."""
    counts = read_frame(
        Finding.objects.filter(audit_id__in=latest_audit_ids(buyer, rels))
        .values("audit__supplier_id")
        .order_by()
        .annotate(**{sev: Count("pk", filter=Q(severity=sev)) for sev in SEVERITIES})
        .values_list("audit__supplier_id", *SEVERITIES),
        ["supplier_id", *(f"findings_{sev}" for sev in SEVERITIES)],
    )
    reg = reg.merge(counts, on="supplier_id", how="left")
    severity_counts = zip(*(reg[f"findings_{sev}"].fillna(0) for sev in SEVERITIES), strict=True)
    reasons = [
        rating_reason(
            band=_text(band),
            final=_text(final),
            floor=_text(floor),
            counts=dict(zip(SEVERITIES, (int(n) for n in row), strict=True)),
        )
        for band, final, floor, row in zip(
            reg["band"], reg["rating"], reg["floor"], severity_counts, strict=True
        )
    ]
    reg["rating_band"] = [
        _band(reason, _text(band)) for reason, band in zip(reasons, reg["band"], strict=True)
    ]
    with translation.override(language):
        texts = {reason: rating_reason_text(reason) or None for reason in set(reasons)}
    reg["rating_reason"] = [texts[reason] for reason in reasons]
    return reg


def _band(reason: RatingReason, band: str | None) -> str | None:
    """The score band: from the trace, else the rating when the band stands."""
    if reason.kind == "not_rated":
        return None
    return band or (reason.rating if reason.kind == "band" else None)


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
