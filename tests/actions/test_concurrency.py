"""Two reviewers deciding the same plan at once: one wins, the other gets a conflict."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from actions import services as services
from actions.models import CorrectiveAction
from activity.models import ActivityEvent
from backend.errors import InvalidTransition


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_accept_and_reject_of_one_plan(world, opened):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    _, actions = opened()
    for action in actions.values():
        services.action_submit_plan(
            action=action,
            actor=world.s1_admin,
            root_cause="r",
            plan="p",
            responsible_person="x",
            target_date=action.due_date,
        )
        barrier = threading.Barrier(2)
        outcomes: list[object] = []

        def decide(move, action=action, barrier=barrier, outcomes=outcomes):
            try:
                barrier.wait(timeout=10)
                move(action)
                outcomes.append("ok")
            except InvalidTransition as exc:
                outcomes.append(exc)
            except BaseException as exc:  # reported below, in the main thread
                outcomes.append(("error", exc))
            finally:
                connections.close_all()

        threads = [
            threading.Thread(
                target=decide,
                args=(lambda a: services.action_accept_plan(action=a, actor=world.a_officer),),
            ),
            threading.Thread(
                target=decide,
                args=(
                    lambda a: services.action_reject_plan(
                        action=a, actor=world.a_reviewer, comment="no"
                    ),
                ),
            ),
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)

        assert outcomes.count("ok") == 1, outcomes
        assert sum(isinstance(o, InvalidTransition) for o in outcomes) == 1, outcomes
        decisions = ActivityEvent.objects.filter(
            corrective_action=action, verb__in=["action.plan_accepted", "action.plan_rejected"]
        )
        assert decisions.count() == 1
        action.refresh_from_db()
        assert action.status == decisions.get().to_status
        assert action.status in (
            CorrectiveAction.Status.PLAN_ACCEPTED,
            CorrectiveAction.Status.OPEN,
        )
