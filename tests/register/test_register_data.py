"""What the register says about each supplier (JSON through the API, the same tables as the
files)."""

from __future__ import annotations

import datetime

import pytest

from actions.models import CorrectiveAction
from audits.models import Audit
from register.selectors import method_for, register_data
from scoring.models import Finding, Score
from tests.factories import link_supplier, make_ruleset, make_supplier

from .conftest import CHINESE, HYPERLINK, PLUS
from .helpers import accepted_audit

URL = "/api/v1/risk-register/"


def rows_by_name(body):
    return {row["supplier_name"]: row for row in body["register"]}


def test_register_row_of_a_supplier_with_two_audits(reg, api):
    w = reg.world
    response = api(w.a_officer).get(URL)
    assert response.status_code == 200
    row = rows_by_name(response.json())[w.s1.name]
    assert row["buyer_ref"] == "A-001"
    assert row["legal_id"] == w.s1.legal_id
    assert row["country"] == "CN"
    assert row["industry"] == "13"
    assert row["size_class"] == "small"
    assert row["criticality"] == "high"
    assert row["category"] == "apparel"
    assert row["inherent_risk"] == "high"
    assert row["last_audit_accepted_at"] == "2025-01-15"
    assert row["questionnaire"] == "mini-csr@1"
    assert row["ruleset"] == "mini-csr-rules@1"
    assert row["overall_score"] == 72.5
    assert row["score_management"] == 80.0
    assert row["score_employee"] == 65.0
    assert row["score_environment"] == 75.0
    assert row["score_market"] is None
    assert row["rating"] == "medium"
    assert row["priority"] == "P2"  # medium (1) + inherent high (2)
    assert row["score_delta"] == 17.5
    assert (
        row["open_findings_critical"],
        row["open_findings_major"],
        row["open_findings_minor"],
        row["open_findings_observation"],
    ) == (1, 1, 1, 1)
    assert row["open_actions"] == 3
    assert row["overdue_actions"] == 2
    assert row["overdue_critical"] is True
    assert row["next_due_date"] == (reg.today - datetime.timedelta(days=100)).isoformat()


def test_unassessed_and_clean_suppliers(reg, api):
    rows = rows_by_name(api(reg.world.a_admin).get(URL).json())
    s2 = rows[reg.world.s2.name]
    assert (s2["rating"], s2["inherent_risk"], s2["priority"]) == ("low", "medium", "P4")
    assert s2["score_delta"] is None
    assert s2["open_actions"] == 0 and s2["overdue_critical"] is False
    assert s2["next_due_date"] is None
    unassessed = rows[HYPERLINK]
    assert unassessed["rating"] == "not_rated"
    assert unassessed["last_audit_accepted_at"] is None
    assert unassessed["priority"] == "P1"  # not assessed (2) + inherent high (2)
    assert rows[CHINESE]["priority"] == "P2"  # not assessed (2) + inherent medium (1)


def test_register_holds_only_the_callers_buyers_suppliers_and_audits(reg, api):
    body_a = api(reg.world.a_admin).get(URL).json()
    assert {r["supplier_name"] for r in body_a["register"]} == {
        reg.world.s1.name,
        reg.world.s2.name,
        HYPERLINK,
        PLUS,
        CHINESE,
    }
    assert "F_B_ONLY" not in {f["rule_code"] for f in body_a["findings"]}

    body_b = api(reg.world.b_officer).get(URL).json()
    assert [r["supplier_name"] for r in body_b["register"]] == [reg.world.s1.name]
    s1 = body_b["register"][0]
    assert (s1["buyer_ref"], s1["rating"], s1["priority"]) == ("B-777", "critical", "P1")
    assert s1["score_delta"] is None  # A's audit is not B's previous audit
    assert [f["rule_code"] for f in body_b["findings"]] == ["F_B_ONLY"]


def test_findings_and_actions_sheets_list_latest_audit_and_still_open(reg, api):
    body = api(reg.world.a_admin).get(URL).json()
    findings = [(f["rule_code"], f["action_status"]) for f in body["findings"]]
    assert sorted(findings) == sorted(
        [
            ("F_AGE_CHECK", "open"),
            ("F_HOURS", "plan_submitted"),
            ("F_NO_POLICY", "verified"),
            ("F_NO_TRACKING", None),
            ("F_OLD_OPEN", "open"),
        ]
    )
    age = next(f for f in body["findings"] if f["rule_code"] == "F_AGE_CHECK")
    assert age["title"] == "Ages not checked"
    assert age["accepted_at"] == "2025-01-15"
    actions = {a["finding_code"]: a for a in body["actions"]}
    assert set(actions) == {"F_AGE_CHECK", "F_HOURS", "F_NO_POLICY", "F_OLD_OPEN"}
    assert actions["F_AGE_CHECK"]["overdue"] is True
    assert actions["F_AGE_CHECK"]["days_overdue"] == 5
    assert actions["F_HOURS"]["overdue"] is False
    assert actions["F_NO_POLICY"]["overdue"] is False  # verified, even though past due
    assert actions["F_AGE_CHECK"]["owner"] == "Li Wei"
    assert body["summary"]["overdue_critical_actions"] == 1


