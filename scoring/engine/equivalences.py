"""Mutual recognition (rule-set ``equivalences``): a supplier's valid certificate answers or
waives questions.

A rule set may declare, for example::

    equivalences:
      - certificate: iso14001
        min_level: null           # rba_vap: platinum | gold | silver; amfori_bsci: A ... E
        requires_verified: false  # true: only a certificate the buyer verified counts
        answers: {ENV_08: managed}
        waives: [ENV_10]

``parse_equivalences`` validates that part against the questionnaire; ``apply_equivalences``
merges what the held certificates give into the supplier's own answers (the supplier's own
answer always wins) and says where each such answer came from, for the trace.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from types import MappingProxyType
from typing import Any

from .questionnaire import LocatedError, yaml_choice_value
from .specs import (
    CERTIFICATE_KINDS,
    CERTIFICATE_LEVELS,
    AnswerValue,
    Equivalence,
    HeldCertificate,
    QuestionnaireSpec,
    QuestionSpec,
)

__all__ = ["Recognition", "apply_equivalences", "equivalences_to_doc", "parse_equivalences"]

_KEYS = frozenset({"certificate", "min_level", "requires_verified", "answers", "waives"})
_ANSWERABLE = frozenset({"yes_no", "single_choice", "multi_choice", "number"})

#: A question's answer source in traces and pages.
SOURCE_CERTIFICATE = "certificate"


def _answer_value(question: QuestionSpec, raw: object) -> tuple[object, str | None]:
    """``raw`` as the answer value of ``question``, or an error message."""
    if question.type not in _ANSWERABLE:
        return None, f"a {question.type} question cannot be answered by a certificate"
    if question.type == "number":
        if isinstance(raw, bool) or not isinstance(raw, int | float | str):
            return None, f"{raw!r} is not a number"
        try:
            number = Decimal(str(raw))
        except InvalidOperation:
            return None, f"{raw!r} is not a number"
        return (int(number) if number == number.to_integral_value() else float(number)), None
    choices = question.choice_values
    if question.type == "multi_choice":
        values = [yaml_choice_value(v) for v in raw] if isinstance(raw, list) else None
        if not values or any(v not in choices for v in values):
            return None, f"{raw!r} is not a list of choices of {question.code}"
        return values, None
    value = yaml_choice_value(raw)
    if value not in choices:
        return None, f"'{value}' is not a choice of {question.code} ({', '.join(choices)})"
    return value, None


def _parse_level(
    where: str, kind: object, raw: Mapping[str, Any], out: list[LocatedError]
) -> str | None:
    level = raw.get("min_level")
    if level is None:
        return None
    levels = CERTIFICATE_LEVELS.get(str(kind))
    if levels is None:
        out.append(LocatedError(where, "min_level", f"a {kind} certificate has no levels"))
    elif str(level) not in levels:
        out.append(
            LocatedError(where, "min_level", f"{level!r} is not a level ({', '.join(levels)})")
        )
    return str(level)


def _parse_one(
    where: str, raw: object, questions: Mapping[str, QuestionSpec], out: list[LocatedError]
) -> Equivalence | None:
    if not isinstance(raw, Mapping):
        out.append(LocatedError(where, "equivalence", "expected a mapping"))
        return None
    before = len(out)
    for key in raw:
        if key not in _KEYS:
            out.append(LocatedError(where, str(key), "unknown key"))
    kind = raw.get("certificate")
    if kind not in CERTIFICATE_KINDS:
        kinds = ", ".join(CERTIFICATE_KINDS)
        out.append(LocatedError(where, "certificate", f"unknown kind {kind!r} ({kinds})"))
    level = _parse_level(where, kind, raw, out)
    verified = raw.get("requires_verified", False)
    if not isinstance(verified, bool):
        out.append(LocatedError(where, "requires_verified", "must be true or false"))
    answers: dict[str, object] = {}
    raw_answers = raw.get("answers") or {}
    raw_waives = raw.get("waives") or []
    if not isinstance(raw_answers, Mapping) or not isinstance(raw_waives, list):
        out.append(LocatedError(where, "answers", "answers: a mapping; waives: a list"))
        return None
    if not raw_answers and not raw_waives:
        out.append(LocatedError(where, "answers", "required: answers or waives"))
    for code, value in raw_answers.items():
        question = questions.get(str(code))
        if question is None:
            out.append(LocatedError(where, "answers", f"unknown question code {code}"))
            continue
        answers[str(code)], message = _answer_value(question, value)
        if message:
            out.append(LocatedError(where, "answers", f"{code}: {message}"))
    for code in raw_waives:
        if str(code) not in questions:
            out.append(LocatedError(where, "waives", f"unknown question code {code}"))
        elif str(code) in answers:
            out.append(LocatedError(where, "waives", f"{code} is both answered and waived"))
    if len(out) != before:
        return None
    return Equivalence(
        certificate=str(kind),
        answers=MappingProxyType(answers),
        waives=tuple(str(code) for code in raw_waives),
        min_level=level,
        requires_verified=bool(verified),
    )


def parse_equivalences(
    raw: object, questionnaire: QuestionnaireSpec
) -> tuple[tuple[Equivalence, ...], list[LocatedError]]:
    """The ``equivalences`` list of a rule set document, and one located error per problem
    (unknown certificate kinds, levels, question codes; values that are not the question's)."""
    if raw is None:
        return (), []
    if not isinstance(raw, list):
        return (), [LocatedError("equivalences", "equivalences", "expected a list")]
    questions = {q.code: q for q in questionnaire.questions}
    errors: list[LocatedError] = []
    parsed = [
        _parse_one(f"equivalences[{index}]", item, questions, errors)
        for index, item in enumerate(raw)
    ]
    return tuple(e for e in parsed if e is not None), errors


def equivalences_to_doc(equivalences: Sequence[Equivalence]) -> list[dict[str, Any]]:
    """The YAML-ready form of ``equivalences`` (the inverse of ``parse_equivalences``)."""
    return [
        {
            "certificate": e.certificate,
            "min_level": e.min_level,
            "requires_verified": e.requires_verified,
            "answers": dict(e.answers),
            "waives": list(e.waives),
        }
        for e in equivalences
    ]


def _counts(equivalence: Equivalence, cert: HeldCertificate, day: datetime.date) -> bool:
    """``cert`` satisfies ``equivalence`` on ``day``: kind, validity, level, verification."""
    if cert.kind != equivalence.certificate or not cert.valid_on(day):
        return False
    if equivalence.requires_verified and not cert.verified:
        return False
    if equivalence.min_level is not None:
        levels = CERTIFICATE_LEVELS.get(cert.kind, ())
        if cert.level not in levels:
            return False
        return levels.index(cert.level) <= levels.index(equivalence.min_level)
    return True


class Recognition:
    """The outcome of ``apply_equivalences``: ``answers`` (the supplier's own, completed by
    the certificates) and ``sources`` (question code -> where a certificate's answer came
    from: ``{source, certificate, kind, number, valid_to, effect, value}``; effect
    ``answered``, ``waived``, or ``overridden`` when the supplier's own answer won)."""

    __slots__ = ("answers", "sources")

    def __init__(self, answers: dict[str, AnswerValue], sources: dict[str, dict[str, Any]]):
        self.answers = answers
        self.sources = sources


def _source(cert: HeldCertificate, effect: str, value: object) -> dict[str, Any]:
    return {
        "source": SOURCE_CERTIFICATE,
        "certificate": cert.id,
        "kind": cert.kind,
        "number": cert.number,
        "valid_to": cert.valid_to.isoformat(),
        "effect": effect,
        "value": value,
    }


def _answered(answer: AnswerValue | None) -> bool:
    return answer is not None and (
        answer.not_applicable or (answer.value is not None and answer.value != "")
    )


def apply_equivalences(
    equivalences: Sequence[Equivalence],
    certificates: Sequence[HeldCertificate],
    answers: Mapping[str, AnswerValue],
    on: datetime.date,
) -> Recognition:
    """Merge what ``certificates`` give on day ``on`` into ``answers`` (which are not changed).

    An equivalence applies when one held certificate satisfies it (kind, valid on ``on``,
    level, verified when required); among several, the one valid longest counts. The first
    equivalence that gives a question wins; the supplier's own answer (or N/A) always wins over
    a certificate's, and is recorded as ``overridden``. A waived question is not applicable."""
    merged = dict(answers)
    sources: dict[str, dict[str, Any]] = {}
    for equivalence in equivalences:
        held = [c for c in certificates if _counts(equivalence, c, on)]
        if not held:
            continue
        cert = max(held, key=lambda c: (c.valid_to, c.id))
        given: list[tuple[str, AnswerValue, str]] = [
            (code, AnswerValue(value=value), "answered")
            for code, value in equivalence.answers.items()
        ]
        given += [(code, AnswerValue(not_applicable=True), "waived") for code in equivalence.waives]
        for code, answer, effect in given:
            if code in sources:
                continue
            if _answered(answers.get(code)):
                sources[code] = _source(cert, "overridden", answer.value)
                continue
            merged[code] = answer
            sources[code] = _source(cert, effect, answer.value)
    return Recognition(merged, sources)


def mark_trace(
    questions: dict[str, dict[str, Any]], sources: Mapping[str, Mapping[str, Any]]
) -> None:
    """Mark, in a score's question trace, the entries whose answer a certificate gave."""
    for code, source in sources.items():
        entry = questions.get(code)
        if entry is not None and source["effect"] != "overridden":
            entry["source"] = SOURCE_CERTIFICATE
            entry["certificate"] = source["certificate"]
