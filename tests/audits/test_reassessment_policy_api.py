"""``GET/PUT /api/v1/reassessment-policy/``: the caller's buyer's re-assessment policy."""

from __future__ import annotations

import pytest

from accounts.models import Membership
from audits.models import ReassessmentPolicy
from tests.factories import load_doc, make_member, make_ruleset, make_version

pytestmark = pytest.mark.django_db
URL = "/api/v1/reassessment-policy/"

DEFAULTS = {
    "months_p1": 12,
    "months_p2": 18,
    "months_p3": 24,
    "months_p4": 36,
    "lead_days": 30,
    "mode": "draft",
    "questionnaire_version": None,
    "ruleset": None,
}


def test_defaults_until_saved(world, api):
    response = api(world.a_officer).get(URL)

    assert response.status_code == 200
    body = response.json()
    assert {k: body[k] for k in DEFAULTS} == DEFAULTS
    assert body["buyer"] == world.buyer_a.pk
    assert (body["saved"], body["updated_at"]) == (False, None)
    assert not ReassessmentPolicy.objects.exists()


def test_admin_changes_officer_and_viewer_read(world, api):
    version = make_version()
    ruleset = make_ruleset()
    body = {
        "months_p1": 6,
        "lead_days": 14,
        "mode": "send",
        "questionnaire_version": version.pk,
        "ruleset": ruleset.pk,
    }

    response = api(world.a_admin).put(URL, body, format="json")

    assert response.status_code == 200, response.json()
    policy = ReassessmentPolicy.objects.get(buyer=world.buyer_a)
    assert (policy.months_p1, policy.months_p2, policy.lead_days, policy.mode) == (
        6,
        18,
        14,
        "send",
    )
    viewer = make_member(world.buyer_a, Membership.Role.VIEWER)
    for reader in (world.a_officer, viewer):
        got = api(reader).get(URL).json()
        assert got["saved"] is True
        assert (got["months_p1"], got["mode"], got["ruleset"]) == (6, "send", ruleset.pk)

    # A second PUT replaces the policy: what it leaves out takes the default again.
    response = api(world.a_admin).put(URL, {"months_p4": 48}, format="json")
    assert response.status_code == 200
    policy = ReassessmentPolicy.objects.get(buyer=world.buyer_a)
    assert (policy.months_p1, policy.months_p4, policy.mode, policy.ruleset) == (
        12,
        48,
        "draft",
        None,
    )
    assert ReassessmentPolicy.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"months_p1": 0}, {"months_p1"}),
        ({"months_p2": "soon", "mode": "weekly"}, {"months_p2", "mode"}),
        ({"lead_days": -1}, {"lead_days"}),
        ({"months_p1": 1, "lead_days": 30}, {"lead_days"}),
        ({"frequency": 3}, {"frequency"}),
        ({"questionnaire_version": 987654}, {"questionnaire_version"}),
    ],
)
def test_bad_input_is_400_per_field_and_changes_nothing(world, api, body, fields):
    ReassessmentPolicy.objects.create(buyer=world.buyer_a, months_p1=9)

    response = api(world.a_admin).put(URL, body, format="json")

    assert response.status_code == 400
    assert set(response.json()["errors"]) == fields, response.json()
    assert ReassessmentPolicy.objects.get(buyer=world.buyer_a).months_p1 == 9


def test_templates_must_be_the_buyers_and_published(world, api):
    foreign = make_version(owner=world.buyer_b)
    draft = make_version(status="draft")
    doc = load_doc("mini-rules.yaml")
    doc["code"] = "b-rules"
    foreign_rules = make_ruleset(doc, owner=world.buyer_b)
    client = api(world.a_admin)

    for body, field in [
        ({"questionnaire_version": foreign.pk}, "questionnaire_version"),
        ({"questionnaire_version": draft.pk}, "questionnaire_version"),
        ({"ruleset": foreign_rules.pk}, "ruleset"),
    ]:
        response = client.put(URL, body, format="json")
        assert response.status_code == 400, response.json()
        assert set(response.json()["errors"]) == {field}
    assert not ReassessmentPolicy.objects.exists()


def test_officer_and_reviewer_cannot_change(world, api):
    for user in (world.a_officer, world.a_reviewer):
        response = api(user).put(URL, {"mode": "send"}, format="json")
        assert response.status_code == 403
    assert api(world.a_reviewer).get(URL).status_code == 403
    assert not ReassessmentPolicy.objects.exists()


def test_suppliers_and_other_buyers(world, api):
    assert api(world.s1_admin).get(URL).status_code == 403
    assert api(world.s1_admin).put(URL, {"mode": "send"}, format="json").status_code == 403
    # Another buyer, by id: not found, for reading and for changing.
    client = api(world.a_admin)
    assert client.get(URL, {"buyer": world.buyer_b.pk}).status_code == 404
    response = client.put(f"{URL}?buyer={world.buyer_b.pk}", {"mode": "send"}, format="json")
    assert response.status_code == 404
    assert client.get(URL, {"buyer": "x"}).status_code == 400
    assert client.get(URL, {"buyers": 1}).status_code == 400
    assert not ReassessmentPolicy.objects.exists()


def test_anonymous_is_401(api):
    assert api().get(URL).status_code == 401
