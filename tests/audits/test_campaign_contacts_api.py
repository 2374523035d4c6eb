"""The campaign API names who answers: 202 with the contacts, 400 with a message per bad
item or field, 400 for another buyer's supplier (as for any supplier outside the network), 403
for roles that do not issue audits."""

from __future__ import annotations

import pytest

from accounts.models import Invitation
from audits.models import Audit, Campaign, PendingRespondent
from tests.factories import make_member, make_supplier

from .conftest import in_days

NEW = "li.na@ningbo-parts.example"


def _audit(campaign, supplier) -> Audit:
    return Audit.objects.get(campaign=campaign, supplier=supplier)


def _post(api, user, version, world, **extra):
    body = {
        "name": "API wave",
        "questionnaire_version": version.pk,
        "due_date": in_days(30),
        "supplier_ids": [world.s1.pk, world.s2.pk],
        **extra,
    }
    return api(user).post("/api/v1/campaigns/", body)


def test_the_api_names_contacts_and_shows_them(
    world, api, version, django_capture_on_commit_callbacks
):
    contacts = [
        {"supplier": world.s1.pk, "email": world.s1_respondent.email},
        {"supplier": world.s2.pk, "email": NEW, "full_name": "Li Na"},
    ]
    with django_capture_on_commit_callbacks(execute=True):
        r = _post(api, world.a_officer, version, world, contacts=contacts)
    assert r.status_code == 202, r.content
    assert r.json()["contacts"] == {
        str(world.s1.pk): {"email": world.s1_respondent.email, "full_name": ""},
        str(world.s2.pk): {"email": NEW, "full_name": "Li Na"},
    }
    campaign = Campaign.objects.get(pk=r.json()["id"])
    assert list(_audit(campaign, world.s1).respondents.all()) == [world.s1_respondent]
    assert PendingRespondent.objects.get().audit == _audit(campaign, world.s2)
    detail = api(world.s2_admin).get(f"/api/v1/audits/{_audit(campaign, world.s2).pk}/").json()
    assert detail["pending_respondents"] == [NEW] and detail["respondents"] == []


def test_the_api_refuses_bad_contacts_with_a_message_each(world, api, version):
    stranger = make_supplier(name="Not ours")
    r = _post(
        api,
        world.a_officer,
        version,
        world,
        contacts=[
            {"supplier": world.s1.pk, "email": "nope"},
            {"supplier": stranger.pk, "email": NEW},
            {"supplier": world.s2.pk, "email": NEW},
            {"supplier": world.s2.pk, "email": "b@example.com"},
        ],
    )
    assert r.status_code == 400
    messages = r.json()["errors"]["contacts"]
    assert [m.split(":")[0] for m in messages] == ["Contact 1", "Contact 2", "Contact 4"]
    missing = _post(api, world.a_officer, version, world, contacts=[{"supplier": world.s1.pk}])
    assert missing.json()["errors"] == {"contacts.0.email": ["This field is required."]}
    unknown = _post(
        api, world.a_officer, version, world, contacts=[{"supplier": 1, "email": NEW, "x": 1}]
    )
    assert unknown.status_code == 400
    by_filter = _post(
        api,
        world.a_officer,
        version,
        world,
        supplier_ids=[],
        filters={"criticality": "high"},
        contacts=[{"supplier": world.s1.pk, "email": NEW}],
    )
    assert by_filter.status_code == 400 and "contacts" in by_filter.json()["errors"]
    assert not Campaign.objects.exists() and not Invitation.objects.exists()


def test_another_buyers_supplier_named_is_a_400(world, api, version):
    r = _post(
        api,
        world.b_officer,
        version,
        world,
        supplier_ids=[world.s2.pk],
        contacts=[{"supplier": world.s2.pk, "email": NEW}],
    )
    assert r.status_code == 400 and str(world.s2.pk) in r.json()["errors"]["supplier_ids"][0]
    assert not Campaign.objects.exists()


@pytest.mark.parametrize("who", ["viewer", "reviewer"])
def test_roles_that_do_not_issue_cannot_name_contacts(world, api, version, who):
    user = make_member(world.buyer_a, "viewer") if who == "viewer" else world.a_reviewer
    contacts = [{"supplier": world.s2.pk, "email": NEW}]
    assert _post(api, user, version, world, contacts=contacts).status_code == 403
    assert not Campaign.objects.exists() and not Invitation.objects.exists()


def test_a_supplier_respondent_cannot_start_a_campaign(world, api, version):
    contacts = [{"supplier": world.s1.pk, "email": NEW}]
    r = _post(api, world.s1_respondent, version, world, contacts=contacts)
    assert r.status_code == 403
    assert not Campaign.objects.exists()
