"""The shipped library rule sets compile against their questionnaires and score sensibly."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from scoring.engine import (
    AnswerValue,
    compile_questionnaire,
    compile_ruleset,
    parse_ruleset,
    questionnaire_spec_from_doc,
    ruleset_to_doc,
    score,
)
from tests.scoring.engine.builders import MICRO, SMALL

ROOT = Path(__file__).resolve().parents[2]
RULE_FILES = sorted((ROOT / "rulesets" / "library").glob("*.yaml"))


def test_library_ships_rule_sets():
    assert [p.name for p in RULE_FILES] == ["sme-csr-core-rules.yaml", "sme-csr-quick-rules.yaml"]


def _load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", RULE_FILES, ids=lambda p: p.name)
def test_library_rule_set_compiles_round_trips_and_scores(path: Path):
    doc = _load(path)
    q_path = ROOT / "questionnaires" / "library" / f"{doc['questionnaire']}.yaml"
    q_spec = questionnaire_spec_from_doc(_load(q_path))

    spec = parse_ruleset(doc, q_spec)
    rules = compile_ruleset(spec, compile_questionnaire(q_spec))

    assert parse_ruleset(ruleset_to_doc(spec), q_spec) == spec
    # Best answer everywhere: the highest-scoring choice / band of every scored question.
    best: dict[str, AnswerValue] = {}
    for rule in spec.scores:
        if rule.points is not None:
            question = rules.questionnaire.questions[rule.question]
            if question.type == "multi_choice":
                best[rule.question] = AnswerValue(list(rule.points))
            else:
                best[rule.question] = AnswerValue(max(rule.points, key=rule.points.__getitem__))
        else:
            top = max(rule.bands, key=lambda band: band.points)
            limit = top.max if top.max is not None else Decimal(10**6)
            best[rule.question] = AnswerValue(limit)
    for supplier in (SMALL, MICRO):
        result = score(rules, best, supplier)
        assert result.overall == Decimal("100.0")
        assert result.rating in {"low", "medium", "high", "critical"}
        empty = score(rules, {}, supplier)
        assert empty.overall is not None and empty.overall < Decimal("100.0")
