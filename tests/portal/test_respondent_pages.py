"""A supplier administrator picks the respondents of an audit on its page."""

from __future__ import annotations

import pytest
from django.core import mail

from accounts.models import Membership
from tests.factories import make_member, make_version, signed_in

from .buyer_helpers import issued_audit

pytestmark = pytest.mark.django_db


@pytest.fixture
def audit(world):
    return issued_audit(world, version=make_version())


def url(audit) -> str:
    return f"/s/audits/{audit.pk}/respondents/"


def test_the_admin_sees_the_members_and_assigns_one_who_is_mailed(
    world, audit, django_capture_on_commit_callbacks
):
    client = signed_in(world.s1_admin)
    page = client.get(f"/s/audits/{audit.pk}/").content.decode()
    assert f'action="{url(audit)}"' in page
    assert world.s1_respondent.email in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(audit), {"users": [world.s1_respondent.pk]})
    assert response.status_code == 302
    assert list(audit.respondents.all()) == [world.s1_respondent]
    assert [m.to for m in mail.outbox] == [[world.s1_respondent.email]]
    # The respondent now sees the audit.
    assert signed_in(world.s1_respondent).get(f"/s/audits/{audit.pk}/").status_code == 200


def test_unticking_removes_a_respondent_and_their_access(world, audit):
    client = signed_in(world.s1_admin)
    client.post(url(audit), {"users": [world.s1_respondent.pk]})
    response = client.post(url(audit), {})
    assert response.status_code == 302
    assert not audit.respondents.exists()
    assert signed_in(world.s1_respondent).get(f"/s/audits/{audit.pk}/").status_code == 404


@pytest.mark.parametrize("value", ["abc", "999999"])
def test_an_unknown_person_is_a_400_and_changes_nothing(world, audit, value):
    response = signed_in(world.s1_admin).post(url(audit), {"users": [value]})
    assert response.status_code == 400
    assert "Choose people from the list." in response.content.decode()
    assert not audit.respondents.exists()


def test_a_member_of_another_company_cannot_be_assigned(world, audit):
    response = signed_in(world.s1_admin).post(url(audit), {"users": [world.s2_respondent.pk]})
    assert response.status_code == 400
    assert "who can be assigned here" in response.content.decode()
    assert not audit.respondents.exists()


def test_a_respondent_cannot_assign(world, audit):
    from flows.services import audit_assign_respondents

    audit_assign_respondents(audit=audit, users=[world.s1_respondent], actor=world.s1_admin)
    other = make_member(world.s1, Membership.Role.RESPONDENT)
    client = signed_in(world.s1_respondent)
    page = client.get(f"/s/audits/{audit.pk}/")
    assert page.status_code == 200
    assert f'action="{url(audit)}"' not in page.content.decode()
    assert client.post(url(audit), {"users": [other.pk]}).status_code == 403
    assert list(audit.respondents.all()) == [world.s1_respondent]


def test_another_suppliers_audit_is_a_404(world, audit):
    response = signed_in(world.s2_admin).post(url(audit), {"users": [world.s2_respondent.pk]})
    assert response.status_code == 404


def test_a_cancelled_audit_takes_no_respondents(world, audit):
    from audits.services.audits import audit_cancel

    audit_cancel(audit=audit, reason="Not needed", actor=world.a_officer)
    response = signed_in(world.s1_admin).post(url(audit), {"users": [world.s1_respondent.pk]})
    assert response.status_code == 409
    assert not audit.respondents.exists()
