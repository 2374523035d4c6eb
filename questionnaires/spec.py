"""Questionnaire versions as the scoring engine sees them, compiled once and cached.

``compiled_for_version(version)`` is what audits, scoring and the portal call to know which
questions are visible. Published and retired versions never change, so their compiled form is
kept for the life of the process; a draft is keyed by its content hash (``source_hash``, updated
by every draft edit), so an edit is picked up on the next call. The key also holds ``created_at``
so a reused primary key (test databases) never serves another version's questions.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import TypeVar

from accounts.models import Organization
from questionnaires.models import Question, QuestionnaireVersion
from scoring.engine import (
    CompiledQuestionnaire,
    QuestionnaireSpec,
    QuestionSpec,
    SupplierProfile,
    compile_questionnaire,
)

CACHE_SIZE = 256

_lock = threading.Lock()
_stores: list[OrderedDict] = []


def version_cache() -> OrderedDict:
    """A new store for ``kept_for_version`` (emptied by ``clear_cache``)."""
    store: OrderedDict = OrderedDict()
    _stores.append(store)
    return store


_cache: OrderedDict[tuple, CompiledQuestionnaire] = version_cache()


def _key(version: QuestionnaireVersion) -> tuple:
    return (version.pk, version.created_at, version.source_hash)


def questionnaire_spec_for_version(version: QuestionnaireVersion) -> QuestionnaireSpec:
    """The engine's ``QuestionnaireSpec`` of a stored version (one query)."""
    questions = (
        Question.objects.filter(version=version)
        .order_by("section__position", "position")
        .only(
            "code", "type", "category", "choices", "visible_if", "required", "allow_na", "evidence"
        )
    )
    return QuestionnaireSpec(
        code=version.questionnaire.code,
        version=version.number,
        questions=tuple(
            QuestionSpec(
                code=q.code,
                type=q.type,
                category=q.category,
                choices=tuple(c["value"] for c in q.choices or ()),
                visible_if=q.visible_if or "",
                required=q.required,
                allow_na=q.allow_na,
                evidence=q.evidence,
            )
            for q in questions
        ),
    )


_T = TypeVar("_T")


def kept_for_version(
    store: OrderedDict[tuple, _T], version: QuestionnaireVersion, load: Callable[[], _T], *extra
) -> _T:
    """What ``load()`` makes of ``version`` (with ``extra`` key parts, a language), kept in
    ``store`` for the life of the process like the compiled form: published and retired
    versions never change, a draft's key changes with its content."""
    key = (*_key(version), *extra)
    with _lock:
        found = store.get(key)
        if found is not None:
            store.move_to_end(key)
            return found
    found = load()
    with _lock:
        store[key] = found
        store.move_to_end(key)
        while len(store) > CACHE_SIZE:
            store.popitem(last=False)
    return found


def compiled_for_version(version: QuestionnaireVersion) -> CompiledQuestionnaire:
    """The compiled questionnaire of ``version`` (cached; compiled at most once per content).

    Raises ``scoring.engine.SpecError`` only for a version that was stored without validation.
    """
    return kept_for_version(
        _cache,
        version,
        lambda: compile_questionnaire(questionnaire_spec_for_version(version)),
    )


_questions: OrderedDict[tuple, dict[str, Question]] = version_cache()


def questions_for_version(version: QuestionnaireVersion) -> dict[str, Question]:
    """``{code: Question}`` of ``version`` in questionnaire order, read once and kept like its
    compiled form (same key). The rows are shared: read them, never change them."""

    def load() -> dict[str, Question]:
        rows = Question.objects.filter(version=version).order_by("section__position", "position")
        return {q.code: q for q in rows}

    return kept_for_version(_questions, version, load)


def clear_cache() -> None:
    with _lock:
        for store in _stores:
            store.clear()


def supplier_profile(organization: Organization) -> SupplierProfile:
    """The ``supplier.*`` facts expressions may read: size class, ISO country code, industry."""
    country = organization.country
    return SupplierProfile(
        size_class=organization.size_class or "",
        country=str(getattr(country, "code", country) or ""),
        industry=organization.industry or "",
    )
