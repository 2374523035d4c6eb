"""Rule sets (DESIGN section 6): YAML document <-> ``RuleSetSpec``.

``parse_ruleset`` validates a rule set against its questionnaire and reports every problem at
once; ``compiled.compile_ruleset`` prepares a valid one for scoring.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from types import MappingProxyType
from typing import Any

from .equivalences import equivalences_to_doc, parse_equivalences
from .expressions import ExpressionError, compile_expression
from .questionnaire import (
    LocatedError,
    SpecError,
    yaml_choice_value,
)
from .specs import (
    CHOICE_TYPES,
    RATINGS,
    SEVERITIES,
    SUPPLIER_NAME,
    Band,
    FindingRule,
    QuestionnaireSpec,
    QuestionSpec,
    RuleSetSpec,
    ScoreRule,
)

__all__ = ["parse_ruleset", "ruleset_to_doc"]

_SCORE_KEYS = frozenset({"weight", "points", "bands", "cap"})
_FINDING_KEYS = frozenset({"code", "when", "severity", "category", "title", "guidance", "due_days"})
_TOP_KEYS = frozenset(
    {
        "code",
        "version",
        "questionnaire",
        "categories",
        "scores",
        "findings",
        "sla_days",
        "rating",
        "equivalences",
    }
)
# Descriptive keys a rule set file may carry for people (and the RuleSet model); the engine
# ignores them. Any other unknown key is reported, so that a typo ("finding:") is not silent.
_METADATA_KEYS = frozenset({"title", "description"})
_SEVERITY_LIST = "critical, major, minor or observation"
_RATING_LIST = "low, medium, high or critical"


# ---------------------------------------------------------------------------------------------
# Parsing and validation
# ---------------------------------------------------------------------------------------------


def _decimal(value: object) -> Decimal | None:
    """A YAML number (or numeric string) as an exact Decimal; None if it is not a number.

    Floats go through ``repr`` so that YAML ``0.1`` is ``Decimal("0.1")``, not the binary value.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        return Decimal(value)
    elif isinstance(value, float | str):
        try:
            number = Decimal(repr(value) if isinstance(value, float) else value.strip())
        except InvalidOperation:
            return None
    else:
        return None
    return number if number.is_finite() else None


