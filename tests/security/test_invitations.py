"""Adding a person by email is an invitation the owner of the address accepts."""

from __future__ import annotations

import datetime
import hashlib
import re

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.test import Client
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import Invitation, Membership, User

pytestmark = pytest.mark.django_db


def _invite(api, admin, organization, email, role="respondent", **extra):
    return api(admin).post(
        f"/api/v1/organizations/{organization.pk}/members/",
        {"email": email, "role": role, **extra},
    )


def _token_from(message) -> str:
    return re.search(r"/invitations/([\w-]+)/", message.body).group(1)


def _members(organization) -> set[str]:
    return set(
        Membership.objects.filter(organization=organization).values_list("user__email", flat=True)
    )


def test_inviting_another_companys_user_does_not_make_them_a_member(
    world, api, django_capture_on_commit_callbacks
):
    User.objects.filter(pk=world.s2_admin.pk).update(full_name="Zhou Ningbo")
    before = _members(world.s1)
    with django_capture_on_commit_callbacks(execute=True):
        response = _invite(api, world.s1_admin, world.s1, world.s2_admin.email.upper())
    assert response.status_code == 201
    assert _members(world.s1) == before
    assert not Membership.objects.filter(user=world.s2_admin, organization=world.s1).exists()
    body = response.json()
    assert body["email"] == world.s2_admin.email
    assert "Zhou" not in response.content.decode()
    [message] = mail.outbox
    assert message.to == [world.s2_admin.email]
    assert world.s1.name in message.subject
    assert "/invitations/" in message.body


