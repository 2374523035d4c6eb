"""The campaign list and a campaign's page: response rate, counts by status, one row per
supplier; a constant number of queries whatever the size."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Membership
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
