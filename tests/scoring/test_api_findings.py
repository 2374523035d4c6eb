"""GET /api/v1/findings/: the buyer's side sees every finding, the supplier only released."""

import pytest

from audits.models import Audit
from audits.permissions import grant_respondent
from scoring.services import score_audit

from .conftest import BAD, make_audit

pytestmark = pytest.mark.django_db

URL = "/api/v1/findings/"


def accepted_audit(world, version, ruleset, **kwargs):
    audit = make_audit(world, version, ruleset, answers=BAD, status=Audit.Status.ACCEPTED, **kwargs)
    score_audit(audit=audit, final=True)
    return audit


def codes(response):
    return sorted(f["rule_code"] for f in response.json()["results"])


def test_buyer_lists_findings_of_its_audits(world, api, version, ruleset):
    audit = accepted_audit(world, version, ruleset)
    accepted_audit(world, version, ruleset, buyer=world.buyer_b)

    response = api(world.a_officer).get(URL)

    assert response.status_code == 200
    assert response.json()["count"] == 4
    first = response.json()["results"][0]
    assert first["audit"] == audit.pk
    assert first["supplier"] == {"id": world.s1.pk, "name": world.s1.name}


def test_filters_by_severity_category_supplier_and_audit(world, api, version, ruleset):
    audit = accepted_audit(world, version, ruleset)
    other = accepted_audit(world, version, ruleset, supplier=world.s2)
    client = api(world.a_admin)

    assert codes(client.get(URL, {"severity": "critical"})) == ["F_AGE_CHECK", "F_AGE_CHECK"]
    assert codes(client.get(URL + "?severity=critical&severity=major")) == [
        "F_AGE_CHECK",
        "F_AGE_CHECK",
        "F_HOURS",
        "F_HOURS",
    ]
    assert codes(client.get(URL, {"category": "management"})) == ["F_NO_POLICY", "F_NO_POLICY"]
    assert client.get(URL, {"supplier": world.s2.pk}).json()["count"] == 4
    assert {f["audit"] for f in client.get(URL, {"audit": other.pk}).json()["results"]} == {
        other.pk
    }
    assert client.get(URL, {"audit": audit.pk, "severity": "minor"}).json()["count"] == 1


def test_bad_filter_is_400(world, api):
    response = api(world.a_admin).get(URL, {"severity": "catastrophic"})

    assert response.status_code == 400
    assert "severity" in response.json()["errors"]


def test_supplier_sees_only_released_findings(world, api, version, ruleset):
    accepted_audit(world, version, ruleset)
    world.buyer_b.withhold_scores = True
    world.buyer_b.save(update_fields=["withhold_scores"])
    accepted_audit(world, version, ruleset, buyer=world.buyer_b)

    response = api(world.s1_admin).get(URL)

    assert response.json()["count"] == 4
    assert {f["audit"] for f in response.json()["results"]} == {
        a.pk for a in Audit.objects.filter(buyer=world.buyer_a)
    }


def test_findings_come_in_the_callers_language(world, api, version, ruleset):
    accepted_audit(world, version, ruleset)

    response = api(world.s1_admin).get(URL, {"severity": "critical", "lang": "zh-Hans"})

    assert response.json()["results"][0]["title"] == "未核查员工年龄"


def test_other_supplier_sees_nothing(world, api, version, ruleset):
    accepted_audit(world, version, ruleset)

    assert api(world.s2_admin).get(URL).json()["count"] == 0


def test_query_count_does_not_grow_with_findings(
    world, api, version, ruleset, django_assert_max_num_queries
):
    client = api(world.a_officer)
    accepted_audit(world, version, ruleset)
    with django_assert_max_num_queries(12) as small:
        assert client.get(URL).status_code == 200
    for _ in range(5):
        accepted_audit(world, version, ruleset, supplier=world.s2)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(URL).json()["count"] == 24


def test_assigned_reviewer_sees_withheld_findings_of_their_audit_only(world, api, version, ruleset):
    world.buyer_a.withhold_scores = True
    world.buyer_a.save(update_fields=["withhold_scores"])
    assigned = accepted_audit(world, version, ruleset, reviewers=[world.a_reviewer])
    accepted_audit(world, version, ruleset)

    response = api(world.a_reviewer).get(URL)

    assert response.json()["count"] == 4
    assert {f["audit"] for f in response.json()["results"]} == {assigned.pk}


def test_assigned_respondent_sees_findings_once_released(world, api, version, ruleset):
    world.buyer_a.withhold_scores = True
    world.buyer_a.save(update_fields=["withhold_scores"])
    audit = accepted_audit(world, version, ruleset)
    grant_respondent(audit, world.s1_respondent)
    client = api(world.s1_respondent)
    assert client.get(URL).json()["count"] == 0

    Audit.objects.filter(pk=audit.pk).update(score_released=True)

    assert client.get(URL).json()["count"] == 4
    assert api(world.s1_admin).get(URL).json()["count"] == 4


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_list_rows_are_what_the_finding_serializer_makes(world, api, version, ruleset, lang):
    """The list builds its rows directly (``FindingRowSerializer``) from fewer columns; each
    row must be exactly what ``FindingSerializer`` makes of the whole finding."""
    import json

    from rest_framework.renderers import JSONRenderer

    from actions.services import actions_open_for_audit
    from scoring.models import Finding
    from scoring.serializers import FindingSerializer

    audit = accepted_audit(world, version, ruleset)
    opened = actions_open_for_audit(audit=audit)

    rows = api(world.a_officer).get(URL, {"lang": lang}).json()["results"]

    assert len(rows) == 4 and opened
    for row in rows:
        finding = Finding.objects.select_related("supplier", "action").get(pk=row["id"])
        expected = FindingSerializer(finding, context={"lang": lang}).data
        assert row == json.loads(JSONRenderer().render(expected)), row["rule_code"]
    actions = [row["corrective_action"] for row in rows if row["corrective_action"]]
    assert len(actions) == len(opened)
