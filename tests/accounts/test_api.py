"""The accounts API: token, /me/, organizations and members."""

from __future__ import annotations

import pytest
from django.core import mail
from rest_framework.test import APIClient

from accounts.models import Membership, User
from accounts.services import membership_add
from tests.factories import PASSWORD, make_buyer, make_member

pytestmark = pytest.mark.django_db
Role = Membership.Role


def _membership(user, org) -> Membership:
    return Membership.objects.get(user=user, organization=org)


# -- token ---------------------------------------------------------------------------------


def test_token_for_right_credentials_authenticates_later_requests(world):
    client = APIClient()
    response = client.post(
        "/api/v1/auth/token/", {"email": world.a_admin.email.upper(), "password": PASSWORD}
    )
    assert response.status_code == 200
    token = response.json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = client.get("/api/v1/me/")
    assert me.status_code == 200
    assert me.json()["email"] == world.a_admin.email


def test_wrong_password_is_401_with_a_message(world):
    response = APIClient().post(
        "/api/v1/auth/token/", {"email": world.a_admin.email, "password": "nope"}
    )
    assert response.status_code == 401
    assert response.json()["detail"] == "Wrong email or password."
    assert response.json()["code"] == "authentication_failed"


def test_token_request_without_password_is_400_naming_the_field(world):
    response = APIClient().post("/api/v1/auth/token/", {"email": "x@example.com"})
    assert response.status_code == 400
    assert "password" in response.json()["errors"]


def test_eleventh_bad_login_is_throttled(world):
    client = APIClient()
    codes = [
        client.post(
            "/api/v1/auth/token/", {"email": world.a_admin.email, "password": f"bad{i}"}
        ).status_code
        for i in range(11)
    ]
    assert codes[:10] == [401] * 10
    assert codes[10] == 429


def test_anonymous_api_request_is_401(world):
    assert APIClient().get("/api/v1/me/").status_code == 401


# -- me ------------------------------------------------------------------------------------


def test_me_lists_memberships_with_organization_and_role(world, api):
    body = api(world.s1_admin).get("/api/v1/me/").json()
    assert body["preferred_language"] == "en"
    assert body["memberships"] == [
        {
            "id": _membership(world.s1_admin, world.s1).pk,
            "organization": {"id": world.s1.pk, "name": world.s1.name, "kind": "supplier"},
            "role": "admin",
        }
    ]


def test_me_patch_changes_name_and_language(world, api):
    response = api(world.s1_respondent).patch(
        "/api/v1/me/", {"full_name": "Li Wei", "preferred_language": "zh-Hans"}
    )
    assert response.status_code == 200
    world.s1_respondent.refresh_from_db()
    assert (world.s1_respondent.full_name, world.s1_respondent.preferred_language) == (
        "Li Wei",
        "zh-Hans",
    )


def test_me_patch_rejects_unknown_field_and_bad_language(world, api):
    response = api(world.s1_respondent).patch(
        "/api/v1/me/", {"preferred_language": "fr", "is_staff": True}
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"is_staff"} or "is_staff" in response.json()["errors"]
    world.s1_respondent.refresh_from_db()
    assert not world.s1_respondent.is_staff
    response = api(world.s1_respondent).patch("/api/v1/me/", {"preferred_language": "fr"})
    assert response.status_code == 400
    assert "preferred_language" in response.json()["errors"]


# -- organizations -------------------------------------------------------------------------


def test_organization_list_shows_only_own_organizations(world, api):
    body = api(world.a_officer).get("/api/v1/organizations/").json()
    assert [o["id"] for o in body["results"]] == [world.buyer_a.pk]
    assert body["results"][0]["my_role"] == "officer"


def test_member_of_buyer_a_gets_404_for_buyer_b(world, api):
    assert api(world.a_admin).get(f"/api/v1/organizations/{world.buyer_b.pk}/").status_code == 404
    assert (
        api(world.a_admin).get(f"/api/v1/organizations/{world.buyer_b.pk}/members/").status_code
        == 404
    )


def test_buyer_member_gets_404_for_its_suppliers_organization(world, api):
    response = api(world.a_admin).get(f"/api/v1/organizations/{world.s1.pk}/")
    assert response.status_code == 404
    response = api(world.a_admin).patch(f"/api/v1/organizations/{world.s1.pk}/", {"name": "X"})
    assert response.status_code == 404
    world.s1.refresh_from_db()
    assert world.s1.name == "Shenzhen Bright Textiles"


