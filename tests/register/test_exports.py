"""Export jobs: create, progress, download, visibility, expiry."""

from __future__ import annotations

import datetime
import io
import json

import openpyxl
import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from activity.models import ActivityEvent
from register import services as exports
from register.models import ExportJob
from register.services import export_create, export_purge_expired, export_run
from register.tasks import purge_expired_exports_task

URL = "/api/v1/exports/"


def post_export(client, capture, payload):
    """POST, then run what was queued on commit (the test transaction never commits) and
    return the job as the API shows it afterwards."""
    with capture(execute=True):
        response = client.post(URL, payload, format="json")
    if response.status_code != 202:
        return response
    assert response.json()["status"] in ("queued", "done")
    return client.get(response.json()["urls"]["self"])


def test_create_export_runs_in_process_and_downloads(
    reg, api, django_capture_on_commit_callbacks, settings
):
    settings.FAIRLINK_EXPORT_TTL_HOURS = 6
    client = api(reg.world.a_officer)
    response = post_export(
        client,
        django_capture_on_commit_callbacks,
        {"format": "xlsx", "filters": {"criticality": ["high"]}, "language": "en"},
    )
    assert response.status_code == 200, response.content
    job = response.json()
    assert job["status"] == "done"
    assert job["progress"] == 100
    assert job["rows"] == 2
    assert job["filters"] == {"criticality": ["high"]}
    assert job["urls"]["download"] == f"/api/v1/exports/{job['id']}/download/"
    row = ExportJob.objects.get(pk=job["id"])
    assert row.expires_at - row.finished_at == datetime.timedelta(hours=6)
    assert row.file.name.startswith("exports/")
    assert "acme" not in row.file.name  # random stored name
    assert ActivityEvent.objects.filter(verb="export_requested", organization=reg.world.buyer_a)

    detail = client.get(job["urls"]["self"])
    assert detail.status_code == 200 and detail.json()["status"] == "done"

    download = client.get(job["urls"]["download"])
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith(
        'attachment; filename="fairlink-risk-register-acme-retail-'
    )
    wb = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    names = {r[1] for r in wb["Register"].iter_rows(min_row=2, values_only=True)}
    assert names == {reg.world.s1.name, reg.s3.name}


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_csv_and_json_exports(reg, api, django_capture_on_commit_callbacks, fmt):
    client = api(reg.world.a_admin)
    job = post_export(client, django_capture_on_commit_callbacks, {"format": fmt}).json()
    content = b"".join(client.get(job["urls"]["download"]).streaming_content)
    if fmt == "csv":
        assert content.startswith(b"\xef\xbb\xbf")
        assert "深圳市绿叶电子有限公司" in content.decode("utf-8")
    else:
        body = json.loads(content)
        assert len(body["register"]) == 5


def test_progress_is_reported_while_writing(reg, monkeypatch):
    seen: list[int] = []
    real_write = exports.register_write

    def spy(*args, progress=None, **kwargs):
        def record(percent):
            progress(percent)
            seen.append(ExportJob.objects.get(pk=job.pk).progress)

        return real_write(*args, progress=record, **kwargs)

    monkeypatch.setattr(exports, "register_write", spy)
    job = ExportJob.objects.create(buyer=reg.world.buyer_a, format="xlsx")
    export_run(job_id=job.pk)
    assert seen == sorted(seen) and seen[0] >= 10 and seen[-1] == 99
    assert ExportJob.objects.get(pk=job.pk).progress == 100


def test_list_shows_only_the_callers_buyers_jobs(reg, api, django_assert_max_num_queries):
    for _ in range(3):
        ExportJob.objects.create(buyer=reg.world.buyer_a, format="csv")
    ExportJob.objects.create(buyer=reg.world.buyer_b, format="csv")
    with django_assert_max_num_queries(8):
        body = api(reg.world.a_admin).get(URL).json()
    assert body["count"] == 3
    for _ in range(20):
        ExportJob.objects.create(buyer=reg.world.buyer_a, format="csv")
    with django_assert_max_num_queries(8):
        assert api(reg.world.a_admin).get(URL).json()["count"] == 23


