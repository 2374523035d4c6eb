"""A campaign speaks to suppliers with its own title and message, and its audits are worked on in
bulk: remind now (once a day per audit), extend the due date, cancel, assign a reviewer."""

from __future__ import annotations

import pytest
from django.core import mail

from accounts.models import Membership
from activity.models import ActivityEvent, ReminderLog
from audits.models import Audit, Campaign
from audits.services.audits import campaign_create
from tests.factories import link_supplier, make_member, make_supplier

from .conftest import in_days

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(world, version, django_capture_on_commit_callbacks) -> Campaign:
    with django_capture_on_commit_callbacks(execute=True):
        made = campaign_create(
            actor=world.a_officer,
            name="2027 wave 1 (internal)",
            title="Annual responsibility check",
            message="Please answer by the end of the month.",
            questionnaire_version=version,
            due_date=in_days(30),
            supplier_ids=[world.s1.pk, world.s2.pk],
        )
    made.refresh_from_db()
    assert made.status == Campaign.Status.DONE
    mail.outbox.clear()
    return made


def audits_of(campaign) -> dict[int, Audit]:
    return {a.supplier_id: a for a in Audit.objects.filter(campaign=campaign)}


def bulk(api, user, campaign, **body):
    return api(user).post(f"/api/v1/campaigns/{campaign.pk}/bulk/", body)


# ---------------------------------------------------------------------------------------------
# Title and message
# ---------------------------------------------------------------------------------------------


def test_suppliers_read_the_campaign_title_and_message_not_its_internal_name(world, api, campaign):
    for audit in audits_of(campaign).values():
        assert audit.title == "Annual responsibility check"
        assert audit.message == "Please answer by the end of the month."
    detail = api(world.a_officer).get(f"/api/v1/campaigns/{campaign.pk}/").json()
    assert (detail["name"], detail["title"]) == (
        "2027 wave 1 (internal)",
        "Annual responsibility check",
    )
    supplier_view = api(world.s1_admin).get(
        f"/api/v1/audits/{audits_of(campaign)[world.s1.pk].pk}/"
    )
    assert "internal" not in str(supplier_view.json())


