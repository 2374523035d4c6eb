"""Evidence files: nothing stays in the storage when the transaction that wrote it rolls back;
stored names carry the detected type's extension; a file lost from the storage is a 404 with a
message."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError

from actions import services as action_services
from actions.models import ActionEvidence, CorrectiveAction
from audits.models import Evidence
from audits.services.evidence import atomic_with_files, evidence_upload
from tests.audits.conftest import office_bytes

from .conftest import PDF_BYTES, stored_files, upload

PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


def test_an_upload_that_fails_after_writing_the_file_leaves_no_file(world, issue, monkeypatch):
    audit = issue()

    def broken_event(**kwargs):
        raise DatabaseError("could not write the event")

    monkeypatch.setattr("audits.services.evidence.evidence_uploaded", broken_event)
    with pytest.raises(DatabaseError):
        evidence_upload(
            audit=audit,
            question_code="MGT_01",
            file=upload("policy.pdf", PDF_BYTES),
            actor=world.s1_admin,
        )
    assert not Evidence.objects.exists()
    assert stored_files() == []


def test_a_rolled_back_block_of_uploads_leaves_no_file(world, issue):
    audit = issue()
    with pytest.raises(RuntimeError), atomic_with_files():
        for name in ("a.pdf", "b.pdf"):
            evidence_upload(
                audit=audit,
                question_code="MGT_01",
                file=upload(name, PDF_BYTES),
                actor=world.s1_admin,
            )
        assert len(stored_files()) == 2
        raise RuntimeError("something after the uploads fails")
    assert not Evidence.objects.exists()
    assert stored_files() == []


def test_a_corrective_action_submission_with_one_bad_file_stores_nothing(world, opened):
    _audit, actions = opened()
    action = actions["F_HOURS"]
    CorrectiveAction.objects.filter(pk=action.pk).update(
        status=CorrectiveAction.Status.PLAN_ACCEPTED
    )
    with pytest.raises(ValidationError) as rejected:
        action_services.action_submit_evidence(
            action=action,
            actor=world.s1_respondent,
            completion_note="Rota changed",
            files=[upload("rota.pdf", PDF_BYTES), upload("notes.pdf", b"plain text")],
        )
    assert "notes.pdf" in str(rejected.value)
    assert not ActionEvidence.objects.exists()
    assert stored_files() == []


def test_a_committed_upload_keeps_its_file(world, issue):
    evidence = evidence_upload(
        audit=issue(),
        question_code="MGT_01",
        file=upload("policy.pdf", PDF_BYTES),
        actor=world.s1_admin,
    )
    assert stored_files() == [evidence.file.name]


@pytest.mark.parametrize(
    ("name", "content", "extension"),
    [
        ("policy.pdf", PDF_BYTES, ".pdf"),
        ("scan.pdf", PNG_BYTES, ".png"),  # the bytes decide, not the name
        ("report", office_bytes("word"), ".docx"),
        ("figures.bin", office_bytes("xl"), ".xlsx"),
    ],
)
def test_stored_names_end_with_the_detected_type(world, api, issue, name, content, extension):
    audit = issue()
    r = api(world.s1_admin).post(
        f"/api/v1/audits/{audit.pk}/evidence/",
        {"question": "MGT_01", "file": upload(name, content)},
        format="multipart",
    )
    assert r.status_code == 201, r.content
    stored = Evidence.objects.get().file.name
    assert stored.endswith(extension)
    assert stored.rsplit("/", 1)[-1].count(".") == 1
    assert stored_files() == [stored]


def test_a_file_missing_from_the_storage_is_a_404_with_a_message(world, api, issue, client):
    audit = issue()
    evidence = evidence_upload(
        audit=audit,
        question_code="MGT_01",
        file=upload("policy.pdf", PDF_BYTES),
        actor=world.s1_admin,
    )
    evidence.file.storage.delete(evidence.file.name)

    r = api(world.a_officer).get(f"/api/v1/audits/{audit.pk}/evidence/{evidence.pk}/")
    assert r.status_code == 404
    assert r.json()["code"] == "file_missing"
    assert "policy.pdf" in r.json()["detail"]

    client.force_login(world.s1_admin)
    r = client.get(f"/s/audits/{audit.pk}/files/{evidence.pk}/")
    assert r.status_code == 404
    assert "policy.pdf" in r.json()["detail"]
