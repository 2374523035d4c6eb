"""Each tally's migration names its tables and dated states, and counts the rows already
there (``Tally`` backfill): emptied and counted again, a tally equals what its triggers kept."""

from __future__ import annotations

import importlib

import pytest
from django.db import connection

from actions.models import ActionTally, CorrectiveAction
from audits.models import Audit, AuditTally
from scoring.models import Finding, FindingTally
from tests.scoring.test_api_findings import accepted_audit

pytestmark = pytest.mark.django_db

MIGRATIONS = {
    AuditTally: "audits.migrations.0009_tallies",
    ActionTally: "actions.migrations.0002_tallies",
    FindingTally: "scoring.migrations.0004_finding_tally",
}


@pytest.mark.parametrize(
    ("model", "counted", "dated"),
    [
        (AuditTally, Audit, Audit.OVERDUE_STATES),
        (ActionTally, CorrectiveAction, CorrectiveAction.OPEN_STATES),
        (FindingTally, Finding, ()),
    ],
)
def test_each_migration_keeps_its_table_with_the_due_dates_of_the_states_that_can_be_late(
    model, counted, dated
):
    """The migration's states are frozen when it is written: they must be the model's (a
    change of those states needs a migration that re-creates the triggers)."""
    tally = importlib.import_module(MIGRATIONS[model]).TALLY
    assert set(tally.dated_states) == set(dated)
    assert tally.table == counted._meta.db_table
    assert tally.tally_table == model._meta.db_table


def rows(model) -> set[tuple]:
    return set(model.objects.values_list("buyer_id", "status", "due_date", "supplier_id", "n"))


@pytest.mark.parametrize("model", list(MIGRATIONS))
def test_the_migration_counts_the_rows_already_there(world, version, ruleset, model):
    from actions.services import actions_open_for_audit

    for supplier in (world.s1, world.s2):
        audit = accepted_audit(world, version, ruleset, supplier=supplier)
        actions_open_for_audit(audit=audit, actor=world.a_officer)
    kept = rows(model)
    assert kept

    tally = importlib.import_module(MIGRATIONS[model]).TALLY
    model.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute(tally.statements(connection.vendor)[-1])
    assert rows(model) == kept
