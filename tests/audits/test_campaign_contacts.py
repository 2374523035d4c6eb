"""Naming who answers when a campaign issues (issue 13, delegation): a member of the supplier
is assigned at issue; anyone else is invited to the supplier as a respondent and assigned when
they accept, by every path; a withdrawn invitation leaves the audit with the administrators."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import OperationalError, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import audits.services.campaigns as campaign_services
from accounts.invitations import member_invite
from accounts.models import Invitation, Membership, User
from activity.models import ActivityEvent
from audits.models import Audit, Campaign, PendingRespondent
from audits.services.audits import campaign_create, campaign_process
from flows import invitations as flows_invitations
from tests.factories import link_supplier, make_member, make_supplier, signed_in

from .conftest import in_days

NEW = "li.na@ningbo-parts.example"


def _create(world, version, contacts, capture, *, supplier_ids=None):
    with capture(execute=True):
        campaign = campaign_create(
            actor=world.a_officer,
            name="Delegated",
            title="Spring check",
            questionnaire_version=version,
            due_date=in_days(30),
            supplier_ids=supplier_ids or [world.s1.pk, world.s2.pk],
            contacts=contacts,
        )
    campaign.refresh_from_db()
    return campaign


def _audit(campaign, supplier) -> Audit:
    return Audit.objects.get(campaign=campaign, supplier=supplier)


def _to(address):
    return [m for m in mail.outbox if m.to == [address]]


def test_a_member_named_is_assigned_at_issue_and_mailed(
    world, version, django_capture_on_commit_callbacks
):
    contacts = [{"supplier": world.s1.pk, "email": world.s1_respondent.email.upper()}]
    campaign = _create(world, version, contacts, django_capture_on_commit_callbacks)
    assert campaign.contacts == {
        str(world.s1.pk): {"email": world.s1_respondent.email, "full_name": ""}
    }
    audit = _audit(campaign, world.s1)
    assert list(audit.respondents.all()) == [world.s1_respondent]
    assert world.s1_respondent.has_perm("audits.respond_audit", audit)
    assert not _audit(campaign, world.s2).respondents.exists()
    [issued] = _to(world.s1_respondent.email)
    assert "Spring check" in issued.body
    assert _to(world.s1_admin.email) and _to(world.s2_admin.email)  # the admins, as before
    assert not Invitation.objects.exists() and not PendingRespondent.objects.exists()


def test_an_admin_named_is_assigned_without_a_second_mail(
    world, version, django_capture_on_commit_callbacks
):
    contacts = [{"supplier": world.s2.pk, "email": world.s2_admin.email}]
    campaign = _create(world, version, contacts, django_capture_on_commit_callbacks)
    assert list(_audit(campaign, world.s2).respondents.all()) == [world.s2_admin]
    assert len(_to(world.s2_admin.email)) == 1


def test_a_new_contact_is_invited_for_the_buyer_and_joins_on_first_password(
    world, version, django_capture_on_commit_callbacks
):
    contacts = [{"supplier": world.s2.pk, "email": NEW, "full_name": "Li Na"}]
    campaign = _create(world, version, contacts, django_capture_on_commit_callbacks)
    audit = _audit(campaign, world.s2)
    invitation = Invitation.objects.get(organization=world.s2, email=NEW)
    assert (invitation.role, invitation.invited_by) == ("respondent", world.a_officer)
    event = ActivityEvent.objects.get(verb="member.invited")
    assert event.actor == world.a_officer and event.data["buyer"] == world.buyer_a.pk
    assert list(PendingRespondent.objects.values_list("audit", "email")) == [(audit.pk, NEW)]
    assert not audit.respondents.exists()
    [invite] = _to(NEW)
    assert world.buyer_a.name in invite.body and "Spring check" in invite.body
    user = User.objects.get(email=NEW)
    assert user.full_name == "Li Na"

    mail.outbox.clear()
    link = re.search(r"https?://[^/]+(/password/set/\S+/)", invite.body).group(1)
    client = Client()
    form = client.get(link, follow=True)
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            form.redirect_chain[-1][0],
            {"new_password1": "a-fresh-Passphrase-42", "new_password2": "a-fresh-Passphrase-42"},
        )
    assert done.status_code == 302
    assert Membership.objects.get(user=user, organization=world.s2).role == "respondent"
    assert list(audit.respondents.all()) == [user]
    assert user.has_perm("audits.respond_audit", audit)
    assert not PendingRespondent.objects.exists()
    [issued] = _to(NEW)
    assert f"/audits/{audit.pk}/" in issued.body


def _name_existing_account(world, version, capture):
    """s1's administrator named for s2, where they are not a member: an accept link."""
    contacts = [{"supplier": world.s2.pk, "email": world.s1_admin.email}]
    campaign = _create(world, version, contacts, capture)
    [invite] = _to(world.s1_admin.email)[-1:]
    token = re.search(r"/invitations/([\w-]+)/", invite.body).group(1)
    return _audit(campaign, world.s2), token


