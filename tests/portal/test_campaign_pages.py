"""The campaign list and a campaign's page: response rate, counts by status, one row per
supplier; a constant number of queries whatever the size."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Membership
from activity.models import ReminderLog
from audits.models import Audit, Campaign
from audits.services.campaigns import campaign_create
from tests.factories import link_supplier, make_member, make_supplier, make_version, signed_in

from .buyer_helpers import in_days

pytestmark = pytest.mark.django_db


def campaign(world, suppliers, capture, name="Spring 2027"):
    with capture(execute=True):
        return campaign_create(
            actor=world.a_officer,
            name=name,
            questionnaire_version=make_version(),
            due_date=in_days(30),
            supplier_ids=[s.pk for s in suppliers],
        )


def test_list_shows_response_rate_and_counts(world, django_capture_on_commit_callbacks):
    c = campaign(world, [world.s1, world.s2], django_capture_on_commit_callbacks)
    audit = Audit.objects.get(campaign=c, supplier=world.s1)
    Audit.objects.filter(pk=audit.pk).update(status=Audit.Status.SUBMITTED)
    body = signed_in(world.a_officer).get("/b/campaigns/").content.decode()
    assert "Spring 2027" in body
    assert "50%" in body


def test_campaign_page_lists_each_supplier(world, django_capture_on_commit_callbacks):
    c = campaign(world, [world.s1, world.s2], django_capture_on_commit_callbacks)
    body = signed_in(world.a_officer).get(f"/b/campaigns/{c.pk}/?lang=zh-Hans").content.decode()
    assert world.s1.name in body and world.s2.name in body
    assert 'id="response-rate"' in body and "0%" in body
    assert "已发送提醒" in body


def test_other_buyers_and_suppliers_see_nothing(world, django_capture_on_commit_callbacks):
    c = campaign(world, [world.s1], django_capture_on_commit_callbacks)
    assert "Spring 2027" not in signed_in(world.b_admin).get("/b/campaigns/").content.decode()
    assert signed_in(world.b_admin).get(f"/b/campaigns/{c.pk}/").status_code == 404
    assert signed_in(world.s1_admin).get("/b/campaigns/").status_code == 404


def test_a_reviewer_may_not_list_campaigns_but_a_viewer_may(
    world, django_capture_on_commit_callbacks
):
    campaign(world, [world.s1], django_capture_on_commit_callbacks)
    assert signed_in(world.a_reviewer).get("/b/campaigns/").status_code == 403
    viewer = make_member(world.buyer_a, Membership.Role.VIEWER)
    assert "Spring 2027" in signed_in(viewer).get("/b/campaigns/").content.decode()


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_pages_run_a_constant_number_of_queries(world, django_capture_on_commit_callbacks):
    client = signed_in(world.a_officer)
    small = campaign(world, [world.s1], django_capture_on_commit_callbacks, name="small")
    client.get("/b/campaigns/")
    list_small, page_small = (
        _queries(client, "/b/campaigns/"),
        _queries(client, f"/b/campaigns/{small.pk}/"),
    )
    more = [
        make_supplier(name=f"Supplier {i}", legal_id=f"9144030000000{i:04d}") for i in range(12)
    ]
    for s in more:
        link_supplier(world.buyer_a, s)
    big = campaign(world, more, django_capture_on_commit_callbacks, name="big")
    for i in range(3):
        campaign(world, [world.s2], django_capture_on_commit_callbacks, name=f"extra {i}")
    assert Campaign.objects.count() == 5
    assert _queries(client, "/b/campaigns/") == list_small
    assert _queries(client, f"/b/campaigns/{big.pk}/") == page_small


# ---------------------------------------------------------------------------------------------
# Title and message for suppliers; bulk actions on the campaign page
# ---------------------------------------------------------------------------------------------


def test_the_campaign_form_takes_a_title_and_message_for_the_suppliers(
    world, django_capture_on_commit_callbacks
):
    client = signed_in(world.a_officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/b/campaigns/new/",
            {
                "name": "Q3 wave (internal)",
                "title": "Annual responsibility check",
                "message": "Thank you for answering by September.",
                "questionnaire_version": make_version().pk,
                "due_date": in_days(30).isoformat(),
                "suppliers": [world.s1.pk],
            },
        )
    assert response.status_code == 302
    audit = Audit.objects.get(campaign__name="Q3 wave (internal)")
    assert (audit.title, audit.message) == (
        "Annual responsibility check",
        "Thank you for answering by September.",
    )
    answer_page = signed_in(world.s1_admin).get(f"/s/audits/{audit.pk}/").content.decode()
    assert "Annual responsibility check" in answer_page
    assert "Thank you for answering by September." in answer_page
    assert "Q3 wave" not in answer_page


def _bulk(client, c, **data):
    return client.post(f"/b/campaigns/{c.pk}/bulk/", data, follow=True)


def test_remind_the_ticked_rows_from_the_campaign_page(world, django_capture_on_commit_callbacks):
    c = campaign(world, [world.s1, world.s2], django_capture_on_commit_callbacks)
    s1_audit = Audit.objects.get(campaign=c, supplier=world.s1)
    client = signed_in(world.a_officer)
    page = client.get(f"/b/campaigns/{c.pk}/").content.decode()
    assert f'name="audits" value="{s1_audit.pk}"' in page
    assert 'value="assign_reviewer"' not in page  # officers do not assign reviewers
    response = _bulk(client, c, action="remind", scope="selected", audits=[s1_audit.pk])
    body = response.content.decode()
    assert "Done for 1 audit." in body
    assert ReminderLog.objects.filter(object_id=s1_audit.pk, reason="manual").exists()
    body = _bulk(client, c, action="remind", scope="all").content.decode()
    assert "already reminded today" in body


def test_an_admin_assigns_a_reviewer_to_the_whole_campaign(
    world, django_capture_on_commit_callbacks
):
    c = campaign(world, [world.s1, world.s2], django_capture_on_commit_callbacks)
    client = signed_in(world.a_admin)
    assert 'value="assign_reviewer"' in client.get(f"/b/campaigns/{c.pk}/").content.decode()
    _bulk(client, c, action="assign_reviewer", scope="all", reviewer=world.a_reviewer.pk)
    assert all(
        list(a.reviewers.all()) == [world.a_reviewer] for a in Audit.objects.filter(campaign=c)
    )


def test_bulk_errors_are_shown_and_change_nothing(world, django_capture_on_commit_callbacks):
    c = campaign(world, [world.s1], django_capture_on_commit_callbacks)
    client = signed_in(world.a_officer)
    body = _bulk(client, c, action="cancel", scope="all").content.decode()
    assert "Give a reason; the suppliers read it." in body
    body = _bulk(client, c, action="remind", scope="selected").content.decode()
    assert "Tick the suppliers to act on" in body
    body = _bulk(client, c, action="extend", scope="all", reason="x").content.decode()
    assert "New due date" in body
    assert not Audit.objects.filter(campaign=c, status=Audit.Status.CANCELLED).exists()
    assert not ReminderLog.objects.exists()


def test_bulk_on_a_campaign_still_issuing_says_so(world):
    running = Campaign.objects.create(
        buyer=world.buyer_a,
        name="Big one",
        questionnaire_version=make_version(),
        due_date=in_days(30),
        status=Campaign.Status.RUNNING,
    )
    body = _bulk(signed_in(world.a_officer), running, action="remind", scope="all")
    assert "still issuing" in body.content.decode()


def test_bulk_is_404_for_another_buyer_and_403_for_a_viewer(
    world, django_capture_on_commit_callbacks
):
    c = campaign(world, [world.s1], django_capture_on_commit_callbacks)
    other = signed_in(world.b_officer).post(f"/b/campaigns/{c.pk}/bulk/", {"action": "remind"})
    assert other.status_code == 404
    viewer = signed_in(make_member(world.buyer_a, Membership.Role.VIEWER))
    assert 'name="audits"' not in viewer.get(f"/b/campaigns/{c.pk}/").content.decode()
    denied = viewer.post(
        f"/b/campaigns/{c.pk}/bulk/", {"action": "cancel", "scope": "all", "reason": "x"}
    )
    assert denied.status_code == 403
    assert not Audit.objects.filter(campaign=c, status=Audit.Status.CANCELLED).exists()


def test_each_row_shows_progress_by_the_one_rule_and_missing_files(
    world, django_capture_on_commit_callbacks
):
    from audits.services.audits import answers_save

    c = campaign(world, [world.s1], django_capture_on_commit_callbacks)
    audit = Audit.objects.get(campaign=c)
    # MGT_01 answered without its required file: answered, but not done, and one file missing.
    answers_save(
        audit=audit,
        answers=[{"question": "MGT_01", "value": "yes"}, {"question": "EMP_01", "value": "yes"}],
        actor=world.s1_admin,
    )
    body = signed_in(world.a_officer).get(f"/b/campaigns/{c.pk}/").content.decode()
    row = body[body.index(world.s1.name) :]
    row = row[: row.index("</tr>")]
    assert "1 of 7" in row  # s1 is small: 7 questions visible, EMP_01 done
    assert "1 file missing" in row
