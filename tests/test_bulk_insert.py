"""backend.bulk.bulk_insert and insert_rows: COPY on PostgreSQL, bulk_create elsewhere; the same
rows."""

from decimal import Decimal

import pytest
from django.utils import timezone

from activity.models import ActivityEvent
from audits.models import Audit
from backend.bulk import bulk_insert, insert_rows
from scoring.models import Score
from tests.factories import make_ruleset, make_version

pytestmark = pytest.mark.django_db


def _audit(world, ruleset) -> Audit:
    return Audit.objects.create(
        buyer=world.buyer_a,
        supplier=world.s1,
        questionnaire_version=make_version(),
        ruleset=ruleset,
        due_date=timezone.localdate(),
    )


def test_rows_go_in_with_their_ids_json_and_timestamps(world):
    ruleset = make_ruleset()
    audit = _audit(world, ruleset)
    scores = [
        Score(
            audit=audit,
            ruleset=ruleset,
            overall="12.5",
            rating="critical",
            categories={"employee": "12.5"},
            trace={"questions": {"Q": {"answer": 'tab\there "quoted" \\ 中文'}}},
            findings=[{"code": "F", "values": {"Q": None}}],
            final=True,
            lean=True,
        )
        for _ in range(3)
    ]

    bulk_insert(Score, scores)
    bulk_insert(
        ActivityEvent,
        [ActivityEvent(verb="score_rescored", audit=audit, data={"score": s.pk}) for s in scores],
    )

    assert all(s.pk for s in scores) and len({s.pk for s in scores}) == 3
    stored = Score.objects.get(pk=scores[1].pk)
    assert stored.trace == scores[1].trace
    assert stored.findings == [{"code": "F", "values": {"Q": None}}]
    assert str(stored.overall) == "12.5" and stored.lean is True
    assert stored.created_at is not None
    events = ActivityEvent.objects.filter(audit=audit, verb="score_rescored")
    assert sorted(e.data["score"] for e in events) == sorted(s.pk for s in scores)
    # The sequence moved on: a plain save after the COPY gets a new id.
    later = Score.objects.create(audit=audit, ruleset=ruleset, rating="low")
    assert later.pk > max(s.pk for s in scores)


def test_bulk_create_beyond_the_protocols_parameter_limit(world):
    """With server-side parameters a statement carries at most 65,535 of them; Django's
    PostgreSQL bulk_create sends one array per column (UNNEST), so 7,000 events of 11 columns
    still go in at once."""
    now = timezone.now()
    events = [
        ActivityEvent(verb="bench.row", organization=world.buyer_a, data={"n": i}, created_at=now)
        for i in range(7000)
    ]
    ActivityEvent.objects.bulk_create(events)
    assert ActivityEvent.objects.filter(verb="bench.row").count() == 7000


def test_insert_rows_from_tuples_returns_ids_in_order_and_fills_defaults(world):
    ruleset = make_ruleset()
    audit = _audit(world, ruleset)
    trace = {"questions": {"Q": {"answer": 'tab\there "quoted" \\ 中文\nline'}}, "n": [1, 2.5]}
    columns = ("audit_id", "ruleset_id", "overall", "rating", "trace", "findings", "lean")
    rows = [
        (audit.pk, ruleset.pk, Decimal("12.5"), "critical", trace, [{"code": "F"}], True),
        (audit.pk, ruleset.pk, None, "not_rated", {}, [], False),
    ]

    ids = insert_rows(Score, columns, rows)
    events = insert_rows(ActivityEvent, ("verb", "audit_id"), [("x", audit.pk)])

    first, second = (Score.objects.get(pk=pk) for pk in ids)
    assert (first.overall, first.rating, first.lean) == (Decimal("12.5"), "critical", True)
    assert first.trace == trace and first.findings == [{"code": "F"}]
    assert (second.overall, second.trace, second.final) == (None, {}, False)
    assert first.categories == {} and first.created_at is not None
    event = ActivityEvent.objects.get(pk=events[0])
    assert (event.comment, event.internal, event.actor_id, event.data) == ("", False, None, {})
    assert insert_rows(Score, columns, []) == []
    assert Score.objects.create(audit=audit, ruleset=ruleset, rating="low").pk > max(ids)