def test_supplier_admin_edits_own_profile(world, api):
    response = api(world.s1_admin).patch(
        f"/api/v1/organizations/{world.s1.pk}/",
        {"headcount": 120, "industry": "14", "province": "Guangdong", "country": "cn"},
    )
    assert response.status_code == 200, response.json()
    world.s1.refresh_from_db()
    assert (world.s1.headcount, world.s1.industry, world.s1.country.code) == (120, "14", "CN")
    assert response.json()["industry_name"] == "Manufacture of wearing apparel"


def test_supplier_admin_sees_only_its_own_profile(world, api):
    client = api(world.s1_admin)
    ids = [o["id"] for o in client.get("/api/v1/organizations/").json()["results"]]
    assert ids == [world.s1.pk]
    assert client.get(f"/api/v1/organizations/{world.s2.pk}/").status_code == 404
    assert client.patch(f"/api/v1/organizations/{world.s2.pk}/", {"name": "X"}).status_code == 404


def test_profile_edit_bad_input_names_each_field(world, api):
    response = api(world.s1_admin).patch(
        f"/api/v1/organizations/{world.s1.pk}/",
        {"country": "XX", "industry": "00", "legal_id": "123"},
    )
    assert response.status_code == 400
    assert "legal_id" in response.json()["errors"]
    response = api(world.s1_admin).patch(
        f"/api/v1/organizations/{world.s1.pk}/", {"country": "XX", "industry": "00"}
    )
    errors = response.json()["errors"]
    assert errors["country"] == ["'XX' is not an ISO 3166 country code."]
    assert "ISIC" in errors["industry"][0]


def test_respondent_cannot_edit_profile(world, api):
    response = api(world.s1_respondent).patch(
        f"/api/v1/organizations/{world.s1.pk}/", {"name": "Hijack"}
    )
    assert response.status_code == 403


def test_organization_list_query_count_does_not_grow(world, api, django_assert_max_num_queries):
    user = world.a_admin
    client = api(user)
    with django_assert_max_num_queries(8):
        assert client.get("/api/v1/organizations/").status_code == 200
    for i in range(5):
        other = make_buyer(name=f"Extra {i}")
        membership_add(organization=other, email=user.email, role=Role.OFFICER, invite=False)
    with django_assert_max_num_queries(8):
        body = client.get("/api/v1/organizations/").json()
    assert body["count"] == 6


# -- members -------------------------------------------------------------------------------


def test_members_list_shows_colleagues(world, api):
    body = api(world.s1_respondent).get(f"/api/v1/organizations/{world.s1.pk}/members/").json()
    assert sorted(m["user"]["email"] for m in body["results"]) == sorted(
        [world.s1_admin.email, world.s1_respondent.email]
    )


def test_members_list_query_count_is_flat(world, api, django_assert_max_num_queries):
    client = api(world.a_admin)
    url = f"/api/v1/organizations/{world.buyer_a.pk}/members/"
    with django_assert_max_num_queries(8):
        assert client.get(url).json()["count"] == 3
    for _ in range(10):
        make_member(world.buyer_a, Role.REVIEWER)
    with django_assert_max_num_queries(8):
        assert client.get(url).json()["count"] == 13


