"""The register's rows on its page: the same rows as the files (``register_build``), sorted,
a page at a time, with the heat map of inherent risk x rating, in the reader's language."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pandas as pd
from django.core.paginator import Paginator
from django.urls import reverse

from accounts.models import Organization
from portal.http import PortalRequest
from register.columns import INHERENT_LEVELS, RATINGS
from register.labels import register_labels
from register.services import register_build
from register.tables import column_values
from scoring.risk import INHERENT_RANK, RATING_RANK

PAGE_SIZE = 50

# Sort key (query string) -> the column it sorts by; a rank for the levels, so that "rating"
# puts critical before low rather than in alphabetical order.
SORTS: dict[str, str] = {
    "supplier": "supplier_name",
    "inherent": "inherent_rank",
    "rating": "rating_rank",
    "overall": "overall_score",
    "priority": "priority",
    "next_assessment": "next_assessment_due",
    "overdue": "overdue_actions",
}
DEFAULT_SORT = "priority"


def register_page(
    request: PortalRequest, *, buyer: Organization, filters: dict[str, list[str]], language: str
) -> dict[str, Any]:
    """Context of the page's table: ``rows`` (the current page), ``page``, ``sort``,
    ``sort_links`` and the ``heat_map`` rows. A fixed number of queries for any size."""
    tables = register_build(buyer=buyer, filters=filters, language=language, details=False)
    reg = tables.register
    sort = request.GET.get("sort", DEFAULT_SORT)
    descending = sort.startswith("-")
    key = sort.lstrip("-") if sort.lstrip("-") in SORTS else DEFAULT_SORT
    ordered = reg.assign(
        rating_rank=reg["rating"].map(RATING_RANK),
        inherent_rank=reg["inherent_risk"].map(INHERENT_RANK),
    ).sort_values(
        [SORTS[key], "supplier_name"],
        ascending=[not descending, True],
        na_position="last",
        kind="stable",
    )
    page = Paginator(range(len(ordered)), PAGE_SIZE).get_page(request.GET.get("page"))
    kept = [(k, v) for k, vs in request.GET.lists() if k not in ("page", "sort") for v in vs]
    words = register_labels(language)
    rows = _rows(ordered.iloc[list(page.object_list)], words)
    return {
        "rows": rows,
        "page": page,
        "sort": f"-{key}" if descending else key,
        "sort_links": {
            name: urlencode(
                [*kept, ("sort", f"-{name}" if name == key and not descending else name)]
            )
            for name in SORTS
        },
        "heat_map": _heat_map(tables.summary["heat_map"], words),
        "rating_words": [words["rating"][r] for r in RATINGS],
    }


def _rows(frame: pd.DataFrame, words) -> list[dict[str, Any]]:
    """The page's rows as plain values, coded ones with their words."""
    columns = {key: column_values(frame[key]) for key in frame.columns}
    rows = []
    for i in range(len(frame)):
        row = {key: values[i] for key, values in columns.items()}
        rel = row.get("relationship_id")
        due = row["next_assessment_due"]
        rows.append(
            {
                **row,
                "url": reverse("portal:buyer_supplier", args=[int(rel)]) if rel else "",
                "country_text": words["country"].get(row["country"], row["country"]),
                "inherent_text": words["inherent"].get(row["inherent_risk"], ""),
                "rating_text": words["rating"].get(row["rating"], ""),
                "note_text": words["priority_note"].get(row["priority_note"], ""),
                "audit_text": words["audit_status"].get(row["audit_status"], ""),
                "next_assessment": "" if due is None or pd.isna(due) else due.strftime("%Y-%m-%d"),
            }
        )
    return rows


def _heat_map(heat: dict[str, dict[str, int]], words) -> list[dict[str, Any]]:
    """One row per inherent risk level: its word, the counts per rating and the total."""
    return [
        {
            "level": level,
            "label": words["inherent"][level],
            "counts": [heat[level][r] for r in RATINGS],
            "total": sum(heat[level].values()),
        }
        for level in INHERENT_LEVELS
    ]
