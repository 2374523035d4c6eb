"""The team and organization profile pages, for buyers and suppliers alike, and the buyer's
read-only viewer role."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from accounts.invitations import member_invite
from accounts.models import Invitation, Membership, Organization
from tests.factories import make_member, signed_in

Role = Membership.Role

pytestmark = pytest.mark.django_db


def membership(user, organization) -> Membership:
    return Membership.objects.get(user=user, organization=organization)


def invite(world, email="li.na@bright.example", organization=None, actor=None):
    return member_invite(
        organization=organization or world.s1,
        email=email,
        role=Role.RESPONDENT,
        actor=actor or world.s1_admin,
    )


# --- The team page ----------------------------------------------------------------------------


def test_an_admin_sees_members_invitations_and_the_invite_form(world):
    invite(world)
    body = signed_in(world.s1_admin).get(reverse("portal:team")).content.decode()
    assert world.s1_admin.email in body
    assert world.s1_respondent.email in body
    assert world.s2_admin.email not in body, "another organization's members stay hidden"
    assert "li.na@bright.example" in body
    assert 'action="/team/invite/"' in body


def test_a_member_who_is_not_admin_sees_the_team_but_changes_nothing(world):
    invite(world)
    response = signed_in(world.s1_respondent).get(reverse("portal:team"))
    body = response.content.decode()
    assert response.status_code == 200
    assert world.s1_admin.email in body
    assert "li.na@bright.example" not in body, "open invitations are the admins' business"
    assert 'action="/team/invite/"' not in body


def test_the_team_page_is_in_chinese(world):
    body = signed_in(world.a_admin).get("/team/?lang=zh-Hans").content.decode()
    for text in ("团队", "成员", "邀请同事", "发送邀请"):
        assert text in body


def test_invite_sends_a_link_and_lists_the_invitation(world, django_capture_on_commit_callbacks):
    client = signed_in(world.a_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("portal:team_invite"),
            {"email": "Zhao.Lei@Acme.example", "role": "viewer", "preferred_language": "zh-Hans"},
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get(organization=world.buyer_a)
    assert (invitation.email, invitation.role) == ("zhao.lei@acme.example", "viewer")
    assert [m.to for m in mail.outbox] == [["zhao.lei@acme.example"]]
    assert "zhao.lei@acme.example" in client.get(reverse("portal:team")).content.decode()


@pytest.mark.parametrize(
    ("data", "field_message"),
    [
        ({"email": "not-an-address", "role": "respondent"}, "Enter a valid email address."),
        ({"email": "x@bright.example", "role": "officer"}, "Select a valid choice."),
        ({"email": "", "role": "respondent"}, "This field is required."),
    ],
)
def test_invite_with_bad_input_is_a_400_and_sends_nothing(world, data, field_message):
    response = signed_in(world.s1_admin).post(
        reverse("portal:team_invite"), {"preferred_language": "en", **data}
    )
    assert response.status_code == 400
    assert field_message in response.content.decode()
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_inviting_a_member_again_says_so(world):
    response = signed_in(world.s1_admin).post(
        reverse("portal:team_invite"),
        {"email": world.s1_respondent.email, "role": "respondent", "preferred_language": "en"},
    )
    assert response.status_code == 400
    assert "already a member" in response.content.decode()


def test_only_admins_invite(world):
    response = signed_in(world.s1_respondent).post(
        reverse("portal:team_invite"),
        {"email": "x@bright.example", "role": "respondent", "preferred_language": "en"},
    )
    assert response.status_code == 403
    assert not Invitation.objects.exists()


# --- Members ------------------------------------------------------------------------------------


def test_an_admin_changes_a_role(world):
    m = membership(world.a_officer, world.buyer_a)
    response = signed_in(world.a_admin).post(
        reverse("portal:team_member", args=[m.pk]), {"action": "role", "role": "viewer"}
    )
    assert response.status_code == 302
    m.refresh_from_db()
    assert m.role == Role.VIEWER


def test_the_last_admin_cannot_step_down(world):
    m = membership(world.s1_admin, world.s1)
    response = signed_in(world.s1_admin).post(
        reverse("portal:team_member", args=[m.pk]), {"action": "role", "role": "respondent"}
    )
    assert response.status_code == 400
    assert "at least one administrator" in response.content.decode()
    m.refresh_from_db()
    assert m.role == Role.ADMIN


def test_a_role_of_the_other_kind_is_refused(world):
    m = membership(world.s1_respondent, world.s1)
    response = signed_in(world.s1_admin).post(
        reverse("portal:team_member", args=[m.pk]), {"action": "role", "role": "officer"}
    )
    assert response.status_code == 400
    m.refresh_from_db()
    assert m.role == Role.RESPONDENT


def test_an_unknown_member_action_is_a_400(world):
    m = membership(world.s1_respondent, world.s1)
    response = signed_in(world.s1_admin).post(
        reverse("portal:team_member", args=[m.pk]), {"action": "promote"}
    )
    assert response.status_code == 400
    assert Membership.objects.filter(pk=m.pk).exists()


def test_an_admin_removes_a_member_whose_access_ends(world):
    m = membership(world.s1_respondent, world.s1)
    response = signed_in(world.s1_admin).post(
        reverse("portal:team_member", args=[m.pk]), {"action": "remove"}
    )
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=m.pk).exists()
    assert signed_in(world.s1_respondent).get("/s/").status_code == 404


def test_another_organizations_member_is_a_404(world):
    foreign = membership(world.s2_respondent, world.s2)
    for data in ({"action": "remove"}, {"action": "role", "role": "admin"}):
        response = signed_in(world.s1_admin).post(
            reverse("portal:team_member", args=[foreign.pk]), data
        )
        assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.role == Role.RESPONDENT


def test_only_admins_change_or_remove_members(world):
    m = membership(world.a_reviewer, world.buyer_a)
    client = signed_in(world.a_officer)
    assert (
        client.post(reverse("portal:team_member", args=[m.pk]), {"action": "remove"}).status_code
        == 403
    )
    response = client.post(
        reverse("portal:team_member", args=[m.pk]), {"action": "role", "role": "admin"}
    )
    assert response.status_code == 403
    m.refresh_from_db()
    assert m.role == Role.REVIEWER


# --- Invitations ----------------------------------------------------------------------------------


def test_send_again_replaces_the_link(world, django_capture_on_commit_callbacks):
    first = invite(world)
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(world.s1_admin).post(
            reverse("portal:team_invitation", args=[first.pk]), {"action": "resend"}
        )
    assert response.status_code == 302
    again = Invitation.objects.get(email="li.na@bright.example")
    assert again.pk != first.pk and again.token_hash != first.token_hash
    assert len(mail.outbox) == 1
    assert "/password/set/" in mail.outbox[0].body, "the account has no password yet"


def test_withdraw_ends_the_invitation(world):
    invitation = invite(world)
    response = signed_in(world.s1_admin).post(
        reverse("portal:team_invitation", args=[invitation.pk]), {"action": "withdraw"}
    )
    assert response.status_code == 302
    assert not Invitation.objects.filter(pk=invitation.pk).exists()


def test_invitation_of_another_organization_is_a_404_and_non_admins_get_403(world):
    foreign = invite(world, organization=world.s2, actor=world.s2_admin)
    client = signed_in(world.s1_admin)
    response = client.post(
        reverse("portal:team_invitation", args=[foreign.pk]), {"action": "withdraw"}
    )
    assert response.status_code == 404
    own = invite(world, email="chen.jie@bright.example")
    response = signed_in(world.s1_respondent).post(
        reverse("portal:team_invitation", args=[own.pk]), {"action": "withdraw"}
    )
    assert response.status_code == 403
    assert Invitation.objects.filter(pk__in=[foreign.pk, own.pk]).count() == 2


def test_an_unknown_invitation_action_is_a_400(world):
    invitation = invite(world)
    response = signed_in(world.s1_admin).post(
        reverse("portal:team_invitation", args=[invitation.pk]), {"action": "accept"}
    )
    assert response.status_code == 400
    assert Invitation.objects.filter(pk=invitation.pk).exists()


# --- Profile --------------------------------------------------------------------------------------


def _profile_data(org: Organization, **changes) -> dict:
    data = {
        "name": org.name,
        "country": str(org.country),
        "province": org.province,
        "industry": org.industry,
        "size_class": org.size_class,
        "headcount": org.headcount or "",
        "website": org.website,
        "contact_email": org.contact_email,
    }
    data.update(changes)
    return data


def test_a_supplier_admin_edits_the_company_profile(world):
    response = signed_in(world.s1_admin).post(
        reverse("portal:profile"),
        _profile_data(world.s1, size_class="medium", headcount=120, industry="14"),
    )
    assert response.status_code == 302
    world.s1.refresh_from_db()
    assert (world.s1.size_class, world.s1.headcount, world.s1.industry) == ("medium", 120, "14")


def test_bad_profile_input_is_a_400_and_changes_nothing(world):
    response = signed_in(world.s1_admin).post(
        reverse("portal:profile"),
        _profile_data(world.s1, size_class="huge", headcount=-3, contact_email="nope"),
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Select a valid choice." in body
    assert "Enter a valid email address." in body
    world.s1.refresh_from_db()
    assert world.s1.size_class == "small"


def test_only_admins_edit_the_profile(world):
    client = signed_in(world.s1_respondent)
    assert client.get(reverse("portal:profile")).status_code == 200
    response = client.post(reverse("portal:profile"), _profile_data(world.s1, name="Renamed"))
    assert response.status_code == 403
    world.s1.refresh_from_db()
    assert world.s1.name == "Shenzhen Bright Textiles"


def test_a_buyer_admin_sets_score_withholding(world):
    data = _profile_data(world.buyer_a, withhold_scores="on")
    response = signed_in(world.a_admin).post(reverse("portal:profile"), data)
    assert response.status_code == 302
    world.buyer_a.refresh_from_db()
    assert world.buyer_a.withhold_scores is True


# --- The viewer role --------------------------------------------------------------------------------


def test_a_viewer_reads_everything_of_the_buyer_and_changes_nothing(world, api):
    viewer = make_member(world.buyer_a, Role.VIEWER)
    client = signed_in(viewer)
    for page in ("/b/", "/b/audits/", "/b/suppliers/", "/b/actions/", "/b/register/", "/team/"):
        assert client.get(page).status_code == 200, page
    assert client.get("/b/audits/new/").status_code == 403
    assert client.get("/b/campaigns/new/").status_code == 403
    body = {
        "buyer": world.buyer_a.pk,
        "legal_id": "91440300VIEWER0001",
        "name": "Viewer Supplies",
        "country": "CN",
        "industry": "13",
        "size_class": "small",
    }
    response = api(viewer).post("/api/v1/suppliers/", body, format="json")
    assert response.status_code == 403, response.content
    assert not Organization.objects.filter(legal_id="91440300VIEWER0001").exists()
