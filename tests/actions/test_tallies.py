"""The corrective-action tally (``backend.tallies``): kept by database triggers as actions are
opened, moved, extended and deleted; the dashboard counts overdue actions from it."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from actions.models import ActionTally, CorrectiveAction
from actions.services.moves import action_cancel, action_extend_due_date
from tests.audits.conftest import in_days
from tests.audits.test_tallies import live_counts, tallied

pytestmark = pytest.mark.django_db


def assert_tally_holds():
    assert tallied(ActionTally) == live_counts(CorrectiveAction, CorrectiveAction.OPEN_STATES)


def test_opening_moving_and_deleting_actions_keep_the_tally(world, opened):
    audit, actions = opened()
    assert len(actions) > 2
    assert_tally_holds()
    first, second, *_rest = actions.values()
    action_cancel(action=first, actor=world.a_officer, reason="Duplicate")
    action_extend_due_date(
        action=second,
        actor=world.a_officer,
        due_date=second.due_date + datetime.timedelta(days=30),
        reason="Holiday",
    )
    CorrectiveAction.objects.filter(pk__in=[a.pk for a in _rest]).update(due_date=in_days(-5))
    assert_tally_holds()

    today = timezone.localdate()
    expected = CorrectiveAction.objects.filter(buyer=world.buyer_a).overdue(today).count()
    assert expected == len(_rest)
    overdue = ActionTally.objects.overdue(world.buyer_a.pk, CorrectiveAction.OPEN_STATES, today)
    assert overdue == expected

    audit.delete()  # cascades to its findings and actions
    assert_tally_holds()
    assert ActionTally.objects.by_status(world.buyer_a.pk, timezone.localdate())[0] == {}


@pytest.mark.parametrize(
    "query", ["", "status=open", "status=open&status=cancelled", "supplier={s1}", "overdue=true"]
)
def test_the_list_count_from_the_tally_is_the_count_of_the_rows(world, api, opened, query):
    _audit, actions = opened()
    first, *rest = actions.values()
    action_cancel(action=first, actor=world.a_officer, reason="Duplicate")
    CorrectiveAction.objects.filter(pk__in=[a.pk for a in rest]).update(due_date=in_days(-5))
    query = query.format(s1=world.s1.pk)

    for user in (world.a_admin, world.s1_admin, world.a_reviewer):  # tally, then counted
        body = api(user).get(f"/api/v1/corrective-actions/?{query}").json()
        rows = api(user).get(f"/api/v1/corrective-actions/?page_size=500&{query}").json()
        assert body["count"] == len(rows["results"]) > 0, user

    with CaptureQueriesContext(connection) as ctx:
        api(world.a_admin).get(f"/api/v1/corrective-actions/?{query}")
    counted = [q for q in ctx.captured_queries if "SELECT COUNT(*)" in q["sql"]]
    assert bool(counted) == ("overdue" in query)  # the tally does not take that filter