def test_a_campaign_without_a_title_gives_its_audits_the_questionnaires(
    world, version, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        made = campaign_create(
            actor=world.a_officer,
            name="Internal only",
            questionnaire_version=version,
            due_date=in_days(30),
            supplier_ids=[world.s1.pk],
        )
    assert Audit.objects.get(campaign=made).title == ""


def test_the_title_is_limited_like_an_audits(world, api, version):
    r = api(world.a_officer).post(
        "/api/v1/campaigns/",
        {
            "name": "x",
            "title": "t" * 201,
            "questionnaire_version": version.pk,
            "due_date": in_days(5),
            "supplier_ids": [world.s1.pk],
        },
    )
    assert r.status_code == 400 and "title" in r.json()["errors"]


# ---------------------------------------------------------------------------------------------
# Remind now
# ---------------------------------------------------------------------------------------------


def test_remind_now_mails_each_supplier_once_a_day(world, api, campaign):
    r = bulk(api, world.a_officer, campaign, action="remind")
    assert r.status_code == 200
    ids = sorted(a.pk for a in audits_of(campaign).values())
    assert sorted(r.json()["done"]) == ids and r.json()["skipped"] == {}
    assert ReminderLog.objects.filter(object_id__in=ids, reason="manual").count() == 2
    assert len(mail.outbox) == 2
    assert "reminds you" in mail.outbox[0].body
    again = bulk(api, world.a_officer, campaign, action="remind").json()
    assert again["done"] == []
    assert set(again["skipped"].values()) == {"already reminded today"}
    assert len(mail.outbox) == 2


def test_remind_skips_audits_already_submitted(world, api, campaign):
    s1_audit = audits_of(campaign)[world.s1.pk]
    Audit.objects.filter(pk=s1_audit.pk).update(status=Audit.Status.SUBMITTED)
    r = bulk(api, world.a_officer, campaign, action="remind", audits=[s1_audit.pk])
    assert r.json() == {"action": "remind", "done": [], "skipped": {str(s1_audit.pk): "submitted"}}
    assert mail.outbox == []


# ---------------------------------------------------------------------------------------------
# Extend, cancel, assign a reviewer
# ---------------------------------------------------------------------------------------------


def test_extend_moves_the_selected_audits_and_records_the_reason(world, api, campaign):
    s1_audit = audits_of(campaign)[world.s1.pk]
    r = bulk(
        api, world.a_officer, campaign,
        action="extend", audits=[s1_audit.pk], due_date=in_days(45), reason="Holiday week",
    )  # fmt: skip
    assert r.status_code == 200 and r.json()["done"] == [s1_audit.pk]
    s1_audit.refresh_from_db()
    assert s1_audit.due_date == in_days(45)
    assert audits_of(campaign)[world.s2.pk].due_date == in_days(30)
    event = ActivityEvent.objects.get(audit=s1_audit, verb="audit.due_date_extended")
    assert event.comment == "Holiday week"


def test_closing_a_campaign_cancels_the_open_audits_and_leaves_accepted_ones(world, api, campaign):
    s1_audit, s2_audit = audits_of(campaign)[world.s1.pk], audits_of(campaign)[world.s2.pk]
    Audit.objects.filter(pk=s1_audit.pk).update(status=Audit.Status.ACCEPTED)
    r = bulk(api, world.a_officer, campaign, action="cancel", reason="Programme closed")
    assert r.status_code == 200
    assert r.json()["done"] == [s2_audit.pk]
    assert r.json()["skipped"] == {str(s1_audit.pk): "accepted"}
    s1_audit.refresh_from_db()
    s2_audit.refresh_from_db()
    assert (s1_audit.status, s2_audit.status) == (Audit.Status.ACCEPTED, Audit.Status.CANCELLED)


def test_an_admin_assigns_a_reviewer_to_every_audit_of_the_campaign(world, api, campaign):
    # Reviewers are assigned by the buyer's administrators (DESIGN), per audit or per campaign.
    r = bulk(api, world.a_officer, campaign, action="assign_reviewer", reviewer=world.a_reviewer.pk)
    assert r.status_code == 403
    r = bulk(api, world.a_admin, campaign, action="assign_reviewer", reviewer=world.a_reviewer.pk)
    assert r.status_code == 200 and len(r.json()["done"]) == 2
    for audit in audits_of(campaign).values():
        assert list(audit.reviewers.all()) == [world.a_reviewer]
    # the reviewer now sees them
    listed = api(world.a_reviewer).get("/api/v1/audits/").json()["results"]
    assert {a["id"] for a in listed} >= {a.pk for a in audits_of(campaign).values()}


# ---------------------------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------------------------


def test_bad_input_is_a_400_per_field_and_changes_nothing(world, api, campaign):
    r = bulk(api, world.a_officer, campaign, action="extend")
    assert r.status_code == 400
    assert set(r.json()["errors"]) == {"due_date", "reason"}
    r = bulk(api, world.a_officer, campaign, action="paint")
    assert r.status_code == 400 and "action" in r.json()["errors"]
    r = bulk(api, world.a_officer, campaign, action="cancel", reason="x", audits=[999999])
    assert r.status_code == 400 and "999999" in r.json()["errors"]["audits"][0]
    outsider = make_member(world.buyer_b, Membership.Role.REVIEWER)
    r = bulk(api, world.a_admin, campaign, action="assign_reviewer", reviewer=outsider.pk)
    assert r.status_code == 400 and "reviewer" in r.json()["errors"]
    r = bulk(api, world.a_officer, campaign, action="remind", colour="red")
    assert r.status_code == 400 and "colour" in r.json()["errors"]
    assert not Audit.objects.filter(campaign=campaign, status=Audit.Status.CANCELLED).exists()
    assert all(a.due_date == in_days(30) for a in audits_of(campaign).values())


def test_another_buyers_campaign_is_404(world, api, campaign):
    link_supplier(world.buyer_b, make_supplier(name="Other"))
    assert bulk(api, world.b_officer, campaign, action="remind").status_code == 404
    assert bulk(api, world.s1_admin, campaign, action="remind").status_code == 404


def test_a_viewer_changes_nothing_403(world, api, campaign):
    viewer = make_member(world.buyer_a, Membership.Role.VIEWER)
    r = bulk(api, viewer, campaign, action="cancel", reason="no")
    assert r.status_code == 403
    assert not Audit.objects.filter(campaign=campaign, status=Audit.Status.CANCELLED).exists()


def test_a_campaign_still_issuing_is_409(world, api, version):
    running = campaign_create(
        actor=world.a_officer,
        name="Queued",
        questionnaire_version=version,
        due_date=in_days(30),
        supplier_ids=[world.s1.pk],
    )  # its job runs after commit, which this test never reaches
    r = bulk(api, world.a_officer, running, action="remind")
    assert r.status_code == 409


def test_an_accepted_audit_is_not_given_a_new_reviewer(world, api, campaign):
    # an audit accepted before the bulk assignment is skipped, not reopened
    s1_audit = audits_of(campaign)[world.s1.pk]
    Audit.objects.filter(pk=s1_audit.pk).update(status=Audit.Status.ACCEPTED)
    r = bulk(api, world.a_admin, campaign, action="assign_reviewer", reviewer=world.a_reviewer.pk)
    assert r.json()["skipped"] == {str(s1_audit.pk): "accepted"}
    assert not s1_audit.reviewers.exists()
