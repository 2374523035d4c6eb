"""Faults: the broker down, a worker killed in the middle of a campaign or an export, the
database refusing a write, the storage refusing a file. Nothing half-done is left visible,
nothing committed is lost, and the work resumes or fails visibly."""

from __future__ import annotations

import datetime
import logging

import pytest
from django.db import IntegrityError, OperationalError
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerDown

import audits.services.campaigns as campaign_services
import register.services as export_services
from accounts.models import Invitation
from activity.models import ActivityEvent
from audits.models import Audit, Campaign, Evidence
from audits.tasks import process_campaign_task
from register.models import ExportJob
from register.tasks import run_export_task
from scoring.models import Score

from .conftest import PDF_BYTES, stored_files, upload


class WorkerKilled(BaseException):
    """What a killed worker looks like from inside: the run stops where it is, nothing after
    runs (not even ``except Exception``), and the open transaction is rolled back."""


def _broker_down(*args, **kwargs):
    raise BrokerDown("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


def _due() -> str:
    return (timezone.localdate() + datetime.timedelta(days=30)).isoformat()


# --- broker down -----------------------------------------------------------------------------


def test_a_campaign_created_while_the_broker_is_down_is_failed_and_resumable(
    world, api, version, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(process_campaign_task, "delay", _broker_down)
    client = api(world.a_officer)
    body = {
        "name": "Spring check",
        "questionnaire_version": version.pk,
        "due_date": _due(),
        "supplier_ids": [world.s1.pk, world.s2.pk],
    }
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post("/api/v1/campaigns/", body, format="json")
    assert r.status_code == 202, r.content
    detail = client.get(f"/api/v1/campaigns/{r.json()['id']}/").json()
    assert detail["status"] == "failed"
    assert "Connection refused" in detail["error"]
    assert not Audit.objects.filter(campaign_id=detail["id"]).exists()

    monkeypatch.undo()  # the broker is back (in tests: tasks run in-process)
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(f"/api/v1/campaigns/{detail['id']}/resume/")
    assert r.status_code == 202, r.content
    campaign = Campaign.objects.get(pk=detail["id"])
    assert (campaign.status, campaign.processed) == (Campaign.Status.DONE, 2)
    assert Audit.objects.filter(campaign=campaign).count() == 2


def test_an_export_requested_while_the_broker_is_down_fails_visibly(
    world, api, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(run_export_task, "delay", _broker_down)
    client = api(world.a_officer)
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post("/api/v1/exports/", {"format": "csv"}, format="json")
    assert r.status_code == 202, r.content
    job = client.get(f"/api/v1/exports/{r.json()['id']}/").json()
    assert job["status"] == "failed"
    assert "Ask for it again" in job["error"]
    assert client.get(f"/api/v1/exports/{job['id']}/download/").status_code == 409


def test_an_invitation_made_while_the_broker_is_down_is_kept(
    world, api, broker, caplog, django_capture_on_commit_callbacks
):
    broker(up=False)
    with django_capture_on_commit_callbacks(execute=True):
        r = api(world.s1_admin).post(
            f"/api/v1/organizations/{world.s1.pk}/members/",
            {"email": world.s2_admin.email, "role": "respondent"},
            format="json",
        )
    assert r.status_code == 201, r.content
    assert Invitation.objects.filter(organization=world.s1, email=world.s2_admin.email).exists()
    assert any(
        "accounts/email/invitation" in rec.getMessage()
        for rec in caplog.records
        if rec.name == "accounts.mail" and rec.levelno >= logging.ERROR
    )


# --- a worker killed in the middle -----------------------------------------------------------


@pytest.fixture
def campaign_killed_at_s2(
    world, version, monkeypatch, settings, django_capture_on_commit_callbacks
):
    """``make(chunk)``: a campaign to s1 then s2 whose worker dies while issuing to s2."""

    def make(chunk: int) -> Campaign:
        settings.FAIRLINK_CAMPAIGN_CHUNK = chunk
        issue_many = campaign_services.issue_many

        def dying(*, campaign, suppliers):
            audits = issue_many(campaign=campaign, suppliers=suppliers)
            if world.s2 in suppliers:
                raise WorkerKilled
            return audits

        monkeypatch.setattr(campaign_services, "issue_many", dying)
        with pytest.raises(WorkerKilled), django_capture_on_commit_callbacks(execute=True):
            campaign_services.campaign_create(
                actor=world.a_officer,
                name="Spring check",
                questionnaire_version=version,
                due_date=timezone.localdate() + datetime.timedelta(days=30),
                supplier_ids=[world.s1.pk, world.s2.pk],
            )
        monkeypatch.setattr(campaign_services, "issue_many", issue_many)
        return Campaign.objects.get(name="Spring check")

    return make


@pytest.mark.parametrize("chunk", [1, 100])
def test_a_campaign_whose_worker_died_shows_nothing_half_done_and_resumes(
    world, campaign_killed_at_s2, chunk
):
    campaign = campaign_killed_at_s2(chunk)
    issued = list(Audit.objects.filter(campaign=campaign).values_list("supplier_id", flat=True))
    # what the dying chunk wrote is gone (the s2 audit, its events); earlier chunks stay
    assert world.s2.pk not in issued
    assert campaign.status == Campaign.Status.RUNNING
    assert campaign.processed == len(issued) == (1 if chunk == 1 else 0)
    assert not ActivityEvent.objects.filter(audit__supplier=world.s2).exists()

    # the task is redelivered to another worker (acks late), or an operator resumes it
    assert process_campaign_task(campaign.pk) == 2
    campaign.refresh_from_db()
    assert (campaign.status, campaign.processed, campaign.error) == ("done", 2, "")
    audits = Audit.objects.filter(campaign=campaign)
    assert sorted(audits.values_list("supplier_id", flat=True)) == [world.s1.pk, world.s2.pk]
    assert all(a.status == Audit.Status.SENT for a in audits)
    # idempotent: running it once more changes nothing
    assert process_campaign_task(campaign.pk) == 2
    assert Audit.objects.filter(campaign=campaign).count() == 2


def test_an_export_whose_worker_died_shows_nothing_and_runs_again(world, api, monkeypatch):
    client = api(world.a_officer)
    job = export_services.export_create(buyer=world.buyer_a, actor=world.a_officer, format="csv")
    write = export_services.register_write

    def dying(tables, target, **kwargs):
        target.write(b"half a file")
        raise WorkerKilled

    monkeypatch.setattr(export_services, "register_write", dying)
    with pytest.raises(WorkerKilled):
        run_export_task(job.pk)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.RUNNING
    assert not job.file
    assert stored_files() == []
    assert client.get(f"/api/v1/exports/{job.pk}/download/").status_code == 409

    monkeypatch.setattr(export_services, "register_write", write)
    assert run_export_task(job.pk) == "done"  # the redelivered task
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE and job.progress == 100
    assert stored_files() == [job.file.name]
    download = client.get(f"/api/v1/exports/{job.pk}/download/")
    assert download.status_code == 200
    assert b"half a file" not in b"".join(download.streaming_content)
    assert run_export_task(job.pk) == "done"  # a late duplicate does nothing more
    assert stored_files() == [job.file.name]


# --- the database refusing a write -----------------------------------------------------------


@pytest.mark.parametrize(
    ("error", "status", "code"),
    [
        (OperationalError("could not serialize access"), 503, "database_unavailable"),
        (IntegrityError("duplicate key value violates unique constraint"), 409, "write_conflict"),
    ],
)
def test_a_submit_the_database_refuses_changes_nothing_and_says_so(
    world, api, ready, monkeypatch, error, status, code
):
    audit = ready()

    def refused(**kwargs):
        raise error

    # the audit is already moved to submitted in the transaction when scoring fails
    monkeypatch.setattr("flows.services.score_audit", refused)
    r = api(world.s1_admin).post(f"/api/v1/audits/{audit.pk}/submit/")
    assert r.status_code == status, r.content
    assert r.json()["code"] == code
    assert "nothing was saved" in r.json()["detail"]
    audit.refresh_from_db()
    assert audit.status == Audit.Status.IN_PROGRESS
    assert audit.submitted_at is None
    assert not Score.objects.filter(audit=audit).exists()
    assert not ActivityEvent.objects.filter(audit=audit, verb="audit.submitted").exists()

    monkeypatch.undo()
    assert api(world.s1_admin).post(f"/api/v1/audits/{audit.pk}/submit/").status_code == 200


def test_a_campaign_the_database_refuses_mid_way_keeps_what_was_issued(
    world, version, monkeypatch, settings
):
    """The chunk being written rolls back; the campaign says how far it got and why."""
    settings.FAIRLINK_CAMPAIGN_CHUNK = 1
    issue_many = campaign_services.issue_many

    def refused(*, campaign, suppliers):
        audits = issue_many(campaign=campaign, suppliers=suppliers)
        if world.s2 in suppliers:
            raise OperationalError("terminating connection due to administrator command")
        return audits

    monkeypatch.setattr(campaign_services, "issue_many", refused)
    campaign = campaign_services.campaign_create(
        actor=world.a_officer,
        name="Autumn check",
        questionnaire_version=version,
        due_date=timezone.localdate() + datetime.timedelta(days=30),
        supplier_ids=[world.s1.pk, world.s2.pk],
    )
    process_campaign_task(campaign.pk)
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.FAILED
    assert "administrator command" in campaign.error and campaign.processed == 1
    # the s2 audit was created, then its send refused: none of it stays
    assert list(Audit.objects.filter(campaign=campaign).values_list("supplier_id", "status")) == [
        (world.s1.pk, Audit.Status.SENT)
    ]


# --- the storage refusing a file -------------------------------------------------------------


@pytest.mark.parametrize(
    "error", [OSError(28, "No space left on device"), PermissionError(13, "Permission denied")]
)
def test_an_upload_the_storage_refuses_is_a_clear_error_and_records_nothing(
    world, api, issue, monkeypatch, error
):
    audit = issue()

    def refusing(self, name, content):
        raise error

    monkeypatch.setattr("django.core.files.storage.FileSystemStorage._save", refusing)
    r = api(world.s1_admin).post(
        f"/api/v1/audits/{audit.pk}/evidence/",
        {"question": "MGT_01", "file": upload("policy.pdf", PDF_BYTES)},
        format="multipart",
    )
    assert r.status_code == 400, r.content
    assert "could not be stored" in r.json()["errors"]["file"][0]
    assert not Evidence.objects.filter(audit=audit).exists()
    assert not ActivityEvent.objects.filter(audit=audit, verb="evidence.uploaded").exists()
    assert stored_files() == []

    monkeypatch.undo()
    r = api(world.s1_admin).post(
        f"/api/v1/audits/{audit.pk}/evidence/",
        {"question": "MGT_01", "file": upload("policy.pdf", PDF_BYTES)},
        format="multipart",
    )
    assert r.status_code == 201, r.content
