"""The Method sheet's mapping from the rule sets in use."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from rulesets.models import RuleSet


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
