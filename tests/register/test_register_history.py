"""History and comparison: the previous score and rating, the change per category, the History
sheet (one row per accepted audit and category) and the heat map of inherent risk x rating.
Values worked out by hand from the ``reg`` fixture plus one supplier with two audits."""

from __future__ import annotations

import datetime
import io

import openpyxl

from tests.factories import link_supplier, make_supplier

from .helpers import accepted_audit

URL = "/api/v1/risk-register/"


def _trend_supplier(reg):
    """Trend Co (CN / industry 13: inherent high): 60.0 in March 2024, 66.5 in January 2025."""
    audit = reg.s1_latest
    supplier = make_supplier(name="Trend Co")
    link_supplier(reg.world.buyer_a, supplier, buyer_ref="A-008")
    audits = []
    for day, overall, categories in (
        (datetime.date(2024, 3, 1), "60.0", {"management": "70.0", "employee": "50.0"}),
        (
            datetime.date(2025, 1, 10),
            "66.5",
            {"management": "75.0", "employee": "58.0", "environment": "80.0"},
        ),
    ):
        audits.append(
            accepted_audit(
                buyer=reg.world.buyer_a,
                supplier=supplier,
                version=audit.questionnaire_version,
                ruleset=audit.ruleset,
                accepted_on=day,
                overall=overall,
                rating="medium",
                categories=categories,
            )
        )
    return audits


def test_previous_score_rating_and_change_per_category(reg, api):
    _trend_supplier(reg)

    body = api(reg.world.a_officer).get(URL).json()

    row = next(r for r in body["register"] if r["supplier_name"] == "Trend Co")
    assert (row["previous_overall_score"], row["previous_rating"]) == (60.0, "medium")
    assert row["score_delta"] == 6.5
    assert (row["delta_management"], row["delta_employee"]) == (5.0, 8.0)
    assert row["delta_environment"] is None  # no environment score before
    s1 = next(r for r in body["register"] if r["supplier_name"] == reg.world.s1.name)
    assert (s1["previous_overall_score"], s1["previous_rating"]) == (55.0, "high")
    s2 = next(r for r in body["register"] if r["supplier_name"] == reg.world.s2.name)
    assert (s2["previous_overall_score"], s2["previous_rating"]) == (None, None)


def test_history_has_one_row_per_accepted_audit_and_category(reg, api):
    older, newer = _trend_supplier(reg)

    body = api(reg.world.a_officer).get(URL).json()

    rows = [
        (h["audit_id"], h["accepted_at"], h["category"], h["category_score"], h["category_delta"])
        for h in body["history"]
        if h["supplier_name"] == "Trend Co"
    ]
    assert rows == [
        (newer.pk, "2025-01-10", "management", 75.0, 5.0),
        (newer.pk, "2025-01-10", "employee", 58.0, 8.0),
        (newer.pk, "2025-01-10", "environment", 80.0, None),
        (older.pk, "2024-03-01", "management", 70.0, None),
        (older.pk, "2024-03-01", "employee", 50.0, None),
    ]
    first = next(h for h in body["history"] if h["supplier_name"] == "Trend Co")
    assert (first["overall_score"], first["rating"], first["ruleset"]) == (
        66.5,
        "medium",
        "mini-csr-rules@1",
    )
    # Buyer B's audit of the shared supplier s1 is not in buyer A's history.
    assert {h["audit_id"] for h in body["history"]} >= {reg.s1_latest.pk}
    assert all(h["supplier_name"] != reg.s3.name for h in body["history"])


def test_heat_map_counts_suppliers_by_inherent_risk_and_rating(reg, api):
    _trend_supplier(reg)
    client = api(reg.world.a_officer)

    heat = client.get(URL).json()["summary"]["heat_map"]
    response = client.get(URL, {"format": "xlsx", "lang": "zh-Hans"})

    # high: s1 and Trend Co medium, s3 and s4 not rated; medium: s2 low, s5 not rated.
    assert {k: v for k, v in heat["high"].items() if v} == {"medium": 2, "not_rated": 2}
    assert {k: v for k, v in heat["medium"].items() if v} == {"low": 1, "not_rated": 1}
    assert sum(heat["low"].values()) == sum(heat["unknown"].values()) == 0
    ws = openpyxl.load_workbook(io.BytesIO(response.content))["风险热力图"]
    rows = {r[0]: r[1:] for r in ws.iter_rows(min_row=4, values_only=True)}
    assert rows["高风险"] == (0, 2, 0, 0, 2, 4)  # low, medium, high, critical, not rated, total
    assert rows["合计"][-1] == 6
