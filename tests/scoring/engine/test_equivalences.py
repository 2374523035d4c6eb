"""Mutual recognition through the engine: certificates answer or waive questions (hand-computed).

The rule set: categories employee (30) and environment (25) in play; EMP_A, ENV_A and ENV_B
are yes_no questions of weight 1. An ISO 14001 certificate answers ENV_A "yes" and waives ENV_B.

- Nothing from a certificate, EMP_A "yes", ENV_A / ENV_B unanswered: employee 100, environment
  0, overall (30 * 100 + 25 * 0) / 55 = 54.54... -> 54.5.
- ISO 14001 counts: ENV_A scores 1, ENV_B is excluded: environment 100, overall 100.0.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from scoring.engine import (
    HeldCertificate,
    SpecError,
    apply_equivalences,
    parse_ruleset,
    ruleset_to_doc,
    score,
)
from scoring.engine.stored import full_trace, lean_trace

from .builders import SMALL, answers, build, question, questionnaire, rules_doc

DAY = datetime.date(2026, 6, 1)
QUESTIONS = [
    question("EMP_A"),
    question("ENV_A", category="environment"),
    question("ENV_B", category="environment"),
]
SCORES = {
    "EMP_A": {"weight": 1, "points": {"yes": 1, "no": 0}},
    "ENV_A": {"weight": 1, "points": {"yes": 1, "no": 0}},
    "ENV_B": {"weight": 1, "points": {"yes": 1, "no": 0}},
}
ISO14001 = {"certificate": "iso14001", "answers": {"ENV_A": "yes"}, "waives": ["ENV_B"]}


def cert(kind: str = "iso14001", **kw) -> HeldCertificate:
    values = {
        "id": 7,
        "kind": kind,
        "number": "CN-14001-42",
        "valid_from": datetime.date(2025, 1, 1),
        "valid_to": datetime.date(2027, 12, 31),
    }
    return HeldCertificate(**(values | kw))


def rules(*equivalences: dict):
    return build(QUESTIONS, SCORES, equivalences=list(equivalences))


def test_no_certificate_leaves_the_questions_unanswered():
    result = score(rules(ISO14001), answers(EMP_A="yes"), SMALL, scored_on=DAY)
    assert result.categories["environment"] == Decimal("0.0")
    assert result.overall == Decimal("54.5")
    assert "certificates" not in result.trace


def test_valid_certificate_answers_and_waives():
    result = score(
        rules(ISO14001), answers(EMP_A="yes"), SMALL, certificates=[cert()], scored_on=DAY
    )
    assert result.categories["environment"] == Decimal("100.0")
    assert result.overall == Decimal("100.0")
    env_a = result.trace["questions"]["ENV_A"]
    assert (env_a["answer"], env_a["source"], env_a["certificate"]) == ("yes", "certificate", 7)
    assert result.trace["questions"]["ENV_B"]["excluded"] == "not_applicable"
    assert result.trace["certificates"]["ENV_A"] == {
        "source": "certificate",
        "certificate": 7,
        "kind": "iso14001",
        "number": "CN-14001-42",
        "valid_to": "2027-12-31",
        "effect": "answered",
        "value": "yes",
    }
    assert result.trace["certificates"]["ENV_B"]["effect"] == "waived"
    assert "source" not in result.trace["questions"]["EMP_A"]


def test_supplier_answer_overrides_the_certificate():
    # ENV_A "no" scores 0, ENV_B is still waived: environment 0, overall 54.5.
    own = answers(EMP_A="yes", ENV_A="no")
    result = score(rules(ISO14001), own, SMALL, certificates=[cert()], scored_on=DAY)
    assert result.categories["environment"] == Decimal("0.0")
    assert result.overall == Decimal("54.5")
    assert result.trace["questions"]["ENV_A"]["answer"] == "no"
    assert "source" not in result.trace["questions"]["ENV_A"]
    assert result.trace["certificates"]["ENV_A"]["effect"] == "overridden"


@pytest.mark.parametrize(
    "valid_from, valid_to",
    [(datetime.date(2023, 1, 1), datetime.date(2026, 5, 31)), (DAY.replace(day=2), None)],
)
def test_certificate_not_valid_on_the_scoring_date_does_not_count(valid_from, valid_to):
    held = cert(valid_from=valid_from, valid_to=valid_to or datetime.date(2029, 1, 1))
    result = score(rules(ISO14001), answers(EMP_A="yes"), SMALL, certificates=[held], scored_on=DAY)
    assert result.overall == Decimal("54.5")
    assert "certificates" not in result.trace


def test_last_day_of_validity_still_counts():
    held = cert(valid_to=DAY)
    result = score(rules(ISO14001), answers(EMP_A="yes"), SMALL, certificates=[held], scored_on=DAY)
    assert result.overall == Decimal("100.0")


def test_unverified_certificate_does_not_count_when_verification_is_required():
    required = ISO14001 | {"requires_verified": True}
    unverified = score(
        rules(required), answers(EMP_A="yes"), SMALL, certificates=[cert()], scored_on=DAY
    )
    verified = score(
        rules(required),
        answers(EMP_A="yes"),
        SMALL,
        certificates=[cert(verified=True)],
        scored_on=DAY,
    )
    assert unverified.overall == Decimal("54.5")
    assert verified.overall == Decimal("100.0")


@pytest.mark.parametrize(
    "level, counts", [("platinum", True), ("gold", True), ("silver", False), ("", False)]
)
def test_min_level_accepts_that_level_and_better(level, counts):
    rba = {"certificate": "rba_vap", "min_level": "gold", "answers": {"ENV_A": "yes"}}
    held = cert("rba_vap", level=level)
    result = apply_equivalences(rules(rba).spec.equivalences, [held], answers(), DAY)
    assert ("ENV_A" in result.answers) is counts


def test_other_kinds_do_not_count():
    result = score(
        rules(ISO14001), answers(EMP_A="yes"), SMALL, certificates=[cert("iso9001")], scored_on=DAY
    )
    assert result.overall == Decimal("54.5")


def test_certificate_without_scoring_date_is_refused():
    with pytest.raises(ValueError, match="scored_on"):
        score(rules(ISO14001), answers(), SMALL, certificates=[cert()])


def test_lean_trace_keeps_the_source():
    result = score(
        rules(ISO14001), answers(EMP_A="yes"), SMALL, certificates=[cert()], scored_on=DAY
    )
    compiled = rules(ISO14001)
    lean = lean_trace(result.trace)
    assert lean["questions"]["ENV_A"] == {
        "answer": "yes",
        "points": "1",
        "q": "1",
        "source": "certificate",
        "certificate": 7,
    }
    assert lean["certificates"] == result.trace["certificates"]
    assert full_trace(compiled, lean, []) == dict(result.trace)


def test_equivalences_round_trip_through_the_document():
    spec = questionnaire(*QUESTIONS)
    parsed = parse_ruleset(rules_doc(SCORES, equivalences=[ISO14001]), spec)
    assert parse_ruleset(ruleset_to_doc(parsed), spec) == parsed
    assert parsed.equivalences[0].waives == ("ENV_B",)


@pytest.mark.parametrize(
    "equivalence, field, message",
    [
        ({"certificate": "iso14001", "answers": {"ENV_Z": "yes"}}, "answers", "unknown question"),
        ({"certificate": "iso14001", "answers": {"ENV_A": "maybe"}}, "answers", "not a choice"),
        ({"certificate": "iso14001", "waives": ["ENV_Z"]}, "waives", "unknown question"),
        ({"certificate": "iso27001", "answers": {"ENV_A": "yes"}}, "certificate", "unknown kind"),
        ({"certificate": "iso14001", "min_level": "gold", "waives": ["ENV_A"]}, "min_level", "no levels"),
        ({"certificate": "rba_vap", "min_level": "bronze", "waives": ["ENV_A"]}, "min_level", "not a level"),
        ({"certificate": "iso14001"}, "answers", "required"),
        ({"certificate": "iso14001", "waives": ["ENV_A"], "wave": []}, "wave", "unknown key"),
    ],
)  # fmt: skip
def test_bad_equivalences_are_located(equivalence, field, message):
    with pytest.raises(SpecError) as raised:
        parse_ruleset(rules_doc(SCORES, equivalences=[equivalence]), questionnaire(*QUESTIONS))
    [error] = raised.value.errors
    assert (error.location, error.field) == ("equivalences[0]", field)
    assert message in error.message
