"""Draft answer saves commit without waiting for the disk on PostgreSQL
(``FAIRLINK_ASYNC_ANSWER_COMMIT``); every other change, evidence and submissions included,
keeps the synchronous commit."""

from __future__ import annotations

import pytest
from django.db import connection

from audits.services.audits import answers_save
from audits.services.evidence import evidence_upload

from .conftest import upload

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def commit_mode() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        return cursor.fetchone()[0]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")


def in_progress(issue):
    audit = issue()
    answers_save(audit=audit, answers=[{"question": "EMP_02", "value": "no"}], actor=None)
    audit.refresh_from_db()
    assert audit.status == "in_progress"
    return audit


def test_a_draft_answer_save_commits_asynchronously(world, issue, settings):
    # Each test runs inside one transaction: what a save sets for its transaction is seen here.
    audit = in_progress(issue)
    assert commit_mode() == "on"
    answers_save(audit=audit, answers=[{"question": "EMP_01", "value": "no"}], actor=None)
    assert commit_mode() == "off"


def test_the_switch_keeps_answer_saves_synchronous(world, issue, settings):
    settings.FAIRLINK_ASYNC_ANSWER_COMMIT = False
    audit = in_progress(issue)
    answers_save(audit=audit, answers=[{"question": "EMP_01", "value": "no"}], actor=None)
    assert commit_mode() == "on"


def test_evidence_uploads_keep_the_synchronous_commit(world, issue):
    audit = issue()
    evidence_upload(
        audit=audit,
        question_code="MGT_01",
        file=upload("policy.pdf", b"%PDF-1.4 policy", "application/pdf"),
        actor=world.s1_admin,
    )
    assert commit_mode() == "on"