def test_another_buyers_job_is_404(reg, api, django_capture_on_commit_callbacks):
    job = post_export(
        api(reg.world.a_admin), django_capture_on_commit_callbacks, {"format": "csv"}
    ).json()
    other = api(reg.world.b_admin)
    assert other.get(job["urls"]["self"]).status_code == 404
    assert other.get(job["urls"]["download"]).status_code == 404


@pytest.mark.parametrize("who", ["a_reviewer", "s1_admin", "s2_respondent"])
def test_reviewers_and_suppliers_cannot_export(reg, api, who):
    client = api(getattr(reg.world, who))
    assert client.post(URL, {"format": "xlsx"}, format="json").status_code == 403
    assert client.get(URL).status_code == 403
    job = ExportJob.objects.create(buyer=reg.world.buyer_a, format="csv")
    assert client.get(f"{URL}{job.pk}/").status_code == 404


def test_bad_input_is_400_and_creates_nothing(reg, api):
    client = api(reg.world.a_admin)
    response = client.post(URL, {"format": "pdf"}, format="json")
    assert response.status_code == 400 and "format" in response.json()["errors"]
    response = client.post(
        URL, {"filters": {"rating": ["dreadful"], "colour": "red"}}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"filters.rating", "filters.colour"}
    assert not ExportJob.objects.exists()


def test_download_before_done_is_409(reg, api):
    client = api(reg.world.a_admin)
    for status in ("queued", "running", "failed"):
        job = ExportJob.objects.create(buyer=reg.world.buyer_a, format="csv", status=status)
        response = client.get(f"{URL}{job.pk}/download/")
        assert response.status_code == 409
        assert response.json()["code"] == "export_not_ready"


def test_expired_download_is_410_and_purge_removes_the_file(reg, api, monkeypatch, settings):
    settings.FAIRLINK_EXPORT_TTL_HOURS = 24
    start = timezone.make_aware(datetime.datetime(2025, 3, 1, 9, 0))
    job = export_create(buyer=reg.world.buyer_a, actor=reg.world.a_admin, format="csv")
    job = export_run(job_id=job.pk, now=start)
    assert job.expires_at == start + datetime.timedelta(hours=24)
    name = job.file.name
    assert default_storage.exists(name)
    client = api(reg.world.a_admin)
    url = f"{URL}{job.pk}/download/"

    monkeypatch.setattr(timezone, "now", lambda: start + datetime.timedelta(hours=23))
    assert client.get(url).status_code == 200
    assert export_purge_expired(now=start + datetime.timedelta(hours=23)) == 0

    monkeypatch.setattr(timezone, "now", lambda: start + datetime.timedelta(hours=25))
    response = client.get(url)
    assert response.status_code == 410
    assert response.json()["code"] == "expired"
    assert client.get(f"{URL}{job.pk}/").json()["expired"] is True

    assert purge_expired_exports_task() == 1
    job.refresh_from_db()
    assert job.status == "expired" and not job.file
    assert not default_storage.exists(name)
    assert client.get(url).status_code == 410


def test_failed_export_records_the_error(reg, monkeypatch):
    def broken(**kwargs):
        raise ValueError("boom")

    monkeypatch.setattr(exports, "register_build", broken)
    job = ExportJob.objects.create(buyer=reg.world.buyer_a, format="xlsx")
    job = export_run(job_id=job.pk)
    assert job.status == "failed" and job.error == "boom" and not job.file


def test_run_twice_does_nothing_the_second_time(reg):
    job = ExportJob.objects.create(buyer=reg.world.buyer_a, format="csv")
    first = export_run(job_id=job.pk)
    second = export_run(job_id=job.pk)
    assert first.status == second.status == "done"
    assert first.file.name == second.file.name
