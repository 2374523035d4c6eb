"""The register's explanations and what is pending: score band and rating reason, unknown
inherent risk and the priority note, the audit in progress, the next assessment and expiry.
Values are worked out by hand from the ``reg`` fixture (tests/register/conftest.py)."""

from __future__ import annotations

import csv
import datetime
import io

from audits.models import Audit, ReassessmentPolicy
from register.selectors import register_data
from scoring import risk
from scoring.models import Score
from tests.factories import link_supplier, make_supplier

from .conftest import CHINESE, HYPERLINK
from .helpers import accepted_audit

URL = "/api/v1/risk-register/"
CAPPED_TRACE = {"rating": {"band": "medium", "floor": "high", "final": "high"}}


def _rows(response) -> dict[str, dict]:
    assert response.status_code == 200, response.content
    return {row["supplier_name"]: row for row in response.json()["register"]}


def _capped_supplier(reg):
    """A supplier whose 68.0 (medium band) was capped at high by two critical findings."""
    audit = reg.s1_latest
    supplier = make_supplier(name="Capped Co")
    link_supplier(reg.world.buyer_a, supplier, buyer_ref="A-006")
    capped = accepted_audit(
        buyer=reg.world.buyer_a,
        supplier=supplier,
        version=audit.questionnaire_version,
        ruleset=audit.ruleset,
        accepted_on=datetime.date(2025, 2, 3),
        overall="68.0",
        rating="high",
        findings=[
            ("F_A", "critical", "employee", None, None, "A"),
            ("F_B", "critical", "employee", None, None, "B"),
            ("F_C", "major", "management", None, None, "C"),
        ],
    )
    Score.objects.filter(audit=capped).update(trace=CAPPED_TRACE)
    return supplier


def test_rating_reason_names_the_band_or_the_findings_that_capped_it(reg, api):
    _capped_supplier(reg)

    rows = _rows(api(reg.world.a_officer).get(URL))

    capped = rows["Capped Co"]
    assert (capped["rating"], capped["rating_band"]) == ("high", "medium")
    assert capped["rating_reason"] == "Capped at High risk: 2 critical findings."
    s2 = rows[reg.world.s2.name]
    assert (s2["rating_band"], s2["rating_reason"]) == ("low", "Score band: Low risk")
    unassessed = rows[CHINESE]
    assert (unassessed["rating_band"], unassessed["rating_reason"]) == (None, None)


def test_rating_reason_follows_the_language(reg, api):
    _capped_supplier(reg)

    rows = _rows(api(reg.world.a_officer).get(URL, {"lang": "zh-Hans"}))

    assert rows["Capped Co"]["rating_reason"] == "因 2 项严重发现项，评级上限为高风险。"
    assert rows[reg.world.s2.name]["rating_reason"] == "得分区间：低风险"


def test_inherent_level_is_unknown_unless_the_tables_settle_it():
    assert risk.inherent_level("low", "medium") == "medium"
    assert risk.inherent_level("high", None) == "high"  # nothing is higher
    assert risk.inherent_level(None, "low") == risk.UNKNOWN
    assert risk.inherent_level("medium", None) == risk.UNKNOWN
    assert risk.inherent_level(None, None) == risk.UNKNOWN


def test_unknown_inherent_risk_is_shown_and_the_priority_says_so(reg, api):
    # VN is not in the country table (the fixture removes it); industry 25 is low.
    placeless = make_supplier(name="Placeless", country="VN", industry="25")
    link_supplier(reg.world.buyer_a, placeless, buyer_ref="A-007")
    client = api(reg.world.a_officer)

    rows = _rows(client.get(URL))
    csv_text = client.get(URL, {"format": "csv"}).content.decode("utf-8-sig")

    row = rows["Placeless"]
    # not assessed (2) + unknown counted as medium (1) = 3 -> P2
    assert (row["inherent_risk"], row["priority"]) == ("unknown", "P2")
    assert row["priority_note"] == "inherent_unknown"
    assert rows[HYPERLINK]["inherent_risk"] == "high"  # VN unknown, but industry 13 is high
    assert rows[HYPERLINK]["priority_note"] is None
    record = next(r for r in csv.DictReader(io.StringIO(csv_text)) if r["Supplier"] == "Placeless")
    assert record["Inherent risk"] == "Unknown"
    assert record["Priority note"] == "Inherent risk unknown: counted as medium"


