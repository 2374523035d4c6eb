"""Mails link to /audits/<id>/ and /actions/<id>/: each reader lands on their own side's page."""

import re

import pytest
from django.core import mail

from audits.services.audits import audit_issue
from tests.factories import make_version

from .supplier_helpers import in_days

pytestmark = pytest.mark.django_db


@pytest.fixture
def audit(world):
    return audit_issue(
        supplier=world.s1,
        questionnaire_version=make_version(),
        actor=world.a_officer,
        buyer=world.buyer_a,
        due_date=in_days(30),
        respondents=[world.s1_respondent],
    )


def test_the_issue_mail_link_opens_the_suppliers_answer_page(
    client, world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        audit = audit_issue(
            supplier=world.s1,
            questionnaire_version=make_version(),
            actor=world.a_officer,
            buyer=world.buyer_a,
            due_date=in_days(30),
        )
    body = next(m.body for m in mail.outbox if world.s1_admin.email in m.to)
    path = re.search(r"https?://[^/\s]+(/\S+)", body).group(1)
    assert path == f"/audits/{audit.pk}/"
    client.force_login(world.s1_admin)
    response = client.get(path)
    assert response.status_code == 302 and response["Location"] == f"/s/audits/{audit.pk}/"
    assert client.get(response["Location"]).status_code == 200


def test_a_buyer_lands_on_the_review_page(client, world, audit):
    client.force_login(world.a_officer)
    response = client.get(f"/audits/{audit.pk}/")
    assert response["Location"] == f"/b/audits/{audit.pk}/"


def test_another_party_gets_404(client, world, audit):
    for user in (world.b_officer, world.s2_admin):
        client.force_login(user)
        assert client.get(f"/audits/{audit.pk}/").status_code == 404
        assert client.get("/actions/999999/").status_code == 404


def test_the_actions_link_goes_to_the_list_of_the_active_side(client, world):
    client.force_login(world.s1_admin)
    assert client.get("/actions/")["Location"] == "/s/actions/"
    client.force_login(world.a_officer)
    assert client.get("/actions/")["Location"] == "/b/actions/"


def test_an_action_link_opens_each_sides_action_page(client, world):
    from tests.factories import make_ruleset

    from .supplier_helpers import accepted

    audit = accepted(world, make_version(), make_ruleset())
    action = audit.actions.first()
    client.force_login(world.s1_admin)
    assert client.get(f"/actions/{action.pk}/")["Location"] == f"/s/actions/{action.pk}/"
    client.force_login(world.a_officer)
    assert client.get(f"/actions/{action.pk}/")["Location"] == f"/b/actions/{action.pk}/"
