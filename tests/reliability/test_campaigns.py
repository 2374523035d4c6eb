"""A campaign whose processing fails says so and why, and resumes where it stopped."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.db import OperationalError
from django.utils import timezone

import audits.services.campaigns as campaign_services
from audits.models import Audit, Campaign
from audits.services.campaigns import campaign_create
from audits.tasks import process_campaign_task


@pytest.fixture
def campaign_of_two(world, version, monkeypatch, django_capture_on_commit_callbacks):
    """``campaign_of_two(fail_on=supplier)``: a campaign to s1 then s2, issued one supplier per
    transaction, where issuing to ``fail_on`` breaks (a lost database connection)."""
    monkeypatch.setattr(campaign_services, "CAMPAIGN_CHUNK", 1)
    create_audit = campaign_services.create_audit

    def make(*, fail_on):
        def flaky(**kwargs):
            if kwargs["supplier"] == fail_on:
                raise OperationalError("server closed the connection unexpectedly")
            return create_audit(**kwargs)

        monkeypatch.setattr(campaign_services, "create_audit", flaky)
        with django_capture_on_commit_callbacks(execute=True):
            campaign = campaign_create(
                actor=world.a_officer,
                name="Spring check",
                questionnaire_version=version,
                due_date=timezone.localdate() + datetime.timedelta(days=30),
                supplier_ids=[world.s1.pk, world.s2.pk],
            )
        monkeypatch.setattr(campaign_services, "create_audit", create_audit)
        campaign.refresh_from_db()
        return campaign

    return make


def _issued(campaign) -> list[tuple[int, int]]:
    return sorted(Audit.objects.filter(campaign=campaign).values_list("supplier", "pk"))


def test_a_failed_campaign_is_shown_failed_with_the_reason(world, api, campaign_of_two):
    campaign = campaign_of_two(fail_on=world.s2)
    assert campaign.status == Campaign.Status.FAILED
    assert campaign.processed == 1
    assert "OperationalError" in campaign.error and "server closed" in campaign.error
    assert [s for s, _pk in _issued(campaign)] == [world.s1.pk]
    detail = api(world.a_officer).get(f"/api/v1/campaigns/{campaign.pk}/").json()
    assert detail["status"] == "failed"
    assert "server closed" in detail["error"]


def test_running_a_failed_campaign_again_issues_only_the_rest(world, campaign_of_two):
    campaign = campaign_of_two(fail_on=world.s2)
    [(_s1, first_audit)] = _issued(campaign)

    assert process_campaign_task(campaign.pk) == 2
    campaign.refresh_from_db()
    assert (campaign.status, campaign.processed, campaign.error) == ("done", 2, "")
    issued = _issued(campaign)
    assert [s for s, _pk in issued] == [world.s1.pk, world.s2.pk]
    assert (world.s1.pk, first_audit) in issued  # the audit issued before is kept, not redone


def test_the_command_resumes_a_failed_campaign(world, campaign_of_two, capsys):
    campaign = campaign_of_two(fail_on=world.s1)
    assert campaign.processed == 0 and not _issued(campaign)
    call_command("process_campaign", str(campaign.pk))
    assert f"Campaign {campaign.pk}: done, 2 of 2." in capsys.readouterr().out
    assert len(_issued(campaign)) == 2
    with pytest.raises(CommandError, match="No campaign"):
        call_command("process_campaign", "999999")