def _accept(path: str, user, token: str, api):
    """Accept by one of the paths that do not set a password (the mailed token through the
    API or its page, or the list of open invitations)."""
    if path == "api":
        return api(user).post("/api/v1/invitations/accept/", {"token": token})
    if path == "page":
        return signed_in(user).post(f"/invitations/{token}/")
    invitation = Invitation.objects.get(email=user.email, accepted_at=None)
    return signed_in(user).post("/invitations/", {"invitation": invitation.pk})


@pytest.mark.parametrize(("path", "status"), [("api", 200), ("page", 302), ("open", 302)])
def test_accepting_by_each_path_assigns(
    world, api, version, django_capture_on_commit_callbacks, path, status
):
    audit, token = _name_existing_account(world, version, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = _accept(path, world.s1_admin, token, api)
    assert response.status_code == status
    assert list(audit.respondents.all()) == [world.s1_admin]
    assert world.s1_admin.has_perm("audits.respond_audit", audit)
    assert not PendingRespondent.objects.exists()
    [issued] = _to(world.s1_admin.email)
    assert f"/audits/{audit.pk}/" in issued.body


def test_a_withdrawn_invitation_leaves_the_audit_with_the_administrators(
    world, version, django_capture_on_commit_callbacks
):
    audit, _token = _name_existing_account(world, version, django_capture_on_commit_callbacks)
    invitation = Invitation.objects.get(organization=world.s2, email=world.s1_admin.email)
    flows_invitations.invitation_withdraw(invitation=invitation, actor=world.s2_admin)
    assert not PendingRespondent.objects.exists()
    # invited again later by the supplier itself: joining assigns nothing
    again = member_invite(
        organization=world.s2, email=world.s1_admin.email, role="respondent", actor=world.s2_admin
    )
    flows_invitations.invitation_accept_open(user=world.s1_admin, invitation_id=again.pk)
    assert not audit.respondents.exists()
    assert audit.status == "sent"


def test_an_expired_invitation_leaves_the_audit_with_the_administrators(
    world, version, django_capture_on_commit_callbacks
):
    contacts = [{"supplier": world.s2.pk, "email": NEW}]
    campaign = _create(world, version, contacts, django_capture_on_commit_callbacks)
    Invitation.objects.update(expires_at=timezone.now() - datetime.timedelta(days=1))
    user = User.objects.get(email=NEW)
    assert flows_invitations.invitations_accept_on_first_password(user=user) == []
    invitation = Invitation.objects.get()
    with pytest.raises(ValidationError):
        flows_invitations.invitation_accept_open(user=user, invitation_id=invitation.pk)
    assert not Membership.objects.filter(user=user).exists()
    assert not _audit(campaign, world.s2).respondents.exists()


def test_a_resumed_chunk_does_not_invite_twice(
    world, version, monkeypatch, django_capture_on_commit_callbacks
):
    contacts = [{"supplier": world.s2.pk, "email": NEW}]
    calls = {"n": 0}
    real = campaign_services.contacts_assign

    def failing_once(**kw):
        real(**kw)
        calls["n"] += 1
        if calls["n"] == 1:
            raise OperationalError("connection lost")

    monkeypatch.setattr(campaign_services, "contacts_assign", failing_once)
    campaign = _create(world, version, contacts, django_capture_on_commit_callbacks)
    assert campaign.status == Campaign.Status.FAILED
    assert not Invitation.objects.exists() and not Audit.objects.filter(campaign=campaign)
    with django_capture_on_commit_callbacks(execute=True):
        campaign_services.campaign_resume(campaign=campaign, actor=world.a_officer)
    with django_capture_on_commit_callbacks(execute=True):
        campaign_process(campaign_id=campaign.pk)  # a retried task: nothing more
    assert Invitation.objects.filter(email=NEW).count() == 1
    assert PendingRespondent.objects.count() == 1
    assert len(_to(NEW)) == 1


def test_a_second_campaign_keeps_the_open_invitation(
    world, version, django_capture_on_commit_callbacks
):
    contacts = [{"supplier": world.s2.pk, "email": NEW}]
    first = _create(world, version, contacts, django_capture_on_commit_callbacks)
    second = _create(world, version, contacts, django_capture_on_commit_callbacks)
    assert Invitation.objects.filter(email=NEW).count() == 1
    user = User.objects.get(email=NEW)
    flows_invitations.invitations_accept_on_first_password(user=user)
    assert set(Audit.objects.filter(respondents=user).values_list("campaign", flat=True)) == {
        first.pk,
        second.pk,
    }


@pytest.mark.parametrize(
    ("contacts", "expected"),
    [
        ([{"supplier": 0, "email": NEW}], "is not among the chosen suppliers"),
        ([{"supplier": "s2", "email": "not-an-address"}], "not a valid email address"),
        ([{"supplier": "s2", "email": NEW}, {"supplier": "s2", "email": "x@y.example"}], "twice"),
    ],
)
def test_bad_contacts_are_refused_per_item(world, version, contacts, expected):
    contacts = [{**c, "supplier": world.s2.pk if c["supplier"] == "s2" else 0} for c in contacts]
    with pytest.raises(ValidationError) as exc:
        campaign_create(
            actor=world.a_officer,
            name="Bad",
            questionnaire_version=version,
            due_date=in_days(30),
            supplier_ids=[world.s1.pk, world.s2.pk],
            contacts=contacts,
        )
    [message] = exc.value.message_dict["contacts"]
    assert expected in message and message.startswith(f"Contact {len(contacts)}:")
    assert not Campaign.objects.exists()


def test_contacts_need_suppliers_chosen_by_id(world, version):
    with pytest.raises(ValidationError) as exc:
        campaign_create(
            actor=world.a_officer,
            name="By filter",
            questionnaire_version=version,
            due_date=in_days(30),
            filters={"criticality": "high"},
            contacts=[{"supplier": world.s1.pk, "email": NEW}],
        )
    assert "contacts" in exc.value.message_dict


def test_a_cancelled_audit_is_not_assigned_on_joining(
    world, version, django_capture_on_commit_callbacks
):
    contacts = [{"supplier": world.s2.pk, "email": NEW}]
    campaign = _create(world, version, contacts, django_capture_on_commit_callbacks)
    Audit.objects.filter(campaign=campaign).update(status="cancelled")
    user = User.objects.get(email=NEW)
    flows_invitations.invitations_accept_on_first_password(user=user)
    assert Membership.objects.filter(user=user, organization=world.s2).exists()
    assert not Audit.objects.filter(respondents=user).exists()


def test_a_deactivated_member_is_neither_assigned_nor_invited(
    world, version, django_capture_on_commit_callbacks
):
    User.objects.filter(pk=world.s2_respondent.pk).update(is_active=False)
    contacts = [{"supplier": world.s2.pk, "email": world.s2_respondent.email}]
    campaign = _create(world, version, contacts, django_capture_on_commit_callbacks)
    assert not _audit(campaign, world.s2).respondents.exists()
    assert not Invitation.objects.exists() and not PendingRespondent.objects.exists()


def test_a_member_of_another_organization_is_invited(
    world, version, django_capture_on_commit_callbacks
):
    # a buyer's member named for a supplier is not the supplier's member: invited as anyone
    viewer = make_member(world.buyer_a, "viewer")
    contacts = [{"supplier": world.s2.pk, "email": viewer.email}]
    campaign = _create(world, version, contacts, django_capture_on_commit_callbacks)
    assert Invitation.objects.get(organization=world.s2).email == viewer.email
    assert not _audit(campaign, world.s2).respondents.exists()


def _chunk_queries(world, version, settings, capture, n_plain: int) -> int:
    """The queries of one chunk issuing to s1 (a member named), s2 (a new contact) and
    ``n_plain`` suppliers without a contact."""
    settings.FAIRLINK_CAMPAIGN_CHUNK = 1000
    plain = []
    for i in range(n_plain):
        supplier = make_supplier(name=f"Plain {n_plain}-{i}", legal_id=f"PLAIN-{n_plain}-{i}")
        link_supplier(world.buyer_a, supplier)
        make_member(supplier, "admin")
        plain.append(supplier.pk)
    campaign = campaign_create(
        actor=world.a_officer,
        name=f"Counted {n_plain}",
        questionnaire_version=version,
        due_date=in_days(30),
        supplier_ids=[world.s1.pk, world.s2.pk, *plain],
        contacts=[
            {"supplier": world.s1.pk, "email": world.s1_respondent.email},
            {"supplier": world.s2.pk, "email": f"new{n_plain}@example.com"},
        ],
    )
    campaign_services.campaign_start(campaign_id=campaign.pk)
    with CaptureQueriesContext(connection) as queries, capture(execute=True):
        assert campaign_services.campaign_issue_next_chunk(campaign_id=campaign.pk)
    assert Audit.objects.filter(campaign=campaign).count() == n_plain + 2
    return len(queries)


def test_a_chunk_with_contacts_costs_the_same_whatever_the_suppliers_without(
    world, version, settings, django_capture_on_commit_callbacks
):
    # a first chunk reads what a process reads once (permission and content-type rows)
    _chunk_queries(world, version, settings, django_capture_on_commit_callbacks, 1)
    few = _chunk_queries(world, version, settings, django_capture_on_commit_callbacks, 3)
    many = _chunk_queries(world, version, settings, django_capture_on_commit_callbacks, 30)
    assert few == many
