"""Lean stored scores: what a score keeps of its findings and trace, and the full form rebuilt
from the rule set on read.

A score stores only what is specific to the audit: per scored question the answer, points and
``q`` (and why it was excluded or that it was unanswered); the category, overall and rating
sums; per fired rule its code, the values it read and its due days and date. Everything the rule
set says the same way for every audit (question weights, maximum points and categories; finding
severities, categories, conditions, titles and guidance) comes back from the compiled rule set.

``full_findings`` and ``full_trace`` give exactly the ``findings`` and ``trace`` an engine result
would have been stored as in full (see ``scorer.score`` for the trace's shape), in the same key
order. They take the lean forms and also pass full ones through, so scores written before the
lean form, or written by hand, read the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .compiled import CompiledRuleSet

__all__ = ["full_findings", "full_trace", "lean_findings", "lean_trace"]

# A question's trace entry keeps a key only when it differs from the rule set's template
# (``ScoredQuestion.template``): answer, points and q when not None, excluded when not None,
# unanswered when true, source and certificate when a certificate gave the answer. The others (max_points, weight, category) are the rule set's and never
# kept.
_FINDING_KEYS = ("code", "due_days", "due_date", "values")


def lean_findings(findings: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Stored findings (``{code, severity, category, title, guidance, due_days, due_date,
    values}``, or already lean) reduced to ``{code, due_days, due_date, values}``."""
    return [{key: f.get(key) for key in _FINDING_KEYS} for f in findings]


def _lean_question(entry: Mapping[str, Any]) -> dict[str, Any]:
    # Spelt out rather than a loop over _QUESTION_DEFAULTS: this runs for every scored question
    # of every audit of a bulk re-score.
    lean: dict[str, Any] = {}
    get = entry.get
    if (answer := get("answer")) is not None:
        lean["answer"] = answer
    if (points := get("points")) is not None:
        lean["points"] = points
    if (q := get("q")) is not None:
        lean["q"] = q
    if (excluded := get("excluded")) is not None:
        lean["excluded"] = excluded
    if get("unanswered"):
        lean["unanswered"] = True
    if (source := get("source")) is not None:
        lean["source"] = source
        lean["certificate"] = get("certificate")
    return lean


def lean_trace(trace: Mapping[str, Any]) -> dict[str, Any]:
    """A full trace (or a lean one) without what the rule set gives back: question entries
    keep only their non-default answer, points, q, excluded and unanswered; the findings part
    is dropped (its codes and values are in the lean findings)."""
    lean: dict[str, Any] = {
        key: value for key, value in trace.items() if key not in ("questions", "findings")
    }
    lean["questions"] = {
        code: _lean_question(entry) for code, entry in (trace.get("questions") or {}).items()
    }
    return _in_order(lean)


_ORDER = ("questions", "categories", "overall", "rating")


def _in_order(trace: dict[str, Any]) -> dict[str, Any]:
    """``trace`` with its parts in the engine's order (a JSON column on PostgreSQL does not
    keep the order of keys)."""
    return {key: trace[key] for key in _ORDER if key in trace} | {
        key: value for key, value in trace.items() if key not in _ORDER
    }


def _rules(compiled: CompiledRuleSet) -> dict[str, Any]:
    return {finding.rule.code: finding.rule for finding in compiled.findings}


def full_findings(
    compiled: CompiledRuleSet, findings: Iterable[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """Lean findings with the severity, category, title and guidance of their rule (entries
    that already carry a title, or whose rule the rule set lacks, are returned as they are)."""
    rules = _rules(compiled)
    out: list[dict[str, Any]] = []
    for f in findings:
        rule = rules.get(f.get("code", ""))
        if "title" in f or rule is None:
            out.append(dict(f))
            continue
        out.append(
            {
                "code": rule.code,
                "severity": rule.severity,
                "category": rule.category,
                "title": dict(rule.title),
                "guidance": dict(rule.guidance),
                "due_days": f.get("due_days"),
                "due_date": f.get("due_date"),
                "values": f.get("values") or {},
            }
        )
    return out


def full_trace(
    compiled: CompiledRuleSet, trace: Mapping[str, Any], findings: Iterable[Mapping[str, Any]]
) -> dict[str, Any]:
    """A lean ``trace`` rebuilt in full: each question entry completed from the rule set's
    template, and the findings part (``{code, severity, when, values}``) from the lean
    ``findings``. A trace that already has its findings part is returned as it is."""
    if "findings" in trace:
        return dict(trace)
    templates = {sq.code: sq.template for sq in compiled.scored}
    rules = _rules(compiled)
    full: dict[str, Any] = {}
    for key, value in _in_order(dict(trace)).items():
        if key == "questions":
            value = {
                code: templates[code] | entry if code in templates else dict(entry)
                for code, entry in value.items()
            }
        full[key] = value
    full["findings"] = [
        {
            "code": f.get("code"),
            "severity": rule.severity if rule else f.get("severity"),
            "when": rule.when if rule else f.get("when"),
            "values": f.get("values") or {},
        }
        for f in findings
        for rule in [rules.get(f.get("code", ""))]
    ]
    return full
