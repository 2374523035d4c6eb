"""Small builders for engine tests: specs, rule set documents and answers, no database."""

from __future__ import annotations

import copy
from typing import Any

from scoring.engine import (
    AnswerValue,
    CompiledRuleSet,
    QuestionnaireSpec,
    QuestionSpec,
    SupplierProfile,
    compile_questionnaire,
    compile_ruleset,
    parse_ruleset,
)

SMALL = SupplierProfile(size_class="small", country="CN", industry="C13")
MICRO = SupplierProfile(size_class="micro", country="CN", industry="C13")
LEVELS = ("full", "partial", "planned", "none")
LEVEL_POINTS = {"full": 1, "partial": 0.5, "planned": 0.25, "none": 0}
NA = AnswerValue(None, not_applicable=True)

BASE_RULES: dict[str, Any] = {
    "code": "test-rules",
    "version": 1,
    "questionnaire": "test-q",
    "categories": {"management": 15, "employee": 30, "environment": 25, "market": 20,
                   "community": 10},
    "scores": {},
    "findings": [],
    "sla_days": {"critical": 30, "major": 90, "minor": 180},
    "rating": {
        "bands": [
            {"min": 80, "rating": "low"},
            {"min": 60, "rating": "medium"},
            {"min": 40, "rating": "high"},
            {"min": 0, "rating": "critical"},
        ],
        "severity_floor": {"critical": "high", "major": "medium"},
    },
}  # fmt: skip


def question(
    code: str, type: str = "yes_no", category: str = "employee", **kw: Any
) -> QuestionSpec:
    if type == "single_choice" and "choices" not in kw:
        kw["choices"] = LEVELS
    if type == "multi_choice" and "choices" not in kw:
        kw["choices"] = ("a", "b", "c", "none")
    return QuestionSpec(code=code, type=type, category=category, **kw)


def questionnaire(*questions: QuestionSpec) -> QuestionnaireSpec:
    return QuestionnaireSpec(code="test-q", version=1, questions=tuple(questions))


def rules_doc(scores: dict | None = None, findings: list | None = None, **top: Any) -> dict:
    doc = copy.deepcopy(BASE_RULES)
    doc["scores"] = scores or {}
    doc["findings"] = findings or []
    doc.update(top)
    return doc


def finding(code: str, when: str, severity: str = "major", category: str = "employee",
            **kw: Any) -> dict:  # fmt: skip
    return {"code": code, "when": when, "severity": severity, "category": category,
            "title": {"en": code, "zh-Hans": code}, "guidance": {"en": "Do better."}, **kw}  # fmt: skip


def build(questions: list[QuestionSpec], scores: dict, findings: list | None = None,
          **top: Any) -> CompiledRuleSet:  # fmt: skip
    spec = questionnaire(*questions)
    return compile_ruleset(
        parse_ruleset(rules_doc(scores, findings, **top), spec), compile_questionnaire(spec)
    )


def answers(**values: Any) -> dict[str, AnswerValue]:
    return {code: v if isinstance(v, AnswerValue) else AnswerValue(v) for code, v in values.items()}