def test_finding_titles_follow_the_language(reg, api):
    body = api(reg.world.a_admin).get(URL, {"lang": "zh-Hans"}).json()
    age = next(f for f in body["findings"] if f["rule_code"] == "F_AGE_CHECK")
    assert age["title"] == "中文 Ages not checked"


def test_method_lists_the_rule_set_in_use(reg, api):
    method = api(reg.world.a_admin).get(URL).json()["method"]
    assert method["ruleset"] == "mini-csr-rules@1"
    assert method["categories"] == {"management": 20, "employee": 50, "environment": 30}
    assert method["rating_bands"][0] == {"min": 80, "rating": "low"}
    assert method["severity_floor"] == {"critical": "high", "major": "medium"}
    assert method["sla_days"] == {"critical": 30, "major": 90, "minor": 180}


@pytest.mark.django_db
def test_method_of_several_rule_sets_prefixes_what_differs():
    first = make_ruleset()
    doc = dict(first.document, version=2, categories={"management": 50, "employee": 50})
    second = make_ruleset(doc)
    method = method_for([first, second])
    assert method["ruleset"] == "mini-csr-rules@1, mini-csr-rules@2"
    assert method["categories"]["mini-csr-rules@2: employee"] == 50
    assert method["sla_days"] == {"critical": 30, "major": 90, "minor": 180}


def test_rescored_audit_uses_its_newest_final_score(reg):
    Score.objects.create(
        audit=reg.s1_latest,
        ruleset=reg.s1_latest.ruleset,
        overall="74.0",
        categories={},
        rating="medium",
        final=True,
    )
    data = register_data(buyer=reg.world.buyer_a)
    row = data.register.set_index("supplier_name").loc[reg.world.s1.name]
    assert row["overall_score"] == 74.0
    assert row["score_delta"] == 19.0  # against the previous *audit*, not the older score


def _grow(buyer, version, ruleset, n: int, today) -> None:
    for i in range(n):
        supplier = make_supplier(name=f"Grown {i}")
        link_supplier(buyer, supplier, buyer_ref=f"G-{i}")
        accepted_audit(
            buyer=buyer,
            supplier=supplier,
            version=version,
            ruleset=ruleset,
            accepted_on=datetime.date(2025, 1, 1),
            overall="50.0",
            rating="high",
            findings=[("F_X", "major", "employee", "open", today, "X")],
        )


def test_query_count_does_not_grow_with_the_register(reg, django_assert_max_num_queries):
    buyer = reg.world.buyer_a
    audit = reg.s1_latest
    with django_assert_max_num_queries(14):
        small = register_data(buyer=buyer)
    _grow(buyer, audit.questionnaire_version, audit.ruleset, 25, reg.today)
    with django_assert_max_num_queries(14):
        large = register_data(buyer=buyer)
    assert len(large.register) == len(small.register) + 25
    assert Finding.objects.filter(audit__buyer=buyer).count() > 30
    assert CorrectiveAction.objects.filter(buyer=buyer).count() > 25


def test_api_query_count_is_flat(reg, api, django_assert_max_num_queries):
    client = api(reg.world.a_admin)
    audit = reg.s1_latest
    with django_assert_max_num_queries(20) as small:
        assert client.get(URL, {"format": "xlsx"}).status_code == 200
    _grow(reg.world.buyer_a, audit.questionnaire_version, audit.ruleset, 25, reg.today)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(URL, {"format": "xlsx"}).status_code == 200


def test_cancelled_or_unaccepted_audits_do_not_count(reg):
    Audit.objects.filter(pk=reg.s1_latest.pk).update(status=Audit.Status.SUBMITTED)
    data = register_data(buyer=reg.world.buyer_a)
    row = data.register.set_index("supplier_name").loc[reg.world.s1.name]
    assert row["overall_score"] == 55.0
    assert row["rating"] == "high"
