"""GET /api/v1/audits/{id}/score/ and POST .../score/release/: who sees which score when."""

import pytest

from audits.models import Audit
from scoring.services import score_audit

from .conftest import BAD, make_audit

pytestmark = pytest.mark.django_db

NOT_RELEASED = "The score has not been released yet."


def url(audit):
    return f"/api/v1/audits/{audit.pk}/score/"


@pytest.fixture
def submitted(world, version, ruleset):
    audit = make_audit(world, version, ruleset, answers=BAD, reviewers=[world.a_reviewer])
    score_audit(audit=audit, final=False)
    return audit


@pytest.fixture
def accepted(world, version, ruleset):
    audit = make_audit(world, version, ruleset, answers=BAD, status=Audit.Status.ACCEPTED)
    score_audit(audit=audit, final=False)
    score_audit(audit=audit, final=True)
    return audit


def test_buyer_officer_sees_preliminary_score(world, api, submitted):
    response = api(world.a_officer).get(url(submitted))

    assert response.status_code == 200
    body = response.json()
    assert body["final"] is False
    assert body["overall"] == "0.0"
    assert body["rating"] == "critical"
    assert body["ruleset"] == "mini-csr-rules@1"
    assert {c["code"]: c["score"] for c in body["categories"]} == {
        "management": "0.0",
        "employee": "0.0",
        "environment": "0.0",
    }
    assert {c["code"]: c["weight"] for c in body["categories"]}["employee"] == "50"
    assert "F_AGE_CHECK" in {f["code"] for f in body["findings"]}
    assert body["trace"]["rating"]["final"] == "critical"


def test_assigned_reviewer_sees_preliminary_score(world, api, submitted):
    response = api(world.a_reviewer).get(url(submitted))

    assert response.status_code == 200
    assert response.json()["final"] is False


def test_unassigned_reviewer_does_not_see_the_audit(world, api, version, ruleset):
    audit = make_audit(world, version, ruleset)
    score_audit(audit=audit, final=False)

    assert api(world.a_reviewer).get(url(audit)).status_code == 404


def test_supplier_before_release_gets_403_saying_not_released(world, api, submitted):
    response = api(world.s1_admin).get(url(submitted))

    assert response.status_code == 403
    assert response.json()["detail"] == NOT_RELEASED


def test_another_buyer_gets_404_even_for_a_shared_supplier(world, api, submitted):
    assert api(world.b_admin).get(url(submitted)).status_code == 404
    assert api(world.s2_admin).get(url(submitted)).status_code == 404


def test_supplier_sees_released_final_score_in_its_language(world, api, accepted):
    response = api(world.s1_admin).get(url(accepted) + "?lang=zh-Hans")

    assert response.status_code == 200
    body = response.json()
    assert body["final"] is True
    assert body["released"] is True
    assert body["language"] == "zh-Hans"
    titles = {f["code"]: f["title"] for f in body["findings"]}
    assert titles["F_AGE_CHECK"] == "未核查员工年龄"
    guidance = {f["code"]: f["guidance"] for f in body["findings"]}
    assert guidance["F_NO_POLICY"] == "制定一页政策并由负责人签署。"


def test_findings_in_english_by_default(world, api, accepted):
    body = api(world.a_officer).get(url(accepted)).json()

    titles = {f["code"]: f["title"] for f in body["findings"]}
    assert titles["F_AGE_CHECK"] == "Worker ages are not checked"
    categories = {c["code"]: c["name"] for c in body["categories"]}
    assert categories["employee"] == "Employees"


def test_withheld_score_is_403_for_supplier_until_released(world, api, version, ruleset):
    world.buyer_a.withhold_scores = True
    world.buyer_a.save(update_fields=["withhold_scores"])
    audit = make_audit(world, version, ruleset, status=Audit.Status.ACCEPTED)
    score_audit(audit=audit, final=True)
    assert api(world.s1_respondent).get(url(audit)).status_code in (403, 404)
    assert api(world.s1_admin).get(url(audit)).status_code == 403

    released = api(world.a_officer).post(url(audit) + "release/")

    assert released.status_code == 200
    assert released.json()["released"] is True
    assert api(world.s1_admin).get(url(audit)).status_code == 200


def test_release_by_supplier_is_403(world, api, version, ruleset):
    world.buyer_a.withhold_scores = True
    world.buyer_a.save(update_fields=["withhold_scores"])
    audit = make_audit(world, version, ruleset, status=Audit.Status.ACCEPTED)
    score_audit(audit=audit, final=True)

    assert api(world.s1_admin).post(url(audit) + "release/").status_code == 403


def test_release_of_already_released_score_is_409(world, api, accepted):
    response = api(world.a_officer).post(url(accepted) + "release/")

    assert response.status_code == 409


def test_release_by_another_buyer_is_404(world, api, accepted):
    assert api(world.b_admin).post(url(accepted) + "release/").status_code == 404


def test_unscored_audit_is_409(world, api, version, ruleset):
    audit = make_audit(world, version, ruleset, status=Audit.Status.IN_PROGRESS)

    response = api(world.a_officer).get(url(audit))

    assert response.status_code == 409


def test_anonymous_is_401(api, submitted):
    assert api().get(url(submitted)).status_code in (401, 403)
