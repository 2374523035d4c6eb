"""The bulk re-score (batched reads, shared answer values, rows inserted from tuples, ``COPY`` on
PostgreSQL, forked workers) stores exactly the score the per-audit path stores."""

from __future__ import annotations

import pytest

from audits.models import Audit
from scoring.models import Score
from scoring.services import audit_rescore, rescore_bulk
from tests.factories import load_doc, make_ruleset

from .conftest import BAD, GOOD, make_audit
from .test_certificate_scores import WITHOUT_MGT, rules_with, sa8000

pytestmark = pytest.mark.django_db

STORED = ("overall", "categories", "rating", "findings", "trace", "lean", "final")

# GOOD and BAD, a hidden question (EMP_03 shows only when EMP_02 is "yes"), N/A answers,
# booleans and strings side by side, a multiple choice, numbers, nothing answered.
ANSWER_SETS = [
    (GOOD, ()),
    (BAD, ()),
    (GOOD | {"EMP_02": "yes", "EMP_03": 0}, ()),
    (GOOD | {"MGT_01": True, "ENV_01": ["energy", "water"]}, ("EMP_04",)),
    (BAD | {"EMP_04": 50.5}, ("ENV_01",)),
    ({}, ()),
]


def _stored(score: Score) -> dict:
    fresh = Score.objects.get(pk=score.pk)
    return {name: getattr(fresh, name) for name in STORED}


def _audits(world, version, ruleset) -> list[Audit]:
    audits = [
        make_audit(
            world,
            version,
            ruleset,
            status=Audit.Status.ACCEPTED,
            answers={code: v for code, v in answers.items() if code not in not_applicable},
            not_applicable=not_applicable,
        )
        for answers, not_applicable in ANSWER_SETS
    ]
    # A supplier with a valid certificate that answers a question it left open.
    sa8000(world.s2)
    audits.append(
        make_audit(
            world,
            version,
            ruleset,
            supplier=world.s2,
            status=Audit.Status.ACCEPTED,
            answers=WITHOUT_MGT,
        )
    )
    return audits


def _assert_same_as_one_by_one(audits: list[Audit], newer) -> None:
    bulk = {s.audit_id: s for s in Score.objects.filter(ruleset=newer)}
    assert sorted(bulk) == sorted(a.pk for a in audits)
    for audit in audits:
        one = audit_rescore(audit=audit, ruleset=newer)
        assert _stored(bulk[audit.pk]) == _stored(one), audit.pk


def test_bulk_rescore_stores_what_the_per_audit_path_stores(world, version, ruleset):
    audits = _audits(world, version, ruleset)
    newer = make_ruleset(rules_with() | {"version": 2})

    result = rescore_bulk(ruleset=newer, batch_size=3)

    assert (result.scored, result.skipped) == (len(audits), 0)
    _assert_same_as_one_by_one(audits, newer)


@pytest.mark.django_db(transaction=True)
def test_rescore_in_two_workers_scores_every_audit_once_as_one_process_would(
    world, version, ruleset
):
    audits = _audits(world, version, ruleset)
    newer = make_ruleset(rules_with() | {"version": 2})

    result = rescore_bulk(ruleset=newer, batch_size=2, workers=2)
    again = rescore_bulk(ruleset=newer, workers=2)

    assert (result.scored, result.skipped, again.scored) == (len(audits), 0, 0)
    assert Score.objects.filter(ruleset=newer).count() == len(audits)
    _assert_same_as_one_by_one(audits, newer)


@pytest.mark.django_db(transaction=True)
def test_rescore_workers_report_a_rule_set_that_does_not_fit(world, version, ruleset):
    make_audit(world, version, ruleset, status=Audit.Status.ACCEPTED)
    doc = load_doc("mini-rules.yaml") | {"version": 3}
    doc["scores"] = {"NO_SUCH_QUESTION": {"weight": 1, "points": {"yes": 1}}}
    unfit = make_ruleset(doc)

    result = rescore_bulk(ruleset=unfit, workers=2)

    assert (result.scored, result.skipped) == (0, 1)
    assert list(result.errors) and not Score.objects.filter(ruleset=unfit).exists()
