"""Benchmark of the scoring engine against a hand-written plain-Python floor.

    .venv/bin/python bench/bench_engine.py [--n 5000] [--seed 7] [--source auto|library|synthetic]

Loads ``questionnaires/library/sme-csr-core.yaml`` and ``rulesets/library/sme-csr-core-rules.yaml`` when
both exist (``"source": "library"``), otherwise generates a questionnaire of 60 questions and a
rule set of 15 findings of the same shape (``"source": "synthetic"``). Generates N seeded random
complete answer sets and measures, on one core, audits per second of

* the engine: ``scoring.engine.score`` (building the CEL context for every audit, full trace);
* the floor: a plain-Python scorer of the same rule set - dict lookups, Decimal sums, and the
  CEL expressions translated once into Python closures (a small translator for the subset the
  rule sets use; no CEL at run time, no ``eval``), no trace.

Both must give the same overall score, rating and findings (checked on a sample). Prints one JSON
object: engine_audits_per_s, floor_audits_per_s, ratio_to_floor, n, source.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from collections.abc import Callable, Mapping
from decimal import ROUND_HALF_UP, Decimal, localcontext
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scoring.engine import (  # noqa: E402
    AnswerValue,
    CompiledRuleSet,
    QuestionnaireSpec,
    RuleSetSpec,
    SupplierProfile,
    compile_questionnaire,
    compile_ruleset,
    parse_ruleset,
    questionnaire_spec_from_doc,
    score,
)
from scoring.engine.specs import RATINGS  # noqa: E402

QUESTIONNAIRE_FILE = ROOT / "questionnaires" / "library" / "sme-csr-core.yaml"
RULES_FILE = ROOT / "rulesets" / "library" / "sme-csr-core-rules.yaml"
SIZES = ("micro", "small", "medium", "large")
COUNTRIES = ("CN", "VN", "BD", "IN", "DE")
INDUSTRIES = ("C13", "C14", "C26", "C22")


# ---------------------------------------------------------------------------------------------
# Synthetic questionnaire and rule set (same shape as the library ones)
# ---------------------------------------------------------------------------------------------


def synthetic_docs(rng: random.Random) -> tuple[dict[str, Any], dict[str, Any]]:
    """A 60-question questionnaire document and a rule set document with 15 findings."""
    plan = [("MGT", "management", 9), ("EMP", "employee", 22), ("ENV", "environment", 14),
            ("MKT", "market", 9), ("COM", "community", 6)]  # fmt: skip
    levels = ["full", "partial", "planned", "none"]
    types = ["yes_no", "single_choice", "yes_no", "single_choice", "yes_no", "number",
             "yes_no", "single_choice", "multi_choice", "yes_no", "text"]  # fmt: skip
    sections, scores = [], {}
    previous_choice: str | None = None
    n = 0
    for prefix, category, count in plan:
        questions = []
        for i in range(1, count + 1):
            n += 1
            code = f"{prefix}_{i:02d}"
            q_type = types[n % len(types)] if n != 60 else "date"
            question: dict[str, Any] = {"code": code, "type": q_type, "category": category}
            if q_type == "single_choice":
                question["choices"] = [{"value": v} for v in levels]
            elif q_type == "multi_choice":
                question["choices"] = [{"value": v} for v in ("a", "b", "c", "none")]
            if i > 1 and n % 3 == 0:
                question["visible_if"] = 'supplier.size_class != "micro"'
            elif i > 1 and n % 7 == 0 and previous_choice:
                question["visible_if"] = (
                    f'{previous_choice} == "yes" || {previous_choice} == "full"'
                )
            questions.append(question)
            weight = 1 + n % 3
            if q_type == "yes_no":
                scores[code] = {"weight": weight, "points": {"yes": 1, "no": 0}}
                previous_choice = code
            elif q_type == "single_choice":
                scores[code] = {
                    "weight": weight,
                    "points": {"full": 1, "partial": 0.5, "planned": 0.25, "none": 0},
                }
                previous_choice = code
            elif q_type == "number":
                scores[code] = {
                    "weight": weight,
                    "bands": [{"max": 40, "points": 1}, {"max": 60, "points": 0.5}, {"points": 0}],
                }
            elif q_type == "multi_choice":
                scores[code] = {
                    "weight": weight,
                    "points": {"a": 0.5, "b": 0.5, "c": 1},
                    "cap": 1.5,
                }
        sections.append({"code": prefix, "questions": questions})
    all_questions = [q for s in sections for q in s["questions"]]
    numbers = [q["code"] for q in all_questions if q["type"] == "number"]
    multis = [q["code"] for q in all_questions if q["type"] == "multi_choice"]
    # Two conditions of the library's kinds: a number threshold and a list comprehension.
    all_questions[-3]["visible_if"] = f"{numbers[0]} != null && {numbers[0]} > 40"
    all_questions[-5]["visible_if"] = f'{multis[0]} != null && {multis[0]}.exists(v, v != "none")'
    questionnaire = {"code": "synthetic-csr", "version": 1, "sections": sections}

    yes_nos = [q for q in all_questions if q["type"] == "yes_no"]
    choices = [q for q in all_questions if q["type"] == "single_choice"]
    findings = []
    severities = ["critical", "major", "minor", "major", "observation"]
    for i in range(15):
        if i < 7:
            target = yes_nos[i * 3]
            when = f'{target["code"]} == "no"'
        elif i < 11:
            target = choices[(i - 7) * 2]
            when = f'{target["code"]} == "none" || {target["code"]} == "planned"'
        elif i < 13:
            target = next(q for q in all_questions if q["code"] == numbers[i - 11])
            when = f"{target['code']} != null && {target['code']} > 60"
        elif i == 13:
            target = next(q for q in all_questions if q["code"] == multis[0])
            when = f'"none" in {target["code"]} && supplier.size_class != "micro"'
        else:
            target = yes_nos[1]
            when = f'{target["code"]} == "no" && {yes_nos[2]["code"]} != "yes"'
        findings.append({
            "code": f"F_{i:02d}", "when": when, "severity": severities[i % 5],
            "category": target["category"], "title": {"en": f"Finding {i}"},
            "guidance": {"en": "Fix it."},
        })  # fmt: skip
    rules = {
        "code": "synthetic-csr-rules", "version": 1, "questionnaire": "synthetic-csr",
        "categories": {"management": 15, "employee": 30, "environment": 25, "market": 20,
                       "community": 10},
        "scores": scores, "findings": findings,
        "sla_days": {"critical": 30, "major": 90, "minor": 180},
        "rating": {"bands": [{"min": 80, "rating": "low"}, {"min": 60, "rating": "medium"},
                             {"min": 40, "rating": "high"}, {"min": 0, "rating": "critical"}],
                   "severity_floor": {"critical": "high", "major": "medium"}},
    }  # fmt: skip
    return questionnaire, rules


def random_answers(
    spec: QuestionnaireSpec, rng: random.Random
) -> tuple[dict[str, AnswerValue], SupplierProfile]:
    """A complete answer set (every question answered; N/A now and then where allowed)."""
    answers: dict[str, AnswerValue] = {}
    for q in spec.questions:
        if q.allow_na and rng.random() < 0.05:
            answers[q.code] = AnswerValue(None, not_applicable=True)
            continue
        if q.type == "yes_no":
            value: object = "yes" if rng.random() < 0.8 else "no"
        elif q.type == "single_choice":
            value = rng.choice(q.choices)
        elif q.type == "multi_choice":
            value = rng.sample(q.choices, rng.randint(0, len(q.choices)))
        elif q.type == "number":
            value = rng.randint(0, 80) if rng.random() < 0.7 else round(rng.uniform(0, 80), 1)
        elif q.type == "date":
            value = f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        else:
            value = "We have a written policy."
        answers[q.code] = AnswerValue(value)
    supplier = SupplierProfile(rng.choice(SIZES), rng.choice(COUNTRIES), rng.choice(INDUSTRIES))
    return answers, supplier


# ---------------------------------------------------------------------------------------------
# The floor: CEL subset -> Python closures, and a plain Decimal scorer
# ---------------------------------------------------------------------------------------------

_ERR = object()  # a CEL error value: absorbed by && / || like CEL does, false at the top
_TOKEN = re.compile(
    r"\s*(?:(?P<num>\d+(?:\.\d+)?)|(?P<str>\"[^\"]*\"|'[^']*')|(?P<id>[A-Za-z_]\w*)"
    r"|(?P<op>&&|\|\||==|!=|<=|>=|[<>!().,\[\]]))"
)
Fn = Callable[[Mapping[str, Any]], Any]


def _tokens(source: str) -> list[tuple[str, str]]:
    tokens, pos = [], 0
    source = source.rstrip()
    while pos < len(source):
        match = _TOKEN.match(source, pos)
        if not match:
            raise ValueError(f"floor translator: cannot read {source[pos:]!r}")
        kind = match.lastgroup or ""
        tokens.append((kind, match[kind]))
        pos = match.end()
    return [*tokens, ("end", "")]


def _is_num(value: object) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def _order(op: str) -> Callable[[Any, Any], Any]:
    compare = {"<": lambda a, b: a < b, "<=": lambda a, b: a <= b,
               ">": lambda a, b: a > b, ">=": lambda a, b: a >= b}[op]  # fmt: skip

    def apply(a: Any, b: Any) -> Any:
        if (_is_num(a) and _is_num(b)) or (type(a) is str and type(b) is str):
            return compare(a, b)
        return _ERR

    return apply


class _Translator:
    """Recursive descent over the CEL subset the rule sets use, building closures."""

    def __init__(self, source: str) -> None:
        self.tokens = _tokens(source)
        self.i = 0

    def peek(self) -> str:
        return self.tokens[self.i][1]

    def take(self, expected: str | None = None) -> tuple[str, str]:
        token = self.tokens[self.i]
        if expected is not None and token[1] != expected:
            raise ValueError(f"floor translator: expected {expected!r}, got {token[1]!r}")
        self.i += 1
        return token

    def parse(self) -> Fn:
        fn = self.or_()
        if self.tokens[self.i][0] != "end":
            raise ValueError(f"floor translator: unexpected {self.peek()!r}")
        return fn

    def or_(self) -> Fn:
        fn = self.and_()
        while self.peek() == "||":
            self.take()
            fn = self._or(fn, self.and_())
        return fn

    @staticmethod
    def _or(left: Fn, right: Fn) -> Fn:
        def run(env: Mapping[str, Any]) -> Any:
            a = left(env)
            if a is True:
                return True
            b = right(env)
            if b is True:
                return True
            return b if a is False else _ERR

        return run

    def and_(self) -> Fn:
        fn = self.rel()
        while self.peek() == "&&":
            self.take()
            fn = self._and(fn, self.rel())
        return fn

    @staticmethod
    def _and(left: Fn, right: Fn) -> Fn:
        def run(env: Mapping[str, Any]) -> Any:
            a = left(env)
            if a is False:
                return False
            b = right(env)
            if b is False:
                return False
            return b if a is True else _ERR

        return run

    def rel(self) -> Fn:
        left = self.unary()
        op = self.peek()
        if op not in ("==", "!=", "<", "<=", ">", ">=", "in"):
            return left
        self.take()
        right = self.unary()
        if op in ("==", "!="):
            negate = op == "!="

            def equal(env: Mapping[str, Any]) -> Any:
                a, b = left(env), right(env)
                if a is _ERR or b is _ERR:
                    return _ERR
                return (a != b) if negate else (a == b)

            return equal
        if op == "in":

            def contains(env: Mapping[str, Any]) -> Any:
                a, b = left(env), right(env)
                return a in b if isinstance(b, list | tuple) and a is not _ERR else _ERR

            return contains
        compare = _order(op)
        return lambda env: compare(left(env), right(env))

    def unary(self) -> Fn:
        if self.peek() == "!":
            self.take()
            inner = self.unary()
            return lambda env: (not v) if isinstance(v := inner(env), bool) else _ERR
        return self.member()

    def member(self) -> Fn:
        fn = self.primary()
        while self.peek() == ".":
            self.take()
            name = self.take()[1]
            fn = self._method(fn, name) if self.peek() == "(" else self._field(fn, name)
        return fn

    @staticmethod
    def _field(target: Fn, name: str) -> Fn:
        def run(env: Mapping[str, Any]) -> Any:
            value = target(env)
            return value.get(name, _ERR) if isinstance(value, dict) else _ERR

        return run

    def _method(self, target: Fn, name: str) -> Fn:
        self.take("(")
        if name == "size":
            self.take(")")
            return lambda env: len(v) if isinstance(v := target(env), list | tuple | str) else _ERR
        if name not in ("exists", "all"):
            raise ValueError(f"floor translator: method {name} not supported")
        var = self.take()[1]
        self.take(",")
        predicate = self.or_()
        self.take(")")
        want_any = name == "exists"

        def run(env: Mapping[str, Any]) -> Any:
            items = target(env)
            if not isinstance(items, list | tuple):
                return _ERR
            scope = dict(env)
            for item in items:
                scope[var] = item
                if (predicate(scope) is True) == want_any:
                    return want_any
            return not want_any

        return run

    def primary(self) -> Fn:
        kind, text = self.take()
        if text == "(":
            fn = self.or_()
            self.take(")")
            return fn
        if kind == "num":
            number = float(text) if "." in text else int(text)
            return lambda env: number
        if kind == "str":
            string = text[1:-1]
            return lambda env: string
        if text in ("true", "false", "null"):
            constant = {"true": True, "false": False, "null": None}[text]
            return lambda env: constant
        if kind == "id":
            if self.peek() == "(" and text == "size":
                self.take("(")
                inner = self.or_()
                self.take(")")
                return lambda env: len(v) if isinstance(v := inner(env), list | tuple) else _ERR
            return lambda env: env.get(text, _ERR)
        raise ValueError(f"floor translator: unexpected {text!r}")


def _floor_value(q_type: str, value: object) -> object:
    if q_type == "number" and isinstance(value, float) and value.is_integer():
        return int(value)
    return value


class FloorScorer:
    """The rule set scored the obvious way in plain Python (no trace, no CEL)."""

    def __init__(self, questionnaire: QuestionnaireSpec, rules: RuleSetSpec, order: tuple) -> None:
        self.types = {q.code: q.type for q in questionnaire.questions}
        category = {q.code: q.category for q in questionnaire.questions}
        conditions = {q.code: q.visible_if for q in questionnaire.questions if q.visible_if}
        self.steps = [(code, self.types[code], _Translator(conditions[code]).parse()
                       if code in conditions else None) for code in order]  # fmt: skip
        self.rules = []
        for rule in rules.scores:
            q_type = self.types[rule.question]
            if q_type == "number":
                maximum = max(b.points for b in rule.bands or ())
            elif q_type == "multi_choice":
                maximum = sum((rule.points or {}).values())
                maximum = min(maximum, rule.cap) if rule.cap is not None else maximum
            else:
                maximum = max((rule.points or {}).values())
            self.rules.append((rule.question, q_type, category[rule.question], rule.weight,
                               maximum, rule.points, rule.bands, rule.cap))  # fmt: skip
        self.categories = dict(rules.categories)
        self.findings = [(f.code, f.severity, _Translator(f.when).parse()) for f in rules.findings]
        self.bands = rules.rating_bands
        self.floor = dict(rules.severity_floor)

    def score(self, answers: Mapping[str, AnswerValue], supplier: SupplierProfile) -> tuple:
        env: dict[str, Any] = {"supplier": {"size_class": supplier.size_class,
                                            "country": supplier.country,
                                            "industry": supplier.industry}}  # fmt: skip
        hidden = set()
        for code, q_type, condition in self.steps:
            if condition is not None and condition(env) is not True:
                hidden.add(code)
                env[code] = None
                continue
            answer = answers.get(code)
            env[code] = (
                None if answer is None or answer.not_applicable
                else _floor_value(q_type, answer.value)
            )  # fmt: skip
        sums: dict[str, list[Decimal]] = {}
        with localcontext() as ctx:
            ctx.prec = 50
            for code, q_type, cat, weight, maximum, points, bands, cap in self.rules:
                answer = answers.get(code)
                if code in hidden or (answer is not None and answer.not_applicable):
                    continue
                value = None if answer is None else answer.value
                got = Decimal(0)
                if value is not None:
                    if q_type == "number":
                        for band in bands:
                            if band.max is None or value <= band.max:
                                got = band.points
                                break
                    elif q_type == "multi_choice":
                        got = sum((points.get(v, Decimal(0)) for v in set(value)), Decimal(0))
                        got = min(got, cap) if cap is not None else got
                    else:
                        got = points.get(value, Decimal(0))
                acc = sums.setdefault(cat, [Decimal(0), Decimal(0)])
                acc[0] += weight * got / maximum
                acc[1] += weight
            total, weights = Decimal(0), Decimal(0)
            for cat, (weighted, weight) in sums.items():
                total += self.categories[cat] * (100 * weighted / weight)
                weights += self.categories[cat]
            overall = (total / weights).quantize(Decimal("0.1"), ROUND_HALF_UP) if weights else None
        fired = [(code, sev) for code, sev, when in self.findings if when(env) is True]
        if overall is None:
            return None, "not_rated", tuple(code for code, _ in fired)
        rating = next(r for minimum, r in self.bands if overall >= minimum)
        for _code, severity in fired:
            floor = self.floor.get(severity)
            if floor and RATINGS.index(floor) > RATINGS.index(rating):
                rating = floor
        return overall, rating, tuple(code for code, _ in fired)


# ---------------------------------------------------------------------------------------------


def _rate(fn: Callable[[dict, SupplierProfile], object], data: list, repeat: int = 3) -> float:
    """Audits per second of CPU time of this process (best of ``repeat`` runs).

    CPU time rather than wall time: the benchmark runs single-threaded, and on a shared machine
    wall time would measure the neighbours as much as the engine.
    """
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        for answers, supplier in data:
            fn(answers, supplier)
        best = min(best, time.process_time() - start)
    return len(data) / best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--source",
        choices=("auto", "library", "synthetic"),
        default="auto",
        help="auto: the library files when both exist, else synthetic",
    )
    args = parser.parse_args()
    rng = random.Random(args.seed)

    have_library = QUESTIONNAIRE_FILE.exists() and RULES_FILE.exists()
    if args.source == "library" and not have_library:
        parser.error(f"{QUESTIONNAIRE_FILE} or {RULES_FILE} is missing")
    if have_library and args.source != "synthetic":
        q_doc = yaml.safe_load(QUESTIONNAIRE_FILE.read_text(encoding="utf-8"))
        r_doc = yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))
        source = "library"
    else:
        q_doc, r_doc = synthetic_docs(rng)
        source = "synthetic"
    q_spec = questionnaire_spec_from_doc(q_doc)
    questionnaire = compile_questionnaire(q_spec)
    rules: CompiledRuleSet = compile_ruleset(parse_ruleset(r_doc, q_spec), questionnaire)
    floor = FloorScorer(q_spec, rules.spec, questionnaire.order)

    data = [random_answers(q_spec, rng) for _ in range(args.n)]
    for answers, supplier in data[:: max(1, args.n // 500)]:
        result = score(rules, answers, supplier)
        expected = floor.score(answers, supplier)
        got = (result.overall, result.rating, tuple(f.code for f in result.findings))
        assert got == expected, f"engine {got} != floor {expected} for {answers} {supplier}"

    def engine(answers: dict, supplier: SupplierProfile) -> object:
        return score(rules, answers, supplier)

    engine_rate = _rate(engine, data)
    floor_rate = _rate(floor.score, data)
    print(
        json.dumps(
            {
                "engine_audits_per_s": round(engine_rate),
                "floor_audits_per_s": round(floor_rate),
                "ratio_to_floor": round(floor_rate / engine_rate, 2),
                "n": args.n,
                "source": source,
            }
        )
    )


if __name__ == "__main__":
    main()
