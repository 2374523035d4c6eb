"""Many suppliers at once on PostgreSQL: ten suppliers save answers and upload evidence in
parallel while the buyer reads its lists and one supplier submits (with a late upload racing
the submission). Afterwards every answer and file saved is there, each file in the storage,
and the submitted audit is complete (DESIGN section 4)."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection, connections

from accounts.models import Membership
from audits.models import Answer, Audit, Evidence
from audits.services.audits import answers_save
from audits.services.evidence import evidence_upload
from backend.errors import Conflict
from flows.services import audit_submit
from tests.factories import link_supplier, make_member, make_supplier

from .conftest import COMPLETE, PDF_BYTES, stored_files, upload

SUPPLIERS = 10
ROUNDS = 3  # answer batches per supplier, each followed by an upload

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL: SQLite serializes writers, so there is no concurrency to test"
        )


def _run_all(jobs: list[Callable[[], object]]) -> list[object]:
    """Start every job at once (a barrier), wait for all; returns each result or exception."""
    barrier = threading.Barrier(len(jobs))
    results: list[object] = [None] * len(jobs)

    def run(i: int, job: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=30)
            results[i] = job()
        except BaseException as exc:  # reported to the main thread
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a worker thread hung"
    return results


def test_many_suppliers_answer_and_upload_while_the_buyer_reads_and_one_submits(
    world, api, issue, postgres_only
):
    # given ten suppliers of buyer A, each with an audit and an admin answering it
    suppliers = [world.s1] + [
        make_supplier(name=f"Supplier {i}", legal_id=f"9144030000C{i:05d}", size_class="small")
        for i in range(1, SUPPLIERS)
    ]
    for supplier in suppliers[1:]:
        link_supplier(world.buyer_a, supplier)
    admins = [world.s1_admin] + [
        make_member(supplier, Membership.Role.ADMIN) for supplier in suppliers[1:]
    ]
    audits = [issue(supplier=supplier) for supplier in suppliers]
    # the first supplier's audit is ready to submit but for its late optional upload
    submitter = late_uploader = world.s1_admin
    answers_save(audit=audits[0], answers=COMPLETE, actor=submitter)
    evidence_upload(
        audit=audits[0],
        question_code="MGT_01",
        file=upload("policy.pdf", PDF_BYTES),
        actor=submitter,
    )
    done = threading.Event()

    def answer(audit: Audit, admin) -> int:
        uploaded = 0
        for round_ in range(ROUNDS):
            batch = COMPLETE[round_::ROUNDS] or COMPLETE[:1]
            answers_save(audit=audit, answers=batch, actor=admin)
            evidence_upload(
                audit=audit,
                question_code="MGT_01",
                file=upload(f"file-{round_}.pdf", PDF_BYTES),
                actor=admin,
            )
            uploaded += 1
        answers_save(audit=audit, answers=COMPLETE, actor=admin)
        return uploaded

    def read_lists() -> list[int]:
        client = api(world.a_officer)
        statuses = []
        while not done.is_set() or not statuses:
            for url in ("/api/v1/audits/", "/api/v1/corrective-actions/", "/api/v1/campaigns/"):
                statuses.append(client.get(url).status_code)
        return statuses

    def submit() -> Audit:
        return audit_submit(audit=Audit.objects.get(pk=audits[0].pk), actor=submitter)

    def late_upload() -> Evidence:
        return evidence_upload(
            audit=Audit.objects.get(pk=audits[0].pk),
            question_code="ENV_02",
            file=upload("late.pdf", PDF_BYTES),
            actor=late_uploader,
        )

    def writers_then_stop(jobs: list[Callable[[], object]]) -> list[Callable[[], object]]:
        def wrap(job: Callable[[], object]) -> Callable[[], object]:
            def run() -> object:
                try:
                    return job()
                finally:
                    remaining.release()

            return run

        return [wrap(job) for job in jobs]

    remaining = threading.Semaphore(0)
    writers = writers_then_stop(
        [
            *[
                (lambda audit=audit, admin=admin: answer(audit, admin))
                for audit, admin in zip(audits[1:], admins[1:], strict=True)
            ],
            submit,
            late_upload,
        ]
    )

    def stopper() -> None:
        for _ in writers:
            remaining.acquire(timeout=120)
        done.set()

    # when they all run at once
    results = _run_all([*writers, read_lists, stopper])

    # then nothing failed but the late upload, which may lose the race to the submission
    *answered, submitted, late, reads, _ = results
    assert answered == [ROUNDS] * (SUPPLIERS - 1), answered
    assert isinstance(submitted, Audit), submitted
    assert set(reads) == {200}, reads  # type: ignore[arg-type]
    assert isinstance(late, Evidence | Conflict), late

    # every answer and file saved is there, and in the storage
    for audit in audits[1:]:
        values = dict(Answer.objects.filter(audit=audit).values_list("question__code", "value"))
        assert values == {a["question"]: a["value"] for a in COMPLETE}
        assert Evidence.objects.filter(audit=audit, question__code="MGT_01").count() == ROUNDS
        assert Audit.objects.get(pk=audit.pk).status == Audit.Status.IN_PROGRESS
    files = set(stored_files())
    assert {e.file.name for e in Evidence.objects.all()} == files

    # the submitted audit is complete: its answers, its required file, and the late file only
    # if it went in before the submission
    first = Audit.objects.get(pk=audits[0].pk)
    assert first.status == Audit.Status.SUBMITTED
    values = dict(Answer.objects.filter(audit=first).values_list("question__code", "value"))
    assert values == {a["question"]: a["value"] for a in COMPLETE}
    assert Evidence.objects.filter(audit=first, question__code="MGT_01").exists()
    late_files = Evidence.objects.filter(audit=first, question__code="ENV_02")
    if isinstance(late, Conflict):
        assert not late_files.exists()
    else:
        assert late_files.get().created_at <= first.submitted_at
