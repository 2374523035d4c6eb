"""Who may read the register, filters, the direct-download limit."""

from __future__ import annotations

import pytest

from accounts.services import membership_add
from tests.factories import make_buyer, make_member

from .conftest import CHINESE, HYPERLINK, PLUS

URL = "/api/v1/risk-register/"


def names(response):
    assert response.status_code == 200, response.content
    return {r["supplier_name"] for r in response.json()["register"]}


@pytest.mark.parametrize("who", ["a_reviewer", "s1_admin", "s1_respondent", "s2_admin"])
def test_reviewers_and_supplier_users_get_403(reg, api, who):
    response = api(getattr(reg.world, who)).get(URL)
    assert response.status_code == 403
    assert response.json()["detail"] == (
        "Only buyer administrators and procurement officers export the register."
    )


def test_anonymous_gets_401(reg, api):
    assert api(None).get(URL).status_code == 401


def test_another_buyers_id_is_404(reg, api):
    response = api(reg.world.a_admin).get(URL, {"buyer": reg.world.buyer_b.pk})
    assert response.status_code == 404


def test_reviewer_naming_own_buyer_is_403(reg, api):
    response = api(reg.world.a_reviewer).get(URL, {"buyer": reg.world.buyer_a.pk})
    assert response.status_code == 403


def test_user_of_two_buyers_chooses_with_buyer_param(reg, api):
    user = reg.world.a_admin
    membership_add(organization=reg.world.buyer_b, email=user.email, role="officer", invite=False)
    client = api(user)
    response = client.get(URL)
    assert response.status_code == 400
    assert "buyer" in response.json()["errors"]
    assert names(client.get(URL, {"buyer": reg.world.buyer_b.pk})) == {reg.world.s1.name}


def test_user_of_two_buyers_officer_in_one_reviewer_in_other(reg, api):
    other = make_buyer(name="Other Buyer")
    user = reg.world.a_officer
    membership_add(organization=other, email=user.email, role="reviewer", invite=False)
    assert len(names(api(user).get(URL))) == 5


def test_filters(reg, api):
    client = api(reg.world.a_officer)
    w = reg.world
    assert names(client.get(URL, {"rating": ["low", "medium"]})) == {w.s1.name, w.s2.name}
    assert names(client.get(URL, {"rating": "not_rated"})) == {HYPERLINK, PLUS, CHINESE}
    assert names(client.get(URL, {"priority": "P1"})) == {HYPERLINK, PLUS}
    assert names(client.get(URL, {"priority": "P2,P4"})) == {w.s1.name, w.s2.name, CHINESE}
    assert names(client.get(URL, {"country": "vn"})) == {HYPERLINK}
    assert names(client.get(URL, {"category": "apparel"})) == {w.s1.name, HYPERLINK}
    assert names(client.get(URL, {"criticality": "low"})) == {w.s2.name, CHINESE}
    assert names(client.get(URL, {"criticality": "high", "priority": "P2"})) == {w.s1.name}


def test_filters_narrow_findings_and_actions_too(reg, api):
    body = api(reg.world.a_officer).get(URL, {"criticality": "low"}).json()
    assert body["findings"] == [] and body["actions"] == []
    assert body["filters"] == {"criticality": ["low"]}


def test_bad_filters_and_format_are_400_with_field_messages(reg, api):
    client = api(reg.world.a_officer)
    response = client.get(URL, {"rating": "awful", "country": "CHN", "priority": "P9"})
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"rating", "country", "priority"}
    assert "awful" in errors["rating"][0]
    response = client.get(URL, {"format": "pdf"})
    assert response.status_code == 400
    assert "format" in response.json()["errors"]


def test_large_register_files_are_refused_in_favour_of_export_jobs(reg, api, settings):
    settings.FAIRLINK_REGISTER_DIRECT_LIMIT = 4
    client = api(reg.world.a_admin)
    for fmt in ("csv", "xlsx"):
        response = client.get(URL, {"format": fmt})
        assert response.status_code == 400
        assert response.json()["code"] == "use_export_job"
        assert "/api/v1/exports/" in response.json()["detail"]
    assert len(names(client.get(URL, {"format": "json"}))) == 5
    # Filtered below the limit, the file is served directly.
    assert client.get(URL, {"format": "csv", "criticality": "high"}).status_code == 200


def test_new_buyer_without_suppliers_gets_an_empty_register(db, api):
    buyer = make_buyer(name="Empty Buyer")
    admin = make_member(buyer, "admin")
    body = api(admin).get(URL).json()
    assert body["register"] == [] and body["summary"]["suppliers"] == 0
    response = api(admin).get(URL, {"format": "xlsx"})
    assert response.status_code == 200
