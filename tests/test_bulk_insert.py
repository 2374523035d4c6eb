"""backend.bulk.bulk_insert: COPY on PostgreSQL, bulk_create elsewhere; the same rows."""

import pytest
from django.utils import timezone

from activity.models import ActivityEvent
from audits.models import Audit
from backend.bulk import bulk_insert
from scoring.models import Score
from tests.factories import make_ruleset, make_version

pytestmark = pytest.mark.django_db


def test_rows_go_in_with_their_ids_json_and_timestamps(world):
    ruleset = make_ruleset()
    audit = Audit.objects.create(
        buyer=world.buyer_a,
        supplier=world.s1,
        questionnaire_version=make_version(),
        ruleset=ruleset,
        due_date=timezone.localdate(),
    )
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
