"""parse_ruleset rejects bad rule sets with every problem located; ruleset_to_doc inverts it."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
import yaml

from scoring.engine import (
    FindingRule,
    LocatedError,
    SpecError,
    compile_questionnaire,
    compile_ruleset,
    parse_ruleset,
    ruleset_to_doc,
)
from scoring.engine.specs import Band

from .builders import finding, question, questionnaire, rules_doc

SPEC = questionnaire(
    question("EMP_04"),
    question("EMP_05", "single_choice", choices=("yes", "partial", "no")),
    question("ENV_03", "number", "environment"),
    question("MKT_02", "multi_choice", "market"),
    question("MKT_03", "text", "market"),
    question("MKT_04", "date", "market"),
    question("GOV_01", "yes_no", "governance"),
)


def errors_of(doc: dict) -> list[LocatedError]:
    with pytest.raises(SpecError) as caught:
        parse_ruleset(doc, SPEC)
    return caught.value.errors


def test_unknown_question_code_in_scores():
    errors = errors_of(rules_doc({"EMP_99": {"weight": 1, "points": {"yes": 1}}}))

    assert errors == [LocatedError("EMP_99", "question", "unknown question code (not in "
                                   "questionnaire test-q)")]  # fmt: skip


def test_unknown_question_code_and_syntax_error_in_when():
    errors = errors_of(
        rules_doc(findings=[finding("F_1", 'EMP_99 == "no"'), finding("F_2", "EMP_04 == ")])
    )

    assert errors == [
        LocatedError("F_1", "when", "unknown name 'EMP_99': not a question of test-q nor "
                     "'supplier'"),
        LocatedError("F_2", "when", "syntax error at column 11: unexpected end of expression"),
    ]  # fmt: skip


def test_points_for_a_value_the_question_does_not_have():
    errors = errors_of(rules_doc({"EMP_05": {"weight": 1, "points": {"yes": 1, "maybe": 0.5}}}))

    assert errors == [
        LocatedError("EMP_05", "points", "'maybe' is not a choice of EMP_05 (choices: yes, "
                     "partial, no)")
    ]  # fmt: skip


def test_yes_no_points_only_for_yes_and_no():
    # YAML 1.1 reads unquoted yes / no as booleans: they still mean "yes" / "no".
    doc = rules_doc(yaml.safe_load("EMP_04: {weight: 1, points: {yes: 1, no: 0, partial: 0.5}}"))

    errors = errors_of(doc)

    assert errors == [
        LocatedError("EMP_04", "points", "'partial' is not a yes_no value (only 'yes' and 'no')")
    ]


def test_points_on_number_question_and_bands_on_choice_question():
    errors = errors_of(
        rules_doc(
            {"ENV_03": {"weight": 1, "points": {"yes": 1}, "bands": [{"points": 1}]},
             "EMP_05": {"weight": 1, "points": {"yes": 1}, "bands": [{"points": 1}]}}
        )
    )  # fmt: skip

    assert errors == [
        LocatedError("ENV_03", "points", "a number question is scored with bands, not points"),
        LocatedError("EMP_05", "bands", "a single_choice question is scored with points, "
                     "not bands"),
    ]  # fmt: skip


def test_scored_question_category_without_weight():
    errors = errors_of(rules_doc({"GOV_01": {"weight": 1, "points": {"yes": 1}}}))

    assert errors == [
        LocatedError("GOV_01", "category", "category 'governance' has no weight in categories")
    ]


def test_bands_must_be_in_ascending_order_of_max_and_only_last_may_omit_max():
    errors = errors_of(
        rules_doc(
            {"ENV_03": {"weight": 1, "bands": [{"max": 5, "points": 1}, {"max": 5, "points": 0.5},
                                               {"points": 0.2}, {"max": 9, "points": 0}]}}
        )
    )  # fmt: skip

    assert errors == [
        LocatedError("ENV_03", "bands", "band 2: max 5 must be greater than the previous band's "
                     "max 5 (bands go in ascending order of max)"),
        LocatedError("ENV_03", "bands", "band 3: only the last band may omit max"),
    ]  # fmt: skip


def test_unknown_severity_and_missing_sla():
    errors = errors_of(
        rules_doc(
            findings=[
                finding("F_1", 'EMP_04 == "no"', severity="catastrophic"),
                finding("F_2", 'EMP_04 == "no"', severity="major"),
                finding("F_3", 'EMP_04 == "no"', severity="major", due_days=10),
                finding("F_4", 'EMP_04 == "no"', severity="observation"),
            ],
            sla_days={"critical": 30},
        )
    )

    assert errors == [
        LocatedError("F_1", "severity", "unknown severity 'catastrophic' (expected critical, "
                     "major, minor or observation)"),
        LocatedError("F_2", "due_days", "no due_days and no sla_days for severity 'major'"),
    ]  # fmt: skip


def test_rating_bands_strictly_decreasing_ending_at_zero_with_known_names():
    errors = errors_of(
        rules_doc(
            rating={
                "bands": [{"min": 80, "rating": "low"}, {"min": 80, "rating": "medium"},
                          {"min": 40, "rating": "severe"}, {"min": 10, "rating": "critical"}],
                "severity_floor": {"critical": "terrible", "grave": "high"},
            }
        )
    )  # fmt: skip

    assert errors == [
        LocatedError("rating", "bands", "band 2: min 80 must be lower than the previous band's "
                     "min 80 (bands go in strictly decreasing order of min)"),
        LocatedError("rating", "bands", "band 3: unknown rating 'severe' (expected low, medium, "
                     "high or critical)"),
        LocatedError("rating", "bands", "the last band must have min 0 so that every score is "
                     "rated"),
        LocatedError("rating", "severity_floor", "unknown rating 'terrible' for critical "
                     "(expected low, medium, high or critical)"),
        LocatedError("rating", "severity_floor", "unknown severity 'grave' (expected critical, "
                     "major, minor or observation)"),
    ]  # fmt: skip


def test_weights_must_be_positive():
    errors = errors_of(
        rules_doc(
            {"EMP_04": {"weight": 0, "points": {"yes": 1}},
             "EMP_05": {"weight": -1, "points": {"yes": 1}}},
            categories={"employee": 30, "environment": 0, "market": "heavy"},
        )
    )  # fmt: skip

    assert errors == [
        LocatedError("categories", "environment", "weight must be greater than 0, got 0"),
        LocatedError("categories", "market", "weight must be a number, got 'heavy'"),
        LocatedError("EMP_04", "weight", "weight must be greater than 0, got 0"),
        LocatedError("EMP_05", "weight", "weight must be greater than 0, got -1"),
    ]


def test_text_and_date_questions_cannot_be_scored():
    errors = errors_of(
        rules_doc({"MKT_03": {"weight": 1, "points": {"x": 1}},
                   "MKT_04": {"weight": 1, "bands": [{"points": 1}]}})
    )  # fmt: skip

    assert errors == [
        LocatedError("MKT_03", "type", "a text question cannot be scored"),
        LocatedError("MKT_04", "type", "a date question cannot be scored"),
    ]


def test_all_problems_are_reported_at_once():
    errors = errors_of(
        rules_doc(
            {"EMP_99": {"weight": 1, "points": {"yes": 1}},
             "EMP_04": {"weight": 0, "points": {"yes": 1}}},
            findings=[finding("F_1", "EMP_04 ==", severity="bad")],
        )
    )  # fmt: skip

    assert [(e.location, e.field) for e in errors] == [
        ("EMP_99", "question"),
        ("EMP_04", "weight"),
        ("F_1", "when"),
        ("F_1", "severity"),
    ]


def test_other_structural_problems():
    errors = errors_of(
        rules_doc(
            {"MKT_02": {"weight": 1, "points": {"a": 0, "b": 0}},
             "EMP_05": {"weight": 1, "points": {"yes": 1}, "cap": 1}},
            findings=[finding("F_1", 'EMP_04 == "no"', category="nowhere"),
                      finding("F_1", 'EMP_04 == "no"')],
            questionnaire="other",
        )
    )  # fmt: skip

    assert errors == [
        LocatedError("ruleset", "questionnaire", "rule set is for 'other', questionnaire is "
                     "'test-q'"),
        LocatedError("MKT_02", "points", "the maximum points must be greater than 0"),
        LocatedError("EMP_05", "cap", "only multi_choice questions have a cap"),
        LocatedError("F_1", "category", "category 'nowhere' has no weight in categories"),
        LocatedError("F_1", "code", "duplicate finding code"),
    ]  # fmt: skip


def test_spec_error_message_lists_every_problem():
    with pytest.raises(SpecError, match=r"EMP_99\.question: unknown question code"):
        parse_ruleset(rules_doc({"EMP_99": {"weight": 1, "points": {"yes": 1}}}), SPEC)


# --- parse / export round trip ------------------------------------------------------------------


def test_parse_converts_numbers_to_exact_decimals_and_round_trips():
    doc = yaml.safe_load(
        """
        EMP_05: {weight: 2, points: {yes: 1, partial: 0.1, "no": 0}}
        ENV_03: {weight: 1.25, bands: [{max: 0, points: 1}, {max: 3.3, points: 0.5}, {points: 0}]}
        MKT_02: {weight: 1, points: {a: 0.5, b: 0.5, c: 1}, cap: 1}
        """
    )
    source = rules_doc(doc, [finding("F_1", 'EMP_05 == "no"', due_days=7)])

    spec = parse_ruleset(source, SPEC)

    assert str(spec.scores[0].points["partial"]) == "0.1"  # not 0.1000000000000000055...
    assert spec.scores[1].bands[1] == Band(points=Decimal("0.5"), max=Decimal("3.3"))
    assert str(spec.scores[1].bands[1].max) == "3.3"
    assert str(spec.scores[1].weight) == "1.25"
    exported = ruleset_to_doc(spec)
    assert parse_ruleset(exported, SPEC) == spec
    assert parse_ruleset(yaml.safe_load(yaml.safe_dump(exported)), SPEC) == spec
    assert exported["scores"]["EMP_05"] == {
        "weight": 2,
        "points": {"yes": 1, "partial": 0.1, "no": 0},
    }


def test_compile_ruleset_revalidates_hand_built_specs():
    spec = parse_ruleset(rules_doc(), SPEC)
    rule = FindingRule(code="F_1", when="EMP_09 == 1", severity="observation",
                       category="employee", title={"en": "x"}, guidance={})  # fmt: skip
    bad = dataclasses.replace(spec, findings=(rule,))

    with pytest.raises(SpecError) as caught:
        compile_ruleset(bad, compile_questionnaire(SPEC))

    assert caught.value.errors == [
        LocatedError("F_1", "when", "unknown name 'EMP_09': not a question of test-q nor "
                     "'supplier'")
    ]  # fmt: skip
