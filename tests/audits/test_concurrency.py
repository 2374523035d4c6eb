"""Two respondents saving different questions at the same time both keep their answers."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from audits.models import Answer
from audits.services.audits import answers_save


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_saves_of_different_questions_both_survive(world, issue):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    for round_ in range(6):
        audit = issue()
        if round_ % 2:
            # already in progress: the saves take only the shared lock on the audit row
            answers_save(audit=audit, answers=[{"question": "EMP_02", "value": "no"}], actor=None)
            audit.refresh_from_db()
        barrier = threading.Barrier(2)
        errors: list[BaseException] = []

        def save(user, code, value, audit=audit, barrier=barrier, errors=errors):
            try:
                barrier.wait(timeout=10)
                answers_save(audit=audit, answers=[{"question": code, "value": value}], actor=user)
            except BaseException as exc:  # reported below, in the main thread
                errors.append(exc)
            finally:
                connections.close_all()

        threads = [
            threading.Thread(target=save, args=(world.s1_admin, "EMP_01", "partial")),
            threading.Thread(target=save, args=(world.s1_admin, "EMP_04", 45)),
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
        assert errors == []
        values = dict(Answer.objects.filter(audit=audit).values_list("question__code", "value"))
        values.pop("EMP_02", None)
        assert values == {"EMP_01": "partial", "EMP_04": 45}
        audit.refresh_from_db()
        assert audit.status == "in_progress"
        assert audit.events.filter(verb="audit.started").count() == 1
