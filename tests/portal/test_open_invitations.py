"""An invitation to an existing account: the inbox entry opens the user's open invitations,
where the signed-in owner of the address accepts without the mailed token."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from accounts.invitations import member_invite
from accounts.models import Invitation, Membership, Notification
from tests.factories import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def invitation(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return member_invite(
            organization=world.s1,
            email=world.s2_admin.email,
            role="respondent",
            actor=world.s1_admin,
        )


def test_the_inbox_entry_opens_the_open_invitations_and_accepts(world, invitation):
    entry = Notification.objects.get(user=world.s2_admin)
    client = signed_in(world.s2_admin)
    page = client.get(entry.link)
    assert page.status_code == 200
    assert world.s1.name in page.content.decode()
    response = client.post("/invitations/", {"invitation": invitation.pk})
    assert response.status_code == 302
    assert Membership.objects.filter(
        user=world.s2_admin, organization=world.s1, role="respondent"
    ).exists()
    # accepted: no longer listed; accepting again is a conflict
    assert (
        f'name="invitation" value="{invitation.pk}"'
        not in client.get("/invitations/").content.decode()
    )
    again = client.post("/invitations/", {"invitation": invitation.pk})
    assert again.status_code == 409


def test_another_persons_invitation_is_neither_listed_nor_accepted(world, invitation):
    client = signed_in(world.s1_respondent)
    assert 'name="invitation"' not in client.get("/invitations/").content.decode()
    assert client.post("/invitations/", {"invitation": invitation.pk}).status_code == 404
    assert client.post("/invitations/", {"invitation": "nonsense"}).status_code == 404
    assert not Membership.objects.filter(user=world.s2_admin, organization=world.s1).exists()


def test_an_expired_invitation_is_not_listed_and_is_a_400(world, invitation):
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - datetime.timedelta(days=1)
    )
    client = signed_in(world.s2_admin)
    assert 'name="invitation"' not in client.get("/invitations/").content.decode()
    response = client.post("/invitations/", {"invitation": invitation.pk})
    assert response.status_code == 400
    assert "expired" in response.content.decode()
    assert not Membership.objects.filter(user=world.s2_admin, organization=world.s1).exists()


def test_the_page_needs_a_login(client):
    response = client.get("/invitations/")
    assert response.status_code == 302 and "/login/" in response["Location"]