def test_codes_stay_in_json_and_code_columns_sit_beside_the_words(reg, api):
    client = api(reg.world.a_officer)

    row = _rows(client.get(URL))[reg.world.s1.name]
    csv_text = client.get(URL, {"format": "csv", "lang": "zh-Hans"}).content.decode("utf-8-sig")

    assert (row["country"], row["country_code"]) == ("CN", "CN")
    assert (row["industry"], row["industry_code"]) == ("13", "13")
    record = next(
        r for r in csv.DictReader(io.StringIO(csv_text)) if r["供应商"] == reg.world.s1.name
    )
    assert (record["国家/地区"], record["国家/地区代码"]) == ("中国", "CN")
    assert record["行业代码"] == "13" and record["行业"] != "13"


def test_next_assessment_is_the_last_acceptance_plus_the_interval_of_the_priority(reg):
    buyer = reg.world.buyer_a

    # s1: accepted 2025-01-15, P2 -> 18 months; s2: accepted 2025-02-01, P4 -> 36 months.
    on_the_day = register_data(buyer=buyer, today=datetime.date(2026, 7, 15)).register
    day_after = register_data(buyer=buyer, today=datetime.date(2026, 7, 16)).register

    s1 = on_the_day.set_index("supplier_name").loc[reg.world.s1.name]
    assert s1["next_assessment_due"].date() == datetime.date(2026, 7, 15)
    assert not s1["expired"]
    assert day_after.set_index("supplier_name").loc[reg.world.s1.name]["expired"]
    s2 = on_the_day.set_index("supplier_name").loc[reg.world.s2.name]
    assert s2["next_assessment_due"].date() == datetime.date(2028, 2, 1)
    unassessed = on_the_day.set_index("supplier_name").loc[CHINESE]
    assert str(unassessed["next_assessment_due"]) == "NaT" and not unassessed["expired"]


def test_the_buyers_policy_sets_the_interval_and_json_says_expired(reg, api, settings):
    ReassessmentPolicy.objects.create(buyer=reg.world.buyer_a, months_p4=6)

    rows = _rows(api(reg.world.a_officer).get(URL))

    s2 = rows[reg.world.s2.name]  # P4, accepted 2025-02-01 + 6 months
    assert s2["next_assessment_due"] == "2025-08-01"
    assert s2["expired"] is (datetime.date(2025, 8, 1) < reg.today)
    assert rows[CHINESE]["expired"] is False


def _open_audit(reg, supplier, status, due: datetime.date) -> Audit:
    audit = reg.s1_latest
    return Audit.objects.create(
        buyer=reg.world.buyer_a,
        supplier=supplier,
        questionnaire_version=audit.questionnaire_version,
        ruleset=audit.ruleset,
        status=status,
        due_date=due,
    )


def test_audit_in_progress_with_its_due_date_and_days_overdue(reg, api):
    today, days = reg.today, datetime.timedelta
    _open_audit(reg, reg.world.s2, Audit.Status.IN_PROGRESS, today - days(10))
    _open_audit(reg, reg.world.s2, Audit.Status.SENT, today + days(40))  # due later
    _open_audit(reg, reg.s5, Audit.Status.SUBMITTED, today - days(3))  # with the reviewers
    _open_audit(reg, reg.s4, Audit.Status.DRAFT, today - days(3))  # not sent yet
    _open_audit(reg, reg.s3, Audit.Status.RETURNED, today + days(2))

    rows = _rows(api(reg.world.a_officer).get(URL))

    s2 = rows[reg.world.s2.name]
    assert (s2["audit_status"], s2["audit_due_date"]) == (
        "in_progress",
        (today - days(10)).isoformat(),
    )
    assert s2["audit_days_overdue"] == 10
    assert (rows[CHINESE]["audit_status"], rows[CHINESE]["audit_days_overdue"]) == ("submitted", 0)
    assert (rows[HYPERLINK]["audit_status"], rows[HYPERLINK]["audit_days_overdue"]) == (
        "returned",
        0,
    )
    s4 = rows[reg.s4.name]
    assert (s4["audit_status"], s4["audit_due_date"], s4["audit_days_overdue"]) == (None,) * 3
