"""Questionnaire compilation, visibility and the CEL wrapper."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from scoring.engine import (
    AnswerValue,
    ExpressionError,
    LocatedError,
    SpecError,
    compile_expression,
    compile_questionnaire,
    evaluate_bool,
    questionnaire_spec_from_doc,
)

from .builders import MICRO, NA, SMALL, answers, question, questionnaire

ROOT = Path(__file__).resolve().parents[3]


def chain():
    return compile_questionnaire(
        questionnaire(
            question("EMP_05", visible_if='EMP_04 == "yes"'),  # before its dependency
            question("EMP_04"),
            question("EMP_06", "number", visible_if='EMP_05 == "yes"'),
            question("EMP_07", visible_if="EMP_06 == null"),
            question("EMP_08", visible_if='supplier.size_class != "micro"'),
        )
    )


def test_questions_are_ordered_after_what_their_condition_reads():
    compiled = chain()

    assert compiled.codes == ("EMP_05", "EMP_04", "EMP_06", "EMP_07", "EMP_08")
    assert compiled.order == ("EMP_04", "EMP_05", "EMP_06", "EMP_07", "EMP_08")


def test_hiding_cascades_to_questions_that_depend_on_hidden_ones():
    compiled = chain()
    given = answers(EMP_04="no", EMP_05="yes", EMP_06=12)

    visible = compiled.visible_codes(given, SMALL)

    # EMP_04 "no" hides EMP_05; hidden EMP_05 is null, so EMP_06 is hidden too, even though the
    # stored answer of EMP_05 is "yes"; EMP_06 hidden is null, so EMP_07 shows.
    assert visible == {"EMP_04", "EMP_07", "EMP_08"}


def test_visible_chain_when_answers_allow():
    compiled = chain()

    assert compiled.visible_codes(answers(EMP_04="yes", EMP_05="yes", EMP_06=3), SMALL) == {
        "EMP_04", "EMP_05", "EMP_06", "EMP_08"}  # fmt: skip


def test_na_and_unanswered_are_null_for_conditions():
    compiled = chain()

    assert "EMP_05" not in compiled.visible_codes(answers(EMP_04=NA), SMALL)
    assert "EMP_05" not in compiled.visible_codes({}, SMALL)


def test_supplier_size_class_condition():
    compiled = chain()

    assert "EMP_08" not in compiled.visible_codes({}, MICRO)
    assert "EMP_08" in compiled.visible_codes({}, SMALL)


def test_context_holds_typed_values_for_expressions():
    compiled = compile_questionnaire(
        questionnaire(
            question("N_INT", "number"), question("N_DEC", "number"), question("N_FLT", "number"),
            question("M", "multi_choice"), question("D", "date"), question("D2", "date"),
            question("Y"),
            question("HID", visible_if="false"),
        )
    )  # fmt: skip
    context = compiled.build_context(
        answers(N_INT=Decimal("40"), N_DEC=Decimal("40.5"), N_FLT=3.0, M=("a", "c"),
                D="2024-05-01", D2=datetime.date(2024, 5, 2), Y=True, HID="yes"),
        SMALL,
    )  # fmt: skip

    def true(source: str) -> bool:
        return evaluate_bool(compile_expression(source), context)

    assert true("N_INT + 1 == 41")  # integral numbers are CEL ints, arithmetic works
    assert true("N_DEC > 40 && N_DEC < 41")
    assert true("N_FLT + 1 == 4")
    assert true('"c" in M && size(M) == 2')
    assert true('D == "2024-05-01" && D2 > D')  # date objects become ISO strings
    assert true('Y == "yes"')  # YAML-style booleans are yes / no
    assert true("HID == null")
    assert true('supplier.size_class == "small" && supplier.country == "CN"')


def test_cycles_are_rejected_with_every_question_on_the_cycle():
    spec = questionnaire(
        question("A", visible_if='B == "yes"'),
        question("B", visible_if='C == "yes"'),
        question("C", visible_if='A == "yes"'),
        question("D", visible_if='A == "yes"'),
    )

    with pytest.raises(SpecError) as caught:
        compile_questionnaire(spec)

    assert caught.value.errors == [
        LocatedError("A", "visible_if", "circular visibility: A -> B -> C -> A"),
        LocatedError("B", "visible_if", "circular visibility: B -> C -> A -> B"),
        LocatedError("C", "visible_if", "circular visibility: C -> A -> B -> C"),
        LocatedError("D", "visible_if", "depends on a question with circular visibility"),
    ]


def test_self_reference_unknown_names_and_syntax_errors_are_all_reported():
    spec = questionnaire(
        question("A", visible_if='A == "yes"'),
        question("B", visible_if='ZZ == "yes" || supplier.size_class == "micro"'),
        question("C", visible_if='A == "yes" &&'),
        question("D", visible_if="A.exists(v, v == 1)"),  # v is bound by the macro: not a name
    )

    with pytest.raises(SpecError) as caught:
        compile_questionnaire(spec)

    assert caught.value.errors == [
        LocatedError("A", "visible_if", "the condition refers to itself"),
        LocatedError("B", "visible_if", "unknown name 'ZZ': not a question of test-q nor "
                     "'supplier'"),
        LocatedError("C", "visible_if", "syntax error at column 14: unexpected end of "
                     "expression"),
    ]  # fmt: skip


def test_structural_question_errors():
    spec = questionnaire(
        question("A", "checkbox"),
        question("A"),
        question("B", "single_choice", choices=()),
        question("supplier"),
        question("C", evidence="sometimes"),
    )

    with pytest.raises(SpecError) as caught:
        compile_questionnaire(spec)

    assert [(e.location, e.field) for e in caught.value.errors] == [
        ("A", "type"), ("A", "code"), ("B", "choices"), ("supplier", "code"), ("C", "evidence")]  # fmt: skip


# --- expressions --------------------------------------------------------------------------------


def test_compile_expression_names_and_errors():
    expr = compile_expression('EMP_04 == "yes" && supplier.size_class != "micro"')

    assert expr.names == {"EMP_04", "supplier"}
    assert expr.source == 'EMP_04 == "yes" && supplier.size_class != "micro"'
    with pytest.raises(ExpressionError, match=r"^syntax error at column 11: unexpected end"):
        compile_expression("EMP_04 == ")
    with pytest.raises(ExpressionError, match="empty expression"):
        compile_expression("  ")


def test_runtime_errors_and_non_booleans_evaluate_to_false():
    compiled = compile_questionnaire(questionnaire(question("N", "number"), question("T", "text")))
    context = compiled.build_context(answers(T="x"), SMALL)

    assert evaluate_bool(compile_expression("N > 3"), context) is False  # null > 3
    assert evaluate_bool(compile_expression("supplier.nope == 1"), context) is False
    assert evaluate_bool(compile_expression("UNKNOWN == 1"), context) is False
    assert evaluate_bool(compile_expression("1 / 0 == 1"), context) is False
    assert evaluate_bool(compile_expression("T"), context) is False  # a string is not true
    assert evaluate_bool(compile_expression('T == "x"'), context) is True


# --- the questionnaire YAML of DESIGN section 5 ------------------------------------------------


def test_questionnaire_spec_from_doc_reads_sections_and_choice_values():
    doc = yaml.safe_load(
        """
        code: sme-csr-core
        version: 2
        sections:
          - code: EMP
            questions:
              - code: EMP_04
                type: yes_no
                category: employee
              - code: EMP_05
                type: single_choice
                choices: [{value: yes, label: {en: Yes}}, {value: partial}, {value: "no"}]
                required: true
                allow_na: false
                evidence: optional
                visible_if: 'EMP_04 == "yes" && supplier.size_class != "micro"'
                category: employee
        """
    )

    spec = questionnaire_spec_from_doc(doc)

    assert (spec.code, spec.version) == ("sme-csr-core", 2)
    emp_05 = spec.questions[1]
    assert emp_05.choices == ("yes", "partial", "no")
    assert (emp_05.required, emp_05.allow_na, emp_05.evidence) == (True, False, "optional")
    assert compile_questionnaire(spec).visible_codes(answers(EMP_04="yes"), SMALL) == {
        "EMP_04", "EMP_05"}  # fmt: skip


def test_questionnaire_spec_from_doc_reports_missing_fields():
    with pytest.raises(SpecError) as caught:
        questionnaire_spec_from_doc({"sections": [{"code": "S", "questions": [{"type": "text"}]}]})

    assert caught.value.errors == [
        LocatedError("questionnaire", "code", "required"),
        LocatedError("S.questions[0]", "code", "required"),
    ]


def test_library_questionnaire_compiles():
    path = ROOT / "questionnaires/library/sme-csr-core.yaml"
    spec = questionnaire_spec_from_doc(yaml.safe_load(path.read_text(encoding="utf-8")))

    compiled = compile_questionnaire(spec)

    assert len(compiled.order) == len(spec.questions)
    everything = {q.code: AnswerValue(None) for q in spec.questions}
    assert compiled.visible_codes(everything, SMALL) <= set(compiled.codes)
