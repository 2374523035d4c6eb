"""Questionnaire compilation and visibility (DESIGN section 5).

``compile_questionnaire`` checks every ``visible_if`` once (syntax, names, self-reference, cycles)
and orders the questions so that a question is always evaluated after the questions its condition
reads. ``CompiledQuestionnaire`` then evaluates visibility for one audit in a single pass over
that order, filling one ``cel.Context`` as it goes: a hidden, N/A or unanswered question is
``null`` for everyone after it, which is what makes hiding cascade.
"""

from __future__ import annotations

import datetime
import heapq
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from types import MappingProxyType
from typing import Any

import cel

from .expressions import _RUNTIME_ERRORS, Expression, ExpressionError, compile_expression
from .specs import (
    CHOICE_TYPES,
    EVIDENCE_LEVELS,
    QUESTION_TYPES,
    SUPPLIER_NAME,
    AnswerValue,
    QuestionnaireSpec,
    QuestionSpec,
    SupplierProfile,
)

__all__ = [
    "CompiledQuestionnaire",
    "LocatedError",
    "SpecError",
    "compile_questionnaire",
    "questionnaire_spec_from_doc",
    "supplier_map",
    "to_cel_value",
]


@dataclass(frozen=True, slots=True)
class LocatedError:
    """One problem of a questionnaire or rule set.

    ``location`` is the question or finding-rule code (or a section of the rule set such as
    ``"categories"``, ``"rating"``), ``field`` the offending key, ``message`` the reason.
    """

    location: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.location}.{self.field}: {self.message}"


class SpecError(ValueError):
    """A questionnaire or rule set that cannot be used; ``errors`` lists every problem found."""

    def __init__(self, errors: Iterable[LocatedError]) -> None:
        self.errors: list[LocatedError] = list(errors)
        super().__init__("; ".join(str(error) for error in self.errors) or "invalid specification")


# ---------------------------------------------------------------------------------------------
# Answer values as CEL sees them
# ---------------------------------------------------------------------------------------------


