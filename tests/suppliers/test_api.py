"""The supplier-network API: list, add by legal id, edit, deactivate."""

from __future__ import annotations

import pytest
from django.core import mail

from accounts.models import Membership, Organization
from suppliers.models import SupplierRelationship
from tests.factories import link_supplier, make_supplier

pytestmark = pytest.mark.django_db
URL = "/api/v1/suppliers/"


def _rel(buyer, supplier) -> SupplierRelationship:
    return SupplierRelationship.objects.get(buyer=buyer, supplier=supplier)


def test_buyer_lists_its_suppliers_with_profile_and_own_fields(world, api):
    body = api(world.a_officer).get(URL).json()
    assert body["count"] == 2
    first = next(r for r in body["results"] if r["supplier"]["id"] == world.s1.pk)
    assert first["buyer_ref"] == "A-001"
    assert first["criticality"] == "high"
    assert first["supplier"]["legal_id"] == world.s1.legal_id
    assert first["supplier"]["province"] == "Guangdong"


def test_member_of_buyer_a_gets_404_for_buyer_bs_relationship(world, api):
    rel_b = _rel(world.buyer_b, world.s1)
    client = api(world.a_admin)
    assert client.get(f"{URL}{rel_b.pk}/").status_code == 404
    assert client.patch(f"{URL}{rel_b.pk}/", {"criticality": "low"}).status_code == 404
    assert client.post(f"{URL}{rel_b.pk}/deactivate/").status_code == 404
    assert _rel(world.buyer_b, world.s1).criticality == "medium"


def test_suppliers_and_reviewers_see_no_supplier_network(world, api):
    for user in (world.s1_admin, world.a_reviewer):
        assert api(user).get(URL).json()["count"] == 0
    rel = _rel(world.buyer_a, world.s1)
    assert api(world.s1_admin).get(f"{URL}{rel.pk}/").status_code == 404


def test_filters(world, api):
    client = api(world.a_admin)
    assert client.get(URL, {"criticality": "high"}).json()["count"] == 1
    assert client.get(URL, {"size_class": "micro"}).json()["results"][0]["supplier"]["id"] == (
        world.s2.pk
    )
    assert client.get(URL, {"search": "A-002"}).json()["count"] == 1
    assert client.get(URL, {"search": "bright"}).json()["count"] == 1
    assert client.get(URL, {"country": "cn"}).json()["count"] == 2
    assert client.get(URL, {"category": "hardware"}).json()["count"] == 1
    assert client.get(URL, {"active": "false"}).json()["count"] == 0


def test_list_query_count_is_flat(world, api, django_assert_max_num_queries):
    client = api(world.a_admin)
    with django_assert_max_num_queries(8):
        assert client.get(URL).json()["count"] == 2
    for i in range(15):
        link_supplier(world.buyer_a, make_supplier(name=f"S{i}"), owner=world.a_officer)
    with django_assert_max_num_queries(8):
        assert client.get(URL).json()["count"] == 17


