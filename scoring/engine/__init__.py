"""Fairlink's scoring engine: a Django-free library (DESIGN sections 5 and 6).

Frozen dataclasses in (``specs``), frozen dataclasses out (``ScoreResult``). Typical use::

    questionnaire = compile_questionnaire(questionnaire_spec_from_doc(yaml.safe_load(q_yaml)))
    rules = compile_ruleset(parse_ruleset(yaml.safe_load(r_yaml), questionnaire.spec), questionnaire)
    result = score(rules, answers, supplier, accepted_on=date.today())

Compile once per questionnaire version / rule set and keep the compiled objects: they are
immutable and safe to share between threads.
"""

from .compiled import CompiledRuleSet, compile_ruleset
from .equivalences import SOURCE_CERTIFICATE, Recognition, apply_equivalences
from .expressions import Expression, ExpressionError, compile_expression, evaluate_bool
from .questionnaire import (
    CompiledQuestionnaire,
    LocatedError,
    SpecError,
    compile_questionnaire,
    questionnaire_spec_from_doc,
    to_cel_value,
)
from .rules import parse_ruleset, ruleset_to_doc
from .scorer import FindingResult, ScoreResult, score
from .specs import (
    CERTIFICATE_KINDS,
    CERTIFICATE_LEVELS,
    NOT_RATED,
    QUESTION_TYPES,
    RATINGS,
    SEVERITIES,
    AnswerValue,
    Band,
    Equivalence,
    FindingRule,
    HeldCertificate,
    QuestionnaireSpec,
    QuestionSpec,
    RuleSetSpec,
    ScoreRule,
    SupplierProfile,
)

__all__ = [
    "CERTIFICATE_KINDS",
    "CERTIFICATE_LEVELS",
    "NOT_RATED",
    "QUESTION_TYPES",
    "RATINGS",
    "SEVERITIES",
    "SOURCE_CERTIFICATE",
    "AnswerValue",
    "Band",
    "CompiledQuestionnaire",
    "CompiledRuleSet",
    "Equivalence",
    "Expression",
    "ExpressionError",
    "FindingResult",
    "FindingRule",
    "HeldCertificate",
    "LocatedError",
    "QuestionSpec",
    "QuestionnaireSpec",
    "Recognition",
    "RuleSetSpec",
    "ScoreResult",
    "ScoreRule",
    "SpecError",
    "SupplierProfile",
    "apply_equivalences",
    "compile_expression",
    "compile_questionnaire",
    "compile_ruleset",
    "evaluate_bool",
    "parse_ruleset",
    "questionnaire_spec_from_doc",
    "ruleset_to_doc",
    "score",
    "to_cel_value",
]