def test_the_answer_is_the_same_for_an_existing_and_a_new_address(
    world, api, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        existing = _invite(api, world.s1_admin, world.s1, world.s2_admin.email, full_name="X Y")
        new = _invite(api, world.s1_admin, world.s1, "newcomer@example.com", full_name="X Y")
    assert existing.status_code == new.status_code == 201
    assert (
        set(existing.json())
        == set(new.json())
        == {
            "id",
            "email",
            "role",
            "created_at",
            "expires_at",
        }
    )
    # and neither shows up in the member list until accepted
    listed = api(world.s1_admin).get(f"/api/v1/organizations/{world.s1.pk}/members/").json()
    emails = {m["user"]["email"] for m in listed["results"]}
    assert world.s2_admin.email not in emails
    assert "newcomer@example.com" not in emails


def test_the_invited_user_accepts_through_the_api(world, api, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _invite(api, world.s1_admin, world.s1, world.s2_admin.email, role="admin")
    token = _token_from(mail.outbox[0])
    response = api(world.s2_admin).post("/api/v1/invitations/accept/", {"token": token})
    assert response.status_code == 200, response.json()
    assert response.json()["organization"]["id"] == world.s1.pk
    assert response.json()["role"] == "admin"
    assert Membership.objects.get(user=world.s2_admin, organization=world.s1).role == "admin"
    assert world.s2_admin.groups.filter(fairlink_role__organization=world.s1).exists()
    assert Invitation.objects.get(email=world.s2_admin.email).accepted_at is not None
    again = api(world.s2_admin).post("/api/v1/invitations/accept/", {"token": token})
    assert again.status_code == 409


def test_only_the_owner_of_the_invited_email_may_accept(
    world, api, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _invite(api, world.s1_admin, world.s1, world.s2_admin.email)
    token = _token_from(mail.outbox[0])
    response = api(world.s2_respondent).post("/api/v1/invitations/accept/", {"token": token})
    assert response.status_code == 404
    assert (
        api(world.s2_admin).post("/api/v1/invitations/accept/", {"token": "x" * 43}).status_code
        == 404
    )
    assert api().post("/api/v1/invitations/accept/", {"token": token}).status_code == 401
    assert not Membership.objects.filter(
        organization=world.s1, user__in=[world.s2_respondent, world.s2_admin]
    ).exists()


def test_an_expired_invitation_cannot_be_accepted(world, api, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _invite(api, world.s1_admin, world.s1, world.s2_admin.email)
    Invitation.objects.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    response = api(world.s2_admin).post(
        "/api/v1/invitations/accept/", {"token": _token_from(mail.outbox[0])}
    )
    assert response.status_code == 400
    assert "expired" in response.json()["detail"]
    assert not Membership.objects.filter(user=world.s2_admin, organization=world.s1).exists()


def test_only_the_token_hash_is_stored(world, api, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _invite(api, world.s1_admin, world.s1, world.s2_admin.email)
    token = _token_from(mail.outbox[0])
    invitation = Invitation.objects.get()
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in invitation.token_hash
    assert invitation.invited_by == world.s1_admin
    assert invitation.role == "respondent"


def test_the_invited_user_accepts_on_the_portal(world, api, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _invite(api, world.s1_admin, world.s1, world.s2_admin.email)
    url = f"/invitations/{_token_from(mail.outbox[0])}/"
    anonymous = Client().get(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/login/")

    client = Client()
    client.force_login(world.s2_admin)
    page = client.get(url)
    assert page.status_code == 200
    assert world.s1.name in page.content.decode()
    response = client.post(url)
    assert response.status_code == 302
    assert Membership.objects.get(user=world.s2_admin, organization=world.s1).role == "respondent"

    stranger = Client()
    stranger.force_login(world.s2_respondent)
    assert stranger.get(url).status_code == 404


def test_a_new_address_gets_a_set_password_link_and_joins_when_setting_it(
    world, api, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _invite(
            api, world.s1_admin, world.s1, "Wang.Fang@Bright.example", full_name="王芳"
        )
    assert response.status_code == 201
    user = User.objects.get(email="wang.fang@bright.example")
    assert user.full_name == "王芳"
    assert not user.has_usable_password()
    assert not Membership.objects.filter(user=user).exists()
    [message] = mail.outbox
    link = re.search(r"https?://[^/]+(/password/set/\S+/)", message.body).group(1)

    client = Client()
    form = client.get(link, follow=True)
    assert form.status_code == 200
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a-fresh-Passphrase-42", "new_password2": "a-fresh-Passphrase-42"},
    )
    assert done.status_code == 302
    assert Membership.objects.get(user=user, organization=world.s1).role == "respondent"
    assert Invitation.objects.get(email=user.email).accepted_at is not None


def test_a_password_reset_does_not_accept_invitations(
    world, api, django_capture_on_commit_callbacks
):
    # An existing account accepts explicitly, even if it resets its password meanwhile.
    with django_capture_on_commit_callbacks(execute=True):
        _invite(api, world.s1_admin, world.s1, world.s2_admin.email)
    uid = urlsafe_base64_encode(force_bytes(world.s2_admin.pk))
    token = default_token_generator.make_token(world.s2_admin)
    client = Client()
    form = client.get(f"/password/set/{uid}/{token}/", follow=True)
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a-fresh-Passphrase-42", "new_password2": "a-fresh-Passphrase-42"},
    )
    assert done.status_code == 302
    world.s2_admin.refresh_from_db()
    assert world.s2_admin.check_password("a-fresh-Passphrase-42")
    assert not Membership.objects.filter(user=world.s2_admin, organization=world.s1).exists()


def test_invitation_mail_in_the_invitees_language(world, api, django_capture_on_commit_callbacks):
    User.objects.filter(pk=world.s2_admin.pk).update(preferred_language="zh-Hans")
    with django_capture_on_commit_callbacks(execute=True):
        _invite(api, world.s1_admin, world.s1, world.s2_admin.email, role="admin")
    [message] = mail.outbox
    assert message.subject == f"您已受邀加入 Fairlink 上的 {world.s1.name}"
    assert f"您受邀以管理员身份加入 Fairlink 上的 {world.s1.name}。" in message.body
