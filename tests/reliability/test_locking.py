"""One locking rule for every change to an audit's content: answer saves, evidence upload and
delete take the audit's content lock and re-check its state under it, so a submission and a
content change never cross (DESIGN section 4: a submitted audit holds its required files)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

import audits.services.evidence as evidence_services
from audits.models import Audit, Evidence
from audits.services.audits import audit_submit
from audits.services.evidence import evidence_delete, evidence_upload
from backend.errors import Conflict

from .conftest import PDF_BYTES, upload


def _submitted_behind_its_back(audit: Audit) -> None:
    """Another request submitted the audit after this one read it."""
    Audit.objects.filter(pk=audit.pk).update(status=Audit.Status.SUBMITTED)
    assert audit.status == Audit.Status.IN_PROGRESS


def test_upload_rechecks_the_state_under_the_lock(world, ready):
    audit = ready()
    _submitted_behind_its_back(audit)
    with pytest.raises(Conflict) as refused:
        evidence_upload(
            audit=audit,
            question_code="ENV_02",
            file=upload("risk.pdf", PDF_BYTES),
            actor=world.s1_admin,
        )
    assert refused.value.code == "audit_not_editable"
    assert Evidence.objects.filter(audit=audit).count() == 1


def test_delete_rechecks_the_state_under_the_lock(world, ready):
    audit = ready()
    evidence = Evidence.objects.get(audit=audit)
    _submitted_behind_its_back(evidence.audit)
    with pytest.raises(Conflict):
        evidence_delete(evidence=evidence, actor=world.s1_admin)
    assert Evidence.objects.filter(audit=audit).count() == 1


# --- on PostgreSQL, with real concurrent transactions ---------------------------------------


def _race(content_change, submit, pause_at: str, monkeypatch):
    """Run ``content_change`` in a thread that pauses at ``pause_at`` (a name in
    ``audits.services.evidence``) while another thread runs ``submit``; let the change go on
    once the submission has finished or has had a second to do so. Returns the outcome of
    each: ``(change, submit)``, a result or the exception raised."""
    paused, resume = threading.Event(), threading.Event()
    original = getattr(evidence_services, pause_at)

    def pausing(*args, **kwargs):
        paused.set()
        resume.wait(timeout=10)
        return original(*args, **kwargs)

    monkeypatch.setattr(evidence_services, pause_at, pausing)
    outcome: dict[str, object] = {}

    def run(key, work):
        try:
            outcome[key] = work()
        except Exception as exc:  # reported to the main thread
            outcome[key] = exc
        finally:
            connections.close_all()

    change = threading.Thread(target=run, args=("change", content_change))
    change.start()
    assert paused.wait(timeout=10)
    submission = threading.Thread(target=run, args=("submit", submit))
    submission.start()
    submission.join(timeout=1)  # with the lock, the submission waits for the change
    resume.set()
    change.join(timeout=30)
    submission.join(timeout=30)
    return outcome["change"], outcome["submit"]


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_upload_racing_a_submission_is_refused_or_seen(world, ready, monkeypatch, postgres_only):
    audit = ready()
    change, submitted = _race(
        lambda: evidence_upload(
            audit=audit,
            question_code="ENV_02",
            file=upload("risk.pdf", PDF_BYTES),
            actor=world.s1_admin,
        ),
        lambda: audit_submit(audit=audit, actor=world.s1_admin),
        "validate_upload",
        monkeypatch,
    )
    audit.refresh_from_db()
    assert audit.status == Audit.Status.SUBMITTED, submitted
    if isinstance(change, Conflict):
        assert not Evidence.objects.filter(audit=audit, question__code="ENV_02").exists()
    else:
        # the upload went through: it was in the audit before the submission
        assert isinstance(change, Evidence), change
        assert change.created_at < audit.submitted_at


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_delete_racing_a_submission_is_refused_or_seen(world, ready, monkeypatch, postgres_only):
    audit = ready()
    evidence = Evidence.objects.get(audit=audit, question__code="MGT_01")
    change, submitted = _race(
        lambda: evidence_delete(evidence=evidence, actor=world.s1_admin),
        lambda: audit_submit(audit=audit, actor=world.s1_admin),
        "evidence_deleted",
        monkeypatch,
    )
    audit.refresh_from_db()
    required_file = Evidence.objects.filter(audit=audit, question__code="MGT_01").exists()
    if audit.status == Audit.Status.SUBMITTED:
        # the submission went first: the delete is refused and the file stays
        assert isinstance(change, Conflict), change
        assert required_file
    else:
        # the delete went first: the submission saw the file missing and was refused
        assert change is None and not required_file
        assert "MGT_01" in getattr(submitted, "message_dict", {}), submitted
