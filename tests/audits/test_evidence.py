"""Evidence: type by content, size limit, sha256, random names, permission-checked download."""

from __future__ import annotations

import hashlib

import pytest

from audits.models import Evidence
from audits.services.audits import audit_cancel
from audits.services.evidence import DOCX, XLSX, validate_upload

from .conftest import PDF_BYTES, PNG_BYTES, office_bytes, upload


def post(api, user, audit, name, content, code="MGT_01"):
    return api(user).post(
        f"/api/v1/audits/{audit.pk}/evidence/",
        {"question": code, "file": upload(name, content)},
        format="multipart",
    )


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (PDF_BYTES, "application/pdf"),
        (PNG_BYTES, "image/png"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32, "image/jpeg"),
        (office_bytes("word"), DOCX),
        (office_bytes("xl"), XLSX),
    ],
)
def test_allowed_types_are_recognised_by_content(content, expected):
    content_type, size, sha = validate_upload(upload("whatever.bin", content))
    assert (content_type, size, sha) == (
        expected,
        len(content),
        hashlib.sha256(content).hexdigest(),
    )


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("policy.pdf", b"MZ\x90\x00 this is an executable"),
        ("sheet.xlsx", office_bytes("other")),
        ("notes.pdf", b"plain text pretending"),
        ("empty.pdf", b""),
    ],
)
def test_disguised_or_empty_files_are_refused(world, api, issue, name, content):
    audit = issue()
    r = post(api, world.s1_admin, audit, name, content)
    assert r.status_code == 400
    assert "file" in r.json()["errors"]
    assert not Evidence.objects.exists()


def test_size_limit_comes_from_settings(world, api, issue, settings):
    settings.FAIRLINK_EVIDENCE_MAX_BYTES = 50
    r = post(api, world.s1_admin, issue(), "big.pdf", PDF_BYTES + b"0" * 100)
    assert r.status_code == 400
    assert "limit" in r.json()["errors"]["file"][0]


def test_upload_records_hash_and_random_name_and_downloads_for_parties_only(world, api, issue):
    audit = issue()
    r = post(api, world.s1_admin, audit, "../../etc/policy.pdf", PDF_BYTES)
    assert r.status_code == 201
    evidence = Evidence.objects.get()
    assert evidence.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
    assert "policy" not in evidence.file.name and evidence.file.name.startswith("evidence/")
    assert evidence.original_name == "policy.pdf"
    url = f"/api/v1/audits/{audit.pk}/evidence/{evidence.pk}/"
    response = api(world.a_officer).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert api(world.b_officer).get(url).status_code == 404
    assert api(world.s2_admin).get(url).status_code == 404
    listing = api(world.s1_admin).get(f"/api/v1/audits/{audit.pk}/evidence/").json()
    assert [e["id"] for e in listing] == [evidence.pk]


def test_question_must_take_evidence(world, api, issue):
    r = post(api, world.s1_admin, issue(), "p.pdf", PDF_BYTES, code="EMP_01")
    assert r.status_code == 400
    assert "takes no evidence" in r.json()["errors"]["question"][0]


def test_buyer_cannot_upload_or_delete(world, api, issue):
    audit = issue()
    assert post(api, world.a_officer, audit, "p.pdf", PDF_BYTES).status_code == 403
    post(api, world.s1_admin, audit, "p.pdf", PDF_BYTES)
    evidence = Evidence.objects.get()
    url = f"/api/v1/audits/{audit.pk}/evidence/{evidence.pk}/"
    assert api(world.a_officer).delete(url).status_code == 403


def test_delete_while_editable_then_conflict(world, api, issue, django_capture_on_commit_callbacks):
    audit = issue()
    post(api, world.s1_admin, audit, "a.pdf", PDF_BYTES)
    post(api, world.s1_admin, audit, "b.pdf", PDF_BYTES)
    first, second = Evidence.objects.order_by("pk")
    storage, name = first.file.storage, first.file.name
    with django_capture_on_commit_callbacks(execute=True):
        r = api(world.s1_admin).delete(f"/api/v1/audits/{audit.pk}/evidence/{first.pk}/")
    assert r.status_code == 204
    assert not storage.exists(name)
    audit_cancel(audit=audit, reason="stop", actor=world.a_officer)
    r = api(world.s1_admin).delete(f"/api/v1/audits/{audit.pk}/evidence/{second.pk}/")
    assert r.status_code == 409
    assert post(api, world.s1_admin, audit, "c.pdf", PDF_BYTES).status_code == 409
