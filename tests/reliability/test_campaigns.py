"""A campaign whose processing fails says so and why, and resumes where it stopped."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.db import OperationalError
from django.utils import timezone, translation
from django.utils.translation import gettext

import audits.services.campaigns as campaign_services
from activity.models import ActivityEvent
from audits.models import Audit, Campaign
from audits.services.campaigns import campaign_create, campaign_fail, campaign_resume
from audits.tasks import process_campaign_task
from backend.errors import Conflict


@pytest.fixture
def campaign_of_two(world, version, monkeypatch, settings, django_capture_on_commit_callbacks):
    """``campaign_of_two(fail_on=supplier)``: a campaign to s1 then s2, issued one supplier per
    transaction, where issuing to ``fail_on`` breaks (a lost database connection)."""
    settings.FAIRLINK_CAMPAIGN_CHUNK = 1
    issue_many = campaign_services.issue_many

    def make(*, fail_on):
        def flaky(*, campaign, suppliers):
            if fail_on is not None and fail_on in suppliers:
                raise OperationalError("server closed the connection unexpectedly")
            return issue_many(campaign=campaign, suppliers=suppliers)

        monkeypatch.setattr(campaign_services, "issue_many", flaky)
        with django_capture_on_commit_callbacks(execute=True):
            campaign = campaign_create(
                actor=world.a_officer,
                name="Spring check",
                questionnaire_version=version,
                due_date=timezone.localdate() + datetime.timedelta(days=30),
                supplier_ids=[world.s1.pk, world.s2.pk],
            )
        monkeypatch.setattr(campaign_services, "issue_many", issue_many)
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


def test_the_buyer_resumes_a_failed_campaign_through_the_api(
    world, api, campaign_of_two, django_capture_on_commit_callbacks
):
    campaign = campaign_of_two(fail_on=world.s2)
    with django_capture_on_commit_callbacks(execute=True):
        r = api(world.a_officer).post(f"/api/v1/campaigns/{campaign.pk}/resume/")
    assert r.status_code == 202, r.content
    assert r.json()["status"] == "queued"  # as answered; the job ran after the commit
    campaign.refresh_from_db()
    assert (campaign.status, campaign.processed, campaign.error) == ("done", 2, "")
    assert [s for s, _pk in _issued(campaign)] == [world.s1.pk, world.s2.pk]
    assert ActivityEvent.objects.filter(verb="campaign.resumed").count() == 1


def test_resume_refuses_a_campaign_that_did_not_fail(world, api, campaign_of_two):
    campaign = campaign_of_two(fail_on=None)
    assert campaign.status == Campaign.Status.DONE
    r = api(world.a_officer).post(f"/api/v1/campaigns/{campaign.pk}/resume/")
    assert r.status_code == 409, r.content
    assert r.json()["code"] == "campaign_not_failed"
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.DONE


def test_resume_is_for_the_campaigns_buyer_and_its_issuers_only(world, api, campaign_of_two):
    campaign = campaign_of_two(fail_on=world.s2)
    assert api(world.b_officer).post(f"/api/v1/campaigns/{campaign.pk}/resume/").status_code == 404
    assert api(world.s1_admin).post(f"/api/v1/campaigns/{campaign.pk}/resume/").status_code == 404
    # a reviewer does not issue audits: campaigns are not even listed to them
    assert api(world.a_reviewer).post(f"/api/v1/campaigns/{campaign.pk}/resume/").status_code == 404
    with pytest.raises(PermissionDenied):
        campaign_resume(campaign=campaign, actor=world.a_reviewer)
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.FAILED


def test_the_portal_stops_polling_a_failed_campaign_and_offers_to_resume_it(
    world, client, campaign_of_two, django_capture_on_commit_callbacks
):
    campaign = campaign_of_two(fail_on=world.s2)
    client.force_login(world.a_officer)
    page = client.get(f"/b/campaigns/{campaign.pk}/progress/").content.decode()
    assert "hx-trigger" not in page
    assert "server closed" in page
    assert f"/b/campaigns/{campaign.pk}/resume/" in page
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(f"/b/campaigns/{campaign.pk}/resume/")
    assert r.status_code == 302
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.DONE
    page = client.get(f"/b/campaigns/{campaign.pk}/progress/").content.decode()
    assert f"/b/campaigns/{campaign.pk}/resume/" not in page


def test_the_failure_and_resume_messages_are_in_chinese(world, campaign_of_two):
    campaign = campaign_of_two(fail_on=None)
    with translation.override("zh-hans"):
        failed = campaign_fail(campaign_id=campaign.pk, exc=OperationalError("gone"))
        assert failed.error.startswith(
            "已向 2 家供应商中的 2 家发出后中断（OperationalError: gone）"
        )
        assert gettext("Resume the campaign") == "继续批量发放"
        Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.DONE)
        with pytest.raises(Conflict) as refused:
            campaign_resume(campaign=campaign, actor=world.a_officer)
    assert "只有失败的批量发放才能继续" in refused.value.message
