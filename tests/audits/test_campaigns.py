"""Campaigns: one questionnaire to many suppliers, by list or by filter, idempotent."""

from __future__ import annotations

from audits.models import Audit, Campaign
from audits.services.audits import campaign_create, campaign_process
from tests.factories import link_supplier, make_supplier

from .conftest import in_days


def test_campaign_by_filter_issues_one_audit_per_matching_supplier(
    world, api, version, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        r = api(world.a_officer).post(
            "/api/v1/campaigns/",
            {
                "name": "2025 apparel",
                "questionnaire_version": version.pk,
                "due_date": in_days(40),
                "filters": {"criticality": ["high"]},
            },
        )
    assert r.status_code == 202, r.content
    campaign = Campaign.objects.get(pk=r.json()["id"])
    assert campaign.total == 1
    detail = api(world.a_officer).get(f"/api/v1/campaigns/{campaign.pk}/").json()
    assert detail["status"] == "done" and detail["progress"] == 100 and detail["processed"] == 1
    assert list(Audit.objects.filter(campaign=campaign).values_list("supplier", "status")) == [
        (world.s1.pk, "sent")
    ]


def test_campaign_is_idempotent_per_supplier(world, version, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        campaign = campaign_create(
            actor=world.a_officer,
            name="All",
            questionnaire_version=version,
            due_date=in_days(20),
            supplier_ids=[world.s1.pk, world.s2.pk, world.s1.pk],
        )
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.RUNNING)
    campaign_process(campaign_id=campaign.pk)  # a retried task
    assert Audit.objects.filter(campaign=campaign).count() == 2
    assert sorted(Audit.objects.filter(campaign=campaign).values_list("supplier", flat=True)) == [
        world.s1.pk,
        world.s2.pk,
    ]


def test_campaign_of_a_thousand_suppliers(world, version, django_capture_on_commit_callbacks):
    from accounts.models import Organization

    suppliers = Organization.objects.bulk_create(
        Organization(
            kind="supplier",
            name=f"Bulk {i}",
            legal_id=f"BULK{i:06d}",
            country="CN",
            industry="13",
            size_class="small",
        )
        for i in range(1000)
    )
    from suppliers.models import SupplierRelationship

    SupplierRelationship.objects.bulk_create(
        SupplierRelationship(buyer=world.buyer_a, supplier=s, category="bulk") for s in suppliers
    )
    with django_capture_on_commit_callbacks(execute=True):
        campaign = campaign_create(
            actor=world.a_officer,
            name="Bulk",
            questionnaire_version=version,
            due_date=in_days(20),
            filters={"category": "bulk"},
        )
    campaign.refresh_from_db()
    assert (campaign.total, campaign.processed, campaign.status) == (1000, 1000, "done")
    assert Audit.objects.filter(campaign=campaign, status="sent").count() == 1000
    some = Audit.objects.filter(campaign=campaign).first()
    assert world.a_officer.has_perm("audits.view_audit", some)


def test_campaign_input_errors(world, api, version):
    stranger = make_supplier(name="Elsewhere")
    client = api(world.a_officer)
    base = {"name": "x", "questionnaire_version": version.pk, "due_date": in_days(5)}
    r = client.post("/api/v1/campaigns/", {**base, "supplier_ids": [stranger.pk]})
    assert r.status_code == 400
    assert str(stranger.pk) in r.json()["errors"]["supplier_ids"][0]
    r = client.post("/api/v1/campaigns/", {**base, "filters": {"colour": "red"}})
    assert r.status_code == 400 and "filters" in r.json()["errors"]
    r = client.post("/api/v1/campaigns/", {**base, "filters": {"country": "FR"}})
    assert r.status_code == 400
    r = client.post("/api/v1/campaigns/", base)
    assert r.status_code == 400 and "supplier_ids" in r.json()["errors"]


def test_campaigns_are_visible_to_their_buyer_only(world, api, version):
    link_supplier(world.buyer_b, world.s2)
    campaign = campaign_create(
        actor=world.a_officer,
        name="A only",
        questionnaire_version=version,
        due_date=in_days(5),
        supplier_ids=[world.s1.pk],
    )
    assert api(world.b_officer).get(f"/api/v1/campaigns/{campaign.pk}/").status_code == 404
    assert api(world.s1_admin).get("/api/v1/campaigns/").json()["results"] == []
    assert api(world.s1_admin).post("/api/v1/campaigns/", {}).status_code == 400
    r = api(world.a_reviewer).post(
        "/api/v1/campaigns/",
        {
            "name": "x",
            "questionnaire_version": version.pk,
            "due_date": in_days(5),
            "supplier_ids": [world.s1.pk],
        },
    )
    assert r.status_code == 403
    assert [c["id"] for c in api(world.a_admin).get("/api/v1/campaigns/").json()["results"]] == [
        campaign.pk
    ]