def test_admin_invites_a_member_by_mail(world, api, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api(world.s1_admin).post(
            f"/api/v1/organizations/{world.s1.pk}/members/",
            {
                "email": "Wang.Fang@Bright.example",
                "full_name": "王芳",
                "role": "respondent",
                "preferred_language": "zh-Hans",
            },
        )
    assert response.status_code == 201, response.json()
    user = User.objects.get(email="wang.fang@bright.example")
    assert user.preferred_language == "zh-Hans"
    assert not user.has_usable_password()
    # A pending invitation: the new user joins when setting a password (tests/security).
    assert response.json()["role"] == "respondent"
    assert not Membership.objects.filter(user=user).exists()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["wang.fang@bright.example"]
    assert "/password/set/" in mail.outbox[0].body


def test_invite_with_bad_input_names_the_fields(world, api):
    response = api(world.s1_admin).post(
        f"/api/v1/organizations/{world.s1.pk}/members/",
        {"email": "not-an-email", "role": "officer", "shoe_size": 42},
    )
    assert response.status_code == 400
    assert "shoe_size" in response.json()["errors"]
    response = api(world.s1_admin).post(
        f"/api/v1/organizations/{world.s1.pk}/members/",
        {"email": "x@example.com", "role": "officer"},
    )
    # an officer is a buyer role
    assert response.status_code == 400
    assert "role" in response.json()["errors"]
    assert not User.objects.filter(email="x@example.com").exists()


def test_inviting_an_existing_member_is_400(world, api):
    response = api(world.s1_admin).post(
        f"/api/v1/organizations/{world.s1.pk}/members/",
        {"email": world.s1_respondent.email, "role": "admin"},
    )
    assert response.status_code == 400
    assert "email" in response.json()["errors"]


def test_respondent_gets_403_on_member_management(world, api):
    client = api(world.s1_respondent)
    base = f"/api/v1/organizations/{world.s1.pk}/members/"
    admin_m = _membership(world.s1_admin, world.s1)
    assert client.post(base, {"email": "n@example.com", "role": "respondent"}).status_code == 403
    assert client.patch(f"{base}{admin_m.pk}/", {"role": "respondent"}).status_code == 403
    assert client.delete(f"{base}{admin_m.pk}/").status_code == 403
    assert _membership(world.s1_admin, world.s1).role == "admin"


def test_buyer_reviewer_and_officer_get_403_on_member_management(world, api):
    base = f"/api/v1/organizations/{world.buyer_a.pk}/members/"
    for user in (world.a_reviewer, world.a_officer):
        assert (
            api(user).post(base, {"email": "n@example.com", "role": "reviewer"}).status_code == 403
        )


def test_admin_changes_a_role_and_it_takes_effect_on_next_request(world, api):
    officer_m = _membership(world.a_officer, world.buyer_a)
    client = api(world.a_officer)
    assert client.get("/api/v1/suppliers/").json()["count"] == 2
    response = api(world.a_admin).patch(
        f"/api/v1/organizations/{world.buyer_a.pk}/members/{officer_m.pk}/", {"role": "reviewer"}
    )
    assert response.status_code == 200
    assert response.json()["role"] == "reviewer"
    assert client.get("/api/v1/suppliers/").json()["count"] == 0


def test_last_admin_cannot_be_demoted_or_removed(world, api):
    admin_m = _membership(world.s2_admin, world.s2)
    url = f"/api/v1/organizations/{world.s2.pk}/members/{admin_m.pk}/"
    response = api(world.s2_admin).patch(url, {"role": "respondent"})
    assert response.status_code == 400
    assert "role" in response.json()["errors"]
    assert api(world.s2_admin).delete(url).status_code == 400
    assert _membership(world.s2_admin, world.s2).role == "admin"


def test_removed_member_loses_access_at_once(world):
    client = APIClient()
    token = client.post(
        "/api/v1/auth/token/", {"email": world.a_officer.email, "password": PASSWORD}
    ).json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    rel_id = client.get("/api/v1/suppliers/").json()["results"][0]["id"]
    assert client.get(f"/api/v1/organizations/{world.buyer_a.pk}/").status_code == 200

    admin = APIClient()
    admin.force_authenticate(world.a_admin)
    officer_m = _membership(world.a_officer, world.buyer_a)
    url = f"/api/v1/organizations/{world.buyer_a.pk}/members/{officer_m.pk}/"
    assert admin.delete(url).status_code == 204

    assert client.get(f"/api/v1/suppliers/{rel_id}/").status_code == 404
    assert client.get("/api/v1/suppliers/").json()["count"] == 0
    assert client.get(f"/api/v1/organizations/{world.buyer_a.pk}/").status_code == 404
    assert client.get("/api/v1/me/").json()["memberships"] == []


def test_member_of_other_organization_gets_404_on_its_members(world, api):
    s2_admin_m = _membership(world.s2_admin, world.s2)
    response = api(world.s1_admin).delete(
        f"/api/v1/organizations/{world.s2.pk}/members/{s2_admin_m.pk}/"
    )
    assert response.status_code == 404
    # and a membership id of another organization under one's own organization
    response = api(world.s1_admin).delete(
        f"/api/v1/organizations/{world.s1.pk}/members/{s2_admin_m.pk}/"
    )
    assert response.status_code == 404
    assert Membership.objects.filter(pk=s2_admin_m.pk).exists()
