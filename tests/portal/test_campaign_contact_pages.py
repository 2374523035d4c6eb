"""Naming who answers on the campaign form: one row per ticked supplier, blank for its
administrators; the campaign's page says who answers, and the supplier's administrator sees a
named contact who has not joined yet on the audit's page."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Membership
from audits.models import Audit, Campaign, PendingRespondent
from audits.services.campaigns import campaign_create
from tests.factories import link_supplier, make_member, make_supplier, make_version, signed_in

from .buyer_helpers import in_days

pytestmark = pytest.mark.django_db

NEW = "chen.jie@ningbo-parts.example"


def _form(world, **extra):
    return {
        "name": "Named wave",
        "questionnaire_version": make_version().pk,
        "due_date": in_days(30).isoformat(),
        "suppliers": [world.s1.pk, world.s2.pk],
        **extra,
    }


def test_the_form_has_a_row_per_ticked_supplier(world):
    client = signed_in(world.a_officer)
    body = client.get(
        f"/b/campaigns/new/?suppliers={world.s1.pk}&suppliers={world.s2.pk}&lang=zh-Hans"
    ).content.decode()
    assert f'name="contact_email_{world.s1.pk}"' in body
    assert f'name="contact_name_{world.s2.pk}"' in body
    assert world.s1.name in body and "负责填写的联系人" in body
    plain = client.get("/b/campaigns/new/").content.decode()
    assert 'name="contact_email_' not in plain


def test_starting_with_a_member_and_a_new_contact(world, django_capture_on_commit_callbacks):
    data = _form(
        world,
        **{
            f"contact_email_{world.s1.pk}": world.s1_respondent.email,
            f"contact_email_{world.s2.pk}": NEW,
            f"contact_name_{world.s2.pk}": "Chen Jie",
        },
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(world.a_officer).post("/b/campaigns/new/", data)
    assert response.status_code == 302
    campaign = Campaign.objects.get(name="Named wave")
    s1_audit = Audit.objects.get(campaign=campaign, supplier=world.s1)
    s2_audit = Audit.objects.get(campaign=campaign, supplier=world.s2)
    assert list(s1_audit.respondents.all()) == [world.s1_respondent]
    assert PendingRespondent.objects.get().audit == s2_audit

    page = signed_in(world.a_officer).get(f"/b/campaigns/{campaign.pk}/").content.decode()
    assert world.s1_respondent.email in page and NEW in page
    assert "invited, not yet accepted" in page
    supplier_page = signed_in(world.s2_admin).get(f"/s/audits/{s2_audit.pk}/").content.decode()
    assert NEW in supplier_page and "invited, not yet accepted" in supplier_page
    zh = signed_in(world.s2_admin).get(f"/s/audits/{s2_audit.pk}/?lang=zh-Hans").content.decode()
    assert "已邀请，尚未接受" in zh


def test_rows_left_blank_leave_the_administrators(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(world.a_officer).post("/b/campaigns/new/", _form(world))
    assert response.status_code == 302
    campaign = Campaign.objects.get(name="Named wave")
    assert campaign.contacts == {}
    page = signed_in(world.a_officer).get(f"/b/campaigns/{campaign.pk}/").content.decode()
    assert page.count("its administrators") == 2


def test_a_bad_email_is_a_400_that_keeps_the_rows(world):
    data = _form(world, **{f"contact_email_{world.s2.pk}": "not-an-address"})
    response = signed_in(world.a_officer).post("/b/campaigns/new/", data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "not-an-address is not a valid email address" in body
    assert 'value="not-an-address"' in body
    assert not Campaign.objects.exists()


def test_another_buyers_supplier_cannot_be_named(world):
    stranger = make_supplier(name="Not in the network")
    data = _form(world, suppliers=[stranger.pk], **{f"contact_email_{stranger.pk}": NEW})
    response = signed_in(world.a_officer).post("/b/campaigns/new/", data)
    assert response.status_code == 400
    assert not Campaign.objects.exists()


def test_a_viewer_and_a_supplier_cannot_start_one(world):
    viewer = make_member(world.buyer_a, Membership.Role.VIEWER)
    data = _form(world, **{f"contact_email_{world.s2.pk}": NEW})
    assert signed_in(viewer).post("/b/campaigns/new/", data).status_code == 403
    assert signed_in(viewer).get("/b/campaigns/new/").status_code == 403
    assert signed_in(world.s1_respondent).post("/b/campaigns/new/", data).status_code in (403, 404)
    assert not Campaign.objects.exists()


def _page_queries(client, campaign) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(f"/b/campaigns/{campaign.pk}/").status_code == 200
    return len(ctx.captured_queries)


def _named(world, suppliers, n_named, capture):
    with capture(execute=True):
        return campaign_create(
            actor=world.a_officer,
            name=f"Named {len(suppliers)}",
            questionnaire_version=make_version(),
            due_date=in_days(30),
            supplier_ids=[s.pk for s in suppliers],
            contacts=[
                {"supplier": s.pk, "email": f"c{i}-{s.pk}@example.com"}
                for i, s in enumerate(suppliers[:n_named])
            ],
        )


def test_the_campaign_page_with_contacts_runs_a_constant_number_of_queries(
    world, django_capture_on_commit_callbacks
):
    client = signed_in(world.a_officer)
    small = _named(world, [world.s1], 1, django_capture_on_commit_callbacks)
    client.get(f"/b/campaigns/{small.pk}/")
    few = _page_queries(client, small)
    more = [make_supplier(name=f"Named {i}", legal_id=f"NAMED{i:05d}") for i in range(12)]
    for supplier in more:
        link_supplier(world.buyer_a, supplier)
    big = _named(world, more, 6, django_capture_on_commit_callbacks)
    body = client.get(f"/b/campaigns/{big.pk}/").content.decode()
    assert body.count("invited, not yet accepted") == 6
    assert body.count("its administrators") == 6
    assert _page_queries(client, big) == few
