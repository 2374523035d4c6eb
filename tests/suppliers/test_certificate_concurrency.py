"""Two buyers verifying one certificate at the same moment: one wins, the other gets the
conflict; two reminder runs at once send one mail (PostgreSQL, real transactions)."""

from __future__ import annotations

import datetime
import threading
from collections.abc import Callable

import pytest
from django.db import connection, connections

from activity.models import ActivityEvent
from backend.errors import Conflict
from suppliers.certificates import certificate_create, certificate_verify
from suppliers.certificates import send_certificate_reminders as remind
from suppliers.models import Certificate

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _race(*calls: Callable[[], object]) -> tuple[list[object], list[BaseException]]:
    barrier = threading.Barrier(len(calls))
    results: list[object] = []
    errors: list[BaseException] = []

    def run(call: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=10)
            results.append(call())
        except BaseException as exc:  # reported in the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results, errors


def _cert(supplier, valid_to: datetime.date) -> Certificate:
    return certificate_create(
        supplier=supplier,
        actor=None,
        kind="iso45001",
        issuer="Body",
        number="H-1",
        valid_from=datetime.date(2025, 1, 1),
        valid_to=valid_to,
    )


def test_concurrent_verifications_record_one(world):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    for _round in range(4):
        cert = _cert(world.s1, datetime.date(2030, 1, 1))
        results, errors = _race(
            lambda cert=cert: certificate_verify(certificate=cert, actor=world.a_officer),
            lambda cert=cert: certificate_verify(certificate=cert, actor=world.b_officer),
        )
        assert len(results) == 1 and [type(e) for e in errors] == [Conflict]
        assert (
            ActivityEvent.objects.filter(
                verb="certificate.verified", data__certificate=cert.pk
            ).count()
            == 1
        )


def test_concurrent_reminder_runs_mail_once(world):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    today = datetime.date(2026, 6, 1)
    cert = _cert(world.s1, datetime.date(2026, 6, 10))
    results, errors = _race(lambda: remind(today=today), lambda: remind(today=today))
    assert errors == [] and sorted(results) == [0, 1]  # type: ignore[type-var]
    assert Certificate.objects.get(pk=cert.pk).reminded_for == cert.valid_to
