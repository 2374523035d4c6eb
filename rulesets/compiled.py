"""Models -> scoring-engine inputs, and the process-wide cache of compiled rule sets.

The engine (``scoring.engine``) takes frozen dataclasses. Questionnaire versions and supplier
profiles are converted by ``questionnaires.spec`` (one conversion for the whole
platform); this module adds answers and rule sets, and keeps the compiled rule sets.
Published versions and rule sets are immutable, so a compiled object is valid for the life of
the process. The cache key carries the row's creation time as well as its pk, so that a row
deleted and re-created with the same pk (a test database, a restored dump) never meets a stale
compiled object; draft rows are compiled each time, never cached.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from questionnaires.spec import compiled_for_version
from questionnaires.spec import supplier_profile as profile
from scoring.engine import (
    AnswerValue,
    CompiledQuestionnaire,
    CompiledRuleSet,
    SupplierProfile,
    compile_ruleset,
    parse_ruleset,
)

_question_codes: dict[tuple, dict[int, str]] = {}
_rulesets: dict[tuple, CompiledRuleSet] = {}

# Keys of a rule-set document that are the platform's business, not the engine's.
METADATA_KEYS = ("title", "description")


def _immutable(row) -> bool:
    return getattr(row, "status", "draft") != "draft"


def immutable(ruleset, version) -> bool:
    """Neither ``ruleset`` nor questionnaire ``version`` can change any more (not drafts)."""
    return _immutable(ruleset) and _immutable(version)


def _version_key(version) -> tuple:
    return (version.pk, version.created_at)


def clear_cache() -> None:
    """Forget every compiled questionnaire and rule set."""
    _question_codes.clear()
    _rulesets.clear()


def compiled_questionnaire(version) -> tuple[CompiledQuestionnaire, dict[int, str]]:
    """The compiled questionnaire of ``version`` (the questionnaire app's one conversion from
    ``Question`` rows, cached there) and its question id -> code map (cached here)."""
    compiled = compiled_for_version(version)
    key = _version_key(version)
    codes = _question_codes.get(key)
    if codes is None:
        codes = dict(version.questions.values_list("pk", "code"))
        if _immutable(version):
            _question_codes[key] = codes
    return compiled, codes


def engine_document(document: Mapping[str, Any]) -> dict[str, Any]:
    """A rule-set document without the platform's metadata keys (title, description)."""
    return {k: v for k, v in document.items() if k not in METADATA_KEYS}


def compiled_ruleset(ruleset, version) -> CompiledRuleSet:
    """``ruleset`` compiled against questionnaire ``version`` (cached when both are published).

    Raises ``scoring.engine.SpecError`` when the rule set does not fit that version.
    """
    key = (ruleset.pk, ruleset.created_at, *_version_key(version))
    compiled = _rulesets.get(key)
    if compiled is None:
        questionnaire, _codes = compiled_questionnaire(version)
        spec = parse_ruleset(engine_document(ruleset.document), questionnaire.spec)
        compiled = compile_ruleset(spec, questionnaire)
        if immutable(ruleset, version):
            _rulesets[key] = compiled
    return compiled


def supplier_profile(organization) -> SupplierProfile:
    """What expressions read as ``supplier.*`` (the questionnaire app's definition)."""
    return profile(organization)


def answer_map(
    rows: Iterable[tuple[int, Any, bool]],
    codes: Mapping[int, str],
    *,
    shared: dict[tuple, AnswerValue] | None = None,
) -> dict[str, AnswerValue]:
    """Engine answers from ``(question_id, value, not_applicable)`` rows.

    ``shared`` (a dict the caller keeps across audits) lets equal answers share one
    ``AnswerValue``, which is immutable: most answers of a bulk re-score are the same few
    choices. Only strings, ints, booleans and null are shared; the type is part of the key, so
    that ``True`` and ``1`` stay apart."""
    answers: dict[str, AnswerValue] = {}
    for question_id, value, not_applicable in rows:
        code = codes.get(question_id)
        if code is None:
            continue
        if not_applicable:
            answers[code] = _NOT_APPLICABLE
        elif shared is not None and type(value) in _SHARED_TYPES:
            key = (type(value), value)
            answer = shared.get(key)
            if answer is None:
                answer = shared[key] = AnswerValue(value=value)
            answers[code] = answer
        else:
            answers[code] = AnswerValue(value=value)
    return answers


_NOT_APPLICABLE = AnswerValue(not_applicable=True)
_SHARED_TYPES = frozenset({str, int, bool, type(None)})
