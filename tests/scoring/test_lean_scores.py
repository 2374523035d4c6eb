"""Lean scores: a stored score keeps what is specific to its audit and reads back in full."""

import importlib
import json

import pytest
from django.apps import apps
from django.utils import timezone

from audits.models import Audit
from rulesets import compiled as inputs
from scoring.engine import score as engine_score
from scoring.models import Score
from scoring.selectors import score_in_full
from scoring.services import rescore_bulk, score_audit
from scoring.services.scores import _score_fields
from tests.factories import load_doc, make_ruleset

from .conftest import BAD, make_audit

pytestmark = pytest.mark.django_db

migration = importlib.import_module("scoring.migrations.0003_lean_scores")


def _stored_in_full(audit: Audit, ruleset) -> dict:
    """What the engine's result for ``audit`` is as a full score (through JSON, as stored)."""
    version = audit.questionnaire_version
    compiled = inputs.compiled_ruleset(ruleset, version)
    _q, codes = inputs.compiled_questionnaire(version)
    answers = inputs.answer_map(
        audit.answers.values_list("question_id", "value", "not_applicable"), codes
    )
    result = engine_score(
        compiled,
        answers,
        inputs.supplier_profile(audit.supplier),
        accepted_on=timezone.localdate(audit.accepted_at),
    )
    fields = _score_fields(result, lean=False)
    return json.loads(json.dumps({"findings": fields["findings"], "trace": fields["trace"]}))


def test_final_score_keeps_only_what_is_specific_to_the_audit(world, version, ruleset):
    audit = make_audit(world, version, ruleset, status=Audit.Status.ACCEPTED, answers=BAD)

    score_audit(audit=audit, final=True)

    stored = Score.objects.get(audit=audit)
    assert stored.lean is True
    assert {tuple(sorted(f)) for f in stored.findings} == {
        ("code", "due_date", "due_days", "values")
    }
    assert "findings" not in stored.trace
    assert stored.trace["questions"]["MGT_01"] == {"answer": "no", "points": "0", "q": "0"}
    assert stored.trace["questions"]["EMP_03"] == {"answer": 10, "points": "0", "q": "0"}
    full = _stored_in_full(audit, ruleset)
    assert len(json.dumps(stored.trace)) + len(json.dumps(stored.findings)) < 0.5 * (
        len(json.dumps(full["trace"])) + len(json.dumps(full["findings"]))
    )


def test_lean_score_reads_back_as_the_full_engine_result(world, version, ruleset):
    audit = make_audit(
        world,
        version,
        ruleset,
        status=Audit.Status.ACCEPTED,
        answers={k: v for k, v in BAD.items() if k != "ENV_01"},
        not_applicable=("ENV_01",),
    )
    score_audit(audit=audit, final=True)

    read = score_in_full(Score.objects.get(audit=audit))

    full = _stored_in_full(audit, ruleset)
    assert read.trace == full["trace"]
    assert read.findings == full["findings"]
    assert list(read.trace) == list(full["trace"])
    assert read.trace["questions"]["ENV_01"]["excluded"] == "not_applicable"
    assert read.trace["questions"]["ENV_01"]["weight"]


def test_api_serves_lean_score_in_full(world, api, version, ruleset):
    audit = make_audit(world, version, ruleset, status=Audit.Status.ACCEPTED, answers=BAD)
    score_audit(audit=audit, final=True)

    body = api(world.a_officer).get(f"/api/v1/audits/{audit.pk}/score/").json()

    full = _stored_in_full(audit, ruleset)
    assert body["trace"] == full["trace"]
    by_code = {f["code"]: f for f in body["findings"]}
    rule = {r["code"]: r for r in load_doc("mini-rules.yaml")["findings"]}["F_AGE_CHECK"]
    assert by_code["F_AGE_CHECK"]["title"] == rule["title"]["en"]
    assert by_code["F_AGE_CHECK"]["guidance"] == rule["guidance"]["en"]
    assert by_code["F_AGE_CHECK"]["severity"] == "critical"


def test_score_by_a_draft_rule_set_is_stored_in_full(world, version):
    draft = make_ruleset(status="draft")
    audit = make_audit(world, version, draft, status=Audit.Status.ACCEPTED, answers=BAD)

    score = score_audit(audit=audit, final=True)

    stored = Score.objects.get(pk=score.pk)
    assert stored.lean is False
    assert stored.findings == _stored_in_full(audit, draft)["findings"]
    assert stored.trace["questions"]["MGT_01"]["weight"]


def test_bulk_rescore_stores_lean_scores(world, version, ruleset):
    audit = make_audit(world, version, ruleset, status=Audit.Status.ACCEPTED, answers=BAD)
    doc = load_doc("mini-rules.yaml")
    doc["version"] = 2
    newer = make_ruleset(doc)

    rescore_bulk(ruleset=newer)

    stored = Score.objects.get(audit=audit, ruleset=newer)
    assert stored.lean is True
    assert "title" not in stored.findings[0]
    assert score_in_full(stored).findings == _stored_in_full(audit, newer)["findings"]


def test_migration_slims_engine_scores_and_reverses(world, version, ruleset):
    audit = make_audit(world, version, ruleset, status=Audit.Status.ACCEPTED, answers=BAD)
    full = _stored_in_full(audit, ruleset)
    engine_made = Score.objects.create(
        audit=audit, ruleset=ruleset, rating="critical", final=True, lean=False, **full
    )
    by_hand = Score.objects.create(
        audit=audit, ruleset=ruleset, rating="high", final=True, findings=[], trace={}
    )

    migration.slim(apps, None)

    engine_made.refresh_from_db()
    by_hand.refresh_from_db()
    assert engine_made.lean is True
    assert "title" not in engine_made.findings[0] and "findings" not in engine_made.trace
    assert by_hand.lean is False and by_hand.trace == {}
    assert score_in_full(engine_made).trace == full["trace"]

    migration.fatten(apps, None)

    engine_made = Score.objects.get(pk=engine_made.pk)
    assert engine_made.lean is False
    assert engine_made.findings == full["findings"]
    assert engine_made.trace == full["trace"]