def test_adding_a_new_supplier_creates_it_and_invites_its_admin(
    world, api, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api(world.a_officer).post(
            URL,
            {
                "legal_id": " 91350100new00001 ",
                "name": "Xiamen Sea Foods",
                "country": "CN",
                "province": "Fujian",
                "industry": "10",
                "size_class": "small",
                "headcount": 80,
                "buyer_ref": "A-100",
                "criticality": "high",
                "admin_email": "boss@seafoods.example",
                "admin_name": "陈明",
                "admin_language": "zh-Hans",
            },
        )
    assert response.status_code == 201, response.json()
    supplier = Organization.objects.get(legal_id="91350100NEW00001")
    assert supplier.kind == "supplier"
    assert supplier.province == "Fujian"
    admin = Membership.objects.get(organization=supplier).user
    assert (admin.email, admin.preferred_language) == ("boss@seafoods.example", "zh-Hans")
    assert mail.outbox[0].to == ["boss@seafoods.example"]
    assert response.json()["supplier"]["id"] == supplier.pk
    assert response.json()["buyer_ref"] == "A-100"


def test_adding_an_existing_supplier_links_it_and_leaves_its_profile(world, api):
    response = api(world.b_admin).post(
        URL,
        {"legal_id": world.s2.legal_id.lower(), "name": "Other name", "criticality": "low"},
    )
    assert response.status_code == 201, response.json()
    assert Organization.objects.filter(legal_id=world.s2.legal_id).count() == 1
    world.s2.refresh_from_db()
    assert world.s2.name == "Ningbo Micro Parts"
    assert _rel(world.buyer_b, world.s2).criticality == "low"
    assert Membership.objects.filter(organization=world.s2).count() == 2


def test_adding_a_supplier_twice_is_400_on_legal_id(world, api):
    response = api(world.a_admin).post(URL, {"legal_id": world.s1.legal_id})
    assert response.status_code == 400
    assert "legal_id" in response.json()["errors"]


def test_adding_with_bad_fields_names_each_and_saves_nothing(world, api):
    before = Organization.objects.count()
    response = api(world.a_admin).post(
        URL,
        {
            "legal_id": "NEW-1",
            "name": "Bad",
            "country": "XX",
            "industry": "04",
            "size_class": "small",
            "admin_email": "a@b.example",
        },
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors["country"] == ["'XX' is not an ISO 3166 country code."]
    assert "industry" in errors
    response = api(world.a_admin).post(
        URL, {"legal_id": "NEW-1", "colour": "red", "headcount": "x"}
    )
    assert set(response.json()["errors"]) >= {"colour", "headcount"}
    response = api(world.a_admin).post(
        URL,
        {
            "legal_id": "NEW-1",
            "name": "N",
            "country": "CN",
            "industry": "13",
            "size_class": "small",
        },
    )
    assert response.json()["errors"] == {
        "admin_email": ["Required for a supplier that is not yet on Fairlink."]
    }
    assert Organization.objects.count() == before


def test_reviewer_and_supplier_cannot_add_suppliers(world, api):
    assert api(world.a_reviewer).post(URL, {"legal_id": "X1"}).status_code == 403
    assert api(world.s1_admin).post(URL, {"legal_id": "X1"}).status_code == 403


def test_buyer_edits_its_own_fields_not_the_supplier_profile(world, api):
    rel = _rel(world.buyer_a, world.s1)
    response = api(world.a_officer).patch(
        f"{URL}{rel.pk}/", {"criticality": "low", "owner": world.a_officer.pk}
    )
    assert response.status_code == 200, response.json()
    assert response.json()["owner"]["email"] == world.a_officer.email
    response = api(world.a_officer).patch(f"{URL}{rel.pk}/", {"name": "Renamed"})
    assert response.status_code == 400
    assert "name" in response.json()["errors"]
    world.s1.refresh_from_db()
    assert world.s1.name == "Shenzhen Bright Textiles"
    assert _rel(world.buyer_b, world.s1).criticality == "medium"


def test_owner_must_be_member_of_the_buyer(world, api):
    rel = _rel(world.buyer_a, world.s1)
    response = api(world.a_admin).patch(f"{URL}{rel.pk}/", {"owner": world.b_admin.pk})
    assert response.status_code == 400
    assert "owner" in response.json()["errors"]


def test_deactivate_then_again_is_409(world, api):
    rel = _rel(world.buyer_a, world.s2)
    client = api(world.a_admin)
    response = client.post(f"{URL}{rel.pk}/deactivate/")
    assert response.status_code == 200
    assert response.json()["active"] is False
    assert client.post(f"{URL}{rel.pk}/deactivate/").status_code == 409
    assert client.get(URL, {"active": "true"}).json()["count"] == 1


def test_reviewer_may_not_deactivate(world, api):
    # the reviewer does not even see the network: 404, never confirming it exists
    rel = _rel(world.buyer_a, world.s2)
    assert api(world.a_reviewer).post(f"{URL}{rel.pk}/deactivate/").status_code == 404
    assert _rel(world.buyer_a, world.s2).active


def test_user_in_several_buyers_must_say_which(world, api):
    from accounts.services import membership_add

    membership_add(
        organization=world.buyer_b, email=world.a_admin.email, role="officer", invite=False
    )
    response = api(world.a_admin).post(URL, {"legal_id": world.s2.legal_id})
    assert response.status_code == 400
    assert "buyer" in response.json()["errors"]
    response = api(world.a_admin).post(
        URL, {"legal_id": world.s2.legal_id, "buyer": world.buyer_b.pk}
    )
    assert response.status_code == 201