def _positive_int(value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        return None
    return value


def _texts(value: object) -> Mapping[str, str] | None:
    if not isinstance(value, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        return None
    return MappingProxyType(dict(value))


class _Collector:
    def __init__(self) -> None:
        self.errors: list[LocatedError] = []

    def add(self, location: str, field: str, message: str) -> None:
        self.errors.append(LocatedError(location, field, message))


def _parse_categories(doc: Mapping[str, Any], out: _Collector) -> dict[str, Decimal]:
    raw = doc.get("categories")
    categories: dict[str, Decimal] = {}
    if not isinstance(raw, Mapping) or not raw:
        out.add("categories", "categories", "required: a mapping of category -> weight")
        return categories
    for name, value in raw.items():
        weight = _decimal(value)
        if weight is None:
            out.add("categories", str(name), f"weight must be a number, got {value!r}")
        elif weight <= 0:
            out.add("categories", str(name), f"weight must be greater than 0, got {weight}")
        else:
            categories[str(name)] = weight
    return categories


def _parse_points(
    code: str, raw: object, choices: tuple[str, ...], q_type: str, out: _Collector
) -> dict[str, Decimal] | None:
    if not isinstance(raw, Mapping) or not raw:
        out.add(code, "points", "required: a mapping of choice value -> points")
        return None
    points: dict[str, Decimal] = {}
    ok = True
    for key, value in raw.items():
        choice = yaml_choice_value(key)
        if choice not in choices:
            ok = False
            if q_type == "yes_no":
                out.add(code, "points", f"'{choice}' is not a yes_no value (only 'yes' and 'no')")
            else:
                out.add(
                    code,
                    "points",
                    f"'{choice}' is not a choice of {code} (choices: {', '.join(choices)})",
                )
            continue
        number = _decimal(value)
        if number is None or number < 0:
            ok = False
            out.add(code, "points", f"points of '{choice}' must be a number >= 0, got {value!r}")
            continue
        points[choice] = number
    return points if ok else None


def _parse_bands(code: str, raw: object, out: _Collector) -> tuple[Band, ...] | None:
    if not isinstance(raw, list) or not raw:
        out.add(code, "bands", "required: a list of {max, points}, the last without max")
        return None
    bands: list[Band] = []
    ok = True
    previous: Decimal | None = None
    for index, item in enumerate(raw, start=1):
        if not isinstance(item, Mapping) or "points" not in item:
            out.add(code, "bands", f"band {index}: expected {{max, points}}")
            ok = False
            continue
        extra = set(item) - {"max", "points"}
        if extra:
            out.add(code, "bands", f"band {index}: unknown key(s) {', '.join(map(str, extra))}")
            ok = False
        points = _decimal(item["points"])
        if points is None or points < 0:
            out.add(code, "bands", f"band {index}: points must be a number >= 0")
            ok = False
            points = Decimal(0)
        maximum: Decimal | None = None
        if item.get("max") is None:
            if index != len(raw):
                out.add(code, "bands", f"band {index}: only the last band may omit max")
                ok = False
        else:
            maximum = _decimal(item["max"])
            if maximum is None:
                out.add(code, "bands", f"band {index}: max must be a number")
                ok = False
            elif previous is not None and maximum <= previous:
                # The first band whose max the answer does not exceed wins, so a band whose max
                # is not above the previous one could never be reached.
                out.add(
                    code,
                    "bands",
                    f"band {index}: max {maximum} must be greater than the previous band's "
                    f"max {previous} (bands go in ascending order of max)",
                )
                ok = False
            if maximum is not None:
                previous = maximum
        bands.append(Band(points=points, max=maximum))
    return tuple(bands) if ok else None


def _parse_score(
    code: str,
    raw: object,
    questionnaire: QuestionnaireSpec,
    questions: Mapping[str, Any],
    categories: Mapping[str, Decimal],
    out: _Collector,
) -> ScoreRule | None:
    question = questions.get(code)
    if question is None:
        out.add(
            code, "question", f"unknown question code (not in questionnaire {questionnaire.code})"
        )
        return None
    if not isinstance(raw, Mapping):
        out.add(code, "question", "expected a mapping {weight, points | bands, cap}")
        return None
    for key in raw:
        if key not in _SCORE_KEYS:
            out.add(code, str(key), "unknown key (expected weight, points, bands, cap)")
    if question.type not in CHOICE_TYPES and question.type != "number":
        out.add(code, "type", f"a {question.type} question cannot be scored")
        return None
    errors_before = len(out.errors)
    weight = _decimal(raw.get("weight"))
    if weight is None:
        out.add(code, "weight", f"required: a number > 0, got {raw.get('weight')!r}")
    elif weight <= 0:
        out.add(code, "weight", f"weight must be greater than 0, got {weight}")
    if question.category not in categories:
        out.add(
            code,
            "category",
            f"category '{question.category}' has no weight in categories",
        )
    points = bands = cap = None
    if question.type == "number":
        bands = _parse_number_score(code, raw, out)
    else:
        points, cap = _parse_choice_score(code, raw, question, out)
    if len(out.errors) != errors_before or weight is None:
        return None
    return ScoreRule(
        question=code,
        weight=weight,
        points=MappingProxyType(points) if points is not None else None,
        bands=bands,
        cap=cap,
    )


def _parse_number_score(
    code: str, raw: Mapping[str, Any], out: _Collector
) -> tuple[Band, ...] | None:
    """The bands of a number question's score rule."""
    if "points" in raw:
        out.add(code, "points", "a number question is scored with bands, not points")
    if "cap" in raw:
        out.add(code, "cap", "only multi_choice questions have a cap")
    bands = _parse_bands(code, raw.get("bands"), out)
    if bands is not None and max(band.points for band in bands) <= 0:
        out.add(code, "bands", "the largest band points must be greater than 0")
    return bands


def _parse_choice_score(
    code: str, raw: Mapping[str, Any], question: QuestionSpec, out: _Collector
) -> tuple[dict[str, Decimal] | None, Decimal | None]:
    """The points (and, for multi_choice, the cap) of a choice question's score rule."""
    if "bands" in raw:
        out.add(code, "bands", f"a {question.type} question is scored with points, not bands")
    points = _parse_points(code, raw.get("points"), question.choice_values, question.type, out)
    cap = None
    if raw.get("cap") is not None:
        if question.type != "multi_choice":
            out.add(code, "cap", "only multi_choice questions have a cap")
        else:
            cap = _decimal(raw["cap"])
            if cap is None or cap <= 0:
                out.add(code, "cap", f"cap must be a number > 0, got {raw['cap']!r}")
    if points is not None:
        total = sum(points.values()) if question.type == "multi_choice" else max(points.values())
        if cap is not None:
            total = min(total, cap)
        if total <= 0:
            out.add(code, "points", "the maximum points must be greater than 0")
    return points, cap


def _parse_finding(
    index: int,
    raw: object,
    questionnaire: QuestionnaireSpec,
    categories: Mapping[str, Decimal],
    sla_days: Mapping[str, int],
    seen: set[str],
    out: _Collector,
) -> FindingRule | None:
    if not isinstance(raw, Mapping):
        out.add(f"findings[{index}]", "finding", "expected a mapping")
        return None
    code = raw.get("code")
    if not code or not isinstance(code, str):
        out.add(f"findings[{index}]", "code", "required")
        return None
    errors_before = len(out.errors)
    if code in seen:
        out.add(code, "code", "duplicate finding code")
    seen.add(code)
    for key in raw:
        if key not in _FINDING_KEYS:
            out.add(code, str(key), "unknown key")
    when = raw.get("when")
    _check_when(code, when, questionnaire, out)
    severity = raw.get("severity")
    if severity not in SEVERITIES:
        out.add(code, "severity", f"unknown severity {severity!r} (expected {_SEVERITY_LIST})")
    category = raw.get("category")
    if category not in categories:
        out.add(code, "category", f"category {category!r} has no weight in categories")
    title = _texts(raw.get("title"))
    if not title:
        out.add(code, "title", "required: a mapping of language -> text")
    guidance = _texts(raw.get("guidance") or {})
    if guidance is None:
        out.add(code, "guidance", "expected a mapping of language -> text")
    due_days = _parse_due_days(code, raw, severity, sla_days, out)
    if len(out.errors) != errors_before:
        return None
    return FindingRule(
        code=code,
        when=str(when),
        severity=str(severity),
        category=str(category),
        title=title or MappingProxyType({}),
        guidance=guidance or MappingProxyType({}),
        due_days=due_days,
    )


def _check_when(code: str, when: object, questionnaire: QuestionnaireSpec, out: _Collector) -> None:
    """A finding's condition must compile and read only questions and ``supplier``."""
    try:
        expr = compile_expression(when)  # type: ignore[arg-type]
    except ExpressionError as exc:
        out.add(code, "when", str(exc))
        return
    known = {q.code for q in questionnaire.questions}
    for name in sorted(expr.names - known - {SUPPLIER_NAME}):
        out.add(
            code,
            "when",
            f"unknown name '{name}': not a question of {questionnaire.code} nor '{SUPPLIER_NAME}'",
        )


def _parse_due_days(
    code: str,
    raw: Mapping[str, Any],
    severity: object,
    sla_days: Mapping[str, int],
    out: _Collector,
) -> int | None:
    """A finding's own ``due_days``; without one, its severity must have ``sla_days``
    (observations need neither)."""
    if raw.get("due_days") is None:
        if severity in SEVERITIES and severity != "observation" and severity not in sla_days:
            out.add(code, "due_days", f"no due_days and no sla_days for severity '{severity}'")
        return None
    due_days = _positive_int(raw["due_days"])
    if due_days is None:
        out.add(code, "due_days", f"must be a whole number of days > 0, got {raw['due_days']!r}")
    return due_days


def _parse_sla(doc: Mapping[str, Any], out: _Collector) -> dict[str, int]:
    raw = doc.get("sla_days") or {}
    sla: dict[str, int] = {}
    if not isinstance(raw, Mapping):
        out.add("sla_days", "sla_days", "expected a mapping of severity -> days")
        return sla
    for severity, days in raw.items():
        if severity not in SEVERITIES:
            out.add("sla_days", str(severity), f"unknown severity (expected {_SEVERITY_LIST})")
        elif _positive_int(days) is None:
            out.add("sla_days", str(severity), f"must be a whole number of days > 0, got {days!r}")
        else:
            sla[severity] = days
    return sla


def _parse_rating(
    doc: Mapping[str, Any], out: _Collector
) -> tuple[tuple[tuple[Decimal, str], ...], dict[str, str]]:
    raw = doc.get("rating")
    if not isinstance(raw, Mapping):
        out.add("rating", "rating", "required: {bands, severity_floor}")
        return (), {}
    bands: list[tuple[Decimal, str]] = []
    raw_bands = raw.get("bands")
    if not isinstance(raw_bands, list) or not raw_bands:
        out.add("rating", "bands", "required: a list of {min, rating}")
    else:
        previous: Decimal | None = None
        for index, item in enumerate(raw_bands, start=1):
            if not isinstance(item, Mapping):
                out.add("rating", "bands", f"band {index}: expected {{min, rating}}")
                continue
            rating = item.get("rating")
            if rating not in RATINGS:
                out.add(
                    "rating",
                    "bands",
                    f"band {index}: unknown rating {rating!r} (expected {_RATING_LIST})",
                )
            minimum = _decimal(item.get("min"))
            if minimum is None or not 0 <= minimum <= 100:
                out.add("rating", "bands", f"band {index}: min must be a number from 0 to 100")
                continue
            if previous is not None and minimum >= previous:
                out.add(
                    "rating",
                    "bands",
                    f"band {index}: min {minimum} must be lower than the previous band's min "
                    f"{previous} (bands go in strictly decreasing order of min)",
                )
            previous = minimum
            bands.append((minimum, str(rating)))
        if bands and bands[-1][0] != 0:
            out.add("rating", "bands", "the last band must have min 0 so that every score is rated")
    floor: dict[str, str] = {}
    raw_floor = raw.get("severity_floor") or {}
    if not isinstance(raw_floor, Mapping):
        out.add("rating", "severity_floor", "expected a mapping of severity -> rating")
    else:
        for severity, rating in raw_floor.items():
            if severity not in SEVERITIES:
                out.add(
                    "rating",
                    "severity_floor",
                    f"unknown severity {severity!r} (expected {_SEVERITY_LIST})",
                )
            elif rating not in RATINGS:
                out.add(
                    "rating",
                    "severity_floor",
                    f"unknown rating {rating!r} for {severity} (expected {_RATING_LIST})",
                )
            else:
                floor[severity] = rating
    return tuple(bands), floor


def _parse_scores(
    doc: Mapping[str, Any],
    questionnaire: QuestionnaireSpec,
    categories: Mapping[str, Decimal],
    out: _Collector,
) -> list[ScoreRule]:
    questions = {q.code: q for q in questionnaire.questions}
    scores: list[ScoreRule] = []
    raw_scores = doc.get("scores") or {}
    if not isinstance(raw_scores, Mapping):
        out.add("scores", "scores", "expected a mapping of question code -> rule")
        raw_scores = {}
    for q_code, raw_rule in raw_scores.items():
        rule = _parse_score(str(q_code), raw_rule, questionnaire, questions, categories, out)
        if rule is not None:
            scores.append(rule)
    return scores


def _parse_findings(
    doc: Mapping[str, Any],
    questionnaire: QuestionnaireSpec,
    categories: Mapping[str, Decimal],
    sla_days: Mapping[str, int],
    out: _Collector,
) -> list[FindingRule]:
    findings: list[FindingRule] = []
    raw_findings = doc.get("findings") or []
    if not isinstance(raw_findings, list):
        out.add("findings", "findings", "expected a list")
        raw_findings = []
    seen: set[str] = set()
    for index, raw_finding in enumerate(raw_findings):
        finding = _parse_finding(index, raw_finding, questionnaire, categories, sla_days, seen, out)
        if finding is not None:
            findings.append(finding)
    return findings


def parse_ruleset(doc: Mapping[str, Any], questionnaire: QuestionnaireSpec) -> RuleSetSpec:
    """Validate a rule set document (the YAML dict of DESIGN section 6) against ``questionnaire``.

    Returns an immutable ``RuleSetSpec`` with every number as ``Decimal``. Raises ``SpecError``
    with one ``LocatedError(location, field, message)`` per problem, all problems at once.
    Unquoted YAML ``yes``/``no`` keys (read as booleans by YAML 1.1) count as "yes"/"no".
    A question's category must have a weight only when the question is scored: unscored
    questions never reach a category score. ``title`` and ``description`` are accepted and
    ignored (they describe the rule set for people); other unknown keys are errors.
    """
    out = _Collector()
    if not isinstance(doc, Mapping):
        raise SpecError([LocatedError("ruleset", "document", "expected a mapping")])
    code = doc.get("code")
    if not code or not isinstance(code, str):
        out.add("ruleset", "code", "required")
    version = doc.get("version")
    if _positive_int(version) is None:
        out.add("ruleset", "version", f"must be a whole number > 0, got {version!r}")
    if doc.get("questionnaire") != questionnaire.code:
        out.add(
            "ruleset",
            "questionnaire",
            f"rule set is for {doc.get('questionnaire')!r}, questionnaire is "
            f"{questionnaire.code!r}",
        )
    for key in doc:
        if key not in _TOP_KEYS and key not in _METADATA_KEYS:
            out.add("ruleset", str(key), "unknown key")

    categories = _parse_categories(doc, out)
    scores = _parse_scores(doc, questionnaire, categories, out)
    sla_days = _parse_sla(doc, out)
    findings = _parse_findings(doc, questionnaire, categories, sla_days, out)
    rating_bands, severity_floor = _parse_rating(doc, out)
    equivalences, errors = parse_equivalences(doc.get("equivalences"), questionnaire)
    out.errors.extend(errors)
    if out.errors:
        raise SpecError(out.errors)
    return RuleSetSpec(
        code=str(code),
        version=int(version),  # type: ignore[arg-type]
        questionnaire=questionnaire.code,
        categories=MappingProxyType(categories),
        scores=tuple(scores),
        findings=tuple(findings),
        sla_days=MappingProxyType(sla_days),
        rating_bands=rating_bands,
        severity_floor=MappingProxyType(severity_floor),
        equivalences=equivalences,
    )


def _number_out(value: Decimal) -> int | float | str:
    """A Decimal as the plainest YAML scalar that reads back as the same Decimal."""
    if value == value.to_integral_value():
        return int(value)
    as_float = float(value)
    if Decimal(repr(as_float)) == value:
        return as_float
    return str(value)


def ruleset_to_doc(spec: RuleSetSpec) -> dict[str, Any]:
    """The YAML-ready document of ``spec`` (plain dicts, lists, ints, floats, strings).

    The inverse of ``parse_ruleset``: ``parse_ruleset(ruleset_to_doc(x), q) == x``.
    """
    scores: dict[str, Any] = {}
    for rule in spec.scores:
        entry: dict[str, Any] = {"weight": _number_out(rule.weight)}
        if rule.points is not None:
            entry["points"] = {k: _number_out(v) for k, v in rule.points.items()}
        if rule.bands is not None:
            entry["bands"] = [
                ({"max": _number_out(b.max)} if b.max is not None else {})
                | {"points": _number_out(b.points)}
                for b in rule.bands
            ]
        if rule.cap is not None:
            entry["cap"] = _number_out(rule.cap)
        scores[rule.question] = entry
    findings = []
    for finding in spec.findings:
        item: dict[str, Any] = {
            "code": finding.code,
            "when": finding.when,
            "severity": finding.severity,
            "category": finding.category,
            "title": dict(finding.title),
            "guidance": dict(finding.guidance),
        }
        if finding.due_days is not None:
            item["due_days"] = finding.due_days
        findings.append(item)
    doc = {
        "code": spec.code,
        "version": spec.version,
        "questionnaire": spec.questionnaire,
        "categories": {k: _number_out(v) for k, v in spec.categories.items()},
        "scores": scores,
        "findings": findings,
        "sla_days": dict(spec.sla_days),
        "rating": {
            "bands": [{"min": _number_out(m), "rating": r} for m, r in spec.rating_bands],
            "severity_floor": dict(spec.severity_floor),
        },
    }
    if spec.equivalences:
        doc["equivalences"] = equivalences_to_doc(spec.equivalences)
    return doc
