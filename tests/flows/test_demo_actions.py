"""The demo step moves the accepted demo audits' actions into every state."""

from __future__ import annotations

from actions.models import CorrectiveAction
from actions.services import actions_open_for_audit
from activity.models import ActivityEvent
from audits.models import Audit
from flows.demo.actions import seed_actions
from flows.demo.audits import DEMO_TITLE

Status = CorrectiveAction.Status


def test_seed_actions_reaches_every_state_with_overdue_and_is_idempotent(world, accepted_audit):
    for supplier in (world.s1, world.s2, world.s1):
        audit = accepted_audit(buyer=world.buyer_a, supplier=supplier, reviewers=[world.a_reviewer])
        Audit.objects.filter(pk=audit.pk).update(title=DEMO_TITLE)
        actions_open_for_audit(audit=audit)

    moved = seed_actions(None)

    assert len(moved) == 8
    statuses = set(CorrectiveAction.objects.values_list("status", flat=True))
    assert statuses == set(Status.values)
    overdue = CorrectiveAction.objects.overdue()
    assert overdue.count() == 2
    assert set(overdue.values_list("severity", flat=True)) == {"critical"}
    verbs = set(ActivityEvent.objects.values_list("verb", flat=True))
    assert {
        "action.plan_rejected",
        "action.evidence_rejected",
        "action.due_date_extended",
        "action.comment",
    } <= verbs
    assert ActivityEvent.objects.filter(verb="action.comment", internal=True).exists()

    assert seed_actions(None) == []
