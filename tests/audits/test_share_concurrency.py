"""Two grants of the same assessment to the same buyer at once: one share, one 409."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from audits.models import Share
from audits.services.shares import share_publish
from backend.errors import Conflict
from tests.factories import make_accepted_audit


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_publications_make_one_share(world, version, ruleset):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    for _round in range(4):
        audit = make_accepted_audit(
            buyer=world.buyer_a, supplier=world.s1, version=version, ruleset=ruleset
        )
        barrier = threading.Barrier(2)
        outcomes: list[object] = []

        def publish(audit=audit, barrier=barrier, outcomes=outcomes):
            try:
                barrier.wait(timeout=10)
                outcomes.append(
                    share_publish(actor=world.s1_admin, audit=audit, buyer=world.buyer_b)
                )
            except Conflict as exc:
                outcomes.append(exc)
            except BaseException as exc:  # reported below, in the main thread
                outcomes.append(exc)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=publish) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
        assert sorted(type(o).__name__ for o in outcomes) == ["Conflict", "Share"]
        assert Share.objects.filter(audit=audit, buyer=world.buyer_b).count() == 1
