"""Compiling a rule set for scoring (DESIGN section 6).

``compile_ruleset`` compiles the finding conditions and precomputes, per question and per
answer, everything ``scorer.score`` needs, so that scoring an audit is a handful of dict lookups
and integer additions (see ``ScoredQuestion`` for how exactness is kept without per-audit
Decimals).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from decimal import Context as DecimalContext
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from .expressions import compile_expression
from .questionnaire import CompiledQuestionnaire, _Plan
from .rules import parse_ruleset, ruleset_to_doc
from .specs import RATINGS, SEVERITIES, FindingRule, QuestionSpec, RuleSetSpec, ScoreRule

__all__ = ["CHOICE", "MULTI", "NUMBER", "CompiledRuleSet", "compile_ruleset", "plain", "ratio_str"]

# Enough digits that every terminating ratio of this engine is printed exactly, and a
# non-terminating one is far more precise than any half-up decision at one decimal needs.
TRACE_DECIMALS = DecimalContext(prec=40)


def ratio_str(numerator: int, denominator: int) -> str:
    """``numerator / denominator`` as a decimal string (exact when it terminates)."""
    return str(TRACE_DECIMALS.divide(Decimal(numerator), Decimal(denominator)))


def plain(value: Decimal) -> str:
    """``value`` without trailing zeros or exponent: 1.50 -> "1.5", 1E+2 -> "100"."""
    return format(value.normalize(), "f")


def _decimals(values: list[Decimal]) -> int:
    """How many decimal places it takes to write every value as an integer multiple of a unit."""
    return max((max(0, -int(v.normalize().as_tuple().exponent)) for v in values), default=0)


def _scaled(value: Decimal, places: int) -> int:
    scaled = value.scaleb(places)
    assert scaled == scaled.to_integral_value()  # guaranteed by _decimals
    return int(scaled)


# Kinds of scored question, as small ints for fast dispatch in the scorer.
CHOICE, MULTI, NUMBER = 0, 1, 2


@dataclass(frozen=True, slots=True)
class ScoredQuestion:
    """Precomputed scoring of one question.

    Exactness without per-audit Decimals: every points value of the question is an integer ``n``
    in units of ``10**-places``, the maximum is ``max_n``. In category k all contributions
    ``w * n / max_n`` share the denominator ``L_k = lcm(max_n)``, so the engine adds the integers
    ``multiplier * n`` (``multiplier = weight_n * L_k / max_n``) and divides once per category.
    """

    code: str
    kind: int
    category_index: int
    weight_n: int
    multiplier: int
    max_n: int
    unit: Decimal  # the value of n == 1
    # CHOICE: value -> (contribution, trace entry without "answer"); MULTI: value -> n
    table: Mapping[str, Any]
    # NUMBER: ((max | None, contribution, points str, q str), ...)
    bands: tuple[tuple[Decimal | None, int, str, str], ...]
    cap_n: int | None
    # Trace entries (plain dicts, copied per audit, never mutated): of an included question with
    # points and q to fill in, and the finished ones of a hidden / N/A / unanswered question.
    template: dict[str, Any]
    hidden: dict[str, Any]
    not_applicable: dict[str, Any]
    unanswered: dict[str, Any]
    zero: tuple[str, str]  # (points, q) strings of 0 points


@dataclass(frozen=True, slots=True)
class CompiledFinding:
    rule: FindingRule
    program: Any
    names: tuple[str, ...]
    due_days: int | None
    due_delta: timedelta | None
    severity_rank: int


@dataclass(frozen=True, slots=True)
class _IntegerRule:
    """A score rule with its points as integers in units of ``10**-places`` (see
    ``ScoredQuestion``)."""

    rule: ScoreRule
    places: int
    max_n: int
    points_n: dict[str, int]
    band_n: list[int]
    cap_n: int | None


def _integer_rule(rule: ScoreRule, question_type: str) -> _IntegerRule:
    values: list[Decimal] = list((rule.points or {}).values())
    values += [b.points for b in rule.bands or ()]
    if rule.cap is not None:
        values.append(rule.cap)
    places = _decimals(values)
    points_n = {k: _scaled(v, places) for k, v in (rule.points or {}).items()}
    band_n = [_scaled(b.points, places) for b in rule.bands or ()]
    cap_n = _scaled(rule.cap, places) if rule.cap is not None else None
    if question_type == "number":
        max_n = max(band_n)
    elif question_type == "multi_choice":
        max_n = sum(points_n.values())
        if cap_n is not None:
            max_n = min(max_n, cap_n)
    else:
        max_n = max(points_n.values())
    return _IntegerRule(rule, places, max_n, points_n, band_n, cap_n)


def _scored_question(
    ir: _IntegerRule, question: QuestionSpec, category_index: int, lcm: int, weight_places: int
) -> ScoredQuestion:
    """The scoring tables of one question, ``lcm`` being its category's ``L_k``."""
    rule, max_n = ir.rule, ir.max_n
    weight_n = _scaled(rule.weight, weight_places)
    multiplier = weight_n * (lcm // max_n)
    unit = Decimal(1).scaleb(-ir.places)

    def points_str(n: int) -> str:
        return plain(n * unit)

    template = {
        "answer": None,
        "points": None,
        "max_points": points_str(max_n),
        "q": None,
        "weight": plain(rule.weight),
        "category": question.category,
        "excluded": None,
        "unanswered": False,
    }
    table: dict[str, Any] = {}
    bands: tuple[tuple[Decimal | None, int, str, str], ...] = ()
    if question.type == "number":
        bands = tuple(
            (b.max, multiplier * n, points_str(n), ratio_str(n, max_n))
            for b, n in zip(rule.bands or (), ir.band_n, strict=True)
        )
        kind = NUMBER
    elif question.type == "multi_choice":
        table = ir.points_n
        kind = MULTI
    else:
        for choice in question.choice_values:
            n = ir.points_n.get(choice, 0)
            entry = dict(template)
            entry.update(answer=choice, points=points_str(n), q=ratio_str(n, max_n))
            table[choice] = (multiplier * n, entry)
        kind = CHOICE
    return ScoredQuestion(
        code=rule.question,
        kind=kind,
        category_index=category_index,
        weight_n=weight_n,
        multiplier=multiplier,
        max_n=max_n,
        unit=unit,
        table=MappingProxyType(table),
        bands=bands,
        cap_n=ir.cap_n,
        template=template,
        hidden=template | {"excluded": "hidden"},
        not_applicable=template | {"excluded": "not_applicable"},
        unanswered=template
        | {"points": points_str(0), "q": ratio_str(0, max_n), "unanswered": True},
        zero=(points_str(0), ratio_str(0, max_n)),
    )


def _compiled_finding(
    rule: FindingRule, spec: RuleSetSpec
) -> tuple[CompiledFinding, frozenset[str]]:
    """A finding rule with its condition compiled, and the names the condition reads."""
    expr = compile_expression(rule.when)
    due_days = None
    if rule.severity != "observation":
        due_days = rule.due_days if rule.due_days is not None else spec.sla_days[rule.severity]
    compiled = CompiledFinding(
        rule=rule,
        program=expr._program,
        names=tuple(sorted(expr.names)),
        due_days=due_days,
        due_delta=timedelta(days=due_days) if due_days is not None else None,
        severity_rank=SEVERITIES.index(rule.severity),
    )
    return compiled, frozenset(expr.names)


class CompiledRuleSet:
    """A rule set ready to score audits; safe to share between threads and audits.

    Attributes: ``spec`` (RuleSetSpec), ``questionnaire`` (CompiledQuestionnaire), ``findings``
    (compiled finding rules), and the precomputed tables ``scorer.score`` reads.
    """

    def __init__(self, spec: RuleSetSpec, questionnaire: CompiledQuestionnaire) -> None:
        self.spec = spec
        self.questionnaire = questionnaire
        self.category_names: tuple[str, ...] = tuple(spec.categories)
        cat_places = _decimals(list(spec.categories.values()))
        self.category_weight_scale = 10**cat_places
        self.category_weights_n: tuple[int, ...] = tuple(
            _scaled(w, cat_places) for w in spec.categories.values()
        )
        self._compile_scores(spec, questionnaire)
        # (code, n) -> (points, q) trace strings of multi_choice sums, filled lazily by the
        # scorer. The only mutable state: a dict insert of an idempotent value is safe under
        # concurrent scoring, so the compiled rule set can still be shared between threads.
        self.multi_unit_strs: dict[tuple[str, int], tuple[str, str]] = {}

        findings: list[CompiledFinding] = []
        names: set[str] = set()
        for rule in spec.findings:
            finding, read = _compiled_finding(rule, spec)
            findings.append(finding)
            names |= read
        self.findings: tuple[CompiledFinding, ...] = tuple(findings)
        # Only names some expression reads go into the per-audit context: adding a variable
        # is the most expensive step of scoring, and the others are never looked at.
        self.plan: _Plan = questionnaire.plan(
            context_names=names, needed=[s.code for s in self.scored]
        )
        # Ratings compare the score rounded to tenths; an integer threshold in tenths gives the
        # same answer as comparing Decimals (ceil handles a min with more than one decimal).
        self.rating_thresholds: tuple[tuple[int, str], ...] = tuple(
            (math.ceil(minimum * 10), rating) for minimum, rating in spec.rating_bands
        )
        self.severity_floor_rank: dict[str, int] = {
            severity: RATINGS.index(rating) for severity, rating in spec.severity_floor.items()
        }

    def _compile_scores(self, spec: RuleSetSpec, questionnaire: CompiledQuestionnaire) -> None:
        """``scored``, ``weight_scale`` and ``category_lcm``: every question's contributions as
        integers over its category's common denominator."""
        category_index = {name: i for i, name in enumerate(self.category_names)}
        weight_places = _decimals([r.weight for r in spec.scores])
        self.weight_scale = 10**weight_places
        questions = questionnaire.questions
        integer_rules = [_integer_rule(r, questions[r.question].type) for r in spec.scores]
        lcms = [1] * len(self.category_names)
        for ir in integer_rules:
            k = category_index[questions[ir.rule.question].category]
            lcms[k] = math.lcm(lcms[k], ir.max_n)
        self.category_lcm: tuple[int, ...] = tuple(lcms)
        scored: list[ScoredQuestion] = []
        for ir in integer_rules:
            question = questions[ir.rule.question]
            k = category_index[question.category]
            scored.append(_scored_question(ir, question, k, lcms[k], weight_places))
        self.scored: tuple[ScoredQuestion, ...] = tuple(scored)

    def __repr__(self) -> str:
        return f"<CompiledRuleSet {self.spec.code} v{self.spec.version}>"


def compile_ruleset(ruleset: RuleSetSpec, questionnaire: CompiledQuestionnaire) -> CompiledRuleSet:
    """Compile every finding condition once and precompute the scoring tables.

    ``ruleset`` is re-validated against the questionnaire (it may have been built by hand rather
    than by ``parse_ruleset``); raises ``SpecError`` like ``parse_ruleset``.
    """
    parse_ruleset(ruleset_to_doc(ruleset), questionnaire.spec)
    return CompiledRuleSet(ruleset, questionnaire)