def as_number(value: object) -> int | float | Decimal | None:
    """A number answer as a Python number, or ``None`` when unanswered or not a number.

    Numeric strings are accepted because answers may come back from JSON storage as strings.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return value if value == value and value not in (float("inf"), float("-inf")) else None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, str) and value.strip():
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            return None
        return number if number.is_finite() else None
    return None


def _cel_number(value: object) -> int | float | None:
    # CEL does not mix int and double in arithmetic (`x + 1`), so integral values become int;
    # comparisons (`x > 3`) work across both.
    number = as_number(value)
    if number is None or type(number) is int:
        return number
    if number == int(number):
        return int(number)
    return float(number)


def _cel_choice(value: object) -> object:
    # PyYAML (YAML 1.1) and some clients turn yes/no into booleans; choice values are strings.
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if value is None or value == "":
        return None
    return value if type(value) is str else str(value)


def _cel_multi(value: object) -> object:
    if value is None:
        return None
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple | set | frozenset):
        items = [item if type(item) is str else _cel_choice(item) for item in value]
        # A set has no order; sort it so that the context does not depend on hashing.
        return sorted(items) if isinstance(value, set | frozenset) else items  # type: ignore[type-var]
    return [_cel_choice(value)]


def _cel_text(value: object) -> object:
    if value is None or value == "":
        return None
    return value if type(value) is str else str(value)


def _cel_date(value: object) -> object:
    # Dates are ISO strings for expressions (`D >= "2024-01-01"` compares them correctly).
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return _cel_text(value)


_CONVERTERS = {
    "yes_no": _cel_choice,
    "single_choice": _cel_choice,
    "multi_choice": _cel_multi,
    "number": _cel_number,
    "text": _cel_text,
    "date": _cel_date,
}


def to_cel_value(question: QuestionSpec, answer: AnswerValue | None) -> object:
    """The value of ``question`` for expressions: ``None`` (CEL null) when unanswered or N/A,
    a list for multi_choice, an int (integral) or float for number, else the string."""
    if answer is None or answer.not_applicable:
        return None
    return _CONVERTERS.get(question.type, _cel_text)(answer.value)


def supplier_map(supplier: SupplierProfile) -> dict[str, str]:
    """The ``supplier`` variable of expressions."""
    return {
        "size_class": supplier.size_class,
        "country": supplier.country,
        "industry": supplier.industry,
    }


# ---------------------------------------------------------------------------------------------
# Compilation
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Plan:
    """A precomputed walk over the questions for one purpose (context, visibility, scoring).

    ``levels`` group the steps by dependency depth: level 0 conditions read no question (only
    ``supplier``, or nothing), level n conditions read questions of levels below n. Each step is
    ``(code, program | None, converter, in_context)``, limited to the questions whose visibility
    or value that purpose needs.
    """

    levels: tuple[tuple[tuple[str, Any, Any, bool], ...], ...]
    needs_supplier: bool


class CompiledQuestionnaire:
    """A questionnaire whose conditions are compiled and ordered; safe to share and reuse.

    Attributes: ``spec``; ``codes`` (question codes in display order); ``order`` (question codes
    in evaluation order: every question after the questions its ``visible_if`` reads);
    ``questions`` (code -> QuestionSpec); ``conditions`` (code -> compiled ``visible_if``).
    """

    def __init__(
        self,
        spec: QuestionnaireSpec,
        order: tuple[str, ...],
        conditions: Mapping[str, Expression],
    ) -> None:
        self.spec = spec
        self.codes: tuple[str, ...] = tuple(q.code for q in spec.questions)
        self.order = order
        self.questions: Mapping[str, QuestionSpec] = MappingProxyType(
            {q.code: q for q in spec.questions}
        )
        self.conditions: Mapping[str, Expression] = MappingProxyType(dict(conditions))
        # Names any condition reads: these must be in every context that evaluates conditions.
        self.condition_names: frozenset[str] = frozenset(
            name for expr in self.conditions.values() for name in expr.names
        )
        self._level: dict[str, int] = {}
        for code in order:  # dependencies come first in `order`
            condition = self.conditions.get(code)
            deps = condition.names - {SUPPLIER_NAME} if condition is not None else ()
            self._level[code] = 1 + max((self._level[d] for d in deps), default=-1)
        all_codes = frozenset(self.codes)
        self._context_plan = self.plan(context_names=all_codes | {SUPPLIER_NAME}, needed=all_codes)
        self._visibility_plan = self.plan(context_names=frozenset(), needed=all_codes)

    def plan(self, *, context_names: Collection[str], needed: Collection[str]) -> _Plan:
        """Precompute a walk that evaluates visibility of ``needed`` questions and puts the
        ``context_names`` (plus everything conditions read) into the context.

        Internal to the engine (the rule set compiler uses it); callers use ``build_context``
        and ``visible_codes``.
        """
        in_context = set(context_names) | self.condition_names
        wanted = set(needed) | in_context
        levels: list[list[tuple[str, Any, Any, bool]]] = []
        for code in self.order:
            if code not in wanted:
                continue
            question = self.questions[code]
            condition = self.conditions.get(code)
            level = self._level[code]
            while len(levels) <= level:
                levels.append([])
            levels[level].append(
                (
                    code,
                    condition._program if condition is not None else None,
                    _CONVERTERS.get(question.type, _cel_text),
                    code in in_context,
                )
            )
        return _Plan(
            levels=tuple(tuple(level) for level in levels),
            needs_supplier=SUPPLIER_NAME in in_context,
        )

    def run(
        self,
        plan: _Plan,
        answers: Mapping[str, AnswerValue],
        supplier: SupplierProfile,
    ) -> tuple[Any, set[str], dict[str, object]]:
        """Walk ``plan`` for one audit: return ``(context, hidden codes, context values)``.

        Each condition is evaluated exactly once, after everything it reads is in the context.
        Values are added to the context a whole level at a time because the ``cel`` module
        re-snapshots all variables on the first evaluation after any change: adding one
        variable between evaluations would make a walk quadratic in the number of questions.
        """
        context = cel.Context()
        if plan.needs_supplier:
            context.add_variable(SUPPLIER_NAME, supplier_map(supplier))
        hidden: set[str] = set()
        values: dict[str, object] = {}
        for level in plan.levels:
            added: dict[str, object] = {}
            for code, program, convert, in_context in level:
                if program is not None:
                    try:
                        visible = program.execute(context) is True
                    except _RUNTIME_ERRORS:
                        visible = False
                    if not visible:
                        hidden.add(code)
                        if in_context:
                            added[code] = None
                        continue
                if in_context:
                    answer = answers.get(code)
                    added[code] = (
                        None if answer is None or answer.not_applicable else convert(answer.value)
                    )
            if added:
                context.update(added)
                values.update(added)
        return context, hidden, values

    def build_context(self, answers: Mapping[str, AnswerValue], supplier: SupplierProfile) -> Any:
        """A ``cel.Context`` holding every question code and ``supplier`` for one audit.

        Hidden, N/A and unanswered questions are ``null``. Build it once per audit and pass it to
        ``evaluate_bool`` for every expression.
        """
        return self.run(self._context_plan, answers, supplier)[0]

    def visible_codes(
        self, answers: Mapping[str, AnswerValue], supplier: SupplierProfile
    ) -> frozenset[str]:
        """The codes of the questions visible for these answers and this supplier."""
        _context, hidden, _values = self.run(self._visibility_plan, answers, supplier)
        return frozenset(code for code in self.codes if code not in hidden)

    def __repr__(self) -> str:
        return f"<CompiledQuestionnaire {self.spec.code} v{self.spec.version}>"


def _check_questions(spec: QuestionnaireSpec) -> list[LocatedError]:
    errors: list[LocatedError] = []
    seen: set[str] = set()
    for question in spec.questions:
        code = question.code
        if not code:
            errors.append(LocatedError("questions", "code", "a question has no code"))
        elif code == SUPPLIER_NAME:
            errors.append(LocatedError(code, "code", f"'{SUPPLIER_NAME}' is a reserved name"))
        elif code in seen:
            errors.append(LocatedError(code, "code", "duplicate question code"))
        seen.add(code)
        if question.type not in QUESTION_TYPES:
            errors.append(
                LocatedError(
                    code,
                    "type",
                    f"unknown type '{question.type}' "
                    f"(expected one of {', '.join(sorted(QUESTION_TYPES))})",
                )
            )
        elif question.type in CHOICE_TYPES - {"yes_no"} and not question.choices:
            errors.append(
                LocatedError(code, "choices", f"a {question.type} question needs choices")
            )
        if question.evidence not in EVIDENCE_LEVELS:
            errors.append(
                LocatedError(
                    code,
                    "evidence",
                    f"unknown evidence level '{question.evidence}' (expected none, optional or "
                    "required)",
                )
            )
    return errors


def _find_cycle(start: str, deps: Mapping[str, set[str]]) -> list[str] | None:
    """The shortest dependency path from ``start`` back to itself, or None."""
    parents: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for dep in sorted(deps.get(node, ())):
                if dep == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(parents[path[-1]])
                    return [*reversed(path), start]
                if dep not in parents:
                    parents[dep] = node
                    following.append(dep)
        frontier = following
    return None


def compile_questionnaire(spec: QuestionnaireSpec) -> CompiledQuestionnaire:
    """Compile every ``visible_if`` once and order the questions by their dependencies.

    Raises ``SpecError`` listing every problem (field ``visible_if``): syntax errors, names that
    are neither a question code of ``spec`` nor ``supplier``, a question whose condition reads
    itself, and cycles (A depends on B depends on A); also duplicate codes, unknown types and
    evidence levels, and choice questions without choices.
    """
    errors = _check_questions(spec)
    codes = [q.code for q in spec.questions]
    conditions, deps = _compile_conditions(spec, errors)
    order = _dependency_order(codes, deps, errors)
    if errors:
        raise SpecError(errors)
    return CompiledQuestionnaire(spec, tuple(order), conditions)


def _compile_conditions(
    spec: QuestionnaireSpec, errors: list[LocatedError]
) -> tuple[dict[str, Expression], dict[str, set[str]]]:
    """Every ``visible_if`` compiled, and the questions each one reads (problems to
    ``errors``)."""
    known = {q.code for q in spec.questions}
    conditions: dict[str, Expression] = {}
    deps: dict[str, set[str]] = {q.code: set() for q in spec.questions}
    for question in spec.questions:
        if not question.visible_if or not question.visible_if.strip():
            continue
        try:
            expr = compile_expression(question.visible_if)
        except ExpressionError as exc:
            errors.append(LocatedError(question.code, "visible_if", str(exc)))
            continue
        conditions[question.code] = expr
        for name in sorted(expr.names):
            if name == SUPPLIER_NAME:
                continue
            if name == question.code:
                errors.append(
                    LocatedError(question.code, "visible_if", "the condition refers to itself")
                )
            elif name not in known:
                errors.append(
                    LocatedError(
                        question.code,
                        "visible_if",
                        f"unknown name '{name}': not a question of {spec.code} nor "
                        f"'{SUPPLIER_NAME}'",
                    )
                )
            else:
                deps[question.code].add(name)
    return conditions, deps


def _dependency_order(
    codes: list[str], deps: Mapping[str, set[str]], errors: list[LocatedError]
) -> list[str]:
    """The codes in an order where every question comes after those its condition reads; the
    questions on or behind a cycle are left out and reported in ``errors``."""
    # Kahn's algorithm; ties broken by display order so the order is stable and readable.
    position = {code: index for index, code in enumerate(codes)}
    dependents: dict[str, list[str]] = {code: [] for code in codes}
    pending = {code: len(deps[code]) for code in codes}
    for code, needs in deps.items():
        for dep in needs:
            dependents[dep].append(code)
    ready = [position[code] for code in codes if pending[code] == 0]
    heapq.heapify(ready)
    order: list[str] = []
    while ready:
        code = codes[heapq.heappop(ready)]
        order.append(code)
        for dependent in dependents[code]:
            pending[dependent] -= 1
            if pending[dependent] == 0:
                heapq.heappush(ready, position[dependent])
    stuck = [code for code in codes if pending[code] > 0]
    for code in stuck:
        cycle = _find_cycle(code, {c: deps[c] & set(stuck) for c in stuck})
        if cycle is not None:
            message = "circular visibility: " + " -> ".join(cycle)
        else:
            message = "depends on a question with circular visibility"
        errors.append(LocatedError(code, "visible_if", message))
    return order


# ---------------------------------------------------------------------------------------------
# YAML document -> spec
# ---------------------------------------------------------------------------------------------


def yaml_choice_value(value: object) -> str:
    """A choice value from YAML: YAML 1.1 reads unquoted yes/no as booleans, undo that."""
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return str(value)


def _question_spec(item: object, where: str, errors: list[LocatedError]) -> QuestionSpec | None:
    """The spec of one question of a section (None, with the problem in ``errors``, when it has
    no code or type)."""
    if not isinstance(item, Mapping):
        errors.append(LocatedError(where, "question", "expected a mapping"))
        return None
    q_code = item.get("code")
    if not q_code:
        errors.append(LocatedError(where, "code", "required"))
        return None
    q_type = item.get("type")
    if not q_type:
        errors.append(LocatedError(str(q_code), "type", "required"))
        return None
    choices = []
    for choice in item.get("choices") or []:
        raw = choice.get("value") if isinstance(choice, Mapping) else choice
        if raw is None:
            errors.append(LocatedError(str(q_code), "choices", "a choice has no value"))
            continue
        choices.append(yaml_choice_value(raw))
    return QuestionSpec(
        code=str(q_code),
        type=str(q_type),
        category=str(item.get("category") or ""),
        choices=tuple(choices),
        visible_if=str(item.get("visible_if") or ""),
        required=bool(item.get("required", False)),
        allow_na=bool(item.get("allow_na", False)),
        evidence=str(item.get("evidence") or "none"),
    )


def questionnaire_spec_from_doc(doc: Mapping[str, Any]) -> QuestionnaireSpec:
    """The ``QuestionnaireSpec`` of a questionnaire YAML document (DESIGN section 5).

    Reads ``code``, ``version`` and ``sections[].questions[]`` (code, type, category,
    ``choices[].value``, visible_if, required, allow_na, evidence); texts and labels are not the
    engine's business. Raises ``SpecError`` for missing codes, types and malformed sections.
    Semantic checks are ``compile_questionnaire``'s.
    """
    errors: list[LocatedError] = []
    if not isinstance(doc, Mapping):
        raise SpecError([LocatedError("questionnaire", "document", "expected a mapping")])
    code = doc.get("code")
    if not code:
        errors.append(LocatedError("questionnaire", "code", "required"))
    version = doc.get("version", 1)
    if isinstance(version, bool) or not isinstance(version, int):
        errors.append(LocatedError("questionnaire", "version", "must be an integer"))
        version = 0
    questions: list[QuestionSpec] = []
    sections = doc.get("sections") or []
    if not isinstance(sections, list):
        errors.append(LocatedError("questionnaire", "sections", "expected a list"))
        sections = []
    for s_index, section in enumerate(sections):
        section_code = (
            str(section.get("code") or f"sections[{s_index}]")
            if isinstance(section, Mapping)
            else f"sections[{s_index}]"
        )
        items = section.get("questions") if isinstance(section, Mapping) else None
        if not isinstance(items, list):
            errors.append(LocatedError(section_code, "questions", "expected a list"))
            continue
        for q_index, item in enumerate(items):
            question = _question_spec(item, f"{section_code}.questions[{q_index}]", errors)
            if question is not None:
                questions.append(question)
    if errors:
        raise SpecError(errors)
    return QuestionnaireSpec(code=str(code), version=int(version), questions=tuple(questions))
