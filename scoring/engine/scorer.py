"""Scoring one audit (DESIGN section 6): question scores, category and overall scores, rating,
findings and the trace that explains them.

Exactness: question contributions are integers over a per-category common denominator (see
``rules.ScoredQuestion``), so category and overall scores are exact rationals; they are rounded
half up to one decimal once, at the end, by integer arithmetic. Only the published results are
``Decimal``; they come from a table of the 1001 possible values 0.0 ... 100.0.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from types import MappingProxyType
from typing import Any

from .compiled import (
    CHOICE,
    MULTI,
    CompiledFinding,
    CompiledRuleSet,
    ScoredQuestion,
    plain,
    ratio_str,
)
from .equivalences import apply_equivalences, mark_trace
from .expressions import _RUNTIME_ERRORS
from .questionnaire import _cel_multi as convert_multi
from .questionnaire import as_number, supplier_map
from .specs import (
    NOT_RATED,
    RATINGS,
    SUPPLIER_NAME,
    AnswerValue,
    HeldCertificate,
    SupplierProfile,
)

__all__ = ["FindingResult", "ScoreResult", "score"]

# Every score is in [0, 100], so its rounded value is one of these 1001 Decimals.
_TENTHS: tuple[Decimal, ...] = tuple(Decimal(t).scaleb(-1) for t in range(1001))


@dataclass(frozen=True, slots=True)
class FindingResult:
    """A finding raised for an audit.

    ``due_days`` is None for observations (they open no corrective action); ``due_date`` is
    ``accepted_on + due_days`` when ``score`` was given ``accepted_on``. ``values`` are the values
    the rule's expression read (question code -> value as the expression saw it, ``None`` for
    hidden / N/A / unanswered; ``supplier`` -> the profile map when the expression reads it).
    """

    code: str
    severity: str
    category: str
    title: Mapping[str, str]
    guidance: Mapping[str, str]
    due_days: int | None
    due_date: datetime.date | None
    values: Mapping[str, object]


@dataclass(frozen=True, slots=True)
class ScoreResult:
    """The score of one audit.

    ``overall`` and every ``categories`` value are rounded half up to one decimal (from unrounded
    values); ``None`` when nothing was included. ``categories`` has every category of the rule
    set. ``rating`` is low | medium | high | critical | not_rated. ``trace`` is plain
    JSON-serialisable data (Decimals as strings; treat it as read-only) - see ``score``.
    """

    overall: Decimal | None
    categories: Mapping[str, Decimal | None]
    rating: str
    findings: tuple[FindingResult, ...]
    trace: Mapping[str, Any]


_JSON_SCALARS = frozenset({str, int, float, bool, type(None)})


def _json_value(value: object) -> object:
    """An answer value as JSON data (the trace is stored as JSON)."""
    if type(value) in _JSON_SCALARS:
        return value
    if isinstance(value, Mapping):
        return {str(key): _json_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_json_value(item) for item in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _round_tenths(numerator: int, denominator: int) -> int:
    """Tenths of ``numerator / denominator`` (>= 0) rounded half up: floor(10 x + 1/2)."""
    return (20 * numerator + denominator) // (2 * denominator)


def _findings(
    compiled: CompiledRuleSet,
    context: Any,
    values: Mapping[str, object],
    supplier: SupplierProfile,
    accepted_on: datetime.date | None,
) -> tuple[tuple[FindingResult, ...], list[dict[str, Any]], int]:
    """The findings that fire, their trace, and the worst severity-floor rank (-1: none).

    The floor is the worst floor of *any* fired severity, not only of the worst severity: with
    a floor for major but none for critical, a critical finding must not rate better than a
    major one would.
    """
    results: list[FindingResult] = []
    trace: list[dict[str, Any]] = []
    floor_rank = -1
    floors = compiled.severity_floor_rank
    supplier_values: dict[str, str] | None = None
    for finding in compiled.findings:
        try:
            fired = finding.program.execute(context) is True
        except _RUNTIME_ERRORS:
            fired = False
        if not fired:
            continue
        rule = finding.rule
        used: dict[str, object] = {}
        for name in finding.names:
            if name == SUPPLIER_NAME:
                if supplier_values is None:
                    supplier_values = supplier_map(supplier)
                used[name] = dict(supplier_values)
            else:
                used[name] = values.get(name)
        results.append(_finding_result(finding, used, accepted_on))
        trace.append(
            {
                "code": rule.code,
                "severity": rule.severity,
                "when": rule.when,
                # Context values are already JSON data (str, int, float, list, None, dict).
                "values": used.copy(),
            }
        )
        floor = floors.get(rule.severity, -1)
        if floor > floor_rank:
            floor_rank = floor
    return tuple(results), trace, floor_rank


def _finding_result(
    finding: CompiledFinding, used: dict[str, object], accepted_on: datetime.date | None
) -> FindingResult:
    """The result of a fired ``finding`` whose expression read ``used``."""
    rule = finding.rule
    due_date = None
    if accepted_on is not None and finding.due_delta is not None:
        due_date = accepted_on + finding.due_delta
    return FindingResult(
        code=rule.code,
        severity=rule.severity,
        category=rule.category,
        title=rule.title,
        guidance=rule.guidance,
        due_days=finding.due_days,
        due_date=due_date,
        values=MappingProxyType(used),
    )


# Trace strings repeat a lot between audits (the same sums come back); caching them keeps
# Decimal formatting off the per-audit path.
_ratio = lru_cache(maxsize=65536)(ratio_str)


def score(
    compiled: CompiledRuleSet,
    answers: Mapping[str, AnswerValue],
    supplier: SupplierProfile,
    *,
    accepted_on: datetime.date | None = None,
    certificates: Sequence[HeldCertificate] = (),
    scored_on: datetime.date | None = None,
) -> ScoreResult:
    """Score one audit with ``compiled`` (DESIGN section 6, rules 1 to 6).

    ``answers`` maps question codes to answers (a missing code is unanswered). Hidden and N/A
    scored questions are excluded; a visible scored question left unanswered scores 0. Findings
    fire when their ``when`` is true in the same context as visibility (hidden, N/A and
    unanswered questions are null). ``accepted_on`` dates the findings' corrective actions.

    ``trace`` = ``{"questions": {code: {answer, points, max_points, q, weight, category,
    excluded: None | "hidden" | "not_applicable", unanswered}}, "categories": {name:
    {weighted_sum, weight_sum, score}}, "overall": {weighted_sum, weight_sum, unrounded, score},
    "rating": {band, floor, final}, "findings": [{code, severity, when, values}]}``, for scored
    questions only, with numbers as decimal strings (``score`` unrounded in categories).

    ``certificates`` are the supplier's; with the rule set's equivalences, those valid on
    ``scored_on`` (default ``accepted_on``; one of them is then required) answer or waive
    questions the supplier left unanswered. Such question entries carry ``source:
    "certificate"`` and the certificate id, and the trace gains ``"certificates": {code:
    {source, certificate, kind, number, valid_to, effect, value}}`` (see
    ``equivalences.apply_equivalences``).
    """
    sources: dict[str, Any] = {}
    if certificates and compiled.spec.equivalences:
        day = scored_on or accepted_on
        if day is None:
            raise ValueError("scoring with certificates needs scored_on or accepted_on")
        recognition = apply_equivalences(compiled.spec.equivalences, certificates, answers, day)
        answers, sources = recognition.answers, recognition.sources
    context, hidden, values = compiled.questionnaire.run(compiled.plan, answers, supplier)
    sums, weight_sums, trace_questions = _question_scores(compiled, answers, hidden)
    categories, trace_categories, total = _category_scores(compiled, sums, weight_sums)
    findings, trace_findings, floor_rank = _findings(
        compiled, context, values, supplier, accepted_on
    )
    overall, rating, trace_overall, trace_rating = _overall_and_rating(compiled, total, floor_rank)
    trace = {
        "questions": trace_questions,
        "categories": trace_categories,
        "overall": trace_overall,
        "rating": trace_rating,
        "findings": trace_findings,
    }
    if sources:
        mark_trace(trace_questions, sources)
        trace["certificates"] = sources
    return ScoreResult(
        overall=overall,
        categories=MappingProxyType(categories),
        rating=rating,
        findings=findings,
        trace=trace,
    )


def _question_scores(
    compiled: CompiledRuleSet, answers: Mapping[str, AnswerValue], hidden: Any
) -> tuple[list[int], list[int], dict[str, dict[str, Any]]]:
    """Per category, the sum of contributions and of weights (integers, see ``ScoredQuestion``),
    and the trace entry of every scored question. Hidden and N/A questions count in neither
    sum; an unanswered one counts in the weights only."""
    n_categories = len(compiled.category_names)
    sums = [0] * n_categories
    weight_sums = [0] * n_categories
    trace_questions: dict[str, dict[str, Any]] = {}
    for sq in compiled.scored:
        code = sq.code
        answer = answers.get(code)
        if code in hidden:
            entry = sq.hidden.copy()
            if answer is not None and answer.value is not None:
                entry["answer"] = _json_value(answer.value)
            trace_questions[code] = entry
            continue
        if answer is not None and answer.not_applicable:
            trace_questions[code] = sq.not_applicable.copy()
            continue
        k = sq.category_index
        weight_sums[k] += sq.weight_n
        value = None if answer is None else answer.value
        if value is None or value == "":
            trace_questions[code] = sq.unanswered.copy()
            continue
        kind = sq.kind
        if kind == CHOICE:
            if type(value) is not str:
                # yes/no as booleans (YAML, some clients); anything else is no known choice.
                value = "yes" if value is True else "no" if value is False else str(value)
            hit = sq.table.get(value)
            if hit is not None:
                # The common case, inline: scoring is a dict lookup and an addition.
                sums[k] += hit[0]
                trace_questions[code] = hit[1].copy()
                continue
            contribution, entry = _unknown_choice(sq, value)
        elif kind == MULTI:
            contribution, entry = _multi_score(sq, value, compiled.multi_unit_strs)
        else:
            contribution, entry = _number_score(sq, value)
        sums[k] += contribution
        trace_questions[code] = entry
    return sums, weight_sums, trace_questions


def _unknown_choice(sq: ScoredQuestion, value: str) -> tuple[int, dict[str, Any]]:
    """A choice value without a points entry scores 0 (DESIGN 6.1)."""
    entry = sq.template.copy()
    entry["answer"] = value
    entry["points"], entry["q"] = sq.zero
    return 0, entry


def _multi_score(
    sq: ScoredQuestion, value: object, multi_strs: dict[tuple[str, int], tuple[str, str]]
) -> tuple[int, dict[str, Any]]:
    """Contribution and trace entry of a multi-choice answer (capped sum of its choices)."""
    # The same list expressions see (strings, yes/no for booleans).
    chosen = convert_multi(value)
    table = sq.table
    # A value chosen twice counts once.
    n = sum(table.get(item, 0) for item in set(chosen))  # type: ignore[call-overload]
    if sq.cap_n is not None and n > sq.cap_n:
        n = sq.cap_n
    strs = multi_strs.get((sq.code, n))
    if strs is None:
        strs = multi_strs[sq.code, n] = (plain(n * sq.unit), _ratio(n, sq.max_n))
    entry = sq.template.copy()
    entry["answer"] = _json_value(chosen)
    entry["points"], entry["q"] = strs
    return sq.multiplier * n, entry


def _number_score(sq: ScoredQuestion, value: object) -> tuple[int, dict[str, Any]]:
    """Contribution and trace entry of a number answer (the first band it does not exceed)."""
    number = as_number(value)
    entry = sq.template.copy()
    entry["answer"] = _json_value(value)
    if number is None:
        # Not a number: scores 0 like an unknown choice; answer validation is upstream.
        entry["points"], entry["q"] = sq.zero
        return 0, entry
    for maximum, contribution, points, q in sq.bands:
        if maximum is None or number <= maximum:
            entry["points"], entry["q"] = points, q
            return contribution, entry
    return 0, entry


def _category_scores(
    compiled: CompiledRuleSet, sums: list[int], weight_sums: list[int]
) -> tuple[dict[str, Decimal | None], dict[str, dict[str, str | None]], tuple[int, int, int]]:
    """Category scores, their trace, and the overall as the exact fraction
    ``(total_num, total_den, total_weight)`` of ``sum(W_k * C_k) / sum(W_k)``."""
    # C_k = 100 * sum(w q) / sum(w) = 100 * sums[k] / (lcm_k * weight_sums[k]).
    categories: dict[str, Decimal | None] = {}
    trace_categories: dict[str, dict[str, str | None]] = {}
    weight_scale = compiled.weight_scale
    total_num, total_den, total_weight = 0, 1, 0
    for k, name in enumerate(compiled.category_names):
        weight_sum = weight_sums[k]
        if weight_sum == 0:
            categories[name] = None
            trace_categories[name] = {"weighted_sum": "0", "weight_sum": "0", "score": None}
            continue
        num = 100 * sums[k]
        den = compiled.category_lcm[k] * weight_sum
        categories[name] = _TENTHS[_round_tenths(num, den)]
        trace_categories[name] = {
            "weighted_sum": _ratio(sums[k], compiled.category_lcm[k] * weight_scale),
            "weight_sum": _ratio(weight_sum, weight_scale),
            "score": _ratio(num, den),
        }
        category_weight = compiled.category_weights_n[k]
        total_num = total_num * den + category_weight * num * total_den
        total_den *= den
        total_weight += category_weight
    return categories, trace_categories, (total_num, total_den, total_weight)


def _overall_and_rating(
    compiled: CompiledRuleSet, total: tuple[int, int, int], floor_rank: int
) -> tuple[Decimal | None, str, dict[str, str | None], dict[str, str | None]]:
    """The rounded overall score, the rating, and their traces (rating: ``{band, floor,
    final}``): the rating is the band of the overall, made worse by the severity floor of the
    fired findings."""
    total_num, total_den, total_weight = total
    cw_scale = compiled.category_weight_scale
    floor = RATINGS[floor_rank] if floor_rank >= 0 else None
    if total_weight == 0:
        trace_overall: dict[str, str | None] = {
            "weighted_sum": "0",
            "weight_sum": "0",
            "unrounded": None,
            "score": None,
        }
        return None, NOT_RATED, trace_overall, {"band": None, "floor": floor, "final": NOT_RATED}
    tenths = _round_tenths(total_num, total_den * total_weight)
    overall = _TENTHS[tenths]
    band = next(r for threshold, r in compiled.rating_thresholds if tenths >= threshold)
    rank = RATINGS.index(band)
    rating = RATINGS[floor_rank] if floor_rank > rank else band
    trace_overall = {
        "weighted_sum": _ratio(total_num, total_den * cw_scale),
        "weight_sum": _ratio(total_weight, cw_scale),
        "unrounded": _ratio(total_num, total_den * total_weight),
        "score": str(overall),
    }
    return overall, rating, trace_overall, {"band": band, "floor": floor, "final": rating}
